// Package events tells live subscribers when a person's web changes. The
// Broker fans changes out without ever blocking a writer (a slow
// subscriber misses events); Store wraps a store and publishes a change for
// every person whose web a successful write touched.
package events

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/careweb/careweb/internal/care"
)

// Broker delivers web changes to subscribers by person.
type Broker struct {
	mu      sync.RWMutex
	subs    map[string]map[chan care.WebChange]struct{}
	dropped atomic.Uint64
	buffer  int
}

var _ care.Subscriber = (*Broker)(nil)

// NewBroker returns a broker whose subscribers each buffer up to buffer
// events before further events to them are dropped.
func NewBroker(buffer int) *Broker {
	if buffer < 1 {
		buffer = 16
	}
	return &Broker{subs: map[string]map[chan care.WebChange]struct{}{}, buffer: buffer}
}

// Subscribe implements care.Subscriber.
func (b *Broker) Subscribe(ctx context.Context, personID string) <-chan care.WebChange {
	ch := make(chan care.WebChange, b.buffer)
	b.mu.Lock()
	if b.subs[personID] == nil {
		b.subs[personID] = map[chan care.WebChange]struct{}{}
	}
	b.subs[personID][ch] = struct{}{}
	b.mu.Unlock()
	go func() {
		<-ctx.Done()
		b.mu.Lock()
		delete(b.subs[personID], ch)
		if len(b.subs[personID]) == 0 {
			delete(b.subs, personID)
		}
		close(ch)
		b.mu.Unlock()
	}()
	return ch
}

// Publish sends c to the subscribers of c.PersonID without blocking.
func (b *Broker) Publish(c care.WebChange) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	for ch := range b.subs[c.PersonID] {
		select {
		case ch <- c:
		default:
			b.dropped.Add(1)
		}
	}
}

// Active reports whether anyone is subscribed to any web.
func (b *Broker) Active() bool {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return len(b.subs) > 0
}

// Subscribers counts the live subscriptions to personID's web.
func (b *Broker) Subscribers(personID string) int {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return len(b.subs[personID])
}

// Dropped counts events not delivered because a subscriber was too slow.
func (b *Broker) Dropped() uint64 { return b.dropped.Load() }

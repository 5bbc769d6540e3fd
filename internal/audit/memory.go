package audit

import (
	"context"
	"crypto/rand"
	"sync"
	"time"

	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/pseudonym"
)

// Memory is a Recorder that keeps events in memory, for other packages'
// tests. It checks events exactly as Log does, so a test that records
// what Log would refuse fails the same way, and it can be told to fail
// like a full disk. The zero value is ready to use. Safe for concurrent
// use.
type Memory struct {
	// Pseudonyms makes Entries' pseudonyms; a random key when nil.
	Pseudonyms *pseudonym.Keyed

	mu      sync.Mutex
	fail    error
	events  []Event
	entries []Entry
}

// Record implements Recorder: it keeps e (with Time set when zero), or
// returns Invalid for a malformed event and Unavailable while told to
// fail; failed records are not kept.
func (m *Memory) Record(ctx context.Context, e Event) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return care.Wrap(care.Unavailable, err, "the access was not recorded: the request ended")
	}
	if m.fail != nil {
		return care.Wrap(care.Unavailable, m.fail, "the access was not recorded: the audit log cannot be written")
	}
	if m.Pseudonyms == nil {
		key := make([]byte, 32)
		rand.Read(key)
		m.Pseudonyms = pseudonym.New(key)
	}
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	en, err := entryOf(e, m.Pseudonyms)
	if err != nil {
		return err
	}
	m.events = append(m.events, e)
	m.entries = append(m.entries, en)
	return nil
}

// Fail makes every later Record fail with Unavailable wrapping err, until
// Fail(nil).
func (m *Memory) Fail(err error) {
	m.mu.Lock()
	m.fail = err
	m.mu.Unlock()
}

// Events returns the events recorded so far, as given (ids in clear, for
// assertions), in order.
func (m *Memory) Events() []Event {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Event(nil), m.events...)
}

// Entries returns the records as Log would keep them, in order.
func (m *Memory) Entries() []Entry {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Entry(nil), m.entries...)
}

package metricsvc

import (
	"context"
	"time"

	"github.com/careweb/careweb/internal/care"
)

// flight is one build, finished or under way, of a cached value.
type flight[T any] struct {
	done chan struct{} // closed when val and err are set
	val  T
	err  error
	gen  uint64    // the Service generation it was started in
	born time.Time // when it was started
}

// fresh reports whether f may still be handed out in generation gen at
// now: started in this generation, not failed, and (once finished) not
// older than maxAge when maxAge is positive.
func (f *flight[T]) fresh(gen uint64, now time.Time, maxAge time.Duration) bool {
	if f.gen != gen {
		return false
	}
	select {
	case <-f.done:
		if f.err != nil {
			return false // failures are not cached: the next caller retries
		}
		return maxAge <= 0 || now.Sub(f.born) <= maxAge
	default:
		return true // under way: join it
	}
}

// wait returns f's result, or an Unavailable error when ctx ends first
// (the build carries on for the next caller).
func (f *flight[T]) wait(ctx context.Context, what string) (T, error) {
	select {
	case <-f.done:
		return f.val, f.err
	case <-ctx.Done():
		var zero T
		return zero, care.Wrap(care.Unavailable, ctx.Err(), "%s is still being computed over the whole population; retry shortly", what)
	}
}

// lru is a tiny least-recently-used map: a handful of entries, so a slice
// scanned linearly beats any cleverer structure.
type lru[K comparable, V any] struct {
	max     int
	keys    []K // most recent first
	entries []V
}

func (l *lru[K, V]) get(k K) (V, bool) {
	for i, key := range l.keys {
		if key == k {
			v := l.entries[i]
			l.touch(i)
			return v, true
		}
	}
	var zero V
	return zero, false
}

// put sets k to v as the most recent entry, evicting the least recent
// beyond max.
func (l *lru[K, V]) put(k K, v V) {
	for i, key := range l.keys {
		if key == k {
			l.entries[i] = v
			l.touch(i)
			return
		}
	}
	l.keys = append([]K{k}, l.keys...)
	l.entries = append([]V{v}, l.entries...)
	if len(l.keys) > l.max {
		l.keys = l.keys[:l.max]
		l.entries = l.entries[:l.max]
	}
}

// touch moves entry i to the front.
func (l *lru[K, V]) touch(i int) {
	k, v := l.keys[i], l.entries[i]
	copy(l.keys[1:i+1], l.keys[:i])
	copy(l.entries[1:i+1], l.entries[:i])
	l.keys[0], l.entries[0] = k, v
}

func (l *lru[K, V]) clear() {
	clear(l.entries) // let the garbage collector have the populations now
	l.keys, l.entries = l.keys[:0], l.entries[:0]
}

func (l *lru[K, V]) len() int { return len(l.keys) }

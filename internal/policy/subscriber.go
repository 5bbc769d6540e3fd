package policy

import (
	"context"

	"github.com/careweb/careweb/internal/care"
)

// Subscriber is a care.Subscriber seen through the policy.
type Subscriber struct {
	next care.Subscriber
	pl   *Policy
}

// Subscriber wraps next so that a subscription to a web needs access to
// the person when it is made and keeps needing it: before each change is
// delivered the decision is taken again, afresh, so a withdrawn consent or
// an ended relationship closes the subscription at the next change.
func (pl *Policy) Subscriber(next care.Subscriber) *Subscriber {
	return &Subscriber{next: next, pl: pl}
}

// Subscribe implements care.Subscriber. A denied subscription gets a
// closed channel; callers check access first (the GraphQL resolver reads
// the person through the policy store, which answers NotFound).
func (s *Subscriber) Subscribe(ctx context.Context, personID string) <-chan care.WebChange {
	out := make(chan care.WebChange, 1)
	if _, err := s.pl.Person(WithRequest(ctx), personID, OpSubscribe); err != nil {
		close(out)
		return out
	}
	ctx, cancel := context.WithCancel(ctx)
	in := s.next.Subscribe(ctx, personID)
	go func() {
		defer close(out)
		defer cancel()
		for ev := range in {
			// A fresh request scope: the decision must not reuse the one
			// made when the subscription opened.
			if _, err := s.pl.Person(WithRequest(ctx), personID, OpSubscribe); err != nil {
				return
			}
			select {
			case out <- ev:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

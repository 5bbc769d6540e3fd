package events

import (
	"context"
	"testing"
	"time"

	"github.com/careweb/careweb/internal/care"
)

func TestBrokerDeliversToThatPersonOnly(t *testing.T) {
	b := NewBroker(4)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ada := b.Subscribe(ctx, "p-ada")
	bob := b.Subscribe(ctx, "p-bob")
	b.Publish(care.WebChange{PersonID: "p-ada", Cause: "CONTACT"})
	select {
	case c := <-ada:
		if c.PersonID != "p-ada" || c.Cause != "CONTACT" {
			t.Fatalf("got %+v", c)
		}
	case <-time.After(time.Second):
		t.Fatal("no event for p-ada")
	}
	select {
	case c := <-bob:
		t.Fatalf("p-bob received %+v", c)
	default:
	}
}

func TestSlowSubscriberDropsWithoutBlocking(t *testing.T) {
	b := NewBroker(2)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch := b.Subscribe(ctx, "p")
	done := make(chan struct{})
	go func() {
		for range 10 {
			b.Publish(care.WebChange{PersonID: "p"})
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("Publish blocked on a subscriber that does not read")
	}
	if len(ch) != 2 || b.Dropped() != 8 {
		t.Fatalf("buffered %d, dropped %d; want 2 and 8", len(ch), b.Dropped())
	}
}

func TestCancelUnsubscribesAndCloses(t *testing.T) {
	b := NewBroker(1)
	ctx, cancel := context.WithCancel(context.Background())
	ch := b.Subscribe(ctx, "p")
	if !b.Active() || b.Subscribers("p") != 1 {
		t.Fatal("subscription not registered")
	}
	cancel()
	select {
	case _, ok := <-ch:
		if ok {
			t.Fatal("channel delivered instead of closing")
		}
	case <-time.After(2 * time.Second):
		t.Fatal("channel not closed after cancel")
	}
	if b.Active() || b.Subscribers("p") != 0 {
		t.Fatal("still subscribed after cancel")
	}
	b.Publish(care.WebChange{PersonID: "p"}) // must not panic on a closed channel
}

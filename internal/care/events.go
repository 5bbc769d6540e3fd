package care

import (
	"context"
	"time"
)

// WebChange says that something in a person's web changed.
type WebChange struct {
	PersonID string
	At       time.Time
	// Cause is the kind of write: NODE, RELATIONSHIP, CONTACT, REFERRAL or DELETE.
	Cause string
}

// Subscriber delivers web changes to live subscribers.
type Subscriber interface {
	// Subscribe returns a channel of changes to personID's web, closed when
	// ctx ends. Slow receivers miss events rather than block writers.
	Subscribe(ctx context.Context, personID string) <-chan WebChange
}

package neo4j

import (
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/careweb/careweb/internal/care"
)

// TestEventSpecProps checks that the properties each event spec creates
// inline are exactly those its rows carry, so that none is dropped.
func TestEventSpecProps(t *testing.T) {
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		spec  *eventSpec
		props map[string]any
	}{
		{&contactSpec, contactProps(care.Contact{ID: "k", At: at, Mode: care.ModePhone, Setting: "home"})},
		{&referralSpec, referralProps(care.Referral{ID: "r", At: at, Reason: "why"})},
	} {
		got := slices.Sorted(slices.Values(tc.spec.props))
		want := slices.Sorted(maps.Keys(tc.props))
		if !slices.Equal(got, want) {
			t.Errorf("%s spec creates %q, its rows carry %q", tc.spec.label, got, want)
		}
	}
}

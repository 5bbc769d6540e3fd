package neo4j

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/careweb/careweb/internal/care"
)

// TestEventSpecProps checks that the properties each event spec creates
// inline are exactly those its rows carry, so that none is dropped.
func TestEventSpecProps(t *testing.T) {
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	props := referralProps(care.Referral{ID: "r", At: at, Reason: "why"})
	got := slices.Sorted(slices.Values(referralSpec.props))
	want := slices.Sorted(maps.Keys(props))
	if !slices.Equal(got, want) {
		t.Errorf("%s spec creates %q, its rows carry %q", referralSpec.label, got, want)
	}
}

// TestContactProps checks the same of contacts: contactCreate writes
// exactly contactProps' keys (a contact with every optional field set),
// and contactReset, which sets the whole map, needs no list.
func TestContactProps(t *testing.T) {
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	props := contactProps(care.Contact{ID: "k", At: at, Mode: care.ModePhone, Setting: "home", Organisation: "o"})
	got := slices.Sorted(slices.Values(contactPropNames))
	want := slices.Sorted(maps.Keys(props))
	if !slices.Equal(got, want) {
		t.Errorf("contactCreate writes %q, its rows carry %q", got, want)
	}
	for _, p := range want {
		if !strings.Contains(contactCreate, p+": row.props."+p) {
			t.Errorf("contactCreate does not write %q:\n%s", p, contactCreate)
		}
	}
}

package neo4j

import (
	"fmt"
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
	for i, p := range contactPropNames {
		if !strings.Contains(contactCreate, fmt.Sprintf("%s: row[%d]", p, i)) {
			t.Errorf("contactCreate does not write %q from row[%d]:\n%s", p, i, contactCreate)
		}
	}
	row := (&applier{}).createRow(care.Contact{ID: "k", Person: "p", Professional: "pro", At: at, Mode: care.ModePhone, Setting: "home", Organisation: "o"})
	for i, p := range contactPropNames {
		if row[i] != props[p] {
			t.Errorf("createRow[%d] = %v, want %s %v", i, row[i], p, props[p])
		}
	}
	if got := row[len(contactPropNames)+2:]; got[0] != "p" || got[1] != "pro" {
		t.Errorf("createRow ends with %v, want the person's and professional's ids", got)
	}
}

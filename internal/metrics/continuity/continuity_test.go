package continuity_test

import (
	"testing"

	"github.com/careweb/careweb/internal/metrics/continuity"
	"github.com/careweb/careweb/internal/metrics/measure"
)

func TestUsualProviderTieBreak(t *testing.T) {
	tests := []struct {
		name         string
		seq          []int
		coordinators []int
		want         int
		ok           bool
	}{
		{"empty", nil, nil, 0, false},
		{"most seen wins over coordinator", []int{1, 1, 2}, []int{2}, 1, true},
		{"coordinator among tied", []int{1, 2, 1, 2, 3}, []int{1}, 1, true},
		{"latest contact among tied", []int{1, 2, 1, 2, 3}, nil, 2, true},
		{"coordinator not tied is ignored", []int{1, 2, 1, 2, 3}, []int{3}, 2, true},
		{"two tied coordinators fall to latest", []int{5, 6, 6, 5, 7}, []int{6, 5}, 5, true},
		{"negative codes are providers", []int{-4, -4, 9}, nil, -4, true},
	}
	for _, tt := range tests {
		got, ok := continuity.UsualProvider(tt.seq, tt.coordinators)
		if got != tt.want || ok != tt.ok {
			t.Errorf("%s: UsualProvider(%v, %v) = %d, %v, want %d, %v", tt.name, tt.seq, tt.coordinators, got, ok, tt.want, tt.ok)
		}
	}
	r := continuity.Compute([]int{1, 2, 1, 2}, continuity.Options{Coordinators: []int{1}, WindowOnlyKPC: true})
	if r.UsualProvider != 1 {
		t.Errorf("Compute ignored Options.Coordinators: usual = %d, want 1", r.UsualProvider)
	}
}

func TestKPCContract(t *testing.T) {
	seq := []int{1, 2, 1}
	tests := []struct {
		name    string
		days    []int64
		history []continuity.Contact
		look    int
		want    measure.Value
	}{
		{"no dates", nil, nil, 0, measure.Undefined(measure.NoDates)},
		{"length mismatch", []int64{1, 2}, nil, 0, measure.Undefined(measure.InvalidInput)},
		{"days out of order", []int64{1, 3, 2}, nil, 0, measure.Undefined(measure.InvalidInput)},
		{"history after window start", []int64{1, 2, 3}, []continuity.Contact{{Provider: 1, Day: 5}}, 0, measure.Undefined(measure.InvalidInput)},
		{"365 days is still known", []int64{0, 1, 365}, nil, 0, measure.Ratio(1, 3)},
		{"366 days is not", []int64{0, 1, 366}, nil, 0, measure.Ratio(0, 3)},
		{"custom look-back", []int64{0, 1, 20}, nil, 10, measure.Ratio(0, 3)},
		{"history makes the first known", []int64{10, 11, 12}, []continuity.Contact{{Provider: 1, Day: 3}, {Provider: 2, Day: 4}}, 0, measure.Ratio(3, 3)},
		{"same day earlier contact is known", []int64{5, 5, 5}, nil, 0, measure.Ratio(1, 3)},
	}
	for _, tt := range tests {
		if got := continuity.KPC(seq, tt.days, tt.history, tt.look); got != tt.want {
			t.Errorf("%s: KPC = %v, want %v", tt.name, got, tt.want)
		}
	}
	if got := continuity.KPC(nil, nil, nil, 0); got.Reason != measure.NoContacts {
		t.Errorf("KPC of no contacts = %v, want NO_CONTACTS", got)
	}
	// Invalid input is not hidden by the minContacts gate.
	r := continuity.Compute([]int{1}, continuity.Options{Days: []int64{1, 2}})
	if r.KPC.Reason != measure.InvalidInput {
		t.Errorf("Compute KPC with mismatched days = %v, want INVALID_INPUT", r.KPC)
	}
}

func TestPracticeEdgeCases(t *testing.T) {
	if v := continuity.SLICC(nil); v.Reason != measure.NoContacts {
		t.Errorf("SLICC(nil) = %v", v)
	}
	if v := continuity.OPR([]continuity.Listed{{Named: 1, Seq: []int{2}}}, []int{1}); v.Reason != measure.NoContacts {
		t.Errorf("OPR of a professional with no contacts = %v", v)
	}
	if v := continuity.PooledUPC([][]int{{1}}, 2); v.Reason != measure.NoContacts {
		t.Errorf("PooledUPC with nobody eligible = %v", v)
	}
	if v := continuity.NamedUPC([]int{1, 2}, 3); !v.Defined || v.V != 0 {
		t.Errorf("NamedUPC of an unseen named provider = %v, want 0", v)
	}
}

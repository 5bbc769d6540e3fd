package fragmentation

import (
	"github.com/careweb/careweb/internal/metrics/continuity"
	"github.com/careweb/careweb/internal/metrics/measure"
)

// FCI returns the Fragmentation of Care Index of seq, a sequence of
// contacts as organisation codes in time order (METRICS-REFERENCE Part 1
// rule 8; Liu, Einstadter & Cebul 2010):
//
//	FCI = 1 − COC = 1 − (Σ n_j² − N)/(N(N − 1))
//
// Range [0, 1]: 0 when all contacts are with one organisation, 1 when each
// is with a different one. Undefined: NoContacts (N = 0), BelowMinContacts
// (N < minContacts; 0 or less means continuity.DefaultMinContacts),
// SingleContact (N = 1 with minContacts 1). The same formula applies at any
// level; Part 1 fixes the organisation level for the reported FCI.
func FCI(seq []int, minContacts int) measure.Value {
	if minContacts <= 0 {
		minContacts = continuity.DefaultMinContacts
	}
	return measure.AtLeast(fci(continuity.Count(seq)), len(seq), minContacts)
}

func fci(t continuity.Tally) measure.Value {
	switch t.N {
	case 0:
		return measure.Undefined(measure.NoContacts)
	case 1:
		return measure.Undefined(measure.SingleContact)
	}
	n := int64(t.N)
	return measure.Ratio(n*(n-1)-(t.SumSquares-n), n*(n-1))
}

// ReducedFCI returns the reduced Fragmentation of Care Index [PROPOSAL]:
// FCI computed after removing the contacts with the usual provider
// (continuity.UsualProvider). It measures how scattered care is outside the
// person's hub. Tied most-seen providers have equal counts, so the
// remaining counts, and the value, do not depend on the tie-break; no
// coordinator is needed. Undefined: NoContacts (N = 0), BelowMinContacts
// (N < minContacts, as FCI), TooFewRemaining (fewer than two contacts left).
func ReducedFCI(seq []int, minContacts int) measure.Value {
	if minContacts <= 0 {
		minContacts = continuity.DefaultMinContacts
	}
	if len(seq) == 0 {
		return measure.Undefined(measure.NoContacts)
	}
	if len(seq) < minContacts {
		return measure.Undefined(measure.BelowMinContacts)
	}
	u, _ := continuity.UsualProvider(seq, nil)
	rest := make([]int, 0, len(seq))
	for _, p := range seq {
		if p != u {
			rest = append(rest, p)
		}
	}
	if len(rest) < 2 {
		return measure.Undefined(measure.TooFewRemaining)
	}
	return fci(continuity.Count(rest))
}

// Distinct returns the number of distinct codes in codes, ignoring
// negative ones (unknown: a professional with no organisation, an
// organisation with no sector). It is the count of distinct professionals,
// organisations or sectors (METRICS-REFERENCE Part 1 rule 12; §2.2), so it
// is never undefined: 0 is a correct answer.
func Distinct(codes []int) int {
	seen := make(map[int]struct{}, len(codes))
	for _, c := range codes {
		if c >= 0 {
			seen[c] = struct{}{}
		}
	}
	return len(seen)
}

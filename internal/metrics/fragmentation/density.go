package fragmentation

import (
	"fmt"
	"slices"

	"github.com/careweb/careweb/internal/metrics/measure"
)

// Sharing is a patient-sharing network: the projection onto providers of
// the bipartite person–provider contact graph, w(a, b) = the number of
// distinct persons who had contacts with both a and b (Pollack et al.
// 2013; repeat contacts add nothing).
type Sharing struct {
	w map[uint64]int64
}

// NewSharing builds the patient-sharing network from the provider sets of
// each person: people[i] is the providers person i had contacts with in
// the window (repeats are ignored). The error says which provider code is
// negative or too large (codes must fit in 31 bits).
func NewSharing(people [][]int) (*Sharing, error) {
	s := &Sharing{w: make(map[uint64]int64)}
	for i, ps := range people {
		set := slices.Clone(ps)
		slices.Sort(set)
		set = slices.Compact(set)
		for _, p := range set {
			if p < 0 || p > 1<<31-1 {
				return nil, fmt.Errorf("fragmentation: person %d has provider code %d outside 0..2³¹−1", i, p)
			}
		}
		for x, a := range set {
			for _, b := range set[x+1:] {
				s.w[pairKey(a, b)]++
			}
		}
	}
	return s, nil
}

func pairKey(a, b int) uint64 {
	if a > b {
		a, b = b, a
	}
	return uint64(a)<<32 | uint64(b)
}

// Weight returns w(a, b); 0 for a = b or unrelated providers.
func (s *Sharing) Weight(a, b int) int64 {
	if s == nil || a == b || a < 0 || b < 0 {
		return 0
	}
	return s.w[pairKey(a, b)]
}

// Pairs returns the number of provider pairs with a positive weight (the
// edges of the patient-sharing network).
func (s *Sharing) Pairs() int {
	if s == nil {
		return 0
	}
	return len(s.w)
}

// CareDensity returns the care density of a person (Pollack CE, Weissman
// GE, Lemke KW, Hussey PS, Weiner JP. J Gen Intern Med 2013;28(3):459–465;
// METRICS-REFERENCE Part 1 rule 13):
//
//	CD = Σ_{ {a,b} ⊆ P } w(a, b) / (n(n − 1)/2)
//
// over the person's provider set P (providers; repeats ignored), n = |P|,
// with w the population's patient-sharing weight (e.g. Sharing.Weight).
// The person is counted in every w(a, b) of their own providers, so CD ≥ 1
// whenever defined; range [1, ∞), comparable only within one population.
// Undefined: TooFewProviders for n < 2; InvalidInput for a nil w.
func CareDensity(providers []int, w func(a, b int) int64) measure.Value {
	set, sum, v := sharedSum(providers, w)
	if !v.Defined {
		return v
	}
	n := int64(len(set))
	return measure.Ratio(2*sum, n*(n-1))
}

// LeaveOneOutCareDensity returns care density with the person themself left
// out of every weight [PROPOSAL, for small webs where the index person
// dominates]: Σ (w(a, b) − 1) / (n(n − 1)/2) = CD − 1. Range [0, ∞).
// Undefined as CareDensity.
func LeaveOneOutCareDensity(providers []int, w func(a, b int) int64) measure.Value {
	set, sum, v := sharedSum(providers, w)
	if !v.Defined {
		return v
	}
	n := int64(len(set))
	return measure.Ratio(2*sum-n*(n-1), n*(n-1))
}

// sharedSum returns the provider set and Σ w over its pairs, or an
// undefined Value.
func sharedSum(providers []int, w func(a, b int) int64) ([]int, int64, measure.Value) {
	if w == nil {
		return nil, 0, measure.Undefined(measure.InvalidInput)
	}
	set := slices.Clone(providers)
	slices.Sort(set)
	set = slices.Compact(set)
	if len(set) < 2 {
		return nil, 0, measure.Undefined(measure.TooFewProviders)
	}
	var sum int64
	for i, a := range set {
		for _, b := range set[i+1:] {
			sum += w(a, b)
		}
	}
	return set, sum, measure.Of(0)
}

// FragmentedCareDensity returns the fragmented care density of a person
// (Engels A, Konnopka C, Henken E, Härter M, König HH. BMC Med Res Methodol
// 2024;24:1):
//
//	FCD = Σ_{ {a,b} ⊆ P } ω(t(a), t(b)) · w(a, b) / (n(n − 1)/2)
//
// where typeOf[p] is provider p's type (for CareWeb, naturally its sector)
// and omega[t][u] the weight of a t–u connection, a symmetric matrix the
// caller supplies (Engels et al. estimate it by regression on an outcome).
// All ω = 1 gives CareDensity. Undefined: TooFewProviders for n < 2;
// InvalidInput for a nil w, a provider outside typeOf, a type outside
// omega, or ω(t, u) ≠ ω(u, t) for a pair used.
func FragmentedCareDensity(providers []int, w func(a, b int) int64, typeOf []int, omega [][]float64) measure.Value {
	if w == nil {
		return measure.Undefined(measure.InvalidInput)
	}
	set := slices.Clone(providers)
	slices.Sort(set)
	set = slices.Compact(set)
	if len(set) < 2 {
		return measure.Undefined(measure.TooFewProviders)
	}
	weight := func(a, b int) (float64, bool) {
		if a < 0 || b < 0 || a >= len(typeOf) || b >= len(typeOf) {
			return 0, false
		}
		t, u := typeOf[a], typeOf[b]
		if t < 0 || u < 0 || t >= len(omega) || u >= len(omega) || u >= len(omega[t]) || t >= len(omega[u]) {
			return 0, false
		}
		if omega[t][u] != omega[u][t] {
			return 0, false
		}
		return omega[t][u], true
	}
	var sum float64
	for i, a := range set {
		for _, b := range set[i+1:] {
			om, ok := weight(a, b)
			if !ok {
				return measure.Undefined(measure.InvalidInput)
			}
			sum += om * float64(w(a, b))
		}
	}
	n := float64(len(set))
	return measure.Of(2 * sum / (n * (n - 1)))
}

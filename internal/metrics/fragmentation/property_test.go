package fragmentation_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/graph/network"
	"gonum.org/v1/gonum/graph/path"
	"gonum.org/v1/gonum/graph/simple"
	"gonum.org/v1/gonum/graph/topo"

	"github.com/careweb/careweb/internal/metrics/fragmentation"
	"github.com/careweb/careweb/internal/metrics/measure"
	"github.com/careweb/careweb/internal/metrics/ugraph"
)

// randomGraph draws G(n, p) with n in 0..12 and a random density, and
// returns it as a ugraph and as a gonum graph.
func randomGraph(t *testing.T, r *rand.Rand) (*ugraph.Graph, *simple.UndirectedGraph) {
	t.Helper()
	n := r.IntN(13)
	p := r.Float64()
	gg := simple.NewUndirectedGraph()
	for v := 0; v < n; v++ {
		gg.AddNode(simple.Node(v))
	}
	var es []ugraph.Edge
	for u := 0; u < n; u++ {
		for v := u + 1; v < n; v++ {
			if r.Float64() < p {
				es = append(es, ugraph.Edge{U: u, V: v})
				gg.SetEdge(simple.Edge{F: simple.Node(u), T: simple.Node(v)})
			}
		}
	}
	g, err := ugraph.New(n, es)
	if err != nil {
		t.Fatal(err)
	}
	return g, gg
}

// TestBorgattiAgainstGonum cross-checks F with gonum's connected components
// and DF with gonum's harmonic centrality (DF = 1 − Σ_v H(v)/(n(n − 1))),
// on 2,000 seeded random graphs, and checks the ranges and end points of
// §2.4.
func TestBorgattiAgainstGonum(t *testing.T) {
	r := rand.New(rand.NewPCG(2006, 21))
	for i := 0; i < 2000; i++ {
		g, gg := randomGraph(t, r)
		n := float64(g.Order())
		f, df := fragmentation.Borgatti(g), fragmentation.DistanceWeighted(g)
		if g.Order() < 2 {
			if f.Reason != measure.TooFewNodes || df.Reason != measure.TooFewNodes {
				t.Fatalf("n = %d: F, DF = %v, %v, want null (TOO_FEW_NODES)", g.Order(), f, df)
			}
			continue
		}
		var reach float64
		for _, c := range topo.ConnectedComponents(gg) {
			reach += float64(len(c) * (len(c) - 1))
		}
		if want := 1 - reach/(n*(n-1)); math.Abs(f.V-want) > 1e-12 {
			t.Errorf("graph %v: F = %v, gonum components give %v", g.Edges(), f.V, want)
		}
		var harmonic float64
		for _, h := range network.Harmonic(gg, path.DijkstraAllPaths(gg)) {
			harmonic += h
		}
		if want := 1 - harmonic/(n*(n-1)); math.Abs(df.V-want) > 1e-12 {
			t.Errorf("graph %v: DF = %v, gonum harmonic gives %v", g.Edges(), df.V, want)
		}
		if f.V < 0 || f.V > 1 || df.V < 0 || df.V > 1 || df.V < f.V-1e-12 {
			t.Errorf("graph %v: want 0 ≤ F = %v ≤ DF = %v ≤ 1", g.Edges(), f.V, df.V)
		}
		connected := len(g.Components()) == 1
		complete := g.Size() == g.Order()*(g.Order()-1)/2
		if (f.V == 0) != connected || (math.Abs(df.V) < 1e-15) != complete {
			t.Errorf("graph %v: F = %v (connected %v), DF = %v (complete %v)", g.Edges(), f.V, connected, df.V, complete)
		}
	}
}

// TestCareDensityProperties checks, on random populations, CD against a
// brute-force count of shared persons, CD ≥ 1, leave-one-out = CD − 1, and
// FCD = CD when every ω is 1.
func TestCareDensityProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(2013, 459))
	for i := 0; i < 200; i++ {
		people := make([][]int, 1+r.IntN(20))
		for p := range people {
			for k := r.IntN(6); k > 0; k-- {
				people[p] = append(people[p], r.IntN(8))
			}
		}
		share, err := fragmentation.NewSharing(people)
		if err != nil {
			t.Fatal(err)
		}
		ones := [][]float64{{1, 1}, {1, 1}}
		typeOf := []int{0, 1, 0, 1, 0, 1, 0, 1}
		for _, ps := range people {
			cd := fragmentation.CareDensity(ps, share.Weight)
			set := map[int]bool{}
			for _, p := range ps {
				set[p] = true
			}
			if len(set) < 2 {
				if cd.Reason != measure.TooFewProviders {
					t.Errorf("%v: CD = %v, want null (TOO_FEW_PROVIDERS)", ps, cd)
				}
				continue
			}
			var sum, pairs float64
			for a := range set {
				for b := range set {
					if a < b {
						pairs++
						for _, qs := range people { // brute force: persons who saw both
							if contains(qs, a) && contains(qs, b) {
								sum++
							}
						}
					}
				}
			}
			if want := sum / pairs; math.Abs(cd.V-want) > 1e-12 || cd.V < 1 {
				t.Errorf("%v: CD = %v, brute force %v (and CD ≥ 1)", ps, cd, want)
			}
			if loo := fragmentation.LeaveOneOutCareDensity(ps, share.Weight); math.Abs(loo.V-(cd.V-1)) > 1e-12 {
				t.Errorf("%v: leave-one-out %v ≠ CD − 1 = %v", ps, loo, cd.V-1)
			}
			if fcd := fragmentation.FragmentedCareDensity(ps, share.Weight, typeOf, ones); math.Abs(fcd.V-cd.V) > 1e-12 {
				t.Errorf("%v: FCD with ω = 1 is %v, CD %v", ps, fcd, cd)
			}
		}
	}
}

func contains(s []int, x int) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

func TestContracts(t *testing.T) {
	if _, err := fragmentation.NewSharing([][]int{{1, -2}}); err == nil {
		t.Error("NewSharing with a negative code: no error")
	}
	w := func(a, b int) int64 { return 1 }
	tests := []struct {
		name string
		got  measure.Value
		want measure.Reason
	}{
		{"CD nil weight", fragmentation.CareDensity([]int{1, 2}, nil), measure.InvalidInput},
		{"CD one provider twice", fragmentation.CareDensity([]int{1, 1}, w), measure.TooFewProviders},
		{"FCD provider without type", fragmentation.FragmentedCareDensity([]int{0, 5}, w, []int{0}, [][]float64{{1}}), measure.InvalidInput},
		{"FCD type outside omega", fragmentation.FragmentedCareDensity([]int{0, 1}, w, []int{0, 3}, [][]float64{{1}}), measure.InvalidInput},
		{"FCD asymmetric omega", fragmentation.FragmentedCareDensity([]int{0, 1}, w, []int{0, 1}, [][]float64{{1, 2}, {3, 1}}), measure.InvalidInput},
		{"FCD ragged omega", fragmentation.FragmentedCareDensity([]int{0, 1}, w, []int{1, 1}, [][]float64{{1, 2}, {2}}), measure.InvalidInput},
		{"F of nil graph", fragmentation.Borgatti(nil), measure.TooFewNodes},
		{"bridging share, wrong lengths", fragmentation.CarerBridgingShare(nil, []fragmentation.Kind{fragmentation.Carer}, nil), measure.InvalidInput},
	}
	for _, tt := range tests {
		if tt.got.Defined || tt.got.Reason != tt.want {
			t.Errorf("%s = %v, want null (%s)", tt.name, tt.got, tt.want)
		}
	}

	g, _ := ugraph.New(3, []ugraph.Edge{{U: 0, V: 1}, {U: 0, V: 2}})
	P, C, Pr := fragmentation.Person, fragmentation.Carer, fragmentation.Professional
	bad := []fragmentation.Web{
		{Graph: g, Kind: []fragmentation.Kind{P, Pr}, Organisation: []int{0, 0, 0}},
		{Graph: g, Kind: []fragmentation.Kind{P, Pr, 9}, Organisation: []int{0, 0, 0}},
		{Graph: g, Kind: []fragmentation.Kind{Pr, Pr, C}, Organisation: []int{0, 0, 0}},
		{Graph: g, Kind: []fragmentation.Kind{P, P, Pr}, Organisation: []int{0, 0, 0}},
	}
	for i, w := range bad {
		if _, err := fragmentation.AnalyseWeb(w); err == nil {
			t.Errorf("bad web %d: no error", i)
		}
	}
	// A person with one professional: every graph is too small, and there
	// are no pairs to bridge.
	res, err := fragmentation.AnalyseWeb(fragmentation.Web{Graph: g, Kind: []fragmentation.Kind{P, Pr, C}, Organisation: []int{-1, 0, -1}})
	if err != nil {
		t.Fatal(err)
	}
	if res.ProfessionalFragmentation.Reason != measure.TooFewNodes || res.CarerDependency.Reason != measure.TooFewNodes ||
		res.CarerBridgingShare.Reason != measure.NoPairs || !res.NetworkFragmentation.Defined || res.NetworkFragmentation.V != 1 {
		t.Errorf("one professional and one carer, unlinked: %+v", res)
	}
	// Professionals with unknown organisations are left out of the pairs.
	g4, _ := ugraph.New(4, []ugraph.Edge{{U: 0, V: 1}, {U: 0, V: 2}, {U: 0, V: 3}, {U: 3, V: 1}, {U: 3, V: 2}})
	share := fragmentation.CarerBridgingShare(g4, []fragmentation.Kind{P, Pr, Pr, C}, []int{-1, 1, -1, -1})
	if share.Reason != measure.NoPairs {
		t.Errorf("bridging share with an unknown organisation = %v, want NO_PAIRS", share)
	}
	share = fragmentation.CarerBridgingShare(g4, []fragmentation.Kind{P, Pr, Pr, C}, []int{-1, 1, 2, -1})
	oneOf := measure.Ratio(1, 1)
	if share != oneOf {
		t.Errorf("bridging share of two professionals joined by a carer = %v, want 1", share)
	}
}

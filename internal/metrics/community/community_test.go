package community_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/careweb/careweb/internal/csr"
	"github.com/careweb/careweb/internal/metrics/community"
	"github.com/careweb/careweb/internal/metrics/measure"
)

// ringOfCliques: k cliques of size s, clique i joined to clique i+1 by one
// edge. Louvain's textbook case: the cliques are the communities.
func ringOfCliques(t *testing.T, k, s int, weighted bool) *csr.Graph {
	t.Helper()
	var es []csr.Edge
	for c := range k {
		base := int32(c * s)
		for i := range int32(s) {
			for j := i + 1; j < int32(s); j++ {
				es = append(es, csr.Edge{U: base + i, V: base + j, W: 2})
			}
		}
		es = append(es, csr.Edge{U: base, V: int32(((c + 1) % k) * s), W: 1})
	}
	g, _, err := csr.FromEdges(k*s, es, csr.Options{Weighted: weighted})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestModularityKnownValues(t *testing.T) {
	// Two triangles joined by one edge, split into the triangles:
	// m = 7, L = 3 + 3, k = 7 + 7: Q = 6/7 − 2·(7/14)² = 5/14.
	g, _, _ := csr.FromEdges(6, []csr.Edge{{U: 0, V: 1, W: 1}, {U: 1, V: 2, W: 1}, {U: 2, V: 0, W: 1}, {U: 3, V: 4, W: 1}, {U: 4, V: 5, W: 1}, {U: 5, V: 3, W: 1}, {U: 2, V: 3, W: 1}}, csr.Options{})
	split := []int32{7, 7, 7, 2, 2, 2} // any labels
	if q := community.Modularity(g, split, 1); !q.Defined || math.Abs(q.V-5.0/14) > 1e-15 {
		t.Errorf("Q = %v, want 5/14", q)
	}
	// γ = 0.5: 6/7 − 0.5·0.5 = 17/28.
	if q := community.Modularity(g, split, 0.5); math.Abs(q.V-17.0/28) > 1e-15 {
		t.Errorf("Q(γ=0.5) = %v, want 17/28", q)
	}
	// One group: 1 − γ.
	if q := community.Modularity(g, make([]int32, 6), 1); q != measure.Of(0) {
		t.Errorf("one group: %v", q)
	}
	// Undefined cases.
	empty, _, _ := csr.FromEdges(3, nil, csr.Options{})
	for name, q := range map[string]measure.Value{
		"no edges":       community.Modularity(empty, []int32{0, 1, 2}, 1),
		"short":          community.Modularity(g, []int32{0}, 1),
		"negative label": community.Modularity(g, []int32{0, 0, 0, -1, 1, 1}, 1),
		"bad resolution": community.Modularity(g, split, math.NaN()),
	} {
		want := measure.InvalidInput
		if name == "no edges" {
			want = measure.NoEdges
		}
		if q.Defined || q.Reason != want {
			t.Errorf("%s: %v, want %s", name, q, want)
		}
	}
}

func TestLouvainFindsCliques(t *testing.T) {
	for _, weighted := range []bool{false, true} {
		g := ringOfCliques(t, 12, 5, weighted)
		p := community.Louvain(g, 1, rand.New(rand.NewPCG(1, 2)))
		if p.Count != 12 {
			t.Fatalf("weighted=%v: %d communities, want the 12 cliques", weighted, p.Count)
		}
		for v, c := range p.Membership {
			if c != int32(v/5) {
				t.Fatalf("weighted=%v: node %d in community %d, want %d", weighted, v, c, v/5)
			}
		}
		if want := community.Modularity(g, p.Membership, 1); p.Q != want || !p.Q.Defined {
			t.Errorf("Q = %v, Modularity says %v", p.Q, want)
		}
	}
}

func TestLouvainDeterministicAndResolution(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	var es []csr.Edge
	for range 3000 {
		es = append(es, csr.Edge{U: int32(rng.IntN(600)), V: int32(rng.IntN(600))})
	}
	g, _, _ := csr.FromEdges(600, es, csr.Options{})
	a := community.Louvain(g, 1, rand.New(rand.NewPCG(42, 0)))
	b := community.Louvain(g, 1, rand.New(rand.NewPCG(42, 0)))
	if !slices.Equal(a.Membership, b.Membership) || a.Q != b.Q {
		t.Error("the same seed gave different partitions")
	}
	if a.Q.V < 0.25 {
		t.Errorf("Q = %v on a sparse random graph; NetworkX finds about 0.28 on graphs of this density", a.Q)
	}
	hi := community.Louvain(g, 3, rand.New(rand.NewPCG(42, 0)))
	if hi.Count <= a.Count {
		t.Errorf("γ = 3 gave %d communities, γ = 1 gave %d: higher resolution must split more", hi.Count, a.Count)
	}
	// Canonical numbering: community ids appear in order of smallest node.
	next := int32(0)
	for _, c := range a.Membership {
		if c > next {
			t.Fatalf("community %d appears before %d", c, next)
		}
		if c == next {
			next++
		}
	}
	if int(next) != a.Count {
		t.Errorf("Count %d, ids used %d", a.Count, next)
	}
}

func TestLouvainEdgeCases(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	empty, _, _ := csr.FromEdges(4, nil, csr.Options{})
	p := community.Louvain(empty, 1, rng)
	if p.Count != 4 || p.Q.Reason != measure.NoEdges {
		t.Errorf("edgeless: %+v", p)
	}
	var nilGraph *csr.Graph
	if p := community.Louvain(nilGraph, 1, rng); p.Count != 0 || p.Q.Defined {
		t.Errorf("nil graph: %+v", p)
	}
	g, _, _ := csr.FromEdges(2, []csr.Edge{{U: 0, V: 1, W: 1}}, csr.Options{})
	if p := community.Louvain(g, -1, rng); p.Q.Reason != measure.InvalidInput {
		t.Errorf("negative resolution: %+v", p)
	}
}

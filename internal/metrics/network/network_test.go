package network_test

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/careweb/careweb/internal/csr"
	"github.com/careweb/careweb/internal/metrics/measure"
	"github.com/careweb/careweb/internal/metrics/network"
	gonumnet "gonum.org/v1/gonum/graph/network"
)

func graph(t *testing.T, n int, edges ...[2]int32) *csr.Graph {
	t.Helper()
	es := make([]csr.Edge, len(edges))
	for i, e := range edges {
		es[i] = csr.Edge{U: e[0], V: e[1]}
	}
	g, _, err := csr.FromEdges(n, es, csr.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestBetweennessMatchesGonum checks the CSR kernel against gonum's
// independent Brandes implementation, which counts ordered pairs (2×).
func TestBetweennessMatchesGonum(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		g := gnm(300, 900+int(seed)*300, seed)
		ours, err := network.Betweenness(context.Background(), g, 3)
		if err != nil {
			t.Fatal(err)
		}
		theirs := gonumnet.Betweenness(toGonum(g))
		for v, b := range ours {
			if want := theirs[int64(v)] / 2; math.Abs(b-want) > 1e-9*math.Max(1, want) {
				t.Fatalf("seed %d node %d: %v, gonum/2 %v", seed, v, b, want)
			}
		}
	}
}

// TestBetweennessDeterministic: the same worker count gives the same bits;
// other counts agree to rounding.
func TestBetweennessDeterministic(t *testing.T) {
	g := gnm(400, 2000, 9)
	ctx := context.Background()
	a, _ := network.Betweenness(ctx, g, 2)
	b, _ := network.Betweenness(ctx, g, 2)
	if !slices.Equal(a, b) {
		t.Error("two runs with 2 workers differ")
	}
	for _, w := range []int{1, 3, 7, 1000} {
		c, _ := network.Betweenness(ctx, g, w)
		for v := range c {
			if math.Abs(c[v]-a[v]) > 1e-9*math.Max(1, a[v]) {
				t.Fatalf("%d workers: node %d %v, 2 workers %v", w, v, c[v], a[v])
			}
		}
	}
}

func TestBetweennessSmallCases(t *testing.T) {
	ctx := context.Background()
	// Star with centre 0 and 4 leaves: the centre lies on all C(4,2) = 6 leaf pairs.
	star := graph(t, 5, [2]int32{0, 1}, [2]int32{0, 2}, [2]int32{0, 3}, [2]int32{0, 4})
	b, _ := network.Betweenness(ctx, star, 0)
	if !slices.Equal(b, []float64{6, 0, 0, 0, 0}) {
		t.Errorf("star: %v", b)
	}
	nb := network.NormalisedBetweenness(b)
	if nb[0] != measure.Of(1) || nb[1] != measure.Of(0) {
		t.Errorf("star normalised: %v", nb)
	}
	// A 4-cycle: each node is on half the paths of the opposite pair.
	cyc := graph(t, 4, [2]int32{0, 1}, [2]int32{1, 2}, [2]int32{2, 3}, [2]int32{3, 0})
	b, _ = network.Betweenness(ctx, cyc, 0)
	if !slices.Equal(b, []float64{0.5, 0.5, 0.5, 0.5}) {
		t.Errorf("4-cycle: %v", b)
	}
	for _, n := range []int{0, 1, 2} {
		g := graph(t, n)
		b, err := network.Betweenness(ctx, g, 0)
		if err != nil || len(b) != n {
			t.Errorf("n=%d: %v %v", n, b, err)
		}
		for _, x := range network.NormalisedBetweenness(b) {
			if x.Defined || x.Reason != measure.TooFewNodes {
				t.Errorf("n=%d normalised = %v, want TOO_FEW_NODES", n, x)
			}
		}
	}
	var nilGraph *csr.Graph
	if b, err := network.Betweenness(ctx, nilGraph, 0); err != nil || len(b) != 0 {
		t.Errorf("nil graph: %v %v", b, err)
	}
}

func TestCancellation(t *testing.T) {
	g := gnm(2000, 20000, 4)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := network.Betweenness(ctx, g, 2); !errors.Is(err, context.Canceled) {
		t.Errorf("betweenness: err = %v", err)
	}
	if _, err := network.Closeness(ctx, g, 2); !errors.Is(err, context.Canceled) {
		t.Errorf("closeness: err = %v", err)
	}
}

func TestUndefinedCases(t *testing.T) {
	ctx := context.Background()
	// 0–1–2 path plus isolated node 3.
	g := graph(t, 4, [2]int32{0, 1}, [2]int32{1, 2})
	cl, _ := network.Closeness(ctx, g, 0)
	if cl[3].Defined || cl[3].Reason != measure.Isolate {
		t.Errorf("closeness of an isolate = %v", cl[3])
	}
	// Node 1 reaches 2 of 3 others at total distance 2: (2/2)·(2/3).
	if !cl[1].Defined || math.Abs(cl[1].V-2.0/3) > 1e-15 {
		t.Errorf("closeness of the path centre = %v", cl[1])
	}
	one := graph(t, 1)
	if dc := network.DegreeCentrality(one); dc[0].Reason != measure.TooFewNodes {
		t.Errorf("degree centrality, one node: %v", dc)
	}
	if cl, _ := network.Closeness(ctx, one, 0); cl[0].Reason != measure.TooFewNodes {
		t.Errorf("closeness, one node: %v", cl)
	}
	edgeless := graph(t, 3)
	for _, x := range network.Eigenvector(edgeless, network.Iteration{}) {
		if x.Reason != measure.NoEdges {
			t.Errorf("eigenvector, no edges: %v", x)
		}
	}
	if tr := network.Transitivity(graph(t, 3, [2]int32{0, 1})); tr.Reason != network.NoTriads {
		t.Errorf("transitivity without triads: %v", tr)
	}
	if ac := network.AverageClustering(graph(t, 0)); ac.Reason != network.EmptyGraph {
		t.Errorf("average clustering of the empty graph: %v", ac)
	}
	for _, a := range []float64{-0.1, 1, math.NaN()} {
		if pr := network.PageRank(g, a, network.Iteration{}); pr[0].Reason != measure.InvalidInput {
			t.Errorf("alpha %v: %v", a, pr[0])
		}
	}
	// A path of 40 needs thousands of steps; 3 are not enough.
	var es [][2]int32
	for v := int32(0); v < 39; v++ {
		es = append(es, [2]int32{v, v + 1})
	}
	path := graph(t, 40, es...)
	if x := network.Eigenvector(path, network.Iteration{MaxIter: 3}); x[0].Reason != network.NotConverged {
		t.Errorf("eigenvector after 3 steps: %v", x[0])
	}
	if x := network.PageRank(path, 0.85, network.Iteration{MaxIter: 3}); x[0].Reason != network.NotConverged {
		t.Errorf("pagerank after 3 steps: %v", x[0])
	}
	for _, f := range [][]measure.Value{network.Eigenvector(graph(t, 0), network.Iteration{}), network.PageRank(graph(t, 0), 0.85, network.Iteration{})} {
		if len(f) != 0 {
			t.Errorf("empty graph gave %v", f)
		}
	}
}

func TestPageRankSumsToOne(t *testing.T) {
	g := gnm(500, 700, 5) // sparse: isolated (dangling) nodes
	s := 0.0
	for _, x := range network.PageRank(g, 0.85, network.Iteration{}) {
		s += x.V
	}
	if math.Abs(s-1) > 1e-12 {
		t.Errorf("Σ PageRank = %v", s)
	}
}

func TestStructure(t *testing.T) {
	// Two triangles sharing node 2, a pendant 5 on node 4, isolate 6.
	g := graph(t, 7, [2]int32{0, 1}, [2]int32{1, 2}, [2]int32{2, 0}, [2]int32{2, 3}, [2]int32{3, 4}, [2]int32{4, 2}, [2]int32{4, 5})
	if tri := network.Triangles(g); !slices.Equal(tri, []int64{1, 1, 2, 1, 1, 0, 0}) {
		t.Errorf("triangles %v", tri)
	}
	// Node 2: degree 4, 2 triangles of 6 pairs → 1/3; node 4: degree 3, 1 of 3.
	c := network.Clustering(g)
	if c[2] != 1.0/3 || c[4] != 1.0/3 || c[0] != 1 || c[5] != 0 || c[6] != 0 {
		t.Errorf("clustering %v", c)
	}
	// Transitivity: 3·2 triangles over Σ C(d,2) = 1+1+6+1+3 = 12.
	if tr := network.Transitivity(g); tr != measure.Of(0.5) {
		t.Errorf("transitivity %v", tr)
	}
	if core := network.CoreNumbers(g); !slices.Equal(core, []int32{2, 2, 2, 2, 2, 1, 0}) {
		t.Errorf("cores %v", core)
	}
	label, count := network.Components(g)
	if count != 2 || !slices.Equal(label, []int32{0, 0, 0, 0, 0, 0, 1}) {
		t.Errorf("components %v %d", label, count)
	}
}

func TestTopK(t *testing.T) {
	s := []float64{3, 9, 1, 9, 5, 0}
	if got := network.TopK(s, 3); !slices.Equal(got, []network.Ranked{{1, 9}, {3, 9}, {4, 5}}) {
		t.Errorf("top 3 = %v", got)
	}
	if got := network.TopK(s, 10); len(got) != 6 || got[5] != (network.Ranked{Node: 5, Score: 0}) {
		t.Errorf("top 10 = %v", got)
	}
	if got := network.TopK(s, 0); len(got) != 0 {
		t.Errorf("top 0 = %v", got)
	}
	vals := []measure.Value{measure.Of(1), measure.Undefined(measure.Isolate), measure.Of(2)}
	if got := network.TopKDefined(vals, 5); !slices.Equal(got, []network.Ranked{{2, 2}, {0, 1}}) {
		t.Errorf("top defined = %v", got)
	}
	// Against a full sort on a larger input with many ties.
	big := make([]float64, 1000)
	for i := range big {
		big[i] = float64((i * 7919) % 37)
	}
	got := network.TopK(big, 50)
	idx := make([]int32, len(big))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortStableFunc(idx, func(a, b int32) int {
		switch {
		case big[a] > big[b]:
			return -1
		case big[a] < big[b]:
			return 1
		}
		return 0
	})
	for i, r := range got {
		if r.Node != idx[i] {
			t.Fatalf("rank %d: node %d, want %d", i, r.Node, idx[i])
		}
	}
}

package ugraph_test

import (
	"slices"
	"testing"

	"github.com/careweb/careweb/internal/metrics/ugraph"
)

func TestNew(t *testing.T) {
	g, err := ugraph.New(4, []ugraph.Edge{{U: 0, V: 1}, {U: 1, V: 0}, {U: 2, V: 1}, {U: 0, V: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if g.Order() != 4 || g.Size() != 2 {
		t.Errorf("order, size = %d, %d, want 4, 2 (parallel edges collapse)", g.Order(), g.Size())
	}
	if got := g.Neighbours(1); !slices.Equal(got, []int32{0, 2}) {
		t.Errorf("Neighbours(1) = %v, want [0 2]", got)
	}
	if !g.HasEdge(2, 1) || g.HasEdge(0, 2) || g.HasEdge(0, 9) || g.HasEdge(-1, 0) {
		t.Error("HasEdge wrong")
	}
	if g.Degree(3) != 0 || g.Degree(7) != 0 || g.Neighbours(-2) != nil {
		t.Error("isolate and out-of-range nodes must have no neighbours")
	}
	if got := g.Edges(); !slices.Equal(got, []ugraph.Edge{{U: 0, V: 1}, {U: 1, V: 2}}) {
		t.Errorf("Edges = %v", got)
	}

	for _, tt := range []struct {
		n     int
		edges []ugraph.Edge
	}{{-1, nil}, {2, []ugraph.Edge{{U: 0, V: 2}}}, {2, []ugraph.Edge{{U: -1, V: 0}}}, {3, []ugraph.Edge{{U: 1, V: 1}}}} {
		if _, err := ugraph.New(tt.n, tt.edges); err == nil {
			t.Errorf("New(%d, %v): no error", tt.n, tt.edges)
		}
	}

	var nilGraph *ugraph.Graph
	if nilGraph.Order() != 0 || nilGraph.Size() != 0 || nilGraph.HasEdge(0, 1) || len(nilGraph.Components()) != 0 {
		t.Error("a nil graph must behave as the empty graph")
	}
}

func TestInducedAndWithout(t *testing.T) {
	// A path 0–1–2–3 with a chord 0–2.
	g, _ := ugraph.New(4, []ugraph.Edge{{U: 0, V: 1}, {U: 1, V: 2}, {U: 2, V: 3}, {U: 0, V: 2}})
	h, err := g.Induced([]int{3, 2, 0})
	if err != nil {
		t.Fatal(err)
	}
	// New nodes: 0 = old 3, 1 = old 2, 2 = old 0.
	if h.Size() != 2 || !h.HasEdge(0, 1) || !h.HasEdge(1, 2) || h.HasEdge(0, 2) {
		t.Errorf("Induced edges = %v", h.Edges())
	}
	for _, keep := range [][]int{{0, 0}, {4}, {-1}} {
		if _, err := g.Induced(keep); err == nil {
			t.Errorf("Induced(%v): no error", keep)
		}
	}
	w, old := g.Without(func(v int) bool { return v == 1 })
	if !slices.Equal(old, []int{0, 2, 3}) || w.Size() != 2 || !w.HasEdge(0, 1) || !w.HasEdge(1, 2) {
		t.Errorf("Without(1) = %v, %v", w.Edges(), old)
	}
	if sizes := w.Components(); !slices.Equal(sizes, []int{3}) {
		t.Errorf("components = %v", sizes)
	}
	dist, _ := g.Distances(3, nil, nil)
	if !slices.Equal(dist, []int{2, 2, 1, 0}) {
		t.Errorf("distances from 3 = %v", dist)
	}
	dist, _ = g.Distances(9, dist, nil)
	if !slices.Equal(dist, []int{-1, -1, -1, -1}) {
		t.Errorf("distances from a non-node = %v", dist)
	}
}

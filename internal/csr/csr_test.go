package csr_test

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/careweb/careweb/internal/csr"
)

func TestFromEdgesSimplifies(t *testing.T) {
	edges := []csr.Edge{{0, 1, 2}, {1, 0, 3}, {2, 2, 5}, {1, 2, 1}, {3, 1, 4}, {1, 3, 1}}
	for _, tc := range []struct {
		name    string
		opt     csr.Options
		w01     float64
		w13     float64
		weights bool
	}{
		{"unweighted", csr.Options{}, 1, 1, false},
		{"sum", csr.Options{Weighted: true}, 5, 5, true},
		{"first", csr.Options{Weighted: true, Merge: csr.KeepFirst}, 2, 4, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, st, err := csr.FromEdges(5, edges, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if st.SelfLoops != 1 || st.Parallel != 2 {
				t.Errorf("stats = %+v, want 1 self-loop and 2 parallel", st)
			}
			if g.Order() != 5 || g.Size() != 3 {
				t.Fatalf("order %d size %d, want 5 and 3", g.Order(), g.Size())
			}
			if got := g.Neighbours(1); !slices.Equal(got, []int32{0, 2, 3}) {
				t.Errorf("neighbours(1) = %v", got)
			}
			if g.Degree(2) != 1 || g.Degree(4) != 0 || g.Degree(9) != 0 || g.Degree(-1) != 0 {
				t.Errorf("degrees %d %d %d", g.Degree(2), g.Degree(4), g.Degree(9))
			}
			if w, ok := g.Weight(1, 0); !ok || w != tc.w01 {
				t.Errorf("w(1,0) = %v %v, want %v", w, ok, tc.w01)
			}
			if w, ok := g.Weight(3, 1); !ok || w != tc.w13 {
				t.Errorf("w(3,1) = %v %v, want %v", w, ok, tc.w13)
			}
			if g.HasEdge(2, 2) || g.HasEdge(0, 2) || g.HasEdge(0, 7) {
				t.Error("HasEdge reports a missing edge")
			}
			if g.Weighted() != tc.weights {
				t.Errorf("Weighted() = %v", g.Weighted())
			}
			var got []csr.Edge
			for e := range g.Edges() {
				got = append(got, e)
			}
			want := []csr.Edge{{0, 1, tc.w01}, {1, 2, 1}, {1, 3, tc.w13}}
			if !slices.Equal(got, want) {
				t.Errorf("edges = %v, want %v", got, want)
			}
		})
	}
}

func TestFromEdgesErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		n     int
		edges []csr.Edge
		opt   csr.Options
		want  string
	}{
		{"negative n", -1, nil, csr.Options{}, "node count"},
		{"endpoint", 2, []csr.Edge{{0, 1, 1}, {0, 2, 1}}, csr.Options{}, "edge 1 (0–2)"},
		{"negative id", 2, []csr.Edge{{-1, 1, 1}}, csr.Options{}, "edge 0"},
		{"zero weight", 2, []csr.Edge{{0, 1, 0}}, csr.Options{Weighted: true}, "weight 0"},
		{"labels count", 2, nil, csr.Options{Labels: []string{"a"}}, "1 labels for 2 nodes"},
		{"labels repeat", 3, nil, csr.Options{Labels: []string{"a", "b", "a"}}, `nodes 0 and 2 have the same label "a"`},
		{"merge", 1, nil, csr.Options{Merge: 9}, "merge"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := csr.FromEdges(tc.n, tc.edges, tc.opt)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}

func TestEmpty(t *testing.T) {
	var nilGraph *csr.Graph
	g, _, err := csr.FromEdges(0, nil, csr.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []*csr.Graph{nilGraph, g, {}} {
		if h.Order() != 0 || h.Size() != 0 || h.Neighbours(0) != nil || h.Label(0) != "" {
			t.Errorf("empty graph misbehaves")
		}
		if _, ok := h.Lookup("0"); ok {
			t.Error("Lookup on the empty graph found a node")
		}
	}
}

func TestLabelsAndInduced(t *testing.T) {
	var b csr.Builder
	b.Weighted = true
	p, c, gp, dn := b.Node("person"), b.Node("carer"), b.Node("gp"), b.Node("dn")
	b.Node("isolate")
	b.AddEdge(p, c, 1)
	b.AddEdge(p, gp, 2)
	b.AddEdge(gp, dn, 3)
	b.AddEdge(c, dn, 4)
	g, _, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := g.Lookup("dn"); !ok || v != dn {
		t.Errorf("Lookup(dn) = %d %v", v, ok)
	}
	if _, ok := g.Lookup("nobody"); ok {
		t.Error("Lookup found a missing label")
	}
	sub, err := g.Induced([]int32{dn, gp, c})
	if err != nil {
		t.Fatal(err)
	}
	if sub.Order() != 3 || sub.Size() != 2 || sub.Label(0) != "dn" || sub.Label(2) != "carer" {
		t.Fatalf("induced: order %d size %d labels %q %q", sub.Order(), sub.Size(), sub.Label(0), sub.Label(2))
	}
	if w, ok := sub.Weight(0, 1); !ok || w != 3 {
		t.Errorf("induced weight dn–gp = %v %v, want 3", w, ok)
	}
	if w, ok := sub.Weight(2, 0); !ok || w != 4 {
		t.Errorf("induced weight carer–dn = %v %v, want 4", w, ok)
	}
	if sub.HasEdge(1, 2) {
		t.Error("induced graph has gp–carer, which g lacks")
	}
	if _, err := g.Induced([]int32{1, 1}); err == nil || !strings.Contains(err.Error(), "listed twice") {
		t.Errorf("repeated node: err = %v", err)
	}
	if _, err := g.Induced([]int32{0, 5}); err == nil || !strings.Contains(err.Error(), "entry 1 is node 5") {
		t.Errorf("out of range: err = %v", err)
	}
}

func TestUnlabelledLookup(t *testing.T) {
	g, _, _ := csr.FromEdges(12, nil, csr.Options{})
	for label, want := range map[string]bool{"0": true, "11": true, "12": false, "-1": false, "07": false, "x": false} {
		if _, ok := g.Lookup(label); ok != want {
			t.Errorf("Lookup(%q) = %v, want %v", label, ok, want)
		}
	}
	if g.Label(11) != "11" {
		t.Errorf("Label(11) = %q", g.Label(11))
	}
}

func TestEdgeListRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, weighted := range []bool{false, true} {
		n := 60
		var edges []csr.Edge
		for range 150 {
			edges = append(edges, csr.Edge{U: int32(rng.IntN(n)), V: int32(rng.IntN(n)), W: float64(rng.IntN(9)+1) / 7})
		}
		g, _, err := csr.FromEdges(n, edges, csr.Options{Weighted: weighted})
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := csr.WriteEdgeList(&buf, g, csr.WriteOptions{Nodes: true}); err != nil {
			t.Fatal(err)
		}
		h, _, err := csr.ReadEdgeList(&buf, csr.SumWeights)
		if err != nil {
			t.Fatal(err)
		}
		if h.Order() != g.Order() || h.Weighted() != weighted || !slices.Equal(h.Adj(), g.Adj()) || !slices.Equal(h.Offsets(), g.Offsets()) || !slices.Equal(h.W(), g.W()) {
			t.Errorf("weighted=%v: round trip changed the graph", weighted)
		}
		if v, ok := h.Lookup("42"); !ok || v != 42 {
			t.Errorf("label 42 → %d %v", v, ok)
		}
	}
}

func TestReadEdgeList(t *testing.T) {
	g, st, err := csr.ReadEdgeList(strings.NewReader("# header\nb\n a  c # trailing\n\nc a\nd d\nc e\n"), csr.SumWeights)
	if err != nil {
		t.Fatal(err)
	}
	if g.Order() != 5 || g.Size() != 2 || st.Parallel != 1 || st.SelfLoops != 1 || g.Weighted() {
		t.Fatalf("order %d size %d stats %+v", g.Order(), g.Size(), st)
	}
	if g.Label(0) != "b" || g.Degree(0) != 0 || g.Label(2) != "c" || g.Degree(2) != 2 {
		t.Errorf("ids not in order of first appearance: %q %q", g.Label(0), g.Label(2))
	}
	for _, tc := range []struct{ in, want string }{
		{"a b\na b 2\n", "line 2: 3 fields, but earlier edges had 2"},
		{"a b x\n", `line 1: weight "x"`},
		{"a b 1 2\n", "line 1: 4 fields"},
		{"a b -1\n", "weight -1"},
	} {
		if _, _, err := csr.ReadEdgeList(strings.NewReader(tc.in), csr.SumWeights); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err = %v, want %q", tc.in, err, tc.want)
		}
	}
}

func TestWriteEdgeListRejectsBadLabels(t *testing.T) {
	g, _, err := csr.FromEdges(2, []csr.Edge{{0, 1, 1}}, csr.Options{Labels: []string{"a b", "c"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := csr.WriteEdgeList(&bytes.Buffer{}, g, csr.WriteOptions{}); err == nil || !strings.Contains(err.Error(), `"a b"`) {
		t.Errorf("err = %v", err)
	}
}

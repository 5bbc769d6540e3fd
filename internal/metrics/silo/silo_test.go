package silo_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/community"
	"gonum.org/v1/gonum/graph/simple"

	"github.com/careweb/careweb/internal/metrics/internal/oracle"
	"github.com/careweb/careweb/internal/metrics/measure"
	"github.com/careweb/careweb/internal/metrics/silo"
	"github.com/careweb/careweb/internal/metrics/ugraph"
)

// TestW1 checks modularity, E–I and assortativity of oracle W1 (§2.5–2.7,
// §5.7) by sector and by organisation.
func TestW1(t *testing.T) {
	var file oracle.W1File
	oracle.Load(t, "graphs.json", &file)
	subs := oracle.W1Subgraphs(t, &file)
	checked := 0
	for name, want := range file.W1.Subgraphs {
		if want.Modularity == nil {
			continue // the web with P has no silo figures
		}
		w := subs[name]
		for attr, labels := range map[string][]int{"sector": w.Sector, "organisation": w.Org} {
			where := "W1 " + name + " by " + attr
			oracle.Check(t, where+" modularity", silo.Modularity(w.Graph, labels), want.Modularity[attr])
			oracle.Check(t, where+" E–I", silo.EI(w.Graph, labels), want.EI[attr])
			oracle.Check(t, where+" assortativity", silo.Assortativity(w.Graph, labels), want.Assortativity[attr])
			checked += 3
		}
	}
	if checked != 12 {
		t.Errorf("checked %d W1 silo values, want 12", checked)
	}
}

func TestEdgeCases(t *testing.T) {
	empty, _ := ugraph.New(3, nil)
	tri, _ := ugraph.New(3, []ugraph.Edge{{U: 0, V: 1}, {U: 1, V: 2}, {U: 0, V: 2}})
	tests := []struct {
		name string
		got  measure.Value
		want string
		why  measure.Reason
	}{
		{"modularity, no edges", silo.Modularity(empty, []int{0, 1, 2}), "null", measure.NoEdges},
		{"E–I, no edges", silo.EI(empty, []int{0, 1, 2}), "null", measure.NoEdges},
		{"assortativity, no edges", silo.Assortativity(empty, []int{0, 1, 2}), "null", measure.NoEdges},
		{"modularity, one group", silo.Modularity(tri, []int{7, 7, 7}), "0", ""},
		{"E–I, one group", silo.EI(tri, []int{7, 7, 7}), "-1", ""},
		{"assortativity, one group", silo.Assortativity(tri, []int{7, 7, 7}), "null", measure.SingleGroup},
		{"E–I, all different", silo.EI(tri, []int{1, 2, 3}), "1", ""},
		{"modularity, singletons", silo.Modularity(tri, []int{1, 2, 3}), "-1/3", ""},
		{"labels of the wrong length", silo.Modularity(tri, []int{1, 2}), "null", measure.InvalidInput},
	}
	for _, tt := range tests {
		oracle.Check(t, tt.name, tt.got, tt.want)
		if !tt.got.Defined && tt.got.Reason != tt.why {
			t.Errorf("%s: reason %s, want %s", tt.name, tt.got.Reason, tt.why)
		}
	}
	// Two disjoint edges, each its own group, is the most assortative.
	two, _ := ugraph.New(4, []ugraph.Edge{{U: 0, V: 1}, {U: 2, V: 3}})
	oracle.Check(t, "perfect assortativity", silo.Assortativity(two, []int{0, 0, 1, 1}), "1")
	oracle.Check(t, "perfect disassortativity", silo.Assortativity(two, []int{0, 1, 0, 1}), "-1")
}

// TestAgainstGonum cross-checks modularity with gonum's community.Q and
// assortativity with Newman's mixing-matrix formula, on 2,000 seeded random
// graphs and labellings, and checks the ranges of §2.5–2.7.
func TestAgainstGonum(t *testing.T) {
	r := rand.New(rand.NewPCG(2004, 69))
	for i := 0; i < 2000; i++ {
		n := 1 + r.IntN(12)
		groups := 1 + r.IntN(4)
		label := make([]int, n)
		for v := range label {
			label[v] = r.IntN(groups)
		}
		gg := simple.NewUndirectedGraph()
		for v := 0; v < n; v++ {
			gg.AddNode(simple.Node(v))
		}
		var es []ugraph.Edge
		p := r.Float64()
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
		q, ei, a := silo.Modularity(g, label), silo.EI(g, label), silo.Assortativity(g, label)
		if g.Size() == 0 {
			if q.Reason != measure.NoEdges || ei.Reason != measure.NoEdges || a.Reason != measure.NoEdges {
				t.Fatalf("no edges: %v %v %v", q, ei, a)
			}
			continue
		}
		comms := make([][]graph.Node, groups)
		for v, l := range label {
			comms[l] = append(comms[l], simple.Node(v))
		}
		if want := community.Q(gg, comms, 1); math.Abs(q.V-want) > 1e-12 {
			t.Errorf("edges %v labels %v: Q = %v, gonum %v", es, label, q.V, want)
		}
		if q.V < -0.5 || q.V >= 1 || ei.V < -1 || ei.V > 1 {
			t.Errorf("edges %v labels %v: Q = %v, E–I = %v out of range", es, label, q.V, ei.V)
		}
		// Newman 2003: e_ij fractions of edge ends, a_i row sums.
		e := make([][]float64, groups)
		for i := range e {
			e[i] = make([]float64, groups)
		}
		m2 := float64(2 * len(es))
		for _, ed := range es {
			e[label[ed.U]][label[ed.V]] += 1 / m2
			e[label[ed.V]][label[ed.U]] += 1 / m2
		}
		var tr, aa float64
		for i := range e {
			tr += e[i][i]
			var ai float64
			for j := range e[i] {
				ai += e[i][j]
			}
			aa += ai * ai
		}
		if math.Abs(1-aa) < 1e-12 {
			if a.Reason != measure.SingleGroup {
				t.Errorf("edges %v labels %v: assortativity %v, want SINGLE_GROUP", es, label, a)
			}
			continue
		}
		if want := (tr - aa) / (1 - aa); math.Abs(a.V-want) > 1e-9 || a.V < -1-1e-12 || a.V > 1+1e-12 {
			t.Errorf("edges %v labels %v: r = %v, mixing matrix gives %v", es, label, a.V, want)
		}
	}
}

package brokerage_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/careweb/careweb/internal/metrics/brokerage"
	"github.com/careweb/careweb/internal/metrics/internal/oracle"
	"github.com/careweb/careweb/internal/metrics/measure"
	"github.com/careweb/careweb/internal/metrics/ugraph"
)

// symmetric returns both arcs of every edge of g.
func symmetric(g *ugraph.Graph) []brokerage.Arc {
	var arcs []brokerage.Arc
	for _, e := range g.Edges() {
		arcs = append(arcs, brokerage.Arc{From: e.U, To: e.V}, brokerage.Arc{From: e.V, To: e.U})
	}
	return arcs
}

// TestW1 checks Gould–Fernandez roles by sector (unordered and sna
// conventions) and Burt's measures on oracle W1 without the person (§2.8,
// §2.9, §5.7).
func TestW1(t *testing.T) {
	var file oracle.W1File
	oracle.Load(t, "graphs.json", &file)
	w := oracle.W1Subgraphs(t, &file)["without_person"]

	und, err := brokerage.Undirected(w.Graph, w.Sector)
	if err != nil {
		t.Fatal(err)
	}
	dir, err := brokerage.Directed(w.Graph.Order(), symmetric(w.Graph), w.Sector)
	if err != nil {
		t.Fatal(err)
	}
	cons, size, eff := brokerage.Constraint(w.Graph), brokerage.EffectiveSize(w.Graph), brokerage.Efficiency(w.Graph)
	if len(file.W1.BrokerageSectorUndirected) != 7 || len(file.W1.BrokerageSectorSNA) != 7 || len(file.W1.BurtWithoutPerson) != 7 {
		t.Fatalf("graphs.json: W1 brokerage and Burt tables must cover the 7 nodes without P")
	}
	for id, want := range file.W1.BrokerageSectorUndirected {
		v := w.Index[id]
		wantRoles := brokerage.Roles{Coordinator: want["coordinator"], Itinerant: want["itinerant"], Boundary: want["boundary"], Liaison: want["liaison"]}
		if und[v] != wantRoles {
			t.Errorf("W1 %s roles = %+v, want %+v", id, und[v], wantRoles)
		}
	}
	for id, want := range file.W1.BrokerageSectorSNA {
		v := w.Index[id]
		wantRoles := brokerage.DirectedRoles{Coordinator: want["w_I"], Itinerant: want["w_O"], Representative: want["b_IO"], Gatekeeper: want["b_OI"], Liaison: want["b_O"]}
		if dir[v] != wantRoles {
			t.Errorf("W1 %s sna roles = %+v, want %+v", id, dir[v], wantRoles)
		}
	}
	for id, want := range file.W1.BurtWithoutPerson {
		v := w.Index[id]
		oracle.Check(t, "W1 constraint "+id, cons[v], want["constraint"])
		oracle.Check(t, "W1 effective size "+id, size[v], want["effectiveSize"])
		oracle.Check(t, "W1 efficiency "+id, eff[v], want["efficiency"])
	}
}

func TestContracts(t *testing.T) {
	g, _ := ugraph.New(3, []ugraph.Edge{{U: 0, V: 1}})
	if _, err := brokerage.Undirected(g, []int{0}); err == nil {
		t.Error("Undirected with too few labels: no error")
	}
	for _, arcs := range [][]brokerage.Arc{{{From: 0, To: 3}}, {{From: 1, To: 1}}, {{From: -1, To: 0}}} {
		if _, err := brokerage.Directed(3, arcs, []int{0, 0, 0}); err == nil {
			t.Errorf("Directed with arcs %v: no error", arcs)
		}
	}
	if _, err := brokerage.Directed(3, nil, []int{0, 0}); err == nil {
		t.Error("Directed with too few labels: no error")
	}
	// Node 2 is an isolate; nodes 0 and 1 have degree 1.
	cons, size, eff := brokerage.Constraint(g), brokerage.EffectiveSize(g), brokerage.Efficiency(g)
	for _, vs := range [][]measure.Value{cons, size, eff} {
		if vs[2].Reason != measure.Isolate {
			t.Errorf("isolate = %v, want null (ISOLATE)", vs[2])
		}
		if vs[0] != measure.Ratio(1, 1) {
			t.Errorf("degree-1 node = %v, want 1", vs[0])
		}
	}
}

// TestProperties checks, on 2,000 seeded random graphs: the sna identity
// (w_I, w_O, b_IO, b_OI, b_O) = (2c, 2i, b, b, 2l) of §2.8; that the roles
// partition the open pairs; effective size against Burt's redundancy
// formula; constraint against a dense-matrix computation of its definition.
func TestProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(1989, 89))
	for i := 0; i < 2000; i++ {
		n := 1 + r.IntN(11)
		p := r.Float64()
		label := make([]int, n)
		for v := range label {
			label[v] = r.IntN(3)
		}
		var es []ugraph.Edge
		adj := make([][]float64, n)
		for u := range adj {
			adj[u] = make([]float64, n)
		}
		for u := 0; u < n; u++ {
			for v := u + 1; v < n; v++ {
				if r.Float64() < p {
					es = append(es, ugraph.Edge{U: u, V: v})
					adj[u][v], adj[v][u] = 1, 1
				}
			}
		}
		g, err := ugraph.New(n, es)
		if err != nil {
			t.Fatal(err)
		}
		und, _ := brokerage.Undirected(g, label)
		dir, err := brokerage.Directed(n, symmetric(g), label)
		if err != nil {
			t.Fatal(err)
		}
		cons, size := brokerage.Constraint(g), brokerage.EffectiveSize(g)
		for v := 0; v < n; v++ {
			u, d := und[v], dir[v]
			want := brokerage.DirectedRoles{Coordinator: 2 * u.Coordinator, Itinerant: 2 * u.Itinerant, Representative: u.Boundary, Gatekeeper: u.Boundary, Liaison: 2 * u.Liaison}
			if d != want {
				t.Errorf("edges %v labels %v node %d: sna %+v, unordered %+v", es, label, v, d, u)
			}
			open := 0
			nb := g.Neighbours(v)
			for x, a := range nb {
				for _, b := range nb[x+1:] {
					if adj[a][b] == 0 {
						open++
					}
				}
			}
			if u.Total() != open {
				t.Errorf("edges %v node %d: roles total %d, open pairs %d", es, v, u.Total(), open)
			}

			k := float64(len(nb))
			if k == 0 {
				if cons[v].Defined || size[v].Defined {
					t.Errorf("isolate %d: constraint %v, effective size %v", v, cons[v], size[v])
				}
				continue
			}
			// Burt: e_i = Σ_j (1 − Σ_q p_iq m_jq), m_jq = a_jq when unweighted.
			var e float64
			for _, j := range nb {
				red := 0.0
				for _, q := range nb {
					red += adj[v][q] / k * adj[j][q]
				}
				e += 1 - red
			}
			if math.Abs(size[v].V-e) > 1e-12 || size[v].V < 1-1e-12 || size[v].V > k+1e-12 {
				t.Errorf("edges %v node %d: effective size %v, Burt's formula %v", es, v, size[v], e)
			}
			// Constraint from dense p_ij = (a_ij + a_ji)/Σ_k (a_ik + a_ki).
			pm := func(i, j int) float64 {
				var s float64
				for x := 0; x < n; x++ {
					s += adj[i][x] + adj[x][i]
				}
				return (adj[i][j] + adj[j][i]) / s
			}
			var c float64
			for j := 0; j < n; j++ {
				if j == v || adj[v][j] == 0 {
					continue
				}
				l := pm(v, j)
				for q := 0; q < n; q++ {
					if q != v && q != j && adj[v][q] != 0 && adj[q][j] != 0 {
						l += pm(v, q) * pm(q, j)
					}
				}
				c += l * l
			}
			if math.Abs(cons[v].V-c) > 1e-12 || cons[v].V <= 0 || cons[v].V > 1.125+1e-12 {
				t.Errorf("edges %v node %d: constraint %v, definition %v", es, v, cons[v], c)
			}
		}
	}
}

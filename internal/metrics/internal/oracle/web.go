package oracle

import (
	"testing"

	"github.com/careweb/careweb/internal/metrics/ugraph"
)

// Node is a named node of an oracle graph (graphs.json).
type Node struct {
	ID           string `json:"id"`
	Kind         string `json:"kind"`
	Organisation string `json:"organisation"`
	Sector       string `json:"sector"`
}

// Named is an oracle graph with its nodes numbered in the order listed and
// its organisation and sector labels as codes.
type Named struct {
	Nodes  []Node
	Index  map[string]int
	Graph  *ugraph.Graph
	Org    []int
	Sector []int
}

// NewNamed builds the graph of nodes and edges (pairs of node ids).
func NewNamed(t testing.TB, nodes []Node, edges [][2]string) *Named {
	t.Helper()
	w := &Named{Nodes: nodes, Index: map[string]int{}}
	orgs, secs := map[string]int{}, map[string]int{}
	code := func(m map[string]int, s string) int {
		if c, ok := m[s]; ok {
			return c
		}
		m[s] = len(m)
		return m[s]
	}
	for i, n := range nodes {
		w.Index[n.ID] = i
		w.Org = append(w.Org, code(orgs, n.Organisation))
		w.Sector = append(w.Sector, code(secs, n.Sector))
	}
	var es []ugraph.Edge
	for _, e := range edges {
		u, ok1 := w.Index[e[0]]
		v, ok2 := w.Index[e[1]]
		if !ok1 || !ok2 {
			t.Fatalf("oracle: edge %v names an unknown node", e)
		}
		es = append(es, ugraph.Edge{U: u, V: v})
	}
	g, err := ugraph.New(len(nodes), es)
	if err != nil {
		t.Fatal(err)
	}
	w.Graph = g
	return w
}

// Induced returns the subgraph on the nodes keep accepts.
func (w *Named) Induced(t testing.TB, keep func(Node) bool) *Named {
	t.Helper()
	var nodes []Node
	var edges [][2]string
	for _, n := range w.Nodes {
		if keep(n) {
			nodes = append(nodes, n)
		}
	}
	for _, e := range w.Graph.Edges() {
		a, b := w.Nodes[e.U], w.Nodes[e.V]
		if keep(a) && keep(b) {
			edges = append(edges, [2]string{a.ID, b.ID})
		}
	}
	return NewNamed(t, nodes, edges)
}

// W1File is the shape of graphs.json.
type W1File struct {
	Simple []struct {
		ID    string
		N     int
		Edges [][2]int
		F, DF string
	}
	W1 struct {
		Nodes     []Node
		Edges     [][2]string
		Subgraphs map[string]struct {
			N, M          int
			F, DF         string
			Modularity    map[string]string
			EI            map[string]string `json:"EI"`
			Assortativity map[string]string
		}
		KeyPlayerWithoutPerson    map[string]struct{ F, DF string }
		Distinct                  struct{ Professionals, Organisations, Sectors int }
		Web                       map[string]string
		CarerBridging             struct{ UnlinkedCrossOrgPairs, BridgedByCarer, BridgedByProfessional int }
		BrokerageSectorUndirected map[string]map[string]int
		BrokerageSectorSNA        map[string]map[string]int `json:"brokerageSectorSNA"`
		BurtWithoutPerson         map[string]map[string]string
	}
}

// W1Subgraphs returns oracle W1's web with P, without P, and of the
// professionals only, keyed as in graphs.json.
func W1Subgraphs(t testing.TB, f *W1File) map[string]*Named {
	t.Helper()
	web := NewNamed(t, f.W1.Nodes, f.W1.Edges)
	return map[string]*Named{
		"with_person":        web,
		"without_person":     web.Induced(t, func(n Node) bool { return n.Kind != "person" }),
		"professionals_only": web.Induced(t, func(n Node) bool { return n.Kind == "professional" }),
	}
}

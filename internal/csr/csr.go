package csr

import (
	"cmp"
	"fmt"
	"iter"
	"math"
	"slices"
	"strconv"
)

// MaxNodes is the largest node count a Graph can hold: ids are int32.
const MaxNodes = math.MaxInt32

// Graph is an immutable undirected simple graph in compressed-sparse-row
// form, optionally weighted and labelled. The zero Graph and a nil *Graph
// are the empty graph.
type Graph struct {
	offsets []int64   // row v is adj[offsets[v]:offsets[v+1]]; len n+1 (or 0 when empty)
	adj     []int32   // neighbours, ascending within each row
	w       []float64 // parallel to adj; nil when unweighted
	labels  []string  // nil when unlabelled
	byLabel []int32   // node ids ordered by label, for Lookup; nil when unlabelled
}

// Edge is an undirected edge between nodes U and V with weight W. W is
// ignored when the graph is built unweighted.
type Edge struct {
	U, V int32
	W    float64
}

// Order returns the number of nodes.
func (g *Graph) Order() int {
	if g == nil || len(g.offsets) == 0 {
		return 0
	}
	return len(g.offsets) - 1
}

// Size returns the number of (undirected) edges.
func (g *Graph) Size() int64 {
	if g == nil {
		return 0
	}
	return int64(len(g.adj) / 2)
}

// Weighted reports whether the graph carries edge weights.
func (g *Graph) Weighted() bool { return g != nil && g.w != nil }

// Offsets returns the row offsets (length Order()+1, or 0 for the empty
// graph). The slice belongs to g and must not be modified.
func (g *Graph) Offsets() []int64 {
	if g == nil {
		return nil
	}
	return g.offsets
}

// Adj returns the concatenated adjacency rows; every edge appears twice.
// The slice belongs to g and must not be modified.
func (g *Graph) Adj() []int32 {
	if g == nil {
		return nil
	}
	return g.adj
}

// W returns the arc weights parallel to Adj, or nil for an unweighted
// graph. The slice belongs to g and must not be modified.
func (g *Graph) W() []float64 {
	if g == nil {
		return nil
	}
	return g.w
}

func (g *Graph) valid(v int32) bool { return v >= 0 && int(v) < g.Order() }

// Degree returns the number of neighbours of v, 0 when v is not a node.
func (g *Graph) Degree(v int32) int {
	if !g.valid(v) {
		return 0
	}
	return int(g.offsets[v+1] - g.offsets[v])
}

// Neighbours returns v's neighbours in ascending order, nil when v is not a
// node. The slice belongs to g and must not be modified.
func (g *Graph) Neighbours(v int32) []int32 {
	if !g.valid(v) {
		return nil
	}
	lo, hi := g.offsets[v], g.offsets[v+1]
	return g.adj[lo:hi:hi]
}

// Weights returns the weights of v's edges, parallel to Neighbours(v); nil
// when the graph is unweighted or v is not a node.
func (g *Graph) Weights(v int32) []float64 {
	if g.w == nil || !g.valid(v) {
		return nil
	}
	lo, hi := g.offsets[v], g.offsets[v+1]
	return g.w[lo:hi:hi]
}

// Strength returns the sum of v's edge weights (its degree when the graph
// is unweighted).
func (g *Graph) Strength(v int32) float64 {
	if g.w == nil {
		return float64(g.Degree(v))
	}
	s := 0.0
	for _, x := range g.Weights(v) {
		s += x
	}
	return s
}

// Weight returns the weight of edge u–v (1 in an unweighted graph) and
// whether the edge exists.
func (g *Graph) Weight(u, v int32) (float64, bool) {
	if !g.valid(v) {
		return 0, false
	}
	i, ok := slices.BinarySearch(g.Neighbours(u), v)
	if !ok {
		return 0, false
	}
	if g.w == nil {
		return 1, true
	}
	return g.w[g.offsets[u]+int64(i)], true
}

// HasEdge reports whether u and v are adjacent.
func (g *Graph) HasEdge(u, v int32) bool {
	_, ok := g.Weight(u, v)
	return ok
}

// Edges yields every edge once, with U < V, in ascending (U, V) order; W
// is 1 in an unweighted graph.
func (g *Graph) Edges() iter.Seq[Edge] {
	return func(yield func(Edge) bool) {
		for u := int32(0); int(u) < g.Order(); u++ {
			ws := g.Weights(u)
			for i, v := range g.Neighbours(u) {
				if v <= u {
					continue
				}
				w := 1.0
				if ws != nil {
					w = ws[i]
				}
				if !yield(Edge{U: u, V: v, W: w}) {
					return
				}
			}
		}
	}
}

// Labelled reports whether the graph carries node labels.
func (g *Graph) Labelled() bool { return g != nil && g.labels != nil }

// Label returns node v's label; in an unlabelled graph, v in decimal. It
// returns "" when v is not a node.
func (g *Graph) Label(v int32) string {
	if !g.valid(v) {
		return ""
	}
	if g.labels == nil {
		return strconv.Itoa(int(v))
	}
	return g.labels[v]
}

// Lookup returns the node labelled label. In an unlabelled graph labels
// are the decimal ids, so Lookup("7") is node 7.
func (g *Graph) Lookup(label string) (int32, bool) {
	if g.Order() == 0 {
		return 0, false
	}
	if g.labels == nil {
		v, err := strconv.ParseInt(label, 10, 32)
		if err != nil || !g.valid(int32(v)) || strconv.Itoa(int(v)) != label {
			return 0, false
		}
		return int32(v), true
	}
	i, ok := slices.BinarySearchFunc(g.byLabel, label, func(v int32, l string) int {
		return cmp.Compare(g.labels[v], l)
	})
	if !ok {
		return 0, false
	}
	return g.byLabel[i], true
}

// Induced returns the subgraph induced by keep (a cohort): its node i is
// g's node keep[i], with g's label and weights. The error names the entry
// of keep that is out of range or repeated.
func (g *Graph) Induced(keep []int32) (*Graph, error) {
	idx := make([]int32, g.Order())
	for i := range idx {
		idx[i] = -1
	}
	for i, v := range keep {
		if !g.valid(v) {
			return nil, fmt.Errorf("csr: induced subgraph: entry %d is node %d, outside 0..%d", i, v, g.Order()-1)
		}
		if idx[v] >= 0 {
			return nil, fmt.Errorf("csr: induced subgraph: node %d is listed twice (entries %d and %d)", v, idx[v], i)
		}
		idx[v] = int32(i)
	}
	var es []Edge
	for i, v := range keep {
		ws := g.Weights(v)
		for k, u := range g.Neighbours(v) {
			if j := idx[u]; j > int32(i) {
				e := Edge{U: int32(i), V: j, W: 1}
				if ws != nil {
					e.W = ws[k]
				}
				es = append(es, e)
			}
		}
	}
	var labels []string
	if g.labels != nil {
		labels = make([]string, len(keep))
		for i, v := range keep {
			labels[i] = g.labels[v]
		}
	}
	sub, _, err := FromEdges(len(keep), es, Options{Weighted: g.w != nil, Labels: labels})
	return sub, err
}

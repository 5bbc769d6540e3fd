package csr

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// Merge says how the weights of parallel edges combine.
type Merge int

const (
	// SumWeights adds the weights of parallel edges (the default): two
	// shared patients, listed as two edges of weight 1, make weight 2.
	SumWeights Merge = iota
	// KeepFirst keeps the weight of the first occurrence in input order.
	KeepFirst
)

// Options configures FromEdges.
type Options struct {
	// Weighted keeps edge weights; otherwise Edge.W is ignored.
	Weighted bool
	// Merge combines the weights of parallel edges (weighted graphs only).
	Merge Merge
	// Labels, when not nil, names the nodes: Labels[v] is node v's external
	// id. It must have one distinct entry per node.
	Labels []string
}

// BuildStats says what FromEdges did to make the input a simple graph.
type BuildStats struct {
	SelfLoops int64 // edges u–u dropped
	Parallel  int64 // edges merged into an earlier edge between the same nodes
}

// FromEdges returns the simple undirected graph on nodes 0..n−1 with the
// given edges: self-loops dropped, parallel edges merged (see the package
// comment). Weights of a weighted graph must be finite and positive (a
// weight of zero is no edge: leave it out). The error says which edge or
// label is wrong. edges is not modified.
func FromEdges(n int, edges []Edge, opt Options) (*Graph, BuildStats, error) {
	var st BuildStats
	if n < 0 || n > MaxNodes {
		return nil, st, fmt.Errorf("csr: node count %d is outside 0..%d", n, MaxNodes)
	}
	if opt.Merge != SumWeights && opt.Merge != KeepFirst {
		return nil, st, fmt.Errorf("csr: unknown merge policy %d", opt.Merge)
	}
	if opt.Labels != nil && len(opt.Labels) != n {
		return nil, st, fmt.Errorf("csr: %d labels for %d nodes", len(opt.Labels), n)
	}
	// Canonicalise to U < V, dropping self-loops, and validate.
	es := make([]Edge, 0, len(edges))
	for i, e := range edges {
		if e.U < 0 || int(e.U) >= n || e.V < 0 || int(e.V) >= n {
			return nil, st, fmt.Errorf("csr: edge %d (%d–%d) has an endpoint outside 0..%d", i, e.U, e.V, n-1)
		}
		if opt.Weighted && (math.IsNaN(e.W) || math.IsInf(e.W, 0) || e.W <= 0) {
			return nil, st, fmt.Errorf("csr: edge %d (%d–%d) has weight %v; weights must be finite and positive", i, e.U, e.V, e.W)
		}
		if e.U == e.V {
			st.SelfLoops++
			continue
		}
		if e.U > e.V {
			e.U, e.V = e.V, e.U
		}
		if !opt.Weighted {
			e.W = 1
		}
		es = append(es, e)
	}
	// A stable sort keeps input order among parallel edges, which KeepFirst needs.
	slices.SortStableFunc(es, func(a, b Edge) int {
		if c := cmp.Compare(a.U, b.U); c != 0 {
			return c
		}
		return cmp.Compare(a.V, b.V)
	})
	u := 0
	for i := range es {
		if u > 0 && es[u-1].U == es[i].U && es[u-1].V == es[i].V {
			st.Parallel++
			if opt.Merge == SumWeights {
				es[u-1].W += es[i].W
			}
			continue
		}
		es[u] = es[i]
		u++
	}
	es = es[:u]

	g := &Graph{offsets: make([]int64, n+1), adj: make([]int32, 2*len(es))}
	if opt.Weighted {
		g.w = make([]float64, 2*len(es))
	}
	for _, e := range es {
		g.offsets[e.U+1]++
		g.offsets[e.V+1]++
	}
	for v := 1; v <= n; v++ {
		g.offsets[v] += g.offsets[v-1]
	}
	// Filling in (U, V) order leaves every row sorted: row x first receives
	// the edges (u, x) with u < x in ascending u, then (x, v) with v > x in
	// ascending v.
	fill := slices.Clone(g.offsets[:n])
	for _, e := range es {
		g.adj[fill[e.U]] = e.V
		g.adj[fill[e.V]] = e.U
		if g.w != nil {
			g.w[fill[e.U]] = e.W
			g.w[fill[e.V]] = e.W
		}
		fill[e.U]++
		fill[e.V]++
	}
	if n == 0 {
		g.offsets = nil
	}
	if opt.Labels != nil {
		if err := g.setLabels(slices.Clone(opt.Labels)); err != nil {
			return nil, st, err
		}
	}
	return g, st, nil
}

// setLabels attaches labels and builds the lookup index, rejecting repeats.
func (g *Graph) setLabels(labels []string) error {
	by := make([]int32, len(labels))
	for i := range by {
		by[i] = int32(i)
	}
	slices.SortFunc(by, func(a, b int32) int { return cmp.Compare(labels[a], labels[b]) })
	for i := 1; i < len(by); i++ {
		if labels[by[i]] == labels[by[i-1]] {
			a, b := min(by[i-1], by[i]), max(by[i-1], by[i])
			return fmt.Errorf("csr: nodes %d and %d have the same label %q", a, b, labels[a])
		}
	}
	g.labels, g.byLabel = labels, by
	return nil
}

// Builder builds a labelled graph from external ids: Node interns a label
// as the next dense id, AddEdge records an edge between two interned
// nodes. The zero Builder is ready to use (unweighted, SumWeights).
type Builder struct {
	// Weighted keeps the weights given to AddEdge.
	Weighted bool
	// Merge combines parallel edges' weights (weighted graphs only).
	Merge Merge

	labels []string
	index  map[string]int32
	edges  []Edge
	err    error
}

// Node returns the id of the node labelled label, adding it if new. Ids
// are dense and given in order of first appearance.
func (b *Builder) Node(label string) int32 {
	if v, ok := b.index[label]; ok {
		return v
	}
	if b.index == nil {
		b.index = make(map[string]int32)
	}
	if len(b.labels) >= MaxNodes {
		if b.err == nil {
			b.err = fmt.Errorf("csr: more than %d nodes", MaxNodes)
		}
		return 0
	}
	v := int32(len(b.labels))
	b.labels = append(b.labels, label)
	b.index[label] = v
	return v
}

// Order returns the number of nodes interned so far.
func (b *Builder) Order() int { return len(b.labels) }

// AddEdge records the edge u–v with weight w (ignored unless Weighted).
// u and v are ids returned by Node; Build reports any that are not.
func (b *Builder) AddEdge(u, v int32, w float64) {
	b.edges = append(b.edges, Edge{U: u, V: v, W: w})
}

// Build returns the graph. The Builder may be reused afterwards; the graph
// does not share its memory.
func (b *Builder) Build() (*Graph, BuildStats, error) {
	if b.err != nil {
		return nil, BuildStats{}, b.err
	}
	return FromEdges(len(b.labels), b.edges, Options{Weighted: b.Weighted, Merge: b.Merge, Labels: b.labels})
}

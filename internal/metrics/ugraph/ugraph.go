package ugraph

import (
	"fmt"
	"slices"
)

// Edge is an undirected edge between nodes U and V.
type Edge struct{ U, V int }

// Graph is an undirected simple graph on nodes 0..Order()−1. The zero Graph
// and a nil *Graph are the empty graph. A Graph is immutable and safe for concurrent use.
type Graph struct {
	off []int   // neighbours of v are nbr[off[v]:off[v+1]]
	nbr []int32 // sorted within each node
}

// New returns the graph on n nodes with the given edges. Parallel edges
// (in either orientation) collapse to one. The error says which edge is
// wrong: an endpoint outside 0..n−1, or a self-loop.
func New(n int, edges []Edge) (*Graph, error) {
	if n < 0 {
		return nil, fmt.Errorf("ugraph: negative node count %d", n)
	}
	if n > 1<<31-1 {
		return nil, fmt.Errorf("ugraph: %d nodes is more than int32 ids allow", n)
	}
	for i, e := range edges {
		if e.U < 0 || e.U >= n || e.V < 0 || e.V >= n {
			return nil, fmt.Errorf("ugraph: edge %d (%d–%d) has an endpoint outside 0..%d", i, e.U, e.V, n-1)
		}
		if e.U == e.V {
			return nil, fmt.Errorf("ugraph: edge %d is a self-loop on node %d", i, e.U)
		}
	}
	return build(n, edges), nil
}

// build is New on edges already known to be valid.
func build(n int, edges []Edge) *Graph {
	deg := make([]int, n+1)
	for _, e := range edges {
		deg[e.U+1]++
		deg[e.V+1]++
	}
	for v := 1; v <= n; v++ {
		deg[v] += deg[v-1]
	}
	nbr := make([]int32, deg[n])
	fill := slices.Clone(deg[:n])
	for _, e := range edges {
		nbr[fill[e.U]] = int32(e.V)
		fill[e.U]++
		nbr[fill[e.V]] = int32(e.U)
		fill[e.V]++
	}
	// Sort and deduplicate each row, compacting in place.
	off := make([]int, n+1)
	w := 0
	for v := 0; v < n; v++ {
		row := nbr[deg[v]:deg[v+1]]
		slices.Sort(row)
		row = slices.Compact(row)
		off[v] = w
		w += copy(nbr[w:], row)
	}
	off[n] = w
	return &Graph{off: off, nbr: nbr[:w:w]}
}

// Order returns the number of nodes. A nil *Graph is the empty graph.
func (g *Graph) Order() int {
	if g == nil || len(g.off) == 0 {
		return 0
	}
	return len(g.off) - 1
}

// Size returns the number of edges.
func (g *Graph) Size() int {
	if g == nil {
		return 0
	}
	return len(g.nbr) / 2
}

// Degree returns the number of neighbours of v; 0 when v is not a node.
func (g *Graph) Degree(v int) int {
	if v < 0 || v >= g.Order() {
		return 0
	}
	return g.off[v+1] - g.off[v]
}

// Neighbours returns the neighbours of v in ascending order, or nil when v
// is not a node. The slice belongs to g and must not be modified.
func (g *Graph) Neighbours(v int) []int32 {
	if v < 0 || v >= g.Order() {
		return nil
	}
	return g.nbr[g.off[v]:g.off[v+1]:g.off[v+1]]
}

// HasEdge reports whether u and v are adjacent.
func (g *Graph) HasEdge(u, v int) bool {
	if v < 0 || v >= g.Order() {
		return false
	}
	_, ok := slices.BinarySearch(g.Neighbours(u), int32(v))
	return ok
}

// Edges returns every edge once, with U < V, in ascending order.
func (g *Graph) Edges() []Edge {
	es := make([]Edge, 0, g.Size())
	for u := 0; u < g.Order(); u++ {
		for _, v := range g.Neighbours(u) {
			if int(v) > u {
				es = append(es, Edge{u, int(v)})
			}
		}
	}
	return es
}

// Induced returns the subgraph induced by keep: its node i is g's node
// keep[i]. The error says which entry is out of range or repeated.
func (g *Graph) Induced(keep []int) (*Graph, error) {
	idx := make([]int, g.Order())
	for i := range idx {
		idx[i] = -1
	}
	for i, v := range keep {
		if v < 0 || v >= g.Order() {
			return nil, fmt.Errorf("ugraph: node %d (entry %d) is outside 0..%d", v, i, g.Order()-1)
		}
		if idx[v] >= 0 {
			return nil, fmt.Errorf("ugraph: node %d is listed twice (entries %d and %d)", v, idx[v], i)
		}
		idx[v] = i
	}
	return g.induced(keep, idx), nil
}

// induced is Induced on a valid keep whose inverse is idx (−1 = dropped).
func (g *Graph) induced(keep, idx []int) *Graph {
	var es []Edge
	for i, v := range keep {
		for _, u := range g.Neighbours(v) {
			if j := idx[u]; j > i {
				es = append(es, Edge{i, j})
			}
		}
	}
	return build(len(keep), es)
}

// Without returns g with the nodes for which drop reports true removed,
// and the old node of each new node. Nodes keep their relative order.
func (g *Graph) Without(drop func(v int) bool) (*Graph, []int) {
	var keep []int
	idx := make([]int, g.Order())
	for v := range idx {
		idx[v] = -1
		if !drop(v) {
			idx[v] = len(keep)
			keep = append(keep, v)
		}
	}
	return g.induced(keep, idx), keep
}

// Distances returns the breadth-first hop distance from s to every node,
// −1 for nodes s cannot reach. dist is reused when it is long enough, so a
// caller running one search per node allocates once; queue likewise.
func (g *Graph) Distances(s int, dist, queue []int) ([]int, []int) {
	n := g.Order()
	dist = slices.Grow(dist[:0], n)[:n]
	for i := range dist {
		dist[i] = -1
	}
	if s < 0 || s >= n {
		return dist, queue
	}
	queue = append(queue[:0], s)
	dist[s] = 0
	for h := 0; h < len(queue); h++ {
		v := queue[h]
		for _, u := range g.Neighbours(v) {
			if dist[u] < 0 {
				dist[u] = dist[v] + 1
				queue = append(queue, int(u))
			}
		}
	}
	return dist, queue
}

// Components returns the size of each connected component.
func (g *Graph) Components() []int {
	n := g.Order()
	seen := make([]bool, n)
	var sizes []int
	stack := make([]int, 0, 16)
	for s := 0; s < n; s++ {
		if seen[s] {
			continue
		}
		seen[s] = true
		stack = append(stack[:0], s)
		size := 0
		for len(stack) > 0 {
			v := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			size++
			for _, u := range g.Neighbours(v) {
				if !seen[u] {
					seen[u] = true
					stack = append(stack, int(u))
				}
			}
		}
		sizes = append(sizes, size)
	}
	return sizes
}

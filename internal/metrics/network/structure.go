package network

import (
	"cmp"
	"slices"

	"github.com/careweb/careweb/internal/csr"
	"github.com/careweb/careweb/internal/metrics/measure"
)

// DegreeCentrality returns every node's degree divided by n − 1, the
// largest degree possible in a simple graph (Freeman 1979); NetworkX's
// degree_centrality. Weights are ignored (g.Strength gives the weighted
// degree). Undefined for every node when n < 2 (TooFewNodes): NetworkX
// returns 1 for the one node of a one-node graph.
func DegreeCentrality(g *csr.Graph) []measure.Value {
	n := g.Order()
	if n < 2 {
		return undefinedAll(n, measure.TooFewNodes)
	}
	out := make([]measure.Value, n)
	for v := range out {
		out[v] = measure.Of(float64(g.Degree(int32(v))) / float64(n-1))
	}
	return out
}

// Triangles returns the number of triangles through every node.
//
// Each triangle is found once, from its lowest-ranked corner, on the
// orientation of g that points every edge from the lower to the higher
// (degree, id) rank; every node then has at most O(√m) higher-ranked
// neighbours, and the count takes O(m^1.5) time (Schank & Wagner 2005).
func Triangles(g *csr.Graph) []int64 {
	n := g.Order()
	tri := make([]int64, n)
	if n < 3 {
		return tri
	}
	higher := func(u, v int32) bool { // rank(u) < rank(v)
		if du, dv := g.Degree(u), g.Degree(v); du != dv {
			return du < dv
		}
		return u < v
	}
	// out-rows of the orientation, in CSR form.
	off := make([]int64, n+1)
	for u := range int32(n) {
		for _, v := range g.Neighbours(u) {
			if higher(u, v) {
				off[u+1]++
			}
		}
	}
	for v := 1; v <= n; v++ {
		off[v] += off[v-1]
	}
	out := make([]int32, off[n])
	for u := range int32(n) {
		i := off[u]
		for _, v := range g.Neighbours(u) {
			if higher(u, v) {
				out[i] = v
				i++
			}
		}
	}
	mark := make([]int32, n) // mark[x] == u+1: x is an out-neighbour of u
	for u := range int32(n) {
		ou := out[off[u]:off[u+1]]
		for _, v := range ou {
			mark[v] = u + 1
		}
		for _, v := range ou {
			for _, x := range out[off[v]:off[v+1]] {
				if mark[x] == u+1 {
					tri[u]++
					tri[v]++
					tri[x]++
				}
			}
		}
	}
	return tri
}

// Clustering returns the local clustering coefficient of every node
// (Watts & Strogatz 1998): the share of pairs of v's neighbours that are
// themselves adjacent,
//
//	c(v) = 2 T(v) / (d(v)(d(v)−1))
//
// T(v) the triangles through v, d(v) its degree. Weights are ignored. A
// node with fewer than two neighbours has no pairs (0/0); following
// NetworkX's clustering, and so that AverageClustering is the figure
// researchers compare, it is given c = 0, not an undefined value.
//
// Reference: Watts DJ, Strogatz SH. Collective dynamics of 'small-world'
// networks. Nature 1998;393:440–442.
func Clustering(g *csr.Graph) []float64 {
	tri := Triangles(g)
	c := make([]float64, len(tri))
	for v, t := range tri {
		if d := float64(g.Degree(int32(v))); d >= 2 && t > 0 {
			c[v] = 2 * float64(t) / (d * (d - 1))
		}
	}
	return c
}

// AverageClustering returns the mean of Clustering over all nodes, nodes
// of degree < 2 counting as 0 (NetworkX's average_clustering with its
// default count_zeros=True). Undefined for the empty graph (EmptyGraph).
func AverageClustering(g *csr.Graph) measure.Value {
	c := Clustering(g)
	if len(c) == 0 {
		return measure.Undefined(EmptyGraph)
	}
	s := 0.0
	for _, x := range c {
		s += x
	}
	return measure.Of(s / float64(len(c)))
}

// Transitivity returns the global clustering coefficient: three times the
// number of triangles over the number of connected triples (paths of
// length two), the probability that two neighbours of a node are adjacent
// (NetworkX's transitivity). Undefined (NoTriads) when no node has two
// neighbours; NetworkX returns 0.
func Transitivity(g *csr.Graph) measure.Value {
	var t3, triads int64 // Σ T(v) = 3·triangles; Σ d(d−1)/2 = triples
	for v, t := range Triangles(g) {
		d := int64(g.Degree(int32(v)))
		t3 += t
		triads += d * (d - 1) / 2
	}
	if triads == 0 {
		return measure.Undefined(NoTriads)
	}
	return measure.Ratio(t3, triads)
}

// CoreNumbers returns the core number of every node: the largest k such
// that the node belongs to the k-core, the maximal subgraph in which every
// node has degree ≥ k (Seidman 1983). Computed by Batagelj and Zaversnik's
// O(n + m) bucket algorithm; NetworkX's core_number. Isolated nodes have
// core number 0.
//
// Reference: Batagelj V, Zaversnik M. An O(m) algorithm for cores
// decomposition of networks. arXiv cs/0310049, 2003. Seidman SB. Network
// structure and minimum degree. Soc Networks 1983;5(3):269–287.
func CoreNumbers(g *csr.Graph) []int32 {
	n := g.Order()
	deg := make([]int32, n)
	maxDeg := int32(0)
	for v := range deg {
		deg[v] = int32(g.Degree(int32(v)))
		maxDeg = max(maxDeg, deg[v])
	}
	// bin[d] = start of the degree-d block in vert; pos[v] = v's index in vert.
	bin := make([]int32, maxDeg+2)
	for _, d := range deg {
		bin[d+1]++
	}
	for d := int32(1); d <= maxDeg+1; d++ {
		bin[d] += bin[d-1]
	}
	vert := make([]int32, n)
	pos := make([]int32, n)
	next := slices.Clone(bin)
	for v, d := range deg {
		pos[v] = next[d]
		vert[pos[v]] = int32(v)
		next[d]++
	}
	for i := range int32(n) {
		v := vert[i]
		for _, u := range g.Neighbours(v) {
			if deg[u] > deg[v] {
				// Move u to the front of its block, then shrink the block.
				du := deg[u]
				pu, pw := pos[u], bin[du]
				w := vert[pw]
				if u != w {
					vert[pu], vert[pw] = w, u
					pos[u], pos[w] = pw, pu
				}
				bin[du]++
				deg[u]--
			}
		}
	}
	return deg
}

// Components labels every node with its connected component: component
// ids are 0..count−1 in order of each component's smallest node, so the
// labelling is canonical.
func Components(g *csr.Graph) (label []int32, count int) {
	n := g.Order()
	label = make([]int32, n)
	for v := range label {
		label[v] = -1
	}
	stack := make([]int32, 0, 64)
	for s := range int32(n) {
		if label[s] >= 0 {
			continue
		}
		c := int32(count)
		count++
		label[s] = c
		stack = append(stack[:0], s)
		for len(stack) > 0 {
			v := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, u := range g.Neighbours(v) {
				if label[u] < 0 {
					label[u] = c
					stack = append(stack, u)
				}
			}
		}
	}
	return label, count
}

// Ranked is a node and its score.
type Ranked struct {
	Node  int32
	Score float64
}

// TopK returns the k nodes with the highest scores, highest first, ties
// broken by the smaller node id so that the answer is deterministic. It
// returns fewer than k when there are fewer nodes. O(n log k).
func TopK(scores []float64, k int) []Ranked {
	return topK(len(scores), k, func(v int) (float64, bool) { return scores[v], true })
}

// TopKDefined is TopK over measure values, skipping the undefined ones.
func TopKDefined(scores []measure.Value, k int) []Ranked {
	return topK(len(scores), k, func(v int) (float64, bool) { return scores[v].V, scores[v].Defined })
}

func topK(n, k int, score func(int) (float64, bool)) []Ranked {
	if k <= 0 {
		return []Ranked{}
	}
	// better reports whether a ranks above b.
	better := func(a, b Ranked) bool {
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		return a.Node < b.Node
	}
	// h is a min-heap of the best k so far: h[0] is the worst of them.
	h := make([]Ranked, 0, min(k, n))
	down := func(i int) {
		for {
			l, r, m := 2*i+1, 2*i+2, i
			if l < len(h) && better(h[m], h[l]) {
				m = l
			}
			if r < len(h) && better(h[m], h[r]) {
				m = r
			}
			if m == i {
				return
			}
			h[i], h[m] = h[m], h[i]
			i = m
		}
	}
	for v := range n {
		s, ok := score(v)
		if !ok {
			continue
		}
		x := Ranked{Node: int32(v), Score: s}
		if len(h) < k {
			h = append(h, x)
			for i := len(h) - 1; i > 0; {
				p := (i - 1) / 2
				if !better(h[p], h[i]) {
					break
				}
				h[i], h[p] = h[p], h[i]
				i = p
			}
		} else if better(x, h[0]) {
			h[0] = x
			down(0)
		}
	}
	slices.SortFunc(h, func(a, b Ranked) int {
		if better(a, b) {
			return -1
		}
		if better(b, a) {
			return 1
		}
		return cmp.Compare(a.Node, b.Node)
	})
	return h
}

package fragmentation

import (
	"github.com/careweb/careweb/internal/metrics/measure"
	"github.com/careweb/careweb/internal/metrics/ugraph"
)

// Borgatti returns Borgatti's fragmentation F of g, the proportion of
// ordered pairs of distinct nodes that cannot reach each other:
//
//	F = 1 − Σ_k s_k(s_k − 1) / (n(n − 1))
//
// with s_k the size of the k-th connected component (Borgatti 2006).
// Range [0, 1]: 0 for a connected graph, 1 when every node is an isolate.
// Undefined (TooFewNodes) for n < 2.
func Borgatti(g *ugraph.Graph) measure.Value {
	n := int64(g.Order())
	if n < 2 {
		return measure.Undefined(measure.TooFewNodes)
	}
	var reach int64
	for _, s := range g.Components() {
		reach += int64(s) * int64(s-1)
	}
	return measure.Ratio(n*(n-1)-reach, n*(n-1))
}

// DistanceWeighted returns Borgatti's distance-weighted fragmentation DF of
// g:
//
//	DF = 1 − Σ_{i≠j} (1/d_ij) / (n(n − 1)),   1/∞ = 0
//
// with d_ij the hop distance, i.e. 1 − global efficiency (Latora &
// Marchiori 2001). Range [0, 1]: 0 for a complete graph, 1 when every node
// is an isolate. Undefined (TooFewNodes) for n < 2 (NetworkX's
// global_efficiency returns 0 there, which would wrongly give DF = 1).
// Cost: one breadth-first search per node, O(n·(n + m)).
func DistanceWeighted(g *ugraph.Graph) measure.Value {
	n := g.Order()
	if n < 2 {
		return measure.Undefined(measure.TooFewNodes)
	}
	// Count ordered pairs by distance, then sum pairs/d once per distance:
	// few terms, so the float sum is as exact as the result can be.
	var atDist []int64
	var dist, queue []int
	for s := 0; s < n; s++ {
		dist, queue = g.Distances(s, dist, queue)
		for _, d := range dist {
			if d > 0 {
				for len(atDist) <= d {
					atDist = append(atDist, 0)
				}
				atDist[d]++
			}
		}
	}
	var sum float64
	for d := len(atDist) - 1; d >= 1; d-- {
		sum += float64(atDist[d]) / float64(d)
	}
	pairs := float64(n) * float64(n-1)
	return measure.Of((pairs - sum) / pairs)
}

// KeyPlayer returns Borgatti's KPP-Neg scores of the node set remove: F and
// DF of the residual graph g − remove (Borgatti 2006). For one node it is
// that node's fragmentation centrality: how far the network falls apart
// without it. Nodes outside g are ignored. Undefined as Borgatti and
// DistanceWeighted when fewer than two nodes remain.
func KeyPlayer(g *ugraph.Graph, remove ...int) (f, df measure.Value) {
	drop := make(map[int]bool, len(remove))
	for _, v := range remove {
		drop[v] = true
	}
	h, _ := g.Without(func(v int) bool { return drop[v] })
	return Borgatti(h), DistanceWeighted(h)
}

package network

import (
	"context"

	"github.com/careweb/careweb/internal/csr"
	"github.com/careweb/careweb/internal/metrics/measure"
)

// Closeness returns the closeness centrality of every node (Freeman 1979)
// with Wasserman and Faust's scaling for graphs that are not connected,
// NetworkX's closeness_centrality(G, wf_improved=True):
//
//	C(v) = ((r−1)/(n−1)) · ((r−1)/Σ_{u reachable from v} d(v, u))
//
// r the number of nodes v reaches (v included), d the hop distance. On a
// connected graph it is Freeman's (n−1)/Σ d(v, u). Weights are ignored.
//
// Undefined: every node when n < 2 (TooFewNodes); an isolated node
// (Isolate), whose inner ratio is 0/0. NetworkX reports 0 for both.
//
// One breadth-first search per node, O(nm), on workers goroutines
// (≤ 0: GOMAXPROCS); when ctx is cancelled its error is returned.
//
// References: Freeman LC. Centrality in social networks: conceptual
// clarification. Soc Networks 1979;1(3):215–239. Wasserman S, Faust K.
// Social Network Analysis: Methods and Applications. Cambridge UP, 1994.
func Closeness(ctx context.Context, g *csr.Graph, workers int) ([]measure.Value, error) {
	n := g.Order()
	out := make([]measure.Value, n)
	if n < 2 {
		for v := range out {
			out[v] = measure.Undefined(measure.TooFewNodes)
		}
		return out, ctx.Err()
	}
	off, adj := g.Offsets(), g.Adj()
	err := forSources(ctx, n, workerCount(workers, n), func(int) func(int32) {
		dist := make([]int32, n)
		for v := range dist {
			dist[v] = -1
		}
		q := make([]int32, n)
		return func(s int32) {
			dist[s] = 0
			q[0] = s
			tail := 1
			var sum int64
			for head := 0; head < tail; head++ {
				v := q[head]
				dn := dist[v] + 1
				for _, u := range adj[off[v]:off[v+1]] {
					if dist[u] < 0 {
						dist[u] = dn
						sum += int64(dn)
						q[tail] = u
						tail++
					}
				}
			}
			for _, v := range q[:tail] {
				dist[v] = -1
			}
			if tail == 1 {
				out[s] = measure.Undefined(measure.Isolate)
				return
			}
			r1 := float64(tail - 1)
			// Same order of operations as NetworkX, so the two agree to the last bits.
			out[s] = measure.Of(r1 / float64(sum) * (r1 / float64(n-1)))
		}
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

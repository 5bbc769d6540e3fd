package network

import (
	"context"
	"runtime"
	"sync"
	"unsafe"

	"github.com/careweb/careweb/internal/csr"
	"github.com/careweb/careweb/internal/metrics/measure"
)

// Betweenness returns the raw betweenness centrality of every node of the
// unweighted undirected graph g (Freeman 1977), by Brandes' algorithm
// (Brandes 2001):
//
//	B(v) = Σ_{s<t, s≠v≠t} σ_st(v) / σ_st
//
// over unordered pairs {s, t}, σ_st the number of shortest s–t paths and
// σ_st(v) those through v. This is NetworkX's
// betweenness_centrality(G, normalized=False) and igraph's
// betweenness(directed=False); gonum's network.Betweenness counts ordered
// pairs and so gives 2·B(v). Weights are ignored. An isolated node, a leaf
// and every node of a graph with fewer than 3 nodes have B = 0, which is a
// true zero (no pair's shortest paths pass through them), not an
// undefined value.
//
// The work is one breadth-first search per source, O(nm) in all, run on
// workers goroutines (workers ≤ 0 means runtime.GOMAXPROCS(0)). Worker k
// takes the sources s ≡ k (mod workers) and sums into its own array; the
// arrays are added in worker order, so the result is the same bit for bit
// on every run with the same number of workers (different worker counts
// may differ in the last bits: floating-point addition is not
// associative). When ctx is cancelled the workers stop after their current
// source and ctx's error is returned.
//
// σ is counted in float64, exact up to 2⁵³ shortest paths per pair.
//
// References: Freeman LC. A set of measures of centrality based on
// betweenness. Sociometry 1977;40(1):35–41. Brandes U. A faster algorithm
// for betweenness centrality. J Math Sociol 2001;25(2):163–177.
func Betweenness(ctx context.Context, g *csr.Graph, workers int) ([]float64, error) {
	n := g.Order()
	bc := make([]float64, n)
	if n < 3 {
		return bc, ctx.Err()
	}
	workers = workerCount(workers, n)
	ks := make([]*brandes, workers)
	err := forSources(ctx, n, workers, func(w int) func(int32) {
		ks[w] = newBrandes(g)
		return ks[w].source
	})
	if err != nil {
		return nil, err
	}
	for _, k := range ks {
		for v, x := range k.acc {
			bc[v] += x
		}
	}
	// Each unordered pair was counted from both of its ends.
	for v := range bc {
		bc[v] /= 2
	}
	return bc, nil
}

// NormalisedBetweenness scales raw betweenness (from Betweenness) to
// [0, 1] by the number of pairs not involving the node:
//
//	B'(v) = B(v) / ((n−1)(n−2)/2)
//
// which is NetworkX's betweenness_centrality(G, normalized=True) for an
// undirected graph (NetworkX divides its ordered-pair sum by (n−1)(n−2)).
// Undefined (TooFewNodes) for every node when n < 3, where there are no
// such pairs; NetworkX instead returns the unscaled zeros.
func NormalisedBetweenness(raw []float64) []measure.Value {
	n := len(raw)
	out := make([]measure.Value, n)
	if n < 3 {
		for v := range out {
			out[v] = measure.Undefined(measure.TooFewNodes)
		}
		return out
	}
	pairs := float64(n-1) * float64(n-2) / 2
	for v, b := range raw {
		out[v] = measure.Of(b / pairs)
	}
	return out
}

// brandes is one worker's state for Betweenness. Outside a call of
// source, dist is −1 and sigma and coef are 0 everywhere.
type brandes struct {
	off    []int64
	adj    []int32
	dist   []int32   // hop distance from the source, −1 if not reached
	sigma  []float64 // σ: shortest paths from the source
	coef   []float64 // c(v) = (1 + δ(v))/σ(v), set level by level from the far end
	queue  []int32   // nodes in breadth-first order
	levels []int32   // levels[d] = start of level d in queue; one extra end marker
	rest   []int32   // nodes not yet reached, once a bottom-up level has listed them
	arcs   []int64   // arcs[d]: the arcs leaving level d
	sum    []float64 // Σ c over a node's successors; zero outside a level's accumulation
	acc    []float64 // this worker's betweenness sums
}

func newBrandes(g *csr.Graph) *brandes {
	n := g.Order()
	k := &brandes{
		off: g.Offsets(), adj: g.Adj(),
		dist: make([]int32, n), sigma: make([]float64, n), coef: make([]float64, n),
		queue: make([]int32, n), rest: make([]int32, 0, n), sum: make([]float64, n), acc: make([]float64, n),
	}
	for v := range k.dist {
		k.dist[v] = -1
	}
	return k
}

// source adds source s's dependencies δ_s(v) to k.acc.
//
// The search is level-synchronous and direction-optimising (Beamer,
// Asanović & Patterson 2012): a level is expanded top-down (frontier nodes
// push σ to unreached neighbours) while the frontier is small, bottom-up
// (unreached nodes pull σ from frontier neighbours, a branch-free sum) once
// the frontier's arcs outweigh a quarter of the unreached ones; on a
// random graph the middle levels hold most nodes and the bottom-up sum is
// the cheaper one.
//
// The accumulation uses Brandes' recurrence in the form
//
//	δ(v) = Σ_{w ∈ succ(v)} σ(v)/σ(w) · (1 + δ(w)) = σ(v) · Σ_{w ∈ succ(v)} c(w)
//	c(w) = (1 + δ(w))/σ(w) = 1/σ(w) + Σ_{x ∈ succ(w)} c(x)
//
// succ(v) the neighbours one level further from the source, level by level
// from the deepest. For each level the c of the next level are either
// pulled by a branch-free sum over all neighbours (coef is non-zero only
// on the next level: a level's c are written after the whole level has
// been summed, and neighbours lie one level either side or on the same
// level), or, when the next level is much smaller, pushed from it. No
// predecessor lists are stored.
func (k *brandes) source(s int32) {
	off, adj, dist, sigma, coef, q := k.off, k.adj, k.dist, k.sigma, k.coef, k.queue
	dist[s] = 0
	sigma[s] = 1
	q[0] = s
	tail := int32(1)
	levels := append(k.levels[:0], 0)
	arcs := k.arcs[:0] // arcs[d]: Σ degree over level d
	unreachedArcs := int64(len(adj)) - (off[s+1] - off[s])
	rest, restBuilt := k.rest[:0], false
	for lo := int32(0); lo < tail; {
		hi := tail
		levels = append(levels, hi)
		dn := dist[q[lo]] + 1
		var frontierArcs int64
		for _, v := range q[lo:hi] {
			frontierArcs += off[v+1] - off[v]
		}
		arcs = append(arcs, frontierArcs)
		if frontierArcs*bottomUpRatio <= unreachedArcs {
			// Top-down: push from the frontier to its neighbours.
			for _, v := range q[lo:hi] {
				sv := sigma[v]
				for _, u := range adj[off[v]:off[v+1]] {
					if du := dist[u]; du < 0 {
						dist[u] = dn
						sigma[u] = sv
						q[tail] = u
						tail++
						unreachedArcs -= off[u+1] - off[u]
					} else if du == dn {
						sigma[u] += sv
					}
				}
			}
		} else {
			// Bottom-up: every unreached node pulls σ from the frontier,
			// whose σ is copied into coef (zero elsewhere); it is on the
			// next level exactly when the sum is positive.
			if !restBuilt {
				for v, d := range dist {
					if d < 0 {
						rest = append(rest, int32(v))
					}
				}
				restBuilt = true
			}
			for _, v := range q[lo:hi] {
				coef[v] = sigma[v]
			}
			keep := 0
			for _, u := range rest {
				if dist[u] >= 0 {
					continue // reached by a top-down level after rest was built
				}
				row := adj[off[u]:off[u+1]]
				if t := pull(coef, row); t > 0 {
					dist[u] = dn
					sigma[u] = t
					q[tail] = u
					tail++
					unreachedArcs -= int64(len(row))
				} else {
					rest[keep] = u
					keep++
				}
			}
			rest = rest[:keep]
			for _, v := range q[lo:hi] {
				coef[v] = 0
			}
		}
		lo = hi
	}
	k.rest = rest
	k.levels, k.arcs = levels, arcs
	sum, acc := k.sum, k.acc
	// levels[d]..levels[d+1] is level d; level 0 is the source alone, and
	// the deepest level has no successors (its c is just 1/σ).
	last := len(levels) - 2
	for _, v := range q[levels[last]:levels[last+1]] {
		coef[v] = 1 / sigma[v]
	}
	for d := last - 1; d >= 1; d-- {
		lo, hi := levels[d], levels[d+1]
		if arcs[d+1]*bottomUpRatio < arcs[d] {
			// The next level is much smaller: push its c to level d
			// rather than scan level d's far larger rows for it.
			for _, w := range q[hi:levels[d+2]] {
				cw := coef[w]
				for _, v := range adj[off[w]:off[w+1]] {
					if dist[v] == int32(d) {
						sum[v] += cw
					}
				}
			}
		} else {
			for _, v := range q[lo:hi] {
				sum[v] = pull(coef, adj[off[v]:off[v+1]])
			}
		}
		for _, v := range q[lo:hi] {
			acc[v] += sigma[v] * sum[v]
			coef[v] = 1/sigma[v] + sum[v]
			sum[v] = 0
		}
	}
	for _, v := range q[:tail] {
		dist[v] = -1
		sigma[v] = 0
		coef[v] = 0
	}
}

// pull returns Σ x[u] over row. Four partial sums break the floating-point
// add chain, whose latency would otherwise bound the loop.
func pull(x []float64, row []int32) float64 {
	// Every id in a csr.Graph's rows is below Order() = len(x) (csr
	// validates ids when it builds the graph), so the bounds checks Go
	// would do on x[u] are skipped: they cost a third of the loop.
	base := unsafe.Pointer(unsafe.SliceData(x))
	at := func(u int32) float64 { return *(*float64)(unsafe.Add(base, uintptr(u)*8)) }
	var t0, t1, t2, t3 float64
	for len(row) >= 4 {
		t0 += at(row[0])
		t1 += at(row[1])
		t2 += at(row[2])
		t3 += at(row[3])
		row = row[4:]
	}
	for _, u := range row {
		t0 += at(u)
	}
	return (t0 + t1) + (t2 + t3)
}

// bottomUpRatio: a level is searched bottom-up (each unreached node scans
// its row for frontier neighbours) rather than top-down (each frontier
// node scans its row for unreached neighbours) when the frontier's rows
// hold more than 1/bottomUpRatio of the unreached nodes' arcs. The
// bottom-up scan is a branch-free sum, measured about 4× cheaper per arc
// than the top-down scan's unpredictable "already reached?" test on random
// graphs (Beamer et al. 2012 make the same trade for plain BFS).
const bottomUpRatio = 4

// workerCount resolves a caller's worker count: ≤ 0 means GOMAXPROCS, and
// never more workers than sources.
func workerCount(workers, n int) int {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	return max(1, min(workers, n))
}

// forSources runs every source 0..n−1 through a per-worker function made
// by newWorker(k), worker k taking the sources s ≡ k (mod workers): a fixed
// assignment, so each worker's sums are the same on every run. It checks
// ctx before each source and returns its error if it was cancelled.
func forSources(ctx context.Context, n, workers int, newWorker func(k int) func(s int32)) error {
	fs := make([]func(int32), workers)
	for k := range fs {
		fs[k] = newWorker(k)
	}
	var wg sync.WaitGroup
	for k, f := range fs {
		wg.Go(func() {
			for s := k; s < n; s += workers {
				if ctx.Err() != nil {
					return
				}
				f(int32(s))
			}
		})
	}
	wg.Wait()
	return ctx.Err()
}

package network

import (
	"math"

	"github.com/careweb/careweb/internal/csr"
	"github.com/careweb/careweb/internal/metrics/measure"
)

// Iteration bounds a power iteration. It stops when the L1 change of the
// vector in one step is below n·Tol (NetworkX's rule), or fails after
// MaxIter steps. Zero fields take the defaults of the function used.
type Iteration struct {
	MaxIter int
	Tol     float64
}

// Defaults for Eigenvector and PageRank. They are far tighter than
// NetworkX's (tol 1e-6, max_iter 100), which stop early enough that the
// result depends on where the iteration stopped rather than on the graph;
// at these settings the result is the fixed point to well within 1e-9,
// and agrees with NetworkX run at the same tolerance to 1e-9
// (crosscheck_test.go), whatever the graph.
const (
	DefaultTol         = 1e-13
	DefaultMaxIterEig  = 100000
	DefaultMaxIterRank = 10000
)

func (it Iteration) or(maxIter int) Iteration {
	if it.MaxIter <= 0 {
		it.MaxIter = maxIter
	}
	if !(it.Tol > 0) {
		it.Tol = DefaultTol
	}
	return it
}

// Eigenvector returns the eigenvector centrality of every node (Bonacich
// 1972, 1987): the entries of the principal eigenvector x of the adjacency
// matrix A (weighted by edge weight when g is weighted),
//
//	λ x_v = Σ_u A_vu x_u,   ‖x‖₂ = 1,  x ≥ 0,
//
// computed as NetworkX's eigenvector_centrality does: power iteration on
// A + I (the shift makes bipartite graphs converge) from the uniform vector
// 1/n, normalising to unit L2 norm after each step. On a disconnected graph
// the result is the limit of that iteration: the components with the
// largest λ share the mass in proportion to their start, the others tend
// to 0 (their values are then tiny, not exactly 0, as in NetworkX).
//
// Undefined: every node when g has no edges (NoEdges: every vector is an
// eigenvector of the zero matrix; NetworkX returns 1/√n), or when the
// iteration does not converge within it.MaxIter steps (NotConverged).
// An empty graph gives an empty slice.
//
// References: Bonacich P. Factoring and weighting approaches to status
// scores and clique identification. J Math Sociol 1972;2(1):113–120.
// Bonacich P. Power and centrality: a family of measures. Am J Sociol
// 1987;92(5):1170–1182.
func Eigenvector(g *csr.Graph, it Iteration) []measure.Value {
	it = it.or(DefaultMaxIterEig)
	n := g.Order()
	if n == 0 {
		return []measure.Value{}
	}
	if g.Size() == 0 {
		return undefinedAll(n, measure.NoEdges)
	}
	off, adj, wt := g.Offsets(), g.Adj(), g.W()
	x := make([]float64, n)
	y := make([]float64, n)
	for v := range x {
		x[v] = 1 / float64(n)
	}
	for range it.MaxIter {
		for v := range y {
			s := x[v]
			lo, hi := off[v], off[v+1]
			if wt == nil {
				for _, u := range adj[lo:hi] {
					s += x[u]
				}
			} else {
				for i, u := range adj[lo:hi] {
					s += x[u] * wt[lo+int64(i)]
				}
			}
			y[v] = s
		}
		norm := l2(y)
		if norm == 0 {
			norm = 1
		}
		diff := 0.0
		for v := range y {
			y[v] /= norm
			diff += math.Abs(y[v] - x[v])
		}
		x, y = y, x
		if diff < float64(n)*it.Tol {
			return values(x)
		}
	}
	return undefinedAll(n, NotConverged)
}

// PageRank returns the PageRank of every node (Page et al. 1999) with
// damping alpha (0 ≤ alpha < 1; 0.85 is the usual choice): the stationary
// distribution of a walk that follows an edge with probability alpha
// (choosing among a node's edges in proportion to their weights) and jumps
// to a uniformly random node otherwise:
//
//	PR(v) = (1−α)/n + α · ( Σ_{u ∈ N(v)} PR(u) · w_uv / s_u + Σ_{u: s_u = 0} PR(u)/n )
//
// s_u the strength (degree) of u. Nodes with no edges ("dangling") spread
// their rank uniformly, as in NetworkX's pagerank with its defaults. The
// values sum to 1. Computed by power iteration from 1/n, as NetworkX does.
//
// Undefined: every node when alpha is outside [0, 1) (InvalidInput) or the
// iteration does not converge within it.MaxIter steps (NotConverged; with
// alpha < 1 the error shrinks by alpha per step, so this needs a very small
// MaxIter). An empty graph gives an empty slice.
//
// Reference: Page L, Brin S, Motwani R, Winograd T. The PageRank citation
// ranking: bringing order to the web. Stanford InfoLab technical report
// 1999-66, 1999.
func PageRank(g *csr.Graph, alpha float64, it Iteration) []measure.Value {
	it = it.or(DefaultMaxIterRank)
	n := g.Order()
	if n == 0 {
		return []measure.Value{}
	}
	if !(alpha >= 0 && alpha < 1) {
		return undefinedAll(n, measure.InvalidInput)
	}
	off, adj, wt := g.Offsets(), g.Adj(), g.W()
	inv := make([]float64, n) // 1/s_u, 0 for dangling nodes
	var dangling []int32
	for v := range n {
		if s := g.Strength(int32(v)); s > 0 {
			inv[v] = 1 / s
		} else {
			dangling = append(dangling, int32(v))
		}
	}
	x := make([]float64, n)
	y := make([]float64, n)
	share := make([]float64, n) // x_u / s_u
	for v := range x {
		x[v] = 1 / float64(n)
	}
	base := (1 - alpha) / float64(n)
	for range it.MaxIter {
		d := 0.0
		for _, v := range dangling {
			d += x[v]
		}
		d /= float64(n)
		for v := range share {
			share[v] = x[v] * inv[v]
		}
		diff := 0.0
		for v := range y {
			s := 0.0
			lo, hi := off[v], off[v+1]
			if wt == nil {
				for _, u := range adj[lo:hi] {
					s += share[u]
				}
			} else {
				for i, u := range adj[lo:hi] {
					s += share[u] * wt[lo+int64(i)]
				}
			}
			y[v] = alpha*(s+d) + base
			diff += math.Abs(y[v] - x[v])
		}
		x, y = y, x
		if diff < float64(n)*it.Tol {
			return values(x)
		}
	}
	return undefinedAll(n, NotConverged)
}

// l2 is the Euclidean norm, scaled so that neither overflow nor underflow
// can occur (as math.Hypot, which NetworkX uses).
func l2(x []float64) float64 {
	scale := 0.0
	for _, v := range x {
		scale = max(scale, math.Abs(v))
	}
	if scale == 0 {
		return 0
	}
	s := 0.0
	for _, v := range x {
		r := v / scale
		s += r * r
	}
	return scale * math.Sqrt(s)
}

func values(x []float64) []measure.Value {
	out := make([]measure.Value, len(x))
	for v, f := range x {
		out[v] = measure.Of(f)
	}
	return out
}

func undefinedAll(n int, r measure.Reason) []measure.Value {
	out := make([]measure.Value, n)
	for v := range out {
		out[v] = measure.Undefined(r)
	}
	return out
}

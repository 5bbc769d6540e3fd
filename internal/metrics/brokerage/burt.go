package brokerage

import (
	"github.com/careweb/careweb/internal/metrics/measure"
	"github.com/careweb/careweb/internal/metrics/ugraph"
)

// Constraint returns Burt's constraint of every node of the undirected,
// unweighted graph g:
//
//	C_i = Σ_{j ∈ N(i)} (p_ij + Σ_{q ∈ N(i), q ≠ j} p_iq p_qj)²,   p_ij = a_ij / k_i
//
// High constraint means a redundant, closed ego network (a silo); low means
// the node spans structural holes. A node of degree 1 has constraint 1.
// Undefined (Isolate) for a node with no neighbours.
func Constraint(g *ugraph.Graph) []measure.Value {
	n := g.Order()
	c := make([]measure.Value, n)
	for i := 0; i < n; i++ {
		nb := g.Neighbours(i)
		if len(nb) == 0 {
			c[i] = measure.Undefined(measure.Isolate)
			continue
		}
		ki := float64(len(nb))
		var sum float64
		for _, j := range nb {
			local := 1 / ki
			for _, q := range nb {
				if q != j && g.HasEdge(int(q), int(j)) {
					local += (1 / ki) * (1 / float64(g.Degree(int(q))))
				}
			}
			sum += local * local
		}
		c[i] = measure.Of(sum)
	}
	return c
}

// EffectiveSize returns Burt's effective size of every node of the
// undirected, unweighted graph g, by Borgatti's (1997) simplification
//
//	e_i = n − 2t/n
//
// with n the degree and t the ties among the node's neighbours: the number
// of non-redundant contacts. Degree 1 gives 1. Undefined (Isolate) for a
// node with no neighbours.
func EffectiveSize(g *ugraph.Graph) []measure.Value {
	return egoRatio(g, func(n, t int64) measure.Value { return measure.Ratio(n*n-2*t, n) })
}

// Efficiency returns effective size ÷ degree for every node: (n² − 2t)/n².
// Undefined (Isolate) for a node with no neighbours.
func Efficiency(g *ugraph.Graph) []measure.Value {
	return egoRatio(g, func(n, t int64) measure.Value { return measure.Ratio(n*n-2*t, n*n) })
}

func egoRatio(g *ugraph.Graph, f func(n, t int64) measure.Value) []measure.Value {
	out := make([]measure.Value, g.Order())
	for i := range out {
		nb := g.Neighbours(i)
		if len(nb) == 0 {
			out[i] = measure.Undefined(measure.Isolate)
			continue
		}
		var t int64
		for x, a := range nb {
			for _, b := range nb[x+1:] {
				if g.HasEdge(int(a), int(b)) {
					t++
				}
			}
		}
		out[i] = f(int64(len(nb)), t)
	}
	return out
}

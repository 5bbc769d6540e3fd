package silo

import (
	"github.com/careweb/careweb/internal/metrics/measure"
	"github.com/careweb/careweb/internal/metrics/ugraph"
)

// mixing is the tally all three measures are computed from.
type mixing struct {
	m        int64 // edges
	internal int64 // edges within a group
	sumK2    int64 // Σ_c k_c², k_c = total degree of group c
	lk       int64 // Σ_c (4m·L_c − k_c²), the modularity numerator
}

// tally returns the mixing tally of g under group, or an undefined Value.
func tally(g *ugraph.Graph, group []int) (mixing, measure.Value) {
	n := g.Order()
	if len(group) != n {
		return mixing{}, measure.Undefined(measure.InvalidInput)
	}
	mx := mixing{m: int64(g.Size())}
	if mx.m == 0 {
		return mx, measure.Undefined(measure.NoEdges)
	}
	index := make(map[int]int)
	var k, l []int64 // per group: degree sum, internal edges
	for v := 0; v < n; v++ {
		c, ok := index[group[v]]
		if !ok {
			c = len(k)
			index[group[v]] = c
			k = append(k, 0)
			l = append(l, 0)
		}
		k[c] += int64(g.Degree(v))
		for _, u := range g.Neighbours(v) {
			if int(u) > v && group[u] == group[v] {
				l[c]++
			}
		}
	}
	for c := range k {
		mx.internal += l[c]
		mx.sumK2 += k[c] * k[c]
		mx.lk += 4*mx.m*l[c] - k[c]*k[c]
	}
	return mx, measure.Of(0)
}

// Modularity returns the Newman–Girvan modularity of the given partition
// of g (group[v] is node v's label), with resolution γ = 1:
//
//	Q = Σ_c [ L_c/m − (k_c/2m)² ]
//
// L_c the edges inside group c, k_c the degree sum of c, m the edges.
// Range [−1/2, 1); one group gives 0. Undefined: NoEdges (m = 0),
// InvalidInput (len(group) ≠ g.Order()).
func Modularity(g *ugraph.Graph, group []int) measure.Value {
	mx, v := tally(g, group)
	if !v.Defined {
		return v
	}
	return measure.Ratio(mx.lk, 4*mx.m*mx.m)
}

// EI returns the Krackhardt–Stern E–I index (E − I)/(E + I), E the edges
// between groups and I those within. Range [−1, 1]: −1 when every tie stays
// inside a group (perfect silos), +1 when every tie crosses. Undefined:
// NoEdges, InvalidInput (len(group) ≠ g.Order()).
func EI(g *ugraph.Graph, group []int) measure.Value {
	mx, v := tally(g, group)
	if !v.Defined {
		return v
	}
	e := mx.m - mx.internal
	return measure.Ratio(e-mx.internal, mx.m)
}

// Assortativity returns Newman's nominal (attribute) assortativity
// coefficient of the labels group on g:
//
//	r = (Σ_i e_ii − Σ_i a_i²) / (1 − Σ_i a_i²)
//
// with e_ii the fraction of edge ends joining group i to itself and a_i the
// fraction of edge ends in group i; exactly (4m·I − Σ k_c²)/(4m² − Σ k_c²).
// Range [−1, 1]. Undefined: NoEdges; SingleGroup when every edge end is in
// one group (0/0; NetworkX and igraph give NaN); InvalidInput.
func Assortativity(g *ugraph.Graph, group []int) measure.Value {
	mx, v := tally(g, group)
	if !v.Defined {
		return v
	}
	den := 4*mx.m*mx.m - mx.sumK2
	if den == 0 {
		return measure.Undefined(measure.SingleGroup)
	}
	return measure.Ratio(4*mx.m*mx.internal-mx.sumK2, den)
}

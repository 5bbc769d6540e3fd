package brokerage

import (
	"fmt"
	"slices"

	"github.com/careweb/careweb/internal/metrics/ugraph"
)

// Roles counts the unordered open pairs a node brokers in an undirected
// network, by Gould–Fernandez role [PROPOSAL: the unordered convention].
type Roles struct {
	Coordinator int // A – A – A: broker and both ends in one group
	Itinerant   int // A – B – A: both ends in one group, broker in another (consultant)
	Boundary    int // A – A – B: the broker shares a group with one end (representative = gatekeeper when undirected)
	Liaison     int // A – B – C: all three in different groups
}

// Total returns the number of open pairs the node brokers.
func (r Roles) Total() int { return r.Coordinator + r.Itinerant + r.Boundary + r.Liaison }

// Undirected returns the brokerage roles of every node of g with groups
// group: for each node v and each unordered pair {a, b} of its neighbours
// that are not adjacent, v brokers {a, b} in the role given by the groups
// of a, v and b. A node of degree < 2 has all zeros. The counts relate to
// sna::brokerage on the symmetrised graph by
// (w_I, w_O, b_IO, b_OI, b_O) = (2·Coordinator, 2·Itinerant, Boundary,
// Boundary, 2·Liaison). The error says when group is not one label per node.
func Undirected(g *ugraph.Graph, group []int) ([]Roles, error) {
	n := g.Order()
	if len(group) != n {
		return nil, fmt.Errorf("brokerage: %d group labels for %d nodes", len(group), n)
	}
	roles := make([]Roles, n)
	for v := 0; v < n; v++ {
		nb := g.Neighbours(v)
		gv := group[v]
		for i, a := range nb {
			for _, b := range nb[i+1:] {
				if g.HasEdge(int(a), int(b)) {
					continue
				}
				ga, gb := group[a], group[b]
				switch {
				case ga == gv && gb == gv:
					roles[v].Coordinator++
				case ga == gb:
					roles[v].Itinerant++
				case ga == gv || gb == gv:
					roles[v].Boundary++
				default:
					roles[v].Liaison++
				}
			}
		}
	}
	return roles, nil
}

// DirectedRoles counts the ordered pairs a node brokers in a directed
// network, in sna::brokerage's columns.
type DirectedRoles struct {
	Coordinator    int // w_I:  A → A → A
	Itinerant      int // w_O:  A → B → A (consultant)
	Representative int // b_IO: A → A → B
	Gatekeeper     int // b_OI: A → B → B
	Liaison        int // b_O:  A → B → C
}

// Arc is a directed edge From → To.
type Arc struct{ From, To int }

// Directed returns the Gould–Fernandez brokerage roles of every node of the
// directed graph on nodes 0..n−1 with arcs, under sna::brokerage's
// conventions: v brokers the ordered pair (a, b) iff a → v → b, a ≠ b and
// there is no arc a → b. Repeated arcs collapse. The error says which arc
// is a loop or has an endpoint out of range, or that group is not one label
// per node.
func Directed(n int, arcs []Arc, group []int) ([]DirectedRoles, error) {
	if n < 0 || len(group) != n {
		return nil, fmt.Errorf("brokerage: %d group labels for %d nodes", len(group), n)
	}
	out := make([][]int, n)
	in := make([][]int, n)
	for i, a := range arcs {
		if a.From < 0 || a.From >= n || a.To < 0 || a.To >= n {
			return nil, fmt.Errorf("brokerage: arc %d (%d→%d) has an endpoint outside 0..%d", i, a.From, a.To, n-1)
		}
		if a.From == a.To {
			return nil, fmt.Errorf("brokerage: arc %d is a loop on node %d", i, a.From)
		}
		out[a.From] = append(out[a.From], a.To)
		in[a.To] = append(in[a.To], a.From)
	}
	for v := 0; v < n; v++ {
		slices.Sort(out[v])
		out[v] = slices.Compact(out[v])
		slices.Sort(in[v])
		in[v] = slices.Compact(in[v])
	}
	hasArc := func(a, b int) bool {
		_, ok := slices.BinarySearch(out[a], b)
		return ok
	}
	roles := make([]DirectedRoles, n)
	for v := 0; v < n; v++ {
		gv := group[v]
		for _, a := range in[v] {
			for _, b := range out[v] {
				if a == b || hasArc(a, b) {
					continue
				}
				ga, gb := group[a], group[b]
				switch {
				case ga == gv && gb == gv:
					roles[v].Coordinator++
				case ga == gb:
					roles[v].Itinerant++
				case ga == gv:
					roles[v].Representative++
				case gb == gv:
					roles[v].Gatekeeper++
				default:
					roles[v].Liaison++
				}
			}
		}
	}
	return roles, nil
}

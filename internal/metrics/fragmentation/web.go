package fragmentation

import (
	"fmt"

	"github.com/careweb/careweb/internal/metrics/measure"
	"github.com/careweb/careweb/internal/metrics/ugraph"
)

// Kind is a member's kind in a person's web.
type Kind uint8

// The kinds of member of a web (METRICS-REFERENCE Part 1 rule 9).
const (
	Person       Kind = iota + 1 // the person P at the centre
	Carer                        // an unpaid carer with a CARES_FOR to P
	Professional                 // a paid professional involved in or in contact with P's care
)

// Web is one person's web in a window, built by the caller under
// METRICS-REFERENCE Part 1 rules 9–10: P, carers and professionals as
// nodes; P joined to every member; LINKED_TO edges among the other members.
type Web struct {
	// Graph is the web, with P.
	Graph *ugraph.Graph
	// Kind is the kind of each node; exactly one is Person.
	Kind []Kind
	// Organisation is each professional's organisation code; negative when
	// unknown. Entries for P and carers are ignored.
	Organisation []int
}

// WebResult is the fragmentation of one web (Part 1 rule 11).
type WebResult struct {
	// NetworkFragmentation is Borgatti's F of the web without P.
	NetworkFragmentation measure.Value
	// ProfessionalFragmentation is F of the professionals only (no P, no
	// carers).
	ProfessionalFragmentation measure.Value
	// DistanceWeightedFragmentation is DF of the web without P.
	DistanceWeightedFragmentation measure.Value
	// CarerDependency is ProfessionalFragmentation − NetworkFragmentation
	// [PROPOSAL]: how much of the professionals' connectedness runs through
	// carers. Undefined when either term is.
	CarerDependency measure.Value
	// CarerBridgingShare is CarerBridgingShare of the web [PROPOSAL].
	CarerBridgingShare measure.Value
}

// AnalyseWeb returns the fragmentation of w. The error says which input
// breaks the contract: slices whose lengths differ from the graph's order,
// an unknown kind, or not exactly one Person.
func AnalyseWeb(w Web) (WebResult, error) {
	n := w.Graph.Order()
	if len(w.Kind) != n || len(w.Organisation) != n {
		return WebResult{}, fmt.Errorf("fragmentation: the web has %d nodes but %d kinds and %d organisations", n, len(w.Kind), len(w.Organisation))
	}
	persons := 0
	for v, k := range w.Kind {
		switch k {
		case Person:
			persons++
		case Carer, Professional:
		default:
			return WebResult{}, fmt.Errorf("fragmentation: node %d has unknown kind %d", v, k)
		}
	}
	if persons != 1 {
		return WebResult{}, fmt.Errorf("fragmentation: the web has %d person nodes, want exactly 1", persons)
	}
	noP, _ := w.Graph.Without(func(v int) bool { return w.Kind[v] == Person })
	prof, _ := w.Graph.Without(func(v int) bool { return w.Kind[v] != Professional })
	r := WebResult{
		NetworkFragmentation:          Borgatti(noP),
		ProfessionalFragmentation:     Borgatti(prof),
		DistanceWeightedFragmentation: DistanceWeighted(noP),
	}
	switch {
	case !r.ProfessionalFragmentation.Defined:
		r.CarerDependency = r.ProfessionalFragmentation
	case !r.NetworkFragmentation.Defined:
		r.CarerDependency = r.NetworkFragmentation
	default:
		r.CarerDependency = measure.Of(r.ProfessionalFragmentation.V - r.NetworkFragmentation.V)
	}
	r.CarerBridgingShare = CarerBridgingShare(w.Graph, w.Kind, w.Organisation)
	return r, nil
}

// CarerBridgingShare returns the carer bridging share of a web [PROPOSAL;
// METRICS-REFERENCE Part 1 rule 11, Part 2 §2.10]: bridged ÷ pairs of
// CarerBridgingPairs — among the pairs of the web's professionals that are
// in different organisations and have no direct edge, the share that have a
// carer as a common neighbour, the pairs an unpaid carer joins up. Range
// [0, 1]. Undefined: NoPairs when there are no such pairs; InvalidInput when
// kind or org is not one entry per node.
func CarerBridgingShare(g *ugraph.Graph, kind []Kind, org []int) measure.Value {
	if len(kind) != g.Order() || len(org) != g.Order() {
		return measure.Undefined(measure.InvalidInput)
	}
	pairs, bridged := CarerBridgingPairs(g, kind, org)
	if pairs == 0 {
		return measure.Undefined(measure.NoPairs)
	}
	return measure.Ratio(int64(bridged), int64(pairs))
}

// CarerBridgingPairs returns the number of pairs of professionals of the
// web (kind[v] == Professional) that are in different organisations and not
// adjacent, and how many of those have a carer (kind Carer) as a common
// neighbour. Professionals with an unknown (negative) organisation are left
// out, since they cannot be said to be in different organisations. Nodes
// beyond the end of kind or org are ignored.
func CarerBridgingPairs(g *ugraph.Graph, kind []Kind, org []int) (pairs, bridged int) {
	n := min(g.Order(), len(kind), len(org))
	var profs []int
	for v := 0; v < n; v++ {
		if kind[v] == Professional && org[v] >= 0 {
			profs = append(profs, v)
		}
	}
	for i, a := range profs {
		for _, b := range profs[i+1:] {
			if org[a] == org[b] || g.HasEdge(a, b) {
				continue
			}
			pairs++
			if carerBetween(g, kind, a, b) {
				bridged++
			}
		}
	}
	return pairs, bridged
}

// carerBetween reports whether a carer is adjacent to both a and b.
func carerBetween(g *ugraph.Graph, kind []Kind, a, b int) bool {
	for _, c := range g.Neighbours(a) {
		if int(c) < len(kind) && kind[c] == Carer && g.HasEdge(int(c), b) {
			return true
		}
	}
	return false
}

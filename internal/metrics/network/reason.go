package network

import "github.com/careweb/careweb/internal/metrics/measure"

// Reasons for undefined values specific to whole-network measures, beside
// the shared ones in package measure (TooFewNodes, NoEdges, Isolate,
// InvalidInput).
const (
	// NotConverged: a power iteration did not reach its tolerance within
	// its iteration limit, so no value is reported.
	NotConverged measure.Reason = "NOT_CONVERGED"
	// NoTriads: transitivity is 0/0 because no node has two neighbours.
	NoTriads measure.Reason = "NO_TRIADS"
	// EmptyGraph: an average over nodes of a graph with none.
	EmptyGraph measure.Reason = "EMPTY_GRAPH"
)

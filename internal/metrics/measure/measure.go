package measure

import (
	"math"
	"strconv"
)

// Reason says why a metric is undefined. The codes are stable and are meant
// to be shown to API users beside a null (e.g. as a GraphQL enum or a JSON
// string); Message gives an English sentence.
type Reason string

// The reasons a metric can be undefined. A metric's doc comment says which
// of these it returns.
const (
	// NoContacts: there are no contacts (N = 0), so no ratio over contacts exists.
	NoContacts Reason = "NO_CONTACTS"
	// BelowMinContacts: N is below the caller's minContacts (METRICS-REFERENCE
	// Part 1 rule 5); the value may exist mathematically but is not reported.
	BelowMinContacts Reason = "BELOW_MIN_CONTACTS"
	// SingleContact: the index is defined on pairs of contacts and there is
	// only one (e.g. Bice–Boxerman COC = 0/0 at N = 1).
	SingleContact Reason = "SINGLE_CONTACT"
	// TooFewRemaining: after removing the usual provider's contacts fewer than
	// two remain (reduced FCI).
	TooFewRemaining Reason = "TOO_FEW_REMAINING"
	// NoDates: the metric needs contact dates and none were given.
	NoDates Reason = "NO_DATES"
	// TooFewNodes: a graph measure needs at least two nodes.
	TooFewNodes Reason = "TOO_FEW_NODES"
	// NoEdges: a graph measure divides by the number of edges and there are none.
	NoEdges Reason = "NO_EDGES"
	// NoPairs: a share over pairs has no pairs to share over.
	NoPairs Reason = "NO_PAIRS"
	// TooFewProviders: care density needs a provider set of at least two.
	TooFewProviders Reason = "TOO_FEW_PROVIDERS"
	// SingleGroup: a mixing coefficient is 0/0 because every edge end lies
	// in one group (e.g. nominal assortativity with one label).
	SingleGroup Reason = "SINGLE_GROUP"
	// Isolate: a node measure (Burt's constraint, effective size) does not
	// exist for a node with no neighbours.
	Isolate Reason = "ISOLATE"
	// NoTime: a rate per unit of time was asked for over a period of no days.
	NoTime Reason = "NO_TIME"
	// InvalidInput: the input breaks the function's documented contract
	// (lengths differ, dates out of order, a node out of range, ...).
	InvalidInput Reason = "INVALID_INPUT"
)

var messages = map[Reason]string{
	NoContacts:       "there are no contacts in the window",
	BelowMinContacts: "there are fewer contacts than minContacts",
	SingleContact:    "the index compares pairs of contacts and there is only one contact",
	TooFewRemaining:  "fewer than two contacts remain outside the usual provider",
	NoDates:          "the metric needs contact dates and none were given",
	TooFewNodes:      "the graph has fewer than two nodes",
	NoEdges:          "the graph has no edges",
	NoPairs:          "there are no pairs to take a share of",
	TooFewProviders:  "fewer than two providers were seen",
	SingleGroup:      "every tie lies within one group, so the coefficient is 0/0",
	Isolate:          "the node has no neighbours",
	NoTime:           "the period has no days",
	InvalidInput:     "the input breaks the metric's contract",
}

// Message returns an English sentence for r, or r itself if it is not one of
// the codes above.
func (r Reason) Message() string {
	if m, ok := messages[r]; ok {
		return m
	}
	return string(r)
}

// Value is a metric value that may be undefined. The zero Value is undefined
// with no reason; construct Values with Of, Ratio or Undefined.
type Value struct {
	// V is the value; meaningful only when Defined.
	V float64
	// Defined reports whether the metric exists for the input.
	Defined bool
	// Reason says why the metric is undefined; empty when Defined.
	Reason Reason
}

// Of returns the defined value v. A NaN or infinite v is returned as
// undefined (InvalidInput): a metric never reports NaN.
func Of(v float64) Value {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return Undefined(InvalidInput)
	}
	return Value{V: v, Defined: true}
}

// Ratio returns num/den, rounded once to float64. A zero den is a caller
// bug (metrics check their denominators and return a specific Reason
// first); it returns Undefined(InvalidInput) rather than Inf or NaN.
func Ratio(num, den int64) Value {
	if den == 0 {
		return Undefined(InvalidInput)
	}
	return Value{V: float64(num) / float64(den), Defined: true}
}

// Undefined returns the undefined value with reason r.
func Undefined(r Reason) Value { return Value{Reason: r} }

// Float returns the value and whether it is defined.
func (v Value) Float() (float64, bool) { return v.V, v.Defined }

// Ptr returns a pointer to the value, or nil when it is undefined: the
// shape nullable GraphQL and JSON fields want.
func (v Value) Ptr() *float64 {
	if !v.Defined {
		return nil
	}
	f := v.V
	return &f
}

// String formats a defined value with the shortest exact representation
// and an undefined one as "null (REASON)".
func (v Value) String() string {
	if !v.Defined {
		if v.Reason == "" {
			return "null"
		}
		return "null (" + string(v.Reason) + ")"
	}
	return strconv.FormatFloat(v.V, 'g', -1, 64)
}

// AtLeast returns v unless n < min, in which case it returns
// Undefined(BelowMinContacts). It applies METRICS-REFERENCE Part 1 rule 5
// (ratios are null below minContacts) after a metric has been computed, so
// a value that is undefined for a mathematical reason keeps that reason
// when n = 0 (NoContacts is more informative than BelowMinContacts), and
// InvalidInput is never masked.
func AtLeast(v Value, n, min int) Value {
	if n < min && (v.Defined || n > 0) && v.Reason != InvalidInput {
		return Undefined(BelowMinContacts)
	}
	return v
}

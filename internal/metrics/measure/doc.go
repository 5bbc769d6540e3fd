// Package measure holds the one value type every CareWeb metric returns: a
// float64 that may be undefined, and when it is, says why.
//
// METRICS-REFERENCE Part 1 forbids reporting an undefined metric as 0 ("A
// null carries its reason ... it is never 0"), and STYLE rule 5 forbids
// panicking on input that makes a metric undefined. Every metric package
// under internal/metrics therefore returns a Value: Defined false and a
// Reason code when the quantity does not exist for the input, Defined true
// and V otherwise. Callers at the edge (GraphQL, CLI JSON) map an undefined
// Value to null and may show Reason beside it.
//
// Values are computed exactly (integers or integer ratios) wherever that is
// cheap and converted to float64 once, here, at the boundary: Ratio divides
// two int64s, which is correctly rounded while both fit in 53 bits.
package measure

// Package care is CareWeb's domain: the nodes and typed, time-bounded
// relationships of a web of care, the events recorded on it (contacts and
// referrals), their validation, the application error type and the
// interfaces the storage adapters implement.
//
// It imports only the standard library. Adapters (the embedded store, Neo4j,
// GraphQL, HTTP) depend on it; it depends on none of them.
package care

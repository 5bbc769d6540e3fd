// Package metricsvc serves CareWeb's metrics to the API: one person's
// continuity, fragmentation, handoffs, coordinator tenure and staff churn,
// and population summaries (distributions of every per-person metric by
// cohort). The maths is in internal/metrics and the domain rules in
// internal/analysis; this package only decides what to build, what to
// keep and for how long.
//
// # Why a service
//
// Most per-person metrics need the service side of the graph (every
// professional's organisations and links: analysis.Index), and care
// density needs the whole population's patient-sharing network for the
// window asked (METRICS-REFERENCE Part 1 rule 13), which costs a pass over
// every person. Neither can be rebuilt per request. A Service keeps the
// index and the populations of the few most recent windows, and the
// summaries of the few most recent questions, and drops everything when a
// write arrives (Invalidate, called by the store wrapper Wrap) or when an
// entry is older than Options.MaxAge — the guard against writes this
// process does not see (another replica on the same Neo4j, a bulk import).
//
// Builds are shared: concurrent requests for the same window wait for one
// build. A build runs on the Service's own context, not the request's, so
// a request that gives up (its deadline passed while a million people were
// being summarised) does not waste the work: the next request finds it
// finished. A request that gives up gets an Unavailable error saying so.
//
// # Whose data
//
// The population, the index and the summaries are read through the
// Streamer given to New, which must see every person: care density and
// population distributions are properties of the whole population, not of
// what one caller may see. One person's record is read through the Reader
// each call is given — the caller's own, authorisation included — so a
// caller learns nothing about a person they may not read.
package metricsvc

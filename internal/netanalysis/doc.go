// Package netanalysis is the bridge from the domain (care.Services and
// person records) to the whole-network kernels (internal/csr and
// internal/metrics/{network,community,silo,brokerage}): it builds one of
// CareWeb's two service-side networks for a window, optionally restricted
// to a cohort, and measures every node and the graph as a whole.
//
// The two networks:
//
//   - SERVICES: professionals (and, when asked, carers and organisations)
//     as nodes; an edge for every LINKED_TO whose span overlaps the window,
//     and, when organisations are nodes, for every WORKS_IN that does. The
//     declared lines between services.
//   - SHARING: the professional patient-sharing network (Pollack et al.
//     2013): professionals who had a contact dated in the window as nodes,
//     an edge between two professionals who saw a common person in the
//     window, weighted by the number of such persons. The observed lines.
//
// A professional's organisation in a window is, of its WORKS_IN spans that
// overlap the window, the one that started latest, then the smallest
// organisation id: analysis.Index.OrganisationOn's rule (METRICS-REFERENCE
// Part 1 rule 4) applied to a window rather than a day, so that for a
// one-day window the two agree. A node with no organisation (a carer, an
// unaffiliated professional) is a group of its own in the organisation and
// sector partitions, so it neither joins nor splits anyone else's group.
//
// The kernels are pure; this package only assembles their inputs and
// labels their outputs with the store's ids. Nothing here does I/O beyond
// the care.Streamer passed to Analyse.
package netanalysis

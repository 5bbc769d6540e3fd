// Package fragmentation measures how scattered a person's care is: the
// Fragmentation of Care Index over their contacts, Borgatti's fragmentation
// of the network of people around them, the share of their professionals
// that only an unpaid carer joins up, and care density in the population's
// patient-sharing network. Definitions follow CareWeb's METRICS-REFERENCE
// (Part 1 rules 8 and 11–13 binding; Part 2 §2.1–2.4, §2.10, §5).
//
// # Fragmentation of Care Index (FCI) [lit, inferred]
//
// Liu CW, Einstadter D, Cebul RD. Care fragmentation and emergency
// department use among complex patients with diabetes. Am J Manag Care
// 2010;16(6):413–420 describe a "fragmentation of care index (range, 0–1),
// with zero reflecting all care in 1 outpatient clinic and 1 reflecting each
// visit at a different clinic site", derived from a Continuity-of-Care
// index. Their equation could not be read; the only standard dispersion
// index with exactly those end points is
//
//	FCI := 1 − Bice–Boxerman COC = 1 − (Σ n_j² − N)/(N(N − 1))
//
// over organisations j (1 − HHI would give 1 − 1/N when every visit is at a
// different clinic). Kern et al. (J Gen Intern Med 2017; Am J Manag Care
// 2019) use the same quantity as the "reversed" / "modified" Bice–Boxerman
// index. CareWeb reports FCI at the ORGANISATION level (Part 1 rule 8),
// null below minContacts (default 2), like every continuity ratio. Range
// [0, 1]; one organisation gives 0.
//
// Reduced FCI [PROPOSAL; no source found]: FCI after removing the contacts
// with the usual provider (the most-seen; tied providers have equal counts,
// so the tie-break cannot change the value); null if fewer than two
// contacts remain. It measures how scattered care is outside
// the person's hub.
//
// Distinct professionals, organisations and sectors (§2.2, Part 1 rule 12)
// are plain counts; 0 is a value, not a null.
//
// # Borgatti's fragmentation F and distance-weighted fragmentation DF [lit]
//
// Borgatti SP. Identifying sets of key players in a social network. Comput
// Math Organ Theory 2006;12(1):21–34, doi:10.1007/s10588-006-7084-x:
//
//	F  = 1 − Σ_k s_k(s_k − 1) / (n(n − 1))        s_k = component sizes
//	DF = 1 − Σ_{i≠j} (1/d_ij) / (n(n − 1))        1/∞ = 0
//
// F is the share of ordered pairs that cannot reach each other; DF weights
// reachability by closeness and equals 1 − global efficiency (Latora V,
// Marchiori M. Phys Rev Lett 2001;87:198701). Range [0, 1]: F = 0 for a
// connected graph, DF = 0 only for a complete graph, both 1 when every node
// is an isolate. Null for n < 2 (NetworkX's global_efficiency returns 0 for
// n < 2, which would give DF = 1). Graphs are undirected; directed webs must
// be symmetrised by the caller. KeyPlayer gives Borgatti's KPP-Neg score of
// a node set: F and DF of the residual graph.
//
// A person's own web is trivially connected through the person (F = 0), so
// Part 1 rule 11 reports, for the web built under rules 9–10:
//
//   - networkFragmentation = F of the web without P;
//   - professionalFragmentation = F of the professionals only (no P, no carers);
//   - distanceWeightedFragmentation = DF of the web without P;
//   - carerDependency [PROPOSAL] = professionalFragmentation −
//     networkFragmentation: how much of the professionals' connectedness
//     runs through unpaid carers;
//   - carerBridgingShare [PROPOSAL; §2.10] = among pairs of the web's
//     professionals in different organisations with no direct edge, the
//     share that have a carer of the web as a common neighbour. It is the
//     Gould–Fernandez liaison count of carers restricted to the person's
//     professionals, normalised. Professionals with no known organisation
//     are left out of the pairs.
//
// Each is null when its graph has fewer than two nodes or, for the share,
// when there are no such pairs; carerDependency is null when either term is.
//
// # Care density [lit]
//
// Pollack CE, Weissman GE, Lemke KW, Hussey PS, Weiner JP. Patient sharing
// among physicians and costs of care: a network analytic approach to care
// coordination using claims data. J Gen Intern Med 2013;28(3):459–465,
// doi:10.1007/s11606-012-2104-7. The patient-sharing weight w(a, b) is the
// number of distinct persons with contacts in the window with both a and b,
// over the whole population (Sharing; repeat contacts add nothing). For a
// person with provider set P, n = |P|:
//
//	CD = Σ_{ {a,b} ⊆ P } w(a, b) / (n(n − 1)/2)
//
// Null when n < 2 (the R package CareDensity returns NA). The person counts
// in every weight of their own providers, so CD ≥ 1; range [1, ∞), compare
// only within one population. The leave-one-out variant [PROPOSAL] is
// exactly CD − 1.
//
// Fragmented care density [lit] (Engels A, Konnopka C, Henken E, Härter M,
// König HH. A flexible approach to measure care coordination based on
// patient-sharing networks. BMC Med Res Methodol 2024;24:1,
// doi:10.1186/s12874-023-02106-0) weights each pair by ω(t(a), t(b)), a
// caller-supplied symmetric weight of the providers' types (for CareWeb,
// sectors, so cross-sector sharing can be weighted); all ω = 1 gives CD.
// No "care-density clustering" index exists in the literature; use a
// standard clustering coefficient of the sharing network and cite it as
// such.
package fragmentation

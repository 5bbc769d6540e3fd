// Package brokerage measures who stands between whom: Gould–Fernandez
// brokerage roles across group boundaries, and Burt's constraint and
// effective size. Definitions follow CareWeb's METRICS-REFERENCE (Part 2
// §2.8–2.9, §5.7).
//
// # Gould–Fernandez brokerage roles [lit]
//
// Gould RV, Fernandez RM. Structures of mediation: a formal approach to
// brokerage in transaction networks. Sociol Methodol 1989;19:89–126,
// doi:10.2307/270949. In a directed network, under the conventions of R's
// sna::brokerage, v brokers the ordered pair (a, b) iff a → v → b, a ≠ b and
// a ↛ b. With group labels g(·) the roles are coordinator w_I (A→A→A),
// itinerant or consultant w_O (A→B→A), representative b_IO (A→A→B),
// gatekeeper b_OI (A→B→B) and liaison b_O (A→B→C). Directed computes these,
// for directed edges such as referrals.
//
// Undirected webs [PROPOSAL]: sna::brokerage on a symmetric matrix counts
// every open pair twice, once per direction, so w_I, w_O and b_O are
// doubled and each boundary pair yields one representative and one
// gatekeeper. CareWeb reports, for undirected relationship edges, unordered
// counts coordinator, itinerant, boundary (= representative = gatekeeper)
// and liaison (Undirected), with
// sna = (2·coordinator, 2·itinerant, boundary, boundary, 2·liaison) as the
// cross-check identity. A node of degree < 2 has all zeros. sna's expected
// values and z-scores under a random graph model are not computed.
//
// # Burt's constraint and effective size [lit]
//
// Burt RS. Structural Holes: The Social Structure of Competition. Harvard
// University Press; 1992. Burt RS. Structural holes and good ideas. Am J
// Sociol 2004;110(2):349–399. Borgatti SP. Structural holes: unpacking
// Burt's redundancy measures. Connections 1997;20(1):35–38.
//
//	C_i = Σ_{j ∈ N(i)} (p_ij + Σ_{q ∈ N(i), q ≠ j} p_iq p_qj)²,
//	p_ij = (a_ij + a_ji) / Σ_k (a_ik + a_ki)
//	e_i = Σ_{j ∈ N(i)} (1 − Σ_q p_iq m_jq) = n − 2t/n  (unweighted, undirected)
//
// with n the degree and t the ties among the alters; efficiency = e_i / n.
// High constraint means a redundant, closed ego network (a silo); low
// means the node spans structural holes. CareWeb's network edges are
// unweighted and undirected (Part 1 rule 10), so only that case is
// implemented. Isolates: null (NetworkX and igraph return NaN). Degree 1:
// constraint 1, effective size 1.
package brokerage

// Package silo measures how far the ties of a network stay inside given
// groups — sectors or organisations — rather than crossing between them:
// the modularity of the given partition, the E–I index and nominal
// assortativity. Definitions follow CareWeb's METRICS-REFERENCE (Part 2
// §2.5–2.7, §5.7). All take an undirected, unweighted ugraph.Graph and one
// group label per node; labels are opaque ints.
//
// # Modularity of a given partition [lit]
//
// Newman MEJ, Girvan M. Finding and evaluating community structure in
// networks. Phys Rev E 2004;69:026113; Newman MEJ. Modularity and community
// structure in networks. PNAS 2006;103(23):8577–8582:
//
//	Q = (1/2m) Σ_ij [A_ij − k_i k_j / 2m] δ(c_i, c_j) = Σ_c [ L_c/m − (k_c/2m)² ]
//
// for the partition given by the labels (γ = 1): how much more the ties stay
// inside the labelled groups than chance would have them. This is not
// community detection. Range [−1/2, 1); one group gives 0. Null for m = 0
// (NetworkX raises ZeroDivisionError; igraph gives NaN). Computed exactly in
// integers.
//
// # E–I index [lit]
//
// Krackhardt D, Stern RN. Informal networks and organizational crises: an
// experimental simulation. Soc Psychol Q 1988;51(2):123–140:
//
//	EI = (E − I)/(E + I)
//
// E ties between groups, I within. Range [−1, 1]: −1 all ties inside groups
// (perfect silos), +1 all across. Null when there are no ties.
//
// # Nominal assortativity [lit]
//
// Newman MEJ. Mixing patterns in networks. Phys Rev E 2003;67:026126
// (NetworkX attribute_assortativity_coefficient, igraph
// assortativity_nominal):
//
//	r = (Σ_i e_ii − Σ_i a_i b_i) / (1 − Σ_i a_i b_i)
//
// with a_i = b_i for undirected graphs. Range [−1, 1]. Null when there are
// no ties, and when all edge ends lie in one group (0/0; the libraries
// return NaN).
package silo

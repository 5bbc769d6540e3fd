// Package community finds and scores communities in a csr.Graph:
// Newman's modularity of a given partition (how much more the ties stay
// inside the labelled groups — sectors, organisations — than chance), and
// Louvain community detection (Blondel et al. 2008) that maximises it.
//
// Both use edge weights when the graph is weighted (a missing weight is 1),
// as NetworkX's modularity and louvain_communities do with their default
// weight="weight".
//
// Louvain is our own kernel on CSR arrays. gonum's community.Modularize
// is a correct Louvain, but it works through graph.Graph interfaces and
// maps: on this machine it took 1.1 s on a random graph of 2,000 nodes and
// 20,000 edges and 4 min 19 s on 20,000 nodes and 200,000 edges, against
// 0.44 s for Louvain here on the latter (BenchmarkLouvain20k in
// internal/metrics/network), which is what a population-scale network
// needs. On NetworkX's test graphs it reaches the same modularity as
// NetworkX's louvain_communities to within 0.01 (crosscheck_test.go).
package community

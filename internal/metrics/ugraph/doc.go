// Package ugraph is the small, immutable, undirected simple graph the
// network metrics (fragmentation, silo, brokerage) take as input.
//
// Nodes are the dense integers 0..n−1, so per-node inputs (kinds, groups,
// organisations) and outputs are plain slices indexed by node, never maps.
// Adjacency is stored once in compressed-sparse-row form with each node's
// neighbours sorted, which makes HasEdge a binary search and keeps a
// person's web, or a whole professional network, compact. Self-loops are
// rejected and parallel edges collapse: every metric here is defined on
// simple graphs.
package ugraph

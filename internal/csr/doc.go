// Package csr is CareWeb's compact, immutable, undirected graph for
// whole-network traversal and metrics: dense int32 node ids 0..n−1 and
// compressed-sparse-row adjacency, so a network of millions of edges is a
// few flat slices rather than maps of pointers.
//
// Layout. The neighbours of node v are Adj()[Offsets()[v]:Offsets()[v+1]],
// sorted ascending, each undirected edge {u, v} stored twice (once in each
// row). A weighted graph carries W(), parallel to Adj(). Offsets are int64
// so that more than 2³¹ arcs fit; ids are int32 because per-node arrays
// are what the kernels touch most and half-width ids halve that traffic.
//
// Simple graphs only. Every metric CareWeb reports on a whole network is
// defined on simple graphs, so Build turns a multigraph into one, and says
// how (BuildStats):
//   - self-loops are dropped (NetworkX's clustering, core number and
//     betweenness either reject them or count them in ways the literature
//     does not; a professional "linked to" themselves carries no
//     information);
//   - parallel edges (u–v listed more than once, in either orientation)
//     collapse into one edge. Unweighted graphs simply deduplicate;
//     weighted graphs combine the weights by the Builder's Merge policy:
//     SumWeights (the default, what igraph's simplify(edge_attr_comb="sum")
//     and NetworkX's to_scipy_sparse_array do for a multigraph: two shared
//     patients are weight 2) or KeepFirst (the weight of the first
//     occurrence in input order).
//
// External ids. Labels (the stores' node ids, or the tokens of an edge-list
// file) are kept beside the graph, not in it: Label(v) gives node v's label
// and Lookup(label) the node, by binary search over a sorted index, so a
// million-node graph pays 4 bytes a node for lookup rather than a map.
//
// A Graph is immutable once built and safe for concurrent use; the slices
// its accessors return belong to it and must not be modified.
package csr

// Package network computes whole-network social-network-analysis measures
// on a csr.Graph: degree, betweenness, closeness, eigenvector centrality,
// PageRank, clustering and transitivity, k-core numbers and connected
// components, plus a top-k helper.
//
// Every measure matches NetworkX 2.8.8 on simple undirected graphs to 1e-9
// (scripts/crosscheck/network_crosscheck.py, run by crosscheck_test.go),
// except where a doc comment says otherwise: CareWeb never reports an
// undefined quantity as 0 or NaN (METRICS-REFERENCE Part 1, "a null carries
// its reason"), so where NetworkX returns 0 or 1 by convention for an
// undefined case (closeness of an isolate, degree centrality of a
// one-node graph, eigenvector centrality of an edgeless graph, transitivity
// with no connected triples) the function here returns an undefined
// measure.Value with a Reason.
//
// The graph is simple and undirected (package csr drops self-loops and
// merges parallel edges). Betweenness, closeness, clustering, transitivity
// and core numbers are topological and ignore weights; eigenvector
// centrality and PageRank use the weights of a weighted graph, as NetworkX
// does with its default weight="weight".
//
// Kernels. All of them are our own CSR kernels; gonum's graph/network is
// used only as an independent check in the tests. Gonum works on the
// graph.Graph interface with map-keyed node ids and per-source maps: its
// Betweenness took 18.6 s on a random graph of 2,000 nodes and 20,000
// edges where the kernel here takes 0.3–0.6 s (BenchmarkBetweennessGonum2k,
// BenchmarkBetweenness2k; 2-core machine shared with other work), and it
// has no closeness with Wasserman–Faust scaling, no k-core and no PageRank
// with NetworkX's dangling-node rule. On 20,000 nodes and 200,000 edges
// the betweenness kernel took 23.6 s on 2 cores against igraph 0.10.2's
// 186.5 s (TestBetweennessVsPeers, testdata/network/betweenness-bench.json).
//
// Cost. n nodes, m edges. Betweenness and closeness run one breadth-first
// search per source, O(nm) time, spread over the given number of workers
// (GOMAXPROCS by default) with O(n) memory per worker; they take a context
// and stop early when it is cancelled. Eigenvector centrality and PageRank
// are O(m) per iteration; clustering is O(m^1.5) (triangles found once each
// on a degree-ordered orientation); core numbers and components are O(n+m).
package network

package netanalysis

import (
	"context"
	"math/rand/v2"

	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/metrics/brokerage"
	"github.com/careweb/careweb/internal/metrics/community"
	"github.com/careweb/careweb/internal/metrics/measure"
	"github.com/careweb/careweb/internal/metrics/network"
	"github.com/careweb/careweb/internal/metrics/silo"
	"github.com/careweb/careweb/internal/metrics/ugraph"
)

// PageRankDamping is the damping factor of the reported PageRank, the
// usual 0.85 (Page et al. 1999; NetworkX's default).
const PageRankDamping = 0.85

// Node is one node's measures. Values that may not exist are
// measure.Values (null with a reason); the rest are always defined.
type Node struct {
	ID           string
	Kind         care.Kind
	Organisation string // "" when unknown
	Sector       care.Sector
	Locality     string
	// Degree is the number of neighbours; Strength the sum of edge weights
	// (shared patients in SHARING; equal to Degree in SERVICES).
	Degree   int
	Strength float64
	// DegreeCentrality is Degree/(n−1).
	DegreeCentrality measure.Value
	// Betweenness is normalised betweenness (pairs through the node over
	// (n−1)(n−2)/2); BetweennessRaw the unnormalised pair count.
	Betweenness    measure.Value
	BetweennessRaw float64
	Closeness      measure.Value
	Eigenvector    measure.Value
	PageRank       measure.Value
	Clustering     float64
	Core           int
	Component      int
	Community      int
	// Constraint and EffectiveSize are Burt's, on the unweighted graph.
	Constraint    measure.Value
	EffectiveSize measure.Value
	// Brokerage counts the open pairs the node brokers by Gould–Fernandez
	// role, with groups = organisations.
	Brokerage brokerage.Roles
}

// Graph is the graph-level figures.
type Graph struct {
	Nodes             int
	Edges             int64
	Weighted          bool
	Components        int
	LargestComponent  int
	Transitivity      measure.Value
	AverageClustering measure.Value
	// Communities and Modularity are the Louvain partition's (γ = 1).
	Communities int
	Modularity  measure.Value
	// The silo indices of the organisation and sector partitions.
	OrganisationModularity    measure.Value
	OrganisationEI            measure.Value
	OrganisationAssortativity measure.Value
	SectorModularity          measure.Value
	SectorEI                  measure.Value
	SectorAssortativity       measure.Value
}

// Result is a measured network.
type Result struct {
	Network Kind
	Window  care.Window
	People  int
	Graph   Graph
	Nodes   []Node // in graph order (id order)
}

// Measure computes every node and graph measure of n. Louvain's node
// order is drawn from a PCG seeded with seed, so the same seed gives the
// same communities. The error is the context's (betweenness and closeness
// are the costly steps and stop when it is cancelled) or Internal.
func Measure(ctx context.Context, n *Network, seed uint64, workers int) (*Result, error) {
	g := n.Graph
	order := g.Order()
	raw, err := network.Betweenness(ctx, g, workers)
	if err != nil {
		return nil, err
	}
	closeness, err := network.Closeness(ctx, g, workers)
	if err != nil {
		return nil, err
	}
	edges := make([]ugraph.Edge, 0, g.Size())
	for e := range g.Edges() {
		edges = append(edges, ugraph.Edge{U: int(e.U), V: int(e.V)})
	}
	ug, err := ugraph.New(order, edges)
	if err != nil {
		return nil, care.Wrap(care.Internal, err, "netanalysis: converting the graph")
	}
	orgGroup := groups(n.Organisation)
	sectors := make([]string, order)
	for i, s := range n.Sector {
		sectors[i] = string(s)
	}
	sectorGroup := groups(sectors)
	roles, err := brokerage.Undirected(ug, orgGroup)
	if err != nil {
		return nil, care.Wrap(care.Internal, err, "netanalysis: brokerage roles")
	}
	nb := network.NormalisedBetweenness(raw)
	dc := network.DegreeCentrality(g)
	eig := network.Eigenvector(g, network.Iteration{})
	pr := network.PageRank(g, PageRankDamping, network.Iteration{})
	cl := network.Clustering(g)
	core := network.CoreNumbers(g)
	comp, ncomp := network.Components(g)
	part := community.Louvain(g, 1, rand.New(rand.NewPCG(seed, 0x6e6574)))
	con := brokerage.Constraint(ug)
	eff := brokerage.EffectiveSize(ug)

	r := &Result{Network: n.Kind, Window: n.Window, People: n.People, Nodes: make([]Node, order)}
	size := make([]int, ncomp)
	for v := range order {
		size[comp[v]]++
		r.Nodes[v] = Node{
			ID: g.Label(int32(v)), Kind: n.NodeKind[v], Organisation: n.Organisation[v],
			Sector: n.Sector[v], Locality: n.Locality[v],
			Degree: g.Degree(int32(v)), Strength: g.Strength(int32(v)),
			DegreeCentrality: dc[v], Betweenness: nb[v], BetweennessRaw: raw[v],
			Closeness: closeness[v], Eigenvector: eig[v], PageRank: pr[v],
			Clustering: cl[v], Core: int(core[v]), Component: int(comp[v]),
			Community: int(part.Membership[v]), Constraint: con[v], EffectiveSize: eff[v],
			Brokerage: roles[v],
		}
	}
	r.Graph = Graph{
		Nodes: order, Edges: g.Size(), Weighted: g.Weighted(), Components: ncomp,
		Transitivity: network.Transitivity(g), AverageClustering: network.AverageClustering(g),
		Communities: part.Count, Modularity: part.Q,
		OrganisationModularity:    silo.Modularity(ug, orgGroup),
		OrganisationEI:            silo.EI(ug, orgGroup),
		OrganisationAssortativity: silo.Assortativity(ug, orgGroup),
		SectorModularity:          silo.Modularity(ug, sectorGroup),
		SectorEI:                  silo.EI(ug, sectorGroup),
		SectorAssortativity:       silo.Assortativity(ug, sectorGroup),
	}
	for _, s := range size {
		r.Graph.LargestComponent = max(r.Graph.LargestComponent, s)
	}
	return r, nil
}

// groups turns labels into dense group numbers; an empty label (no
// organisation, no sector) is a group of its own, so that unaffiliated
// nodes are neither lumped together nor into anyone's group.
func groups(label []string) []int {
	g := make([]int, len(label))
	seen := map[string]int{}
	next := 0
	for i, l := range label {
		id, ok := seen[l]
		if !ok || l == "" {
			id = next
			next++
			if l != "" {
				seen[l] = id
			}
		}
		g[i] = id
	}
	return g
}

// Analyse builds the network of opt from s and measures it.
func Analyse(ctx context.Context, s care.Streamer, opt Options) (*Result, error) {
	n, err := Build(ctx, s, opt)
	if err != nil {
		return nil, err
	}
	return Measure(ctx, n, opt.Seed, opt.Workers)
}

// Ranked is a node id and its score.
type Ranked struct {
	ID    string
	Score float64
}

// Metric names a node measure Top can rank by.
type Metric string

// The measures Top ranks by.
const (
	ByBetweenness Metric = "betweenness"
	ByDegree      Metric = "degree"
	ByPageRank    Metric = "pagerank"
)

// Top returns the k nodes with the highest value of m, highest first, ties
// to the smaller id (nodes are in id order); nodes whose value is null are
// skipped. Betweenness ranks by the normalised value, degree by the count.
func (r *Result) Top(m Metric, k int) []Ranked {
	if k <= 0 {
		return nil
	}
	var top []network.Ranked
	switch m {
	case ByBetweenness, ByPageRank:
		vals := make([]measure.Value, len(r.Nodes))
		for i := range r.Nodes {
			vals[i] = r.Nodes[i].Betweenness
			if m == ByPageRank {
				vals[i] = r.Nodes[i].PageRank
			}
		}
		top = network.TopKDefined(vals, k)
	case ByDegree:
		deg := make([]float64, len(r.Nodes))
		for i := range r.Nodes {
			deg[i] = float64(r.Nodes[i].Degree)
		}
		top = network.TopK(deg, k)
	}
	out := make([]Ranked, len(top))
	for i, t := range top {
		out[i] = Ranked{ID: r.Nodes[t.Node].ID, Score: t.Score}
	}
	return out
}

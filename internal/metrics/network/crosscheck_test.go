package network_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/careweb/careweb/internal/csr"
	"github.com/careweb/careweb/internal/metrics/community"
	"github.com/careweb/careweb/internal/metrics/measure"
	"github.com/careweb/careweb/internal/metrics/network"
)

// The system Python: Debian's python3-networkx installs there, and a
// pyenv python3 earlier on PATH would not see it.
const systemPython = "/usr/bin/python3"

// nxGraph is one graph's entry in networkx.json (network_crosscheck.py).
type nxGraph struct {
	Name              string             `json:"name"`
	File              string             `json:"file"`
	N                 int                `json:"n"`
	M                 int64              `json:"m"`
	Weighted          bool               `json:"weighted"`
	DegreeCentrality  map[string]float64 `json:"degree_centrality"`
	Betweenness       map[string]float64 `json:"betweenness"`
	BetweennessRaw    map[string]float64 `json:"betweenness_raw"`
	Closeness         map[string]float64 `json:"closeness"`
	Eigenvector       map[string]float64 `json:"eigenvector"` // nil when NetworkX raised
	PageRank          map[string]float64 `json:"pagerank"`
	Clustering        map[string]float64 `json:"clustering"`
	AverageClustering *float64           `json:"average_clustering"`
	Transitivity      float64            `json:"transitivity"`
	CoreNumber        map[string]int32   `json:"core_number"`
	Components        [][]string         `json:"components"`
	LouvainQ          *float64           `json:"louvain_modularity"`
	Partitions        []nxPartition      `json:"partitions"`
}

type nxPartition struct {
	Name       string           `json:"name"`
	Resolution float64          `json:"resolution"`
	Membership map[string]int32 `json:"membership"`
	Modularity *float64         `json:"modularity"`
}

type nxFile struct {
	NetworkX string    `json:"networkx"`
	Graphs   []nxGraph `json:"graphs"`
}

// TestCrossCheckNetworkX generates graphs and NetworkX's values with
// scripts/crosscheck/network_crosscheck.py and compares every value.
// Without python3-networkx it skips loudly, except in CI (CI=true), where
// it fails: scripts/crosscheck/ensure-deps.sh installs it.
func TestCrossCheckNetworkX(t *testing.T) {
	if err := exec.Command(systemPython, "-c", "import networkx").Run(); err != nil {
		msg := fmt.Sprintf("%s with networkx is not available (%v): the NetworkX cross-check did NOT run; install it with scripts/crosscheck/ensure-deps.sh", systemPython, err)
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true: " + msg)
		}
		t.Skip("!!! " + msg + " !!!")
	}
	dir := t.TempDir()
	start := time.Now()
	out, err := exec.Command(systemPython, "../../../scripts/crosscheck/network_crosscheck.py", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("network_crosscheck.py: %v\n%s", err, out)
	}
	t.Logf("NetworkX oracle generated in %v", time.Since(start).Round(time.Millisecond))
	graphs, values, version := crossCheck(t, dir)
	t.Logf("cross-check: %d graphs, %d values compared with NetworkX %s", graphs, values, version)
}

// TestGoldenNetworkX compares against the committed NetworkX output for
// the small named graphs (testdata/network, made by
// `network_crosscheck.py testdata/network --small`), so the check runs even
// where Python is missing.
func TestGoldenNetworkX(t *testing.T) {
	graphs, values, version := crossCheck(t, "../../../testdata/network")
	t.Logf("golden: %d graphs, %d values compared with NetworkX %s", graphs, values, version)
}

// checker compares values and counts them.
type checker struct {
	t      *testing.T
	graph  string
	n      int
	failed int
}

const tol = 1e-9

// near reports whether a and b agree to 1e-9, relative for |values| > 1
// (raw betweenness runs to the hundreds of thousands).
func near(a, b float64) bool {
	return math.Abs(a-b) <= tol*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

func (c *checker) errorf(format string, args ...any) {
	c.t.Helper()
	c.failed++
	if c.failed <= 30 {
		c.t.Errorf("%s: "+format, append([]any{c.graph}, args...)...)
	}
}

func (c *checker) float(what string, got, want float64) {
	c.t.Helper()
	c.n++
	if !near(got, want) {
		c.errorf("%s = %.17g, NetworkX %.17g (diff %.3g)", what, got, want, got-want)
	}
}

// value compares a measure.Value with NetworkX's number; undefinedWant
// says CareWeb must report it undefined (a NetworkX convention value).
func (c *checker) value(what string, got measure.Value, want float64, undefinedWant bool) {
	c.t.Helper()
	c.n++
	switch {
	case undefinedWant && got.Defined:
		c.errorf("%s = %v, want undefined (NetworkX's convention value %v)", what, got, want)
	case undefinedWant && got.Reason == "":
		c.errorf("%s is undefined without a reason", what)
	case !undefinedWant && !got.Defined:
		c.errorf("%s undefined (%s), NetworkX %.17g", what, got.Reason, want)
	case !undefinedWant && !near(got.V, want):
		c.errorf("%s = %.17g, NetworkX %.17g (diff %.3g)", what, got.V, want, got.V-want)
	}
}

// perNode runs f for every label of want, with its node in g; a label g
// lacks, or a node of g that want lacks, is an error.
func perNode[T any](c *checker, g *csr.Graph, metric string, want map[string]T, f func(v int32, label string, w T)) {
	c.t.Helper()
	if len(want) != g.Order() {
		c.errorf("%s: NetworkX has %d nodes, the graph %d", metric, len(want), g.Order())
	}
	for label, w := range want {
		v, ok := g.Lookup(label)
		if !ok {
			c.errorf("%s: node %q missing from the edge list", metric, label)
			continue
		}
		f(v, label, w)
	}
}

func crossCheck(t *testing.T, dir string) (graphs, values int, version string) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, "networkx.json"))
	if err != nil {
		t.Fatal(err)
	}
	var file nxFile
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatalf("networkx.json: %v", err)
	}
	if len(file.Graphs) == 0 {
		t.Fatal("networkx.json has no graphs")
	}
	ctx := context.Background()
	for _, want := range file.Graphs {
		c := &checker{t: t, graph: want.Name}
		f, err := os.Open(filepath.Join(dir, want.File))
		if err != nil {
			t.Fatal(err)
		}
		g, _, err := csr.ReadEdgeList(f, csr.SumWeights)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", want.File, err)
		}
		if g.Order() != want.N || g.Size() != want.M || g.Weighted() != want.Weighted {
			t.Fatalf("%s: read n=%d m=%d weighted=%v, NetworkX n=%d m=%d weighted=%v", want.Name, g.Order(), g.Size(), g.Weighted(), want.N, want.M, want.Weighted)
		}
		n := g.Order()

		dc := network.DegreeCentrality(g)
		perNode(c, g, "degree centrality", want.DegreeCentrality, func(v int32, l string, w float64) {
			c.value("degree centrality "+l, dc[v], w, n < 2)
		})
		raw, err := network.Betweenness(ctx, g, 0)
		if err != nil {
			t.Fatal(err)
		}
		perNode(c, g, "raw betweenness", want.BetweennessRaw, func(v int32, l string, w float64) {
			c.float("raw betweenness "+l, raw[v], w)
		})
		// One worker must give the same figures as several.
		raw1, _ := network.Betweenness(ctx, g, 1)
		for v := range raw1 {
			c.float(fmt.Sprintf("1-worker betweenness %s", g.Label(int32(v))), raw1[v], raw[v])
		}
		nb := network.NormalisedBetweenness(raw)
		perNode(c, g, "betweenness", want.Betweenness, func(v int32, l string, w float64) {
			c.value("betweenness "+l, nb[v], w, n < 3)
		})
		cl, err := network.Closeness(ctx, g, 0)
		if err != nil {
			t.Fatal(err)
		}
		perNode(c, g, "closeness", want.Closeness, func(v int32, l string, w float64) {
			c.value("closeness "+l, cl[v], w, n < 2 || g.Degree(v) == 0)
		})
		ev := network.Eigenvector(g, network.Iteration{})
		switch {
		case want.Eigenvector == nil:
			if n != 0 {
				c.errorf("NetworkX raised on eigenvector centrality of a %d-node graph", n)
			}
			c.n++
			if len(ev) != 0 {
				c.errorf("eigenvector of the empty graph has %d values", len(ev))
			}
		default:
			perNode(c, g, "eigenvector", want.Eigenvector, func(v int32, l string, w float64) {
				c.value("eigenvector "+l, ev[v], w, g.Size() == 0)
			})
		}
		pr := network.PageRank(g, 0.85, network.Iteration{})
		perNode(c, g, "pagerank", want.PageRank, func(v int32, l string, w float64) {
			c.value("pagerank "+l, pr[v], w, false)
		})
		cc := network.Clustering(g)
		perNode(c, g, "clustering", want.Clustering, func(v int32, l string, w float64) {
			c.float("clustering "+l, cc[v], w)
		})
		ac := network.AverageClustering(g)
		if want.AverageClustering == nil {
			c.value("average clustering", ac, math.NaN(), true)
		} else {
			c.value("average clustering", ac, *want.AverageClustering, false)
		}
		noTriads := true
		for v := range int32(n) {
			if g.Degree(v) >= 2 {
				noTriads = false
			}
		}
		c.value("transitivity", network.Transitivity(g), want.Transitivity, noTriads)
		core := network.CoreNumbers(g)
		perNode(c, g, "core number", want.CoreNumber, func(v int32, l string, w int32) {
			c.n++
			if core[v] != w {
				c.errorf("core number %s = %d, NetworkX %d", l, core[v], w)
			}
		})
		checkComponents(c, g, want.Components)
		checkModularity(c, g, want)

		if c.failed > 30 {
			t.Errorf("%s: %d mismatches in all (first 30 shown)", want.Name, c.failed)
		}
		values += c.n
		graphs++
	}
	return graphs, values, file.NetworkX
}

// checkComponents compares the partition into components: the same label
// for two nodes exactly when NetworkX puts them in one component.
func checkComponents(c *checker, g *csr.Graph, want [][]string) {
	c.t.Helper()
	label, count := network.Components(g)
	c.n++
	if count != len(want) {
		c.errorf("%d components, NetworkX %d", count, len(want))
	}
	seen := map[int32]bool{}
	total := 0
	for _, comp := range want {
		total += len(comp)
		first, ok := g.Lookup(comp[0])
		if !ok {
			c.errorf("component node %q missing", comp[0])
			continue
		}
		id := label[first]
		if seen[id] {
			c.errorf("NetworkX components %v share CareWeb component %d with another", comp, id)
		}
		seen[id] = true
		for _, l := range comp {
			c.n++
			if v, ok := g.Lookup(l); !ok || label[v] != id {
				c.errorf("node %q is not in the component of %q", l, comp[0])
			}
		}
	}
	if total != g.Order() {
		c.errorf("NetworkX components cover %d of %d nodes", total, g.Order())
	}
}

// checkModularity compares the modularity of each given partition, and
// checks that our Louvain finds a partition about as good as NetworkX's.
func checkModularity(c *checker, g *csr.Graph, want nxGraph) {
	c.t.Helper()
	for _, p := range want.Partitions {
		memb := make([]int32, g.Order())
		perNode(c, g, "partition "+p.Name, p.Membership, func(v int32, _ string, w int32) { memb[v] = w })
		q := community.Modularity(g, memb, p.Resolution)
		if p.Modularity == nil {
			c.value("modularity of "+p.Name, q, math.NaN(), true)
		} else {
			c.value(fmt.Sprintf("modularity of %s (γ=%g)", p.Name, p.Resolution), q, *p.Modularity, false)
		}
	}
	if want.LouvainQ == nil {
		return
	}
	best := math.Inf(-1)
	for seed := range uint64(3) {
		part := community.Louvain(g, 1, rand.New(rand.NewPCG(seed, 7)))
		if !part.Q.Defined {
			c.errorf("Louvain Q undefined (%s)", part.Q.Reason)
			return
		}
		best = math.Max(best, part.Q.V)
	}
	c.n++
	// Both are greedy heuristics with random orders; ours must be within
	// 0.01 of NetworkX's (it is usually above it).
	if best < *want.LouvainQ-0.01 {
		c.errorf("Louvain Q = %.4f, NetworkX's louvain_communities %.4f", best, *want.LouvainQ)
	}
	if testing.Verbose() && !strings.HasPrefix(want.Name, "single") {
		c.t.Logf("%s: Louvain Q %.4f (best of 3 seeds), NetworkX %.4f", want.Name, best, *want.LouvainQ)
	}
}

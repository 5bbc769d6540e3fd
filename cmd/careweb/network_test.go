package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"strings"
	"testing"
)

// networkDoc is the JSON of `careweb metrics network`.
type networkDoc struct {
	Graph map[string]any `json:"graph"`
	Top   map[string][]struct {
		ID    string  `json:"id"`
		Score float64 `json:"score"`
	} `json:"top"`
	Nodes []map[string]any `json:"nodes"`
}

// runNetwork runs `careweb metrics network` on dir and decodes its JSON.
func runNetwork(t *testing.T, dir string, args ...string) networkDoc {
	t.Helper()
	out, errb, err := runCmd(t, append([]string{"metrics", "network", "--data", dir, "--workers", "2"}, args...)...)
	if err != nil {
		t.Fatalf("%v\nstderr: %s", err, errb)
	}
	if !strings.Contains(errb, "top betweenness") {
		t.Errorf("stderr has no summary line: %s", errb)
	}
	var doc networkDoc
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v: %.300s", err, out)
	}
	return doc
}

func TestMetricsNetwork(t *testing.T) {
	dir := demoDir(t, 100)
	for _, network := range []string{"services", "sharing"} {
		t.Run(network, func(t *testing.T) {
			doc := runNetwork(t, dir, "--network", network, "--top", "3")
			n := int(doc.Graph["nodes"].(float64))
			if n < 3 || len(doc.Nodes) != n || doc.Graph["edges"].(float64) < 1 {
				t.Fatalf("graph %v with %d node rows", doc.Graph, len(doc.Nodes))
			}
			if got := doc.Graph["weighted"].(bool); got != (network == "sharing") {
				t.Errorf("weighted = %v", got)
			}
			if len(doc.Top["betweenness"]) != 3 || len(doc.Top["degree"]) != 3 {
				t.Fatalf("top = %v", doc.Top)
			}
			// The top node by betweenness has the largest betweenness of the rows.
			best := 0.0
			for _, row := range doc.Nodes {
				if b, ok := row["betweenness"].(float64); ok && b > best {
					best = b
				}
			}
			if doc.Top["betweenness"][0].Score != best {
				t.Errorf("top betweenness %v, largest in the rows %v", doc.Top["betweenness"][0], best)
			}
			again := runNetwork(t, dir, "--network", network, "--top", "3")
			if again.Graph["communities"] != doc.Graph["communities"] || again.Graph["modularity"] != doc.Graph["modularity"] {
				t.Errorf("same seed, different communities: %v vs %v", again.Graph, doc.Graph)
			}
		})
	}

	t.Run("cohort", func(t *testing.T) {
		all := runNetwork(t, dir, "--network", "sharing")
		org, _ := all.Nodes[0]["organisation"].(string)
		if org == "" {
			t.Skip("first professional has no organisation")
		}
		doc := runNetwork(t, dir, "--network", "sharing", "--cohort-kind", "organisation", "--cohort", org)
		if len(doc.Nodes) == 0 || len(doc.Nodes) >= len(all.Nodes) {
			t.Fatalf("cohort %s: %d of %d nodes", org, len(doc.Nodes), len(all.Nodes))
		}
		for _, row := range doc.Nodes {
			if row["organisation"] != org {
				t.Errorf("node %v outside cohort %s", row["id"], org)
			}
		}
	})

	t.Run("csv", func(t *testing.T) {
		out, errb, err := runCmd(t, "metrics", "network", "--data", dir, "--format", "csv", "--from", "2020-01-01")
		if err != nil {
			t.Fatalf("%v: %s", err, errb)
		}
		rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) < 2 || rows[0][0] != "id" || rows[0][len(rows[0])-1] != "reasons" {
			t.Fatalf("csv head %v, %d rows", rows[0], len(rows))
		}
		for _, r := range rows[1:] {
			if len(r) != len(rows[0]) {
				t.Fatalf("row %v has %d cells, header %d", r, len(r), len(rows[0]))
			}
		}
	})

	for _, bad := range [][]string{
		{"--network", "bus"},
		{"--cohort-kind", "ward", "--cohort", "x"},
		{"--cohort", "x"},
		{"--cohort-kind", "sector", "--cohort", "plumbing"},
		{"--from", "2024-02-01", "--to", "2024-01-01"},
		{"--format", "xml"},
		{"--top", "-1"},
	} {
		_, _, err := runCmd(t, append([]string{"metrics", "network", "--data", dir}, bad...)...)
		if _, ok := err.(usageError); !ok {
			t.Errorf("%v: error %v, want a usage error", bad, err)
		}
	}
}

// TestNetworkAnalysisMatchesCLI asks GraphQL's networkAnalysis the CLI's
// question and checks the answers agree: the graph-level figures and the
// top nodes by betweenness.
func TestNetworkAnalysisMatchesCLI(t *testing.T) {
	dir := demoDir(t, 100)
	// The store is opened by one process at a time: the API opens it
	// after the commands have closed it.
	clis := map[string]networkDoc{}
	for _, network := range []string{"SERVICES", "SHARING"} {
		clis[network] = runNetwork(t, dir, "--network", network, "--from", "2020-01-01", "--top", "5")
	}
	api := graphQLOver(t, dir)
	for _, network := range []string{"SERVICES", "SHARING"} {
		cli := clis[network]
		t.Logf("%s: graph %v; top betweenness %v", network, cli.Graph, cli.Top["betweenness"])
		body, _ := json.Marshal(map[string]any{"query": `{ networkAnalysis(network: ` + network + `, from: "2020-01-01", top: 5) {
		  network from nodes edges components communities modularity organisationEI sectorAssortativity
		  topBetweenness { id score } topDegree { id score } nulls { field reason } } }`})
		resp, err := api.Client().Post(api.URL+"/graphql", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var got struct {
			Data struct {
				NetworkAnalysis map[string]json.RawMessage
			}
			Errors []any
		}
		if err := json.Unmarshal(raw, &got); err != nil || len(got.Errors) > 0 {
			t.Fatalf("GraphQL: %v %s", err, raw)
		}
		na := got.Data.NetworkAnalysis
		if string(na["network"]) != `"`+network+`"` || string(na["from"]) != `"2020-01-01"` {
			t.Errorf("network %s from %s", na["network"], na["from"])
		}
		for _, f := range []string{"nodes", "edges", "components", "communities", "modularity", "organisationEI", "sectorAssortativity"} {
			c, _ := json.Marshal(cli.Graph[f])
			if !equalJSONNumbers(na[f], c) {
				t.Errorf("%s %s: GraphQL %s, CLI %s", network, f, na[f], c)
			}
		}
		var top []struct {
			ID    string
			Score float64
		}
		if err := json.Unmarshal(na["topBetweenness"], &top); err != nil || len(top) != 5 {
			t.Fatalf("topBetweenness %s: %v", na["topBetweenness"], err)
		}
		for i, c := range cli.Top["betweenness"] {
			if top[i].ID != c.ID || top[i].Score != c.Score {
				t.Errorf("%s top betweenness #%d: GraphQL %+v, CLI %+v", network, i, top[i], c)
			}
		}
	}

	// Bad arguments are the caller's mistakes, naming the argument.
	for _, q := range []string{
		`{ networkAnalysis(cohortKind: "ward", cohort: "x") { nodes } }`,
		`{ networkAnalysis(cohort: "x") { nodes } }`,
		`{ networkAnalysis(top: -1) { nodes } }`,
		`{ networkAnalysis(from: "2024-02-01", to: "2024-01-01") { nodes } }`,
	} {
		body, _ := json.Marshal(map[string]any{"query": q})
		resp, err := api.Client().Post(api.URL+"/graphql", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(raw), "BAD_USER_INPUT") {
			t.Errorf("%s: %s, want BAD_USER_INPUT", q, raw)
		}
	}
}

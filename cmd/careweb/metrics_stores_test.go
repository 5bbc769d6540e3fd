package main

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/careweb/careweb/internal/demo"
	"github.com/careweb/careweb/internal/store/neo4j/neo4jtest"
)

// TestMetricsSameOnBothStores loads the same demo data into the embedded
// store and a real Neo4j and runs `careweb metrics` on each: every
// person's figures, nulls and reasons included, must be identical to the
// byte, at two levels and with a window, so that a researcher's results do
// not depend on where the data is kept.
func TestMetricsSameOnBothStores(t *testing.T) {
	dir, neo4jEnv := demoOnBothStores(t, 60)
	for _, extra := range [][]string{
		{"--proposals"},
		{"--level", "ORGANISATION", "--from", "2025-01-01", "--to", "2025-12-31"},
		{"--level", "SECTOR", "--min-contacts", "3"},
	} {
		args := append([]string{"metrics", "--format", "jsonl"}, extra...)
		var emb, neo, errb bytes.Buffer
		if err := run(context.Background(), append(args, "--data", dir), envOf(nil), nil, &emb, &errb); err != nil {
			t.Fatalf("embedded %v: %v\n%s", extra, err, errb.String())
		}
		if err := run(context.Background(), args, neo4jEnv, nil, &neo, &errb); err != nil {
			t.Fatalf("neo4j %v: %v\n%s", extra, err, errb.String())
		}
		lines := parseLines(t, emb.String())
		if len(lines) != 64 {
			t.Fatalf("%v: %d records, want 64", extra, len(lines))
		}
		if !bytes.Equal(emb.Bytes(), neo.Bytes()) {
			el, nl := bytes.Split(emb.Bytes(), []byte("\n")), bytes.Split(neo.Bytes(), []byte("\n"))
			for i := range min(len(el), len(nl)) {
				if !bytes.Equal(el[i], nl[i]) {
					t.Fatalf("%v: line %d differs\nembedded: %s\nneo4j:    %s", extra, i+1, el[i], nl[i])
				}
			}
			t.Fatalf("%v: outputs differ in length (%d vs %d lines)", extra, len(el), len(nl))
		}
	}
}

// demoOnBothStores loads the same demo data set (seed 1, people) into an
// embedded store and the test Neo4j (skipping without one), and returns
// the embedded store's data directory and the environment that points
// the commands at Neo4j.
func demoOnBothStores(t *testing.T, people int) (string, env) {
	t.Helper()
	cfg := neo4jtest.Require(t)
	dir := demoDir(t, people)
	nst := neo4jtest.Open(t)
	if _, err := demo.Apply(context.Background(), nst, demo.Config{Seed: 1, People: people}, demoBatchSize("neo4j")); err != nil {
		t.Fatal(err)
	}
	return dir, envOf(map[string]string{"NEO4J_URI": cfg.URI, "NEO4J_USER": cfg.User, "NEO4J_PASSWORD": cfg.Password, "NEO4J_DATABASE": os.Getenv("NEO4J_DATABASE")})
}

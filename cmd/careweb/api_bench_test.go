package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/careweb/careweb/internal/demo"
	"github.com/careweb/careweb/internal/server"
	"github.com/careweb/careweb/internal/store/embedded"
	"github.com/careweb/careweb/internal/store/neo4j/neo4jtest"
	"github.com/careweb/careweb/internal/store/storemetrics"
)

// The API benchmarks load the demo population (3,000 people, two years of
// contacts) and drive the GraphQL endpoint over HTTP on loopback with
// concurrent clients, reporting throughput and p50/p99 latency:
//
//	go test -run '^$' -bench 'API' -benchtime 5000x ./cmd/careweb
//
// The clients run in the same process as the server (both share the
// machine's cores, as a load generator on the same host would).

const webQuery = `query($id: ID!) { person(id: $id) { web {
  members { node { id name } kind organisation { id name } sector coordinator contacts }
  links { id channel from { id } to { id } } } } }`

const listQuery = `query($after: String) { people(first: 20, after: $after) {
  edges { cursor node { id name locality } } pageInfo { hasNextPage endCursor } } }`

func benchStore(b *testing.B, st storemetrics.Backend, backend string) {
	tuneRuntime(os.Getenv) // as main does
	ctx := context.Background()
	if _, err := demo.Apply(ctx, st, demo.Config{Seed: 1, People: 3000}, demoBatchSize(backend)); err != nil {
		b.Fatal(err)
	}
	sec, tok := testSecurity(b)
	srv := httptest.NewServer(withToken(newHandler(st, newRegistry(), zerolog.Nop(), apiFlags{limits: server.DefaultGraphQLLimits()}, sec), tok))
	b.Cleanup(srv.Close)

	// Request bodies prepared up front: person ids and page cursors.
	var people []string
	var cursors []any
	after := any(nil)
	for {
		var d struct {
			Data struct {
				People struct {
					Edges    []struct{ Node struct{ ID string } }
					PageInfo struct {
						HasNextPage bool
						EndCursor   string
					}
				}
			}
		}
		post(b, srv, listQuery, map[string]any{"after": after}, &d)
		cursors = append(cursors, after)
		for _, e := range d.Data.People.Edges {
			people = append(people, e.Node.ID)
		}
		if !d.Data.People.PageInfo.HasNextPage {
			break
		}
		after = d.Data.People.PageInfo.EndCursor
	}
	b.Run("Web", func(b *testing.B) {
		load(b, srv, func(i int) []byte { return body(webQuery, map[string]any{"id": people[i%len(people)]}) })
	})
	b.Run("List", func(b *testing.B) {
		load(b, srv, func(i int) []byte { return body(listQuery, map[string]any{"after": cursors[i%len(cursors)]}) })
	})
}

func BenchmarkAPIEmbedded(b *testing.B) {
	st, err := embedded.Open(b.TempDir(), embedded.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = st.Close() })
	benchStore(b, st, "embedded")
}

func BenchmarkAPINeo4j(b *testing.B) {
	neo4jtest.Require(b)
	benchStore(b, neo4jtest.Open(b), "neo4j")
}

func body(q string, vars map[string]any) []byte {
	b, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
	return b
}

func post(b *testing.B, srv *httptest.Server, q string, vars map[string]any, v any) {
	resp, err := srv.Client().Post(srv.URL+"/graphql", "application/json", bytes.NewReader(body(q, vars)))
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || bytes.Contains(raw, []byte(`"errors"`)) {
		b.Fatalf("HTTP %d: %s", resp.StatusCode, raw)
	}
	if v != nil {
		if err := json.Unmarshal(raw, v); err != nil {
			b.Fatal(err)
		}
	}
}

// load sends b.N requests from 16 concurrent clients and reports
// requests/s and the p50 and p99 latencies.
func load(b *testing.B, srv *httptest.Server, req func(i int) []byte) {
	const clients = 16
	tr := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	b.Cleanup(tr.CloseIdleConnections)
	lat := make([][]time.Duration, clients)
	var next int64
	var mu sync.Mutex
	take := func() (int, bool) {
		mu.Lock()
		defer mu.Unlock()
		if next >= int64(b.N) {
			return 0, false
		}
		next++
		return int(next - 1), true
	}
	var failed error
	var once sync.Once
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i, ok := take()
				if !ok {
					return
				}
				t0 := time.Now()
				resp, err := client.Post(srv.URL+"/graphql", "application/json", bytes.NewReader(req(i)))
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						err = fmt.Errorf("HTTP %d", resp.StatusCode)
					}
				}
				if err != nil {
					once.Do(func() { failed = err })
					return
				}
				lat[c] = append(lat[c], time.Since(t0))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if failed != nil {
		b.Fatal(failed)
	}
	all := slices.Concat(lat...)
	slices.Sort(all)
	q := func(p float64) float64 { return float64(all[int(p*float64(len(all)-1))].Microseconds()) / 1000 }
	b.ReportMetric(float64(len(all))/elapsed.Seconds(), "req/s")
	b.ReportMetric(q(0.50), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
}

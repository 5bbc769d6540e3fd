package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/demo"
	"github.com/careweb/careweb/internal/server"
	"github.com/careweb/careweb/internal/store/embedded"
	"github.com/careweb/careweb/internal/store/storemetrics"
)

// FuzzGraphQL throws arbitrary request bodies at the GraphQL entry point,
// wired as serve wires it (tokens, policy, audit, limits), signed in as a
// carer or anonymous. Whatever comes in, the answer must be a JSON body
// with coded errors, never a panic, never INTERNAL, never a 5xx.
//
//	go test -run '^$' -fuzz '^FuzzGraphQL$' -fuzztime 5m ./cmd/careweb
func FuzzGraphQL(f *testing.F) {
	st, err := embedded.Open(f.TempDir(), embedded.Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	if _, err := st.Apply(context.Background(), demo.Showcase()); err != nil {
		f.Fatal(err)
	}
	keys := f.TempDir()
	reg := newRegistry()
	h := newHandler(storemetrics.Wrap(st, reg, "embedded"), reg, zerolog.Nop(), apiFlags{limits: server.DefaultGraphQLLimits()}, testSecurityIn(f, keys))
	carer := tokenFor(f, keys, care.AccessCarer, demo.ShowcaseMargaret)

	for _, seed := range []string{
		`{"query":"{ person(id: \"p-arthur\") { web { members { node { id } } } } }"}`,
		`{"query":"query($id: ID!) { person(id: $id) { contacts(first: 5) { totalCount } } }","variables":{"id":"p-george"}}`,
		`{"query":"mutation { createPerson(input: {id: \"x\", name: \"y\"}) { id } }"}`,
		`{"query":"{ a: viewer { subject } b: viewer { role } }"}`,
		`{"query":"{ search(text: \"ar\") { nodes { id } } }"}`,
		`{"query":"subscription { webChanged(personId: \"p-arthur\") { at } }"}`,
		`{"query":"{ person(id: 1) }"}`,
		`{"query":"{`,
		`{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"00"}}}`,
		`[]`, `null`, `{"query":null}`, ``,
	} {
		f.Add(seed, true)
		f.Add(seed, false)
	}
	f.Fuzz(func(t *testing.T, body string, signedIn bool) {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if signedIn {
			req.Header.Set("Authorization", "Bearer "+carer)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("HTTP %d for %q: %s", rec.Code, body, rec.Body)
		}
		var resp struct {
			Errors []struct {
				Extensions map[string]any `json:"extensions"`
			} `json:"errors"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
			t.Fatalf("not JSON for %q: %s", body, rec.Body)
		}
		for _, e := range resp.Errors {
			code, _ := e.Extensions["code"].(string)
			if code == "" || code == "INTERNAL" {
				t.Fatalf("error code %q for %q: %s", code, body, rec.Body)
			}
		}
	})
}

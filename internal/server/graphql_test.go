package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/careweb/careweb/graph"
	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/store/embedded"
	"github.com/careweb/careweb/internal/store/storetest"
)

// faulty is a store whose Node fails with a raw internal error (as a
// database driver's would be) or panics, to test what the API shows.
type faulty struct {
	graph.Store
	panic bool
}

func (f faulty) Nodes(context.Context, []string) ([]care.Node, error) {
	if f.panic {
		panic("boom at /srv/careweb/internal/store.go:42")
	}
	return nil, errors.New("neo4j: bolt://db.internal:7687 MATCH (n:Node) failed at /srv/careweb/store.go:42")
}

type result struct {
	Data   map[string]any
	Errors []struct {
		Message    string
		Extensions map[string]any
	}
}

func serve(t *testing.T, st graph.Store, introspection bool, log io.Writer) *httptest.Server {
	t.Helper()
	logger := zerolog.New(log)
	h := New(Config{Store: st, Logger: logger, Registry: prometheus.NewRegistry(),
		GraphQL: NewGraphQL(GraphQLConfig{Store: st, Logger: logger, Limits: DefaultGraphQLLimits(), Introspection: introspection,
			Unprotected: true})}) // mechanics only: the protected service is tested in apitest
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func postJSON(t *testing.T, srv *httptest.Server, body string) result {
	t.Helper()
	resp, err := http.Post(srv.URL+"/graphql", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r result
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatal(err)
	}
	return r
}

// fixtureStore is a real embedded store holding the contract suite's
// fixture. (Only tests reach for a concrete store here; the package
// itself knows none.)
func fixtureStore(t *testing.T) graph.Store {
	t.Helper()
	s, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if _, err := s.Apply(context.Background(), storetest.Fixture()); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestInternalErrorsDoNotLeak(t *testing.T) {
	var log bytes.Buffer
	srv := serve(t, faulty{Store: fixtureStore(t)}, true, &log)
	r := postJSON(t, srv, `{"query":"{ node(id: \"p-ada\") { id } }"}`)
	if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "INTERNAL" || r.Errors[0].Message != "internal error" {
		t.Fatalf("%+v", r.Errors)
	}
	if !strings.Contains(log.String(), "bolt://db.internal") || !strings.Contains(log.String(), "request_id") {
		t.Fatalf("the cause was not logged with the request id: %s", log.String())
	}
}

func TestPanicsAreRecovered(t *testing.T) {
	var log bytes.Buffer
	srv := serve(t, faulty{Store: fixtureStore(t), panic: true}, true, &log)
	r := postJSON(t, srv, `{"query":"{ node(id: \"p-ada\") { id } }"}`)
	if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "INTERNAL" || strings.Contains(r.Errors[0].Message, "boom") {
		t.Fatalf("%+v", r.Errors)
	}
	if !strings.Contains(strings.ToLower(log.String()), "panic") {
		t.Fatalf("panic not logged: %s", log.String())
	}
	// The server still answers.
	if r := postJSON(t, srv, `{"query":"{ people { totalCount } }"}`); len(r.Errors) != 0 {
		t.Fatalf("%+v", r.Errors)
	}
}

func TestAutomaticPersistedQueries(t *testing.T) {
	srv := serve(t, fixtureStore(t), true, io.Discard)
	q := "{ people { totalCount } }"
	sum := sha256.Sum256([]byte(q))
	ext := `"extensions":{"persistedQuery":{"version":1,"sha256Hash":"` + hex.EncodeToString(sum[:]) + `"}}`
	r := postJSON(t, srv, `{`+ext+`}`)
	if len(r.Errors) != 1 || r.Errors[0].Message != "PersistedQueryNotFound" {
		t.Fatalf("unknown hash: %+v", r.Errors)
	}
	if r := postJSON(t, srv, `{"query":"`+q+`",`+ext+`}`); len(r.Errors) != 0 {
		t.Fatalf("register: %+v", r.Errors)
	}
	if r := postJSON(t, srv, `{`+ext+`}`); len(r.Errors) != 0 || r.Data["people"] == nil {
		t.Fatalf("by hash: %+v", r)
	}
}

func TestIntrospectionSwitch(t *testing.T) {
	q := `{"query":"{ __schema { queryType { name } } }"}`
	if r := postJSON(t, serve(t, fixtureStore(t), true, io.Discard), q); len(r.Errors) != 0 {
		t.Fatalf("on: %+v", r.Errors)
	}
	r := postJSON(t, serve(t, fixtureStore(t), false, io.Discard), q)
	if len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != "FORBIDDEN" {
		t.Fatalf("off: %+v", r)
	}
}

func TestEveryCareCodeHasAGraphQLCode(t *testing.T) {
	present := graph.ErrorPresenter(zerolog.Nop(), func(context.Context) string { return "" })
	want := map[care.Code]string{care.Invalid: "BAD_USER_INPUT", care.NotFound: "NOT_FOUND", care.Conflict: "CONFLICT",
		care.Unauthenticated: "UNAUTHENTICATED", care.Forbidden: "FORBIDDEN", care.Unavailable: "UNAVAILABLE", care.Internal: "INTERNAL"}
	for code, gql := range want {
		e := present(context.Background(), care.Errorf(code, "x"))
		if e.Extensions["code"] != gql {
			t.Errorf("%s → %v, want %s", code, e.Extensions["code"], gql)
		}
	}
}

// A subscription sent by POST is refused at once (found by FuzzGraphQL:
// gqlgen's POST transport would otherwise wait for a first event until the
// request deadline).
func TestSubscriptionOverPOSTIsRefusedAtOnce(t *testing.T) {
	srv := serve(t, fixtureStore(t), true, io.Discard)
	start := time.Now()
	r := postJSON(t, srv, `{"query":"subscription { webChanged(personId: \"p-ada\") { at } }"}`)
	if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "BAD_USER_INPUT" || !strings.Contains(r.Errors[0].Message, "WebSocket") {
		t.Fatalf("%+v", r.Errors)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("took %s", d)
	}
}

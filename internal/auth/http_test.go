package auth_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/rs/zerolog"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/careweb/careweb/internal/auth"
	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/keys"
)

// whoami is the smallest executable schema that shows what the resolvers
// would see: me answers "subject/role" of the context's principal.
type whoami struct{ schema *ast.Schema }

func newWhoami() whoami {
	return whoami{gqlparser.MustLoadSchema(&ast.Source{Name: "whoami.graphqls", Input: `
		type Query { me: String }
		type Subscription { me: String }`})}
}

func (w whoami) Schema() *ast.Schema { return w.schema }
func (whoami) Complexity(context.Context, string, string, int, map[string]any) (int, bool) {
	return 0, false
}

func (whoami) Exec(ctx context.Context) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	done := false
	return func(ctx context.Context) *graphql.Response {
		if done {
			return nil
		}
		done = true
		out := map[string]any{}
		for _, sel := range oc.Operation.SelectionSet {
			f, ok := sel.(*ast.Field)
			if !ok {
				continue
			}
			switch f.Name {
			case "__typename":
				out[f.Alias] = f.ObjectDefinition.Name
			case "me":
				p, ok := care.PrincipalFromContext(ctx)
				if !ok {
					// Reaching a resolver unsigned is the bug these tests catch.
					out[f.Alias] = "ANONYMOUS"
					continue
				}
				out[f.Alias] = p.Subject + "/" + string(p.Access)
			}
		}
		b, _ := json.Marshal(out)
		return &graphql.Response{Data: b}
	}
}

type fixture struct {
	url    string
	tokens *auth.LocalTokens
	logs   *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// newFixture serves whoami the way the service assembles GraphQL: POST and
// graphql-transport-ws transports, WebSocketInit, RequireSignIn, behind
// Middleware.
func newFixture(t *testing.T) fixture {
	t.Helper()
	tokens, err := auth.NewLocalTokens(keys.Secret("0123456789abcdef0123456789abcdef"), nil)
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	log := zerolog.New(logs)
	srv := handler.New(newWhoami())
	srv.AddTransport(transport.Websocket{InitFunc: auth.WebSocketInit(tokens, log), KeepAlivePingInterval: time.Minute})
	srv.AddTransport(transport.POST{})
	srv.Use(auth.RequireSignIn{AllowIntrospection: true})
	hs := httptest.NewServer(auth.Middleware(tokens, log)(srv))
	t.Cleanup(hs.Close)
	return fixture{url: hs.URL, tokens: tokens, logs: logs}
}

func (f fixture) mint(t *testing.T, sub string, role care.Access, ttl time.Duration) string {
	t.Helper()
	s, err := f.tokens.Mint(sub, role, ttl)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

type gqlResponse struct {
	Data   map[string]any `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

func (r gqlResponse) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

func (f fixture) post(t *testing.T, query string, authorization ...string) (int, gqlResponse, string) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"query": query})
	req, _ := http.NewRequest(http.MethodPost, f.url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for _, a := range authorization {
		req.Header.Add("Authorization", a)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var raw bytes.Buffer
	_, _ = raw.ReadFrom(resp.Body)
	var out gqlResponse
	if err := json.Unmarshal(raw.Bytes(), &out); err != nil {
		t.Fatalf("not JSON: %s", raw.String())
	}
	return resp.StatusCode, out, raw.String()
}

func TestHTTPBearerTokens(t *testing.T) {
	f := newFixture(t)
	good := f.mint(t, "c-margaret", care.AccessCarer, time.Hour)
	other, _ := auth.NewLocalTokens(keys.Secret("fedcba9876543210fedcba9876543210"), nil)
	forged, _ := other.Mint("admin", care.AccessAdmin, time.Hour)

	status, resp, _ := f.post(t, "{ me }", "Bearer "+good)
	if status != http.StatusOK || resp.code() != "" || resp.Data["me"] != "c-margaret/carer" {
		t.Fatalf("valid token: %d %+v", status, resp)
	}
	status, resp, _ = f.post(t, "{ me }", "bearer   "+good+"  ")
	if resp.Data["me"] != "c-margaret/carer" {
		t.Fatalf("scheme in lower case with spaces: %d %+v", status, resp)
	}

	for _, c := range []struct {
		name    string
		headers []string
		want    string
	}{
		{"no header", nil, "sign in"},
		{"forged token", []string{"Bearer " + forged}, "signature"},
		{"garbage", []string{"Bearer not-a-token"}, "malformed"},
		{"empty bearer", []string{"Bearer "}, "Bearer scheme"},
		{"Basic scheme", []string{"Basic YWRtaW46YWRtaW4="}, "Bearer scheme"},
		{"token without scheme", []string{good}, "Bearer scheme"},
		{"two headers", []string{"Bearer " + good, "Bearer " + good}, "one Authorization header"},
		{"over-long", []string{"Bearer " + strings.Repeat("a", auth.MaxTokenBytes+1)}, "too long"},
	} {
		status, resp, raw := f.post(t, "{ me }", c.headers...)
		if status != http.StatusOK || resp.code() != "UNAUTHENTICATED" || len(resp.Errors) != 1 {
			t.Errorf("%s: status %d, %s; want 200 with one UNAUTHENTICATED error", c.name, status, raw)
			continue
		}
		if !strings.Contains(resp.Errors[0].Message, c.want) {
			t.Errorf("%s: message %q, want %q", c.name, resp.Errors[0].Message, c.want)
		}
		if resp.Data != nil || strings.Contains(raw, "ANONYMOUS") {
			t.Errorf("%s: the operation ran: %s", c.name, raw)
		}
		if strings.Contains(raw, forged) || strings.Contains(raw, good) {
			t.Errorf("%s: the response repeats the token", c.name)
		}
	}
	if logs := f.logs.String(); strings.Contains(logs, good) || strings.Contains(logs, forged) || !strings.Contains(logs, "bearer token refused") {
		t.Errorf("logs hold a token, or no refusal: %s", logs)
	}

	// GraphiQL may load the schema before a token is pasted; nothing else.
	if _, resp, raw := f.post(t, "{ __typename }"); resp.code() != "" || resp.Data["__typename"] != "Query" {
		t.Errorf("introspection-only query unsigned: %s", raw)
	}
	if _, resp, raw := f.post(t, "query { ... on Query { __typename } }"); resp.code() != "" {
		t.Errorf("introspection through a fragment: %s", raw)
	}
	for _, q := range []string{"{ __typename me }", "{ me __typename }", "query { ... on Query { me } }", "fragment F on Query { me } query { ...F }"} {
		if _, resp, raw := f.post(t, q); resp.code() != "UNAUTHENTICATED" {
			t.Errorf("%s unsigned: %s", q, raw)
		}
	}
}

func TestRequireSignInErrorCarriesTheCareError(t *testing.T) {
	// The service's error presenter maps codes from a wrapped *care.Error;
	// the extension's error must unwrap to one.
	gerr := auth.RequireSignIn{}.MutateOperationContext(context.Background(), &graphql.OperationContext{})
	if gerr == nil {
		t.Fatal("no principal, no error")
	}
	var ce *care.Error
	if !errors.As(error(gerr), &ce) || ce.Code != care.Unauthenticated {
		t.Fatalf("%#v does not unwrap to an Unauthenticated care.Error", gerr)
	}
	if gerr.Extensions["code"] != "UNAUTHENTICATED" {
		t.Fatalf("extensions %v", gerr.Extensions)
	}
	ctx := care.NewContextWithPrincipal(context.Background(), care.Principal{Subject: "admin", Access: care.AccessAdmin})
	if gerr := (auth.RequireSignIn{}).MutateOperationContext(ctx, &graphql.OperationContext{}); gerr != nil {
		t.Fatalf("signed in, refused: %v", gerr)
	}
}

// wsMessage is a graphql-transport-ws message.
type wsMessage struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// subscribe opens a socket (with header on the upgrade request when not
// ""), sends connection_init with payload, subscribes to { me } and
// returns the first result and the socket.
func (f fixture) subscribe(t *testing.T, header string, payload map[string]any) (gqlResponse, *websocket.Conn) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	opts := &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}, HTTPHeader: http.Header{}}
	if header != "" {
		opts.HTTPHeader.Set("Authorization", header)
	}
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(f.url, "http"), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.CloseNow() })
	init, _ := json.Marshal(payload)
	if err := wsjson.Write(ctx, c, wsMessage{Type: "connection_init", Payload: init}); err != nil {
		t.Fatal(err)
	}
	var m wsMessage
	if err := wsjson.Read(ctx, c, &m); err != nil || m.Type != "connection_ack" {
		t.Fatalf("connection_init: %+v %v", m, err)
	}
	sub, _ := json.Marshal(map[string]string{"query": "subscription { me }"})
	if err := wsjson.Write(ctx, c, wsMessage{ID: "1", Type: "subscribe", Payload: sub}); err != nil {
		t.Fatal(err)
	}
	for {
		if err := wsjson.Read(ctx, c, &m); err != nil {
			t.Fatal(err)
		}
		switch m.Type {
		case "ping", "pong", "ka":
			continue
		case "next":
			var r gqlResponse
			if err := json.Unmarshal(m.Payload, &r); err != nil {
				t.Fatal(err)
			}
			return r, c
		case "error":
			var r gqlResponse
			if err := json.Unmarshal(m.Payload, &r.Errors); err != nil {
				t.Fatal(err)
			}
			return r, c
		default:
			t.Fatalf("unexpected %s: %s", m.Type, m.Payload)
		}
	}
}

func TestWebSocketTokens(t *testing.T) {
	f := newFixture(t)
	margaret := f.mint(t, "c-margaret", care.AccessCarer, time.Hour)
	arthur := f.mint(t, "p-arthur", care.AccessPerson, time.Hour)
	for _, c := range []struct {
		name    string
		header  string
		payload map[string]any
		want    string // data.me, or "UNAUTHENTICATED"
	}{
		{"Authorization in connection_init", "", map[string]any{"Authorization": "Bearer " + margaret}, "c-margaret/carer"},
		{"authorization (lower case)", "", map[string]any{"authorization": "Bearer " + margaret}, "c-margaret/carer"},
		{"authToken, bare", "", map[string]any{"authToken": margaret}, "c-margaret/carer"},
		{"authToken with the scheme", "", map[string]any{"authToken": "Bearer " + margaret}, "c-margaret/carer"},
		{"header on the upgrade request", "Bearer " + arthur, nil, "p-arthur/person"},
		{"payload overrides the header", "Bearer " + arthur, map[string]any{"Authorization": "Bearer " + margaret}, "c-margaret/carer"},
		{"refused payload masks a good header", "Bearer " + arthur, map[string]any{"Authorization": "Bearer forged.token.here"}, "UNAUTHENTICATED"},
		{"no token at all", "", nil, "UNAUTHENTICATED"},
		{"refused token", "", map[string]any{"Authorization": "Bearer " + margaret[:len(margaret)-4] + "AAAA"}, "UNAUTHENTICATED"},
		{"wrong scheme", "", map[string]any{"Authorization": "Token " + margaret}, "UNAUTHENTICATED"},
	} {
		resp, _ := f.subscribe(t, c.header, c.payload)
		got := resp.code()
		if got == "" {
			got, _ = resp.Data["me"].(string)
		}
		if got != c.want {
			t.Errorf("%s: got %q (%+v), want %q", c.name, got, resp, c.want)
		}
	}
}

func TestWebSocketClosesWhenTheTokenExpires(t *testing.T) {
	f := newFixture(t)
	for _, in := range []string{"payload", "upgrade request"} {
		t.Run(in, func(t *testing.T) {
			t.Parallel()
			// Mint truncates to the second; 2 s leaves at least 1 s of validity.
			short := "Bearer " + f.mint(t, "c-margaret", care.AccessCarer, 2*time.Second)
			header, payload := "", map[string]any{"Authorization": short}
			if in == "upgrade request" {
				header, payload = short, nil
			}
			resp, c := f.subscribe(t, header, payload)
			if resp.Data["me"] != "c-margaret/carer" {
				t.Fatalf("%+v", resp)
			}
			start := time.Now()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			for {
				var m wsMessage
				if err := wsjson.Read(ctx, c, &m); err != nil {
					if ctx.Err() != nil {
						t.Fatal("the socket outlived its token by 8 s")
					}
					t.Logf("closed %s after the subscription: %v", time.Since(start).Round(10*time.Millisecond), err)
					return
				}
			}
		})
	}
}

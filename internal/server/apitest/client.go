package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
)

// gqlError is one error of a GraphQL response.
type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

type response struct {
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
	status int
}

func (r response) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// problemFields lists the field paths of a BAD_USER_INPUT error's problems.
func (r response) problemFields() []string {
	var out []string
	for _, e := range r.Errors {
		ps, _ := e.Extensions["problems"].([]any)
		for _, p := range ps {
			if m, ok := p.(map[string]any); ok {
				f, _ := m["field"].(string)
				out = append(out, f)
			}
		}
	}
	return out
}

type client struct {
	url  string
	http *http.Client
	// token is sent as "Authorization: Bearer <token>" (HTTP) and in the
	// connection_init payload (WebSocket); none when empty.
	token string
}

// as returns a client that signs in with token.
func (c *client) as(token string) *client {
	cp := *c
	cp.token = token
	return &cp
}

// do posts a GraphQL request and decodes the answer.
func (c *client) do(t *testing.T, query string, vars map[string]any) response {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	return c.raw(t, http.MethodPost, "application/json", body)
}

func (c *client) raw(t *testing.T, method, contentType string, body []byte) response {
	t.Helper()
	req, err := http.NewRequest(method, c.url+"/graphql", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out response
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("answer is not JSON (HTTP %d): %s", resp.StatusCode, b)
	}
	out.status = resp.StatusCode
	return out
}

// ok runs a query that must succeed and decodes its data into v.
func (c *client) ok(t *testing.T, query string, vars map[string]any, v any) {
	t.Helper()
	r := c.do(t, query, vars)
	if len(r.Errors) > 0 {
		t.Fatalf("unexpected errors: %+v\nquery: %s", r.Errors, query)
	}
	if v != nil {
		if err := json.Unmarshal(r.Data, v); err != nil {
			t.Fatalf("decoding %s: %v", r.Data, err)
		}
	}
}

// fails runs a query that must fail with code, and returns the answer.
func (c *client) fails(t *testing.T, code, query string, vars map[string]any) response {
	t.Helper()
	r := c.do(t, query, vars)
	if r.code() != code {
		t.Fatalf("code = %q, want %q; errors %+v\nquery: %s", r.code(), code, r.Errors, query)
	}
	for _, e := range r.Errors {
		for _, leak := range []string{"goroutine", ".go:", "MATCH ", "MERGE ", "bolt://", "/tmp/", "bbolt"} {
			if strings.Contains(e.Message, leak) {
				t.Fatalf("error message leaks internals (%q): %q", leak, e.Message)
			}
		}
	}
	return r
}

// subscription is a graphql-transport-ws client.
type subscription struct {
	conn *websocket.Conn
	ctx  context.Context
}

func (c *client) subscribe(t *testing.T, ctx context.Context, query string, vars map[string]any) *subscription {
	t.Helper()
	wsURL := "ws" + strings.TrimPrefix(c.url, "http") + "/graphql"
	conn, _, err := websocket.Dial(ctx, wsURL, &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatalf("dial %s: %v", wsURL, err)
	}
	s := &subscription{conn: conn, ctx: ctx}
	payload := map[string]any{}
	if c.token != "" {
		payload["Authorization"] = "Bearer " + c.token
	}
	s.send(map[string]any{"type": "connection_init", "payload": payload})
	if m := s.next(); m["type"] != "connection_ack" {
		t.Fatalf("want connection_ack, got %v", m)
	}
	s.send(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": query, "variables": vars}})
	return s
}

func (s *subscription) send(v any) { _ = wsjson.Write(s.ctx, s.conn, v) }

func (s *subscription) next() map[string]any {
	for {
		var m map[string]any
		ctx, cancel := context.WithTimeout(s.ctx, 10*time.Second)
		err := wsjson.Read(ctx, s.conn, &m)
		cancel()
		if err != nil {
			return map[string]any{"type": "read-error", "error": err.Error()}
		}
		if m["type"] == "ping" {
			s.send(map[string]any{"type": "pong"})
			continue
		}
		return m
	}
}

func (s *subscription) close() { _ = s.conn.Close(websocket.StatusNormalClosure, "") }

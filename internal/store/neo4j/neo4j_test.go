package neo4j_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/store/neo4j"
	"github.com/careweb/careweb/internal/store/neo4j/neo4jtest"
	"github.com/careweb/careweb/internal/store/storetest"
)

// TestContract runs the shared store contract suite against a real Neo4j.
// Each store it opens starts on an emptied database; the suite never holds
// two open at once.
func TestContract(t *testing.T) {
	neo4jtest.Require(t)
	storetest.Run(t, func(t *testing.T) care.Store { return neo4jtest.Open(t) })
}

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func wantCode(t *testing.T, err error, code care.Code, what string) {
	t.Helper()
	if got := care.ErrorCode(err); got != code {
		t.Fatalf("%s: got code %q (%v), want %q", what, got, err, code)
	}
}

// TestUnreachable needs no Neo4j: a store opened on a closed port starts,
// is not ready, says why, and fails operations with Unavailable.
func TestUnreachable(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := neo4j.Open(ctx, neo4j.Config{
		URI: "bolt://" + closedPort(t), User: "neo4j", Password: "x",
		MaxTransactionRetryTime: time.Second, ConnectionAcquisitionTimeout: time.Second,
	})
	if err != nil {
		t.Fatalf("Open must not fail when Neo4j is down: %v", err)
	}
	defer s.Close()
	err = s.Ping(ctx)
	wantCode(t, err, care.Unavailable, "Ping")
	if msg := care.ErrorMessage(err); !strings.Contains(msg, "unreachable") {
		t.Errorf("Ping message %q does not say the server is unreachable", msg)
	}
	_, err = s.Node(ctx, "p1")
	wantCode(t, err, care.Unavailable, "Node")
	_, err = s.Apply(ctx, care.Batch{Nodes: []care.Node{{ID: "p1", Kind: care.KindPerson, Name: "A"}}})
	wantCode(t, err, care.Unavailable, "Apply")
}

func TestOpenRejectsUnusableConfig(t *testing.T) {
	ctx := context.Background()
	for _, uri := range []string{"", "http://localhost:7474", "::not a uri"} {
		if _, err := neo4j.Open(ctx, neo4j.Config{URI: uri}); care.ErrorCode(err) != care.Invalid {
			t.Errorf("Open(%q): got %v, want Invalid", uri, err)
		}
	}
}

// TestWrongCredentials checks that a refused login is told apart from an
// unreachable server. It uses a user name of its own: Neo4j locks a user
// out for a while after repeated failures, and the suite's user must not
// be locked.
func TestWrongCredentials(t *testing.T) {
	cfg := neo4jtest.Require(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cfg.User, cfg.Password = "careweb-no-such-user", "wrong password"
	s, err := neo4j.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("Open must not fail on bad credentials: %v", err)
	}
	defer s.Close()
	err = s.Ping(ctx)
	wantCode(t, err, care.Unavailable, "Ping")
	if msg := care.ErrorMessage(err); !strings.Contains(msg, "authentication failed") {
		t.Errorf("Ping message %q does not say authentication failed", msg)
	}
	_, err = s.Node(ctx, "p1")
	wantCode(t, err, care.Unavailable, "Node")
	if msg := care.ErrorMessage(err); strings.Contains(msg, "Neo.") {
		t.Errorf("caller-safe message leaks server text: %q", msg)
	}
}

// TestNoSuchDatabase checks that a misnamed database is reported as such.
func TestNoSuchDatabase(t *testing.T) {
	cfg := neo4jtest.Require(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cfg.Database = "nosuchdatabase"
	s, err := neo4j.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("Open must not fail on a missing database: %v", err)
	}
	defer s.Close()
	err = s.Ping(ctx)
	wantCode(t, err, care.Unavailable, "Ping")
	if msg := care.ErrorMessage(err); !strings.Contains(msg, "no database") {
		t.Errorf("Ping message %q does not say the database is missing", msg)
	}
}

// proxy forwards connections from a loopback port to target until stopped:
// a Neo4j that the test can take away and bring back without touching the
// shared server.
type proxy struct {
	l      net.Listener
	target string
	mu     sync.Mutex
	conns  []net.Conn
	wg     sync.WaitGroup
}

func startProxy(t *testing.T, addr, target string) *proxy {
	t.Helper()
	var l net.Listener
	var err error
	// The port was free a moment ago; another process may take it, but
	// rarely: retry briefly rather than fail.
	for i := 0; i < 50; i++ {
		if l, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("proxy listen on %s: %v", addr, err)
	}
	p := &proxy{l: l, target: target}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			u, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, u)
			p.mu.Unlock()
			go func() { io.Copy(u, c); u.Close() }()
			go func() { io.Copy(c, u); c.Close() }()
		}
	}()
	return p
}

// stop closes the listener and every forwarded connection, as if the
// server had gone away.
func (p *proxy) stop() {
	p.l.Close()
	p.wg.Wait()
	p.mu.Lock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
	p.mu.Unlock()
}

// pingUntil polls Ping until it returns nil or the deadline passes.
func pingUntil(ctx context.Context, s *neo4j.Store, d time.Duration) error {
	deadline := time.Now().Add(d)
	for {
		err := s.Ping(ctx)
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestRecovery starts the store while "Neo4j" (a proxy to it) is down,
// brings it up, takes it away again and brings it back: the store must
// become ready by itself each time, creating its schema lazily.
func TestRecovery(t *testing.T) {
	cfg := neo4jtest.Require(t)
	neo4jtest.Clear(t, cfg)
	u, err := url.Parse(cfg.URI)
	if err != nil {
		t.Fatal(err)
	}
	target := u.Host
	if u.Port() == "" {
		target = net.JoinHostPort(u.Hostname(), "7687")
	}
	addr := closedPort(t)
	down := cfg
	// bolt:// — a routing URI would learn the real server's address from
	// the routing table and bypass the proxy.
	down.URI = "bolt://" + addr
	down.MaxTransactionRetryTime = time.Second
	down.ConnectionAcquisitionTimeout = 2 * time.Second

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := neo4j.Open(ctx, down)
	if err != nil {
		t.Fatalf("Open with Neo4j down: %v", err)
	}
	defer s.Close()
	wantCode(t, s.Ping(ctx), care.Unavailable, "Ping while down")

	p := startProxy(t, addr, target)
	t0 := time.Now()
	if err := pingUntil(ctx, s, 20*time.Second); err != nil {
		t.Fatalf("store did not recover once Neo4j was up: %v", err)
	}
	b := care.Batch{Nodes: []care.Node{{ID: "p1", Kind: care.KindPerson, Name: "Ada"}}}
	if _, err := s.Apply(ctx, b); err != nil {
		t.Fatalf("Apply after recovery: %v", err)
	}
	t.Logf("up and written %v after Neo4j came back", time.Since(t0))
	t0 = time.Now()

	p.stop()
	wantCode(t, s.Ping(ctx), care.Unavailable, "Ping after Neo4j went away")
	_, err = s.Node(ctx, "p1")
	wantCode(t, err, care.Unavailable, "Node while down")
	t.Logf("down detected in %v", time.Since(t0))
	t0 = time.Now()

	p = startProxy(t, addr, target)
	defer p.stop()
	if err := pingUntil(ctx, s, 20*time.Second); err != nil {
		t.Fatalf("store did not recover the second time: %v", err)
	}
	t.Logf("recovered in %v", time.Since(t0))
	n, err := s.Node(ctx, "p1")
	if err != nil || n.Name != "Ada" {
		t.Fatalf("Node after recovery: %+v, %v", n, err)
	}
}

// TestNeo4jSpecifics covers what is particular to this store: exact
// nanosecond times from any zone, ids that look like Cypher, relationship
// ids reused across types, and the caller's batch left untouched.
func TestNeo4jSpecifics(t *testing.T) {
	s := neo4jtest.Open(t)
	ctx := context.Background()
	evil := `p'}) DETACH DELETE n //`
	zone := time.FixedZone("UTC+5:30", 5*3600+1800)
	at := time.Date(2024, 3, 1, 23, 59, 59, 123456789, zone) // 18:29:59 UTC
	b := care.Batch{
		Nodes: []care.Node{
			{ID: evil, Kind: care.KindPerson, Name: "Evil `Name`"},
			{ID: "c1", Kind: care.KindCarer, Name: "Carer"},
			{ID: "g1", Kind: care.KindProfessional, Name: "GP"},
			{ID: "o1", Kind: care.KindOrganisation, Name: "Org"},
		},
		Relationships: []care.Relationship{
			{ID: "r1", Type: care.CaresFor, From: "c1", To: evil, Span: care.Always, Consent: true, Relation: "son"},
		},
		Contacts: []care.Contact{{ID: "k1", Person: evil, Professional: "g1", At: at}},
	}
	res, err := s.Apply(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	if res.Nodes != 4 || res.Relationships != 1 || res.Contacts != 1 {
		t.Errorf("result %+v", res)
	}
	if b.Nodes[2].Role != "" || b.Contacts[0].Mode != "" || b.Contacts[0].At.Location() != zone {
		t.Errorf("Apply changed the caller's batch: %+v %+v", b.Nodes[2], b.Contacts[0])
	}
	// Idempotent re-apply.
	if _, err := s.Apply(ctx, b); err != nil {
		t.Fatal(err)
	}
	page, err := s.Contacts(ctx, care.EventQuery{Person: evil, Window: care.Always})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Contacts) != 1 {
		t.Fatalf("contacts after re-apply: %+v", page.Contacts)
	}
	got := page.Contacts[0]
	if !got.At.Equal(at) || got.At.Location() != time.UTC || got.At.Nanosecond() != 123456789 {
		t.Errorf("time round trip: got %v, want %v in UTC", got.At, at.UTC())
	}
	if got.Mode != care.ModeOther {
		t.Errorf("mode not normalised: %q", got.Mode)
	}
	// The contact is on 1 March UTC, not 2 March (its local day).
	page, err = s.Contacts(ctx, care.EventQuery{Person: evil, Window: care.AsOf(care.MakeDate(2024, 3, 2))})
	if err != nil || len(page.Contacts) != 0 {
		t.Errorf("contact found on its local (not UTC) day: %+v %v", page.Contacts, err)
	}

	// Rewriting relationship r1 as another type between other nodes
	// replaces it: ids are unique across types.
	_, err = s.Apply(ctx, care.Batch{Relationships: []care.Relationship{
		{ID: "r1", Type: care.WorksIn, From: "g1", To: "o1", Span: care.Always},
	}})
	if err != nil {
		t.Fatal(err)
	}
	rels, err := s.Relationships(ctx, care.RelQuery{Node: "c1", Window: care.Always})
	if err != nil || len(rels) != 0 {
		t.Errorf("old r1 still on c1: %+v %v", rels, err)
	}
	rels, err = s.Relationships(ctx, care.RelQuery{Node: "o1", Window: care.Always})
	if err != nil || len(rels) != 1 || rels[0].Type != care.WorksIn {
		t.Errorf("new r1 on o1: %+v %v", rels, err)
	}

	// A failing batch leaves nothing behind.
	_, err = s.Apply(ctx, care.Batch{
		Nodes:            []care.Node{{ID: "p2", Kind: care.KindPerson, Name: "New"}},
		EndRelationships: []care.EndRelationship{{ID: "no-such-rel", To: care.MakeDate(2024, 1, 1)}},
	})
	wantCode(t, err, care.NotFound, "end missing relationship")
	if _, err := s.Node(ctx, "p2"); care.ErrorCode(err) != care.NotFound {
		t.Errorf("p2 written by a failed batch: %v", err)
	}

	// Deleting a referenced node: Conflict, then cascade.
	_, err = s.Apply(ctx, care.Batch{DeleteNodes: []care.DeleteNode{{ID: "g1"}}})
	wantCode(t, err, care.Conflict, "delete referenced node")
	res, err = s.Apply(ctx, care.Batch{DeleteNodes: []care.DeleteNode{{ID: "g1", Cascade: true}}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Deleted != 1 || res.Removed != 2 { // the contact and r1
		t.Errorf("cascade result %+v", res)
	}
	var e *care.Error
	if _, err := s.Node(ctx, "g1"); !errors.As(err, &e) || e.Code != care.NotFound {
		t.Errorf("g1 after delete: %v", err)
	}
}

// TestConcurrentEventCreates applies the same new contacts and referrals
// from several writers at once: events are created without MERGE, so the
// writers race on the uniqueness constraints, and every one must still
// succeed (as an upsert) with one copy of each event stored.
func TestConcurrentEventCreates(t *testing.T) {
	s := neo4jtest.Open(t)
	ctx := context.Background()
	if _, err := s.Apply(ctx, storetest.Fixture()); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC)
	var b care.Batch
	for i := range 200 {
		b.Contacts = append(b.Contacts, care.Contact{ID: "kc" + strconv.Itoa(i), Person: "p-cyd", Professional: "pr-green",
			Organisation: "o-surgery", At: at.Add(time.Duration(i) * time.Minute)})
	}
	b.Referrals = []care.Referral{{ID: "rc1", Person: "p-cyd", From: "pr-green", To: "o-hospital", At: at}}
	const writers = 4
	errs := make(chan error, writers)
	var wg sync.WaitGroup
	for range writers {
		wg.Go(func() {
			_, err := s.Apply(ctx, b)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("a concurrent writer of the same events failed: %v", err)
		}
	}
	page, err := s.Contacts(ctx, care.EventQuery{Person: "p-cyd", Window: care.Always, Page: care.Page{First: 1000}})
	if err != nil {
		t.Fatal(err)
	}
	if page.Info.TotalCount != 200 {
		t.Errorf("p-cyd has %d contacts, want 200", page.Info.TotalCount)
	}
	refs, err := s.Referrals(ctx, care.EventQuery{Person: "p-cyd", Window: care.Always})
	if err != nil || refs.Info.TotalCount != 1 {
		t.Errorf("p-cyd's referrals: %+v, %v; want one", refs.Info, err)
	}
}

// Package apitest is the GraphQL API's suite, run over HTTP on loopback
// against any store: cmd/careweb's tests run it on the embedded store and
// on a real Neo4j. It covers queries, pagination edge cases, every
// mutation, every error code the API can raise without authentication, the
// request limits, a subscription receiving an event, and the number of
// store calls a nested query makes.
package apitest

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/careweb/careweb/internal/audit"
	"github.com/careweb/careweb/internal/auth"
	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/events"
	"github.com/careweb/careweb/internal/keys"
	"github.com/careweb/careweb/internal/policy"
	"github.com/careweb/careweb/internal/pseudonym"
	"github.com/careweb/careweb/internal/server"
)

// Backend is the store under test.
type Backend = events.Backend

// Run runs the suite. open returns a fresh, empty store.
func Run(t *testing.T, open func(t *testing.T) Backend) {
	st := open(t)
	t.Cleanup(func() { _ = st.Close() })
	if _, err := st.Apply(context.Background(), Fixture()); err != nil {
		t.Fatalf("loading the fixture: %v", err)
	}
	counting := &countingStore{Backend: st}
	c, _ := newClient(t, counting)

	t.Run("Queries", func(t *testing.T) { testQueries(t, c) })
	t.Run("Pagination", func(t *testing.T) { testPagination(t, c) })
	t.Run("Errors", func(t *testing.T) { testErrors(t, c) })
	t.Run("Limits", func(t *testing.T) { testLimits(t, c) })
	t.Run("NestedQueryStoreCalls", func(t *testing.T) { testStoreCalls(t, c, counting) })
	t.Run("Mutations", func(t *testing.T) { testMutations(t, c, st) })
	t.Run("Subscription", func(t *testing.T) { testSubscription(t, c) })
	t.Run("AuditFailsClosed", func(t *testing.T) { testAuditFailsClosed(t, st) })
}

// testAuditFailsClosed: a request's reads are recorded together before the
// response leaves (policy.WithDeferredAudit); when they cannot be, the
// client gets UNAVAILABLE and none of the data.
func testAuditFailsClosed(t *testing.T, st Backend) {
	svc := newService(t, st, 0)
	c := svc.client(care.AccessAdmin, "admin")
	q := `{ people(first: 3) { nodes { id name contacts(first: 2) { nodes { id } } } } }`
	before := len(svc.audit.Events())
	r := c.do(t, q, nil)
	if len(r.Errors) > 0 || r.status != http.StatusOK {
		t.Fatalf("HTTP %d %+v", r.status, r.Errors)
	}
	if n := len(svc.audit.Events()) - before; n < 3 {
		t.Fatalf("%d audit records for a page of 3 people and their contacts", n)
	}
	svc.audit.Fail(errors.New("disk full"))
	defer svc.audit.Fail(nil)
	r = c.do(t, q, nil)
	if r.status != http.StatusServiceUnavailable || r.code() != "UNAVAILABLE" {
		t.Fatalf("with the audit log failing: HTTP %d %+v", r.status, r.Errors)
	}
	if len(r.Data) > 0 && string(r.Data) != "null" {
		t.Fatalf("data sent although it could not be recorded: %s", r.Data)
	}
}

func newClient(t *testing.T, st Backend) (*client, *events.Broker) {
	t.Helper()
	// The store-call count checks that each level of a nested query is
	// one batch; a window wider than production's keeps a busy CI machine
	// (-race, two cores) from splitting a batch for scheduling reasons.
	svc := newService(t, st, 20*time.Millisecond)
	return svc.client(care.AccessAdmin, "admin"), svc.broker
}

// service is the API as cmd/careweb wires it: tokens verified, every read
// and write through the policy, every access audited (in memory here).
type service struct {
	url    string
	http   *http.Client
	secret keys.Secret // the tokens' key
	tokens *auth.LocalTokens
	broker *events.Broker
	audit  *audit.Memory
}

// newService serves st with the full security path; loaderWait is the
// dataloaders' window (0: production's).
func newService(t *testing.T, st Backend, loaderWait time.Duration) *service {
	t.Helper()
	secret := keys.Secret(make([]byte, 32))
	if _, err := rand.Read(secret); err != nil {
		t.Fatal(err)
	}
	tokens, err := auth.NewLocalTokens(secret, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	pz := pseudonym.New(secret)
	mem := &audit.Memory{Pseudonyms: pz}
	broker := events.NewBroker(16)
	published := events.Wrap(st, broker, time.Now)
	reg := prometheus.NewRegistry()
	log := zerolog.Nop()
	h := server.New(server.Config{
		Store: published, Logger: log, Registry: reg,
		GraphQL: server.NewGraphQL(server.GraphQLConfig{
			Store: published, Events: broker, Logger: log,
			Limits: server.DefaultGraphQLLimits(), Introspection: true,
			LoaderWait:    loaderWait,
			Policy:        policy.New(policy.Config{Store: st, Auditor: mem, Pseudonyms: pz}),
			Authenticate:  auth.Middleware(tokens, log),
			WebSocketInit: auth.WebSocketInit(tokens, log),
		}),
	})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &service{url: srv.URL, http: srv.Client(), secret: secret, tokens: tokens, broker: broker, audit: mem}
}

// client returns a client signed in as the principal.
func (s *service) client(access care.Access, subject string) *client {
	tok, err := s.tokens.Mint(subject, access, time.Hour)
	if err != nil {
		panic(err)
	}
	return &client{url: s.url, http: s.http, token: tok}
}

// anonymous returns a client that sends no token.
func (s *service) anonymous() *client { return &client{url: s.url, http: s.http} }

func day(s string) care.Date {
	d, err := care.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// Fixture is a small, hand-built world: three people, a carer, four
// professionals in three organisations of different sectors.
func Fixture() care.Batch {
	return care.Batch{
		Nodes: []care.Node{
			{ID: "o-gp", Kind: care.KindOrganisation, Name: "Riverside Surgery", Sector: care.SectorPrimaryCare, Locality: "North"},
			{ID: "o-hosp", Kind: care.KindOrganisation, Name: "City Hospital", Sector: care.SectorSecondaryCare},
			{ID: "o-sc", Kind: care.KindOrganisation, Name: "Adult Social Care", Sector: care.SectorSocialCare},
			{ID: "pr-gp", Kind: care.KindProfessional, Name: "Dr Grace Patel", Role: care.RoleGP},
			{ID: "pr-nurse", Kind: care.KindProfessional, Name: "Nina Nurse", Role: care.RolePracticeNurse},
			{ID: "pr-cons", Kind: care.KindProfessional, Name: "Dr Colin Moss", Role: care.RoleConsultant},
			{ID: "pr-sw", Kind: care.KindProfessional, Name: "Sam Worker", Role: care.RoleSocialWorker},
			{ID: "p-1", Kind: care.KindPerson, Name: "Alice Example", Locality: "North"},
			{ID: "p-2", Kind: care.KindPerson, Name: "Bob Example"},
			{ID: "p-3", Kind: care.KindPerson, Name: "Carol Sample"},
			{ID: "c-1", Kind: care.KindCarer, Name: "Dan Example"},
		},
		Relationships: []care.Relationship{
			{Type: care.WorksIn, From: "pr-gp", To: "o-gp", Span: care.Always},
			{Type: care.WorksIn, From: "pr-nurse", To: "o-gp", Span: care.Always},
			{Type: care.WorksIn, From: "pr-cons", To: "o-hosp", Span: care.Span{From: day("2023-01-01"), To: care.NoEnd}},
			{Type: care.WorksIn, From: "pr-sw", To: "o-sc", Span: care.Always},
			{Type: care.CaresFor, From: "c-1", To: "p-1", Span: care.Span{From: day("2020-05-01"), To: care.NoEnd}, Relation: "son", Consent: true},
			{Type: care.InvolvedIn, From: "pr-gp", To: "p-1", Span: care.Span{From: day("2022-01-01"), To: care.NoEnd}, Coordinator: true, Role: "GP"},
			{Type: care.InvolvedIn, From: "pr-sw", To: "p-1", Span: care.Span{From: day("2024-01-01"), To: day("2024-06-30")}},
			{Type: care.InvolvedIn, From: "pr-gp", To: "p-2", Span: care.Always},
			{Type: care.InvolvedIn, From: "pr-cons", To: "p-2", Span: care.Always},
			{Type: care.LinkedTo, From: "pr-gp", To: "pr-nurse", Span: care.Always, Channel: "shared_record"},
		},
		Contacts: []care.Contact{
			{ID: "k-1", Person: "p-1", Professional: "pr-gp", At: at("2024-01-10T09:00:00Z"), Mode: care.ModeFaceToFace},
			{ID: "k-2", Person: "p-1", Professional: "pr-cons", At: at("2024-02-01T14:30:00Z"), Mode: care.ModeFaceToFace, Organisation: "o-hosp"},
			{ID: "k-3", Person: "p-1", Professional: "pr-sw", At: at("2024-03-01T11:00:00Z"), Mode: care.ModeHomeVisit},
			{ID: "k-4", Person: "p-2", Professional: "pr-gp", At: at("2024-01-15T10:00:00Z"), Mode: care.ModePhone},
			{ID: "k-5", Person: "p-2", Professional: "pr-gp", At: at("2024-04-15T10:00:00Z"), Mode: care.ModeVideo},
			{ID: "k-6", Person: "p-3", Professional: "pr-nurse", At: at("2024-05-05T08:00:00Z")},
		},
		Referrals: []care.Referral{
			{ID: "r-1", Person: "p-1", From: "pr-gp", To: "pr-cons", At: at("2024-01-20T12:00:00Z"), Reason: "memory assessment"},
		},
	}
}

// countingStore counts every store call the API makes.
type countingStore struct {
	Backend
	calls atomic.Int64
}

func (c *countingStore) n() int64 { return c.calls.Load() }

func (c *countingStore) Node(ctx context.Context, id string) (care.Node, error) {
	c.calls.Add(1)
	return c.Backend.Node(ctx, id)
}
func (c *countingStore) Nodes(ctx context.Context, ids []string) ([]care.Node, error) {
	c.calls.Add(1)
	return c.Backend.Nodes(ctx, ids)
}
func (c *countingStore) ListNodes(ctx context.Context, q care.NodeQuery) (care.NodePage, error) {
	c.calls.Add(1)
	return c.Backend.ListNodes(ctx, q)
}
func (c *countingStore) Relationships(ctx context.Context, q care.RelQuery) ([]care.Relationship, error) {
	c.calls.Add(1)
	return c.Backend.Relationships(ctx, q)
}
func (c *countingStore) Web(ctx context.Context, id string, w care.Window) (care.Web, error) {
	c.calls.Add(1)
	return c.Backend.Web(ctx, id, w)
}
func (c *countingStore) Contacts(ctx context.Context, q care.EventQuery) (care.ContactPage, error) {
	c.calls.Add(1)
	return c.Backend.Contacts(ctx, q)
}
func (c *countingStore) Referrals(ctx context.Context, q care.EventQuery) (care.ReferralPage, error) {
	c.calls.Add(1)
	return c.Backend.Referrals(ctx, q)
}
func (c *countingStore) RelationshipsOf(ctx context.Context, ids []string, ts []care.RelType, w care.Window) ([][]care.Relationship, error) {
	c.calls.Add(1)
	return c.Backend.RelationshipsOf(ctx, ids, ts, w)
}
func (c *countingStore) ContactsOf(ctx context.Context, ids []string, w care.Window, p care.Page) ([]care.ContactPage, error) {
	c.calls.Add(1)
	return c.Backend.ContactsOf(ctx, ids, w, p)
}
func (c *countingStore) ReferralsOf(ctx context.Context, ids []string, w care.Window, p care.Page) ([]care.ReferralPage, error) {
	c.calls.Add(1)
	return c.Backend.ReferralsOf(ctx, ids, w, p)
}
func (c *countingStore) Relationship(ctx context.Context, id string) (care.Relationship, error) {
	c.calls.Add(1)
	return c.Backend.Relationship(ctx, id)
}

func testQueries(t *testing.T, c *client) {
	t.Run("node by id of each kind", func(t *testing.T) {
		for id, typ := range map[string]string{"p-1": "Person", "c-1": "Carer", "pr-gp": "Professional", "o-gp": "Organisation"} {
			var d struct {
				Node struct{ Typename, ID, Name string }
			}
			c.ok(t, `query($id: ID!) { node(id: $id) { typename: __typename id name } }`, map[string]any{"id": id}, &d)
			if d.Node.Typename != typ || d.Node.ID != id {
				t.Errorf("node(%s) = %+v, want a %s", id, d.Node, typ)
			}
		}
	})
	t.Run("person with web as of a date", func(t *testing.T) {
		var d struct {
			Person struct {
				Name string
				Web  struct {
					Members []struct {
						Node         struct{ ID string }
						Kind         string
						Coordinator  bool
						Contacts     int
						Organisation *struct{ ID string }
						Sector       *string
					}
					Coordinators []struct{ ID string }
					Carers       []struct{ ID string }
				}
			}
		}
		c.ok(t, `{ person(id: "p-1") { name web(asOf: "2024-03-01") { members { node { id } kind coordinator contacts organisation { id } sector } coordinators { id } carers { id } } } }`, nil, &d)
		if d.Person.Name != "Alice Example" {
			t.Fatalf("name %q", d.Person.Name)
		}
		var ids []string
		for _, m := range d.Person.Web.Members {
			ids = append(ids, m.Node.ID)
		}
		// As of 2024-03-01: the carer, the GP (involved), the social worker
		// (involved Jan–Jun, and seen that day). The consultant was seen on
		// 2024-02-01 only: outside a one-day window.
		if want := []string{"c-1", "pr-gp", "pr-sw"}; !slices.Equal(ids, want) {
			t.Fatalf("members %v, want %v", ids, want)
		}
		if len(d.Person.Web.Coordinators) != 1 || d.Person.Web.Coordinators[0].ID != "pr-gp" {
			t.Fatalf("coordinators %+v", d.Person.Web.Coordinators)
		}
		sw := d.Person.Web.Members[2]
		if sw.Contacts != 1 || sw.Organisation == nil || sw.Organisation.ID != "o-sc" || sw.Sector == nil || *sw.Sector != "SOCIAL_CARE" {
			t.Fatalf("social worker member %+v", sw)
		}
	})
	t.Run("web over a period includes professionals seen", func(t *testing.T) {
		var d struct {
			Person struct {
				Web struct {
					Professionals []struct{ ID string }
					Links         []struct{ ID string }
				}
			}
		}
		c.ok(t, `{ person(id: "p-1") { web(from: "2024-01-01", to: "2024-12-31") { professionals { id } links { id } } } }`, nil, &d)
		var ids []string
		for _, p := range d.Person.Web.Professionals {
			ids = append(ids, p.ID)
		}
		if want := []string{"pr-cons", "pr-gp", "pr-sw"}; !slices.Equal(ids, want) {
			t.Fatalf("professionals %v, want %v", ids, want)
		}
	})
	t.Run("contact organisation recorded or derived", func(t *testing.T) {
		var d struct {
			Person struct {
				Contacts struct {
					Nodes []struct {
						ID                   string
						Organisation         *struct{ ID string }
						OrganisationRecorded bool
						Mode                 string
					}
				}
			}
		}
		c.ok(t, `{ person(id: "p-1") { contacts { nodes { id organisation { id } organisationRecorded mode } } } }`, nil, &d)
		got := d.Person.Contacts.Nodes
		if len(got) != 3 || got[0].Organisation.ID != "o-gp" || got[0].OrganisationRecorded || !got[1].OrganisationRecorded || got[2].Mode != "HOME_VISIT" {
			t.Fatalf("contacts %+v", got)
		}
	})
	t.Run("organisation professionals and filters", func(t *testing.T) {
		var d struct {
			Organisation struct {
				Sector        string
				Professionals struct{ TotalCount int }
			}
			Professionals struct{ Nodes []struct{ ID string } }
		}
		c.ok(t, `{ organisation(id: "o-gp") { sector professionals { totalCount } }
		        professionals(filter: {role: CONSULTANT}) { nodes { id } } }`, nil, &d)
		if d.Organisation.Sector != "PRIMARY_CARE" || d.Organisation.Professionals.TotalCount != 2 {
			t.Fatalf("%+v", d.Organisation)
		}
		if len(d.Professionals.Nodes) != 1 || d.Professionals.Nodes[0].ID != "pr-cons" {
			t.Fatalf("%+v", d.Professionals)
		}
	})
	t.Run("search across kinds", func(t *testing.T) {
		var d struct {
			Search struct {
				TotalCount int
				Nodes      []struct{ ID string }
			}
		}
		c.ok(t, `{ search(text: "example") { totalCount nodes { id } } }`, nil, &d)
		var ids []string
		for _, n := range d.Search.Nodes {
			ids = append(ids, n.ID)
		}
		// Sorted by name: Alice, Bob, Dan.
		if want := []string{"p-1", "p-2", "c-1"}; !slices.Equal(ids, want) || d.Search.TotalCount != 3 {
			t.Fatalf("search %v (%d), want %v", ids, d.Search.TotalCount, want)
		}
	})
	t.Run("carer cares for and relationships", func(t *testing.T) {
		var d struct {
			Carer struct {
				CaresFor      []struct{ ID string }
				Relationships []struct {
					Type, Relationship string
					Consent            bool
					To                 struct{ ID string }
					Start              *string
					End                *string
				}
			}
		}
		c.ok(t, `{ carer(id: "c-1") { caresFor(asOf: "2024-01-01") { id } relationships { type relationship consent to { id } start end } } }`, nil, &d)
		if len(d.Carer.CaresFor) != 1 || d.Carer.CaresFor[0].ID != "p-1" {
			t.Fatalf("caresFor %+v", d.Carer.CaresFor)
		}
		r := d.Carer.Relationships
		if len(r) != 1 || r[0].Type != "CARES_FOR" || r[0].Relationship != "son" || !r[0].Consent || r[0].Start == nil || *r[0].Start != "2020-05-01" || r[0].End != nil {
			t.Fatalf("relationships %+v", r)
		}
	})
}

type pageInfo struct {
	HasNextPage, HasPreviousPage bool
	StartCursor, EndCursor       *string
}

type peoplePage struct {
	People struct {
		TotalCount int
		PageInfo   pageInfo
		Edges      []struct {
			Cursor string
			Node   struct{ ID string }
		}
	}
}

const peopleQuery = `query($first: Int, $after: String, $last: Int, $before: String, $filter: NodeFilter, $sort: NodeSort) {
  people(first: $first, after: $after, last: $last, before: $before, filter: $filter, sort: $sort) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id } } } }`

func testPagination(t *testing.T, c *client) {
	ids := func(p peoplePage) []string {
		var out []string
		for _, e := range p.People.Edges {
			out = append(out, e.Node.ID)
		}
		return out
	}
	t.Run("forward through every page", func(t *testing.T) {
		var all []string
		after := any(nil)
		for i := 0; ; i++ {
			var p peoplePage
			c.ok(t, peopleQuery, map[string]any{"first": 2, "after": after}, &p)
			all = append(all, ids(p)...)
			if p.People.TotalCount != 3 {
				t.Fatalf("totalCount %d", p.People.TotalCount)
			}
			if !p.People.PageInfo.HasNextPage {
				if i != 1 || len(p.People.Edges) != 1 || !p.People.PageInfo.HasPreviousPage {
					t.Fatalf("last page %+v", p.People)
				}
				break
			}
			after = *p.People.PageInfo.EndCursor
		}
		if want := []string{"p-1", "p-2", "p-3"}; !slices.Equal(all, want) {
			t.Fatalf("paged %v, want %v", all, want)
		}
	})
	t.Run("backward with last and before", func(t *testing.T) {
		var p peoplePage
		c.ok(t, peopleQuery, map[string]any{"last": 2}, &p)
		if want := []string{"p-2", "p-3"}; !slices.Equal(ids(p), want) || !p.People.PageInfo.HasPreviousPage || p.People.PageInfo.HasNextPage {
			t.Fatalf("last 2: %v %+v", ids(p), p.People.PageInfo)
		}
		var q peoplePage
		c.ok(t, peopleQuery, map[string]any{"last": 5, "before": *p.People.PageInfo.StartCursor}, &q)
		if want := []string{"p-1"}; !slices.Equal(ids(q), want) {
			t.Fatalf("before: %v", ids(q))
		}
	})
	t.Run("sorted by name", func(t *testing.T) {
		var p peoplePage
		c.ok(t, peopleQuery, map[string]any{"first": 10, "sort": "NAME", "filter": map[string]any{"nameContains": "EXAMPLE"}}, &p)
		if want := []string{"p-1", "p-2"}; !slices.Equal(ids(p), want) {
			t.Fatalf("by name: %v", ids(p))
		}
	})
	t.Run("empty list", func(t *testing.T) {
		var p peoplePage
		c.ok(t, peopleQuery, map[string]any{"first": 10, "filter": map[string]any{"nameContains": "nobody-has-this-name"}}, &p)
		pi := p.People.PageInfo
		if len(p.People.Edges) != 0 || p.People.TotalCount != 0 || pi.HasNextPage || pi.HasPreviousPage || pi.StartCursor != nil || pi.EndCursor != nil {
			t.Fatalf("empty: %+v", p.People)
		}
	})
	t.Run("past the end", func(t *testing.T) {
		var p peoplePage
		c.ok(t, peopleQuery, map[string]any{"first": 2}, &p)
		var last peoplePage
		c.ok(t, peopleQuery, map[string]any{"first": 2, "after": *p.People.PageInfo.EndCursor}, &last)
		var beyond peoplePage
		c.ok(t, peopleQuery, map[string]any{"first": 2, "after": *last.People.PageInfo.EndCursor}, &beyond)
		if len(beyond.People.Edges) != 0 || beyond.People.PageInfo.HasNextPage {
			t.Fatalf("beyond the last page: %+v", beyond.People)
		}
	})
	t.Run("invalid cursors and sizes", func(t *testing.T) {
		for name, vars := range map[string]map[string]any{
			"garbage cursor":  {"first": 2, "after": "not-a-cursor!"},
			"foreign cursor":  {"first": 2, "after": care.EncodeCursor("a", "b", "c")},
			"first zero":      {"first": 0},
			"first negative":  {"first": -3},
			"first too large": {"first": 101},
			"last too large":  {"last": 101},
			"first and last":  {"first": 1, "last": 1},
			"garbage before":  {"last": 1, "before": "%%%"},
		} {
			t.Run(name, func(t *testing.T) {
				// A light selection, so that the page size (not the
				// complexity limit) is what is refused.
				r := c.fails(t, "BAD_USER_INPUT", `query($first: Int, $after: String, $last: Int, $before: String) {
				  people(first: $first, after: $after, last: $last, before: $before) { totalCount } }`, vars)
				if len(r.problemFields()) == 0 {
					t.Fatalf("no field named: %+v", r.Errors)
				}
			})
		}
	})
	t.Run("contacts paged in time order", func(t *testing.T) {
		var d struct {
			Person struct {
				Contacts struct {
					TotalCount int
					PageInfo   pageInfo
					Nodes      []struct{ ID string }
				}
			}
		}
		c.ok(t, `{ person(id: "p-1") { contacts(from: "2024-01-01", to: "2024-02-28", first: 1) { totalCount pageInfo { hasNextPage endCursor } nodes { id } } } }`, nil, &d)
		if d.Person.Contacts.TotalCount != 2 || d.Person.Contacts.Nodes[0].ID != "k-1" || !d.Person.Contacts.PageInfo.HasNextPage {
			t.Fatalf("%+v", d.Person.Contacts)
		}
	})
}

func testErrors(t *testing.T, c *client) {
	t.Run("NOT_FOUND for unknown ids and other kinds' ids", func(t *testing.T) {
		c.fails(t, "NOT_FOUND", `{ person(id: "nobody") { id } }`, nil)
		c.fails(t, "NOT_FOUND", `{ person(id: "c-1") { id } }`, nil)
		c.fails(t, "NOT_FOUND", `{ node(id: "nobody") { id } }`, nil)
		c.fails(t, "NOT_FOUND", `{ organisation(id: "pr-gp") { id } }`, nil)
	})
	t.Run("BAD_USER_INPUT for from after to", func(t *testing.T) {
		r := c.fails(t, "BAD_USER_INPUT", `{ person(id: "p-1") { web(from: "2024-05-01", to: "2024-01-01") { members { kind } } } }`, nil)
		if !slices.Contains(r.problemFields(), "from") {
			t.Fatalf("problems %v", r.problemFields())
		}
		c.fails(t, "BAD_USER_INPUT", `{ person(id: "p-1") { web(asOf: "2024-05-01", to: "2024-06-01") { members { kind } } } }`, nil)
	})
	t.Run("BAD_USER_INPUT for malformed values", func(t *testing.T) {
		c.fails(t, "BAD_USER_INPUT", `{ person(id: "p-1") { web(asOf: "2024-02-30") { members { kind } } } }`, nil)
		c.fails(t, "BAD_USER_INPUT", `query($d: Date) { person(id: "p-1") { web(asOf: $d) { members { kind } } } }`, map[string]any{"d": 20240101})
		c.fails(t, "BAD_USER_INPUT", `{ people(first: "two") { totalCount } }`, nil)
		c.fails(t, "BAD_USER_INPUT", `{ professionals(filter: {role: ASTRONAUT}) { totalCount } }`, nil)
		c.fails(t, "BAD_USER_INPUT", `{ nosuchfield }`, nil)
		c.fails(t, "BAD_USER_INPUT", `{ people { `, nil)
		r := c.fails(t, "BAD_USER_INPUT", `{ person(id: "p-1") { web(asOf: "2024-02-30") { members { kind } } } }`, nil)
		if len(r.Errors[0].Path) == 0 {
			t.Fatalf("a bad argument's error has no path: %+v", r.Errors)
		}
		c.fails(t, "BAD_USER_INPUT", `{ search(text: "a") { totalCount } }`, nil)
	})
	t.Run("transport errors are coded", func(t *testing.T) {
		for name, r := range map[string]response{
			"GET":        c.raw(t, http.MethodGet, "", nil),
			"form":       c.raw(t, http.MethodPost, "application/x-www-form-urlencoded", []byte("query={people{totalCount}}")),
			"not JSON":   c.raw(t, http.MethodPost, "application/json", []byte("{not json")),
			"empty body": c.raw(t, http.MethodPost, "application/json", nil),
		} {
			if r.code() != "BAD_USER_INPUT" {
				t.Errorf("%s: code %q, errors %+v", name, r.code(), r.Errors)
			}
		}
	})
}

func testLimits(t *testing.T, c *client) {
	t.Run("depth", func(t *testing.T) {
		// web and person are not lists, so only the depth limit can refuse this.
		q := `{ person(id: "p-1") { web { person { web { person { web { person { web { person { web { person { id } } } } } } } } } } } }`
		r := c.fails(t, "BAD_USER_INPUT", q, nil)
		if !strings.Contains(r.Errors[0].Message, "depth") {
			t.Fatalf("%+v", r.Errors)
		}
	})
	t.Run("complexity", func(t *testing.T) {
		q := `{ people(first: 100) { nodes { contacts(first: 100) { nodes { id } } } } }`
		r := c.fails(t, "BAD_USER_INPUT", q, nil)
		if !strings.Contains(strings.ToLower(r.Errors[0].Message), "complex") {
			t.Fatalf("%+v", r.Errors)
		}
	})
	t.Run("aliases", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("{")
		for i := 0; i < 31; i++ {
			fmt.Fprintf(&b, " a%d: person(id: \"p-1\") { id }", i)
		}
		b.WriteString(" }")
		c.fails(t, "BAD_USER_INPUT", b.String(), nil)
	})
	t.Run("body size", func(t *testing.T) {
		big := `{"query":"{ people { totalCount } }","variables":{"pad":"` + strings.Repeat("x", 1<<20) + `"}}`
		r := c.raw(t, http.MethodPost, "application/json", []byte(big))
		if r.code() != "BAD_USER_INPUT" || r.status != http.StatusRequestEntityTooLarge {
			t.Fatalf("HTTP %d %+v", r.status, r.Errors)
		}
	})
	t.Run("token limit", func(t *testing.T) {
		c.fails(t, "BAD_USER_INPUT", "{ people { "+strings.Repeat("totalCount ", 2100)+"} }", nil)
	})
}

func testStoreCalls(t *testing.T, c *client, counting *countingStore) {
	// Three levels of lists: people → contacts → professional → relationships → node.
	q := `{ people(first: 5) { nodes { id contacts(first: 5) { nodes { id professional { name relationships { to { id } } } } } } } }`
	before := counting.n()
	var d struct {
		People struct {
			Nodes []struct {
				Contacts struct {
					Nodes []struct {
						Professional struct {
							Relationships []struct{ To struct{ ID string } }
						}
					}
				}
			}
		}
	}
	c.ok(t, q, nil, &d)
	calls := counting.n() - before
	contacts := 0
	for _, p := range d.People.Nodes {
		contacts += len(p.Contacts.Nodes)
	}
	if len(d.People.Nodes) != 3 || contacts != 6 {
		t.Fatalf("got %d people and %d contacts", len(d.People.Nodes), contacts)
	}
	// One call per level: list people, their contacts, the professionals,
	// their relationships, the relationships' far ends.
	t.Logf("nested 3-level query: %d store calls for %d people and %d contacts", calls, len(d.People.Nodes), contacts)
	if calls > 5 {
		t.Fatalf("nested query made %d store calls, want at most 5 (one per level)", calls)
	}
}

func testMutations(t *testing.T, c *client, st Backend) {
	count := func() int {
		var d struct{ People, Carers, Professionals, Organisations struct{ TotalCount int } }
		c.ok(t, `{ people { totalCount } carers { totalCount } professionals { totalCount } organisations { totalCount } }`, nil, &d)
		return d.People.TotalCount*1000000 + d.Carers.TotalCount*10000 + d.Professionals.TotalCount*100 + d.Organisations.TotalCount
	}
	t.Run("create, update and delete each kind", func(t *testing.T) {
		for _, k := range []struct{ kind, extra, id string }{
			{"Person", "", "m-person"}, {"Carer", "", "m-carer"},
			{"Professional", ", role: DISTRICT_NURSE", "m-pro"}, {"Organisation", ", sector: HOUSING", "m-org"},
		} {
			var created map[string]struct{ ID, Name string }
			c.ok(t, fmt.Sprintf(`mutation { create%s(input: {id: %q, name: "New One"%s}) { id name } }`, k.kind, k.id, k.extra), nil, &created)
			if created["create"+k.kind].ID != k.id {
				t.Fatalf("create%s: %+v", k.kind, created)
			}
			c.fails(t, "CONFLICT", fmt.Sprintf(`mutation { create%s(input: {id: %q, name: "Again"%s}) { id } }`, k.kind, k.id, k.extra), nil)
			var updated map[string]struct{ Name string }
			c.ok(t, fmt.Sprintf(`mutation { update%s(id: %q, input: {name: "Renamed"%s}) { name } }`, k.kind, k.id, k.extra), nil, &updated)
			if updated["update"+k.kind].Name != "Renamed" {
				t.Fatalf("update%s: %+v", k.kind, updated)
			}
			c.fails(t, "NOT_FOUND", fmt.Sprintf(`mutation { update%s(id: "missing-id", input: {name: "X"}) { id } }`, k.kind), nil)
			c.ok(t, fmt.Sprintf(`mutation { delete%s(id: %q) { id } }`, k.kind, k.id), nil, nil)
			c.fails(t, "NOT_FOUND", fmt.Sprintf(`{ node(id: %q) { id } }`, k.id), nil)
		}
		// Validation errors name the argument's field.
		r := c.fails(t, "BAD_USER_INPUT", `mutation { createPerson(input: {id: "", name: "X"}) { id } }`, nil)
		if !slices.Contains(r.problemFields(), "input.id") {
			t.Fatalf("problems %v", r.problemFields())
		}
		// ...by the argument's own names, where they differ from the batch's.
		r = c.fails(t, "BAD_USER_INPUT", `mutation { recordConsent(input: {id: "m-consent", personId: "nobody", granteeId: "nobody-either",
		  basis: CONSENT, decision: PERMIT, from: "2025-02-01", to: "2025-01-01"}) { id } }`, nil)
		if got, want := sorted(r.problemFields()), []string{"input.granteeId", "input.personId", "input.to"}; !slices.Equal(got, want) {
			t.Fatalf("recordConsent problems %v, want %v", got, want)
		}
	})
	t.Run("delete of a referenced node needs cascade", func(t *testing.T) {
		c.ok(t, `mutation { createPerson(input: {id: "m-p2", name: "Temp"}) { id } }`, nil, nil)
		c.ok(t, `mutation { recordContact(input: {id: "m-k", person: "m-p2", professional: "pr-gp", at: "2024-06-01T10:00:00Z"}) { id } }`, nil, nil)
		c.fails(t, "CONFLICT", `mutation { deletePerson(id: "m-p2") { id } }`, nil)
		var d struct{ DeletePerson struct{ Removed int } }
		c.ok(t, `mutation { deletePerson(id: "m-p2", cascade: true) { removed } }`, nil, &d)
		if d.DeletePerson.Removed < 1 {
			t.Fatalf("cascade removed %d", d.DeletePerson.Removed)
		}
	})
	t.Run("relationships: add, end, remove", func(t *testing.T) {
		var add struct {
			AddRelationship struct {
				ID          string
				Coordinator bool
				End         *string
				From        struct{ ID string }
			}
		}
		c.ok(t, `mutation { addRelationship(input: {type: INVOLVED_IN, from: "pr-nurse", to: "p-3", start: "2024-01-01", coordinator: true}) { id coordinator end from { id } } }`, nil, &add)
		id := add.AddRelationship.ID
		if id == "" || !add.AddRelationship.Coordinator || add.AddRelationship.End != nil || add.AddRelationship.From.ID != "pr-nurse" {
			t.Fatalf("add: %+v", add)
		}
		var end struct {
			EndRelationship struct {
				End    *string
				Active bool
			}
		}
		c.ok(t, `mutation($id: ID!) { endRelationship(id: $id, end: "2024-09-30") { end active(asOf: "2024-10-01") } }`, map[string]any{"id": id}, &end)
		if end.EndRelationship.End == nil || *end.EndRelationship.End != "2024-09-30" || end.EndRelationship.Active {
			t.Fatalf("end: %+v", end)
		}
		// History kept: the web in June still has the nurse.
		var w struct {
			Person struct {
				Web struct{ Professionals []struct{ ID string } }
			}
		}
		c.ok(t, `{ person(id: "p-3") { web(asOf: "2024-06-01") { professionals { id } } } }`, nil, &w)
		if len(w.Person.Web.Professionals) != 1 {
			t.Fatalf("history lost: %+v", w)
		}
		c.fails(t, "BAD_USER_INPUT", `mutation { addRelationship(input: {type: WORKS_IN, from: "c-1", to: "o-gp"}) { id } }`, nil)
		r := c.fails(t, "BAD_USER_INPUT", `mutation { addRelationship(input: {type: CARES_FOR, from: "c-1", to: "ghost"}) { id } }`, nil)
		if !slices.Contains(r.problemFields(), "input.to") {
			t.Fatalf("problems %v", r.problemFields())
		}
		c.fails(t, "BAD_USER_INPUT", `mutation { addRelationship(input: {type: CARES_FOR, from: "c-1", to: "p-3", start: "2024-05-01", end: "2024-01-01"}) { id } }`, nil)
		c.fails(t, "NOT_FOUND", `mutation { endRelationship(id: "no-such-rel", end: "2024-01-01") { id } }`, nil)
		c.ok(t, `mutation($id: ID!) { removeRelationship(id: $id) { id } }`, map[string]any{"id": id}, nil)
		c.fails(t, "NOT_FOUND", `mutation($id: ID!) { removeRelationship(id: $id) { id } }`, map[string]any{"id": id})
	})
	t.Run("record contact and referral", func(t *testing.T) {
		var d struct {
			RecordContact struct {
				ID           string
				Mode         string
				Professional struct{ Name string }
				Organisation struct{ ID string }
			}
			RecordReferral struct {
				ID   string
				From struct{ ID string }
				To   struct{ ID string }
			}
		}
		c.ok(t, `mutation { recordContact(input: {person: "p-3", professional: "pr-gp", at: "2024-07-01T09:30:00Z", mode: PHONE}) { id mode professional { name } organisation { id } }
		                 recordReferral(input: {person: "p-3", from: "pr-gp", to: "o-sc", at: "2024-07-01T10:00:00Z", reason: "support at home"}) { id from { id } to { id } } }`, nil, &d)
		if d.RecordContact.ID == "" || d.RecordContact.Mode != "PHONE" || d.RecordContact.Organisation.ID != "o-gp" || d.RecordReferral.To.ID != "o-sc" {
			t.Fatalf("%+v", d)
		}
		r := c.fails(t, "BAD_USER_INPUT", `mutation { recordContact(input: {person: "c-1", professional: "pr-gp", at: "2024-07-01T09:30:00Z"}) { id } }`, nil)
		if !slices.Contains(r.problemFields(), "input.person") {
			t.Fatalf("problems %v", r.problemFields())
		}
		c.fails(t, "BAD_USER_INPUT", `mutation { recordContact(input: {person: "p-3", professional: "pr-gp", at: "yesterday"}) { id } }`, nil)
	})
	t.Run("batch is atomic", func(t *testing.T) {
		before := count()
		r := c.fails(t, "BAD_USER_INPUT", `mutation { applyBatch(input: {
		    nodes: [{id: "b-p", kind: PERSON, name: "Batch Person"}, {id: "b-c", kind: CARER, name: "Batch Carer"}]
		    relationships: [{type: CARES_FOR, from: "b-c", to: "b-p"}, {type: CARES_FOR, from: "b-c", to: "ghost"}] }) { nodes } }`, nil)
		if !slices.Contains(r.problemFields(), "input.relationships[1].to") {
			t.Fatalf("problems %v", r.problemFields())
		}
		if after := count(); after != before {
			t.Fatalf("a failed batch changed the store: %d → %d", before, after)
		}
		var ok struct {
			ApplyBatch struct{ Nodes, Relationships, Contacts int }
		}
		c.ok(t, `mutation { applyBatch(input: {
		    nodes: [{id: "b-p", kind: PERSON, name: "Batch Person"}, {id: "b-c", kind: CARER, name: "Batch Carer"}]
		    relationships: [{type: CARES_FOR, from: "b-c", to: "b-p", consent: true}]
		    contacts: [{id: "b-k", person: "b-p", professional: "pr-nurse", at: "2024-08-01T10:00:00Z"}] }) { nodes relationships contacts } }`, nil, &ok)
		if ok.ApplyBatch.Nodes != 2 || ok.ApplyBatch.Relationships != 1 || ok.ApplyBatch.Contacts != 1 || count() != before+10000+1000000 {
			t.Fatalf("batch: %+v", ok)
		}
	})
}

func testSubscription(t *testing.T, c *client) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	missing := c.subscribe(t, ctx, `subscription { webChanged(personId: "nobody") { personId } }`, nil)
	m := missing.next()
	missing.close()
	// graphql-transport-ws carries a resolver's error in a "next" message.
	payload, _ := m["payload"].(map[string]any)
	errs, _ := payload["errors"].([]any)
	if m["type"] != "next" || len(errs) == 0 || errs[0].(map[string]any)["extensions"].(map[string]any)["code"] != "NOT_FOUND" {
		t.Fatalf("subscribing to a missing person: %v", m)
	}
	sub := c.subscribe(t, ctx, `subscription($id: ID!) { webChanged(personId: $id) { personId cause at } }`, map[string]any{"id": "p-2"})
	defer sub.close()
	// The subscription is registered asynchronously after "subscribe":
	// write until an event arrives (bounded), instead of sleeping.
	got := make(chan map[string]any, 1)
	go func() { got <- sub.next() }()
	for i := 0; ; i++ {
		c.ok(t, fmt.Sprintf(`mutation { recordContact(input: {id: "sub-k-%d", person: "p-2", professional: "pr-cons", at: "2024-09-01T10:00:00Z"}) { id } }`, i), nil, nil)
		select {
		case m := <-got:
			payload, _ := m["payload"].(map[string]any)
			data, _ := payload["data"].(map[string]any)
			ev, _ := data["webChanged"].(map[string]any)
			if m["type"] != "next" || ev["personId"] != "p-2" || ev["cause"] != "CONTACT" {
				t.Fatalf("event %v", m)
			}
			return
		case <-time.After(100 * time.Millisecond):
			if i > 50 {
				t.Fatal("no event after 50 writes")
			}
		}
	}
}

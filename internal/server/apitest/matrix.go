package apitest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/careweb/careweb/internal/auth"
	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/demo"
)

// The authorisation matrix: every role × every query, mutation and
// subscription of the API, on the demo's showcase webs, asserting exactly
// the allowed set. The expected scopes are written out here from the
// showcase's story (internal/demo/showcase.go), not computed by the policy
// under test.

// principal is one row of the matrix.
type principal struct {
	name    string
	access  care.Access
	subject string
	// scope is the showcase people this principal may reach today.
	scope []string
}

var (
	arthur, doreen, george, liam = demo.ShowcaseArthur, demo.ShowcaseDoreen, demo.ShowcaseGeorge, demo.ShowcaseLiam
	showcasePeople               = []string{arthur, doreen, george, liam}
)

var matrixPrincipals = []principal{
	{"admin", care.AccessAdmin, "admin", showcasePeople},
	{"person arthur", care.AccessPerson, arthur, []string{arthur}},
	{"person role with a carer's id", care.AccessPerson, demo.ShowcaseMargaret, nil},
	{"carer margaret (LPA)", care.AccessCarer, demo.ShowcaseMargaret, []string{arthur}},
	{"carer donna (best interests)", care.AccessCarer, demo.ShowcaseDonna, []string{liam}},
	{"carer pat (consent withdrawn)", care.AccessCarer, demo.ShowcasePat, nil},
	{"professional GP of arthur", care.AccessProfessional, "pro-anjali-patel", []string{arthur}},
	{"professional who moved from arthur to liam", care.AccessProfessional, "pro-yusuf-ahmed", []string{liam}},
	{"professional no longer involved", care.AccessProfessional, "pro-richard-morgan", nil},
	{"researcher", care.AccessResearcher, "researcher", nil},
}

// personOps are the reads of one person's data; each must be allowed
// exactly for the people in scope and NOT_FOUND for everyone else.
var personOps = []struct{ name, query string }{
	{"person", `query($id: ID!) { person(id: $id) { id name locality } }`},
	{"node", `query($id: ID!) { node(id: $id) { id ... on Person { name } } }`},
	{"web", `query($id: ID!) { person(id: $id) { web { members { node { id name } } links { id } organisations { id } } } }`},
	{"web as of", `query($id: ID!) { person(id: $id) { web(asOf: "2025-07-01") { members { node { id } } } } }`},
	{"relationships", `query($id: ID!) { person(id: $id) { relationships { id from { id } } } }`},
	{"contacts", `query($id: ID!) { person(id: $id) { contacts(first: 5) { totalCount edges { node { id professional { id } } } } } }`},
	{"referrals", `query($id: ID!) { person(id: $id) { referrals(first: 5) { totalCount edges { node { id } } } } }`},
	{"consents", `query($id: ID!) { person(id: $id) { consents { id basis decision } } }`},
	{"continuity", `query($id: ID!) { person(id: $id) { continuity { contacts upc usualProvider { id } } } }`},
	{"fragmentation", `query($id: ID!) { person(id: $id) { fragmentation { professionals organisations } } }`},
	{"handoffs", `query($id: ID!) { person(id: $id) { handoffs { total unsupported } } }`},
	{"coordinator tenure", `query($id: ID!) { person(id: $id) { coordinatorTenure { coordinator { id } } } }`},
	{"staff churn", `query($id: ID!) { person(id: $id) { staffChurn { joined left } } }`},
}

// RunMatrix runs the matrix on a fresh store loaded with the showcase.
// It logs the number of cells checked.
func RunMatrix(t *testing.T, open func(t *testing.T) Backend) {
	st := open(t)
	t.Cleanup(func() { _ = st.Close() })
	if _, err := st.Apply(context.Background(), demo.Showcase()); err != nil {
		t.Fatalf("loading the showcase: %v", err)
	}
	svc := newService(t, st, 0)
	var cells atomic.Int64
	cell := func() { cells.Add(1) }
	t.Cleanup(func() { t.Logf("authorisation matrix: %d cells checked", cells.Load()) })

	for _, p := range matrixPrincipals {
		c := svc.client(p.access, p.subject)
		t.Run(p.name, func(t *testing.T) {
			for _, op := range personOps {
				for _, person := range showcasePeople {
					r := c.do(t, op.query, map[string]any{"id": person})
					cell()
					if slices.Contains(p.scope, person) {
						var top map[string]any
						_ = json.Unmarshal(r.Data, &top)
						if len(r.Errors) > 0 || len(top) != 1 || top["person"] == nil && top["node"] == nil {
							t.Errorf("%s of %s: want allowed, got %s %+v", op.name, person, r.Data, r.Errors)
						}
						continue
					}
					if r.code() != "NOT_FOUND" {
						t.Errorf("%s of %s: want NOT_FOUND, got %q %s", op.name, person, r.code(), r.Data)
					}
					checkNoLeak(t, r, person)
				}
			}
			testLists(t, c, p, cell)
			testPopulation(t, c, p, cell)
			testNestedReach(t, c, p, cell)
			testSubscriptionsMatrix(t, c, p, cell)
		})
	}
	// Writes last: they change the webs the reads above were checked on.
	for _, p := range matrixPrincipals {
		c := svc.client(p.access, p.subject)
		t.Run(p.name+"/writes", func(t *testing.T) { testMutationsMatrix(t, c, p, cell) })
	}
	t.Run("unauthenticated", func(t *testing.T) {
		bad := []*client{svc.anonymous(), svc.anonymous().as("not-a-token"), svc.anonymous().as(expiredToken(t, svc))}
		for i, c := range bad {
			for _, op := range personOps {
				r := c.do(t, op.query, map[string]any{"id": arthur})
				cell()
				if r.code() != "UNAUTHENTICATED" || string(r.Data) != "null" && len(r.Data) > 0 {
					t.Errorf("client %d, %s: got %q %s", i, op.name, r.code(), r.Data)
				}
			}
			for _, q := range []string{`{ people(first: 5) { totalCount } }`, `{ viewer { subject } }`, `{ metricsSummary { people } }`,
				`mutation { createPerson(input: {id: "p-x", name: "X"}) { id } }`, `{ __typename people(first: 1) { totalCount } }`} {
				cell()
				if r := c.do(t, q, nil); r.code() != "UNAUTHENTICATED" {
					t.Errorf("client %d, %s: got %q %s", i, q, r.code(), r.Data)
				}
			}
		}
	})
	t.Run("access ends on the next request", func(t *testing.T) { testAccessEnds(t, svc, st, cell) })
	t.Run("audit", func(t *testing.T) { testMatrixAudit(t, svc) })
}

// expiredToken is an admin token, signed with the service's key, that
// expired an hour ago (Mint refuses a past expiry, so it is minted by a
// clock two hours behind).
func expiredToken(t *testing.T, svc *service) string {
	t.Helper()
	past, err := auth.NewLocalTokens(svc.secret, func() time.Time { return time.Now().Add(-2 * time.Hour) })
	if err != nil {
		t.Fatal(err)
	}
	tok, err := past.Mint("admin", care.AccessAdmin, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// checkNoLeak fails when a denial says more than a missing id would.
func checkNoLeak(t *testing.T, r response, person string) {
	t.Helper()
	for _, e := range r.Errors {
		low := strings.ToLower(e.Message)
		for _, w := range []string{"consent", "forbidden", "permission", "not allowed", "cares_for", "involved_in", "denied"} {
			if strings.Contains(low, w) {
				t.Errorf("denial for %s says %q: %q", person, w, e.Message)
			}
		}
	}
}

func ids(raw json.RawMessage, path ...string) []string {
	var v any
	_ = json.Unmarshal(raw, &v)
	var out []string
	var walk func(v any, path []string)
	walk = func(v any, path []string) {
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				walk(e, path)
			}
		case map[string]any:
			if len(path) == 0 {
				if id, ok := x["id"].(string); ok {
					out = append(out, id)
				}
				return
			}
			walk(x[path[0]], path[1:])
		}
	}
	walk(v, path)
	slices.Sort(out)
	return out
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	if out == nil {
		out = []string{}
	}
	return out
}

func equalSets(a, b []string) bool { return slices.Equal(sorted(a), sorted(b)) }

func testLists(t *testing.T, c *client, p principal, cell func()) {
	r := c.do(t, `{ people(first: 100) { totalCount nodes { id } } }`, nil)
	cell()
	if got := ids(r.Data, "people", "nodes"); !equalSets(got, p.scope) || len(r.Errors) > 0 {
		t.Errorf("people = %v %+v, want %v", got, r.Errors, p.scope)
	}
	// Search by each showcase family name, over every kind: only people
	// in scope (and their families and professionals) are found.
	var persons []string
	for _, name := range []string{"Bennett", "Walker", "Thompson", "Carter"} {
		r = c.do(t, `query($q: String!) { search(text: $q, first: 100) { nodes { id kind } } }`, map[string]any{"q": name})
		cell()
		if len(r.Errors) > 0 {
			t.Errorf("search %s: %+v", name, r.Errors)
		}
		for _, id := range ids(r.Data, "search", "nodes") {
			if strings.HasPrefix(id, "p-") {
				persons = append(persons, id)
			}
		}
	}
	if !equalSets(persons, p.scope) {
		t.Errorf("search found people %v, want %v", persons, p.scope)
	}
	r = c.do(t, `{ viewer { subject role people { id } node { id } } }`, nil)
	cell()
	want := p.scope
	if p.access == care.AccessAdmin {
		want = nil
	}
	if got := ids(r.Data, "viewer", "people"); len(r.Errors) > 0 || !equalSets(got, want) {
		t.Errorf("viewer.people = %v %+v, want %v", got, r.Errors, want)
	}
	// The carers list: only the principal's own node and the carers of
	// the people in scope.
	r = c.do(t, `{ carers(first: 100) { nodes { id caresFor { id } } } }`, nil)
	cell()
	for _, id := range ids(r.Data, "carers", "nodes", "caresFor") {
		if !slices.Contains(p.scope, id) {
			t.Errorf("carers list reaches %s", id)
		}
	}
}

func testPopulation(t *testing.T, c *client, p principal, cell func()) {
	summary := c.do(t, `{ metricsSummary { people groups { people metrics { metric count } } } }`, nil)
	network := c.do(t, `{ networkAnalysis(network: SHARING) { nodes topDegree { id } } }`, nil)
	cell()
	cell()
	switch p.access {
	case care.AccessAdmin, care.AccessResearcher:
		if len(summary.Errors) > 0 || len(network.Errors) > 0 {
			t.Fatalf("population: %+v %+v", summary.Errors, network.Errors)
		}
		top := ids(network.Data, "networkAnalysis", "topDegree")
		if len(top) == 0 {
			t.Fatal("network analysis ranked nobody")
		}
		for _, id := range top {
			pseudo := strings.HasPrefix(id, "pz_")
			if pseudo != (p.access == care.AccessResearcher) {
				t.Errorf("%s sees ranked id %q", p.access, id)
			}
		}
		if p.access == care.AccessResearcher {
			// Four people: under the small-number rule the count is
			// suppressed (null), never shown.
			var d struct {
				MetricsSummary struct{ People *int }
			}
			_ = json.Unmarshal(summary.Data, &d)
			if d.MetricsSummary.People != nil {
				t.Errorf("researcher sees a count of %d people", *d.MetricsSummary.People)
			}
		}
	default:
		if summary.code() != "FORBIDDEN" || network.code() != "FORBIDDEN" {
			t.Errorf("population as %s: %q / %q, want FORBIDDEN", p.access, summary.code(), network.code())
		}
	}
}

// testNestedReach walks from the principal's own web to shared
// professionals and organisations and back to people: it must never reach
// anyone outside the scope.
func testNestedReach(t *testing.T, c *client, p principal, cell func()) {
	q := `query($id: ID!) { professional(id: $id) {
	  relationships { from { id } to { id } }
	  organisations(from: "2020-01-01") { id relationships { from { id } } } } }`
	// Dr Morgan and nurse Li Chen worked in more than one showcase web.
	// The webs each was in, over all time (internal/demo/showcase.go).
	inWebs := map[string][]string{
		"pro-richard-morgan": {arthur, george},
		"pro-li-chen":        {arthur, doreen},
		"pro-anjali-patel":   {arthur},
	}
	for pro, webs := range inWebs {
		r := c.do(t, q, map[string]any{"id": pro})
		cell()
		visible := p.subject == pro && p.access == care.AccessProfessional || p.access != care.AccessResearcher &&
			slices.ContainsFunc(webs, func(w string) bool { return slices.Contains(p.scope, w) })
		if !visible {
			if r.code() != "NOT_FOUND" {
				t.Errorf("%s: want NOT_FOUND, got %q %s %+v", pro, r.code(), r.Data, r.Errors)
			}
			continue
		}
		if len(r.Errors) > 0 {
			t.Errorf("%s: %+v", pro, r.Errors)
			continue
		}
		var reached []string
		var v any
		_ = json.Unmarshal(r.Data, &v)
		var walk func(any)
		walk = func(v any) {
			switch x := v.(type) {
			case map[string]any:
				if id, ok := x["id"].(string); ok && strings.HasPrefix(id, "p-") {
					reached = append(reached, id)
				}
				for _, e := range x {
					walk(e)
				}
			case []any:
				for _, e := range x {
					walk(e)
				}
			}
		}
		walk(v)
		for _, id := range reached {
			if !slices.Contains(p.scope, id) {
				t.Errorf("reached %s through %s: %s", id, pro, r.Data)
			}
		}
	}
	// The shared hospital's staff and whom they are involved with.
	r := c.do(t, `{ organisation(id: "org-st-lukes") { professionals(first: 20) { nodes { id relationships(types: [INVOLVED_IN]) { to { id } } } } } }`, nil)
	cell()
	if r.code() != "" && r.code() != "NOT_FOUND" {
		t.Errorf("org-st-lukes: %+v", r.Errors)
	}
	for _, id := range ids(r.Data, "organisation", "professionals", "nodes", "relationships", "to") {
		if !slices.Contains(p.scope, id) {
			t.Errorf("reached %s through the hospital's staff list", id)
		}
	}
	if p.access == care.AccessResearcher && r.code() != "NOT_FOUND" {
		t.Errorf("researcher reads an organisation: %s", r.Data)
	}
	// A carer of someone outside the scope.
	r = c.do(t, `{ carer(id: "c-ruth") { id caresFor { id } } }`, nil)
	cell()
	if slices.Contains(p.scope, george) {
		if len(r.Errors) > 0 {
			t.Errorf("c-ruth: %+v", r.Errors)
		}
	} else if r.code() != "NOT_FOUND" {
		t.Errorf("c-ruth: want NOT_FOUND, got %q %s", r.code(), r.Data)
	}
}

var writeSeq atomic.Int64

func testMutationsMatrix(t *testing.T, c *client, p principal, cell func()) {
	for _, person := range showcasePeople {
		n := writeSeq.Add(1)
		r := c.do(t, `mutation($in: ContactInput!) { recordContact(input: $in) { id } }`, map[string]any{"in": map[string]any{
			"id": fmt.Sprintf("matrix-k-%d", n), "person": person, "professional": "pro-anjali-patel", "at": "2026-10-01T10:00:00Z", "mode": "PHONE",
		}})
		cell()
		switch {
		case p.access == care.AccessAdmin || p.access == care.AccessProfessional && slices.Contains(p.scope, person):
			if len(r.Errors) > 0 {
				t.Errorf("recordContact for %s: %+v", person, r.Errors)
			}
		case p.access == care.AccessProfessional:
			// Out of scope reads exactly as a missing person.
			if r.code() != "BAD_USER_INPUT" || !slices.Equal(r.problemFields(), []string{"input.person"}) {
				t.Errorf("recordContact for %s: want BAD_USER_INPUT on the person, got %q %v %+v", person, r.code(), r.problemFields(), r.Errors)
			}
		default:
			if r.code() != "FORBIDDEN" {
				t.Errorf("recordContact for %s: want FORBIDDEN, got %q", person, r.code())
			}
		}
	}
	n := writeSeq.Add(1)
	admin := p.access == care.AccessAdmin
	for _, m := range []struct {
		name, query string
		vars        map[string]any
	}{
		{"createPerson", `mutation($id: ID!) { createPerson(input: {id: $id, name: "New Person"}) { id } }`, map[string]any{"id": fmt.Sprintf("p-matrix-%d", n)}},
		{"recordConsent", `mutation($id: ID!) { recordConsent(input: {id: $id, personId: "p-george", granteeId: "c-ruth", basis: CONSENT, decision: PERMIT}) { id } }`, map[string]any{"id": fmt.Sprintf("consent-matrix-%d", n)}},
		{"importCSV", `mutation($nodes: String!) { importCSV(input: {nodes: $nodes}) { nodes } }`, map[string]any{"nodes": fmt.Sprintf("id,kind,name\norg-matrix-%d,organisation,Matrix Org\n", n)}},
	} {
		r := c.do(t, m.query, m.vars)
		cell()
		if admin {
			if len(r.Errors) > 0 {
				t.Errorf("%s as admin: %+v", m.name, r.Errors)
			}
		} else if r.code() != "FORBIDDEN" {
			t.Errorf("%s as %s: want FORBIDDEN, got %q %+v", m.name, p.access, r.code(), r.Errors)
		}
	}
	// Deleting someone: refused (FORBIDDEN) for a person the principal
	// may see, NOT_FOUND for anyone else, as for a missing id. (Admins are
	// not asked: the matrix goes on using the data.)
	if !admin {
		for _, person := range showcasePeople {
			r := c.do(t, `mutation($id: ID!) { deletePerson(id: $id, cascade: true) { id } }`, map[string]any{"id": person})
			cell()
			want := "NOT_FOUND"
			if slices.Contains(p.scope, person) {
				want = "FORBIDDEN"
			}
			if r.code() != want {
				t.Errorf("deletePerson %s as %s: want %s, got %q %+v", person, p.access, want, r.code(), r.Errors)
			}
		}
	}
}

func testSubscriptionsMatrix(t *testing.T, c *client, p principal, cell func()) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for _, person := range []string{arthur, george} {
		sub := c.subscribe(t, ctx, `subscription($id: ID!) { webChanged(personId: $id) { personId } }`, map[string]any{"id": person})
		cell()
		if slices.Contains(p.scope, person) {
			// Allowed: no immediate error; the socket stays open.
			got := make(chan map[string]any, 1)
			go func() { got <- sub.next() }()
			select {
			case m := <-got:
				t.Errorf("subscription to %s: unexpected %v", person, m)
			case <-time.After(300 * time.Millisecond):
			}
		} else {
			m := sub.next()
			payload, _ := m["payload"].(map[string]any)
			errs, _ := payload["errors"].([]any)
			if len(errs) == 0 || errs[0].(map[string]any)["extensions"].(map[string]any)["code"] != "NOT_FOUND" {
				t.Errorf("subscription to %s: want NOT_FOUND, got %v", person, m)
			}
		}
		sub.close()
	}
}

// testAccessEnds withdraws consent and ends a relationship through the
// API and checks the very next request.
func testAccessEnds(t *testing.T, svc *service, st Backend, cell func()) {
	admin := svc.client(care.AccessAdmin, "admin")
	michael := svc.client(care.AccessCarer, demo.ShowcaseMichael)
	ruth := svc.client(care.AccessCarer, demo.ShowcaseRuth)
	web := `query($id: ID!) { person(id: $id) { web { members { node { id } } } } }`
	michael.ok(t, web, map[string]any{"id": doreen}, nil)
	admin.ok(t, `mutation { recordConsent(input: {id: "withdraw-michael", personId: "p-doreen", granteeId: "c-michael",
	  basis: CONSENT, decision: DENY, recordedBy: "p-doreen"}) { id decision } }`, nil, nil)
	cell()
	if r := michael.do(t, web, map[string]any{"id": doreen}); r.code() != "NOT_FOUND" {
		t.Errorf("after withdrawal: %q %s", r.code(), r.Data)
	}
	// History is kept: the admin sees both records.
	var d struct {
		Person struct {
			Consents []struct{ ID, Decision string }
		}
	}
	admin.ok(t, `{ person(id: "p-doreen") { consents { id decision } } }`, nil, &d)
	if len(d.Person.Consents) < 4 || d.Person.Consents[len(d.Person.Consents)-1].Decision != "DENY" {
		t.Errorf("consent history: %+v", d.Person.Consents)
	}
	ruth.ok(t, web, map[string]any{"id": george}, nil)
	var rels struct {
		Carer struct{ Relationships []struct{ ID string } }
	}
	admin.ok(t, `{ carer(id: "c-ruth") { relationships(types: [CARES_FOR]) { id } } }`, nil, &rels)
	if len(rels.Carer.Relationships) != 1 {
		t.Fatalf("c-ruth's CARES_FOR: %+v", rels)
	}
	yesterday := care.DateOf(time.Now()).AddDays(-1).String()
	admin.ok(t, `mutation($id: ID!, $end: Date!) { endRelationship(id: $id, end: $end) { id } }`,
		map[string]any{"id": rels.Carer.Relationships[0].ID, "end": yesterday}, nil)
	cell()
	if r := ruth.do(t, web, map[string]any{"id": george}); r.code() != "NOT_FOUND" {
		t.Errorf("after the relationship ended: %q %s", r.code(), r.Data)
	}
}

// testMatrixAudit checks what the matrix left in the audit log: denials
// and grants recorded, never a raw person id.
func testMatrixAudit(t *testing.T, svc *service) {
	var allowed, denied int
	for _, e := range svc.audit.Entries() {
		for _, p := range showcasePeople {
			if e.Person == p {
				t.Fatalf("audit record holds a raw person id: %+v", e)
			}
		}
		switch e.Outcome {
		case "allowed":
			allowed++
		case "denied":
			denied++
		}
	}
	if allowed == 0 || denied == 0 {
		t.Fatalf("audit: %d allowed, %d denied records", allowed, denied)
	}
	var margaret int
	for _, e := range svc.audit.Events() {
		if e.Subject == demo.ShowcaseMargaret && e.Person == arthur && e.Operation == "web" && e.Outcome == "allowed" &&
			strings.HasPrefix(e.Grant.Rule, "cares_for+") {
			margaret++
		}
	}
	if margaret == 0 {
		t.Fatal("no audit record of Margaret reading Arthur's web")
	}
	// One request reading Arthur's node through two paths (the viewer's
	// list, by the dataloader, and person(id:)) is one record.
	count := func() int {
		n := 0
		for _, e := range svc.audit.Events() {
			if e.Subject == demo.ShowcaseMargaret && e.Person == arthur && e.Operation == "node" {
				n++
			}
		}
		return n
	}
	before := count()
	svc.client(care.AccessCarer, demo.ShowcaseMargaret).ok(t, `{ viewer { people { id name } } person(id: "p-arthur") { name } }`, nil, nil)
	if got := count() - before; got != 1 {
		t.Fatalf("one request left %d node records for Arthur, want 1", got)
	}
}

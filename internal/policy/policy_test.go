package policy_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/careweb/careweb/internal/audit"
	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/demo"
	"github.com/careweb/careweb/internal/policy"
	"github.com/careweb/careweb/internal/pseudonym"
	"github.com/careweb/careweb/internal/store/embedded"
)

// now is the policy's clock in these tests: mid-period of the demo data.
var now = time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)

type fixture struct {
	raw   *embedded.Store
	pl    *policy.Policy
	st    *policy.Store
	audit *audit.Memory
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	raw, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	if _, err := raw.Apply(context.Background(), demo.Showcase()); err != nil {
		t.Fatal(err)
	}
	mem := &audit.Memory{}
	pl := policy.New(policy.Config{Store: raw, Auditor: mem, Pseudonyms: pseudonym.New([]byte("0123456789abcdef")), Now: func() time.Time { return now }})
	return &fixture{raw: raw, pl: pl, st: pl.Wrap(raw), audit: mem}
}

// as returns a fresh request context for the principal.
func as(access care.Access, subject string) context.Context {
	return policy.WithRequest(care.NewContextWithPrincipal(context.Background(), care.Principal{Subject: subject, Access: access, Issuer: "careweb"}))
}

func code(err error) care.Code { return care.ErrorCode(err) }

var people = []string{demo.ShowcaseArthur, demo.ShowcaseDoreen, demo.ShowcaseGeorge, demo.ShowcaseLiam}

// TestWhoSeesWhichWeb is the rule table: each principal, each showcase
// person, through Web, Contacts, Node and Consents.
func TestWhoSeesWhichWeb(t *testing.T) {
	f := newFixture(t)
	cases := []struct {
		access  care.Access
		subject string
		sees    []string
	}{
		{care.AccessAdmin, "admin", people},
		{care.AccessPerson, demo.ShowcaseArthur, []string{demo.ShowcaseArthur}},
		{care.AccessPerson, demo.ShowcaseMargaret, nil}, // a carer's id with the person role
		{care.AccessCarer, demo.ShowcaseMargaret, []string{demo.ShowcaseArthur}},
		{care.AccessCarer, demo.ShowcaseSusan, []string{demo.ShowcaseArthur}},
		{care.AccessCarer, demo.ShowcaseMichael, []string{demo.ShowcaseDoreen}},
		{care.AccessCarer, demo.ShowcasePat, nil}, // consent withdrawn in 2025
		{care.AccessCarer, demo.ShowcaseDonna, []string{demo.ShowcaseLiam}},
		{care.AccessCarer, demo.ShowcaseArthur, nil}, // a person's id with the carer role
		{care.AccessProfessional, "pro-anjali-patel", []string{demo.ShowcaseArthur}},
		{care.AccessProfessional, "pro-richard-morgan", nil},                      // both involvements ended in 2025
		{care.AccessProfessional, "pro-yusuf-ahmed", []string{demo.ShowcaseLiam}}, // Arthur's coordinator until January
		{care.AccessProfessional, "pro-nobody", nil},
		{care.AccessResearcher, "researcher", nil},
	}
	for _, c := range cases {
		t.Run(string(c.access)+"/"+c.subject, func(t *testing.T) {
			for _, p := range people {
				want := slices.Contains(c.sees, p)
				ctx := as(c.access, c.subject)
				_, werr := f.st.Web(ctx, p, care.Always)
				_, cerr := f.st.Contacts(ctx, care.EventQuery{Person: p, Window: care.Always, Page: care.Page{First: 5}})
				_, nerr := f.st.Node(ctx, p)
				_, kerr := f.st.Consents(ctx, p)
				for what, err := range map[string]error{"web": werr, "contacts": cerr, "node": nerr, "consents": kerr} {
					if want && err != nil {
						t.Errorf("%s of %s: %v, want allowed", what, p, err)
					}
					if !want && code(err) != care.NotFound {
						t.Errorf("%s of %s: %v, want NotFound", what, p, err)
					}
				}
			}
			got, err := f.pl.People(as(c.access, c.subject))
			if err != nil {
				t.Fatal(err)
			}
			if c.access != care.AccessAdmin && !slices.Equal(got, c.sees) {
				t.Errorf("People = %v, want %v", got, c.sees)
			}
		})
	}
}

// A denied person reads exactly like a missing one.
func TestDeniedLooksMissing(t *testing.T) {
	f := newFixture(t)
	ctx := as(care.AccessCarer, demo.ShowcaseMargaret)
	_, denied := f.st.Web(ctx, demo.ShowcaseGeorge, care.Always)
	_, absent := f.st.Web(ctx, "p-nobody-at-all", care.Always)
	if code(denied) != care.NotFound || code(absent) != care.NotFound {
		t.Fatalf("denied %v, absent %v", denied, absent)
	}
	if care.ErrorMessage(denied) != `no person with id "p-george"` || care.ErrorMessage(absent) != `no person with id "p-nobody-at-all"` {
		t.Fatalf("messages differ: %q / %q", care.ErrorMessage(denied), care.ErrorMessage(absent))
	}
	_, n1 := f.st.Node(ctx, demo.ShowcaseGeorge)
	_, n2 := f.st.Node(ctx, "p-nobody-at-all")
	if care.ErrorMessage(n1) != `no node with id "p-george"` || care.ErrorMessage(n2) != `no node with id "p-nobody-at-all"` {
		t.Fatalf("node messages: %q / %q", care.ErrorMessage(n1), care.ErrorMessage(n2))
	}
}

// Reaching another person through a shared professional finds nothing.
func TestNestedPathsStayInScope(t *testing.T) {
	f := newFixture(t)
	ctx := as(care.AccessCarer, demo.ShowcaseMargaret)
	// Dr Morgan (geriatrician) and nurse Li Chen were in Arthur's web and
	// in George's or Doreen's.
	for _, pro := range []string{"pro-richard-morgan", "pro-li-chen"} {
		if _, err := f.st.Node(ctx, pro); err != nil {
			t.Fatalf("%s is in Arthur's web: %v", pro, err)
		}
		rels, err := f.st.Relationships(ctx, care.RelQuery{Node: pro, Window: care.Always})
		if err != nil {
			t.Fatal(err)
		}
		all, _ := f.raw.Relationships(context.Background(), care.RelQuery{Node: pro, Window: care.Always})
		if len(rels) >= len(all) {
			t.Fatalf("%s: saw %d of %d relationships; the other people's must be hidden", pro, len(rels), len(all))
		}
		for _, r := range rels {
			if (r.Type == care.InvolvedIn || r.Type == care.CaresFor) && r.To != demo.ShowcaseArthur {
				t.Errorf("%s: reached %s through %s", pro, r.To, r.ID)
			}
		}
		batch, err := f.st.RelationshipsOf(ctx, []string{pro, demo.ShowcaseGeorge}, nil, care.Always)
		if err != nil {
			t.Fatal(err)
		}
		if len(batch[0]) != len(rels) || len(batch[1]) != 0 {
			t.Errorf("RelationshipsOf: %d and %d, want %d and 0", len(batch[0]), len(batch[1]), len(rels))
		}
	}
	// George's carer and GP are not in Arthur's web.
	for _, id := range []string{demo.ShowcaseRuth, "pro-david-owen"} {
		if _, err := f.st.Node(ctx, id); code(err) != care.NotFound {
			t.Errorf("%s: %v, want NotFound", id, err)
		}
	}
	cps, err := f.st.ContactsOf(ctx, []string{demo.ShowcaseArthur, demo.ShowcaseGeorge}, care.Always, care.Page{First: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(cps[0].Contacts) == 0 || len(cps[1].Contacts) != 0 || cps[1].Info.TotalCount != 0 {
		t.Errorf("ContactsOf: %d for Arthur, %d (total %d) for George", len(cps[0].Contacts), len(cps[1].Contacts), cps[1].Info.TotalCount)
	}
}

// Lists and search hold only what the principal may see.
func TestListsHoldOnlyTheVisibleSet(t *testing.T) {
	f := newFixture(t)
	ctx := as(care.AccessCarer, demo.ShowcaseMargaret)
	page, err := f.st.ListNodes(ctx, care.NodeQuery{Kinds: []care.Kind{care.KindPerson, care.KindCarer}, Page: care.Page{First: 100}})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, n := range page.Nodes {
		ids = append(ids, n.ID)
	}
	want := []string{demo.ShowcaseMargaret, demo.ShowcaseArthur, demo.ShowcaseSusan}
	slices.Sort(want)
	slices.Sort(ids)
	if !slices.Equal(ids, want) || page.Info.TotalCount != len(want) {
		t.Fatalf("people and carers = %v (total %d), want %v", ids, page.Info.TotalCount, want)
	}
	search, err := f.st.ListNodes(ctx, care.NodeQuery{NameContains: "thompson", Page: care.Page{First: 100}})
	if err != nil {
		t.Fatal(err)
	}
	if len(search.Nodes) != 0 {
		t.Fatalf("search for George's family found %v", search.Nodes)
	}
	pros, err := f.st.ListNodes(ctx, care.NodeQuery{Kinds: []care.Kind{care.KindProfessional}, Page: care.Page{First: 100}})
	if err != nil {
		t.Fatal(err)
	}
	web, err := f.raw.Web(context.Background(), demo.ShowcaseArthur, care.Always)
	if err != nil {
		t.Fatal(err)
	}
	members := 0
	for _, m := range web.Members {
		if m.Node.Kind == care.KindProfessional {
			members++
		}
	}
	if pros.Info.TotalCount < members || pros.Info.TotalCount > members+10 {
		t.Fatalf("professionals visible: %d; Arthur's web has %d", pros.Info.TotalCount, members)
	}
}

// Consent withdrawn or the relationship ended: access ends on the next
// request.
func TestWithdrawalAndEndTakeEffectNextRequest(t *testing.T) {
	f := newFixture(t)
	bg := context.Background()
	margaret := func() error {
		_, err := f.st.Web(as(care.AccessCarer, demo.ShowcaseMargaret), demo.ShowcaseArthur, care.Always)
		return err
	}
	if err := margaret(); err != nil {
		t.Fatal(err)
	}
	// The LPA is revoked: a DENY recorded now.
	_, err := f.raw.Apply(bg, care.Batch{Consents: []care.Consent{{
		ID: "revoke-lpa", Person: demo.ShowcaseArthur, Grantee: demo.ShowcaseMargaret, Basis: care.BasisLPA,
		Decision: care.Deny, Span: care.Span{From: care.DateOf(now), To: care.NoEnd}, RecordedAt: now.Add(-time.Minute),
	}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := margaret(); code(err) != care.NotFound {
		t.Fatalf("after withdrawal: %v, want NotFound", err)
	}
	// Susan's CARES_FOR ends yesterday.
	susan := func() error {
		_, err := f.st.Web(as(care.AccessCarer, demo.ShowcaseSusan), demo.ShowcaseArthur, care.Always)
		return err
	}
	if err := susan(); err != nil {
		t.Fatal(err)
	}
	id := care.RelationshipID(care.CaresFor, demo.ShowcaseSusan, demo.ShowcaseArthur, care.MakeDate(2024, 1, 1))
	if _, err := f.raw.Apply(bg, care.Batch{EndRelationships: []care.EndRelationship{{ID: id, To: care.DateOf(now).AddDays(-1)}}}); err != nil {
		t.Fatal(err)
	}
	if err := susan(); code(err) != care.NotFound {
		t.Fatalf("after the relationship ended: %v, want NotFound", err)
	}
}

func TestWrites(t *testing.T) {
	f := newFixture(t)
	contact := func(id, person string) care.Batch {
		return care.Batch{Contacts: []care.Contact{{ID: id, Person: person, Professional: "pro-anjali-patel", At: now, Mode: care.ModePhone}}}
	}
	gp := as(care.AccessProfessional, "pro-anjali-patel")
	if _, err := f.st.Apply(gp, contact("k-new-1", demo.ShowcaseArthur)); err != nil {
		t.Fatalf("GP recording a contact for her patient: %v", err)
	}
	_, err := f.st.Apply(gp, contact("k-new-2", demo.ShowcaseGeorge))
	if code(err) != care.Invalid || len(care.ErrorProblems(err)) != 1 || care.ErrorProblems(err)[0].Field != "contacts[0].person" {
		t.Fatalf("GP recording for someone else's patient: %v", err)
	}
	_, missing := f.st.Apply(gp, contact("k-new-3", "p-nobody"))
	if care.ErrorProblems(missing)[0].Message != care.ErrorProblems(err)[0].Message {
		t.Fatalf("denied and missing differ: %v / %v", err, missing)
	}
	if _, err := f.st.Apply(gp, care.Batch{Nodes: []care.Node{{ID: "p-new", Kind: care.KindPerson, Name: "X"}}}); code(err) != care.Forbidden {
		t.Fatalf("GP creating a person: %v, want Forbidden", err)
	}
	for _, p := range []care.Principal{{Subject: demo.ShowcaseMargaret, Access: care.AccessCarer},
		{Subject: demo.ShowcaseArthur, Access: care.AccessPerson}, {Subject: "r", Access: care.AccessResearcher}} {
		ctx := policy.WithRequest(care.NewContextWithPrincipal(context.Background(), p))
		if _, err := f.st.Apply(ctx, contact("k-new-4", demo.ShowcaseArthur)); code(err) != care.Forbidden {
			t.Errorf("%s writing: %v, want Forbidden", p.Access, err)
		}
	}
	if _, err := f.st.Apply(as(care.AccessAdmin, "admin"), care.Batch{Nodes: []care.Node{{ID: "p-new", Kind: care.KindPerson, Name: "X"}}}); err != nil {
		t.Fatalf("admin: %v", err)
	}
	page, _ := f.raw.Contacts(context.Background(), care.EventQuery{Person: demo.ShowcaseGeorge, Window: care.AsOf(care.DateOf(now))})
	if len(page.Contacts) != 0 {
		t.Fatal("a refused write changed the store")
	}
}

func TestResearcher(t *testing.T) {
	f := newFixture(t)
	ctx := as(care.AccessResearcher, "researcher")
	if _, err := f.st.Node(ctx, demo.ShowcaseArthur); code(err) != care.NotFound {
		t.Fatalf("per-person read: %v", err)
	}
	if err := f.st.EachPerson(ctx, func(*care.PersonRecord) error { return nil }); code(err) != care.Forbidden {
		t.Fatalf("raw stream: %v", err)
	}
	acc, err := f.pl.Population(ctx, policy.OpPopulation)
	if err != nil || !acc.SuppressSmallNumbers || acc.Pseudonym == nil || acc.Source == nil {
		t.Fatalf("population: %+v %v", acc, err)
	}
	if p := acc.Pseudonym("pro-anjali-patel"); p == "pro-anjali-patel" || len(p) < 20 {
		t.Fatalf("pseudonym %q", p)
	}
	for _, a := range []care.Access{care.AccessCarer, care.AccessPerson, care.AccessProfessional} {
		if _, err := f.pl.Population(as(a, "x"), policy.OpPopulation); code(err) != care.Forbidden {
			t.Errorf("%s: %v, want Forbidden", a, err)
		}
	}
	if acc, err := f.pl.Population(as(care.AccessAdmin, "admin"), policy.OpNetwork); err != nil || acc.Pseudonym != nil || acc.SuppressSmallNumbers {
		t.Fatalf("admin: %+v %v", acc, err)
	}
}

func TestNoPrincipalIsUnauthenticated(t *testing.T) {
	f := newFixture(t)
	ctx := policy.WithRequest(context.Background())
	if _, err := f.st.Node(ctx, demo.ShowcaseArthur); code(err) != care.Unauthenticated {
		t.Fatalf("%v", err)
	}
	if _, err := f.st.ListNodes(ctx, care.NodeQuery{}); code(err) != care.Unauthenticated {
		t.Fatalf("%v", err)
	}
	if _, err := f.st.Apply(ctx, care.Batch{}); code(err) != care.Unauthenticated {
		t.Fatalf("%v", err)
	}
}

// Every person-level decision is recorded once per request, denials too,
// and a failing audit log refuses the read.
func TestAudit(t *testing.T) {
	f := newFixture(t)
	ctx := as(care.AccessCarer, demo.ShowcaseMargaret)
	for i := 0; i < 3; i++ {
		if _, err := f.st.Web(ctx, demo.ShowcaseArthur, care.Always); err != nil {
			t.Fatal(err)
		}
	}
	f.st.Web(ctx, demo.ShowcaseGeorge, care.Always)
	var web, denied int
	for _, e := range f.audit.Events() {
		if e.Operation == policy.OpWeb && e.Person == demo.ShowcaseArthur && e.Outcome == policy.Allowed {
			web++
			if e.Grant.Rule != "cares_for+lasting_power_of_attorney" || e.Grant.Relationship == "" || e.Grant.Consent == "" {
				t.Errorf("grant %+v", e.Grant)
			}
			if e.Subject != demo.ShowcaseMargaret || e.Access != care.AccessCarer {
				t.Errorf("who %+v", e)
			}
		}
		if e.Person == demo.ShowcaseGeorge && e.Outcome == policy.Denied {
			denied++
		}
	}
	if web != 1 || denied != 1 {
		t.Fatalf("web allowed records %d, denied %d; want 1 and 1 (once per request)", web, denied)
	}
	for _, en := range f.audit.Entries() {
		if en.Person == demo.ShowcaseArthur || en.Person == demo.ShowcaseGeorge {
			t.Fatalf("the log keeps a raw person id: %+v", en)
		}
	}
	f.audit.Fail(errors.New("disk full"))
	failing := as(care.AccessCarer, demo.ShowcaseMargaret)
	for i := range 2 { // a decision that could not be recorded is not taken as recorded
		if _, err := f.st.Web(failing, demo.ShowcaseArthur, care.Always); code(err) != care.Unavailable {
			t.Fatalf("read %d with the audit log failing: %v, want Unavailable", i+1, err)
		}
	}
	if _, err := f.st.Web(as(care.AccessAdmin, "admin"), demo.ShowcaseArthur, care.Always); code(err) != care.Unavailable {
		t.Fatalf("admin with the audit log failing: %v, want Unavailable", err)
	}
}

// A subscription closes at the first change after access ends.
func TestSubscriptionEndsWithAccess(t *testing.T) {
	f := newFixture(t)
	src := make(chan care.WebChange, 4)
	sub := f.pl.Subscriber(subscriberFunc(func(ctx context.Context, _ string) <-chan care.WebChange { return src }))
	ctx, cancel := context.WithCancel(care.NewContextWithPrincipal(context.Background(), care.Principal{Subject: demo.ShowcaseMargaret, Access: care.AccessCarer}))
	defer cancel()
	ch := sub.Subscribe(ctx, demo.ShowcaseArthur)
	src <- care.WebChange{PersonID: demo.ShowcaseArthur}
	if _, ok := <-ch; !ok {
		t.Fatal("closed while allowed")
	}
	if _, err := f.raw.Apply(context.Background(), care.Batch{Consents: []care.Consent{{
		ID: "revoke", Person: demo.ShowcaseArthur, Grantee: demo.ShowcaseMargaret, Basis: care.BasisLPA,
		Decision: care.Deny, Span: care.Always, RecordedAt: now.Add(-time.Second),
	}}}); err != nil {
		t.Fatal(err)
	}
	src <- care.WebChange{PersonID: demo.ShowcaseArthur}
	select {
	case _, ok := <-ch:
		if ok {
			t.Fatal("delivered after consent was withdrawn")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("subscription neither delivered nor closed")
	}
	denied := sub.Subscribe(ctx, demo.ShowcaseGeorge)
	if _, ok := <-denied; ok {
		t.Fatal("subscribed to someone else's web")
	}
}

type subscriberFunc func(ctx context.Context, person string) <-chan care.WebChange

func (f subscriberFunc) Subscribe(ctx context.Context, person string) <-chan care.WebChange {
	return f(ctx, person)
}

// The dataloaders' batch read and the lists record each person read, and
// the batch read records denials too.
func TestBatchNodeReadRecordsDenials(t *testing.T) {
	f := newFixture(t)
	since := 0
	recorded := func(person string, out policy.Outcome) bool {
		for _, e := range f.audit.Events()[since:] {
			if e.Person == person && e.Outcome == out && e.Operation == policy.OpNode {
				return true
			}
		}
		return false
	}
	ns, err := f.st.Nodes(as(care.AccessCarer, demo.ShowcaseMargaret), []string{demo.ShowcaseArthur, demo.ShowcaseGeorge})
	if err != nil || len(ns) != 1 || ns[0].ID != demo.ShowcaseArthur {
		t.Fatalf("Nodes = %v, %v", ns, err)
	}
	if !recorded(demo.ShowcaseGeorge, policy.Denied) {
		t.Fatal("the denied read of p-george left no audit record")
	}
	if !recorded(demo.ShowcaseArthur, policy.Allowed) {
		t.Fatal("the batch read of p-arthur left no audit record")
	}
	since = len(f.audit.Events())
	page, err := f.st.ListNodes(as(care.AccessAdmin, "admin"), care.NodeQuery{Kinds: []care.Kind{care.KindPerson}, Page: care.Page{First: 100}})
	if err != nil || len(page.Nodes) != len(people) {
		t.Fatalf("ListNodes = %v, %v", page.Nodes, err)
	}
	for _, p := range people {
		if !recorded(p, policy.Allowed) {
			t.Errorf("listing %s left no audit record", p)
		}
	}
}

// TestDeferredAudit: under WithDeferredAudit the read decisions wait for
// Commit, which records exactly what an immediate request records; writes
// are recorded before they are made; a Commit that cannot record fails
// with Unavailable, so the caller sends nothing read.
func TestDeferredAudit(t *testing.T) {
	f := newFixture(t)
	margaret := care.Principal{Subject: demo.ShowcaseMargaret, Access: care.AccessCarer, Issuer: "careweb"}
	reads := func(ctx context.Context) {
		if _, err := f.st.Web(ctx, demo.ShowcaseArthur, care.Always); err != nil {
			t.Fatal(err)
		}
		if _, err := f.st.Web(ctx, demo.ShowcaseArthur, care.Always); err != nil {
			t.Fatal(err)
		}
		if _, err := f.st.Web(ctx, demo.ShowcaseGeorge, care.Always); code(err) != care.NotFound {
			t.Fatalf("George's web: %v", err)
		}
	}
	kinds := func(es []audit.Event) []string {
		var out []string
		for _, e := range es {
			out = append(out, fmt.Sprintf("%s %s %s %s %s", e.Subject, e.Operation, e.Person, e.Outcome, e.Grant.Rule))
		}
		return out
	}

	before := len(f.audit.Events())
	reads(policy.WithRequest(care.NewContextWithPrincipal(context.Background(), margaret)))
	immediate := kinds(f.audit.Events()[before:])
	if len(immediate) == 0 {
		t.Fatal("an immediate request recorded nothing")
	}

	before = len(f.audit.Events())
	ctx := policy.WithDeferredAudit(care.NewContextWithPrincipal(context.Background(), margaret))
	reads(ctx)
	if n := len(f.audit.Events()) - before; n != 0 {
		t.Fatalf("%d records before Commit; want none", n)
	}
	if err := f.pl.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	deferred := kinds(f.audit.Events()[before:])
	slices.Sort(immediate)
	slices.Sort(deferred)
	if !slices.Equal(immediate, deferred) {
		t.Fatalf("deferred records %q\nwant the immediate request's %q", deferred, immediate)
	}
	if err := f.pl.Commit(ctx); err != nil || len(f.audit.Events()) != before+len(deferred) {
		t.Fatalf("a second Commit: %v, %d records", err, len(f.audit.Events())-before)
	}

	// Writes are recorded at once, before the store changes.
	admin := policy.WithDeferredAudit(care.NewContextWithPrincipal(context.Background(), care.Principal{Subject: "admin", Access: care.AccessAdmin, Issuer: "careweb"}))
	before = len(f.audit.Events())
	if _, err := f.st.Apply(admin, care.Batch{Nodes: []care.Node{{ID: "p-new", Kind: care.KindPerson, Name: "X"}}}); err != nil {
		t.Fatal(err)
	}
	if es := f.audit.Events()[before:]; len(es) == 0 || !es[0].Operation.Write() {
		t.Fatalf("write under a deferred request recorded %q before Commit; want the write", kinds(es))
	}

	// A log that cannot record: the reads return, Commit refuses them.
	ctx = policy.WithDeferredAudit(care.NewContextWithPrincipal(context.Background(), margaret))
	f.audit.Fail(errors.New("disk full"))
	reads(ctx)
	if err := f.pl.Commit(ctx); code(err) != care.Unavailable {
		t.Fatalf("Commit with the log failing: %v, want Unavailable", err)
	}
	// ...and a write is refused before it is made.
	if _, err := f.st.Apply(admin, care.Batch{Nodes: []care.Node{{ID: "p-new-2", Kind: care.KindPerson, Name: "Y"}}}); code(err) != care.Unavailable {
		t.Fatalf("write with the log failing: %v, want Unavailable", err)
	}
	f.audit.Fail(nil)
	if _, err := f.raw.Node(context.Background(), "p-new-2"); code(err) != care.NotFound {
		t.Fatalf("a write the log could not record was made: %v", err)
	}
}

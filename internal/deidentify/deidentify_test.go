package deidentify_test

import (
	"bytes"
	"context"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/deidentify"
	"github.com/careweb/careweb/internal/demo"
	"github.com/careweb/careweb/internal/encoding/carecsv"
	"github.com/careweb/careweb/internal/pseudonym"
	"github.com/careweb/careweb/internal/store/embedded"
	"github.com/careweb/careweb/internal/store/storetest"
)

var key = pseudonym.New([]byte("0123456789abcdef0123456789abcdef"))

func openStore(t *testing.T, b care.Batch) *embedded.Store {
	t.Helper()
	st, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Apply(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	return st
}

// everything is what a Streamer yields, copied out.
type everything struct {
	services  care.Services
	people    []care.Node
	rels      []care.Relationship
	contacts  []care.Contact
	referrals []care.Referral
	consents  []care.Consent
}

func collect(t *testing.T, st care.Streamer) everything {
	t.Helper()
	var e everything
	svc, err := st.Services(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	e.services = care.Services{Nodes: slices.Clone(svc.Nodes), Relationships: slices.Clone(svc.Relationships)}
	err = st.EachPerson(context.Background(), func(p *care.PersonRecord) error {
		e.people = append(e.people, p.Person)
		e.rels = append(e.rels, p.Relationships...)
		e.contacts = append(e.contacts, p.Contacts...)
		e.referrals = append(e.referrals, p.Referrals...)
		e.consents = append(e.consents, p.Consents...)
		if !slices.IsSortedFunc(p.Contacts, func(a, b care.Contact) int { return cmpLess(a.Less(b), b.Less(a)) }) {
			t.Errorf("%s: contacts out of order", p.Person.ID)
		}
		if !slices.IsSortedFunc(p.Referrals, func(a, b care.Referral) int { return cmpLess(a.Less(b), b.Less(a)) }) {
			t.Errorf("%s: referrals out of order", p.Person.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func cmpLess(less, greater bool) int {
	if less {
		return -1
	}
	if greater {
		return 1
	}
	return 0
}

func TestFixture(t *testing.T) {
	b := storetest.Fixture()
	st := openStore(t, b)
	before := collect(t, st)
	got := collect(t, deidentify.Wrap(st, deidentify.New(key)))
	if after := collect(t, st); !reflect.DeepEqual(before, after) {
		t.Fatal("wrapping changed what the store yields")
	}

	// Nothing of an original id or name is left, anywhere.
	var all strings.Builder
	for _, x := range append(slices.Clone(got.services.Nodes), got.people...) {
		all.WriteString(x.ID + "|" + x.Name + "|" + x.Locality + "\n")
		if x.Name != x.ID || !strings.HasPrefix(x.ID, pseudonym.Prefix) {
			t.Errorf("node %+v: want the pseudonym as id and name", x)
		}
	}
	for _, r := range append(slices.Clone(got.services.Relationships), got.rels...) {
		all.WriteString(strings.Join([]string{r.ID, r.From, r.To, r.Role, r.Relation, r.Channel}, "|") + "\n")
	}
	for _, c := range got.contacts {
		all.WriteString(strings.Join([]string{c.ID, c.Person, c.Professional, c.Organisation, c.Setting}, "|") + "\n")
		if c.Person == "" || c.Professional == "" {
			t.Errorf("contact %+v", c)
		}
	}
	for _, r := range got.referrals {
		all.WriteString(strings.Join([]string{r.ID, r.Person, r.From, r.To, r.Reason}, "|") + "\n")
		if r.Reason != "" {
			t.Errorf("referral reason %q kept", r.Reason)
		}
	}
	text := all.String()
	for _, n := range b.Nodes {
		if strings.Contains(text, n.ID) || strings.Contains(strings.ToLower(text), strings.ToLower(n.Name)) {
			t.Errorf("%s or its name is in the output", n.ID)
		}
	}
	for _, c := range b.Contacts {
		if strings.Contains(text, c.ID+"|") {
			t.Errorf("contact id %s is in the output", c.ID)
		}
	}

	if len(got.people) != 3 || len(got.services.Nodes) != 11 || len(got.rels)+len(got.services.Relationships) != 19 ||
		len(got.contacts) != 10 || len(got.referrals) != 5 {
		t.Errorf("counts: %d people, %d services, %d+%d relationships, %d contacts, %d referrals", len(got.people),
			len(got.services.Nodes), len(got.rels), len(got.services.Relationships), len(got.contacts), len(got.referrals))
	}
	if !slices.IsSortedFunc(got.services.Nodes, func(a, b care.Node) int { return strings.Compare(a.ID, b.ID) }) ||
		!slices.IsSortedFunc(got.services.Relationships, func(a, b care.Relationship) int { return strings.Compare(a.ID, b.ID) }) {
		t.Error("services not in id order")
	}

	// Relationship ids: derived ones derived again from the pseudonyms;
	// given ones pseudonymised. Free text: codes kept, the rest "other".
	byID := map[string]care.Relationship{}
	for _, r := range append(slices.Clone(got.services.Relationships), got.rels...) {
		byID[r.ID] = r
	}
	dau, ada, green := key.Of("c-dau"), key.Of("p-ada"), key.Of("pr-green")
	if r, ok := byID[care.RelationshipID(care.CaresFor, dau, ada, care.MakeDate(2020, 1, 1))]; !ok || r.From != dau || r.To != ada || r.Relation != "daughter" || !r.Consent {
		t.Errorf("CARES_FOR: %+v", r)
	}
	if r, ok := byID[care.RelationshipID(care.InvolvedIn, green, ada, care.MakeDate(2019, 4, 1))]; !ok || r.Role != "gp" {
		t.Errorf("INVOLVED_IN GP: %+v", r)
	}
	if r, ok := byID[key.Of("l-green-nurse")]; !ok || r.Channel != "shared_record" || r.From != green {
		t.Errorf("LINKED_TO: %+v", r)
	}
	if r := byID[key.Of("l-green-other")]; r.Channel != "" {
		t.Errorf("an empty channel became %q", r.Channel)
	}
	for _, c := range got.contacts {
		if c.ID == key.Of("k03") && (c.Setting != "home" || c.Organisation != key.Of("o-community") || c.Mode != care.ModeHomeVisit) {
			t.Errorf("k03: %+v", c)
		}
		if c.ID == key.Of("k02") && c.Organisation != "" {
			t.Errorf("k02: an empty organisation became %q", c.Organisation)
		}
	}
}

// TestCSVImportable: a pseudonymised CSV export imports into an empty
// store, which then exports the same files again.
func TestCSVImportable(t *testing.T) {
	st := openStore(t, demo.Showcase())
	first := csvExport(t, deidentify.Wrap(st, deidentify.New(key)))
	dst := openStore(t, care.Batch{})
	var srcs []carecsv.Source
	for name, body := range first {
		srcs = append(srcs, carecsv.Source{Name: name, Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(body)), nil }})
	}
	if _, err := carecsv.LoadSources(context.Background(), dst, srcs); err != nil {
		t.Fatalf("the pseudonymised export does not import: %v", err)
	}
	// Imported, the pseudonyms are ids: export again, unwrapped.
	second := csvExport(t, dst)
	// People came in the order of their pseudonyms, as they do from the
	// store that holds the pseudonyms as ids: the files are the same, row
	// for row.
	for _, name := range carecsv.Files {
		if first[name] != second[name] {
			a, b := sortedLines(first[name]), sortedLines(second[name])
			t.Errorf("%s differs after import (%d rows, %d rows; the same rows in another order: %v)", name, len(a), len(b), slices.Equal(a, b))
		}
	}
	for _, n := range demo.Showcase().Nodes {
		for name, body := range first {
			if strings.Contains(body, n.ID) || strings.Contains(body, n.Name) {
				t.Fatalf("%s holds %s or its name", name, n.ID)
			}
		}
	}
	if strings.Contains(first[carecsv.RelationshipsFile], "Leeds") {
		t.Error(`the relation "daughter (lives in Leeds)" was kept`)
	}
}

func csvExport(t *testing.T, st care.Streamer) map[string]string {
	t.Helper()
	bufs := map[string]*bytes.Buffer{}
	for _, name := range carecsv.Files {
		bufs[name] = &bytes.Buffer{}
	}
	w := carecsv.Writers{Nodes: bufs[carecsv.NodesFile], Relationships: bufs[carecsv.RelationshipsFile],
		Contacts: bufs[carecsv.ContactsFile], Referrals: bufs[carecsv.ReferralsFile], Consents: bufs[carecsv.ConsentsFile]}
	if _, err := carecsv.Export(context.Background(), st, care.Always, w); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for name, b := range bufs {
		out[name] = b.String()
	}
	return out
}

func sortedLines(s string) []string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	slices.Sort(lines)
	return lines
}

func TestCoded(t *testing.T) {
	p := deidentify.New(key)
	tests := []struct {
		relation, channel, role, setting string
		want                             [4]string
	}{
		{"Daughter-in-law", "Shared Record", "District Nurse", "Day-Centre", [4]string{"daughter_in_law", "shared_record", "district_nurse", "day_centre"}},
		{"daughter (lives in Leeds)", "phoned Mrs Smith weekly", "usual GP", "Flat 3, 12 High St", [4]string{"other", "other", "other", "other"}},
		{"", "", "", "", [4]string{}},
		{" spouse ", "OTHER", "gp", "home", [4]string{"spouse", "other", "gp", "home"}},
	}
	for _, tc := range tests {
		r := p.Relationship(care.Relationship{ID: "x", Type: care.CaresFor, From: "a", To: "b", Relation: tc.relation, Channel: tc.channel, Role: tc.role})
		c := p.Contact(care.Contact{ID: "k", Person: "b", Professional: "c", Setting: tc.setting})
		if got := [4]string{r.Relation, r.Channel, r.Role, c.Setting}; got != tc.want {
			t.Errorf("%q %q %q %q → %q, want %q", tc.relation, tc.channel, tc.role, tc.setting, got, tc.want)
		}
	}
}

func TestStableAcrossCalls(t *testing.T) {
	st := openStore(t, storetest.Fixture())
	a := collect(t, deidentify.Wrap(st, deidentify.New(key)))
	b := collect(t, deidentify.Wrap(st, deidentify.New(pseudonym.New([]byte("0123456789abcdef0123456789abcdef")))))
	if !reflect.DeepEqual(a, b) {
		t.Error("the same key gave different output")
	}
	c := collect(t, deidentify.Wrap(st, deidentify.New(pseudonym.New([]byte("another key entirely, 32 bytes!!")))))
	if c.people[0].ID == a.people[0].ID {
		t.Error("another key gave the same pseudonym")
	}
}

// TestDerivedIDs: a relationship id is re-derived exactly when it was
// derived, whatever its ends hold.
func TestDerivedIDs(t *testing.T) {
	p := deidentify.New(key)
	d := care.MakeDate(2024, 1, 1)
	tests := []struct {
		r       care.Relationship
		derived bool
	}{
		{care.Relationship{Type: care.CaresFor, From: "c1", To: "p1", Span: care.Span{From: d, To: care.NoEnd}}, true},
		{care.Relationship{Type: care.CaresFor, From: "c1", To: "p1", Span: care.Always}, true},
		{care.Relationship{Type: care.LinkedTo, From: "a:b", To: "c", Span: care.Span{From: d, To: care.NoEnd}}, true},
		{care.Relationship{ID: "CARES_FOR:c1:p1:2024-01-02", Type: care.CaresFor, From: "c1", To: "p1", Span: care.Span{From: d, To: care.NoEnd}}, false},
		{care.Relationship{ID: "CARES_FOR:c1:p1:open", Type: care.CaresFor, From: "c1", To: "p1", Span: care.Span{From: d, To: care.NoEnd}}, false},
		{care.Relationship{ID: "CARES_FOR:c1:p:1:2024-01-01", Type: care.CaresFor, From: "c1", To: "p", Span: care.Span{From: d, To: care.NoEnd}}, false},
		{care.Relationship{ID: "rel-7", Type: care.WorksIn, From: "x", To: "y", Span: care.Always}, false},
	}
	for _, tc := range tests {
		if tc.r.ID == "" {
			tc.r.ID = care.RelationshipID(tc.r.Type, tc.r.From, tc.r.To, tc.r.Span.From)
		}
		got := p.Relationship(tc.r)
		want := key.Of(tc.r.ID)
		if tc.derived {
			want = care.RelationshipID(tc.r.Type, key.Of(tc.r.From), key.Of(tc.r.To), tc.r.Span.From)
		}
		if got.ID != want {
			t.Errorf("%s → %s, want %s", tc.r.ID, got.ID, want)
		}
	}
}

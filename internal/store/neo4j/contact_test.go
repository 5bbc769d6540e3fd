package neo4j_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	neo4jdrv "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/store/neo4j"
	"github.com/careweb/careweb/internal/store/neo4j/neo4jtest"
)

// rawDriver is a driver of its own on the test server, for writing what
// the store would not (an earlier version's data) and for holding a
// transaction open across a store call.
func rawDriver(t *testing.T, cfg neo4j.Config) neo4jdrv.DriverWithContext {
	t.Helper()
	d, err := neo4jdrv.NewDriverWithContext(cfg.URI, neo4jdrv.BasicAuth(cfg.User, cfg.Password, ""))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close(context.Background()) })
	return d
}

func runCypher(t *testing.T, d neo4jdrv.DriverWithContext, db, cypher string, params map[string]any) []*neo4jdrv.Record {
	t.Helper()
	res, err := neo4jdrv.ExecuteQuery(t.Context(), d, cypher, params, neo4jdrv.EagerResultTransformer, neo4jdrv.ExecuteQueryWithDatabase(db))
	if err != nil {
		t.Fatalf("%s: %v", cypher, err)
	}
	return res.Records
}

// migrationPeople are the nodes the migration test's contacts name.
var migrationPeople = care.Batch{Nodes: []care.Node{
	{ID: "p1", Kind: care.KindPerson, Name: "P One"},
	{ID: "p2", Kind: care.KindPerson, Name: "P Two"},
	{ID: "pr1", Kind: care.KindProfessional, Name: "Pro One", Role: care.Roles[0]},
	{ID: "pr2", Kind: care.KindProfessional, Name: "Pro Two", Role: care.Roles[0]},
	{ID: "o1", Kind: care.KindOrganisation, Name: "Org One", Sector: care.Sectors[0]},
}}

// TestMigrateContactNodes writes contacts as the previous version stored
// them (a :Contact node joined to its person, professional and
// organisation, with the contact constraint and index), opens a new store
// on that database, and checks that the contacts read back as they were
// written, that no contact node or old schema is left, and that opening
// again (a migration that finds nothing, or resumes an interrupted one)
// changes nothing.
func TestMigrateContactNodes(t *testing.T) {
	s, cfg, d := migrationStore(t)
	ctx := t.Context()
	for _, q := range []string{
		"CREATE CONSTRAINT careweb_contact_id IF NOT EXISTS FOR (c:Contact) REQUIRE c.id IS UNIQUE",
		"CREATE INDEX careweb_contact_at IF NOT EXISTS FOR (c:Contact) ON (c.at)",
		"CREATE INDEX careweb_contact_rel_at IF NOT EXISTS FOR ()-[c:CONTACT]-() ON (c.at)",
	} {
		runCypher(t, d, cfg.Database, q, nil)
	}
	want := []care.Contact{
		{ID: "k1", Person: "p1", Professional: "pr1", Organisation: "o1",
			At: time.Date(2024, 3, 1, 23, 59, 59, 123456789, time.UTC), Mode: care.ModePhone, Setting: "home"},
		{ID: "k2", Person: "p1", Professional: "pr2", At: time.Date(2024, 3, 2, 0, 0, 0, 0, time.UTC), Mode: care.ModeVideo},
		{ID: "k3", Person: "p2", Professional: "pr1", Organisation: "o1",
			At: time.Date(2023, 1, 5, 9, 30, 0, 0, time.UTC), Mode: care.ModeFaceToFace, Setting: "clinic"},
	}
	old := `UNWIND $rows AS row
MATCH (p:Person {id: row.person}), (pro:Professional {id: row.pro})
CREATE (c:Contact {id: row.id, at: row.at, day: row.day, mode: row.mode, setting: row.setting})
CREATE (c)-[:CONTACT_OF]->(p)
CREATE (c)-[:CONTACT_WITH]->(pro)
WITH c, row
MATCH (o:Organisation) WHERE o.id = row.org
CREATE (c)-[:CONTACT_AT]->(o)`
	var rows []any
	for _, c := range want {
		var setting, org any
		if c.Setting != "" {
			setting = c.Setting
		}
		if c.Organisation != "" {
			org = c.Organisation
		}
		rows = append(rows, map[string]any{"id": c.ID, "person": c.Person, "pro": c.Professional, "org": org,
			"at": c.At, "day": int64(care.DateOf(c.At)), "mode": string(c.Mode), "setting": setting})
	}
	runCypher(t, d, cfg.Database, old, map[string]any{"rows": rows})
	// A contact node without its person (the old model could leave one
	// behind) has nothing to convert to and is dropped.
	runCypher(t, d, cfg.Database, `MATCH (pro:Professional {id: 'pr2'})
CREATE (:Contact {id: 'k-orphan', at: datetime('2024-01-01T00:00:00Z'), day: 19723, mode: 'phone'})-[:CONTACT_WITH]->(pro)`, nil)

	// An interrupted migration leaves some contacts converted: k4 is a
	// relationship already, and k5 both (converted by a newer writer
	// after an old one wrote it as a node), where the relationship wins.
	k4 := care.Contact{ID: "k4", Person: "p2", Professional: "pr2", At: time.Date(2022, 7, 1, 12, 0, 0, 0, time.UTC), Mode: care.ModeOther}
	k5 := care.Contact{ID: "k5", Person: "p2", Professional: "pr2", Organisation: "o1", At: time.Date(2022, 8, 1, 12, 0, 0, 0, time.UTC), Mode: care.ModeHomeVisit}
	if _, err := s.Apply(ctx, care.Batch{Contacts: []care.Contact{k4, k5}}); err != nil {
		t.Fatal(err)
	}
	runCypher(t, d, cfg.Database, `MATCH (p:Person {id: 'p2'}), (pro:Professional {id: 'pr1'})
CREATE (c:Contact {id: 'k5', at: datetime('2020-01-01T00:00:00Z'), day: 18262, mode: 'phone'})
CREATE (c)-[:CONTACT_OF]->(p)
CREATE (c)-[:CONTACT_WITH]->(pro)`, nil)
	want = append(want, k4, k5)

	check := func(what string) {
		t.Helper()
		s2, err := neo4j.Open(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer s2.Close()
		if err := s2.Ping(ctx); err != nil {
			t.Fatalf("%s: Ping: %v", what, err)
		}
		var got []care.Contact
		for _, p := range []string{"p1", "p2"} {
			page, err := s2.Contacts(ctx, care.EventQuery{Person: p, Window: care.Always})
			if err != nil {
				t.Fatalf("%s: Contacts(%s): %v", what, p, err)
			}
			got = append(got, page.Contacts...)
		}
		slices.SortFunc(got, func(a, b care.Contact) int { return strings.Compare(a.ID, b.ID) })
		equalContactList(t, what, got, want)
		// The window test uses the UTC day: k1 is on 1 March, k2 on 2 March.
		page, err := s2.Contacts(ctx, care.EventQuery{Person: "p1", Window: care.AsOf(care.MakeDate(2024, 3, 1))})
		if err != nil {
			t.Fatal(err)
		}
		equalContactList(t, what+", 1 March", page.Contacts, want[:1])
		// The organisation is still referred to by its contacts.
		_, err = s2.Apply(ctx, care.Batch{DeleteNodes: []care.DeleteNode{{ID: "o1"}}})
		if msg := care.ErrorMessage(err); care.ErrorCode(err) == care.Conflict && !strings.Contains(msg, "referred to by 3 ") {
			t.Errorf("%s: deleting o1: %q does not count its 3 contacts", what, msg)
		}
		if care.ErrorCode(err) != care.Conflict {
			t.Errorf("%s: deleting o1, named by three contacts: %v, want Conflict", what, err)
		}
		left := runCypher(t, d, cfg.Database, "MATCH (c:Contact) RETURN count(c) AS n", nil)
		if n, _ := left[0].Get("n"); n != int64(0) {
			t.Errorf("%s: %v contact nodes left", what, n)
		}
		for _, show := range []string{"INDEXES", "CONSTRAINTS"} {
			left := runCypher(t, d, cfg.Database, "SHOW "+show+" YIELD name WHERE name IN ['careweb_contact_id', 'careweb_contact_at', 'careweb_contact_rel_at'] RETURN name", nil)
			for _, rec := range left {
				t.Errorf("%s: old contact schema left: %v", what, rec.Values[0])
			}
		}
	}
	check("after the migration")
	check("after opening again")
}

func equalContactList(t *testing.T, what string, got, want []care.Contact) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %d contacts %+v, want %d %+v", what, len(got), got, len(want), want)
	}
	for i := range got {
		g, w := got[i], want[i]
		if !g.At.Equal(w.At) || g.At.Location() != time.UTC {
			t.Errorf("%s: contact %s at %v, want %v in UTC", what, g.ID, g.At, w.At)
		}
		g.At, w.At = time.Time{}, time.Time{}
		if g != w {
			t.Errorf("%s: got %+v, want %+v", what, g, w)
		}
	}
}

// TestContactDayEdges checks the window test of contacts, which compares
// at with the window's first and last instants: the last nanosecond of a
// day is in it, the first of the next is not, and open windows hold
// everything.
func TestContactDayEdges(t *testing.T) {
	s := neo4jtest.Open(t)
	ctx := t.Context()
	day := care.MakeDate(2025, 6, 30)
	b := migrationPeople
	b.Contacts = []care.Contact{
		{ID: "k-first", Person: "p1", Professional: "pr1", At: day.Time()},
		{ID: "k-last", Person: "p1", Professional: "pr1", At: day.AddDays(1).Time().Add(-time.Nanosecond)},
		{ID: "k-next", Person: "p1", Professional: "pr1", At: day.AddDays(1).Time()},
		{ID: "k-before", Person: "p1", Professional: "pr1", At: day.Time().Add(-time.Nanosecond)},
	}
	if _, err := s.Apply(ctx, b); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		w    care.Window
		want []string
	}{
		{care.AsOf(day), []string{"k-first", "k-last"}},
		{care.Window{From: day.AddDays(1), To: care.NoEnd}, []string{"k-next"}},
		{care.Window{From: care.NoStart, To: day.AddDays(-1)}, []string{"k-before"}},
		{care.Always, []string{"k-before", "k-first", "k-last", "k-next"}},
	} {
		page, err := s.Contacts(ctx, care.EventQuery{Person: "p1", Window: tc.w})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range page.Contacts {
			got = append(got, c.ID)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("window %v–%v: got %q, want %q", tc.w.From, tc.w.To, got, tc.want)
		}
	}
}

// TestDeleteOrganisationWhileContactWritten checks that a contact naming
// an organisation by property cannot slip past a concurrent delete of
// that organisation: a transaction that has locked the organisation and
// writes a contact naming it (as writeContacts does) makes a plain delete
// wait, and the delete then sees the contact and refuses.
func TestDeleteOrganisationWhileContactWritten(t *testing.T) {
	s, err := waitOnTx(t, "deleting o1", `MATCH (o:Organisation {id: 'o1'}) SET o._lock = true REMOVE o._lock
WITH o MATCH (p:Person {id: 'p1'}), (pro:Professional {id: 'pr1'})
CREATE (p)-[:CONTACT {id: 'k-race', at: datetime(), mode: 'phone', org: 'o1'}]->(pro)`,
		func(s care.Store) error {
			_, err := s.Apply(t.Context(), care.Batch{DeleteNodes: []care.DeleteNode{{ID: "o1"}}})
			return err
		})
	if care.ErrorCode(err) != care.Conflict {
		t.Fatalf("deleting o1 after a contact naming it committed: %v, want Conflict", err)
	}
	if _, err := s.Node(t.Context(), "o1"); err != nil {
		t.Errorf("o1 after the refused delete: %v", err)
	}
}

// TestContactWhileOrganisationDeleted is the other order: a transaction
// has deleted the organisation and not yet committed; a contact naming it
// waits on the organisation's lock (writeContacts), then finds it gone and
// fails with Conflict, writing nothing.
func TestContactWhileOrganisationDeleted(t *testing.T) {
	s, err := waitOnTx(t, "writing a contact naming o1", "MATCH (o:Organisation {id: 'o1'}) DETACH DELETE o",
		func(s care.Store) error {
			_, err := s.Apply(t.Context(), care.Batch{Contacts: []care.Contact{
				{ID: "k-race", Person: "p1", Professional: "pr1", Organisation: "o1", At: time.Now()},
			}})
			return err
		})
	if care.ErrorCode(err) != care.Conflict {
		t.Fatalf("writing a contact naming an organisation deleted meanwhile: %v, want Conflict", err)
	}
	page, err := s.Contacts(t.Context(), care.EventQuery{Person: "p1", Window: care.Always})
	if err != nil || len(page.Contacts) != 0 {
		t.Errorf("contacts of p1 after the refused write: %+v %v", page.Contacts, err)
	}
}

// migrationStore opens a store holding migrationPeople, and a driver of
// the test's own on its database.
func migrationStore(t *testing.T) (care.Store, neo4j.Config, neo4jdrv.DriverWithContext) {
	t.Helper()
	s := neo4jtest.Open(t)
	cfg, _ := neo4jtest.Config()
	if _, err := s.Apply(t.Context(), migrationPeople); err != nil {
		t.Fatal(err)
	}
	return s, cfg, rawDriver(t, cfg)
}

// waitOnTx opens a store holding migrationPeople, runs cypher in a
// transaction of a driver of its own and leaves it open, starts op (what
// names it), checks that op waits for that transaction, commits it, and
// returns the store and op's error.
func waitOnTx(t *testing.T, what, cypher string, op func(care.Store) error) (care.Store, error) {
	t.Helper()
	s, cfg, d := migrationStore(t)
	ctx := t.Context()
	sess := d.NewSession(ctx, neo4jdrv.SessionConfig{DatabaseName: cfg.Database})
	defer sess.Close(context.Background())
	tx, err := sess.BeginTransaction(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Close(context.Background())
	res, err := tx.Run(ctx, cypher, nil)
	if err == nil {
		_, err = res.Consume(ctx)
	}
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- op(s) }()
	select {
	case err := <-done:
		t.Fatalf("%s did not wait for the open transaction: %v", what, err)
	case <-time.After(500 * time.Millisecond):
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		return s, err
	case <-time.After(30 * time.Second):
		t.Fatalf("%s is still waiting after the other transaction committed", what)
		return nil, nil
	}
}

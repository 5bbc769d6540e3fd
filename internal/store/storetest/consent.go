package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/careweb/careweb/internal/care"
)

// consentFixture is a set of consent records over the fixture's nodes:
// every basis and decision, open and closed spans, a recorder of each
// kind and none, a non-UTC RecordedAt with nanoseconds, and two records
// recorded at the same instant whose ids sort against their written
// order.
func consentFixture() []care.Consent {
	d := care.MakeDate
	at := time.Date(2024, 3, 1, 10, 0, 0, 123456789, time.FixedZone("CET", 3600))
	return []care.Consent{
		{ID: "cs-2", Person: "p-ada", Grantee: "c-dau", Basis: care.BasisConsent, Decision: care.Permit,
			Span: care.Span{From: d(2024, 3, 1), To: care.NoEnd}, RecordedAt: at, RecordedBy: "p-ada"},
		{ID: "cs-1", Person: "p-ada", Grantee: "c-nei", Basis: care.BasisBestInterests, Decision: care.Deny,
			Span: care.Span{From: d(2023, 1, 1), To: d(2023, 12, 31)}, RecordedAt: at, RecordedBy: "pr-social"},
		// The latest and the smallest id; nobody recorded as its recorder.
		{ID: "cs-0", Person: "p-ada", Grantee: "c-dau", Basis: care.BasisLPA, Decision: care.Deny,
			Span: care.Always, RecordedAt: at.Add(time.Nanosecond)},
		{ID: "cs-9", Person: "p-bob", Grantee: "c-dau", Basis: care.BasisConsent, Decision: care.Permit,
			Span: care.Span{From: care.NoStart, To: d(2025, 1, 1)}, RecordedAt: time.Date(1999, 12, 31, 23, 59, 59, 999999999, time.UTC), RecordedBy: "o-surgery"},
	}
}

// normalised returns records as a store gives them back: RecordedAt in UTC.
func normalised(cs ...care.Consent) []care.Consent {
	out := slices.Clone(cs)
	for i := range out {
		out[i].RecordedAt = out[i].RecordedAt.UTC()
	}
	return out
}

func consentIDs(cs []care.Consent) []string {
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	return ids
}

func fmtConsent(c care.Consent) string {
	return fmt.Sprintf("consent %s person=%s grantee=%s %s %s [%s] at=%s by=%s",
		c.ID, c.Person, c.Grantee, c.Basis, c.Decision, fmtSpan(c.Span), fmtTime(c.RecordedAt), c.RecordedBy)
}

func equalConsents(t *testing.T, what string, got, want []care.Consent) {
	t.Helper()
	equalRecords(t, what, got, want, consentIDs, func(g, w care.Consent) bool {
		return sameInstant(g.RecordedAt, w.RecordedAt) && g.ID == w.ID && g.Person == w.Person && g.Grantee == w.Grantee &&
			g.Basis == w.Basis && g.Decision == w.Decision && g.Span == w.Span && g.RecordedBy == w.RecordedBy
	}, fmtConsent)
}

// consentsOf reads a person's records, failing the test on an error.
func consentsOf(t *testing.T, s care.Store, person string) []care.Consent {
	t.Helper()
	cs, err := s.Consents(t.Context(), person)
	if err != nil {
		t.Fatalf("Consents(%s): %v", person, err)
	}
	return cs
}

func testConsents(t *testing.T, open func(t *testing.T) care.Store) {
	cf := consentFixture()
	t.Run("RoundTrip", func(t *testing.T) {
		s := openFixture(t, open)
		res := mustApply(t, s, care.Batch{Consents: cf})
		if res != (care.ApplyResult{Consents: len(cf)}) {
			t.Errorf("Apply = %+v, want Consents %d", res, len(cf))
		}
		// RecordedAt, then id: cs-1 and cs-2 share an instant.
		equalConsents(t, "p-ada's records", consentsOf(t, s, "p-ada"), normalised(cf[1], cf[0], cf[2]))
		equalConsents(t, "p-bob's records", consentsOf(t, s, "p-bob"), normalised(cf[3]))
		if cs := consentsOf(t, s, "p-cyd"); len(cs) != 0 {
			t.Errorf("p-cyd's records = %q, want none", consentIDs(cs))
		}
		got := map[string][]care.Consent{}
		err := s.EachPerson(t.Context(), func(p *care.PersonRecord) error {
			got[p.Person.ID] = slices.Clone(p.Consents)
			return nil
		})
		if err != nil {
			t.Fatalf("EachPerson: %v", err)
		}
		equalConsents(t, "EachPerson p-ada", got["p-ada"], normalised(cf[1], cf[0], cf[2]))
		equalConsents(t, "EachPerson p-bob", got["p-bob"], normalised(cf[3]))
		equalConsents(t, "EachPerson p-cyd", got["p-cyd"], nil)
	})
	t.Run("Upsert", func(t *testing.T) {
		s := openFixture(t, open)
		mustApply(t, s, care.Batch{Consents: cf})
		before := dump(t, s)
		if res := mustApply(t, s, care.Batch{Consents: consentFixture()}); res != (care.ApplyResult{Consents: len(cf)}) {
			t.Errorf("re-applying = %+v, want Consents %d", res, len(cf))
		}
		assertState(t, "after re-applying the records", dump(t, s), before)
		// Every field changes, the person too: the record moves to p-cyd.
		moved := care.Consent{ID: "cs-2", Person: "p-cyd", Grantee: "c-nei", Basis: care.BasisLPA, Decision: care.Deny,
			Span: care.Span{From: care.NoStart, To: care.MakeDate(2030, 1, 1)}, RecordedAt: time.Date(2025, 5, 5, 5, 5, 5, 5, time.UTC)}
		mustApply(t, s, care.Batch{Consents: []care.Consent{moved}})
		equalConsents(t, "p-ada's records", consentsOf(t, s, "p-ada"), normalised(cf[1], cf[2]))
		equalConsents(t, "p-cyd's records", consentsOf(t, s, "p-cyd"), []care.Consent{moved})
	})
	t.Run("Invalid", func(t *testing.T) { testConsentsInvalid(t, openFixture(t, open)) })
	t.Run("Delete", func(t *testing.T) { testConsentsDelete(t, open) })
	t.Run("NotFound", func(t *testing.T) {
		s := openFixture(t, open)
		mustApply(t, s, care.Batch{Consents: cf})
		for _, id := range []string{"nobody", "", "c-dau", "pr-green", "o-surgery", "cs-2"} {
			_, err := s.Consents(t.Context(), id)
			if !wantCode(t, err, care.NotFound) {
				t.Logf("Consents(%q)", id)
			}
		}
		empty := openEmpty(t, open)
		_, err := empty.Consents(t.Context(), "p-ada")
		wantCode(t, err, care.NotFound)
	})
}

func testConsentsInvalid(t *testing.T, s care.Store) {
	before := dump(t, s)
	at := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	ok := care.Consent{ID: "cs-ok", Person: "p-ada", Grantee: "c-dau", Basis: care.BasisConsent, Decision: care.Permit, Span: care.Always, RecordedAt: at}
	with := func(f func(c *care.Consent)) care.Consent {
		c := ok
		f(&c)
		return c
	}
	cases := []struct {
		name  string
		c     care.Consent
		field string
	}{
		{"NoID", with(func(c *care.Consent) { c.ID = "" }), "id"},
		{"IDWithControl", with(func(c *care.Consent) { c.ID = "cs\n1" }), "id"},
		{"PersonMissing", with(func(c *care.Consent) { c.Person = "nobody" }), "person"},
		{"PersonNotAPerson", with(func(c *care.Consent) { c.Person = "c-nei" }), "person"},
		{"GranteeMissing", with(func(c *care.Consent) { c.Grantee = "" }), "grantee"},
		{"GranteeNotACarer", with(func(c *care.Consent) { c.Grantee = "pr-green" }), "grantee"},
		{"RecordedByMissing", with(func(c *care.Consent) { c.RecordedBy = "nobody" }), "recordedBy"},
		{"BasisUnknown", with(func(c *care.Consent) { c.Basis = "hunch" }), "basis"},
		{"BasisEmpty", with(func(c *care.Consent) { c.Basis = "" }), "basis"},
		{"BasisNotCanonical", with(func(c *care.Consent) { c.Basis = "Best-Interests" }), "basis"},
		{"DecisionUnknown", with(func(c *care.Consent) { c.Decision = "maybe" }), "decision"},
		{"DecisionEmpty", with(func(c *care.Consent) { c.Decision = "" }), "decision"},
		{"EndBeforeStart", with(func(c *care.Consent) {
			c.Span = care.Span{From: care.MakeDate(2024, 2, 1), To: care.MakeDate(2024, 1, 31)}
		}), "end"},
		{"NoRecordedAt", with(func(c *care.Consent) { c.RecordedAt = time.Time{} }), "recordedAt"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// The bad record comes second, after a good one that must not
			// be written either.
			good := ok
			good.ID = "cs-good"
			_, err := s.Apply(t.Context(), care.Batch{
				Nodes:    []care.Node{{ID: "c-new", Kind: care.KindCarer, Name: "New Carer"}},
				Consents: []care.Consent{good, tc.c},
			})
			wantProblem(t, err, "consents[1]."+tc.field)
			assertState(t, "after a refused batch", dump(t, s), before)
		})
	}
	t.Run("Duplicate", func(t *testing.T) {
		_, err := s.Apply(t.Context(), care.Batch{Consents: []care.Consent{ok, ok}})
		wantProblem(t, err, "consents[1].id")
		assertState(t, "after a refused batch", dump(t, s), before)
	})
	t.Run("EveryProblem", func(t *testing.T) {
		_, err := s.Apply(t.Context(), care.Batch{Consents: []care.Consent{
			with(func(c *care.Consent) { c.Person = "pr-green"; c.Decision = "" }),
			ok,
			with(func(c *care.Consent) { c.ID = "cs-3"; c.Grantee = "p-bob"; c.RecordedAt = time.Time{} }),
		}})
		for _, f := range []string{"consents[0].person", "consents[0].decision", "consents[2].grantee", "consents[2].recordedAt"} {
			wantProblem(t, err, f)
		}
		assertState(t, "after a refused batch", dump(t, s), before)
	})
	// Nodes written in the same batch may be named.
	t.Run("NodesOfTheBatch", func(t *testing.T) {
		res := mustApply(t, s, care.Batch{
			Nodes:    []care.Node{{ID: "p-new", Kind: care.KindPerson, Name: "New Person"}, {ID: "c-new", Kind: care.KindCarer, Name: "New Carer"}},
			Consents: []care.Consent{with(func(c *care.Consent) { c.Person, c.Grantee, c.RecordedBy = "p-new", "c-new", "c-new" })},
		})
		if res.Consents != 1 {
			t.Errorf("Apply = %+v, want Consents 1", res)
		}
		equalConsents(t, "p-new's records", consentsOf(t, s, "p-new"),
			[]care.Consent{with(func(c *care.Consent) { c.Person, c.Grantee, c.RecordedBy = "p-new", "c-new", "c-new" })})
	})
}

func testConsentsDelete(t *testing.T, open func(t *testing.T) care.Store) {
	at := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	// c-only, p-only and pr-only are named by consent records alone.
	setup := care.Batch{
		Nodes: []care.Node{
			{ID: "c-only", Kind: care.KindCarer, Name: "Only Carer"},
			{ID: "p-only", Kind: care.KindPerson, Name: "Only Person"},
			{ID: "pr-only", Kind: care.KindProfessional, Name: "Only Pro", Role: care.RoleSocialWorker},
		},
		Consents: []care.Consent{
			{ID: "cs-a", Person: "p-ada", Grantee: "c-only", Basis: care.BasisConsent, Decision: care.Permit, Span: care.Always, RecordedAt: at},
			{ID: "cs-b", Person: "p-only", Grantee: "c-dau", Basis: care.BasisConsent, Decision: care.Permit, Span: care.Always, RecordedAt: at},
			{ID: "cs-c", Person: "p-ada", Grantee: "c-dau", Basis: care.BasisBestInterests, Decision: care.Deny, Span: care.Always, RecordedAt: at, RecordedBy: "pr-only"},
		},
	}
	for _, id := range []string{"c-only", "p-only", "pr-only"} {
		t.Run("Conflict/"+id, func(t *testing.T) {
			s := openFixture(t, open)
			mustApply(t, s, setup)
			before := dump(t, s)
			_, err := s.Apply(t.Context(), care.Batch{
				Nodes:       []care.Node{{ID: "o-new", Kind: care.KindOrganisation, Name: "New Org"}},
				DeleteNodes: []care.DeleteNode{{ID: id}},
			})
			if wantCode(t, err, care.Conflict) {
				wantMention(t, err, id)
			}
			assertState(t, "after a refused delete", dump(t, s), before)
		})
	}
	t.Run("Cascade", func(t *testing.T) {
		s := openFixture(t, open)
		mustApply(t, s, setup)
		res := mustApply(t, s, care.Batch{DeleteNodes: []care.DeleteNode{{ID: "c-only", Cascade: true}, {ID: "p-only", Cascade: true}}})
		if want := (care.ApplyResult{Removed: 2, Deleted: 2}); res != want {
			t.Errorf("Apply = %+v, want %+v", res, want)
		}
		equalConsents(t, "p-ada's records", consentsOf(t, s, "p-ada"), setup.Consents[2:])
		// The recorder goes; the decision stays on record without it.
		res = mustApply(t, s, care.Batch{DeleteNodes: []care.DeleteNode{{ID: "pr-only", Cascade: true}}})
		if want := (care.ApplyResult{Deleted: 1}); res != want {
			t.Errorf("Apply = %+v, want %+v", res, want)
		}
		kept := setup.Consents[2]
		kept.RecordedBy = ""
		equalConsents(t, "p-ada's records", consentsOf(t, s, "p-ada"), []care.Consent{kept})
		// With the carer goes every record granting it anything.
		res = mustApply(t, s, care.Batch{DeleteNodes: []care.DeleteNode{{ID: "c-dau", Cascade: true}}})
		if res.Deleted != 1 || res.Removed != 3 { // two relationships, one record
			t.Errorf("Apply = %+v, want Deleted 1, Removed 3", res)
		}
		equalConsents(t, "p-ada's records", consentsOf(t, s, "p-ada"), nil)
		// A person's records go with the person.
		mustApply(t, s, care.Batch{Consents: []care.Consent{{ID: "cs-d", Person: "p-cyd", Grantee: "c-nei", Basis: care.BasisConsent,
			Decision: care.Permit, Span: care.Always, RecordedAt: at, RecordedBy: "pr-green"}}})
		res = mustApply(t, s, care.Batch{DeleteNodes: []care.DeleteNode{{ID: "p-cyd", Cascade: true}}})
		if want := (care.ApplyResult{Removed: 1, Deleted: 1}); res != want {
			t.Errorf("Apply = %+v, want %+v", res, want)
		}
		if _, err := s.Consents(t.Context(), "p-cyd"); care.ErrorCode(err) != care.NotFound {
			t.Errorf("Consents of a deleted person: %v, want NotFound", err)
		}
		// The ids of removed records are free again.
		mustApply(t, s, care.Batch{Consents: []care.Consent{{ID: "cs-d", Person: "p-bob", Grantee: "c-nei", Basis: care.BasisConsent,
			Decision: care.Permit, Span: care.Always, RecordedAt: at}}})
		if got := consentIDs(consentsOf(t, s, "p-bob")); !slices.Equal(got, []string{"cs-d"}) {
			t.Errorf("p-bob's records = %q, want [cs-d]", got)
		}
	})
}

// testConsentsDurable is RunDurability's part for consent records.
func testConsentsDurable(t *testing.T, openAt func(t *testing.T, dir string) care.Store) {
	dir := t.TempDir()
	s := openAt(t, dir)
	mustApply(t, s, Fixture())
	mustApply(t, s, care.Batch{Consents: consentFixture()})
	want := dump(t, s)
	wantAda := consentsOf(t, s, "p-ada")
	closeStore(t, s)

	s = openAt(t, dir)
	assertState(t, "after reopening", dump(t, s), want)
	equalConsents(t, "p-ada's records after reopening", consentsOf(t, s, "p-ada"), wantAda)
	// The cascades are durable too: cs-1's recorder goes, then its grantee.
	cf := normalised(consentFixture()...)
	kept := cf[1]
	kept.RecordedBy = ""
	for _, step := range []struct {
		id   string
		want []care.Consent
	}{{"pr-social", []care.Consent{kept, cf[0], cf[2]}}, {"c-nei", []care.Consent{cf[0], cf[2]}}} {
		mustApply(t, s, care.Batch{DeleteNodes: []care.DeleteNode{{ID: step.id, Cascade: true}}})
		want = dump(t, s)
		closeStore(t, s)
		s = openAt(t, dir)
		assertState(t, "after deleting "+step.id+" and reopening", dump(t, s), want)
		equalConsents(t, "p-ada's records after deleting "+step.id, consentsOf(t, s, "p-ada"), step.want)
	}
	closeStore(t, s)
}

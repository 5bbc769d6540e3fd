package storetest

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/careweb/careweb/internal/care"
)

func testWrite(t *testing.T, open func(t *testing.T) care.Store) {
	t.Run("Result", func(t *testing.T) {
		s := openEmpty(t, open)
		res := mustApply(t, s, Fixture())
		want := care.ApplyResult{Nodes: fixtureNodes, Relationships: fixtureRelationships, Contacts: fixtureContacts, Referrals: fixtureReferrals}
		if res != want {
			t.Errorf("Apply(fixture) = %+v, want %+v", res, want)
		}
		if got := len(dump(t, s)); got != fixtureNodes+fixtureRelationships+fixtureContacts+fixtureReferrals {
			t.Errorf("the store holds %d records, want %d", got, fixtureNodes+fixtureRelationships+fixtureContacts+fixtureReferrals)
		}
	})
	t.Run("Idempotent", func(t *testing.T) {
		s := openFixture(t, open)
		before := dump(t, s)
		res := mustApply(t, s, Fixture())
		want := care.ApplyResult{Nodes: fixtureNodes, Relationships: fixtureRelationships, Contacts: fixtureContacts, Referrals: fixtureReferrals}
		if res != want {
			t.Errorf("re-applying the fixture = %+v, want %+v", res, want)
		}
		assertState(t, "after re-applying the fixture", dump(t, s), before)
	})
	t.Run("Normalises", func(t *testing.T) { testNormalises(t, openFixture(t, open)) })
	t.Run("Upsert", func(t *testing.T) { testUpsert(t, openFixture(t, open)) })
	t.Run("EndRelationships", func(t *testing.T) { testEnd(t, openFixture(t, open)) })
}

func testNormalises(t *testing.T, s care.Store) {
	ctx := t.Context()
	start := care.MakeDate(2024, 1, 1)
	at := time.Date(2024, 9, 1, 12, 0, 0, 0, time.FixedZone("IST", 5*3600+1800))
	mustApply(t, s, care.Batch{
		Nodes: []care.Node{
			{ID: " pr-new ", Kind: care.KindProfessional, Name: "New Pro"},
			{ID: "o-new", Kind: care.KindOrganisation, Name: "New Org"},
		},
		Relationships: []care.Relationship{{Type: care.WorksIn, From: "pr-new", To: "o-new", Span: care.Span{From: start, To: care.NoEnd}}},
		Contacts:      []care.Contact{{ID: "k-new", Person: "p-cyd", Professional: "pr-new", At: at}},
	})
	if n, err := s.Node(ctx, "pr-new"); err != nil || n.Role != care.RoleOther {
		t.Errorf("Node(pr-new) = %+v, %v; want the trimmed id and role %q", n, err, care.RoleOther)
	}
	if n, err := s.Node(ctx, "o-new"); err != nil || n.Sector != care.SectorOther {
		t.Errorf("Node(o-new) = %+v, %v; want sector %q", n, err, care.SectorOther)
	}
	rels, err := s.Relationships(ctx, care.RelQuery{Node: "o-new", Window: care.Always})
	if err != nil {
		t.Fatalf("Relationships: %v", err)
	}
	equalIDs(t, "derived relationship ids", relIDs(rels), []string{care.RelationshipID(care.WorksIn, "pr-new", "o-new", start)})
	page, err := s.Contacts(ctx, care.EventQuery{Person: "p-cyd", Window: care.Always})
	if err != nil {
		t.Fatalf("Contacts: %v", err)
	}
	equalContacts(t, "contacts", page.Contacts, []care.Contact{{ID: "k-new", Person: "p-cyd", Professional: "pr-new", At: at.UTC(), Mode: care.ModeOther}})
}

func testUpsert(t *testing.T, s care.Store) {
	ctx := t.Context()
	fx := newFixture()
	nurse := fx.rel(care.InvolvedIn, "pr-nurse", "p-ada")
	nurse.Coordinator, nurse.Role, nurse.Span.To = false, "nurse", care.MakeDate(2024, 12, 31)
	link := fx.link("l-nurse-social")
	link.Span.To, link.Channel = care.NoEnd, ""
	moved := care.Contact{ID: "k02", Person: "p-bob", Professional: "pr-patel", At: time.Date(2024, 8, 1, 10, 0, 0, 0, time.UTC), Mode: care.ModeVideo}
	changed := fx.contacts["k03"]
	changed.Mode, changed.Setting, changed.Organisation = care.ModePhone, "", ""
	ref := fx.referrals["r1"]
	ref.Reason, ref.At = "changed", time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	res := mustApply(t, s, care.Batch{
		Nodes: []care.Node{
			{ID: "p-ada", Kind: care.KindPerson, Name: "Zara King"}, // locality cleared
			{ID: "pr-green", Kind: care.KindProfessional, Name: "Dr Grace Green", Role: care.RoleConsultant},
		},
		Relationships: []care.Relationship{nurse, link},
		Contacts:      []care.Contact{moved, changed},
		Referrals:     []care.Referral{ref},
	})
	if want := (care.ApplyResult{Nodes: 2, Relationships: 2, Contacts: 2, Referrals: 1}); res != want {
		t.Errorf("Apply = %+v, want %+v", res, want)
	}
	if n, _ := s.Node(ctx, "p-ada"); n != (care.Node{ID: "p-ada", Kind: care.KindPerson, Name: "Zara King"}) {
		t.Errorf("Node(p-ada) = %+v, want the new name and no locality", n)
	}
	for role, want := range map[care.Role][]string{care.RoleGP: nil, care.RoleConsultant: {"pr-green", "pr-other"}} {
		page, err := s.ListNodes(ctx, care.NodeQuery{Role: role})
		if err != nil {
			t.Fatalf("ListNodes: %v", err)
		}
		equalIDs(t, "role "+string(role), nodeIDs(page.Nodes), want)
	}
	byName, err := s.ListNodes(ctx, care.NodeQuery{Kinds: []care.Kind{care.KindPerson}, Sort: care.SortByName})
	if err != nil {
		t.Fatalf("ListNodes: %v", err)
	}
	equalIDs(t, "people by their new names", nodeIDs(byName.Nodes), []string{"p-bob", "p-cyd", "p-ada"})
	rels, err := s.Relationships(ctx, care.RelQuery{Node: "pr-nurse", Window: asOf(2024, 7, 1)})
	if err != nil {
		t.Fatalf("Relationships: %v", err)
	}
	equalRels(t, "pr-nurse's relationships on 1 July", rels, []care.Relationship{nurse, fx.link("l-green-nurse"), link, fx.rel(care.WorksIn, "pr-nurse", "o-community")})

	ada, err := s.Contacts(ctx, care.EventQuery{Person: "p-ada", Window: care.Always})
	if err != nil {
		t.Fatalf("Contacts: %v", err)
	}
	wantAda := fx.contactList("k01", "k03", "k04", "k05", "k08", "k06", "k07", "k00")
	wantAda[1] = changed
	equalContacts(t, "p-ada's contacts", ada.Contacts, wantAda)
	bob, err := s.Contacts(ctx, care.EventQuery{Person: "p-bob", Window: care.Always})
	if err != nil {
		t.Fatalf("Contacts: %v", err)
	}
	equalContacts(t, "p-bob's contacts", bob.Contacts, []care.Contact{fx.contacts["k10"], moved})
	refs, err := s.Referrals(ctx, care.EventQuery{Person: "p-ada", Window: care.Always})
	if err != nil {
		t.Fatalf("Referrals: %v", err)
	}
	wantRefs := fx.referralList("r0", "r2", "r1", "r3")
	wantRefs[2] = ref
	equalReferrals(t, "p-ada's referrals", refs.Referrals, wantRefs)

	web, err := s.Web(ctx, "p-bob", care.Always)
	if err != nil {
		t.Fatalf("Web: %v", err)
	}
	var members []string
	for _, m := range web.Members {
		members = append(members, fmt.Sprintf("%s:%d", m.Node.ID, m.Contacts))
	}
	equalIDs(t, "p-bob's members after k02 moved to him", members, []string{"pr-green:0", "pr-other:1", "pr-patel:1"})
}

func testEnd(t *testing.T, s care.Store) {
	ctx := t.Context()
	fx := newFixture()
	green := fx.rel(care.InvolvedIn, "pr-green", "p-ada")
	end := care.MakeDate(2024, 6, 30)
	involved := func(t *testing.T, w care.Window) []care.Relationship {
		t.Helper()
		rels, err := s.Relationships(ctx, care.RelQuery{Node: "pr-green", Types: []care.RelType{care.InvolvedIn}, Window: w})
		if err != nil {
			t.Fatalf("Relationships: %v", err)
		}
		return rels
	}
	res := mustApply(t, s, care.Batch{EndRelationships: []care.EndRelationship{{ID: green.ID, To: end}}})
	if res != (care.ApplyResult{Ended: 1}) {
		t.Errorf("Apply = %+v, want Ended 1", res)
	}
	ended := green
	ended.Span.To = end
	equalRels(t, "after its end", involved(t, asOf(2024, 7, 1)), []care.Relationship{fx.rel(care.InvolvedIn, "pr-green", "p-bob")})
	equalRels(t, "on its last day", involved(t, asOf(2024, 6, 30)), []care.Relationship{fx.rel(care.InvolvedIn, "pr-green", "p-bob"), ended})
	// History is kept: a window covering its past still finds it.
	equalRels(t, "in its past", involved(t, between(2020, 1, 1, 2020, 12, 31)), []care.Relationship{fx.rel(care.InvolvedIn, "pr-green", "p-bob"), ended})
	for _, tc := range []struct {
		w      care.Window
		member bool
	}{{asOf(2024, 6, 30), true}, {asOf(2024, 7, 1), false}} {
		web, err := s.Web(ctx, "p-ada", tc.w)
		if err != nil {
			t.Fatalf("Web: %v", err)
		}
		found := false
		for _, m := range web.Members {
			found = found || m.Node.ID == "pr-green"
		}
		if found != tc.member {
			t.Errorf("pr-green in p-ada's web on %s: %t, want %t", tc.w.From, found, tc.member)
		}
	}

	before := dump(t, s)
	mustApply(t, s, care.Batch{EndRelationships: []care.EndRelationship{{ID: green.ID, To: end}}})
	assertState(t, "after ending it again on the same day", dump(t, s), before)

	// Ending on the start day leaves a one-day span; moving an end later
	// is allowed.
	link := fx.link("l-nurse-social")
	mustApply(t, s, care.Batch{EndRelationships: []care.EndRelationship{{ID: link.ID, To: link.Span.From}}})
	mustApply(t, s, care.Batch{EndRelationships: []care.EndRelationship{{ID: link.ID, To: care.MakeDate(2024, 4, 30)}}})
	rels, err := s.Relationships(ctx, care.RelQuery{Node: "pr-social", Types: []care.RelType{care.LinkedTo}, Window: asOf(2024, 4, 30)})
	if err != nil {
		t.Fatalf("Relationships: %v", err)
	}
	link.Span.To = care.MakeDate(2024, 4, 30)
	equalRels(t, "after moving the end", rels, []care.Relationship{fx.link("l-social-surgery"), link})

	// A relationship written and ended in one batch.
	newLink := care.Relationship{ID: "l-new", Type: care.LinkedTo, From: "pr-patel", To: "pr-green", Span: care.Span{From: care.MakeDate(2024, 1, 1), To: care.NoEnd}}
	mustApply(t, s, care.Batch{Relationships: []care.Relationship{newLink}, EndRelationships: []care.EndRelationship{{ID: "l-new", To: care.MakeDate(2024, 2, 1)}}})
	rels, err = s.Relationships(ctx, care.RelQuery{Node: "pr-patel", Types: []care.RelType{care.LinkedTo}, Window: care.Always})
	if err != nil {
		t.Fatalf("Relationships: %v", err)
	}
	newLink.Span.To = care.MakeDate(2024, 2, 1)
	equalRels(t, "written and ended in one batch", rels, []care.Relationship{newLink})
}

func testAtomicity(t *testing.T, open func(t *testing.T) care.Store) {
	s := openFixture(t, open)
	before := dump(t, s)
	d := care.MakeDate
	at := time.Date(2024, 9, 1, 9, 0, 0, 0, time.UTC)
	newOrg := care.Node{ID: "o-new", Kind: care.KindOrganisation, Name: "New Org", Sector: care.SectorHousing}
	newContact := care.Contact{ID: "k-new", Person: "p-ada", Professional: "pr-green", At: at}
	cases := []struct {
		name  string
		b     care.Batch
		code  care.Code
		field string // for Invalid
		id    string // named in the message, for NotFound and Conflict
	}{
		{name: "DanglingEnd", code: care.Invalid, field: "relationships[1].to", b: care.Batch{
			Nodes: []care.Node{newOrg},
			Relationships: []care.Relationship{
				{ID: "l-a", Type: care.LinkedTo, From: "o-new", To: "o-surgery", Span: care.Always},
				{ID: "l-b", Type: care.LinkedTo, From: "o-new", To: "nobody", Span: care.Always},
			},
			Contacts: []care.Contact{newContact},
		}},
		{name: "WrongKindEnds", code: care.Invalid, field: "relationships[0].type", b: care.Batch{
			Nodes:         []care.Node{newOrg},
			Relationships: []care.Relationship{{Type: care.CaresFor, From: "pr-green", To: "p-ada", Span: care.Always}},
		}},
		{name: "EndBeforeStart", code: care.Invalid, field: "relationships[0].end", b: care.Batch{
			Relationships: []care.Relationship{{ID: "l-x", Type: care.LinkedTo, From: "pr-green", To: "pr-patel", Span: care.Span{From: d(2024, 5, 1), To: d(2024, 4, 1)}}},
			Contacts:      []care.Contact{newContact},
		}},
		{name: "UnknownKind", code: care.Invalid, field: "nodes[1].kind", b: care.Batch{
			Nodes: []care.Node{newOrg, {ID: "x-robot", Kind: "robot", Name: "R2"}},
		}},
		{name: "DuplicateID", code: care.Invalid, field: "nodes[2].id", b: care.Batch{
			Nodes: []care.Node{newOrg, {ID: "x-1", Kind: care.KindPerson, Name: "X"}, {ID: "o-new", Kind: care.KindOrganisation, Name: "Again"}},
		}},
		{name: "KindReuse", code: care.Invalid, field: "nodes[1].id", b: care.Batch{
			Nodes: []care.Node{newOrg, {ID: "p-ada", Kind: care.KindCarer, Name: "Ada"}},
		}},
		{name: "ContactPersonNotAPerson", code: care.Invalid, field: "contacts[0].person", b: care.Batch{
			Contacts: []care.Contact{{ID: "k-new", Person: "pr-green", Professional: "pr-nurse", At: at}},
		}},
		{name: "ContactUnknownMode", code: care.Invalid, field: "contacts[1].mode", b: care.Batch{
			Contacts: []care.Contact{newContact, {ID: "k-new2", Person: "p-ada", Professional: "pr-nurse", At: at, Mode: "telepathy"}},
		}},
		{name: "ContactNoTime", code: care.Invalid, field: "contacts[0].at", b: care.Batch{
			Contacts: []care.Contact{{ID: "k-new", Person: "p-ada", Professional: "pr-nurse"}},
		}},
		{name: "DuplicateContact", code: care.Invalid, field: "contacts[1].id", b: care.Batch{
			Contacts: []care.Contact{newContact, newContact},
		}},
		{name: "ReferralToPerson", code: care.Invalid, field: "referrals[0].to", b: care.Batch{
			Referrals: []care.Referral{{ID: "r-new", Person: "p-ada", From: "pr-green", To: "p-bob", At: at}},
		}},
		{name: "DeleteMissingNode", code: care.Invalid, field: "deleteNodes[0].id", b: care.Batch{
			Nodes:       []care.Node{newOrg},
			DeleteNodes: []care.DeleteNode{{ID: "nobody"}},
		}},
		// A node deleted in the batch is not there for the batch's
		// relationships to join.
		{name: "RelationshipToDeletedNode", code: care.Invalid, field: "relationships[0].to", b: care.Batch{
			Relationships: []care.Relationship{{ID: "l-y", Type: care.LinkedTo, From: "pr-green", To: "pr-patel", Span: care.Always}},
			DeleteNodes:   []care.DeleteNode{{ID: "pr-patel", Cascade: true}},
		}},
		// Store phase: found wrong only against the stored state, after
		// other rows were written.
		{name: "EndMissing", code: care.NotFound, id: "no-such-rel", b: care.Batch{
			Nodes:            []care.Node{newOrg},
			Contacts:         []care.Contact{newContact},
			EndRelationships: []care.EndRelationship{{ID: "no-such-rel", To: d(2024, 1, 1)}},
		}},
		{name: "EndBeforeStoredStart", code: care.Invalid, field: "endRelationships[1].to", b: care.Batch{
			Contacts:         []care.Contact{newContact},
			EndRelationships: []care.EndRelationship{{ID: "l-green-nurse", To: d(2024, 1, 1)}, {ID: "l-nurse-social", To: d(2024, 2, 1)}},
		}},
		{name: "RemoveMissing", code: care.NotFound, id: "no-such-rel", b: care.Batch{
			Contacts:            []care.Contact{newContact},
			RemoveRelationships: []string{"l-green-nurse", "no-such-rel"},
		}},
		{name: "DeleteMissingContact", code: care.NotFound, id: "k-nobody", b: care.Batch{
			Nodes:          []care.Node{newOrg},
			DeleteContacts: []string{"k01", "k-nobody"},
		}},
		{name: "DeleteMissingReferral", code: care.NotFound, id: "r-nobody", b: care.Batch{
			Nodes:           []care.Node{newOrg},
			DeleteReferrals: []string{"r-nobody"},
		}},
		{name: "DeleteReferenced", code: care.Conflict, id: "pr-social", b: care.Batch{
			Nodes:       []care.Node{newOrg},
			Contacts:    []care.Contact{newContact},
			DeleteNodes: []care.DeleteNode{{ID: "p-cyd"}, {ID: "pr-social"}},
		}},
		// o-new is referred to by a relationship written in the same batch.
		{name: "DeleteReferencedByBatch", code: care.Conflict, id: "o-new", b: care.Batch{
			Nodes:         []care.Node{newOrg},
			Relationships: []care.Relationship{{ID: "l-new", Type: care.LinkedTo, From: "o-new", To: "o-surgery", Span: care.Always}},
			DeleteNodes:   []care.DeleteNode{{ID: "o-new"}},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.Apply(t.Context(), tc.b)
			if tc.code == care.Invalid {
				wantProblem(t, err, tc.field)
			} else if wantCode(t, err, tc.code) {
				wantMention(t, err, tc.id)
			}
			assertState(t, "after a failed Apply", dump(t, s), before)
			for _, id := range []string{"o-new", "x-1", "x-robot"} {
				if _, err := s.Node(t.Context(), id); care.ErrorCode(err) != care.NotFound {
					t.Errorf("Node(%q) after a failed Apply: %v, want NotFound", id, err)
				}
			}
		})
	}
}

// withoutNode returns b less node id and everything that names it, which
// is what a cascading delete of id leaves.
func withoutNode(b care.Batch, id string) care.Batch {
	b.Nodes = slices.DeleteFunc(slices.Clone(b.Nodes), func(n care.Node) bool { return n.ID == id })
	b.Relationships = slices.DeleteFunc(slices.Clone(b.Relationships), func(r care.Relationship) bool { return r.From == id || r.To == id })
	b.Contacts = slices.DeleteFunc(slices.Clone(b.Contacts), func(c care.Contact) bool {
		return c.Person == id || c.Professional == id || c.Organisation == id
	})
	b.Referrals = slices.DeleteFunc(slices.Clone(b.Referrals), func(r care.Referral) bool { return r.Person == id || r.From == id || r.To == id })
	return b
}

// stateOf is the dump of a fresh store holding b. It closes that store
// before returning, so that Run never holds two stores open.
func stateOf(t *testing.T, open func(t *testing.T) care.Store, b care.Batch) []string {
	t.Helper()
	s := open(t)
	defer func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	}()
	mustApply(t, s, b)
	return dump(t, s)
}

func testDelete(t *testing.T, open func(t *testing.T) care.Store) {
	for _, tc := range []struct {
		id      string
		removed int
	}{
		{"p-ada", 18},     // 5 relationships, 9 contacts, 4 referrals
		{"o-hospital", 6}, // WORKS_IN, LINKED_TO; k06 and k10 through it; r3 and r9 to it
		{"pr-nurse", 9},   // INVOLVED_IN, WORKS_IN, 2 LINKED_TO; 3 contacts; r1 to, r3 from
		{"pr-green", 11},  // 2 INVOLVED_IN, WORKS_IN, 3 LINKED_TO; 3 contacts; r1 and r0 from
		{"c-dau", 2},      // CARES_FOR, LINKED_TO
	} {
		t.Run("Cascade/"+tc.id, func(t *testing.T) {
			want := stateOf(t, open, withoutNode(Fixture(), tc.id))
			s := openFixture(t, open)
			res := mustApply(t, s, care.Batch{DeleteNodes: []care.DeleteNode{{ID: tc.id, Cascade: true}}})
			if wantRes := (care.ApplyResult{Removed: tc.removed, Deleted: 1}); res != wantRes {
				t.Errorf("Apply = %+v, want %+v", res, wantRes)
			}
			assertState(t, "after the cascade", dump(t, s), want)
			if _, err := s.Node(t.Context(), tc.id); care.ErrorCode(err) != care.NotFound {
				t.Errorf("Node(%s) after its deletion: %v, want NotFound", tc.id, err)
			}
			if _, err := s.Relationships(t.Context(), care.RelQuery{Node: tc.id, Window: care.Always}); care.ErrorCode(err) != care.NotFound {
				t.Errorf("Relationships(%s) after its deletion: %v, want NotFound", tc.id, err)
			}
		})
	}
	t.Run("Referenced", func(t *testing.T) {
		s := openFixture(t, open)
		before := dump(t, s)
		for _, id := range []string{"pr-patel", "o-hospital", "p-bob", "c-nei"} {
			_, err := s.Apply(t.Context(), care.Batch{DeleteNodes: []care.DeleteNode{{ID: id}}})
			if wantCode(t, err, care.Conflict) {
				wantMention(t, err, id)
			}
		}
		assertState(t, "after refused deletes", dump(t, s), before)
	})
	t.Run("Unreferenced", func(t *testing.T) {
		s := openFixture(t, open)
		mustApply(t, s, care.Batch{Nodes: []care.Node{{ID: "o-new", Kind: care.KindOrganisation, Name: "New Org"}}})
		res := mustApply(t, s, care.Batch{DeleteNodes: []care.DeleteNode{{ID: "o-new"}, {ID: "p-cyd"}}})
		if res != (care.ApplyResult{Deleted: 2}) {
			t.Errorf("Apply = %+v, want Deleted 2", res)
		}
		want := stateOf(t, open, withoutNode(Fixture(), "p-cyd"))
		assertState(t, "after deleting unreferenced nodes", dump(t, s), want)
		page, err := s.ListNodes(t.Context(), care.NodeQuery{Kinds: []care.Kind{care.KindPerson}})
		if err != nil {
			t.Fatalf("ListNodes: %v", err)
		}
		equalIDs(t, "people left", nodeIDs(page.Nodes), []string{"p-ada", "p-bob"})
	})
	t.Run("RemoveThenDelete", func(t *testing.T) {
		// The steps run in order: removals come before node deletes, so
		// a batch may clear a node's references and then delete it.
		s := openFixture(t, open)
		fx := newFixture()
		res := mustApply(t, s, care.Batch{
			RemoveRelationships: []string{fx.rel(care.WorksIn, "pr-social", "o-social").ID, "l-social-hospital"},
			DeleteReferrals:     []string{"r2"},
			DeleteNodes:         []care.DeleteNode{{ID: "o-social"}},
		})
		if want := (care.ApplyResult{Removed: 3, Deleted: 1}); res != want {
			t.Errorf("Apply = %+v, want %+v", res, want)
		}
		assertState(t, "after removing and deleting", dump(t, s), stateOf(t, open, withoutNode(Fixture(), "o-social")))
	})
	t.Run("IDReuse", func(t *testing.T) {
		s := openFixture(t, open)
		carer := care.Node{ID: "p-cyd", Kind: care.KindCarer, Name: "Cyd Carer"}
		_, err := s.Apply(t.Context(), care.Batch{Nodes: []care.Node{carer}})
		wantProblem(t, err, "nodes[0].id")
		mustApply(t, s, care.Batch{DeleteNodes: []care.DeleteNode{{ID: "p-cyd"}}})
		mustApply(t, s, care.Batch{Nodes: []care.Node{carer}})
		if n, err := s.Node(t.Context(), "p-cyd"); err != nil || n != carer {
			t.Errorf("Node(p-cyd) = %+v, %v; want the carer", n, err)
		}
		if _, err := s.Web(t.Context(), "p-cyd", care.Always); care.ErrorCode(err) != care.NotFound {
			t.Errorf("Web of a former person now a carer: %v, want NotFound", err)
		}
	})
	t.Run("RemoveRelationship", func(t *testing.T) {
		s := openFixture(t, open)
		res := mustApply(t, s, care.Batch{RemoveRelationships: []string{"l-nurse-social"}})
		if res != (care.ApplyResult{Removed: 1}) {
			t.Errorf("Apply = %+v, want Removed 1", res)
		}
		// History is lost: no window finds it.
		rels, err := s.Relationships(t.Context(), care.RelQuery{Node: "pr-social", Types: []care.RelType{care.LinkedTo}, Window: care.Always})
		if err != nil {
			t.Fatalf("Relationships: %v", err)
		}
		equalIDs(t, "pr-social's links", relIDs(rels), []string{"l-social-surgery"})
		_, err = s.Apply(t.Context(), care.Batch{RemoveRelationships: []string{"l-nurse-social"}})
		if wantCode(t, err, care.NotFound) {
			wantMention(t, err, "l-nurse-social")
		}
	})
	t.Run("ContactsAndReferrals", func(t *testing.T) {
		s := openFixture(t, open)
		res := mustApply(t, s, care.Batch{DeleteContacts: []string{"k01", "k10"}, DeleteReferrals: []string{"r9"}})
		if res != (care.ApplyResult{Removed: 3}) {
			t.Errorf("Apply = %+v, want Removed 3", res)
		}
		fx := newFixture()
		ada, err := s.Contacts(t.Context(), care.EventQuery{Person: "p-ada", Window: care.Always})
		if err != nil {
			t.Fatalf("Contacts: %v", err)
		}
		equalContacts(t, "p-ada's contacts", ada.Contacts, fx.contactList("k02", "k03", "k04", "k05", "k08", "k06", "k07", "k00"))
		bob, err := s.Contacts(t.Context(), care.EventQuery{Person: "p-bob", Window: care.Always})
		if err != nil || len(bob.Contacts) != 0 || bob.Info.TotalCount != 0 {
			t.Errorf("p-bob's contacts = %+v, %v; want none", bob, err)
		}
		refs, err := s.Referrals(t.Context(), care.EventQuery{Person: "p-bob", Window: care.Always})
		if err != nil || len(refs.Referrals) != 0 {
			t.Errorf("p-bob's referrals = %+v, %v; want none", refs, err)
		}
		web, err := s.Web(t.Context(), "p-bob", asOf(2012, 6, 1))
		if err != nil {
			t.Fatalf("Web: %v", err)
		}
		if len(web.Members) != 1 || web.Members[0].Contacts != 0 {
			t.Errorf("p-bob's web on 1 June 2012 = %+v, want pr-other with no contacts", web.Members)
		}
		// A contact recorded and deleted in one batch leaves nothing.
		res = mustApply(t, s, care.Batch{
			Contacts:       []care.Contact{{ID: "k-new", Person: "p-ada", Professional: "pr-green", At: time.Date(2024, 9, 1, 0, 0, 0, 0, time.UTC)}},
			DeleteContacts: []string{"k-new"},
		})
		if res != (care.ApplyResult{Contacts: 1, Removed: 1}) {
			t.Errorf("Apply = %+v, want Contacts 1, Removed 1", res)
		}
		ada, err = s.Contacts(t.Context(), care.EventQuery{Person: "p-ada", Window: care.Always})
		if err != nil || ada.Info.TotalCount != 8 {
			t.Errorf("p-ada has %d contacts (%v), want 8", ada.Info.TotalCount, err)
		}
	})
}

func testCursorsStable(t *testing.T, open func(t *testing.T) care.Store) {
	s := openFixture(t, open)
	q := care.NodeQuery{Kinds: []care.Kind{care.KindProfessional}, Page: care.Page{First: 3}}
	p1, err := s.ListNodes(t.Context(), q)
	if err != nil {
		t.Fatalf("ListNodes: %v", err)
	}
	equalIDs(t, "page 1", nodeIDs(p1.Nodes), []string{"pr-green", "pr-nurse", "pr-other"})
	// Insert before the page and after its end, and delete the node the
	// end cursor names: the cursor still resumes right after its key.
	mustApply(t, s, care.Batch{
		Nodes: []care.Node{
			{ID: "pr-aaa", Kind: care.KindProfessional, Name: "First", Role: care.RoleGP},
			{ID: "pr-p", Kind: care.KindProfessional, Name: "Between", Role: care.RoleGP},
		},
		DeleteNodes: []care.DeleteNode{{ID: "pr-other", Cascade: true}},
	})
	q.Page.After = p1.Info.EndCursor
	p2, err := s.ListNodes(t.Context(), q)
	if err != nil {
		t.Fatalf("ListNodes after changes: %v", err)
	}
	equalIDs(t, "page 2", nodeIDs(p2.Nodes), []string{"pr-p", "pr-patel", "pr-social"})
	if !p2.Info.HasPreviousPage || p2.Info.HasNextPage || p2.Info.TotalCount != 6 {
		t.Errorf("page 2 info = %+v, want a previous page, no next, total 6", p2.Info)
	}
}

func testTimestamps(t *testing.T, open func(t *testing.T) care.Store) {
	// The contract keeps nanoseconds: both stores can (see the package doc).
	s := openFixture(t, open)
	times := []time.Time{
		time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2199, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(2024, 2, 29, 12, 34, 56, 123456789, time.FixedZone("IST", 5*3600+1800)),
		time.Date(2024, 10, 27, 1, 30, 0, 1, time.FixedZone("BST", 3600)),
		time.Date(2024, 6, 1, 0, 0, 0, 1000, time.UTC),    // a microsecond
		time.Date(2024, 6, 1, 0, 0, 0, 1000000, time.UTC), // a millisecond
		time.Now(), // with a monotonic reading and the local zone
	}
	var b care.Batch
	for i, at := range times {
		b.Contacts = append(b.Contacts, care.Contact{ID: fmt.Sprintf("kt%d", i), Person: "p-cyd", Professional: "pr-green", At: at, Mode: care.ModePhone})
		b.Referrals = append(b.Referrals, care.Referral{ID: fmt.Sprintf("rt%d", i), Person: "p-cyd", From: "pr-green", To: "o-hospital", At: at})
	}
	mustApply(t, s, b)
	contacts, err := s.Contacts(t.Context(), care.EventQuery{Person: "p-cyd", Window: care.Always})
	if err != nil {
		t.Fatalf("Contacts: %v", err)
	}
	referrals, err := s.Referrals(t.Context(), care.EventQuery{Person: "p-cyd", Window: care.Always})
	if err != nil {
		t.Fatalf("Referrals: %v", err)
	}
	got := map[string]time.Time{}
	for _, c := range contacts.Contacts {
		got[c.ID] = c.At
	}
	for _, r := range referrals.Referrals {
		got[r.ID] = r.At
	}
	for i, at := range times {
		for _, id := range []string{fmt.Sprintf("kt%d", i), fmt.Sprintf("rt%d", i)} {
			if g, ok := got[id]; !ok {
				t.Errorf("%s missing", id)
			} else if !sameInstant(g, at) || g.Nanosecond() != at.Nanosecond() {
				t.Errorf("%s at %s, want %s exactly, in UTC", id, fmtTime(g), at.UTC().Format(time.RFC3339Nano))
			}
		}
	}
	for i := 1; i < len(contacts.Contacts); i++ {
		if contacts.Contacts[i].Less(contacts.Contacts[i-1]) {
			t.Errorf("contacts out of order at %d", i)
		}
	}
}

func testConcurrent(t *testing.T, open func(t *testing.T) care.Store) {
	s := openFixture(t, open)
	const writers, batches, perBatch = 8, 5, 10
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	errs := make(chan error, writers*batches+64)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			pro := fmt.Sprintf("pr-w%d", w)
			for j := range batches {
				person := fmt.Sprintf("p-w%d-%d", w, j)
				b := care.Batch{
					Nodes: []care.Node{
						{ID: person, Kind: care.KindPerson, Name: "Person " + person},
						{ID: pro, Kind: care.KindProfessional, Name: "Pro " + pro, Role: care.RoleGP},
						// Every writer upserts the same organisation and link.
						{ID: "o-shared", Kind: care.KindOrganisation, Name: fmt.Sprintf("Shared %d", w), Sector: care.SectorVoluntary},
					},
					Relationships: []care.Relationship{
						{Type: care.InvolvedIn, From: pro, To: person, Span: care.Always},
						{Type: care.WorksIn, From: pro, To: "o-shared", Span: care.Always},
						{ID: "l-shared", Type: care.LinkedTo, From: "o-shared", To: "o-surgery", Span: care.Always, Channel: fmt.Sprint(w)},
					},
				}
				for k := range perBatch {
					b.Contacts = append(b.Contacts, care.Contact{ID: fmt.Sprintf("k-w%d-%d-%d", w, j, k), Person: person, Professional: pro,
						Organisation: "o-shared", At: base.Add(time.Duration(k) * time.Hour)})
				}
				if _, err := s.Apply(t.Context(), b); err != nil {
					errs <- fmt.Errorf("writer %d batch %d: %w", w, j, err)
				}
			}
		})
	}
	// Readers run alongside; what the writers do not touch must not move.
	for r := range 2 {
		wg.Go(func() {
			for i := range 20 {
				web, err := s.Web(t.Context(), "p-ada", care.Always)
				if err != nil {
					errs <- fmt.Errorf("reader %d: Web: %w", r, err)
					return
				}
				if len(web.Members) != 6 {
					errs <- fmt.Errorf("reader %d, read %d: p-ada's web has %d members during writes, want 6", r, i, len(web.Members))
				}
				if _, err := s.ListNodes(t.Context(), care.NodeQuery{Kinds: []care.Kind{care.KindPerson}, Page: care.Page{Last: 5}}); err != nil {
					errs <- fmt.Errorf("reader %d: ListNodes: %w", r, err)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	count := func(k care.Kind) int {
		page, err := s.ListNodes(t.Context(), care.NodeQuery{Kinds: []care.Kind{k}, Page: care.Page{First: 1}})
		if err != nil {
			t.Fatalf("ListNodes: %v", err)
		}
		return page.Info.TotalCount
	}
	if got, want := count(care.KindPerson), 3+writers*batches; got != want {
		t.Errorf("%d people, want %d", got, want)
	}
	if got, want := count(care.KindProfessional), 5+writers; got != want {
		t.Errorf("%d professionals, want %d", got, want)
	}
	shared, err := s.Node(t.Context(), "o-shared")
	if err != nil {
		t.Fatalf("Node(o-shared): %v", err)
	}
	var w int
	if _, err := fmt.Sscanf(shared.Name, "Shared %d", &w); err != nil || w < 0 || w >= writers {
		t.Errorf("o-shared is named %q, want one writer's name", shared.Name)
	}
	rels, err := s.Relationships(t.Context(), care.RelQuery{Node: "o-shared", Window: care.Always})
	if err != nil {
		t.Fatalf("Relationships: %v", err)
	}
	if len(rels) != writers+1 {
		t.Errorf("o-shared has %d relationships, want %d WORKS_IN and one LINKED_TO", len(rels), writers)
	}
	if !slices.ContainsFunc(rels, func(r care.Relationship) bool { return r.ID == "l-shared" }) {
		t.Errorf("o-shared's relationships %q lack l-shared", relIDs(rels))
	}
	people, contacts := 0, 0
	err = s.EachPerson(t.Context(), func(p *care.PersonRecord) error {
		people++
		contacts += len(p.Contacts)
		if strings.HasPrefix(p.Person.ID, "p-w") {
			if len(p.Contacts) != perBatch || len(p.Relationships) != 1 {
				t.Errorf("%s has %d contacts and %d relationships, want %d and 1", p.Person.ID, len(p.Contacts), len(p.Relationships), perBatch)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("EachPerson: %v", err)
	}
	if people != 3+writers*batches || contacts != fixtureContacts+writers*batches*perBatch {
		t.Errorf("EachPerson saw %d people with %d contacts, want %d with %d", people, contacts, 3+writers*batches, fixtureContacts+writers*batches*perBatch)
	}
}

package storetest

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/careweb/careweb/internal/care"
)

func testRelationships(t *testing.T, s care.Store, fx fixture) {
	var (
		nurseInvolved = fx.rel(care.InvolvedIn, "pr-nurse", "p-ada")
		nurseWorks    = fx.rel(care.WorksIn, "pr-nurse", "o-community")
		greenNurse    = fx.link("l-green-nurse")
		nurseSocial   = fx.link("l-nurse-social")
		otherBob      = fx.rel(care.InvolvedIn, "pr-other", "p-bob")
		greenBob      = fx.rel(care.InvolvedIn, "pr-green", "p-bob")
		otherWorks    = fx.rel(care.WorksIn, "pr-other", "o-hospital")
	)
	cases := []struct {
		name string
		q    care.RelQuery
		want []care.Relationship
	}{
		// By type name, then start, then id.
		{"AllTypes", care.RelQuery{Node: "pr-nurse", Window: care.Always}, []care.Relationship{nurseInvolved, greenNurse, nurseSocial, nurseWorks}},
		{"Types", care.RelQuery{Node: "pr-nurse", Types: []care.RelType{care.WorksIn, care.InvolvedIn}, Window: care.Always}, []care.Relationship{nurseInvolved, nurseWorks}},
		{"TypesNone", care.RelQuery{Node: "pr-nurse", Types: []care.RelType{care.CaresFor}, Window: care.Always}, nil},
		{"Person", care.RelQuery{Node: "p-ada", Window: care.Always}, []care.Relationship{
			fx.rel(care.CaresFor, "c-dau", "p-ada"), fx.rel(care.CaresFor, "c-nei", "p-ada"),
			fx.rel(care.InvolvedIn, "pr-green", "p-ada"), nurseInvolved, fx.rel(care.InvolvedIn, "pr-social", "p-ada")}},
		{"StartOrder", care.RelQuery{Node: "pr-green", Window: care.Always}, []care.Relationship{
			greenBob, fx.rel(care.InvolvedIn, "pr-green", "p-ada"),
			fx.link("l-green-other"), greenNurse, fx.link("l-dau-green"),
			fx.rel(care.WorksIn, "pr-green", "o-surgery")}},
		// An open start sorts first; its id sorts last.
		{"OpenStartFirst", care.RelQuery{Node: "p-bob", Window: care.Always}, []care.Relationship{otherBob, greenBob}},
		{"AsOf/LastDay", care.RelQuery{Node: "pr-nurse", Window: asOf(2024, 6, 30)}, []care.Relationship{nurseInvolved, greenNurse, nurseWorks}},
		{"AsOf/DayAfter", care.RelQuery{Node: "pr-nurse", Window: asOf(2024, 7, 1)}, []care.Relationship{greenNurse, nurseWorks}},
		{"AsOf/FirstDay", care.RelQuery{Node: "pr-nurse", Window: asOf(2024, 3, 1)}, []care.Relationship{nurseInvolved, greenNurse, nurseSocial, nurseWorks}},
		{"AsOf/DayBefore", care.RelQuery{Node: "pr-nurse", Window: asOf(2023, 12, 31)}, []care.Relationship{greenNurse, nurseWorks}},
		{"Window/Before", care.RelQuery{Node: "pr-nurse", Window: between(2010, 1, 1, 2019, 12, 31)}, nil},
		// A window that cuts a span selects it whole.
		{"Window/Cuts", care.RelQuery{Node: "pr-nurse", Window: between(2024, 3, 31, 2024, 4, 30)}, []care.Relationship{nurseInvolved, greenNurse, nurseSocial, nurseWorks}},
		{"Window/OpenStart", care.RelQuery{Node: "pr-other", Window: asOf(1990, 1, 1)}, []care.Relationship{otherBob, otherWorks}},
		{"Window/AfterOpenStartEnded", care.RelQuery{Node: "pr-other", Window: asOf(2013, 1, 1)}, []care.Relationship{otherWorks}},
		{"Window/FromNoStart", care.RelQuery{Node: "pr-other", Window: care.Window{From: care.NoStart, To: care.MakeDate(2019, 12, 31)}}, []care.Relationship{otherBob, otherWorks}},
		{"Window/ToNoEnd", care.RelQuery{Node: "pr-other", Window: care.Window{From: care.MakeDate(2013, 1, 1), To: care.NoEnd}}, []care.Relationship{fx.link("l-green-other"), otherWorks}},
		{"Organisation", care.RelQuery{Node: "o-hospital", Window: care.Always}, []care.Relationship{fx.link("l-social-hospital"), otherWorks}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Relationships(t.Context(), tc.q)
			if err != nil {
				t.Fatalf("Relationships: %v", err)
			}
			equalRels(t, "relationships", got, tc.want)
		})
	}
	t.Run("NotFound", func(t *testing.T) {
		_, err := s.Relationships(t.Context(), care.RelQuery{Node: "nobody", Window: care.Always})
		wantCode(t, err, care.NotFound)
	})
}

// wantMember is what the suite expects of one member of a web.
type wantMember struct {
	id       string
	rels     []care.Relationship
	worksIn  []care.Relationship
	contacts int
}

func testWeb(t *testing.T, s care.Store, fx fixture) {
	var (
		dau         = fx.rel(care.CaresFor, "c-dau", "p-ada")
		nei         = fx.rel(care.CaresFor, "c-nei", "p-ada")
		green       = fx.rel(care.InvolvedIn, "pr-green", "p-ada")
		nurse       = fx.rel(care.InvolvedIn, "pr-nurse", "p-ada")
		social      = fx.rel(care.InvolvedIn, "pr-social", "p-ada")
		greenWorks  = fx.rel(care.WorksIn, "pr-green", "o-surgery")
		patelWorks  = fx.rel(care.WorksIn, "pr-patel", "o-surgery")
		nurseWorks  = fx.rel(care.WorksIn, "pr-nurse", "o-community")
		socialWorks = fx.rel(care.WorksIn, "pr-social", "o-social")
		one         = func(r care.Relationship) []care.Relationship { return []care.Relationship{r} }
	)
	cases := []struct {
		name    string
		person  string
		w       care.Window
		members []wantMember
		links   []string
		orgs    []string
	}{
		{
			name: "AllTime", person: "p-ada", w: care.Always,
			members: []wantMember{
				{id: "c-dau", rels: one(dau)},
				{id: "c-nei", rels: one(nei)},
				{id: "pr-green", rels: one(green), worksIn: one(greenWorks), contacts: 3},
				{id: "pr-nurse", rels: one(nurse), worksIn: one(nurseWorks), contacts: 3},
				{id: "pr-patel", worksIn: one(patelWorks), contacts: 2}, // through contacts only
				{id: "pr-social", rels: one(social), worksIn: one(socialWorks), contacts: 1},
			},
			// Not l-green-other (pr-other is not in this web) nor
			// l-social-surgery (a professional to an organisation).
			links: []string{"l-dau-green", "l-green-nurse", "l-nurse-social", "l-social-hospital", "l-surgery-community"},
			// o-hospital only through contact k06.
			orgs: []string{"o-community", "o-hospital", "o-social", "o-surgery"},
		},
		{
			name: "AsOf/March", person: "p-ada", w: asOf(2024, 3, 20),
			members: []wantMember{
				{id: "c-dau", rels: one(dau)},
				{id: "pr-green", rels: one(green), worksIn: one(greenWorks)},
				{id: "pr-nurse", rels: one(nurse), worksIn: one(nurseWorks)},
				{id: "pr-social", rels: one(social), worksIn: one(socialWorks)},
			},
			links: []string{"l-dau-green", "l-green-nurse", "l-nurse-social", "l-surgery-community"},
			orgs:  []string{"o-community", "o-social", "o-surgery"},
		},
		{
			// pr-social no longer works in o-social, so o-social and its
			// link to the hospital leave the web; the hospital comes in
			// through the day's contact.
			name: "AsOf/May", person: "p-ada", w: asOf(2024, 5, 10),
			members: []wantMember{
				{id: "c-dau", rels: one(dau)},
				{id: "pr-green", rels: one(green), worksIn: one(greenWorks)},
				{id: "pr-nurse", rels: one(nurse), worksIn: one(nurseWorks), contacts: 1},
				{id: "pr-social", rels: one(social)},
			},
			links: []string{"l-dau-green", "l-green-nurse", "l-surgery-community"},
			orgs:  []string{"o-community", "o-hospital", "o-surgery"},
		},
		{
			// The window cuts pr-nurse's INVOLVED_IN, which comes back whole.
			name: "WindowCutsSpan", person: "p-ada", w: between(2024, 6, 15, 2024, 7, 20),
			members: []wantMember{
				{id: "c-dau", rels: one(dau)},
				{id: "pr-green", rels: one(green), worksIn: one(greenWorks), contacts: 1},
				{id: "pr-nurse", rels: one(nurse), worksIn: one(nurseWorks), contacts: 1},
				{id: "pr-social", rels: one(social)},
			},
			links: []string{"l-dau-green", "l-green-nurse", "l-surgery-community"},
			orgs:  []string{"o-community", "o-surgery"},
		},
		{
			// After the INVOLVED_IN ended, pr-nurse is a member through a
			// contact only.
			name: "ContactAfterEnd", person: "p-ada", w: between(2024, 7, 1, 2024, 7, 31),
			members: []wantMember{
				{id: "c-dau", rels: one(dau)},
				{id: "pr-green", rels: one(green), worksIn: one(greenWorks)},
				{id: "pr-nurse", worksIn: one(nurseWorks), contacts: 1},
				{id: "pr-social", rels: one(social)},
			},
			links: []string{"l-dau-green", "l-green-nurse", "l-surgery-community"},
			orgs:  []string{"o-community", "o-surgery"},
		},
		{
			name: "Year2023", person: "p-ada", w: between(2023, 1, 1, 2023, 12, 31),
			members: []wantMember{
				{id: "c-dau", rels: one(dau)},
				{id: "c-nei", rels: one(nei)},
				{id: "pr-green", rels: one(green), worksIn: one(greenWorks)},
			},
			orgs: []string{"o-surgery"},
		},
		{
			name: "BeforeAnything", person: "p-ada", w: between(2000, 1, 1, 2000, 12, 31),
		},
		{
			name: "OtherPerson", person: "p-bob", w: care.Always,
			members: []wantMember{
				{id: "pr-green", rels: one(fx.rel(care.InvolvedIn, "pr-green", "p-bob")), worksIn: one(greenWorks)},
				{id: "pr-other", rels: one(fx.rel(care.InvolvedIn, "pr-other", "p-bob")), worksIn: one(fx.rel(care.WorksIn, "pr-other", "o-hospital")), contacts: 1},
			},
			links: []string{"l-green-other"},
			orgs:  []string{"o-hospital", "o-surgery"},
		},
		{
			name: "OtherPerson/AsOf", person: "p-bob", w: asOf(2012, 6, 1),
			members: []wantMember{
				{id: "pr-other", rels: one(fx.rel(care.InvolvedIn, "pr-other", "p-bob")), worksIn: one(fx.rel(care.WorksIn, "pr-other", "o-hospital")), contacts: 1},
			},
			orgs: []string{"o-hospital"},
		},
		{name: "Alone", person: "p-cyd", w: care.Always},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			web, err := s.Web(t.Context(), tc.person, tc.w)
			if err != nil {
				t.Fatalf("Web(%s, %s): %v", tc.person, fmtSpan(tc.w), err)
			}
			if web.Person != fx.node(tc.person) {
				t.Errorf("Person = %+v, want %+v", web.Person, fx.node(tc.person))
			}
			if web.Window != tc.w {
				t.Errorf("Window = %s, want %s", fmtSpan(web.Window), fmtSpan(tc.w))
			}
			got := make([]string, len(web.Members))
			for i, m := range web.Members {
				got[i] = m.Node.ID
			}
			want := make([]string, len(tc.members))
			for i, m := range tc.members {
				want[i] = m.id
			}
			equalIDs(t, "members", got, want)
			if slices.Equal(got, want) {
				for i, m := range web.Members {
					wm := tc.members[i]
					if m.Node != fx.node(wm.id) {
						t.Errorf("member %s node = %+v, want %+v", wm.id, m.Node, fx.node(wm.id))
					}
					equalRels(t, "member "+wm.id+" relationships", m.Relationships, wm.rels)
					equalRels(t, "member "+wm.id+" worksIn", m.WorksIn, wm.worksIn)
					if m.Contacts != wm.contacts {
						t.Errorf("member %s contacts = %d, want %d", wm.id, m.Contacts, wm.contacts)
					}
					if wantCoord := wm.id == "pr-nurse" && len(wm.rels) > 0; m.Coordinator() != wantCoord {
						t.Errorf("member %s coordinator = %t, want %t", wm.id, m.Coordinator(), wantCoord)
					}
				}
			}
			equalIDs(t, "links", relIDs(web.Links), tc.links)
			for _, l := range web.Links {
				if want := fx.link(l.ID); l != want {
					t.Errorf("link = %s, want %s", fmtRel(l), fmtRel(want))
				}
			}
			equalIDs(t, "organisations", nodeIDs(web.Organisations), tc.orgs)
			for _, o := range web.Organisations {
				if o != fx.node(o.ID) {
					t.Errorf("organisation = %+v, want %+v", o, fx.node(o.ID))
				}
			}
		})
	}
	for _, id := range []string{"nobody", "c-dau", "pr-green", "o-surgery"} {
		t.Run("NotFound/"+id, func(t *testing.T) {
			_, err := s.Web(t.Context(), id, care.Always)
			wantCode(t, err, care.NotFound)
		})
	}
}

func testEachPerson(t *testing.T, s care.Store, fx fixture) {
	var got []care.PersonRecord
	err := s.EachPerson(t.Context(), func(p *care.PersonRecord) error {
		// The record is only valid during the call: keep a deep copy.
		got = append(got, care.PersonRecord{
			Person:        p.Person,
			Relationships: slices.Clone(p.Relationships),
			Contacts:      slices.Clone(p.Contacts),
			Referrals:     slices.Clone(p.Referrals),
		})
		return nil
	})
	if err != nil {
		t.Fatalf("EachPerson: %v", err)
	}
	want := []care.PersonRecord{
		{
			Person: fx.node("p-ada"),
			Relationships: []care.Relationship{
				fx.rel(care.CaresFor, "c-dau", "p-ada"), fx.rel(care.CaresFor, "c-nei", "p-ada"),
				fx.rel(care.InvolvedIn, "pr-green", "p-ada"), fx.rel(care.InvolvedIn, "pr-nurse", "p-ada"), fx.rel(care.InvolvedIn, "pr-social", "p-ada"),
			},
			Contacts:  fx.contactList("k01", "k02", "k03", "k04", "k05", "k08", "k06", "k07", "k00"),
			Referrals: fx.referralList("r1", "r0", "r2", "r3"),
		},
		{
			Person:        fx.node("p-bob"),
			Relationships: []care.Relationship{fx.rel(care.InvolvedIn, "pr-other", "p-bob"), fx.rel(care.InvolvedIn, "pr-green", "p-bob")},
			Contacts:      fx.contactList("k10"),
			Referrals:     fx.referralList("r9"),
		},
		{Person: fx.node("p-cyd")},
	}
	ids := make([]string, len(got))
	for i, r := range got {
		ids[i] = r.Person.ID
	}
	equalIDs(t, "people", ids, []string{"p-ada", "p-bob", "p-cyd"})
	for i := range min(len(got), len(want)) {
		g, w := got[i], want[i]
		if g.Person != w.Person {
			t.Errorf("person %d = %+v, want %+v", i, g.Person, w.Person)
		}
		equalRels(t, w.Person.ID+" relationships", g.Relationships, w.Relationships)
		equalContacts(t, w.Person.ID+" contacts", g.Contacts, w.Contacts)
		equalReferrals(t, w.Person.ID+" referrals", g.Referrals, w.Referrals)
	}

	t.Run("ErrorStops", func(t *testing.T) {
		calls := 0
		err := s.EachPerson(t.Context(), func(*care.PersonRecord) error {
			calls++
			if calls == 2 {
				return errStop
			}
			return nil
		})
		if !errors.Is(err, errStop) {
			t.Errorf("EachPerson returned %v, want the error fn returned", err)
		}
		if calls != 2 {
			t.Errorf("fn called %d times after returning an error on call 2", calls)
		}
	})
}

func testServices(t *testing.T, s care.Store, fx fixture) {
	svc, err := s.Services(t.Context())
	if err != nil {
		t.Fatalf("Services: %v", err)
	}
	var wantNodes []string
	for _, id := range fx.allNodeIDs() {
		if fx.node(id).Kind != care.KindPerson {
			wantNodes = append(wantNodes, id)
		}
	}
	equalNodes(t, "nodes", svc.Nodes, fx.nodeList(wantNodes...))
	var wantRels []care.Relationship
	for _, r := range fx.rels {
		if r.Type == care.WorksIn || r.Type == care.LinkedTo {
			wantRels = append(wantRels, r)
		}
	}
	slices.SortFunc(wantRels, func(a, b care.Relationship) int { return strings.Compare(a.ID, b.ID) })
	equalRels(t, "relationships", svc.Relationships, wantRels)
}

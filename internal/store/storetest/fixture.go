package storetest

import (
	"fmt"
	"slices"
	"time"

	"github.com/careweb/careweb/internal/care"
)

// Fixture returns the hand-built web the suite reads: one person at the
// centre (p-ada) with two carers and four professionals in three
// organisations of different sectors, a fourth organisation (a hospital)
// met only through a contact and a referral, and two more people (p-bob,
// looked after by a fifth professional; p-cyd, with nothing recorded).
//
// The shapes are chosen so that a store that gets a rule slightly wrong
// returns a different answer: open-started and ended spans, a carer whose
// care ended, a professional who is a member only through contacts, a
// professional whose WORKS_IN ends before their INVOLVED_IN does, links of
// every pairing (carer–professional, professional–professional,
// organisation–organisation, professional–organisation, and to a
// non-member), contacts sharing a timestamp, a contact given in a non-UTC
// zone that falls on the previous UTC day, nanosecond timestamps, names
// that sort differently by id, by byte and by folded case.
//
// The relationships to people and WORKS_IN are written without ids, so
// their ids are derived (care.RelationshipID); LINKED_TO carry their own.
// A fresh copy is returned on every call.
func Fixture() care.Batch {
	d := care.MakeDate
	at := func(s string) time.Time {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			panic(fmt.Sprintf("storetest: bad fixture time %q: %v", s, err)) // a typo in this file, not input
		}
		return t
	}
	return care.Batch{
		Nodes: []care.Node{
			{ID: "p-ada", Kind: care.KindPerson, Name: "Ada Lovelace", Locality: "Riverside"},
			{ID: "p-bob", Kind: care.KindPerson, Name: "Bob Hale", Locality: "Hillside"},
			{ID: "p-cyd", Kind: care.KindPerson, Name: "bob hale"},
			{ID: "c-dau", Kind: care.KindCarer, Name: "Carol Daughter", Locality: "Riverside"},
			{ID: "c-nei", Kind: care.KindCarer, Name: "Dan Neighbour"},
			{ID: "o-surgery", Kind: care.KindOrganisation, Name: "Riverside Surgery", Sector: care.SectorPrimaryCare, Locality: "Riverside"},
			{ID: "o-community", Kind: care.KindOrganisation, Name: "County Community Health", Sector: care.SectorCommunityHealth},
			{ID: "o-social", Kind: care.KindOrganisation, Name: "City Social Services", Sector: care.SectorSocialCare},
			{ID: "o-hospital", Kind: care.KindOrganisation, Name: "General Hospital", Sector: care.SectorSecondaryCare},
			{ID: "pr-green", Kind: care.KindProfessional, Name: "Dr Grace Green", Role: care.RoleGP},
			{ID: "pr-patel", Kind: care.KindProfessional, Name: "Priya Patel", Role: care.RolePracticeNurse},
			{ID: "pr-nurse", Kind: care.KindProfessional, Name: "Nina Okafor", Role: care.RoleDistrictNurse},
			{ID: "pr-social", Kind: care.KindProfessional, Name: "Sam Reyes", Role: care.RoleSocialWorker},
			{ID: "pr-other", Kind: care.KindProfessional, Name: "Xavier Quinn", Role: care.RoleConsultant},
		},
		Relationships: []care.Relationship{
			{Type: care.CaresFor, From: "c-dau", To: "p-ada", Span: care.Span{From: d(2020, 1, 1), To: care.NoEnd}, Relation: "daughter", Consent: true},
			{Type: care.CaresFor, From: "c-nei", To: "p-ada", Span: care.Span{From: d(2023, 1, 1), To: d(2023, 12, 31)}, Relation: "neighbour"},
			{Type: care.InvolvedIn, From: "pr-green", To: "p-ada", Span: care.Span{From: d(2019, 4, 1), To: care.NoEnd}, Role: "GP"},
			{Type: care.InvolvedIn, From: "pr-nurse", To: "p-ada", Span: care.Span{From: d(2024, 1, 1), To: d(2024, 6, 30)}, Role: "district nurse", Coordinator: true},
			{Type: care.InvolvedIn, From: "pr-social", To: "p-ada", Span: care.Span{From: d(2024, 2, 1), To: care.NoEnd}, Role: "social worker"},
			{Type: care.InvolvedIn, From: "pr-other", To: "p-bob", Span: care.Span{From: care.NoStart, To: d(2012, 12, 31)}, Role: "consultant"},
			{Type: care.InvolvedIn, From: "pr-green", To: "p-bob", Span: care.Span{From: d(2013, 1, 1), To: care.NoEnd}, Role: "GP"},
			{Type: care.WorksIn, From: "pr-green", To: "o-surgery", Span: care.Span{From: d(2015, 1, 1), To: care.NoEnd}},
			{Type: care.WorksIn, From: "pr-patel", To: "o-surgery", Span: care.Span{From: d(2023, 6, 1), To: d(2024, 2, 29)}},
			{Type: care.WorksIn, From: "pr-nurse", To: "o-community", Span: care.Span{From: d(2020, 1, 1), To: care.NoEnd}},
			{Type: care.WorksIn, From: "pr-social", To: "o-social", Span: care.Span{From: d(2018, 1, 1), To: d(2024, 3, 31)}},
			{Type: care.WorksIn, From: "pr-other", To: "o-hospital", Span: care.Always},
			{ID: "l-green-nurse", Type: care.LinkedTo, From: "pr-green", To: "pr-nurse", Span: care.Span{From: d(2022, 1, 1), To: care.NoEnd}, Channel: "shared_record"},
			{ID: "l-surgery-community", Type: care.LinkedTo, From: "o-surgery", To: "o-community", Span: care.Span{From: d(2021, 1, 1), To: care.NoEnd}, Channel: "regular_meeting"},
			{ID: "l-nurse-social", Type: care.LinkedTo, From: "pr-nurse", To: "pr-social", Span: care.Span{From: d(2024, 3, 1), To: d(2024, 3, 31)}, Channel: "named_liaison"},
			{ID: "l-green-other", Type: care.LinkedTo, From: "pr-green", To: "pr-other", Span: care.Span{From: d(2020, 1, 1), To: care.NoEnd}},
			{ID: "l-dau-green", Type: care.LinkedTo, From: "c-dau", To: "pr-green", Span: care.Span{From: d(2024, 1, 1), To: care.NoEnd}, Channel: "named_liaison"},
			{ID: "l-social-surgery", Type: care.LinkedTo, From: "pr-social", To: "o-surgery", Span: care.Span{From: d(2024, 1, 1), To: care.NoEnd}},
			{ID: "l-social-hospital", Type: care.LinkedTo, From: "o-social", To: "o-hospital", Span: care.Span{From: d(2024, 1, 1), To: care.NoEnd}},
		},
		Contacts: []care.Contact{
			{ID: "k01", Person: "p-ada", Professional: "pr-green", Organisation: "o-surgery", At: at("2024-01-10T09:00:00Z"), Mode: care.ModeFaceToFace, Setting: "clinic"},
			{ID: "k02", Person: "p-ada", Professional: "pr-patel", At: at("2024-01-10T09:00:00Z"), Mode: care.ModeFaceToFace, Setting: "clinic"},
			{ID: "k03", Person: "p-ada", Professional: "pr-nurse", Organisation: "o-community", At: at("2024-02-05T14:30:15.123456789Z"), Mode: care.ModeHomeVisit, Setting: "home"},
			{ID: "k04", Person: "p-ada", Professional: "pr-social", At: at("2024-03-15T23:59:59.999999999Z"), Mode: care.ModePhone},
			{ID: "k05", Person: "p-ada", Professional: "pr-green", At: at("2024-03-16T00:00:00Z"), Mode: care.ModeVideo},
			{ID: "k06", Person: "p-ada", Professional: "pr-nurse", Organisation: "o-hospital", At: at("2024-05-10T10:00:00Z"), Mode: care.ModeFaceToFace, Setting: "ward"},
			{ID: "k07", Person: "p-ada", Professional: "pr-green", Organisation: "o-surgery", At: at("2024-06-30T12:00:00Z"), Mode: care.ModeFaceToFace, Setting: "clinic"},
			// 01:30 on 1 April in UTC+2 is 23:30 on 31 March in UTC: the
			// contact's day is 31 March.
			{ID: "k08", Person: "p-ada", Professional: "pr-patel", At: at("2024-04-01T01:30:00+02:00"), Mode: care.ModePhone},
			// The smallest id but the latest time; no mode (normalised to "other").
			{ID: "k00", Person: "p-ada", Professional: "pr-nurse", At: at("2024-07-15T08:00:00Z")},
			{ID: "k10", Person: "p-bob", Professional: "pr-other", Organisation: "o-hospital", At: at("2012-06-01T10:00:00Z"), Mode: care.ModeFaceToFace, Setting: "outpatients"},
		},
		Referrals: []care.Referral{
			{ID: "r1", Person: "p-ada", From: "pr-green", To: "pr-nurse", At: at("2024-01-20T11:00:00Z"), Reason: "leg ulcer dressing"},
			{ID: "r2", Person: "p-ada", From: "o-surgery", To: "o-social", At: at("2024-02-01T09:15:00Z"), Reason: "social care assessment"},
			{ID: "r3", Person: "p-ada", From: "pr-nurse", To: "o-hospital", At: at("2024-05-09T16:45:00.5Z"), Reason: "wound review"},
			{ID: "r0", Person: "p-ada", From: "pr-green", To: "pr-social", At: at("2024-02-01T09:15:00Z"), Reason: "carer strain"},
			{ID: "r9", Person: "p-bob", From: "pr-other", To: "o-hospital", At: at("2012-05-01T08:00:00Z")},
		},
	}
}

// The fixture's size, for tests that count.
const (
	fixtureNodes         = 14
	fixtureRelationships = 19
	fixtureContacts      = 10
	fixtureReferrals     = 5
)

// fixture is the normalised Fixture, indexed, so that tests state what
// they expect by id and compare whole records.
type fixture struct {
	nodes     map[string]care.Node
	rels      []care.Relationship
	contacts  map[string]care.Contact
	referrals map[string]care.Referral
}

func newFixture() fixture {
	b := Fixture()
	b.Normalise()
	f := fixture{
		nodes:     map[string]care.Node{},
		rels:      b.Relationships,
		contacts:  map[string]care.Contact{},
		referrals: map[string]care.Referral{},
	}
	for _, n := range b.Nodes {
		f.nodes[n.ID] = n
	}
	for _, c := range b.Contacts {
		f.contacts[c.ID] = c
	}
	for _, r := range b.Referrals {
		f.referrals[r.ID] = r
	}
	return f
}

// node returns the fixture's node id (a zero Node if the suite names one
// that is not there, which the comparison then reports).
func (f fixture) node(id string) care.Node { return f.nodes[id] }

func (f fixture) nodeList(ids ...string) []care.Node {
	out := make([]care.Node, len(ids))
	for i, id := range ids {
		out[i] = f.nodes[id]
	}
	return out
}

// rel returns the fixture's relationship of type t from one node to another.
func (f fixture) rel(t care.RelType, from, to string) care.Relationship {
	for _, r := range f.rels {
		if r.Type == t && r.From == from && r.To == to {
			return r
		}
	}
	return care.Relationship{ID: fmt.Sprintf("<no %s %s→%s in the fixture>", t, from, to)}
}

// link returns the fixture's LINKED_TO with the given id.
func (f fixture) link(id string) care.Relationship {
	for _, r := range f.rels {
		if r.ID == id {
			return r
		}
	}
	return care.Relationship{ID: "<no " + id + " in the fixture>"}
}

func (f fixture) contactList(ids ...string) []care.Contact {
	out := make([]care.Contact, len(ids))
	for i, id := range ids {
		out[i] = f.contacts[id]
	}
	return out
}

func (f fixture) referralList(ids ...string) []care.Referral {
	out := make([]care.Referral, len(ids))
	for i, id := range ids {
		out[i] = f.referrals[id]
	}
	return out
}

// allNodeIDs returns every fixture node id in byte order.
func (f fixture) allNodeIDs() []string {
	ids := make([]string, 0, len(f.nodes))
	for id := range f.nodes {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

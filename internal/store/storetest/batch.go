package storetest

import (
	"testing"

	"github.com/careweb/careweb/internal/care"
)

// testBatchReads checks the care.BatchReader methods against the
// per-node reads they batch: the same answers, aligned with the ids asked,
// with empty results (not errors) for unknown ids.
func testBatchReads(t *testing.T, s care.Store, fx fixture) {
	br, ok := s.(care.BatchReader)
	if !ok {
		t.Fatal("the store does not implement care.BatchReader")
	}
	ids := append(fx.allNodeIDs(), "no-such-node")
	windows := map[string]care.Window{"Always": care.Always, "AsOf": asOf(2024, 6, 30), "Window": between(2024, 3, 31, 2024, 4, 30)}
	for name, w := range windows {
		t.Run("RelationshipsOf/"+name, func(t *testing.T) {
			for _, types := range [][]care.RelType{nil, {care.WorksIn}, {care.CaresFor, care.InvolvedIn}} {
				got, err := br.RelationshipsOf(t.Context(), ids, types, w)
				if err != nil {
					t.Fatalf("RelationshipsOf: %v", err)
				}
				if len(got) != len(ids) {
					t.Fatalf("RelationshipsOf returned %d lists for %d ids", len(got), len(ids))
				}
				for i, id := range ids {
					want, err := s.Relationships(t.Context(), care.RelQuery{Node: id, Types: types, Window: w})
					if id == "no-such-node" {
						wantCode(t, err, care.NotFound)
						want = nil
					} else if err != nil {
						t.Fatalf("Relationships(%s): %v", id, err)
					}
					equalRels(t, "RelationshipsOf "+id, got[i], want)
				}
			}
		})
	}
	persons := []string{"p-ada", "no-such-node", "p-bob", "p-ada"}
	pages := []care.Page{{}, {First: 1}, {Last: 2}}
	for name, w := range windows {
		for _, p := range pages {
			t.Run("EventsOf/"+name, func(t *testing.T) {
				cs, err := br.ContactsOf(t.Context(), persons, w, p)
				if err != nil {
					t.Fatalf("ContactsOf: %v", err)
				}
				rs, err := br.ReferralsOf(t.Context(), persons, w, p)
				if err != nil {
					t.Fatalf("ReferralsOf: %v", err)
				}
				if len(cs) != len(persons) || len(rs) != len(persons) {
					t.Fatalf("got %d and %d pages for %d persons", len(cs), len(rs), len(persons))
				}
				for i, id := range persons {
					if id == "no-such-node" {
						if len(cs[i].Contacts) != 0 || len(rs[i].Referrals) != 0 || cs[i].Info.TotalCount != 0 {
							t.Fatalf("unknown person has events: %+v %+v", cs[i], rs[i])
						}
						continue
					}
					wc, err := s.Contacts(t.Context(), care.EventQuery{Person: id, Window: w, Page: p})
					if err != nil {
						t.Fatal(err)
					}
					equalContacts(t, "ContactsOf "+id, cs[i].Contacts, wc.Contacts)
					equalIDs(t, "contact cursors", cs[i].Cursors, wc.Cursors)
					if cs[i].Info != wc.Info {
						t.Errorf("ContactsOf %s info %+v, Contacts %+v", id, cs[i].Info, wc.Info)
					}
					wr, err := s.Referrals(t.Context(), care.EventQuery{Person: id, Window: w, Page: p})
					if err != nil {
						t.Fatal(err)
					}
					equalReferrals(t, "ReferralsOf "+id, rs[i].Referrals, wr.Referrals)
					if rs[i].Info != wr.Info {
						t.Errorf("ReferralsOf %s info %+v, Referrals %+v", id, rs[i].Info, wr.Info)
					}
				}
			})
		}
	}
	t.Run("EventsOf/BadPage", func(t *testing.T) {
		_, err := br.ContactsOf(t.Context(), persons, care.Always, care.Page{After: "garbage!"})
		wantCode(t, err, care.Invalid)
	})
	t.Run("Relationship", func(t *testing.T) {
		all, err := s.Relationships(t.Context(), care.RelQuery{Node: "pr-nurse", Window: care.Always})
		if err != nil || len(all) == 0 {
			t.Fatalf("Relationships: %v", err)
		}
		for _, want := range all {
			got, err := br.Relationship(t.Context(), want.ID)
			if err != nil {
				t.Fatalf("Relationship(%s): %v", want.ID, err)
			}
			equalRels(t, "Relationship", []care.Relationship{got}, []care.Relationship{want})
		}
		_, err = br.Relationship(t.Context(), "no-such-relationship")
		wantCode(t, err, care.NotFound)
	})
}

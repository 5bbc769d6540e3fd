package storetest

import (
	"testing"

	"github.com/careweb/careweb/internal/care"
)

// testBatchReads checks the store's care.BatchReader against its Reader:
// each batched answer is the single answer for that id, in the order
// asked (repeats included), and an id that is unknown (or, for events,
// not a person) gets an empty answer instead of an error.
func testBatchReads(t *testing.T, s care.Store, fx fixture) {
	br, ok := s.(care.BatchReader)
	if !ok {
		t.Fatalf("%T does not implement care.BatchReader", s)
	}
	ctx := t.Context()
	windows := []struct {
		name string
		w    care.Window
	}{
		{"Always", care.Always},
		{"AsOf", asOf(2024, 3, 20)},
		{"Window", between(2024, 1, 1, 2024, 5, 31)},
	}
	nodes := append(fx.allNodeIDs(), "no-such-node", "pr-nurse")
	for _, win := range windows {
		for _, types := range [][]care.RelType{nil, {care.WorksIn}, {care.CaresFor, care.InvolvedIn}} {
			t.Run("RelationshipsOf/"+win.name, func(t *testing.T) {
				got, err := br.RelationshipsOf(ctx, nodes, types, win.w)
				if err != nil {
					t.Fatalf("RelationshipsOf: %v", err)
				}
				if len(got) != len(nodes) {
					t.Fatalf("RelationshipsOf returned %d lists for %d ids", len(got), len(nodes))
				}
				for i, id := range nodes {
					want, err := s.Relationships(ctx, care.RelQuery{Node: id, Types: types, Window: win.w})
					if care.ErrorCode(err) == care.NotFound {
						want = nil
					} else if err != nil {
						t.Fatalf("Relationships(%s): %v", id, err)
					}
					equalRels(t, "RelationshipsOf "+id, got[i], want)
				}
			})
		}
	}
	people := []string{"p-bob", "pr-green", "p-ada", "no-such-node", "p-cyd", "p-ada"}
	for _, win := range windows {
		for _, pg := range []care.Page{{}, {First: 2}, {Last: 1}} {
			t.Run("EventsOf/"+win.name, func(t *testing.T) {
				contacts, err := br.ContactsOf(ctx, people, win.w, pg)
				if err != nil {
					t.Fatalf("ContactsOf: %v", err)
				}
				referrals, err := br.ReferralsOf(ctx, people, win.w, pg)
				if err != nil {
					t.Fatalf("ReferralsOf: %v", err)
				}
				if len(contacts) != len(people) || len(referrals) != len(people) {
					t.Fatalf("got %d and %d pages for %d persons", len(contacts), len(referrals), len(people))
				}
				for i, id := range people {
					q := care.EventQuery{Person: id, Window: win.w, Page: pg}
					wantC, err := s.Contacts(ctx, q)
					if care.ErrorCode(err) == care.NotFound {
						wantC = care.ContactPage{}
					} else if err != nil {
						t.Fatalf("Contacts(%s): %v", id, err)
					}
					equalContacts(t, "ContactsOf "+id, contacts[i].Contacts, wantC.Contacts)
					equalIDs(t, "ContactsOf "+id+" cursors", contacts[i].Cursors, wantC.Cursors)
					if contacts[i].Info != wantC.Info {
						t.Errorf("ContactsOf %s info %+v, want %+v", id, contacts[i].Info, wantC.Info)
					}
					wantR, err := s.Referrals(ctx, q)
					if care.ErrorCode(err) == care.NotFound {
						wantR = care.ReferralPage{}
					} else if err != nil {
						t.Fatalf("Referrals(%s): %v", id, err)
					}
					equalReferrals(t, "ReferralsOf "+id, referrals[i].Referrals, wantR.Referrals)
					equalIDs(t, "ReferralsOf "+id+" cursors", referrals[i].Cursors, wantR.Cursors)
					if referrals[i].Info != wantR.Info {
						t.Errorf("ReferralsOf %s info %+v, want %+v", id, referrals[i].Info, wantR.Info)
					}
				}
			})
		}
	}
	t.Run("EventsOf/BadPage", func(t *testing.T) {
		_, err := br.ContactsOf(ctx, people, care.Always, care.Page{After: "%%%"})
		wantProblemSuffix(t, err, "after")
		_, err = br.ReferralsOf(ctx, people, care.Always, care.Page{First: 1, Last: 1})
		wantProblemSuffix(t, err, "last")
	})
	t.Run("Relationship", func(t *testing.T) {
		for _, want := range fx.rels {
			got, err := br.Relationship(ctx, want.ID)
			if err != nil {
				t.Errorf("Relationship(%s): %v", want.ID, err)
			} else if got != want {
				t.Errorf("Relationship(%s) = %s, want %s", want.ID, fmtRel(got), fmtRel(want))
			}
		}
		_, err := br.Relationship(ctx, "no-such-relationship")
		wantCode(t, err, care.NotFound)
	})
}

package storetest

import (
	"testing"

	"github.com/careweb/careweb/internal/care"
)

// Some of the fixture's nodes, out of order, with a repeat and ids of no
// node (or of a contact and a relationship, which are not nodes), and
// their ids by id and by name.
var (
	someIDs    = []string{"pr-social", "c-dau", "nobody", "p-cyd", "o-hospital", "p-ada", "pr-green", "c-dau", "k01", "l-green-nurse", "pr-patel", "o-surgery"}
	someByID   = []string{"c-dau", "o-hospital", "o-surgery", "p-ada", "p-cyd", "pr-green", "pr-patel", "pr-social"}
	someByName = []string{"p-ada", "p-cyd", "c-dau", "pr-green", "o-hospital", "pr-patel", "o-surgery", "pr-social"}
)

// idsCases are testListNodes' cases for NodeQuery.IDs: the list is
// restricted to those nodes before anything else applies, so every
// filter and the order work within the set.
func idsCases(fx fixture) []listCase {
	w := func(win care.Window) *care.Window { return &win }
	some := someIDs
	return []listCase{
		{"IDs/Nil", care.NodeQuery{IDs: nil}, fx.allNodeIDs()},
		{"IDs/Empty", care.NodeQuery{IDs: []string{}}, nil},
		{"IDs/Unknown", care.NodeQuery{IDs: []string{"nobody", "k01"}}, nil},
		{"IDs/One", care.NodeQuery{IDs: []string{"p-bob"}}, []string{"p-bob"}},
		{"IDs/Some", care.NodeQuery{IDs: some}, someByID},
		{"IDs/SomeByName", care.NodeQuery{IDs: some, Sort: care.SortByName}, someByName},
		{"IDs/All", care.NodeQuery{IDs: fx.allNodeIDs()}, fx.allNodeIDs()},
		{"IDs/AndKinds", care.NodeQuery{IDs: some, Kinds: []care.Kind{care.KindProfessional, care.KindCarer}}, []string{"c-dau", "pr-green", "pr-patel", "pr-social"}},
		{"IDs/AndRole", care.NodeQuery{IDs: some, Role: care.RoleGP}, []string{"pr-green"}},
		{"IDs/AndSector", care.NodeQuery{IDs: some, Sector: care.SectorPrimaryCare}, []string{"o-surgery", "pr-green", "pr-patel"}},
		{"IDs/AndOrganisation", care.NodeQuery{IDs: []string{"pr-green", "pr-social"}, Organisation: "o-surgery"}, []string{"pr-green"}},
		// p-bob has the name too, but is not in the set.
		{"IDs/AndName", care.NodeQuery{IDs: some, NameContains: "HALE"}, []string{"p-cyd"}},
		{"IDs/AndActiveIn", care.NodeQuery{IDs: some, ActiveIn: w(asOf(2010, 6, 1))}, []string{"o-hospital"}},
	}
}

// testListNodesIDs pages through a list restricted by NodeQuery.IDs:
// cursors and TotalCount work within the set.
func testListNodesIDs(t *testing.T, s care.Store, fx fixture) {
	some := someIDs
	// Paging walks the restricted set only, both ways, in both orders.
	for _, order := range []struct {
		sort care.SortOrder
		want []string
	}{{care.SortByID, someByID}, {care.SortByName, someByName}} {
		t.Run("Page/"+string(order.sort), func(t *testing.T) {
			q := care.NodeQuery{IDs: some, Sort: order.sort, Page: care.Page{First: 3}}
			var got []string
			for i, want := range []struct {
				ids        []string
				next, prev bool
			}{{order.want[:3], true, false}, {order.want[3:6], true, true}, {order.want[6:], false, true}} {
				page, err := s.ListNodes(t.Context(), q)
				if err != nil {
					t.Fatalf("ListNodes: %v", err)
				}
				checkNodeCursors(t, page, order.sort)
				equalIDs(t, "page", nodeIDs(page.Nodes), want.ids)
				if page.Info.HasNextPage != want.next || page.Info.HasPreviousPage != want.prev || page.Info.TotalCount != len(order.want) {
					t.Errorf("page %d info = %+v, want next %t prev %t total %d", i+1, page.Info, want.next, want.prev, len(order.want))
				}
				got = append(got, nodeIDs(page.Nodes)...)
				q.Page.After = page.Info.EndCursor
			}
			equalIDs(t, "all pages", got, order.want)

			q.Page = care.Page{Last: 5}
			last, err := s.ListNodes(t.Context(), q)
			if err != nil {
				t.Fatalf("ListNodes: %v", err)
			}
			equalIDs(t, "last 5", nodeIDs(last.Nodes), order.want[3:])
			q.Page.Before = last.Info.StartCursor
			before, err := s.ListNodes(t.Context(), q)
			if err != nil {
				t.Fatalf("ListNodes: %v", err)
			}
			equalIDs(t, "before them", nodeIDs(before.Nodes), order.want[:3])
			if before.Info.HasPreviousPage || !before.Info.HasNextPage || before.Info.TotalCount != len(order.want) {
				t.Errorf("before them: info = %+v, want next, no previous, total %d", before.Info, len(order.want))
			}
		})
	}
	// A cursor from the whole list places a page within the set: after
	// p-ada by id, the set goes on with p-cyd even though p-bob is next
	// in the whole list.
	t.Run("CursorFromWholeList", func(t *testing.T) {
		after := care.EncodeCursor(care.NodeKey(fx.node("p-ada"), care.SortByID)...)
		page, err := s.ListNodes(t.Context(), care.NodeQuery{IDs: some, Page: care.Page{First: 2, After: after}})
		if err != nil {
			t.Fatalf("ListNodes: %v", err)
		}
		equalIDs(t, "after p-ada", nodeIDs(page.Nodes), []string{"p-cyd", "pr-green"})
		if !page.Info.HasPreviousPage || !page.Info.HasNextPage || page.Info.TotalCount != len(someByID) {
			t.Errorf("info = %+v, want both ways and total %d", page.Info, len(someByID))
		}
	})
}

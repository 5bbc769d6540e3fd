package storetest

import (
	"testing"

	"github.com/careweb/careweb/internal/care"
)

// testEmpty checks that an empty store answers every read sensibly.
func testEmpty(t *testing.T, s care.Store) {
	ctx := t.Context()
	if _, err := s.Node(ctx, "p-ada"); !wantCode(t, err, care.NotFound) {
		t.Log("Node on an empty store")
	}
	ns, err := s.Nodes(ctx, []string{"p-ada"})
	if err != nil || len(ns) != 0 {
		t.Errorf("Nodes on an empty store = %v, %v; want none", ns, err)
	}
	page, err := s.ListNodes(ctx, care.NodeQuery{})
	if err != nil {
		t.Fatalf("ListNodes on an empty store: %v", err)
	}
	if len(page.Nodes) != 0 || page.Info != (care.PageInfo{}) {
		t.Errorf("ListNodes on an empty store = %+v, want an empty page with zero info", page)
	}
	_, err = s.Web(ctx, "p-ada", care.Always)
	wantCode(t, err, care.NotFound)
	_, err = s.Contacts(ctx, care.EventQuery{Person: "p-ada", Window: care.Always})
	wantCode(t, err, care.NotFound)
	_, err = s.Referrals(ctx, care.EventQuery{Person: "p-ada", Window: care.Always})
	wantCode(t, err, care.NotFound)
	_, err = s.Relationships(ctx, care.RelQuery{Node: "p-ada", Window: care.Always})
	wantCode(t, err, care.NotFound)
	calls := 0
	if err := s.EachPerson(ctx, func(*care.PersonRecord) error { calls++; return nil }); err != nil || calls != 0 {
		t.Errorf("EachPerson on an empty store: %d calls, %v", calls, err)
	}
	svc, err := s.Services(ctx)
	if err != nil || svc == nil || len(svc.Nodes)+len(svc.Relationships) != 0 {
		t.Errorf("Services on an empty store = %+v, %v; want empty", svc, err)
	}
	res, err := s.Apply(ctx, care.Batch{})
	if err != nil || res != (care.ApplyResult{}) {
		t.Errorf("Apply(empty batch) = %+v, %v; want zero result", res, err)
	}
}

func testNode(t *testing.T, s care.Store, fx fixture) {
	ctx := t.Context()
	for _, id := range fx.allNodeIDs() {
		got, err := s.Node(ctx, id)
		if err != nil {
			t.Errorf("Node(%q): %v", id, err)
			continue
		}
		if got != fx.node(id) {
			t.Errorf("Node(%q) = %+v, want %+v", id, got, fx.node(id))
		}
	}
	for _, id := range []string{"nobody", "", "P-ADA", "k01", "l-green-nurse"} {
		_, err := s.Node(ctx, id)
		if !wantCode(t, err, care.NotFound) {
			t.Logf("Node(%q)", id)
		}
	}
}

func testNodes(t *testing.T, s care.Store, fx fixture) {
	ctx := t.Context()
	got, err := s.Nodes(ctx, []string{"pr-social", "nobody", "p-ada", "o-surgery"})
	if err != nil {
		t.Fatalf("Nodes: %v", err)
	}
	equalNodes(t, "Nodes(pr-social, nobody, p-ada, o-surgery)", got, fx.nodeList("pr-social", "p-ada", "o-surgery"))
	got, err = s.Nodes(ctx, nil)
	if err != nil || len(got) != 0 {
		t.Errorf("Nodes(nil) = %v, %v; want none", got, err)
	}
}

func testListNodes(t *testing.T, s care.Store, fx fixture) {
	all := fx.allNodeIDs()
	byName := []string{"p-ada", "p-bob", "p-cyd", "c-dau", "o-social", "o-community", "c-nei", "pr-green",
		"o-hospital", "pr-nurse", "pr-patel", "o-surgery", "pr-social", "pr-other"}
	w := func(win care.Window) *care.Window { return &win }
	cases := []listCase{
		{"All", care.NodeQuery{}, all},
		{"SortID", care.NodeQuery{Sort: care.SortByID}, all},
		// Folded case: "bob hale" (p-cyd) ties with "Bob Hale" (p-bob) and
		// follows it by id; byte order would put it last.
		{"SortName", care.NodeQuery{Sort: care.SortByName}, byName},
		{"Kinds/Professional", care.NodeQuery{Kinds: []care.Kind{care.KindProfessional}}, []string{"pr-green", "pr-nurse", "pr-other", "pr-patel", "pr-social"}},
		{"Kinds/CarerAndOrganisation", care.NodeQuery{Kinds: []care.Kind{care.KindOrganisation, care.KindCarer}},
			[]string{"c-dau", "c-nei", "o-community", "o-hospital", "o-social", "o-surgery"}},
		{"Kinds/PersonByName", care.NodeQuery{Kinds: []care.Kind{care.KindPerson}, Sort: care.SortByName}, []string{"p-ada", "p-bob", "p-cyd"}},
		{"Role", care.NodeQuery{Role: care.RoleGP}, []string{"pr-green"}},
		{"Role/AndKinds", care.NodeQuery{Role: care.RoleGP, Kinds: []care.Kind{care.KindPerson}}, nil},
		// The sector keeps its organisations and the professionals who
		// ever worked in one.
		{"Sector", care.NodeQuery{Sector: care.SectorPrimaryCare}, []string{"o-surgery", "pr-green", "pr-patel"}},
		{"Sector/Social", care.NodeQuery{Sector: care.SectorSocialCare}, []string{"o-social", "pr-social"}},
		// pr-social's WORKS_IN ended on 31 March; o-social is still
		// active through its link to the hospital.
		{"Sector/ActiveIn", care.NodeQuery{Sector: care.SectorSocialCare, ActiveIn: w(asOf(2024, 5, 1))}, []string{"o-social"}},
		{"Sector/ActiveInMarch", care.NodeQuery{Sector: care.SectorSocialCare, ActiveIn: w(between(2024, 3, 1, 2024, 3, 31))}, []string{"o-social", "pr-social"}},
		{"Sector/OpenStart", care.NodeQuery{Sector: care.SectorSecondaryCare, ActiveIn: w(asOf(2000, 1, 1))}, []string{"o-hospital", "pr-other"}},
		{"Sector/None", care.NodeQuery{Sector: care.SectorHousing}, nil},
		{"Organisation", care.NodeQuery{Organisation: "o-surgery"}, []string{"pr-green", "pr-patel"}},
		// pr-patel joined the surgery in June 2023.
		{"Organisation/ActiveIn", care.NodeQuery{Organisation: "o-surgery", ActiveIn: w(between(2022, 1, 1, 2022, 12, 31))}, []string{"pr-green"}},
		{"Organisation/Unknown", care.NodeQuery{Organisation: "nobody"}, nil},
		{"NameContains/IgnoresCase", care.NodeQuery{NameContains: "GREEN"}, []string{"pr-green"}},
		{"NameContains/Several", care.NodeQuery{NameContains: "hale"}, []string{"p-bob", "p-cyd"}},
		{"NameContains/Empty", care.NodeQuery{NameContains: ""}, all},
		{"NameContains/Spaces", care.NodeQuery{NameContains: "r q"}, []string{"pr-other"}},
		{"NameContains/None", care.NodeQuery{NameContains: "zzz"}, nil},
		// Only open-started relationships reach back to 2010.
		{"ActiveIn/OpenStart", care.NodeQuery{ActiveIn: w(asOf(2010, 6, 1))}, []string{"o-hospital", "p-bob", "pr-other"}},
		// pr-patel's only activity on 31 March is contact k08, given as
		// 1 April 01:30 at UTC+2.
		{"ActiveIn/ContactOnly", care.NodeQuery{Kinds: []care.Kind{care.KindProfessional}, ActiveIn: w(asOf(2024, 3, 31))},
			[]string{"pr-green", "pr-nurse", "pr-other", "pr-patel", "pr-social"}},
		{"ActiveIn/ContactNextDay", care.NodeQuery{Kinds: []care.Kind{care.KindProfessional}, ActiveIn: w(asOf(2024, 4, 1))},
			[]string{"pr-green", "pr-nurse", "pr-other", "pr-social"}},
		// c-nei's care ended in 2023; p-cyd has nothing at all.
		{"ActiveIn/Ended", care.NodeQuery{Kinds: []care.Kind{care.KindCarer, care.KindPerson}, ActiveIn: w(asOf(2024, 6, 1))}, []string{"c-dau", "p-ada", "p-bob"}},
		{"ActiveIn/Always", care.NodeQuery{Kinds: []care.Kind{care.KindPerson}, ActiveIn: w(care.Always)}, []string{"p-ada", "p-bob"}},
	}
	cases = append(cases, idsCases(fx)...)
	for _, tc := range cases {
		t.Run("Filter/"+tc.name, func(t *testing.T) {
			q := tc.q
			q.Page.First = care.MaxPageSize
			page, err := s.ListNodes(t.Context(), q)
			if err != nil {
				t.Fatalf("ListNodes: %v", err)
			}
			equalIDs(t, "nodes", nodeIDs(page.Nodes), tc.want)
			for i, n := range page.Nodes {
				if n != fx.node(n.ID) {
					t.Errorf("node %d = %+v, want %+v", i, n, fx.node(n.ID))
				}
			}
			if page.Info.TotalCount != len(tc.want) {
				t.Errorf("TotalCount = %d, want %d", page.Info.TotalCount, len(tc.want))
			}
			if page.Info.HasNextPage || page.Info.HasPreviousPage {
				t.Errorf("a page holding everything has info %+v", page.Info)
			}
			checkNodeCursors(t, page, q.Sort)
		})
	}
	t.Run("Page", func(t *testing.T) { testListNodesPaging(t, s, all, byName) })
}

// listCase is one ListNodes query over the fixture and the ids it lists.
type listCase struct {
	name string
	q    care.NodeQuery
	want []string
}

// checkNodeCursors checks that every cursor is the shared encoding of its
// node's sort key, and that start and end cursors match the first and last.
func checkNodeCursors(t *testing.T, page care.NodePage, sort care.SortOrder) {
	t.Helper()
	if sort == "" {
		sort = care.SortByID
	}
	if len(page.Cursors) != len(page.Nodes) {
		t.Fatalf("%d cursors for %d nodes", len(page.Cursors), len(page.Nodes))
	}
	for i, n := range page.Nodes {
		if want := care.EncodeCursor(care.NodeKey(n, sort)...); page.Cursors[i] != want {
			t.Errorf("cursor of %s = %q, want %q (care.EncodeCursor(care.NodeKey(n, %s)...))", n.ID, page.Cursors[i], want, sort)
		}
	}
	start, end := "", ""
	if len(page.Cursors) > 0 {
		start, end = page.Cursors[0], page.Cursors[len(page.Cursors)-1]
	}
	if page.Info.StartCursor != start || page.Info.EndCursor != end {
		t.Errorf("start/end cursors = %q/%q, want %q/%q", page.Info.StartCursor, page.Info.EndCursor, start, end)
	}
}

func testListNodesPaging(t *testing.T, s care.Store, all, byName []string) {
	list := func(t *testing.T, q care.NodeQuery) care.NodePage {
		t.Helper()
		page, err := s.ListNodes(t.Context(), q)
		if err != nil {
			t.Fatalf("ListNodes(%+v): %v", q.Page, err)
		}
		checkNodeCursors(t, page, q.Sort)
		return page
	}
	wantInfo := func(t *testing.T, what string, info care.PageInfo, next, prev bool, total int) {
		t.Helper()
		if info.HasNextPage != next || info.HasPreviousPage != prev || info.TotalCount != total {
			t.Errorf("%s: info = next %t prev %t total %d, want next %t prev %t total %d",
				what, info.HasNextPage, info.HasPreviousPage, info.TotalCount, next, prev, total)
		}
	}

	for _, order := range []struct {
		sort care.SortOrder
		want []string
	}{{care.SortByID, all}, {care.SortByName, byName}} {
		t.Run("Forward/"+string(order.sort), func(t *testing.T) {
			q := care.NodeQuery{Sort: order.sort, Page: care.Page{First: 5}}
			p1 := list(t, q)
			equalIDs(t, "page 1", nodeIDs(p1.Nodes), order.want[:5])
			wantInfo(t, "page 1", p1.Info, true, false, 14)
			q.Page.After = p1.Info.EndCursor
			p2 := list(t, q)
			equalIDs(t, "page 2", nodeIDs(p2.Nodes), order.want[5:10])
			wantInfo(t, "page 2", p2.Info, true, true, 14)
			q.Page.After = p2.Info.EndCursor
			p3 := list(t, q)
			equalIDs(t, "page 3 (the last, short)", nodeIDs(p3.Nodes), order.want[10:])
			wantInfo(t, "page 3", p3.Info, false, true, 14)
			// Any cursor of a page, not only the end one, resumes after it.
			q.Page.After = p1.Cursors[2]
			mid := list(t, q)
			equalIDs(t, "after the 3rd", nodeIDs(mid.Nodes), order.want[3:8])
		})
		t.Run("Backward/"+string(order.sort), func(t *testing.T) {
			q := care.NodeQuery{Sort: order.sort, Page: care.Page{Last: 5}}
			p1 := list(t, q)
			equalIDs(t, "last 5", nodeIDs(p1.Nodes), order.want[9:])
			wantInfo(t, "last 5", p1.Info, false, true, 14)
			q.Page.Before = p1.Info.StartCursor
			p2 := list(t, q)
			equalIDs(t, "5 before them", nodeIDs(p2.Nodes), order.want[4:9])
			wantInfo(t, "5 before them", p2.Info, true, true, 14)
			q.Page.Before = p2.Info.StartCursor
			p3 := list(t, q)
			equalIDs(t, "the first 4", nodeIDs(p3.Nodes), order.want[:4])
			wantInfo(t, "the first 4", p3.Info, true, false, 14)
		})
	}
	t.Run("AfterAndBefore", func(t *testing.T) {
		p := list(t, care.NodeQuery{Page: care.Page{First: 14}})
		q := care.NodeQuery{Page: care.Page{After: p.Cursors[1], Before: p.Cursors[6], First: 10}}
		got := list(t, q)
		equalIDs(t, "between the 2nd and the 7th", nodeIDs(got.Nodes), all[2:6])
		q.Page.First, q.Page.Last = 0, 2
		got = list(t, q)
		equalIDs(t, "last 2 between the 2nd and the 7th", nodeIDs(got.Nodes), all[4:6])
	})
	t.Run("ExactBoundary", func(t *testing.T) {
		q := care.NodeQuery{Kinds: []care.Kind{care.KindProfessional}, Page: care.Page{First: 5}}
		p1 := list(t, q)
		if len(p1.Nodes) != 5 {
			t.Fatalf("got %d professionals, want 5", len(p1.Nodes))
		}
		wantInfo(t, "exactly one full page", p1.Info, false, false, 5)
		q.Page.After = p1.Info.EndCursor
		p2 := list(t, q)
		if len(p2.Nodes) != 0 || p2.Info.StartCursor != "" || p2.Info.EndCursor != "" {
			t.Errorf("after the last node: %d nodes, cursors %q/%q; want none", len(p2.Nodes), p2.Info.StartCursor, p2.Info.EndCursor)
		}
		wantInfo(t, "after the last node", p2.Info, false, true, 5)
		q.Page = care.Page{First: 4}
		p3 := list(t, q)
		wantInfo(t, "one short of the whole list", p3.Info, true, false, 5)
		q.Page.After = p3.Info.EndCursor
		p4 := list(t, q)
		equalIDs(t, "the one left", nodeIDs(p4.Nodes), []string{"pr-social"})
		wantInfo(t, "the one left", p4.Info, false, true, 5)
	})
	t.Run("Empty", func(t *testing.T) {
		p := list(t, care.NodeQuery{NameContains: "no such name", Page: care.Page{First: 3}})
		if len(p.Nodes) != 0 || p.Info != (care.PageInfo{}) {
			t.Errorf("empty result = %+v, want no nodes and zero info", p)
		}
	})
	t.Run("DefaultSize", func(t *testing.T) {
		p := list(t, care.NodeQuery{})
		equalIDs(t, "no page arguments", nodeIDs(p.Nodes), all)
	})
	t.Run("Invalid", func(t *testing.T) {
		idCursor := list(t, care.NodeQuery{Page: care.Page{First: 1}}).Info.EndCursor
		nameCursor := list(t, care.NodeQuery{Sort: care.SortByName, Page: care.Page{First: 1}}).Info.EndCursor
		for _, tc := range []struct {
			name   string
			q      care.NodeQuery
			suffix string
		}{
			{"AfterGarbage", care.NodeQuery{Page: care.Page{After: "%%%not a cursor"}}, "after"},
			{"BeforeGarbage", care.NodeQuery{Page: care.Page{Before: "bm90IGEgY3Vyc29y\x00"}}, "before"},
			// A cursor of another order has another number of parts.
			{"AfterOfOtherSort", care.NodeQuery{Sort: care.SortByID, Page: care.Page{After: nameCursor}}, "after"},
			{"BeforeOfOtherSort", care.NodeQuery{Sort: care.SortByName, Page: care.Page{Before: idCursor}}, "before"},
			{"FirstAndLast", care.NodeQuery{Page: care.Page{First: 2, Last: 2}}, "last"},
			{"FirstTooBig", care.NodeQuery{Page: care.Page{First: care.MaxPageSize + 1}}, "first"},
			{"FirstNegative", care.NodeQuery{Page: care.Page{First: -1}}, "first"},
			{"LastNegative", care.NodeQuery{Page: care.Page{Last: -3}}, "last"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := s.ListNodes(t.Context(), tc.q)
				wantProblemSuffix(t, err, tc.suffix)
			})
		}
	})
}

package storetest

import (
	"testing"

	"github.com/careweb/careweb/internal/care"
)

func testContacts(t *testing.T, s care.Store, fx fixture) {
	all := []string{"k01", "k02", "k03", "k04", "k05", "k08", "k06", "k07", "k00"}
	get := func(t *testing.T, q care.EventQuery) care.ContactPage {
		t.Helper()
		page, err := s.Contacts(t.Context(), q)
		if err != nil {
			t.Fatalf("Contacts(%s, %s, %+v): %v", q.Person, fmtSpan(q.Window), q.Page, err)
		}
		if len(page.Cursors) != len(page.Contacts) {
			t.Fatalf("%d cursors for %d contacts", len(page.Cursors), len(page.Contacts))
		}
		for i, c := range page.Contacts {
			if want := care.EncodeCursor(care.ContactKey(c)...); page.Cursors[i] != want {
				t.Errorf("cursor of %s = %q, want %q", c.ID, page.Cursors[i], want)
			}
		}
		if n := len(page.Cursors); n > 0 && (page.Info.StartCursor != page.Cursors[0] || page.Info.EndCursor != page.Cursors[n-1]) {
			t.Errorf("start/end cursors do not match the first and last")
		}
		return page
	}
	windows := []struct {
		name   string
		person string
		w      care.Window
		want   []string
	}{
		// Time order, then id: k01 and k02 share a timestamp; k00 has the
		// smallest id and the latest time.
		{"AllTime", "p-ada", care.Always, all},
		// Both ends inclusive, by UTC date: k04 is at 23:59:59.999999999
		// on the 15th, k05 at midnight on the 16th.
		{"TwoDays", "p-ada", between(2024, 3, 15, 2024, 3, 16), []string{"k04", "k05"}},
		{"FirstDayOnly", "p-ada", asOf(2024, 3, 15), []string{"k04"}},
		{"SecondDayOnly", "p-ada", asOf(2024, 3, 16), []string{"k05"}},
		// k08 was given as 1 April 01:30 at UTC+2.
		{"UTCDate", "p-ada", asOf(2024, 3, 31), []string{"k08"}},
		{"UTCDateNotLocal", "p-ada", asOf(2024, 4, 1), nil},
		{"OpenStart", "p-ada", care.Window{From: care.NoStart, To: care.MakeDate(2024, 1, 31)}, []string{"k01", "k02"}},
		{"OpenEnd", "p-ada", care.Window{From: care.MakeDate(2024, 6, 30), To: care.NoEnd}, []string{"k07", "k00"}},
		{"Inside", "p-ada", between(2024, 2, 1, 2024, 6, 30), []string{"k03", "k04", "k05", "k08", "k06", "k07"}},
		{"None", "p-ada", between(2010, 1, 1, 2010, 12, 31), nil},
		{"OtherPerson", "p-bob", care.Always, []string{"k10"}},
		{"NoContacts", "p-cyd", care.Always, nil},
	}
	for _, tc := range windows {
		t.Run("Window/"+tc.name, func(t *testing.T) {
			page := get(t, care.EventQuery{Person: tc.person, Window: tc.w, Page: care.Page{First: care.MaxPageSize}})
			equalContacts(t, "contacts", page.Contacts, fx.contactList(tc.want...))
			if page.Info.TotalCount != len(tc.want) || page.Info.HasNextPage || page.Info.HasPreviousPage {
				t.Errorf("info = %+v, want total %d and no other pages", page.Info, len(tc.want))
			}
		})
	}
	t.Run("Page/Forward", func(t *testing.T) {
		q := care.EventQuery{Person: "p-ada", Window: care.Always, Page: care.Page{First: 4}}
		var got []string
		for i, want := range []struct {
			ids        []string
			next, prev bool
		}{{all[:4], true, false}, {all[4:8], true, true}, {all[8:], false, true}} {
			page := get(t, q)
			equalIDs(t, "page", contactIDs(page.Contacts), want.ids)
			if page.Info.HasNextPage != want.next || page.Info.HasPreviousPage != want.prev || page.Info.TotalCount != 9 {
				t.Errorf("page %d info = %+v, want next %t prev %t total 9", i+1, page.Info, want.next, want.prev)
			}
			got = append(got, contactIDs(page.Contacts)...)
			q.Page.After = page.Info.EndCursor
		}
		equalIDs(t, "all pages", got, all)
	})
	t.Run("Page/Backward", func(t *testing.T) {
		q := care.EventQuery{Person: "p-ada", Window: care.Always, Page: care.Page{Last: 3}}
		p1 := get(t, q)
		equalIDs(t, "last 3", contactIDs(p1.Contacts), all[6:])
		q.Page.Before = p1.Info.StartCursor
		p2 := get(t, q)
		equalIDs(t, "3 before", contactIDs(p2.Contacts), all[3:6])
		if !p2.Info.HasNextPage || !p2.Info.HasPreviousPage {
			t.Errorf("middle page info = %+v", p2.Info)
		}
	})
	t.Run("Page/InWindow", func(t *testing.T) {
		q := care.EventQuery{Person: "p-ada", Window: between(2024, 2, 1, 2024, 6, 30), Page: care.Page{First: 2}}
		p1 := get(t, q)
		equalIDs(t, "page 1", contactIDs(p1.Contacts), []string{"k03", "k04"})
		if p1.Info.TotalCount != 6 || !p1.Info.HasNextPage || p1.Info.HasPreviousPage {
			t.Errorf("page 1 info = %+v, want total 6, next page only", p1.Info)
		}
		q.Page.After = p1.Info.EndCursor
		p2 := get(t, q)
		equalIDs(t, "page 2", contactIDs(p2.Contacts), []string{"k05", "k08"})
		// A tie on time resumes by id: after k01 comes k02.
		q = care.EventQuery{Person: "p-ada", Window: care.Always, Page: care.Page{First: 1, After: care.EncodeCursor(care.ContactKey(fx.contacts["k01"])...)}}
		equalIDs(t, "after k01", contactIDs(get(t, q).Contacts), []string{"k02"})
	})
	t.Run("Invalid", func(t *testing.T) {
		_, err := s.Contacts(t.Context(), care.EventQuery{Person: "p-ada", Window: care.Always, Page: care.Page{After: "%%%"}})
		wantProblemSuffix(t, err, "after")
		// A node cursor has one part; a contact cursor has two.
		_, err = s.Contacts(t.Context(), care.EventQuery{Person: "p-ada", Window: care.Always, Page: care.Page{Before: care.EncodeCursor("p-ada")}})
		wantProblemSuffix(t, err, "before")
		_, err = s.Contacts(t.Context(), care.EventQuery{Person: "p-ada", Window: care.Always, Page: care.Page{First: 1, Last: 1}})
		wantProblemSuffix(t, err, "last")
	})
	for _, id := range []string{"nobody", "pr-green", "c-dau"} {
		t.Run("NotFound/"+id, func(t *testing.T) {
			_, err := s.Contacts(t.Context(), care.EventQuery{Person: id, Window: care.Always})
			wantCode(t, err, care.NotFound)
		})
	}
}

func testReferrals(t *testing.T, s care.Store, fx fixture) {
	get := func(t *testing.T, q care.EventQuery) care.ReferralPage {
		t.Helper()
		page, err := s.Referrals(t.Context(), q)
		if err != nil {
			t.Fatalf("Referrals(%s, %s, %+v): %v", q.Person, fmtSpan(q.Window), q.Page, err)
		}
		if len(page.Cursors) != len(page.Referrals) {
			t.Fatalf("%d cursors for %d referrals", len(page.Cursors), len(page.Referrals))
		}
		for i, r := range page.Referrals {
			if want := care.EncodeCursor(care.ReferralKey(r)...); page.Cursors[i] != want {
				t.Errorf("cursor of %s = %q, want %q", r.ID, page.Cursors[i], want)
			}
		}
		return page
	}
	for _, tc := range []struct {
		name   string
		person string
		w      care.Window
		want   []string
	}{
		{"AllTime", "p-ada", care.Always, []string{"r1", "r0", "r2", "r3"}},
		{"SameTime", "p-ada", asOf(2024, 2, 1), []string{"r0", "r2"}},
		{"OpenEnd", "p-ada", care.Window{From: care.MakeDate(2024, 5, 9), To: care.NoEnd}, []string{"r3"}},
		{"OpenStart", "p-ada", care.Window{From: care.NoStart, To: care.MakeDate(2024, 1, 20)}, []string{"r1"}},
		{"None", "p-ada", asOf(2024, 5, 10), nil},
		{"OtherPerson", "p-bob", care.Always, []string{"r9"}},
		{"NoReferrals", "p-cyd", care.Always, nil},
	} {
		t.Run("Window/"+tc.name, func(t *testing.T) {
			page := get(t, care.EventQuery{Person: tc.person, Window: tc.w, Page: care.Page{First: 10}})
			equalReferrals(t, "referrals", page.Referrals, fx.referralList(tc.want...))
			if page.Info.TotalCount != len(tc.want) {
				t.Errorf("TotalCount = %d, want %d", page.Info.TotalCount, len(tc.want))
			}
		})
	}
	t.Run("Page", func(t *testing.T) {
		q := care.EventQuery{Person: "p-ada", Window: care.Always, Page: care.Page{First: 2}}
		p1 := get(t, q)
		equalIDs(t, "page 1", referralIDs(p1.Referrals), []string{"r1", "r0"})
		if !p1.Info.HasNextPage || p1.Info.HasPreviousPage || p1.Info.TotalCount != 4 {
			t.Errorf("page 1 info = %+v", p1.Info)
		}
		q.Page.After = p1.Info.EndCursor
		p2 := get(t, q)
		equalIDs(t, "page 2", referralIDs(p2.Referrals), []string{"r2", "r3"})
		if p2.Info.HasNextPage || !p2.Info.HasPreviousPage {
			t.Errorf("page 2 info = %+v", p2.Info)
		}
		q.Page = care.Page{Last: 1, Before: p2.Info.EndCursor}
		equalIDs(t, "the one before r3", referralIDs(get(t, q).Referrals), []string{"r2"})
	})
	t.Run("Invalid", func(t *testing.T) {
		_, err := s.Referrals(t.Context(), care.EventQuery{Person: "p-ada", Window: care.Always, Page: care.Page{After: "!"}})
		wantProblemSuffix(t, err, "after")
	})
	for _, id := range []string{"nobody", "o-surgery"} {
		t.Run("NotFound/"+id, func(t *testing.T) {
			_, err := s.Referrals(t.Context(), care.EventQuery{Person: id, Window: care.Always})
			wantCode(t, err, care.NotFound)
		})
	}
}

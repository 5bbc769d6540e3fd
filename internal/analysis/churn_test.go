package analysis

import (
	"testing"
	"time"

	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/metrics/measure"
)

func TestChurn(t *testing.T) {
	w := seqWorld()
	w.prof("A2")
	rec := w.person("P")
	span := func(from, to string) care.Span {
		s := care.Always
		if from != "" {
			s.From = day(t, from)
		}
		if to != "" {
			s.To = day(t, to)
		}
		return s
	}
	rec.Relationships = []care.Relationship{
		involved("A", "P", span("2023-06-01", ""), false),           // joined before the window
		involved("C", "P", span("2024-02-01", "2024-04-15"), false), // joins Q1, leaves Q2
		involved("D", "P", span("2024-01-01", "2024-03-31"), false), // joins Q1 ...
		involved("D", "P", span("2024-04-01", ""), false),           // ... re-recorded the next day: no leave
		involved("E", "P", span("2024-05-01", "2024-05-31"), false), // joined in 2023 by contact; leaves Q2
		involved("A2", "P", span("2024-01-10", "2024-01-20"), false),
		involved("A2", "P", span("2024-03-01", ""), false), // a re-join after a gap
	}
	rec.Contacts = []care.Contact{
		contactAt("e1", "P", "E", at(t, "2023-12-01T10:00:00Z"), ""),
		contactAt("a1", "P", "A", at(t, "2024-01-05T10:00:00Z"), ""),
		contactAt("b1", "P", "B", at(t, "2024-02-10T10:00:00Z"), ""), // joins by contact
		contactAt("b2", "P", "B", at(t, "2024-05-10T10:00:00Z"), ""),
		contactAt("x1", "P", "E", at(t, "2024-08-10T10:00:00Z"), ""), // after the window
	}
	c := NewPopulation(w.index()).NewComputer()
	res, err := c.Person(rec, Options{Window: window(t, "2024-01-01", "2024-06-30")})
	if err != nil {
		t.Fatal(err)
	}
	ch := res.Churn
	want := []ChurnPeriod{
		{From: day(t, "2024-01-01"), To: day(t, "2024-03-31"), Joined: 5, Left: 1},
		{From: day(t, "2024-04-01"), To: day(t, "2024-06-30"), Joined: 0, Left: 2},
	}
	if ch.Period != Quarter || ch.Joined != 5 || ch.Left != 3 || len(ch.Periods) != len(want) {
		t.Fatalf("churn %+v", ch)
	}
	for i := range want {
		if ch.Periods[i] != want[i] {
			t.Errorf("period %d = %+v, want %+v", i, ch.Periods[i], want[i])
		}
	}

	// By month, a window starting mid-month: the first period is clipped.
	res, _ = c.Person(rec, Options{Window: window(t, "2024-01-15", "2024-04-30"), ChurnPeriod: Month})
	ch = res.Churn
	if len(ch.Periods) != 4 || ch.Periods[0].From != day(t, "2024-01-15") || ch.Periods[0].To != day(t, "2024-01-31") {
		t.Fatalf("monthly periods %+v", ch.Periods)
	}
	// D (01-01) and A2 (01-10) joined before this window; A2 leaves 01-20;
	// C and B join in February; A2 re-joins in March; C leaves in April.
	joined := []int{0, 2, 1, 0}
	left := []int{1, 0, 0, 1}
	for i, p := range ch.Periods {
		if p.Joined != joined[i] || p.Left != left[i] {
			t.Errorf("month %d %+v, want joined %d left %d", i, p, joined[i], left[i])
		}
	}

	// All time: periods run from the first event to the as-of day.
	res, _ = c.Person(rec, Options{Today: day(t, "2024-09-15")})
	ch = res.Churn
	if len(ch.Periods) == 0 || ch.Periods[0].From != day(t, "2023-06-01") || ch.Periods[len(ch.Periods)-1].To != day(t, "2024-09-15") {
		t.Errorf("all-time periods from %v to %v", ch.Periods[0].From, ch.Periods[len(ch.Periods)-1].To)
	}
	if ch.Joined != 7 || ch.Left != 3 { // A, E (by contact), B, C, D, A2 twice; C, E, A2 leave
		t.Errorf("all time joined/left = %d/%d, want 7/3", ch.Joined, ch.Left)
	}
}

func TestCoordinatorTenure(t *testing.T) {
	w := seqWorld()
	c := NewPopulation(w.index()).NewComputer()
	span := func(from, to string) care.Span {
		s := care.Always
		if from != "" {
			s.From = day(t, from)
		}
		if to != "" {
			s.To = day(t, to)
		}
		return s
	}
	win := window(t, "2024-01-01", "2024-06-30")
	for _, tc := range []struct {
		name   string
		rels   []care.Relationship
		opt    Options
		who    string
		since  string
		days   string
		reason measure.Reason
	}{
		{"none", []care.Relationship{involved("A", "P", care.Always, false)}, Options{Window: win}, "", "", "null", NoCoordinator},
		{"ended before the as-of day", []care.Relationship{involved("A", "P", span("2023-01-01", "2024-06-29"), true)},
			Options{Window: win}, "", "", "null", NoCoordinator},
		{"one", []care.Relationship{involved("A", "P", span("2024-06-01", ""), true)}, Options{Window: win}, "A", "2024-06-01", "29", ""},
		{"consecutive roles chain back", []care.Relationship{
			involved("A", "P", span("2023-01-01", "2023-12-31"), true),
			involved("A", "P", span("2024-01-01", ""), true),
		}, Options{Window: win}, "A", "2023-01-01", "546", ""},
		{"a gap breaks the chain", []care.Relationship{
			involved("A", "P", span("2023-01-01", "2023-12-30"), true),
			involved("A", "P", span("2024-01-01", ""), true),
		}, Options{Window: win}, "A", "2024-01-01", "181", ""},
		{"two: the most recently named", []care.Relationship{
			involved("A", "P", span("2023-01-01", ""), true),
			involved("B", "P", span("2024-03-01", ""), true),
		}, Options{Window: win}, "B", "2024-03-01", "121", ""},
		{"two named the same day: the smaller id", []care.Relationship{
			involved("C", "P", span("2024-03-01", ""), true),
			involved("B", "P", span("2024-03-01", ""), true),
		}, Options{Window: win}, "B", "2024-03-01", "121", ""},
		{"unknown start", []care.Relationship{involved("A", "P", care.Always, true)}, Options{Window: win}, "A", "", "null", UnknownStart},
		{"open window: today", []care.Relationship{involved("A", "P", span("2024-06-01", ""), true)},
			Options{Today: day(t, "2024-07-01")}, "A", "2024-06-01", "30", ""},
		{"open window, no clock: the latest recorded day", []care.Relationship{
			involved("A", "P", span("2024-06-01", ""), true),
			involved("B", "P", span("2024-01-01", "2024-06-11"), false),
		}, Options{}, "A", "2024-06-01", "10", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := &care.PersonRecord{Person: care.Node{ID: "P"}, Relationships: tc.rels}
			res, err := c.Person(rec, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			got := res.Coordinator
			if got.Coordinator != tc.who {
				t.Errorf("coordinator %q, want %q", got.Coordinator, tc.who)
			}
			if s := got.Since.String(); s != tc.since {
				t.Errorf("since %q, want %q", s, tc.since)
			}
			checkValue(t, "days", got.Days, tc.days)
			if tc.reason != "" {
				checkNull(t, "days", got.Days, tc.reason)
			}
		})
	}
}

// TestCalendar checks the civil-date arithmetic against package time over
// four centuries and at the far ends.
func TestCalendar(t *testing.T) {
	for d := care.MakeDate(1850, 1, 1); d < care.MakeDate(2250, 1, 1); d += 13 {
		tm := d.Time()
		y, m := yearMonth(d)
		if y != int64(tm.Year()) || m != int64(tm.Month()) {
			t.Fatalf("yearMonth(%s) = %d-%d", d, y, m)
		}
		first := care.DateOf(time.Date(tm.Year(), tm.Month(), 1, 0, 0, 0, 0, time.UTC))
		if got := firstOfMonth(y, m); got != first {
			t.Fatalf("firstOfMonth(%d, %d) = %s, want %s", y, m, got, first)
		}
		qEnd := care.DateOf(time.Date(tm.Year(), time.Month((int(tm.Month())-1)/3*3+4), 1, 0, 0, 0, 0, time.UTC)) - 1
		if got := periodEnd(d, Quarter); got != qEnd {
			t.Fatalf("quarter end of %s = %s, want %s", d, got, qEnd)
		}
		mStart := care.DateOf(time.Date(tm.Year(), tm.Month()-25, 1, 0, 0, 0, 0, time.UTC))
		if got := periodStart(d, Month, 25); got != mStart {
			t.Fatalf("25 months before %s = %s, want %s", d, got, mStart)
		}
	}
	for _, d := range []care.Date{care.NoEnd - 1, care.NoStart + 1, care.NoEnd - 40} {
		e := periodEnd(d, Month)
		s := periodStart(d, Quarter, MaxChurnPeriods)
		if e < d && e != care.NoEnd-1 || s > d {
			t.Errorf("at %d: end %d, start %d", d, e, s)
		}
	}
}

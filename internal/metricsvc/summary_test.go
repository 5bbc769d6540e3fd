package metricsvc

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/careweb/careweb/internal/analysis"
	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/metrics/measure"
)

// result makes a Result with the given continuity counts and UPC, in a
// locality.
func result(id, locality string, contacts int, upc measure.Value) *analysis.Result {
	r := &analysis.Result{Person: id, Cohort: analysis.Cohort{Locality: locality}}
	r.Continuity.Contacts = contacts
	r.Continuity.UPC = upc
	return r
}

func find(t *testing.T, g Group, metric string) Distribution {
	t.Helper()
	for _, d := range g.Metrics {
		if d.Metric == metric {
			return d
		}
	}
	t.Fatalf("no metric %s in cohort %q", metric, g.Cohort)
	return Distribution{}
}

func TestSummariserByHand(t *testing.T) {
	sm, err := NewSummariser("locality", false)
	if err != nil {
		t.Fatal(err)
	}
	// North: UPC 0.2, 0.4, 0.9, 1 and one null; contacts 5, 1, 3, 8, 0.
	sm.Add(result("a", "North", 5, measure.Of(0.2)))
	sm.Add(result("b", "North", 1, measure.Undefined(measure.BelowMinContacts)))
	sm.Add(result("c", "North", 3, measure.Of(0.9)))
	sm.Add(result("d", "North", 8, measure.Of(1)))
	sm.Add(result("e", "North", 0, measure.Undefined(measure.NoContacts)))
	sm.Add(result("f", "North", 2, measure.Of(0.4)))
	sm.Add(result("g", "", 4, measure.Of(0.5)))
	opt := analysis.Options{}.Normalised()
	s := sm.Summary(opt)
	if s.People.N != 7 || len(s.Groups) != 2 || s.Groups[0].Cohort != "" || s.Groups[1].Cohort != "North" || s.Groups[1].People.N != 6 {
		t.Fatalf("groups: %+v", s)
	}
	upc := find(t, s.Groups[1], "continuity.upc")
	// Sorted 0.2 0.4 0.9 1: type-7 quartiles at h = 0.75, 1.5, 2.25.
	for _, c := range []struct {
		name string
		got  analysis.Stat
		want float64
	}{
		{"mean", upc.Mean, 2.5 / 4}, {"q1", upc.Q1, 0.2 + 0.75*0.2}, {"median", upc.Median, 0.65},
		{"q3", upc.Q3, 0.9 + 0.25*0.1}, {"min", upc.Min, 0.2}, {"max", upc.Max, 1},
	} {
		if !c.got.Defined || math.Abs(c.got.V-c.want) > 1e-12 {
			t.Errorf("upc %s = %v, want %v", c.name, c.got.Value, c.want)
		}
	}
	if upc.Count.N != 4 || len(upc.Nulls) != 2 || upc.Nulls[0].Reason != measure.BelowMinContacts || upc.Nulls[1].Reason != measure.NoContacts {
		t.Errorf("upc count and nulls: %+v", upc)
	}
	contacts := find(t, s.Groups[1], "continuity.contacts")
	if contacts.Count.N != 6 || contacts.Min.V != 0 || contacts.Max.V != 8 || contacts.Median.V != 2.5 || len(contacts.Nulls) != 0 {
		t.Errorf("contacts: %+v", contacts)
	}
	kpc := find(t, s.Groups[0], "continuity.kpc") // zero Value: null with no reason given
	if kpc.Count.N != 0 || kpc.Mean.Defined || kpc.Mean.Reason != analysis.NoValues || kpc.Min.Reason != analysis.NoValues {
		t.Errorf("no values: %+v", kpc)
	}
	for _, d := range s.Groups[0].Metrics {
		if d.Proposal || strings.HasPrefix(d.Metric, "proposals.") {
			t.Errorf("proposal %s without proposals", d.Metric)
		}
	}

	// The small-number rule (1 to 7 withheld): 7 and 6 people are
	// withheld, and so are their statistics; the minimum and maximum
	// always are.
	hid := s.Suppress(analysis.SmallNumbers{})
	if !hid.SmallNumbers || !hid.People.Suppressed {
		t.Errorf("7 people under the rule: %+v", hid.People)
	}
	north := hid.Groups[1]
	upc = find(t, north, "continuity.upc")
	if !north.People.Suppressed || !upc.Count.Suppressed || upc.Mean.Reason != analysis.Suppressed || upc.Max.Reason != analysis.Suppressed {
		t.Errorf("suppressed cohort: %+v", north)
	}
	if again := hid.Suppress(analysis.SmallNumbers{Threshold: 1, Base: 1}); again.People != hid.People {
		t.Error("suppressing twice changed the result")
	}
	if s.Groups[1].People.Suppressed {
		t.Error("Suppress changed its receiver")
	}
	// A looser rule keeps larger groups' statistics but never the extremes.
	loose := s.Suppress(analysis.SmallNumbers{Threshold: 2, Base: 1})
	upc = find(t, loose.Groups[1], "continuity.upc")
	if upc.Count.N != 4 || !upc.Mean.Defined || upc.Min.Defined || upc.Min.Reason != analysis.Suppressed {
		t.Errorf("loose rule: %+v", upc)
	}
	if n := upc.Nulls[0].Count; !n.Suppressed {
		t.Errorf("one null under threshold 2: %+v", n)
	}

	b, err := json.Marshal(hid)
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back["from"] != nil || back["level"] != "PROFESSIONAL" || back["smallNumbers"] != true || back["people"] != nil {
		t.Errorf("JSON: %s", b)
	}
}

func TestCohortNames(t *testing.T) {
	for in, want := range map[string]string{"": "all", "all": "all", "Organization": "organisation", " practice ": "practice", "sector": "sector", "locality": "locality"} {
		got, err := CohortName("cohort", in)
		if err != nil || got != want {
			t.Errorf("%q: %q, %v; want %q", in, got, err, want)
		}
	}
	_, err := CohortName("cohort", "ward")
	if ps := care.ErrorProblems(err); care.ErrorCode(err) != care.Invalid || len(ps) != 1 || ps[0].Field != "cohort" || !strings.Contains(ps[0].Message, "locality") {
		t.Errorf("unknown cohort: %v", err)
	}
	if _, err := NewSummariser("ward", false); care.ErrorCode(err) != care.Invalid {
		t.Errorf("NewSummariser: %v", err)
	}
}

func TestServiceSummary(t *testing.T) {
	st := demoStore(t, 100)
	c := &counting{Backend: st}
	today := care.MakeDate(2026, time.October, 31)
	svc := New(c, Options{Now: func() time.Time { return today.Time() }})
	defer svc.Close()
	ctx := context.Background()
	opt := analysis.Options{Window: care.Window{From: care.MakeDate(2025, 1, 1), To: care.NoEnd}, Level: analysis.Organisation}

	got, err := svc.Summary(ctx, SummaryQuery{Cohort: "locality", Options: opt, Proposals: true})
	if err != nil {
		t.Fatal(err)
	}
	// The same figures computed directly.
	opt.Today = today
	pop, err := analysis.BuildPopulation(ctx, st, opt.Window)
	if err != nil {
		t.Fatal(err)
	}
	want, err := Summarise(ctx, st, pop, opt, "locality", true, 1)
	if err != nil {
		t.Fatal(err)
	}
	gb, _ := json.Marshal(got)
	wb, _ := json.Marshal(want)
	if string(gb) != string(wb) {
		t.Fatalf("service summary differs from Summarise:\n got %s\nwant %s", gb, wb)
	}
	if got.People.N != 104 || len(got.Groups) < 3 || got.Options.Today != today || got.Options.MinContacts != 2 {
		t.Fatalf("summary: %d people, %d groups, options %+v", got.People.N, len(got.Groups), got.Options)
	}
	people := 0
	for _, g := range got.Groups {
		people += g.People.N
		cd := find(t, g, "fragmentation.careDensity")
		if g.People.N >= 10 && !cd.Mean.Defined {
			t.Errorf("cohort %q: care density has no mean (%+v)", g.Cohort, cd.Nulls)
		}
		if d := find(t, g, "proposals.coordinatorDays"); !d.Proposal {
			t.Error("proposals not marked")
		}
	}
	if people != 104 {
		t.Errorf("cohorts hold %d people, want 104", people)
	}

	// Cached: the same question costs nothing; suppression is applied to
	// the cached figures.
	passes := c.streams.Load()
	hid, err := svc.Summary(ctx, SummaryQuery{Cohort: "locality", Options: analysis.Options{Window: opt.Window, Level: analysis.Organisation},
		Proposals: true, SuppressSmallNumbers: true})
	if err != nil {
		t.Fatal(err)
	}
	if c.streams.Load() != passes || !hid.SmallNumbers || hid.People.N != 105 {
		t.Errorf("cached, suppressed: %d more passes, people %+v", c.streams.Load()-passes, hid.People)
	}
	for _, q := range []SummaryQuery{
		{Cohort: "ward"},
		{Options: analysis.Options{Level: "WARD"}},
		{Options: analysis.Options{Window: care.Window{From: 2, To: 1}}},
	} {
		if _, err := svc.Summary(ctx, q); care.ErrorCode(err) != care.Invalid {
			t.Errorf("%+v: %v, want Invalid", q, err)
		}
	}
	if c.streams.Load() != passes {
		t.Error("invalid queries read the population")
	}
}

package analysis

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/careweb/careweb/internal/metrics/measure"
)

func TestQuantileType7(t *testing.T) {
	// R: quantile(1:10) gives 1, 3.25, 5.5, 7.75, 10; quantile(c(1,2,3,4))
	// gives 1, 1.75, 2.5, 3.25, 4; quantile(c(7)) gives 7 throughout.
	for _, tc := range []struct {
		xs   []float64
		p    []float64
		want []float64
	}{
		{[]float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, []float64{0, .25, .5, .75, 1}, []float64{1, 3.25, 5.5, 7.75, 10}},
		{[]float64{1, 2, 3, 4}, []float64{0, .25, .5, .75, 1}, []float64{1, 1.75, 2.5, 3.25, 4}},
		{[]float64{7}, []float64{0, .25, .5, 1}, []float64{7, 7, 7, 7}},
		{[]float64{0, 10}, []float64{-1, .1, 2}, []float64{0, 1, 10}},
	} {
		for i, p := range tc.p {
			if got := Quantile(tc.xs, p); math.Abs(got-tc.want[i]) > 1e-12 {
				t.Errorf("Quantile(%v, %v) = %v, want %v", tc.xs, p, got, tc.want[i])
			}
		}
	}
	if !math.IsNaN(Quantile(nil, .5)) {
		t.Error("quantile of nothing is not NaN")
	}
}

func TestSummarise(t *testing.T) {
	vs := []measure.Value{measure.Of(4), measure.Undefined(measure.BelowMinContacts), measure.Of(1), measure.Of(3),
		measure.Undefined(measure.NoContacts), measure.Of(2), measure.Undefined(measure.BelowMinContacts)}
	d := Summarise(vs)
	if d.N.N != 4 || d.SmallNumbers {
		t.Errorf("n = %+v", d.N)
	}
	checkValue(t, "mean", d.Mean.Value, "5/2")
	checkValue(t, "q1", d.Q1.Value, "7/4")
	checkValue(t, "median", d.Median.Value, "5/2")
	checkValue(t, "q3", d.Q3.Value, "13/4")
	want := []NullCount{{measure.BelowMinContacts, Count{N: 2}}, {measure.NoContacts, Count{N: 1}}}
	if fmt.Sprint(d.Nulls) != fmt.Sprint(want) {
		t.Errorf("nulls %v, want %v", d.Nulls, want)
	}
	e := Summarise(nil)
	checkNull(t, "mean of nothing", e.Mean.Value, NoValues)
	if e.N.N != 0 || e.Nulls == nil {
		t.Errorf("empty summary %+v", e)
	}
}

type p1File struct {
	Lists  map[string][]string
	Expect map[string]struct {
		People, N, BelowMinContacts int
		UPCMean, COCMean            string
	}
}

// TestOracleP1Summary runs oracle P1's twenty patients through the
// Computer and the Summary: mean UPC and COC per list and for the practice.
func TestOracleP1Summary(t *testing.T) {
	var f p1File
	load(t, "p1_summary.json", &f)
	w := seqWorld()
	c := NewPopulation(w.index()).NewComputer()
	metrics := []Metric{}
	for _, m := range Metrics(false) {
		if m.Name == "continuity.upc" || m.Name == "continuity.coc" {
			metrics = append(metrics, m)
		}
	}
	if len(metrics) != 2 {
		t.Fatalf("metrics %v", metrics)
	}
	byList := NewSummary(metrics, func(r *Result) string { return r.Person[:1] })
	all := NewSummary(metrics, nil)
	for _, list := range []string{"A", "B"} {
		for i, seq := range f.Lists[list] {
			id := fmt.Sprintf("%s%02d", list, i)
			rec := w.person(id)
			for j, p := range seq {
				rec.Contacts = append(rec.Contacts, contactAt(fmt.Sprint(id, "-", j), id, string(p), at(t, "2022-01-03T09:00:00Z").AddDate(0, 0, j), ""))
			}
			res, err := c.Person(rec, Options{})
			if err != nil {
				t.Fatal(err)
			}
			byList.Add(&res)
			all.Add(&res)
		}
	}
	ds := append(byList.Distributions(), all.Distributions()...)
	if len(ds) != 6 {
		t.Fatalf("%d distributions", len(ds))
	}
	for _, d := range ds {
		key := d.Cohort
		if key == "" {
			key = "practice"
		}
		e := f.Expect[key]
		if d.People.N != e.People || d.N.N != e.N || len(d.Nulls) != 1 || d.Nulls[0].Reason != measure.BelowMinContacts || d.Nulls[0].Count.N != e.BelowMinContacts {
			t.Errorf("%s %s: people %d n %d nulls %v; want %d %d %d", key, d.Metric, d.People.N, d.N.N, d.Nulls, e.People, e.N, e.BelowMinContacts)
		}
		want := e.UPCMean
		if d.Metric == "continuity.coc" {
			want = e.COCMean
		}
		checkValue(t, key+" mean "+d.Metric, d.Mean.Value, want)
	}
}

func TestSummaryCohorts(t *testing.T) {
	rs := []Result{
		{Person: "1", Cohort: Cohort{Organisation: "O2", Locality: "north"}},
		{Person: "2", Cohort: Cohort{Organisation: "O1", Locality: "north"}},
		{Person: "3", Cohort: Cohort{Locality: "south"}},
	}
	rs[0].Continuity.Contacts, rs[1].Continuity.Contacts, rs[2].Continuity.Contacts = 3, 5, 0
	metrics := Metrics(false)[:1] // continuity.contacts
	for _, tc := range []struct {
		key    string
		groups []string
	}{
		{"organisation", []string{"", "O1", "O2"}},
		{"locality", []string{"north", "south"}},
		{"all", []string{""}},
	} {
		key, ok := CohortKey(tc.key)
		if !ok {
			t.Fatalf("no cohort %q", tc.key)
		}
		s := NewSummary(metrics, key)
		for i := range rs {
			s.Add(&rs[i])
		}
		var got []string
		for _, d := range s.Distributions() {
			got = append(got, d.Cohort)
		}
		if strings.Join(got, ",") != strings.Join(tc.groups, ",") {
			t.Errorf("%s cohorts %q, want %q", tc.key, got, tc.groups)
		}
	}
	for _, name := range Cohorts {
		if _, ok := CohortKey(name); !ok {
			t.Errorf("Cohorts lists %q but CohortKey does not know it", name)
		}
	}
	if _, ok := CohortKey("shoe size"); ok {
		t.Error("unknown cohort accepted")
	}
}

func TestSmallNumbers(t *testing.T) {
	nhs := SmallNumbers{}
	for n, want := range map[int]Count{
		0: {N: 0}, 1: {Suppressed: true}, 5: {Suppressed: true}, 7: {Suppressed: true},
		8: {N: 10}, 10: {N: 10}, 12: {N: 10}, 13: {N: 15}, 1002: {N: 1000}, 1003: {N: 1005}, -3: {N: -3},
	} {
		if got := nhs.Count(n); got != want {
			t.Errorf("NHS Digital rule on %d = %+v, want %+v", n, got, want)
		}
	}
	custom := SmallNumbers{Threshold: 9, Base: 10}
	for n, want := range map[int]Count{9: {Suppressed: true}, 10: {N: 10}, 14: {N: 10}, 15: {N: 20}} {
		if got := custom.Count(n); got != want {
			t.Errorf("rule 9/10 on %d = %+v, want %+v", n, got, want)
		}
	}

	small := Summarise([]measure.Value{measure.Of(1), measure.Of(2), measure.Of(3), measure.Undefined(measure.NoContacts)})
	d := nhs.Distribution(small)
	if !d.SmallNumbers || !d.N.Suppressed || !d.Nulls[0].Count.Suppressed {
		t.Errorf("small group not suppressed: %+v", d)
	}
	for _, s := range []Stat{d.Mean, d.Q1, d.Median, d.Q3} {
		checkNull(t, "statistic of a suppressed group", s.Value, Suppressed)
	}
	if small.N.Suppressed || !small.Mean.Defined {
		t.Error("the rule changed its input")
	}
	var vs []measure.Value
	for i := range 12 {
		vs = append(vs, measure.Of(float64(i)))
	}
	d = nhs.Distribution(Summarise(vs))
	if d.N != (Count{N: 10}) || !d.Mean.Defined {
		t.Errorf("12 values: %+v", d)
	}
	cds := nhs.Distributions([]CohortDistribution{{Cohort: "x", Metric: "m", People: Count{N: 3}, Distribution: Summarise(vs)}})
	if !cds[0].People.Suppressed || cds[0].Mean.Defined || !cds[0].SmallNumbers {
		t.Errorf("a cohort of 3 people: %+v", cds[0])
	}
	b, err := json.Marshal(cds[0])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"people":null`) || !strings.Contains(string(b), `"mean":null`) || !strings.Contains(string(b), `"smallNumbers":true`) {
		t.Errorf("JSON %s", b)
	}
}

func TestMessages(t *testing.T) {
	for _, r := range []measure.Reason{NoPopulation, OtherWindow, UnknownProfessional, NoCoordinator, UnknownStart, Suppressed, NoValues, measure.BelowMinContacts} {
		if m := Message(r); m == "" || m == string(r) {
			t.Errorf("no message for %s", r)
		}
	}
}

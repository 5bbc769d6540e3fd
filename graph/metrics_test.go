package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/rs/zerolog"

	"github.com/careweb/careweb/graph"
	"github.com/careweb/careweb/internal/analysis"
	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/demo"
	"github.com/careweb/careweb/internal/metrics/measure"
	"github.com/careweb/careweb/internal/metricsvc"
	"github.com/careweb/careweb/internal/store/embedded"
)

// api runs the schema in process over the embedded store loaded with a
// small demo population, assembled as the server assembles it (error
// presenter, loaders, complexity limit).
type api struct {
	t     *testing.T
	h     http.Handler
	store *embedded.Store
}

func newAPI(t *testing.T, people int) *api {
	t.Helper()
	st, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	_, err = demo.Apply(context.Background(), st, demo.Config{Seed: 1, People: people}, 20000)
	if err != nil {
		t.Fatal(err)
	}
	srv := handler.New(graph.NewExecutableSchema(graph.NewConfig(&graph.Resolver{Store: st})))
	srv.AddTransport(transport.POST{})
	srv.Use(extension.FixedComplexityLimit(1000))
	srv.SetErrorPresenter(graph.ErrorPresenter(zerolog.Nop(), func(context.Context) string { return "test" }))
	srv.SetRecoverFunc(graph.RecoverFunc(zerolog.Nop(), func(context.Context) string { return "test" }))
	return &api{t: t, h: graph.LoaderMiddleware(st, 0, srv), store: st}
}

type gqlError struct {
	Message    string `json:"message"`
	Extensions struct {
		Code     string         `json:"code"`
		Problems []care.Problem `json:"problems"`
	} `json:"extensions"`
}

// do runs query with variables and decodes data into out (when not nil),
// returning the errors.
func (a *api) do(query string, vars map[string]any, out any) []gqlError {
	a.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	a.h.ServeHTTP(w, req)
	var resp struct {
		Data   json.RawMessage `json:"data"`
		Errors []gqlError      `json:"errors"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil {
		a.t.Fatalf("%d %s: %v", w.Code, w.Body.String(), err)
	}
	if out != nil && len(resp.Data) > 0 && string(resp.Data) != "null" {
		if err := json.Unmarshal(resp.Data, out); err != nil {
			a.t.Fatalf("decoding %s: %v", resp.Data, err)
		}
	}
	return resp.Errors
}

// mustDo is do that fails the test on any error.
func (a *api) mustDo(query string, vars map[string]any, out any) {
	a.t.Helper()
	if errs := a.do(query, vars, out); len(errs) > 0 {
		a.t.Fatalf("%s: %+v", query, errs)
	}
}

type nullReason struct{ Field, Reason, Message string }

// reasonOf returns the reason listed for field, or "".
func reasonOf(nulls []nullReason, field string) string {
	for _, n := range nulls {
		if n.Field == field {
			return n.Reason
		}
	}
	return ""
}

// checkFloat compares a GraphQL Float with an analysis value: equal
// numbers, or null with the value's reason listed.
func checkFloat(t *testing.T, what string, got *float64, want measure.Value, nulls []nullReason, field string) {
	t.Helper()
	switch {
	case want.Defined && (got == nil || *got != want.V):
		t.Errorf("%s = %v, want %v", what, ptr(got), want.V)
	case !want.Defined && got != nil:
		t.Errorf("%s = %v, want null (%s)", what, *got, want.Reason)
	case !want.Defined && reasonOf(nulls, field) != string(want.Reason):
		t.Errorf("%s is null with reason %q, want %q", what, reasonOf(nulls, field), want.Reason)
	case want.Defined && reasonOf(nulls, field) != "":
		t.Errorf("%s has a value and a null reason", what)
	}
}

func ptr(f *float64) any {
	if f == nil {
		return "null"
	}
	return *f
}

const metricsQuery = `query($id: ID!, $level: ContinuityLevel, $from: Date, $to: Date) {
  person(id: $id) {
    continuity(level: $level, from: $from, to: $to) {
      level from to minContacts contacts providers upc coc hhi secon mmci kpc
      usualProvider { __typename id } usualSector unresolvedContacts
      nulls { field reason message }
    }
    fragmentation(from: $from, to: $to) {
      professionals organisations sectors fci networkFragmentation professionalFragmentation
      distanceWeightedFragmentation carerDependency carerBridgingShare careDensity
      nulls { field reason message }
    }
    handoffs(from: $from, to: $to) {
      total crossOrganisation crossSector supported unsupported perContact perMonth
      nulls { field reason message }
    }
  }
}`

type metricsAnswer struct {
	Person struct {
		Continuity struct {
			Level, From, To                  *string
			MinContacts, Contacts, Providers int
			UPC, COC, HHI, SECON, MMCI, KPC  *float64
			UsualProvider                    *struct {
				Typename string `json:"__typename"`
				ID       string
			}
			UsualSector        *string
			UnresolvedContacts int
			Nulls              []nullReason
		}
		Fragmentation struct {
			Professionals, Organisations, Sectors                int
			FCI, NetworkFragmentation, ProfessionalFragmentation *float64
			DistanceWeightedFragmentation, CarerDependency       *float64
			CarerBridgingShare, CareDensity                      *float64
			Nulls                                                []nullReason
		}
		Handoffs struct {
			Total, CrossOrganisation, CrossSector, Supported, Unsupported int
			PerContact, PerMonth                                          *float64
			Nulls                                                         []nullReason
		}
	}
}

// analysisResult computes the person's figures with package analysis
// directly: the window's population, the person's record, a Computer.
func analysisResult(t *testing.T, st care.Store, id string, opt analysis.Options) analysis.Result {
	t.Helper()
	ctx := context.Background()
	pop, err := analysis.BuildPopulation(ctx, st, opt.Window)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := analysis.LoadPerson(ctx, st, id)
	if err != nil {
		t.Fatal(err)
	}
	res, err := pop.NewComputer().Person(rec, opt)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestMetricsEqualAnalysis(t *testing.T) {
	a := newAPI(t, 100)
	from, to := care.MakeDate(2025, time.January, 1), care.MakeDate(2026, time.June, 30)
	for _, tc := range []struct {
		id    string
		level analysis.Level
		w     care.Window
	}{
		{demo.ShowcaseArthur, analysis.Professional, care.Always},
		{demo.ShowcaseArthur, analysis.Organisation, care.Window{From: from, To: to}},
		{demo.ShowcaseArthur, analysis.Sector, care.Window{From: from, To: care.NoEnd}},
		{demo.ShowcaseDoreen, analysis.Professional, care.Always},
		{demo.ShowcaseGeorge, analysis.Organisation, care.Always},
		{"p000007", analysis.Professional, care.Window{From: from, To: to}},
	} {
		t.Run(fmt.Sprintf("%s/%s/%s..%s", tc.id, tc.level, tc.w.From, tc.w.To), func(t *testing.T) {
			vars := map[string]any{"id": tc.id, "level": string(tc.level)}
			if !tc.w.From.IsOpen() {
				vars["from"] = tc.w.From.String()
			}
			if !tc.w.To.IsOpen() {
				vars["to"] = tc.w.To.String()
			}
			var got metricsAnswer
			a.mustDo(metricsQuery, vars, &got)
			want := analysisResult(t, a.store, tc.id, analysis.Options{Window: tc.w, Level: tc.level})

			c, wc := got.Person.Continuity, want.Continuity
			if c.Level == nil || *c.Level != string(tc.level) || c.MinContacts != 2 {
				t.Errorf("level %v, minContacts %d", c.Level, c.MinContacts)
			}
			if (c.From == nil) != tc.w.From.IsOpen() || (c.From != nil && *c.From != tc.w.From.String()) {
				t.Errorf("from %v, want %s", c.From, tc.w.From)
			}
			if c.Contacts != wc.Contacts || c.Providers != wc.Providers || c.UnresolvedContacts != wc.Unresolved {
				t.Errorf("counts %d %d %d, want %d %d %d", c.Contacts, c.Providers, c.UnresolvedContacts, wc.Contacts, wc.Providers, wc.Unresolved)
			}
			checkFloat(t, "upc", c.UPC, wc.UPC, c.Nulls, "upc")
			checkFloat(t, "coc", c.COC, wc.COC, c.Nulls, "coc")
			checkFloat(t, "hhi", c.HHI, wc.HHI, c.Nulls, "hhi")
			checkFloat(t, "secon", c.SECON, wc.SECON, c.Nulls, "secon")
			checkFloat(t, "mmci", c.MMCI, wc.MMCI, c.Nulls, "mmci")
			checkFloat(t, "kpc", c.KPC, wc.KPC, c.Nulls, "kpc")
			switch tc.level {
			case analysis.Sector:
				if c.UsualProvider != nil || c.UsualSector == nil || !strings.EqualFold(*c.UsualSector, wc.UsualProvider) {
					t.Errorf("usual sector %v / provider %v, want %s", c.UsualSector, c.UsualProvider, wc.UsualProvider)
				}
			default:
				typ := map[analysis.Level]string{analysis.Professional: "Professional", analysis.Organisation: "Organisation"}[tc.level]
				if c.UsualProvider == nil || c.UsualProvider.ID != wc.UsualProvider || c.UsualProvider.Typename != typ || c.UsualSector != nil {
					t.Errorf("usual provider %+v, want %s %s", c.UsualProvider, typ, wc.UsualProvider)
				}
			}
			if wc.Contacts < 2 {
				t.Errorf("the case should have contacts: %+v", wc)
			}

			f, wf := got.Person.Fragmentation, want.Fragmentation
			if f.Professionals != wf.Professionals || f.Organisations != wf.Organisations || f.Sectors != wf.Sectors {
				t.Errorf("counts %d %d %d, want %+v", f.Professionals, f.Organisations, f.Sectors, wf)
			}
			checkFloat(t, "fci", f.FCI, wf.FCI, f.Nulls, "fci")
			checkFloat(t, "networkFragmentation", f.NetworkFragmentation, wf.NetworkFragmentation, f.Nulls, "networkFragmentation")
			checkFloat(t, "professionalFragmentation", f.ProfessionalFragmentation, wf.ProfessionalFragmentation, f.Nulls, "professionalFragmentation")
			checkFloat(t, "distanceWeightedFragmentation", f.DistanceWeightedFragmentation, wf.DistanceWeightedFragmentation, f.Nulls, "distanceWeightedFragmentation")
			checkFloat(t, "carerDependency", f.CarerDependency, wf.CarerDependency, f.Nulls, "carerDependency")
			checkFloat(t, "carerBridgingShare", f.CarerBridgingShare, wf.CarerBridgingShare, f.Nulls, "carerBridgingShare")
			checkFloat(t, "careDensity", f.CareDensity, wf.CareDensity, f.Nulls, "careDensity")

			h, wh := got.Person.Handoffs, want.Handoffs
			if h.Total != wh.Total || h.CrossOrganisation != wh.CrossOrganisation || h.CrossSector != wh.CrossSector ||
				h.Supported != wh.Supported || h.Unsupported != wh.Unsupported {
				t.Errorf("handoffs %+v, want %+v", h, wh)
			}
			checkFloat(t, "perContact", h.PerContact, wh.PerContact, h.Nulls, "perContact")
			checkFloat(t, "perMonth", h.PerMonth, wh.PerMonth, h.Nulls, "perMonth")
		})
	}
}

func TestMetricsNullsCarryReasons(t *testing.T) {
	a := newAPI(t, 20)
	// A year before any data: counts are 0, never null; ratios are null
	// with NO_CONTACTS; care density with TOO_FEW_PROVIDERS.
	var got metricsAnswer
	a.mustDo(metricsQuery, map[string]any{"id": demo.ShowcaseArthur, "from": "2001-01-01", "to": "2001-12-31"}, &got)
	c := got.Person.Continuity
	if c.Contacts != 0 || c.UPC != nil || c.UsualProvider != nil {
		t.Fatalf("empty window: %+v", c)
	}
	for _, f := range []string{"upc", "coc", "hhi", "secon", "mmci", "kpc", "usualProvider"} {
		if r := reasonOf(c.Nulls, f); r != "NO_CONTACTS" {
			t.Errorf("%s: reason %q, want NO_CONTACTS", f, r)
		}
	}
	for _, n := range c.Nulls {
		if n.Message == "" || n.Message == n.Reason {
			t.Errorf("%s: no message", n.Field)
		}
	}
	if r := reasonOf(got.Person.Fragmentation.Nulls, "careDensity"); got.Person.Fragmentation.CareDensity != nil || r != "TOO_FEW_PROVIDERS" {
		t.Errorf("care density: %v (%s)", ptr(got.Person.Fragmentation.CareDensity), r)
	}
	if h := got.Person.Handoffs; h.Total != 0 || h.PerContact != nil || reasonOf(h.Nulls, "perContact") != "NO_CONTACTS" {
		t.Errorf("handoffs: %+v", h)
	}

	// minContacts above N: BELOW_MIN_CONTACTS, and the usual provider is
	// still reported.
	var below struct {
		Person struct {
			Continuity struct {
				Contacts      int
				UPC           *float64
				UsualProvider *struct{ ID string }
				Nulls         []nullReason
			}
		}
	}
	a.mustDo(`query { person(id: "p-arthur") { continuity(minContacts: 100000) { contacts upc usualProvider { id } nulls { field reason } } } }`, nil, &below)
	bc := below.Person.Continuity
	if bc.Contacts == 0 || bc.UPC != nil || reasonOf(bc.Nulls, "upc") != "BELOW_MIN_CONTACTS" || bc.UsualProvider == nil {
		t.Errorf("below minContacts: %+v", bc)
	}
}

func TestMetricsBadInput(t *testing.T) {
	a := newAPI(t, 5)
	for _, tc := range []struct {
		name, query, code, field string
	}{
		{"unknown level", `{ person(id: "p-arthur") { continuity(level: WARD) { upc } } }`, graph.CodeBadUserInput, ""},
		{"level as a string", `{ person(id: "p-arthur") { continuity(level: "SECTOR") { upc } } }`, graph.CodeBadUserInput, ""},
		{"from after to", `{ person(id: "p-arthur") { continuity(from: "2026-01-01", to: "2025-01-01") { upc } } }`, graph.CodeBadUserInput, "from"},
		{"fragmentation from after to", `{ person(id: "p-arthur") { fragmentation(from: "2026-01-01", to: "2025-01-01") { fci } } }`, graph.CodeBadUserInput, "from"},
		{"handoffs from after to", `{ person(id: "p-arthur") { handoffs(from: "2026-01-01", to: "2025-01-01") { total } } }`, graph.CodeBadUserInput, "from"},
		{"churn from after to", `{ person(id: "p-arthur") { staffChurn(from: "2026-01-01", to: "2025-01-01") { joined } } }`, graph.CodeBadUserInput, "from"},
		{"minContacts 0", `{ person(id: "p-arthur") { continuity(minContacts: 0) { upc } } }`, graph.CodeBadUserInput, "minContacts"},
		{"not a date", `{ person(id: "p-arthur") { handoffs(from: "yesterday") { total } } }`, graph.CodeBadUserInput, ""},
		{"unknown person", `{ person(id: "nobody") { continuity { upc } } }`, graph.CodeNotFound, ""},
		{"a carer is not a person", `{ person(id: "c-margaret") { handoffs { total } } }`, graph.CodeNotFound, ""},
		{"unknown cohort", `{ metricsSummary(cohort: "ward") { people } }`, graph.CodeBadUserInput, "cohort"},
		{"summary from after to", `{ metricsSummary(from: "2026-01-01", to: "2025-01-01") { people } }`, graph.CodeBadUserInput, "from"},
		{"summary minContacts", `{ metricsSummary(minContacts: -3) { people } }`, graph.CodeBadUserInput, "minContacts"},
		{"too complex", `{ people(first: 100) { nodes { continuity { upc } } } }`, graph.CodeBadUserInput, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			errs := a.do(tc.query, nil, nil)
			if len(errs) == 0 {
				t.Fatal("no error")
			}
			e := errs[0]
			if e.Extensions.Code != tc.code {
				t.Errorf("code %s (%s), want %s", e.Extensions.Code, e.Message, tc.code)
			}
			if tc.field != "" && (len(e.Extensions.Problems) == 0 || e.Extensions.Problems[0].Field != tc.field) {
				t.Errorf("problems %+v, want one naming %s", e.Extensions.Problems, tc.field)
			}
		})
	}
}

func TestTenureAndChurnFields(t *testing.T) {
	a := newAPI(t, 5)
	var got struct {
		George, Doreen struct {
			CoordinatorTenure struct {
				AsOf, Since *string
				Coordinator *struct{ ID, Role string }
				Days        *int
				Nulls       []nullReason
			}
			StaffChurn struct {
				Period       string
				Joined, Left int
				Periods      []struct {
					From, To     string
					Joined, Left int
				}
			}
		}
	}
	a.mustDo(`{
	  george: person(id: "p-george") { coordinatorTenure(asOf: "2026-10-31") { asOf since days coordinator { id role } nulls { field reason } }
	                                   staffChurn(from: "2025-01-01", to: "2026-10-31", period: MONTH) { period joined left periods { from to joined left } } }
	  doreen: person(id: "p-doreen") { coordinatorTenure(asOf: "2026-10-31") { asOf since days coordinator { id } nulls { field reason } }
	                                   staffChurn { period joined left periods { from to joined left } } }
	}`, nil, &got)
	g := got.George.CoordinatorTenure
	if g.Coordinator == nil || g.Days == nil || g.Since == nil || *g.AsOf != "2026-10-31" || len(g.Nulls) != 0 {
		t.Errorf("George's coordinator: %+v", g)
	}
	d := got.Doreen.CoordinatorTenure
	if d.Coordinator != nil || d.Days != nil || reasonOf(d.Nulls, "days") != "NO_COORDINATOR" || reasonOf(d.Nulls, "coordinator") != "NO_COORDINATOR" {
		t.Errorf("Doreen has no coordinator: %+v", d)
	}
	gc := got.George.StaffChurn
	if gc.Period != "MONTH" || len(gc.Periods) != 22 || gc.Periods[0].From != "2025-01-01" || gc.Periods[21].To != "2026-10-31" {
		t.Errorf("George's churn by month: %+v", gc)
	}
	joined := 0
	for _, p := range gc.Periods {
		joined += p.Joined
	}
	if joined != gc.Joined {
		t.Errorf("periods join %d, total %d", joined, gc.Joined)
	}
	if dc := got.Doreen.StaffChurn; dc.Period != "QUARTER" || dc.Joined == 0 {
		t.Errorf("Doreen's churn: %+v", dc)
	}
}

func TestMetricsSummaryField(t *testing.T) {
	a := newAPI(t, 100)
	type dist struct {
		Metric       string
		Proposal     bool
		Count        *int
		Mean, Median *float64
		Q1, Q3       *float64
		Min, Max     *float64
		Nulls        []struct {
			Reason, Message string
			Count           *int
		}
		NullStatistics []nullReason
	}
	type summary struct {
		MetricsSummary struct {
			Cohort, Level string
			From, To      *string
			MinContacts   int
			People        *int
			SmallNumbers  bool
			Groups        []struct {
				Cohort  *string
				People  *int
				Metrics []dist
			}
		}
	}
	q := `query($cohort: String, $sup: Boolean) { metricsSummary(cohort: $cohort, from: "2025-01-01", level: ORGANISATION, suppressSmallNumbers: $sup) {
	  cohort level from to minContacts people smallNumbers
	  groups { cohort people metrics { metric proposal count mean median q1 q3 min max nulls { reason message count } nullStatistics { field reason message } } } } }`

	var got summary
	a.mustDo(q, map[string]any{"cohort": "locality"}, &got)
	s := got.MetricsSummary
	if s.Cohort != "locality" || s.Level != "ORGANISATION" || *s.From != "2025-01-01" || s.To != nil || s.People == nil || *s.People != 104 || s.SmallNumbers {
		t.Fatalf("summary header: %+v", s)
	}

	// The same figures from metricsvc over the same store.
	opt := analysis.Options{Window: care.Window{From: care.MakeDate(2025, 1, 1), To: care.NoEnd}, Level: analysis.Organisation, Today: care.DateOf(time.Now())}
	pop, err := analysis.BuildPopulation(context.Background(), a.store, opt.Window)
	if err != nil {
		t.Fatal(err)
	}
	want, err := metricsvc.Summarise(context.Background(), a.store, pop, opt, "locality", false, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Groups) != len(want.Groups) || len(s.Groups) < 3 {
		t.Fatalf("%d groups, want %d", len(s.Groups), len(want.Groups))
	}
	for i, g := range s.Groups {
		wg := want.Groups[i]
		if (g.Cohort == nil) != (wg.Cohort == "") || (g.Cohort != nil && *g.Cohort != wg.Cohort) || *g.People != wg.People.N || len(g.Metrics) != len(wg.Metrics) {
			t.Fatalf("group %d: %v %v, want %+v", i, g.Cohort, g.People, wg)
		}
		for j, d := range g.Metrics {
			wd := wg.Metrics[j]
			if d.Metric != wd.Metric || d.Proposal || *d.Count != wd.Count.N || len(d.Nulls) != len(wd.Nulls) {
				t.Errorf("%v %s: %+v, want %+v", g.Cohort, d.Metric, d, wd)
			}
			for _, st := range []struct {
				name string
				got  *float64
				want analysis.Stat
			}{{"mean", d.Mean, wd.Mean}, {"median", d.Median, wd.Median}, {"q1", d.Q1, wd.Q1}, {"q3", d.Q3, wd.Q3}, {"min", d.Min, wd.Min}, {"max", d.Max, wd.Max}} {
				checkFloat(t, fmt.Sprintf("%v %s %s", g.Cohort, d.Metric, st.name), st.got, st.want.Value, d.NullStatistics, st.name)
			}
		}
	}

	// With the small-number rule: counts rounded to 5, extremes withheld.
	a.mustDo(q, map[string]any{"cohort": "all", "sup": true}, &got)
	s = got.MetricsSummary
	if !s.SmallNumbers || *s.People != 105 || len(s.Groups) != 1 || *s.Groups[0].Cohort != "all" {
		t.Fatalf("suppressed summary: %+v", s)
	}
	for _, d := range s.Groups[0].Metrics {
		if d.Min != nil || reasonOf(d.NullStatistics, "max") != "SUPPRESSED" || (d.Count != nil && *d.Count%5 != 0) {
			t.Errorf("%s under the rule: %+v", d.Metric, d)
		}
	}
}

func TestMetricsFollowWrites(t *testing.T) {
	a := newAPI(t, 5)
	q := `{ person(id: "p-doreen") { continuity { contacts } fragmentation { careDensity professionals } } }`
	var before, after struct {
		Person struct {
			Continuity    struct{ Contacts int }
			Fragmentation struct {
				CareDensity   *float64
				Professionals int
			}
		}
	}
	a.mustDo(q, nil, &before)
	// A new professional, seen by Doreen: written through the API, so the
	// cached index and population must be dropped.
	a.mustDo(`mutation {
	  createProfessional(input: {id: "pro-new", name: "New Nurse", role: DISTRICT_NURSE}) { id }
	  recordContact(input: {id: "k-new", person: "p-doreen", professional: "pro-new", at: "2026-10-30T10:00:00Z", mode: HOME_VISIT}) { id }
	}`, nil, nil)
	a.mustDo(q, nil, &after)
	if after.Person.Continuity.Contacts != before.Person.Continuity.Contacts+1 || after.Person.Fragmentation.Professionals != before.Person.Fragmentation.Professionals+1 {
		t.Errorf("after a write: %+v, before %+v", after, before)
	}
	if after.Person.Fragmentation.CareDensity == nil {
		t.Error("care density null after a write: the population was not rebuilt (UNKNOWN_PROFESSIONAL)")
	}
}

// Every metrics type, field and argument the schema adds is described:
// front-end teams read the schema, researchers the citations in it.
func TestMetricsSchemaIsDescribed(t *testing.T) {
	s := graph.NewExecutableSchema(graph.Config{}).Schema()
	types := []string{"ContinuityLevel", "ChurnPeriod", "NullReason", "Continuity", "Fragmentation", "Handoffs",
		"CoordinatorTenure", "StaffChurn", "StaffChurnPeriod", "NullCount", "MetricDistribution", "CohortSummary", "MetricsSummary"}
	for _, name := range types {
		def := s.Types[name]
		if def == nil {
			t.Fatalf("no type %s", name)
		}
		if strings.TrimSpace(def.Description) == "" {
			t.Errorf("%s has no description", name)
		}
		for _, f := range def.Fields {
			if strings.TrimSpace(f.Description) == "" {
				t.Errorf("%s.%s has no description", name, f.Name)
			}
		}
		for _, v := range def.EnumValues {
			if strings.TrimSpace(v.Description) == "" {
				t.Errorf("%s.%s has no description", name, v.Name)
			}
		}
	}
	for typ, fields := range map[string][]string{
		"Person": {"continuity", "fragmentation", "handoffs", "coordinatorTenure", "staffChurn"},
		"Query":  {"metricsSummary"},
	} {
		for _, name := range fields {
			f := s.Types[typ].Fields.ForName(name)
			if f == nil || strings.TrimSpace(f.Description) == "" {
				t.Errorf("%s.%s missing or undescribed", typ, name)
			}
		}
	}
	// Part 1's names, exactly, on the three metric types.
	for typ, names := range map[string][]string{
		"Continuity":    {"contacts", "providers", "upc", "coc", "hhi", "secon", "mmci", "kpc", "usualProvider"},
		"Fragmentation": {"professionals", "organisations", "sectors", "fci", "networkFragmentation", "professionalFragmentation", "distanceWeightedFragmentation", "carerDependency", "carerBridgingShare", "careDensity"},
		"Handoffs":      {"total", "crossOrganisation", "crossSector", "supported", "unsupported"},
	} {
		for _, name := range names {
			if s.Types[typ].Fields.ForName(name) == nil {
				t.Errorf("%s has no Part 1 field %s", typ, name)
			}
		}
	}
}

package netanalysis_test

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/metrics/brokerage"
	"github.com/careweb/careweb/internal/netanalysis"
)

func day(m time.Month, d int) care.Date { return care.MakeDate(2024, m, d) }

func span(from, to care.Date) care.Span { return care.Span{From: from, To: to} }

// services is a star of professionals: c linked to a, b and d, plus a link
// a–b that ended before March. a and b work in O1 (primary care); c in O2
// (social care); d moved from O1 to O2 on 1 June.
func services() *care.Services {
	return &care.Services{
		Nodes: []care.Node{
			{ID: "O1", Kind: care.KindOrganisation, Sector: care.SectorPrimaryCare, Locality: "north"},
			{ID: "O2", Kind: care.KindOrganisation, Sector: care.SectorSocialCare, Locality: "south"},
			{ID: "a", Kind: care.KindProfessional, Locality: "north"},
			{ID: "b", Kind: care.KindProfessional, Locality: "north"},
			{ID: "c", Kind: care.KindProfessional, Locality: "south"},
			{ID: "d", Kind: care.KindProfessional},
			{ID: "k", Kind: care.KindCarer},
		},
		Relationships: []care.Relationship{
			{ID: "w1", Type: care.WorksIn, From: "a", To: "O1", Span: care.Always},
			{ID: "w2", Type: care.WorksIn, From: "b", To: "O1", Span: care.Always},
			{ID: "w3", Type: care.WorksIn, From: "c", To: "O2", Span: care.Always},
			{ID: "w4", Type: care.WorksIn, From: "d", To: "O1", Span: span(care.NoStart, day(5, 31))},
			{ID: "w5", Type: care.WorksIn, From: "d", To: "O2", Span: span(day(6, 1), care.NoEnd)},
			{ID: "l1", Type: care.LinkedTo, From: "c", To: "a", Span: care.Always},
			{ID: "l2", Type: care.LinkedTo, From: "b", To: "c", Span: care.Always},
			{ID: "l3", Type: care.LinkedTo, From: "c", To: "d", Span: care.Always},
			{ID: "l4", Type: care.LinkedTo, From: "a", To: "b", Span: span(care.NoStart, day(2, 28))},
			{ID: "l5", Type: care.LinkedTo, From: "k", To: "c", Span: care.Always},
		},
	}
}

func build(t *testing.T, opt netanalysis.Options, people ...*care.PersonRecord) *netanalysis.Result {
	t.Helper()
	b, err := netanalysis.NewBuilder(services(), opt)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range people {
		b.Add(p)
	}
	n, err := b.Network()
	if err != nil {
		t.Fatal(err)
	}
	r, err := netanalysis.Measure(context.Background(), n, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func node(t *testing.T, r *netanalysis.Result, id string) *netanalysis.Node {
	t.Helper()
	for i := range r.Nodes {
		if r.Nodes[i].ID == id {
			return &r.Nodes[i]
		}
	}
	t.Fatalf("no node %q in %d nodes", id, len(r.Nodes))
	return nil
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestServicesStar(t *testing.T) {
	// From March the a–b link has ended: a star centred on c.
	r := build(t, netanalysis.Options{Window: span(day(7, 1), day(12, 31))})
	if r.Graph.Nodes != 4 || r.Graph.Edges != 3 || r.Graph.Components != 1 {
		t.Fatalf("graph = %+v, want 4 nodes, 3 edges, 1 component", r.Graph)
	}
	c := node(t, r, "c")
	if !c.Betweenness.Defined || !near(c.Betweenness.V, 1) || c.BetweennessRaw != 3 {
		t.Errorf("betweenness(c) = %+v raw %v, want 1 (3 pairs of 3)", c.Betweenness, c.BetweennessRaw)
	}
	if !near(c.Closeness.V, 1) || !near(c.DegreeCentrality.V, 1) || c.Degree != 3 {
		t.Errorf("c: closeness %v, degree centrality %v, degree %d; want 1, 1, 3", c.Closeness, c.DegreeCentrality, c.Degree)
	}
	if !near(c.EffectiveSize.V, 3) {
		t.Errorf("effective size(c) = %v, want 3", c.EffectiveSize)
	}
	a := node(t, r, "a")
	if a.BetweennessRaw != 0 || !near(a.Constraint.V, 1) || !near(a.Closeness.V, 3.0/5) {
		t.Errorf("a: raw betweenness %v, constraint %v, closeness %v; want 0, 1, 3/5", a.BetweennessRaw, a.Constraint, a.Closeness)
	}
	// In July d works in O2, with c: {a,b} is itinerant (O1–O2–O1),
	// {a,d} and {b,d} boundary (O1–O2–O2).
	if d := node(t, r, "d"); d.Organisation != "O2" || d.Sector != care.SectorSocialCare {
		t.Errorf("d in July: organisation %q sector %q, want O2 social_care", d.Organisation, d.Sector)
	}
	if want := (brokerage.Roles{Itinerant: 1, Boundary: 2}); c.Brokerage != want {
		t.Errorf("roles(c) = %+v, want %+v", c.Brokerage, want)
	}
	// Edges c–a, c–b cross organisations, c–d stays in O2: E−I = (2−1)/3.
	if !near(r.Graph.OrganisationEI.V, 1.0/3) {
		t.Errorf("organisation E–I = %v, want 1/3", r.Graph.OrganisationEI)
	}
	if !r.Graph.Transitivity.Defined || r.Graph.Transitivity.V != 0 {
		t.Errorf("transitivity of a star = %+v, want 0 (3 triples, no triangle)", r.Graph.Transitivity)
	}
	top := r.Top(netanalysis.ByBetweenness, 2)
	if len(top) != 2 || top[0].ID != "c" || top[1].ID != "a" {
		t.Errorf("top betweenness = %+v, want c then a (ties to the smaller id)", top)
	}
}

func TestServicesWindowAndKinds(t *testing.T) {
	// In January a–b is still linked: a triangle a–b–c plus d.
	r := build(t, netanalysis.Options{Window: span(day(1, 1), day(1, 31)), Carers: true, Organisations: true})
	// 4 professionals, 1 carer, 2 organisations; 4 links + k–c + 5 WORKS_IN
	// overlapping January (d's second job starts in June).
	if r.Graph.Nodes != 7 || r.Graph.Edges != 9 {
		t.Fatalf("graph = %d nodes %d edges, want 7, 9", r.Graph.Nodes, r.Graph.Edges)
	}
	if d := node(t, r, "d"); d.Organisation != "O1" {
		t.Errorf("d in January: organisation %q, want O1", d.Organisation)
	}
	if k := node(t, r, "k"); k.Kind != care.KindCarer || k.Organisation != "" {
		t.Errorf("carer k = %+v", k)
	}
}

func TestCohort(t *testing.T) {
	r := build(t, netanalysis.Options{Window: span(day(7, 1), day(7, 1)), CohortKind: netanalysis.ByOrganisation, Cohort: "O1"})
	if r.Graph.Nodes != 2 || r.Graph.Edges != 0 {
		t.Fatalf("O1 cohort = %d nodes %d edges, want a and b, no edge", r.Graph.Nodes, r.Graph.Edges)
	}
	if a := node(t, r, "a"); a.Closeness.Defined || a.Closeness.Reason != "ISOLATE" {
		t.Errorf("closeness of an isolate = %+v, want null ISOLATE", a.Closeness)
	}
	if r.Graph.Modularity.Defined || r.Graph.OrganisationEI.Defined {
		t.Errorf("modularity/EI of an edgeless graph must be null: %+v %+v", r.Graph.Modularity, r.Graph.OrganisationEI)
	}
	r = build(t, netanalysis.Options{CohortKind: "SECTOR", Cohort: "social care", Window: span(day(7, 1), day(7, 1))})
	if r.Graph.Nodes != 2 || r.Graph.Edges != 1 {
		t.Errorf("social-care cohort = %d nodes %d edges, want c–d", r.Graph.Nodes, r.Graph.Edges)
	}
	r = build(t, netanalysis.Options{CohortKind: netanalysis.ByLocality, Cohort: "north"})
	if r.Graph.Nodes != 2 || r.Nodes[0].ID != "a" || r.Nodes[1].ID != "b" {
		t.Errorf("north cohort = %+v", r.Nodes)
	}
}

func TestBadOptions(t *testing.T) {
	for _, opt := range []netanalysis.Options{
		{Network: "bus"},
		{CohortKind: "ward", Cohort: "x"},
		{CohortKind: netanalysis.BySector},
		{Cohort: "O1"},
		{CohortKind: netanalysis.BySector, Cohort: "plumbing"},
		{Window: span(day(2, 1), day(1, 1))},
		{Workers: -1},
	} {
		if _, err := netanalysis.NewBuilder(services(), opt); care.ErrorCode(err) != care.Invalid {
			t.Errorf("%+v: error %v, want INVALID", opt, err)
		}
	}
	_, err := netanalysis.NewBuilder(services(), netanalysis.Options{CohortKind: netanalysis.ByOrganisation, Cohort: "a"})
	if care.ErrorCode(err) != care.NotFound {
		t.Errorf("cohort organisation that is a professional: %v, want NOT_FOUND", err)
	}
}

func contact(person, prof string, m time.Month, d int) care.Contact {
	return care.Contact{ID: person + prof + m.String(), Person: person, Professional: prof, At: day(m, d).Time()}
}

func TestSharing(t *testing.T) {
	people := []*care.PersonRecord{
		{Person: care.Node{ID: "p1"}, Contacts: []care.Contact{contact("p1", "a", 3, 1), contact("p1", "a", 3, 2), contact("p1", "b", 3, 3)}},
		{Person: care.Node{ID: "p2"}, Contacts: []care.Contact{contact("p2", "b", 4, 1), contact("p2", "c", 4, 2), contact("p2", "x", 4, 2)}},
		// c is outside the window: p3 shares only a–b.
		{Person: care.Node{ID: "p3"}, Contacts: []care.Contact{contact("p3", "a", 5, 1), contact("p3", "b", 5, 1), contact("p3", "c", 11, 1)}},
		{Person: care.Node{ID: "p4"}, Contacts: []care.Contact{contact("p4", "d", 9, 1)}},
		nil,
	}
	r := build(t, netanalysis.Options{Network: "sharing", Window: span(day(1, 1), day(9, 30))}, people...)
	// Nodes: every known professional with a contact in the window (x is unknown).
	if r.Graph.Nodes != 4 || r.Graph.Edges != 2 || !r.Graph.Weighted || r.People != 4 {
		t.Fatalf("graph = %+v people %d, want 4 nodes, 2 weighted edges, 4 people", r.Graph, r.People)
	}
	a, b, c, d := node(t, r, "a"), node(t, r, "b"), node(t, r, "c"), node(t, r, "d")
	if a.Strength != 2 || b.Strength != 3 || c.Strength != 1 || d.Degree != 0 {
		t.Errorf("strengths a %v b %v c %v, degree d %d; want 2 (a–b shared twice), 3, 1, 0", a.Strength, b.Strength, c.Strength, d.Degree)
	}
	if b.BetweennessRaw != 1 || !near(b.Betweenness.V, 1.0/3) {
		t.Errorf("betweenness(b) = %v raw %v, want 1/3 (1 pair of 3)", b.Betweenness, b.BetweennessRaw)
	}
	if r.Graph.Components != 2 || r.Graph.LargestComponent != 3 {
		t.Errorf("components %d largest %d, want 2, 3", r.Graph.Components, r.Graph.LargestComponent)
	}
	if d.Constraint.Defined || d.Constraint.Reason != "ISOLATE" {
		t.Errorf("constraint of isolate d = %+v", d.Constraint)
	}
	sum := 0.0
	for _, n := range r.Nodes {
		sum += n.PageRank.V
	}
	if !near(sum, 1) {
		t.Errorf("PageRank sums to %v", sum)
	}
	if top := r.Top(netanalysis.ByDegree, 1); len(top) != 1 || top[0].ID != "b" || top[0].Score != 2 {
		t.Errorf("top degree = %+v, want b (2)", top)
	}
}

func TestEncode(t *testing.T) {
	r := build(t, netanalysis.Options{CohortKind: netanalysis.ByOrganisation, Cohort: "O1", Window: care.AsOf(day(7, 1))})
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Graph map[string]any `json:"graph"`
		Nodes []map[string]any
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Graph["modularity"] != nil || doc.Graph["reasons"].(map[string]any)["modularity"] != "NO_EDGES" {
		t.Errorf("graph = %v, want modularity null with NO_EDGES", doc.Graph)
	}
	if len(doc.Nodes) != 2 || doc.Nodes[0]["id"] != "a" || doc.Nodes[0]["closeness"] != nil {
		t.Errorf("nodes = %v", doc.Nodes)
	}
	var sb strings.Builder
	if err := r.WriteCSV(&sb); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(sb.String()), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[1], "a,professional,O1,primary_care,north,0,") || !strings.Contains(lines[1], "closeness=ISOLATE") {
		t.Errorf("csv = %q", lines)
	}
}

// streamer is a care.Streamer over fixed records.
type streamer struct {
	svc    *care.Services
	people []*care.PersonRecord
	err    error
}

func (s streamer) Services(context.Context) (*care.Services, error) { return s.svc, s.err }

func (s streamer) EachPerson(ctx context.Context, fn func(*care.PersonRecord) error) error {
	for _, p := range s.people {
		if err := fn(p); err != nil {
			return err
		}
	}
	return ctx.Err()
}

func TestAnalyse(t *testing.T) {
	st := streamer{svc: services(), people: []*care.PersonRecord{
		{Person: care.Node{ID: "p1"}, Contacts: []care.Contact{contact("p1", "a", 3, 1), contact("p1", "c", 3, 3)}},
	}}
	r, err := netanalysis.Analyse(context.Background(), st, netanalysis.Options{Network: netanalysis.Sharing})
	if err != nil {
		t.Fatal(err)
	}
	if r.Graph.Nodes != 2 || r.Graph.Edges != 1 || r.People != 1 {
		t.Errorf("graph %+v people %d, want a–c from one person", r.Graph, r.People)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := netanalysis.Analyse(ctx, st, netanalysis.Options{Network: netanalysis.Sharing}); err == nil {
		t.Error("cancelled context: no error")
	}
	st.err = care.Errorf(care.Unavailable, "store down")
	if _, err := netanalysis.Analyse(context.Background(), st, netanalysis.Options{}); care.ErrorCode(err) != care.Unavailable {
		t.Errorf("store error: %v, want UNAVAILABLE passed through", err)
	}
	// An empty store is an empty network, every average null with a reason.
	r, err = netanalysis.Analyse(context.Background(), streamer{}, netanalysis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Graph.Nodes != 0 || r.Graph.AverageClustering.Defined || r.Graph.AverageClustering.Reason == "" {
		t.Errorf("empty network: %+v", r.Graph)
	}
	if top := r.Top(netanalysis.ByPageRank, 3); len(top) != 0 {
		t.Errorf("top of an empty network = %v", top)
	}
}

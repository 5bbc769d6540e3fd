package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/demo"
	"github.com/careweb/careweb/internal/server"
	"github.com/careweb/careweb/internal/store/embedded"
	"github.com/careweb/careweb/internal/store/storemetrics"
)

// demoDir returns a data directory holding the demo data set of the given
// size (plus the four showcase webs), closed so a command can open it.
func demoDir(t testing.TB, people int) string {
	t.Helper()
	return demoDirOf(t, people, nil)
}

// demoDirOf is demoDir with each batch passed through edit first (when
// not nil), e.g. to leave some records out.
func demoDirOf(t testing.TB, people int, edit func(*care.Batch)) string {
	t.Helper()
	dir := t.TempDir()
	st, err := embedded.Open(dir, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	err = demo.Generate(demo.Config{Seed: 1, People: people}, 20000, func(b care.Batch) error {
		if edit != nil {
			edit(&b)
		}
		_, err := st.Apply(context.Background(), b)
		return err
	})
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// runCmd runs the program in process and returns its stdout and stderr.
func runCmd(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	return runEnv(t, envOf(nil), args...)
}

// runEnv is runCmd with the environment getenv.
func runEnv(t *testing.T, getenv env, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, getenv, nil, &out, &errb)
	return out.String(), errb.String(), err
}

// jsonLine is one line of `careweb metrics`.
type jsonLine struct {
	Person        string                     `json:"person"`
	Continuity    map[string]json.RawMessage `json:"continuity"`
	Fragmentation map[string]json.RawMessage `json:"fragmentation"`
	Handoffs      map[string]json.RawMessage `json:"handoffs"`
	Proposals     map[string]json.RawMessage `json:"proposals"`
	Reasons       map[string]string          `json:"reasons"`
}

func parseLines(t *testing.T, out string) []jsonLine {
	t.Helper()
	var lines []jsonLine
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l jsonLine
		dec := json.NewDecoder(strings.NewReader(sc.Text()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&l); err != nil {
			t.Fatalf("line %d: %v: %s", len(lines)+1, err, sc.Text())
		}
		lines = append(lines, l)
	}
	return lines
}

// Part 1's names, exactly (METRICS-REFERENCE Part 1, "Names").
var part1 = map[string][]string{
	"continuity":    {"contacts", "providers", "upc", "coc", "hhi", "secon", "mmci", "kpc", "usualProvider"},
	"fragmentation": {"professionals", "organisations", "sectors", "fci", "networkFragmentation", "professionalFragmentation", "distanceWeightedFragmentation", "carerDependency", "carerBridgingShare", "careDensity"},
	"handoffs":      {"total", "crossOrganisation", "crossSector", "supported", "unsupported"},
}

func TestMetricsCommandJSONLines(t *testing.T) {
	dir := demoDir(t, 100)
	outFile := filepath.Join(t.TempDir(), "metrics.jsonl")
	_, stderr, err := runCmd(t, "metrics", "--data", dir, "--out", outFile)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if !strings.Contains(stderr, "careweb metrics: 104 persons in ") || !strings.Contains(stderr, "persons/s") {
		t.Errorf("summary line: %q", stderr)
	}
	b, err := os.ReadFile(outFile)
	if err != nil {
		t.Fatal(err)
	}
	lines := parseLines(t, string(b))
	if len(lines) != 104 { // 100 people and the four showcase webs
		t.Fatalf("%d lines, want 104", len(lines))
	}
	ids := make([]string, len(lines))
	for i, l := range lines {
		ids[i] = l.Person
		for group, names := range part1 {
			obj := map[string]map[string]json.RawMessage{"continuity": l.Continuity, "fragmentation": l.Fragmentation, "handoffs": l.Handoffs}[group]
			if len(obj) != len(names) {
				t.Fatalf("%s: %s has %d fields, want Part 1's %d", l.Person, group, len(obj), len(names))
			}
			for _, n := range names {
				v, ok := obj[n]
				if !ok {
					t.Fatalf("%s: no %s.%s", l.Person, group, n)
				}
				// A null has its reason; a value has none.
				_, hasReason := l.Reasons[group+"."+n]
				if (string(v) == "null") != hasReason {
					t.Errorf("%s: %s.%s = %s with reason %q", l.Person, group, n, v, l.Reasons[group+"."+n])
				}
			}
		}
		if l.Proposals != nil {
			t.Errorf("%s: proposals without --proposals", l.Person)
		}
	}
	if !slices.IsSorted(ids) {
		t.Error("persons not in id order")
	}

	arthur := lines[slices.Index(ids, demo.ShowcaseArthur)]

	// The same with a window and a level.
	out, stderr, err := runCmd(t, "metrics", "--data", dir, "--from", "2025-01-01", "--to", "2026-06-30", "--level", "organisation", "--min-contacts", "3", "--workers", "1", "--proposals")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	windowed := parseLines(t, out)

	// The CLI's figures are the API's: Arthur through GraphQL.
	api := graphQLOver(t, dir)
	compareWithAPI(t, api, arthur, "", "", "")
	for _, l := range windowed {
		if l.Person == demo.ShowcaseArthur {
			if l.Proposals == nil || l.Proposals["coordinator"] == nil {
				t.Errorf("--proposals: %v", l.Proposals)
			}
			const w = `from: "2025-01-01", to: "2026-06-30"`
			compareWithAPI(t, api, l, w+", level: ORGANISATION, minContacts: 3", w+", minContacts: 3", w)
		}
	}
}

// graphQLOver serves the GraphQL API over the data directory, wired as
// `careweb serve` wires it.
func graphQLOver(t *testing.T, dir string) *httptest.Server {
	t.Helper()
	st, err := embedded.Open(dir, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	reg := prometheus.NewRegistry()
	sec, tok := testSecurity(t)
	srv := httptest.NewServer(withToken(newHandler(storemetrics.Wrap(st, reg, "embedded"), reg, zerolog.Nop(), apiFlags{limits: server.DefaultGraphQLLimits()}, sec), tok))
	t.Cleanup(srv.Close)
	return srv
}

// compareWithAPI checks that a JSON line's Part 1 figures equal GraphQL's
// for the same person, with the given arguments to continuity,
// fragmentation and handoffs.
func compareWithAPI(t *testing.T, api *httptest.Server, l jsonLine, contArgs, fragArgs, handArgs string) {
	t.Helper()
	paren := func(s string) string {
		if s == "" {
			return ""
		}
		return "(" + s + ")"
	}
	q := `{ person(id: "` + l.Person + `") {
	  continuity` + paren(contArgs) + ` { contacts providers upc coc hhi secon mmci kpc usualProvider { id } }
	  fragmentation` + paren(fragArgs) + ` { professionals organisations sectors fci networkFragmentation professionalFragmentation distanceWeightedFragmentation carerDependency carerBridgingShare careDensity }
	  handoffs` + paren(handArgs) + ` { total crossOrganisation crossSector supported unsupported } } }`
	body, _ := json.Marshal(map[string]any{"query": q})
	resp, err := api.Client().Post(api.URL+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var got struct {
		Data struct {
			Person map[string]map[string]json.RawMessage
		}
		Errors []any
	}
	if err := json.Unmarshal(raw, &got); err != nil || len(got.Errors) > 0 {
		t.Fatalf("GraphQL: %v %s", err, raw)
	}
	for group, cli := range map[string]map[string]json.RawMessage{"continuity": l.Continuity, "fragmentation": l.Fragmentation, "handoffs": l.Handoffs} {
		for _, name := range part1[group] {
			g, c := got.Data.Person[group][name], cli[name]
			if name == "usualProvider" {
				var u struct{ ID string }
				_ = json.Unmarshal(g, &u)
				g = json.RawMessage(`"` + u.ID + `"`)
			}
			if !equalJSONNumbers(g, c) {
				t.Errorf("%s %s.%s: GraphQL %s, CLI %s", l.Person, group, name, g, c)
			}
		}
	}
	if l.Continuity["contacts"] == nil || string(l.Continuity["contacts"]) == "0" {
		t.Errorf("%s: no contacts to compare", l.Person)
	}
}

// equalJSONNumbers compares two JSON values, numbers by value (GraphQL and
// the CLI may print the same float64 differently).
func equalJSONNumbers(a, b json.RawMessage) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return x == y
}

func TestMetricsCommandCSV(t *testing.T) {
	dir := demoDir(t, 30)
	out, stderr, err := runCmd(t, "metrics", "--data", dir, "--format", "csv", "--reasons")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 35 {
		t.Fatalf("%d rows, want a header and 34", len(rows))
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for _, name := range []string{"person", "continuity.upc", "continuity.upc.reason", "fragmentation.careDensity", "handoffs.unsupported", "continuity.usualProvider"} {
		if _, ok := col[name]; !ok {
			t.Errorf("no column %s in %v", name, rows[0])
		}
	}
	jl, _, err := runCmd(t, "metrics", "--data", dir)
	if err != nil {
		t.Fatal(err)
	}
	lines := parseLines(t, jl)
	for i, l := range lines {
		row := rows[i+1]
		if row[col["person"]] != l.Person {
			t.Fatalf("row %d is %s, line is %s", i, row[0], l.Person)
		}
		upc := row[col["continuity.upc"]]
		if (upc == "") != (string(l.Continuity["upc"]) == "null") || (upc != "" && !equalJSONNumbers(json.RawMessage(upc), l.Continuity["upc"])) {
			t.Errorf("%s: CSV upc %q, JSON %s", l.Person, upc, l.Continuity["upc"])
		}
		if r := row[col["continuity.upc.reason"]]; r != l.Reasons["continuity.upc"] {
			t.Errorf("%s: CSV reason %q, JSON %q", l.Person, r, l.Reasons["continuity.upc"])
		}
	}
}

func TestMetricsCommandEmptyStore(t *testing.T) {
	dir := t.TempDir()
	out, _, err := runCmd(t, "metrics", "--data", dir, "--format", "csv")
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 1 || !strings.HasPrefix(lines[0], "person,continuity.contacts,") {
		t.Errorf("empty CSV: %q", out)
	}
	if out, _, err := runCmd(t, "metrics", "--data", dir); err != nil || out != "" {
		t.Errorf("empty JSON Lines: %q, %v", out, err)
	}
	out, _, err = runCmd(t, "metrics", "summary", "--data", dir)
	var s struct {
		People int
		Groups []any
	}
	if err != nil || json.Unmarshal([]byte(out), &s) != nil || s.People != 0 || len(s.Groups) != 0 {
		t.Errorf("empty summary: %q, %v", out, err)
	}
}

func TestMetricsSummaryCommand(t *testing.T) {
	dir := demoDir(t, 100)
	out, stderr, err := runCmd(t, "metrics", "summary", "--data", dir, "--cohort", "locality", "--from", "2025-01-01", "--level", "SECTOR")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	type dist struct {
		Metric   string
		Count    *int
		Mean     *float64
		Min, Max *float64
		Nulls    []struct {
			Reason string
			Count  *int
		}
	}
	var s struct {
		Cohort, Level string
		From, To      *string
		MinContacts   int
		People        *int
		SmallNumbers  bool
		Groups        []struct {
			Cohort  string
			People  *int
			Metrics []dist
		}
	}
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if s.Cohort != "locality" || s.Level != "SECTOR" || *s.From != "2025-01-01" || s.To != nil || *s.People != 104 || s.SmallNumbers || len(s.Groups) < 3 {
		t.Fatalf("summary: %+v", s)
	}
	total := 0
	for _, g := range s.Groups {
		total += *g.People
		if len(g.Metrics) != 23 || g.Metrics[0].Metric != "continuity.contacts" {
			t.Errorf("cohort %q: %d metrics, first %s", g.Cohort, len(g.Metrics), g.Metrics[0].Metric)
		}
	}
	if total != 104 {
		t.Errorf("cohorts hold %d people", total)
	}

	sout, _, err := runCmd(t, "metrics", "summary", "--data", dir, "--suppress-small-numbers")
	if err != nil {
		t.Fatal(err)
	}

	// The same question through GraphQL gives the same figures.
	api := graphQLOver(t, dir)
	body, _ := json.Marshal(map[string]any{"query": `{ metricsSummary(cohort: "locality", from: "2025-01-01", level: SECTOR) {
	  people groups { cohort people metrics { metric count mean min max nulls { reason count } } } } }`})
	resp, err := api.Client().Post(api.URL+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var g struct {
		Data struct {
			MetricsSummary struct {
				People int
				Groups []struct {
					Cohort  *string
					People  int
					Metrics []dist
				}
			}
		}
	}
	if err := json.Unmarshal(raw, &g); err != nil || len(g.Data.MetricsSummary.Groups) != len(s.Groups) {
		t.Fatalf("GraphQL summary: %v %s", err, raw)
	}
	for i, gg := range g.Data.MetricsSummary.Groups {
		cg := s.Groups[i]
		if (gg.Cohort == nil && cg.Cohort != "") || (gg.Cohort != nil && *gg.Cohort != cg.Cohort) || gg.People != *cg.People {
			t.Fatalf("group %d: GraphQL %v/%d, CLI %q/%d", i, gg.Cohort, gg.People, cg.Cohort, *cg.People)
		}
		a, _ := json.Marshal(gg.Metrics)
		b, _ := json.Marshal(cg.Metrics)
		if string(a) != string(b) {
			t.Errorf("cohort %q:\nGraphQL %s\n    CLI %s", cg.Cohort, a, b)
		}
	}

	if err := json.Unmarshal([]byte(sout), &s); err != nil || !s.SmallNumbers || *s.People != 105 || s.Groups[0].Cohort != "all" {
		t.Fatalf("suppressed: %v %+v", err, s)
	}
	for _, d := range s.Groups[0].Metrics {
		if d.Min != nil || d.Max != nil || (d.Count != nil && *d.Count%5 != 0) {
			t.Errorf("%s under the rule: %+v", d.Metric, d)
		}
	}
}

func TestMetricsCommandUsage(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"metrics", "--data", dir, "--level", "WARD"},
		{"metrics", "--data", dir, "--from", "2025-13-01"},
		{"metrics", "--data", dir, "--from", "2026-01-01", "--to", "2025-01-01"},
		{"metrics", "--data", dir, "--min-contacts", "0"},
		{"metrics", "--data", dir, "--format", "xml"},
		{"metrics", "--data", dir, "--workers", "-1"},
		{"metrics", "--data", dir, "--as-of", "today"},
		{"metrics", "--no-such-flag"},
		{"metrics", "netwrk"},
		{"metrics", "--data", dir, "extra"},
		{"metrics", "summary", "--data", dir, "--cohort", "ward"},
		{"metrics", "summary", "--data", dir, "--min-contacts", "-2"},
		{"metrics", "summary", "--data", dir, "extra"},
	} {
		_, stderr, err := runCmd(t, args...)
		var errb bytes.Buffer
		if code := exitCode(err, &errb); code != 2 {
			t.Errorf("%v: exit %d (%v), want 2", args, code, err)
		}
		if msg := errb.String() + stderr; !strings.Contains(msg, "careweb:") {
			t.Errorf("%v: no message: %q", args, msg)
		}
	}
	for _, args := range [][]string{{"metrics", "--help"}, {"metrics", "summary", "--help"}} {
		_, stderr, err := runCmd(t, args...)
		if !errors.Is(err, flag.ErrHelp) || exitCode(err, io.Discard) != 0 {
			t.Errorf("%v: %v", args, err)
		}
		if !strings.Contains(stderr, "Usage: careweb "+strings.Join(args[:len(args)-1], " ")) || !strings.Contains(stderr, "-min-contacts") {
			t.Errorf("%v: usage %q", args, stderr)
		}
	}
	// A failed run leaves no half-written --out file behind.
	out := filepath.Join(t.TempDir(), "m.jsonl")
	if err := os.WriteFile(out, []byte("previous\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := run(ctx, []string{"metrics", "--data", demoDir(t, 5), "--out", out}, envOf(nil), nil, io.Discard, io.Discard)
	if err == nil {
		t.Fatal("a cancelled run succeeded")
	}
	if b, _ := os.ReadFile(out); string(b) != "previous\n" {
		t.Errorf("--out after a failed run: %q", b)
	}
	if entries, _ := os.ReadDir(filepath.Dir(out)); len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}

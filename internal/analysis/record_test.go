package analysis

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/careweb/careweb/internal/metrics/measure"
)

// part1 is METRICS-REFERENCE Part 1's "Names" section.
var part1 = map[string][]string{
	"continuity":    {"contacts", "providers", "upc", "coc", "hhi", "secon", "mmci", "kpc", "usualProvider"},
	"fragmentation": {"professionals", "organisations", "sectors", "fci", "networkFragmentation", "professionalFragmentation", "distanceWeightedFragmentation", "carerDependency", "carerBridgingShare", "careDensity"},
	"handoffs":      {"total", "crossOrganisation", "crossSector", "supported", "unsupported"},
}

func h1Result(t *testing.T) Result {
	var f h1File
	load(t, "h1_handoffs.json", &f)
	w, rec := h1World(t, &f)
	res, err := NewPopulation(w.index()).NewComputer().Person(rec, Options{Window: f.Window.window(t)})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// keysInOrder returns the keys of a JSON object in document order.
func keysInOrder(t *testing.T, raw json.RawMessage) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %s", raw)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

func TestRecordJSON(t *testing.T) {
	res := h1Result(t)
	b, err := json.Marshal(Record{Result: &res})
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid(b) || bytes.ContainsRune(b, '\n') {
		t.Fatalf("not one JSON line: %s", b)
	}
	if got := keysInOrder(t, b); strings.Join(got, ",") != "person,continuity,fragmentation,handoffs,reasons" {
		t.Errorf("top-level keys %v", got)
	}
	var rec map[string]json.RawMessage
	if err := json.Unmarshal(b, &rec); err != nil {
		t.Fatal(err)
	}
	for group, names := range part1 {
		if got := keysInOrder(t, rec[group]); !slices.Equal(got, names) {
			t.Errorf("%s keys %v, want exactly %v", group, got, names)
		}
	}
	var v struct {
		Person        string
		Continuity    map[string]any
		Fragmentation map[string]any
		Handoffs      map[string]int
		Reasons       map[string]string
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	if v.Person != "P" || v.Continuity["usualProvider"] != "GP1" || v.Continuity["contacts"] != 8.0 || v.Continuity["upc"] != 0.25 {
		t.Errorf("continuity %v", v.Continuity)
	}
	if v.Handoffs["total"] != 6 || v.Handoffs["supported"] != 3 {
		t.Errorf("handoffs %v", v.Handoffs)
	}
	// H1 has no population network: care density is JSON null with its
	// reason beside it. Its carer bridging share is a true 0 (no carer
	// bridges any of the unlinked cross-organisation pairs), not a null.
	if x, ok := v.Fragmentation["careDensity"]; !ok || x != nil {
		t.Errorf("fragmentation.careDensity = %v, want null", x)
	}
	if x := v.Fragmentation["carerBridgingShare"]; x != 0.0 {
		t.Errorf("fragmentation.carerBridgingShare = %v, want 0", x)
	}
	if v.Reasons["fragmentation.careDensity"] != string(NoPopulation) {
		t.Errorf("reasons %v", v.Reasons)
	}
	for key := range v.Reasons {
		group, name, _ := strings.Cut(key, ".")
		var obj map[string]any
		switch group {
		case "continuity":
			obj = v.Continuity
		case "fragmentation":
			obj = v.Fragmentation
		default:
			t.Errorf("reason for %s outside Part 1's groups", key)
			continue
		}
		if x, ok := obj[name]; !ok || x != nil {
			t.Errorf("reason given for %s, which is %v", key, x)
		}
	}

	// With proposals.
	b, err = json.Marshal(Record{Result: &res, Proposals: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := keysInOrder(t, b); strings.Join(got, ",") != "person,continuity,fragmentation,handoffs,proposals,reasons" {
		t.Errorf("top-level keys with proposals %v", got)
	}
	var p struct {
		Proposals map[string]any
		Reasons   map[string]string
	}
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	if p.Proposals["settingTransitions"] != 0.0 || p.Proposals["coordinator"] != nil || p.Reasons["proposals.coordinator"] != string(NoCoordinator) {
		t.Errorf("proposals %v reasons %v", p.Proposals, p.Reasons)
	}
	if _, ok := p.Proposals["churn"].([]any); !ok {
		t.Errorf("churn periods missing: %v", p.Proposals["churn"])
	}
	if string(Record{}.AppendJSON(nil)) != "null" {
		t.Error("a record without a result is not null")
	}
}

func TestAppendFloatLikeEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	xs := []float64{0, 1, -1, 0.25, 1.0 / 3, 2.0 / 3, 1e-6, 9.99e-7, 1e-7, 1.5e-9, 1e20, 1e21, 123456789, -0.000123, math.SmallestNonzeroFloat64, math.MaxFloat64}
	for range 2000 {
		xs = append(xs, rng.Float64(), rng.NormFloat64()*math.Pow(10, float64(rng.IntN(40)-20)))
	}
	for _, x := range xs {
		want, _ := json.Marshal(x)
		if got := appendFloat(nil, x); string(got) != string(want) {
			t.Errorf("appendFloat(%v) = %s, encoding/json gives %s", x, got, want)
		}
	}
	if got := string(appendValue(nil, measure.Value{V: math.NaN(), Defined: true})); got != "null" {
		t.Errorf("NaN written as %s", got)
	}
}

func TestAppendStringRoundTrips(t *testing.T) {
	for _, s := range []string{"", "p-1", `quote " and \ backslash`, "tab\tnew\nline\r", "\x00\x01\x1f\x7f", "ünïcödé 日本", "\u2028\u2029", "bad \xff\xfe utf8", "<script>&"} {
		b := appendString(nil, s)
		if !json.Valid(b) {
			t.Errorf("%q → invalid JSON %s", s, b)
			continue
		}
		var got, want string
		_ = json.Unmarshal(b, &got)
		std, _ := json.Marshal(s)
		_ = json.Unmarshal(std, &want)
		if got != want {
			t.Errorf("%q → %q, encoding/json round-trips to %q", s, got, want)
		}
	}
}

func TestCSVWriter(t *testing.T) {
	res := h1Result(t)
	other := res
	other.Person = `odd, "id"`
	other.Continuity.UPC = measure.Undefined(measure.BelowMinContacts)

	for _, opt := range []CSVOptions{{}, {Reasons: true}, {Proposals: true, Reasons: true}} {
		var buf bytes.Buffer
		cw := NewCSVWriter(&buf, opt)
		for _, r := range []*Result{&res, &other} {
			if err := cw.Write(r); err != nil {
				t.Fatal(err)
			}
		}
		if err := cw.Flush(); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(&buf).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 3 || !slices.Equal(rows[0], cw.Header()) {
			t.Fatalf("%+v: %d rows, header %v", opt, len(rows), rows[0])
		}
		col := func(name string) int {
			i := slices.Index(rows[0], name)
			if i < 0 {
				t.Fatalf("%+v: no column %s in %v", opt, name, rows[0])
			}
			return i
		}
		for group, names := range part1 {
			for _, n := range names {
				col(group + "." + n)
			}
		}
		if rows[1][col("continuity.upc")] != "0.25" || rows[1][col("continuity.usualProvider")] != "GP1" || rows[1][col("handoffs.total")] != "6" {
			t.Errorf("%+v: row %v", opt, rows[1])
		}
		if rows[2][0] != other.Person || rows[2][col("continuity.upc")] != "" || rows[1][col("fragmentation.careDensity")] != "" {
			t.Errorf("%+v: nulls must be empty cells: %v", opt, rows[2])
		}
		hasReason := slices.Contains(rows[0], "continuity.upc.reason")
		if hasReason != opt.Reasons {
			t.Errorf("%+v: reason columns %v", opt, hasReason)
		}
		if opt.Reasons && rows[2][col("continuity.upc.reason")] != string(measure.BelowMinContacts) {
			t.Errorf("reason cell %q", rows[2][col("continuity.upc.reason")])
		}
		if slices.Contains(rows[0], "proposals.coordinatorDays") != opt.Proposals {
			t.Errorf("%+v: proposals columns", opt)
		}
	}
}

func TestMetricsCatalogue(t *testing.T) {
	var names []string
	for _, m := range Metrics(false) {
		if m.Proposal {
			t.Errorf("%s is a proposal", m.Name)
		}
		names = append(names, m.Name)
	}
	var want []string
	for _, g := range []string{"continuity", "fragmentation", "handoffs"} {
		for _, n := range part1[g] {
			if n != "usualProvider" { // an id, not a number
				want = append(want, g+"."+n)
			}
		}
	}
	if !slices.Equal(names, want) {
		t.Errorf("metrics %v, want %v", names, want)
	}
	if len(Metrics(true)) <= len(want) {
		t.Error("no proposals")
	}
}

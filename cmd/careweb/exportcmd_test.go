package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/deidentify"
	"github.com/careweb/careweb/internal/demo"
	"github.com/careweb/careweb/internal/encoding/carecsv"
	"github.com/careweb/careweb/internal/encoding/graphview/graphviewtest"
	"github.com/careweb/careweb/internal/keys"
	"github.com/careweb/careweb/internal/pseudonym"
	"github.com/careweb/careweb/internal/store/embedded"
)

func TestExportImportRoundTrip(t *testing.T) {
	src := demoDir(t, 50)
	first := exportDir(t, src)
	csvDir := t.TempDir()
	for name, body := range first {
		if err := os.WriteFile(filepath.Join(csvDir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dst := t.TempDir()
	stdout, stderr, err := runCmd(t, "import", "--data", dst, csvDir)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	rows := func(name string) int { return strings.Count(first[name], "\n") - 1 }
	want := []string{"careweb import:", strconv.Itoa(rows("nodes.csv")) + " nodes,", strconv.Itoa(rows("relationships.csv")) + " relationships,",
		strconv.Itoa(rows("contacts.csv")) + " contacts,", strconv.Itoa(rows("referrals.csv")) + " referrals"}
	for _, w := range want {
		if !strings.Contains(stdout, w) {
			t.Errorf("import said %q, want %q", stdout, w)
		}
	}
	second := exportDir(t, dst)
	for _, name := range []string{carecsv.NodesFile, carecsv.RelationshipsFile, carecsv.ContactsFile, carecsv.ReferralsFile} {
		if rows(name) < 1 {
			t.Errorf("%s is empty", name)
		}
	}
	for _, name := range carecsv.Files {
		if first[name] != second[name] {
			t.Errorf("%s differs after export → import → export", name)
		}
	}
}

func TestExportCommandWindow(t *testing.T) {
	data := t.TempDir()
	if _, stderr, err := runCmd(t, "import", "--data", data, filepath.Join(csvFixtures, "valid")); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	stdout, _, err := runCmd(t, "export", "--data", data, "--out", filepath.Join(t.TempDir(), "new", "dir"), "--from", "2025-01-11", "--to", "2025-01-31")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(stdout, "careweb export: 7 nodes, 7 relationships, 1 contacts, 1 referrals to ") {
		t.Errorf("stdout %q", stdout)
	}
}

func TestExportCommandUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown format", []string{"--format", "xml", "--out", "x"}, `--format "xml": want graphml, json or csv`},
		{"no out", nil, "--out is required"},
		{"csv to stdout", []string{"--out", "-"}, "give a directory"},
		{"bad from", []string{"--out", "x", "--from", "2025-02-30"}, "--from"},
		{"bad as-of", []string{"--format", "json", "--out", "x", "--as-of", "yesterday"}, "--as-of"},
		{"from after to", []string{"--out", "x", "--from", "2025-02-03", "--to", "2025-02-01"}, "is after"},
		// Checked before any connection is tried: the port is closed.
		{"neo4j without a key file", []string{"--format", "graphml", "--out", "x", "--pseudonymise", "--neo4j-uri", "bolt://127.0.0.1:1"}, "--pseudonym-key-file is required"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := runCmd(t, append([]string{"export", "--data", t.TempDir()}, tc.args...)...)
			if code := exitCode(err, io.Discard); code != 2 || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("exit %d, %v; want 2 and %q", code, err, tc.want)
			}
		})
	}
}

// exportFile runs an export to a file and returns the file's contents
// and the command's stdout.
func exportFile(t *testing.T, data, format string, extra ...string) (string, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "web."+format)
	stdout, stderr, err := runCmd(t, append([]string{"export", "--data", data, "--format", format, "--out", path}, extra...)...)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b), stdout
}

var exportLine = regexp.MustCompile(`^careweb export: (\d+) nodes, (\d+) edges \((\d+) relationships, (\d+) contact edges from (\d+) contacts, (\d+) referral edges from (\d+) referrals\) to `)

func TestExportGraphFormats(t *testing.T) {
	data := demoDir(t, 20)
	for _, format := range []string{"graphml", "json"} {
		t.Run(format, func(t *testing.T) {
			doc, stdout := exportFile(t, data, format, "--as-of", "2025-09-01", "--from", "2025-01-01", "--to", "2025-12-31")
			m := exportLine.FindStringSubmatch(stdout)
			if m == nil {
				t.Fatalf("stdout %q", stdout)
			}
			parse := graphviewtest.ParseGraphML
			if format == "json" {
				parse = graphviewtest.ParseJSON
			}
			g, err := parse(strings.NewReader(doc))
			if err != nil {
				t.Fatal(err)
			}
			if strconv.Itoa(len(g.Nodes)) != m[1] || strconv.Itoa(len(g.Edges)) != m[2] {
				t.Errorf("%d nodes, %d edges; the command said %s, %s", len(g.Nodes), len(g.Edges), m[1], m[2])
			}
			if g.Attrs["from"] != "2025-01-01" || g.Attrs["to"] != "2025-12-31" {
				t.Errorf("graph attributes %v", g.Attrs)
			}
			if n, ok := g.Node(demo.ShowcaseArthur); !ok || n.Attrs["name"] == nil {
				t.Errorf("Arthur %+v", n)
			}
			// --out - writes the document to stdout and the summary to stderr.
			out, stderr, err := runCmd(t, "export", "--data", data, "--format", format, "--out", "-", "--as-of", "2025-09-01", "--from", "2025-01-01", "--to", "2025-12-31")
			if err != nil || out != doc || !exportLine.MatchString(stderr) {
				t.Errorf("--out -: %v, stdout same as the file: %v, stderr %q", err, out == doc, stderr)
			}
		})
	}
}

// tokens splits an export into the words ids could appear as.
func tokens(s string) map[string]bool {
	out := map[string]bool{}
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(" \t\n\r,\"<>;:=/{}[]", r) }) {
		out[f] = true
	}
	return out
}

func TestExportPseudonymisedAllFormats(t *testing.T) {
	data := demoDir(t, 20)
	outs := map[string]string{}
	csvDir := t.TempDir()
	_, stderr, err := runCmd(t, "export", "--data", data, "--format", "csv", "--out", csvDir, "--pseudonymise")
	if err != nil {
		t.Fatal(err)
	}
	keyPath := filepath.Join(data, "pseudonym.key")
	if !strings.Contains(stderr, "created a new pseudonym key in "+keyPath) {
		t.Errorf("stderr %q", stderr)
	}
	if fi, err := os.Stat(keyPath); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", fi, err)
	}
	for _, name := range carecsv.Files {
		b, err := os.ReadFile(filepath.Join(csvDir, name))
		if err != nil {
			t.Fatal(err)
		}
		outs[name] = string(b)
	}
	outs["graphml"], _ = exportFile(t, data, "graphml", "--pseudonymise", "--as-of", "2025-09-01")
	outs["json"], _ = exportFile(t, data, "json", "--pseudonymise", "--as-of", "2025-09-01")
	again, _ := exportFile(t, data, "graphml", "--pseudonymise", "--as-of", "2025-09-01")
	if again != outs["graphml"] {
		t.Error("the same key and store gave another GraphML")
	}

	// Nothing of the store's ids, names, reasons or free text is in any file.
	st, err := embedded.Open(data, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ids, names, texts := map[string]bool{}, map[string]bool{}, map[string]bool{}
	svc, err := st.Services(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	nodes := svc.Nodes
	err = st.EachPerson(context.Background(), func(p *care.PersonRecord) error {
		nodes = append(nodes, p.Person)
		for _, c := range p.Contacts {
			ids[c.ID] = true
		}
		for _, r := range p.Referrals {
			ids[r.ID] = true
			texts[r.Reason] = true
		}
		for _, r := range p.Relationships {
			texts[r.Role], texts[r.Relation] = true, true
		}
		return nil
	})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range nodes {
		ids[n.ID], names[n.Name] = true, true
	}
	// Texts that are codes (a role such as "physiotherapist", a relation
	// such as "son") are kept; the rest must be gone.
	codes := deidentify.New(pseudonym.New([]byte("any key will do, it is not used!")))
	for s := range texts {
		r := codes.Relationship(care.Relationship{Role: s, Relation: s})
		if s == "" || r.Role != deidentify.Other || r.Relation != deidentify.Other {
			delete(texts, s)
		}
	}
	for what, doc := range outs {
		for tok := range tokens(doc) {
			if ids[tok] {
				t.Errorf("%s holds the id %q", what, tok)
			}
		}
		for _, set := range []map[string]bool{names, texts} {
			for s := range set {
				if strings.Contains(doc, s) {
					t.Errorf("%s holds %q", what, s)
				}
			}
		}
	}
	for name := range names {
		if strings.Contains(outs["graphml"], name) || strings.Contains(outs["json"], name) {
			t.Errorf("a graph export holds the name %q", name)
		}
	}

	// The same pseudonyms in every format, made with the key in the file.
	key, err := keys.Load(keyPath)
	if err != nil {
		t.Fatal(err)
	}
	arthur := pseudonym.New(key).Of(demo.ShowcaseArthur)
	gml, err := graphviewtest.ParseGraphML(strings.NewReader(outs["graphml"]))
	if err != nil {
		t.Fatal(err)
	}
	js, err := graphviewtest.ParseJSON(strings.NewReader(outs["json"]))
	if err != nil {
		t.Fatal(err)
	}
	csvIDs := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(outs[carecsv.NodesFile]), "\n")[1:] {
		csvIDs[strings.SplitN(line, ",", 2)[0]] = true
	}
	if len(csvIDs) != len(gml.Nodes) || len(js.Nodes) != len(gml.Nodes) || !csvIDs[arthur] {
		t.Fatalf("%d CSV ids, %d GraphML nodes, %d JSON nodes; Arthur's pseudonym in the CSV: %v", len(csvIDs), len(gml.Nodes), len(js.Nodes), csvIDs[arthur])
	}
	for i, n := range gml.Nodes {
		if !csvIDs[n.ID] || js.Nodes[i].ID != n.ID {
			t.Fatalf("node %s is not in every format", n.ID)
		}
	}
	if _, ok := gml.Node(arthur); !ok {
		t.Error("Arthur's pseudonym is not a GraphML node")
	}

	// Another key file, other pseudonyms.
	other := filepath.Join(t.TempDir(), "other.key")
	doc, _ := exportFile(t, data, "graphml", "--pseudonymise", "--pseudonym-key-file", other, "--as-of", "2025-09-01")
	if strings.Contains(doc, arthur) {
		t.Error("another key gave Arthur the same pseudonym")
	}
}

// readbackPython is the system Python, where Debian's python3-networkx
// and python3-igraph install (scripts/crosscheck/ensure-deps.sh).
const readbackPython = "/usr/bin/python3"

// nxFile is one file's entry in export_readback.py's output.
type nxFile struct {
	Class      string                    `json:"class"`
	Directed   bool                      `json:"directed"`
	Multigraph bool                      `json:"multigraph"`
	Nodes      int                       `json:"nodes"`
	Edges      int                       `json:"edges"`
	Graph      map[string]any            `json:"graph"`
	NodeAttrs  map[string]map[string]any `json:"node_attrs"`
	EdgeList   [][4]json.RawMessage      `json:"edge_list"`
	IGraph     *struct {
		Vertices int            `json:"vertices"`
		Edges    int            `json:"edges"`
		Directed bool           `json:"directed"`
		Kinds    map[string]int `json:"kinds"`
		Types    map[string]int `json:"types"`
	} `json:"igraph"`
}

// storeGraph is what the store holds, counted straight from its records.
type storeGraph struct {
	nodes     int
	kinds     map[string]int
	types     map[string]int
	contacts  int
	referrals int
	node      map[string]care.Node
	arthur    care.PersonRecord
	worksIn   []care.Relationship
}

func countStore(t *testing.T, data string, w care.Window) storeGraph {
	t.Helper()
	st, err := embedded.Open(data, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	g := storeGraph{kinds: map[string]int{}, types: map[string]int{}, node: map[string]care.Node{}}
	svc, err := st.Services(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	rel := func(r care.Relationship) {
		if r.Span.Overlaps(w) {
			g.types[string(r.Type)]++
		}
		if r.Type == care.WorksIn {
			g.worksIn = append(g.worksIn, r)
		}
	}
	for _, n := range svc.Nodes {
		g.nodes++
		g.kinds[string(n.Kind)]++
		g.node[n.ID] = n
	}
	for _, r := range svc.Relationships {
		rel(r)
	}
	err = st.EachPerson(context.Background(), func(p *care.PersonRecord) error {
		g.nodes++
		g.kinds[string(p.Person.Kind)]++
		g.node[p.Person.ID] = p.Person
		for _, r := range p.Relationships {
			rel(r)
		}
		pros, pairs := map[string]bool{}, map[string]bool{}
		for _, c := range p.Contacts {
			if w.Contains(care.DateOf(c.At)) {
				g.contacts++
				pros[c.Professional] = true
			}
		}
		for _, r := range p.Referrals {
			if w.Contains(care.DateOf(r.At)) {
				g.referrals++
				pairs[r.From+"\x00"+r.To] = true
			}
		}
		g.types["CONTACT"] += len(pros)
		g.types["REFERRAL"] += len(pairs)
		if p.Person.ID == demo.ShowcaseArthur {
			g.arthur = care.PersonRecord{Person: p.Person, Relationships: append([]care.Relationship(nil), p.Relationships...),
				Contacts: append([]care.Contact(nil), p.Contacts...)}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestExportNetworkXReadBack writes GraphML and JSON exports of the demo
// data and reads them back with NetworkX (scripts/crosscheck/
// export_readback.py): node and edge counts, kinds and types, and a
// person's attributes and edges must be what the store holds, and every
// node's and edge's attributes as NetworkX reads them must be what the
// document says. igraph reads the GraphML too when it is importable.
// Without python3-networkx it skips loudly, except in CI (CI=true), where
// it fails: scripts/crosscheck/ensure-deps.sh installs it.
func TestExportNetworkXReadBack(t *testing.T) {
	if err := exec.Command(readbackPython, "-c", "import networkx").Run(); err != nil {
		msg := fmt.Sprintf("%s with networkx is not available (%v): the NetworkX read-back of the exports did NOT run; install it with scripts/crosscheck/ensure-deps.sh", readbackPython, err)
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true: " + msg)
		}
		t.Skip("!!! " + msg + " !!!")
	}
	data := demoDir(t, 40)
	asOf := care.MakeDate(2025, time.September, 1)
	window := care.Span{From: care.MakeDate(2025, time.January, 1), To: care.MakeDate(2025, time.December, 31)}
	dir := t.TempDir()
	files := []struct {
		path   string
		window care.Window
		args   []string
	}{
		{filepath.Join(dir, "all.graphml"), care.Always, nil},
		{filepath.Join(dir, "all.json"), care.Always, nil},
		{filepath.Join(dir, "2025.graphml"), window, []string{"--from", "2025-01-01", "--to", "2025-12-31"}},
		{filepath.Join(dir, "2025.json"), window, []string{"--from", "2025-01-01", "--to", "2025-12-31"}},
	}
	var paths []string
	for _, f := range files {
		format := strings.TrimPrefix(filepath.Ext(f.path), ".")
		args := append([]string{"export", "--data", data, "--format", format, "--out", f.path, "--as-of", asOf.String()}, f.args...)
		if _, stderr, err := runCmd(t, args...); err != nil {
			t.Fatalf("%v\n%s", err, stderr)
		}
		paths = append(paths, f.path)
	}
	start := time.Now()
	out, err := exec.Command(readbackPython, append([]string{"../../scripts/crosscheck/export_readback.py"}, paths...)...).Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("export_readback.py: %v\n%s", err, stderr)
	}
	var res struct {
		NetworkX string            `json:"networkx"`
		IGraph   *string           `json:"igraph"`
		Files    map[string]nxFile `json:"files"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatal(err)
	}
	igraphVersion := "not importable: not checked"
	if res.IGraph != nil {
		igraphVersion = *res.IGraph
	}
	t.Logf("read back with NetworkX %s, igraph %s, in %v", res.NetworkX, igraphVersion, time.Since(start).Round(time.Millisecond))

	for _, f := range files {
		t.Run(filepath.Base(f.path), func(t *testing.T) {
			nx, ok := res.Files[f.path]
			if !ok {
				t.Fatal("not read")
			}
			want := countStore(t, data, f.window)
			wantEdges := 0
			for _, k := range want.types {
				wantEdges += k
			}
			if nx.Class != "MultiDiGraph" || !nx.Directed || !nx.Multigraph || nx.Nodes != want.nodes || nx.Edges != wantEdges {
				t.Fatalf("NetworkX read a %s (directed %v, multigraph %v) of %d nodes and %d edges; the store holds %d and %d",
					nx.Class, nx.Directed, nx.Multigraph, nx.Nodes, nx.Edges, want.nodes, wantEdges)
			}
			kinds, types, contacts, referrals := map[string]int{}, map[string]int{}, 0, 0
			for _, a := range nx.NodeAttrs {
				kinds[fmt.Sprint(a["kind"])]++
			}
			for _, e := range nx.EdgeList {
				var a map[string]any
				if err := json.Unmarshal(e[3], &a); err != nil {
					t.Fatal(err)
				}
				types[fmt.Sprint(a["type"])]++
				if n, ok := a["contacts"].(float64); ok {
					contacts += int(n)
				}
				if n, ok := a["referrals"].(float64); ok {
					referrals += int(n)
				}
			}
			if fmt.Sprint(kinds) != fmt.Sprint(want.kinds) || fmt.Sprint(types) != fmt.Sprint(want.types) {
				t.Errorf("NetworkX: kinds %v, types %v; the store: %v, %v", kinds, types, want.kinds, want.types)
			}
			if contacts != want.contacts || referrals != want.referrals {
				t.Errorf("NetworkX: %d contacts, %d referrals on edges; the store: %d, %d", contacts, referrals, want.contacts, want.referrals)
			}
			if f.window == care.Always {
				if nx.Graph["as_of"] != asOf.String() || nx.Graph["pseudonymised"] != false {
					t.Errorf("graph attributes %v", nx.Graph)
				}
			} else if nx.Graph["from"] != "2025-01-01" || nx.Graph["to"] != "2025-12-31" {
				t.Errorf("graph attributes %v", nx.Graph)
			}
			checkArthur(t, nx, want, f.window, asOf)
			sameAsDocument(t, nx, f.path)
			if ig := nx.IGraph; ig != nil {
				if ig.Vertices != want.nodes || ig.Edges != wantEdges || !ig.Directed ||
					fmt.Sprint(ig.Kinds) != fmt.Sprint(want.kinds) || fmt.Sprint(ig.Types) != fmt.Sprint(want.types) {
					t.Errorf("igraph read %d vertices, %d edges (directed %v), kinds %v, types %v; the store: %d, %d, %v, %v",
						ig.Vertices, ig.Edges, ig.Directed, ig.Kinds, ig.Types, want.nodes, wantEdges, want.kinds, want.types)
				}
			} else if strings.HasSuffix(f.path, ".graphml") && res.IGraph != nil {
				t.Error("igraph is importable but did not read the GraphML")
			}
		})
	}
}

// checkArthur compares the showcase person's node and edges, as NetworkX
// read them, with his records in the store.
func checkArthur(t *testing.T, nx nxFile, want storeGraph, w care.Window, asOf care.Date) {
	t.Helper()
	p := want.arthur.Person
	a := nx.NodeAttrs[p.ID]
	if a["kind"] != "person" || a["name"] != p.Name || a["locality"] != p.Locality {
		t.Errorf("%s: NetworkX read %v", p.ID, a)
	}
	type edge struct {
		source, target, key string
		attrs               map[string]any
	}
	mine := map[string]edge{}
	for _, e := range nx.EdgeList {
		var x edge
		var s, d, k string
		json.Unmarshal(e[0], &s)
		json.Unmarshal(e[1], &d)
		json.Unmarshal(e[2], &k)
		json.Unmarshal(e[3], &x.attrs)
		x.source, x.target, x.key = s, d, k
		if s == p.ID || d == p.ID {
			mine[k] = x
		}
	}
	n := 0
	for _, r := range want.arthur.Relationships {
		if !r.Span.Overlaps(w) {
			continue
		}
		n++
		e, ok := mine[r.ID]
		if !ok || e.source != r.From || e.target != r.To || e.attrs["type"] != string(r.Type) || e.attrs["start"] != optional(r.Span.From.String()) || e.attrs["end"] != optional(r.Span.To.String()) {
			t.Errorf("relationship %s: NetworkX read %+v", r.ID, e)
			continue
		}
		switch r.Type {
		case care.CaresFor:
			if e.attrs["consent"] != r.Consent || e.attrs["relation"] != optional(r.Relation) {
				t.Errorf("CARES_FOR %s: %v", r.ID, e.attrs)
			}
		case care.InvolvedIn:
			if e.attrs["coordinator"] != r.Coordinator || e.attrs["role"] != optional(r.Role) {
				t.Errorf("INVOLVED_IN %s: %v", r.ID, e.attrs)
			}
		}
	}
	type agg struct {
		n           int
		first, last care.Date
	}
	contacts := map[string]*agg{}
	for _, c := range want.arthur.Contacts {
		d := care.DateOf(c.At)
		if !w.Contains(d) {
			continue
		}
		a := contacts[c.Professional]
		if a == nil {
			a = &agg{first: d}
			contacts[c.Professional] = a
		}
		a.n++
		a.last = d
	}
	for pro, a := range contacts {
		n++
		e, ok := mine["CONTACT:"+p.ID+":"+pro]
		if !ok || e.source != pro || e.attrs["contacts"] != float64(a.n) || e.attrs["start"] != a.first.String() || e.attrs["end"] != a.last.String() {
			t.Errorf("CONTACT with %s (%d, %s to %s): NetworkX read %+v", pro, a.n, a.first, a.last, e)
		}
		// The professional's organisations: the WORKS_IN overlapping the
		// window, or holding on the as-of day without one.
		ref := w
		if w == care.Always {
			ref = care.AsOf(asOf)
		}
		var orgs []string
		for _, r := range want.worksIn {
			if r.From == pro && r.Span.Overlaps(ref) {
				orgs = append(orgs, r.To)
			}
		}
		got, _ := nx.NodeAttrs[pro]["organisation"].(string)
		if len(orgs) == 0 && got != "" || len(orgs) > 0 && !sameSet(strings.Split(got, ";"), orgs) {
			t.Errorf("%s: organisation %q, the store's WORKS_IN give %v", pro, got, orgs)
		}
	}
	if n < 10 {
		t.Errorf("only %d of Arthur's edges checked", n)
	}
}

// optional is the value NetworkX gives an attribute that may be absent.
func optional(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]int{}
	for _, x := range a {
		m[x]++
	}
	for _, x := range b {
		m[x]--
	}
	for _, v := range m {
		if v != 0 {
			return false
		}
	}
	return true
}

// sameAsDocument checks that NetworkX read every node and edge with the
// attributes, and types, the document gives them (as read by
// graphviewtest).
func sameAsDocument(t *testing.T, nx nxFile, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	parse := graphviewtest.ParseGraphML
	if strings.HasSuffix(path, ".json") {
		parse = graphviewtest.ParseJSON
	}
	g, err := parse(f)
	if err != nil {
		t.Fatal(err)
	}
	// JSON numbers decode as float64; the document's integers are ints.
	norm := func(m map[string]any) string {
		out := map[string]any{}
		for k, v := range m {
			if n, ok := v.(int); ok {
				v = float64(n)
			}
			out[k] = v
		}
		b, _ := json.Marshal(out)
		return string(b)
	}
	for _, n := range g.Nodes {
		if got, want := norm(nx.NodeAttrs[n.ID]), norm(n.Attrs); got != want {
			t.Errorf("node %s: NetworkX read %s, the document says %s", n.ID, got, want)
			return
		}
	}
	byKey := map[string][4]json.RawMessage{}
	for _, e := range nx.EdgeList {
		var k string
		json.Unmarshal(e[2], &k)
		byKey[k] = e
	}
	for _, e := range g.Edges {
		x, ok := byKey[e.ID]
		var src, dst string
		var attrs map[string]any
		json.Unmarshal(x[0], &src)
		json.Unmarshal(x[1], &dst)
		json.Unmarshal(x[3], &attrs)
		// Some NetworkX releases also keep the GraphML edge id as "id".
		if attrs["id"] == e.ID {
			delete(attrs, "id")
		}
		if !ok || src != e.Source || dst != e.Target || norm(attrs) != norm(e.Attrs) {
			t.Errorf("edge %s: NetworkX read %s %s %s, the document says %s → %s %s", e.ID, x[0], x[1], x[3], e.Source, e.Target, norm(e.Attrs))
			return
		}
	}
}

// TestExportSameOnBothStores loads the same demo data into the embedded
// store and a real Neo4j and exports both, plain and pseudonymised with
// one key file: every format must come out byte for byte the same, so an
// export does not depend on where the data is kept.
func TestExportSameOnBothStores(t *testing.T) {
	dir, neo4jEnv := demoOnBothStores(t, 30)
	key := filepath.Join(t.TempDir(), "pseudonym.key")
	for _, tc := range []struct {
		name, format string
		extra        []string
	}{
		{"graphml", "graphml", []string{"--as-of", "2025-09-01"}},
		{"json window", "json", []string{"--from", "2025-01-01", "--to", "2025-06-30"}},
		{"graphml pseudonymised", "graphml", []string{"--pseudonymise", "--pseudonym-key-file", key, "--as-of", "2025-09-01"}},
		{"csv pseudonymised", "csv", []string{"--pseudonymise", "--pseudonym-key-file", key}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			outs := [2]string{t.TempDir(), t.TempDir()}
			for i, e := range []env{envOf(nil), neo4jEnv} {
				out := outs[i]
				if tc.format != "csv" {
					out = filepath.Join(out, "web."+tc.format)
				}
				args := append([]string{"export", "--format", tc.format, "--out", out}, tc.extra...)
				if i == 0 {
					args = append(args, "--data", dir)
				}
				var stdout, stderr strings.Builder
				if err := run(context.Background(), args, e, nil, &stdout, &stderr); err != nil {
					t.Fatalf("store %d: %v\n%s", i, err, stderr.String())
				}
			}
			files, err := os.ReadDir(outs[0])
			if err != nil || len(files) == 0 {
				t.Fatalf("%v %v", files, err)
			}
			for _, f := range files {
				a, err1 := os.ReadFile(filepath.Join(outs[0], f.Name()))
				b, err2 := os.ReadFile(filepath.Join(outs[1], f.Name()))
				if err1 != nil || err2 != nil {
					t.Fatal(err1, err2)
				}
				if string(a) != string(b) {
					al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
					for i := range min(len(al), len(bl)) {
						if al[i] != bl[i] {
							t.Fatalf("%s: line %d differs\nembedded: %s\nneo4j:    %s", f.Name(), i+1, al[i], bl[i])
						}
					}
					t.Fatalf("%s: %d lines from the embedded store, %d from Neo4j", f.Name(), len(al), len(bl))
				}
			}
		})
	}
}

package graphjson_test

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/deidentify"
	"github.com/careweb/careweb/internal/demo"
	"github.com/careweb/careweb/internal/encoding/graphjson"
	"github.com/careweb/careweb/internal/encoding/graphml"
	"github.com/careweb/careweb/internal/encoding/graphview"
	"github.com/careweb/careweb/internal/encoding/graphview/graphviewtest"
	"github.com/careweb/careweb/internal/pseudonym"
	"github.com/careweb/careweb/internal/store/embedded"
	"github.com/careweb/careweb/internal/store/storetest"
)

func openStore(t *testing.T, b care.Batch) *embedded.Store {
	t.Helper()
	st, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Apply(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	return st
}

func exportJSON(t *testing.T, st care.Streamer, opt graphview.Options) (*graphviewtest.Graph, graphview.Counts, []byte) {
	t.Helper()
	var buf bytes.Buffer
	n, err := graphjson.Write(context.Background(), st, opt, &buf)
	if err != nil {
		t.Fatal(err)
	}
	g, err := graphviewtest.ParseJSON(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("the export does not read back: %v", err)
	}
	return g, n, buf.Bytes()
}

func exportGraphML(t *testing.T, st care.Streamer, opt graphview.Options) *graphviewtest.Graph {
	t.Helper()
	var buf bytes.Buffer
	if _, err := graphml.Write(context.Background(), st, opt, &buf); err != nil {
		t.Fatal(err)
	}
	g, err := graphviewtest.ParseGraphML(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

var d = care.MakeDate

func TestShape(t *testing.T) {
	st := openStore(t, storetest.Fixture())
	g, n, raw := exportJSON(t, st, graphview.Options{Window: care.Always, AsOf: d(2024, time.July, 1)})
	if !g.Directed || !g.Multigraph {
		t.Errorf("directed %v multigraph %v", g.Directed, g.Multigraph)
	}
	if !reflect.DeepEqual(g.Attrs, map[string]any{"as_of": "2024-07-01", "pseudonymised": false}) {
		t.Errorf("graph %v", g.Attrs)
	}
	if len(g.Nodes) != 14 || len(g.Edges) != 29 || n.Nodes != 14 || n.Edges != 29 {
		t.Errorf("%d nodes %d links, counted %+v", len(g.Nodes), len(g.Edges), n)
	}
	// Every node precedes every link; one element per line.
	if g.Nodes[len(g.Nodes)-1].Pos > g.Edges[0].Pos {
		t.Error("a link before a node")
	}
	if lines := bytes.Count(raw, []byte("\n")); lines != 14+29+5 {
		t.Errorf("%d lines, want one per element and 5 more", lines)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(raw, &top); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"directed", "multigraph", "graph", "nodes", "links"} {
		if _, ok := top[k]; !ok {
			t.Errorf("no %q", k)
		}
	}
	ada, _ := g.Node("p-ada")
	if !reflect.DeepEqual(ada.Attrs, map[string]any{"kind": "person", "name": "Ada Lovelace", "locality": "Riverside"}) {
		t.Errorf("p-ada %v", ada.Attrs)
	}
	c, _ := g.Edge("CONTACT:p-ada:pr-green")
	if c.Source != "pr-green" || c.Target != "p-ada" ||
		!reflect.DeepEqual(c.Attrs, map[string]any{"type": "CONTACT", "contacts": 3, "start": "2024-01-10", "end": "2024-06-30", "organisation": "o-surgery"}) {
		t.Errorf("contact edge %+v", c)
	}
	// Booleans are JSON booleans, present for every edge of their type.
	for _, e := range g.EdgesOfType("INVOLVED_IN") {
		if _, ok := e.Attrs["coordinator"].(bool); !ok {
			t.Errorf("%s: coordinator %#v", e.ID, e.Attrs["coordinator"])
		}
	}
}

// TestSameAsGraphML: both formats hold the same graph, element for
// element, attribute for attribute, in the same order.
func TestSameAsGraphML(t *testing.T) {
	st := openStore(t, demo.Showcase())
	k := pseudonym.New([]byte("0123456789abcdef0123456789abcdef"))
	for _, tc := range []struct {
		name string
		st   care.Streamer
		opt  graphview.Options
	}{
		{"all", st, graphview.Options{Window: care.Always, AsOf: d(2025, time.September, 1)}},
		{"window", st, graphview.Options{Window: care.Span{From: d(2025, time.June, 1), To: d(2025, time.December, 31)}}},
		{"pseudonymised", deidentify.Wrap(st, deidentify.New(k)), graphview.Options{Window: care.Always, AsOf: d(2025, time.September, 1), Pseudonymised: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j, _, _ := exportJSON(t, tc.st, tc.opt)
			x := exportGraphML(t, tc.st, tc.opt)
			if len(j.Nodes) < 50 || len(j.Edges) < 100 {
				t.Fatalf("only %d nodes, %d edges", len(j.Nodes), len(j.Edges))
			}
			if !reflect.DeepEqual(j.Attrs, x.Attrs) {
				t.Errorf("graph attributes: JSON %v, GraphML %v", j.Attrs, x.Attrs)
			}
			if len(j.Nodes) != len(x.Nodes) || len(j.Edges) != len(x.Edges) {
				t.Fatalf("JSON %d/%d, GraphML %d/%d", len(j.Nodes), len(j.Edges), len(x.Nodes), len(x.Edges))
			}
			for i := range j.Nodes {
				a, b := j.Nodes[i], x.Nodes[i]
				if a.ID != b.ID || !reflect.DeepEqual(a.Attrs, b.Attrs) {
					t.Fatalf("node %d: JSON %+v, GraphML %+v", i, a, b)
				}
			}
			// GraphML interleaves people's nodes and edges; JSON has
			// all nodes first. The edges are in the same order.
			for i := range j.Edges {
				a, b := j.Edges[i], x.Edges[i]
				if a.ID != b.ID || a.Source != b.Source || a.Target != b.Target || !reflect.DeepEqual(a.Attrs, b.Attrs) {
					t.Fatalf("edge %d: JSON %+v, GraphML %+v", i, a, b)
				}
			}
		})
	}
}

func TestPseudonymised(t *testing.T) {
	b := demo.Showcase()
	st := openStore(t, b)
	k := pseudonym.New([]byte("0123456789abcdef0123456789abcdef"))
	g, _, raw := exportJSON(t, deidentify.Wrap(st, deidentify.New(k)), graphview.Options{Window: care.Always, AsOf: d(2025, time.September, 1), Pseudonymised: true})
	doc := string(raw)
	for _, n := range b.Nodes {
		if strings.Contains(doc, n.ID) || strings.Contains(doc, n.Name) {
			t.Fatalf("the pseudonymised export holds %q or its name", n.ID)
		}
	}
	for _, r := range b.Referrals {
		if r.Reason != "" && strings.Contains(doc, r.Reason) {
			t.Fatalf("the pseudonymised export holds a referral reason")
		}
	}
	for _, r := range b.Relationships {
		for _, s := range []string{r.Role, r.Relation} {
			if strings.ContainsAny(s, " (:") && strings.Contains(doc, s) {
				t.Errorf("free text %q kept", s)
			}
		}
	}
	if g.Attrs["pseudonymised"] != true {
		t.Errorf("graph %v", g.Attrs)
	}
	arthur, ok := g.Node(k.Of(demo.ShowcaseArthur))
	if !ok || arthur.Attrs["name"] != nil || arthur.Attrs["kind"] != "person" {
		t.Errorf("Arthur: %+v", arthur)
	}
}

// changing yields one person fewer on every call after the first, as if
// someone deleted a person between the JSON writer's two passes.
type changing struct {
	care.Streamer
	calls int
}

func (c *changing) EachPerson(ctx context.Context, fn func(*care.PersonRecord) error) error {
	c.calls++
	skip := c.calls > 1
	return c.Streamer.EachPerson(ctx, func(p *care.PersonRecord) error {
		if skip {
			skip = false
			return nil
		}
		return fn(p)
	})
}

func TestStoreChangedBetweenPasses(t *testing.T) {
	st := openStore(t, storetest.Fixture())
	var buf bytes.Buffer
	_, err := graphjson.Write(context.Background(), &changing{Streamer: st}, graphview.Options{Window: care.Always}, &buf)
	if care.ErrorCode(err) != care.Conflict {
		t.Fatalf("%v, want Conflict", err)
	}
}

// TestUnknownEnd: an edge to a node the services did not hold (a write
// between reading the services and the people) is refused, not written.
type extraContact struct{ care.Streamer }

func (e extraContact) EachPerson(ctx context.Context, fn func(*care.PersonRecord) error) error {
	return e.Streamer.EachPerson(ctx, func(p *care.PersonRecord) error {
		rec := *p
		rec.Contacts = append(slices.Clip(p.Contacts), care.Contact{ID: "k-new", Person: p.Person.ID, Professional: "pr-new", At: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)})
		return fn(&rec)
	})
}

func TestUnknownEnd(t *testing.T) {
	st := openStore(t, storetest.Fixture())
	_, err := graphjson.Write(context.Background(), extraContact{st}, graphview.Options{Window: care.Always}, &bytes.Buffer{})
	if care.ErrorCode(err) != care.Conflict || !strings.Contains(err.Error(), "pr-new") {
		t.Fatalf("%v, want Conflict naming pr-new", err)
	}
}

func TestCancelled(t *testing.T) {
	st := openStore(t, storetest.Fixture())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := graphjson.Write(ctx, st, graphview.Options{Window: care.Always}, &bytes.Buffer{}); err == nil {
		t.Fatal("a cancelled export succeeded")
	}
}

// TestEscaping: ids and names that need escaping come back as written.
func TestEscaping(t *testing.T) {
	name := "Zoë \"Zed\" O'Neil\n\t\\ <b>&</b> \u2028 \x01"
	b := care.Batch{Nodes: []care.Node{{ID: `p"\1`, Kind: care.KindPerson, Name: name, Locality: "Ünterstadt"}}}
	g, _, _ := exportJSON(t, openStore(t, b), graphview.Options{Window: care.Always})
	n, ok := g.Node(`p"\1`)
	if !ok || n.Attrs["name"] != name || n.Attrs["locality"] != "Ünterstadt" {
		t.Errorf("node %+v", n)
	}
}

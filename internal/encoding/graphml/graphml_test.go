package graphml_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/deidentify"
	"github.com/careweb/careweb/internal/encoding/graphml"
	"github.com/careweb/careweb/internal/encoding/graphview"
	"github.com/careweb/careweb/internal/encoding/graphview/graphviewtest"
	"github.com/careweb/careweb/internal/pseudonym"
	"github.com/careweb/careweb/internal/store/embedded"
	"github.com/careweb/careweb/internal/store/storetest"
)

func fixtureStore(t *testing.T, b care.Batch) *embedded.Store {
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

func export(t *testing.T, st care.Streamer, opt graphview.Options) (*graphviewtest.Graph, graphview.Counts, string) {
	t.Helper()
	var buf bytes.Buffer
	n, err := graphml.Write(context.Background(), st, opt, &buf)
	if err != nil {
		t.Fatal(err)
	}
	g, err := graphviewtest.ParseGraphML(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("the export does not read back: %v", err)
	}
	return g, n, buf.String()
}

var d = care.MakeDate

// attrs checks el's attributes are exactly want.
func attrs(t *testing.T, what string, el graphviewtest.Element, want map[string]any) {
	t.Helper()
	if len(el.Attrs) != len(want) {
		t.Errorf("%s: attributes %v, want %v", what, el.Attrs, want)
		return
	}
	for k, v := range want {
		if el.Attrs[k] != v {
			t.Errorf("%s: %s = %#v, want %#v", what, k, el.Attrs[k], v)
		}
	}
}

func TestFixtureGraph(t *testing.T) {
	st := fixtureStore(t, storetest.Fixture())
	g, n, _ := export(t, st, graphview.Options{Window: care.Always, AsOf: d(2024, time.July, 1)})

	if !g.Directed {
		t.Error("edgedefault is not directed")
	}
	// Every attribute is declared with its type.
	for k, typ := range map[string]string{"node/kind": "string", "node/name": "string", "node/role": "string", "node/sector": "string",
		"node/locality": "string", "node/organisation": "string", "edge/type": "string", "edge/start": "string", "edge/end": "string",
		"edge/role": "string", "edge/coordinator": "boolean", "edge/consent": "boolean", "edge/relation": "string", "edge/channel": "string",
		"edge/contacts": "int", "edge/organisation": "string", "edge/referrals": "int", "edge/person": "string",
		"graph/pseudonymised": "boolean", "graph/as_of": "string"} {
		if g.Keys[k] != typ {
			t.Errorf("key %s declared %q, want %q", k, g.Keys[k], typ)
		}
	}
	attrsOf := map[string]any{"pseudonymised": false, "as_of": "2024-07-01"}
	for k, v := range attrsOf {
		if g.Attrs[k] != v {
			t.Errorf("graph %s = %v, want %v", k, g.Attrs[k], v)
		}
	}
	if _, ok := g.Attrs["from"]; ok {
		t.Error("an open window wrote from")
	}

	// The fixture: 14 nodes; 19 relationships; contacts of 4 (person,
	// professional) pairs for Ada and 1 for Bob; referrals between 4
	// pairs for Ada and 1 for Bob.
	if len(g.Nodes) != 14 || n.Nodes != 14 {
		t.Errorf("%d nodes (counted %d), want 14", len(g.Nodes), n.Nodes)
	}
	want := map[string]int{"CARES_FOR": 2, "INVOLVED_IN": 5, "WORKS_IN": 5, "LINKED_TO": 7, "CONTACT": 5, "REFERRAL": 5}
	total := 0
	for typ, k := range want {
		total += k
		if got := len(g.EdgesOfType(typ)); got != k {
			t.Errorf("%d %s edges, want %d", got, typ, k)
		}
	}
	if len(g.Edges) != total || n.Edges != total || n.Contacts != 10 || n.Referrals != 5 || n.ContactEdges != 5 || n.ReferralEdges != 5 || n.Relationships != 19 {
		t.Errorf("%d edges, counts %+v", len(g.Edges), n)
	}
	// Nodes come before the edges that reach them.
	pos := map[string]int{}
	for _, x := range g.Nodes {
		pos[x.ID] = x.Pos
	}
	for _, e := range g.Edges {
		if pos[e.Source] > e.Pos || pos[e.Target] > e.Pos {
			t.Errorf("edge %s comes before its ends", e.ID)
		}
	}

	ada, _ := g.Node("p-ada")
	attrs(t, "p-ada", ada, map[string]any{"kind": "person", "name": "Ada Lovelace", "locality": "Riverside"})
	surgery, _ := g.Node("o-surgery")
	attrs(t, "o-surgery", surgery, map[string]any{"kind": "organisation", "name": "Riverside Surgery", "sector": "primary_care", "locality": "Riverside"})
	green, _ := g.Node("pr-green")
	attrs(t, "pr-green", green, map[string]any{"kind": "professional", "name": "Dr Grace Green", "role": "gp", "organisation": "o-surgery", "sector": "primary_care"})
	// pr-social's WORKS_IN ended on 2024-03-31: no organisation on 1 July.
	social, _ := g.Node("pr-social")
	attrs(t, "pr-social", social, map[string]any{"kind": "professional", "name": "Sam Reyes", "role": "social_worker"})

	cares, ok := g.Edge("CARES_FOR:c-dau:p-ada:2020-01-01")
	if !ok || cares.Source != "c-dau" || cares.Target != "p-ada" {
		t.Fatalf("CARES_FOR edge %+v", cares)
	}
	attrs(t, "CARES_FOR", cares, map[string]any{"type": "CARES_FOR", "start": "2020-01-01", "relation": "daughter", "consent": true})
	inv, _ := g.Edge("INVOLVED_IN:pr-nurse:p-ada:2024-01-01")
	attrs(t, "INVOLVED_IN", inv, map[string]any{"type": "INVOLVED_IN", "start": "2024-01-01", "end": "2024-06-30", "role": "district nurse", "coordinator": true})
	openStart, _ := g.Edge("INVOLVED_IN:pr-other:p-bob:open")
	attrs(t, "open start", openStart, map[string]any{"type": "INVOLVED_IN", "end": "2012-12-31", "role": "consultant", "coordinator": false})
	always, _ := g.Edge("WORKS_IN:pr-other:o-hospital:open")
	attrs(t, "WORKS_IN always", always, map[string]any{"type": "WORKS_IN"})
	link, _ := g.Edge("l-green-nurse")
	attrs(t, "LINKED_TO", link, map[string]any{"type": "LINKED_TO", "start": "2022-01-01", "channel": "shared_record"})

	// Contacts with pr-nurse: k03 (o-community), k06 (o-hospital), k00
	// (none recorded: her WORKS_IN on the day gives o-community).
	nurse, ok := g.Edge("CONTACT:p-ada:pr-nurse")
	if !ok || nurse.Source != "pr-nurse" || nurse.Target != "p-ada" {
		t.Fatalf("CONTACT edge %+v", nurse)
	}
	attrs(t, "CONTACT nurse", nurse, map[string]any{"type": "CONTACT", "contacts": 3, "start": "2024-02-05", "end": "2024-07-15", "organisation": "o-community;o-hospital"})
	// k08 at 01:30 on 1 April in UTC+2 is 31 March in UTC.
	patel, _ := g.Edge("CONTACT:p-ada:pr-patel")
	attrs(t, "CONTACT patel", patel, map[string]any{"type": "CONTACT", "contacts": 2, "start": "2024-01-10", "end": "2024-03-31", "organisation": "o-surgery"})
	ref, ok := g.Edge("REFERRAL:p-ada:o-surgery:o-social")
	if !ok || ref.Source != "o-surgery" || ref.Target != "o-social" {
		t.Fatalf("REFERRAL edge %+v", ref)
	}
	attrs(t, "REFERRAL", ref, map[string]any{"type": "REFERRAL", "referrals": 1, "person": "p-ada", "start": "2024-02-01", "end": "2024-02-01"})
}

func TestWindow(t *testing.T) {
	st := fixtureStore(t, storetest.Fixture())
	tests := []struct {
		name      string
		window    care.Window
		rels      int
		contacts  []string
		referrals int
	}{
		// From 31 March: k08 (31 March in UTC) and the later contacts.
		{"from 31 March", care.Span{From: d(2024, time.March, 31), To: d(2024, time.April, 30)}, 16, []string{"CONTACT:p-ada:pr-patel"}, 0},
		{"from 1 April", care.Span{From: d(2024, time.April, 1), To: d(2024, time.April, 30)}, 14, nil, 0},
		{"March", care.Span{From: d(2024, time.March, 1), To: d(2024, time.March, 31)}, 16,
			[]string{"CONTACT:p-ada:pr-social", "CONTACT:p-ada:pr-green", "CONTACT:p-ada:pr-patel"}, 0},
		{"to 2012", care.Span{From: care.NoStart, To: d(2012, time.December, 31)}, 2, []string{"CONTACT:p-bob:pr-other"}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g, n, _ := export(t, st, graphview.Options{Window: tc.window, AsOf: d(2000, 1, 1)})
			if len(g.Nodes) != 14 {
				t.Errorf("%d nodes; a window keeps every node", len(g.Nodes))
			}
			var cs []string
			for _, e := range g.EdgesOfType("CONTACT") {
				cs = append(cs, e.ID)
			}
			if strings.Join(cs, " ") != strings.Join(tc.contacts, " ") {
				t.Errorf("contact edges %v, want %v", cs, tc.contacts)
			}
			if n.Relationships != tc.rels || len(g.EdgesOfType("REFERRAL")) != tc.referrals {
				t.Errorf("%d relationships, %d referral edges; want %d, %d", n.Relationships, len(g.EdgesOfType("REFERRAL")), tc.rels, tc.referrals)
			}
			if g.Attrs["to"] != tc.window.To.String() || g.Attrs["as_of"] != nil {
				t.Errorf("graph attributes %v", g.Attrs)
			}
			for _, e := range g.Edges {
				s := care.Span{From: care.NoStart, To: care.NoEnd}
				if v, ok := e.Attrs["start"].(string); ok {
					s.From, _ = care.ParseDate(v)
				}
				if v, ok := e.Attrs["end"].(string); ok {
					s.To, _ = care.ParseDate(v)
				}
				if !s.Overlaps(tc.window) {
					t.Errorf("edge %s (%v) is outside the window", e.ID, e.Attrs)
				}
			}
		})
	}
	// With a window, a professional's organisations are those of the
	// WORKS_IN overlapping it: pr-social's ended on 31 March, pr-patel's on
	// 29 February.
	g, _, _ := export(t, st, graphview.Options{Window: care.Span{From: d(2024, time.March, 1), To: d(2024, time.April, 30)}})
	if n, _ := g.Node("pr-social"); n.Attrs["organisation"] != "o-social" || n.Attrs["sector"] != "social_care" {
		t.Errorf("pr-social %v", n.Attrs)
	}
	if n, _ := g.Node("pr-patel"); n.Attrs["organisation"] != nil {
		t.Errorf("pr-patel %v", n.Attrs)
	}
}

func TestPseudonymised(t *testing.T) {
	fx := storetest.Fixture()
	st := fixtureStore(t, fx)
	k := pseudonym.New([]byte("a test key of thirty-two bytes!!"))
	plain, _, _ := export(t, st, graphview.Options{Window: care.Always, AsOf: d(2024, time.July, 1)})
	g, _, doc := export(t, deidentify.Wrap(st, deidentify.New(k)), graphview.Options{Window: care.Always, AsOf: d(2024, time.July, 1), Pseudonymised: true})

	for _, n := range fx.Nodes {
		if strings.Contains(doc, n.ID) || strings.Contains(strings.ToLower(doc), strings.ToLower(n.Name)) {
			t.Errorf("the pseudonymised export holds %q or its name", n.ID)
		}
	}
	for _, c := range fx.Contacts {
		if strings.Contains(doc, ">"+c.ID+"<") || strings.Contains(doc, `"`+c.ID+`"`) {
			t.Errorf("the pseudonymised export holds contact id %q", c.ID)
		}
	}
	for _, r := range fx.Referrals {
		if r.Reason != "" && strings.Contains(doc, r.Reason) {
			t.Errorf("the pseudonymised export holds the reason %q", r.Reason)
		}
	}
	if _, ok := g.Keys["node/name"]; ok {
		t.Error("name is declared")
	}
	if g.Attrs["pseudonymised"] != true {
		t.Errorf("graph attributes %v", g.Attrs)
	}
	if len(g.Nodes) != len(plain.Nodes) || len(g.Edges) != len(plain.Edges) {
		t.Errorf("%d nodes %d edges, plain %d %d", len(g.Nodes), len(g.Edges), len(plain.Nodes), len(plain.Edges))
	}
	for _, n := range g.Nodes {
		if !strings.HasPrefix(n.ID, pseudonym.Prefix) || n.Attrs["name"] != nil {
			t.Errorf("node %s %v", n.ID, n.Attrs)
		}
	}
	// The same node, the same pseudonym everywhere; derived ids derived
	// again from the pseudonyms; coded free text kept, the rest "other".
	ada, green, nurse := k.Of("p-ada"), k.Of("pr-green"), k.Of("pr-nurse")
	if n, ok := g.Node(green); !ok || n.Attrs["organisation"] != k.Of("o-surgery") || n.Attrs["role"] != "gp" {
		t.Errorf("pr-green %v", n.Attrs)
	}
	inv, ok := g.Edge(care.RelationshipID(care.InvolvedIn, green, ada, d(2019, time.April, 1)))
	if !ok || inv.Source != green || inv.Target != ada || inv.Attrs["role"] != "gp" {
		t.Errorf("INVOLVED_IN %+v", inv)
	}
	if l, ok := g.Edge(k.Of("l-green-nurse")); !ok || l.Source != green || l.Target != nurse || l.Attrs["channel"] != "shared_record" {
		t.Errorf("LINKED_TO %+v", l)
	}
	c, ok := g.Edge("CONTACT:" + ada + ":" + nurse)
	if !ok || c.Attrs["organisation"] != k.Of("o-community")+";"+k.Of("o-hospital") || c.Attrs["contacts"] != 3 {
		t.Errorf("CONTACT %+v", c)
	}
	if r, ok := g.Edge("REFERRAL:" + ada + ":" + green + ":" + nurse); !ok || r.Attrs["person"] != ada {
		t.Errorf("REFERRAL %+v", r)
	}
}

// TestEdgeIDsUnique: ids holding ':' and '%', and a relationship whose id
// looks like an aggregate's, still give every edge its own id.
func TestEdgeIDsUnique(t *testing.T) {
	at := time.Date(2025, 1, 2, 10, 0, 0, 0, time.UTC)
	b := care.Batch{
		Nodes: []care.Node{
			{ID: "p:1", Kind: care.KindPerson, Name: "A"}, {ID: "p", Kind: care.KindPerson, Name: "B"},
			{ID: "x", Kind: care.KindProfessional, Name: "C"}, {ID: "1:x", Kind: care.KindProfessional, Name: "D"},
			{ID: "o%3A", Kind: care.KindOrganisation, Name: "E"}, {ID: "o:", Kind: care.KindOrganisation, Name: "F"},
		},
		Relationships: []care.Relationship{
			{ID: "CONTACT:p%3A1:x", Type: care.LinkedTo, From: "x", To: "1:x", Span: care.Always},
			{ID: "REL:CONTACT:p%3A1:x", Type: care.LinkedTo, From: "1:x", To: "x", Span: care.Always},
		},
		Contacts: []care.Contact{
			{ID: "k1", Person: "p:1", Professional: "x", At: at},
			{ID: "k2", Person: "p", Professional: "1:x", At: at},
		},
		Referrals: []care.Referral{
			{ID: "r1", Person: "p", From: "o%3A", To: "x", At: at},
			{ID: "r2", Person: "p", From: "o:", To: "x", At: at},
		},
	}
	g, _, _ := export(t, fixtureStore(t, b), graphview.Options{Window: care.Always})
	// ParseGraphML refuses repeated edge ids; check all six are there.
	if len(g.Edges) != 6 {
		t.Fatalf("%d edges, want 6", len(g.Edges))
	}
	for _, id := range []string{"CONTACT:p%3A1:x", "REL:REL:CONTACT:p%3A1:x", "REL:CONTACT:p%3A1:x", "CONTACT:p:1%3Ax", "REFERRAL:p:o%253A:x", "REFERRAL:p:o%3A:x"} {
		if _, ok := g.Edge(id); !ok {
			t.Errorf("no edge %q", id)
		}
	}
}

// TestXMLEscaping: names with markup and characters XML cannot hold come
// back as text.
func TestXMLEscaping(t *testing.T) {
	b := care.Batch{Nodes: []care.Node{{ID: `p"<&>'`, Kind: care.KindPerson, Name: "O'Brien <b>&amp;</b> \"x\"\x01"}}}
	g, _, _ := export(t, fixtureStore(t, b), graphview.Options{Window: care.Always})
	n, ok := g.Node(`p"<&>'`)
	if !ok || n.Attrs["name"] != "O'Brien <b>&amp;</b> \"x\"\uFFFD" {
		t.Errorf("node %+v", n)
	}
}

type failingWriter struct{ after int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.after -= len(p); w.after < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

func TestWriteError(t *testing.T) {
	st := fixtureStore(t, storetest.Fixture())
	for _, after := range []int{0, 100, 5000} {
		_, err := graphml.Write(context.Background(), st, graphview.Options{Window: care.Always}, &failingWriter{after: after})
		// A document small enough to fit the buffer fails at the flush.
		if care.ErrorCode(err) != care.Internal {
			t.Errorf("after %d bytes: %v, want Internal", after, err)
		}
	}
}

func TestBadWindow(t *testing.T) {
	st := fixtureStore(t, storetest.Fixture())
	_, err := graphml.Write(context.Background(), st, graphview.Options{Window: care.Span{From: 10, To: 9}}, &bytes.Buffer{})
	if care.ErrorCode(err) != care.Invalid {
		t.Errorf("%v, want Invalid", err)
	}
}

// Package graphviewtest reads the graph exports back for tests: GraphML
// with encoding/xml and node-link JSON with encoding/json, each into the
// same plain form, so that tests can count, look up attributes and compare
// the two formats without trusting the code that wrote them.
//
// Both readers check what a consumer relies on and report the first
// violation with where it is: GraphML keys declared once with a known
// attr.type, every <data> naming a declared key of its element's domain
// and holding a value of the key's type, unique node and edge ids, and
// edge ends that are nodes of the document.
package graphviewtest

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Element is a node or an edge: ids and attributes typed as declared
// (string, bool or int).
type Element struct {
	ID     string
	Source string // edges only
	Target string // edges only
	Attrs  map[string]any
	// Pos is the element's place in the document, nodes and edges counted
	// together from 0.
	Pos int
}

// Graph is a parsed export.
type Graph struct {
	Directed   bool
	Multigraph bool // JSON only (GraphML does not say)
	Attrs      map[string]any
	Nodes      []Element
	Edges      []Element
	// Keys are the GraphML declarations, by domain and attribute name:
	// "node/role" → "string". Empty for JSON.
	Keys map[string]string
}

// Node returns the node with id.
func (g *Graph) Node(id string) (Element, bool) {
	for _, n := range g.Nodes {
		if n.ID == id {
			return n, true
		}
	}
	return Element{}, false
}

// Edge returns the edge with id (JSON: key).
func (g *Graph) Edge(id string) (Element, bool) {
	for _, e := range g.Edges {
		if e.ID == id {
			return e, true
		}
	}
	return Element{}, false
}

// EdgesOfType returns the edges whose "type" attribute is typ.
func (g *Graph) EdgesOfType(typ string) []Element {
	var out []Element
	for _, e := range g.Edges {
		if e.Attrs["type"] == typ {
			out = append(out, e)
		}
	}
	return out
}

const graphmlNS = "http://graphml.graphdrawing.org/xmlns"

type xmlKey struct {
	domain, name, typ string
}

// ParseGraphML reads a GraphML document.
func ParseGraphML(r io.Reader) (*Graph, error) {
	dec := xml.NewDecoder(r)
	g := &Graph{Attrs: map[string]any{}, Keys: map[string]string{}}
	keys := map[string]xmlKey{}
	ids := map[string]bool{}
	edgeIDs := map[string]bool{}
	var cur *Element // the node or edge being read
	var curDomain string
	var dataKey string
	var text strings.Builder
	inData, sawRoot, sawGraph := false, false, false
	pos := 0
	where := func() string {
		line, col := dec.InputPos()
		return fmt.Sprintf("line %d col %d", line, col)
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Space != graphmlNS {
				return nil, fmt.Errorf("%s: <%s> is not in the GraphML namespace (%q)", where(), t.Name.Local, t.Name.Space)
			}
			a := attrs(t)
			switch t.Name.Local {
			case "graphml":
				sawRoot = true
			case "key":
				if sawGraph {
					return nil, fmt.Errorf("%s: <key> after <graph>", where())
				}
				k := xmlKey{a["for"], a["attr.name"], a["attr.type"]}
				switch {
				case a["id"] == "":
					return nil, fmt.Errorf("%s: <key> without an id", where())
				case keys[a["id"]] != (xmlKey{}):
					return nil, fmt.Errorf("%s: key id %q declared twice", where(), a["id"])
				case k.domain != "graph" && k.domain != "node" && k.domain != "edge":
					return nil, fmt.Errorf("%s: key %q for %q", where(), a["id"], k.domain)
				case k.name == "":
					return nil, fmt.Errorf("%s: key %q without attr.name", where(), a["id"])
				}
				switch k.typ {
				case "string", "boolean", "int", "long":
				default:
					return nil, fmt.Errorf("%s: key %q has attr.type %q", where(), a["id"], k.typ)
				}
				if _, dup := g.Keys[k.domain+"/"+k.name]; dup {
					return nil, fmt.Errorf("%s: attribute %s/%s declared twice", where(), k.domain, k.name)
				}
				keys[a["id"]] = k
				g.Keys[k.domain+"/"+k.name] = k.typ
			case "graph":
				if sawGraph {
					return nil, fmt.Errorf("%s: a second <graph>", where())
				}
				sawGraph = true
				switch a["edgedefault"] {
				case "directed":
					g.Directed = true
				case "undirected":
				default:
					return nil, fmt.Errorf("%s: edgedefault %q", where(), a["edgedefault"])
				}
				curDomain = "graph"
			case "node":
				if cur != nil {
					return nil, fmt.Errorf("%s: nested <node>", where())
				}
				if a["id"] == "" || ids[a["id"]] {
					return nil, fmt.Errorf("%s: node id %q empty or repeated", where(), a["id"])
				}
				ids[a["id"]] = true
				cur, curDomain = &Element{ID: a["id"], Attrs: map[string]any{}, Pos: pos}, "node"
				pos++
			case "edge":
				if cur != nil {
					return nil, fmt.Errorf("%s: nested <edge>", where())
				}
				if a["id"] == "" || edgeIDs[a["id"]] {
					return nil, fmt.Errorf("%s: edge id %q empty or repeated", where(), a["id"])
				}
				if d, ok := a["directed"]; ok && d != strconv.FormatBool(g.Directed) {
					return nil, fmt.Errorf("%s: edge %q overrides edgedefault", where(), a["id"])
				}
				edgeIDs[a["id"]] = true
				cur, curDomain = &Element{ID: a["id"], Source: a["source"], Target: a["target"], Attrs: map[string]any{}, Pos: pos}, "edge"
				pos++
			case "data":
				k, ok := keys[a["key"]]
				if !ok {
					return nil, fmt.Errorf("%s: <data> of undeclared key %q", where(), a["key"])
				}
				if k.domain != curDomain {
					return nil, fmt.Errorf("%s: <data> of %s key %q in a %s", where(), k.domain, a["key"], curDomain)
				}
				inData, dataKey = true, a["key"]
				text.Reset()
			default:
				return nil, fmt.Errorf("%s: unexpected <%s>", where(), t.Name.Local)
			}
		case xml.CharData:
			if inData {
				text.Write(t)
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "data":
				k := keys[dataKey]
				v, err := typed(k.typ, text.String())
				if err != nil {
					return nil, fmt.Errorf("%s: key %q: %v", where(), dataKey, err)
				}
				dst := g.Attrs
				if cur != nil {
					dst = cur.Attrs
				}
				if _, dup := dst[k.name]; dup {
					return nil, fmt.Errorf("%s: attribute %q given twice", where(), k.name)
				}
				dst[k.name] = v
				inData = false
			case "node":
				g.Nodes = append(g.Nodes, *cur)
				cur, curDomain = nil, "graph"
			case "edge":
				g.Edges = append(g.Edges, *cur)
				cur, curDomain = nil, "graph"
			}
		}
	}
	if !sawRoot || !sawGraph {
		return nil, fmt.Errorf("no <graphml> with a <graph>")
	}
	for _, e := range g.Edges {
		if !ids[e.Source] || !ids[e.Target] {
			return nil, fmt.Errorf("edge %q joins %q to %q, not both nodes of the document", e.ID, e.Source, e.Target)
		}
	}
	return g, nil
}

func attrs(t xml.StartElement) map[string]string {
	m := make(map[string]string, len(t.Attr))
	for _, a := range t.Attr {
		if a.Name.Space == "" {
			m[a.Name.Local] = a.Value
		}
	}
	return m
}

func typed(typ, s string) (any, error) {
	switch typ {
	case "boolean":
		switch s {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
		return nil, fmt.Errorf("%q is not a boolean", s)
	case "int", "long":
		n, err := strconv.Atoi(s)
		if err != nil {
			return nil, fmt.Errorf("%q is not an integer", s)
		}
		return n, nil
	}
	return s, nil
}

// ParseJSON reads a node-link JSON document.
func ParseJSON(r io.Reader) (*Graph, error) {
	var doc struct {
		Directed   *bool                        `json:"directed"`
		Multigraph *bool                        `json:"multigraph"`
		Graph      map[string]json.RawMessage   `json:"graph"`
		Nodes      []map[string]json.RawMessage `json:"nodes"`
		Links      []map[string]json.RawMessage `json:"links"`
	}
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("more than one JSON value")
	}
	if doc.Directed == nil || doc.Multigraph == nil || doc.Graph == nil || doc.Nodes == nil || doc.Links == nil {
		return nil, fmt.Errorf("directed, multigraph, graph, nodes and links are all required")
	}
	g := &Graph{Directed: *doc.Directed, Multigraph: *doc.Multigraph, Keys: map[string]string{}}
	var err error
	if g.Attrs, err = values(doc.Graph, "graph"); err != nil {
		return nil, err
	}
	ids := map[string]bool{}
	pos := 0
	for i, raw := range doc.Nodes {
		attrs, err := values(raw, fmt.Sprintf("nodes[%d]", i))
		if err != nil {
			return nil, err
		}
		id, ok := attrs["id"].(string)
		if !ok || id == "" || ids[id] {
			return nil, fmt.Errorf("nodes[%d]: id %v missing, not a string or repeated", i, attrs["id"])
		}
		ids[id] = true
		delete(attrs, "id")
		g.Nodes = append(g.Nodes, Element{ID: id, Attrs: attrs, Pos: pos})
		pos++
	}
	keys := map[string]bool{}
	for i, raw := range doc.Links {
		attrs, err := values(raw, fmt.Sprintf("links[%d]", i))
		if err != nil {
			return nil, err
		}
		src, _ := attrs["source"].(string)
		tgt, _ := attrs["target"].(string)
		key, _ := attrs["key"].(string)
		if !ids[src] || !ids[tgt] {
			return nil, fmt.Errorf("links[%d]: joins %v to %v, not both nodes", i, attrs["source"], attrs["target"])
		}
		if key == "" || keys[key] {
			return nil, fmt.Errorf("links[%d]: key %v missing or repeated", i, attrs["key"])
		}
		keys[key] = true
		delete(attrs, "source")
		delete(attrs, "target")
		delete(attrs, "key")
		g.Edges = append(g.Edges, Element{ID: key, Source: src, Target: tgt, Attrs: attrs, Pos: pos})
		pos++
	}
	return g, nil
}

// values decodes an object's members as strings, booleans or integers;
// anything else is an error.
func values(m map[string]json.RawMessage, where string) (map[string]any, error) {
	out := make(map[string]any, len(m))
	for k, raw := range m {
		var v any
		d := json.NewDecoder(strings.NewReader(string(raw)))
		d.UseNumber()
		if err := d.Decode(&v); err != nil {
			return nil, fmt.Errorf("%s.%s: %v", where, k, err)
		}
		switch x := v.(type) {
		case string, bool:
			out[k] = x
		case json.Number:
			n, err := strconv.Atoi(x.String())
			if err != nil {
				return nil, fmt.Errorf("%s.%s: %s is not an integer", where, k, x)
			}
			out[k] = n
		default:
			return nil, fmt.Errorf("%s.%s: %s is not a string, boolean or integer", where, k, raw)
		}
	}
	return out, nil
}

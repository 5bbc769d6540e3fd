// Package graphjson writes CareWeb's network (internal/encoding/graphview)
// as node-link JSON: the shape of NetworkX's node_link_data, which d3 and
// most web graph libraries read, and networkx.node_link_graph reads back.
//
//	{"directed": true, "multigraph": true,
//	 "graph": {"from": "2025-01-01", "to": "2025-12-31", "pseudonymised": false},
//	 "nodes": [{"id": "p-arthur", "kind": "person", ...}, ...],
//	 "links": [{"source": "c-margaret", "target": "p-arthur", "key": "CARES_FOR:c-margaret:p-arthur:2023-06-01", "type": "CARES_FOR", ...}, ...]}
//
// The document is streamed, never built in memory: one node or link per
// line. Since every node must come before the links, the store is read
// twice, once for the nodes and once for the links; if the people change
// in between, the export fails with Conflict rather than write links to
// nodes it does not hold.
package graphjson

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strconv"
	"time"

	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/encoding/graphview"
)

// Write streams st's network under opt to w as one JSON document and says
// what it wrote. Errors writing to w are Internal.
func Write(ctx context.Context, st care.Streamer, opt graphview.Options, w io.Writer) (graphview.Counts, error) {
	v, err := graphview.Open(ctx, st, opt)
	if err != nil {
		return graphview.Counts{}, err
	}
	e := &encoder{w: bufio.NewWriterSize(w, 64<<10)}
	e.enc = json.NewEncoder(&e.buf)
	e.enc.SetEscapeHTML(false)

	g := graphAttrs{Pseudonymised: opt.Pseudonymised, From: opt.Window.From.String(), To: opt.Window.To.String()}
	if opt.Window == care.Always {
		g.AsOf = opt.AsOf.String()
	}
	e.raw(`{"directed":true,"multigraph":true,"graph":`)
	e.value(g)
	e.raw(",\n\"nodes\":[")
	e.first = true
	nodes, err := v.Walk(ctx, graphview.Nodes, e)
	if err != nil {
		return nodes, err
	}
	e.raw("\n],\n\"links\":[")
	e.first = true
	n, err := v.Walk(ctx, graphview.Edges, e)
	n.Nodes = nodes.Nodes
	if err != nil {
		return n, err
	}
	e.raw("\n]}\n")
	if e.err == nil {
		e.err = e.w.Flush()
	}
	if e.err != nil {
		return n, writeErr(e.err)
	}
	return n, nil
}

func writeErr(err error) error { return care.Wrap(care.Internal, err, "writing the JSON export") }

type graphAttrs struct {
	From          string `json:"from,omitempty"`
	To            string `json:"to,omitempty"`
	AsOf          string `json:"as_of,omitempty"`
	Pseudonymised bool   `json:"pseudonymised"`
}

type encoder struct {
	w     *bufio.Writer
	obj   []byte       // the element being built
	buf   bytes.Buffer // encoding/json's output, for strings that need escaping
	enc   *json.Encoder
	first bool // the next item is the first of its array
	err   error
}

func (e *encoder) raw(s string) {
	if e.err == nil {
		_, e.err = e.w.WriteString(s)
	}
}

// value writes v as JSON (without the encoder's trailing newline).
func (e *encoder) value(v any) {
	if e.err != nil {
		return
	}
	e.buf.Reset()
	if e.err = e.enc.Encode(v); e.err != nil {
		return
	}
	_, e.err = e.w.Write(bytes.TrimSuffix(e.buf.Bytes(), []byte("\n")))
}

// item writes the object in e.obj as one element of the current array,
// on its own line.
func (e *encoder) item() error {
	if e.first {
		e.raw("\n")
		e.first = false
	} else {
		e.raw(",\n")
	}
	e.obj = append(e.obj, '}')
	if e.err == nil {
		_, e.err = e.w.Write(e.obj)
	}
	if e.err != nil {
		return writeErr(e.err)
	}
	return nil
}

// The object being built: begin, then members, then item. Members with an
// empty value are left out, as absent attributes.

func (e *encoder) begin() { e.obj = append(e.obj[:0], '{') }

func (e *encoder) name(name string) {
	if len(e.obj) > 1 {
		e.obj = append(e.obj, ',')
	}
	e.obj = append(e.obj, '"')
	e.obj = append(e.obj, name...)
	e.obj = append(e.obj, '"', ':')
}

func (e *encoder) str(name, value string) {
	if value == "" {
		return
	}
	e.name(name)
	e.obj = e.appendString(e.obj, value)
}

func (e *encoder) boolean(name string, v bool) {
	e.name(name)
	e.obj = strconv.AppendBool(e.obj, v)
}

func (e *encoder) count(name string, n int) {
	e.name(name)
	e.obj = strconv.AppendInt(e.obj, int64(n), 10)
}

// date writes day d as Date.String would, without allocating; an open
// end is left out.
func (e *encoder) date(name string, d care.Date) {
	if d.IsOpen() {
		return
	}
	e.name(name)
	e.obj = append(d.Time().AppendFormat(append(e.obj, '"'), time.DateOnly), '"')
}

// appendString appends s as a JSON string: printable ASCII without quotes
// or backslashes (ids, codes, most names) directly, anything else through
// encoding/json.
func (e *encoder) appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			e.buf.Reset()
			if err := e.enc.Encode(s); err != nil && e.err == nil {
				e.err = err
			}
			return append(b, bytes.TrimSuffix(e.buf.Bytes(), []byte("\n"))...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// Node implements graphview.Sink.
func (e *encoder) Node(n *graphview.Node) error {
	e.begin()
	e.name("id")
	e.obj = e.appendString(e.obj, n.ID)
	e.str("kind", string(n.Kind))
	e.str("name", n.Name)
	e.str("role", string(n.Role))
	e.str("sector", n.Sector)
	e.str("locality", n.Locality)
	e.str("organisation", n.Organisation)
	return e.item()
}

// Edge implements graphview.Sink: source, target, key (NetworkX's
// multigraph edge key: the edge id) and the attributes of its type.
func (e *encoder) Edge(x *graphview.Edge) error {
	e.begin()
	e.name("source")
	e.obj = e.appendString(e.obj, x.Source)
	e.name("target")
	e.obj = e.appendString(e.obj, x.Target)
	e.name("key")
	e.obj = e.appendString(e.obj, x.ID)
	e.str("type", x.Type)
	e.date("start", x.Span.From)
	e.date("end", x.Span.To)
	switch x.Type {
	case string(care.CaresFor):
		e.str("relation", x.Relation)
		e.boolean("consent", x.Consent)
	case string(care.InvolvedIn):
		e.str("role", x.Role)
		e.boolean("coordinator", x.Coordinator)
	case string(care.LinkedTo):
		e.str("channel", x.Channel)
	case graphview.Contact:
		e.count("contacts", x.Contacts)
		e.str("organisation", x.Organisation)
	case graphview.Referral:
		e.count("referrals", x.Referrals)
		e.str("person", x.Person)
	}
	return e.item()
}

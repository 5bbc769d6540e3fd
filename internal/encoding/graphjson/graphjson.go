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

// node is a node's object: "id" and its attributes, absent when empty.
type node struct {
	ID           string `json:"id"`
	Kind         string `json:"kind"`
	Name         string `json:"name,omitempty"`
	Role         string `json:"role,omitempty"`
	Sector       string `json:"sector,omitempty"`
	Locality     string `json:"locality,omitempty"`
	Organisation string `json:"organisation,omitempty"`
}

// link is a link's object: source, target and key (NetworkX's multigraph
// edge key: the edge id) and the attributes of its type.
type link struct {
	Source       string `json:"source"`
	Target       string `json:"target"`
	Key          string `json:"key"`
	Type         string `json:"type"`
	Start        string `json:"start,omitempty"`
	End          string `json:"end,omitempty"`
	Role         string `json:"role,omitempty"`
	Coordinator  *bool  `json:"coordinator,omitempty"`
	Consent      *bool  `json:"consent,omitempty"`
	Relation     string `json:"relation,omitempty"`
	Channel      string `json:"channel,omitempty"`
	Contacts     int    `json:"contacts,omitempty"`
	Organisation string `json:"organisation,omitempty"`
	Referrals    int    `json:"referrals,omitempty"`
	Person       string `json:"person,omitempty"`
}

type encoder struct {
	w     *bufio.Writer
	buf   bytes.Buffer
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

// item writes one element of the current array on its own line.
func (e *encoder) item(v any) error {
	if e.first {
		e.raw("\n")
		e.first = false
	} else {
		e.raw(",\n")
	}
	e.value(v)
	if e.err != nil {
		return writeErr(e.err)
	}
	return nil
}

// Node implements graphview.Sink.
func (e *encoder) Node(n *graphview.Node) error {
	return e.item(node{ID: n.ID, Kind: string(n.Kind), Name: n.Name, Role: string(n.Role), Sector: n.Sector,
		Locality: n.Locality, Organisation: n.Organisation})
}

// Edge implements graphview.Sink.
func (e *encoder) Edge(x *graphview.Edge) error {
	l := link{Source: x.Source, Target: x.Target, Key: x.ID, Type: x.Type, Start: x.Span.From.String(), End: x.Span.To.String()}
	switch x.Type {
	case string(care.CaresFor):
		l.Relation, l.Consent = x.Relation, &x.Consent
	case string(care.InvolvedIn):
		l.Role, l.Coordinator = x.Role, &x.Coordinator
	case string(care.LinkedTo):
		l.Channel = x.Channel
	case graphview.Contact:
		l.Contacts, l.Organisation = x.Contacts, x.Organisation
	case graphview.Referral:
		l.Referrals, l.Person = x.Referrals, x.Person
	}
	return e.item(l)
}

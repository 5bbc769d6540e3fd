// Package graphml writes CareWeb's network (internal/encoding/graphview)
// as GraphML (http://graphml.graphdrawing.org/), the format NetworkX
// (networkx.read_graphml), igraph (Graph.Read_GraphML) and Gephi open.
//
// The document is written as the store is streamed, in one pass: every
// attribute is declared up front as a <key> with its attr.type, the graph
// is directed (edgedefault="directed"), every node comes before the edges
// that reach it, and every edge has a unique id (NetworkX uses it as the
// edge key of its MultiDiGraph). Absent values (a name in a pseudonymised
// export, an open end) are left out, not written empty.
package graphml

import (
	"bufio"
	"context"
	"encoding/xml"
	"io"
	"strconv"
	"time"

	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/encoding/graphview"
)

// key is one declared attribute.
type key struct {
	id, domain, name, typ string
}

// The attributes, by domain. Ids are prefixed by domain because GraphML
// key ids are document-wide while node and edge attributes share names
// (role, organisation).
var (
	kFrom          = key{"g_from", "graph", "from", "string"}
	kTo            = key{"g_to", "graph", "to", "string"}
	kAsOf          = key{"g_as_of", "graph", "as_of", "string"}
	kPseudonymised = key{"g_pseudonymised", "graph", "pseudonymised", "boolean"}

	kKind         = key{"n_kind", "node", "kind", "string"}
	kName         = key{"n_name", "node", "name", "string"}
	kRole         = key{"n_role", "node", "role", "string"}
	kSector       = key{"n_sector", "node", "sector", "string"}
	kLocality     = key{"n_locality", "node", "locality", "string"}
	kOrganisation = key{"n_organisation", "node", "organisation", "string"}

	kType            = key{"e_type", "edge", "type", "string"}
	kStart           = key{"e_start", "edge", "start", "string"}
	kEnd             = key{"e_end", "edge", "end", "string"}
	kEdgeRole        = key{"e_role", "edge", "role", "string"}
	kCoordinator     = key{"e_coordinator", "edge", "coordinator", "boolean"}
	kConsent         = key{"e_consent", "edge", "consent", "boolean"}
	kRelation        = key{"e_relation", "edge", "relation", "string"}
	kChannel         = key{"e_channel", "edge", "channel", "string"}
	kContacts        = key{"e_contacts", "edge", "contacts", "int"}
	kEdgeOrg         = key{"e_organisation", "edge", "organisation", "string"}
	kReferrals       = key{"e_referrals", "edge", "referrals", "int"}
	kPerson          = key{"e_person", "edge", "person", "string"}
	nodeKeys         = []key{kKind, kName, kRole, kSector, kLocality, kOrganisation}
	pseudonymousKeys = []key{kKind, kRole, kSector, kLocality, kOrganisation} // no name
	edgeKeys         = []key{kType, kStart, kEnd, kEdgeRole, kCoordinator, kConsent, kRelation, kChannel, kContacts, kEdgeOrg, kReferrals, kPerson}
)

// Write streams st's network under opt to w as one GraphML document and
// says what it wrote. Errors writing to w are Internal.
func Write(ctx context.Context, st care.Streamer, opt graphview.Options, w io.Writer) (graphview.Counts, error) {
	v, err := graphview.Open(ctx, st, opt)
	if err != nil {
		return graphview.Counts{}, err
	}
	e := &encoder{w: bufio.NewWriterSize(w, 64<<10)}
	e.header(opt)
	if e.err != nil {
		return graphview.Counts{}, writeErr(e.err)
	}
	n, err := v.Walk(ctx, graphview.All, e)
	if err != nil {
		return n, err
	}
	e.str("  </graph>\n</graphml>\n")
	if e.err == nil {
		e.err = e.w.Flush()
	}
	if e.err != nil {
		return n, writeErr(e.err)
	}
	return n, nil
}

func writeErr(err error) error { return care.Wrap(care.Internal, err, "writing the GraphML export") }

// encoder writes elements to a buffered writer, keeping the first error.
type encoder struct {
	w   *bufio.Writer
	err error
	buf []byte
}

func (e *encoder) str(s string) {
	if e.err == nil {
		_, e.err = e.w.WriteString(s)
	}
}

// text writes s escaped for XML text and attribute values alike (quotes
// included); characters XML cannot hold become U+FFFD.
func (e *encoder) text(s string) {
	if e.err != nil {
		return
	}
	if plain(s) {
		_, e.err = e.w.WriteString(s)
		return
	}
	e.buf = append(e.buf[:0], s...)
	e.err = xml.EscapeText(e.w, e.buf)
}

// plain reports whether s is printable ASCII that needs no escaping: most
// ids, codes and dates, written without a copy.
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c > 0x7e || c == '<' || c == '>' || c == '&' || c == '"' || c == '\'' {
			return false
		}
	}
	return true
}

func (e *encoder) header(opt graphview.Options) {
	e.str(`<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">
`)
	keys := []key{kFrom, kTo, kAsOf, kPseudonymised}
	if opt.Pseudonymised {
		keys = append(keys, pseudonymousKeys...)
	} else {
		keys = append(keys, nodeKeys...)
	}
	for _, k := range append(keys, edgeKeys...) {
		e.str(`  <key id="` + k.id + `" for="` + k.domain + `" attr.name="` + k.name + `" attr.type="` + k.typ + `"/>` + "\n")
	}
	e.str(`  <graph id="careweb" edgedefault="directed">` + "\n")
	e.data("    ", kFrom, opt.Window.From.String())
	e.data("    ", kTo, opt.Window.To.String())
	if opt.Window == care.Always {
		e.data("    ", kAsOf, opt.AsOf.String())
	}
	e.data("    ", kPseudonymised, strconv.FormatBool(opt.Pseudonymised))
}

// data writes one <data> element, or nothing for an empty value.
func (e *encoder) data(indent string, k key, value string) {
	if value == "" {
		return
	}
	e.str(indent)
	e.str(`<data key="`)
	e.str(k.id)
	e.str(`">`)
	e.text(value)
	e.str("</data>\n")
}

// date writes a <data> element for day d (as Date.String would, without
// allocating), or nothing for an open end.
func (e *encoder) date(k key, d care.Date) {
	if d.IsOpen() || e.err != nil {
		return
	}
	e.str(`      <data key="`)
	e.str(k.id)
	e.str(`">`)
	e.buf = d.Time().AppendFormat(e.buf[:0], time.DateOnly)
	_, e.err = e.w.Write(e.buf)
	e.str("</data>\n")
}

// count writes a <data> element for an integer.
func (e *encoder) count(k key, n int) {
	if e.err != nil {
		return
	}
	e.str(`      <data key="`)
	e.str(k.id)
	e.str(`">`)
	e.buf = strconv.AppendInt(e.buf[:0], int64(n), 10)
	_, e.err = e.w.Write(e.buf)
	e.str("</data>\n")
}

// Node implements graphview.Sink.
func (e *encoder) Node(n *graphview.Node) error {
	e.str(`    <node id="`)
	e.text(n.ID)
	e.str("\">\n")
	e.data("      ", kKind, string(n.Kind))
	e.data("      ", kName, n.Name)
	e.data("      ", kRole, string(n.Role))
	e.data("      ", kSector, n.Sector)
	e.data("      ", kLocality, n.Locality)
	e.data("      ", kOrganisation, n.Organisation)
	e.str("    </node>\n")
	if e.err != nil {
		return writeErr(e.err)
	}
	return nil
}

// Edge implements graphview.Sink.
func (e *encoder) Edge(x *graphview.Edge) error {
	e.str(`    <edge id="`)
	e.text(x.ID)
	e.str(`" source="`)
	e.text(x.Source)
	e.str(`" target="`)
	e.text(x.Target)
	e.str("\">\n")
	e.data("      ", kType, x.Type)
	e.date(kStart, x.Span.From)
	e.date(kEnd, x.Span.To)
	switch x.Type {
	case string(care.CaresFor):
		e.data("      ", kRelation, x.Relation)
		e.data("      ", kConsent, strconv.FormatBool(x.Consent))
	case string(care.InvolvedIn):
		e.data("      ", kEdgeRole, x.Role)
		e.data("      ", kCoordinator, strconv.FormatBool(x.Coordinator))
	case string(care.LinkedTo):
		e.data("      ", kChannel, x.Channel)
	case graphview.Contact:
		e.count(kContacts, x.Contacts)
		e.data("      ", kEdgeOrg, x.Organisation)
	case graphview.Referral:
		e.count(kReferrals, x.Referrals)
		e.data("      ", kPerson, x.Person)
	}
	e.str("    </edge>\n")
	if e.err != nil {
		return writeErr(e.err)
	}
	return nil
}

// Package graphview is the network that CareWeb's graph exports write
// (GraphML in internal/encoding/graphml, node-link JSON in
// internal/encoding/graphjson): one node per person, carer, professional
// and organisation, and directed edges for relationships, contacts and
// referrals, with the attributes a network researcher filters and colours
// by. Both formats take it from here, so they hold the same graph with the
// same attribute values.
//
// The view is streamed: the service side of the graph (care.Streamer's
// Services) is held in memory, as every analysis does, and people are
// taken one at a time. Contacts and referrals are aggregated within each
// person, so memory stays bounded by the largest web, not the population.
//
// The edges:
//
//   - one per relationship (CARES_FOR, INVOLVED_IN, WORKS_IN, LINKED_TO)
//     overlapping the window, in its stored direction, with its span;
//   - CONTACT, professional → person: all of the person's contacts with
//     that professional on days in the window, with their number and the
//     days of the first and last as the span;
//   - REFERRAL, from → to: all of one person's referrals between that
//     pair on days in the window, with their number, the person, and the
//     days of the first and last as the span.
//
// Every node is in the view whatever the window, as in the CSV export, so
// that a windowed network and the full one share their node set.
package graphview

import (
	"context"
	"crypto/sha256"
	"hash"
	"slices"
	"strings"

	"github.com/careweb/careweb/internal/analysis"
	"github.com/careweb/careweb/internal/care"
)

// The edge types that aggregate events; relationships keep their own type.
const (
	Contact  = "CONTACT"
	Referral = "REFERRAL"
)

// Separator joins several values of one attribute (a professional's
// organisations, their sectors, the organisations of a CONTACT edge).
const Separator = ";"

// Options say what the view covers.
type Options struct {
	// Window keeps relationships overlapping it and contacts and referrals
	// on days in it; care.Always keeps everything.
	Window care.Window
	// AsOf is the day whose WORKS_IN give a professional's organisation
	// when Window is care.Always (with a window, the WORKS_IN overlapping
	// it do). Callers pass today.
	AsOf care.Date
	// Pseudonymised leaves names out of the view and says so in the
	// graph's attributes. The records themselves must already be
	// pseudonymised (internal/deidentify).
	Pseudonymised bool
}

// Reference is the span whose WORKS_IN give professionals their
// organisations: the window, or the AsOf day when there is none.
func (o Options) Reference() care.Span {
	if o.Window == care.Always {
		return care.AsOf(o.AsOf)
	}
	return o.Window
}

// Node is one node of the view. Empty fields are absent attributes.
type Node struct {
	ID   string
	Kind care.Kind
	// Name is empty when the view is pseudonymised.
	Name string
	// Role is a professional's role.
	Role care.Role
	// Sector is an organisation's sector; for a professional, the sectors
	// of Organisation, in the same order, without repeats.
	Sector string
	// Locality is the node's area, if recorded.
	Locality string
	// Organisation is, for a professional, the ids of the organisations of
	// the WORKS_IN overlapping Options.Reference, latest start first, joined
	// by Separator.
	Organisation string
}

// Edge is one edge of the view. Only the fields of its type are set.
type Edge struct {
	// ID is unique in the view: a relationship's own id (prefixed "REL:"
	// when it would otherwise start like an aggregate's), else
	// "CONTACT:person:professional" or "REFERRAL:person:from:to", with
	// '%' and ':' inside the ids escaped as %25 and %3A.
	ID     string
	Type   string // a care.RelType, Contact or Referral
	Source string
	Target string
	// Span is a relationship's span, or the days of the first and last
	// contact or referral of an aggregate; open ends are care.NoStart and
	// care.NoEnd.
	Span        care.Span
	Role        string // INVOLVED_IN
	Coordinator bool   // INVOLVED_IN
	Consent     bool   // CARES_FOR
	Relation    string // CARES_FOR
	Channel     string // LINKED_TO
	// Contacts is the number of contacts a CONTACT edge stands for.
	Contacts int
	// Organisation is, for a CONTACT edge, the organisations its contacts
	// were with (as recorded, else the professional's WORKS_IN on the
	// day), in order of first contact, joined by Separator.
	Organisation string
	// Referrals is the number of referrals a REFERRAL edge stands for.
	Referrals int
	// Person is the person a REFERRAL edge's referrals are about.
	Person string
}

// Sink receives the view. The Node or Edge passed is only valid during the
// call. A non-nil error stops the walk and is returned.
type Sink interface {
	Node(*Node) error
	Edge(*Edge) error
}

// Parts says which elements a walk emits.
type Parts int

const (
	Nodes Parts = 1 << iota
	Edges
	All = Nodes | Edges
)

// Counts says what a walk emitted.
type Counts struct {
	Nodes         int
	Edges         int // all edges: Relationships + ContactEdges + ReferralEdges
	Relationships int
	ContactEdges  int
	Contacts      int // contacts aggregated into ContactEdges
	ReferralEdges int
	Referrals     int // referrals aggregated into ReferralEdges
}

// View is the graph of one store under one set of options. It reuses its
// buffers from one person to the next, so it is not safe for concurrent
// use.
type View struct {
	st       care.Streamer
	opt      Options
	svc      *care.Services
	ix       *analysis.Index
	orgs     map[string][2]string // professional → organisations, sectors
	people   []byte               // digest of the people of the first walk; nil before it
	edgeID   []byte
	aggs     []contactAgg
	aggIndex map[string]int
	refs     []referralAgg
	refIndex map[string]int
}

type contactAgg struct {
	professional string
	n            int
	first, last  care.Date
	orgs         []string
}

type referralAgg struct {
	from, to    string
	n           int
	first, last care.Date
}

// Open reads the service side of st and returns the view.
func Open(ctx context.Context, st care.Streamer, opt Options) (*View, error) {
	if !opt.Window.Valid() {
		return nil, care.Errorf(care.Invalid, "window: %s is after %s", opt.Window.From, opt.Window.To)
	}
	svc, err := st.Services(ctx)
	if err != nil {
		return nil, err
	}
	v := &View{st: st, opt: opt, svc: svc, ix: analysis.NewIndex(svc), aggIndex: map[string]int{}, refIndex: map[string]int{}}
	v.orgs = professionalOrganisations(svc, v.ix, opt.Reference())
	return v, nil
}

// professionalOrganisations gives every professional with a WORKS_IN
// overlapping ref its organisations (latest start first, then by id) and
// their sectors, each joined by Separator.
func professionalOrganisations(svc *care.Services, ix *analysis.Index, ref care.Span) map[string][2]string {
	type job struct {
		org   string
		start care.Date
	}
	jobs := map[string][]job{}
	for _, r := range svc.Relationships {
		if r.Type == care.WorksIn && r.Span.Overlaps(ref) {
			jobs[r.From] = append(jobs[r.From], job{r.To, r.Span.From})
		}
	}
	out := make(map[string][2]string, len(jobs))
	for pro, js := range jobs {
		slices.SortFunc(js, func(a, b job) int {
			switch {
			case a.start > b.start:
				return -1
			case a.start < b.start:
				return 1
			}
			return strings.Compare(a.org, b.org)
		})
		var orgs, sectors []string
		for _, j := range js {
			if slices.Contains(orgs, j.org) {
				continue
			}
			orgs = append(orgs, j.org)
			if s, ok := ix.Sector(j.org); ok && !slices.Contains(sectors, string(s)) {
				sectors = append(sectors, string(s))
			}
		}
		out[pro] = [2]string{strings.Join(orgs, Separator), strings.Join(sectors, Separator)}
	}
	return out
}

// Walk emits parts of the view to sink: the carers, professionals and
// organisations (by id), the WORKS_IN and LINKED_TO edges (by id), then
// each person in the store's order with their node and their edges
// (relationships by type, start and id; CONTACT and REFERRAL edges in
// order of their first event).
//
// A view may be walked more than once (the JSON writer walks nodes, then
// edges). The people must be the same each time: when they are not, or
// when an edge reaches a node that is not in the services read at Open,
// the store changed during the export, and Walk returns Conflict.
func (v *View) Walk(ctx context.Context, parts Parts, sink Sink) (Counts, error) {
	var n Counts
	var node Node
	var edge Edge
	if parts&Nodes != 0 {
		for _, x := range v.svc.Nodes {
			v.fillNode(&node, x)
			n.Nodes++
			if err := sink.Node(&node); err != nil {
				return n, err
			}
		}
	}
	if parts&Edges != 0 {
		for _, r := range v.svc.Relationships {
			if !r.Span.Overlaps(v.opt.Window) {
				continue
			}
			if err := v.known(r.ID, r.From, r.To); err != nil {
				return n, err
			}
			v.fillRel(&edge, r)
			n.Relationships++
			if err := sink.Edge(&edge); err != nil {
				return n, err
			}
		}
	}
	digest := sha256.New()
	err := v.st.EachPerson(ctx, func(p *care.PersonRecord) error {
		digest.Write([]byte(p.Person.ID))
		digest.Write([]byte{0})
		if parts&Nodes != 0 {
			v.fillNode(&node, p.Person)
			n.Nodes++
			if err := sink.Node(&node); err != nil {
				return err
			}
		}
		if parts&Edges != 0 {
			return v.personEdges(p, &edge, &n, sink)
		}
		return nil
	})
	n.Edges = n.Relationships + n.ContactEdges + n.ReferralEdges
	if err != nil {
		return n, err
	}
	return n, v.samePeople(digest)
}

// samePeople checks that this walk met the people the first one did.
func (v *View) samePeople(digest hash.Hash) error {
	sum := digest.Sum(nil)
	if v.people == nil {
		v.people = sum
		return nil
	}
	if string(sum) != string(v.people) {
		return care.Errorf(care.Conflict, "the people in the store changed during the export; export again")
	}
	return nil
}

// known checks that the ends of an edge are services read at Open.
func (v *View) known(what string, ids ...string) error {
	for _, id := range ids {
		if _, ok := v.ix.Kind(id); !ok {
			return care.Errorf(care.Conflict, "%s refers to %s, which is not among the carers, professionals and organisations read when the export began: the store changed during the export; export again", what, id)
		}
	}
	return nil
}

func (v *View) fillNode(dst *Node, x care.Node) {
	*dst = Node{ID: x.ID, Kind: x.Kind, Role: x.Role, Sector: string(x.Sector), Locality: x.Locality}
	if !v.opt.Pseudonymised {
		dst.Name = x.Name
	}
	if x.Kind == care.KindProfessional {
		o := v.orgs[x.ID]
		dst.Organisation, dst.Sector = o[0], o[1]
	}
}

func (v *View) fillRel(dst *Edge, r care.Relationship) {
	*dst = Edge{ID: relEdgeID(r.ID), Type: string(r.Type), Source: r.From, Target: r.To, Span: r.Span}
	switch r.Type {
	case care.CaresFor:
		dst.Relation, dst.Consent = r.Relation, r.Consent
	case care.InvolvedIn:
		dst.Role, dst.Coordinator = r.Role, r.Coordinator
	case care.LinkedTo:
		dst.Channel = r.Channel
	}
}

// personEdges emits one person's relationships, then their contacts and
// referrals aggregated.
func (v *View) personEdges(p *care.PersonRecord, edge *Edge, n *Counts, sink Sink) error {
	person := p.Person.ID
	for _, r := range p.Relationships {
		if !r.Span.Overlaps(v.opt.Window) {
			continue
		}
		if err := v.known(r.ID, r.From); err != nil {
			return err
		}
		v.fillRel(edge, r)
		n.Relationships++
		if err := sink.Edge(edge); err != nil {
			return err
		}
	}

	v.aggs = v.aggs[:0]
	clear(v.aggIndex)
	for _, c := range p.Contacts {
		day := care.DateOf(c.At)
		if !v.opt.Window.Contains(day) {
			continue
		}
		if err := v.known(c.ID, c.Professional); err != nil {
			return err
		}
		org := c.Organisation
		if org != "" {
			if err := v.known(c.ID, org); err != nil {
				return err
			}
		} else {
			org, _ = v.ix.OrganisationOn(c.Professional, day)
		}
		i, ok := v.aggIndex[c.Professional]
		if !ok {
			i = len(v.aggs)
			v.aggIndex[c.Professional] = i
			v.aggs = append(v.aggs, contactAgg{professional: c.Professional, first: day})
		}
		a := &v.aggs[i]
		a.n++
		a.last = day // contacts come in time order
		if org != "" && !slices.Contains(a.orgs, org) {
			a.orgs = append(a.orgs, org)
		}
		n.Contacts++
	}
	for _, a := range v.aggs {
		*edge = Edge{ID: v.aggregateID(Contact, person, a.professional), Type: Contact, Source: a.professional, Target: person,
			Span: care.Span{From: a.first, To: a.last}, Contacts: a.n, Organisation: strings.Join(a.orgs, Separator)}
		n.ContactEdges++
		if err := sink.Edge(edge); err != nil {
			return err
		}
	}

	v.refs = v.refs[:0]
	clear(v.refIndex)
	for _, r := range p.Referrals {
		day := care.DateOf(r.At)
		if !v.opt.Window.Contains(day) {
			continue
		}
		if err := v.known(r.ID, r.From, r.To); err != nil {
			return err
		}
		key := r.From + "\x00" + r.To
		i, ok := v.refIndex[key]
		if !ok {
			i = len(v.refs)
			v.refIndex[key] = i
			v.refs = append(v.refs, referralAgg{from: r.From, to: r.To, first: day})
		}
		a := &v.refs[i]
		a.n++
		a.last = day
		n.Referrals++
	}
	for _, a := range v.refs {
		*edge = Edge{ID: v.aggregateID(Referral, person, a.from, a.to), Type: Referral, Source: a.from, Target: a.to,
			Span: care.Span{From: a.first, To: a.last}, Referrals: a.n, Person: person}
		n.ReferralEdges++
		if err := sink.Edge(edge); err != nil {
			return err
		}
	}
	return nil
}

// aggregateID is "TYPE:id:id...", each id escaped so that the parts can be
// told apart whatever the ids hold.
func (v *View) aggregateID(typ string, ids ...string) string {
	b := append(v.edgeID[:0], typ...)
	for _, id := range ids {
		b = append(b, ':')
		for i := 0; i < len(id); i++ {
			switch id[i] {
			case '%':
				b = append(b, "%25"...)
			case ':':
				b = append(b, "%3A"...)
			default:
				b = append(b, id[i])
			}
		}
	}
	v.edgeID = b
	return string(b)
}

// relEdgeID is a relationship's edge id: its own, unless that starts like
// an aggregate's (or like an id this rule made), which gets "REL:" before it.
func relEdgeID(id string) string {
	if strings.HasPrefix(id, Contact+":") || strings.HasPrefix(id, Referral+":") || strings.HasPrefix(id, "REL:") {
		return "REL:" + id
	}
	return id
}

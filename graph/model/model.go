// Package model holds the GraphQL types: thin wrappers that bind the
// schema to the domain's own values (internal/care), plus what gqlgen
// generates (connections, inputs, payloads) in models_gen.go.
package model

import (
	"time"

	"github.com/careweb/careweb/internal/care"
)

// Node is the GraphQL Node interface: one of *Person, *Carer,
// *Professional, *Organisation.
type Node interface {
	IsNode()
	// Domain returns the wrapped domain node.
	Domain() care.Node
}

// NewNode wraps a domain node in the GraphQL type of its kind.
func NewNode(n care.Node) Node {
	switch n.Kind {
	case care.KindPerson:
		return &Person{base{n}}
	case care.KindCarer:
		return &Carer{base{n}}
	case care.KindProfessional:
		return &Professional{base{n}}
	default:
		return &Organisation{base{n}}
	}
}

// base holds the fields every node kind shares.
type base struct{ N care.Node }

func (b base) IsNode()           {}
func (b base) Domain() care.Node { return b.N }
func (b base) ID() string        { return b.N.ID }
func (b base) Kind() care.Kind   { return b.N.Kind }
func (b base) Name() string      { return b.N.Name }
func (b base) Locality() *string { return optional(b.N.Locality) }

// Person is someone who receives care.
type Person struct{ base }

// Carer is an unpaid carer.
type Carer struct{ base }

// Professional is a paid worker.
type Professional struct{ base }

// Role is the professional's occupation.
func (p Professional) Role() care.Role { return p.N.Role }

// Organisation is where professionals work.
type Organisation struct{ base }

// Sector is the organisation's sector.
func (o Organisation) Sector() care.Sector { return o.N.Sector }

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func optionalDate(d care.Date) *care.Date {
	if d.IsOpen() {
		return nil
	}
	return &d
}

// Relationship is a typed, time-bounded edge. Ends may come resolved
// already (a web's links join nodes the web holds), sparing a load.
type Relationship struct {
	R          care.Relationship
	FromN, ToN *care.Node
}

func (r Relationship) ID() string            { return r.R.ID }
func (r Relationship) Type() care.RelType    { return r.R.Type }
func (r Relationship) Start() *care.Date     { return optionalDate(r.R.Span.From) }
func (r Relationship) End() *care.Date       { return optionalDate(r.R.Span.To) }
func (r Relationship) Role() *string         { return optional(r.R.Role) }
func (r Relationship) Coordinator() bool     { return r.R.Coordinator }
func (r Relationship) Relationship() *string { return optional(r.R.Relation) }
func (r Relationship) Consent() bool         { return r.R.Consent }
func (r Relationship) Channel() *string      { return optional(r.R.Channel) }

// Active reports whether the relationship holds on asOf (default today).
func (r Relationship) Active(asOf *care.Date) bool {
	d := care.DateOf(time.Now())
	if asOf != nil {
		d = *asOf
	}
	return r.R.Span.Contains(d)
}

// Relationships wraps a list.
func Relationships(rs []care.Relationship) []*Relationship {
	out := make([]*Relationship, len(rs))
	for i := range rs {
		out[i] = &Relationship{R: rs[i]}
	}
	return out
}

// Contact is an encounter.
type Contact struct{ C care.Contact }

func (c Contact) ID() string      { return c.C.ID }
func (c Contact) At() time.Time   { return c.C.At }
func (c Contact) Mode() care.Mode { return c.C.Mode }
func (c Contact) Setting() *string {
	return optional(c.C.Setting)
}

// Referral is an explicit handoff.
type Referral struct{ R care.Referral }

func (r Referral) ID() string      { return r.R.ID }
func (r Referral) At() time.Time   { return r.R.At }
func (r Referral) Reason() *string { return optional(r.R.Reason) }

// CareWeb is a person's web of care in a window.
type CareWeb struct {
	W    care.Web
	orgs map[string]care.Node
}

// NewCareWeb wraps a web.
func NewCareWeb(w care.Web) *CareWeb {
	orgs := make(map[string]care.Node, len(w.Organisations))
	for _, o := range w.Organisations {
		orgs[o.ID] = o
	}
	return &CareWeb{W: w, orgs: orgs}
}

func (w *CareWeb) Person() *Person  { return &Person{base{w.W.Person}} }
func (w *CareWeb) From() *care.Date { return optionalDate(w.W.Window.From) }
func (w *CareWeb) To() *care.Date   { return optionalDate(w.W.Window.To) }

// Links are the web's LINKED_TO relationships, with their ends resolved
// from the web's own members and organisations.
func (w *CareWeb) Links() []*Relationship {
	nodes := make(map[string]*care.Node, len(w.W.Members)+len(w.W.Organisations))
	for i := range w.W.Members {
		nodes[w.W.Members[i].Node.ID] = &w.W.Members[i].Node
	}
	for i := range w.W.Organisations {
		nodes[w.W.Organisations[i].ID] = &w.W.Organisations[i]
	}
	out := make([]*Relationship, len(w.W.Links))
	for i, l := range w.W.Links {
		out[i] = &Relationship{R: l, FromN: nodes[l.From], ToN: nodes[l.To]}
	}
	return out
}

// Members lists the web's carers and professionals.
func (w *CareWeb) Members() []*WebMember {
	out := make([]*WebMember, len(w.W.Members))
	for i := range w.W.Members {
		out[i] = &WebMember{M: w.W.Members[i], web: w}
	}
	return out
}

// Carers lists the web's carers.
func (w *CareWeb) Carers() []*Carer {
	var out []*Carer
	for _, m := range w.W.Members {
		if m.Node.Kind == care.KindCarer {
			out = append(out, &Carer{base{m.Node}})
		}
	}
	return out
}

// Professionals lists the web's professionals.
func (w *CareWeb) Professionals() []*Professional {
	var out []*Professional
	for _, m := range w.W.Members {
		if m.Node.Kind == care.KindProfessional {
			out = append(out, &Professional{base{m.Node}})
		}
	}
	return out
}

// Coordinators lists the named coordinators in the window.
func (w *CareWeb) Coordinators() []*Professional {
	var out []*Professional
	for _, m := range w.W.Members {
		if m.Node.Kind == care.KindProfessional && m.Coordinator() {
			out = append(out, &Professional{base{m.Node}})
		}
	}
	return out
}

// Organisations lists the organisations of the web's professionals.
func (w *CareWeb) Organisations() []*Organisation {
	out := make([]*Organisation, len(w.W.Organisations))
	for i, o := range w.W.Organisations {
		out[i] = &Organisation{base{o}}
	}
	return out
}

// WebMember is one carer or professional in a web.
type WebMember struct {
	M   care.Member
	web *CareWeb
}

func (m *WebMember) Node() Node                     { return NewNode(m.M.Node) }
func (m *WebMember) Kind() care.Kind                { return m.M.Node.Kind }
func (m *WebMember) Relationships() []*Relationship { return Relationships(m.M.Relationships) }
func (m *WebMember) Coordinator() bool              { return m.M.Coordinator() }
func (m *WebMember) Contacts() int                  { return m.M.Contacts }

// latestOrg is the organisation of the member's latest WORKS_IN in the window.
func (m *WebMember) latestOrg() (care.Node, bool) {
	for i := len(m.M.WorksIn) - 1; i >= 0; i-- {
		if o, ok := m.web.orgs[m.M.WorksIn[i].To]; ok {
			return o, true
		}
	}
	return care.Node{}, false
}

// Organisation is the latest organisation the member worked in during the window.
func (m *WebMember) Organisation() *Organisation {
	if o, ok := m.latestOrg(); ok {
		return &Organisation{base{o}}
	}
	return nil
}

// Organisations are every organisation the member worked in during the window.
func (m *WebMember) Organisations() []*Organisation {
	var out []*Organisation
	seen := map[string]bool{}
	for _, r := range m.M.WorksIn {
		if o, ok := m.web.orgs[r.To]; ok && !seen[o.ID] {
			seen[o.ID] = true
			out = append(out, &Organisation{base{o}})
		}
	}
	return out
}

// Sector is the sector of Organisation.
func (m *WebMember) Sector() *care.Sector {
	if o, ok := m.latestOrg(); ok {
		s := o.Sector
		return &s
	}
	return nil
}

// LinkedMembers counts the other members the member is linked to.
func (m *WebMember) LinkedMembers() int {
	members := make(map[string]bool, len(m.web.W.Members))
	for _, o := range m.web.W.Members {
		members[o.Node.ID] = true
	}
	seen := map[string]bool{}
	id := m.M.Node.ID
	for _, l := range m.web.W.Links {
		if l.From != id && l.To != id {
			continue
		}
		other := l.Other(id)
		if members[other] && other != id {
			seen[other] = true
		}
	}
	return len(seen)
}

// Consent is a consent record.
type Consent struct{ C care.Consent }

func (c Consent) ID() string              { return c.C.ID }
func (c Consent) PersonID() string        { return c.C.Person }
func (c Consent) GranteeID() string       { return c.C.Grantee }
func (c Consent) Basis() care.Basis       { return c.C.Basis }
func (c Consent) Decision() care.Decision { return c.C.Decision }
func (c Consent) From() *care.Date        { return optionalDate(c.C.Span.From) }
func (c Consent) To() *care.Date          { return optionalDate(c.C.Span.To) }
func (c Consent) RecordedAt() time.Time   { return c.C.RecordedAt }
func (c Consent) RecordedBy() *string     { return optional(c.C.RecordedBy) }

// Viewer is the signed-in principal.
type Viewer struct {
	Subject string
	Role    care.Access
}

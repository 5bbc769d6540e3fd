package neo4j

import (
	"fmt"
	"time"

	neo4jdrv "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/careweb/careweb/internal/care"
)

// Cypher projections shared by every read, so that one decoder per type
// suffices. They expect the variables named in each comment.

// nodeProj projects node n.
const nodeProj = "n{.id, .kind, .name, .role, .sector, .locality}"

// relProj projects relationship r.
const relProj = "r{.id, .fromDay, .toDay, .role, .coordinator, .relation, .consent, .channel, type: type(r), from: startNode(r).id, to: endNode(r).id}"

// contactProj projects contact c (a CONTACT relationship) with its person
// p and professional pro; c.org is the organisation's id.
const contactProj = "c{.id, .at, .mode, .setting, person: p.id, professional: pro.id, organisation: c.org}"

// contactInWindow tests contact c against a window (contactWindow's
// parameters).
const contactInWindow = "c.at >= $atFrom AND c.at < $atTo"

// referralProj projects referral e with its person p and ends a and b.
const referralProj = "e{.id, .at, .reason, person: p.id, from: a.id, to: b.id}"

// Labels and relationship types come from these tables only, never from
// input: a Cypher label cannot be a parameter.
var kindLabel = map[care.Kind]string{
	care.KindPerson:       "Person",
	care.KindCarer:        "Carer",
	care.KindProfessional: "Professional",
	care.KindOrganisation: "Organisation",
}

var relTypeName = map[care.RelType]string{
	care.CaresFor:   "CARES_FOR",
	care.InvolvedIn: "INVOLVED_IN",
	care.WorksIn:    "WORKS_IN",
	care.LinkedTo:   "LINKED_TO",
}

// nullable stores "" as null, so absent optional fields take no space.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nodeRow(n care.Node) map[string]any {
	return map[string]any{
		"id":       n.ID,
		"kind":     string(n.Kind),
		"name":     n.Name,
		"nameKey":  care.NameKey(n.Name),
		"role":     nullable(string(n.Role)),
		"sector":   nullable(string(n.Sector)),
		"locality": nullable(n.Locality),
	}
}

func relRow(r care.Relationship) map[string]any {
	return map[string]any{
		"id":          r.ID,
		"from":        r.From,
		"to":          r.To,
		"fromDay":     int64(r.Span.From),
		"toDay":       int64(r.Span.To),
		"role":        nullable(r.Role),
		"coordinator": r.Coordinator,
		"relation":    nullable(r.Relation),
		"consent":     r.Consent,
		"channel":     nullable(r.Channel),
	}
}

// contactProps are the properties of a contact's CONTACT relationship
// (its person and professional are the relationship's ends). Unlike
// referrals it has no day: its window test compares at with the window's
// first and last instants (contactWindow), which saves a property on the
// most numerous record.
func contactProps(c care.Contact) map[string]any {
	return map[string]any{
		"id":      c.ID,
		"at":      c.At.UTC(),
		"mode":    string(c.Mode),
		"setting": nullable(c.Setting),
		"org":     nullable(c.Organisation),
	}
}

// referralProps are a referral's node properties.
func referralProps(r care.Referral) map[string]any {
	return map[string]any{
		"id":     r.ID,
		"at":     r.At.UTC(),
		"day":    int64(care.DateOf(r.At)),
		"reason": nullable(r.Reason),
	}
}

// window returns the parameters of a window test.
func windowParams(w care.Window, p map[string]any) map[string]any {
	if p == nil {
		p = map[string]any{}
	}
	p["wFrom"] = int64(w.From)
	p["wTo"] = int64(w.To)
	return p
}

// contactWindow adds to p the parameters of contactInWindow: a contact
// is in w when its UTC day is, that is from midnight UTC starting w.From
// to before midnight ending w.To. The open ends become instants millions
// of years away, which Neo4j's DATETIME holds (±999,999,999 years).
func contactWindow(w care.Window, p map[string]any) map[string]any {
	p = windowParams(w, p)
	p["atFrom"] = time.Unix(int64(w.From)*86400, 0).UTC()
	p["atTo"] = time.Unix((int64(w.To)+1)*86400, 0).UTC()
	return p
}

// A decoder reads typed fields out of a projected map and remembers the
// first malformed one, so that a schema drift is reported, not panicked on.
type decoder struct {
	m   map[string]any
	err error
}

func newDecoder(v any) *decoder {
	m, ok := v.(map[string]any)
	if !ok {
		return &decoder{err: fmt.Errorf("neo4j: expected a map, got %T", v)}
	}
	return &decoder{m: m}
}

func (d *decoder) str(k string) string {
	v := d.m[k]
	if v == nil {
		return ""
	}
	s, ok := v.(string)
	if !ok && d.err == nil {
		d.err = fmt.Errorf("neo4j: property %q is %T, want string", k, v)
	}
	return s
}

func (d *decoder) boolean(k string) bool {
	v := d.m[k]
	if v == nil {
		return false
	}
	b, ok := v.(bool)
	if !ok && d.err == nil {
		d.err = fmt.Errorf("neo4j: property %q is %T, want bool", k, v)
	}
	return b
}

func (d *decoder) date(k string, open care.Date) care.Date {
	v := d.m[k]
	if v == nil {
		return open
	}
	i, ok := v.(int64)
	if !ok && d.err == nil {
		d.err = fmt.Errorf("neo4j: property %q is %T, want integer", k, v)
	}
	return care.Date(i)
}

func (d *decoder) time(k string) time.Time {
	v := d.m[k]
	t, ok := v.(time.Time)
	if !ok && d.err == nil {
		d.err = fmt.Errorf("neo4j: property %q is %T, want datetime", k, v)
	}
	return t.UTC()
}

func decodeNode(v any) (care.Node, error) {
	d := newDecoder(v)
	if d.err != nil {
		return care.Node{}, d.err
	}
	n := care.Node{
		ID:       d.str("id"),
		Kind:     care.Kind(d.str("kind")),
		Name:     d.str("name"),
		Role:     care.Role(d.str("role")),
		Sector:   care.Sector(d.str("sector")),
		Locality: d.str("locality"),
	}
	return n, d.err
}

func decodeRel(v any) (care.Relationship, error) {
	d := newDecoder(v)
	if d.err != nil {
		return care.Relationship{}, d.err
	}
	r := care.Relationship{
		ID:          d.str("id"),
		Type:        care.RelType(d.str("type")),
		From:        d.str("from"),
		To:          d.str("to"),
		Span:        care.Span{From: d.date("fromDay", care.NoStart), To: d.date("toDay", care.NoEnd)},
		Role:        d.str("role"),
		Coordinator: d.boolean("coordinator"),
		Relation:    d.str("relation"),
		Consent:     d.boolean("consent"),
		Channel:     d.str("channel"),
	}
	return r, d.err
}

func decodeContact(v any) (care.Contact, error) {
	d := newDecoder(v)
	if d.err != nil {
		return care.Contact{}, d.err
	}
	c := care.Contact{
		ID:           d.str("id"),
		Person:       d.str("person"),
		Professional: d.str("professional"),
		Organisation: d.str("organisation"),
		At:           d.time("at"),
		Mode:         care.Mode(d.str("mode")),
		Setting:      d.str("setting"),
	}
	return c, d.err
}

func decodeReferral(v any) (care.Referral, error) {
	d := newDecoder(v)
	if d.err != nil {
		return care.Referral{}, d.err
	}
	r := care.Referral{
		ID:     d.str("id"),
		Person: d.str("person"),
		From:   d.str("from"),
		To:     d.str("to"),
		At:     d.time("at"),
		Reason: d.str("reason"),
	}
	return r, d.err
}

// decodeAll decodes column col of every record.
func decodeAll[T any](recs []*neo4jdrv.Record, col string, dec func(any) (T, error)) ([]T, error) {
	out := make([]T, 0, len(recs))
	for _, rec := range recs {
		v, _ := rec.Get(col)
		x, err := dec(v)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, nil
}

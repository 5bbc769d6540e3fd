package analysis

import (
	"slices"

	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/metrics/fragmentation"
	"github.com/careweb/careweb/internal/metrics/measure"
	"github.com/careweb/careweb/internal/metrics/ugraph"
)

type webScratch struct {
	carers []int32
	profs  []int32
	kind   []fragmentation.Kind
	org    []int
	edges  []ugraph.Edge
	orgs   []int
	secs   []int
}

// about reports whether r is one of the person's own CARES_FOR or
// INVOLVED_IN relationships (they run from the carer or professional to
// the person).
func (c *Computer) about(r *care.Relationship) bool { return r.To == c.rec.Person.ID }

// buildWeb builds the person's web in w (METRICS-REFERENCE Part 1 rules
// 9–10), counts its professionals, organisations and sectors (rule 12) and
// measures its fragmentation (rule 11) into res.
//
// Members: the person; carers with a CARES_FOR to the person overlapping w;
// professionals with an INVOLVED_IN to the person overlapping w or a
// contact with the person in w. Edges: the person to every member, and
// every LINKED_TO overlapping w between two members (carer–professional,
// professional–professional and carer–carer alike: rule 10 says "every").
// Organisations are never members, so organisation–organisation links add
// no edge.
//
// A professional's organisations (rule 12) are those of their WORKS_IN
// overlapping w and those recorded on, or resolved for, their contacts
// with the person in w. For carerBridgingShare each professional needs
// one organisation: the WORKS_IN overlapping w that started latest (then
// the smallest organisation id), else the organisation of their latest
// contact in w, else none (such professionals are left out of the pairs).
func (c *Computer) buildWeb(w care.Window, res *Fragmentation) {
	s := &c.web
	s.carers, s.profs = s.carers[:0], s.profs[:0]
	for i := range c.rec.Relationships {
		r := &c.rec.Relationships[i]
		if !c.about(r) || !r.Span.Overlaps(w) {
			continue
		}
		switch r.Type {
		case care.CaresFor:
			s.carers = append(s.carers, c.relFrom[i])
		case care.InvolvedIn:
			s.profs = append(s.profs, c.relFrom[i])
		}
	}
	for _, k := range c.window() {
		s.profs = append(s.profs, k.prof)
	}
	slices.Sort(s.carers)
	s.carers = slices.Compact(s.carers)
	slices.Sort(s.profs)
	s.profs = slices.Compact(s.profs)
	res.Carers, res.Professionals = len(s.carers), len(s.profs)

	// Local nodes: 0 is the person, then carers, then professionals.
	n := 1 + len(s.carers) + len(s.profs)
	s.kind = append(s.kind[:0], fragmentation.Person)
	s.org = append(s.org[:0], -1)
	c.codes = c.codes[:0]
	for _, x := range s.carers {
		s.kind = append(s.kind, fragmentation.Carer)
		s.org = append(s.org, -1)
		c.codes = append(c.codes, int(x))
	}
	s.orgs, s.secs = s.orgs[:0], s.secs[:0]
	for _, p := range s.profs {
		s.kind = append(s.kind, fragmentation.Professional)
		s.org = append(s.org, int(c.primaryOrg(p, w)))
		c.codes = append(c.codes, int(p))
		if c.known(p) {
			for _, t := range c.ix.worksIn[p] {
				if t.span.Overlaps(w) {
					s.orgs = append(s.orgs, int(t.org))
				}
			}
		}
	}
	for _, k := range c.window() {
		if k.org >= 0 {
			s.orgs = append(s.orgs, int(k.org))
		}
	}
	slices.Sort(s.orgs)
	s.orgs = slices.Compact(s.orgs)
	for _, o := range s.orgs {
		if sec := c.ix.sectorOfOrg(int32(o)); sec >= 0 {
			s.secs = append(s.secs, int(sec))
		}
	}
	res.Organisations = len(s.orgs)
	res.Sectors = fragmentation.Distinct(s.secs)

	// c.codes[i] is the node code of local node i+1.
	s.edges = s.edges[:0]
	for v := 1; v < n; v++ {
		s.edges = append(s.edges, ugraph.Edge{U: 0, V: v})
	}
	c.markAll(c.codes)
	for i, code := range c.codes {
		if !c.known(int32(code)) {
			continue
		}
		for _, l := range c.ix.links[code] {
			if int(l.other) > code && c.mark[l.other] >= 0 && l.span.Overlaps(w) {
				s.edges = append(s.edges, ugraph.Edge{U: i + 1, V: int(c.mark[l.other]) + 1})
			}
		}
	}
	c.unmarkAll(c.codes)

	g, err := ugraph.New(n, s.edges)
	var wr fragmentation.WebResult
	if err == nil {
		wr, err = fragmentation.AnalyseWeb(fragmentation.Web{Graph: g, Kind: s.kind, Organisation: s.org})
	}
	if err != nil {
		// Unreachable: the web is built valid above. Report nulls, not a panic.
		bad := measure.Undefined(measure.InvalidInput)
		wr = fragmentation.WebResult{NetworkFragmentation: bad, ProfessionalFragmentation: bad,
			DistanceWeightedFragmentation: bad, CarerDependency: bad, CarerBridgingShare: bad}
	}
	res.NetworkFragmentation = wr.NetworkFragmentation
	res.ProfessionalFragmentation = wr.ProfessionalFragmentation
	res.DistanceWeightedFragmentation = wr.DistanceWeightedFragmentation
	res.CarerDependency = wr.CarerDependency
	res.CarerBridgingShare = wr.CarerBridgingShare
}

// primaryOrg returns the one organisation of professional p in w used for
// carerBridgingShare (see buildWeb), or −1.
func (c *Computer) primaryOrg(p int32, w care.Window) int32 {
	if o := c.ix.orgIn(p, w); o >= 0 {
		return o
	}
	win := c.window()
	for j := len(win) - 1; j >= 0; j-- {
		if win[j].prof == p && win[j].org >= 0 {
			return win[j].org
		}
	}
	return -1
}

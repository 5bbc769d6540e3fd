package analysis

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/careweb/careweb/internal/care"
)

// Index is the service side of the graph (care.Store.Services) in the
// compact form per-person analysis looks things up in: a dense code for
// every carer, professional and organisation, each professional's WORKS_IN
// spans, every LINKED_TO span, and each organisation's sector.
//
// Codes are assigned in id byte order, so "the smallest id" is "the
// smallest code". They are also the provider codes handed to the metrics
// packages at the PROFESSIONAL and ORGANISATION levels, and the keys of the
// population's patient-sharing network; sectors have codes of their own.
//
// An Index is immutable and safe for concurrent use. It is a snapshot:
// build a new one after writes to the service side.
type Index struct {
	ids      []string
	codes    map[string]int32
	kinds    []care.Kind
	sectorOf []int32 // organisation code → sector code; −1 for other nodes
	sectors  []care.Sector
	worksIn  [][]tenure // professional code → WORKS_IN, by start descending, then organisation code
	links    [][]link   // node code → LINKED_TO touching it, by other end, then start
	skipped  []care.Problem
	nskipped int
}

type tenure struct {
	org  int32
	span care.Span
}

type link struct {
	other int32
	span  care.Span
}

// NewIndex builds the index of svc. It never fails: a store's Services are
// valid by construction, and analysis of a population should not stop at
// one bad row, so anything it cannot use (a duplicate id, a person among
// the services, a relationship whose ends are unknown or of the wrong
// kinds, a span that ends before it starts) is left out and listed by
// Skipped. A nil svc gives the empty index.
func NewIndex(svc *care.Services) *Index {
	ix := &Index{codes: map[string]int32{}}
	if svc == nil {
		return ix
	}
	var ps care.Problems
	order := make([]int, 0, len(svc.Nodes))
	for i := range svc.Nodes {
		order = append(order, i)
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(svc.Nodes[a].ID, svc.Nodes[b].ID) })
	sectorCode := map[care.Sector]int32{}
	for _, i := range order {
		n := svc.Nodes[i]
		f := fmt.Sprintf("nodes[%d]", i)
		switch {
		case n.ID == "":
			ps.Add(f+".id", "", "a node without an id")
			continue
		case n.Kind != care.KindCarer && n.Kind != care.KindProfessional && n.Kind != care.KindOrganisation:
			ps.Add(f+".kind", string(n.Kind), "not a carer, professional or organisation")
			continue
		}
		if _, dup := ix.codes[n.ID]; dup {
			ps.Add(f+".id", n.ID, "duplicate id; the first is kept")
			continue
		}
		code := int32(len(ix.ids))
		ix.codes[n.ID] = code
		ix.ids = append(ix.ids, n.ID)
		ix.kinds = append(ix.kinds, n.Kind)
		sec := int32(-1)
		if n.Kind == care.KindOrganisation {
			s := n.Sector
			if s == "" {
				s = care.SectorOther // as care.Batch.Normalise stores it
			}
			c, ok := sectorCode[s]
			if !ok {
				c = int32(len(ix.sectors))
				sectorCode[s] = c
				ix.sectors = append(ix.sectors, s)
			}
			sec = c
		}
		ix.sectorOf = append(ix.sectorOf, sec)
	}
	ix.worksIn = make([][]tenure, len(ix.ids))
	ix.links = make([][]link, len(ix.ids))
	for i, r := range svc.Relationships {
		f := fmt.Sprintf("relationships[%d]", i)
		from, fok := ix.codes[r.From]
		to, tok := ix.codes[r.To]
		switch {
		case !fok:
			ps.Add(f+".from", r.From, "not a carer, professional or organisation in the services")
			continue
		case !tok:
			ps.Add(f+".to", r.To, "not a carer, professional or organisation in the services")
			continue
		case !r.Span.Valid():
			ps.Add(f+".end", r.Span.To.String(), "ends before it starts (%s)", r.Span.From)
			continue
		case from == to:
			ps.Add(f+".to", r.To, "joins a node to itself")
			continue
		}
		switch r.Type {
		case care.WorksIn:
			if ix.kinds[from] != care.KindProfessional || ix.kinds[to] != care.KindOrganisation {
				ps.Add(f+".type", string(r.Type), "WORKS_IN joins a professional to an organisation, not a %s to a %s", ix.kinds[from], ix.kinds[to])
				continue
			}
			ix.worksIn[from] = append(ix.worksIn[from], tenure{org: to, span: r.Span})
		case care.LinkedTo:
			ix.links[from] = append(ix.links[from], link{other: to, span: r.Span})
			ix.links[to] = append(ix.links[to], link{other: from, span: r.Span})
		default:
			ps.Add(f+".type", string(r.Type), "only WORKS_IN and LINKED_TO belong to the services")
		}
	}
	for _, ts := range ix.worksIn {
		// Latest start first, then the smallest organisation id: the order
		// in which "the organisation on a date" is chosen.
		slices.SortFunc(ts, func(a, b tenure) int {
			if c := cmp.Compare(b.span.From, a.span.From); c != 0 {
				return c
			}
			return cmp.Compare(a.org, b.org)
		})
	}
	for _, ls := range ix.links {
		slices.SortFunc(ls, func(a, b link) int {
			if c := cmp.Compare(a.other, b.other); c != 0 {
				return c
			}
			return cmp.Compare(a.span.From, b.span.From)
		})
	}
	ix.nskipped = ps.Len()
	if err, ok := ps.Err("").(*care.Error); ok {
		ix.skipped = err.Problems
	}
	return ix
}

// Len returns the number of nodes indexed.
func (ix *Index) Len() int { return len(ix.ids) }

// Skipped lists what NewIndex left out and why (at most care.MaxProblems,
// plus a final "..." entry when there were more), with field paths into
// the Services it was built from.
func (ix *Index) Skipped() []care.Problem { return ix.skipped }

// Kind returns the kind of the node id, if indexed.
func (ix *Index) Kind(id string) (care.Kind, bool) {
	c, ok := ix.codes[id]
	if !ok {
		return "", false
	}
	return ix.kinds[c], true
}

// Sector returns the sector of the organisation id, if indexed.
func (ix *Index) Sector(organisation string) (care.Sector, bool) {
	c, ok := ix.codes[organisation]
	if !ok || ix.sectorOf[c] < 0 {
		return "", false
	}
	return ix.sectors[ix.sectorOf[c]], true
}

// OrganisationOn returns the organisation the professional works in on day
// d: of the WORKS_IN spans containing d, the one that started latest, then
// the smallest organisation id (METRICS-REFERENCE Part 1 rule 4 needs one
// organisation; Part 1 does not say which when several are active, and the
// latest start is the most recent job). ok is false when none is active.
func (ix *Index) OrganisationOn(professional string, d care.Date) (string, bool) {
	c, ok := ix.codes[professional]
	if !ok {
		return "", false
	}
	if o := ix.orgOn(c, d); o >= 0 {
		return ix.ids[o], true
	}
	return "", false
}

// Linked reports whether a LINKED_TO between a and b (either direction) is
// active on day d.
func (ix *Index) Linked(a, b string, d care.Date) bool {
	ca, ok1 := ix.codes[a]
	cb, ok2 := ix.codes[b]
	return ok1 && ok2 && ix.linkedIn(ca, cb, care.AsOf(d))
}

// code returns the code of id, or −1.
func (ix *Index) code(id string) int32 {
	if c, ok := ix.codes[id]; ok {
		return c
	}
	return -1
}

// orgOn is OrganisationOn by code; −1 when none.
func (ix *Index) orgOn(prof int32, d care.Date) int32 {
	return ix.orgIn(prof, care.AsOf(d))
}

// orgIn returns the organisation of the professional's WORKS_IN overlapping
// w that started latest (then the smallest organisation), or −1.
func (ix *Index) orgIn(prof int32, w care.Span) int32 {
	if prof < 0 || int(prof) >= len(ix.worksIn) {
		return -1
	}
	for _, t := range ix.worksIn[prof] {
		if t.span.Overlaps(w) {
			return t.org
		}
	}
	return -1
}

// sectorOfOrg returns the sector code of an organisation code, or −1.
func (ix *Index) sectorOfOrg(org int32) int32 {
	if org < 0 || int(org) >= len(ix.sectorOf) {
		return -1
	}
	return ix.sectorOf[org]
}

// linkedIn reports whether a LINKED_TO between codes a and b overlaps w.
func (ix *Index) linkedIn(a, b int32, w care.Span) bool {
	if a < 0 || b < 0 || int(a) >= len(ix.links) || int(b) >= len(ix.links) {
		return false
	}
	ls := ix.links[a]
	i, _ := slices.BinarySearchFunc(ls, b, func(l link, b int32) int { return cmp.Compare(l.other, b) })
	for ; i < len(ls) && ls[i].other == b; i++ {
		if ls[i].span.Overlaps(w) {
			return true
		}
	}
	return false
}

// sectorCode returns the code of sector s, or −1 when no organisation has it.
func (ix *Index) sectorCode(s care.Sector) int32 {
	for i, x := range ix.sectors {
		if x == s {
			return int32(i)
		}
	}
	return -1
}

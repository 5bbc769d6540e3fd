package analysis

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/careweb/careweb/internal/care"
)

// contact is one of the person's contacts after METRICS-REFERENCE Part 1
// rules 2–4: deduplicated, in order, with its codes at every level.
type contact struct {
	idx  int32     // index into the record's Contacts
	day  care.Date // UTC calendar day
	prof int32     // professional code
	org  int32     // organisation code (rule 4); −1 when it cannot be resolved
	sec  int32     // sector code of org; −1 when unknown
}

// at returns the contact's provider code at level l; −1 when unknown.
func (k *contact) at(l Level) int32 {
	switch l {
	case Organisation:
		return k.org
	case Sector:
		return k.sec
	}
	return k.prof
}

// dayOf returns the UTC calendar day of t. It is care.DateOf without the
// calendar arithmetic (a day is 86,400 Unix seconds in UTC), clamped to the
// open sentinels so that a corrupt time cannot wrap around.
func dayOf(t time.Time) care.Date {
	s := t.Unix()
	d := s / 86400
	if s%86400 < 0 {
		d--
	}
	switch {
	case d <= math.MinInt32:
		return care.NoStart + 1
	case d >= math.MaxInt32:
		return care.NoEnd - 1
	}
	return care.Date(d)
}

func compareContacts(a, b *care.Contact) int {
	if c := a.At.Compare(b.At); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

// codeOf returns the code of id: its index code, or a code past the index
// for an id the index does not know (a node written after the index was
// built, or a hand-made record), stable for the current person.
func (c *Computer) codeOf(id string) int32 {
	if code, ok := c.ix.codes[id]; ok {
		return code
	}
	for i, e := range c.extra {
		if e == id {
			return int32(c.ix.Len() + i)
		}
	}
	c.extra = append(c.extra, id)
	return int32(c.ix.Len() + len(c.extra) - 1)
}

// known reports whether code is in the index (not a per-person extra).
func (c *Computer) known(code int32) bool { return code >= 0 && int(code) < c.ix.Len() }

// id returns the id of a node code.
func (c *Computer) id(code int32) string {
	if c.known(code) {
		return c.ix.ids[code]
	}
	if i := int(code) - c.ix.Len(); i >= 0 && i < len(c.extra) {
		return c.extra[i]
	}
	return ""
}

// levelID returns the id of a provider code at level l: a node id, or the
// sector's name at the SECTOR level.
func (c *Computer) levelID(l Level, code int32) string {
	if l == Sector {
		if code >= 0 && int(code) < len(c.ix.sectors) {
			return string(c.ix.sectors[code])
		}
		return ""
	}
	return c.id(code)
}

// prepare applies METRICS-REFERENCE Part 1 rules 1–4 to rec's contacts: it
// orders them by timestamp then id (rule 3; the store already does, a
// hand-made record may not), keeps the first of each professional's
// contacts on a UTC day (rule 2, before any level mapping), resolves each
// kept contact's organisation and sector (rule 4), and marks which are in
// the window (rule 1). Contacts after the window are dropped; those before
// it are kept as history (KPC's look-back, rule 7; churn; tenure of the
// usual provider).
func (c *Computer) prepare(rec *care.PersonRecord, w care.Window) {
	c.rec = rec
	c.extra = c.extra[:0]
	c.relFrom = c.relFrom[:0]
	for i := range rec.Relationships {
		c.relFrom = append(c.relFrom, c.codeOf(rec.Relationships[i].From))
	}
	cs := rec.Contacts
	c.order = c.order[:0]
	sorted := true
	for i := range cs {
		if i > 0 && sorted && compareContacts(&cs[i-1], &cs[i]) > 0 {
			sorted = false
		}
		c.order = append(c.order, int32(i))
	}
	if !sorted {
		slices.SortFunc(c.order, func(a, b int32) int { return compareContacts(&cs[a], &cs[b]) })
	}
	c.kept = c.kept[:0]
	run := 0 // kept[run:] are the kept contacts on the current day
	for _, i := range c.order {
		ct := &cs[i]
		day := dayOf(ct.At)
		if day > w.To {
			break
		}
		prof := c.codeOf(ct.Professional)
		if n := len(c.kept); n == 0 || c.kept[n-1].day != day {
			run = n
		} else if c.seenOn(run, prof) {
			continue // rule 2: the earliest (then smallest id) was kept
		}
		org := int32(-1)
		if ct.Organisation != "" {
			org = c.codeOf(ct.Organisation)
		} else if c.known(prof) {
			org = c.ix.orgOn(prof, day)
		}
		c.kept = append(c.kept, contact{idx: i, day: day, prof: prof, org: org, sec: c.ix.sectorOfOrg(org)})
	}
	c.win = len(c.kept)
	for j := range c.kept {
		if c.kept[j].day >= w.From {
			c.win = j
			break
		}
	}
}

// seenOn reports whether kept[run:] has a contact with prof.
func (c *Computer) seenOn(run int, prof int32) bool {
	for _, k := range c.kept[run:] {
		if k.prof == prof {
			return true
		}
	}
	return false
}

// window returns the kept contacts in the window; history, those before it.
func (c *Computer) window() []contact  { return c.kept[c.win:] }
func (c *Computer) history() []contact { return c.kept[:c.win] }

// coordinators returns the codes at level l of the person's named
// coordinators: professionals with an INVOLVED_IN marked coordinator
// overlapping w. At the ORGANISATION and SECTOR levels a coordinator is
// represented by the organisation (and its sector) of their WORKS_IN
// overlapping both the coordinator relationship and w that started latest.
func (c *Computer) coordinators(l Level, w care.Window) []int {
	c.coords = c.coords[:0]
	for i := range c.rec.Relationships {
		r := &c.rec.Relationships[i]
		if r.Type != care.InvolvedIn || !r.Coordinator || !c.about(r) || !r.Span.Overlaps(w) {
			continue
		}
		code := c.relFrom[i]
		if l != Professional {
			both := care.Span{From: max(r.Span.From, w.From), To: min(r.Span.To, w.To)}
			code = c.ix.orgIn(code, both)
			if l == Sector {
				code = c.ix.sectorOfOrg(code)
			}
		}
		if code >= 0 && !slices.Contains(c.coords, int(code)) {
			c.coords = append(c.coords, int(code))
		}
	}
	return c.coords
}

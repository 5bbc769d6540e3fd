package demo

import (
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/careweb/careweb/internal/care"
)

// maxContacts bounds one person's contacts, so that the far tail of the
// skewed distribution cannot make one person's records unbounded.
const maxContacts = 4000

// intensitySigma is the spread of the lognormal intensity of need: with
// sigma 1 the busiest 10% of people have about 40% of the contacts.
const intensitySigma = 1.0

// segment is a spell during which one professional is assigned to a line
// of an episode.
type segment struct {
	prof     int32
	from, to care.Date
}

// episode is a spell of one service for one person.
type episode struct {
	svc      svcKind
	org      int32
	from, to care.Date // to is NoEnd when it runs on past the period
	dropped  bool
	careRole string // replaces line 0's INVOLVED_IN role (a specialism)
	lines    [maxLines][2]int32
	coord    bool
	// The referral that started it: from the professional on line refLine
	// of episode refBy (refBy < 0: none) on refDate.
	refBy, refLine int
	refDate        care.Date
	refReason      string
}

type pending struct {
	at      int64 // Unix seconds
	prof    int32
	org     int32 // -1 when the contact does not record its organisation
	mode    care.Mode
	setting string
}

type carerInfo struct {
	id     string
	span   care.Span
	linked []int32
}

// personGen generates one person at a time, reusing its scratch space.
type personGen struct {
	cfg         Config
	land        *landscape
	e           *emitter
	pcg         *rand.PCG
	rng         *rand.Rand
	buf         []byte
	profileCum  []float64
	localityCum []float64
	norm        float64 // mean intensity over profiles, so the mean contact count is as configured
	// Widths of the counters' ids: wide enough for the population (four
	// times the expected count for contacts and referrals), so ids sort
	// numerically.
	personW, carerW, contactW, referralW int

	carers, contacts, referrals int

	eps      []episode
	segs     []segment
	pend     []pending
	order    []uint64 // sort keys of pend: time since the period's start, then index
	cum      []float64
	carerIDs []carerInfo
	involved [][2]int64 // (professional, start) pairs already written for this person
}

func newPersonGen(cfg Config, land *landscape, e *emitter) *personGen {
	g := &personGen{cfg: cfg, land: land, e: e, pcg: rand.NewPCG(0, 0)}
	g.rng = rand.New(g.pcg)
	g.personW = max(personWidth, digits(cfg.People))
	g.carerW = max(carerWidth, digits(2*cfg.People))
	g.contactW = max(contactWidth, digits(int(4*cfg.ContactsPerPerson*float64(cfg.People))))
	g.referralW = max(referralWidth, digits(8*cfg.People))
	total := 0.0
	for _, p := range profiles {
		total += p.share
		g.profileCum = append(g.profileCum, total)
		g.norm += p.share * p.intensity
	}
	g.norm /= total
	total = 0
	for _, l := range localities {
		total += l.share
		g.localityCum = append(g.localityCum, total)
	}
	return g
}

// pickCum returns the index of a weighted choice from cumulative weights.
func pickCum(rng *rand.Rand, cum []float64) int {
	x := rng.Float64() * cum[len(cum)-1]
	for i, c := range cum {
		if x < c {
			return i
		}
	}
	return len(cum) - 1
}

// dayIn returns a day uniformly in [lo, hi] (lo when hi < lo).
func dayIn(rng *rand.Rand, lo, hi care.Date) care.Date {
	if hi <= lo {
		return lo
	}
	return lo + care.Date(rng.Int64N(int64(hi)-int64(lo)+1))
}

func (g *personGen) id(prefix string, n, width int) string {
	g.buf = appendID(g.buf[:0], prefix, n, width)
	return string(g.buf)
}

func (g *personGen) relID(t care.RelType, from, to string, start care.Date) string {
	g.buf = appendRelationshipID(g.buf[:0], t, from, to, start)
	return string(g.buf)
}

// person generates and emits person i (1-based) and everything about them.
// Each person's random stream depends only on the seed and i.
func (g *personGen) person(i int) {
	g.pcg.Seed(g.cfg.Seed, uint64(i))
	rng, land := g.rng, g.land
	li := pickCum(rng, g.localityCum)
	loc := &land.locs[li]
	nb := loc.nbs[rng.IntN(len(loc.nbs))]
	prof := &profiles[pickCum(rng, g.profileCum)]
	woman := rng.Float64() < 0.56
	sex := 1
	if woman {
		sex = 0
	}
	generation := [2][]string{olderWomen, olderMen}
	if prof.young {
		generation = [2][]string{youngWomen, youngMen}
	} else if prof.middle {
		generation = [2][]string{middleWomen, middleMen}
	}
	surname := surnames[rng.IntN(len(surnames))]
	pid := g.id(personPrefix, i, g.personW)
	g.e.node(care.Node{ID: pid, Kind: care.KindPerson, Locality: loc.spec.name,
		Name: generation[sex][rng.IntN(len(generation[sex]))] + " " + surname})

	g.carerIDs = g.carerIDs[:0]
	nc := 0
	if rng.Float64() < prof.carer {
		nc = 1
		if rng.Float64() < prof.second {
			nc = 2
		}
	}
	for k := range nc {
		g.carer(pid, k, prof, sex, generation, surname, loc.spec.name)
	}

	z := math.Exp(intensitySigma*rng.NormFloat64() - intensitySigma*intensitySigma/2)
	g.plan(prof, li, nb, z, nc)
	g.resolve()
	g.chooseCoordinator(prof)
	g.writeInvolvement(pid)
	n := int(g.cfg.ContactsPerPerson*prof.intensity/g.norm*z + rng.Float64())
	g.writeContacts(pid, min(n, maxContacts))
	g.writeReferrals(pid)
}

func digits(n int) int {
	d := 1
	for n >= 10 {
		n /= 10
		d++
	}
	return d
}

// carer emits the k-th carer of person pid and their CARES_FOR.
func (g *personGen) carer(pid string, k int, prof *profile, sex int, generation [2][]string, surname, locality string) {
	rng := g.rng
	var r relation
	for range 4 { // a second carer is not a second spouse
		r = prof.relations[g.pickRelation(prof)]
		if k == 0 || r.name != "spouse" {
			break
		}
	}
	relName, given := r.name, r.given[sex]
	if r.name == "spouse" {
		r.family = 0.97
		other := 1 - sex
		if rng.Float64() < 0.03 {
			other = sex
		}
		given = generation[other]
		switch {
		case prof.young || prof.middle || other == sex:
			relName = "partner"
		case other == 0:
			relName = "wife"
		default:
			relName = "husband"
		}
	}
	if r.name == "spouse" && k == 1 {
		relName, given, r.family = "daughter", middleWomen, 0.6
	}
	last := surname
	if rng.Float64() >= r.family {
		last = surnames[rng.IntN(len(surnames))]
	}
	carerLocality := locality
	switch relName {
	case "daughter", "son", "daughter-in-law", "niece", "sister", "brother":
		if rng.Float64() < 0.3 {
			carerLocality = "" // lives away
		}
	}
	g.carers++
	cid := g.id(carerPrefix, g.carers, g.carerW)
	g.e.node(care.Node{ID: cid, Kind: care.KindCarer, Name: given[rng.IntN(len(given))] + " " + last, Locality: carerLocality})

	span := care.Span{From: care.NoStart, To: care.NoEnd}
	switch x := rng.Float64(); {
	case x < 0.25: // since before records began
	case x < 0.9:
		span.From = g.cfg.From.AddDays(-30 - rng.IntN(3000))
	default: // began caring during the period
		span.From = dayIn(rng, g.cfg.From, g.cfg.To-30)
	}
	if rng.Float64() < 0.04 { // stopped caring: moved away, became unwell
		start := max(span.From, g.cfg.From)
		span.To = dayIn(rng, start.AddDays(30), g.cfg.To)
		if span.To > g.cfg.To {
			span.To = care.NoEnd
		}
	}
	g.e.rel(care.Relationship{
		ID: g.relID(care.CaresFor, cid, pid, span.From), Type: care.CaresFor, From: cid, To: pid, Span: span,
		Relation: relName, Consent: rng.Float64() < 0.95,
	})
	g.carerIDs = append(g.carerIDs, carerInfo{id: cid, span: span})
}

func (g *personGen) pickRelation(prof *profile) int {
	total := 0.0
	for _, r := range prof.relations {
		total += r.weight
	}
	x := g.rng.Float64() * total
	for i, r := range prof.relations {
		if x < r.weight {
			return i
		}
		x -= r.weight
	}
	return len(prof.relations) - 1
}

// unitFor returns a unit of kind serving the neighbourhood, or -1.
func (g *personGen) unitFor(kind unitKind, li, nb int) int32 {
	list := g.land.unitsNear(li, nb, kind)
	if len(list) == 0 {
		return -1
	}
	return list[g.rng.IntN(len(list))]
}

func (g *personGen) addEpisode(s svcKind, org int32, from, to care.Date) int {
	g.eps = append(g.eps, episode{svc: s, org: org, from: from, to: to, refBy: -1})
	return len(g.eps) - 1
}

// span draws an episode's dates for service s.
func (g *personGen) span(s svcKind) (care.Date, care.Date) {
	rng, spec := g.rng, &svcSpecs[s]
	var from care.Date
	if rng.Float64() < spec.before {
		from = g.cfg.From.AddDays(-1 - rng.IntN(400))
	} else {
		from = dayIn(rng, g.cfg.From, g.cfg.To-14)
	}
	return from, g.end(s, from)
}

// end draws when an episode of s that began on from ends.
func (g *personGen) end(s svcKind, from care.Date) care.Date {
	rng, spec := g.rng, &svcSpecs[s]
	if rng.Float64() < spec.ongoing {
		return care.NoEnd
	}
	to := from.AddDays(spec.days[0] + rng.IntN(spec.days[1]-spec.days[0]+1))
	if to < g.cfg.From {
		to = g.cfg.From.AddDays(rng.IntN(60))
	}
	if to >= g.cfg.To {
		return care.NoEnd
	}
	return to
}

func (g *personGen) find(s svcKind) int {
	for i := range g.eps {
		if g.eps[i].svc == s && !g.eps[i].dropped {
			return i
		}
	}
	return -1
}

// startAfter moves (or creates, with probability p) an episode of s to
// start a few days after day, referred by line refLine of episode by.
func (g *personGen) startAfter(s svcKind, li, nb int, p float64, day care.Date, wait [2]int, by, refLine int, reason string) int {
	rng := g.rng
	i := g.find(s)
	start := day.AddDays(wait[0] + rng.IntN(wait[1]-wait[0]+1))
	if start > g.cfg.To {
		return i
	}
	switch {
	case i < 0:
		if rng.Float64() >= p {
			return -1
		}
		org := g.unitFor(svcSpecs[s].unit, li, nb)
		if org < 0 {
			return -1
		}
		i = g.addEpisode(s, org, start, g.end(s, start))
	case g.eps[i].from > day:
		g.eps[i].from = start
		if g.eps[i].to < start {
			g.eps[i].to = g.end(s, start)
		}
	default:
		return i // already under way: no new handoff
	}
	ep := &g.eps[i]
	ep.refBy, ep.refLine, ep.refReason = by, refLine, reason
	ep.refDate = max(day, start.AddDays(-1-rng.IntN(3)))
	return i
}

// plan draws the person's episodes: the GP always, a hospital stay and the
// handoffs that follow it for some, and services by profile, more of them
// the higher the intensity of need.
func (g *personGen) plan(prof *profile, li, nb int, z float64, carers int) {
	rng, cfg := g.rng, g.cfg
	g.eps = g.eps[:0]
	practice := g.unitFor(uPractice, li, nb)
	g.addEpisode(sGP, practice, cfg.From.AddDays(-200-rng.IntN(3650)), care.NoEnd)
	scale := min(max(0.4+0.6*z, 0.25), 2.5)

	adm := -1
	if rng.Float64() < min(0.9, prof.admission*scale) {
		if h := g.unitFor(uHospital, li, nb); h >= 0 {
			a := dayIn(rng, cfg.From.AddDays(14), cfg.To.AddDays(-10))
			days := 2 + int(rng.ExpFloat64()*5)
			adm = g.addEpisode(sAdmission, h, a, min(a.AddDays(min(days, 40)-1), cfg.To))
		}
	}
	for s := sPracticeNurse; s < numSvc; s++ {
		p := prof.services[s]
		if p == 0 || s == sAdmission || (s == sCarersSupport && carers == 0) {
			continue
		}
		if rng.Float64() >= min(0.97, p*scale) {
			continue
		}
		org := practice
		if svcSpecs[s].unit != uPractice {
			org = g.unitFor(svcSpecs[s].unit, li, nb)
		}
		if org < 0 {
			continue
		}
		from, to := g.span(s)
		i := g.addEpisode(s, org, from, to)
		if sp := svcSpecs[s].specialism; len(sp) > 0 {
			g.eps[i].careRole = sp[rng.IntN(len(sp))]
		}
	}

	if adm >= 0 {
		d := g.eps[adm].to // discharge
		g.startAfter(sSocialWork, li, nb, 0.5, d, [2]int{1, 10}, adm, 0, "assessment of care needs on discharge")
		g.startAfter(sDistrictNursing, li, nb, 0.3, d, [2]int{1, 5}, adm, 2, "wound care after discharge")
		g.startAfter(sTherapy, li, nb, 0.25, d, [2]int{3, 14}, adm, 0, "rehabilitation after a hospital stay")
	}
	if sw := g.find(sSocialWork); sw >= 0 && g.eps[sw].from >= cfg.From {
		g.startAfter(sHomeCare, li, nb, 0.5, g.eps[sw].from, [2]int{7, 28}, sw, 0, "package of care")
	}
	// Everything else that began in the period was referred by the GP,
	// or for community and voluntary support sometimes by the social worker.
	sw := g.find(sSocialWork)
	for i := range g.eps {
		ep := &g.eps[i]
		spec := &svcSpecs[ep.svc]
		if ep.refBy >= 0 || ep.svc == sGP || ep.svc == sAdmission || ep.from < cfg.From || rng.Float64() >= spec.referred {
			continue
		}
		ep.refBy, ep.refLine, ep.refReason = 0, 0, spec.reason
		switch ep.svc {
		case sDayCentre, sCarersSupport, sBefriending, sHousing:
			if sw >= 0 && sw != i && rng.Float64() < 0.5 {
				ep.refBy = sw
			}
		}
		ep.refDate = ep.from.AddDays(-2 - rng.IntN(40))
	}
	for i := range g.eps {
		ep := &g.eps[i]
		if ep.from > cfg.To || (ep.to != care.NoEnd && ep.to < cfg.From) || ep.to < ep.from {
			ep.dropped = true
		}
	}
}

// resolve assigns professionals to each line of each episode over time:
// whoever of the role is in post when the episode (or the last assignee's
// stint) starts, until they leave, then the next.
func (g *personGen) resolve() {
	land, rng := g.land, g.rng
	g.segs = g.segs[:0]
	for i := range g.eps {
		ep := &g.eps[i]
		if ep.dropped {
			continue
		}
		for k, ln := range svcSpecs[ep.svc].lines {
			start := int32(len(g.segs))
			if ln.continuity > 0 || ep.svc == sGP {
				d := ep.from
				for d <= ep.to {
					p := land.pick(rng, ep.org, ln.role, d)
					if p < 0 {
						next := land.nextStart(ep.org, ln.role, d)
						if next > ep.to || next == care.NoEnd {
							break
						}
						d = next
						continue
					}
					s, _ := land.stintIn(p, ep.org, d)
					end := min(s.to, ep.to)
					g.segs = append(g.segs, segment{prof: p, from: d, to: end})
					if end >= ep.to {
						break
					}
					d = end + 1
				}
			}
			ep.lines[k] = [2]int32{start, int32(len(g.segs))}
		}
	}
}

func (g *personGen) segAt(ep *episode, k int, d care.Date) int32 {
	r := ep.lines[k]
	for _, s := range g.segs[r[0]:r[1]] {
		if s.from <= d && d <= s.to {
			return s.prof
		}
	}
	return -1
}

// chooseCoordinator names a coordinator for some people: the social
// worker, matron, care coordinator or specialist nurse of one of their
// episodes, or failing those their GP (a named accountable GP).
func (g *personGen) chooseCoordinator(prof *profile) {
	rng := g.rng
	if rng.Float64() >= prof.coord {
		return
	}
	n, pick := 0, 0 // reservoir choice among the candidates
	for i := 1; i < len(g.eps); i++ {
		ep := &g.eps[i]
		cl := svcSpecs[ep.svc].coordLine
		if ep.dropped || cl < 0 || ep.lines[cl][1] == ep.lines[cl][0] {
			continue
		}
		n++
		if rng.IntN(n) == 0 {
			pick = i
		}
	}
	if n == 0 && rng.Float64() >= 0.5 {
		return
	}
	g.eps[pick].coord = true
}

// writeInvolvement emits INVOLVED_IN for each assignment, and the carers'
// LINKED_TO lines to some of the professionals.
func (g *personGen) writeInvolvement(pid string) {
	land, rng := g.land, g.rng
	g.involved = g.involved[:0]
	for i := range g.eps {
		ep := &g.eps[i]
		if ep.dropped {
			continue
		}
		spec := &svcSpecs[ep.svc]
		for k, ln := range spec.lines {
			if ln.careRole == "" {
				continue
			}
			role := ln.careRole
			if k == 0 && ep.careRole != "" {
				role = ep.careRole
			}
			r := ep.lines[k]
			for _, s := range g.segs[r[0]:r[1]] {
				key := [2]int64{int64(s.prof), int64(s.from)}
				if slices.Contains(g.involved, key) {
					continue
				}
				g.involved = append(g.involved, key)
				p := &land.pros[s.prof]
				g.e.rel(care.Relationship{
					ID: g.relID(care.InvolvedIn, p.id, pid, s.from), Type: care.InvolvedIn, From: p.id, To: pid,
					Span: care.Span{From: s.from, To: s.to}, Role: role, Coordinator: ep.coord && k == spec.coordLine,
				})
				for ci := range g.carerIDs {
					c := &g.carerIDs[ci]
					pl := spec.carerLink
					if ci > 0 {
						pl *= 0.3
					}
					if rng.Float64() >= pl || slices.Contains(c.linked, s.prof) {
						continue
					}
					span := care.Span{From: max(c.span.From, s.from), To: min(c.span.To, s.to)}
					if !span.Valid() {
						continue
					}
					c.linked = append(c.linked, s.prof)
					g.e.rel(care.Relationship{
						ID: g.relID(care.LinkedTo, c.id, p.id, span.From), Type: care.LinkedTo, From: c.id, To: p.id,
						Span: span, Channel: "carer_contact",
					})
				}
			}
		}
	}
	for ci := range g.carerIDs {
		g.carerIDs[ci].linked = g.carerIDs[ci].linked[:0]
	}
}

// writeContacts draws n contacts over the person's episodes, in proportion
// to each episode's rate and length within the period, and emits them in
// time order (with a paramedic's contact on the day of an emergency admission).
func (g *personGen) writeContacts(pid string, n int) {
	land, rng, cfg := g.land, g.rng, g.cfg
	g.pend = g.pend[:0]
	g.cum = g.cum[:0]
	total := 0.0
	for i := range g.eps {
		ep := &g.eps[i]
		if !ep.dropped {
			lo, hi := max(ep.from, cfg.From), min(ep.to, cfg.To)
			if hi >= lo {
				total += svcSpecs[ep.svc].rate * float64(hi-lo+1) / 365.25
			}
		}
		g.cum = append(g.cum, total)
	}
	for range n {
		if total == 0 {
			break
		}
		ep := &g.eps[pickCum(rng, g.cum)]
		spec := &svcSpecs[ep.svc]
		k := 0
		if len(spec.lines) > 1 {
			x := rng.Float64()
			for k < len(spec.lines)-1 && x >= spec.lines[k].share {
				x -= spec.lines[k].share
				k++
			}
		}
		ln := &spec.lines[k]
		lo, hi := max(ep.from, cfg.From), min(ep.to, cfg.To)
		d := dayIn(rng, lo, hi)
		if !spec.weekends {
			switch weekday(d) {
			case 6: // Saturday: the Friday before, or the Monday after
				if d-1 >= lo {
					d--
				} else if d+2 <= hi {
					d += 2
				}
			case 0:
				if d+1 <= hi {
					d++
				} else if d-2 >= lo {
					d -= 2
				}
			}
		}
		cont := ln.continuity
		if ep.svc == sGP {
			cont = land.orgs[ep.org].continuity
		}
		p := int32(-1)
		if cont > 0 {
			p = g.segAt(ep, k, d)
		}
		if p < 0 || rng.Float64() >= cont {
			if alt := land.pick(rng, ep.org, ln.role, d); alt >= 0 {
				p = alt
			}
		}
		if p < 0 {
			continue // the post was vacant that day
		}
		g.pend = append(g.pend, g.pendingAt(d, spec.hours, p, ep.org, g.mode(spec.modes), spec.setting))
	}
	// A paramedic brought some of the people admitted to hospital.
	for i := range g.eps {
		ep := &g.eps[i]
		if ep.svc != sAdmission || ep.dropped || rng.Float64() >= 0.6 {
			continue
		}
		amb := g.unitFor(uAmbulance, land.orgs[ep.org].locality, -1)
		if amb < 0 {
			continue
		}
		if p := land.pick(rng, amb, care.RoleParamedic, ep.from); p >= 0 {
			c := g.pendingAt(ep.from, [2]int{0, 7}, p, amb, care.ModeHomeVisit, "home")
			g.pend = append(g.pend, c)
			ep.refBy, ep.refLine, ep.refDate, ep.refReason = -2, int(p), ep.from, "conveyed to hospital"
		}
	}
	// Sort packed keys rather than the structs: it is most of the cost of
	// sorting. Contacts lie within the period (under 2^34 seconds for any
	// valid one) and a person has at most maxContacts (under 2^13) plus a
	// few paramedic contacts, so the packing is exact.
	base := int64(cfg.From) * 86400
	g.order = g.order[:0]
	for i, c := range g.pend {
		g.order = append(g.order, uint64(c.at-base)<<16|uint64(i))
	}
	slices.Sort(g.order)
	for _, key := range g.order {
		c := &g.pend[key&0xffff]
		g.contacts++
		k := care.Contact{
			ID: g.id(contactPrefix, g.contacts, g.contactW), Person: pid, Professional: land.pros[c.prof].id,
			At: time.Unix(c.at, 0).UTC(), Mode: c.mode, Setting: c.setting,
		}
		if c.org >= 0 {
			k.Organisation = land.orgs[c.org].id
		}
		g.e.contact(k)
	}
}

// pendingAt places a contact on day d at a time within hours; the
// organisation is recorded on 60% of contacts (the rest are resolved
// through the professional's WORKS_IN on the day).
func (g *personGen) pendingAt(d care.Date, hours [2]int, p, org int32, mode care.Mode, setting string) pending {
	rng := g.rng
	sec := int64(d)*86400 + int64(hours[0]+rng.IntN(hours[1]-hours[0]+1))*3600 + int64(rng.IntN(12))*300
	switch mode {
	case care.ModeHomeVisit:
		setting = "home"
	case care.ModePhone, care.ModeVideo:
		setting = "remote"
	}
	if rng.Float64() >= 0.6 {
		org = -1
	}
	return pending{at: sec, prof: p, org: org, mode: mode, setting: setting}
}

func (g *personGen) mode(ms []modeShare) care.Mode {
	x := g.rng.Float64()
	for _, m := range ms[:len(ms)-1] {
		if x < m.p {
			return m.mode
		}
		x -= m.p
	}
	return ms[len(ms)-1].mode
}

// writeReferrals emits the handoffs that started episodes in the period:
// from the referring professional (or their organisation, when nobody was
// in post) to the receiving organisation or, sometimes, the professional.
func (g *personGen) writeReferrals(pid string) {
	land, rng, cfg := g.land, g.rng, g.cfg
	for i := range g.eps {
		ep := &g.eps[i]
		if ep.dropped || ep.refBy == -1 || ep.refDate < cfg.From || ep.refDate > cfg.To {
			continue
		}
		var from string
		switch {
		case ep.refBy == -2: // the paramedic who brought them in
			from = land.pros[ep.refLine].id
		default:
			by := &g.eps[ep.refBy]
			if by.dropped {
				continue
			}
			role := svcSpecs[by.svc].lines[ep.refLine].role
			p := g.segAt(by, ep.refLine, ep.refDate)
			if p < 0 {
				p = land.pick(rng, by.org, role, ep.refDate)
			}
			from = land.orgs[by.org].id
			if p >= 0 {
				from = land.pros[p].id
			}
		}
		to := land.orgs[ep.org].id
		if rng.Float64() < 0.35 {
			cl := max(svcSpecs[ep.svc].coordLine, 0)
			if p := g.segAt(ep, cl, ep.from); p >= 0 && land.pros[p].id != from {
				to = land.pros[p].id
			}
		}
		if to == from {
			continue
		}
		g.referrals++
		g.e.referral(care.Referral{
			ID: g.id(referralPrefix, g.referrals, g.referralW), Person: pid, From: from, To: to,
			At:     time.Unix(int64(ep.refDate)*86400+int64(9+rng.IntN(8))*3600+int64(rng.IntN(60))*60, 0).UTC(),
			Reason: ep.refReason,
		})
	}
}

package demo

import (
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/careweb/careweb/internal/care"
)

// localitySpec is one of the named areas people and services belong to.
// Integration scales how many LINKED_TO lines cross sectors there, so that
// cohort comparisons by locality show a difference that was put there on
// purpose.
type localitySpec struct {
	name        string
	share       float64 // of the population
	integration float64 // 0 (silos) to 1 (integrated neighbourhood teams)
	// midway: the cross-sector links start partway through the period (a
	// multidisciplinary meeting set up during it), so the webs there change.
	midway bool
}

var localities = []localitySpec{
	{"Northgate", 0.20, 0.85, false}, // integrated neighbourhood teams on a shared record
	{"Riverside", 0.19, 0.45, true},  // weekly multidisciplinary meetings began during the period
	{"Millbrook", 0.17, 0.30, false},
	{"Westbrook", 0.16, 0.20, false},
	{"Eastfield", 0.15, 0.10, false},
	{"Southmere", 0.13, 0.05, false}, // services work in silos
}

// neighbourhoodPeople is the population of a neighbourhood: the patch that
// one community nursing team, one social care team and one community
// mental health team serve, with the GP practices inside it.
const neighbourhoodPeople = 6000

// unitKind is a kind of organisation in the landscape.
type unitKind uint8

const (
	uPractice unitKind = iota
	uPharmacy
	uCommunity
	uSocialCare
	uHomeCare
	uMentalHealth
	uDayCentre
	uHousing
	uBefriending
	uConnectors
	uCarersCentre
	uHospital
	uMemory
	uAmbulance
	numUnitKinds
)

type scope uint8

const (
	perNeighbourhood scope = iota
	perLocality
	perRegion
)

type staffSpec struct {
	role     care.Role
	min, max int
	per      int // plus one for every per people the unit serves (0: fixed size)
}

type unitSpec struct {
	sector    care.Sector
	scope     scope
	catchment int // people one unit serves
	staff     []staffSpec
	leave     float64 // share of staff who leave during the period (and are replaced)
	move      float64 // share who move to another unit of the same kind
	degree    float64 // expected LINKED_TO lines from a member to colleagues in the unit
	channel   string
}

var unitSpecs = [numUnitKinds]unitSpec{
	uPractice: {care.SectorPrimaryCare, perNeighbourhood, 600,
		[]staffSpec{{care.RoleGP, 2, 5, 0}, {care.RolePracticeNurse, 1, 3, 0}}, 0.06, 0.03, 2.5, "shared_record"},
	uPharmacy: {care.SectorPrimaryCare, perNeighbourhood, 1500,
		[]staffSpec{{care.RolePharmacist, 1, 2, 0}}, 0.10, 0.05, 1, "shared_record"},
	uCommunity: {care.SectorCommunityHealth, perNeighbourhood, neighbourhoodPeople,
		[]staffSpec{{care.RoleDistrictNurse, 3, 6, 0}, {care.RoleCommunityMatron, 1, 2, 0}, {care.RoleNurseSpecialist, 2, 4, 0},
			{care.RoleOccupationalTherapist, 1, 2, 0}, {care.RolePhysiotherapist, 1, 2, 0}}, 0.10, 0.05, 2, "regular_meeting"},
	uSocialCare: {care.SectorSocialCare, perNeighbourhood, neighbourhoodPeople,
		[]staffSpec{{care.RoleSocialWorker, 3, 6, 0}, {care.RoleOccupationalTherapist, 1, 1, 0}}, 0.12, 0.08, 2, "regular_meeting"},
	uHomeCare: {care.SectorSocialCare, perNeighbourhood, 2000,
		[]staffSpec{{care.RoleHomeCareWorker, 6, 11, 0}}, 0.35, 0.05, 1, "rota"},
	uMentalHealth: {care.SectorMentalHealth, perNeighbourhood, 8000,
		[]staffSpec{{care.RoleMentalHealthNurse, 3, 5, 0}, {care.RolePsychiatrist, 1, 2, 0}, {care.RoleSupportWorker, 1, 2, 0}}, 0.10, 0.05, 2, "regular_meeting"},
	uDayCentre: {care.SectorVoluntary, perLocality, 12000,
		[]staffSpec{{care.RoleSupportWorker, 2, 3, 0}}, 0.15, 0, 1.5, "regular_meeting"},
	uHousing: {care.SectorHousing, perLocality, 20000,
		[]staffSpec{{care.RoleHousingOfficer, 2, 4, 0}}, 0.10, 0.05, 1.5, "regular_meeting"},
	uBefriending: {care.SectorVoluntary, perLocality, 15000,
		[]staffSpec{{care.RoleVolunteer, 4, 9, 0}, {care.RoleSupportWorker, 1, 1, 0}}, 0.20, 0, 1, "regular_meeting"},
	uConnectors: {care.SectorVoluntary, perLocality, 15000,
		[]staffSpec{{care.RoleLinkWorker, 2, 4, 0}}, 0.15, 0.05, 1.5, "regular_meeting"},
	uCarersCentre: {care.SectorVoluntary, perLocality, 20000,
		[]staffSpec{{care.RoleSupportWorker, 2, 3, 0}}, 0.10, 0, 1.5, "regular_meeting"},
	uHospital: {care.SectorSecondaryCare, perRegion, 25000,
		[]staffSpec{{care.RoleConsultant, 3, 4, 2000}, {care.RoleHospitalDoctor, 3, 4, 2000}, {care.RoleWardNurse, 6, 8, 800},
			{care.RolePhysiotherapist, 1, 1, 8000}, {care.RoleOccupationalTherapist, 1, 1, 8000}}, 0.10, 0.03, 2, "shared_record"},
	uMemory: {care.SectorMentalHealth, perRegion, 25000,
		[]staffSpec{{care.RolePsychiatrist, 1, 2, 0}, {care.RoleNurseSpecialist, 2, 3, 0}}, 0.08, 0, 2, "regular_meeting"},
	uAmbulance: {care.SectorOther, perRegion, 250000,
		[]staffSpec{{care.RoleParamedic, 3, 4, 1000}}, 0.10, 0, 1, "shared_record"},
}

// crossRule adds LINKED_TO lines between professionals of two kinds of
// unit in the same neighbourhood (or locality), with probability p times
// the locality's integration: the lines between services that integrated
// areas have and siloed ones lack.
type crossRule struct {
	a       unitKind
	ra      care.Role
	b       unitKind
	rb      care.Role
	p       float64
	channel string
}

var crossRules = []crossRule{
	{uPractice, care.RoleGP, uCommunity, care.RoleDistrictNurse, 0.35, "regular_meeting"},
	{uPractice, care.RolePracticeNurse, uCommunity, care.RoleDistrictNurse, 0.35, "shared_record"},
	{uPractice, care.RoleGP, uCommunity, care.RoleCommunityMatron, 0.6, "regular_meeting"},
	{uPractice, care.RoleGP, uSocialCare, care.RoleSocialWorker, 0.25, "regular_meeting"},
	{uCommunity, care.RoleDistrictNurse, uSocialCare, care.RoleSocialWorker, 0.25, "regular_meeting"},
	{uCommunity, care.RoleCommunityMatron, uSocialCare, care.RoleSocialWorker, 0.5, "regular_meeting"},
	{uSocialCare, care.RoleSocialWorker, uHomeCare, care.RoleHomeCareWorker, 0.08, "named_liaison"},
	{uPractice, care.RoleGP, uMentalHealth, care.RoleMentalHealthNurse, 0.15, "named_liaison"},
	{uPractice, care.RoleGP, uPharmacy, care.RolePharmacist, 0.3, "shared_record"},
	// locality-wide services meet the neighbourhood teams of their locality
	{uConnectors, care.RoleLinkWorker, uPractice, care.RoleGP, 0.3, "regular_meeting"},
	{uHousing, care.RoleHousingOfficer, uSocialCare, care.RoleSocialWorker, 0.2, "named_liaison"},
	{uCarersCentre, care.RoleSupportWorker, uSocialCare, care.RoleSocialWorker, 0.2, "named_liaison"},
}

// orgRule links organisations (not their staff): shared records,
// commissioning meetings, discharge liaison. p is multiplied by the
// locality's integration when scaled is set.
type orgRule struct {
	a, b    unitKind
	p       float64
	scaled  bool
	channel string
}

var orgRules = []orgRule{
	{uPractice, uCommunity, 1, true, "shared_record"},
	{uCommunity, uSocialCare, 1, true, "regular_meeting"},
	{uPractice, uMentalHealth, 0.5, true, "named_liaison"},
	{uSocialCare, uHomeCare, 0.6, false, "regular_meeting"},
	{uConnectors, uPractice, 1, true, "regular_meeting"},
	{uCarersCentre, uSocialCare, 0.5, false, "named_liaison"},
	{uHousing, uSocialCare, 0.3, false, "named_liaison"},
	{uHospital, uCommunity, 0.4, false, "named_liaison"},
	{uHospital, uSocialCare, 0.3, false, "named_liaison"},
	{uMemory, uMentalHealth, 0.6, false, "regular_meeting"},
}

type org struct {
	id       string
	name     string
	kind     unitKind
	locality int
	nb       int // neighbourhood, or -1 for locality and region units
	// continuity is, for a GP practice, the chance that a patient's GP
	// contact is with their usual GP: practices differ, so continuity
	// differs by organisation.
	continuity float64
	staff      []roleStaff
}

type roleStaff struct {
	role care.Role
	pros []int32
}

// stint is a spell of work in one organisation.
type stint struct {
	org      int32
	from, to care.Date
}

type professional struct {
	id, name string
	role     care.Role
	stints   []stint // in time order, not overlapping
}

type neighbourhood struct {
	locality int
	name     string
	units    [numUnitKinds][]int32
}

type locality struct {
	spec  localitySpec
	nbs   []int
	units [numUnitKinds][]int32 // locality-wide units, and the region units serving it
}

// landscape is the service side of the population: organisations in
// localities and neighbourhoods, their staff over time, and the lines
// between them. It is built once, held in memory and shared by every person.
type landscape struct {
	cfg   Config
	orgs  []org
	pros  []professional
	nbs   []neighbourhood
	locs  []locality
	links []care.Relationship // LINKED_TO among professionals and organisations
	// mdtFrom is when the multidisciplinary meetings of "midway" localities began.
	mdtFrom care.Date
	rng     *rand.Rand
	buf     []byte
	counts  [numUnitKinds]int // units of each kind so far, for the name lists
}

// landscapeStream separates the landscape's random stream from the people's.
const landscapeStream = 0x6c616e6473636170

func newLandscape(cfg Config) *landscape {
	l := &landscape{
		cfg:     cfg,
		rng:     rand.New(rand.NewPCG(cfg.Seed, landscapeStream)),
		mdtFrom: cfg.From.AddDays(int(cfg.To-cfg.From) * 2 / 5),
	}
	l.buildUnits()
	l.churn()
	l.assignIDs()
	l.buildLinks()
	return l
}

func roundMin(x float64, min int) int {
	n := int(math.Round(x))
	if n < min {
		return min
	}
	return n
}

func (l *landscape) buildUnits() {
	people := float64(l.cfg.People)
	for li, spec := range localities {
		pop := people * spec.share
		l.locs = append(l.locs, locality{spec: spec})
		nn := roundMin(pop/neighbourhoodPeople, 1)
		for k := 0; k < nn; k++ {
			name := spec.name
			if nn > 1 {
				name += " " + strconv.Itoa(k+1)
			}
			l.locs[li].nbs = append(l.locs[li].nbs, len(l.nbs))
			l.nbs = append(l.nbs, neighbourhood{locality: li, name: name})
		}
		nbPop := pop / float64(nn)
		for _, nb := range l.locs[li].nbs {
			for kind := unitKind(0); kind < numUnitKinds; kind++ {
				us := &unitSpecs[kind]
				if us.scope != perNeighbourhood {
					continue
				}
				n := roundMin(nbPop/float64(us.catchment), 1)
				for k := 0; k < n; k++ {
					o := l.newOrg(kind, li, nb, k, n, nbPop/float64(n))
					l.nbs[nb].units[kind] = append(l.nbs[nb].units[kind], o)
				}
			}
		}
		for kind := unitKind(0); kind < numUnitKinds; kind++ {
			us := &unitSpecs[kind]
			if us.scope != perLocality {
				continue
			}
			n := roundMin(pop/float64(us.catchment), 1)
			for k := 0; k < n; k++ {
				o := l.newOrg(kind, li, -1, k, n, pop/float64(n))
				l.locs[li].units[kind] = append(l.locs[li].units[kind], o)
			}
		}
	}
	// Hospitals (with their memory clinics) each serve one locality when
	// there are enough of them, else localities share them round the ring.
	nh := roundMin(people/float64(unitSpecs[uHospital].catchment), 2)
	for h := 0; h < nh; h++ {
		li := h % len(localities)
		for _, kind := range []unitKind{uHospital, uMemory} {
			o := l.newOrg(kind, li, -1, h/len(localities), (nh+len(localities)-1-li)/len(localities), people/float64(nh))
			l.locs[li].units[kind] = append(l.locs[li].units[kind], o)
		}
	}
	for li := range l.locs {
		if len(l.locs[li].units[uHospital]) == 0 { // fewer hospitals than localities
			h := li % nh
			for _, kind := range []unitKind{uHospital, uMemory} {
				l.locs[li].units[kind] = append(l.locs[li].units[kind], l.locs[h].units[kind][0])
			}
		}
	}
	na := roundMin(people/float64(unitSpecs[uAmbulance].catchment), 1)
	for a := 0; a < na; a++ {
		o := l.newOrg(uAmbulance, -1, -1, a, na, people/float64(na))
		for li := range l.locs {
			if li%na == a || na > len(l.locs) {
				l.locs[li].units[uAmbulance] = append(l.locs[li].units[uAmbulance], o)
			}
		}
	}
}

// newOrg creates the k-th of n units of a kind in a locality (or
// neighbourhood) and its staff lists; serves is its catchment population.
func (l *landscape) newOrg(kind unitKind, li, nb, k, n int, serves float64) int32 {
	idx := int32(len(l.orgs))
	o := org{kind: kind, locality: li, nb: nb, name: l.orgName(kind, li, nb, k, n)}
	l.counts[kind]++
	if kind == uPractice {
		o.continuity = 0.45 + 0.45*l.rng.Float64()
	}
	for _, s := range unitSpecs[kind].staff {
		o.staff = append(o.staff, roleStaff{role: s.role})
	}
	l.orgs = append(l.orgs, o)
	l.staffUnit(idx, serves)
	return idx
}

// orgName names a unit. Practices and pharmacies take street names; teams
// take their neighbourhood's or locality's name; a second unit of a kind
// in the same place is numbered.
func (l *landscape) orgName(kind unitKind, li, nb, k, n int) string {
	count := l.counts[kind]
	place := ""
	if nb >= 0 {
		place = l.nbs[nb].name
	} else if li >= 0 {
		place = localities[li].name
	}
	num := ""
	if n > 1 {
		num = " " + strconv.Itoa(k+1)
	}
	wrap := func(list []string) string {
		if count >= len(list) {
			return " (" + place + num + ")"
		}
		return ""
	}
	switch kind {
	case uPractice:
		// places and suffixes have coprime lengths, so the pairs differ
		// for the first len(places)*len(suffixes) practices.
		s := places[count%len(places)] + " " + practiceSuffixes[count%len(practiceSuffixes)]
		if count >= len(places)*len(practiceSuffixes) {
			s += " (" + place + num + ")"
		}
		return s
	case uPharmacy:
		return places[(count+17)%len(places)] + " Pharmacy" + wrap(places)
	case uCommunity:
		return place + num + " Community Health Team"
	case uSocialCare:
		return place + num + " Adult Social Care Team"
	case uHomeCare:
		return homeCareAgencies[count%len(homeCareAgencies)] + wrap(homeCareAgencies)
	case uMentalHealth:
		return place + num + " Community Mental Health Team"
	case uDayCentre:
		return place + num + " Day Centre"
	case uHousing:
		return place + num + " Housing Options"
	case uBefriending:
		return place + num + " Befriending Scheme"
	case uConnectors:
		return place + num + " Community Connectors"
	case uCarersCentre:
		return place + num + " Carers' Centre"
	case uHospital:
		s := place + " " + hospitalNames[k%len(hospitalNames)]
		if k >= len(hospitalNames) {
			s += " " + strconv.Itoa(k/len(hospitalNames)+1)
		}
		return s
	case uMemory:
		return place + num + " Memory Assessment Service"
	case uAmbulance:
		return "County Ambulance Service" + num
	}
	return "Service " + strconv.Itoa(count+1)
}

// staffUnit hires the unit's staff, each in post since some day up to
// fifteen years before the period.
func (l *landscape) staffUnit(o int32, serves float64) {
	for si, s := range unitSpecs[l.orgs[o].kind].staff {
		n := s.min + l.rng.IntN(s.max-s.min+1)
		if s.per > 0 {
			n += int(serves) / s.per
		}
		for range n {
			start := l.cfg.From.AddDays(-60 - l.rng.IntN(15*365))
			l.hire(o, si, s.role, start)
		}
	}
}

// hire adds a professional of role to o's staff line si from day start.
func (l *landscape) hire(o int32, si int, role care.Role, start care.Date) int32 {
	p := int32(len(l.pros))
	l.pros = append(l.pros, professional{
		name:   l.professionalName(role),
		role:   role,
		stints: []stint{{org: o, from: start, to: care.NoEnd}},
	})
	l.orgs[o].staff[si].pros = append(l.orgs[o].staff[si].pros, p)
	return p
}

func (l *landscape) professionalName(role care.Role) string {
	var first string
	switch l.rng.IntN(4) {
	case 0:
		first = middleWomen[l.rng.IntN(len(middleWomen))]
	case 1:
		first = middleMen[l.rng.IntN(len(middleMen))]
	case 2:
		first = youngWomen[l.rng.IntN(len(youngWomen))]
	default:
		first = youngMen[l.rng.IntN(len(youngMen))]
	}
	name := first + " " + surnames[l.rng.IntN(len(surnames))]
	switch role {
	case care.RoleGP, care.RoleConsultant, care.RoleHospitalDoctor, care.RolePsychiatrist:
		name = "Dr " + name
	}
	return name
}

// churn makes staff leave (replaced after a gap) or move to another unit of
// the same kind during the period: the turnover that breaks relationships
// in people's webs.
func (l *landscape) churn() {
	byKind := make([][]int32, numUnitKinds)
	for i := range l.orgs {
		byKind[l.orgs[i].kind] = append(byKind[l.orgs[i].kind], int32(i))
	}
	staffLine := func(o int32, role care.Role) int {
		for si, rs := range l.orgs[o].staff {
			if rs.role == role {
				return si
			}
		}
		return -1
	}
	n := len(l.pros) // joiners added below do not churn again
	for p := 0; p < n; p++ {
		pr := &l.pros[p]
		o := pr.stints[0].org
		us := &unitSpecs[l.orgs[o].kind]
		r := l.rng.Float64()
		if r >= us.leave+us.move {
			continue
		}
		day := dayIn(l.rng, l.cfg.From.AddDays(15), l.cfg.To.AddDays(-15))
		if r >= us.leave {
			peers := byKind[l.orgs[o].kind]
			if len(peers) < 2 {
				continue
			}
			to := peers[l.rng.IntN(len(peers))]
			if to == o {
				continue
			}
			si := staffLine(to, pr.role)
			if si < 0 {
				continue
			}
			pr.stints[0].to = day
			pr.stints = append(pr.stints, stint{org: to, from: day.AddDays(1 + l.rng.IntN(30)), to: care.NoEnd})
			l.orgs[to].staff[si].pros = append(l.orgs[to].staff[si].pros, int32(p))
		} else {
			pr.stints[0].to = day
		}
		// The post is filled again after a vacancy.
		if start := day.AddDays(7 + l.rng.IntN(60)); start <= l.cfg.To {
			role := pr.role
			l.hire(o, staffLine(o, role), role, start)
		}
	}
}

// assignIDs numbers organisations and professionals in the order they
// were created, padded to the width the largest needs, so that ids sort
// numerically at any scale.
func (l *landscape) assignIDs() {
	w := max(organisationWidth, digits(len(l.orgs)))
	for i := range l.orgs {
		l.buf = appendID(l.buf[:0], organisationPrefix, i+1, w)
		l.orgs[i].id = string(l.buf)
	}
	w = max(professionalWidth, digits(len(l.pros)))
	for i := range l.pros {
		l.buf = appendID(l.buf[:0], professionalPrefix, i+1, w)
		l.pros[i].id = string(l.buf)
	}
}

// stintIn returns p's stint in organisation o that is active on day d.
func (l *landscape) stintIn(p, o int32, d care.Date) (stint, bool) {
	for _, s := range l.pros[p].stints {
		if s.org == o && s.from <= d && d <= s.to {
			return s, true
		}
	}
	return stint{}, false
}

// staff returns o's professionals of role (past, present and future).
func (l *landscape) staff(o int32, role care.Role) []int32 {
	for _, rs := range l.orgs[o].staff {
		if rs.role == role {
			return rs.pros
		}
	}
	return nil
}

// pick returns a professional of role working in o on day d, chosen at
// random, or -1 when the post is vacant that day.
func (l *landscape) pick(rng *rand.Rand, o int32, role care.Role, d care.Date) int32 {
	list := l.staff(o, role)
	if len(list) == 0 {
		return -1
	}
	for range 6 {
		p := list[rng.IntN(len(list))]
		if _, ok := l.stintIn(p, o, d); ok {
			return p
		}
	}
	active := 0
	for _, p := range list {
		if _, ok := l.stintIn(p, o, d); ok {
			active++
		}
	}
	if active == 0 {
		return -1
	}
	k := rng.IntN(active)
	for _, p := range list {
		if _, ok := l.stintIn(p, o, d); ok {
			if k == 0 {
				return p
			}
			k--
		}
	}
	return -1
}

// nextStart returns the first day after d on which someone of role starts
// working in o, or NoEnd.
func (l *landscape) nextStart(o int32, role care.Role, d care.Date) care.Date {
	next := care.NoEnd
	for _, p := range l.staff(o, role) {
		for _, s := range l.pros[p].stints {
			if s.org == o && s.from > d && s.from < next {
				next = s.from
			}
		}
	}
	return next
}

func (l *landscape) relID(t care.RelType, from, to string, start care.Date) string {
	l.buf = appendRelationshipID(l.buf[:0], t, from, to, start)
	return string(l.buf)
}

// overlap returns the days both stints cover.
func overlap(a, b stint) (care.Span, bool) {
	s := care.Span{From: max(a.from, b.from), To: min(a.to, b.to)}
	return s, s.Valid()
}

func (l *landscape) linkPros(a, b int32, span care.Span, channel string) {
	pa, pb := &l.pros[a], &l.pros[b]
	l.links = append(l.links, care.Relationship{
		ID:   l.relID(care.LinkedTo, pa.id, pb.id, span.From),
		Type: care.LinkedTo, From: pa.id, To: pb.id, Span: span, Channel: channel,
	})
}

// buildLinks draws the LINKED_TO lines: colleagues within a unit, then
// professionals across units in the same neighbourhood or locality (scaled
// by the locality's integration), then organisations.
func (l *landscape) buildLinks() {
	var members []int32
	var ms []stint
	for o := range l.orgs {
		us := &unitSpecs[l.orgs[o].kind]
		members, ms = members[:0], ms[:0]
		for _, rs := range l.orgs[o].staff {
			for _, p := range rs.pros {
				for _, s := range l.pros[p].stints {
					if s.org == int32(o) {
						members, ms = append(members, p), append(ms, s)
					}
				}
			}
		}
		if len(members) < 2 {
			continue
		}
		p := us.degree / float64(len(members)-1)
		for i := range members {
			for j := i + 1; j < len(members); j++ {
				if l.rng.Float64() >= p {
					continue
				}
				if span, ok := overlap(ms[i], ms[j]); ok {
					l.linkPros(members[i], members[j], span, us.channel)
				}
			}
		}
	}
	for li := range l.locs {
		loc := &l.locs[li]
		for _, nb := range loc.nbs {
			for _, r := range crossRules {
				as, bs := l.unitsNear(li, nb, r.a), l.unitsNear(li, nb, r.b)
				// A locality-wide rule runs once per locality, on the first
				// neighbourhood's pass, over every neighbourhood's units.
				if unitSpecs[r.a].scope == perLocality {
					if nb != loc.nbs[0] {
						continue
					}
					bs = nil
					for _, nb2 := range loc.nbs {
						bs = append(bs, l.nbs[nb2].units[r.b]...)
					}
				}
				l.crossLink(li, as, bs, r)
			}
		}
	}
	l.orgLinks()
}

// unitsNear returns the units of kind serving neighbourhood nb of locality li.
func (l *landscape) unitsNear(li, nb int, kind unitKind) []int32 {
	if unitSpecs[kind].scope == perNeighbourhood {
		return l.nbs[nb].units[kind]
	}
	return l.locs[li].units[kind]
}

func (l *landscape) crossLink(li int, as, bs []int32, r crossRule) {
	loc := localities[li]
	p := r.p * loc.integration
	for _, oa := range as {
		for _, pa := range l.staff(oa, r.ra) {
			for _, sa := range l.pros[pa].stints {
				if sa.org != oa {
					continue
				}
				for _, ob := range bs {
					for _, pb := range l.staff(ob, r.rb) {
						for _, sb := range l.pros[pb].stints {
							if sb.org != ob || l.rng.Float64() >= p {
								continue
							}
							span, ok := overlap(sa, sb)
							if loc.midway {
								span.From = max(span.From, l.mdtFrom)
								ok = span.Valid()
							}
							if ok {
								l.linkPros(pa, pb, span, r.channel)
							}
						}
					}
				}
			}
		}
	}
}

func (l *landscape) orgLinks() {
	for li := range l.locs {
		loc := &l.locs[li]
		seen := map[[2]int32]bool{} // region units recur across neighbourhoods
		for _, nb := range loc.nbs {
			for _, r := range orgRules {
				p := r.p
				if r.scaled {
					p *= loc.spec.integration
				}
				for _, oa := range l.unitsNear(li, nb, r.a) {
					for _, ob := range l.unitsNear(li, nb, r.b) {
						if seen[[2]int32{oa, ob}] {
							continue
						}
						seen[[2]int32{oa, ob}] = true
						if l.rng.Float64() >= p {
							continue
						}
						from := l.cfg.From.AddDays(-100 - l.rng.IntN(3000))
						if loc.spec.midway && r.scaled {
							from = l.mdtFrom
						}
						a, b := &l.orgs[oa], &l.orgs[ob]
						l.links = append(l.links, care.Relationship{
							ID:   l.relID(care.LinkedTo, a.id, b.id, from),
							Type: care.LinkedTo, From: a.id, To: b.id,
							Span: care.Span{From: from, To: care.NoEnd}, Channel: r.channel,
						})
					}
				}
			}
		}
	}
}

// emit writes the landscape: organisations, professionals, WORKS_IN, LINKED_TO.
func (l *landscape) emit(e *emitter) {
	for i := range l.orgs {
		o := &l.orgs[i]
		n := care.Node{ID: o.id, Kind: care.KindOrganisation, Name: o.name, Sector: unitSpecs[o.kind].sector}
		if o.locality >= 0 {
			n.Locality = localities[o.locality].name
		}
		e.node(n)
	}
	for i := range l.pros {
		p := &l.pros[i]
		e.node(care.Node{ID: p.id, Kind: care.KindProfessional, Name: p.name, Role: p.role})
	}
	for i := range l.pros {
		p := &l.pros[i]
		for _, s := range p.stints {
			o := l.orgs[s.org].id
			e.rel(care.Relationship{
				ID:   l.relID(care.WorksIn, p.id, o, s.from),
				Type: care.WorksIn, From: p.id, To: o, Span: care.Span{From: s.from, To: s.to},
			})
		}
	}
	for _, r := range l.links {
		e.rel(r)
	}
}

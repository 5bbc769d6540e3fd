package fhir

import (
	"fmt"
	"strings"
	"time"

	"github.com/careweb/careweb/internal/care"
)

// What each reference element may point at (FHIR R4's target types) and
// which of those CareWeb maps. A reference to a type outside the first
// list is an error; one to a type in the first list but not the second is
// valid FHIR that CareWeb cannot represent, and is skipped with a count.
var (
	specPatient      = refSpec{allowed: []string{typePatient}, mapped: []string{typePatient}}
	specSubject      = refSpec{allowed: []string{typePatient, "Group"}, mapped: []string{typePatient}}
	specOrganization = refSpec{allowed: []string{typeOrganization}, mapped: []string{typeOrganization}}
	specPractitioner = refSpec{allowed: []string{typePractitioner}, mapped: []string{typePractitioner}}
	specParticipant  = refSpec{
		allowed: []string{typePractitioner, typePractitionerRole, typeRelatedPerson},
		mapped:  []string{typePractitioner, typePractitionerRole}}
	specMember = refSpec{
		allowed: []string{typePractitioner, typePractitionerRole, typeRelatedPerson, typePatient, typeOrganization, typeCareTeam},
		mapped:  []string{typePractitioner, typePractitionerRole}}
	specCareManager = refSpec{
		allowed: []string{typePractitioner, typePractitionerRole},
		mapped:  []string{typePractitioner, typePractitionerRole}}
	specTeam        = refSpec{allowed: []string{typeCareTeam}, mapped: []string{typeCareTeam}}
	specSRSubject   = refSpec{allowed: []string{typePatient, "Group", "Location", "Device"}, mapped: []string{typePatient}}
	specSRRequester = refSpec{
		allowed: []string{typePractitioner, typePractitionerRole, typeOrganization, typePatient, typeRelatedPerson, "Device"},
		mapped:  []string{typePractitioner, typePractitionerRole, typeOrganization}}
	specSRPerformer = refSpec{
		allowed: []string{typePractitioner, typePractitionerRole, typeOrganization, typeCareTeam, "HealthcareService", typePatient, "Device", typeRelatedPerson},
		mapped:  []string{typePractitioner, typePractitionerRole, typeOrganization}}
	specRRAgent = refSpec{
		allowed: []string{typePractitioner, typeOrganization, typePatient, typeRelatedPerson, "Device"},
		mapped:  []string{typePractitioner, typeOrganization}}
	specRRRecipient = refSpec{
		allowed: []string{typePractitioner, typeOrganization, "HealthcareService"},
		mapped:  []string{typePractitioner, typeOrganization}}
)

// The batch lists items are located in (as care.Batch.Validate names them).
const (
	listNodes     = "nodes"
	listRels      = "relationships"
	listContacts  = "contacts"
	listReferrals = "referrals"
)

// mapper turns resources into batches: first the indexed resources
// (nodes, then relationships), then the encounters and requests one at a
// time as the second pass reads them. It hands a batch to emit whenever
// it holds limit items, between resources, so that the import streams.
type mapper struct {
	ix  *index
	ps  *care.Problems
	sum *Summary
	opt Options
	// limit is how many items a batch holds before it is emitted.
	limit int
	emit  func(b care.Batch, locs map[string][]itemLoc) error
	b     care.Batch
	locs  map[string][]itemLoc
	// rels finds a relationship of the batch by id, so that a
	// professional named twice in one care team is one relationship. Every
	// relationship id names the resource it comes from, so a repeat is
	// always in the same batch.
	rels map[string]int
	// roles are the professionals' roles from their PractitionerRoles.
	roles map[string]care.Role
	// roleEnds are each PractitionerRole's resolved practitioner and
	// organisation, resolved once however many references use the role.
	roleEnds map[*resource]roleEnds
	// teams are each CareTeam's professionals, resolved once.
	teams map[*resource]teamMembers
	// paths are the item-field → element maps items share (see shared).
	paths map[string]map[string]string
}

type roleEnds struct {
	pract, org     target
	practSt, orgSt refState
}

// member is one professional of a care team or episode of care.
type member struct {
	prof  target
	span  care.Span
	role  string
	coord bool
	path  string // the element that named the professional
	when  string // the period the span came from
	own   bool   // the span is the participant's own period
}

type teamMembers struct {
	members []member
	ok      bool
}

func newMapper(ix *index, ps *care.Problems, sum *Summary, opt Options, limit int,
	emit func(care.Batch, map[string][]itemLoc) error) *mapper {
	return &mapper{ix: ix, ps: ps, sum: sum, opt: opt, limit: limit, emit: emit,
		locs: map[string][]itemLoc{}, rels: map[string]int{},
		roles: map[string]care.Role{}, roleEnds: map[*resource]roleEnds{}, teams: map[*resource]teamMembers{},
		paths: map[string]map[string]string{}}
}

// indexed maps the resources of the index: every node before any
// relationship, so that a batch never refers to a node of a later one.
// A professional takes the role of its PractitionerRole, which may come
// later in the import, so the roles are resolved first. Once mapped, the
// resources' elements are dropped: the second pass needs only their
// identities and the resolved roles and teams.
func (m *mapper) indexed() error {
	for _, r := range m.ix.list {
		if r.typ == typePractitionerRole {
			m.ends(r)
		}
	}
	for _, r := range m.ix.list {
		switch v := r.body.(type) {
		case *patient:
			m.node(r, care.Node{Kind: care.KindPerson, Name: nameOf(v.Name), Locality: localityOf(v.Address)})
		case *relatedPerson:
			m.node(r, care.Node{Kind: care.KindCarer, Name: nameOf(v.Name)})
		case *practitioner:
			role, ok := m.roles[r.key()]
			if !ok {
				role = roleOf(qualifications(v))
			}
			m.node(r, care.Node{Kind: care.KindProfessional, Name: nameOf(v.Name), Role: role})
		case *organization:
			m.organization(r, v)
		default:
			continue
		}
		if err := m.flushIfFull(); err != nil {
			return err
		}
	}
	for _, r := range m.ix.list {
		switch v := r.body.(type) {
		case *relatedPerson:
			m.caresFor(r, v)
		case *practitionerRole:
			m.worksIn(r, v)
		case *careTeam:
			m.careTeam(r, v)
		case *episodeOfCare:
			m.episodeOfCare(r, v)
		default:
			continue
		}
		if err := m.flushIfFull(); err != nil {
			return err
		}
	}
	for _, r := range m.ix.list {
		r.body, r.ident = nil, nil
	}
	return nil
}

// event maps an encounter or request read by the second pass.
func (m *mapper) event(r *resource) error {
	switch v := r.body.(type) {
	case *encounter:
		m.encounter(r, v)
	case *serviceRequest:
		m.serviceRequest(r, v)
	case *referralRequest:
		m.referralRequest(r, v)
	}
	return m.flushIfFull()
}

func (m *mapper) flushIfFull() error {
	if m.b.Size() < m.limit {
		return nil
	}
	return m.flush()
}

// flush emits the batch, if it holds anything, and starts the next.
func (m *mapper) flush() error {
	if m.b.Empty() {
		return nil
	}
	b, locs := m.b, m.locs
	m.b, m.locs = care.Batch{}, map[string][]itemLoc{}
	clear(m.rels)
	return m.emit(b, locs)
}

func (m *mapper) loc(list string, r *resource, paths map[string]string) {
	m.locs[list] = append(m.locs[list], itemLoc{at: r.at, paths: paths})
}

// shared returns the paths map made by mk for key, making it once: items
// mapped alike share one map, so a million contacts do not hold a million.
// A field a map leaves out (such as "id") is located at the element of
// the same name (see Locate).
func (m *mapper) shared(key string, mk func() map[string]string) map[string]string {
	if p, ok := m.paths[key]; ok {
		return p
	}
	p := mk()
	m.paths[key] = p
	return p
}

var nodePaths = map[string]string{"kind": "resourceType", "locality": "address"}

// node adds r as a node. FHIR makes names optional and CareWeb requires
// one, so a nameless resource is named by its reference.
func (m *mapper) node(r *resource, n care.Node) {
	n.ID = r.key()
	if strings.TrimSpace(n.Name) == "" {
		n.Name = r.key()
	}
	m.b.Nodes = append(m.b.Nodes, n)
	m.loc(listNodes, r, nodePaths)
}

// rel adds a relationship, or widens the one already added with its id.
func (m *mapper) rel(r *resource, x care.Relationship, paths map[string]string) {
	if i, ok := m.rels[x.ID]; ok {
		y := &m.b.Relationships[i]
		y.Span.From = min(y.Span.From, x.Span.From)
		y.Span.To = max(y.Span.To, x.Span.To)
		y.Coordinator = y.Coordinator || x.Coordinator
		if y.Role == "" {
			y.Role = x.Role
		}
		return
	}
	m.rels[x.ID] = len(m.b.Relationships)
	m.b.Relationships = append(m.b.Relationships, x)
	m.loc(listRels, r, paths)
}

// span reads a Period; ok is false when a date in it is bad (reported).
func (m *mapper) span(p *period, w where) (care.Span, bool) {
	s := care.Always
	if p == nil {
		return s, true
	}
	ok := true
	if p.Start != "" {
		t, _, err := parseDateTime(p.Start)
		if err != nil {
			m.ps.Add(w.sub("start").String(), p.Start, "%v", err)
			ok = false
		} else {
			s.From = care.DateOf(t)
		}
	}
	if p.End != "" {
		t, prec, err := parseDateTime(p.End)
		if err != nil {
			m.ps.Add(w.sub("end").String(), p.End, "%v", err)
			ok = false
		} else {
			s.To = lastDay(t, prec)
		}
	}
	return s, ok
}

// instant reads a dateTime that an event needs; ok is false when it is
// bad (reported); a zero time with ok means it is absent.
func (m *mapper) instant(s string, w where) (time.Time, bool) {
	if s == "" {
		return time.Time{}, true
	}
	t, _, err := parseDateTime(s)
	if err != nil {
		m.ps.Add(w.String(), s, "%v", err)
		return time.Time{}, false
	}
	return t, true
}

// professional is the practitioner a Practitioner or PractitionerRole
// target stands for.
func (m *mapper) professional(t target) (target, bool) {
	if t.typ != typePractitionerRole {
		return t, true
	}
	e := m.ends(t.r)
	return e.pract, e.practSt == refOK
}

// endpoint is the node a referral end stands for: a practitioner or an
// organisation; a PractitionerRole stands for its practitioner, or
// without one its organisation.
func (m *mapper) endpoint(t target) (target, bool) {
	if t.typ != typePractitionerRole {
		return t, true
	}
	e := m.ends(t.r)
	if e.practSt == refOK {
		return e.pract, true
	}
	return e.org, e.orgSt == refOK
}

// skipped records something left out, and why.
func (m *mapper) skipped(r *resource, reason string) { m.sum.skip(reason, r.at) }

// voided reports (and counts) a resource whose status says it should not
// be imported: recorded in error, or not (yet) happened.
func (m *mapper) voided(r *resource, status string, statuses ...string) bool {
	for _, s := range statuses {
		if status == s {
			m.skipped(r, fmt.Sprintf("%s with status %s: not imported", r.typ, status))
			return true
		}
	}
	return false
}

// ends resolves a PractitionerRole's practitioner and organisation, once
// however many references use the role, and notes the practitioner's role.
func (m *mapper) ends(r *resource) roleEnds {
	if e, done := m.roleEnds[r]; done {
		return e
	}
	pr := r.body.(*practitionerRole)
	var e roleEnds
	e.pract, e.practSt = m.resolve(pr.Practitioner, where{r.at, "practitioner"}, specPractitioner)
	e.org, e.orgSt = m.resolve(pr.Organization, where{r.at, "organization"}, specOrganization)
	m.roleEnds[r] = e
	role := roleOf(pr.Code, pr.Specialty)
	if e.practSt != refOK || role == care.RoleOther {
		return e
	}
	if e.pract.r == nil {
		m.skipped(r, "PractitionerRole whose Practitioner is not in this import: its role is not set")
		return e
	}
	// A practitioner with several roles takes the first one CareWeb
	// recognises, in the order the roles are met.
	if _, set := m.roles[e.pract.key()]; !set {
		m.roles[e.pract.key()] = role
	}
	return e
}

// worksIn maps a PractitionerRole with an organisation to WORKS_IN.
func (m *mapper) worksIn(r *resource, pr *practitionerRole) {
	e := m.ends(r)
	span, ok := m.span(pr.Period, where{r.at, "period"})
	if !ok || e.practSt == refBad || e.orgSt == refBad {
		return
	}
	switch {
	case e.practSt == refAbsent:
		m.skipped(r, "PractitionerRole without a practitioner: no WORKS_IN")
	case e.orgSt == refAbsent:
		m.skipped(r, "PractitionerRole without an organization: no WORKS_IN")
	default:
		m.rel(r, care.Relationship{ID: "WORKS_IN:" + r.key(), Type: care.WorksIn, From: e.pract.key(), To: e.org.key(), Span: span},
			m.shared("WORKS_IN", func() map[string]string {
				return map[string]string{"from": "practitioner", "to": "organization", "type": "practitioner", "end": "period.end"}
			}))
	}
}

func (m *mapper) organization(r *resource, o *organization) {
	sector, ok := m.opt.Sectors.lookup(r)
	if !ok {
		sector, ok = sectorOf(o.Type)
	}
	if !ok {
		sector = care.SectorOther
	}
	m.node(r, care.Node{Kind: care.KindOrganisation, Name: strings.TrimSpace(o.Name), Sector: sector})
}

// caresFor maps a RelatedPerson (a carer, mapped as a node) to CARES_FOR
// its patient.
func (m *mapper) caresFor(r *resource, rp *relatedPerson) {
	pt, st := m.resolve(rp.Patient, where{r.at, "patient"}, specPatient)
	span, ok := m.span(rp.Period, where{r.at, "period"})
	if st == refAbsent {
		m.ps.Add(r.at+".patient", "", "a RelatedPerson must name its patient (FHIR requires it): the carer cares for that person")
	}
	if st != refOK || !ok {
		return
	}
	m.rel(r, care.Relationship{ID: "CARES_FOR:" + r.key(), Type: care.CaresFor, From: r.key(), To: pt.key(), Span: span,
		Relation: relationOf(rp.Relationship)},
		m.shared("CARES_FOR", func() map[string]string {
			return map[string]string{"from": "id", "to": "patient", "type": "patient", "end": "period.end", "relationship": "relationship"}
		}))
}

// encounter maps an Encounter to a contact. Its practitioner is the
// participant marked as primary performer (PPRF), else the first
// participant who is a practitioner; one encounter is one contact,
// however many professionals took part.
func (m *mapper) encounter(r *resource, e *encounter) {
	if m.voided(r, e.Status, "planned", "cancelled", "entered-in-error") {
		return
	}
	subj, sst := m.resolve(e.Subject, where{r.at, "subject"}, specSubject)
	bad := sst == refBad
	var prof, roleOrg target
	chosen, primary := -1, false
	for i, p := range e.Participant {
		t, st := m.resolve(p.Individual, where{r.at, fmt.Sprintf("participant[%d].individual", i)}, specParticipant)
		if st == refBad {
			bad = true
		}
		if st != refOK {
			continue
		}
		pt, ok := m.professional(t)
		if !ok {
			continue
		}
		if pp := isPrimaryPerformer(p.Type); chosen < 0 || pp && !primary {
			chosen, primary, prof = i, pp, pt
			roleOrg = target{}
			if t.typ == typePractitionerRole {
				if e := m.ends(t.r); e.orgSt == refOK {
					roleOrg = e.org
				}
			}
		}
	}
	org, ost := m.resolve(e.ServiceProvider, where{r.at, "serviceProvider"}, specOrganization)
	bad = bad || ost == refBad
	var start string
	if e.Period != nil {
		start = e.Period.Start
	}
	at, ok := m.instant(start, where{r.at, "period.start"})
	if bad || !ok {
		return
	}
	switch {
	case sst == refAbsent:
		m.skipped(r, "Encounter without a subject: no contact")
		return
	case sst == refUnmapped:
		m.skipped(r, "Encounter whose subject is a Group, not a Patient: no contact")
		return
	case chosen < 0:
		m.skipped(r, "Encounter without a practitioner participant: no contact")
		return
	case at.IsZero():
		m.skipped(r, "Encounter without period.start: no contact")
		return
	}
	mode, setting := modeAndSetting(e.Class, e.Type)
	c := care.Contact{ID: r.key(), Person: subj.key(), Professional: prof.key(), At: at, Mode: mode, Setting: setting}
	participant := fmt.Sprintf("participant[%d].individual", chosen)
	orgPath := ""
	switch {
	case ost == refOK:
		c.Organisation, orgPath = org.key(), "serviceProvider"
	case roleOrg.typ != "":
		c.Organisation, orgPath = roleOrg.key(), participant
	}
	paths := m.shared("contact|"+participant+"|"+orgPath, func() map[string]string {
		return map[string]string{"person": "subject", "professional": participant, "organisation": orgPath,
			"at": "period.start", "mode": "class", "setting": "class"}
	})
	m.b.Contacts = append(m.b.Contacts, c)
	m.loc(listContacts, r, paths)
}

// team resolves a CareTeam's professionals once.
func (m *mapper) team(r *resource) teamMembers {
	if tm, done := m.teams[r]; done {
		return tm
	}
	ct := r.body.(*careTeam)
	teamSpan, ok := m.span(ct.Period, where{r.at, "period"})
	tm := teamMembers{ok: ok}
	for i, p := range ct.Participant {
		path := fmt.Sprintf("participant[%d]", i)
		t, st := m.resolve(p.Member, where{r.at, path + ".member"}, specMember)
		if st == refBad {
			tm.ok = false
		}
		mem := member{span: teamSpan, when: "period", role: conceptText(p.Role), coord: isCoordinator(p.Role), path: path + ".member"}
		if p.Period != nil {
			s, ok := m.span(p.Period, where{r.at, path + ".period"})
			tm.ok = tm.ok && ok
			mem.span, mem.when, mem.own = s, path+".period", true
		}
		if st != refOK {
			continue
		}
		if mem.prof, ok = m.professional(t); !ok {
			m.skipped(r, "care team member that is a PractitionerRole without a practitioner: no INVOLVED_IN")
			continue
		}
		tm.members = append(tm.members, mem)
	}
	m.teams[r] = tm
	return tm
}

// careTeam maps a CareTeam about a patient to INVOLVED_IN for each
// practitioner in it.
func (m *mapper) careTeam(r *resource, ct *careTeam) {
	if m.voided(r, ct.Status, "entered-in-error") {
		return
	}
	tm := m.team(r)
	subj, st := m.resolve(ct.Subject, where{r.at, "subject"}, specSubject)
	if st == refBad || !tm.ok {
		return
	}
	switch {
	case st == refAbsent:
		m.skipped(r, "CareTeam without a subject: no INVOLVED_IN of its own")
		return
	case st == refUnmapped:
		m.skipped(r, "CareTeam whose subject is a Group, not a Patient: no INVOLVED_IN of its own")
		return
	case len(tm.members) == 0:
		m.skipped(r, "CareTeam without a practitioner participant: no INVOLVED_IN")
		return
	}
	for _, mem := range tm.members {
		m.involved(r, subj, "subject", mem)
	}
}

// episodeOfCare maps an EpisodeOfCare to INVOLVED_IN for its care manager
// (the named coordinator) and for the practitioners of its care teams,
// over the episode's period unless a participant has its own.
func (m *mapper) episodeOfCare(r *resource, e *episodeOfCare) {
	if m.voided(r, e.Status, "entered-in-error") {
		return
	}
	pt, pst := m.resolve(e.Patient, where{r.at, "patient"}, specPatient)
	if pst == refAbsent {
		m.ps.Add(r.at+".patient", "", "an EpisodeOfCare must name its patient (FHIR requires it)")
	}
	span, ok := m.span(e.Period, where{r.at, "period"})
	bad := pst != refOK || !ok
	var mems []member
	cm, cst := m.resolve(e.CareManager, where{r.at, "careManager"}, specCareManager)
	bad = bad || cst == refBad
	if cst == refOK {
		if prof, ok := m.professional(cm); ok {
			mems = append(mems, member{prof: prof, span: span, role: "care manager", coord: true, path: "careManager", when: "period"})
		} else {
			m.skipped(r, "EpisodeOfCare whose careManager is a PractitionerRole without a practitioner: no coordinator")
		}
	}
	for i := range e.Team {
		path := fmt.Sprintf("team[%d]", i)
		t, st := m.resolve(&e.Team[i], where{r.at, path}, specTeam)
		if st != refOK {
			bad = bad || st == refBad
			continue
		}
		tm := m.team(t.r)
		bad = bad || !tm.ok
		for _, mem := range tm.members {
			if !mem.own {
				mem.span, mem.when = span, "period"
			}
			mem.path = path
			mems = append(mems, mem)
		}
	}
	if bad {
		return
	}
	if len(mems) == 0 {
		m.skipped(r, "EpisodeOfCare without a care manager or care-team practitioner: no INVOLVED_IN")
		return
	}
	for _, mem := range mems {
		m.involved(r, pt, "patient", mem)
	}
}

// involved adds INVOLVED_IN from a member to a person, identified by the
// resource that says so and the professional, so that the same
// professional in two teams is two relationships and re-importing
// updates each.
func (m *mapper) involved(r *resource, person target, personPath string, mem member) {
	m.rel(r, care.Relationship{ID: "INVOLVED_IN:" + r.key() + ":" + mem.prof.key(), Type: care.InvolvedIn,
		From: mem.prof.key(), To: person.key(), Span: mem.span, Role: mem.role, Coordinator: mem.coord},
		m.shared("INVOLVED_IN|"+mem.path+"|"+personPath+"|"+mem.when, func() map[string]string {
			return map[string]string{"from": mem.path, "to": personPath, "type": mem.path, "end": mem.when + ".end", "role": mem.path}
		}))
}

// referralIn is what a ServiceRequest or ReferralRequest says about a
// referral.
type referralIn struct {
	status     string
	subject    *reference
	subjSpec   refSpec
	requester  *reference
	reqPath    string
	reqSpec    refSpec
	performers []reference
	perfPath   string
	perfSpec   refSpec
	authoredOn string
	reason     []codeableConcept
}

func (m *mapper) serviceRequest(r *resource, sr *serviceRequest) {
	m.referral(r, referralIn{status: sr.Status, subject: sr.Subject, subjSpec: specSRSubject,
		requester: sr.Requester, reqPath: "requester", reqSpec: specSRRequester,
		performers: sr.Performer, perfPath: "performer", perfSpec: specSRPerformer,
		authoredOn: sr.AuthoredOn, reason: sr.ReasonCode})
}

func (m *mapper) referralRequest(r *resource, rr *referralRequest) {
	var agent *reference
	if rr.Requester != nil {
		agent = rr.Requester.Agent
	}
	m.referral(r, referralIn{status: rr.Status, subject: rr.Subject, subjSpec: specSubject,
		requester: agent, reqPath: "requester.agent", reqSpec: specRRAgent,
		performers: rr.Recipient, perfPath: "recipient", perfSpec: specRRRecipient,
		authoredOn: rr.AuthoredOn, reason: rr.ReasonCode})
}

// referral maps a request for a service from someone else to a referral:
// requester → from, the first performer CareWeb models → to.
func (m *mapper) referral(r *resource, in referralIn) {
	if m.voided(r, in.status, "draft", "entered-in-error") {
		return
	}
	subj, sst := m.resolve(in.subject, where{r.at, "subject"}, in.subjSpec)
	if sst == refAbsent {
		m.ps.Add(r.at+".subject", "", "a %s must name its subject (FHIR requires it)", r.typ)
	}
	req, rst := m.resolve(in.requester, where{r.at, in.reqPath}, in.reqSpec)
	bad := sst == refBad || sst == refAbsent || rst == refBad
	var perf target
	pst, perfPath := refAbsent, ""
	for i := range in.performers {
		path := fmt.Sprintf("%s[%d]", in.perfPath, i)
		t, st := m.resolve(&in.performers[i], where{r.at, path}, in.perfSpec)
		switch {
		case st == refBad:
			bad = true
		case st == refOK && pst != refOK:
			perf, pst, perfPath = t, refOK, path
		case st == refUnmapped && pst == refAbsent:
			pst = refUnmapped
		}
	}
	at, ok := m.instant(in.authoredOn, where{r.at, "authoredOn"})
	if bad || !ok {
		return
	}
	var from, to target
	var fromOK, toOK bool
	if rst == refOK {
		from, fromOK = m.endpoint(req)
	}
	if pst == refOK {
		to, toOK = m.endpoint(perf)
	}
	switch {
	case sst == refUnmapped:
		m.skipped(r, r.typ+" whose subject is not a Patient: no referral")
	case rst == refAbsent:
		m.skipped(r, r.typ+" without a requester: no referral")
	case rst == refUnmapped || !fromOK:
		m.skipped(r, r.typ+" whose requester is not a practitioner or organisation: no referral")
	case pst == refAbsent:
		m.skipped(r, r.typ+" without a performer (an order, not a referral): no referral")
	case pst == refUnmapped || !toOK:
		m.skipped(r, r.typ+" whose performer is not a practitioner or organisation: no referral")
	case at.IsZero():
		m.skipped(r, r.typ+" without authoredOn: no referral")
	default:
		m.b.Referrals = append(m.b.Referrals, care.Referral{ID: r.key(), Person: subj.key(), From: from.key(), To: to.key(),
			At: at, Reason: reasonText(in.reason)})
		m.loc(listReferrals, r, m.shared("referral|"+in.reqPath+"|"+perfPath, func() map[string]string {
			return map[string]string{"person": "subject", "from": in.reqPath, "to": perfPath, "at": "authoredOn", "reason": "reasonCode"}
		}))
	}
}

// nameOf writes a HumanName as given names then family name, choosing the
// official name, else the usual one, else the first that is not old.
func nameOf(names []humanName) string {
	rank := func(use string) int {
		switch use {
		case "official":
			return 0
		case "usual":
			return 1
		case "old", "maiden":
			return 3
		}
		return 2
	}
	best := -1
	for i, n := range names {
		if best < 0 || rank(n.Use) < rank(names[best].Use) {
			best = i
		}
	}
	if best < 0 {
		return ""
	}
	n := names[best]
	parts := append(append([]string{}, n.Given...), n.Family)
	s := strings.Join(strings.Fields(strings.Join(parts, " ")), " ")
	if s == "" {
		s = strings.TrimSpace(n.Text)
	}
	return s
}

// localityOf is the district (else the city) of the home address, else of
// the first address that is not old: an area to form cohorts by.
func localityOf(addrs []address) string {
	best := -1
	for i, a := range addrs {
		if a.Use == "old" {
			continue
		}
		if best < 0 || a.Use == "home" && addrs[best].Use != "home" {
			best = i
		}
	}
	if best < 0 {
		return ""
	}
	if d := strings.TrimSpace(addrs[best].District); d != "" {
		return d
	}
	return strings.TrimSpace(addrs[best].City)
}

func qualifications(p *practitioner) []codeableConcept {
	var out []codeableConcept
	for _, q := range p.Qualification {
		out = append(out, q.Code)
	}
	return out
}

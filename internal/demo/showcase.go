package demo

import (
	"strings"
	"time"

	"github.com/careweb/careweb/internal/care"
)

// Showcase ids: the people at the centre of the four hand-shaped webs and
// their carers. Everything else in the showcase has an id starting with
// "org-" (organisations), "pro-" (professionals), "k-<name>-" (contacts) or
// "r-<name>-" (referrals), none of which the generated population uses.
const (
	// ShowcaseArthur has Alzheimer's disease and lives at home with his
	// wife: the fragmented web, 23 professionals in 10 organisations with
	// few lines between them; his wife is the bridge.
	ShowcaseArthur = "p-arthur"
	// ShowcaseMargaret is Arthur's wife and main carer (consent given).
	ShowcaseMargaret = "c-margaret"
	// ShowcaseSusan is Arthur's daughter, who lives away (consent given).
	ShowcaseSusan = "c-susan"

	// ShowcaseDoreen has COPD, diabetes and depression and lives alone; no
	// named coordinator, and her GP retires during the period.
	ShowcaseDoreen = "p-doreen"
	// ShowcaseMichael is Doreen's son (consent given).
	ShowcaseMichael = "c-michael"
	// ShowcasePat is Doreen's neighbour: the one carer in the showcase
	// WITHOUT consent (CARES_FOR.Consent false, and her consent record
	// withdrawn in 2025), for authorisation tests: Pat cares for Doreen but
	// may not see her web.
	ShowcasePat = "c-pat"

	// ShowcaseGeorge is frail, with a well-coordinated web: a community
	// matron named as coordinator throughout, a shared record and many
	// LINKED_TO lines. The contrast case.
	ShowcaseGeorge = "p-george"
	// ShowcaseRuth is George's daughter (consent given).
	ShowcaseRuth = "c-ruth"

	// ShowcaseLiam is a young man with a learning disability and a first
	// episode of psychosis: social care, mental health and housing.
	ShowcaseLiam = "p-liam"
	// ShowcaseDonna is Liam's mother (consent given; caring since before
	// records began, so her CARES_FOR has an open start).
	ShowcaseDonna = "c-donna"
)

// Showcase returns the four hand-shaped webs of care as one normalised
// batch (Generate writes it first). It is fixed: the same on every call,
// whatever the seed, dated within the default period (November 2024 to
// October 2026), and valid on an empty store.
//
// Named coordinators (INVOLVED_IN.Coordinator):
//   - Arthur: social worker pro-yusuf-ahmed from 2025-07-02 to 2026-01-30
//     (he then moves to another team: WORKS_IN changes), a two-week gap,
//     then pro-rachel-jones from 2026-02-16.
//   - Doreen: none.
//   - George: community matron pro-beverley-shaw throughout.
//   - Liam: early-intervention care coordinator pro-sam-osei from 2024-12-02.
//
// Some shapes are there to be found: Arthur's home-care workers come and
// go (staff churn); his handoffs mostly go to professionals with no line to
// the one before; some contacts leave Organisation empty, so the
// professional's WORKS_IN on the day decides it — pro-yusuf-ahmed's
// contacts with Arthur resolve to Eastfield and his later ones with Liam to
// Westbrook. St Luke's Hospital, Dr Morgan and nurse Li Chen appear in more
// than one web.
func Showcase() care.Batch {
	s := &showcase{}
	s.shared()
	s.arthur()
	s.doreen()
	s.george()
	s.liam()
	b := s.b
	b.Normalise()
	return b
}

const open = care.NoEnd

func d(y, m, day int) care.Date { return care.MakeDate(y, time.Month(m), day) }

type showcase struct{ b care.Batch }

func (s *showcase) node(id string, kind care.Kind, name, locality string) {
	s.b.Nodes = append(s.b.Nodes, care.Node{ID: id, Kind: kind, Name: name, Locality: locality})
}

func (s *showcase) org(id, name string, sector care.Sector, locality string) {
	s.b.Nodes = append(s.b.Nodes, care.Node{ID: id, Kind: care.KindOrganisation, Name: name, Sector: sector, Locality: locality})
}

// pro adds a professional working in org from the day given (and to, if
// they leave).
func (s *showcase) pro(id, name string, role care.Role, org string, from, to care.Date) {
	s.b.Nodes = append(s.b.Nodes, care.Node{ID: id, Kind: care.KindProfessional, Name: name, Role: role})
	s.works(id, org, from, to)
}

func (s *showcase) works(pro, org string, from, to care.Date) {
	s.rel(care.Relationship{Type: care.WorksIn, From: pro, To: org, Span: care.Span{From: from, To: to}})
}

func (s *showcase) link(a, b, channel string, from, to care.Date) {
	s.rel(care.Relationship{Type: care.LinkedTo, From: a, To: b, Span: care.Span{From: from, To: to}, Channel: channel})
}

func (s *showcase) rel(r care.Relationship) {
	r.ID = care.RelationshipID(r.Type, r.From, r.To, r.Span.From)
	s.b.Relationships = append(s.b.Relationships, r)
}

// web adds the writes about one person.
type web struct {
	s      *showcase
	person string
	short  string // for contact and referral ids
	nk, nr int
	buf    []byte
}

func (s *showcase) web(person, short, name, locality string) *web {
	s.node(person, care.KindPerson, name, locality)
	return &web{s: s, person: person, short: short}
}

func (w *web) carer(id, name, locality, relation string, consent bool, from, to care.Date) {
	w.s.node(id, care.KindCarer, name, locality)
	w.s.rel(care.Relationship{Type: care.CaresFor, From: id, To: w.person, Span: care.Span{From: from, To: to},
		Relation: relation, Consent: consent})
}

// consent records a decision about carer seeing the web, recorded at
// noon UTC on the day it starts to apply.
func (w *web) consent(carer string, basis care.Basis, decision care.Decision, from care.Date, by string) {
	w.s.b.Consents = append(w.s.b.Consents, care.Consent{
		ID: "consent-" + w.short + "-" + strings.TrimPrefix(carer, "c-") + "-" + from.String(), Person: w.person, Grantee: carer,
		Basis: basis, Decision: decision, Span: care.Span{From: from, To: open},
		RecordedAt: from.Time().Add(12 * time.Hour), RecordedBy: by,
	})
}

func (w *web) involved(pro, role string, from, to care.Date) {
	w.s.rel(care.Relationship{Type: care.InvolvedIn, From: pro, To: w.person, Span: care.Span{From: from, To: to}, Role: role})
}

func (w *web) coordinator(pro, role string, from, to care.Date) {
	w.s.rel(care.Relationship{Type: care.InvolvedIn, From: pro, To: w.person, Span: care.Span{From: from, To: to}, Role: role, Coordinator: true})
}

// contact records an encounter at hh:mm; org may be empty. Home visits
// happen at home and calls remotely; setting applies to face-to-face ones.
func (w *web) contact(pro, org string, day care.Date, hh, mm int, mode care.Mode, setting string) {
	switch mode {
	case care.ModeHomeVisit:
		setting = "home"
	case care.ModePhone, care.ModeVideo:
		setting = "remote"
	}
	w.nk++
	w.buf = appendID(append(w.buf[:0], "k-"+w.short+"-"...), "", w.nk, 3)
	w.s.b.Contacts = append(w.s.b.Contacts, care.Contact{
		ID: string(w.buf), Person: w.person, Professional: pro, Organisation: org,
		At:   day.Time().Add(time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute),
		Mode: mode, Setting: setting,
	})
}

// series records contacts every few days from from to to (inclusive),
// cycling through modes.
func (w *web) series(pro, org string, from, to care.Date, every, hh, mm int, modes []care.Mode, setting string) {
	for i, day := 0, from; day <= to; i, day = i+1, day.AddDays(every) {
		w.contact(pro, org, day, hh, mm, modes[i%len(modes)], setting)
	}
}

func (w *web) referral(from, to string, day care.Date, hh int, reason string) {
	w.nr++
	w.buf = appendID(append(w.buf[:0], "r-"+w.short+"-"...), "", w.nr, 2)
	w.s.b.Referrals = append(w.s.b.Referrals, care.Referral{
		ID: string(w.buf), Person: w.person, From: from, To: to,
		At: day.Time().Add(time.Duration(hh) * time.Hour), Reason: reason,
	})
}

var (
	f2f   = []care.Mode{care.ModeFaceToFace}
	home  = []care.Mode{care.ModeHomeVisit}
	phone = []care.Mode{care.ModePhone}
)

const (
	ff = care.ModeFaceToFace
	hv = care.ModeHomeVisit
	ph = care.ModePhone
	vc = care.ModeVideo
)

// shared adds the services that appear in more than one web.
func (s *showcase) shared() {
	s.org("org-st-lukes", "St Luke's Hospital", care.SectorSecondaryCare, "Eastfield")
	s.org("org-eastfield-asc", "Eastfield Adult Social Care", care.SectorSocialCare, "Eastfield")
	s.org("org-westbrook-asc", "Westbrook Adult Social Care", care.SectorSocialCare, "Westbrook")
	s.pro("pro-richard-morgan", "Dr Richard Morgan", care.RoleConsultant, "org-st-lukes", d(2010, 9, 1), open) // geriatrician
	s.pro("pro-li-chen", "Li Chen", care.RoleWardNurse, "org-st-lukes", d(2018, 3, 5), open)
	// Yusuf Ahmed moves from Eastfield to Westbrook during the period.
	s.pro("pro-yusuf-ahmed", "Yusuf Ahmed", care.RoleSocialWorker, "org-eastfield-asc", d(2018, 3, 1), d(2026, 1, 30))
	s.works("pro-yusuf-ahmed", "org-westbrook-asc", d(2026, 2, 2), open)
}

// arthur is the web of care National Voices' Alzheimer's example looks
// like: many services, few lines between them, the carer joining them up.
func (s *showcase) arthur() {
	w := s.web(ShowcaseArthur, "arthur", "Arthur Bennett", "Eastfield")
	w.carer(ShowcaseMargaret, "Margaret Bennett", "Eastfield", "wife", true, d(2023, 6, 1), open)
	w.carer(ShowcaseSusan, "Susan Clarke", "", "daughter (lives in Leeds)", true, d(2024, 1, 1), open)
	// Arthur agreed to both while he could; Margaret later registered a
	// lasting power of attorney for health and welfare.
	w.consent(ShowcaseMargaret, care.BasisConsent, care.Permit, d(2023, 6, 1), ShowcaseArthur)
	w.consent(ShowcaseMargaret, care.BasisLPA, care.Permit, d(2025, 3, 20), ShowcaseMargaret)
	w.consent(ShowcaseSusan, care.BasisConsent, care.Permit, d(2024, 1, 1), ShowcaseArthur)

	s.org("org-elms-practice", "The Elms Medical Practice", care.SectorPrimaryCare, "Eastfield")
	s.org("org-high-street-pharmacy", "High Street Pharmacy", care.SectorPrimaryCare, "Eastfield")
	s.org("org-eastfield-nursing", "Eastfield District Nursing Team", care.SectorCommunityHealth, "Eastfield")
	s.org("org-eastfield-memory", "Eastfield Memory Assessment Service", care.SectorMentalHealth, "Eastfield")
	s.org("org-eastshire-ambulance", "Eastshire Ambulance Service", care.SectorOther, "")
	s.org("org-bluebell-homecare", "Bluebell Home Care", care.SectorSocialCare, "Eastfield")
	s.org("org-willow-day-centre", "Willow Day Centre", care.SectorVoluntary, "Eastfield")
	s.org("org-eastfield-carers", "Eastfield Carers' Centre", care.SectorVoluntary, "Eastfield")

	s.pro("pro-anjali-patel", "Dr Anjali Patel", care.RoleGP, "org-elms-practice", d(2012, 4, 2), open)
	s.pro("pro-tom-hughes", "Dr Tom Hughes", care.RoleGP, "org-elms-practice", d(2019, 8, 5), open)
	s.pro("pro-grace-okafor", "Grace Okafor", care.RolePracticeNurse, "org-elms-practice", d(2016, 1, 4), open)
	s.pro("pro-james-wood", "James Wood", care.RolePharmacist, "org-high-street-pharmacy", d(2014, 6, 2), open)
	s.pro("pro-siobhan-walsh", "Siobhan Walsh", care.RoleDistrictNurse, "org-eastfield-nursing", d(2013, 9, 2), open)
	s.pro("pro-gareth-price", "Gareth Price", care.RoleDistrictNurse, "org-eastfield-nursing", d(2021, 4, 6), open)
	s.pro("pro-farah-iqbal", "Dr Farah Iqbal", care.RolePsychiatrist, "org-eastfield-memory", d(2017, 2, 1), open)
	s.pro("pro-helen-reid", "Helen Reid", care.RoleNurseSpecialist, "org-eastfield-memory", d(2020, 10, 1), open) // Admiral nurse
	s.pro("pro-emma-baker", "Emma Baker", care.RoleWardNurse, "org-st-lukes", d(2022, 9, 12), open)
	s.pro("pro-priya-shah", "Priya Shah", care.RoleOccupationalTherapist, "org-st-lukes", d(2019, 5, 13), open)
	s.pro("pro-dan-green", "Dan Green", care.RoleParamedic, "org-eastshire-ambulance", d(2016, 3, 1), open)
	s.pro("pro-rachel-jones", "Rachel Jones", care.RoleSocialWorker, "org-eastfield-asc", d(2020, 6, 1), open)
	// Home care: staff churn.
	s.pro("pro-anna-kowalski", "Anna Kowalski", care.RoleHomeCareWorker, "org-bluebell-homecare", d(2023, 2, 6), d(2025, 10, 31))
	s.pro("pro-ruksana-begum", "Ruksana Begum", care.RoleHomeCareWorker, "org-bluebell-homecare", d(2021, 9, 6), open)
	s.pro("pro-kelly-evans", "Kelly Evans", care.RoleHomeCareWorker, "org-bluebell-homecare", d(2025, 10, 27), d(2026, 4, 30))
	s.pro("pro-kwame-mensah", "Kwame Mensah", care.RoleHomeCareWorker, "org-bluebell-homecare", d(2025, 11, 3), open)
	s.pro("pro-jade-taylor", "Jade Taylor", care.RoleHomeCareWorker, "org-bluebell-homecare", d(2026, 5, 5), open)
	s.pro("pro-carol-lewis", "Carol Lewis", care.RoleSupportWorker, "org-willow-day-centre", d(2015, 1, 5), open)
	s.pro("pro-moira-fraser", "Moira Fraser", care.RoleSupportWorker, "org-eastfield-carers", d(2019, 4, 1), open)
	s.pro("pro-hassan-ali", "Hassan Ali", care.RoleLinkWorker, "org-eastfield-carers", d(2022, 1, 10), open)

	w.involved("pro-anjali-patel", "usual GP", d(2012, 4, 2), open)
	w.involved("pro-grace-okafor", "practice nurse: dementia review, bloods, vaccinations", d(2019, 3, 1), open)
	w.involved("pro-james-wood", "pharmacist: medicines review, blister packs", d(2025, 3, 5), open)
	w.involved("pro-siobhan-walsh", "district nurse: pressure-area care", d(2025, 7, 3), d(2025, 8, 29))
	w.involved("pro-gareth-price", "district nurse: pressure-area care", d(2025, 7, 3), d(2025, 8, 29))
	w.involved("pro-siobhan-walsh", "district nurse: continence assessment", d(2026, 3, 2), d(2026, 4, 24))
	w.involved("pro-farah-iqbal", "old-age psychiatrist: memory assessment and diagnosis", d(2025, 1, 15), d(2025, 9, 30))
	w.involved("pro-helen-reid", "Admiral nurse (dementia specialist nurse)", d(2025, 2, 12), open)
	w.involved("pro-richard-morgan", "consultant geriatrician", d(2025, 6, 14), d(2025, 9, 30))
	w.involved("pro-li-chen", "named nurse, Ward 7", d(2025, 6, 14), d(2025, 6, 27))
	w.involved("pro-priya-shah", "occupational therapist: discharge assessment", d(2025, 6, 23), d(2025, 6, 27))
	w.coordinator("pro-yusuf-ahmed", "social worker, named coordinator", d(2025, 7, 2), d(2026, 1, 30))
	w.coordinator("pro-rachel-jones", "social worker, named coordinator", d(2026, 2, 16), open)
	w.involved("pro-anna-kowalski", "home care (morning calls)", d(2025, 7, 14), d(2025, 10, 31))
	w.involved("pro-ruksana-begum", "home care (weekend calls)", d(2025, 7, 19), open)
	w.involved("pro-kelly-evans", "home care (morning calls)", d(2025, 11, 3), d(2026, 4, 30))
	w.involved("pro-kwame-mensah", "home care (evening calls)", d(2025, 11, 3), open)
	w.involved("pro-jade-taylor", "home care (morning calls)", d(2026, 5, 5), open)
	w.involved("pro-carol-lewis", "day centre key worker", d(2025, 9, 4), open)
	w.involved("pro-moira-fraser", "carers' support worker (for Margaret)", d(2025, 3, 17), open)
	w.involved("pro-hassan-ali", "link worker (social prescribing)", d(2026, 3, 9), d(2026, 6, 30))

	// Few lines between the services: within teams, GP to district nurse,
	// memory clinic to GP, and the council to the agency it commissions.
	s.link("pro-anjali-patel", "pro-grace-okafor", "shared_record", d(2016, 1, 4), open)
	s.link("pro-anjali-patel", "pro-tom-hughes", "regular_meeting", d(2019, 8, 5), open)
	s.link("pro-siobhan-walsh", "pro-anjali-patel", "regular_meeting", d(2020, 1, 6), open)
	s.link("pro-siobhan-walsh", "pro-gareth-price", "shared_record", d(2021, 4, 6), open)
	s.link("pro-farah-iqbal", "pro-anjali-patel", "named_liaison", d(2025, 1, 15), open)
	s.link("pro-farah-iqbal", "pro-helen-reid", "regular_meeting", d(2020, 10, 1), open)
	s.link("pro-richard-morgan", "pro-li-chen", "shared_record", d(2018, 3, 5), open)
	s.link("pro-li-chen", "pro-emma-baker", "shared_record", d(2022, 9, 12), open)
	s.link("pro-richard-morgan", "pro-priya-shah", "shared_record", d(2019, 5, 13), open)
	s.link("pro-yusuf-ahmed", "pro-rachel-jones", "regular_meeting", d(2020, 6, 1), d(2026, 1, 30))
	s.link("pro-moira-fraser", "pro-hassan-ali", "regular_meeting", d(2022, 1, 10), open)
	s.link("org-eastfield-asc", "org-bluebell-homecare", "regular_meeting", d(2021, 1, 4), open)
	// Margaret is the bridge between social care and health.
	for _, l := range []struct {
		pro      string
		from, to care.Date
	}{
		{"pro-anjali-patel", d(2023, 6, 1), open},
		{"pro-helen-reid", d(2025, 2, 12), open},
		{"pro-richard-morgan", d(2025, 6, 14), d(2025, 6, 27)},
		{"pro-siobhan-walsh", d(2025, 7, 3), d(2026, 4, 24)},
		{"pro-yusuf-ahmed", d(2025, 7, 2), d(2026, 1, 30)},
		{"pro-rachel-jones", d(2026, 2, 16), open},
		{"pro-anna-kowalski", d(2025, 7, 14), d(2025, 10, 31)},
		{"pro-ruksana-begum", d(2025, 7, 19), open},
		{"pro-kwame-mensah", d(2025, 11, 3), open},
		{"pro-carol-lewis", d(2025, 9, 4), open},
		{"pro-moira-fraser", d(2025, 3, 17), open},
	} {
		s.link(ShowcaseMargaret, l.pro, "carer_contact", l.from, l.to)
	}
	s.link(ShowcaseSusan, "pro-helen-reid", "carer_contact", d(2025, 2, 12), open)
	s.link(ShowcaseSusan, "pro-rachel-jones", "carer_contact", d(2026, 2, 16), open)

	// GP and practice.
	const elms = "org-elms-practice"
	for _, c := range []struct {
		day    care.Date
		hh, mm int
		mode   care.Mode
	}{
		{d(2024, 11, 12), 10, 20, ff}, {d(2025, 1, 7), 11, 40, ph}, {d(2025, 3, 11), 9, 50, ff}, {d(2025, 5, 13), 15, 10, ff},
		{d(2025, 7, 1), 14, 0, hv}, {d(2025, 9, 9), 12, 20, ph}, {d(2025, 11, 18), 10, 40, ff}, {d(2026, 1, 20), 14, 30, hv},
		{d(2026, 3, 3), 9, 10, ff}, {d(2026, 5, 12), 16, 0, ff}, {d(2026, 7, 14), 11, 30, ph}, {d(2026, 9, 15), 10, 0, ff},
	} {
		w.contact("pro-anjali-patel", elms, c.day, c.hh, c.mm, c.mode, "surgery")
	}
	w.contact("pro-tom-hughes", "", d(2025, 4, 2), 17, 20, ph, "")
	w.contact("pro-tom-hughes", "", d(2025, 12, 23), 9, 30, ff, "surgery")
	w.contact("pro-tom-hughes", "", d(2026, 8, 11), 13, 45, hv, "")
	for _, day := range []care.Date{d(2024, 11, 20), d(2025, 2, 5), d(2025, 10, 15), d(2026, 2, 11), d(2026, 10, 14)} {
		w.contact("pro-grace-okafor", elms, day, 9, 0, ff, "surgery")
	}
	w.contact("pro-james-wood", "org-high-street-pharmacy", d(2025, 3, 5), 11, 0, ff, "pharmacy")
	w.contact("pro-james-wood", "org-high-street-pharmacy", d(2025, 7, 10), 15, 30, ph, "")
	w.contact("pro-james-wood", "org-high-street-pharmacy", d(2026, 3, 18), 11, 15, ff, "pharmacy")
	// Memory clinic, then the Admiral nurse every six weeks.
	w.contact("pro-farah-iqbal", "org-eastfield-memory", d(2025, 1, 15), 10, 0, ff, "clinic")
	w.contact("pro-farah-iqbal", "org-eastfield-memory", d(2025, 2, 12), 14, 0, ff, "clinic")
	w.contact("pro-farah-iqbal", "org-eastfield-memory", d(2025, 9, 24), 11, 0, vc, "")
	w.series("pro-helen-reid", "org-eastfield-memory", d(2025, 2, 26), d(2026, 10, 31), 42, 10, 30, []care.Mode{hv, ph}, "")
	// A fall, an ambulance and a fortnight in St Luke's.
	w.contact("pro-dan-green", "org-eastshire-ambulance", d(2025, 6, 14), 6, 40, hv, "")
	for _, c := range []struct {
		pro    string
		day    care.Date
		hh, mm int
	}{
		{"pro-li-chen", d(2025, 6, 14), 13, 0}, {"pro-richard-morgan", d(2025, 6, 15), 10, 0}, {"pro-emma-baker", d(2025, 6, 15), 20, 0},
		{"pro-li-chen", d(2025, 6, 16), 8, 30}, {"pro-richard-morgan", d(2025, 6, 17), 10, 30}, {"pro-emma-baker", d(2025, 6, 17), 19, 30},
		{"pro-li-chen", d(2025, 6, 18), 9, 0}, {"pro-li-chen", d(2025, 6, 19), 14, 0}, {"pro-richard-morgan", d(2025, 6, 20), 11, 0},
		{"pro-emma-baker", d(2025, 6, 21), 8, 30}, {"pro-li-chen", d(2025, 6, 22), 8, 45}, {"pro-priya-shah", d(2025, 6, 23), 14, 0},
		{"pro-emma-baker", d(2025, 6, 23), 20, 15}, {"pro-richard-morgan", d(2025, 6, 24), 10, 15}, {"pro-li-chen", d(2025, 6, 25), 9, 15},
		{"pro-priya-shah", d(2025, 6, 25), 10, 30}, {"pro-richard-morgan", d(2025, 6, 26), 9, 45}, {"pro-emma-baker", d(2025, 6, 26), 19, 45},
		{"pro-li-chen", d(2025, 6, 27), 11, 0},
	} {
		w.contact(c.pro, "org-st-lukes", c.day, c.hh, c.mm, ff, "ward")
	}
	w.contact("pro-richard-morgan", "org-st-lukes", d(2025, 9, 16), 14, 20, ff, "outpatients")
	// Social work (Organisation left empty: Ahmed's WORKS_IN decides it).
	w.contact("pro-yusuf-ahmed", "", d(2025, 7, 2), 10, 0, hv, "")
	w.contact("pro-yusuf-ahmed", "", d(2025, 7, 8), 15, 0, ph, "")
	w.contact("pro-yusuf-ahmed", "", d(2025, 8, 19), 11, 0, hv, "")
	w.contact("pro-yusuf-ahmed", "", d(2025, 10, 14), 14, 0, hv, "")
	w.contact("pro-yusuf-ahmed", "", d(2026, 1, 13), 10, 30, ph, "")
	w.contact("pro-rachel-jones", "org-eastfield-asc", d(2026, 2, 24), 11, 0, hv, "")
	w.contact("pro-rachel-jones", "org-eastfield-asc", d(2026, 5, 19), 14, 0, hv, "")
	w.contact("pro-rachel-jones", "org-eastfield-asc", d(2026, 8, 25), 10, 0, hv, "")
	w.contact("pro-rachel-jones", "org-eastfield-asc", d(2026, 10, 6), 15, 30, ph, "")
	// Home care: frequent visits by a changing cast.
	w.series("pro-anna-kowalski", "", d(2025, 7, 14), d(2025, 10, 31), 5, 8, 15, home, "")
	w.series("pro-ruksana-begum", "", d(2025, 7, 19), d(2026, 10, 31), 7, 9, 0, home, "")
	w.series("pro-kelly-evans", "", d(2025, 11, 3), d(2026, 4, 30), 5, 8, 10, home, "")
	w.series("pro-kwame-mensah", "", d(2025, 11, 4), d(2026, 10, 31), 7, 18, 30, home, "")
	w.series("pro-jade-taylor", "", d(2026, 5, 5), d(2026, 10, 31), 5, 8, 20, home, "")
	// District nurses after the hospital stay, and later for continence.
	w.series("pro-siobhan-walsh", "org-eastfield-nursing", d(2025, 7, 3), d(2025, 8, 29), 8, 10, 0, home, "")
	w.series("pro-gareth-price", "org-eastfield-nursing", d(2025, 7, 7), d(2025, 8, 29), 8, 11, 30, home, "")
	for _, day := range []care.Date{d(2026, 3, 2), d(2026, 3, 16), d(2026, 4, 6), d(2026, 4, 24)} {
		w.contact("pro-siobhan-walsh", "org-eastfield-nursing", day, 10, 30, hv, "")
	}
	// Day centre, carers' centre, social prescribing.
	w.series("pro-carol-lewis", "", d(2025, 9, 4), d(2026, 10, 31), 14, 10, 30, f2f, "day_centre")
	w.contact("pro-moira-fraser", "org-eastfield-carers", d(2025, 3, 17), 14, 0, hv, "")
	w.contact("pro-moira-fraser", "org-eastfield-carers", d(2025, 9, 10), 11, 0, ph, "")
	w.contact("pro-moira-fraser", "org-eastfield-carers", d(2026, 3, 11), 14, 30, hv, "")
	w.contact("pro-moira-fraser", "org-eastfield-carers", d(2026, 9, 9), 11, 0, ph, "")
	w.contact("pro-hassan-ali", "org-eastfield-carers", d(2026, 3, 9), 10, 0, ph, "")
	w.contact("pro-hassan-ali", "org-eastfield-carers", d(2026, 3, 23), 14, 0, ff, "community")
	w.contact("pro-hassan-ali", "org-eastfield-carers", d(2026, 4, 20), 14, 0, ff, "community")
	w.contact("pro-hassan-ali", "org-eastfield-carers", d(2026, 6, 15), 11, 0, ph, "")

	w.referral("pro-anjali-patel", "org-eastfield-memory", d(2024, 11, 12), 12, "memory assessment: two years of progressive forgetfulness")
	w.referral("pro-farah-iqbal", "pro-helen-reid", d(2025, 2, 12), 15, "post-diagnostic support: Alzheimer's disease")
	w.referral("pro-anjali-patel", "org-high-street-pharmacy", d(2025, 3, 3), 12, "structured medication review")
	w.referral("pro-helen-reid", "org-eastfield-carers", d(2025, 3, 10), 11, "carer's assessment and support for Mrs Bennett")
	w.referral("pro-dan-green", "org-st-lukes", d(2025, 6, 14), 7, "fall at home; conveyed to the emergency department")
	w.referral("pro-li-chen", "pro-priya-shah", d(2025, 6, 22), 10, "occupational therapy assessment before discharge")
	w.referral("pro-richard-morgan", "org-eastfield-asc", d(2025, 6, 25), 12, "assessment of care needs before discharge")
	w.referral("pro-anjali-patel", "org-eastfield-nursing", d(2025, 7, 1), 16, "pressure-area care after a hospital stay")
	w.referral("pro-yusuf-ahmed", "org-bluebell-homecare", d(2025, 7, 8), 16, "package of care: morning and evening calls")
	w.referral("pro-yusuf-ahmed", "org-willow-day-centre", d(2025, 8, 19), 14, "day care two days a week; respite for Mrs Bennett")
	w.referral("pro-yusuf-ahmed", "pro-rachel-jones", d(2026, 1, 30), 16, "case transfer: worker leaving the team")
	w.referral("pro-anjali-patel", "pro-siobhan-walsh", d(2026, 2, 24), 12, "continence assessment")
	w.referral("pro-anjali-patel", "pro-hassan-ali", d(2026, 3, 3), 12, "social prescribing: singing group for people with dementia")
}

// doreen lives alone with several long-term conditions: primary care,
// specialist nurses, mental health, housing and a befriender; a son who
// visits and a neighbour who keeps an eye on her; nobody coordinating.
func (s *showcase) doreen() {
	w := s.web(ShowcaseDoreen, "doreen", "Doreen Walker", "Riverside")
	w.carer(ShowcaseMichael, "Michael Walker", "Riverside", "son", true, d(2022, 5, 1), open)
	w.carer(ShowcasePat, "Pat Doyle", "Riverside", "neighbour", false, d(2024, 3, 1), open)
	// Doreen agreed to her son seeing her care; she let her neighbour too,
	// then withdrew it: the later DENY decides, and Pat sees nothing.
	w.consent(ShowcaseMichael, care.BasisConsent, care.Permit, d(2022, 5, 1), ShowcaseDoreen)
	w.consent(ShowcasePat, care.BasisConsent, care.Permit, d(2024, 3, 1), ShowcaseDoreen)
	w.consent(ShowcasePat, care.BasisConsent, care.Deny, d(2025, 9, 15), ShowcaseDoreen)

	s.org("org-riverside-hc", "Riverside Health Centre", care.SectorPrimaryCare, "Riverside")
	s.org("org-riverside-community", "Riverside Community Health Services", care.SectorCommunityHealth, "Riverside")
	s.org("org-riverside-cmht", "Riverside Community Mental Health Team", care.SectorMentalHealth, "Riverside")
	s.org("org-riverside-homes", "Riverside Homes Housing Association", care.SectorHousing, "Riverside")
	s.org("org-riverside-befriending", "Riverside Befriending Scheme", care.SectorVoluntary, "Riverside")

	s.pro("pro-sarah-mitchell", "Dr Sarah Mitchell", care.RoleGP, "org-riverside-hc", d(2003, 9, 1), d(2026, 3, 31)) // retires
	s.pro("pro-ben-adeyemi", "Dr Ben Adeyemi", care.RoleGP, "org-riverside-hc", d(2024, 9, 2), open)
	s.pro("pro-karen-hall", "Karen Hall", care.RolePracticeNurse, "org-riverside-hc", d(2011, 5, 3), open)
	s.pro("pro-joanne-fletcher", "Joanne Fletcher", care.RoleNurseSpecialist, "org-riverside-community", d(2015, 7, 1), open)
	s.pro("pro-amrit-kaur", "Amrit Kaur", care.RoleNurseSpecialist, "org-riverside-community", d(2018, 11, 5), open)
	s.pro("pro-marcus-reed", "Marcus Reed", care.RolePhysiotherapist, "org-riverside-community", d(2020, 2, 3), open)
	s.pro("pro-nkem-obi", "Dr Nkem Obi", care.RoleConsultant, "org-st-lukes", d(2014, 8, 4), open) // respiratory
	s.pro("pro-daniel-brooks", "Daniel Brooks", care.RoleMentalHealthNurse, "org-riverside-cmht", d(2017, 6, 5), open)
	s.pro("pro-lorraine-murphy", "Lorraine Murphy", care.RoleHousingOfficer, "org-riverside-homes", d(2012, 10, 1), open)
	s.pro("pro-brian-cooper", "Brian Cooper", care.RoleVolunteer, "org-riverside-befriending", d(2021, 3, 1), open)

	w.involved("pro-sarah-mitchell", "usual GP", d(2009, 2, 2), d(2026, 3, 31))
	w.involved("pro-ben-adeyemi", "usual GP", d(2026, 4, 1), open)
	w.involved("pro-karen-hall", "practice nurse: diabetes and COPD reviews", d(2015, 1, 5), open)
	w.involved("pro-joanne-fletcher", "respiratory nurse specialist", d(2025, 1, 20), open)
	w.involved("pro-amrit-kaur", "diabetes specialist nurse", d(2025, 5, 12), d(2025, 11, 28))
	w.involved("pro-nkem-obi", "respiratory consultant", d(2025, 12, 8), d(2026, 2, 2))
	w.involved("pro-li-chen", "named nurse, Ward 3", d(2025, 12, 8), d(2025, 12, 13))
	w.involved("pro-daniel-brooks", "community mental health nurse", d(2025, 2, 17), d(2025, 8, 29))
	w.involved("pro-lorraine-murphy", "housing officer: damp and mould; rehousing", d(2025, 10, 6), d(2026, 6, 30))
	w.involved("pro-brian-cooper", "befriender", d(2025, 4, 7), open)
	w.involved("pro-marcus-reed", "physiotherapist: pulmonary rehabilitation", d(2026, 2, 16), d(2026, 4, 10))

	s.link("pro-sarah-mitchell", "pro-karen-hall", "shared_record", d(2011, 5, 3), d(2026, 3, 31))
	s.link("pro-ben-adeyemi", "pro-karen-hall", "shared_record", d(2024, 9, 2), open)
	s.link("pro-sarah-mitchell", "pro-ben-adeyemi", "regular_meeting", d(2024, 9, 2), d(2026, 3, 31))
	s.link("pro-amrit-kaur", "pro-karen-hall", "shared_record", d(2019, 1, 7), open)
	s.link("pro-joanne-fletcher", "pro-marcus-reed", "regular_meeting", d(2020, 2, 3), open)
	s.link("pro-nkem-obi", "pro-li-chen", "shared_record", d(2018, 3, 5), open)
	s.link(ShowcaseMichael, "pro-sarah-mitchell", "carer_contact", d(2022, 5, 1), d(2026, 3, 31))
	s.link(ShowcaseMichael, "pro-ben-adeyemi", "carer_contact", d(2026, 4, 1), open)
	s.link(ShowcaseMichael, "pro-joanne-fletcher", "carer_contact", d(2025, 1, 20), open)
	s.link(ShowcaseMichael, "pro-lorraine-murphy", "carer_contact", d(2025, 10, 6), d(2026, 6, 30))
	s.link(ShowcasePat, "pro-brian-cooper", "carer_contact", d(2025, 4, 7), open)

	w.series("pro-sarah-mitchell", "org-riverside-hc", d(2024, 11, 6), d(2026, 3, 31), 42, 10, 10, []care.Mode{ff, ph}, "surgery")
	w.series("pro-ben-adeyemi", "org-riverside-hc", d(2026, 4, 15), d(2026, 10, 31), 42, 11, 20, []care.Mode{ff, ph, vc}, "surgery")
	w.series("pro-karen-hall", "org-riverside-hc", d(2024, 11, 27), d(2026, 10, 31), 91, 9, 30, f2f, "surgery")
	w.series("pro-joanne-fletcher", "org-riverside-community", d(2025, 1, 27), d(2026, 10, 31), 28, 13, 0, []care.Mode{hv, ph}, "")
	w.contact("pro-amrit-kaur", "org-riverside-community", d(2025, 5, 19), 10, 0, ff, "clinic")
	w.contact("pro-amrit-kaur", "org-riverside-community", d(2025, 7, 14), 14, 0, ph, "")
	w.contact("pro-amrit-kaur", "org-riverside-community", d(2025, 9, 15), 10, 30, ff, "clinic")
	w.contact("pro-amrit-kaur", "org-riverside-community", d(2025, 11, 24), 11, 0, ph, "")
	w.series("pro-daniel-brooks", "org-riverside-cmht", d(2025, 2, 24), d(2025, 8, 25), 14, 14, 0, []care.Mode{ff, ph, hv}, "clinic")
	w.series("pro-brian-cooper", "", d(2025, 4, 7), d(2026, 10, 31), 14, 15, 0, phone, "")
	w.contact("pro-lorraine-murphy", "org-riverside-homes", d(2025, 10, 13), 11, 0, hv, "")
	w.contact("pro-lorraine-murphy", "org-riverside-homes", d(2025, 11, 10), 10, 0, ph, "")
	w.contact("pro-lorraine-murphy", "org-riverside-homes", d(2026, 1, 19), 14, 0, hv, "")
	w.contact("pro-lorraine-murphy", "org-riverside-homes", d(2026, 5, 11), 10, 30, ff, "office")
	// A COPD exacerbation: five days on the ward.
	for _, c := range []struct {
		pro    string
		day    care.Date
		hh, mm int
	}{
		{"pro-nkem-obi", d(2025, 12, 8), 16, 0}, {"pro-li-chen", d(2025, 12, 8), 18, 0}, {"pro-li-chen", d(2025, 12, 9), 9, 0},
		{"pro-nkem-obi", d(2025, 12, 10), 10, 0}, {"pro-li-chen", d(2025, 12, 11), 9, 30}, {"pro-nkem-obi", d(2025, 12, 12), 10, 30},
		{"pro-li-chen", d(2025, 12, 13), 11, 0},
	} {
		w.contact(c.pro, "org-st-lukes", c.day, c.hh, c.mm, ff, "ward")
	}
	w.contact("pro-nkem-obi", "org-st-lukes", d(2026, 2, 2), 14, 0, ff, "outpatients")
	w.series("pro-marcus-reed", "org-riverside-community", d(2026, 2, 16), d(2026, 4, 6), 7, 10, 0, f2f, "clinic")

	w.referral("pro-sarah-mitchell", "org-riverside-community", d(2025, 1, 8), 12, "breathlessness: respiratory nurse review")
	w.referral("pro-sarah-mitchell", "org-riverside-cmht", d(2025, 2, 3), 12, "low mood since her husband died; not coping alone")
	w.referral("pro-daniel-brooks", "org-riverside-befriending", d(2025, 3, 24), 15, "isolation: lives alone")
	w.referral("pro-sarah-mitchell", "pro-amrit-kaur", d(2025, 4, 28), 12, "HbA1c rising despite treatment")
	w.referral("pro-sarah-mitchell", "org-riverside-homes", d(2025, 9, 22), 12, "letter supporting rehousing: damp flat worsening COPD")
	w.referral("pro-joanne-fletcher", "org-st-lukes", d(2025, 12, 8), 14, "COPD exacerbation: admission")
	w.referral("pro-nkem-obi", "pro-joanne-fletcher", d(2025, 12, 13), 12, "discharge: follow-up after COPD exacerbation")
	w.referral("pro-nkem-obi", "org-riverside-community", d(2026, 2, 2), 15, "pulmonary rehabilitation")
	w.referral("pro-sarah-mitchell", "pro-ben-adeyemi", d(2026, 3, 20), 12, "transfer of care: GP retiring")
}

// george is the contrast: an integrated neighbourhood team on a shared
// record, a community matron coordinating throughout, lines everywhere, and
// handoffs that travel along them.
func (s *showcase) george() {
	w := s.web(ShowcaseGeorge, "george", "George Thompson", "Northgate")
	w.carer(ShowcaseRuth, "Ruth Thompson", "Northgate", "daughter", true, d(2022, 11, 1), open)
	w.consent(ShowcaseRuth, care.BasisConsent, care.Permit, d(2022, 11, 1), ShowcaseGeorge)

	s.org("org-northgate-practice", "Northgate Family Practice", care.SectorPrimaryCare, "Northgate")
	s.org("org-northgate-pharmacy", "Northgate Pharmacy", care.SectorPrimaryCare, "Northgate")
	s.org("org-northgate-int", "Northgate Integrated Neighbourhood Team", care.SectorCommunityHealth, "Northgate")
	s.org("org-northgate-asc", "Northgate Adult Social Care", care.SectorSocialCare, "Northgate")
	s.org("org-heron-homecare", "Heron Home Care", care.SectorSocialCare, "Northgate")

	s.pro("pro-david-owen", "Dr David Owen", care.RoleGP, "org-northgate-practice", d(2008, 8, 4), open)
	s.pro("pro-beverley-shaw", "Beverley Shaw", care.RoleCommunityMatron, "org-northgate-int", d(2016, 4, 4), open)
	s.pro("pro-fiona-grant", "Fiona Grant", care.RoleDistrictNurse, "org-northgate-int", d(2014, 1, 6), open)
	s.pro("pro-ian-foster", "Ian Foster", care.RolePhysiotherapist, "org-northgate-int", d(2019, 9, 2), open)
	s.pro("pro-nasreen-akhtar", "Nasreen Akhtar", care.RoleOccupationalTherapist, "org-northgate-int", d(2017, 11, 6), open)
	s.pro("pro-claire-dunn", "Claire Dunn", care.RoleSocialWorker, "org-northgate-asc", d(2016, 2, 1), open)
	s.pro("pro-joy-adebayo", "Joy Adebayo", care.RoleHomeCareWorker, "org-heron-homecare", d(2020, 5, 4), open)
	s.pro("pro-tomasz-nowak", "Tomasz Nowak", care.RoleHomeCareWorker, "org-heron-homecare", d(2019, 10, 7), open)
	s.pro("pro-sunita-sharma", "Sunita Sharma", care.RolePharmacist, "org-northgate-pharmacy", d(2013, 3, 4), open)

	w.involved("pro-david-owen", "usual GP", d(2010, 1, 4), open)
	w.coordinator("pro-beverley-shaw", "community matron, named care coordinator", d(2023, 9, 4), open)
	w.involved("pro-fiona-grant", "district nurse: leg ulcer care", d(2026, 1, 19), d(2026, 4, 17))
	w.involved("pro-ian-foster", "physiotherapist: strength and balance", d(2025, 3, 10), d(2025, 5, 30))
	w.involved("pro-nasreen-akhtar", "occupational therapist: home safety", d(2025, 3, 10), d(2025, 4, 25))
	w.involved("pro-claire-dunn", "social worker", d(2024, 2, 5), open)
	w.involved("pro-joy-adebayo", "home care", d(2024, 3, 4), open)
	w.involved("pro-tomasz-nowak", "home care", d(2024, 3, 4), open)
	w.involved("pro-sunita-sharma", "pharmacist: medicines reviews", d(2025, 9, 1), open)
	w.involved("pro-richard-morgan", "consultant geriatrician: comprehensive geriatric assessment", d(2025, 5, 6), d(2025, 5, 6))

	for _, l := range []struct {
		a, b, channel string
		from          care.Date
	}{
		{"pro-beverley-shaw", "pro-david-owen", "shared_record", d(2016, 4, 4)},
		{"pro-beverley-shaw", "pro-fiona-grant", "shared_record", d(2016, 4, 4)},
		{"pro-beverley-shaw", "pro-ian-foster", "shared_record", d(2019, 9, 2)},
		{"pro-beverley-shaw", "pro-nasreen-akhtar", "shared_record", d(2017, 11, 6)},
		{"pro-beverley-shaw", "pro-claire-dunn", "regular_meeting", d(2018, 1, 8)},
		{"pro-beverley-shaw", "pro-sunita-sharma", "regular_meeting", d(2021, 6, 7)},
		{"pro-david-owen", "pro-claire-dunn", "regular_meeting", d(2018, 1, 8)},
		{"pro-david-owen", "pro-sunita-sharma", "shared_record", d(2013, 3, 4)},
		{"pro-david-owen", "pro-fiona-grant", "regular_meeting", d(2014, 1, 6)},
		{"pro-ian-foster", "pro-nasreen-akhtar", "shared_record", d(2019, 9, 2)},
		{"pro-claire-dunn", "pro-joy-adebayo", "named_liaison", d(2020, 5, 4)},
		{"pro-claire-dunn", "pro-tomasz-nowak", "named_liaison", d(2019, 10, 7)},
		{"pro-joy-adebayo", "pro-tomasz-nowak", "rota", d(2020, 5, 4)},
		{"pro-richard-morgan", "pro-beverley-shaw", "named_liaison", d(2022, 1, 4)},
		{"org-northgate-practice", "org-northgate-int", "shared_record", d(2016, 4, 4)},
		{"org-northgate-int", "org-northgate-asc", "shared_record", d(2018, 1, 8)},
		{"org-northgate-asc", "org-heron-homecare", "regular_meeting", d(2019, 4, 1)},
		{ShowcaseRuth, "pro-beverley-shaw", "carer_contact", d(2023, 9, 4)},
	} {
		s.link(l.a, l.b, l.channel, l.from, open)
	}

	w.series("pro-david-owen", "org-northgate-practice", d(2024, 11, 19), d(2026, 10, 31), 56, 10, 0, []care.Mode{ff, hv, ph}, "surgery")
	w.series("pro-beverley-shaw", "org-northgate-int", d(2024, 11, 5), d(2026, 10, 31), 14, 11, 0, []care.Mode{hv, ph}, "")
	w.series("pro-joy-adebayo", "org-heron-homecare", d(2024, 11, 4), d(2026, 10, 31), 10, 8, 30, home, "")
	w.series("pro-tomasz-nowak", "", d(2024, 11, 7), d(2026, 10, 31), 10, 17, 30, home, "")
	for _, c := range []struct {
		day  care.Date
		mode care.Mode
	}{{d(2025, 1, 14), hv}, {d(2025, 6, 10), hv}, {d(2025, 6, 24), ph}, {d(2026, 1, 13), hv}, {d(2026, 7, 14), hv}} {
		w.contact("pro-claire-dunn", "org-northgate-asc", c.day, 10, 0, c.mode, "")
	}
	w.series("pro-ian-foster", "org-northgate-int", d(2025, 3, 10), d(2025, 5, 26), 7, 14, 0, []care.Mode{hv, ff}, "clinic")
	for _, day := range []care.Date{d(2025, 3, 12), d(2025, 3, 26), d(2025, 4, 23)} {
		w.contact("pro-nasreen-akhtar", "org-northgate-int", day, 10, 0, hv, "")
	}
	w.contact("pro-richard-morgan", "org-st-lukes", d(2025, 5, 6), 14, 0, ff, "outpatients")
	w.contact("pro-sunita-sharma", "org-northgate-pharmacy", d(2025, 9, 8), 11, 0, ff, "pharmacy")
	w.contact("pro-sunita-sharma", "org-northgate-pharmacy", d(2026, 3, 9), 11, 0, ff, "pharmacy")
	w.contact("pro-sunita-sharma", "org-northgate-pharmacy", d(2026, 9, 7), 11, 30, ph, "")
	w.series("pro-fiona-grant", "org-northgate-int", d(2026, 1, 19), d(2026, 4, 13), 7, 9, 30, home, "")

	w.referral("pro-beverley-shaw", "pro-ian-foster", d(2025, 3, 3), 12, "falls prevention: strength and balance")
	w.referral("pro-beverley-shaw", "pro-nasreen-akhtar", d(2025, 3, 3), 12, "home safety assessment after a near-fall")
	w.referral("pro-david-owen", "pro-richard-morgan", d(2025, 4, 7), 12, "comprehensive geriatric assessment")
	w.referral("pro-beverley-shaw", "pro-claire-dunn", d(2025, 6, 2), 12, "review of care package: needs increasing")
	w.referral("pro-claire-dunn", "org-heron-homecare", d(2025, 6, 16), 15, "increase to three calls a day")
	w.referral("pro-david-owen", "pro-sunita-sharma", d(2025, 9, 1), 12, "structured medication review: ten medicines")
	w.referral("pro-beverley-shaw", "pro-fiona-grant", d(2026, 1, 12), 12, "leg ulcer dressings")
}

// liam is a young adult moving between children's and adults' services:
// a learning disability team, early intervention in psychosis, social care,
// housing and a supported-living provider, with his mother holding it together.
func (s *showcase) liam() {
	w := s.web(ShowcaseLiam, "liam", "Liam Carter", "Westbrook")
	w.carer(ShowcaseDonna, "Donna Carter", "Westbrook", "mother", true, care.NoStart, open)
	// A best-interests decision made by Liam's social worker during his
	// first episode of psychosis.
	w.consent(ShowcaseDonna, care.BasisBestInterests, care.Permit, d(2024, 12, 9), "pro-nadia-hussain")

	s.org("org-parkside-surgery", "Parkside Surgery", care.SectorPrimaryCare, "Westbrook")
	s.org("org-westbrook-ld", "Westbrook Community Learning Disability Team", care.SectorCommunityHealth, "Westbrook")
	s.org("org-westbrook-eip", "Westbrook Early Intervention in Psychosis Service", care.SectorMentalHealth, "Westbrook")
	s.org("org-westbrook-housing", "Westbrook Housing Options", care.SectorHousing, "Westbrook")
	s.org("org-brighter-futures", "Brighter Futures Supported Living", care.SectorSocialCare, "Westbrook")
	s.org("org-westbrook-skills", "Westbrook Skills Café", care.SectorVoluntary, "Westbrook")

	s.pro("pro-rebecca-lloyd", "Dr Rebecca Lloyd", care.RoleGP, "org-parkside-surgery", d(2011, 2, 7), open)
	s.pro("pro-sam-osei", "Sam Osei", care.RoleCareCoordinator, "org-westbrook-eip", d(2019, 1, 7), open)
	s.pro("pro-chloe-turner", "Dr Chloe Turner", care.RolePsychiatrist, "org-westbrook-eip", d(2021, 8, 2), open)
	s.pro("pro-owen-davies", "Owen Davies", care.RoleNurseSpecialist, "org-westbrook-ld", d(2016, 9, 5), open)
	s.pro("pro-kirsty-mcleod", "Kirsty McLeod", care.RoleSpeechLanguageTherapist, "org-westbrook-ld", d(2020, 1, 6), open)
	s.pro("pro-nadia-hussain", "Nadia Hussain", care.RoleSocialWorker, "org-westbrook-asc", d(2017, 5, 2), open)
	s.pro("pro-tariq-mahmood", "Tariq Mahmood", care.RoleHousingOfficer, "org-westbrook-housing", d(2015, 3, 2), open)
	s.pro("pro-jess-marsh", "Jess Marsh", care.RoleSupportWorker, "org-brighter-futures", d(2022, 6, 6), open)
	s.pro("pro-ellie-ward", "Ellie Ward", care.RoleVolunteer, "org-westbrook-skills", d(2023, 9, 4), open)

	w.involved("pro-rebecca-lloyd", "usual GP", d(2011, 2, 7), open)
	w.coordinator("pro-sam-osei", "care coordinator (early intervention in psychosis)", d(2024, 12, 2), open)
	w.involved("pro-chloe-turner", "psychiatrist", d(2024, 12, 9), open)
	w.involved("pro-owen-davies", "learning disability nurse", d(2025, 1, 27), open)
	w.involved("pro-kirsty-mcleod", "speech and language therapist: communication passport", d(2025, 3, 17), d(2025, 6, 27))
	w.involved("pro-nadia-hussain", "social worker (transitions)", d(2024, 6, 3), d(2026, 2, 27))
	w.involved("pro-yusuf-ahmed", "social worker", d(2026, 3, 2), open)
	w.involved("pro-tariq-mahmood", "housing officer: supported housing application", d(2025, 6, 16), d(2026, 4, 30))
	w.involved("pro-jess-marsh", "support worker (supported living)", d(2026, 4, 6), open)
	w.involved("pro-ellie-ward", "Skills Café volunteer mentor", d(2025, 9, 8), open)

	s.link("pro-sam-osei", "pro-chloe-turner", "shared_record", d(2021, 8, 2), open)
	s.link("pro-owen-davies", "pro-kirsty-mcleod", "shared_record", d(2020, 1, 6), open)
	s.link("pro-owen-davies", "pro-nadia-hussain", "regular_meeting", d(2019, 3, 4), open)
	s.link("pro-nadia-hussain", "pro-tariq-mahmood", "named_liaison", d(2020, 7, 1), open)
	s.link("pro-yusuf-ahmed", "pro-nadia-hussain", "regular_meeting", d(2026, 2, 2), d(2026, 2, 27))
	for _, l := range []struct {
		pro      string
		from, to care.Date
	}{
		{"pro-rebecca-lloyd", d(2016, 1, 4), open},
		{"pro-sam-osei", d(2024, 12, 2), open},
		{"pro-owen-davies", d(2025, 1, 27), open},
		{"pro-nadia-hussain", d(2024, 6, 3), d(2026, 2, 27)},
		{"pro-yusuf-ahmed", d(2026, 3, 2), open},
		{"pro-jess-marsh", d(2026, 4, 6), open},
	} {
		s.link(ShowcaseDonna, l.pro, "carer_contact", l.from, l.to)
	}

	for _, c := range []struct {
		day  care.Date
		hh   int
		mode care.Mode
	}{
		{d(2024, 11, 18), 16, ff}, {d(2025, 2, 10), 11, ph}, {d(2025, 5, 19), 10, ff}, {d(2025, 10, 6), 12, ph},
		{d(2026, 1, 12), 9, ff}, {d(2026, 5, 18), 10, ff}, {d(2026, 9, 14), 11, ph},
	} {
		w.contact("pro-rebecca-lloyd", "org-parkside-surgery", c.day, c.hh, 30, c.mode, "surgery")
	}
	w.series("pro-sam-osei", "org-westbrook-eip", d(2024, 12, 2), d(2026, 10, 31), 14, 14, 0, []care.Mode{ff, ph, hv, vc}, "clinic")
	w.series("pro-chloe-turner", "org-westbrook-eip", d(2024, 12, 9), d(2026, 10, 31), 56, 11, 0, []care.Mode{ff, vc}, "clinic")
	w.series("pro-owen-davies", "org-westbrook-ld", d(2025, 1, 27), d(2026, 10, 31), 28, 10, 0, []care.Mode{hv, ff}, "clinic")
	for _, day := range []care.Date{d(2025, 3, 17), d(2025, 3, 31), d(2025, 4, 28), d(2025, 5, 26), d(2025, 6, 23)} {
		w.contact("pro-kirsty-mcleod", "org-westbrook-ld", day, 14, 0, ff, "clinic")
	}
	for _, c := range []struct {
		day  care.Date
		mode care.Mode
	}{{d(2024, 11, 25), hv}, {d(2025, 3, 3), ff}, {d(2025, 6, 9), hv}, {d(2025, 10, 13), ph}, {d(2026, 1, 26), hv}} {
		w.contact("pro-nadia-hussain", "org-westbrook-asc", c.day, 10, 0, c.mode, "office")
	}
	// Organisation left empty: Ahmed's WORKS_IN on the day says Westbrook.
	w.contact("pro-yusuf-ahmed", "", d(2026, 3, 9), 11, 0, hv, "")
	w.contact("pro-yusuf-ahmed", "", d(2026, 4, 7), 10, 0, hv, "")
	w.contact("pro-yusuf-ahmed", "", d(2026, 7, 7), 14, 0, ph, "")
	w.contact("pro-yusuf-ahmed", "", d(2026, 10, 13), 10, 0, hv, "")
	w.contact("pro-tariq-mahmood", "org-westbrook-housing", d(2025, 6, 23), 10, 0, ff, "office")
	w.contact("pro-tariq-mahmood", "org-westbrook-housing", d(2025, 9, 15), 15, 0, ph, "")
	w.contact("pro-tariq-mahmood", "org-westbrook-housing", d(2026, 1, 19), 10, 30, ff, "office")
	w.contact("pro-tariq-mahmood", "org-westbrook-housing", d(2026, 3, 23), 14, 0, hv, "")
	w.series("pro-jess-marsh", "", d(2026, 4, 6), d(2026, 10, 31), 7, 10, 0, home, "")
	w.series("pro-ellie-ward", "org-westbrook-skills", d(2025, 9, 8), d(2026, 10, 31), 14, 11, 0, f2f, "community")

	w.referral("pro-rebecca-lloyd", "org-westbrook-eip", d(2024, 11, 18), 17, "first episode of psychosis: hearing voices, not sleeping")
	w.referral("pro-rebecca-lloyd", "org-westbrook-ld", d(2025, 1, 13), 12, "reasonable adjustments and communication support")
	w.referral("pro-owen-davies", "pro-kirsty-mcleod", d(2025, 3, 10), 12, "communication passport")
	w.referral("pro-nadia-hussain", "org-westbrook-housing", d(2025, 6, 9), 14, "supported housing application")
	w.referral("pro-sam-osei", "org-westbrook-skills", d(2025, 8, 26), 15, "meaningful activity and routine")
	w.referral("pro-nadia-hussain", "pro-yusuf-ahmed", d(2026, 2, 27), 16, "case transfer: worker on leave")
	w.referral("pro-tariq-mahmood", "org-brighter-futures", d(2026, 3, 23), 16, "tenancy offer: support package")
}

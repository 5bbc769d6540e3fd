package demo

import "github.com/careweb/careweb/internal/care"

// svcKind is a service a person can use: an episode of care with one kind
// of unit, staffed by one or more roles.
type svcKind uint8

const (
	sGP svcKind = iota
	sPracticeNurse
	sPharmacy
	sDistrictNursing
	sMatron
	sSpecialistNurse
	sTherapy
	sSocialWork
	sHomeCare
	sDayCentre
	sMemory
	sMentalHealth
	sLearningDisability
	sOutpatients
	sAdmission
	sHousing
	sBefriending
	sLinkWorker
	sCarersSupport
	numSvc
)

const maxLines = 5

// line is one role within a service episode. A person is assigned a
// professional for each line (reassigned when that professional leaves);
// each contact on the line is with them with probability continuity, else
// with whoever of that role is on duty.
type line struct {
	role       care.Role
	share      float64 // of the episode's contacts
	continuity float64
	// careRole is the INVOLVED_IN role; empty means the line's
	// professionals are members of the web through contacts only.
	careRole string
}

type modeShare struct {
	mode care.Mode
	p    float64
}

type svcSpec struct {
	unit       unitKind
	lines      []line
	rate       float64 // contacts per year while the episode runs
	modes      []modeShare
	setting    string // of face-to-face contacts
	hours      [2]int // first and last hour of the day contacts start in
	weekends   bool
	coordLine  int     // the line whose professional can be the named coordinator; -1 none
	before     float64 // chance the episode began before the period
	ongoing    float64 // chance it runs on past the period
	days       [2]int  // length range when it ends
	referred   float64 // chance its start is recorded as a referral
	reason     string  // referral reason
	carerLink  float64 // chance the main carer is linked to the assigned professional
	specialism []string
}

var svcSpecs = [numSvc]svcSpec{
	sGP: {unit: uPractice, rate: 5, setting: "surgery", hours: [2]int{8, 18}, coordLine: 0,
		lines:  []line{{care.RoleGP, 1, 0, "usual GP"}}, // continuity is the practice's
		modes:  []modeShare{{care.ModeFaceToFace, .6}, {care.ModePhone, .3}, {care.ModeVideo, .08}, {care.ModeHomeVisit, .02}},
		before: 1, ongoing: 1, carerLink: .35},
	sPracticeNurse: {unit: uPractice, rate: 2.5, setting: "surgery", hours: [2]int{8, 17}, coordLine: -1,
		lines:  []line{{care.RolePracticeNurse, 1, .7, "practice nurse: long-term condition reviews"}},
		modes:  []modeShare{{care.ModeFaceToFace, .85}, {care.ModePhone, .15}},
		before: .8, ongoing: .9, days: [2]int{90, 365}, referred: .5, reason: "long-term condition review", carerLink: .1},
	sPharmacy: {unit: uPharmacy, rate: 1.5, setting: "pharmacy", hours: [2]int{9, 17}, coordLine: -1,
		lines:  []line{{care.RolePharmacist, 1, .7, "pharmacist: medicines reviews"}},
		modes:  []modeShare{{care.ModeFaceToFace, .6}, {care.ModePhone, .4}},
		before: .6, ongoing: .8, days: [2]int{60, 365}, referred: .6, reason: "structured medication review", carerLink: .1},
	sDistrictNursing: {unit: uCommunity, rate: 20, setting: "clinic", hours: [2]int{8, 17}, weekends: true, coordLine: -1,
		lines:  []line{{care.RoleDistrictNurse, 1, .4, "district nurse"}},
		modes:  []modeShare{{care.ModeHomeVisit, 1}},
		before: .2, ongoing: .25, days: [2]int{21, 150}, referred: .85, reason: "wound care and pressure-area care", carerLink: .4},
	sMatron: {unit: uCommunity, rate: 8, setting: "clinic", hours: [2]int{9, 17}, coordLine: 0,
		lines:  []line{{care.RoleCommunityMatron, 1, .9, "community matron: case management"}},
		modes:  []modeShare{{care.ModeHomeVisit, .7}, {care.ModePhone, .3}},
		before: .4, ongoing: .7, days: [2]int{90, 540}, referred: .85, reason: "case management: frequent admissions", carerLink: .5},
	sSpecialistNurse: {unit: uCommunity, rate: 4, setting: "clinic", hours: [2]int{9, 17}, coordLine: -1,
		lines:  []line{{care.RoleNurseSpecialist, 1, .85, "specialist nurse"}},
		modes:  []modeShare{{care.ModeFaceToFace, .4}, {care.ModeHomeVisit, .3}, {care.ModePhone, .3}},
		before: .5, ongoing: .6, days: [2]int{90, 365}, referred: .85, reason: "specialist nursing review", carerLink: .2,
		specialism: []string{"respiratory nurse specialist", "diabetes specialist nurse", "heart failure nurse", "tissue viability nurse"}},
	sTherapy: {unit: uCommunity, rate: 20, setting: "clinic", hours: [2]int{9, 17}, coordLine: -1,
		lines: []line{{care.RoleOccupationalTherapist, .5, .9, "occupational therapist"},
			{care.RolePhysiotherapist, .5, .9, "physiotherapist"}},
		modes:  []modeShare{{care.ModeHomeVisit, .7}, {care.ModeFaceToFace, .3}},
		before: .05, ongoing: 0, days: [2]int{21, 90}, referred: .9, reason: "falls: strength, balance and home safety", carerLink: .2},
	sSocialWork: {unit: uSocialCare, rate: 6, setting: "office", hours: [2]int{9, 17}, coordLine: 0,
		lines: []line{{care.RoleSocialWorker, .85, .95, "social worker"},
			{care.RoleOccupationalTherapist, .15, .9, "occupational therapist: equipment and adaptations"}},
		modes:  []modeShare{{care.ModeHomeVisit, .6}, {care.ModePhone, .35}, {care.ModeFaceToFace, .05}},
		before: .3, ongoing: .4, days: [2]int{60, 540}, referred: .9, reason: "care needs assessment", carerLink: .7},
	sHomeCare: {unit: uHomeCare, rate: 40, setting: "home", hours: [2]int{7, 21}, weekends: true, coordLine: -1,
		lines: []line{{care.RoleHomeCareWorker, .45, .55, "home care"}, {care.RoleHomeCareWorker, .45, .55, "home care"},
			{care.RoleHomeCareWorker, .1, 0, ""}}, // rota cover
		modes:  []modeShare{{care.ModeHomeVisit, 1}},
		before: .35, ongoing: .7, days: [2]int{60, 365}, referred: .9, reason: "package of care", carerLink: .5},
	sDayCentre: {unit: uDayCentre, rate: 20, setting: "day_centre", hours: [2]int{10, 15}, coordLine: -1,
		lines:  []line{{care.RoleSupportWorker, 1, .8, "day centre key worker"}},
		modes:  []modeShare{{care.ModeFaceToFace, 1}},
		before: .4, ongoing: .8, days: [2]int{90, 540}, referred: .8, reason: "day opportunities; respite for the carer", carerLink: .4},
	sMemory: {unit: uMemory, rate: 5, setting: "clinic", hours: [2]int{9, 17}, coordLine: 1,
		lines: []line{{care.RolePsychiatrist, .3, .95, "old-age psychiatrist"},
			{care.RoleNurseSpecialist, .7, .9, "dementia nurse specialist"}},
		modes:  []modeShare{{care.ModeFaceToFace, .5}, {care.ModeHomeVisit, .3}, {care.ModePhone, .2}},
		before: .5, ongoing: .8, days: [2]int{90, 365}, referred: .95, reason: "memory assessment", carerLink: .7},
	sMentalHealth: {unit: uMentalHealth, rate: 14, setting: "clinic", hours: [2]int{9, 17}, coordLine: 0,
		lines: []line{{care.RoleMentalHealthNurse, .7, .9, "care coordinator (CPA)"},
			{care.RolePsychiatrist, .2, .9, "psychiatrist"}, {care.RoleSupportWorker, .1, .8, "support worker"}},
		modes:  []modeShare{{care.ModeFaceToFace, .5}, {care.ModePhone, .3}, {care.ModeVideo, .1}, {care.ModeHomeVisit, .1}},
		before: .4, ongoing: .4, days: [2]int{90, 540}, referred: .9, reason: "low mood and anxiety; not coping", carerLink: .4},
	sLearningDisability: {unit: uCommunity, rate: 6, setting: "clinic", hours: [2]int{9, 17}, coordLine: 0,
		lines:  []line{{care.RoleNurseSpecialist, 1, .9, "learning disability nurse"}},
		modes:  []modeShare{{care.ModeHomeVisit, .5}, {care.ModeFaceToFace, .4}, {care.ModePhone, .1}},
		before: .6, ongoing: .8, days: [2]int{180, 540}, referred: .85, reason: "health action plan and communication support", carerLink: .6},
	sOutpatients: {unit: uHospital, rate: 4, setting: "outpatients", hours: [2]int{9, 17}, coordLine: -1,
		lines:  []line{{care.RoleConsultant, 1, .85, "consultant: outpatient clinic"}},
		modes:  []modeShare{{care.ModeFaceToFace, .8}, {care.ModeVideo, .1}, {care.ModePhone, .1}},
		before: .2, ongoing: .2, days: [2]int{30, 240}, referred: .95, reason: "specialist opinion", carerLink: .1},
	sAdmission: {unit: uHospital, rate: 550, setting: "ward", hours: [2]int{8, 20}, weekends: true, coordLine: -1,
		lines: []line{{care.RoleConsultant, .25, .9, "consultant (inpatient stay)"}, {care.RoleHospitalDoctor, .25, .3, ""},
			{care.RoleWardNurse, .4, .25, "named nurse"}, {care.RolePhysiotherapist, .05, .9, ""}, {care.RoleOccupationalTherapist, .05, .9, ""}},
		modes:  []modeShare{{care.ModeFaceToFace, 1}},
		before: 0, ongoing: 0, days: [2]int{2, 21}, carerLink: .15},
	sHousing: {unit: uHousing, rate: 8, setting: "office", hours: [2]int{9, 17}, coordLine: -1,
		lines:  []line{{care.RoleHousingOfficer, 1, .9, "housing officer"}},
		modes:  []modeShare{{care.ModeHomeVisit, .4}, {care.ModePhone, .4}, {care.ModeFaceToFace, .2}},
		before: .1, ongoing: .2, days: [2]int{30, 180}, referred: .6, reason: "housing unsuitable: damp, stairs, rehousing", carerLink: .4},
	sBefriending: {unit: uBefriending, rate: 20, setting: "community", hours: [2]int{10, 18}, weekends: true, coordLine: -1,
		lines:  []line{{care.RoleVolunteer, .9, .95, "befriender"}, {care.RoleSupportWorker, .1, .8, ""}},
		modes:  []modeShare{{care.ModePhone, .6}, {care.ModeFaceToFace, .2}, {care.ModeHomeVisit, .2}},
		before: .4, ongoing: .6, days: [2]int{180, 540}, referred: .7, reason: "loneliness and isolation", carerLink: .2},
	sLinkWorker: {unit: uConnectors, rate: 10, setting: "community", hours: [2]int{9, 17}, coordLine: -1,
		lines:  []line{{care.RoleLinkWorker, 1, .95, "link worker (social prescribing)"}},
		modes:  []modeShare{{care.ModeFaceToFace, .5}, {care.ModePhone, .5}},
		before: .05, ongoing: 0, days: [2]int{30, 120}, referred: .9, reason: "social prescribing", carerLink: .2},
	sCarersSupport: {unit: uCarersCentre, rate: 2, setting: "community", hours: [2]int{9, 17}, coordLine: -1,
		lines:  []line{{care.RoleSupportWorker, 1, .95, "carers' support worker"}},
		modes:  []modeShare{{care.ModePhone, .6}, {care.ModeHomeVisit, .4}},
		before: .4, ongoing: .8, days: [2]int{90, 540}, referred: .7, reason: "carer's assessment and support", carerLink: .9},
}

// relation is a carer's relationship to the person. Family members share
// the surname (daughters only sometimes, having married). A relation named
// "spouse" becomes wife, husband or partner, with the other sex's names of
// the person's generation.
type relation struct {
	name   string
	given  [2][]string // for a person who is [woman, man]
	family float64     // chance the carer has the person's surname
	weight float64
}

func rel(name string, given []string, family, weight float64) relation {
	return relation{name, [2][]string{given, given}, family, weight}
}

type profile struct {
	name      string
	share     float64
	intensity float64 // relative contact rate
	young     bool    // given names of a younger generation
	middle    bool
	carer     float64 // chance of at least one carer
	second    float64 // chance of a second carer, given one
	relations []relation
	coord     float64 // chance of a named coordinator
	services  [numSvc]float64
	admission float64 // chance of a hospital stay in the period (scaled by intensity)
}

// Profiles of need. The shares, rates and service mixes are invented to
// look like the webs in National Voices' collection, not fitted to data.
var profiles = []profile{
	{name: "frail older person", share: .30, intensity: 1.3, carer: .8, second: .35, coord: .3, admission: .25,
		relations: []relation{{name: "spouse", weight: .4}, rel("daughter", middleWomen, .6, .25), rel("son", middleMen, 1, .15),
			rel("daughter-in-law", middleWomen, 1, .05), rel("niece", middleWomen, .3, .03), rel("neighbour", olderWomen, 0, .07), rel("friend", olderWomen, 0, .05)},
		services: svcMix(map[svcKind]float64{sPracticeNurse: .6, sPharmacy: .35, sDistrictNursing: .35, sMatron: .15, sSpecialistNurse: .1,
			sTherapy: .25, sSocialWork: .3, sHomeCare: .25, sDayCentre: .1, sMemory: .05, sMentalHealth: .03, sOutpatients: .3,
			sHousing: .05, sBefriending: .15, sLinkWorker: .1, sCarersSupport: .15})},
	{name: "several long-term conditions", share: .28, intensity: 1.0, middle: true, carer: .5, second: .2, coord: .15, admission: .15,
		relations: []relation{{name: "spouse", weight: .45}, rel("daughter", middleWomen, .6, .2), rel("son", middleMen, 1, .2),
			rel("neighbour", olderWomen, 0, .1), rel("friend", middleWomen, 0, .05)},
		services: svcMix(map[svcKind]float64{sPracticeNurse: .9, sPharmacy: .4, sDistrictNursing: .1, sMatron: .1, sSpecialistNurse: .5,
			sTherapy: .1, sSocialWork: .08, sHomeCare: .05, sMemory: .02, sMentalHealth: .12, sOutpatients: .5, sHousing: .08,
			sBefriending: .08, sLinkWorker: .15, sCarersSupport: .05})},
	{name: "dementia", share: .10, intensity: 1.4, carer: .92, second: .4, coord: .45, admission: .3,
		relations: []relation{{name: "spouse", weight: .5}, rel("daughter", middleWomen, .6, .25), rel("son", middleMen, 1, .15),
			rel("daughter-in-law", middleWomen, 1, .05), rel("neighbour", olderWomen, 0, .05)},
		services: svcMix(map[svcKind]float64{sPracticeNurse: .5, sPharmacy: .4, sDistrictNursing: .3, sMatron: .15, sTherapy: .2,
			sSocialWork: .55, sHomeCare: .45, sDayCentre: .3, sMemory: .9, sOutpatients: .2, sBefriending: .1, sLinkWorker: .08,
			sCarersSupport: .4})},
	{name: "mental health", share: .14, intensity: 1.1, middle: true, carer: .4, second: .15, coord: .6, admission: .05,
		relations: []relation{rel("mother", olderWomen, .9, .3), {name: "spouse", weight: .3}, rel("father", olderMen, 1, .1),
			rel("sister", middleWomen, .5, .1), rel("friend", middleWomen, 0, .2)},
		services: svcMix(map[svcKind]float64{sPracticeNurse: .3, sPharmacy: .2, sSocialWork: .2, sMentalHealth: .9, sOutpatients: .1,
			sHousing: .3, sBefriending: .15, sLinkWorker: .25, sDayCentre: .05})},
	{name: "learning disability", share: .05, intensity: .8, young: true, carer: .9, second: .3, coord: .5, admission: .05,
		relations: []relation{rel("mother", middleWomen, .9, .6), rel("father", middleMen, 1, .25), rel("sister", youngWomen, 1, .1),
			rel("brother", youngMen, 1, .05)},
		services: svcMix(map[svcKind]float64{sPracticeNurse: .5, sLearningDisability: .7, sSocialWork: .8, sDayCentre: .5, sMentalHealth: .3,
			sHousing: .4, sBefriending: .3, sLinkWorker: .1, sOutpatients: .1, sTherapy: .2, sCarersSupport: .2})},
	{name: "occasional user", share: .13, intensity: .35, middle: true, carer: .15, second: .1, coord: .02, admission: .04,
		relations: []relation{{name: "spouse", weight: .6}, rel("daughter", middleWomen, .6, .2), rel("son", middleMen, 1, .2)},
		services: svcMix(map[svcKind]float64{sPracticeNurse: .5, sPharmacy: .3, sOutpatients: .35, sTherapy: .15, sMentalHealth: .05,
			sLinkWorker: .05})},
}

func svcMix(m map[svcKind]float64) (a [numSvc]float64) {
	for k, v := range m {
		a[k] = v
	}
	return a
}

package care

import (
	"slices"
	"strings"
	"time"
)

// Kind is what a node is.
type Kind string

const (
	KindPerson       Kind = "person"       // someone who receives care
	KindCarer        Kind = "carer"        // an unpaid carer: family, friend, neighbour
	KindProfessional Kind = "professional" // a paid worker
	KindOrganisation Kind = "organisation" // where professionals work
)

// Kinds lists every kind, in the order they load (and sort) in.
var Kinds = []Kind{KindPerson, KindCarer, KindProfessional, KindOrganisation}

// ParseKind accepts a kind in any letter case ("Organization" too, the
// spelling FHIR and US data use).
func ParseKind(s string) (Kind, bool) {
	k := Kind(strings.ToLower(strings.TrimSpace(s)))
	if k == "organization" {
		k = KindOrganisation
	}
	for _, v := range Kinds {
		if k == v {
			return k, true
		}
	}
	return "", false
}

// Sector is an organisation's part of the health and care system.
type Sector string

const (
	SectorPrimaryCare     Sector = "primary_care"
	SectorCommunityHealth Sector = "community_health"
	SectorSecondaryCare   Sector = "secondary_care" // acute and specialist hospital care
	SectorMentalHealth    Sector = "mental_health"
	SectorSocialCare      Sector = "social_care"
	SectorVoluntary       Sector = "voluntary" // voluntary and community sector
	SectorHousing         Sector = "housing"
	SectorOther           Sector = "other"
)

// Sectors lists every sector.
var Sectors = []Sector{SectorPrimaryCare, SectorCommunityHealth, SectorSecondaryCare, SectorMentalHealth,
	SectorSocialCare, SectorVoluntary, SectorHousing, SectorOther}

// ParseSector accepts a sector in any letter case, with '-' or ' ' for '_'.
func ParseSector(s string) (Sector, bool) {
	return parseEnum(s, Sectors)
}

// Role is a professional's occupation.
type Role string

// The roles CareWeb knows. Data with another role maps to RoleOther.
const (
	RoleGP                      Role = "gp"
	RolePracticeNurse           Role = "practice_nurse"
	RoleDistrictNurse           Role = "district_nurse"
	RoleCommunityMatron         Role = "community_matron"
	RoleNurseSpecialist         Role = "nurse_specialist" // e.g. an Admiral nurse, a heart-failure nurse
	RolePharmacist              Role = "pharmacist"
	RoleConsultant              Role = "consultant"
	RoleHospitalDoctor          Role = "hospital_doctor"
	RoleWardNurse               Role = "ward_nurse"
	RolePsychiatrist            Role = "psychiatrist"
	RoleMentalHealthNurse       Role = "mental_health_nurse"
	RoleSocialWorker            Role = "social_worker"
	RoleOccupationalTherapist   Role = "occupational_therapist"
	RolePhysiotherapist         Role = "physiotherapist"
	RoleSpeechLanguageTherapist Role = "speech_and_language_therapist"
	RoleDietitian               Role = "dietitian"
	RoleParamedic               Role = "paramedic"
	RoleHomeCareWorker          Role = "home_care_worker"
	RoleCareCoordinator         Role = "care_coordinator"
	RoleLinkWorker              Role = "link_worker" // social prescribing
	RoleSupportWorker           Role = "support_worker"
	RoleHousingOfficer          Role = "housing_officer"
	RoleVolunteer               Role = "volunteer"
	RoleAdministrator           Role = "administrator"
	RoleOther                   Role = "other"
)

// Roles lists every role.
var Roles = []Role{RoleGP, RolePracticeNurse, RoleDistrictNurse, RoleCommunityMatron, RoleNurseSpecialist,
	RolePharmacist, RoleConsultant, RoleHospitalDoctor, RoleWardNurse, RolePsychiatrist, RoleMentalHealthNurse,
	RoleSocialWorker, RoleOccupationalTherapist, RolePhysiotherapist, RoleSpeechLanguageTherapist, RoleDietitian,
	RoleParamedic, RoleHomeCareWorker, RoleCareCoordinator, RoleLinkWorker, RoleSupportWorker, RoleHousingOfficer,
	RoleVolunteer, RoleAdministrator, RoleOther}

// ParseRole accepts a role in any letter case, with '-' or ' ' for '_'.
func ParseRole(s string) (Role, bool) {
	return parseEnum(s, Roles)
}

// Mode is how a contact happened.
type Mode string

const (
	ModeFaceToFace Mode = "face_to_face"
	ModePhone      Mode = "phone"
	ModeVideo      Mode = "video"
	ModeHomeVisit  Mode = "home_visit"
	ModeOther      Mode = "other"
)

// Modes lists every contact mode.
var Modes = []Mode{ModeFaceToFace, ModePhone, ModeVideo, ModeHomeVisit, ModeOther}

// ParseMode accepts a mode in any letter case, with '-' or ' ' for '_'.
func ParseMode(s string) (Mode, bool) {
	return parseEnum(s, Modes)
}

// parseEnum returns the member of all that s names once normalised
// (normaliseEnum), if any.
func parseEnum[T ~string](s string, all []T) (T, bool) {
	v := T(normaliseEnum(s))
	if slices.Contains(all, v) {
		return v, true
	}
	return "", false
}

func normaliseEnum(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	// Validate calls this for every row of a batch: only allocate when
	// there is something to replace (a strings.Replacer built per call
	// cost more than the rest of validating a contact).
	if !strings.ContainsAny(s, "- ") {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' {
			return '_'
		}
		return r
	}, s)
}

// RelType is the type of a relationship.
type RelType string

const (
	// CaresFor: a carer cares for a person (carer → person).
	CaresFor RelType = "CARES_FOR"
	// InvolvedIn: a professional is involved in a person's care (professional → person).
	InvolvedIn RelType = "INVOLVED_IN"
	// WorksIn: a professional works in an organisation (professional → organisation).
	WorksIn RelType = "WORKS_IN"
	// LinkedTo: carers, professionals or organisations are linked (shared
	// record, regular meeting, named liaison): the lines between services.
	// Undirected in meaning; stored with the direction given.
	LinkedTo RelType = "LINKED_TO"
)

// RelTypes lists every relationship type.
var RelTypes = []RelType{CaresFor, InvolvedIn, WorksIn, LinkedTo}

// ParseRelType accepts a type in any letter case, with '-' or ' ' for '_'.
func ParseRelType(s string) (RelType, bool) {
	v := RelType(strings.ToUpper(normaliseEnum(s)))
	for _, x := range RelTypes {
		if v == x {
			return v, true
		}
	}
	return "", false
}

// Endpoints reports whether a relationship of type t may run from a node of
// kind from to a node of kind to.
func (t RelType) Endpoints(from, to Kind) bool {
	switch t {
	case CaresFor:
		return from == KindCarer && to == KindPerson
	case InvolvedIn:
		return from == KindProfessional && to == KindPerson
	case WorksIn:
		return from == KindProfessional && to == KindOrganisation
	case LinkedTo:
		return from != KindPerson && to != KindPerson && from != "" && to != ""
	}
	return false
}

// expectedEnds says in words which kinds type t joins, for error messages.
func (t RelType) expectedEnds() string {
	switch t {
	case CaresFor:
		return "a carer to a person"
	case InvolvedIn:
		return "a professional to a person"
	case WorksIn:
		return "a professional to an organisation"
	case LinkedTo:
		return "carers, professionals or organisations (not people in care)"
	}
	return "?"
}

// Node is a person, carer, professional or organisation. IDs are stable
// external identifiers, unique across all kinds.
type Node struct {
	ID   string
	Kind Kind
	// Name is the display name. It identifies people: it is never logged.
	Name string
	// Role is set for professionals only.
	Role Role
	// Sector is set for organisations only.
	Sector Sector
	// Locality is an optional area (e.g. a local authority, a ward or a
	// neighbourhood) used to form cohorts.
	Locality string
}

// Relationship is a typed, time-bounded edge. Its ID is stable: when the
// writer leaves it empty, Normalise derives it from type, ends and start so
// that writing the same relationship twice is an upsert, not a duplicate.
type Relationship struct {
	ID   string
	Type RelType
	From string
	To   string
	Span Span
	// Role is the professional's role in this person's care (INVOLVED_IN).
	Role string
	// Coordinator marks the named coordinator / key contact (INVOLVED_IN).
	Coordinator bool
	// Relation is the carer's relationship to the person, e.g. "daughter" (CARES_FOR).
	Relation string
	// Consent records that the person agrees to the carer viewing their web
	// (CARES_FOR). The dated history of legal bases lives in consent records.
	Consent bool
	// Channel says how the two are linked, e.g. "shared_record" (LINKED_TO).
	Channel string
}

// Other returns the end of r that is not id.
func (r Relationship) Other(id string) string {
	if r.From == id {
		return r.To
	}
	return r.From
}

// Contact is an encounter of a person with a professional at a time.
type Contact struct {
	ID           string
	Person       string
	Professional string
	// Organisation is the organisation the contact was with, if recorded;
	// when empty, analysis uses the professional's WORKS_IN on the day.
	Organisation string
	At           time.Time
	Mode         Mode
	// Setting is a short code for where it happened (e.g. "clinic", "home", "ward").
	Setting string
}

// Referral is an explicit handoff about a person from one professional or
// organisation to another.
type Referral struct {
	ID     string
	Person string
	From   string
	To     string
	At     time.Time
	// Reason is free text: it may identify the person and is never logged.
	Reason string
}

// Less orders contacts by timestamp, then id (METRICS-REFERENCE Part 1, rule 3).
func (c Contact) Less(d Contact) bool {
	if !c.At.Equal(d.At) {
		return c.At.Before(d.At)
	}
	return c.ID < d.ID
}

// Less orders referrals by timestamp, then id.
func (r Referral) Less(s Referral) bool {
	if !r.At.Equal(s.At) {
		return r.At.Before(s.At)
	}
	return r.ID < s.ID
}

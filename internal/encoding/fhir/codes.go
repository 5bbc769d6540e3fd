package fhir

import (
	"strings"

	"github.com/careweb/careweb/internal/care"
)

// The tables below turn FHIR codes and texts into CareWeb's enumerations.
// Codes are matched first (system|code); then the words of each coding's
// display and each concept's text, in the order listed, so that the more
// specific phrase wins ("mental health nurse" before "nurse"). Anything
// unmatched becomes other, never an error: codes are too varied across
// countries and vendors to refuse an import over one.

// roleCodes are occupation codes CareWeb recognises: NUCC provider
// taxonomy (US, used by Synthea), SNOMED CT occupations, and FHIR's own
// practitioner-role code system.
var roleCodes = map[string]care.Role{
	"http://nucc.org/provider-taxonomy|208D00000X":                       care.RoleGP, // General Practice
	"http://nucc.org/provider-taxonomy|207Q00000X":                       care.RoleGP, // Family Medicine
	"http://nucc.org/provider-taxonomy|183500000X":                       care.RolePharmacist,
	"http://nucc.org/provider-taxonomy|104100000X":                       care.RoleSocialWorker,
	"http://nucc.org/provider-taxonomy|225100000X":                       care.RolePhysiotherapist, // Physical Therapist
	"http://nucc.org/provider-taxonomy|225X00000X":                       care.RoleOccupationalTherapist,
	"http://nucc.org/provider-taxonomy|235Z00000X":                       care.RoleSpeechLanguageTherapist,
	"http://nucc.org/provider-taxonomy|133V00000X":                       care.RoleDietitian,
	"http://nucc.org/provider-taxonomy|2084P0800X":                       care.RolePsychiatrist,
	"http://snomed.info/sct|62247001":                                    care.RoleGP, // General practitioner
	"http://snomed.info/sct|80584001":                                    care.RolePsychiatrist,
	"http://snomed.info/sct|46255001":                                    care.RolePharmacist,
	"http://snomed.info/sct|106328005":                                   care.RoleSocialWorker,
	"http://snomed.info/sct|36682004":                                    care.RolePhysiotherapist,
	"http://snomed.info/sct|80546007":                                    care.RoleOccupationalTherapist,
	"http://snomed.info/sct|159026005":                                   care.RoleSpeechLanguageTherapist,
	"http://snomed.info/sct|159033005":                                   care.RoleDietitian,
	"http://snomed.info/sct|397897005":                                   care.RoleParamedic,
	"http://terminology.hl7.org/CodeSystem/practitioner-role|pharmacist": care.RolePharmacist,
}

// phrase maps any of its words, found in a lower-cased text, to a value.
type phrase[T any] struct {
	words []string
	v     T
}

// matchPhrase returns the value of the first phrase with a word in s.
func matchPhrase[T any](s string, phrases []phrase[T]) (T, bool) {
	for _, p := range phrases {
		if containsAny(s, p.words) {
			return p.v, true
		}
	}
	var zero T
	return zero, false
}

var roleWords = []phrase[care.Role]{
	{[]string{"mental health nurse", "psychiatric nurse"}, care.RoleMentalHealthNurse},
	{[]string{"district nurse", "community nurse", "community nursing"}, care.RoleDistrictNurse},
	{[]string{"practice nurse"}, care.RolePracticeNurse},
	{[]string{"community matron"}, care.RoleCommunityMatron},
	{[]string{"nurse specialist", "specialist nurse", "admiral nurse"}, care.RoleNurseSpecialist},
	{[]string{"ward nurse", "staff nurse", "ward sister"}, care.RoleWardNurse},
	{[]string{"psychiatr"}, care.RolePsychiatrist},
	{[]string{"general practi", "family medicine", "family practi", "family physician"}, care.RoleGP},
	{[]string{"pharmacist"}, care.RolePharmacist},
	{[]string{"consultant"}, care.RoleConsultant},
	{[]string{"hospital doctor", "registrar", "junior doctor", "foundation doctor", "hospitalist"}, care.RoleHospitalDoctor},
	{[]string{"social work"}, care.RoleSocialWorker},
	{[]string{"occupational therap"}, care.RoleOccupationalTherapist},
	{[]string{"physiotherap", "physical therap"}, care.RolePhysiotherapist},
	{[]string{"speech"}, care.RoleSpeechLanguageTherapist},
	{[]string{"dietitian", "dietician"}, care.RoleDietitian},
	{[]string{"paramedic"}, care.RoleParamedic},
	{[]string{"care coordinator", "care co-ordinator", "care manager", "case manager", "key worker", "keyworker"}, care.RoleCareCoordinator},
	{[]string{"link worker", "social prescrib"}, care.RoleLinkWorker},
	{[]string{"home care", "homecare", "domiciliary", "care worker", "care assistant"}, care.RoleHomeCareWorker},
	{[]string{"support worker", "healthcare assistant", "health care assistant"}, care.RoleSupportWorker},
	{[]string{"housing"}, care.RoleHousingOfficer},
	{[]string{"volunteer"}, care.RoleVolunteer},
	{[]string{"administrat", "receptionist", "secretary", "clerk"}, care.RoleAdministrator},
}

// roleOf maps occupation concepts to a role: the first concept that maps
// to a role other than other wins; RoleOther when none does.
func roleOf(ccs ...[]codeableConcept) care.Role {
	for _, list := range ccs {
		for _, cc := range list {
			if r := conceptRole(cc); r != care.RoleOther {
				return r
			}
		}
	}
	return care.RoleOther
}

func conceptRole(cc codeableConcept) care.Role {
	for _, c := range cc.Coding {
		if r, ok := roleCodes[c.System+"|"+c.Code]; ok {
			return r
		}
	}
	for _, s := range conceptWords(cc) {
		if r, ok := care.ParseRole(s); ok {
			return r
		}
		if hasWord(s, "gp") {
			return care.RoleGP
		}
		if r, ok := matchPhrase(s, roleWords); ok {
			return r
		}
	}
	return care.RoleOther
}

// sectorCodes are organisation type codes CareWeb recognises: FHIR's
// organization-type code system says little about sector (prov, "Healthcare
// Provider", covers most of health care), but community and religious
// groups are the voluntary sector.
var sectorCodes = map[string]care.Sector{
	"http://terminology.hl7.org/CodeSystem/organization-type|cg":   care.SectorVoluntary,
	"http://terminology.hl7.org/CodeSystem/organization-type|reli": care.SectorVoluntary,
}

var sectorWords = []phrase[care.Sector]{
	{[]string{"mental health", "psychiatr"}, care.SectorMentalHealth},
	{[]string{"housing"}, care.SectorHousing},
	{[]string{"social care", "social services", "social work", "local authority", "council", "care home", "nursing home", "domiciliary", "home care"}, care.SectorSocialCare},
	{[]string{"voluntary", "charity", "charitable", "community group", "religious", "third sector", "non-profit", "nonprofit", "not-for-profit"}, care.SectorVoluntary},
	{[]string{"community health", "community nursing", "district nursing", "community services"}, care.SectorCommunityHealth},
	{[]string{"general practice", "gp practice", "gp surgery", "primary care", "pharmacy", "dental", "dentist", "optometr"}, care.SectorPrimaryCare},
	{[]string{"hospital", "acute", "secondary care"}, care.SectorSecondaryCare},
}

// sectorOf derives a sector from Organization.type; ok is false when
// nothing in it says which.
func sectorOf(types []codeableConcept) (care.Sector, bool) {
	for _, cc := range types {
		for _, c := range cc.Coding {
			if s, ok := sectorCodes[c.System+"|"+c.Code]; ok {
				return s, true
			}
		}
		for _, s := range conceptWords(cc) {
			if v, ok := care.ParseSector(s); ok {
				return v, true
			}
			if v, ok := matchPhrase(s, sectorWords); ok {
				return v, true
			}
		}
	}
	return "", false
}

// relationCodes are the family and other personal relationships of HL7 v3
// RoleCode (the codes RelatedPerson.relationship uses), in plain words.
var relationCodes = map[string]string{
	"WIFE": "wife", "HUSB": "husband", "SPS": "spouse", "DOMPART": "partner", "SIGOTHR": "partner",
	"DAU": "daughter", "DAUC": "daughter", "SON": "son", "SONC": "son", "CHILD": "child",
	"MTH": "mother", "FTH": "father", "PRN": "parent", "NMTH": "mother", "NFTH": "father",
	"SIS": "sister", "BRO": "brother", "SIB": "sibling", "NSIS": "sister", "NBRO": "brother",
	"GRNDDAU": "granddaughter", "GRNDSON": "grandson", "GRNDCHILD": "grandchild",
	"GRMTH": "grandmother", "GRFTH": "grandfather", "GRPRN": "grandparent",
	"NIECE": "niece", "NEPHEW": "nephew", "NIENEPH": "niece or nephew", "AUNT": "aunt", "UNCLE": "uncle", "COUSN": "cousin",
	"DAUINLAW": "daughter-in-law", "SONINLAW": "son-in-law", "MTHINLAW": "mother-in-law", "FTHINLAW": "father-in-law",
	"SISINLAW": "sister-in-law", "BROINLAW": "brother-in-law",
	"STPDAU": "stepdaughter", "STPSON": "stepson", "STPMTH": "stepmother", "STPFTH": "stepfather",
	"FRND": "friend", "NBOR": "neighbour", "ROOM": "roommate", "FAMMEMB": "family member", "EXT": "extended family member",
	"GUARD": "guardian", "POWATT": "power of attorney", "HPOWATT": "health care power of attorney",
}

// relationOf says how a carer is related to the person. A personal
// relationship code wins over a contact role (next of kin, emergency
// contact) listed alongside it; then the first text, display or code.
func relationOf(ccs []codeableConcept) string {
	for _, cc := range ccs {
		for _, c := range cc.Coding {
			if w, ok := relationCodes[strings.ToUpper(c.Code)]; ok {
				return w
			}
		}
	}
	return strings.ToLower(conceptText(ccs))
}

// classModes and classSettings read Encounter.class (HL7 v3 ActCode).
var classModes = map[string]care.Mode{"AMB": care.ModeFaceToFace, "HH": care.ModeHomeVisit, "VR": care.ModeVideo}

var classSettings = map[string]string{
	"AMB": "clinic", "HH": "home", "VR": "virtual", "IMP": "ward", "ACUTE": "ward", "NONAC": "ward",
	"EMER": "emergency", "SS": "short_stay", "OBSENC": "observation", "PRENC": "pre_admission", "FLD": "field",
}

// maxSettingLength bounds a setting taken from free text.
const maxSettingLength = 64

// modeAndSetting maps an Encounter's class (and, without a class, its
// type) to a contact mode and setting.
func modeAndSetting(class *coding, types []codeableConcept) (care.Mode, string) {
	if class != nil && class.Code != "" {
		code := strings.ToUpper(class.Code)
		mode, ok := classModes[code]
		if !ok {
			mode = care.ModeOther
		}
		setting, ok := classSettings[code]
		if !ok {
			setting = strings.ToLower(class.Code)
		}
		return mode, setting
	}
	setting := strings.ToLower(conceptText(types))
	if len(setting) > maxSettingLength {
		// Dropping what is invalid drops a character cut in two: the
		// decoded JSON text was valid UTF-8.
		setting = strings.ToValidUTF8(setting[:maxSettingLength], "")
	}
	return care.ModeOther, setting
}

var coordinatorWords = []string{"coordinat", "co-ordinat", "care manager", "case manager", "key worker", "keyworker", "lead professional"}

// isCoordinator reports whether a care-team role names the coordinator.
func isCoordinator(ccs []codeableConcept) bool {
	for _, cc := range ccs {
		for _, s := range conceptWords(cc) {
			if containsAny(s, coordinatorWords) {
				return true
			}
		}
	}
	return false
}

// isPrimaryPerformer reports whether an encounter participant's type is
// PPRF, the primary performer.
func isPrimaryPerformer(ccs []codeableConcept) bool {
	for _, cc := range ccs {
		for _, c := range cc.Coding {
			if c.Code == "PPRF" {
				return true
			}
		}
		if strings.EqualFold(cc.Text, "primary performer") {
			return true
		}
	}
	return false
}

// conceptText is the first text of the concepts, else the first coding
// display, else the first code.
func conceptText(ccs []codeableConcept) string {
	for _, cc := range ccs {
		if t := strings.TrimSpace(cc.Text); t != "" {
			return t
		}
	}
	for _, cc := range ccs {
		for _, c := range cc.Coding {
			if d := strings.TrimSpace(c.Display); d != "" {
				return d
			}
		}
	}
	for _, cc := range ccs {
		for _, c := range cc.Coding {
			if c.Code != "" {
				return c.Code
			}
		}
	}
	return ""
}

// reasonText joins the concepts' texts: a referral's reason.
func reasonText(ccs []codeableConcept) string {
	var parts []string
	for _, cc := range ccs {
		if t := conceptText([]codeableConcept{cc}); t != "" {
			parts = append(parts, t)
		}
	}
	return strings.Join(parts, "; ")
}

// conceptWords are the lower-cased text and displays of a concept.
func conceptWords(cc codeableConcept) []string {
	var out []string
	if t := strings.TrimSpace(cc.Text); t != "" {
		out = append(out, strings.ToLower(t))
	}
	for _, c := range cc.Coding {
		if d := strings.TrimSpace(c.Display); d != "" {
			out = append(out, strings.ToLower(d))
		}
		if c.Code != "" && c.System == "" {
			out = append(out, strings.ToLower(c.Code))
		}
	}
	return out
}

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// hasWord reports whether w is one of s's words.
func hasWord(s, w string) bool {
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return !('a' <= r && r <= 'z' || '0' <= r && r <= '9') }) {
		if f == w {
			return true
		}
	}
	return false
}

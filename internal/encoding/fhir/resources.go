package fhir

// The FHIR types below hold only the elements the mapping reads. Decoding
// into them with encoding/json ignores every other element, so a resource
// is checked only where CareWeb depends on it: a wrong JSON type in an
// element we read is an error located at that element, one in an element
// we ignore is not our business.

// The resource types the mapping reads. Every other type is counted and
// ignored.
const (
	typePatient          = "Patient"
	typeRelatedPerson    = "RelatedPerson"
	typePractitioner     = "Practitioner"
	typePractitionerRole = "PractitionerRole"
	typeOrganization     = "Organization"
	typeEncounter        = "Encounter"
	typeCareTeam         = "CareTeam"
	typeEpisodeOfCare    = "EpisodeOfCare"
	typeServiceRequest   = "ServiceRequest"
	typeReferralRequest  = "ReferralRequest" // STU3; replaced by ServiceRequest in R4
	typeBundle           = "Bundle"
)

type identifier struct {
	System string `json:"system"`
	Value  string `json:"value"`
}

type coding struct {
	System  string `json:"system"`
	Code    string `json:"code"`
	Display string `json:"display"`
}

type codeableConcept struct {
	Coding []coding `json:"coding"`
	Text   string   `json:"text"`
}

type period struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// reference is a FHIR Reference: a literal reference (urn:uuid, relative,
// absolute or conditional) or a logical one (an identifier).
type reference struct {
	Reference  string      `json:"reference"`
	Type       string      `json:"type"`
	Identifier *identifier `json:"identifier"`
}

type humanName struct {
	Use    string   `json:"use"`
	Text   string   `json:"text"`
	Family string   `json:"family"`
	Given  []string `json:"given"`
}

type address struct {
	Use      string `json:"use"`
	City     string `json:"city"`
	District string `json:"district"`
}

// head is what every resource has: every body embeds it, so that one
// decode reads both.
type head struct {
	ResourceType string       `json:"resourceType"`
	ID           string       `json:"id"`
	Identifier   []identifier `json:"identifier"`
}

func (h *head) meta() *head { return h }

type bundle struct {
	Type  string    `json:"type"`
	Entry []rawJSON `json:"entry"`
}

type bundleEntry struct {
	FullURL  string  `json:"fullUrl"`
	Resource rawJSON `json:"resource"`
}

type patient struct {
	head
	Name    []humanName `json:"name"`
	Address []address   `json:"address"`
}

type relatedPerson struct {
	head
	Patient      *reference        `json:"patient"`
	Relationship []codeableConcept `json:"relationship"`
	Name         []humanName       `json:"name"`
	Period       *period           `json:"period"`
}

type practitioner struct {
	head
	Name          []humanName `json:"name"`
	Qualification []struct {
		Code codeableConcept `json:"code"`
	} `json:"qualification"`
}

type practitionerRole struct {
	head
	Practitioner *reference        `json:"practitioner"`
	Organization *reference        `json:"organization"`
	Code         []codeableConcept `json:"code"`
	Specialty    []codeableConcept `json:"specialty"`
	Period       *period           `json:"period"`
}

type organization struct {
	head
	Name string            `json:"name"`
	Type []codeableConcept `json:"type"`
}

type encounter struct {
	head
	Status      string            `json:"status"`
	Class       *coding           `json:"class"`
	Type        []codeableConcept `json:"type"`
	Subject     *reference        `json:"subject"`
	Participant []struct {
		Type       []codeableConcept `json:"type"`
		Individual *reference        `json:"individual"`
	} `json:"participant"`
	Period          *period    `json:"period"`
	ServiceProvider *reference `json:"serviceProvider"`
}

type careTeam struct {
	head
	Status      string     `json:"status"`
	Subject     *reference `json:"subject"`
	Period      *period    `json:"period"`
	Participant []struct {
		Role   []codeableConcept `json:"role"`
		Member *reference        `json:"member"`
		Period *period           `json:"period"`
	} `json:"participant"`
}

type episodeOfCare struct {
	head
	Status      string      `json:"status"`
	Patient     *reference  `json:"patient"`
	CareManager *reference  `json:"careManager"`
	Team        []reference `json:"team"`
	Period      *period     `json:"period"`
}

type serviceRequest struct {
	head
	Status     string            `json:"status"`
	Subject    *reference        `json:"subject"`
	Requester  *reference        `json:"requester"`
	Performer  []reference       `json:"performer"`
	AuthoredOn string            `json:"authoredOn"`
	ReasonCode []codeableConcept `json:"reasonCode"`
}

// referralRequest is STU3's ReferralRequest, which R4 folded into
// ServiceRequest; data exported from STU3 systems still carries it.
type referralRequest struct {
	head
	Status    string     `json:"status"`
	Subject   *reference `json:"subject"`
	Requester *struct {
		Agent *reference `json:"agent"`
	} `json:"requester"`
	Recipient  []reference       `json:"recipient"`
	AuthoredOn string            `json:"authoredOn"`
	ReasonCode []codeableConcept `json:"reasonCode"`
}

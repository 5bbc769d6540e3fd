package care

import (
	"time"
)

// Basis is the legal basis on which a carer may view a person's web.
type Basis string

const (
	// BasisConsent: the person, having capacity, agrees.
	BasisConsent Basis = "consent"
	// BasisLPA: the carer holds a registered lasting power of attorney for
	// health and welfare (Mental Capacity Act 2005, s.9).
	BasisLPA Basis = "lasting_power_of_attorney"
	// BasisBestInterests: a recorded best-interests decision (Mental
	// Capacity Act 2005, s.4) that the carer should see the web.
	BasisBestInterests Basis = "best_interests"
)

// Bases lists every basis.
var Bases = []Basis{BasisConsent, BasisLPA, BasisBestInterests}

// ParseBasis accepts a basis in any letter case, with '-' or ' ' for '_'.
func ParseBasis(s string) (Basis, bool) {
	return parseEnum(s, Bases)
}

// Decision is what a consent record says: FHIR Consent.provision.type.
type Decision string

const (
	Permit Decision = "permit" // the grantee may view
	Deny   Decision = "deny"   // the grantee may not (a withdrawal, a refusal)
)

// Consent is one dated record of a decision about a carer viewing a
// person's web, shaped like FHIR R4's Consent resource: the person
// (Consent.patient), the grantee (provision.actor), the basis
// (policyRule), permit or deny (provision.type), the days it applies to
// (provision.period), when it was recorded (dateTime) and by whom
// (performer). Records are history: a withdrawal is a new Deny record,
// never an edit, so who could see what, when and why can be answered
// later.
type Consent struct {
	ID       string
	Person   string
	Grantee  string // the carer
	Basis    Basis
	Decision Decision
	// Span is the days the decision applies to; open ends allowed.
	Span Span
	// RecordedAt is when the decision was recorded.
	RecordedAt time.Time
	// RecordedBy is the id of the node who made or recorded the decision
	// (the person, the attorney, the professional who made the
	// best-interests decision); optional.
	RecordedBy string
}

// ConsentAt returns the decision in force for grantee's access to
// person on day d, given every consent record about them: among the
// records for that pair whose Span contains d and that were recorded at or
// before now, the one recorded last (then the highest id) decides. ok is
// false when there is none, which means no legal basis.
func ConsentAt(records []Consent, person, grantee string, d Date, now time.Time) (Consent, bool) {
	var best Consent
	found := false
	for _, c := range records {
		if c.Person != person || c.Grantee != grantee || !c.Span.Contains(d) || c.RecordedAt.After(now) {
			continue
		}
		if !found || c.RecordedAt.After(best.RecordedAt) || (c.RecordedAt.Equal(best.RecordedAt) && c.ID > best.ID) {
			best, found = c, true
		}
	}
	return best, found
}

// Less orders consent records by RecordedAt, then ID.
func (c Consent) Less(d Consent) bool {
	if !c.RecordedAt.Equal(d.RecordedAt) {
		return c.RecordedAt.Before(d.RecordedAt)
	}
	return c.ID < d.ID
}

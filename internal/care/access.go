package care

import "context"

// Access is what a signed-in user may do, by the part they play. Which
// people's data they reach is not part of the role: it is derived from the
// graph itself, as of the request (internal/policy).
type Access string

const (
	// AccessAdmin may read and write everything.
	AccessAdmin Access = "admin"
	// AccessPerson reads their own web, contacts and metrics.
	AccessPerson Access = "person"
	// AccessCarer reads the webs of the people they have an active
	// CARES_FOR with and a current legal basis (a Consent record) to see.
	AccessCarer Access = "carer"
	// AccessProfessional reads the webs of the people they have an active
	// INVOLVED_IN with, and records contacts and referrals for them.
	AccessProfessional Access = "professional"
	// AccessResearcher reads population summaries, network analysis and
	// pseudonymised exports only: no per-person lookups.
	AccessResearcher Access = "researcher"
)

// Accesses lists every role.
var Accesses = []Access{AccessAdmin, AccessPerson, AccessCarer, AccessProfessional, AccessResearcher}

// ParseAccess accepts a role name in any letter case.
func ParseAccess(s string) (Access, bool) {
	return parseEnum(s, Accesses)
}

// Principal is who a request acts for: the verified subject of its bearer
// token. For the person, carer and professional roles Subject is the id of
// their node in the graph; for admin and researcher it is an opaque
// identifier from the token.
type Principal struct {
	Subject string
	Access  Access
	// Issuer is who vouched for the subject: "careweb" for tokens the
	// service signs itself, else the identity provider's issuer URL.
	Issuer string
	// TokenID is the token's jti, if any, so audit records can be tied to
	// one sign-in without holding the token.
	TokenID string
}

type principalKey struct{}

// NewContextWithPrincipal returns a copy of ctx carrying p.
func NewContextWithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFromContext returns the principal ctx carries, if any.
func PrincipalFromContext(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok && p.Access != ""
}

// Package audit records who reached which person's data, and how it was
// decided, in a log of its own: one JSON line per access decision,
// written with zerolog, never sampled, and fsynced before Record returns.
//
// # What a record may hold
//
// An Event has a fixed set of typed fields and nothing free-form: no map,
// no message, no query text or variables, so nothing a caller has to hand
// (a name, a note, a GraphQL document) can ride along by mistake. The
// fields that identify people are pseudonymised by the recorder itself
// with the installation's keyed pseudonyms (internal/pseudonym), so a
// caller cannot write a raw id either:
//
//   - Person is given as the person's id and kept as its pseudonym;
//   - Grant.Relationship and Grant.Consent are given as ids and kept as
//     pseudonyms (relationship ids embed the ids of their ends);
//   - Subject is kept as a pseudonym for the person and carer roles,
//     whose subject is the id of a person or an unpaid carer in the graph;
//     professionals', admins' and researchers' subjects are staff
//     identifiers and are kept as given, since an audit trail must say
//     which member of staff looked.
//
// Operation, Outcome and Grant.Rule come from closed sets, and Subject,
// Issuer and RequestID are checked for shape, so free text is refused
// with an Invalid error rather than written.
//
// # Durability and failure
//
// Log (Open) appends to its own file, opened O_APPEND|O_CREATE with mode
// 0600, and commits in groups: one writer goroutine takes every record
// waiting, writes them in one write, fsyncs once and then answers every
// caller. Record returns only after its record is on disk; when the write
// or the fsync fails it returns an Unavailable error, and the caller
// (internal/policy) refuses the access: the log fails closed.
//
// After a failed write the log cuts the file back to its last committed
// length and tries again with the next record, so it heals when the disk
// does. When it cannot cut the file back (or the sink is not a regular
// file), a torn line may be left at its end, and the log stays failed
// until it is reopened: records are never glued onto a torn line.
package audit

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/pseudonym"
)

// Operation is what was done or asked for. Only the operations listed
// here are accepted: an unknown one is refused, so the field can never
// carry free text.
type Operation string

// Reads and subscriptions about one person, and operations over the
// population.
const (
	OpNode          Operation = "node"
	OpWeb           Operation = "web"
	OpRelationships Operation = "relationships"
	OpContacts      Operation = "contacts"
	OpReferrals     Operation = "referrals"
	OpConsents      Operation = "consents"
	OpMetrics       Operation = "metrics"
	OpSubscribe     Operation = "subscribe"
	OpExport        Operation = "export"
	OpPopulation    Operation = "population"
	OpNetwork       Operation = "network"
)

// Writes. OpWrite is a batch of mixed content; the others name what the
// write recorded.
const (
	OpWrite             Operation = "write"
	OpWriteNode         Operation = "write:node"
	OpWriteRelationship Operation = "write:relationship"
	OpWriteContact      Operation = "write:contact"
	OpWriteReferral     Operation = "write:referral"
	OpWriteConsent      Operation = "write:consent"
	OpWriteImport       Operation = "write:import"
)

// Operations lists every accepted operation.
var Operations = []Operation{
	OpNode, OpWeb, OpRelationships, OpContacts, OpReferrals, OpConsents, OpMetrics,
	OpSubscribe, OpExport, OpPopulation, OpNetwork,
	OpWrite, OpWriteNode, OpWriteRelationship, OpWriteContact, OpWriteReferral, OpWriteConsent, OpWriteImport,
}

// Write reports whether o changes the store.
func (o Operation) Write() bool { return strings.HasPrefix(string(o), string(OpWrite)) }

func (o Operation) valid() bool { return slices.Contains(Operations, o) }

// Outcome is how the decision went.
type Outcome string

const (
	// Allowed: the principal was let through.
	Allowed Outcome = "allowed"
	// Denied: the rules refused it (the caller saw NOT_FOUND or FORBIDDEN).
	Denied Outcome = "denied"
	// Error: the decision could not be made (the store failed).
	Error Outcome = "error"
)

func (o Outcome) valid() bool { return o == Allowed || o == Denied || o == Error }

// Grant says which rule, and which relationship and consent record, let
// the principal through.
type Grant struct {
	// Rule is one of: "admin"; "self"; "involved_in"; "cares_for+" and a
	// consent basis (care.Bases, e.g. "cares_for+consent"); a role name
	// (care.Accesses) for operations granted by role alone, such as a
	// researcher's population summary; or "" when nothing granted access.
	Rule string
	// Relationship is the id of the CARES_FOR or INVOLVED_IN that granted
	// access, if any. It is kept as a pseudonym.
	Relationship string
	// Consent is the id of the consent record in force, if any. It is
	// kept as a pseudonym.
	Consent string
}

// Rules every Grant.Rule is drawn from, beside the role names and
// "cares_for+" with a basis.
const (
	RuleAdmin      = "admin"
	RuleSelf       = "self"
	RuleInvolvedIn = "involved_in"
	// RuleCaresFor prefixes the consent basis: RuleCaresFor + "consent".
	RuleCaresFor = "cares_for+"
)

// validAccess is exact, unlike care.ParseAccess, which folds case: the
// log keeps the role as the principal carries it.
func validAccess(a care.Access) bool { return slices.Contains(care.Accesses, a) }

func validRule(r string) bool {
	switch r {
	case "", RuleAdmin, RuleSelf, RuleInvolvedIn:
		return true
	}
	if b, ok := strings.CutPrefix(r, RuleCaresFor); ok {
		return slices.Contains(care.Bases, care.Basis(b))
	}
	return validAccess(care.Access(r))
}

// Event is one access decision, as a caller hands it to a Recorder. It
// has these fields and no others, on purpose: see the package comment.
type Event struct {
	// Time of the decision; the recorder's clock when zero.
	Time time.Time
	// RequestID ties the event to one HTTP request (server.RequestIDFrom):
	// 1–64 of A–Z a–z 0–9 . _ -. The recorder's RequestID function fills
	// it when empty.
	RequestID string
	// Subject, Access and Issuer are the principal's (care.Principal).
	// Access "" means no one signed in; Subject must then be empty too.
	Subject string
	Access  care.Access
	Issuer  string
	// Operation is what was asked for.
	Operation Operation
	// Person is the id of the person whose data was reached ("" for
	// population operations and writes that concern no one person). The
	// recorder keeps only its pseudonym.
	Person string
	// Grant is why it was allowed (empty when it was not).
	Grant Grant
	// Outcome is how it was decided.
	Outcome Outcome
}

// EventFor returns the event for principal p.
func EventFor(p care.Principal, op Operation, person string, g Grant, out Outcome) Event {
	return Event{Subject: p.Subject, Access: p.Access, Issuer: p.Issuer, Operation: op, Person: person, Grant: g, Outcome: out}
}

// Entry is one record as the log keeps it and Read returns it: people
// appear only as pseudonyms (see the package comment for which fields).
// Its JSON form is the log's line format.
type Entry struct {
	Time      time.Time   `json:"time"`
	RequestID string      `json:"request_id,omitempty"`
	Subject   string      `json:"subject,omitempty"`
	Access    care.Access `json:"access,omitempty"`
	Issuer    string      `json:"issuer,omitempty"`
	Operation Operation   `json:"operation"`
	// Person is the person's pseudonym.
	Person string `json:"person,omitempty"`
	// Grant is the rule (Grant.Rule).
	Grant string `json:"grant,omitempty"`
	// Relationship and Consent are the pseudonyms of the granting
	// relationship and consent record.
	Relationship string  `json:"relationship,omitempty"`
	Consent      string  `json:"consent,omitempty"`
	Outcome      Outcome `json:"outcome"`
}

// Limits on the principal's fields: long enough for any identity
// provider's subject and issuer URL, too short to carry a document.
const (
	maxSubject   = 255
	maxIssuer    = 512
	maxRequestID = 64
)

// entryOf checks e and turns it into what is kept: persons, relationships
// and consents (and person and carer subjects) pseudonymised. Every
// problem is reported, located by field name. Refused values are never
// echoed back: an error is logged, and what was refused may be exactly
// what must not reach a log.
func entryOf(e Event, pz *pseudonym.Keyed) (Entry, error) {
	var ps care.Problems
	if !e.Operation.valid() {
		ps.Add("operation", "", "unknown operation; want one of audit.Operations")
	}
	if !e.Outcome.valid() {
		ps.Add("outcome", "", "want allowed, denied or error")
	}
	if !validRule(e.Grant.Rule) {
		ps.Add("grant.rule", "", "want admin, self, involved_in, cares_for+BASIS, a role name or empty")
	}
	if e.Access != "" {
		if !validAccess(e.Access) {
			ps.Add("access", "", "unknown role")
		}
		if e.Subject == "" {
			ps.Add("subject", "", "required when access is set")
		}
	} else if e.Subject != "" {
		ps.Add("subject", "", "given without an access (role)")
	}
	if msg := token(e.Subject, maxSubject); msg != "" {
		ps.Add("subject", "", "%s", msg)
	}
	if msg := token(e.Issuer, maxIssuer); msg != "" {
		ps.Add("issuer", "", "%s", msg)
	}
	if e.RequestID != "" && !requestID(e.RequestID) {
		ps.Add("request_id", "", "want 1–%d of A–Z a–z 0–9 . _ -", maxRequestID)
	}
	if err := ps.Err("audit event refused"); err != nil {
		return Entry{}, err
	}
	en := Entry{
		Time:      e.Time.UTC(),
		RequestID: e.RequestID,
		Subject:   e.Subject,
		Access:    e.Access,
		Issuer:    e.Issuer,
		Operation: e.Operation,
		Grant:     e.Grant.Rule,
		Outcome:   e.Outcome,
	}
	if e.Access == care.AccessPerson || e.Access == care.AccessCarer {
		en.Subject = pz.Of(e.Subject)
	}
	if e.Person != "" {
		en.Person = pz.Of(e.Person)
	}
	if e.Grant.Relationship != "" {
		en.Relationship = pz.Of(e.Grant.Relationship)
	}
	if e.Grant.Consent != "" {
		en.Consent = pz.Of(e.Grant.Consent)
	}
	return en, nil
}

// token reports what is wrong with s as a subject or issuer: they are
// opaque identifiers, so spaces, control characters and great length
// (the marks of free text) are refused.
func token(s string, max int) string {
	if len(s) > max {
		return fmt.Sprintf("longer than %d bytes", max)
	}
	for _, r := range s {
		if unicode.IsSpace(r) || !unicode.IsPrint(r) || r == unicode.ReplacementChar {
			return "holds a space or a control character"
		}
	}
	return ""
}

func requestID(s string) bool {
	if len(s) == 0 || len(s) > maxRequestID {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

package care

import (
	"fmt"
	"strings"
	"time"
	"unicode"
)

// Batch is a set of writes applied atomically: all of it or none of it.
// Within a batch the steps run in this order: upsert nodes, upsert
// relationships, end relationships, upsert consent records, record
// contacts and referrals, then remove relationships, contacts, referrals
// and finally delete nodes.
// Writing the same object twice (same id) is an upsert, so re-applying a
// batch is idempotent.
type Batch struct {
	Nodes               []Node
	Relationships       []Relationship
	EndRelationships    []EndRelationship
	Consents            []Consent // upserted by id
	Contacts            []Contact
	Referrals           []Referral
	RemoveRelationships []string // relationship ids; history is lost (use EndRelationships to keep it)
	DeleteContacts      []string
	DeleteReferrals     []string
	DeleteNodes         []DeleteNode
}

// EndRelationship ends an active relationship on a day: it sets Span.To.
type EndRelationship struct {
	ID string
	To Date
}

// DeleteNode removes a node. A node that relationships, consent records,
// contacts or referrals refer to is refused with Conflict unless Cascade
// is set, in which case they are removed with it (a consent record only
// loses its RecordedBy when that is the node deleted: the decision it
// records stands).
type DeleteNode struct {
	ID      string
	Cascade bool
}

// Empty reports whether the batch writes nothing.
func (b *Batch) Empty() bool {
	return len(b.Nodes)+len(b.Relationships)+len(b.EndRelationships)+len(b.Consents)+len(b.Contacts)+len(b.Referrals)+
		len(b.RemoveRelationships)+len(b.DeleteContacts)+len(b.DeleteReferrals)+len(b.DeleteNodes) == 0
}

// Size is the number of writes in the batch.
func (b *Batch) Size() int {
	return len(b.Nodes) + len(b.Relationships) + len(b.EndRelationships) + len(b.Consents) + len(b.Contacts) + len(b.Referrals) +
		len(b.RemoveRelationships) + len(b.DeleteContacts) + len(b.DeleteReferrals) + len(b.DeleteNodes)
}

// ApplyResult counts what a batch wrote.
type ApplyResult struct {
	Nodes         int
	Relationships int
	Consents      int
	Contacts      int
	Referrals     int
	Ended         int
	Removed       int // relationships, contacts and referrals removed (cascades included)
	Deleted       int // nodes deleted
}

// MaxIDLength bounds identifiers, so an id is never a vehicle for a payload.
const MaxIDLength = 256

// MaxTextLength bounds free-text fields (names, reasons, settings).
const MaxTextLength = 4096

// RelationshipID derives the stable id of a relationship written without one.
func RelationshipID(t RelType, from, to string, start Date) string {
	s := "open"
	if start != NoStart {
		s = start.String()
	}
	return fmt.Sprintf("%s:%s:%s:%s", t, from, to, s)
}

// Normalise fills defaults (an empty role or sector becomes "other", an empty
// relationship id is derived, empty modes become "other", times become UTC)
// so that every store stores the same thing.
func (b *Batch) Normalise() {
	for i := range b.Nodes {
		n := &b.Nodes[i]
		n.ID = strings.TrimSpace(n.ID)
		if n.Kind == KindProfessional && n.Role == "" {
			n.Role = RoleOther
		}
		if n.Kind == KindOrganisation && n.Sector == "" {
			n.Sector = SectorOther
		}
	}
	for i := range b.Relationships {
		r := &b.Relationships[i]
		if r.ID == "" {
			r.ID = RelationshipID(r.Type, r.From, r.To, r.Span.From)
		}
	}
	for i := range b.Contacts {
		c := &b.Contacts[i]
		if c.Mode == "" {
			c.Mode = ModeOther
		}
		c.At = c.At.UTC()
	}
	for i := range b.Referrals {
		b.Referrals[i].At = b.Referrals[i].At.UTC()
	}
	for i := range b.Consents {
		b.Consents[i].RecordedAt = b.Consents[i].RecordedAt.UTC()
	}
}

// KindLookup tells the kind of a node already in the store.
type KindLookup func(id string) (Kind, bool)

// Validate checks the batch on its own and against the store (via
// existing), and returns an Invalid *Error listing every problem found
// (up to MaxProblems), or nil. Call Normalise first. It checks: ids present
// and well-formed; kinds, roles, sectors, modes and types known; fields that
// do not belong to a kind left empty; spans with an end before the start;
// duplicate ids within the batch; a node id reused for another kind;
// relationships, consent records, contacts and referrals whose ends are
// missing (in the batch or the store) or of the wrong kinds.
func (b *Batch) Validate(existing KindLookup) error {
	var ps Problems
	kinds := make(map[string]Kind, len(b.Nodes))
	deleted := make(map[string]bool, len(b.DeleteNodes))
	for _, d := range b.DeleteNodes {
		deleted[d.ID] = true
	}
	kindOf := func(id string) (Kind, bool) {
		if k, ok := kinds[id]; ok {
			return k, true
		}
		if deleted[id] {
			return "", false
		}
		return existing(id)
	}

	for i, n := range b.Nodes {
		f := fmt.Sprintf("nodes[%d]", i)
		if !checkID(&ps, f+".id", n.ID) {
			continue
		}
		if _, ok := ParseKind(string(n.Kind)); !ok || Kind(strings.ToLower(string(n.Kind))) != n.Kind {
			ps.Add(f+".kind", string(n.Kind), "unknown kind: want one of person, carer, professional, organisation")
			continue
		}
		if _, dup := kinds[n.ID]; dup {
			ps.Add(f+".id", n.ID, "duplicate id in this batch")
			continue
		}
		if k, ok := existing(n.ID); ok && k != n.Kind && !deleted[n.ID] {
			ps.Add(f+".id", n.ID, "id already used by a %s; ids are unique across all kinds", k)
			continue
		}
		kinds[n.ID] = n.Kind
		checkText(&ps, f+".name", n.Name)
		if strings.TrimSpace(n.Name) == "" {
			ps.Add(f+".name", n.Name, "a name is required")
		}
		checkText(&ps, f+".locality", n.Locality)
		if n.Kind == KindProfessional {
			if _, ok := ParseRole(string(n.Role)); !ok || Role(normaliseEnum(string(n.Role))) != n.Role {
				ps.Add(f+".role", string(n.Role), "unknown professional role")
			}
		} else if n.Role != "" {
			ps.Add(f+".role", string(n.Role), "only professionals have a role")
		}
		if n.Kind == KindOrganisation {
			if _, ok := ParseSector(string(n.Sector)); !ok || Sector(normaliseEnum(string(n.Sector))) != n.Sector {
				ps.Add(f+".sector", string(n.Sector), "unknown sector: want one of primary_care, community_health, secondary_care, mental_health, social_care, voluntary, housing, other")
			}
		} else if n.Sector != "" {
			ps.Add(f+".sector", string(n.Sector), "only organisations have a sector")
		}
	}

	relIDs := make(map[string]bool, len(b.Relationships))
	for i, r := range b.Relationships {
		f := fmt.Sprintf("relationships[%d]", i)
		if !checkNewID(&ps, f, r.ID, relIDs, "relationship") {
			continue
		}
		if _, ok := ParseRelType(string(r.Type)); !ok || RelType(strings.ToUpper(string(r.Type))) != r.Type {
			ps.Add(f+".type", string(r.Type), "unknown relationship type: want one of CARES_FOR, INVOLVED_IN, WORKS_IN, LINKED_TO")
			continue
		}
		if !r.Span.Valid() {
			ps.Add(f+".end", r.Span.To.String(), "ends before it starts (%s)", r.Span.From)
		}
		if r.From == r.To && r.From != "" {
			ps.Add(f+".to", r.To, "a relationship cannot join a node to itself")
			continue
		}
		fk, fok := checkRef(&ps, f+".from", r.From, kindOf)
		tk, tok := checkRef(&ps, f+".to", r.To, kindOf)
		if fok && tok && !r.Type.Endpoints(fk, tk) {
			ps.Add(f+".type", string(r.Type), "%s joins %s, not a %s to a %s", r.Type, r.Type.expectedEnds(), fk, tk)
		}
		if r.Coordinator && r.Type != InvolvedIn {
			ps.Add(f+".coordinator", "true", "only INVOLVED_IN relationships name a coordinator")
		}
		if r.Consent && r.Type != CaresFor {
			ps.Add(f+".consent", "true", "only CARES_FOR relationships carry consent")
		}
		checkText(&ps, f+".role", r.Role)
		checkText(&ps, f+".relationship", r.Relation)
		checkText(&ps, f+".channel", r.Channel)
	}

	for i, e := range b.EndRelationships {
		f := fmt.Sprintf("endRelationships[%d]", i)
		checkID(&ps, f+".id", e.ID)
		if e.To.IsOpen() {
			ps.Add(f+".to", "", "an end date is required")
		}
	}

	consentIDs := make(map[string]bool, len(b.Consents))
	for i, c := range b.Consents {
		f := fmt.Sprintf("consents[%d]", i)
		if !checkNewID(&ps, f, c.ID, consentIDs, "consent record id") {
			continue
		}
		checkRefKind(&ps, f+".person", c.Person, KindPerson, kindOf)
		checkRefKind(&ps, f+".grantee", c.Grantee, KindCarer, kindOf)
		if c.RecordedBy != "" {
			checkRef(&ps, f+".recordedBy", c.RecordedBy, kindOf)
		}
		if _, ok := ParseBasis(string(c.Basis)); !ok || Basis(normaliseEnum(string(c.Basis))) != c.Basis {
			ps.Add(f+".basis", string(c.Basis), "unknown basis: want one of consent, lasting_power_of_attorney, best_interests")
		}
		if c.Decision != Permit && c.Decision != Deny {
			ps.Add(f+".decision", string(c.Decision), "unknown decision: want permit or deny")
		}
		if !c.Span.Valid() {
			ps.Add(f+".end", c.Span.To.String(), "ends before it starts (%s)", c.Span.From)
		}
		checkTime(&ps, f+".recordedAt", c.RecordedAt)
	}

	contactIDs := make(map[string]bool, len(b.Contacts))
	for i, c := range b.Contacts {
		f := fmt.Sprintf("contacts[%d]", i)
		if !checkNewID(&ps, f, c.ID, contactIDs, "contact id") {
			continue
		}
		checkRefKind(&ps, f+".person", c.Person, KindPerson, kindOf)
		checkRefKind(&ps, f+".professional", c.Professional, KindProfessional, kindOf)
		if c.Organisation != "" {
			checkRefKind(&ps, f+".organisation", c.Organisation, KindOrganisation, kindOf)
		}
		checkTime(&ps, f+".at", c.At)
		if _, ok := ParseMode(string(c.Mode)); !ok || Mode(normaliseEnum(string(c.Mode))) != c.Mode {
			ps.Add(f+".mode", string(c.Mode), "unknown contact mode: want one of face_to_face, phone, video, home_visit, other")
		}
		checkText(&ps, f+".setting", c.Setting)
	}

	refIDs := make(map[string]bool, len(b.Referrals))
	for i, r := range b.Referrals {
		f := fmt.Sprintf("referrals[%d]", i)
		if !checkNewID(&ps, f, r.ID, refIDs, "referral id") {
			continue
		}
		checkRefKind(&ps, f+".person", r.Person, KindPerson, kindOf)
		for _, end := range []struct{ field, id string }{{".from", r.From}, {".to", r.To}} {
			if k, ok := checkRef(&ps, f+end.field, end.id, kindOf); ok && k != KindProfessional && k != KindOrganisation {
				ps.Add(f+end.field, end.id, "a referral runs between professionals or organisations, not a %s", k)
			}
		}
		checkTime(&ps, f+".at", r.At)
		checkText(&ps, f+".reason", r.Reason)
	}

	for i, id := range b.RemoveRelationships {
		checkID(&ps, fmt.Sprintf("removeRelationships[%d]", i), id)
	}
	for i, id := range b.DeleteContacts {
		checkID(&ps, fmt.Sprintf("deleteContacts[%d]", i), id)
	}
	for i, id := range b.DeleteReferrals {
		checkID(&ps, fmt.Sprintf("deleteReferrals[%d]", i), id)
	}
	seenDel := make(map[string]bool, len(b.DeleteNodes))
	for i, d := range b.DeleteNodes {
		f := fmt.Sprintf("deleteNodes[%d].id", i)
		if !checkID(&ps, f, d.ID) {
			continue
		}
		if seenDel[d.ID] {
			ps.Add(f, d.ID, "node deleted twice in this batch")
		}
		seenDel[d.ID] = true
		if _, ok := existing(d.ID); !ok {
			if _, inBatch := kinds[d.ID]; !inBatch {
				ps.Add(f, d.ID, "no such node")
			}
		}
	}
	return ps.Err("invalid batch")
}

func checkID(ps *Problems, field, id string) bool {
	switch {
	case id == "":
		ps.Add(field, id, "an id is required")
	case len(id) > MaxIDLength:
		ps.Add(field, id[:32]+"…", "id longer than %d bytes", MaxIDLength)
	case strings.TrimSpace(id) != id:
		ps.Add(field, id, "id has leading or trailing spaces")
	case strings.IndexFunc(id, unicode.IsControl) >= 0:
		ps.Add(field, id, "id has control characters")
	default:
		return true
	}
	return false
}

// checkNewID checks the id of record f and that no earlier record of its
// kind in the batch (those in seen) had it; it reports whether the record
// is worth checking further.
func checkNewID(ps *Problems, f, id string, seen map[string]bool, what string) bool {
	if !checkID(ps, f+".id", id) {
		return false
	}
	if seen[id] {
		ps.Add(f+".id", id, "duplicate %s in this batch", what)
		return false
	}
	seen[id] = true
	return true
}

func checkText(ps *Problems, field, s string) {
	if len(s) > MaxTextLength {
		ps.Add(field, "", "longer than %d bytes", MaxTextLength)
	}
}

func checkTime(ps *Problems, field string, t time.Time) {
	if t.IsZero() {
		ps.Add(field, "", "a time is required")
	} else if t.Year() < 1900 || t.Year() > 2200 {
		ps.Add(field, t.Format(time.RFC3339), "time out of range (years 1900 to 2200)")
	}
}

func checkRef(ps *Problems, field, id string, kindOf KindLookup) (Kind, bool) {
	if id == "" {
		ps.Add(field, id, "a reference is required")
		return "", false
	}
	k, ok := kindOf(id)
	if !ok {
		ps.Add(field, id, "no such node (not in the store nor in this batch)")
		return "", false
	}
	return k, true
}

func checkRefKind(ps *Problems, field, id string, want Kind, kindOf KindLookup) {
	if k, ok := checkRef(ps, field, id, kindOf); ok && k != want {
		ps.Add(field, id, "must be a %s, not a %s", want, k)
	}
}

package care

import (
	"fmt"
	"slices"
	"strconv"
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

// Refs calls f with each node id the batch's relationships, consent
// records, contacts and referrals refer to, in that order, repeats
// included and empty ids left out: what a writer looks up before it
// validates the batch (see Validate).
func (b *Batch) Refs(f func(id string)) {
	ref := func(ids ...string) {
		for _, id := range ids {
			if id != "" {
				f(id)
			}
		}
	}
	for _, r := range b.Relationships {
		ref(r.From, r.To)
	}
	for _, c := range b.Consents {
		ref(c.Person, c.Grantee, c.RecordedBy)
	}
	for _, c := range b.Contacts {
		ref(c.Person, c.Professional, c.Organisation)
	}
	for _, r := range b.Referrals {
		ref(r.Person, r.From, r.To)
	}
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
		f := field{list: "nodes", i: i}
		if !checkID(&ps, f.dot(".id"), n.ID) {
			continue
		}
		if !slices.Contains(Kinds, n.Kind) { // exact: Normalise has run
			ps.Add(f.dot(".kind").String(), string(n.Kind), "unknown kind: want one of person, carer, professional, organisation")
			continue
		}
		if _, dup := kinds[n.ID]; dup {
			ps.Add(f.dot(".id").String(), n.ID, "duplicate id in this batch")
			continue
		}
		if k, ok := existing(n.ID); ok && k != n.Kind && !deleted[n.ID] {
			ps.Add(f.dot(".id").String(), n.ID, "id already used by a %s; ids are unique across all kinds", k)
			continue
		}
		kinds[n.ID] = n.Kind
		checkText(&ps, f.dot(".name"), n.Name)
		if strings.TrimSpace(n.Name) == "" {
			ps.Add(f.dot(".name").String(), n.Name, "a name is required")
		}
		checkText(&ps, f.dot(".locality"), n.Locality)
		if n.Kind == KindProfessional {
			if !slices.Contains(Roles, n.Role) {
				ps.Add(f.dot(".role").String(), string(n.Role), "unknown professional role")
			}
		} else if n.Role != "" {
			ps.Add(f.dot(".role").String(), string(n.Role), "only professionals have a role")
		}
		if n.Kind == KindOrganisation {
			if !slices.Contains(Sectors, n.Sector) {
				ps.Add(f.dot(".sector").String(), string(n.Sector), "unknown sector: want one of primary_care, community_health, secondary_care, mental_health, social_care, voluntary, housing, other")
			}
		} else if n.Sector != "" {
			ps.Add(f.dot(".sector").String(), string(n.Sector), "only organisations have a sector")
		}
	}

	relIDs := make(map[string]bool, len(b.Relationships))
	for i, r := range b.Relationships {
		f := field{list: "relationships", i: i}
		if !checkNewID(&ps, f, r.ID, relIDs, "relationship") {
			continue
		}
		if !slices.Contains(RelTypes, r.Type) {
			ps.Add(f.dot(".type").String(), string(r.Type), "unknown relationship type: want one of CARES_FOR, INVOLVED_IN, WORKS_IN, LINKED_TO")
			continue
		}
		if !r.Span.Valid() {
			ps.Add(f.dot(".end").String(), r.Span.To.String(), "ends before it starts (%s)", r.Span.From)
		}
		if r.From == r.To && r.From != "" {
			ps.Add(f.dot(".to").String(), r.To, "a relationship cannot join a node to itself")
			continue
		}
		fk, fok := checkRef(&ps, f.dot(".from"), r.From, kindOf)
		tk, tok := checkRef(&ps, f.dot(".to"), r.To, kindOf)
		if fok && tok && !r.Type.Endpoints(fk, tk) {
			ps.Add(f.dot(".type").String(), string(r.Type), "%s joins %s, not a %s to a %s", r.Type, r.Type.expectedEnds(), fk, tk)
		}
		if r.Coordinator && r.Type != InvolvedIn {
			ps.Add(f.dot(".coordinator").String(), "true", "only INVOLVED_IN relationships name a coordinator")
		}
		if r.Consent && r.Type != CaresFor {
			ps.Add(f.dot(".consent").String(), "true", "only CARES_FOR relationships carry consent")
		}
		checkText(&ps, f.dot(".role"), r.Role)
		checkText(&ps, f.dot(".relationship"), r.Relation)
		checkText(&ps, f.dot(".channel"), r.Channel)
	}

	for i, e := range b.EndRelationships {
		f := field{list: "endRelationships", i: i}
		checkID(&ps, f.dot(".id"), e.ID)
		if e.To.IsOpen() {
			ps.Add(f.dot(".to").String(), "", "an end date is required")
		}
	}

	consentIDs := make(map[string]bool, len(b.Consents))
	for i, c := range b.Consents {
		f := field{list: "consents", i: i}
		if !checkNewID(&ps, f, c.ID, consentIDs, "consent record id") {
			continue
		}
		checkRefKind(&ps, f.dot(".person"), c.Person, KindPerson, kindOf)
		checkRefKind(&ps, f.dot(".grantee"), c.Grantee, KindCarer, kindOf)
		if c.RecordedBy != "" {
			checkRef(&ps, f.dot(".recordedBy"), c.RecordedBy, kindOf)
		}
		if !slices.Contains(Bases, c.Basis) {
			ps.Add(f.dot(".basis").String(), string(c.Basis), "unknown basis: want one of consent, lasting_power_of_attorney, best_interests")
		}
		if c.Decision != Permit && c.Decision != Deny {
			ps.Add(f.dot(".decision").String(), string(c.Decision), "unknown decision: want permit or deny")
		}
		if !c.Span.Valid() {
			ps.Add(f.dot(".end").String(), c.Span.To.String(), "ends before it starts (%s)", c.Span.From)
		}
		checkTime(&ps, f.dot(".recordedAt"), c.RecordedAt)
	}

	contactIDs := make(map[string]bool, len(b.Contacts))
	for i, c := range b.Contacts {
		f := field{list: "contacts", i: i}
		if !checkNewID(&ps, f, c.ID, contactIDs, "contact id") {
			continue
		}
		checkRefKind(&ps, f.dot(".person"), c.Person, KindPerson, kindOf)
		checkRefKind(&ps, f.dot(".professional"), c.Professional, KindProfessional, kindOf)
		if c.Organisation != "" {
			checkRefKind(&ps, f.dot(".organisation"), c.Organisation, KindOrganisation, kindOf)
		}
		checkTime(&ps, f.dot(".at"), c.At)
		if !slices.Contains(Modes, c.Mode) {
			ps.Add(f.dot(".mode").String(), string(c.Mode), "unknown contact mode: want one of face_to_face, phone, video, home_visit, other")
		}
		checkText(&ps, f.dot(".setting"), c.Setting)
	}

	refIDs := make(map[string]bool, len(b.Referrals))
	for i, r := range b.Referrals {
		f := field{list: "referrals", i: i}
		if !checkNewID(&ps, f, r.ID, refIDs, "referral id") {
			continue
		}
		checkRefKind(&ps, f.dot(".person"), r.Person, KindPerson, kindOf)
		for _, end := range []struct{ field, id string }{{".from", r.From}, {".to", r.To}} {
			if k, ok := checkRef(&ps, f.dot(end.field), end.id, kindOf); ok && k != KindProfessional && k != KindOrganisation {
				ps.Add(f.dot(end.field).String(), end.id, "a referral runs between professionals or organisations, not a %s", k)
			}
		}
		checkTime(&ps, f.dot(".at"), r.At)
		checkText(&ps, f.dot(".reason"), r.Reason)
	}

	for i, id := range b.RemoveRelationships {
		checkID(&ps, field{list: "removeRelationships", i: i}, id)
	}
	for i, id := range b.DeleteContacts {
		checkID(&ps, field{list: "deleteContacts", i: i}, id)
	}
	for i, id := range b.DeleteReferrals {
		checkID(&ps, field{list: "deleteReferrals", i: i}, id)
	}
	seenDel := make(map[string]bool, len(b.DeleteNodes))
	for i, d := range b.DeleteNodes {
		f := field{list: "deleteNodes", i: i, name: ".id"}
		if !checkID(&ps, f, d.ID) {
			continue
		}
		if seenDel[d.ID] {
			ps.Add(f.String(), d.ID, "node deleted twice in this batch")
		}
		seenDel[d.ID] = true
		if _, ok := existing(d.ID); !ok {
			if _, inBatch := kinds[d.ID]; !inBatch {
				ps.Add(f.String(), d.ID, "no such node")
			}
		}
	}
	return ps.Err("invalid batch")
}

func checkID(ps *Problems, field field, id string) bool {
	switch {
	case id == "":
		ps.Add(field.String(), id, "an id is required")
	case len(id) > MaxIDLength:
		ps.Add(field.String(), id[:32]+"…", "id longer than %d bytes", MaxIDLength)
	case strings.TrimSpace(id) != id:
		ps.Add(field.String(), id, "id has leading or trailing spaces")
	case strings.IndexFunc(id, unicode.IsControl) >= 0:
		ps.Add(field.String(), id, "id has control characters")
	default:
		return true
	}
	return false
}

// checkNewID checks the id of record f and that no earlier record of its
// kind in the batch (those in seen) had it; it reports whether the record
// is worth checking further.
func checkNewID(ps *Problems, f field, id string, seen map[string]bool, what string) bool {
	if !checkID(ps, f.dot(".id"), id) {
		return false
	}
	if seen[id] {
		ps.Add(f.dot(".id").String(), id, "duplicate %s in this batch", what)
		return false
	}
	seen[id] = true
	return true
}

func checkText(ps *Problems, field field, s string) {
	if len(s) > MaxTextLength {
		ps.Add(field.String(), "", "longer than %d bytes", MaxTextLength)
	}
}

func checkTime(ps *Problems, field field, t time.Time) {
	if t.IsZero() {
		ps.Add(field.String(), "", "a time is required")
	} else if y := t.Year(); y < 1900 || y > 2200 {
		ps.Add(field.String(), t.Format(time.RFC3339), "time out of range (years 1900 to 2200)")
	}
}

func checkRef(ps *Problems, field field, id string, kindOf KindLookup) (Kind, bool) {
	if id == "" {
		ps.Add(field.String(), id, "a reference is required")
		return "", false
	}
	k, ok := kindOf(id)
	if !ok {
		ps.Add(field.String(), id, "no such node (not in the store nor in this batch)")
		return "", false
	}
	return k, true
}

func checkRefKind(ps *Problems, field field, id string, want Kind, kindOf KindLookup) {
	if k, ok := checkRef(ps, field, id, kindOf); ok && k != want {
		ps.Add(field.String(), id, "must be a %s, not a %s", want, k)
	}
}

// field names a field of one record of a batch's list, such as
// contacts[16].person. It is formatted only when there is a problem to
// report: building the text for every field of every row was most of the
// cost of validating an import.
type field struct {
	list string
	i    int
	name string // ".person"; empty for the record itself
}

// dot names another field of the same record.
func (f field) dot(name string) field {
	f.name = name
	return f
}

func (f field) String() string {
	return f.list + "[" + strconv.Itoa(f.i) + "]" + f.name
}

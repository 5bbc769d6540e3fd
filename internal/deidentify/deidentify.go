// Package deidentify wraps a care.Streamer so that what it yields may
// leave the installation for research: every identifier is replaced by its
// keyed pseudonym (internal/pseudonym), names and free text are dropped,
// and the short text fields that are codes in practice are kept only when
// they are one of a known list of codes. Every export format reads the
// population through the same wrapper, so an id gets the same pseudonym in
// every file and format made with the same key.
//
// What is kept, rewritten and dropped (docs/data-format.md, "Pseudonymised
// exports", says the same for users):
//
//   - ids of nodes, contacts, referrals and consent records: the pseudonym
//     of the id. A relationship id that was derived from its type, ends and
//     start (care.RelationshipID) is derived again from the pseudonyms of its
//     ends, so it still reads as a derived id and a re-import derives the
//     same one; any other relationship id becomes its own pseudonym.
//   - names: replaced by the node's pseudonym (a name is required of every
//     node, and the export stays importable).
//   - kind, role, sector, relationship type, spans, coordinator, consent,
//     contact times and modes, consent bases and decisions: kept (coded).
//   - locality: kept. It is the cohort key of population metrics and is
//     meant to hold an area code, not an address.
//   - the INVOLVED_IN role, the CARES_FOR relation, the LINKED_TO channel and
//     the contact setting: free text in the model, codes in practice. Each
//     is kept when it is one of the codes listed in Roles, Relations,
//     Channels and Settings (compared as care's enumerations are: any letter
//     case, '-' or ' ' for '_'), written as the code; any other non-empty
//     value becomes "other".
//   - referral reasons: dropped.
package deidentify

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/pseudonym"
)

// Other replaces a free-text value that is not a known code.
const Other = "other"

// Relations are the CARES_FOR relations kept as they are.
var Relations = []string{
	"spouse", "partner", "civil_partner", "husband", "wife",
	"mother", "father", "parent", "stepmother", "stepfather", "step_parent",
	"daughter", "son", "child", "stepdaughter", "stepson", "step_child",
	"daughter_in_law", "son_in_law", "mother_in_law", "father_in_law",
	"sister", "brother", "sibling", "grandchild", "granddaughter", "grandson",
	"grandparent", "grandmother", "grandfather",
	"niece", "nephew", "aunt", "uncle", "cousin", "other_relative",
	"friend", "neighbour", "foster_carer", "guardian", Other,
}

// Channels are the LINKED_TO channels kept as they are.
var Channels = []string{
	"shared_record", "regular_meeting", "named_liaison", "multidisciplinary_team",
	"rota", "carer_contact", "phone", "email", "referral_pathway", Other,
}

// Settings are the contact settings kept as they are.
var Settings = []string{
	"home", "remote", "clinic", "surgery", "pharmacy", "office", "community",
	"day_centre", "outpatients", "ward", "emergency_department", "care_home",
	"hospice", "school", "workplace", Other,
}

// Pseudonymiser rewrites single records by the rules of the package
// comment. It is safe for concurrent use.
type Pseudonymiser struct {
	k *pseudonym.Keyed
}

// New returns a Pseudonymiser making pseudonyms with k.
func New(k *pseudonym.Keyed) *Pseudonymiser { return &Pseudonymiser{k: k} }

// ID returns the pseudonym of a node, contact, referral or consent id; the
// empty id (an optional reference left out) stays empty.
func (p *Pseudonymiser) ID(id string) string {
	if id == "" {
		return ""
	}
	return p.k.Of(id)
}

// Node returns n with its id pseudonymised and its name replaced by that
// pseudonym.
func (p *Pseudonymiser) Node(n care.Node) care.Node { return p.node(n, p.ID) }

// Relationship returns r with its ends pseudonymised, its id re-derived or
// pseudonymised, and its free text reduced to codes.
func (p *Pseudonymiser) Relationship(r care.Relationship) care.Relationship {
	return p.relationship(r, p.ID)
}

// Contact returns c with its ids pseudonymised and its setting reduced to
// a code.
func (p *Pseudonymiser) Contact(c care.Contact) care.Contact { return p.contact(c, p.ID) }

// Referral returns r with its ids pseudonymised and its reason dropped.
func (p *Pseudonymiser) Referral(r care.Referral) care.Referral { return p.referral(r, p.ID) }

// Consent returns c with its ids pseudonymised.
func (p *Pseudonymiser) Consent(c care.Consent) care.Consent { return p.consent(c, p.ID) }

// The methods below take ref, the pseudonym of a node id, so that a
// stream can remember those of the nodes that records refer to again and
// again (the person, their professionals and organisations). The ids of
// the records themselves are unique and always go to p.ID.

func (p *Pseudonymiser) node(n care.Node, ref func(string) string) care.Node {
	n.ID = ref(n.ID)
	n.Name = n.ID
	return n
}

func (p *Pseudonymiser) relationship(r care.Relationship, ref func(string) string) care.Relationship {
	start := "open"
	if r.Span.From != care.NoStart {
		start = r.Span.From.String()
	}
	derived := isDerived(r.ID, string(r.Type), r.From, r.To, start)
	r.From, r.To = ref(r.From), ref(r.To)
	if derived {
		r.ID = string(r.Type) + ":" + r.From + ":" + r.To + ":" + start
	} else {
		r.ID = p.ID(r.ID)
	}
	r.Role = coded(r.Role, roleCodes)
	r.Relation = coded(r.Relation, Relations)
	r.Channel = coded(r.Channel, Channels)
	return r
}

func (p *Pseudonymiser) contact(c care.Contact, ref func(string) string) care.Contact {
	c.ID, c.Person, c.Professional, c.Organisation = p.ID(c.ID), ref(c.Person), ref(c.Professional), ref(c.Organisation)
	c.Setting = coded(c.Setting, Settings)
	return c
}

func (p *Pseudonymiser) referral(r care.Referral, ref func(string) string) care.Referral {
	r.ID, r.Person, r.From, r.To = p.ID(r.ID), ref(r.Person), ref(r.From), ref(r.To)
	r.Reason = ""
	return r
}

func (p *Pseudonymiser) consent(c care.Consent, ref func(string) string) care.Consent {
	c.ID, c.Person, c.Grantee, c.RecordedBy = p.ID(c.ID), ref(c.Person), ref(c.Grantee), ref(c.RecordedBy)
	return c
}

// isDerived reports whether id is care.RelationshipID of the other
// arguments ("TYPE:from:to:start"), without building it: this runs for
// every relationship of an export.
func isDerived(id, typ, from, to, start string) bool {
	for _, part := range [...]string{typ, from, to} {
		rest, ok := strings.CutPrefix(id, part)
		if !ok || len(rest) == 0 || rest[0] != ':' {
			return false
		}
		id = rest[1:]
	}
	return id == start
}

// roleCodes are care's professional roles: an INVOLVED_IN role such as
// "district nurse" is kept as district_nurse, "usual GP" becomes "other".
var roleCodes = func() []string {
	out := make([]string, len(care.Roles))
	for i, r := range care.Roles {
		out[i] = string(r)
	}
	return out
}()

// coded returns s as a code when it is one of codes (in any letter case,
// '-' or ' ' for '_'), "" when empty, else Other.
func coded(s string, codes []string) string {
	if s == "" || slices.Contains(codes, s) {
		return s
	}
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return ""
	}
	s = strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' {
			return '_'
		}
		return r
	}, s)
	if slices.Contains(codes, s) {
		return s
	}
	return Other
}

// Streamer is a care.Streamer whose records are pseudonymised.
//
// It keeps every order care.Streamer promises, by the new ids: people come
// in the order of their pseudonyms, records within a person and the
// services are sorted again. The order of the wrapped store, that of the
// original ids, must not show through: it would tell the rank of each
// person's real id (an NHS number, say) among the others.
//
// Putting people in pseudonym order needs every person read before the
// first is yielded. EachPerson reads the wrapped store once (one pass,
// one consistent read) and holds the pseudonymised records in memory up
// to Memory; past it, it sorts them in runs written to temporary files
// and merges the runs at the end (an external merge sort), so memory
// stays bounded whatever the population. The files are removed before
// EachPerson returns, whatever it returns.
type Streamer struct {
	// Memory bounds, roughly in bytes, the records EachPerson holds;
	// zero means DefaultMemory. The merge adds a 64 KiB buffer per spill
	// file, at most 64 of them.
	Memory int64
	// TempDir is where EachPerson makes its private directory for spill
	// files; "" means os.TempDir. The files hold pseudonymised personal
	// data: a directory on an encrypted volume is a good choice.
	TempDir string

	next care.Streamer
	p    *Pseudonymiser
}

// Wrap returns next with every record pseudonymised by p.
func Wrap(next care.Streamer, p *Pseudonymiser) *Streamer {
	return &Streamer{next: next, p: p}
}

// EachPerson implements care.Streamer: people in the order of their
// pseudonyms. The record handed to fn is a rewritten copy; the wrapped
// store's record is not modified.
func (s *Streamer) EachPerson(ctx context.Context, fn func(*care.PersonRecord) error) (err error) {
	srt := &sorter{limit: s.Memory, parent: s.TempDir}
	if srt.limit <= 0 {
		srt.limit = DefaultMemory
	}
	defer func() {
		if cerr := srt.close(); err == nil {
			err = cerr
		}
	}()
	// A person's records name the same professionals and organisations
	// over and over: remembering their pseudonyms saves most of the HMACs,
	// and held records share the strings. The memory is bounded; past the
	// bound it starts again.
	const remember = 1 << 16
	seen := make(map[string]string, 1024)
	ref := func(id string) string {
		if v, ok := seen[id]; ok || id == "" {
			return v
		}
		if len(seen) >= remember {
			clear(seen)
		}
		v := s.p.ID(id)
		seen[id] = v
		return v
	}
	err = s.next.EachPerson(ctx, func(in *care.PersonRecord) error {
		return srt.add(ctx, s.rewrite(in, ref))
	})
	if err != nil {
		return err
	}
	return srt.each(ctx, fn)
}

// rewrite returns a pseudonymised copy of in that owns its slices (in is
// only valid during the wrapped store's call; strings are immutable and
// may be shared). An empty list is nil, as it is after a spill file.
func (s *Streamer) rewrite(in *care.PersonRecord, ref func(string) string) *care.PersonRecord {
	out := &care.PersonRecord{Person: s.p.node(in.Person, ref)}
	if len(in.Relationships) > 0 {
		out.Relationships = make([]care.Relationship, len(in.Relationships))
		for i, r := range in.Relationships {
			out.Relationships[i] = s.p.relationship(r, ref)
		}
		slices.SortFunc(out.Relationships, compareRels)
	}
	if len(in.Contacts) > 0 {
		out.Contacts = make([]care.Contact, len(in.Contacts))
		for i, c := range in.Contacts {
			out.Contacts[i] = s.p.contact(c, ref)
		}
		slices.SortFunc(out.Contacts, func(a, b care.Contact) int { return order(a.Less(b), b.Less(a)) })
	}
	if len(in.Referrals) > 0 {
		out.Referrals = make([]care.Referral, len(in.Referrals))
		for i, r := range in.Referrals {
			out.Referrals[i] = s.p.referral(r, ref)
		}
		slices.SortFunc(out.Referrals, func(a, b care.Referral) int { return order(a.Less(b), b.Less(a)) })
	}
	if len(in.Consents) > 0 {
		out.Consents = make([]care.Consent, len(in.Consents))
		for i, c := range in.Consents {
			out.Consents[i] = s.p.consent(c, ref)
		}
		slices.SortFunc(out.Consents, func(a, b care.Consent) int { return order(a.Less(b), b.Less(a)) })
	}
	return out
}

// Services implements care.Streamer: new slices, sorted by the new ids
// (the wrapped store's may be shared and must not change).
func (s *Streamer) Services(ctx context.Context) (*care.Services, error) {
	in, err := s.next.Services(ctx)
	if err != nil {
		return nil, err
	}
	out := &care.Services{
		Nodes:         make([]care.Node, len(in.Nodes)),
		Relationships: make([]care.Relationship, len(in.Relationships)),
	}
	for i, n := range in.Nodes {
		out.Nodes[i] = s.p.Node(n)
	}
	for i, r := range in.Relationships {
		out.Relationships[i] = s.p.Relationship(r)
	}
	slices.SortFunc(out.Nodes, func(a, b care.Node) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(out.Relationships, func(a, b care.Relationship) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// compareRels is PersonRecord's relationship order: type, start, id.
func compareRels(a, b care.Relationship) int {
	return cmp.Or(cmp.Compare(a.Type, b.Type), cmp.Compare(a.Span.From, b.Span.From), strings.Compare(a.ID, b.ID))
}

func order(less, greater bool) int {
	switch {
	case less:
		return -1
	case greater:
		return 1
	}
	return 0
}

var _ care.Streamer = (*Streamer)(nil)

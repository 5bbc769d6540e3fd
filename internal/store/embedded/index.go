package embedded

import (
	"bytes"
	"cmp"
	"slices"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/careweb/careweb/internal/care"
)

// index is the in-memory form of the whole store: every read is answered
// from it, and bbolt is only written (and read at open). Its shape follows
// the numbers: nodes and relationships are few, so they are plain records
// in slices with maps by id; contacts are many (tens of millions), so
// each is a fixed 32-byte contactRec with its id in a byte arena, found
// through its person's sorted list and never through a map.
//
// Only the writer (holding Store.wmu) changes the index, and only under
// mu's write lock; readers hold mu's read lock. The writer may read the
// index without mu, since nobody else writes it.
type index struct {
	mu sync.RWMutex

	// Nodes, by number. A deleted node leaves a hole (Kind == "").
	nodes []care.Node
	byID  map[string]uint32
	// nodeRels lists the relationship slots touching each node.
	nodeRels [][]uint32
	// personContacts and personReferrals list a person's contact and
	// referral slots in (at, id) order.
	personContacts  [][]uint32
	personReferrals [][]uint32
	// contactRefs and referralRefs count the contacts naming a node as
	// professional or organisation, and the referrals naming it as from
	// or to: a delete without cascade checks them, and a cascade scans
	// only when they are non-zero.
	contactRefs  []uint32
	referralRefs []uint32
	nextNum      uint32

	rels    []relRec
	relByID map[string]uint32
	relFree []uint32

	contacts    []contactRec
	contactFree []uint32
	ids         arena
	settings    interner
	modes       interner

	referrals    []referralRec
	referralByID map[string]uint32
	referralFree []uint32

	// Consent records are few (a handful per carer), so each is a plain
	// record found by id or through its person's list, in (at, id) order.
	// A commit replaces a changed record rather than editing it, so a
	// record is never written while a reader holds it.
	consentByID    map[string]*consentRec
	personConsents [][]*consentRec
	// consentRefs counts the consent records naming a node as grantee or
	// recorder, as contactRefs does for contacts.
	consentRefs []uint32

	// canon shares the bytes of repeated short strings (localities,
	// relationship roles and channels) between records.
	canon map[string]string

	// nodeVersion counts changes to nodes; orders caches sorted node
	// lists for it.
	nodeVersion uint64
	orderMu     sync.Mutex
	orders      map[care.SortOrder]nodeOrder
}

type nodeOrder struct {
	version uint64
	nums    []uint32
}

// relRec is a relationship with its ends as node numbers. typ == "" marks
// a free slot.
type relRec struct {
	id                      string
	from, to                uint32
	span                    care.Span
	typ                     care.RelType
	role, relation, channel string
	coordinator, consent    bool
}

func (r *relRec) live() bool { return r.typ != "" }

// contactRec is one contact in 32 bytes: the index's bulk. person ==
// noNode marks a free slot. The id lives in the arena at idOff (40 bits:
// idHi, idLo) for idLen+1 bytes (ids are 1 to 256 bytes).
type contactRec struct {
	at      int64 // Unix nanoseconds, UTC
	person  uint32
	prof    uint32
	org     uint32 // noNode when not recorded
	setting uint32 // interned
	idLo    uint32
	idHi    uint8
	idLen   uint8
	mode    uint8 // interned
	_       uint8
}

func (c *contactRec) live() bool { return c.person != noNode }

func (c *contactRec) idOff() uint64 { return uint64(c.idHi)<<32 | uint64(c.idLo) }

// referralRec is one referral. person == noNode marks a free slot.
type referralRec struct {
	at       int64
	id       string
	reason   string
	person   uint32
	from, to uint32
}

func (r *referralRec) live() bool { return r.person != noNode }

// consentRec is one consent record, its nodes by number; at is
// RecordedAt in Unix nanoseconds and by is noNode when nobody is named.
type consentRec struct {
	at                  int64
	id                  string
	person, grantee, by uint32
	span                care.Span
	basis               care.Basis
	decision            care.Decision
}

// names reports whether the record names node num in any role.
func (c *consentRec) names(num uint32) bool {
	return c.person == num || c.grantee == num || c.by == num
}

// addConsent indexes a new record (at the end of its person's list: the
// caller restores the order).
func (ix *index) addConsent(c *consentRec) {
	ix.consentByID[c.id] = c
	ix.personConsents[c.person] = append(ix.personConsents[c.person], c)
	ix.consentRefs[c.grantee]++
	if c.by != noNode {
		ix.consentRefs[c.by]++
	}
}

// dropConsent unindexes a record.
func (ix *index) dropConsent(c *consentRec) {
	delete(ix.consentByID, c.id)
	list := ix.personConsents[c.person]
	if i := slices.Index(list, c); i >= 0 {
		ix.personConsents[c.person] = slices.Delete(list, i, i+1)
	}
	ix.consentRefs[c.grantee]--
	if c.by != noNode {
		ix.consentRefs[c.by]--
	}
}

// compareConsents orders records by RecordedAt, then id (care.Reader).
func compareConsents(a, b *consentRec) int {
	if c := cmp.Compare(a.at, b.at); c != 0 {
		return c
	}
	return strings.Compare(a.id, b.id)
}

func newIndex() *index {
	return &index{
		byID:         map[string]uint32{},
		relByID:      map[string]uint32{},
		referralByID: map[string]uint32{},
		consentByID:  map[string]*consentRec{},
		canon:        map[string]string{},
		settings:     newInterner(),
		modes:        newInterner(),
		orders:       map[care.SortOrder]nodeOrder{},
	}
}

// arena holds contact ids back to back in 1 MiB chunks, so that growing it
// never copies what is there and an id never straddles two chunks.
type arena struct {
	chunks [][]byte
}

const chunkBits = 20
const chunkSize = 1 << chunkBits

// add stores id and returns its offset. ids are at most care.MaxIDLength
// (256) bytes, far below a chunk.
func (a *arena) add(id string) uint64 {
	n := len(a.chunks)
	if n == 0 || len(a.chunks[n-1])+len(id) > chunkSize {
		a.chunks = append(a.chunks, make([]byte, 0, chunkSize))
		n++
	}
	c := a.chunks[n-1]
	off := uint64(n-1)<<chunkBits | uint64(len(c))
	a.chunks[n-1] = append(c, id...)
	return off
}

func (a *arena) get(off uint64, n int) []byte {
	c := a.chunks[off>>chunkBits]
	p := int(off & (chunkSize - 1))
	return c[p : p+n : p+n]
}

// contactID returns the id bytes of a contact (no copy).
func (ix *index) contactID(c *contactRec) []byte {
	return ix.ids.get(c.idOff(), int(c.idLen)+1)
}

// contactIDString views a contact's id as a string without copying. The
// arena never rewrites bytes once written (deleted ids are left as they
// are, reused slots get new bytes), so the view stays valid and immutable
// for as long as it is referenced, and reads can hand it out as is.
func (ix *index) contactIDString(c *contactRec) string {
	b := ix.contactID(c)
	return unsafe.String(&b[0], len(b))
}

func (ix *index) setContactID(c *contactRec, id string) {
	off := ix.ids.add(id)
	c.idLo, c.idHi, c.idLen = uint32(off), uint8(off>>32), uint8(len(id)-1)
}

// interner numbers distinct short strings (contact settings and modes).
type interner struct {
	list []string
	num  map[string]uint32
}

func newInterner() interner {
	return interner{list: []string{""}, num: map[string]uint32{"": 0}}
}

// add returns s's number, numbering it if new.
func (in *interner) add(s string) uint32 {
	if n, ok := in.num[s]; ok {
		return n
	}
	s = strings.Clone(s)
	n := uint32(len(in.list))
	in.list = append(in.list, s)
	in.num[s] = n
	return n
}

// addBytes is add for bytes read from bbolt, allocating only for a new string.
func (in *interner) addBytes(b []byte) uint32 {
	if n, ok := in.num[string(b)]; ok {
		return n
	}
	return in.add(string(b))
}

// maxModes bounds the mode interner: a contact keeps its mode in a byte.
const maxModes = 255

// canonical returns a shared copy of s, so that the thousands of records
// with the same locality or channel hold one string.
func (ix *index) canonical(s string) string {
	if s == "" {
		return ""
	}
	if c, ok := ix.canon[s]; ok {
		return c
	}
	if len(ix.canon) > 1<<16 {
		// Free text after all: stop sharing rather than grow without bound.
		return s
	}
	ix.canon[s] = s
	return s
}

func (ix *index) canonicalBytes(b []byte) string {
	if c, ok := ix.canon[string(b)]; ok {
		return c
	}
	return ix.canonical(string(b))
}

// ensureNode grows the per-node slices to hold num.
func (ix *index) ensureNode(num uint32) {
	for uint32(len(ix.nodes)) <= num {
		ix.nodes = append(ix.nodes, care.Node{})
		ix.nodeRels = append(ix.nodeRels, nil)
		ix.personContacts = append(ix.personContacts, nil)
		ix.personReferrals = append(ix.personReferrals, nil)
		ix.contactRefs = append(ix.contactRefs, 0)
		ix.referralRefs = append(ix.referralRefs, 0)
		ix.personConsents = append(ix.personConsents, nil)
		ix.consentRefs = append(ix.consentRefs, 0)
	}
}

// kindOf is the care.KindLookup validation uses.
func (ix *index) kindOf(id string) (care.Kind, bool) {
	if n, ok := ix.byID[id]; ok {
		return ix.nodes[n].Kind, true
	}
	return "", false
}

// Conversions from index records to domain values.

func (ix *index) relationship(r *relRec) care.Relationship {
	return care.Relationship{
		ID: r.id, Type: r.typ, From: ix.nodes[r.from].ID, To: ix.nodes[r.to].ID, Span: r.span,
		Role: r.role, Coordinator: r.coordinator, Relation: r.relation, Consent: r.consent, Channel: r.channel,
	}
}

func (ix *index) contact(c *contactRec) care.Contact {
	out := care.Contact{
		ID:           ix.contactIDString(c),
		Person:       ix.nodes[c.person].ID,
		Professional: ix.nodes[c.prof].ID,
		At:           time.Unix(0, c.at).UTC(),
		Mode:         care.Mode(ix.modes.list[c.mode]),
		Setting:      ix.settings.list[c.setting],
	}
	if c.org != noNode {
		out.Organisation = ix.nodes[c.org].ID
	}
	return out
}

func (ix *index) referral(r *referralRec) care.Referral {
	return care.Referral{
		ID: r.id, Person: ix.nodes[r.person].ID, From: ix.nodes[r.from].ID, To: ix.nodes[r.to].ID,
		At: time.Unix(0, r.at).UTC(), Reason: r.reason,
	}
}

func (ix *index) consent(c *consentRec) care.Consent {
	out := care.Consent{
		ID: c.id, Person: ix.nodes[c.person].ID, Grantee: ix.nodes[c.grantee].ID,
		Basis: c.basis, Decision: c.decision, Span: c.span, RecordedAt: time.Unix(0, c.at).UTC(),
	}
	if c.by != noNode {
		out.RecordedBy = ix.nodes[c.by].ID
	}
	return out
}

// Orders.

// compareContacts orders contact slots by (at, id): METRICS-REFERENCE
// Part 1, rule 3, and the order every contact list is kept in.
func (ix *index) compareContacts(a, b uint32) int {
	ca, cb := &ix.contacts[a], &ix.contacts[b]
	if c := cmp.Compare(ca.at, cb.at); c != 0 {
		return c
	}
	return bytes.Compare(ix.contactID(ca), ix.contactID(cb))
}

func (ix *index) compareReferrals(a, b uint32) int {
	ra, rb := &ix.referrals[a], &ix.referrals[b]
	if c := cmp.Compare(ra.at, rb.at); c != 0 {
		return c
	}
	return strings.Compare(ra.id, rb.id)
}

// compareRels orders relationships by type name, start, id: the order of
// Reader.Relationships and PersonRecord.Relationships.
func compareRels(a, b *relRec) int {
	if c := strings.Compare(string(a.typ), string(b.typ)); c != 0 {
		return c
	}
	if c := cmp.Compare(a.span.From, b.span.From); c != 0 {
		return c
	}
	return strings.Compare(a.id, b.id)
}

// findContact returns the position of slot in list, searching by the
// contact's (at, id).
func (ix *index) findContact(list []uint32, at int64, id string) (int, bool) {
	return slices.BinarySearchFunc(list, 0, func(s uint32, _ int) int {
		c := &ix.contacts[s]
		if x := cmp.Compare(c.at, at); x != 0 {
			return x
		}
		return strings.Compare(ix.contactIDString(c), id)
	})
}

func (ix *index) findReferral(list []uint32, at int64, id string) (int, bool) {
	return slices.BinarySearchFunc(list, 0, func(s uint32, _ int) int {
		r := &ix.referrals[s]
		if x := cmp.Compare(r.at, at); x != 0 {
			return x
		}
		return strings.Compare(r.id, id)
	})
}

// order returns the live node numbers sorted by s (cached until nodes
// change). The caller holds mu for reading.
func (ix *index) order(s care.SortOrder) []uint32 {
	ix.orderMu.Lock()
	defer ix.orderMu.Unlock()
	if o, ok := ix.orders[s]; ok && o.version == ix.nodeVersion {
		return o.nums
	}
	nums := make([]uint32, 0, len(ix.byID))
	for _, n := range ix.byID {
		nums = append(nums, n)
	}
	ix.sortNodes(nums, s)
	ix.orders[s] = nodeOrder{version: ix.nodeVersion, nums: nums}
	return nums
}

// sortNodes sorts node numbers by s. The caller holds mu for reading.
func (ix *index) sortNodes(nums []uint32, s care.SortOrder) {
	if s != care.SortByName {
		slices.SortFunc(nums, func(a, b uint32) int { return strings.Compare(ix.nodes[a].ID, ix.nodes[b].ID) })
		return
	}
	// Fold each name once, not at every comparison.
	type keyed struct {
		key string
		num uint32
	}
	ks := make([]keyed, len(nums))
	for i, n := range nums {
		ks[i] = keyed{care.NameKey(ix.nodes[n].Name), n}
	}
	slices.SortFunc(ks, func(a, b keyed) int {
		if c := strings.Compare(a.key, b.key); c != 0 {
			return c
		}
		return strings.Compare(ix.nodes[a.num].ID, ix.nodes[b.num].ID)
	})
	for i := range ks {
		nums[i] = ks[i].num
	}
}

// Time helpers: a window of days as a half-open range of Unix nanoseconds.

const nsPerDay = int64(24 * time.Hour)

// dayStart returns the first nanosecond of day d, clamped to int64 (the
// open ends and days beyond 1678–2262 saturate).
func dayStart(d care.Date) int64 {
	const lo, hi = -106751, 106751 // days within int64 nanoseconds
	switch {
	case d == care.NoStart || int64(d) < lo:
		return minInt64
	case d == care.NoEnd || int64(d) >= hi:
		return maxInt64
	}
	return int64(d) * nsPerDay
}

const (
	minInt64 = -1 << 63
	maxInt64 = 1<<63 - 1
)

// windowNanos returns [lo, hi) in Unix nanoseconds for the days of w.
func windowNanos(w care.Window) (lo, hi int64) {
	lo = dayStart(w.From)
	if w.To == care.NoEnd {
		return lo, maxInt64
	}
	return lo, dayStart(w.To.AddDays(1))
}

// eventRange returns the part of a list sorted by time that falls in w.
func eventRange(list []uint32, at func(uint32) int64, w care.Window) []uint32 {
	if w.From > w.To {
		return nil
	}
	lo, hi := windowNanos(w)
	i, _ := slices.BinarySearchFunc(list, lo, func(s uint32, t int64) int { return cmp.Compare(at(s), t) })
	j, _ := slices.BinarySearchFunc(list, hi, func(s uint32, t int64) int { return cmp.Compare(at(s), t) })
	if hi == maxInt64 {
		j = len(list)
	}
	if j < i {
		j = i
	}
	return list[i:j]
}

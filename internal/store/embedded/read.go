package embedded

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/careweb/careweb/internal/care"
)

// Node returns the node with id, or NotFound.
func (s *Store) Node(ctx context.Context, id string) (care.Node, error) {
	if err := s.check(ctx); err != nil {
		return care.Node{}, err
	}
	ix := s.ix
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	num, ok := ix.byID[id]
	if !ok {
		return care.Node{}, care.Errorf(care.NotFound, "no node %q", id)
	}
	return ix.nodes[num], nil
}

// Nodes returns the nodes with the given ids that exist, in the order asked.
func (s *Store) Nodes(ctx context.Context, ids []string) ([]care.Node, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	ix := s.ix
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	out := make([]care.Node, 0, len(ids))
	for _, id := range ids {
		if num, ok := ix.byID[id]; ok {
			out = append(out, ix.nodes[num])
		}
	}
	return out, nil
}

// ListNodes returns one page of the nodes matching q.
func (s *Store) ListNodes(ctx context.Context, q care.NodeQuery) (care.NodePage, error) {
	if err := s.check(ctx); err != nil {
		return care.NodePage{}, err
	}
	var ps care.Problems
	order := q.Sort
	switch order {
	case "":
		order = care.SortByID
	case care.SortByID, care.SortByName:
	default:
		ps.Add("sort", string(q.Sort), "unknown sort order: want ID or NAME")
	}
	var kinds [8]bool // by kindCode
	for i, k := range q.Kinds {
		if c := kindCode(k); c == 0 {
			ps.Add(fmtField("kinds", i), string(k), "unknown kind: want one of person, carer, professional, organisation")
		} else {
			kinds[c] = true
		}
	}
	if err := ps.Err("invalid query"); err != nil {
		return care.NodePage{}, err
	}

	ix := s.ix
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	var active []bool
	if q.ActiveIn != nil {
		active = ix.activeIn(*q.ActiveIn)
	}
	// worksIn reports whether professional n has a WORKS_IN, overlapping
	// ActiveIn when given, to an organisation that org accepts.
	worksIn := func(n uint32, org func(uint32) bool) bool {
		for _, slot := range ix.nodeRels[n] {
			r := &ix.rels[slot]
			if r.typ == care.WorksIn && r.from == n && (q.ActiveIn == nil || r.span.Overlaps(*q.ActiveIn)) && org(r.to) {
				return true
			}
		}
		return false
	}
	orgNum, orgKnown := uint32(noNode), false
	if q.Organisation != "" {
		orgNum, orgKnown = ix.byID[q.Organisation]
	}
	needle := strings.ToLower(q.NameContains)
	match := func(n uint32) bool {
		node := &ix.nodes[n]
		switch {
		case len(q.Kinds) > 0 && !kinds[kindCode(node.Kind)]:
			return false
		case q.Role != "" && (node.Kind != care.KindProfessional || node.Role != q.Role):
			return false
		case active != nil && !active[n]:
			return false
		case needle != "" && !strings.Contains(strings.ToLower(node.Name), needle):
			return false
		}
		if q.Sector != "" {
			switch node.Kind {
			case care.KindOrganisation:
				if node.Sector != q.Sector {
					return false
				}
			case care.KindProfessional:
				if !worksIn(n, func(o uint32) bool { return ix.nodes[o].Sector == q.Sector }) {
					return false
				}
			default:
				return false
			}
		}
		if q.Organisation != "" {
			if !orgKnown || node.Kind != care.KindProfessional || !worksIn(n, func(o uint32) bool { return o == orgNum }) {
				return false
			}
		}
		return true
	}
	var list []uint32
	for _, n := range ix.candidates(q.IDs, order) {
		if match(n) {
			list = append(list, n)
		}
	}
	key := func(i int) []string { return care.NodeKey(ix.nodes[list[i]], order) }
	nparts := len(key0(order))
	lo, hi, info, err := care.PageRange(len(list), nparts, key, q.Page, "")
	if err != nil {
		return care.NodePage{}, err
	}
	page := care.NodePage{Nodes: make([]care.Node, hi-lo), Info: info}
	for i := range page.Nodes {
		page.Nodes[i] = ix.nodes[list[lo+i]]
	}
	page.Cursors = care.FillCursors(&page.Info, hi-lo, func(i int) []string { return key(lo + i) })
	return page, nil
}

// candidates returns the nodes a list considers, sorted by order: every
// node, or those named by ids when ids is not nil. A few ids are sorted
// on their own; many are picked out of the cached order.
func (ix *index) candidates(ids []string, order care.SortOrder) []uint32 {
	if ids == nil {
		return ix.order(order)
	}
	all := len(ix.byID)
	if len(ids) > all/8 {
		in := make([]bool, len(ix.nodes))
		for _, id := range ids {
			if n, ok := ix.byID[id]; ok {
				in[n] = true
			}
		}
		var nums []uint32
		for _, n := range ix.order(order) {
			if in[n] {
				nums = append(nums, n)
			}
		}
		return nums
	}
	nums := make([]uint32, 0, len(ids))
	for _, id := range ids {
		if n, ok := ix.byID[id]; ok {
			nums = append(nums, n)
		}
	}
	slices.Sort(nums)
	nums = slices.Compact(nums)
	ix.sortNodes(nums, order)
	return nums
}

// key0 is the sort key of an empty node, to count the parts of an order's key.
func key0(order care.SortOrder) []string { return care.NodeKey(care.Node{}, order) }

func fmtField(name string, i int) string {
	return name + "[" + strconv.Itoa(i) + "]"
}

// activeIn marks the nodes with a relationship overlapping w or a contact
// in it. It scans every relationship and contact: a filter, not a lookup.
func (ix *index) activeIn(w care.Window) []bool {
	active := make([]bool, len(ix.nodes))
	for i := range ix.rels {
		if r := &ix.rels[i]; r.live() && r.span.Overlaps(w) {
			active[r.from], active[r.to] = true, true
		}
	}
	if w.From > w.To {
		return active
	}
	lo, hi := windowNanos(w)
	for i := range ix.contacts {
		c := &ix.contacts[i]
		if c.person != noNode && c.at >= lo && c.at < hi {
			active[c.person], active[c.prof] = true, true
			if c.org != noNode {
				active[c.org] = true
			}
		}
	}
	return active
}

// Relationships returns the relationships of one node that overlap the
// window, ordered by type, start, id.
func (s *Store) Relationships(ctx context.Context, q care.RelQuery) ([]care.Relationship, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	ix := s.ix
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	num, ok := ix.byID[q.Node]
	if !ok {
		return nil, care.Errorf(care.NotFound, "no node %q", q.Node)
	}
	return ix.relationshipsOf(num, q.Types, q.Window), nil
}

func (ix *index) relationshipsOf(num uint32, types []care.RelType, w care.Window) []care.Relationship {
	var found []*relRec
	for _, slot := range ix.nodeRels[num] {
		r := &ix.rels[slot]
		if r.span.Overlaps(w) && (len(types) == 0 || slices.Contains(types, r.typ)) {
			found = append(found, r)
		}
	}
	slices.SortFunc(found, compareRels)
	out := make([]care.Relationship, len(found))
	for i, r := range found {
		out[i] = ix.relationship(r)
	}
	return out
}

// RelationshipsOf is Relationships for many nodes; an unknown node gets
// no relationships.
func (s *Store) RelationshipsOf(ctx context.Context, nodes []string, types []care.RelType, w care.Window) ([][]care.Relationship, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	ix := s.ix
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	out := make([][]care.Relationship, len(nodes))
	for i, id := range nodes {
		if num, ok := ix.byID[id]; ok {
			out[i] = ix.relationshipsOf(num, types, w)
		}
	}
	return out, nil
}

// Relationship returns the relationship with id, or NotFound.
func (s *Store) Relationship(ctx context.Context, id string) (care.Relationship, error) {
	if err := s.check(ctx); err != nil {
		return care.Relationship{}, err
	}
	ix := s.ix
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	slot, ok := ix.relByID[id]
	if !ok {
		return care.Relationship{}, care.Errorf(care.NotFound, "no relationship %q", id)
	}
	return ix.relationship(&ix.rels[slot]), nil
}

// person returns the number of a live person, or NotFound.
func (ix *index) person(id string) (uint32, error) {
	if num, ok := ix.byID[id]; ok && ix.nodes[num].Kind == care.KindPerson {
		return num, nil
	}
	return 0, care.Errorf(care.NotFound, "no person %q", id)
}

// Web returns a person's web of care in a window (see care.Web for the
// rules, and storetest's package doc for the readings it pins).
func (s *Store) Web(ctx context.Context, personID string, w care.Window) (care.Web, error) {
	if err := s.check(ctx); err != nil {
		return care.Web{}, err
	}
	ix := s.ix
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	p, err := ix.person(personID)
	if err != nil {
		return care.Web{}, err
	}
	type member struct {
		rels, worksIn []*relRec
		contacts      int
	}
	members := map[uint32]*member{}
	get := func(n uint32) *member {
		m := members[n]
		if m == nil {
			m = &member{}
			members[n] = m
		}
		return m
	}
	for _, slot := range ix.nodeRels[p] {
		r := &ix.rels[slot]
		if r.to == p && (r.typ == care.CaresFor || r.typ == care.InvolvedIn) && r.span.Overlaps(w) {
			m := get(r.from)
			m.rels = append(m.rels, r)
		}
	}
	orgs := map[uint32]bool{}
	for _, slot := range eventRange(ix.personContacts[p], ix.contactAt, w) {
		c := &ix.contacts[slot]
		get(c.prof).contacts++
		if c.org != noNode {
			orgs[c.org] = true
		}
	}
	for n, m := range members {
		if ix.nodes[n].Kind != care.KindProfessional {
			continue
		}
		for _, slot := range ix.nodeRels[n] {
			if r := &ix.rels[slot]; r.typ == care.WorksIn && r.from == n && r.span.Overlaps(w) {
				m.worksIn = append(m.worksIn, r)
				orgs[r.to] = true
			}
		}
	}
	// Links: LINKED_TO overlapping w with both ends members, or both
	// ends organisations of the web.
	links := map[uint32]bool{}
	collect := func(n uint32, within func(uint32) bool) {
		for _, slot := range ix.nodeRels[n] {
			if r := &ix.rels[slot]; r.typ == care.LinkedTo && r.span.Overlaps(w) && within(r.from) && within(r.to) {
				links[slot] = true
			}
		}
	}
	isMember := func(n uint32) bool { return members[n] != nil }
	isOrg := func(n uint32) bool { return orgs[n] }
	for n := range members {
		collect(n, isMember)
	}
	for n := range orgs {
		collect(n, isOrg)
	}

	web := care.Web{Person: ix.nodes[p], Window: w}
	nums := make([]uint32, 0, len(members))
	for n := range members {
		nums = append(nums, n)
	}
	// Carers first, then professionals; by id within each.
	rank := func(k care.Kind) int {
		if k == care.KindCarer {
			return 0
		}
		return 1
	}
	slices.SortFunc(nums, func(a, b uint32) int {
		if c := cmp.Compare(rank(ix.nodes[a].Kind), rank(ix.nodes[b].Kind)); c != 0 {
			return c
		}
		return strings.Compare(ix.nodes[a].ID, ix.nodes[b].ID)
	})
	byStart := func(a, b *relRec) int {
		if c := cmp.Compare(a.span.From, b.span.From); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	}
	for _, n := range nums {
		m := members[n]
		slices.SortFunc(m.rels, byStart)
		slices.SortFunc(m.worksIn, byStart)
		wm := care.Member{Node: ix.nodes[n], Contacts: m.contacts}
		for _, r := range m.rels {
			wm.Relationships = append(wm.Relationships, ix.relationship(r))
		}
		for _, r := range m.worksIn {
			wm.WorksIn = append(wm.WorksIn, ix.relationship(r))
		}
		web.Members = append(web.Members, wm)
	}
	for slot := range links {
		web.Links = append(web.Links, ix.relationship(&ix.rels[slot]))
	}
	slices.SortFunc(web.Links, func(a, b care.Relationship) int { return strings.Compare(a.ID, b.ID) })
	for n := range orgs {
		web.Organisations = append(web.Organisations, ix.nodes[n])
	}
	slices.SortFunc(web.Organisations, func(a, b care.Node) int { return strings.Compare(a.ID, b.ID) })
	return web, nil
}

func (ix *index) contactAt(slot uint32) int64  { return ix.contacts[slot].at }
func (ix *index) referralAt(slot uint32) int64 { return ix.referrals[slot].at }

// Contacts returns one page of a person's contacts in a window.
func (s *Store) Contacts(ctx context.Context, q care.EventQuery) (care.ContactPage, error) {
	if err := s.check(ctx); err != nil {
		return care.ContactPage{}, err
	}
	ix := s.ix
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	p, err := ix.person(q.Person)
	if err != nil {
		return care.ContactPage{}, err
	}
	return ix.contactPage(ix.personContacts[p], q.Window, q.Page)
}

// ContactsOf is Contacts for many persons; one that is not a person gets
// an empty page.
func (s *Store) ContactsOf(ctx context.Context, persons []string, w care.Window, pg care.Page) ([]care.ContactPage, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	ix := s.ix
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	out := make([]care.ContactPage, len(persons))
	for i, id := range persons {
		var list []uint32
		if p, err := ix.person(id); err == nil {
			list = ix.personContacts[p]
		}
		page, err := ix.contactPage(list, w, pg)
		if err != nil {
			return nil, err
		}
		out[i] = page
	}
	return out, nil
}

func (ix *index) contactPage(all []uint32, w care.Window, pg care.Page) (care.ContactPage, error) {
	list := eventRange(all, ix.contactAt, w)
	key := func(i int) []string {
		c := &ix.contacts[list[i]]
		return []string{care.TimeKey(time.Unix(0, c.at)), ix.contactIDString(c)}
	}
	lo, hi, info, err := care.PageRange(len(list), 2, key, pg, "")
	if err != nil {
		return care.ContactPage{}, err
	}
	page := care.ContactPage{Contacts: make([]care.Contact, hi-lo), Info: info}
	for i := range page.Contacts {
		page.Contacts[i] = ix.contact(&ix.contacts[list[lo+i]])
	}
	page.Cursors = care.FillCursors(&page.Info, hi-lo, func(i int) []string { return key(lo + i) })
	return page, nil
}

// Referrals returns one page of a person's referrals in a window.
func (s *Store) Referrals(ctx context.Context, q care.EventQuery) (care.ReferralPage, error) {
	if err := s.check(ctx); err != nil {
		return care.ReferralPage{}, err
	}
	ix := s.ix
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	p, err := ix.person(q.Person)
	if err != nil {
		return care.ReferralPage{}, err
	}
	return ix.referralPage(ix.personReferrals[p], q.Window, q.Page)
}

// ReferralsOf is Referrals for many persons; one that is not a person
// gets an empty page.
func (s *Store) ReferralsOf(ctx context.Context, persons []string, w care.Window, pg care.Page) ([]care.ReferralPage, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	ix := s.ix
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	out := make([]care.ReferralPage, len(persons))
	for i, id := range persons {
		var list []uint32
		if p, err := ix.person(id); err == nil {
			list = ix.personReferrals[p]
		}
		page, err := ix.referralPage(list, w, pg)
		if err != nil {
			return nil, err
		}
		out[i] = page
	}
	return out, nil
}

func (ix *index) referralPage(all []uint32, w care.Window, pg care.Page) (care.ReferralPage, error) {
	list := eventRange(all, ix.referralAt, w)
	key := func(i int) []string {
		r := &ix.referrals[list[i]]
		return []string{care.TimeKey(time.Unix(0, r.at)), r.id}
	}
	lo, hi, info, err := care.PageRange(len(list), 2, key, pg, "")
	if err != nil {
		return care.ReferralPage{}, err
	}
	page := care.ReferralPage{Referrals: make([]care.Referral, hi-lo), Info: info}
	for i := range page.Referrals {
		page.Referrals[i] = ix.referral(&ix.referrals[list[lo+i]])
	}
	page.Cursors = care.FillCursors(&page.Info, hi-lo, func(i int) []string { return key(lo + i) })
	return page, nil
}

// EachPerson calls fn once per person, in id order. Each record is read
// under the index's read lock and fn runs without it, so a slow consumer
// never holds up writers (and fn may call the store). A person deleted
// during the stream is skipped; one added is not seen.
func (s *Store) EachPerson(ctx context.Context, fn func(*care.PersonRecord) error) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	ix := s.ix
	type person struct {
		num uint32
		id  string
	}
	var people []person
	ix.mu.RLock()
	for _, n := range ix.order(care.SortByID) {
		if ix.nodes[n].Kind == care.KindPerson {
			people = append(people, person{n, ix.nodes[n].ID})
		}
	}
	ix.mu.RUnlock()

	rec := &care.PersonRecord{}
	var rels []*relRec
	for _, p := range people {
		if err := ctx.Err(); err != nil {
			return care.Wrap(care.Unavailable, err, "request cancelled")
		}
		ix.mu.RLock()
		if node := ix.nodes[p.num]; node.Kind != care.KindPerson || node.ID != p.id {
			ix.mu.RUnlock()
			continue
		}
		rec.Person = ix.nodes[p.num]
		rels = rels[:0]
		for _, slot := range ix.nodeRels[p.num] {
			if r := &ix.rels[slot]; r.to == p.num && (r.typ == care.CaresFor || r.typ == care.InvolvedIn) {
				rels = append(rels, r)
			}
		}
		slices.SortFunc(rels, compareRels)
		rec.Relationships = rec.Relationships[:0]
		for _, r := range rels {
			rec.Relationships = append(rec.Relationships, ix.relationship(r))
		}
		rec.Contacts = rec.Contacts[:0]
		for _, slot := range ix.personContacts[p.num] {
			rec.Contacts = append(rec.Contacts, ix.contact(&ix.contacts[slot]))
		}
		rec.Referrals = rec.Referrals[:0]
		for _, slot := range ix.personReferrals[p.num] {
			rec.Referrals = append(rec.Referrals, ix.referral(&ix.referrals[slot]))
		}
		rec.Consents = rec.Consents[:0]
		for _, c := range ix.personConsents[p.num] {
			rec.Consents = append(rec.Consents, ix.consent(c))
		}
		ix.mu.RUnlock()
		if err := fn(rec); err != nil {
			return err
		}
	}
	return nil
}

// Services returns every node that is not a person, with the WORKS_IN and
// LINKED_TO relationships.
func (s *Store) Services(ctx context.Context) (*care.Services, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	ix := s.ix
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	svc := &care.Services{}
	for _, n := range ix.order(care.SortByID) {
		if ix.nodes[n].Kind != care.KindPerson {
			svc.Nodes = append(svc.Nodes, ix.nodes[n])
		}
	}
	for i := range ix.rels {
		if r := &ix.rels[i]; r.typ == care.WorksIn || r.typ == care.LinkedTo {
			svc.Relationships = append(svc.Relationships, ix.relationship(r))
		}
	}
	slices.SortFunc(svc.Relationships, func(a, b care.Relationship) int { return strings.Compare(a.ID, b.ID) })
	return svc, nil
}

package embedded

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unsafe"

	"go.etcd.io/bbolt"

	"github.com/careweb/careweb/internal/care"
)

// Apply normalises, validates and applies b in one bbolt transaction, then
// copies the committed changes into the index. The caller's batch is not
// modified.
//
// The work runs in three phases so that a failure anywhere changes
// nothing: Validate checks the batch against the index; plan.run, inside
// the transaction, checks what only the stored state can tell (a missing
// relationship, a node still referred to) while writing to bbolt and
// recording what the index must do; plan.commit does that under the
// index's write lock, and only once bbolt has committed.
func (s *Store) Apply(ctx context.Context, b care.Batch) (care.ApplyResult, error) {
	if err := s.check(ctx); err != nil {
		return care.ApplyResult{}, err
	}
	b = cloneBatch(b)
	b.Normalise()
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.closed.Load() {
		return care.ApplyResult{}, care.Errorf(care.Unavailable, "the store is closed")
	}
	if b.Empty() {
		return care.ApplyResult{}, b.Validate(s.ix.kindOf)
	}
	// Small batches, the service's own writes, are validated before the
	// transaction starts, so that a bad request never takes bbolt's lock.
	small := b.Size() < parallelValidation
	if small {
		if err := b.Validate(s.ix.kindOf); err != nil {
			return care.ApplyResult{}, err
		}
	}
	p := newPlan(s.ix)
	if err := s.update(p, func(tx *bbolt.Tx) error { return p.apply(tx, &b, !small) }); err != nil {
		return care.ApplyResult{}, err
	}
	return p.res, nil
}

// update runs fill in one bbolt transaction and, once bbolt has
// committed, copies the plan into the index. The caller holds wmu.
func (s *Store) update(p *plan, fill func(tx *bbolt.Tx) error) error {
	err := s.db.Update(func(tx *bbolt.Tx) error {
		if err := fill(tx); err != nil {
			return err
		}
		if err := p.finish(tx); err != nil {
			return err
		}
		if s.beforeCommit != nil {
			return s.beforeCommit()
		}
		return nil
	})
	if err != nil {
		var ce *care.Error
		if errors.As(err, &ce) {
			return err
		}
		return care.Wrap(care.Internal, err, "cannot write to the store")
	}
	s.ix.mu.Lock()
	p.commit()
	s.ix.mu.Unlock()
	return nil
}

// apply runs b in tx, validating it against the store as the plan has
// left it so far; validate false skips validation (done already).
//
// A large batch is validated on another core while it runs: validation
// is half the work of an import, and the transaction is rolled back if it
// fails. plan.run is written to be safe on a batch that has not been
// validated (it indexes nothing by the batch's values without a bounds
// check), and validation's error wins over the plan's, as if validation
// had run first. Validation reads only what run leaves alone until
// settle: the index and the nodes of the plan's earlier batches.
func (p *plan) apply(tx *bbolt.Tx, b *care.Batch, validate bool) error {
	validated := make(chan error, 1)
	switch {
	case !validate:
		validated <- nil
	case b.Size() >= parallelValidation:
		go func() { validated <- b.Validate(p.kindOf) }()
	default:
		if err := b.Validate(p.kindOf); err != nil {
			return err
		}
		validated <- nil
	}
	runErr := p.run(tx, b)
	if err := <-validated; err != nil {
		return err
	}
	if runErr != nil {
		return runErr
	}
	p.settle()
	return nil
}

// parallelValidation is the batch size from which Apply validates and
// prepares the transaction at the same time.
const parallelValidation = 2048

// cloneBatch copies the slices Normalise rewrites, so Apply leaves the
// caller's batch as it was.
func cloneBatch(b care.Batch) care.Batch {
	b.Nodes = slices.Clone(b.Nodes)
	b.Relationships = slices.Clone(b.Relationships)
	b.Consents = slices.Clone(b.Consents)
	b.Contacts = slices.Clone(b.Contacts)
	b.Referrals = slices.Clone(b.Referrals)
	return b
}

// plan is one transaction in flight, of one batch (Apply) or of many
// (ApplyStream): the bbolt writes are made as it runs, and the index
// changes are recorded, in the order made, for commit. Lookups during the
// run see the index as it was plus the changes recorded so far (the
// "overlay": nodes, relCur, contactCur, referralCur, consentUps). The plan
// never revives a slot it emptied (a record removed and written again
// gets a new slot), so commit can free a slot as soon as it empties.
type plan struct {
	ix  *index
	b   *care.Batch // the batch running
	res care.ApplyResult
	e   enc
	mem slab

	nodeUps  []nodeUp
	nodeDels []uint32
	// nodes holds the nodes written or deleted by the plan's earlier
	// batches, batchNodes those of the batch running; settle moves them
	// over once the batch is done, so that the batch's validation, which
	// may run meanwhile, sees the store as it was before the batch.
	nodes, batchNodes map[string]nodeState
	nextNum           uint32

	relOps      []relOp
	relCur      map[uint32]int // slot → its latest op
	relNew      map[string]uint32
	relLen      uint32
	relFreeUsed int

	contactOps []contactOp
	overlay    bool // a contact is looked up: keep contactCur and contactNew
	// contactLast is the greatest contact id stored or written by the
	// plan, once known; contactStored the greatest stored before it (see
	// recordContacts).
	contactLast, contactStored string
	contactLastKnown           bool
	// contactsDeferred says the plan's contact writes wait in
	// contactWrites for finish; until then they are made at once.
	contactsDeferred bool
	contactWrites    writes
	contactCur       map[uint32]int // slot → its latest op
	contactNew       map[string]uint32
	contactLen       uint32
	contactFreeUsed  int

	referralOps      []referralOp
	referralCur      map[uint32]int
	referralNew      map[string]uint32
	referralLen      uint32
	referralFreeUsed int

	consentUps   map[string]*consentRec // id → the record as the plan leaves it; nil: removed
	consentOrder []string               // the ids of consentUps, in the order first written

	// The writes to the buckets the plan never reads back, made in key
	// order when it finishes (writes.go).
	nodeWrites, relWrites, referralWrites, consentWrites writes
}

// nodeUp writes a node (a copy: the plan never keeps the caller's batch).
type nodeUp struct {
	num  uint32
	node care.Node
}

// nodeState is a node as the plan has left it: num is noNode once deleted.
type nodeState struct {
	num  uint32
	kind care.Kind
}

// relOp sets a relationship slot to rec; a rec that is not live removes it.
type relOp struct {
	slot uint32
	rec  relRec
}

// contactOp sets a contact slot; del removes it. id is the contact's id
// (the arena gets it at commit when fresh).
type contactOp struct {
	slot              uint32
	person, prof, org uint32
	at                int64
	id                string
	mode              care.Mode
	setting           string
	fresh, del        bool
}

type referralOp struct {
	slot uint32
	rec  referralRec
}

func newPlan(ix *index) *plan {
	return &plan{
		ix:          ix,
		nodes:       map[string]nodeState{},
		batchNodes:  map[string]nodeState{},
		nextNum:     ix.nextNum,
		relCur:      map[uint32]int{},
		relNew:      map[string]uint32{},
		relLen:      uint32(len(ix.rels)),
		contactCur:  map[uint32]int{},
		contactNew:  map[string]uint32{},
		contactLen:  uint32(len(ix.contacts)),
		referralCur: map[uint32]int{},
		referralNew: map[string]uint32{},
		referralLen: uint32(len(ix.referrals)),
		consentUps:  map[string]*consentRec{},

		nodeWrites:     writes{bucket: bucketNodes},
		relWrites:      writes{bucket: bucketRels},
		referralWrites: writes{bucket: bucketReferrals},
		consentWrites:  writes{bucket: bucketConsents},
		contactWrites:  writes{bucket: bucketContacts},
	}
}

// kindOf is the care.KindLookup of the store as the plan's settled
// batches leave it.
func (p *plan) kindOf(id string) (care.Kind, bool) {
	if st, ok := p.nodes[id]; ok {
		return st.kind, st.num != noNode
	}
	return p.ix.kindOf(id)
}

// node returns the number of a node as the plan has left it so far;
// ok is false for one it never had or has deleted.
func (p *plan) node(id string) (uint32, bool) {
	st, ok := p.batchNodes[id]
	if !ok {
		st, ok = p.nodes[id]
	}
	if ok {
		return st.num, st.num != noNode
	}
	num, ok := p.ix.byID[id]
	return num, ok
}

// settle ends a batch: its nodes join those of the earlier batches.
func (p *plan) settle() {
	for id, st := range p.batchNodes {
		p.nodes[id] = st
	}
	clear(p.batchNodes)
}

// byID returns 0..n-1 ordered by id(i). bbolt inserts into the leaf it
// last touched cheaply and elsewhere dearly, so writing a bucket's rows in
// key order is several times faster; batches from an import usually come
// sorted already, which the check finds in one pass.
func byID(n int, id func(int) string) []int32 {
	order := make([]int32, n)
	for i := range order {
		order[i] = int32(i)
	}
	cmp := func(a, b int32) int { return strings.Compare(id(int(a)), id(int(b))) }
	if !slices.IsSortedFunc(order, cmp) {
		slices.SortFunc(order, cmp)
	}
	return order
}

// slab hands out value buffers for bbolt, which keeps each value it is
// given until the transaction ends: one allocation per 64 KiB, not per row.
type slab struct{ buf []byte }

func (s *slab) copy(b []byte) []byte {
	if len(s.buf)+len(b) > cap(s.buf) {
		s.buf = make([]byte, 0, max(64<<10, len(b)))
	}
	n := len(s.buf)
	s.buf = append(s.buf, b...)
	return s.buf[n : n+len(b) : n+len(b)]
}

// key views a string as bytes without copying; bbolt copies keys it keeps.
func key(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// resolve returns the number of a node the batch names; Validate has made
// sure it exists in the store or the batch.
func (p *plan) resolve(id string) uint32 {
	num, _ := p.node(id)
	return num
}

// run writes b to tx and records it for commit.
func (p *plan) run(tx *bbolt.Tx, b *care.Batch) error {
	p.b = b
	if len(b.DeleteContacts)+len(b.DeleteNodes) > 0 {
		p.startOverlay()
	}
	steps := []func(*bbolt.Tx) error{
		p.upsertNodes, p.upsertRels, p.endRels, p.upsertConsents, p.recordContacts, p.recordReferrals,
		p.removeRels, p.deleteContacts, p.deleteReferrals, p.deleteNodes,
	}
	for _, step := range steps {
		if err := step(tx); err != nil {
			return err
		}
	}
	p.res.Nodes += len(b.Nodes)
	p.res.Relationships += len(b.Relationships)
	p.res.Consents += len(b.Consents)
	p.res.Contacts += len(b.Contacts)
	p.res.Referrals += len(b.Referrals)
	p.res.Ended += len(b.EndRelationships)
	p.res.Deleted += len(b.DeleteNodes)
	return nil
}

// finish writes what the plan keeps for all its batches.
func (p *plan) finish(tx *bbolt.Tx) error {
	for _, w := range []*writes{&p.nodeWrites, &p.relWrites, &p.referralWrites, &p.consentWrites, &p.contactWrites} {
		if err := w.flush(tx); err != nil {
			return err
		}
	}
	if p.nextNum == p.ix.nextNum {
		return nil
	}
	p.e.reset()
	p.e.u32(p.nextNum)
	return tx.Bucket(bucketMeta).Put(keyNextNum, p.mem.copy(p.e.b))
}

func (p *plan) upsertNodes(*bbolt.Tx) error {
	// No sorting here: nodeWrites puts them in key order at the end.
	for i := range p.b.Nodes {
		n := &p.b.Nodes[i]
		// A node deleted by an earlier batch of the plan comes back as a
		// new node, with a new number.
		num, ok := p.node(n.ID)
		if !ok {
			if p.nextNum == noNode {
				return care.Errorf(care.Conflict, "the store holds as many nodes as it can (%d)", noNode)
			}
			num = p.nextNum
			p.nextNum++
		}
		p.batchNodes[n.ID] = nodeState{num: num, kind: n.Kind}
		p.nodeUps = append(p.nodeUps, nodeUp{num: num, node: *n})
		p.nodeWrites.put(n.ID, p.mem.copy(encodeNode(&p.e, num, n)))
	}
	return nil
}

// Relationships.

// relSlot finds a live relationship by id as the batch has left it so far.
func (p *plan) relSlot(id string) (uint32, *relRec, bool) {
	slot, ok := p.relNew[id]
	if !ok {
		if slot, ok = p.ix.relByID[id]; !ok {
			return 0, nil, false
		}
	}
	r := p.relAt(slot)
	return slot, r, r.live()
}

// relAt returns the current state of a slot.
func (p *plan) relAt(slot uint32) *relRec {
	if i, ok := p.relCur[slot]; ok {
		return &p.relOps[i].rec
	}
	return &p.ix.rels[slot]
}

func (p *plan) setRel(slot uint32, rec relRec) {
	p.relCur[slot] = len(p.relOps)
	p.relOps = append(p.relOps, relOp{slot: slot, rec: rec})
}

func (p *plan) newRelSlot() uint32 {
	if p.relFreeUsed < len(p.ix.relFree) {
		p.relFreeUsed++
		return p.ix.relFree[len(p.ix.relFree)-p.relFreeUsed]
	}
	p.relLen++
	return p.relLen - 1
}

func (p *plan) upsertRels(*bbolt.Tx) error {
	for i := range p.b.Relationships {
		r := &p.b.Relationships[i]
		rec := relRec{
			id: r.ID, typ: r.Type, from: p.resolve(r.From), to: p.resolve(r.To), span: r.Span,
			role: r.Role, relation: r.Relation, channel: r.Channel, coordinator: r.Coordinator, consent: r.Consent,
		}
		slot, _, live := p.relSlot(r.ID)
		if !live {
			slot = p.newRelSlot()
			p.relNew[r.ID] = slot
		}
		p.setRel(slot, rec)
		p.relWrites.put(r.ID, p.mem.copy(encodeRel(&p.e, &rec)))
	}
	return nil
}

func (p *plan) endRels(*bbolt.Tx) error {
	var ps care.Problems
	for i, e := range p.b.EndRelationships {
		slot, cur, ok := p.relSlot(e.ID)
		if !ok {
			return care.Errorf(care.NotFound, "endRelationships[%d]: no relationship %q", i, e.ID)
		}
		if e.To < cur.span.From {
			ps.Add(fmt.Sprintf("endRelationships[%d].to", i), e.To.String(), "ends before the relationship starts (%s)", cur.span.From)
			continue
		}
		rec := *cur
		rec.span.To = e.To
		p.setRel(slot, rec)
		p.relWrites.put(rec.id, p.mem.copy(encodeRel(&p.e, &rec)))
	}
	return ps.Err("invalid batch")
}

func (p *plan) removeRels(*bbolt.Tx) error {
	for i, id := range dedupe(p.b.RemoveRelationships) {
		slot, _, ok := p.relSlot(id)
		if !ok {
			return care.Errorf(care.NotFound, "removeRelationships[%d]: no relationship %q", i, id)
		}
		p.removeRel(slot)
	}
	return nil
}

func (p *plan) removeRel(slot uint32) {
	id := p.relAt(slot).id
	p.setRel(slot, relRec{id: id})
	p.res.Removed++
	p.relWrites.delete(id)
}

// Contacts.

func (p *plan) newContactSlot() uint32 {
	if p.contactFreeUsed < len(p.ix.contactFree) {
		p.contactFreeUsed++
		return p.ix.contactFree[len(p.ix.contactFree)-p.contactFreeUsed]
	}
	p.contactLen++
	return p.contactLen - 1
}

func (p *plan) addContactOp(op contactOp) {
	p.contactOps = append(p.contactOps, op)
	if p.overlay {
		p.indexContactOp(len(p.contactOps) - 1)
	}
}

// startOverlay keeps contactCur and contactNew from now on, filled with
// the contacts recorded so far. A plan starts without them: most write
// contacts only, millions of them, and never look one up again.
func (p *plan) startOverlay() {
	if p.overlay {
		return
	}
	p.overlay = true
	for i := range p.contactOps {
		p.indexContactOp(i)
	}
}

func (p *plan) indexContactOp(i int) {
	op := &p.contactOps[i]
	p.contactCur[op.slot] = i
	if !op.del {
		p.contactNew[op.id] = op.slot
	}
}

// contactSlot finds the slot of a contact that bbolt holds (v is its
// value in tx): one stored before the plan, whose writes wait for finish.
func (p *plan) contactSlot(id string, v []byte) (uint32, error) {
	h, err := decodeContactHead(v)
	if err != nil {
		return 0, corrupt(bucketContacts, key(id), err)
	}
	if h.person < uint32(len(p.ix.personContacts)) {
		list := p.ix.personContacts[h.person]
		if i, ok := p.ix.findContact(list, h.at, id); ok {
			return list[i], nil
		}
	}
	return 0, care.Wrap(care.Internal, errors.New("contact "+id+" is on disk but not in the index"), "the store's index is out of step")
}

func (p *plan) recordContacts(tx *bbolt.Tx) error {
	cs := p.b.Contacts
	if len(cs) == 0 {
		return nil
	}
	bk := tx.Bucket(bucketContacts)
	order := byID(len(cs), func(i int) string { return cs[i].ID })
	// While each batch's ids sort after every id stored or written so far
	// (a bulk load in id order) none exists yet: nothing is looked up, and
	// the writes, which only append, are made at once. The first batch
	// that does not moves the plan to deferred writes (deferContacts).
	if !p.contactLastKnown {
		last, _ := bk.Cursor().Last()
		p.contactLast, p.contactStored, p.contactLastKnown = string(last), string(last), true
	}
	appendOnly := cs[order[0]].ID > p.contactLast
	p.contactLast = max(p.contactLast, cs[order[len(order)-1]].ID)
	if appendOnly && !p.contactsDeferred {
		bk.FillPercent = 0.9
	}
	for _, i := range order {
		c := &cs[i]
		op := contactOp{
			person: p.resolve(c.Person), prof: p.resolve(c.Professional), org: noNode,
			at: c.At.UnixNano(), id: c.ID, mode: c.Mode, setting: c.Setting,
		}
		if c.Organisation != "" {
			op.org = p.resolve(c.Organisation)
		}
		slot, found := uint32(0), false
		if !appendOnly {
			var err error
			if slot, found, err = p.liveContact(bk, c.ID); err != nil {
				return err
			}
		}
		if found {
			op.slot = slot
		} else {
			op.slot, op.fresh = p.newContactSlot(), true
		}
		p.addContactOp(op)
		v := p.mem.copy(encodeContact(&p.e, op.person, op.prof, op.org, op.at, op.mode, op.setting))
		if p.contactsDeferred {
			p.contactWrites.put(c.ID, v)
		} else if err := bk.Put(key(c.ID), v); err != nil {
			return err
		}
	}
	return nil
}

// contactState is the state of a contact slot as the batch has left it
// so far (overlay mode only).
func (p *plan) contactState(slot uint32) (person, prof, org uint32, id string, live bool) {
	if i, ok := p.contactCur[slot]; ok {
		op := &p.contactOps[i]
		return op.person, op.prof, op.org, op.id, !op.del
	}
	c := &p.ix.contacts[slot]
	if !c.live() {
		return 0, 0, 0, "", false
	}
	return c.person, c.prof, c.org, p.ix.contactIDString(c), true
}

func (p *plan) removeContact(bk *bbolt.Bucket, slot uint32, id string) error {
	if err := p.deferContacts(bk); err != nil {
		return err
	}
	p.addContactOp(contactOp{slot: slot, id: id, del: true})
	p.res.Removed++
	p.contactWrites.delete(id)
	return nil
}

// deferContacts makes the plan's contact writes wait in contactWrites
// for finish, made in key order (writes.go), from the first batch whose
// ids land among those already in the bucket, or the first lookup or
// removal. Written at once, batches of ids in no order (FHIR's uuids)
// would each move the rest of bbolt's one growing leaf: a stream of them
// would be quadratic. The contacts the plan has written so far are moved
// over, taken out of bbolt from the last (so nothing moves), so that
// bbolt holds the contacts as they were before the plan, and lookups see
// the plan's through the overlay.
func (p *plan) deferContacts(bk *bbolt.Bucket) error {
	if p.contactsDeferred {
		return nil
	}
	p.contactsDeferred = true
	p.startOverlay()
	if !p.contactLastKnown || p.contactLast == p.contactStored {
		return nil // none written
	}
	c := bk.Cursor()
	k, v := c.Seek(key(p.contactStored))
	if k != nil && string(k) == p.contactStored {
		k, v = c.Next()
	}
	first := len(p.contactWrites.ops)
	for ; k != nil; k, v = c.Next() {
		// The keys and values are the plan's own (its slab), which bbolt
		// keeps by reference until the transaction ends.
		p.contactWrites.put(unsafe.String(&k[0], len(k)), v)
	}
	for i := len(p.contactWrites.ops) - 1; i >= first; i-- {
		if err := bk.Delete(key(p.contactWrites.ops[i].key)); err != nil {
			return err
		}
	}
	return nil
}

// liveContact finds the contact id as the plan has left it so far: its
// slot, and whether it exists. bbolt holds the contacts as they were
// before the plan (its writes wait for finish); the overlay has the
// plan's.
func (p *plan) liveContact(bk *bbolt.Bucket, id string) (uint32, bool, error) {
	if err := p.deferContacts(bk); err != nil {
		return 0, false, err
	}
	if slot, ok := p.contactNew[id]; ok {
		_, _, _, _, live := p.contactState(slot)
		return slot, live, nil
	}
	v := bk.Get(key(id))
	if v == nil {
		return 0, false, nil
	}
	slot, err := p.contactSlot(id, v)
	if err != nil {
		return 0, false, err
	}
	// The plan may have removed it.
	_, _, _, _, live := p.contactState(slot)
	return slot, live, nil
}

func (p *plan) deleteContacts(tx *bbolt.Tx) error {
	bk := tx.Bucket(bucketContacts)
	for i, id := range dedupe(p.b.DeleteContacts) {
		slot, found, err := p.liveContact(bk, id)
		if err != nil {
			return err
		}
		if !found {
			return care.Errorf(care.NotFound, "deleteContacts[%d]: no contact %q", i, id)
		}
		if err := p.removeContact(bk, slot, id); err != nil {
			return err
		}
	}
	return nil
}

// Referrals.

func (p *plan) referralSlot(id string) (uint32, *referralRec, bool) {
	slot, ok := p.referralNew[id]
	if !ok {
		if slot, ok = p.ix.referralByID[id]; !ok {
			return 0, nil, false
		}
	}
	r := p.referralAt(slot)
	return slot, r, r.live()
}

func (p *plan) referralAt(slot uint32) *referralRec {
	if i, ok := p.referralCur[slot]; ok {
		return &p.referralOps[i].rec
	}
	return &p.ix.referrals[slot]
}

func (p *plan) setReferral(slot uint32, rec referralRec) {
	p.referralCur[slot] = len(p.referralOps)
	p.referralOps = append(p.referralOps, referralOp{slot: slot, rec: rec})
}

func (p *plan) newReferralSlot() uint32 {
	if p.referralFreeUsed < len(p.ix.referralFree) {
		p.referralFreeUsed++
		return p.ix.referralFree[len(p.ix.referralFree)-p.referralFreeUsed]
	}
	p.referralLen++
	return p.referralLen - 1
}

func (p *plan) recordReferrals(*bbolt.Tx) error {
	for i := range p.b.Referrals {
		r := &p.b.Referrals[i]
		rec := referralRec{id: r.ID, person: p.resolve(r.Person), from: p.resolve(r.From), to: p.resolve(r.To), at: r.At.UnixNano(), reason: r.Reason}
		slot, _, live := p.referralSlot(r.ID)
		if !live {
			slot = p.newReferralSlot()
			p.referralNew[r.ID] = slot
		}
		p.setReferral(slot, rec)
		p.referralWrites.put(r.ID, p.mem.copy(encodeReferral(&p.e, &rec)))
	}
	return nil
}

func (p *plan) removeReferral(slot uint32) {
	id := p.referralAt(slot).id
	p.setReferral(slot, referralRec{id: id, person: noNode})
	p.res.Removed++
	p.referralWrites.delete(id)
}

func (p *plan) deleteReferrals(*bbolt.Tx) error {
	for i, id := range dedupe(p.b.DeleteReferrals) {
		slot, _, ok := p.referralSlot(id)
		if !ok {
			return care.Errorf(care.NotFound, "deleteReferrals[%d]: no referral %q", i, id)
		}
		p.removeReferral(slot)
	}
	return nil
}

// Nodes.

// refsOf lists the live relationship, contact and referral slots that
// name node num, as the batch has left them so far.
func (p *plan) refsOf(num uint32) (rels, contacts, referrals []uint32) {
	ix := p.ix
	known := num < uint32(len(ix.nodes))
	wasPerson := known && ix.nodes[num].Kind == care.KindPerson

	seen := map[uint32]bool{}
	consider := func(slot uint32) {
		if seen[slot] {
			return
		}
		seen[slot] = true
		if r := p.relAt(slot); r.live() && (r.from == num || r.to == num) {
			rels = append(rels, slot)
		}
	}
	if known {
		for _, s := range ix.nodeRels[num] {
			consider(s)
		}
	}
	for s := range p.relCur {
		consider(s)
	}

	clear(seen)
	considerContact := func(slot uint32) {
		if seen[slot] {
			return
		}
		seen[slot] = true
		if person, prof, org, _, live := p.contactState(slot); live && (person == num || prof == num || org == num) {
			contacts = append(contacts, slot)
		}
	}
	switch {
	case wasPerson:
		for _, s := range ix.personContacts[num] {
			considerContact(s)
		}
	case known && ix.contactRefs[num] > 0:
		for s := range ix.contacts {
			if c := &ix.contacts[s]; c.prof == num || c.org == num {
				considerContact(uint32(s))
			}
		}
	}
	for s := range p.contactCur {
		considerContact(s)
	}

	clear(seen)
	considerReferral := func(slot uint32) {
		if seen[slot] {
			return
		}
		seen[slot] = true
		if r := p.referralAt(slot); r.live() && (r.person == num || r.from == num || r.to == num) {
			referrals = append(referrals, slot)
		}
	}
	switch {
	case wasPerson:
		for _, s := range ix.personReferrals[num] {
			considerReferral(s)
		}
	case known && ix.referralRefs[num] > 0:
		for s := range ix.referrals {
			if r := &ix.referrals[s]; r.from == num || r.to == num {
				considerReferral(uint32(s))
			}
		}
	}
	for s := range p.referralCur {
		considerReferral(s)
	}
	slices.Sort(rels)
	slices.Sort(contacts)
	slices.Sort(referrals)
	return rels, contacts, referrals
}

func (p *plan) deleteNodes(tx *bbolt.Tx) error {
	contactsB := tx.Bucket(bucketContacts)
	for i, d := range p.b.DeleteNodes {
		num := p.resolve(d.ID)
		rels, contacts, referrals := p.refsOf(num)
		consents := p.consentsNaming(num)
		if n := len(rels) + len(consents) + len(contacts) + len(referrals); n > 0 && !d.Cascade {
			return care.Errorf(care.Conflict, "deleteNodes[%d]: %q is still referred to by %d relationships, %d consent records, %d contacts and %d referrals; remove them first or delete with cascade",
				i, d.ID, len(rels), len(consents), len(contacts), len(referrals))
		}
		p.unlinkConsents(num, consents)
		for _, s := range rels {
			p.removeRel(s)
		}
		for _, s := range contacts {
			_, _, _, id, _ := p.contactState(s)
			if err := p.removeContact(contactsB, s, id); err != nil {
				return err
			}
		}
		for _, s := range referrals {
			p.removeReferral(s)
		}
		p.nodeDels = append(p.nodeDels, num)
		p.batchNodes[d.ID] = nodeState{num: noNode}
		p.nodeWrites.delete(d.ID)
	}
	return nil
}

// dedupe drops repeated ids: naming a removal twice in one batch removes once.
func dedupe(ids []string) []string {
	if len(ids) < 2 {
		return ids
	}
	seen := make(map[string]bool, len(ids))
	out := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

package embedded

import (
	"context"
	"slices"

	"go.etcd.io/bbolt"

	"github.com/careweb/careweb/internal/care"
)

// Consent records: their part of a plan, of its commit, and the read.
// Records are few, so the plan keeps each changed record whole (by id)
// rather than in slots, and finds those naming a node by scanning.

// consentAt returns a record as the plan has left it so far, or nil.
func (p *plan) consentAt(id string) *consentRec {
	if c, ok := p.consentUps[id]; ok {
		return c
	}
	return p.ix.consentByID[id]
}

// setConsent records the new state of a record; nil removes it.
func (p *plan) setConsent(id string, c *consentRec) {
	if _, ok := p.consentUps[id]; !ok {
		p.consentOrder = append(p.consentOrder, id)
	}
	p.consentUps[id] = c
}

func (p *plan) upsertConsents(*bbolt.Tx) error {
	if len(p.b.Consents) == 0 {
		return nil
	}
	for i := range p.b.Consents {
		c := &p.b.Consents[i]
		rec := &consentRec{
			id: c.ID, person: p.resolve(c.Person), grantee: p.resolve(c.Grantee), by: noNode,
			at: c.RecordedAt.UnixNano(), span: c.Span, basis: c.Basis, decision: c.Decision,
		}
		if c.RecordedBy != "" {
			rec.by = p.resolve(c.RecordedBy)
		}
		p.setConsent(c.ID, rec)
		p.consentWrites.put(c.ID, p.mem.copy(encodeConsent(&p.e, rec)))
	}
	return nil
}

// consentsNaming lists the ids of the live records that name node num in
// any role, as the plan has left them so far, in id order.
func (p *plan) consentsNaming(num uint32) []string {
	ix := p.ix
	var ids []string
	seen := map[string]bool{}
	consider := func(id string) {
		if c := p.consentAt(id); !seen[id] && c != nil && c.names(num) {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	if num < uint32(len(ix.nodes)) {
		for _, c := range ix.personConsents[num] {
			consider(c.id)
		}
		if ix.consentRefs[num] > 0 {
			for id := range ix.consentByID {
				consider(id)
			}
		}
	}
	for _, id := range p.consentOrder {
		consider(id)
	}
	slices.Sort(ids)
	return ids
}

// unlinkConsents is the cascade of deleting node num: the records about
// the person or the carer go; a record the node only recorded stays,
// without its recorder, since the decision stands (removing a withdrawal
// would bring back the permission it ended).
func (p *plan) unlinkConsents(num uint32, ids []string) {
	for _, id := range ids {
		c := p.consentAt(id)
		if c.person == num || c.grantee == num {
			p.setConsent(id, nil)
			p.res.Removed++
			p.consentWrites.delete(id)
			continue
		}
		kept := *c
		kept.by = noNode
		p.setConsent(id, &kept)
		p.consentWrites.put(id, p.mem.copy(encodeConsent(&p.e, &kept)))
	}
}

// commitConsents copies the plan's records into the index; the caller
// holds ix.mu for writing. A changed record is replaced, never edited.
func (p *plan) commitConsents() {
	ix := p.ix
	var moved []uint32
	for _, id := range p.consentOrder {
		if old := ix.consentByID[id]; old != nil {
			ix.dropConsent(old)
		}
		if c := p.consentUps[id]; c != nil {
			c.basis, c.decision = care.Basis(ix.canonical(string(c.basis))), care.Decision(ix.canonical(string(c.decision)))
			ix.addConsent(c)
			moved = append(moved, c.person)
		}
	}
	slices.Sort(moved)
	for _, person := range slices.Compact(moved) {
		slices.SortFunc(ix.personConsents[person], compareConsents)
	}
}

// Consents returns every consent record about a person, in (RecordedAt,
// id) order.
func (s *Store) Consents(ctx context.Context, person string) ([]care.Consent, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	ix := s.ix
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	p, err := ix.person(person)
	if err != nil {
		return nil, err
	}
	return ix.consentsOf(p), nil
}

func (ix *index) consentsOf(person uint32) []care.Consent {
	list := ix.personConsents[person]
	out := make([]care.Consent, len(list))
	for i, c := range list {
		out[i] = ix.consent(c)
	}
	return out
}

package embedded

import (
	"slices"

	"github.com/careweb/careweb/internal/care"
)

// commit copies the plan into the index. The caller holds ix.mu for
// writing; nothing here can fail.
func (p *plan) commit() {
	ix := p.ix
	for _, u := range p.nodeUps {
		ix.ensureNode(u.num)
		n := u.node
		n.Locality = ix.canonical(n.Locality)
		ix.nodes[u.num] = n
		ix.byID[n.ID] = u.num
	}
	p.commitRels()
	p.commitConsents()
	p.commitContacts()
	p.commitReferrals()
	for _, num := range p.nodeDels {
		// A stream may delete a node and write its id again: the new
		// node has another number, and keeps the id.
		if id := ix.nodes[num].ID; ix.byID[id] == num {
			delete(ix.byID, id)
		}
		ix.nodes[num] = care.Node{}
		ix.nodeRels[num] = nil
		ix.personContacts[num] = nil
		ix.personReferrals[num] = nil
		ix.personConsents[num] = nil
		ix.contactRefs[num], ix.referralRefs[num], ix.consentRefs[num] = 0, 0, 0
	}
	if len(p.nodeUps)+len(p.nodeDels) > 0 {
		ix.nodeVersion++
	}
	ix.nextNum = p.nextNum
}

func removeSlot(list []uint32, slot uint32) []uint32 {
	if i := slices.Index(list, slot); i >= 0 {
		list[i] = list[len(list)-1]
		return list[:len(list)-1]
	}
	return list
}

func (p *plan) commitRels() {
	ix := p.ix
	ix.relFree = ix.relFree[:len(ix.relFree)-p.relFreeUsed]
	for uint32(len(ix.rels)) < p.relLen {
		ix.rels = append(ix.rels, relRec{})
	}
	for _, op := range p.relOps {
		old := &ix.rels[op.slot]
		rec := op.rec
		moved := !old.live() || !rec.live() || old.from != rec.from || old.to != rec.to
		if old.live() && moved {
			ix.nodeRels[old.from] = removeSlot(ix.nodeRels[old.from], op.slot)
			ix.nodeRels[old.to] = removeSlot(ix.nodeRels[old.to], op.slot)
		}
		if !rec.live() {
			if old.live() {
				delete(ix.relByID, old.id)
				ix.relFree = append(ix.relFree, op.slot)
			}
			*old = relRec{}
			continue
		}
		rec.role, rec.relation, rec.channel = ix.canonical(rec.role), ix.canonical(rec.relation), ix.canonical(rec.channel)
		if moved {
			ix.nodeRels[rec.from] = append(ix.nodeRels[rec.from], op.slot)
			ix.nodeRels[rec.to] = append(ix.nodeRels[rec.to], op.slot)
		}
		*old = rec
		ix.relByID[rec.id] = op.slot
	}
}

func (p *plan) commitContacts() {
	ix := p.ix
	ix.contactFree = ix.contactFree[:len(ix.contactFree)-p.contactFreeUsed]
	if n := int(p.contactLen) - len(ix.contacts); n > 0 {
		ix.contacts = slices.Grow(ix.contacts, n)
		for range n {
			ix.contacts = append(ix.contacts, contactRec{person: noNode})
		}
	}
	// Each person's list stays in (at, id) order: a contact goes in by
	// binary search, or at the end when it is the latest (as an import
	// in time order writes them). A long list receiving many contacts is
	// sorted once at the end instead.
	var unsorted map[uint32]bool
	var inserts map[uint32]int
	remove := func(person uint32, at int64, id string) {
		if unsorted[person] {
			slices.SortFunc(ix.personContacts[person], ix.compareContacts)
			delete(unsorted, person)
		}
		list := ix.personContacts[person]
		if i, ok := ix.findContact(list, at, id); ok {
			ix.personContacts[person] = slices.Delete(list, i, i+1)
		}
	}
	for i := range p.contactOps {
		op := &p.contactOps[i]
		c := &ix.contacts[op.slot]
		if c.live() {
			if op.del || c.person != op.person || c.at != op.at {
				remove(c.person, c.at, op.id)
			}
			ix.contactRefs[c.prof]--
			if c.org != noNode {
				ix.contactRefs[c.org]--
			}
		}
		if op.del {
			if c.live() {
				ix.contactFree = append(ix.contactFree, op.slot)
			}
			c.person = noNode
			continue
		}
		wasIn := c.live() && c.person == op.person && c.at == op.at
		if op.fresh {
			ix.setContactID(c, op.id)
		}
		c.person, c.prof, c.org, c.at = op.person, op.prof, op.org, op.at
		c.mode = uint8(ix.modes.add(string(op.mode))) // Validate admits only care.Modes: far below maxModes
		c.setting = ix.settings.add(op.setting)
		ix.contactRefs[c.prof]++
		if c.org != noNode {
			ix.contactRefs[c.org]++
		}
		if wasIn {
			continue
		}
		list := ix.personContacts[op.person]
		n := len(list)
		switch {
		case n == 0 || unsorted[op.person] || ix.compareContacts(list[n-1], op.slot) < 0:
			ix.personContacts[op.person] = append(list, op.slot)
		case n > 256 && inserts[op.person] > 16:
			// Many contacts landing inside one long list: shifting it on
			// each would be quadratic, so append and sort once.
			if unsorted == nil {
				unsorted = map[uint32]bool{}
			}
			unsorted[op.person] = true
			ix.personContacts[op.person] = append(list, op.slot)
		default:
			if n > 256 {
				if inserts == nil {
					inserts = map[uint32]int{}
				}
				inserts[op.person]++
			}
			i, _ := ix.findContact(list, op.at, op.id)
			ix.personContacts[op.person] = slices.Insert(list, i, op.slot)
		}
	}
	for person := range unsorted {
		slices.SortFunc(ix.personContacts[person], ix.compareContacts)
	}
}

func (p *plan) commitReferrals() {
	ix := p.ix
	ix.referralFree = ix.referralFree[:len(ix.referralFree)-p.referralFreeUsed]
	for uint32(len(ix.referrals)) < p.referralLen {
		ix.referrals = append(ix.referrals, referralRec{person: noNode})
	}
	for _, op := range p.referralOps {
		r := &ix.referrals[op.slot]
		if r.live() {
			list := ix.personReferrals[r.person]
			if i, ok := ix.findReferral(list, r.at, r.id); ok {
				ix.personReferrals[r.person] = slices.Delete(list, i, i+1)
			}
			ix.referralRefs[r.from]--
			ix.referralRefs[r.to]--
			if !op.rec.live() {
				delete(ix.referralByID, r.id)
				ix.referralFree = append(ix.referralFree, op.slot)
			}
		}
		*r = op.rec
		if !r.live() {
			continue
		}
		ix.referralByID[r.id] = op.slot
		ix.referralRefs[r.from]++
		ix.referralRefs[r.to]++
		list := ix.personReferrals[r.person]
		i, _ := ix.findReferral(list, r.at, r.id)
		ix.personReferrals[r.person] = slices.Insert(list, i, op.slot)
	}
}

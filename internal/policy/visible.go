package policy

import (
	"context"

	"github.com/careweb/careweb/internal/care"
)

// visibleOf returns the nodes the principal may see: nil for admin
// (everything), else the set described in the package doc. It is computed once per request, and only when a request
// touches a node that is not a person in scope, so that the common reads
// (a person's web) never pay for it.
func (pl *Policy) visibleOf(ctx context.Context, s *scope) (map[string]bool, error) {
	if s.all {
		return nil, nil
	}
	req := requestOf(ctx)
	if req != nil {
		req.mu.Lock()
		defer req.mu.Unlock()
		if req.visible != nil && req.scope == s {
			return req.visible, nil
		}
	}
	v, err := pl.computeVisible(ctx, s)
	if err != nil {
		return nil, err
	}
	if req != nil && req.scope == s {
		req.visible = v
	}
	return v, nil
}

func (pl *Policy) computeVisible(ctx context.Context, s *scope) (map[string]bool, error) {
	v := map[string]bool{}
	if s.p.Access == care.AccessResearcher {
		return v, nil
	}
	people := make([]string, 0, len(s.people))
	for id := range s.people {
		people = append(people, id)
		v[id] = true
	}
	var profs []string
	addProf := func(id string) {
		if id != "" && !v[id] {
			v[id] = true
			profs = append(profs, id)
		}
	}
	// Their own node, when it is of the kind their role says: a token
	// naming a person with the carer role sees nothing.
	if self, err := pl.store.Node(ctx, s.p.Subject); err == nil {
		if kindOfRole[s.p.Access] == self.Kind {
			v[self.ID] = true
			if self.Kind == care.KindProfessional {
				profs = append(profs, self.ID)
			}
		}
	} else if care.ErrorCode(err) != care.NotFound {
		return nil, err
	}
	if len(people) > 0 {
		rels, err := pl.store.RelationshipsOf(ctx, people, []care.RelType{care.CaresFor, care.InvolvedIn}, care.Always)
		if err != nil {
			return nil, err
		}
		for _, rs := range rels {
			for _, r := range rs {
				if r.Type == care.InvolvedIn {
					addProf(r.From)
				} else {
					v[r.From] = true
				}
			}
		}
		err = pl.eachEvent(ctx, people, func(c *care.Contact, r *care.Referral) {
			if c != nil {
				addProf(c.Professional)
				if c.Organisation != "" {
					v[c.Organisation] = true
				}
				return
			}
			// Referral ends are professionals or organisations; an
			// organisation's WORKS_IN lookup below finds nothing.
			addProf(r.From)
			addProf(r.To)
		})
		if err != nil {
			return nil, err
		}
	}
	if len(profs) > 0 {
		rels, err := pl.store.RelationshipsOf(ctx, profs, []care.RelType{care.WorksIn}, care.Always)
		if err != nil {
			return nil, err
		}
		for _, rs := range rels {
			for _, r := range rs {
				v[r.To] = true
			}
		}
	}
	return v, nil
}

// eachEvent calls fn with every contact and referral of people, all time,
// in a few batch reads.
func (pl *Policy) eachEvent(ctx context.Context, people []string, fn func(*care.Contact, *care.Referral)) error {
	page := care.Page{First: care.MaxPageSize}
	cps, err := pl.store.ContactsOf(ctx, people, care.Always, page)
	if err != nil {
		return err
	}
	for i, cp := range cps {
		for {
			for j := range cp.Contacts {
				fn(&cp.Contacts[j], nil)
			}
			if !cp.Info.HasNextPage {
				break
			}
			cp, err = pl.store.Contacts(ctx, care.EventQuery{Person: people[i], Window: care.Always,
				Page: care.Page{First: care.MaxPageSize, After: cp.Info.EndCursor}})
			if err != nil {
				return err
			}
		}
	}
	rps, err := pl.store.ReferralsOf(ctx, people, care.Always, page)
	if err != nil {
		return err
	}
	for i, rp := range rps {
		for {
			for j := range rp.Referrals {
				fn(nil, &rp.Referrals[j])
			}
			if !rp.Info.HasNextPage {
				break
			}
			rp, err = pl.store.Referrals(ctx, care.EventQuery{Person: people[i], Window: care.Always,
				Page: care.Page{First: care.MaxPageSize, After: rp.Info.EndCursor}})
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// sees reports whether the principal may see node id (a person in scope,
// or a node of the visible set).
func (pl *Policy) sees(ctx context.Context, s *scope, id string) (bool, error) {
	if s.all {
		return true, nil
	}
	if _, ok := s.people[id]; ok {
		return true, nil
	}
	v, err := pl.visibleOf(ctx, s)
	if err != nil {
		return false, err
	}
	return v[id], nil
}

// kindOfRole is the kind of node a role's subject must be.
var kindOfRole = map[care.Access]care.Kind{
	care.AccessPerson: care.KindPerson, care.AccessCarer: care.KindCarer, care.AccessProfessional: care.KindProfessional,
}

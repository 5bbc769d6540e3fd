package events

import (
	"context"
	"time"

	"github.com/careweb/careweb/internal/care"
)

// Backend is the store the wrapper publishes for.
type Backend interface {
	care.Store
	care.BatchReader
}

// maxFanOut bounds how many people one write notifies (an organisation
// with thousands of patients changes every web it is in; subscribers to
// the rest refresh on their next read).
const maxFanOut = 10000

// Store publishes a web change for each person a successful Apply touched.
type Store struct {
	Backend
	broker *Broker
	now    func() time.Time
}

// Wrap returns next publishing to broker.
func Wrap(next Backend, broker *Broker, now func() time.Time) *Store {
	return &Store{Backend: next, broker: broker, now: now}
}

// Apply implements care.Writer.
func (s *Store) Apply(ctx context.Context, b care.Batch) (care.ApplyResult, error) {
	// Working out whose webs a write touches costs store reads; with no
	// subscriber at all (imports, batch loads) nobody would hear, so skip
	// it. A subscription opened while this write runs may miss it, as it
	// would miss any write that committed just before it subscribed.
	if !s.broker.Active() {
		return s.Backend.Apply(ctx, b)
	}
	// What is removed must be resolved before it is gone.
	before := s.removedReach(ctx, b)
	res, err := s.Backend.Apply(ctx, b)
	if err != nil {
		return res, err
	}
	people := s.addedReach(ctx, b)
	for p, cause := range before {
		if _, ok := people[p]; !ok {
			people[p] = cause
		}
	}
	at := s.now()
	for p, cause := range people {
		s.broker.Publish(care.WebChange{PersonID: p, At: at, Cause: cause})
	}
	return res, nil
}

type reach map[string]string // person id → cause

func (r reach) add(person, cause string) {
	if _, ok := r[person]; !ok && len(r) < maxFanOut {
		r[person] = cause
	}
}

// removedReach finds the people whose webs the batch's ends, removals and
// deletions change, while those still exist.
func (s *Store) removedReach(ctx context.Context, b care.Batch) reach {
	r := reach{}
	var indirect []string
	for _, e := range b.EndRelationships {
		if rel, err := s.Backend.Relationship(ctx, e.ID); err == nil {
			indirect = append(indirect, s.relReach(r, rel, "RELATIONSHIP")...)
		}
	}
	for _, id := range b.RemoveRelationships {
		if rel, err := s.Backend.Relationship(ctx, id); err == nil {
			indirect = append(indirect, s.relReach(r, rel, "RELATIONSHIP")...)
		}
	}
	for _, d := range b.DeleteNodes {
		indirect = append(indirect, d.ID)
	}
	s.expand(ctx, r, indirect, "DELETE")
	return r
}

// addedReach finds the people whose webs the batch's upserts change.
func (s *Store) addedReach(ctx context.Context, b care.Batch) reach {
	r := reach{}
	var indirect []string
	for _, n := range b.Nodes {
		indirect = append(indirect, n.ID)
	}
	for _, rel := range b.Relationships {
		indirect = append(indirect, s.relReach(r, rel, "RELATIONSHIP")...)
	}
	for _, c := range b.Contacts {
		r.add(c.Person, "CONTACT")
	}
	for _, ref := range b.Referrals {
		r.add(ref.Person, "REFERRAL")
	}
	s.expand(ctx, r, indirect, "NODE")
	return r
}

// relReach adds the person a relationship is about, or returns its ends
// for expansion when it is between services.
func (s *Store) relReach(r reach, rel care.Relationship, cause string) []string {
	switch rel.Type {
	case care.CaresFor, care.InvolvedIn:
		r.add(rel.To, cause)
		return nil
	}
	return []string{rel.From, rel.To}
}

// expand adds the people reached from non-person nodes: a carer's or
// professional's people, and an organisation's professionals' people.
func (s *Store) expand(ctx context.Context, r reach, ids []string, cause string) {
	if len(ids) == 0 {
		return
	}
	nodes, err := s.Backend.Nodes(ctx, ids)
	if err != nil {
		return
	}
	var members, orgs []string
	for _, n := range nodes {
		switch n.Kind {
		case care.KindPerson:
			r.add(n.ID, cause)
		case care.KindOrganisation:
			orgs = append(orgs, n.ID)
		default:
			members = append(members, n.ID)
		}
	}
	if len(orgs) > 0 {
		if rels, err := s.Backend.RelationshipsOf(ctx, orgs, []care.RelType{care.WorksIn}, care.Always); err == nil {
			for _, list := range rels {
				for _, rel := range list {
					members = append(members, rel.From)
				}
			}
		}
	}
	if len(members) > 0 {
		if rels, err := s.Backend.RelationshipsOf(ctx, members, []care.RelType{care.CaresFor, care.InvolvedIn}, care.Always); err == nil {
			for _, list := range rels {
				for _, rel := range list {
					r.add(rel.To, cause)
				}
			}
		}
	}
}

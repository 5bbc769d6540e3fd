package policy

import (
	"context"
	"fmt"
	"slices"

	"github.com/careweb/careweb/internal/audit"
	"github.com/careweb/careweb/internal/care"
)

// Store is a store as one principal may see it: the principal comes from
// each call's context. It implements care.Store, care.BatchReader and
// care.BulkWriter over the store it wraps.
type Store struct {
	next Backend
	pl   *Policy
}

// Wrap returns next seen through the policy. next may itself be a wrapper
// (events, metrics invalidation) of the store the policy reads grants
// from.
func (pl *Policy) Wrap(next Backend) *Store { return &Store{next: next, pl: pl} }

var (
	_ care.Store       = (*Store)(nil)
	_ care.BatchReader = (*Store)(nil)
	_ care.BulkWriter  = (*Store)(nil)
)

// missing normalises a NotFound from the store so that a missing id and a
// denied one read exactly alike whatever the store's own wording.
func missing(err error, what, id string) error {
	if care.ErrorCode(err) == care.NotFound {
		return care.Errorf(care.NotFound, "no %s with id %q", what, id)
	}
	return err
}

// person checks op on person for the principal: NotFound (worded as for a
// missing person) when denied.
func (s *Store) person(ctx context.Context, person string, op audit.Operation) error {
	if _, err := s.pl.Person(ctx, person, op); err != nil {
		return missing(err, "person", person)
	}
	return nil
}

func (s *Store) Ping(ctx context.Context) error { return s.next.Ping(ctx) }
func (s *Store) Close() error                   { return s.next.Close() }

// Node implements care.Reader.
func (s *Store) Node(ctx context.Context, id string) (care.Node, error) {
	sc, err := s.pl.scopeOf(ctx)
	if err != nil {
		return care.Node{}, err
	}
	if _, inScope := sc.grant(id); inScope {
		// Reading a person's record is a read of their data.
		n, err := s.next.Node(ctx, id)
		if err != nil {
			return care.Node{}, missing(err, "node", id)
		}
		if n.Kind == care.KindPerson {
			if _, err := s.pl.Person(ctx, id, OpNode); err != nil {
				return care.Node{}, missing(err, "node", id)
			}
		}
		return n, nil
	}
	ok, err := s.pl.sees(ctx, sc, id)
	if err != nil {
		return care.Node{}, err
	}
	if !ok {
		if err := s.pl.audit(ctx, sc.p, OpNode, id, Grant{}, Denied); err != nil {
			return care.Node{}, err
		}
		return care.Node{}, missing(care.Errorf(care.NotFound, ""), "node", id)
	}
	n, err := s.next.Node(ctx, id)
	return n, missing(err, "node", id)
}

// Nodes implements care.Reader: the nodes the principal may not see are
// skipped, as missing ones are.
func (s *Store) Nodes(ctx context.Context, ids []string) ([]care.Node, error) {
	sc, err := s.pl.scopeOf(ctx)
	if err != nil {
		return nil, err
	}
	keep := ids
	if !sc.all {
		keep = make([]string, 0, len(ids))
		for _, id := range ids {
			ok, err := s.pl.sees(ctx, sc, id)
			if err != nil {
				return nil, err
			}
			if ok {
				keep = append(keep, id)
				continue
			}
			// The batch path behind the dataloaders: a denial here is a
			// denied read like any other, and is recorded.
			if err := s.pl.audit(ctx, sc.p, OpNode, id, Grant{}, Denied); err != nil {
				return nil, err
			}
		}
	}
	ns, err := s.next.Nodes(ctx, keep)
	if err != nil {
		return nil, err
	}
	if err := s.personNodes(ctx, ns); err != nil {
		return nil, err
	}
	return ns, nil
}

// ListNodes implements care.Reader over the visible set only.
func (s *Store) ListNodes(ctx context.Context, q care.NodeQuery) (care.NodePage, error) {
	sc, err := s.pl.scopeOf(ctx)
	if err != nil {
		return care.NodePage{}, err
	}
	if !sc.all {
		v, err := s.pl.visibleOf(ctx, sc)
		if err != nil {
			return care.NodePage{}, err
		}
		ids := make([]string, 0, len(v))
		for id := range v {
			if q.IDs == nil || slices.Contains(q.IDs, id) {
				ids = append(ids, id)
			}
		}
		slices.Sort(ids)
		q.IDs = ids
	}
	page, err := s.next.ListNodes(ctx, q)
	if err != nil {
		return page, err
	}
	if err := s.personNodes(ctx, page.Nodes); err != nil {
		return care.NodePage{}, err
	}
	return page, nil
}

// filterRels keeps the relationships whose both ends the principal sees.
func (s *Store) filterRels(ctx context.Context, sc *scope, rels []care.Relationship) ([]care.Relationship, error) {
	if sc.all {
		return rels, nil
	}
	out := rels[:0:0]
	for _, r := range rels {
		a, err := s.pl.sees(ctx, sc, r.From)
		if err != nil {
			return nil, err
		}
		b, err := s.pl.sees(ctx, sc, r.To)
		if err != nil {
			return nil, err
		}
		if a && b {
			out = append(out, r)
		}
	}
	return out, nil
}

// Relationships implements care.Reader: a person's need access to the
// person; any other node's are those of its relationships the principal
// may see both ends of.
func (s *Store) Relationships(ctx context.Context, q care.RelQuery) ([]care.Relationship, error) {
	sc, err := s.pl.scopeOf(ctx)
	if err != nil {
		return nil, err
	}
	if _, inScope := sc.grant(q.Node); inScope {
		if err := s.person(ctx, q.Node, OpRelationships); err != nil {
			return nil, missing(err, "node", q.Node)
		}
	} else if ok, err := s.pl.sees(ctx, sc, q.Node); err != nil {
		return nil, err
	} else if !ok {
		return nil, missing(care.Errorf(care.NotFound, ""), "node", q.Node)
	}
	rels, err := s.next.Relationships(ctx, q)
	if err != nil {
		return nil, missing(err, "node", q.Node)
	}
	return s.filterRels(ctx, sc, rels)
}

// Web implements care.Reader.
func (s *Store) Web(ctx context.Context, personID string, w care.Window) (care.Web, error) {
	if err := s.person(ctx, personID, OpWeb); err != nil {
		return care.Web{}, err
	}
	web, err := s.next.Web(ctx, personID, w)
	return web, missing(err, "person", personID)
}

// Contacts implements care.Reader.
func (s *Store) Contacts(ctx context.Context, q care.EventQuery) (care.ContactPage, error) {
	if err := s.person(ctx, q.Person, OpContacts); err != nil {
		return care.ContactPage{}, err
	}
	p, err := s.next.Contacts(ctx, q)
	return p, missing(err, "person", q.Person)
}

// Referrals implements care.Reader.
func (s *Store) Referrals(ctx context.Context, q care.EventQuery) (care.ReferralPage, error) {
	if err := s.person(ctx, q.Person, OpReferrals); err != nil {
		return care.ReferralPage{}, err
	}
	p, err := s.next.Referrals(ctx, q)
	return p, missing(err, "person", q.Person)
}

// Consents implements care.Reader: a carer sees only the records that
// name them as grantee.
func (s *Store) Consents(ctx context.Context, person string) ([]care.Consent, error) {
	if err := s.person(ctx, person, OpConsents); err != nil {
		return nil, err
	}
	cs, err := s.next.Consents(ctx, person)
	if err != nil {
		return nil, missing(err, "person", person)
	}
	if p, _ := care.PrincipalFromContext(ctx); p.Access == care.AccessCarer {
		cs = slices.DeleteFunc(cs, func(c care.Consent) bool { return c.Grantee != p.Subject })
	}
	return cs, nil
}

// RelationshipsOf implements care.BatchReader, with Relationships' rules
// applied id by id (an id the principal may not see gets an empty list).
func (s *Store) RelationshipsOf(ctx context.Context, nodes []string, types []care.RelType, w care.Window) ([][]care.Relationship, error) {
	sc, err := s.pl.scopeOf(ctx)
	if err != nil {
		return nil, err
	}
	for _, id := range nodes {
		if _, inScope := sc.grant(id); inScope {
			if err := s.person(ctx, id, OpRelationships); err != nil {
				return nil, err
			}
		}
	}
	out, err := s.next.RelationshipsOf(ctx, nodes, types, w)
	if err != nil {
		return nil, err
	}
	for i, id := range nodes {
		ok, err := s.pl.sees(ctx, sc, id)
		if err != nil {
			return nil, err
		}
		if !ok {
			out[i] = nil
			continue
		}
		if out[i], err = s.filterRels(ctx, sc, out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ContactsOf implements care.BatchReader: people the principal may not see
// get an empty page.
func (s *Store) ContactsOf(ctx context.Context, persons []string, w care.Window, p care.Page) ([]care.ContactPage, error) {
	return eventsOf(ctx, s, persons, OpContacts, func() ([]care.ContactPage, error) {
		return s.next.ContactsOf(ctx, persons, w, p)
	})
}

// ReferralsOf implements care.BatchReader like ContactsOf.
func (s *Store) ReferralsOf(ctx context.Context, persons []string, w care.Window, p care.Page) ([]care.ReferralPage, error) {
	return eventsOf(ctx, s, persons, OpReferrals, func() ([]care.ReferralPage, error) {
		return s.next.ReferralsOf(ctx, persons, w, p)
	})
}

// eventsOf decides (and records) op on each of persons, then makes the
// batch read and empties the pages of the people denied.
func eventsOf[P any](ctx context.Context, s *Store, persons []string, op audit.Operation, read func() ([]P, error)) ([]P, error) {
	ok := make([]bool, len(persons))
	for i, id := range persons {
		_, err := s.pl.Person(ctx, id, op)
		switch care.ErrorCode(err) {
		case "":
			ok[i] = true
		case care.NotFound:
		default:
			return nil, err
		}
	}
	out, err := read()
	if err != nil {
		return nil, err
	}
	for i := range out {
		if !ok[i] {
			var empty P
			out[i] = empty
		}
	}
	return out, nil
}

// Relationship implements care.BatchReader: visible when both ends are.
func (s *Store) Relationship(ctx context.Context, id string) (care.Relationship, error) {
	sc, err := s.pl.scopeOf(ctx)
	if err != nil {
		return care.Relationship{}, err
	}
	r, err := s.next.Relationship(ctx, id)
	if err != nil {
		return care.Relationship{}, missing(err, "relationship", id)
	}
	rs, err := s.filterRels(ctx, sc, []care.Relationship{r})
	if err != nil {
		return care.Relationship{}, err
	}
	if len(rs) == 0 {
		return care.Relationship{}, missing(care.Errorf(care.NotFound, ""), "relationship", id)
	}
	return r, nil
}

// EachPerson implements care.Streamer: admins stream everyone (one
// export decision is recorded); others only the people in their scope,
// each recorded; researchers nobody (their exports are pseudonymised
// copies made through Population, never raw records).
func (s *Store) EachPerson(ctx context.Context, fn func(*care.PersonRecord) error) error {
	sc, err := s.pl.scopeOf(ctx)
	if err != nil {
		return err
	}
	if sc.all {
		if err := s.pl.audit(ctx, sc.p, OpExport, "", Grant{Rule: audit.RuleAdmin}, Allowed); err != nil {
			return err
		}
		return s.next.EachPerson(ctx, fn)
	}
	if sc.p.Access == care.AccessResearcher {
		if err := s.pl.audit(ctx, sc.p, OpExport, "", Grant{}, Denied); err != nil {
			return err
		}
		return care.Errorf(care.Forbidden, "researchers export pseudonymised data only")
	}
	return s.next.EachPerson(ctx, func(rec *care.PersonRecord) error {
		g, ok := sc.grant(rec.Person.ID)
		if !ok {
			return nil
		}
		if err := s.pl.audit(ctx, sc.p, OpExport, rec.Person.ID, g, Allowed); err != nil {
			return err
		}
		return fn(rec)
	})
}

// Services implements care.Streamer over the visible set.
func (s *Store) Services(ctx context.Context) (*care.Services, error) {
	sc, err := s.pl.scopeOf(ctx)
	if err != nil {
		return nil, err
	}
	if sc.p.Access == care.AccessResearcher {
		return nil, care.Errorf(care.Forbidden, "researchers export pseudonymised data only")
	}
	svc, err := s.next.Services(ctx)
	if err != nil || sc.all {
		return svc, err
	}
	v, err := s.pl.visibleOf(ctx, sc)
	if err != nil {
		return nil, err
	}
	out := &care.Services{}
	for _, n := range svc.Nodes {
		if v[n.ID] {
			out.Nodes = append(out.Nodes, n)
		}
	}
	for _, r := range svc.Relationships {
		if v[r.From] && v[r.To] {
			out.Relationships = append(out.Relationships, r)
		}
	}
	return out, nil
}

// Apply implements care.Writer: admins write anything; professionals
// record contacts and referrals for the people in their scope; nobody else
// writes. Every write is recorded, per person it names.
func (s *Store) Apply(ctx context.Context, b care.Batch) (care.ApplyResult, error) {
	if err := s.mayWrite(ctx, &b); err != nil {
		return care.ApplyResult{}, err
	}
	return s.next.Apply(ctx, b)
}

func (s *Store) mayWrite(ctx context.Context, b *care.Batch) error {
	sc, err := s.pl.scopeOf(ctx)
	if err != nil {
		return err
	}
	persons := batchPersons(b)
	if sc.all {
		if len(persons) == 0 {
			return s.pl.audit(ctx, sc.p, OpWrite, "", Grant{Rule: audit.RuleAdmin}, Allowed)
		}
		for _, p := range persons {
			if err := s.pl.audit(ctx, sc.p, OpWrite, p, Grant{Rule: audit.RuleAdmin}, Allowed); err != nil {
				return err
			}
		}
		return nil
	}
	onlyEvents := len(b.Contacts)+len(b.Referrals) == b.Size()
	if sc.p.Access != care.AccessProfessional || !onlyEvents {
		if err := s.pl.audit(ctx, sc.p, OpWrite, "", Grant{}, Denied); err != nil {
			return err
		}
		if sc.p.Access == care.AccessProfessional {
			return care.Errorf(care.Forbidden, "professionals may record contacts and referrals only")
		}
		return care.Errorf(care.Forbidden, "the %s role is read only", sc.p.Access)
	}
	// A person out of scope is reported exactly as the store's validation
	// reports a missing one, so a write cannot probe for existence.
	var ps care.Problems
	check := func(field, person string) error {
		_, err := s.pl.Person(ctx, person, OpWrite)
		if care.ErrorCode(err) == care.NotFound {
			ps.Add(field, person, "no such node (not in the store nor in this batch)")
			return nil
		}
		return err
	}
	for i, c := range b.Contacts {
		if err := check(fieldf("contacts", i, "person"), c.Person); err != nil {
			return err
		}
	}
	for i, r := range b.Referrals {
		if err := check(fieldf("referrals", i, "person"), r.Person); err != nil {
			return err
		}
	}
	return ps.Err("invalid batch")
}

// ApplyStream implements care.BulkWriter for admins only: bulk imports
// are an administrator's job.
func (s *Store) ApplyStream(ctx context.Context, next func() (care.Batch, error)) (care.ApplyResult, error) {
	sc, err := s.pl.scopeOf(ctx)
	if err != nil {
		return care.ApplyResult{}, err
	}
	bw, ok := s.next.(care.BulkWriter)
	if !sc.all || !ok {
		if err := s.pl.audit(ctx, sc.p, OpWrite, "", Grant{}, Denied); err != nil {
			return care.ApplyResult{}, err
		}
		if !ok {
			return care.ApplyResult{}, care.Errorf(care.Unavailable, "this store cannot stream imports")
		}
		return care.ApplyResult{}, care.Errorf(care.Forbidden, "bulk imports are for administrators")
	}
	if err := s.pl.audit(ctx, sc.p, OpWrite, "", Grant{Rule: audit.RuleAdmin}, Allowed); err != nil {
		return care.ApplyResult{}, err
	}
	return bw.ApplyStream(ctx, next)
}

// batchPersons lists the distinct people a batch names directly.
func batchPersons(b *care.Batch) []string {
	seen := map[string]bool{}
	var out []string
	add := func(id string) {
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	for _, n := range b.Nodes {
		if n.Kind == care.KindPerson {
			add(n.ID)
		}
	}
	for _, r := range b.Relationships {
		if r.Type == care.CaresFor || r.Type == care.InvolvedIn {
			add(r.To)
		}
	}
	for _, c := range b.Contacts {
		add(c.Person)
	}
	for _, r := range b.Referrals {
		add(r.Person)
	}
	for _, c := range b.Consents {
		add(c.Person)
	}
	return out
}

func fieldf(list string, i int, field string) string { return fmt.Sprintf("%s[%d].%s", list, i, field) }

// personNodes decides (and records) the reads of the people among ns. A
// POST request's records wait for one group commit at its end
// (WithDeferredAudit); a WebSocket operation's are recorded one by one.
func (s *Store) personNodes(ctx context.Context, ns []care.Node) error {
	for _, n := range ns {
		if n.Kind != care.KindPerson {
			continue
		}
		if _, err := s.pl.Person(ctx, n.ID, OpNode); err != nil {
			return err
		}
	}
	return nil
}

package neo4j

import (
	"context"
	"fmt"
	"slices"

	neo4jdrv "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/careweb/careweb/internal/care"
)

// Apply normalises, validates and writes b in one write transaction (see
// care.Writer). The transaction function only reads b, so the driver may
// run it again after a transient failure; every write is keyed on a
// unique id (a MERGE, a DELETE, or a CREATE of what the transaction found
// missing), so a retry after a commit whose outcome was lost writes the
// same state, not a duplicate.
//
// Events are created without MERGE's lock (events.go), so two writers
// creating the same new event at once collide on its uniqueness
// constraint; the loser runs again, and then finds the event and
// rewrites it, as an upsert should.
func (s *Store) Apply(ctx context.Context, b care.Batch) (care.ApplyResult, error) {
	b = cloneBatch(b)
	b.Normalise()
	if b.Empty() {
		return care.ApplyResult{}, nil
	}
	for attempt := 1; ; attempt++ {
		res, err := write(ctx, s, "apply batch", func(tx neo4jdrv.ManagedTransaction) (care.ApplyResult, error) {
			a := applier{ctx: ctx, tx: tx, b: &b}
			return a.run()
		})
		if attempt < maxCreateRaces && isConstraintViolation(err) && ctx.Err() == nil {
			continue
		}
		return res, err
	}
}

// maxCreateRaces bounds Apply's attempts when concurrent writers keep
// creating the events it creates.
const maxCreateRaces = 3

// cloneBatch copies the slices that Normalise rewrites, so that Apply does
// not change the caller's batch.
func cloneBatch(b care.Batch) care.Batch {
	b.Nodes = slices.Clone(b.Nodes)
	b.Relationships = slices.Clone(b.Relationships)
	b.Consents = slices.Clone(b.Consents)
	b.Contacts = slices.Clone(b.Contacts)
	b.Referrals = slices.Clone(b.Referrals)
	return b
}

// applier is one attempt at applying a batch (or the batches of a
// stream, one after the other) inside a transaction.
type applier struct {
	ctx context.Context
	tx  neo4jdrv.ManagedTransaction
	b   *care.Batch
	res care.ApplyResult
	// eid holds the element ids of the nodes the batch names, as looked
	// up or written in this transaction (see events.go).
	eid map[string]string
}

func (a *applier) run() (care.ApplyResult, error) {
	a.eid = map[string]string{}
	kinds, err := a.lookupKinds()
	if err != nil {
		return care.ApplyResult{}, err
	}
	if err := a.b.Validate(func(id string) (care.Kind, bool) {
		k, ok := kinds[id]
		return k, ok
	}); err != nil {
		return care.ApplyResult{}, err
	}
	steps := []func() error{
		a.upsertNodes, a.upsertRelationships, a.endRelationships, a.upsertConsents, a.upsertContacts, a.upsertReferrals,
		a.removeRelationships, a.deleteContacts, a.deleteReferrals, a.deleteNodes,
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return care.ApplyResult{}, err
		}
	}
	return a.res, nil
}

func (a *applier) collect(cypher string, params map[string]any) ([]*neo4jdrv.Record, error) {
	return collect(a.ctx, a.tx, cypher, params)
}

// count runs a query returning one column n and returns it.
func (a *applier) count(cypher string, params map[string]any) (int, error) {
	rec, err := single(a.ctx, a.tx, cypher, params)
	if err != nil {
		return 0, err
	}
	v, _ := rec.Get("n")
	n, ok := v.(int64)
	if !ok {
		return 0, fmt.Errorf("neo4j: count is %T", v)
	}
	return int(n), nil
}

// lookupKinds returns the kind of every stored node the batch names.
func (a *applier) lookupKinds() (map[string]care.Kind, error) {
	seen := map[string]bool{}
	var ids []any
	add := func(id string) {
		if id != "" && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	b := a.b
	for _, n := range b.Nodes {
		add(n.ID)
	}
	b.Refs(add)
	for _, d := range b.DeleteNodes {
		add(d.ID)
	}
	kinds := make(map[string]care.Kind, len(ids))
	if len(ids) == 0 {
		return kinds, nil
	}
	recs, err := a.collect("UNWIND $ids AS id MATCH (n:Node {id: id}) RETURN n.id AS id, n.kind AS kind, elementId(n) AS e", map[string]any{"ids": ids})
	if err != nil {
		return nil, err
	}
	for _, rec := range recs {
		d := decoder{m: rec.AsMap()}
		id := d.str("id")
		kinds[id] = care.Kind(d.str("kind"))
		a.eid[id] = d.str("e")
		if d.err != nil {
			return nil, d.err
		}
	}
	return kinds, nil
}

// upsertNodes writes nodes by kind, so that each kind's label is fixed text.
// The kind guard refuses to relabel a node whose kind changed since the
// lookup (a concurrent writer), unless this batch deletes it anyway.
func (a *applier) upsertNodes() error {
	deleted := make(map[string]bool, len(a.b.DeleteNodes))
	for _, d := range a.b.DeleteNodes {
		deleted[d.ID] = true
	}
	for _, kind := range care.Kinds {
		var rows []any
		for _, n := range a.b.Nodes {
			if n.Kind == kind {
				row := nodeRow(n)
				row["rekind"] = deleted[n.ID]
				rows = append(rows, row)
			}
		}
		if len(rows) == 0 {
			continue
		}
		q := `UNWIND $rows AS row
MERGE (n:Node {id: row.id})
ON CREATE SET n.kind = row.kind
WITH n, row WHERE n.kind = row.kind OR row.rekind
REMOVE n:Person:Carer:Professional:Organisation
SET n:` + kindLabel[kind] + `, n.kind = row.kind, n.name = row.name, n.nameKey = row.nameKey,
    n.role = row.role, n.sector = row.sector, n.locality = row.locality
RETURN n.id AS id, elementId(n) AS e`
		recs, err := a.collect(q, map[string]any{"rows": rows})
		if err != nil {
			return err
		}
		for _, rec := range recs {
			d := decoder{m: rec.AsMap()}
			a.eid[d.str("id")] = d.str("e")
			if d.err != nil {
				return d.err
			}
		}
		got := len(recs)
		if got != len(rows) {
			return care.Errorf(care.Conflict, "a node in this batch was given another kind by a concurrent change; retry")
		}
		a.res.Nodes += got
	}
	return nil
}

// storedRel is what lookupRels reports about a stored relationship.
type storedRel struct {
	typ      care.RelType
	from, to string
	fromDay  care.Date
}

// lookupRels finds relationships by id across every type: the uniqueness
// constraints are per type, so each type's index is searched.
func (a *applier) lookupRels(ids []string) (map[string]storedRel, error) {
	out := make(map[string]storedRel, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	recs, err := a.collect(`UNWIND $ids AS id
CALL {
  WITH id MATCH (x)-[r:CARES_FOR {id: id}]->(y) RETURN r, x, y
  UNION ALL
  WITH id MATCH (x)-[r:INVOLVED_IN {id: id}]->(y) RETURN r, x, y
  UNION ALL
  WITH id MATCH (x)-[r:WORKS_IN {id: id}]->(y) RETURN r, x, y
  UNION ALL
  WITH id MATCH (x)-[r:LINKED_TO {id: id}]->(y) RETURN r, x, y
}
RETURN id, type(r) AS type, x.id AS from, y.id AS to, r.fromDay AS fromDay`, map[string]any{"ids": toAny(ids)})
	if err != nil {
		return nil, err
	}
	for _, rec := range recs {
		d := decoder{m: rec.AsMap()}
		out[d.str("id")] = storedRel{
			typ: care.RelType(d.str("type")), from: d.str("from"), to: d.str("to"),
			fromDay: d.date("fromDay", care.NoStart),
		}
		if d.err != nil {
			return nil, d.err
		}
	}
	return out, nil
}

// deleteRels deletes relationships by id, grouped by their stored type.
func (a *applier) deleteRels(byType map[care.RelType][]string) (int, error) {
	total := 0
	for _, t := range care.RelTypes {
		ids := byType[t]
		if len(ids) == 0 {
			continue
		}
		n, err := a.count("UNWIND $ids AS id MATCH ()-[r:"+relTypeName[t]+" {id: id}]->() DELETE r RETURN count(*) AS n",
			map[string]any{"ids": toAny(ids)})
		if err != nil {
			return 0, err
		}
		total += n
	}
	return total, nil
}

// upsertRelationships MERGEs each relationship on its ends, type and id.
// A stored relationship with the same id but another type or other ends is
// the same relationship rewritten, so it is deleted first (MERGE alone
// would create a second one, and the id constraint would refuse it).
func (a *applier) upsertRelationships() error {
	rels := a.b.Relationships
	if len(rels) == 0 {
		return nil
	}
	ids := make([]string, len(rels))
	for i, r := range rels {
		ids[i] = r.ID
	}
	stored, err := a.lookupRels(ids)
	if err != nil {
		return err
	}
	stale := map[care.RelType][]string{}
	for _, r := range rels {
		if old, ok := stored[r.ID]; ok && (old.typ != r.Type || old.from != r.From || old.to != r.To) {
			stale[old.typ] = append(stale[old.typ], r.ID)
		}
	}
	if _, err := a.deleteRels(stale); err != nil {
		return err
	}
	for _, t := range care.RelTypes {
		var rows []any
		for _, r := range rels {
			if r.Type == t {
				rows = append(rows, relRow(r))
			}
		}
		if len(rows) == 0 {
			continue
		}
		q := `UNWIND $rows AS row
MATCH (a:Node {id: row.from})
MATCH (b:Node {id: row.to})
MERGE (a)-[r:` + relTypeName[t] + ` {id: row.id}]->(b)
SET r.fromDay = row.fromDay, r.toDay = row.toDay, r.role = row.role, r.coordinator = row.coordinator,
    r.relation = row.relation, r.consent = row.consent, r.channel = row.channel
RETURN count(r) AS n`
		got, err := a.count(q, map[string]any{"rows": rows})
		if err != nil {
			return err
		}
		if got != len(rows) {
			return care.Errorf(care.Conflict, "an end of a relationship in this batch was deleted by a concurrent change; retry")
		}
		a.res.Relationships += got
	}
	return nil
}

// endRelationships sets the end day of stored relationships (including
// those this batch just wrote).
func (a *applier) endRelationships() error {
	ends := a.b.EndRelationships
	if len(ends) == 0 {
		return nil
	}
	ids := make([]string, len(ends))
	for i, e := range ends {
		ids[i] = e.ID
	}
	stored, err := a.lookupRels(ids)
	if err != nil {
		return err
	}
	var ps care.Problems
	byType := map[care.RelType][]any{}
	for i, e := range ends {
		old, ok := stored[e.ID]
		if !ok {
			return care.Errorf(care.NotFound, "relationship %q not found (endRelationships[%d])", e.ID, i)
		}
		if e.To < old.fromDay {
			ps.Add(fmt.Sprintf("endRelationships[%d].to", i), e.To.String(), "ends before the relationship starts (%s)", old.fromDay)
			continue
		}
		byType[old.typ] = append(byType[old.typ], map[string]any{"id": e.ID, "to": int64(e.To)})
	}
	if err := ps.Err("invalid batch"); err != nil {
		return err
	}
	for _, t := range care.RelTypes {
		rows := byType[t]
		if len(rows) == 0 {
			continue
		}
		n, err := a.count("UNWIND $rows AS row MATCH ()-[r:"+relTypeName[t]+" {id: row.id}]->() SET r.toDay = row.to RETURN count(r) AS n",
			map[string]any{"rows": rows})
		if err != nil {
			return err
		}
		a.res.Ended += n
	}
	return nil
}

// upsertContacts writes each contact on its id, between its person and
// professional and naming its organisation (which a rewrite may change).
func (a *applier) upsertContacts() error {
	n, err := a.writeContacts(a.b.Contacts)
	a.res.Contacts += n
	return err
}

// upsertReferrals is upsertContacts for referrals.
func (a *applier) upsertReferrals() error {
	rows := make([]map[string]any, len(a.b.Referrals))
	for i, r := range a.b.Referrals {
		rows[i] = a.eventRow(referralProps(r), r.Person, r.From, r.To)
	}
	n, err := a.writeEvents(&referralSpec, rows)
	a.res.Referrals += n
	return err
}

func (a *applier) removeRelationships() error {
	ids := dedupe(a.b.RemoveRelationships)
	if len(ids) == 0 {
		return nil
	}
	stored, err := a.lookupRels(ids)
	if err != nil {
		return err
	}
	byType := map[care.RelType][]string{}
	for i, id := range a.b.RemoveRelationships {
		old, ok := stored[id]
		if !ok {
			return care.Errorf(care.NotFound, "relationship %q not found (removeRelationships[%d])", id, i)
		}
		if !slices.Contains(byType[old.typ], id) {
			byType[old.typ] = append(byType[old.typ], id)
		}
	}
	n, err := a.deleteRels(byType)
	if err != nil {
		return err
	}
	a.res.Removed += n
	return nil
}

// deleteEvents deletes contacts or referrals (the query is fixed text,
// returning the ids deleted) and reports NotFound for the first id that
// does not exist.
func (a *applier) deleteEvents(query, noun, field string, list []string) error {
	ids := dedupe(list)
	if len(ids) == 0 {
		return nil
	}
	recs, err := a.collect(query, map[string]any{"ids": toAny(ids)})
	if err != nil {
		return err
	}
	found := make(map[string]bool, len(recs))
	for _, rec := range recs {
		v, _ := rec.Get("id")
		id, _ := v.(string)
		found[id] = true
	}
	for i, id := range list {
		if !found[id] {
			return care.Errorf(care.NotFound, "%s %q not found (%s[%d])", noun, id, field, i)
		}
	}
	a.res.Removed += len(found)
	return nil
}

func (a *applier) deleteContacts() error {
	return a.deleteEvents("UNWIND $ids AS id MATCH ()-[c:CONTACT {id: id}]->() DELETE c RETURN id",
		"contact", "deleteContacts", a.b.DeleteContacts)
}

func (a *applier) deleteReferrals() error {
	return a.deleteEvents("UNWIND $ids AS id MATCH (e:Referral {id: id}) DETACH DELETE e RETURN id",
		"referral", "deleteReferrals", a.b.DeleteReferrals)
}

// cascadeDeletes remove what names the nodes $ids (deleteNodes): their
// contacts, as person, professional or organisation; the referrals and
// consent records about them; their relationships. Each returns how many
// records it removed as n.
var cascadeDeletes = []string{
	`UNWIND $ids AS id
CALL {
  WITH id MATCH (:Node {id: id})-[c:CONTACT]-() RETURN c
  UNION
  WITH id MATCH ()-[c:CONTACT {org: id}]->() RETURN c
}
WITH DISTINCT c
DELETE c
RETURN count(c) AS n`,
	`UNWIND $ids AS id
MATCH (:Node {id: id})<-[:REFERRAL_OF|REFERRED_FROM|REFERRED_TO|CONSENT_OF|CONSENT_TO]-(e)
WITH DISTINCT e
DETACH DELETE e
RETURN count(e) AS n`,
	`UNWIND $ids AS id
MATCH (:Node {id: id})-[r:CARES_FOR|INVOLVED_IN|WORKS_IN|LINKED_TO]-()
WITH DISTINCT r
DELETE r
RETURN count(r) AS n`,
}

// deleteNodes refuses nodes still referred to unless cascading. Cascades
// run first, so that what they remove no longer blocks a plain delete;
// a cascade removes the node's relationships, the contacts and referrals
// that involve it (an event without one of its parties is meaningless),
// and the consent records about it as person or grantee; a record it only
// recorded loses its RECORDED_BY with the node and stays.
//
// A contact names its organisation by a property, not a relationship, so
// DETACH DELETE would leave it naming a deleted node: the contacts naming
// a node as organisation are counted as references and deleted by the
// cascade explicitly. Every node is locked before anything about it is
// counted or deleted, so that a contact a concurrent transaction is
// writing (which locks its organisation, writeContacts) is either seen
// here or waits for this delete and then fails its own check.
func (a *applier) deleteNodes() error {
	if len(a.b.DeleteNodes) == 0 {
		return nil
	}
	var plain, cascade, all []any
	for _, d := range a.b.DeleteNodes {
		if d.Cascade {
			cascade = append(cascade, d.ID)
		} else {
			plain = append(plain, d.ID)
		}
	}
	all = append(append(all, plain...), cascade...)
	if _, err := a.collect("UNWIND $ids AS id MATCH (n:Node {id: id}) SET n._lock = true REMOVE n._lock RETURN id", map[string]any{"ids": all}); err != nil {
		return err
	}
	if len(cascade) > 0 {
		for _, q := range cascadeDeletes {
			n, err := a.count(q, map[string]any{"ids": cascade})
			if err != nil {
				return err
			}
			a.res.Removed += n
		}
	}
	if len(plain) > 0 {
		recs, err := a.collect(`UNWIND $ids AS id MATCH (n:Node {id: id})
RETURN id, COUNT { (n)--() } + COUNT { ()-[:CONTACT {org: id}]->() } AS refs`, map[string]any{"ids": plain})
		if err != nil {
			return err
		}
		for _, rec := range recs {
			d := decoder{m: rec.AsMap()}
			id := d.str("id")
			if refs, _ := d.m["refs"].(int64); refs > 0 {
				return care.Errorf(care.Conflict, "node %q is referred to by %d relationships, contacts or referrals: remove them first, or delete with cascade", id, refs)
			}
		}
	}
	recs, err := a.collect("UNWIND $ids AS id MATCH (n:Node {id: id}) DETACH DELETE n RETURN id", map[string]any{"ids": all})
	if err != nil {
		return err
	}
	if len(recs) != len(all) {
		return care.Errorf(care.Conflict, "a node this batch deletes was deleted by a concurrent change; retry")
	}
	a.res.Deleted += len(recs)
	return nil
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func dedupe(ss []string) []string {
	seen := make(map[string]bool, len(ss))
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

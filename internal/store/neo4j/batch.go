package neo4j

import (
	"context"
	"slices"

	neo4jdrv "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/careweb/careweb/internal/care"
)

var _ care.BatchReader = (*Store)(nil)

// RelationshipsOf is Relationships for many nodes in one query
// (care.BatchReader): the read behind GraphQL dataloaders.
func (s *Store) RelationshipsOf(ctx context.Context, nodes []string, types []care.RelType, w care.Window) ([][]care.Relationship, error) {
	out := make([][]care.Relationship, len(nodes))
	if len(nodes) == 0 {
		return out, nil
	}
	params := windowParams(w, map[string]any{"ids": distinct(nodes)})
	typeCond := ""
	if len(types) > 0 {
		ts := make([]any, len(types))
		for i, t := range types {
			ts[i] = string(t)
		}
		params["types"] = ts
		typeCond = " AND type(r) IN $types"
	}
	type row struct {
		node string
		rel  care.Relationship
	}
	rows, err := read(ctx, s, "read relationships", func(tx neo4jdrv.ManagedTransaction) ([]row, error) {
		recs, err := collect(ctx, tx, `UNWIND $ids AS id
MATCH (:Node {id: id})-[r:CARES_FOR|INVOLVED_IN|WORKS_IN|LINKED_TO]-()
WHERE r.fromDay <= $wTo AND r.toDay >= $wFrom`+typeCond+`
RETURN id, `+relProj+` AS r`, params)
		if err != nil {
			return nil, err
		}
		out := make([]row, 0, len(recs))
		for _, rec := range recs {
			id, _ := rec.Get("id")
			v, _ := rec.Get("r")
			rel, err := decodeRel(v)
			if err != nil {
				return nil, err
			}
			sid, _ := id.(string)
			out = append(out, row{node: sid, rel: rel})
		}
		return out, nil
	})
	if err != nil {
		return nil, err
	}
	byNode := make(map[string][]care.Relationship, len(nodes))
	for _, r := range rows {
		byNode[r.node] = append(byNode[r.node], r.rel)
	}
	for i, id := range nodes {
		rels := slices.Clone(byNode[id])
		slices.SortFunc(rels, relLess)
		out[i] = rels
	}
	return out, nil
}

// ContactsOf is Contacts for many persons in one query (care.BatchReader).
func (s *Store) ContactsOf(ctx context.Context, persons []string, w care.Window, p care.Page) ([]care.ContactPage, error) {
	if err := p.Validate(pageField); err != nil {
		return nil, err
	}
	out := make([]care.ContactPage, len(persons))
	if len(persons) == 0 {
		return out, nil
	}
	cs, err := read(ctx, s, "read contacts", func(tx neo4jdrv.ManagedTransaction) ([]care.Contact, error) {
		recs, err := collect(ctx, tx, `UNWIND $ids AS id
MATCH (p:Person {id: id})-[c:CONTACT]->(pro)
WHERE `+contactInWindow+`
RETURN `+contactProj+` AS c`, contactWindow(w, map[string]any{"ids": distinct(persons)}))
		if err != nil {
			return nil, err
		}
		return decodeAll(recs, "c", decodeContact)
	})
	if err != nil {
		return nil, err
	}
	by := map[string][]care.Contact{}
	for _, c := range cs {
		by[c.Person] = append(by[c.Person], c)
	}
	for i, id := range persons {
		list := slices.Clone(by[id])
		slices.SortFunc(list, contactOrder)
		lo, hi, info, err := care.PageRange(len(list), 2, func(i int) []string { return care.ContactKey(list[i]) }, p, pageField)
		if err != nil {
			return nil, err
		}
		list = list[lo:hi]
		cursors := care.FillCursors(&info, len(list), func(i int) []string { return care.ContactKey(list[i]) })
		out[i] = care.ContactPage{Contacts: list, Cursors: cursors, Info: info}
	}
	return out, nil
}

// ReferralsOf is Referrals for many persons in one query (care.BatchReader).
func (s *Store) ReferralsOf(ctx context.Context, persons []string, w care.Window, p care.Page) ([]care.ReferralPage, error) {
	if err := p.Validate(pageField); err != nil {
		return nil, err
	}
	out := make([]care.ReferralPage, len(persons))
	if len(persons) == 0 {
		return out, nil
	}
	rs, err := read(ctx, s, "read referrals", func(tx neo4jdrv.ManagedTransaction) ([]care.Referral, error) {
		recs, err := collect(ctx, tx, `UNWIND $ids AS id
MATCH (p:Person {id: id})<-[:REFERRAL_OF]-(e:Referral)
WHERE e.day >= $wFrom AND e.day <= $wTo
MATCH (e)-[:REFERRED_FROM]->(a)
MATCH (e)-[:REFERRED_TO]->(b)
RETURN `+referralProj+` AS e`, windowParams(w, map[string]any{"ids": distinct(persons)}))
		if err != nil {
			return nil, err
		}
		return decodeAll(recs, "e", decodeReferral)
	})
	if err != nil {
		return nil, err
	}
	by := map[string][]care.Referral{}
	for _, r := range rs {
		by[r.Person] = append(by[r.Person], r)
	}
	for i, id := range persons {
		list := slices.Clone(by[id])
		slices.SortFunc(list, referralOrder)
		lo, hi, info, err := care.PageRange(len(list), 2, func(i int) []string { return care.ReferralKey(list[i]) }, p, pageField)
		if err != nil {
			return nil, err
		}
		list = list[lo:hi]
		cursors := care.FillCursors(&info, len(list), func(i int) []string { return care.ReferralKey(list[i]) })
		out[i] = care.ReferralPage{Referrals: list, Cursors: cursors, Info: info}
	}
	return out, nil
}

// Relationship returns the relationship with id, or NotFound.
func (s *Store) Relationship(ctx context.Context, id string) (care.Relationship, error) {
	rels, err := read(ctx, s, "read relationship", func(tx neo4jdrv.ManagedTransaction) ([]care.Relationship, error) {
		recs, err := collect(ctx, tx, `MATCH ()-[r:CARES_FOR|INVOLVED_IN|WORKS_IN|LINKED_TO {id: $id}]->() RETURN `+relProj+` AS r`,
			map[string]any{"id": id})
		if err != nil {
			return nil, err
		}
		return decodeAll(recs, "r", decodeRel)
	})
	if err != nil {
		return care.Relationship{}, err
	}
	if len(rels) == 0 {
		return care.Relationship{}, care.Errorf(care.NotFound, "relationship %q not found", id)
	}
	return rels[0], nil
}

// distinct returns the ids once each: a dataloader may ask for one twice,
// and UNWIND would then return its rows twice.
func distinct(ss []string) []any {
	seen := make(map[string]bool, len(ss))
	out := make([]any, 0, len(ss))
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

package neo4j

import (
	"context"
	"slices"
	"strings"

	neo4jdrv "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/careweb/careweb/internal/care"
)

// eachPersonChunk is how many persons one read transaction gathers. The
// transaction ends before fn is called, so a slow fn holds no transaction
// open and a driver retry never calls fn twice.
const eachPersonChunk = 1000

// EachPerson calls fn for every person in id order (care.Streamer). Each
// chunk of persons is read consistently; the stream as a whole is not a
// snapshot: writes made while it runs may or may not be seen.
func (s *Store) EachPerson(ctx context.Context, fn func(*care.PersonRecord) error) error {
	after := ""
	first := true
	for {
		if err := ctx.Err(); err != nil {
			return care.Wrap(care.Unavailable, err, "stream persons: cancelled")
		}
		chunk, err := read(ctx, s, "stream persons", func(tx neo4jdrv.ManagedTransaction) ([]*care.PersonRecord, error) {
			return readPersonChunk(ctx, tx, after, first)
		})
		if err != nil {
			return err
		}
		for _, rec := range chunk {
			if err := fn(rec); err != nil {
				return err
			}
		}
		if len(chunk) < eachPersonChunk {
			return nil
		}
		after, first = chunk[len(chunk)-1].Person.ID, false
	}
}

func readPersonChunk(ctx context.Context, tx neo4jdrv.ManagedTransaction, after string, first bool) ([]*care.PersonRecord, error) {
	cond := "n.id > $after"
	if first {
		// "" sorts first anyway, but ids are never empty; this keeps the
		// first chunk's query free of a needless comparison.
		cond = "true"
	}
	recs, err := collect(ctx, tx, "MATCH (n:Person) WHERE "+cond+" RETURN "+nodeProj+" AS node ORDER BY n.id LIMIT $limit",
		map[string]any{"after": after, "limit": int64(eachPersonChunk)})
	if err != nil {
		return nil, err
	}
	persons, err := decodeAll(recs, "node", decodeNode)
	if err != nil || len(persons) == 0 {
		return nil, err
	}
	out := make([]*care.PersonRecord, len(persons))
	byID := make(map[string]*care.PersonRecord, len(persons))
	ids := make([]any, len(persons))
	for i, p := range persons {
		out[i] = &care.PersonRecord{Person: p}
		byID[p.ID] = out[i]
		ids[i] = p.ID
	}
	params := map[string]any{"ids": ids}

	recs, err = collect(ctx, tx, `UNWIND $ids AS id
MATCH (:Person {id: id})<-[r:CARES_FOR|INVOLVED_IN]-()
RETURN `+relProj+` AS r`, params)
	if err != nil {
		return nil, err
	}
	rels, err := decodeAll(recs, "r", decodeRel)
	if err != nil {
		return nil, err
	}
	for _, r := range rels {
		p := byID[r.To]
		p.Relationships = append(p.Relationships, r)
	}

	recs, err = collect(ctx, tx, `UNWIND $ids AS id
MATCH (p:Person {id: id})-[c:CONTACT]->(pro)
RETURN `+contactProj+` AS c`, params)
	if err != nil {
		return nil, err
	}
	contacts, err := decodeAll(recs, "c", decodeContact)
	if err != nil {
		return nil, err
	}
	for _, c := range contacts {
		p := byID[c.Person]
		p.Contacts = append(p.Contacts, c)
	}

	recs, err = collect(ctx, tx, `UNWIND $ids AS id
MATCH (p:Person {id: id})<-[:REFERRAL_OF]-(e:Referral)
MATCH (e)-[:REFERRED_FROM]->(a)
MATCH (e)-[:REFERRED_TO]->(b)
RETURN `+referralProj+` AS e`, params)
	if err != nil {
		return nil, err
	}
	refs, err := decodeAll(recs, "e", decodeReferral)
	if err != nil {
		return nil, err
	}
	for _, r := range refs {
		p := byID[r.Person]
		p.Referrals = append(p.Referrals, r)
	}

	consents, err := consentsOf(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	for _, c := range consents {
		p := byID[c.Person]
		p.Consents = append(p.Consents, c)
	}

	for _, p := range out {
		slices.SortFunc(p.Consents, consentOrder)
		slices.SortFunc(p.Relationships, relLess)
		slices.SortFunc(p.Contacts, contactOrder)
		slices.SortFunc(p.Referrals, referralOrder)
	}
	// Neo4j orders strings by UTF-16 code unit; the contract is byte
	// order. Within a chunk that is cheap to honour.
	slices.SortFunc(out, func(a, b *care.PersonRecord) int { return strings.Compare(a.Person.ID, b.Person.ID) })
	return out, nil
}

// Services returns every node that is not a person, with the WORKS_IN and
// LINKED_TO relationships among them (care.Streamer).
func (s *Store) Services(ctx context.Context) (*care.Services, error) {
	return read(ctx, s, "read services", func(tx neo4jdrv.ManagedTransaction) (*care.Services, error) {
		recs, err := collect(ctx, tx, "MATCH (n:Node) WHERE NOT n:Person RETURN "+nodeProj+" AS n", nil)
		if err != nil {
			return nil, err
		}
		nodes, err := decodeAll(recs, "n", decodeNode)
		if err != nil {
			return nil, err
		}
		recs, err = collect(ctx, tx, "MATCH ()-[r:WORKS_IN|LINKED_TO]->() RETURN "+relProj+" AS r", nil)
		if err != nil {
			return nil, err
		}
		rels, err := decodeAll(recs, "r", decodeRel)
		if err != nil {
			return nil, err
		}
		slices.SortFunc(nodes, func(a, b care.Node) int { return strings.Compare(a.ID, b.ID) })
		slices.SortFunc(rels, byID)
		return &care.Services{Nodes: nodes, Relationships: rels}, nil
	})
}

package neo4j

import (
	"cmp"
	"context"
	"slices"
	"strings"

	neo4jdrv "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/careweb/careweb/internal/care"
)

// Consent records are nodes of their own, like referrals, joined to the
// nodes they name:
//
//	(:Consent {id, basis, decision, fromDay, toDay, recordedAt})-[:CONSENT_OF]->(:Person)
//	(:Consent)-[:CONSENT_TO]->(:Carer)
//	(:Consent)-[:RECORDED_BY]->(any node)               // when recorded
//
// fromDay and toDay are stored as for relationships; recordedAt is a UTC
// DATETIME. Deleting the recorder with cascade (DETACH DELETE) drops only
// RECORDED_BY, so the decision stays on record without its recorder.

// consentProj projects consent c with its person p, grantee g and
// optional recorder b.
const consentProj = "c{.id, .basis, .decision, .fromDay, .toDay, .recordedAt, person: p.id, grantee: g.id, recordedBy: b.id}"

func consentRow(c care.Consent) map[string]any {
	return map[string]any{
		"id":         c.ID,
		"person":     c.Person,
		"grantee":    c.Grantee,
		"recordedBy": nullable(c.RecordedBy),
		"basis":      string(c.Basis),
		"decision":   string(c.Decision),
		"fromDay":    int64(c.Span.From),
		"toDay":      int64(c.Span.To),
		"recordedAt": c.RecordedAt.UTC(),
	}
}

func decodeConsent(v any) (care.Consent, error) {
	d := newDecoder(v)
	if d.err != nil {
		return care.Consent{}, d.err
	}
	c := care.Consent{
		ID:         d.str("id"),
		Person:     d.str("person"),
		Grantee:    d.str("grantee"),
		RecordedBy: d.str("recordedBy"),
		Basis:      care.Basis(d.str("basis")),
		Decision:   care.Decision(d.str("decision")),
		Span:       care.Span{From: d.date("fromDay", care.NoStart), To: d.date("toDay", care.NoEnd)},
		RecordedAt: d.time("recordedAt"),
	}
	return c, d.err
}

func consentOrder(a, b care.Consent) int {
	return cmp.Or(a.RecordedAt.Compare(b.RecordedAt), strings.Compare(a.ID, b.ID))
}

// upsertConsents replaces each record whole: records are few, so deleting
// and creating is simpler than rewiring, and leaves the same state.
func (a *applier) upsertConsents() error {
	cs := a.b.Consents
	if len(cs) == 0 {
		return nil
	}
	ids := make([]any, len(cs))
	rows := make([]any, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
		rows[i] = consentRow(c)
	}
	if _, err := a.collect("UNWIND $ids AS id MATCH (c:Consent {id: id}) DETACH DELETE c", map[string]any{"ids": ids}); err != nil {
		return err
	}
	got, err := a.count(`UNWIND $rows AS row
MATCH (p:Node {id: row.person})
MATCH (g:Node {id: row.grantee})
OPTIONAL MATCH (b:Node {id: row.recordedBy})
WITH row, p, g, b WHERE row.recordedBy IS NULL OR b IS NOT NULL
CREATE (c:Consent {id: row.id, basis: row.basis, decision: row.decision, fromDay: row.fromDay, toDay: row.toDay, recordedAt: row.recordedAt}),
       (c)-[:CONSENT_OF]->(p), (c)-[:CONSENT_TO]->(g)
FOREACH (x IN CASE WHEN b IS NULL THEN [] ELSE [b] END | CREATE (c)-[:RECORDED_BY]->(x))
RETURN count(c) AS n`, map[string]any{"rows": rows})
	if err != nil {
		return err
	}
	if got != len(rows) {
		return care.Errorf(care.Conflict, "a node a consent record in this batch refers to was deleted by a concurrent change; retry")
	}
	a.res.Consents += got
	return nil
}

// consentsOf reads the records about the persons ids, in no order.
func consentsOf(ctx context.Context, tx neo4jdrv.ManagedTransaction, ids []any) ([]care.Consent, error) {
	recs, err := collect(ctx, tx, `UNWIND $ids AS id
MATCH (p:Person {id: id})<-[:CONSENT_OF]-(c:Consent)-[:CONSENT_TO]->(g)
OPTIONAL MATCH (c)-[:RECORDED_BY]->(b)
RETURN `+consentProj+` AS c`, map[string]any{"ids": ids})
	if err != nil {
		return nil, err
	}
	return decodeAll(recs, "c", decodeConsent)
}

// Consents returns every consent record about a person (care.Reader).
func (s *Store) Consents(ctx context.Context, personID string) ([]care.Consent, error) {
	type result struct {
		found    bool
		consents []care.Consent
	}
	r, err := read(ctx, s, "read consent records", func(tx neo4jdrv.ManagedTransaction) (result, error) {
		if _, ok, err := person(ctx, tx, personID); err != nil || !ok {
			return result{}, err
		}
		cs, err := consentsOf(ctx, tx, []any{personID})
		return result{found: true, consents: cs}, err
	})
	if err != nil {
		return nil, err
	}
	if !r.found {
		return nil, personNotFound(personID)
	}
	slices.SortFunc(r.consents, consentOrder)
	return r.consents, nil
}

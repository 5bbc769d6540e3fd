package neo4j

import (
	"context"
	"maps"
	"slices"

	neo4jdrv "github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Migrations of data written by earlier versions of this store. They run
// in ensureSchema, after the schema is in place and before the store
// serves anything, so that no query ever sees the old shape.

// migrateContacts turns up to $chunk (:Contact) nodes, with their
// CONTACT_OF, CONTACT_WITH and CONTACT_AT relationships, into one CONTACT
// relationship each (neo4j.go), and returns how many nodes it took (n)
// and how many it converted. migrate runs it, one transaction per chunk,
// until no node is left, so that a database of any size converts within
// the server's transaction memory. Each transaction creates the
// relationships and deletes the nodes it converted together, so an
// interrupted run leaves every contact in exactly one shape, and running
// it again converts the rest: it is safe to repeat, and the driver may
// retry a chunk. The old day property is dropped (contacts' window tests
// use at).
//
// The relationships are all created before any node is deleted:
// creating and deleting row by row (CALL { … } IN TRANSACTIONS, which
// runs its body per row) took 25 times as long on Neo4j 5.26.
//
// A node is deleted without a relationship in its place when it lacks
// its person or professional (an event without one of its parties is
// meaningless, as a cascading delete treats it) or when a CONTACT with
// its id exists already (written by this version, so newer).
const migrateContacts = `MATCH (c:Contact) WITH c LIMIT $chunk
WITH c,
     [(c)-[:CONTACT_OF]->(x:Person) | x][0] AS p,
     [(c)-[:CONTACT_WITH]->(x:Professional) | x][0] AS pro,
     [(c)-[:CONTACT_AT]->(x:Node) | x.id][0] AS org
WITH c, p, pro, org, p IS NOT NULL AND pro IS NOT NULL AND NOT EXISTS { ()-[:CONTACT {id: c.id}]->() } AS keep
FOREACH (x IN CASE WHEN keep THEN [1] ELSE [] END |
  CREATE (p)-[:CONTACT {id: c.id, at: c.at, mode: c.mode, setting: c.setting, org: org}]->(pro))
WITH collect(c) AS cs, count(CASE WHEN keep THEN 1 END) AS converted
FOREACH (c IN cs | DETACH DELETE c)
RETURN size(cs) AS n, converted`

// migrateChunk is how many contacts one migration transaction converts.
const migrateChunk = 10_000

// oldContactSchema is the schema of contact nodes, by name, with the
// statement that drops it once no contact node is left.
var oldContactSchema = map[string]string{
	"careweb_contact_id": "DROP CONSTRAINT careweb_contact_id IF EXISTS",
	"careweb_contact_at": "DROP INDEX careweb_contact_at IF EXISTS",
	// Made by a development build of the relationship model; unused.
	"careweb_contact_rel_at": "DROP INDEX careweb_contact_rel_at IF EXISTS",
}

// oldSchemaLeft lists which of oldContactSchema's names exist. SHOW
// INDEXES lists a constraint's backing index under the constraint's name,
// so one read covers both, and a store opened on a database that has
// none (every start after the first) writes nothing.
const oldSchemaLeft = "SHOW INDEXES YIELD name WHERE name IN $names RETURN name"

// migrate converts what earlier versions stored. It cannot use read or
// write, which would wait for the schema set-up it is part of; a failure
// fails ensureSchema, which the next use of the store runs again.
func (s *Store) migrate(ctx context.Context, sess neo4jdrv.SessionWithContext) error {
	converted, dropped := 0, 0
	for {
		rec, err := neo4jdrv.ExecuteWrite(ctx, sess, func(tx neo4jdrv.ManagedTransaction) (*neo4jdrv.Record, error) {
			return single(ctx, tx, migrateContacts, map[string]any{"chunk": int64(migrateChunk)})
		}, s.txConfig)
		if err != nil {
			s.log.Error().Err(err).Int("converted", converted).Msg("neo4j: converting contacts stored as nodes failed; the next attempt resumes where it stopped")
			return err
		}
		d := decoder{m: rec.AsMap()}
		n, _ := d.m["n"].(int64)
		c, _ := d.m["converted"].(int64)
		if n == 0 {
			break
		}
		if converted+dropped == 0 {
			s.log.Info().Msg("neo4j: converting contacts stored as nodes (an earlier version) to relationships")
		}
		converted += int(c)
		dropped += int(n - c)
	}
	if converted+dropped > 0 {
		s.log.Info().Int("converted", converted).Int("dropped", dropped).Msg("neo4j: contacts converted to relationships")
	}
	left, err := neo4jdrv.ExecuteRead(ctx, sess, func(tx neo4jdrv.ManagedTransaction) ([]*neo4jdrv.Record, error) {
		return collect(ctx, tx, oldSchemaLeft, map[string]any{"names": slices.Collect(maps.Keys(oldContactSchema))})
	}, s.txConfig)
	if err != nil {
		return err
	}
	for _, rec := range left {
		name, _ := rec.Values[0].(string)
		if err := s.runSchema(ctx, sess, oldContactSchema[name]); err != nil {
			return err
		}
	}
	return nil
}

package neo4j

import (
	"fmt"
	"strings"

	"github.com/careweb/careweb/internal/care"
)

// Writing events (contacts and referrals), the bulk of every import.
//
// An event is a node with its properties and one relationship to each
// node it names. The write is shaped by what profiling the server showed
// (docs/performance.md):
//
//   - The nodes an event names are found by element id, which the
//     applier learnt when it looked them up for validation (or wrote
//     them), not by the :Node(id) index: an index seek in a writing query
//     takes an index-entry lock per row, and was the largest cost after
//     creating the relationships themselves. Each end is checked against
//     its id after the write, so that a node deleted and its element id
//     reused by a concurrent transaction in between is a Conflict, not a
//     wrong edge.
//   - Which events exist already is asked once per batch, in a read (no
//     locks); new events are CREATEd (no MERGE, no search for old
//     relationships to delete), and only existing ones are rewired.
//   - An optional end is matched with OPTIONAL MATCH and written with
//     FOREACH, not in a per-row subquery, and no operator in the new-event
//     query needs its rows buffered (Eager).

// eventSpec is how one kind of event is stored. Its Cypher is fixed text,
// built once from the constants below.
type eventSpec struct {
	label string // the node label
	noun  string // for messages
	ends  []eventEnd
	// create writes new events; update rewrites existing ones (rows carry
	// the event's element id as self); exists finds which ids exist.
	create, update, exists string
}

// eventEnd is one relationship from the event to a node it names.
type eventEnd struct {
	rel      string
	optional bool
}

var contactSpec = newEventSpec("Contact", "contact",
	eventEnd{rel: "CONTACT_OF"}, eventEnd{rel: "CONTACT_WITH"}, eventEnd{rel: "CONTACT_AT", optional: true})

var referralSpec = newEventSpec("Referral", "referral",
	eventEnd{rel: "REFERRAL_OF"}, eventEnd{rel: "REFERRED_FROM"}, eventEnd{rel: "REFERRED_TO"})

// newEventSpec builds the queries. Rows are maps:
//
//	{self: event element id (update only), props: {property: value},
//	 ends: [element id of each end or null], ids: [id of each end or null]}
func newEventSpec(label, noun string, ends ...eventEnd) eventSpec {
	s := eventSpec{label: label, noun: noun, ends: ends}
	var match, write, check strings.Builder
	vars := make([]string, len(ends))
	rels := make([]string, len(ends))
	for i, e := range ends {
		v := fmt.Sprintf("n%d", i)
		vars[i] = v
		rels[i] = e.rel
		if e.optional {
			fmt.Fprintf(&match, "OPTIONAL MATCH (%s:Node) WHERE elementId(%s) = row.ends[%d]\n", v, v, i)
			fmt.Fprintf(&match, "WITH * WHERE row.ids[%d] IS NULL OR %s IS NOT NULL\n", i, v)
			fmt.Fprintf(&write, "FOREACH (x IN CASE WHEN %s IS NULL THEN [] ELSE [%s] END | CREATE (e)-[:%s]->(x))\n", v, v, e.rel)
			fmt.Fprintf(&check, " AND (%s IS NULL OR %s.id = row.ids[%d])", v, v, i)
		} else {
			fmt.Fprintf(&match, "MATCH (%s:Node) WHERE elementId(%s) = row.ends[%d]\n", v, v, i)
			fmt.Fprintf(&write, "CREATE (e)-[:%s]->(%s)\n", e.rel, v)
			fmt.Fprintf(&check, " AND %s.id = row.ids[%d]", v, i)
		}
	}
	tail := write.String() +
		"WITH row, " + strings.Join(vars, ", ") + " WHERE true" + check.String() + "\n" +
		"RETURN count(*) AS n"
	s.create = "UNWIND $rows AS row\n" + match.String() +
		"CREATE (e:" + label + ")\nSET e = row.props\n" + tail
	s.update = "UNWIND $rows AS row\nMATCH (e:" + label + ") WHERE elementId(e) = row.self\n" + match.String() +
		"SET e = row.props\n" +
		"WITH *\nCALL { WITH e MATCH (e)-[old:" + strings.Join(rels, "|") + "]->() DELETE old }\n" + tail
	s.exists = "UNWIND $ids AS id MATCH (e:" + label + " {id: id}) RETURN id, elementId(e) AS self"
	return s
}

// eventRow is one row for spec's queries: the event's properties (its id
// among them) and the ids of the nodes it names, in spec's order ("" for
// an optional end not given).
func (a *applier) eventRow(props map[string]any, ends ...string) map[string]any {
	eids := make([]any, len(ends))
	ids := make([]any, len(ends))
	for i, id := range ends {
		if id == "" {
			continue
		}
		ids[i] = id
		if e, ok := a.eid[id]; ok {
			eids[i] = e
		}
	}
	return map[string]any{"props": props, "ends": eids, "ids": ids}
}

// writeEvents writes rows (from eventRow) of spec: creating the events
// that do not exist, rewiring those that do. It returns how many it wrote.
func (a *applier) writeEvents(spec *eventSpec, rows []map[string]any) (int, error) {
	if len(rows) == 0 {
		return 0, nil
	}
	ids := make([]any, len(rows))
	for i, r := range rows {
		ids[i] = r["props"].(map[string]any)["id"]
	}
	recs, err := a.collect(spec.exists, map[string]any{"ids": ids})
	if err != nil {
		return 0, err
	}
	self := make(map[string]any, len(recs))
	for _, rec := range recs {
		m := rec.AsMap()
		id, _ := m["id"].(string)
		self[id] = m["self"]
	}
	var fresh, stored []any
	for _, r := range rows {
		if e, ok := self[r["props"].(map[string]any)["id"].(string)]; ok {
			r["self"] = e
			stored = append(stored, r)
		} else {
			fresh = append(fresh, r)
		}
	}
	written := 0
	for _, part := range []struct {
		query string
		rows  []any
	}{{spec.create, fresh}, {spec.update, stored}} {
		if len(part.rows) == 0 {
			continue
		}
		n, err := a.count(part.query, map[string]any{"rows": part.rows})
		if err != nil {
			return 0, err
		}
		written += n
	}
	if written != len(rows) {
		return 0, care.Errorf(care.Conflict, "a node a %s in this batch refers to was deleted by a concurrent change; retry", spec.noun)
	}
	return written, nil
}

package neo4j

import (
	"fmt"
	"slices"
	"strings"

	"github.com/careweb/careweb/internal/care"
)

// Writing events (contacts and referrals), the bulk of every import.
//
// An event is a node with its properties and one relationship to each
// node it names. The write is shaped by what profiling the server (Java
// Flight Recorder on Neo4j 5.26) showed:
//
//   - The nodes an event names are found by element id, which the
//     applier learnt when it looked them up for validation (or wrote
//     them), not by the :Node(id) index: an index seek in a writing query
//     takes an index-entry lock per row, and was the largest cost after
//     creating the relationships themselves. Each end is checked against
//     its id after the write, so that a node deleted and its element id
//     reused by a concurrent transaction in between is a Conflict, not a
//     wrong edge.
//   - Which events exist already, and what they are joined to, is asked
//     once per batch, in a read (no locks); new events are CREATEd (no
//     MERGE, no search for old relationships to delete), existing ones
//     joined as asked only have their properties set (a re-applied
//     import), and only those whose ends change are rewired.
//   - An optional end is matched with OPTIONAL MATCH and written with
//     FOREACH, not in a per-row subquery, and no operator in the new-event
//     query needs its rows buffered (Eager).

// eventSpec is how one kind of event is stored. Its Cypher is fixed text,
// built once from the constants below.
type eventSpec struct {
	label string   // the node label
	noun  string   // for messages
	props []string // the node's properties, as the rows' props maps name them
	ends  []eventEnd
	// create writes new events; update rewrites existing ones and reset
	// only their properties (rows carry the event's element id as self);
	// exists finds which ids exist, and their ends.
	create, update, reset, exists string
}

// eventEnd is one relationship from the event to a node it names.
type eventEnd struct {
	rel      string
	optional bool
}

var contactSpec = newEventSpec("Contact", "contact", []string{"id", "at", "day", "mode", "setting"},
	eventEnd{rel: "CONTACT_OF"}, eventEnd{rel: "CONTACT_WITH"}, eventEnd{rel: "CONTACT_AT", optional: true})

var referralSpec = newEventSpec("Referral", "referral", []string{"id", "at", "day", "reason"},
	eventEnd{rel: "REFERRAL_OF"}, eventEnd{rel: "REFERRED_FROM"}, eventEnd{rel: "REFERRED_TO"})

// newEventSpec builds the queries. Rows are maps:
//
//	{self: event element id (update only), props: {property: value},
//	 ends: [element id of each end or null], ids: [id of each end or null]}
func newEventSpec(label, noun string, props []string, ends ...eventEnd) eventSpec {
	s := eventSpec{label: label, noun: noun, props: props, ends: ends}
	// New events get their properties in the CREATE itself: a separate
	// SET would make the planner buffer every row (Eager) before checking
	// the ends' ids.
	inline := make([]string, len(props))
	for i, p := range props {
		inline[i] = p + ": row.props." + p
	}
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
		"CREATE (e:" + label + " {" + strings.Join(inline, ", ") + "})\n" + tail
	s.update = "UNWIND $rows AS row\nMATCH (e:" + label + ") WHERE elementId(e) = row.self\n" + match.String() +
		"SET e = row.props\n" +
		"WITH *\nCALL { WITH e MATCH (e)-[old:" + strings.Join(rels, "|") + "]->() DELETE old }\n" + tail
	s.reset = "UNWIND $rows AS row\nMATCH (e:" + label + ") WHERE elementId(e) = row.self\nSET e = row.props\nRETURN count(*) AS n"
	s.exists = "UNWIND $ids AS id MATCH (e:" + label + " {id: id})\n" +
		"RETURN id, elementId(e) AS self, [(e)-[r:" + strings.Join(rels, "|") + "]->(x) | [type(r), x.id]] AS ends"
	return s
}

// joined reports whether an event's stored edges (pairs of relationship
// type and node id, from the exists query) are exactly those ids asks for.
func (s *eventSpec) joined(stored []any, ids []any) bool {
	want := 0
	for _, id := range ids {
		if id != nil {
			want++
		}
	}
	if len(stored) != want {
		return false
	}
	seen := make([]bool, len(s.ends))
	for _, pair := range stored {
		p, _ := pair.([]any)
		if len(p) != 2 {
			return false
		}
		i := slices.IndexFunc(s.ends, func(e eventEnd) bool { return e.rel == p[0] })
		if i < 0 || seen[i] || ids[i] == nil || ids[i] != p[1] {
			return false
		}
		seen[i] = true
	}
	return true
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
	type stored struct {
		self any
		ends []any
	}
	found := make(map[string]stored, len(recs))
	for _, rec := range recs {
		m := rec.AsMap()
		id, _ := m["id"].(string)
		ends, _ := m["ends"].([]any)
		found[id] = stored{self: m["self"], ends: ends}
	}
	var fresh, moved, same []any
	for _, r := range rows {
		old, ok := found[r["props"].(map[string]any)["id"].(string)]
		switch {
		case !ok:
			fresh = append(fresh, r)
		case spec.joined(old.ends, r["ids"].([]any)):
			r["self"] = old.self
			same = append(same, r)
		default:
			r["self"] = old.self
			moved = append(moved, r)
		}
	}
	written := 0
	for _, part := range []struct {
		query string
		rows  []any
	}{{spec.create, fresh}, {spec.update, moved}, {spec.reset, same}} {
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

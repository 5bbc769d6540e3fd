package neo4j

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/careweb/careweb/internal/care"
)

// Writing events (contacts and referrals), the bulk of every import.
//
// A contact is one relationship, (:Person)-[:CONTACT]->(:Professional),
// with the organisation it was recorded through as a property (org, the
// organisation's id); a referral is a node with one relationship to each
// node it names. Contacts outnumber everything else by far, and an
// import's rate is the server's CPU per contact (one transaction runs on
// one core): a contact node with its three relationships cost ~100 µs of
// server CPU, one relationship with the same properties about a third
// less, and half the transaction heap (Neo4j's estimate: ~4 KB per contact
// as a node, ~2 KB as a relationship; docs/performance.md).
//
// The organisation is a property, not a second relationship, because a
// relationship has two ends; what a relationship to it gave for free is
// done by hand: deleting an
// organisation counts and cascades to the contacts naming it (the CONTACT
// org index finds them), and both that delete and a contact write lock
// the organisation node, so that neither can miss the other (below).
//
// The writes are shaped by what profiling the server (Java Flight
// Recorder on Neo4j 5.26) showed:
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
//     import), and only those whose ends change are rewired — for a
//     contact, deleted and created again, since a relationship's ends
//     cannot change.
//   - No operator in a new-event query needs its rows buffered (Eager).

// The contact queries. contactCreate's rows are lists (createRow); the
// others' are maps:
//
//	{self: the CONTACT's element id, props: {property: value}}
//
// contactProps' keys are the properties; TestContactProps checks that
// contactCreate writes exactly those.
var (
	contactPropNames = []string{"id", "at", "mode", "setting", "org"}

	// contactExists finds which ids exist, and their ends.
	contactExists = `UNWIND $ids AS id
MATCH (p)-[c:CONTACT {id: id}]->(pro)
RETURN id, elementId(c) AS self, p.id AS person, pro.id AS professional`

	// contactCreate writes new contacts, with their properties in the
	// CREATE itself (a separate SET would make the planner buffer every
	// row before checking the ends' ids). Its rows are flat lists
	// (createRow), not maps of maps: the server unpacks a list of scalars
	// for less, and this is the query an import spends its time in.
	contactCreate = `UNWIND $rows AS row
MATCH (p:Node) WHERE elementId(p) = row[` + strconv.Itoa(len(contactPropNames)) + `]
MATCH (pro:Node) WHERE elementId(pro) = row[` + strconv.Itoa(len(contactPropNames)+1) + `]
CREATE (p)-[:CONTACT {` + inlineListProps(contactPropNames) + `}]->(pro)
WITH row, p, pro WHERE p.id = row[` + strconv.Itoa(len(contactPropNames)+2) + `] AND pro.id = row[` + strconv.Itoa(len(contactPropNames)+3) + `]
RETURN count(*) AS n`

	// contactReset rewrites the properties of contacts whose ends stay.
	// The id test catches an element id reused since the exists read.
	contactReset = `UNWIND $rows AS row
MATCH ()-[c:CONTACT]->() WHERE elementId(c) = row.self AND c.id = row.props.id
SET c = row.props
RETURN count(*) AS n`

	// contactUnwire deletes the stored relationship of contacts whose
	// person or professional changes; contactCreate then writes them anew.
	contactUnwire = `UNWIND $rows AS row
MATCH ()-[c:CONTACT]->() WHERE elementId(c) = row.self AND c.id = row.props.id
DELETE c
RETURN count(*) AS n`

	// lockNodes takes the write lock of nodes by element id (Neo4j has no
	// other way to lock than to write: a property set and removed leaves
	// nothing behind) and counts those that still have their id.
	lockNodes = `UNWIND $nodes AS x
MATCH (n:Node) WHERE elementId(n) = x.e
SET n._lock = true REMOVE n._lock
RETURN count(CASE WHEN n.id = x.id THEN 1 END) AS n`
)

// inlineListProps is the map literal body "p: row[0], ..." of props, for
// rows that are lists (createRow).
func inlineListProps(props []string) string {
	inline := make([]string, len(props))
	for i, p := range props {
		inline[i] = p + ": row[" + strconv.Itoa(i) + "]"
	}
	return strings.Join(inline, ", ")
}

// createRow is a contact's row for contactCreate: its properties in
// contactPropNames' order, then the element ids of its person and
// professional, then their ids.
func (a *applier) createRow(c care.Contact) []any {
	props := contactProps(c)
	row := make([]any, 0, len(contactPropNames)+4)
	for _, p := range contactPropNames {
		row = append(row, props[p])
	}
	return append(row, a.endID(c.Person), a.endID(c.Professional), c.Person, c.Professional)
}

// inlineProps is the map literal body "p: row.props.p, ..." of props.
func inlineProps(props []string) string {
	inline := make([]string, len(props))
	for i, p := range props {
		inline[i] = p + ": row.props." + p
	}
	return strings.Join(inline, ", ")
}

// writeContacts writes contacts: creating those that do not exist,
// rewiring those whose person or professional changed, and setting the
// properties of the others. It returns how many it wrote.
//
// The organisations the contacts name are locked first: a contact names
// its organisation by id only, so without the lock a concurrent delete of
// the organisation (which locks it before counting what refers to it,
// deleteNodes) could count before this write commits and leave the
// contact naming a deleted node. The lock also checks that each
// organisation is still the node its element id was.
func (a *applier) writeContacts(cs []care.Contact) (int, error) {
	if len(cs) == 0 {
		return 0, nil
	}
	ids := make([]any, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	recs, err := a.collect(contactExists, map[string]any{"ids": ids})
	if err != nil {
		return 0, err
	}
	type stored struct {
		self               any
		person, profession string
	}
	found := make(map[string]stored, len(recs))
	for _, rec := range recs {
		d := decoder{m: rec.AsMap()}
		found[d.str("id")] = stored{self: d.m["self"], person: d.str("person"), profession: d.str("professional")}
		if d.err != nil {
			return 0, d.err
		}
	}
	var create, moved, same []any
	orgs := map[string]bool{}
	for _, c := range cs {
		if c.Organisation != "" {
			orgs[c.Organisation] = true
		}
		old, ok := found[c.ID]
		if !ok {
			create = append(create, a.createRow(c))
			continue
		}
		row := map[string]any{"self": old.self, "props": contactProps(c)}
		if old.person == c.Person && old.profession == c.Professional {
			same = append(same, row)
			continue
		}
		moved = append(moved, row)
		create = append(create, a.createRow(c))
	}
	if len(orgs) > 0 {
		nodes := make([]any, 0, len(orgs))
		for id := range orgs {
			nodes = append(nodes, map[string]any{"id": id, "e": a.endID(id)})
		}
		n, err := a.count(lockNodes, map[string]any{"nodes": nodes})
		if err != nil {
			return 0, err
		}
		if n != len(nodes) {
			return 0, care.Errorf(care.Conflict, "an organisation a contact in this batch refers to was deleted by a concurrent change; retry")
		}
	}
	if len(moved) > 0 {
		n, err := a.count(contactUnwire, map[string]any{"rows": moved})
		if err != nil {
			return 0, err
		}
		if n != len(moved) {
			return 0, care.Errorf(care.Conflict, "a contact in this batch was deleted by a concurrent change; retry")
		}
	}
	written, err := a.countRows(rowsFor{contactCreate, create}, rowsFor{contactReset, same})
	if err != nil {
		return 0, err
	}
	if written != len(cs) {
		return 0, care.Errorf(care.Conflict, "a contact or a node it refers to in this batch was deleted by a concurrent change; retry")
	}
	return written, nil
}

// rowsFor is a query taking $rows and returning count n, with its rows.
type rowsFor struct {
	query string
	rows  []any
}

// countRows runs each query on its rows, skipping those with none, and
// returns the sum of their counts.
func (a *applier) countRows(parts ...rowsFor) (int, error) {
	sum := 0
	for _, p := range parts {
		if len(p.rows) == 0 {
			continue
		}
		n, err := a.count(p.query, map[string]any{"rows": p.rows})
		if err != nil {
			return 0, err
		}
		sum += n
	}
	return sum, nil
}

// endID is the element id of node id as looked up or written in this
// transaction, or nil (which matches nothing) if it is unknown.
func (a *applier) endID(id string) any {
	if e, ok := a.eid[id]; ok {
		return e
	}
	return nil
}

// eventSpec is how one kind of event node is stored (referrals; contacts
// are relationships, above). Its Cypher is fixed text, built once.
type eventSpec struct {
	label string   // the node label
	noun  string   // for messages
	props []string // the node's properties, as the rows' props maps name them
	// rels are the relationship types from the event to the nodes it
	// names, one each; every end is required.
	rels []string
	// create writes new events; update rewrites existing ones and reset
	// only their properties (rows carry the event's element id as self);
	// exists finds which ids exist, and their ends.
	create, update, reset, exists string
}

var referralSpec = newEventSpec("Referral", "referral", []string{"id", "at", "day", "reason"},
	"REFERRAL_OF", "REFERRED_FROM", "REFERRED_TO")

// newEventSpec builds the queries. Rows are maps:
//
//	{self: event element id (update only), props: {property: value},
//	 ends: [element id of each end or null if unknown], ids: [id of each end]}
func newEventSpec(label, noun string, props []string, rels ...string) eventSpec {
	s := eventSpec{label: label, noun: noun, props: props, rels: rels}
	// New events get their properties in the CREATE itself: a separate
	// SET would make the planner buffer every row (Eager) before checking
	// the ends' ids.
	var match, write, check strings.Builder
	vars := make([]string, len(rels))
	for i, rel := range rels {
		v := fmt.Sprintf("n%d", i)
		vars[i] = v
		fmt.Fprintf(&match, "MATCH (%s:Node) WHERE elementId(%s) = row.ends[%d]\n", v, v, i)
		fmt.Fprintf(&write, "CREATE (e)-[:%s]->(%s)\n", rel, v)
		fmt.Fprintf(&check, " AND %s.id = row.ids[%d]", v, i)
	}
	tail := write.String() +
		"WITH row, " + strings.Join(vars, ", ") + " WHERE true" + check.String() + "\n" +
		"RETURN count(*) AS n"
	s.create = "UNWIND $rows AS row\n" + match.String() +
		"CREATE (e:" + label + " {" + inlineProps(props) + "})\n" + tail
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
	if len(stored) != len(ids) {
		return false
	}
	seen := make([]bool, len(s.rels))
	for _, pair := range stored {
		p, _ := pair.([]any)
		if len(p) != 2 {
			return false
		}
		rel, _ := p[0].(string)
		i := slices.Index(s.rels, rel)
		if i < 0 || seen[i] || ids[i] != p[1] {
			return false
		}
		seen[i] = true
	}
	return true
}

// eventRow is one row for spec's queries: the event's properties (its id
// among them) and the ids of the nodes it names, in spec's order.
func (a *applier) eventRow(props map[string]any, ends ...string) map[string]any {
	eids := make([]any, len(ends))
	ids := make([]any, len(ends))
	for i, id := range ends {
		ids[i] = id
		eids[i] = a.endID(id)
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
	written, err := a.countRows(rowsFor{spec.create, fresh}, rowsFor{spec.update, moved}, rowsFor{spec.reset, same})
	if err != nil {
		return 0, err
	}
	if written != len(rows) {
		return 0, care.Errorf(care.Conflict, "a node a %s in this batch refers to was deleted by a concurrent change; retry", spec.noun)
	}
	return written, nil
}

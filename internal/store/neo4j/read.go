package neo4j

import (
	"cmp"
	"context"
	"slices"
	"strings"

	neo4jdrv "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/careweb/careweb/internal/care"
)

// Node returns the node with id, or NotFound.
func (s *Store) Node(ctx context.Context, id string) (care.Node, error) {
	nodes, err := s.Nodes(ctx, []string{id})
	if err != nil {
		return care.Node{}, err
	}
	if len(nodes) == 0 {
		return care.Node{}, care.Errorf(care.NotFound, "node %q not found", id)
	}
	return nodes[0], nil
}

// Nodes returns the nodes with the given ids that exist, in the order
// asked, with one query for all of them.
func (s *Store) Nodes(ctx context.Context, ids []string) ([]care.Node, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	found, err := read(ctx, s, "read nodes", func(tx neo4jdrv.ManagedTransaction) (map[string]care.Node, error) {
		return nodesByID(ctx, tx, dedupe(ids))
	})
	if err != nil {
		return nil, err
	}
	out := make([]care.Node, 0, len(ids))
	for _, id := range ids {
		if n, ok := found[id]; ok {
			out = append(out, n)
		}
	}
	return out, nil
}

func nodesByID(ctx context.Context, tx neo4jdrv.ManagedTransaction, ids []string) (map[string]care.Node, error) {
	out := make(map[string]care.Node, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	recs, err := collect(ctx, tx, "UNWIND $ids AS id MATCH (n:Node {id: id}) RETURN "+nodeProj+" AS n", map[string]any{"ids": toAny(ids)})
	if err != nil {
		return nil, err
	}
	nodes, err := decodeAll(recs, "n", decodeNode)
	if err != nil {
		return nil, err
	}
	for _, n := range nodes {
		out[n.ID] = n
	}
	return out, nil
}

// sortKeys holds the fixed Cypher of one sort order: the order itself and
// the comparisons of a node's key with the after ($a0, $a1) and before
// ($b0, $b1) cursors.
type sortKeys struct {
	nparts                  int
	asc, desc               string
	atOrBefore, past, below string
}

var nodeSorts = map[care.SortOrder]sortKeys{
	care.SortByID: {
		nparts:     1,
		asc:        "n.id",
		desc:       "n.id DESC",
		atOrBefore: "n.id <= $a0",
		past:       "n.id > $a0",
		below:      "n.id < $b0",
	},
	care.SortByName: {
		nparts:     2,
		asc:        "n.nameKey, n.id",
		desc:       "n.nameKey DESC, n.id DESC",
		atOrBefore: "(n.nameKey < $a0 OR (n.nameKey = $a0 AND n.id <= $a1))",
		past:       "(n.nameKey > $a0 OR (n.nameKey = $a0 AND n.id > $a1))",
		below:      "(n.nameKey < $b0 OR (n.nameKey = $b0 AND n.id < $b1))",
	},
}

// pageField prefixes the field paths of page problems; GraphQL exposes
// first/after/last/before as plain arguments.
const pageField = ""

// ListNodes returns one page of nodes matching q. It runs two queries in
// one read transaction: a count that places the cursors (how many
// matching nodes sort at or before After, and before Before), and a keyset
// query for the page itself, so that PageInfo follows care.PageRange
// exactly.
func (s *Store) ListNodes(ctx context.Context, q care.NodeQuery) (care.NodePage, error) {
	if err := q.Page.Validate(pageField); err != nil {
		return care.NodePage{}, err
	}
	order := q.Sort
	if order == "" {
		order = care.SortByID
	}
	keys, ok := nodeSorts[order]
	if !ok {
		var ps care.Problems
		ps.Add("sort", string(order), "unknown sort order: want ID or NAME")
		return care.NodePage{}, ps.Err("invalid query")
	}
	params := map[string]any{}
	var after, before []string
	if q.Page.After != "" {
		k, err := care.DecodeCursor(pageField+"after", q.Page.After, keys.nparts)
		if err != nil {
			return care.NodePage{}, err
		}
		after = k
		for i, p := range k {
			params["a"+string(rune('0'+i))] = p
		}
	}
	if q.Page.Before != "" {
		k, err := care.DecodeCursor(pageField+"before", q.Page.Before, keys.nparts)
		if err != nil {
			return care.NodePage{}, err
		}
		before = k
		for i, p := range k {
			params["b"+string(rune('0'+i))] = p
		}
	}
	match, filter := nodeFilter(q, params)

	// Every column must be an aggregate: a constant would be a grouping
	// key, and an empty match would then return no row at all.
	loExpr, hiExpr := "count(null)", "count(n)"
	if after != nil {
		loExpr = "count(CASE WHEN " + keys.atOrBefore + " THEN 1 END)"
	}
	if before != nil {
		hiExpr = "count(CASE WHEN " + keys.below + " THEN 1 END)"
	}
	countQ := match + filter + " RETURN count(n) AS total, " + loExpr + " AS lo, " + hiExpr + " AS hi"

	pageWhere := filter
	cond := func(c string) {
		if pageWhere == "" {
			pageWhere = " WHERE " + c
		} else {
			pageWhere += " AND " + c
		}
	}
	if after != nil {
		cond(keys.past)
	}
	if before != nil {
		cond(keys.below)
	}
	limit := q.Page.First
	orderBy := keys.asc
	backward := q.Page.Last > 0
	if backward {
		limit, orderBy = q.Page.Last, keys.desc
	} else if limit == 0 {
		limit = care.DefaultPageSize
	}
	params["limit"] = int64(limit)
	// The projection must not be named n: ORDER BY would then see the
	// projected map, which has no nameKey.
	pageQ := match + pageWhere + " RETURN " + nodeProj + " AS node ORDER BY " + orderBy + " LIMIT $limit"

	type result struct {
		total, lo, hi int
		nodes         []care.Node
	}
	r, err := read(ctx, s, "list nodes", func(tx neo4jdrv.ManagedTransaction) (result, error) {
		rec, err := single(ctx, tx, countQ, params)
		if err != nil {
			return result{}, err
		}
		m := rec.AsMap()
		total, _ := m["total"].(int64)
		lo, _ := m["lo"].(int64)
		hi, _ := m["hi"].(int64)
		recs, err := collect(ctx, tx, pageQ, params)
		if err != nil {
			return result{}, err
		}
		nodes, err := decodeAll(recs, "node", decodeNode)
		return result{total: int(total), lo: int(lo), hi: int(hi), nodes: nodes}, err
	})
	if err != nil {
		return care.NodePage{}, err
	}
	if r.hi < r.lo {
		r.hi = r.lo
	}
	// Place the page as care.PageRange would: [lo, lo+len) going forward,
	// [hi-len, hi) going backward.
	info := care.PageInfo{TotalCount: r.total}
	if backward {
		slices.Reverse(r.nodes)
		info.HasPreviousPage = r.hi-len(r.nodes) > 0
		info.HasNextPage = r.hi < r.total
	} else {
		info.HasPreviousPage = r.lo > 0
		info.HasNextPage = r.lo+len(r.nodes) < r.total
	}
	key := func(i int) []string { return care.NodeKey(r.nodes[i], order) }
	cursors := care.FillCursors(&info, len(r.nodes), key)
	return care.NodePage{Nodes: r.nodes, Cursors: cursors, Info: info}, nil
}

// nodeFilter returns the MATCH and WHERE of q's filters (fixed text; the
// values go into params).
func nodeFilter(q care.NodeQuery, params map[string]any) (match, where string) {
	match = "MATCH (n:Node)"
	var conds []string
	if q.IDs != nil {
		// First, so that the planner seeks the ids in the index rather
		// than scanning a label.
		params["ids"] = toAny(q.IDs)
		conds = append(conds, "n.id IN $ids")
	}
	if len(q.Kinds) == 1 {
		if l, ok := kindLabel[q.Kinds[0]]; ok {
			match = "MATCH (n:" + l + ")"
		} else {
			conds = append(conds, "false")
		}
	} else if len(q.Kinds) > 1 {
		kinds := make([]any, len(q.Kinds))
		for i, k := range q.Kinds {
			kinds[i] = string(k)
		}
		params["kinds"] = kinds
		conds = append(conds, "n.kind IN $kinds")
	}
	active := care.Always
	if q.ActiveIn != nil {
		active = *q.ActiveIn
	}
	contactWindow(active, params)
	if q.Role != "" {
		params["role"] = string(q.Role)
		conds = append(conds, "(n:Professional AND n.role = $role)")
	}
	if q.Sector != "" {
		params["sector"] = string(q.Sector)
		conds = append(conds, `((n:Organisation AND n.sector = $sector) OR
 (n:Professional AND EXISTS { MATCH (n)-[w:WORKS_IN]->(o:Organisation {sector: $sector}) WHERE w.fromDay <= $wTo AND w.toDay >= $wFrom }))`)
	}
	if q.Organisation != "" {
		params["org"] = q.Organisation
		conds = append(conds, `(n:Professional AND EXISTS { MATCH (n)-[w:WORKS_IN]->(o:Node {id: $org}) WHERE w.fromDay <= $wTo AND w.toDay >= $wFrom })`)
	}
	if q.NameContains != "" {
		params["nameKey"] = care.NameKey(q.NameContains)
		conds = append(conds, "n.nameKey CONTAINS $nameKey")
	}
	if q.ActiveIn != nil {
		// A contact touches its person and professional as a relationship
		// and its organisation by the org property, which the CONTACT org
		// index finds.
		conds = append(conds, `(EXISTS { MATCH (n)-[r:CARES_FOR|INVOLVED_IN|WORKS_IN|LINKED_TO]-() WHERE r.fromDay <= $wTo AND r.toDay >= $wFrom }
 OR EXISTS { MATCH (n)-[c:CONTACT]-() WHERE `+contactInWindow+` }
 OR (n:Organisation AND EXISTS { MATCH ()-[c:CONTACT {org: n.id}]->() WHERE `+contactInWindow+` }))`)
	}
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	return match, where
}

// relLess orders relationships by type, start, id (care.Reader).
func relLess(a, b care.Relationship) int {
	return cmp.Or(cmp.Compare(a.Type, b.Type), cmp.Compare(a.Span.From, b.Span.From), strings.Compare(a.ID, b.ID))
}

// byStart orders relationships by start, then id.
func byStart(a, b care.Relationship) int {
	return cmp.Or(cmp.Compare(a.Span.From, b.Span.From), strings.Compare(a.ID, b.ID))
}

func byID(a, b care.Relationship) int { return strings.Compare(a.ID, b.ID) }

// Relationships returns the relationships touching q.Node (see care.Reader).
func (s *Store) Relationships(ctx context.Context, q care.RelQuery) ([]care.Relationship, error) {
	params := windowParams(q.Window, map[string]any{"id": q.Node})
	typeCond := ""
	if len(q.Types) > 0 {
		types := make([]any, len(q.Types))
		for i, t := range q.Types {
			types[i] = string(t)
		}
		params["types"] = types
		typeCond = " AND type(r) IN $types"
	}
	type result struct {
		exists bool
		rels   []care.Relationship
	}
	r, err := read(ctx, s, "read relationships", func(tx neo4jdrv.ManagedTransaction) (result, error) {
		recs, err := collect(ctx, tx, "MATCH (n:Node {id: $id}) RETURN n.id AS id", params)
		if err != nil || len(recs) == 0 {
			return result{}, err
		}
		recs, err = collect(ctx, tx, `MATCH (:Node {id: $id})-[r:CARES_FOR|INVOLVED_IN|WORKS_IN|LINKED_TO]-()
WHERE r.fromDay <= $wTo AND r.toDay >= $wFrom`+typeCond+`
RETURN `+relProj+` AS r`, params)
		if err != nil {
			return result{}, err
		}
		rels, err := decodeAll(recs, "r", decodeRel)
		return result{exists: true, rels: rels}, err
	})
	if err != nil {
		return nil, err
	}
	if !r.exists {
		return nil, care.Errorf(care.NotFound, "node %q not found", q.Node)
	}
	slices.SortFunc(r.rels, relLess)
	return r.rels, nil
}

// person reads the person with id in tx; ok is false when there is no
// such node or it is not a person.
func person(ctx context.Context, tx neo4jdrv.ManagedTransaction, id string) (care.Node, bool, error) {
	recs, err := collect(ctx, tx, "MATCH (n:Person {id: $id}) RETURN "+nodeProj+" AS n", map[string]any{"id": id})
	if err != nil || len(recs) == 0 {
		return care.Node{}, false, err
	}
	v, _ := recs[0].Get("n")
	n, err := decodeNode(v)
	return n, err == nil, err
}

func personNotFound(id string) error {
	return care.Errorf(care.NotFound, "person %q not found", id)
}

// Web returns a person's web of care in w (care.Reader, METRICS-REFERENCE
// Part 1 rules 9 and 10). Five queries in one read transaction gather the
// parts; Go assembles and orders them.
func (s *Store) Web(ctx context.Context, personID string, w care.Window) (care.Web, error) {
	type result struct {
		found bool
		web   care.Web
	}
	r, err := read(ctx, s, "read web", func(tx neo4jdrv.ManagedTransaction) (result, error) {
		p, ok, err := person(ctx, tx, personID)
		if err != nil || !ok {
			return result{}, err
		}
		web, err := readWeb(ctx, tx, p, w)
		return result{found: true, web: web}, err
	})
	if err != nil {
		return care.Web{}, err
	}
	if !r.found {
		return care.Web{}, personNotFound(personID)
	}
	return r.web, nil
}

func readWeb(ctx context.Context, tx neo4jdrv.ManagedTransaction, p care.Node, w care.Window) (care.Web, error) {
	params := windowParams(w, map[string]any{"id": p.ID})
	members := map[string]*care.Member{}
	member := func(n care.Node) *care.Member {
		m, ok := members[n.ID]
		if !ok {
			m = &care.Member{Node: n}
			members[n.ID] = m
		}
		return m
	}

	// Carers and professionals through CARES_FOR / INVOLVED_IN.
	recs, err := collect(ctx, tx, `MATCH (:Person {id: $id})<-[r:CARES_FOR|INVOLVED_IN]-(n)
WHERE r.fromDay <= $wTo AND r.toDay >= $wFrom
RETURN `+nodeProj+` AS n, `+relProj+` AS r`, params)
	if err != nil {
		return care.Web{}, err
	}
	for _, rec := range recs {
		nv, _ := rec.Get("n")
		rv, _ := rec.Get("r")
		n, err := decodeNode(nv)
		if err != nil {
			return care.Web{}, err
		}
		rel, err := decodeRel(rv)
		if err != nil {
			return care.Web{}, err
		}
		m := member(n)
		m.Relationships = append(m.Relationships, rel)
	}

	// Professionals through contacts in the window, with the organisations
	// the contacts were recorded through.
	recs, err = collect(ctx, tx, `MATCH (:Person {id: $id})-[c:CONTACT]->(n)
WHERE `+contactInWindow+`
RETURN `+nodeProj+` AS n, count(c) AS contacts, collect(DISTINCT c.org) AS orgs`, contactWindow(w, params))
	if err != nil {
		return care.Web{}, err
	}
	orgIDs := map[string]bool{}
	for _, rec := range recs {
		nv, _ := rec.Get("n")
		n, err := decodeNode(nv)
		if err != nil {
			return care.Web{}, err
		}
		m := member(n)
		cnt, _ := rec.Get("contacts")
		c, _ := cnt.(int64)
		m.Contacts = int(c)
		ov, _ := rec.Get("orgs")
		list, _ := ov.([]any)
		for _, o := range list {
			if id, ok := o.(string); ok {
				orgIDs[id] = true
			}
		}
	}

	// WORKS_IN of the member professionals.
	var pros []any
	for id, m := range members {
		if m.Node.Kind == care.KindProfessional {
			pros = append(pros, id)
		}
	}
	if len(pros) > 0 {
		params["pros"] = pros
		recs, err = collect(ctx, tx, `UNWIND $pros AS pid
MATCH (:Node {id: pid})-[r:WORKS_IN]->(o)
WHERE r.fromDay <= $wTo AND r.toDay >= $wFrom
RETURN `+relProj+` AS r`, params)
		if err != nil {
			return care.Web{}, err
		}
		rels, err := decodeAll(recs, "r", decodeRel)
		if err != nil {
			return care.Web{}, err
		}
		for _, rel := range rels {
			members[rel.From].WorksIn = append(members[rel.From].WorksIn, rel)
			orgIDs[rel.To] = true
		}
	}

	// The organisations, and LINKED_TO among members or among organisations.
	ids := make([]string, 0, len(members)+len(orgIDs))
	for id := range members {
		ids = append(ids, id)
	}
	orgList := make([]string, 0, len(orgIDs))
	for id := range orgIDs {
		orgList = append(orgList, id)
	}
	ids = append(ids, orgList...)
	orgs, err := nodesByID(ctx, tx, orgList)
	if err != nil {
		return care.Web{}, err
	}
	var links []care.Relationship
	if len(ids) > 1 {
		params["ids"] = toAny(ids)
		recs, err = collect(ctx, tx, `UNWIND $ids AS x
MATCH (:Node {id: x})-[r:LINKED_TO]->(b:Node)
WHERE b.id IN $ids AND r.fromDay <= $wTo AND r.toDay >= $wFrom
RETURN `+relProj+` AS r`, params)
		if err != nil {
			return care.Web{}, err
		}
		all, err := decodeAll(recs, "r", decodeRel)
		if err != nil {
			return care.Web{}, err
		}
		for _, l := range all {
			_, fm := members[l.From]
			_, tm := members[l.To]
			if (fm && tm) || (orgIDs[l.From] && orgIDs[l.To]) {
				links = append(links, l)
			}
		}
	}

	web := care.Web{Person: p, Window: w, Links: links}
	for _, m := range members {
		slices.SortFunc(m.Relationships, byStart)
		slices.SortFunc(m.WorksIn, byStart)
		web.Members = append(web.Members, *m)
	}
	kindRank := func(k care.Kind) int {
		if k == care.KindCarer {
			return 0
		}
		return 1
	}
	slices.SortFunc(web.Members, func(a, b care.Member) int {
		return cmp.Or(cmp.Compare(kindRank(a.Node.Kind), kindRank(b.Node.Kind)), strings.Compare(a.Node.ID, b.Node.ID))
	})
	slices.SortFunc(web.Links, byID)
	for _, id := range orgList {
		if o, ok := orgs[id]; ok {
			web.Organisations = append(web.Organisations, o)
		}
	}
	slices.SortFunc(web.Organisations, func(a, b care.Node) int { return strings.Compare(a.ID, b.ID) })
	return web, nil
}

// Contacts returns one page of a person's contacts in a window. A person's
// contacts are few, so all of those in the window are read in time order
// and paged with care.PageRange.
func (s *Store) Contacts(ctx context.Context, q care.EventQuery) (care.ContactPage, error) {
	if err := q.Page.Validate(pageField); err != nil {
		return care.ContactPage{}, err
	}
	type result struct {
		found    bool
		contacts []care.Contact
	}
	r, err := read(ctx, s, "read contacts", func(tx neo4jdrv.ManagedTransaction) (result, error) {
		if _, ok, err := person(ctx, tx, q.Person); err != nil || !ok {
			return result{}, err
		}
		recs, err := collect(ctx, tx, `MATCH (p:Person {id: $id})-[c:CONTACT]->(pro)
WHERE `+contactInWindow+`
RETURN `+contactProj+` AS c`, contactWindow(q.Window, map[string]any{"id": q.Person}))
		if err != nil {
			return result{}, err
		}
		cs, err := decodeAll(recs, "c", decodeContact)
		return result{found: true, contacts: cs}, err
	})
	if err != nil {
		return care.ContactPage{}, err
	}
	if !r.found {
		return care.ContactPage{}, personNotFound(q.Person)
	}
	cs := r.contacts
	slices.SortFunc(cs, contactOrder)
	lo, hi, info, err := care.PageRange(len(cs), 2, func(i int) []string { return care.ContactKey(cs[i]) }, q.Page, pageField)
	if err != nil {
		return care.ContactPage{}, err
	}
	cs = cs[lo:hi]
	cursors := care.FillCursors(&info, len(cs), func(i int) []string { return care.ContactKey(cs[i]) })
	return care.ContactPage{Contacts: cs, Cursors: cursors, Info: info}, nil
}

// Referrals returns one page of a person's referrals in a window.
func (s *Store) Referrals(ctx context.Context, q care.EventQuery) (care.ReferralPage, error) {
	if err := q.Page.Validate(pageField); err != nil {
		return care.ReferralPage{}, err
	}
	type result struct {
		found bool
		refs  []care.Referral
	}
	r, err := read(ctx, s, "read referrals", func(tx neo4jdrv.ManagedTransaction) (result, error) {
		if _, ok, err := person(ctx, tx, q.Person); err != nil || !ok {
			return result{}, err
		}
		recs, err := collect(ctx, tx, `MATCH (p:Person {id: $id})<-[:REFERRAL_OF]-(e:Referral)
WHERE e.day >= $wFrom AND e.day <= $wTo
MATCH (e)-[:REFERRED_FROM]->(a)
MATCH (e)-[:REFERRED_TO]->(b)
RETURN `+referralProj+` AS e`, windowParams(q.Window, map[string]any{"id": q.Person}))
		if err != nil {
			return result{}, err
		}
		rs, err := decodeAll(recs, "e", decodeReferral)
		return result{found: true, refs: rs}, err
	})
	if err != nil {
		return care.ReferralPage{}, err
	}
	if !r.found {
		return care.ReferralPage{}, personNotFound(q.Person)
	}
	rs := r.refs
	slices.SortFunc(rs, referralOrder)
	lo, hi, info, err := care.PageRange(len(rs), 2, func(i int) []string { return care.ReferralKey(rs[i]) }, q.Page, pageField)
	if err != nil {
		return care.ReferralPage{}, err
	}
	rs = rs[lo:hi]
	cursors := care.FillCursors(&info, len(rs), func(i int) []string { return care.ReferralKey(rs[i]) })
	return care.ReferralPage{Referrals: rs, Cursors: cursors, Info: info}, nil
}

func contactOrder(a, b care.Contact) int {
	return cmp.Or(a.At.Compare(b.At), strings.Compare(a.ID, b.ID))
}

func referralOrder(a, b care.Referral) int {
	return cmp.Or(a.At.Compare(b.At), strings.Compare(a.ID, b.ID))
}

package graph

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strconv"

	"github.com/careweb/careweb/graph/model"
	"github.com/careweb/careweb/internal/care"
)

// window reads the asOf/from/to arguments every time-bounded field takes:
// asOf alone is the one-day window; from/to are inclusive and optional.
func window(asOf, from, to *care.Date) (care.Window, error) {
	var ps care.Problems
	if asOf != nil && (from != nil || to != nil) {
		ps.Add("asOf", asOf.String(), "give asOf or from/to, not both")
	}
	if err := ps.Err("invalid window"); err != nil {
		return care.Window{}, err
	}
	if asOf != nil {
		return care.AsOf(*asOf), nil
	}
	w := care.Always
	if from != nil {
		w.From = *from
	}
	if to != nil {
		w.To = *to
	}
	if !w.Valid() {
		ps.Add("from", w.From.String(), "from is after to (%s)", w.To)
		return care.Window{}, ps.Err("invalid window")
	}
	return w, nil
}

// MaxPage bounds first and last in the API (OWASP: page sizes are capped;
// the store allows larger pages for batch work).
const MaxPage = 100

// page reads the Relay arguments; sizes outside 1..MaxPage are BAD_USER_INPUT
// naming the argument (the store checks the rest: cursors, first with last).
func page(first *int, after *string, last *int, before *string) (care.Page, error) {
	var p care.Page
	var ps care.Problems
	for _, a := range []struct {
		name string
		v    *int
		dst  *int
	}{{"first", first, &p.First}, {"last", last, &p.Last}} {
		if a.v == nil {
			continue
		}
		if *a.v < 1 || *a.v > MaxPage {
			ps.Add(a.name, strconv.Itoa(*a.v), "must be between 1 and %d", MaxPage)
		}
		*a.dst = *a.v
	}
	if err := ps.Err("invalid page"); err != nil {
		return care.Page{}, err
	}
	if after != nil {
		p.After = *after
	}
	if before != nil {
		p.Before = *before
	}
	return p, nil
}

func pageInfo(i care.PageInfo) *model.PageInfo {
	out := &model.PageInfo{HasNextPage: i.HasNextPage, HasPreviousPage: i.HasPreviousPage}
	if i.StartCursor != "" {
		s, e := i.StartCursor, i.EndCursor
		out.StartCursor, out.EndCursor = &s, &e
	}
	return out
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func boolean(p *bool) bool { return p != nil && *p }

func dateOr(p *care.Date, def care.Date) care.Date {
	if p == nil {
		return def
	}
	return *p
}

// newID makes an id for a contact or referral recorded without one.
func newID(prefix string) string {
	var b [10]byte
	_, _ = rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}

// nodeOfKind reads a node and insists on its kind: asking person(id) with a
// carer's id is NOT_FOUND, exactly like a missing id.
func (r *Resolver) nodeOfKind(ctx context.Context, id string, k care.Kind) (care.Node, error) {
	n, err := r.loaders(ctx).nodes.Load(ctx, id)()
	if err != nil {
		return care.Node{}, err
	}
	if n.Kind != k {
		return care.Node{}, care.Errorf(care.NotFound, "no %s %q", k, id)
	}
	return n, nil
}

func (r *Resolver) loaders(ctx context.Context) *Loaders {
	if l := loadersFrom(ctx); l != nil {
		return l
	}
	return NewLoaders(r.Store, 0)
}

func (r *Resolver) relationships(ctx context.Context, id string, types []care.RelType, from, to *care.Date) ([]model.Relationship, error) {
	w, err := window(nil, from, to)
	if err != nil {
		return nil, err
	}
	rels, err := r.loaders(ctx).rels.Load(ctx, relKey{node: id, types: joinTypes(types), window: w})()
	if err != nil {
		return nil, err
	}
	out := make([]model.Relationship, len(rels))
	for i := range rels {
		out[i] = model.Relationship{R: rels[i]}
	}
	return out, nil
}

func (r *Resolver) node(ctx context.Context, id string) (model.Node, error) {
	n, err := r.loaders(ctx).nodes.Load(ctx, id)()
	if err != nil {
		return nil, err
	}
	return model.NewNode(n), nil
}

// listNodes runs a node list query for one kind.
func (r *Resolver) listNodes(ctx context.Context, kinds []care.Kind, f *model.NodeFilter, sort *care.SortOrder, p care.Page) (care.NodePage, error) {
	q := care.NodeQuery{Kinds: kinds, Sort: care.SortByID, Page: p}
	if sort != nil {
		q.Sort = *sort
	}
	if f != nil {
		q.NameContains = str(f.NameContains)
		q.Organisation = str(f.Organisation)
		if f.Sector != nil {
			q.Sector = *f.Sector
		}
		if f.Role != nil {
			q.Role = *f.Role
		}
		if f.ActiveFrom != nil || f.ActiveTo != nil {
			w, err := window(nil, f.ActiveFrom, f.ActiveTo)
			if err != nil {
				return care.NodePage{}, err
			}
			q.ActiveIn = &w
		}
	}
	return r.Store.ListNodes(ctx, q)
}

// write applies a batch through the store (and whatever wraps it:
// authorisation, audit, events).
func (r *Resolver) write(ctx context.Context, b care.Batch) (care.ApplyResult, error) {
	return r.Store.Apply(ctx, b)
}

func nodeInput(id string, kind care.Kind, name string, locality *string) care.Node {
	return care.Node{ID: id, Kind: kind, Name: name, Locality: str(locality)}
}

func relationshipInput(in model.RelationshipInput) care.Relationship {
	return care.Relationship{
		ID: str(in.ID), Type: in.Type, From: in.From, To: in.To,
		Span:        care.Span{From: dateOr(in.Start, care.NoStart), To: dateOr(in.End, care.NoEnd)},
		Role:        str(in.Role),
		Coordinator: boolean(in.Coordinator),
		Relation:    str(in.Relationship),
		Consent:     boolean(in.Consent),
		Channel:     str(in.Channel),
	}
}

func contactInput(in model.ContactInput) care.Contact {
	id := str(in.ID)
	if id == "" {
		id = newID("k-")
	}
	c := care.Contact{ID: id, Person: in.Person, Professional: in.Professional, Organisation: str(in.Organisation),
		At: in.At, Setting: str(in.Setting)}
	if in.Mode != nil {
		c.Mode = *in.Mode
	}
	return c
}

func referralInput(in model.ReferralInput) care.Referral {
	id := str(in.ID)
	if id == "" {
		id = newID("r-")
	}
	return care.Referral{ID: id, Person: in.Person, From: in.From, To: in.To, At: in.At, Reason: str(in.Reason)}
}

// asNode wraps a domain node read or written by a resolver as the GraphQL
// type T of its kind, passing errors through.
func asNode[T any](n care.Node, err error) (*T, error) {
	if err != nil {
		return nil, err
	}
	v, ok := any(model.NewNode(n)).(*T)
	if !ok {
		return nil, care.Errorf(care.NotFound, "no such %s %q", n.Kind, n.ID)
	}
	return v, nil
}

// listKind is the top-level list query of one kind with its Relay arguments.
func (r *Resolver) listKind(ctx context.Context, k care.Kind, f *model.NodeFilter, sort *care.SortOrder, first *int, after *string, last *int, before *string) (care.NodePage, error) {
	pg, err := page(first, after, last, before)
	if err != nil {
		return care.NodePage{}, err
	}
	return r.listNodes(ctx, []care.Kind{k}, f, sort, pg)
}

package graph

import (
	"context"
	"errors"
	"strings"

	"github.com/careweb/careweb/graph/model"
	"github.com/careweb/careweb/internal/care"
)

// prefixProblems rewrites the batch-relative field paths of a validation
// error (e.g. "nodes[0].name") to the GraphQL argument the caller wrote
// ("input.name"), so BAD_USER_INPUT points at their own field.
func prefixProblems(err error, from, to string) error {
	var ce *care.Error
	if !errors.As(err, &ce) || len(ce.Problems) == 0 {
		return err
	}
	out := *ce
	out.Problems = make([]care.Problem, len(ce.Problems))
	for i, p := range ce.Problems {
		if strings.HasPrefix(p.Field, from) {
			rest := strings.TrimPrefix(p.Field, from)
			if to != "" && strings.HasSuffix(to, ".") {
				p.Field = to + strings.TrimPrefix(rest, ".")
			} else {
				p.Field = to + rest
			}
			p.Field = strings.TrimPrefix(p.Field, ".")
		}
		out.Problems[i] = p
	}
	return &out
}

// createNode creates n, refusing an id that is already taken (CONFLICT):
// create never silently replaces.
func (r *Resolver) createNode(ctx context.Context, id *string, n care.Node) (care.Node, error) {
	if id == nil || *id == "" {
		var ps care.Problems
		ps.Add("input.id", "", "an id is required to create a node")
		return care.Node{}, ps.Err("invalid input")
	}
	if old, err := r.Store.Node(ctx, n.ID); err == nil {
		return care.Node{}, care.Errorf(care.Conflict, "id %q is already used by a %s", n.ID, old.Kind)
	} else if care.ErrorCode(err) != care.NotFound {
		return care.Node{}, err
	}
	b := care.Batch{Nodes: []care.Node{n}}
	b.Normalise()
	if _, err := r.write(ctx, b); err != nil {
		return care.Node{}, prefixProblems(err, "nodes[0]", "input")
	}
	return b.Nodes[0], nil
}

// updateNode changes an existing node of kind k; a missing node, or one of
// another kind, is NOT_FOUND.
func (r *Resolver) updateNode(ctx context.Context, id string, k care.Kind, change func(*care.Node)) (care.Node, error) {
	n, err := r.Store.Node(ctx, id)
	if err != nil {
		return care.Node{}, err
	}
	if n.Kind != k {
		return care.Node{}, care.Errorf(care.NotFound, "no %s %q", k, id)
	}
	change(&n)
	b := care.Batch{Nodes: []care.Node{n}}
	b.Normalise()
	if _, err := r.write(ctx, b); err != nil {
		return care.Node{}, prefixProblems(err, "nodes[0]", "input")
	}
	return b.Nodes[0], nil
}

// deleteNode deletes a node of kind k; without cascade a referenced node is
// refused with CONFLICT.
func (r *Resolver) deleteNode(ctx context.Context, id string, k care.Kind, cascade bool) (*model.DeletePayload, error) {
	n, err := r.Store.Node(ctx, id)
	if err != nil {
		return nil, err
	}
	if n.Kind != k {
		return nil, care.Errorf(care.NotFound, "no %s %q", k, id)
	}
	res, err := r.write(ctx, care.Batch{DeleteNodes: []care.DeleteNode{{ID: id, Cascade: cascade}}})
	if err != nil {
		return nil, prefixProblems(err, "deleteNodes[0]", "")
	}
	return &model.DeletePayload{ID: id, Removed: res.Removed}, nil
}

func batchInput(in model.BatchInput) care.Batch {
	var b care.Batch
	for _, n := range in.Nodes {
		node := nodeInput(n.ID, n.Kind, n.Name, n.Locality)
		if n.Role != nil {
			node.Role = *n.Role
		}
		if n.Sector != nil {
			node.Sector = *n.Sector
		}
		b.Nodes = append(b.Nodes, node)
	}
	for _, r := range in.Relationships {
		b.Relationships = append(b.Relationships, relationshipInput(r))
	}
	for _, e := range in.EndRelationships {
		b.EndRelationships = append(b.EndRelationships, care.EndRelationship{ID: e.ID, To: e.End})
	}
	for _, c := range in.Contacts {
		b.Contacts = append(b.Contacts, contactInput(c))
	}
	for _, r := range in.Referrals {
		b.Referrals = append(b.Referrals, referralInput(r))
	}
	b.RemoveRelationships = in.RemoveRelationships
	b.DeleteContacts = in.DeleteContacts
	b.DeleteReferrals = in.DeleteReferrals
	for _, d := range in.DeleteNodes {
		b.DeleteNodes = append(b.DeleteNodes, care.DeleteNode{ID: d.ID, Cascade: boolean(d.Cascade)})
	}
	return b
}

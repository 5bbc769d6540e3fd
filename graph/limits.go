package graph

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// ShapeLimit rejects operations nested deeper than MaxDepth or using more
// than MaxAliases aliases, before anything runs. gqlgen has no depth limit
// of its own, and aliases multiply work without raising complexity much
// (OWASP GraphQL cheat sheet).
type ShapeLimit struct {
	MaxDepth   int
	MaxAliases int
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = ShapeLimit{}

// ExtensionName implements graphql.HandlerExtension.
func (ShapeLimit) ExtensionName() string { return "ShapeLimit" }

// Validate implements graphql.HandlerExtension.
func (l ShapeLimit) Validate(graphql.ExecutableSchema) error {
	if l.MaxDepth < 1 || l.MaxAliases < 0 {
		return fmt.Errorf("shape limit: depth must be ≥ 1 and aliases ≥ 0")
	}
	return nil
}

// MutateOperationContext implements graphql.OperationContextMutator.
func (l ShapeLimit) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	w := shapeWalker{doc: oc.Doc, visiting: map[string]bool{}}
	depth := w.depth(oc.Operation.SelectionSet, 0)
	if depth > l.MaxDepth {
		return &gqlerror.Error{
			Message:    fmt.Sprintf("query depth %d exceeds the limit of %d", depth, l.MaxDepth),
			Extensions: map[string]any{"code": "DEPTH_LIMIT_EXCEEDED"},
		}
	}
	if w.aliases > l.MaxAliases {
		return &gqlerror.Error{
			Message:    fmt.Sprintf("query uses %d aliases, over the limit of %d", w.aliases, l.MaxAliases),
			Extensions: map[string]any{"code": "ALIAS_LIMIT_EXCEEDED"},
		}
	}
	return nil
}

type shapeWalker struct {
	doc      *ast.QueryDocument
	visiting map[string]bool // fragments on the current path (validation forbids cycles; this guards anyway)
	aliases  int
}

// depth returns the deepest field nesting under set, counting a field as
// one level and fragments as transparent.
func (w *shapeWalker) depth(set ast.SelectionSet, d int) int {
	best := d
	for _, sel := range set {
		var sub int
		switch s := sel.(type) {
		case *ast.Field:
			if s.Alias != "" && s.Alias != s.Name {
				w.aliases++
			}
			sub = w.depth(s.SelectionSet, d+1)
		case *ast.InlineFragment:
			sub = w.depth(s.SelectionSet, d)
		case *ast.FragmentSpread:
			if w.visiting[s.Name] || w.doc == nil {
				continue
			}
			frag := w.doc.Fragments.ForName(s.Name)
			if frag == nil {
				continue
			}
			w.visiting[s.Name] = true
			sub = w.depth(frag.SelectionSet, d)
			delete(w.visiting, s.Name)
		}
		if sub > best {
			best = sub
		}
	}
	return best
}

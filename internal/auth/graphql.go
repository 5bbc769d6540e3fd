package auth

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/careweb/careweb/internal/care"
)

// RequireSignIn is a gqlgen extension that refuses, before anything runs,
// every operation whose context carries no verified principal: the answer
// is one error with extensions.code UNAUTHENTICATED and the reason
// (ErrorFromContext), HTTP status 200, on POST and on WebSocket
// subscriptions alike.
type RequireSignIn struct {
	// AllowIntrospection lets a query that asks only for __schema, __type
	// and __typename through unsigned, so GraphiQL can load the schema
	// before a token is pasted. It has no effect when the introspection
	// extension is off.
	AllowIntrospection bool
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = RequireSignIn{}

// ExtensionName implements graphql.HandlerExtension.
func (RequireSignIn) ExtensionName() string { return "RequireSignIn" }

// Validate implements graphql.HandlerExtension.
func (RequireSignIn) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext implements graphql.OperationContextMutator.
func (r RequireSignIn) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	err := ErrorFromContext(ctx)
	if err == nil {
		return nil
	}
	if r.AllowIntrospection && oc.Operation != nil && oc.Operation.Operation == ast.Query &&
		onlyIntrospection(oc.Operation.SelectionSet, 0) {
		return nil
	}
	// Err makes the error presenter map the code from the care.Error; the
	// extension says it too, for the WebSocket transport, which sends
	// operation-context errors without presenting them.
	return &gqlerror.Error{
		Message:    care.ErrorMessage(err),
		Err:        err,
		Extensions: map[string]any{"code": "UNAUTHENTICATED"},
	}
}

// onlyIntrospection reports whether every top-level field of set is an
// introspection field (__schema, __type, __typename), through fragments.
// Validation has already refused fragment cycles; depth bounds it anyway.
func onlyIntrospection(set ast.SelectionSet, depth int) bool {
	if depth > 8 {
		return false
	}
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name != "__schema" && s.Name != "__type" && s.Name != "__typename" {
				return false
			}
		case *ast.InlineFragment:
			if !onlyIntrospection(s.SelectionSet, depth+1) {
				return false
			}
		case *ast.FragmentSpread:
			if s.Definition == nil || !onlyIntrospection(s.Definition.SelectionSet, depth+1) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

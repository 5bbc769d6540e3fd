// Package graph is CareWeb's GraphQL layer (gqlgen, schema-first). This file
// is the one place its dependencies enter; the *.resolvers.go files only
// translate between GraphQL and the domain's store.
package graph

//go:generate go tool gqlgen generate

import (
	"context"

	"github.com/careweb/careweb/internal/audit"
	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/metricsvc"
	"github.com/careweb/careweb/internal/policy"
)

// Store is what the resolvers read and write through: the domain's store
// (wrapped by authorisation, audit and events) with its batch reads.
type Store interface {
	care.Store
	care.BatchReader
}

// Resolver holds the resolvers' dependencies.
type Resolver struct {
	Store  Store
	Events care.Subscriber
	// Metrics computes the metric fields, caching the population per
	// window. It must read the population from a store that sees every
	// person, and be invalidated on every write (metricsvc.Service.Wrap);
	// person records are read through Store. NewConfig builds one over
	// Store, and wraps Store to invalidate it, when it is nil.
	Metrics *metricsvc.Service
	// Access answers what is not a store read: whose webs the signed-in
	// user may open, and whether they may run population operations
	// (internal/policy). Nil only in tests of this package that run
	// without authorisation, when everyone is an administrator.
	Access Access
}

// Access is the part of the policy the resolvers consult directly.
type Access interface {
	People(ctx context.Context) ([]string, error)
	Person(ctx context.Context, person string, op audit.Operation) (policy.Grant, error)
	Population(ctx context.Context, op audit.Operation) (policy.PopulationAccess, error)
}

// Package graph is CareWeb's GraphQL layer (gqlgen, schema-first). This file
// is the one place its dependencies enter; the *.resolvers.go files only
// translate between GraphQL and the domain's store.
package graph

//go:generate go tool gqlgen generate

import (
	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/metricsvc"
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
}

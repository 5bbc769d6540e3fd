// Package graph is CareWeb's GraphQL layer (gqlgen, schema-first). This file
// is the one place its dependencies enter; the *.resolvers.go files only
// translate between GraphQL and the domain's store.
package graph

//go:generate go tool gqlgen generate

import (
	"github.com/careweb/careweb/internal/care"
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
}

package main

import (
	"testing"

	"github.com/careweb/careweb/internal/server/apitest"
	"github.com/careweb/careweb/internal/store/embedded"
	"github.com/careweb/careweb/internal/store/neo4j/neo4jtest"
)

// The GraphQL API suite over HTTP, on each store: the same requests must
// give the same answers whatever stores the data.

func TestAPIEmbedded(t *testing.T) {
	apitest.Run(t, embeddedBackend)
}

func TestAPINeo4j(t *testing.T) {
	neo4jtest.Require(t)
	apitest.Run(t, func(t *testing.T) apitest.Backend { return neo4jtest.Open(t) })
}

// The authorisation matrix (issue #5) on each store.

func TestAuthorisationMatrixEmbedded(t *testing.T) {
	apitest.RunMatrix(t, embeddedBackend)
}

func TestAuthorisationMatrixNeo4j(t *testing.T) {
	neo4jtest.Require(t)
	apitest.RunMatrix(t, func(t *testing.T) apitest.Backend { return neo4jtest.Open(t) })
}

// embeddedBackend is a new embedded store in a temporary directory.
func embeddedBackend(t *testing.T) apitest.Backend {
	t.Helper()
	s, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

package graph

import (
	"github.com/careweb/careweb/graph/model"
	"github.com/careweb/careweb/internal/analysis"
	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/metricsvc"
)

// Estimated sizes of lists that are not paged, for query complexity: a
// web has a few dozen members; a node a handful of relationships.
const (
	webListSize = 20
	relListSize = 10
)

// pageSize is the number of items a connection field can return, so that
// a list's complexity is its children's times its page (OWASP: list fields
// multiplied by their page size).
func pageSize(first, last *int) int {
	n := care.DefaultPageSize
	switch {
	case first != nil && *first > 0:
		n = *first
	case last != nil && *last > 0:
		n = *last
	}
	// Sizes over the cap are refused by the resolver with a clearer error
	// than a complexity figure.
	return min(n, MaxPage)
}

// NewConfig returns the executable schema's configuration: the resolvers
// and the complexity of every list field.
func NewConfig(r *Resolver) Config {
	if r.Metrics == nil && r.Store != nil {
		// Nothing wired in: metrics over the resolvers' own store, dropped
		// on every write made through it.
		r.Metrics = metricsvc.New(r.Store, metricsvc.Options{})
		r.Store = r.Metrics.Wrap(r.Store)
	}
	c := Config{Resolvers: r}
	conn := func(child int, first, last *int) int { return 1 + child*pageSize(first, last) }
	c.Complexity.Query.People = func(child int, _ *model.NodeFilter, _ *care.SortOrder, first *int, _ *string, last *int, _ *string) int {
		return conn(child, first, last)
	}
	c.Complexity.Query.Carers = c.Complexity.Query.People
	c.Complexity.Query.Professionals = c.Complexity.Query.People
	c.Complexity.Query.Organisations = c.Complexity.Query.People
	c.Complexity.Query.Search = func(child int, _ string, _ []care.Kind, first *int, _ *string, last *int, _ *string) int {
		return conn(child, first, last)
	}
	events := func(child int, _, _ *care.Date, first *int, _ *string, last *int, _ *string) int {
		return conn(child, first, last)
	}
	c.Complexity.Person.Contacts = events
	c.Complexity.Person.Referrals = events
	c.Complexity.Organisation.Professionals = func(child int, _, _ *care.Date, _ *care.SortOrder, first *int, _ *string, last *int, _ *string) int {
		return conn(child, first, last)
	}
	rels := func(child int, _ []care.RelType, _, _ *care.Date) int { return 1 + child*relListSize }
	c.Complexity.Person.Relationships = rels
	c.Complexity.Carer.Relationships = rels
	c.Complexity.Professional.Relationships = rels
	c.Complexity.Organisation.Relationships = rels
	windowed := func(child int, _, _, _ *care.Date) int { return 1 + child*relListSize }
	c.Complexity.Carer.CaresFor = windowed
	c.Complexity.Professional.Organisations = windowed
	web := func(child int) int { return 1 + child*webListSize }
	c.Complexity.CareWeb.Members = web
	c.Complexity.CareWeb.Links = web
	c.Complexity.CareWeb.Carers = web
	c.Complexity.CareWeb.Professionals = web
	c.Complexity.CareWeb.Coordinators = web
	c.Complexity.CareWeb.Organisations = web
	c.Complexity.Person.Continuity = func(child int, _ *analysis.Level, _, _ *care.Date, _ *int) int { return metricCost + child }
	c.Complexity.Person.Fragmentation = func(child int, _, _ *care.Date, _ *int) int { return metricCost + child }
	c.Complexity.Person.Handoffs = func(child int, _, _ *care.Date) int { return metricCost + child }
	c.Complexity.Person.CoordinatorTenure = func(child int, _ *care.Date) int { return metricCost + child }
	c.Complexity.Person.StaffChurn = func(child int, _, _ *care.Date, _ *analysis.Period) int { return metricCost + child }
	c.Complexity.Query.MetricsSummary = func(child int, _ *string, _, _ *care.Date, _ *analysis.Level, _ *int, _, _ *bool) int {
		return summaryCost + child
	}
	c.Complexity.Query.NetworkAnalysis = func(child int, _ *model.NetworkKind, _, _ *care.Date, _, _ *string, _ *int) int {
		return networkCost + child
	}
	return c
}

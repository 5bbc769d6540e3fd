package graph

import (
	"time"

	"github.com/careweb/careweb/graph/model"
	"github.com/careweb/careweb/internal/care"
)

// connection builds a connection's nodes and edges from a page of domain nodes:
// T is the GraphQL node type, E its edge type (made by edge from a cursor
// and the node it points at).
func connection[T, E any](p care.NodePage, edge func(cursor string, n *T) E) ([]E, []T) {
	nodes := make([]T, len(p.Nodes))
	edges := make([]E, len(p.Nodes))
	for i, n := range p.Nodes {
		nodes[i] = *any(model.NewNode(n)).(*T)
		edges[i] = edge(p.Cursors[i], &nodes[i])
	}
	return edges, nodes
}

func personConnection(p care.NodePage) *model.PersonConnection {
	edges, nodes := connection(p, func(c string, n *model.Person) model.PersonEdge { return model.PersonEdge{Cursor: c, Node: n} })
	return &model.PersonConnection{Edges: edges, Nodes: nodes, PageInfo: pageInfo(p.Info), TotalCount: p.Info.TotalCount}
}

func carerConnection(p care.NodePage) *model.CarerConnection {
	edges, nodes := connection(p, func(c string, n *model.Carer) model.CarerEdge { return model.CarerEdge{Cursor: c, Node: n} })
	return &model.CarerConnection{Edges: edges, Nodes: nodes, PageInfo: pageInfo(p.Info), TotalCount: p.Info.TotalCount}
}

func professionalConnection(p care.NodePage) *model.ProfessionalConnection {
	edges, nodes := connection(p, func(c string, n *model.Professional) model.ProfessionalEdge {
		return model.ProfessionalEdge{Cursor: c, Node: n}
	})
	return &model.ProfessionalConnection{Edges: edges, Nodes: nodes, PageInfo: pageInfo(p.Info), TotalCount: p.Info.TotalCount}
}

func organisationConnection(p care.NodePage) *model.OrganisationConnection {
	edges, nodes := connection(p, func(c string, n *model.Organisation) model.OrganisationEdge {
		return model.OrganisationEdge{Cursor: c, Node: n}
	})
	return &model.OrganisationConnection{Edges: edges, Nodes: nodes, PageInfo: pageInfo(p.Info), TotalCount: p.Info.TotalCount}
}

// windowOrToday is window(), defaulting to today (UTC) when nothing is given:
// "who does this carer care for" means now unless asked otherwise.
func windowOrToday(asOf, from, to *care.Date) (care.Window, error) {
	if asOf == nil && from == nil && to == nil {
		return care.AsOf(care.DateOf(time.Now())), nil
	}
	return window(asOf, from, to)
}

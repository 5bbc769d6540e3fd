package graph

import (
	"time"

	"github.com/careweb/careweb/graph/model"
	"github.com/careweb/careweb/internal/care"
)

func personConnection(p care.NodePage) *model.PersonConnection {
	out := &model.PersonConnection{PageInfo: pageInfo(p.Info), TotalCount: p.Info.TotalCount,
		Edges: make([]model.PersonEdge, len(p.Nodes)), Nodes: make([]model.Person, len(p.Nodes))}
	for i, n := range p.Nodes {
		out.Nodes[i] = *model.NewNode(n).(*model.Person)
		out.Edges[i] = model.PersonEdge{Cursor: p.Cursors[i], Node: &out.Nodes[i]}
	}
	return out
}

func carerConnection(p care.NodePage) *model.CarerConnection {
	out := &model.CarerConnection{PageInfo: pageInfo(p.Info), TotalCount: p.Info.TotalCount,
		Edges: make([]model.CarerEdge, len(p.Nodes)), Nodes: make([]model.Carer, len(p.Nodes))}
	for i, n := range p.Nodes {
		out.Nodes[i] = *model.NewNode(n).(*model.Carer)
		out.Edges[i] = model.CarerEdge{Cursor: p.Cursors[i], Node: &out.Nodes[i]}
	}
	return out
}

func professionalConnection(p care.NodePage) *model.ProfessionalConnection {
	out := &model.ProfessionalConnection{PageInfo: pageInfo(p.Info), TotalCount: p.Info.TotalCount,
		Edges: make([]model.ProfessionalEdge, len(p.Nodes)), Nodes: make([]model.Professional, len(p.Nodes))}
	for i, n := range p.Nodes {
		out.Nodes[i] = *model.NewNode(n).(*model.Professional)
		out.Edges[i] = model.ProfessionalEdge{Cursor: p.Cursors[i], Node: &out.Nodes[i]}
	}
	return out
}

func organisationConnection(p care.NodePage) *model.OrganisationConnection {
	out := &model.OrganisationConnection{PageInfo: pageInfo(p.Info), TotalCount: p.Info.TotalCount,
		Edges: make([]model.OrganisationEdge, len(p.Nodes)), Nodes: make([]model.Organisation, len(p.Nodes))}
	for i, n := range p.Nodes {
		out.Nodes[i] = *model.NewNode(n).(*model.Organisation)
		out.Edges[i] = model.OrganisationEdge{Cursor: p.Cursors[i], Node: &out.Nodes[i]}
	}
	return out
}

// windowOrToday is window(), defaulting to today (UTC) when nothing is given:
// "who does this carer care for" means now unless asked otherwise.
func windowOrToday(asOf, from, to *care.Date) (care.Window, error) {
	if asOf == nil && from == nil && to == nil {
		return care.AsOf(care.DateOf(time.Now())), nil
	}
	return window(asOf, from, to)
}

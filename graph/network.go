package graph

import (
	"context"
	"strconv"

	"github.com/careweb/careweb/graph/model"
	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/netanalysis"
	"github.com/careweb/careweb/internal/policy"
)

// networkCost is the query complexity of networkAnalysis: a whole-network
// computation on every request (betweenness is O(n·m)), so it costs more
// than a cached summary and a query cannot ask for more than a few.
const networkCost = 300

// maxNetworkTop bounds `top`, as MaxPage bounds a page.
const maxNetworkTop = MaxPage

func (r *Resolver) networkAnalysis(ctx context.Context, network *model.NetworkKind, from, to *care.Date, cohortKind, cohort *string, top *int) (*model.NetworkAnalysis, error) {
	w, err := window(nil, from, to)
	if err != nil {
		return nil, err
	}
	opt := netanalysis.Options{Network: netanalysis.Services, Window: w, Seed: 1}
	if network != nil {
		opt.Network = netanalysis.Kind(*network)
	}
	var ps care.Problems
	if cohortKind != nil {
		k, ok := netanalysis.ParseCohortKind(*cohortKind)
		if !ok || k == "" {
			ps.Add("cohortKind", *cohortKind, "want organisation, sector or locality")
		}
		opt.CohortKind = k
	}
	if cohort != nil {
		opt.Cohort = *cohort
	}
	if (opt.CohortKind == "") != (opt.Cohort == "") {
		ps.Add("cohort", opt.Cohort, "cohortKind and cohort go together")
	}
	if opt.CohortKind == netanalysis.BySector {
		if _, ok := care.ParseSector(opt.Cohort); !ok {
			ps.Add("cohort", opt.Cohort, "not a sector")
		}
	}
	k := 10
	if top != nil {
		k = *top
	}
	if k < 0 || k > maxNetworkTop {
		ps.Add("top", strconv.Itoa(k), "must be between 0 and %d", maxNetworkTop)
	}
	if err := ps.Err("invalid networkAnalysis arguments"); err != nil {
		return nil, err
	}
	acc, err := r.population(ctx, policy.OpNetwork)
	if err != nil {
		return nil, err
	}
	if acc.Pseudonym != nil && opt.CohortKind == netanalysis.ByOrganisation {
		// A researcher names an organisation by its pseudonym.
		return nil, care.Errorf(care.Forbidden, "researchers cannot select a cohort by organisation id")
	}
	res, err := netanalysis.Analyse(ctx, acc.Source, opt)
	if err != nil {
		return nil, err
	}
	g := &res.Graph
	out := &model.NetworkAnalysis{
		Network: model.NetworkKind(res.Network), From: date(res.Window.From), To: date(res.Window.To),
		CohortKind: cohortKind, Cohort: cohort,
		Nodes: g.Nodes, Edges: int(g.Edges), Weighted: g.Weighted, Components: g.Components,
		LargestComponent: g.LargestComponent, Communities: g.Communities,
		TopBetweenness: ranked(res.Top(netanalysis.ByBetweenness, k), acc.Pseudonym),
		TopDegree:      ranked(res.Top(netanalysis.ByDegree, k), acc.Pseudonym),
		TopPageRank:    ranked(res.Top(netanalysis.ByPageRank, k), acc.Pseudonym),
	}
	if res.Network == netanalysis.Sharing {
		out.People = &res.People
	}
	nulls := newNullList()
	out.Transitivity = nulls.float("transitivity", g.Transitivity)
	out.AverageClustering = nulls.float("averageClustering", g.AverageClustering)
	out.Modularity = nulls.float("modularity", g.Modularity)
	out.OrganisationModularity = nulls.float("organisationModularity", g.OrganisationModularity)
	out.OrganisationEi = nulls.float("organisationEI", g.OrganisationEI)
	out.OrganisationAssortativity = nulls.float("organisationAssortativity", g.OrganisationAssortativity)
	out.SectorModularity = nulls.float("sectorModularity", g.SectorModularity)
	out.SectorEi = nulls.float("sectorEI", g.SectorEI)
	out.SectorAssortativity = nulls.float("sectorAssortativity", g.SectorAssortativity)
	out.Nulls = nulls
	return out, nil
}

// ranked converts a ranking, replacing ids by pseudonyms when pseudo is set.
func ranked(rs []netanalysis.Ranked, pseudo func(string) string) []model.RankedNode {
	out := make([]model.RankedNode, len(rs))
	for i, r := range rs {
		id := r.ID
		if pseudo != nil {
			id = pseudo(id)
		}
		out[i] = model.RankedNode{ID: id, Score: r.Score}
	}
	return out
}

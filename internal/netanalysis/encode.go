package netanalysis

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"

	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/metrics/measure"
)

// The JSON form: {"graph": {...}, "nodes": [{...}]}. Every value that may
// be undefined is a number or null, and a null's reason is in the object's
// "reasons" map under the field's name (METRICS-REFERENCE Part 1: a null
// carries its reason, never 0).

type jsonGraph struct {
	Network                   Kind              `json:"network"`
	From                      string            `json:"from,omitempty"`
	To                        string            `json:"to,omitempty"`
	People                    int               `json:"people,omitempty"`
	Nodes                     int               `json:"nodes"`
	Edges                     int64             `json:"edges"`
	Weighted                  bool              `json:"weighted"`
	Components                int               `json:"components"`
	LargestComponent          int               `json:"largestComponent"`
	Transitivity              *float64          `json:"transitivity"`
	AverageClustering         *float64          `json:"averageClustering"`
	Communities               int               `json:"communities"`
	Modularity                *float64          `json:"modularity"`
	OrganisationModularity    *float64          `json:"organisationModularity"`
	OrganisationEI            *float64          `json:"organisationEI"`
	OrganisationAssortativity *float64          `json:"organisationAssortativity"`
	SectorModularity          *float64          `json:"sectorModularity"`
	SectorEI                  *float64          `json:"sectorEI"`
	SectorAssortativity       *float64          `json:"sectorAssortativity"`
	Reasons                   map[string]string `json:"reasons,omitempty"`
}

type jsonNode struct {
	ID               string            `json:"id"`
	Kind             care.Kind         `json:"kind"`
	Organisation     string            `json:"organisation,omitempty"`
	Sector           care.Sector       `json:"sector,omitempty"`
	Locality         string            `json:"locality,omitempty"`
	Degree           int               `json:"degree"`
	Strength         float64           `json:"strength"`
	DegreeCentrality *float64          `json:"degreeCentrality"`
	Betweenness      *float64          `json:"betweenness"`
	BetweennessRaw   float64           `json:"betweennessRaw"`
	Closeness        *float64          `json:"closeness"`
	Eigenvector      *float64          `json:"eigenvector"`
	PageRank         *float64          `json:"pagerank"`
	Clustering       float64           `json:"clustering"`
	Core             int               `json:"core"`
	Component        int               `json:"component"`
	Community        int               `json:"community"`
	Constraint       *float64          `json:"constraint"`
	EffectiveSize    *float64          `json:"effectiveSize"`
	Coordinator      int               `json:"coordinator"`
	Itinerant        int               `json:"itinerant"`
	Boundary         int               `json:"boundary"`
	Liaison          int               `json:"liaison"`
	Reasons          map[string]string `json:"reasons,omitempty"`
}

// nullable returns v's value or nil, recording a null's reason.
func nullable(v measure.Value, name string, reasons *map[string]string) *float64 {
	if v.Defined {
		x := v.V
		return &x
	}
	if *reasons == nil {
		*reasons = map[string]string{}
	}
	(*reasons)[name] = string(v.Reason)
	return nil
}

func dateOrEmpty(d care.Date) string {
	if d.IsOpen() {
		return ""
	}
	return d.String()
}

// MarshalJSON encodes r as {"graph": {...}, "nodes": [...]}.
func (r *Result) MarshalJSON() ([]byte, error) { return r.JSON(0) }

type jsonRanked struct {
	ID    string  `json:"id"`
	Score float64 `json:"score"`
}

// JSON encodes r as MarshalJSON does and, when top > 0, adds
// "top": {"betweenness": [...], "degree": [...], "pagerank": [...]}, the
// top nodes by each (Top), as {"id", "score"} objects.
func (r *Result) JSON(top int) ([]byte, error) {
	g := &r.Graph
	jg := jsonGraph{Network: r.Network, From: dateOrEmpty(r.Window.From), To: dateOrEmpty(r.Window.To), People: r.People,
		Nodes: g.Nodes, Edges: g.Edges, Weighted: g.Weighted, Components: g.Components,
		LargestComponent: g.LargestComponent, Communities: g.Communities}
	rs := &jg.Reasons
	jg.Transitivity = nullable(g.Transitivity, "transitivity", rs)
	jg.AverageClustering = nullable(g.AverageClustering, "averageClustering", rs)
	jg.Modularity = nullable(g.Modularity, "modularity", rs)
	jg.OrganisationModularity = nullable(g.OrganisationModularity, "organisationModularity", rs)
	jg.OrganisationEI = nullable(g.OrganisationEI, "organisationEI", rs)
	jg.OrganisationAssortativity = nullable(g.OrganisationAssortativity, "organisationAssortativity", rs)
	jg.SectorModularity = nullable(g.SectorModularity, "sectorModularity", rs)
	jg.SectorEI = nullable(g.SectorEI, "sectorEI", rs)
	jg.SectorAssortativity = nullable(g.SectorAssortativity, "sectorAssortativity", rs)
	nodes := make([]jsonNode, len(r.Nodes))
	for i := range r.Nodes {
		nodes[i] = r.Nodes[i].json()
	}
	var tops map[Metric][]jsonRanked
	if top > 0 {
		tops = map[Metric][]jsonRanked{}
		for _, m := range []Metric{ByBetweenness, ByDegree, ByPageRank} {
			list := make([]jsonRanked, 0, top)
			for _, t := range r.Top(m, top) {
				list = append(list, jsonRanked(t))
			}
			tops[m] = list
		}
	}
	return json.Marshal(struct {
		Graph jsonGraph               `json:"graph"`
		Top   map[Metric][]jsonRanked `json:"top,omitempty"`
		Nodes []jsonNode              `json:"nodes"`
	}{jg, tops, nodes})
}

func (n *Node) json() jsonNode {
	j := jsonNode{ID: n.ID, Kind: n.Kind, Organisation: n.Organisation, Sector: n.Sector, Locality: n.Locality,
		Degree: n.Degree, Strength: n.Strength, BetweennessRaw: n.BetweennessRaw, Clustering: n.Clustering,
		Core: n.Core, Component: n.Component, Community: n.Community,
		Coordinator: n.Brokerage.Coordinator, Itinerant: n.Brokerage.Itinerant,
		Boundary: n.Brokerage.Boundary, Liaison: n.Brokerage.Liaison}
	rs := &j.Reasons
	j.DegreeCentrality = nullable(n.DegreeCentrality, "degreeCentrality", rs)
	j.Betweenness = nullable(n.Betweenness, "betweenness", rs)
	j.Closeness = nullable(n.Closeness, "closeness", rs)
	j.Eigenvector = nullable(n.Eigenvector, "eigenvector", rs)
	j.PageRank = nullable(n.PageRank, "pagerank", rs)
	j.Constraint = nullable(n.Constraint, "constraint", rs)
	j.EffectiveSize = nullable(n.EffectiveSize, "effectiveSize", rs)
	return j
}

// csvHeader is the header row WriteCSV writes: one column per node
// measure, then "reasons" (field=REASON pairs separated by ';' for the
// empty cells).
var csvHeader = []string{"id", "kind", "organisation", "sector", "locality", "degree", "strength",
	"degreeCentrality", "betweenness", "betweennessRaw", "closeness", "eigenvector", "pagerank",
	"clustering", "core", "component", "community", "constraint", "effectiveSize",
	"coordinator", "itinerant", "boundary", "liaison", "reasons"}

// WriteCSV writes one row per node, with a header; a null is an empty
// cell and its reason is listed in the last column.
func (r *Result) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	row := make([]string, 0, len(csvHeader))
	for i := range r.Nodes {
		n := &r.Nodes[i]
		var reasons string
		v := func(m measure.Value, name string) string {
			if m.Defined {
				return f(m.V)
			}
			if reasons != "" {
				reasons += ";"
			}
			reasons += name + "=" + string(m.Reason)
			return ""
		}
		row = append(row[:0], n.ID, string(n.Kind), n.Organisation, string(n.Sector), n.Locality,
			strconv.Itoa(n.Degree), f(n.Strength), v(n.DegreeCentrality, "degreeCentrality"),
			v(n.Betweenness, "betweenness"), f(n.BetweennessRaw), v(n.Closeness, "closeness"),
			v(n.Eigenvector, "eigenvector"), v(n.PageRank, "pagerank"), f(n.Clustering),
			strconv.Itoa(n.Core), strconv.Itoa(n.Component), strconv.Itoa(n.Community),
			v(n.Constraint, "constraint"), v(n.EffectiveSize, "effectiveSize"),
			strconv.Itoa(n.Brokerage.Coordinator), strconv.Itoa(n.Brokerage.Itinerant),
			strconv.Itoa(n.Brokerage.Boundary), strconv.Itoa(n.Brokerage.Liaison))
		row = append(row, reasons)
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

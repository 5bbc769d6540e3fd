package netanalysis

import (
	"context"
	"slices"
	"strings"

	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/csr"
)

// Kind says which network is built.
type Kind string

const (
	// Services is the network of declared links: LINKED_TO (and WORKS_IN
	// when organisations are nodes) overlapping the window.
	Services Kind = "SERVICES"
	// Sharing is the professional patient-sharing network in the window
	// (Pollack et al. 2013).
	Sharing Kind = "SHARING"
)

// ParseKind accepts a network kind in any letter case.
func ParseKind(s string) (Kind, bool) {
	switch k := Kind(strings.ToUpper(strings.TrimSpace(s))); k {
	case Services, Sharing:
		return k, true
	}
	return "", false
}

// CohortKind says what a cohort restriction matches on.
type CohortKind string

const (
	// ByOrganisation keeps the nodes whose organisation (in the window) is
	// the cohort's organisation id, and that organisation itself.
	ByOrganisation CohortKind = "organisation"
	// BySector keeps the nodes whose organisation is in the cohort's sector.
	BySector CohortKind = "sector"
	// ByLocality keeps the nodes whose recorded locality is the cohort.
	ByLocality CohortKind = "locality"
)

// ParseCohortKind accepts a cohort kind in any letter case; "" is no cohort.
func ParseCohortKind(s string) (CohortKind, bool) {
	switch k := CohortKind(strings.ToLower(strings.TrimSpace(s))); k {
	case "", ByOrganisation, BySector, ByLocality:
		return k, true
	}
	return "", false
}

// Options say which network to build and how to measure it.
type Options struct {
	// Network is SERVICES (the default when empty) or SHARING.
	Network Kind
	// Window bounds LINKED_TO/WORKS_IN spans and contact dates; the zero
	// Window is all time.
	Window care.Window
	// CohortKind and Cohort restrict the network to the subgraph induced
	// by the cohort's nodes; CohortKind "" is the whole network.
	CohortKind CohortKind
	Cohort     string
	// Carers and Organisations add those nodes to the SERVICES network
	// (ignored for SHARING, whose nodes are professionals by definition).
	Carers, Organisations bool
	// Seed seeds Louvain's node order, so a run is reproducible.
	Seed uint64
	// Workers bounds the goroutines of betweenness and closeness (0: one
	// per CPU).
	Workers int
}

func (o Options) window() care.Window {
	if o.Window == (care.Window{}) {
		return care.Always
	}
	return o.Window
}

// Validate checks the options; the error is care.Invalid and names the
// option that is wrong.
func (o Options) Validate() error {
	if o.Network != "" {
		if _, ok := ParseKind(string(o.Network)); !ok {
			return care.Errorf(care.Invalid, "network %q: want SERVICES or SHARING", o.Network)
		}
	}
	if !o.window().Valid() {
		return care.Errorf(care.Invalid, "window %s..%s: from is after to", o.Window.From, o.Window.To)
	}
	k, ok := ParseCohortKind(string(o.CohortKind))
	if !ok {
		return care.Errorf(care.Invalid, "cohort kind %q: want organisation, sector or locality", o.CohortKind)
	}
	if k != "" && strings.TrimSpace(o.Cohort) == "" {
		return care.Errorf(care.Invalid, "cohort kind %s needs a cohort value", k)
	}
	if k == "" && o.Cohort != "" {
		return care.Errorf(care.Invalid, "cohort %q needs a cohort kind (organisation, sector or locality)", o.Cohort)
	}
	if k == BySector {
		if _, ok := care.ParseSector(o.Cohort); !ok {
			return care.Errorf(care.Invalid, "cohort %q: not a sector", o.Cohort)
		}
	}
	if o.Workers < 0 {
		return care.Errorf(care.Invalid, "workers %d: must not be negative", o.Workers)
	}
	return nil
}

// Network is a built network: the graph (labelled with the store's ids)
// and each node's attributes, indexed by the graph's node ids.
type Network struct {
	Kind   Kind
	Window care.Window
	Graph  *csr.Graph
	// NodeKind, Organisation, Sector and Locality describe each node;
	// Organisation and Sector are "" when unknown.
	NodeKind     []care.Kind
	Organisation []string
	Sector       []care.Sector
	Locality     []string
	// People is the number of person records read (SHARING only).
	People int
}

// attrs is what the builder knows of a service-side node.
type attrs struct {
	kind     care.Kind
	org      string // its organisation in the window; itself for an organisation
	sector   care.Sector
	locality string
}

// Builder builds a Network from a care.Services and, for SHARING, person
// records added one at a time (so it can be fed from care.Store.EachPerson,
// whose records are valid only during the call). It is not safe for
// concurrent use.
type Builder struct {
	opt   Options
	w     care.Window
	svc   *care.Services
	attrs map[string]*attrs
	b     csr.Builder
	set   []string
	ppl   int
}

// NewBuilder starts a network over svc (nil is no services). The error is
// care.Invalid for bad options and care.NotFound for an organisation
// cohort that names no organisation.
func NewBuilder(svc *care.Services, opt Options) (*Builder, error) {
	if err := opt.Validate(); err != nil {
		return nil, err
	}
	if opt.Network == "" {
		opt.Network = Services
	}
	opt.Network, _ = ParseKind(string(opt.Network))
	opt.CohortKind, _ = ParseCohortKind(string(opt.CohortKind))
	if opt.CohortKind == BySector {
		s, _ := care.ParseSector(opt.Cohort)
		opt.Cohort = string(s)
	}
	if svc == nil {
		svc = &care.Services{}
	}
	b := &Builder{opt: opt, w: opt.window(), svc: svc, attrs: make(map[string]*attrs, len(svc.Nodes))}
	for i := range svc.Nodes {
		n := &svc.Nodes[i]
		if n.Kind == care.KindPerson || b.attrs[n.ID] != nil {
			continue // not a service node, or a duplicate: the first wins
		}
		a := &attrs{kind: n.Kind, locality: n.Locality}
		if n.Kind == care.KindOrganisation {
			a.org, a.sector = n.ID, n.Sector
		}
		b.attrs[n.ID] = a
	}
	// A professional's organisation in the window: of its overlapping
	// WORKS_IN spans, the latest start, then the smallest organisation id.
	start := map[string]care.Date{}
	for _, r := range svc.Relationships {
		if r.Type != care.WorksIn || !r.Span.Valid() || !r.Span.Overlaps(b.w) {
			continue
		}
		p, o := b.attrs[r.From], b.attrs[r.To]
		if p == nil || o == nil || p.kind != care.KindProfessional || o.kind != care.KindOrganisation {
			continue
		}
		s, seen := start[r.From]
		if !seen || r.Span.From > s || (r.Span.From == s && r.To < p.org) {
			start[r.From], p.org, p.sector = r.Span.From, r.To, o.sector
		}
	}
	if opt.CohortKind == ByOrganisation {
		if a := b.attrs[opt.Cohort]; a == nil || a.kind != care.KindOrganisation {
			return nil, care.Errorf(care.NotFound, "cohort organisation %q not found", opt.Cohort)
		}
	}
	if opt.Network == Sharing {
		b.b.Weighted = true
		return b, nil
	}
	b.b.Weighted = false
	for i := range svc.Nodes {
		n := &svc.Nodes[i]
		if b.keepKind(n.Kind) && b.attrs[n.ID] != nil {
			b.b.Node(n.ID)
		}
	}
	for _, r := range svc.Relationships {
		if !r.Span.Valid() || !r.Span.Overlaps(b.w) {
			continue
		}
		if r.Type != care.LinkedTo && !(r.Type == care.WorksIn && opt.Organisations) {
			continue
		}
		u, v := b.attrs[r.From], b.attrs[r.To]
		if u == nil || v == nil || !b.keepKind(u.kind) || !b.keepKind(v.kind) {
			continue
		}
		b.b.AddEdge(b.b.Node(r.From), b.b.Node(r.To), 1)
	}
	return b, nil
}

func (b *Builder) keepKind(k care.Kind) bool {
	switch k {
	case care.KindProfessional:
		return true
	case care.KindCarer:
		return b.opt.Carers
	case care.KindOrganisation:
		return b.opt.Organisations
	}
	return false
}

// Add adds one person to a SHARING network: the professionals they had
// contacts with dated in the window become nodes, and every pair of them
// gains one shared patient. Professionals unknown to the services are
// left out (they have no organisation to group by). For SERVICES, and for
// a nil record, Add does nothing.
func (b *Builder) Add(rec *care.PersonRecord) {
	if rec == nil || b.opt.Network != Sharing {
		return
	}
	b.ppl++
	b.set = b.set[:0]
	for i := range rec.Contacts {
		c := &rec.Contacts[i]
		if !b.w.Contains(care.DateOf(c.At)) {
			continue
		}
		if a := b.attrs[c.Professional]; a != nil && a.kind == care.KindProfessional {
			b.set = append(b.set, c.Professional)
		}
	}
	slices.Sort(b.set)
	b.set = slices.Compact(b.set)
	ids := make([]int32, len(b.set))
	for i, id := range b.set {
		ids[i] = b.b.Node(id)
	}
	// One edge of weight 1 per shared person; the builder sums parallel
	// edges, so the weight is the number of persons shared.
	for i := range ids {
		for j := i + 1; j < len(ids); j++ {
			b.b.AddEdge(ids[i], ids[j], 1)
		}
	}
}

// Network returns the network built so far: nodes in id order, restricted
// to the cohort. The error is Internal (the builder's own ids are valid by
// construction).
func (b *Builder) Network() (*Network, error) {
	g, _, err := b.b.Build()
	if err != nil {
		return nil, care.Wrap(care.Internal, err, "netanalysis: building the %s network", b.opt.Network)
	}
	keep := make([]int32, 0, g.Order())
	for v := range int32(g.Order()) {
		if b.inCohort(b.attrs[g.Label(v)]) {
			keep = append(keep, v)
		}
	}
	// Id order makes the output independent of the order records came in.
	slices.SortFunc(keep, func(u, v int32) int { return strings.Compare(g.Label(u), g.Label(v)) })
	if g, err = g.Induced(keep); err != nil {
		return nil, care.Wrap(care.Internal, err, "netanalysis: restricting to the cohort")
	}
	n := &Network{Kind: b.opt.Network, Window: b.w, Graph: g, People: b.ppl,
		NodeKind: make([]care.Kind, g.Order()), Organisation: make([]string, g.Order()),
		Sector: make([]care.Sector, g.Order()), Locality: make([]string, g.Order())}
	for v := range int32(g.Order()) {
		a := b.attrs[g.Label(v)]
		n.NodeKind[v], n.Organisation[v], n.Sector[v], n.Locality[v] = a.kind, a.org, a.sector, a.locality
	}
	return n, nil
}

func (b *Builder) inCohort(a *attrs) bool {
	switch b.opt.CohortKind {
	case ByOrganisation:
		return a.org == b.opt.Cohort
	case BySector:
		return string(a.sector) == b.opt.Cohort
	case ByLocality:
		return a.locality == b.opt.Cohort
	}
	return true
}

// Build builds the network of opt from a store: its services, and for
// SHARING one pass over every person. Errors are the store's, or those of
// NewBuilder.
func Build(ctx context.Context, s care.Streamer, opt Options) (*Network, error) {
	svc, err := s.Services(ctx)
	if err != nil {
		return nil, err
	}
	b, err := NewBuilder(svc, opt)
	if err != nil {
		return nil, err
	}
	if b.opt.Network == Sharing {
		if err := s.EachPerson(ctx, func(rec *care.PersonRecord) error {
			b.Add(rec)
			return nil
		}); err != nil {
			return nil, err
		}
	}
	return b.Network()
}

package graph

import (
	"context"
	"math"
	"strconv"

	"github.com/careweb/careweb/graph/model"
	"github.com/careweb/careweb/internal/analysis"
	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/metrics/measure"
	"github.com/careweb/careweb/internal/metricsvc"
	"github.com/careweb/careweb/internal/policy"
)

// Query complexity of the metric fields: they are computed from a person's
// whole history (and care density from the population's network), so one
// costs about what a page of plain reads does. A summary is a pass over
// the whole population, cached; it costs more so that a query cannot ask
// for many.
const (
	metricCost  = 20
	summaryCost = 100
)

// notVisible is the null reason of a usual provider or coordinator the
// store will not return: deleted since, or (under authorisation) not the
// caller's to see — the two look alike on purpose.
const notVisible measure.Reason = "NOT_VISIBLE"

// metricOptions reads the arguments the metric fields share: the window
// (BAD_USER_INPUT naming `from` when it is after `to`), the level and
// minContacts (at least 1; 0 would mean "the default" to package analysis,
// which a caller who typed 0 did not ask for).
func metricOptions(level *analysis.Level, from, to *care.Date, minContacts *int) (analysis.Options, error) {
	w, err := window(nil, from, to)
	if err != nil {
		return analysis.Options{}, err
	}
	opt := analysis.Options{Window: w}
	if level != nil {
		opt.Level = *level
	}
	if minContacts != nil {
		if *minContacts < 1 {
			var ps care.Problems
			ps.Add("minContacts", strconv.Itoa(*minContacts), "must be at least 1")
			return analysis.Options{}, ps.Err("invalid minContacts")
		}
		opt.MinContacts = *minContacts
	}
	if err := opt.Validate(); err != nil {
		return analysis.Options{}, err
	}
	return opt.Normalised(), nil
}

// nullList collects the reasons of an object's null fields.
type nullList []model.NullReason

func newNullList() nullList { return nullList{} }

func (n *nullList) add(field string, reason measure.Reason) {
	if reason == "" {
		reason = measure.InvalidInput // a null always says why, even a null no metric explained
	}
	msg := analysis.Message(reason)
	if reason == notVisible {
		msg = "it no longer exists or you may not see it"
	}
	*n = append(*n, model.NullReason{Field: field, Reason: string(reason), Message: msg})
}

// float returns v for a nullable Float field, noting the reason when null.
func (n *nullList) float(field string, v measure.Value) *float64 {
	if !v.Defined || math.IsNaN(v.V) || math.IsInf(v.V, 0) {
		n.add(field, v.Reason)
		return nil
	}
	return v.Ptr()
}

// days returns v, a whole number of days, for a nullable Int field.
func (n *nullList) days(field string, v measure.Value) *int {
	f := n.float(field, v)
	if f == nil {
		return nil
	}
	d := int(math.Round(*f))
	return &d
}

// date returns d for a nullable Date field: nil when open.
func date(d care.Date) *care.Date {
	if d.IsOpen() {
		return nil
	}
	return &d
}

func count(c analysis.Count) *int {
	if c.Suppressed {
		return nil
	}
	n := c.N
	return &n
}

// visible loads a node for a metric's answer: nil when the store will not
// return it (see notVisible), an error only when the store failed.
func (r *Resolver) visible(ctx context.Context, id string, kind care.Kind) (model.Node, error) {
	n, err := r.nodeOfKind(ctx, id, kind)
	if care.ErrorCode(err) == care.NotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return model.NewNode(n), nil
}

func (r *Resolver) continuity(ctx context.Context, person string, level *analysis.Level, from, to *care.Date, minContacts *int) (*model.Continuity, error) {
	opt, err := metricOptions(level, from, to, minContacts)
	if err != nil {
		return nil, err
	}
	if err := r.metricAccess(ctx, person); err != nil {
		return nil, err
	}
	c, err := r.Metrics.Continuity(ctx, r.Store, person, opt)
	if err != nil {
		return nil, err
	}
	nulls := newNullList()
	out := &model.Continuity{
		Level: c.Level, From: date(opt.Window.From), To: date(opt.Window.To), MinContacts: opt.MinContacts,
		Contacts: c.Contacts, Providers: c.Providers,
		Upc:                nulls.float("upc", c.UPC),
		Coc:                nulls.float("coc", c.COC),
		Hhi:                nulls.float("hhi", c.HHI),
		Secon:              nulls.float("secon", c.SECON),
		Mmci:               nulls.float("mmci", c.MMCI),
		Kpc:                nulls.float("kpc", c.KPC),
		UsualProviderSince: date(c.UsualProviderSince),
		UnresolvedContacts: c.Unresolved,
	}
	usual := "usualProvider"
	if c.Level == analysis.Sector {
		usual = "usualSector"
	}
	switch {
	case c.UsualProvider == "":
		nulls.add(usual, c.UsualProviderReason)
	case c.Level == analysis.Sector:
		s := care.Sector(c.UsualProvider)
		out.UsualSector = &s
	default:
		kind := care.KindProfessional
		if c.Level == analysis.Organisation {
			kind = care.KindOrganisation
		}
		n, err := r.visible(ctx, c.UsualProvider, kind)
		if err != nil {
			return nil, err
		}
		if n == nil {
			nulls.add(usual, notVisible)
		}
		out.UsualProvider = n
	}
	if out.UsualProviderSince == nil {
		nulls.add("usualProviderSince", c.UsualProviderReason)
	}
	out.UsualProviderDays = nulls.days("usualProviderDays", c.UsualProviderDays)
	out.Nulls = nulls
	return out, nil
}

func (r *Resolver) fragmentation(ctx context.Context, person string, from, to *care.Date, minContacts *int) (*model.Fragmentation, error) {
	opt, err := metricOptions(nil, from, to, minContacts)
	if err != nil {
		return nil, err
	}
	if err := r.metricAccess(ctx, person); err != nil {
		return nil, err
	}
	f, err := r.Metrics.Fragmentation(ctx, r.Store, person, opt)
	if err != nil {
		return nil, err
	}
	nulls := newNullList()
	out := &model.Fragmentation{
		From: date(opt.Window.From), To: date(opt.Window.To), MinContacts: opt.MinContacts,
		Professionals: f.Professionals, Organisations: f.Organisations, Sectors: f.Sectors, Carers: f.Carers,
		Fci:                           nulls.float("fci", f.FCI),
		NetworkFragmentation:          nulls.float("networkFragmentation", f.NetworkFragmentation),
		ProfessionalFragmentation:     nulls.float("professionalFragmentation", f.ProfessionalFragmentation),
		DistanceWeightedFragmentation: nulls.float("distanceWeightedFragmentation", f.DistanceWeightedFragmentation),
		CarerDependency:               nulls.float("carerDependency", f.CarerDependency),
		CarerBridgingShare:            nulls.float("carerBridgingShare", f.CarerBridgingShare),
		CareDensity:                   nulls.float("careDensity", f.CareDensity),
	}
	out.Nulls = nulls
	return out, nil
}

func (r *Resolver) handoffs(ctx context.Context, person string, from, to *care.Date) (*model.Handoffs, error) {
	opt, err := metricOptions(nil, from, to, nil)
	if err != nil {
		return nil, err
	}
	if err := r.metricAccess(ctx, person); err != nil {
		return nil, err
	}
	h, err := r.Metrics.Handoffs(ctx, r.Store, person, opt)
	if err != nil {
		return nil, err
	}
	nulls := newNullList()
	out := &model.Handoffs{
		From: date(opt.Window.From), To: date(opt.Window.To),
		Total: h.Total, CrossOrganisation: h.CrossOrganisation, CrossSector: h.CrossSector,
		Supported: h.Supported, Unsupported: h.Unsupported,
		UnknownOrganisation: h.UnknownOrganisation, UnknownSector: h.UnknownSector,
		PerContact:                nulls.float("perContact", h.PerContact),
		PerMonth:                  nulls.float("perMonth", h.PerMonth),
		SettingTransitions:        h.SettingTransitions,
		SettingTransitionsPerYear: nulls.float("settingTransitionsPerYear", h.SettingTransitionsPerYear),
	}
	out.Nulls = nulls
	return out, nil
}

func (r *Resolver) coordinatorTenure(ctx context.Context, person string, asOf *care.Date) (*model.CoordinatorTenure, error) {
	day := r.Metrics.Today()
	if asOf != nil {
		day = *asOf
	}
	if err := r.metricAccess(ctx, person); err != nil {
		return nil, err
	}
	t, err := r.Metrics.Tenure(ctx, r.Store, person, day)
	if err != nil {
		return nil, err
	}
	nulls := newNullList()
	out := &model.CoordinatorTenure{AsOf: date(t.AsOf), Since: date(t.Since)}
	switch {
	case t.Coordinator == "":
		nulls.add("coordinator", t.Days.Reason)
	default:
		n, err := r.visible(ctx, t.Coordinator, care.KindProfessional)
		if err != nil {
			return nil, err
		}
		if p, ok := n.(*model.Professional); ok {
			out.Coordinator = p
		} else {
			nulls.add("coordinator", notVisible)
		}
	}
	if out.Since == nil {
		reason := t.Days.Reason
		if t.Coordinator != "" {
			reason = analysis.UnknownStart
		}
		nulls.add("since", reason)
	}
	out.Days = nulls.days("days", t.Days)
	out.Nulls = nulls
	return out, nil
}

func (r *Resolver) staffChurn(ctx context.Context, person string, from, to *care.Date, period *analysis.Period) (*model.StaffChurn, error) {
	opt, err := metricOptions(nil, from, to, nil)
	if err != nil {
		return nil, err
	}
	if period != nil {
		opt.ChurnPeriod = *period
	}
	if err := r.metricAccess(ctx, person); err != nil {
		return nil, err
	}
	ch, err := r.Metrics.Churn(ctx, r.Store, person, opt)
	if err != nil {
		return nil, err
	}
	out := &model.StaffChurn{Period: ch.Period, Joined: ch.Joined, Left: ch.Left, Periods: make([]model.StaffChurnPeriod, len(ch.Periods))}
	for i, p := range ch.Periods {
		out.Periods[i] = model.StaffChurnPeriod{From: p.From, To: p.To, Joined: p.Joined, Left: p.Left}
	}
	return out, nil
}

func (r *Resolver) metricsSummary(ctx context.Context, cohort *string, from, to *care.Date, level *analysis.Level, minContacts *int, proposals, suppress *bool) (*model.MetricsSummary, error) {
	opt, err := metricOptions(level, from, to, minContacts)
	if err != nil {
		return nil, err
	}
	acc, err := r.population(ctx, policy.OpPopulation)
	if err != nil {
		return nil, err
	}
	c := "all"
	if cohort != nil {
		c = *cohort
	}
	s, err := r.Metrics.Summary(ctx, metricsvc.SummaryQuery{
		Cohort: c, Options: opt, Proposals: boolean(proposals),
		// Researchers always get the small-number rule, whatever they ask.
		SuppressSmallNumbers: boolean(suppress) || acc.SuppressSmallNumbers,
	})
	if err != nil {
		return nil, err
	}
	out := &model.MetricsSummary{
		Cohort: s.Cohort, From: date(s.Options.Window.From), To: date(s.Options.Window.To),
		Level: s.Options.Level, MinContacts: s.Options.MinContacts, AsOf: date(s.Options.Today),
		Proposals: s.Proposals, People: count(s.People), SmallNumbers: s.SmallNumbers,
		Groups: make([]model.CohortSummary, len(s.Groups)),
	}
	for i, g := range s.Groups {
		cs := model.CohortSummary{People: count(g.People), Metrics: make([]model.MetricDistribution, len(g.Metrics))}
		if g.Cohort != "" {
			v := g.Cohort
			cs.Cohort = &v
		}
		for j := range g.Metrics {
			cs.Metrics[j] = distribution(&g.Metrics[j])
		}
		out.Groups[i] = cs
	}
	return out, nil
}

func distribution(d *metricsvc.Distribution) model.MetricDistribution {
	nulls := newNullList()
	out := model.MetricDistribution{
		Metric: d.Metric, Proposal: d.Proposal, Count: count(d.Count),
		Mean:   nulls.float("mean", d.Mean.Value),
		Median: nulls.float("median", d.Median.Value),
		Q1:     nulls.float("q1", d.Q1.Value),
		Q3:     nulls.float("q3", d.Q3.Value),
		Min:    nulls.float("min", d.Min.Value),
		Max:    nulls.float("max", d.Max.Value),
		Nulls:  make([]model.NullCount, len(d.Nulls)),
	}
	for i, nc := range d.Nulls {
		reason := nc.Reason
		if reason == "" {
			reason = measure.InvalidInput
		}
		out.Nulls[i] = model.NullCount{Reason: string(reason), Message: analysis.Message(reason), Count: count(nc.Count)}
	}
	out.NullStatistics = nulls
	return out
}

// metricAccess records a metric read of person as such (the record is then
// read through the policy store, which checks access again).
func (r *Resolver) metricAccess(ctx context.Context, person string) error {
	if r.Access == nil {
		return nil
	}
	_, err := r.Access.Person(ctx, person, policy.OpMetrics)
	if care.ErrorCode(err) == care.NotFound {
		return care.Errorf(care.NotFound, "no person with id %q", person)
	}
	return err
}

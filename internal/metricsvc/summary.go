package metricsvc

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"github.com/careweb/careweb/internal/analysis"
	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/metrics/measure"
)

// Summary is the population distribution of every per-person metric, by
// cohort: what Query.metricsSummary and `careweb metrics summary` report.
type Summary struct {
	// Cohort is the grouping: one of analysis.Cohorts.
	Cohort string
	// Options are the analysis options, normalised (window, level,
	// minContacts, the "as of" day of the proposals).
	Options analysis.Options
	// Proposals reports whether CareWeb's PROPOSAL metrics are included.
	Proposals bool
	// People is the number of people summarised.
	People analysis.Count
	// SmallNumbers reports that the small-number rule was applied.
	SmallNumbers bool
	// Groups are the cohorts in byte order of their value (the people
	// without the attribute, value "", first).
	Groups []Group
}

// Group is one cohort's distributions.
type Group struct {
	// Cohort is the cohort's value: an organisation's or practice's id, a
	// sector, a locality, or "all" when everyone is one group. "" is the
	// people without the attribute (no contact with a known organisation,
	// no recorded locality).
	Cohort string `json:"cohort"`
	// People is the number of people in the cohort.
	People analysis.Count `json:"people"`
	// Metrics are in analysis.Metrics order: Part 1's, then the proposals.
	Metrics []Distribution `json:"metrics"`
}

// Distribution summarises one metric over one cohort: how many people have
// a defined value, its mean, quartiles (type 7 of Hyndman & Fan, as
// analysis.Quantile), minimum and maximum, and how many are null, by
// reason. The mean is of per-person values over the people with a defined
// value, not visit-weighted.
type Distribution struct {
	// Metric is "group.field" with Part 1's names, e.g. "continuity.upc".
	Metric string `json:"metric"`
	// Proposal marks CareWeb's own measures (PROPOSAL).
	Proposal bool `json:"proposal"`
	// Count is the number of people with a defined value.
	Count  analysis.Count `json:"count"`
	Mean   analysis.Stat  `json:"mean"`
	Median analysis.Stat  `json:"median"`
	Q1     analysis.Stat  `json:"q1"`
	Q3     analysis.Stat  `json:"q3"`
	Min    analysis.Stat  `json:"min"`
	Max    analysis.Stat  `json:"max"`
	// Nulls count the people whose value is null, by reason (byte order).
	Nulls []analysis.NullCount `json:"nulls"`
}

// MarshalJSON writes the summary with the window as "from"/"to" dates
// (null when open) and the level, minContacts and "as of" day beside it.
func (s Summary) MarshalJSON() ([]byte, error) {
	date := func(d care.Date) *string {
		if d.IsOpen() || d == 0 {
			return nil
		}
		v := d.String()
		return &v
	}
	groups := s.Groups
	if groups == nil {
		groups = []Group{}
	}
	return json.Marshal(struct {
		Cohort       string         `json:"cohort"`
		From         *string        `json:"from"`
		To           *string        `json:"to"`
		Level        analysis.Level `json:"level"`
		MinContacts  int            `json:"minContacts"`
		AsOf         *string        `json:"asOf"`
		Proposals    bool           `json:"proposals"`
		People       analysis.Count `json:"people"`
		SmallNumbers bool           `json:"smallNumbers"`
		Groups       []Group        `json:"groups"`
	}{s.Cohort, date(s.Options.Window.From), date(s.Options.Window.To), s.Options.Level, s.Options.MinContacts,
		date(s.Options.Today), s.Proposals, s.People, s.SmallNumbers, groups})
}

// CohortName returns the canonical name of a cohort grouping ("" is
// "all"; the US spelling "organization" is "organisation"), or an Invalid
// error naming field when analysis.CohortKey does not know it.
func CohortName(field, cohort string) (string, error) {
	c := strings.ToLower(strings.TrimSpace(cohort))
	switch c {
	case "":
		c = "all"
	case "organization":
		c = "organisation"
	}
	if _, ok := analysis.CohortKey(c); !ok || !slices.Contains(analysis.Cohorts, c) {
		var ps care.Problems
		ps.Add(field, cohort, "unknown cohort: want one of %s", strings.Join(analysis.Cohorts, ", "))
		return "", ps.Err("invalid cohort")
	}
	return c, nil
}

// Summariser accumulates per-person Results into a Summary. It holds
// every defined value (quantiles need them): about 8 bytes per person per
// metric. Not safe for concurrent use: feed it from the goroutine that
// receives results (analysis.Run's emit).
type Summariser struct {
	cohort    string
	proposals bool
	metrics   []analysis.Metric
	key       func(*analysis.Result) string
	sum       *analysis.Summary
	extremes  map[string][]extreme // cohort value → per metric
	people    int
}

type extreme struct {
	min, max float64
	any      bool
}

// NewSummariser returns a Summariser grouping by cohort (see CohortName;
// an unknown cohort is Invalid naming "cohort"), of Part 1's metrics and,
// with proposals, CareWeb's proposals too.
func NewSummariser(cohort string, proposals bool) (*Summariser, error) {
	c, err := CohortName("cohort", cohort)
	if err != nil {
		return nil, err
	}
	key, _ := analysis.CohortKey(c)
	ms := analysis.Metrics(proposals)
	return &Summariser{cohort: c, proposals: proposals, metrics: ms, key: key,
		sum: analysis.NewSummary(ms, key), extremes: map[string][]extreme{}}, nil
}

// Add adds one person's result.
func (s *Summariser) Add(r *analysis.Result) {
	s.people++
	s.sum.Add(r)
	k := s.key(r)
	ext := s.extremes[k]
	if ext == nil {
		ext = make([]extreme, len(s.metrics))
		s.extremes[k] = ext
	}
	for i, m := range s.metrics {
		v := m.Value(r)
		if !v.Defined {
			continue
		}
		e := &ext[i]
		if !e.any {
			e.min, e.max, e.any = v.V, v.V, true
			continue
		}
		e.min = min(e.min, v.V)
		e.max = max(e.max, v.V)
	}
}

// Summary returns the distributions so far, without the small-number rule
// (apply it with Summary.Suppress). opt are the options the results were
// computed with, reported as they are.
func (s *Summariser) Summary(opt analysis.Options) Summary {
	out := Summary{Cohort: s.cohort, Options: opt, Proposals: s.proposals, People: analysis.Count{N: s.people}}
	for _, cd := range s.sum.Distributions() {
		label := cd.Cohort
		if s.cohort == "all" {
			label = "all"
		}
		if n := len(out.Groups); n == 0 || out.Groups[n-1].Cohort != label {
			out.Groups = append(out.Groups, Group{Cohort: label, People: cd.People})
		}
		g := &out.Groups[len(out.Groups)-1]
		i := len(g.Metrics)
		d := Distribution{Metric: cd.Metric, Proposal: s.metrics[i].Proposal, Count: cd.N,
			Mean: cd.Mean, Median: cd.Median, Q1: cd.Q1, Q3: cd.Q3, Nulls: cd.Nulls}
		none := analysis.Stat{Value: measure.Undefined(analysis.NoValues)}
		d.Min, d.Max = none, none
		if e := s.extremes[cd.Cohort][i]; e.any {
			d.Min, d.Max = analysis.Stat{Value: measure.Of(e.min)}, analysis.Stat{Value: measure.Of(e.max)}
		}
		g.Metrics = append(g.Metrics, d)
	}
	return out
}

// Suppress returns s with the small-number rule applied (rule's zero value
// is NHS Digital's: counts of 1 to 7 withheld, others rounded to 5): every
// count, and the statistics of a distribution or cohort whose count is
// withheld (analysis.SmallNumbers). The minimum and maximum are always
// withheld: each is one person's own value, whatever the group's size.
// Suppressing twice is suppressing once.
func (s Summary) Suppress(rule analysis.SmallNumbers) Summary {
	if s.SmallNumbers {
		return s
	}
	hid := analysis.Stat{Value: measure.Undefined(analysis.Suppressed)}
	out := s
	out.SmallNumbers = true
	out.People = rule.Count(s.People.N)
	out.Groups = make([]Group, len(s.Groups))
	for i, g := range s.Groups {
		ng := Group{Cohort: g.Cohort, People: rule.Count(g.People.N), Metrics: make([]Distribution, len(g.Metrics))}
		for j, d := range g.Metrics {
			ad := rule.Distribution(analysis.Distribution{N: d.Count, Mean: d.Mean, Q1: d.Q1, Median: d.Median, Q3: d.Q3, Nulls: d.Nulls})
			nd := Distribution{Metric: d.Metric, Proposal: d.Proposal, Count: ad.N,
				Mean: ad.Mean, Median: ad.Median, Q1: ad.Q1, Q3: ad.Q3, Min: hid, Max: hid, Nulls: ad.Nulls}
			if ng.People.Suppressed {
				nd.Mean, nd.Median, nd.Q1, nd.Q3 = hid, hid, hid, hid
			}
			ng.Metrics[j] = nd
		}
		out.Groups[i] = ng
	}
	return out
}

// Summarise computes every person's metrics in src under opt against pop
// (whose patient-sharing network should be for opt's window, or care
// density is null) on workers goroutines, and returns their Summary
// grouped by cohort, without the small-number rule. Invalid options or
// cohort are Invalid, before anything is read; other errors are the
// store's.
func Summarise(ctx context.Context, src care.Streamer, pop *analysis.Population, opt analysis.Options, cohort string, proposals bool, workers int) (Summary, error) {
	if err := opt.Validate(); err != nil {
		return Summary{}, err
	}
	sm, err := NewSummariser(cohort, proposals)
	if err != nil {
		return Summary{}, err
	}
	err = analysis.Run(ctx, src, pop, opt, workers, func(r *analysis.Result) error {
		sm.Add(r)
		return nil
	})
	if err != nil {
		return Summary{}, err
	}
	return sm.Summary(opt.Normalised()), nil
}

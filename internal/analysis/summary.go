package analysis

import (
	"cmp"
	"math"
	"slices"
	"strconv"

	"github.com/careweb/careweb/internal/metrics/measure"
)

// Count is a count in a population summary, possibly withheld by the
// small-number rule. In JSON a suppressed count is null.
type Count struct {
	N          int
	Suppressed bool
}

// MarshalJSON writes N, or null when suppressed.
func (c Count) MarshalJSON() ([]byte, error) {
	if c.Suppressed {
		return []byte("null"), nil
	}
	return strconv.AppendInt(nil, int64(c.N), 10), nil
}

// NullCount is how many people had a null for one reason.
type NullCount struct {
	Reason measure.Reason `json:"reason"`
	Count  Count          `json:"count"`
}

// Distribution summarises one metric over a group of people: how many
// have a defined value, its mean, median and quartiles, and how many are
// null, by reason. Quantiles are type 7 of Hyndman & Fan (1996) — R's
// default and NumPy's "linear": for sorted x_1..x_n and probability p,
// h = (n − 1)p and Q(p) = x_⌊h⌋+1 + (h − ⌊h⌋)(x_⌊h⌋+2 − x_⌊h⌋+1). The mean
// is the mean of per-person values over the people with a defined value
// (not visit-weighted; METRICS-REFERENCE Part 2 §0 asks to say which).
type Distribution struct {
	N      Count       `json:"n"`
	Mean   Stat        `json:"mean"`
	Q1     Stat        `json:"q1"`
	Median Stat        `json:"median"`
	Q3     Stat        `json:"q3"`
	Nulls  []NullCount `json:"nulls"`
	// SmallNumbers reports that the small-number rule was applied to the
	// counts (and to the statistics of suppressed groups).
	SmallNumbers bool `json:"smallNumbers"`
}

// Stat is a summary statistic; JSON null (with the reason beside it in Go)
// when undefined.
type Stat struct{ measure.Value }

// MarshalJSON writes the value, or null.
func (s Stat) MarshalJSON() ([]byte, error) { return appendValue(nil, s.Value), nil }

// Quantile returns the type-7 quantile p (0 ≤ p ≤ 1) of sorted, which must
// be in ascending order and not empty; p outside [0, 1] is clamped.
func Quantile(sorted []float64, p float64) float64 {
	n := len(sorted)
	if n == 0 {
		return math.NaN()
	}
	p = min(max(p, 0), 1)
	h := float64(n-1) * p
	lo := int(math.Floor(h))
	if lo >= n-1 {
		return sorted[n-1]
	}
	return sorted[lo] + (h-float64(lo))*(sorted[lo+1]-sorted[lo])
}

// Summarise returns the distribution of values (one per person).
func Summarise(values []measure.Value) Distribution {
	var xs []float64
	nulls := map[measure.Reason]int{}
	for _, v := range values {
		if v.Defined {
			xs = append(xs, v.V)
		} else {
			nulls[v.Reason]++
		}
	}
	return summarise(xs, nulls)
}

func summarise(xs []float64, nulls map[measure.Reason]int) Distribution {
	d := Distribution{N: Count{N: len(xs)}, Nulls: []NullCount{}}
	for r, n := range nulls {
		d.Nulls = append(d.Nulls, NullCount{Reason: r, Count: Count{N: n}})
	}
	slices.SortFunc(d.Nulls, func(a, b NullCount) int { return cmp.Compare(a.Reason, b.Reason) })
	if len(xs) == 0 {
		none := Stat{measure.Undefined(NoValues)}
		d.Mean, d.Q1, d.Median, d.Q3 = none, none, none, none
		return d
	}
	slices.Sort(xs)
	// Kahan-compensated sum: a million values should not lose digits.
	var sum, comp float64
	for _, x := range xs {
		y := x - comp
		t := sum + y
		comp = (t - sum) - y
		sum = t
	}
	d.Mean = Stat{measure.Of(sum / float64(len(xs)))}
	d.Q1 = Stat{measure.Of(Quantile(xs, 0.25))}
	d.Median = Stat{measure.Of(Quantile(xs, 0.5))}
	d.Q3 = Stat{measure.Of(Quantile(xs, 0.75))}
	return d
}

// Metric names one per-person number and how to read it from a Result.
// Counts are returned as defined values.
type Metric struct {
	// Name is "group.field" with Part 1's field names, e.g. "continuity.upc".
	Name string
	// Proposal marks CareWeb's own measures (METRICS-REFERENCE [PROPOSAL])
	// that Part 1 does not name.
	Proposal bool
	Value    func(*Result) measure.Value
}

// Metrics returns every numeric per-person metric, Part 1's in Part 1's
// order, then (when proposals is set) CareWeb's proposals.
func Metrics(proposals bool) []Metric {
	var ms []Metric
	for _, f := range fields() {
		if f.kind == textField || (f.proposal && !proposals) {
			continue
		}
		ms = append(ms, Metric{Name: f.name(), Proposal: f.proposal, Value: f.value})
	}
	return ms
}

// Cohorts lists the cohort keys CohortKey knows.
var Cohorts = []string{"all", "organisation", "practice", "sector", "locality"}

// CohortKey returns the function that puts a Result in a cohort:
//
//   - "all": everyone in one group;
//   - "organisation": the person's usual organisation in the window (rule 6
//     at the ORGANISATION level — the most-contacted, ties as rule 6);
//   - "practice": the usual organisation among primary-care organisations
//     (the GP practice as the contacts show it);
//   - "sector": the usual sector;
//   - "locality": the person's recorded locality.
//
// People without the attribute form the cohort "". Any other attribute
// can be used by passing one's own function to NewSummary.
func CohortKey(name string) (func(*Result) string, bool) {
	switch name {
	case "all":
		return func(*Result) string { return "" }, true
	case "organisation", "organization":
		return func(r *Result) string { return r.Cohort.Organisation }, true
	case "practice":
		return func(r *Result) string { return r.Cohort.Practice }, true
	case "sector":
		return func(r *Result) string { return r.Cohort.Sector }, true
	case "locality":
		return func(r *Result) string { return r.Cohort.Locality }, true
	}
	return nil, false
}

// CohortDistribution is one metric's distribution in one cohort.
type CohortDistribution struct {
	Cohort string `json:"cohort"`
	Metric string `json:"metric"`
	// People is the number of people in the cohort.
	People Count `json:"people"`
	Distribution
}

// Summary accumulates per-person Results into population distributions of
// each metric by cohort. It holds every defined value (quantiles need
// them): about 8 bytes per person per metric. Not safe for concurrent use;
// feed it from the goroutine that receives results.
type Summary struct {
	metrics []Metric
	key     func(*Result) string
	groups  map[string]*group
}

type group struct {
	people int
	values [][]float64
	nulls  []map[measure.Reason]int
}

// NewSummary returns a Summary of metrics grouped by cohort (nil: everyone
// in one group).
func NewSummary(metrics []Metric, cohort func(*Result) string) *Summary {
	if cohort == nil {
		cohort = func(*Result) string { return "" }
	}
	return &Summary{metrics: metrics, key: cohort, groups: map[string]*group{}}
}

// Add adds one person's result.
func (s *Summary) Add(r *Result) {
	k := s.key(r)
	g := s.groups[k]
	if g == nil {
		g = &group{values: make([][]float64, len(s.metrics)), nulls: make([]map[measure.Reason]int, len(s.metrics))}
		s.groups[k] = g
	}
	g.people++
	for i, m := range s.metrics {
		v := m.Value(r)
		if v.Defined {
			g.values[i] = append(g.values[i], v.V)
			continue
		}
		if g.nulls[i] == nil {
			g.nulls[i] = map[measure.Reason]int{}
		}
		g.nulls[i][v.Reason]++
	}
}

// Distributions returns every metric's distribution in every cohort,
// ordered by cohort (byte order, "" first), then metric in the order given.
// It sorts the values it holds, so Add may continue afterwards.
func (s *Summary) Distributions() []CohortDistribution {
	keys := make([]string, 0, len(s.groups))
	for k := range s.groups {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var out []CohortDistribution
	for _, k := range keys {
		g := s.groups[k]
		for i, m := range s.metrics {
			out = append(out, CohortDistribution{
				Cohort: k, Metric: m.Name, People: Count{N: g.people},
				Distribution: summarise(g.values[i], g.nulls[i]),
			})
		}
	}
	return out
}

// SmallNumbers is a statistical disclosure-control rule for counts: counts
// from 1 to Threshold are suppressed and every other count is rounded to
// the nearest multiple of Base (halves up); 0 is shown. The zero value is
// NHS Digital's rule for published health statistics (HES and others):
// Threshold 7, Base 5. It is the rule CareWeb applies to population output
// for the researcher role; who gets it is the caller's decision.
type SmallNumbers struct {
	Threshold int
	Base      int
}

func (r SmallNumbers) resolved() SmallNumbers {
	if r.Threshold <= 0 {
		r.Threshold = 7
	}
	if r.Base <= 0 {
		r.Base = 5
	}
	return r
}

// Count applies the rule to n. Negative n (not a count) is returned as it is.
func (r SmallNumbers) Count(n int) Count {
	r = r.resolved()
	switch {
	case n <= 0:
		return Count{N: n}
	case n <= r.Threshold:
		return Count{Suppressed: true}
	}
	return Count{N: (n + r.Base/2) / r.Base * r.Base}
}

// Distribution applies the rule to d's counts. When the count of defined
// values is suppressed, so are the statistics computed from them (a mean
// of three people discloses as much as the three values); statistics of
// larger groups are kept. The result has SmallNumbers set.
func (r SmallNumbers) Distribution(d Distribution) Distribution {
	n := d.N
	d.N = r.Count(n.N)
	if d.N.Suppressed {
		hid := Stat{measure.Undefined(Suppressed)}
		d.Mean, d.Q1, d.Median, d.Q3 = hid, hid, hid, hid
	}
	nulls := make([]NullCount, len(d.Nulls))
	for i, nc := range d.Nulls {
		nulls[i] = NullCount{Reason: nc.Reason, Count: r.Count(nc.Count.N)}
	}
	d.Nulls = nulls
	d.SmallNumbers = true
	return d
}

// Distributions applies the rule to every cohort distribution, its people
// count included.
func (r SmallNumbers) Distributions(ds []CohortDistribution) []CohortDistribution {
	out := make([]CohortDistribution, len(ds))
	for i, d := range ds {
		out[i] = CohortDistribution{Cohort: d.Cohort, Metric: d.Metric, People: r.Count(d.People.N), Distribution: r.Distribution(d.Distribution)}
		if out[i].People.Suppressed {
			hid := Stat{measure.Undefined(Suppressed)}
			out[i].Mean, out[i].Q1, out[i].Median, out[i].Q3 = hid, hid, hid, hid
		}
	}
	return out
}

package analysis

import (
	"cmp"
	"math"
	"slices"

	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/metrics/measure"
)

// Churn is staff churn in a person's web over the window, by calendar
// period [PROPOSAL; the brief asks for "professionals joining and leaving
// a person's web over time" and no source defines it]:
//
//   - a professional joins on the earlier of their first recorded contact
//     with the person (history before the window included) and the start
//     of their first INVOLVED_IN to the person; each later INVOLVED_IN
//     episode (one not continuing the previous one: it starts more than a
//     day after the previous ended) is a re-join;
//   - a professional leaves when an INVOLVED_IN episode ends (a
//     relationship re-recorded from the next day, e.g. with a new role, is
//     one episode, not a leave and a join). Professionals known only from
//     contacts never leave: nothing records that they have gone.
//
// Joined and Left count these events in each period. A period is a
// calendar month or quarter (UTC) clipped to the window; an open window
// start is replaced by the first event or contact, an open end by the "as
// of" day (Options.Today, else the person's latest recorded day); at most
// MaxChurnPeriods periods are reported, the latest.
type Churn struct {
	Period  Period
	Joined  int // events in all periods
	Left    int
	Periods []ChurnPeriod
}

// ChurnPeriod is one period's churn.
type ChurnPeriod struct {
	From, To care.Date
	Joined   int
	Left     int
}

// Tenure is the named coordinator's time in post on the "as of" day: the
// window's last day, else Options.Today, else the person's latest recorded
// day.
type Tenure struct {
	AsOf care.Date
	// Coordinator is the id of the professional whose INVOLVED_IN to the
	// person is marked coordinator and active on AsOf; "" when none. With
	// several, the most recently named (latest start), then the smallest id.
	Coordinator string
	// Since is the start of their coordinator role, following back through
	// consecutive coordinator relationships (care.NoStart when unknown).
	Since care.Date
	// Days is AsOf − Since; null with NO_COORDINATOR or UNKNOWN_START.
	Days measure.Value
}

// asOf returns the "as of" day of opt for the current person.
func (c *Computer) asOf(opt Options) care.Date {
	w := opt.window()
	if w.To != care.NoEnd {
		return w.To
	}
	if opt.Today != 0 {
		return opt.Today
	}
	latest := care.NoEnd
	note := func(d care.Date) {
		if !d.IsOpen() && (latest == care.NoEnd || d > latest) {
			latest = d
		}
	}
	for _, k := range c.kept {
		note(k.day)
	}
	for i := range c.rec.Referrals {
		note(dayOf(c.rec.Referrals[i].At))
	}
	for i := range c.rec.Relationships {
		r := &c.rec.Relationships[i]
		if c.about(r) {
			note(r.Span.From)
			note(r.Span.To)
		}
	}
	return latest
}

type episode struct {
	prof    int32
	span    care.Span
	contact bool // the professional's first contact, not an INVOLVED_IN
}

// churn fills ch (reusing its Periods) with the person's staff churn.
func (c *Computer) churn(opt Options, ch *Churn) {
	w, period := opt.window(), opt.period()
	*ch = Churn{Period: period, Periods: ch.Periods[:0]}
	to := c.asOf(opt)

	// Each professional's INVOLVED_IN episodes and first contact (kept is in
	// time order, so a professional's first there is their first ever).
	eps := c.eps[:0]
	for i := range c.rec.Relationships {
		r := &c.rec.Relationships[i]
		if r.Type == care.InvolvedIn && c.about(r) && r.Span.Valid() {
			eps = append(eps, episode{prof: c.relFrom[i], span: r.Span})
		}
	}
	nrel := len(eps)
	for _, k := range c.kept {
		if !slices.ContainsFunc(eps[nrel:], func(e episode) bool { return e.prof == k.prof }) {
			eps = append(eps, episode{prof: k.prof, span: care.AsOf(k.day), contact: true})
		}
	}
	slices.SortFunc(eps, func(a, b episode) int {
		if x := cmp.Compare(a.prof, b.prof); x != 0 {
			return x
		}
		return cmp.Compare(a.span.From, b.span.From)
	})
	c.eps = eps
	joins, leaves := c.joins[:0], c.leaves[:0]
	for s := 0; s < len(eps); {
		e := s
		for e < len(eps) && eps[e].prof == eps[s].prof {
			e++
		}
		first := true
		var cur care.Span
		open := false
		for _, ep := range eps[s:e] {
			if ep.contact {
				if first {
					joins = append(joins, ep.span.From)
					first = false
				}
				continue
			}
			switch {
			case !open:
				if first {
					joins = append(joins, ep.span.From)
					first = false
				}
				cur, open = ep.span, true
			case ep.span.From <= cur.To.AddDays(1):
				cur.To = max(cur.To, ep.span.To)
			default:
				if cur.To != care.NoEnd {
					leaves = append(leaves, cur.To)
				}
				joins = append(joins, ep.span.From)
				cur = ep.span
			}
		}
		if open && cur.To != care.NoEnd {
			leaves = append(leaves, cur.To)
		}
		s = e
	}
	c.joins, c.leaves = joins, leaves

	from := w.From
	if from == care.NoStart {
		from = care.NoEnd
		for _, d := range joins {
			if !d.IsOpen() {
				from = min(from, d)
			}
		}
		for _, d := range leaves {
			from = min(from, d)
		}
	}
	if from.IsOpen() || to.IsOpen() || from > to {
		return
	}
	// At most MaxChurnPeriods periods, the latest: a window of centuries
	// (or a corrupt date) must not produce millions of them.
	if limit := periodStart(to, period, MaxChurnPeriods-1); from < limit {
		from = limit
	}
	slices.Sort(joins)
	slices.Sort(leaves)
	for p := from; p <= to && len(ch.Periods) < MaxChurnPeriods; {
		end := min(periodEnd(p, period), to)
		if end < p {
			end = to // unreachable with clamped dates; guarantees progress
		}
		cp := ChurnPeriod{From: p, To: end}
		cp.Joined, joins = countIn(joins, p, end)
		cp.Left, leaves = countIn(leaves, p, end)
		ch.Joined += cp.Joined
		ch.Left += cp.Left
		ch.Periods = append(ch.Periods, cp)
		if end >= care.NoEnd-1 {
			break
		}
		p = end + 1
	}
}

// MaxChurnPeriods bounds the periods of one person's churn: a century of
// months, four centuries of quarters.
const MaxChurnPeriods = 1200

// countIn returns how many of the sorted days fall in [from, to], and the
// days after to (those before from are skipped).
func countIn(days []care.Date, from, to care.Date) (int, []care.Date) {
	i := 0
	for i < len(days) && days[i] < from {
		i++
	}
	n := 0
	for i < len(days) && days[i] <= to {
		i++
		n++
	}
	return n, days[i:]
}

// periodEnd returns the last day of the calendar period containing d.
func periodEnd(d care.Date, p Period) care.Date {
	y, m := yearMonth(d)
	if p == Quarter {
		m = (m-1)/3*3 + 3
	}
	next := firstOfMonth(y, m+1)
	if m == 12 {
		next = firstOfMonth(y+1, 1)
	}
	if next >= care.NoEnd-1 {
		return care.NoEnd - 1 // the last representable period runs to the end
	}
	return next - 1
}

// periodStart returns the first day of the calendar period k periods
// before the one containing d.
func periodStart(d care.Date, p Period, k int) care.Date {
	y, m := yearMonth(d)
	months := int64(k)
	if p == Quarter {
		m = (m-1)/3*3 + 1
		months *= 3
	}
	abs := y*12 + (m - 1) - months
	return firstOfMonth(floorDiv(abs, 12), abs-floorDiv(abs, 12)*12+1)
}

// The civil-calendar conversions below are H. Hinnant's days_from_civil
// and civil_from_days ("chrono-Compatible Low-Level Date Algorithms"):
// integer arithmetic on the proleptic Gregorian calendar, much cheaper per
// churn period than going through time.Time, and clamped to the open
// sentinels so that no date overflows.

// yearMonth returns the year and month (1–12) of day d.
func yearMonth(d care.Date) (y, m int64) {
	z := int64(d) + 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	m = mp + 3
	if m > 12 {
		m -= 12
	}
	y = yoe + era*400
	if m <= 2 {
		y++
	}
	return y, m
}

// firstOfMonth returns the day of y-m-01, clamped to the sentinels.
func firstOfMonth(y, m int64) care.Date {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp + 2) / 5 // day of the year (from March 1) of the 1st
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	days := era*146097 + doe - 719468
	switch {
	case days <= math.MinInt32:
		return care.NoStart + 1
	case days >= math.MaxInt32:
		return care.NoEnd - 1
	}
	return care.Date(days)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// tenure returns the named coordinator's tenure on the "as of" day.
func (c *Computer) tenure(opt Options) Tenure {
	t := Tenure{AsOf: c.asOf(opt), Since: care.NoStart}
	best := -1
	rels := c.rec.Relationships
	for i := range rels {
		r := &rels[i]
		if r.Type != care.InvolvedIn || !r.Coordinator || !c.about(r) || !r.Span.Contains(t.AsOf) {
			continue
		}
		if best < 0 || r.Span.From > rels[best].Span.From ||
			(r.Span.From == rels[best].Span.From && r.From < rels[best].From) {
			best = i
		}
	}
	if best < 0 {
		t.Days = measure.Undefined(NoCoordinator)
		return t
	}
	t.Coordinator = rels[best].From
	t.Since = rels[best].Span.From
	for changed := true; changed && t.Since != care.NoStart; {
		changed = false
		for i := range rels {
			r := &rels[i]
			if r.Type == care.InvolvedIn && r.Coordinator && c.about(r) && r.From == t.Coordinator &&
				r.Span.From < t.Since && r.Span.To.AddDays(1) >= t.Since {
				t.Since, changed = r.Span.From, true
			}
		}
	}
	if t.Since == care.NoStart || t.AsOf.IsOpen() {
		t.Days = measure.Undefined(UnknownStart)
		return t
	}
	t.Days = measure.Of(float64(t.AsOf - t.Since))
	return t
}

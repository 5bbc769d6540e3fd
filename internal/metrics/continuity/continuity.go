package continuity

import (
	"math"
	"slices"

	"github.com/careweb/careweb/internal/metrics/measure"
)

// DefaultMinContacts is METRICS-REFERENCE Part 1 rule 5's default: every
// continuity ratio is null for fewer than two contacts.
const DefaultMinContacts = 2

// DefaultLookbackDays is Part 1 rule 7's look-back for KPC.
const DefaultLookbackDays = 365

// Unlimited, as Options.LookbackDays, makes KPC look back over all history.
const Unlimited = -1

// Tally summarises a sequence by its provider counts n_i. It is all the
// order-free indices (UPC, COC, HHI, MCI, MMCI) need.
type Tally struct {
	N          int   // contacts
	M          int   // distinct providers
	Max        int   // max_i n_i, contacts with the most-seen provider
	SumSquares int64 // Σ n_i²
}

// Count tallies seq. It sorts a copy, so seq is not modified.
func Count(seq []int) Tally {
	t := Tally{N: len(seq)}
	forEachCount(seq, func(_, n int) {
		t.M++
		t.Max = max(t.Max, n)
		t.SumSquares += int64(n) * int64(n)
	})
	return t
}

// forEachCount calls f once per distinct provider in seq with its count, in
// ascending provider order.
func forEachCount(seq []int, f func(provider, n int)) {
	if len(seq) == 0 {
		return
	}
	s := slices.Clone(seq)
	slices.Sort(s)
	start := 0
	for i := 1; i <= len(s); i++ {
		if i == len(s) || s[i] != s[start] {
			f(s[start], i-start)
			start = i
		}
	}
}

// UPC returns the Usual Provider of Care index in its most-frequent-provider
// variant, max_i n_i / N. Undefined (NoContacts) for N = 0; 1 for N = 1 (apply
// minContacts with Compute or measure.AtLeast).
func UPC(seq []int) measure.Value { return Count(seq).UPC() }

// UPC is UPC computed from the tally.
func (t Tally) UPC() measure.Value {
	if t.N == 0 {
		return measure.Undefined(measure.NoContacts)
	}
	return measure.Ratio(int64(t.Max), int64(t.N))
}

// NamedUPC returns the designated-usual-provider variant of UPC: the share of
// contacts that were with named, whatever the counts. Undefined (NoContacts)
// for N = 0; 0 when named was never seen.
func NamedUPC(seq []int, named int) measure.Value {
	if len(seq) == 0 {
		return measure.Undefined(measure.NoContacts)
	}
	k := 0
	for _, p := range seq {
		if p == named {
			k++
		}
	}
	return measure.Ratio(int64(k), int64(len(seq)))
}

// COC returns the Bice–Boxerman Continuity of Care index
// (Σ n_i² − N) / (N(N − 1)). Undefined for N = 0 (NoContacts) and N = 1
// (SingleContact: 0/0).
func COC(seq []int) measure.Value { return Count(seq).COC() }

// COC is COC computed from the tally.
func (t Tally) COC() measure.Value {
	switch t.N {
	case 0:
		return measure.Undefined(measure.NoContacts)
	case 1:
		return measure.Undefined(measure.SingleContact)
	}
	n := int64(t.N)
	return measure.Ratio(t.SumSquares-n, n*(n-1))
}

// HHI returns the Herfindahl–Hirschman concentration of contacts
// Σ (n_i/N)². Undefined (NoContacts) for N = 0; 1 for N = 1.
func HHI(seq []int) measure.Value { return Count(seq).HHI() }

// HHI is HHI computed from the tally.
func (t Tally) HHI() measure.Value {
	if t.N == 0 {
		return measure.Undefined(measure.NoContacts)
	}
	n := int64(t.N)
	return measure.Ratio(t.SumSquares, n*n)
}

// MCI returns the Modified Continuity Index 1 − M/(N + 0.1), computed
// exactly as (10N + 1 − 10M)/(10N + 1). Undefined (NoContacts) for N = 0.
// It is provided for comparison with the literature only: it is never 1,
// even for perfect continuity (MMCI corrects this), so Compute does not
// report it.
func MCI(seq []int) measure.Value { return Count(seq).MCI() }

// MCI is MCI computed from the tally.
func (t Tally) MCI() measure.Value {
	if t.N == 0 {
		return measure.Undefined(measure.NoContacts)
	}
	n, m := int64(t.N), int64(t.M)
	return measure.Ratio(10*n+1-10*m, 10*n+1)
}

// MMCI returns the Modified Modified Continuity Index
// (1 − M/(N + 0.1)) / (1 − 1/(N + 0.1)), computed exactly as
// (10N − 10M + 1)/(10N − 9). Undefined (NoContacts) for N = 0; 1 for N = 1.
func MMCI(seq []int) measure.Value { return Count(seq).MMCI() }

// MMCI is MMCI computed from the tally.
func (t Tally) MMCI() measure.Value {
	if t.N == 0 {
		return measure.Undefined(measure.NoContacts)
	}
	n, m := int64(t.N), int64(t.M)
	return measure.Ratio(10*n-10*m+1, 10*n-9)
}

// SECON returns the Sequential Continuity index: the share of the N − 1
// consecutive pairs of contacts that are with the same provider. Undefined
// for N = 0 (NoContacts) and N = 1 (SingleContact).
func SECON(seq []int) measure.Value {
	switch len(seq) {
	case 0:
		return measure.Undefined(measure.NoContacts)
	case 1:
		return measure.Undefined(measure.SingleContact)
	}
	same := len(seq) - 1 - Switches(seq)
	return measure.Ratio(int64(same), int64(len(seq)-1))
}

// Switches returns the number of provider switches between consecutive
// contacts, #{j < N : p_j ≠ p_{j+1}} = (N − 1)(1 − SECON). It is a count, so
// 0 for N < 2, never undefined.
func Switches(seq []int) int {
	k := 0
	for j := 1; j < len(seq); j++ {
		if seq[j] != seq[j-1] {
			k++
		}
	}
	return k
}

// Entropy returns the visit entropy −Σ (n_i/N) log₂(n_i/N) in bits,
// unnormalised. Undefined (NoContacts) for N = 0; 0 when M = 1.
func Entropy(seq []int) measure.Value {
	if len(seq) == 0 {
		return measure.Undefined(measure.NoContacts)
	}
	n := float64(len(seq))
	var h float64
	forEachCount(seq, func(_, k int) {
		if k == len(seq) {
			return // a single provider: exactly 0, not −0
		}
		p := float64(k) / n
		h -= p * math.Log2(p)
	})
	return measure.Of(h)
}

// UsualProvider returns the usual provider of seq under METRICS-REFERENCE
// Part 1 rule 6: the most-seen provider; ties are broken by (a) a named
// coordinator among the tied (coordinators lists the person's named
// coordinators at the same level as seq), then (b) the tied provider whose
// latest contact is latest in the sequence. The sequence is in rule 3's
// total order (timestamp, then contact id), so (b) always decides and rule
// (c), the smallest id, is never needed. ok is false only when seq is empty.
func UsualProvider(seq []int, coordinators []int) (provider int, ok bool) {
	if len(seq) == 0 {
		return 0, false
	}
	count := make(map[int]int)
	last := make(map[int]int)
	top := 0
	for j, p := range seq {
		count[p]++
		last[p] = j
		top = max(top, count[p])
	}
	named := false
	for _, c := range coordinators {
		if count[c] == top {
			named = true
			break
		}
	}
	best, bestLast := 0, -1
	for p, n := range count {
		if n != top || (named && !slices.Contains(coordinators, p)) {
			continue
		}
		if last[p] > bestLast {
			best, bestLast = p, last[p]
		}
	}
	return best, true
}

// Contact is a dated contact, for the indices that need dates (KPC).
type Contact struct {
	// Provider is the provider's code at the level of the sequence.
	Provider int
	// Day is the contact's UTC calendar day, counted in days since
	// 1970-01-01 (the numbering of care.Date).
	Day int64
}

// KPCWindow returns the window-only Known Provider Continuity [PROPOSAL]:
// among contacts 2..N, the share whose provider was seen earlier in the
// sequence; the first contact can never be known, so the denominator is
// N − 1. Undefined for N = 0 (NoContacts) and N = 1 (SingleContact).
func KPCWindow(seq []int) measure.Value {
	switch len(seq) {
	case 0:
		return measure.Undefined(measure.NoContacts)
	case 1:
		return measure.Undefined(measure.SingleContact)
	}
	seen := map[int]bool{seq[0]: true}
	known := 0
	for _, p := range seq[1:] {
		if seen[p] {
			known++
		}
		seen[p] = true
	}
	return measure.Ratio(int64(known), int64(len(seq)-1))
}

// KPC returns Known Provider Continuity under METRICS-REFERENCE Part 1
// rule 7 [PROPOSAL]: the share of the N contacts of seq (the window) whose
// provider was also seen in the lookbackDays days before it, counting
// history (the person's contacts before the window) as well as earlier
// contacts in the window. days[j] is the day of seq[j]. "Before it" means
// earlier in rule 3's order and at most lookbackDays days earlier (0 days
// counts: at organisation or sector level two same-day contacts can share
// a provider). lookbackDays 0 means DefaultLookbackDays; Unlimited (or any
// negative) looks back over all history.
//
// Undefined: NoContacts for N = 0; NoDates when days is nil; InvalidInput
// when len(days) ≠ len(seq) or the days of history followed by the window
// are not in ascending order.
func KPC(seq []int, days []int64, history []Contact, lookbackDays int) measure.Value {
	if len(seq) == 0 {
		return measure.Undefined(measure.NoContacts)
	}
	if days == nil {
		return measure.Undefined(measure.NoDates)
	}
	if len(days) != len(seq) {
		return measure.Undefined(measure.InvalidInput)
	}
	if lookbackDays == 0 {
		lookbackDays = DefaultLookbackDays
	}
	lastSeen := make(map[int]int64)
	prev := int64(math.MinInt64)
	for _, c := range history {
		if c.Day < prev {
			return measure.Undefined(measure.InvalidInput)
		}
		prev = c.Day
		lastSeen[c.Provider] = c.Day
	}
	known := 0
	for j, p := range seq {
		d := days[j]
		if d < prev {
			return measure.Undefined(measure.InvalidInput)
		}
		prev = d
		if last, ok := lastSeen[p]; ok && (lookbackDays < 0 || d-last <= int64(lookbackDays)) {
			known++
		}
		lastSeen[p] = d
	}
	return measure.Ratio(int64(known), int64(len(seq)))
}

// Options are the choices Compute makes; the zero Options are
// METRICS-REFERENCE Part 1's defaults.
type Options struct {
	// MinContacts: every ratio is undefined (BelowMinContacts) when
	// N < MinContacts (Part 1 rule 5). 0 or less means DefaultMinContacts;
	// use 1 for the mathematical minimum.
	MinContacts int
	// Coordinators are the person's named coordinators, as provider codes
	// at the sequence's level, for the usual-provider tie-break (rule 6a).
	Coordinators []int
	// Days, if not nil, is the day of each contact (len(Days) = len(seq)),
	// for KPC. Without it KPC is undefined (NoDates) unless WindowOnlyKPC.
	Days []int64
	// History is the person's contacts before the window, in order, for
	// KPC's look-back (rule 7: history before the window is included).
	History []Contact
	// LookbackDays is KPC's look-back: 0 means DefaultLookbackDays,
	// Unlimited means all history.
	LookbackDays int
	// WindowOnlyKPC selects KPCWindow (denominator N − 1, no dates, no
	// history) instead of rule 7's KPC.
	WindowOnlyKPC bool
}

// Result is every continuity index of one person in one window at one
// level. Counts are never undefined; ratios are undefined below
// MinContacts or where their definition fails.
type Result struct {
	Contacts  int // N
	Providers int // M
	Switches  int // provider switches between consecutive contacts
	UPC       measure.Value
	COC       measure.Value
	HHI       measure.Value
	SECON     measure.Value
	MMCI      measure.Value
	KPC       measure.Value
	Entropy   measure.Value
	// UsualProvider is the usual provider (rule 6); HasUsualProvider is
	// false only when there are no contacts. It is not subject to
	// MinContacts: with one contact, the usual provider is the one seen.
	UsualProvider    int
	HasUsualProvider bool
}

// Compute returns every continuity index of seq, the person's contacts in
// the window after METRICS-REFERENCE Part 1 rules 1–4 (in the window,
// deduplicated per professional and day, in order, mapped to the level).
func Compute(seq []int, opt Options) Result {
	minN := opt.MinContacts
	if minN <= 0 {
		minN = DefaultMinContacts
	}
	t := Count(seq)
	gate := func(v measure.Value) measure.Value { return measure.AtLeast(v, t.N, minN) }
	r := Result{
		Contacts:  t.N,
		Providers: t.M,
		Switches:  Switches(seq),
		UPC:       gate(t.UPC()),
		COC:       gate(t.COC()),
		HHI:       gate(t.HHI()),
		SECON:     gate(SECON(seq)),
		MMCI:      gate(t.MMCI()),
		Entropy:   gate(Entropy(seq)),
	}
	if opt.WindowOnlyKPC {
		r.KPC = gate(KPCWindow(seq))
	} else {
		r.KPC = gate(KPC(seq, opt.Days, opt.History, opt.LookbackDays))
	}
	r.UsualProvider, r.HasUsualProvider = UsualProvider(seq, opt.Coordinators)
	return r
}

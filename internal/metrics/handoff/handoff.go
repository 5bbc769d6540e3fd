package handoff

import (
	"fmt"
	"math"
	"slices"

	"github.com/careweb/careweb/internal/metrics/measure"
)

// Contact is one of a person's contacts, at all three levels.
type Contact struct {
	// Professional is the professional's code.
	Professional int
	// Organisation is the contact's organisation code (METRICS-REFERENCE
	// Part 1 rule 4); negative when unknown.
	Organisation int
	// Sector is that organisation's sector code; negative when unknown.
	Sector int
	// Day is the contact's UTC calendar day in days since 1970-01-01.
	Day int64
}

// Referral is a referral or transfer about the person from one
// professional to another, on a day.
type Referral struct {
	From, To int // professional codes
	Day      int64
}

// Open ends for Link spans.
const (
	NoStart int64 = math.MinInt64
	NoEnd   int64 = math.MaxInt64
)

// Link is an undirected LINKED_TO between A and B (professionals, or
// organisations), active on the days From..To inclusive; NoStart and NoEnd
// mark open ends.
type Link struct {
	A, B     int
	From, To int64
}

// Evidence is what can make a handoff supported (Part 1 rule 15).
type Evidence struct {
	// Referrals about the person, between professionals.
	Referrals []Referral
	// ProfessionalLinks between professionals.
	ProfessionalLinks []Link
	// OrganisationLinks between organisations.
	OrganisationLinks []Link
}

// Counts are one person's handoffs in a window. Every field is a count, so
// never undefined: with fewer than two contacts they are all 0.
type Counts struct {
	// Total is the number of provider switches between consecutive contacts.
	Total int
	// CrossOrganisation counts the switches whose two contacts are in
	// different organisations; CrossSector, in different sectors.
	CrossOrganisation int
	CrossSector       int
	// UnknownOrganisation counts the switches where one side's organisation
	// is unknown, so CrossOrganisation could not decide; UnknownSector
	// likewise. Cross counts are therefore lower bounds when these are > 0.
	UnknownOrganisation int
	UnknownSector       int
	// Supported counts the switches with evidence that information could
	// travel (rule 15); Unsupported = Total − Supported, the handoffs where
	// the person or carer had to carry the story.
	Supported   int
	Unsupported int
}

// Count returns the handoffs in contacts, the person's contacts in the
// window after METRICS-REFERENCE Part 1 rules 1–3 (in the window,
// deduplicated, in order). The error says which input breaks the
// contract: contacts not in day order, or a link that ends before it
// starts.
func Count(contacts []Contact, ev Evidence) (Counts, error) {
	for j := 1; j < len(contacts); j++ {
		if contacts[j].Day < contacts[j-1].Day {
			return Counts{}, fmt.Errorf("handoff: contact %d (day %d) is before contact %d (day %d); contacts must be in time order", j, contacts[j].Day, j-1, contacts[j-1].Day)
		}
	}
	refs := make(map[[2]int][]int64, len(ev.Referrals))
	for _, r := range ev.Referrals {
		k := [2]int{r.From, r.To}
		refs[k] = append(refs[k], r.Day)
	}
	for _, days := range refs {
		slices.Sort(days)
	}
	profLinks, err := indexLinks("professional", ev.ProfessionalLinks)
	if err != nil {
		return Counts{}, err
	}
	orgLinks, err := indexLinks("organisation", ev.OrganisationLinks)
	if err != nil {
		return Counts{}, err
	}

	var c Counts
	for j := 1; j < len(contacts); j++ {
		c1, c2 := contacts[j-1], contacts[j]
		a, b := c1.Professional, c2.Professional
		if a == b {
			continue
		}
		c.Total++
		switch {
		case c1.Organisation < 0 || c2.Organisation < 0:
			c.UnknownOrganisation++
		case c1.Organisation != c2.Organisation:
			c.CrossOrganisation++
		}
		switch {
		case c1.Sector < 0 || c2.Sector < 0:
			c.UnknownSector++
		case c1.Sector != c2.Sector:
			c.CrossSector++
		}
		supported := referredBetween(refs[[2]int{a, b}], c1.Day, c2.Day) ||
			profLinks.active(a, b, c2.Day) ||
			(c1.Organisation >= 0 && c2.Organisation >= 0 && c1.Organisation != c2.Organisation &&
				orgLinks.active(c1.Organisation, c2.Organisation, c2.Day))
		if supported {
			c.Supported++
		}
	}
	c.Unsupported = c.Total - c.Supported
	return c, nil
}

// referredBetween reports whether a sorted list of referral days has one in
// [from, to].
func referredBetween(days []int64, from, to int64) bool {
	i, _ := slices.BinarySearch(days, from)
	return i < len(days) && days[i] <= to
}

type linkIndex map[[2]int][][2]int64

func indexLinks(what string, links []Link) (linkIndex, error) {
	idx := make(linkIndex, len(links))
	for i, l := range links {
		if l.To < l.From {
			return nil, fmt.Errorf("handoff: %s link %d (%d–%d) ends on day %d, before it starts on day %d", what, i, l.A, l.B, l.To, l.From)
		}
		k := [2]int{min(l.A, l.B), max(l.A, l.B)}
		idx[k] = append(idx[k], [2]int64{l.From, l.To})
	}
	return idx, nil
}

// active reports whether a link between a and b is active on day.
func (idx linkIndex) active(a, b int, day int64) bool {
	for _, s := range idx[[2]int{min(a, b), max(a, b)}] {
		if s[0] <= day && day <= s[1] {
			return true
		}
	}
	return false
}

// SettingTransitions returns the number of changes of care setting between
// consecutive contacts or episodes, #{j : σ_j ≠ σ_{j+1}} (Callahan et al.
// 2012), with settings as codes in time order. A count: 0 for fewer than
// two.
func SettingTransitions(settings []int) int {
	k := 0
	for j := 1; j < len(settings); j++ {
		if settings[j] != settings[j-1] {
			k++
		}
	}
	return k
}

// PerContact returns count ÷ contacts [PROPOSAL]: e.g. handoffs per
// contact. Undefined (NoContacts) when contacts ≤ 0.
func PerContact(count, contacts int) measure.Value {
	if contacts <= 0 {
		return measure.Undefined(measure.NoContacts)
	}
	return measure.Ratio(int64(count), int64(contacts))
}

// DaysPerYear is the year length the rates use: 365.25 days, i.e. 1461/4.
const DaysPerYear = 365.25

// PerMonth returns count per month over a period of days days [PROPOSAL],
// a month being DaysPerYear/12 = 30.4375 days: count·1461 / (48·days).
// The caller chooses the period (for a bounded window, its inclusive
// length in days). Undefined (NoTime) when days ≤ 0.
func PerMonth(count int, days int64) measure.Value {
	if days <= 0 {
		return measure.Undefined(measure.NoTime)
	}
	return measure.Ratio(int64(count)*1461, 48*days)
}

// PerPersonYear returns count ÷ (days / 365.25) (Callahan et al. 2012:
// transitions per person-year at risk): count·1461 / (4·days). Undefined
// (NoTime) when days ≤ 0.
func PerPersonYear(count int, days int64) measure.Value {
	if days <= 0 {
		return measure.Undefined(measure.NoTime)
	}
	return measure.Ratio(int64(count)*1461, 4*days)
}

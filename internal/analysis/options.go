package analysis

import (
	"slices"
	"strconv"
	"strings"

	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/metrics/continuity"
	"github.com/careweb/careweb/internal/metrics/measure"
)

// Level is what counts as a "provider" in the continuity indices
// (METRICS-REFERENCE Part 1 rule 4).
type Level string

const (
	// Professional: each professional is a provider (the default).
	Professional Level = "PROFESSIONAL"
	// Organisation: the contact's own organisation if recorded, else the
	// professional's WORKS_IN organisation active on the contact's date.
	Organisation Level = "ORGANISATION"
	// Sector: that organisation's sector.
	Sector Level = "SECTOR"
)

// Levels lists every level.
var Levels = []Level{Professional, Organisation, Sector}

// ParseLevel accepts a level in any letter case, and the US spelling
// ORGANIZATION.
func ParseLevel(s string) (Level, bool) {
	v := Level(strings.ToUpper(strings.TrimSpace(s)))
	if v == "ORGANIZATION" {
		v = Organisation
	}
	for _, l := range Levels {
		if v == l {
			return v, true
		}
	}
	return "", false
}

// Period is the length of the calendar periods staff churn is counted in.
type Period string

const (
	// Quarter: calendar quarters (January–March, ...), the default.
	Quarter Period = "QUARTER"
	// Month: calendar months.
	Month Period = "MONTH"
)

// Options are the choices one analysis makes. The zero Options are
// METRICS-REFERENCE Part 1's defaults: all time, PROFESSIONAL level,
// minContacts 2, churn by quarter.
type Options struct {
	// Window is the period analysed: inclusive UTC dates, open ends allowed
	// (care.NoStart, care.NoEnd). The zero Window means all time
	// (care.Always), so that the zero Options are the defaults; a window of
	// the single day 1970-01-01 therefore cannot be asked for.
	Window care.Window
	// Level is the continuity level; "" means Professional. Fragmentation
	// and handoffs do not depend on it (FCI is always at the ORGANISATION
	// level, rule 8).
	Level Level
	// MinContacts: every continuity ratio and FCI is null
	// (BELOW_MIN_CONTACTS) when N < MinContacts (rule 5). 0 means
	// continuity.DefaultMinContacts (2); 1 is the mathematical minimum;
	// negative is Invalid.
	MinContacts int
	// Today is the caller's clock's date, used as the "as of" day of the
	// coordinator's tenure and the end of churn periods when the window has
	// no end. 0 means unset: the person's latest recorded day is used.
	Today care.Date
	// ChurnPeriod is the period staff churn is counted in; "" means Quarter.
	ChurnPeriod Period
}

// window returns the window the options mean: the zero Window is all time.
func (o Options) window() care.Window {
	if o.Window == (care.Window{}) {
		return care.Always
	}
	return o.Window
}

func (o Options) level() Level {
	if o.Level == "" {
		return Professional
	}
	return o.Level
}

func (o Options) minContacts() int {
	if o.MinContacts == 0 {
		return continuity.DefaultMinContacts
	}
	return o.MinContacts
}

func (o Options) period() Period {
	if o.ChurnPeriod == "" {
		return Quarter
	}
	return o.ChurnPeriod
}

// Normalised returns o with every default filled in: the window (all time
// for the zero Window), level, minContacts and churn period.
func (o Options) Normalised() Options {
	o.Window = o.window()
	o.Level = o.level()
	o.MinContacts = o.minContacts()
	o.ChurnPeriod = o.period()
	return o
}

// Validate returns an Invalid *care.Error naming every bad option
// ("window.to", "level", "minContacts", "churnPeriod"), or nil.
func (o Options) Validate() error {
	var ps care.Problems
	if w := o.window(); !w.Valid() {
		ps.Add("window.to", w.To.String(), "ends before it starts (%s)", w.From)
	}
	if !slices.Contains(Levels, o.level()) {
		ps.Add("level", string(o.Level), "unknown level: want one of PROFESSIONAL, ORGANISATION, SECTOR")
	}
	if o.MinContacts < 0 {
		ps.Add("minContacts", strconv.Itoa(o.MinContacts), "must be at least 1 (0 means the default, %d)", continuity.DefaultMinContacts)
	}
	if p := o.period(); p != Quarter && p != Month {
		ps.Add("churnPeriod", string(o.ChurnPeriod), "unknown period: want QUARTER or MONTH")
	}
	return ps.Err("invalid analysis options")
}

// Reasons for a null that the analysis bridge adds to those of package
// measure. Like measure's codes they are stable and meant to be shown.
const (
	// NoPopulation: care density needs the population's patient-sharing
	// network and the Population was built without one.
	NoPopulation measure.Reason = "NO_POPULATION"
	// OtherWindow: the Population's patient-sharing network was built for a
	// different window from the one asked for (rule 13 fixes the window).
	OtherWindow measure.Reason = "POPULATION_WINDOW"
	// UnknownProfessional: one of the person's professionals is not in the
	// service index (written after it was built), so its patient-sharing
	// weights are unknown.
	UnknownProfessional measure.Reason = "UNKNOWN_PROFESSIONAL"
	// NoCoordinator: nobody is the person's named coordinator on the day asked.
	NoCoordinator measure.Reason = "NO_COORDINATOR"
	// UnknownStart: the relationship has no recorded start, so how long it
	// has lasted is unknown.
	UnknownStart measure.Reason = "UNKNOWN_START"
	// Suppressed: the small-number rule withheld the value (a count of 1 to
	// the threshold, or a statistic of such a group).
	Suppressed measure.Reason = "SUPPRESSED"
	// NoValues: a population statistic has no defined values to summarise.
	NoValues measure.Reason = "NO_VALUES"
)

var messages = map[measure.Reason]string{
	NoPopulation:        "care density needs the population's patient-sharing network, which was not built",
	OtherWindow:         "the population's patient-sharing network was built for another window",
	UnknownProfessional: "a professional is not in the service index, so the patient-sharing weights are unknown",
	NoCoordinator:       "nobody is the named coordinator on that day",
	UnknownStart:        "the relationship has no recorded start",
	Suppressed:          "withheld by the small-number rule",
	NoValues:            "no person in the group has a defined value",
}

// Message returns an English sentence for any reason, this package's or
// package measure's.
func Message(r measure.Reason) string {
	if m, ok := messages[r]; ok {
		return m
	}
	return r.Message()
}

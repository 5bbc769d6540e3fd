package demo

import (
	"math"
	"strconv"
	"time"

	"github.com/careweb/careweb/internal/care"
)

// Defaults for a zero Config.
const (
	// DefaultPeople is the population of `careweb demo`: big enough for
	// distributions and cohorts to mean something, small enough to load in
	// seconds.
	DefaultPeople = 3000
	// DefaultContactsPerPerson is the mean number of contacts per person
	// over the period, so that 100,000 people make about 2,000,000 contacts
	// and 1,000,000 people the 20,000,000 of the target scale.
	DefaultContactsPerPerson = 20
	// MaxPeople bounds a population: the service landscape (about one
	// professional for every 35 people) is held in memory while people are
	// streamed.
	MaxPeople = 10_000_000
	// MaxContactsPerPerson bounds the configured mean.
	MaxContactsPerPerson = 1000
)

// DefaultTo is the last day of the default period. It is fixed, not
// today, so that the same seed gives the same data on any day; the
// showcase webs are dated to fit the two years ending on it.
var DefaultTo = care.MakeDate(2026, time.October, 31)

// DefaultFrom is the first day of the default period: two years before DefaultTo.
var DefaultFrom = care.MakeDate(2024, time.November, 1)

// Config says what population to generate. The zero value is the demo:
// DefaultPeople people over the two years from DefaultFrom to DefaultTo.
type Config struct {
	// Seed makes the output: the same Seed and sizes give the same data,
	// byte for byte.
	Seed uint64
	// People is the population size; 0 means DefaultPeople. Negative or
	// above MaxPeople is Invalid.
	People int
	// From and To bound the contact period (inclusive). Both zero means the
	// defaults; one alone makes a two-year period with it.
	From, To care.Date
	// ContactsPerPerson is the mean number of contacts per person over the
	// period; 0 means DefaultContactsPerPerson. The distribution is skewed:
	// most people have a handful, a few heavy users have hundreds.
	ContactsPerPerson float64
}

// resolved returns c with defaults filled, or an Invalid error naming each
// bad field.
func (c Config) resolved() (Config, error) {
	var ps care.Problems
	if c.People < 0 || c.People > MaxPeople {
		ps.Add("people", strconv.Itoa(c.People), "must be between 0 (the default, %d) and %d", DefaultPeople, MaxPeople)
	}
	if c.People == 0 {
		c.People = DefaultPeople
	}
	cpp := c.ContactsPerPerson
	if math.IsNaN(cpp) || cpp < 0 || cpp > MaxContactsPerPerson {
		ps.Add("contactsPerPerson", strconv.FormatFloat(cpp, 'g', -1, 64), "must be between 0 (the default, %d) and %d", DefaultContactsPerPerson, MaxContactsPerPerson)
	}
	if cpp == 0 {
		c.ContactsPerPerson = DefaultContactsPerPerson
	}
	switch {
	case c.From == 0 && c.To == 0:
		c.From, c.To = DefaultFrom, DefaultTo
	case c.From == 0:
		c.From = care.DateOf(c.To.Time().AddDate(-2, 0, 1))
	case c.To == 0:
		c.To = care.DateOf(c.From.Time().AddDate(2, 0, -1))
	}
	// Batches accept years 1900 to 2200; the generator reaches up to about
	// fifteen years before From (professionals' start dates).
	lo, hi := care.MakeDate(1930, time.January, 1), care.MakeDate(2190, time.January, 1)
	if c.From < lo || c.From > hi {
		ps.Add("from", c.From.String(), "must lie between %s and %s", lo, hi)
	}
	if c.To < lo || c.To > hi {
		ps.Add("to", c.To.String(), "must lie between %s and %s", lo, hi)
	}
	if c.To < c.From+30 {
		ps.Add("to", c.To.String(), "the period must be at least 30 days long (from %s)", c.From)
	}
	if err := ps.Err("invalid demo configuration"); err != nil {
		return Config{}, err
	}
	return c, nil
}

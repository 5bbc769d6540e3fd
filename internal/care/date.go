package care

import (
	"fmt"
	"math"
	"time"
)

// Date is a UTC calendar day, counted in days since 1970-01-01. Relationship
// spans and metric windows are whole days (METRICS-REFERENCE Part 1: "inclusive,
// UTC calendar dates"); a compact integer keeps the in-memory index small and
// comparisons cheap.
type Date int32

const (
	// NoStart is the open beginning of a span ("since before records began").
	NoStart Date = math.MinInt32
	// NoEnd is the open end of a span ("still active").
	NoEnd Date = math.MaxInt32
)

const dateLayout = "2006-01-02"

// DateOf returns the UTC calendar day of t.
func DateOf(t time.Time) Date {
	t = t.UTC()
	return Date(time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// MakeDate returns the date y-m-d.
func MakeDate(y int, m time.Month, d int) Date {
	return Date(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// ParseDate parses YYYY-MM-DD. The error says what was expected.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return 0, fmt.Errorf("not a date in the form YYYY-MM-DD")
	}
	return DateOf(t), nil
}

// Time returns midnight UTC at the start of d.
func (d Date) Time() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// IsOpen reports whether d is one of the open sentinels.
func (d Date) IsOpen() bool { return d == NoStart || d == NoEnd }

// String formats d as YYYY-MM-DD, and the open sentinels as "".
func (d Date) String() string {
	if d.IsOpen() {
		return ""
	}
	return d.Time().Format(dateLayout)
}

// AddDays returns d + n days, saturating at the sentinels.
func (d Date) AddDays(n int) Date {
	if d.IsOpen() {
		return d
	}
	v := int64(d) + int64(n)
	if v <= math.MinInt32 {
		return NoStart + 1
	}
	if v >= math.MaxInt32 {
		return NoEnd - 1
	}
	return Date(v)
}

// Span is a closed interval of days [From, To]. From == NoStart and
// To == NoEnd mark open ends. Ending a relationship sets To; history is kept.
type Span struct {
	From Date
	To   Date
}

// Always is the span with both ends open.
var Always = Span{From: NoStart, To: NoEnd}

// Valid reports whether From <= To.
func (s Span) Valid() bool { return s.From <= s.To }

// Overlaps reports whether s and w share at least one day.
func (s Span) Overlaps(w Span) bool { return s.From <= w.To && w.From <= s.To }

// Contains reports whether day d lies in s.
func (s Span) Contains(d Date) bool { return s.From <= d && d <= s.To }

// Window is the period a read or a metric covers: inclusive UTC calendar
// dates, both ends optional (METRICS-REFERENCE Part 1). An "as of" read is the
// one-day window [d, d].
type Window = Span

// AsOf returns the one-day window of d.
func AsOf(d Date) Window { return Span{From: d, To: d} }

package fhir

import (
	"errors"
	"time"

	"github.com/careweb/careweb/internal/care"
)

// precision is how much of a FHIR date or dateTime was given.
type precision int

const (
	precYear precision = iota
	precMonth
	precDay
	precTime
)

var errDateTime = errors.New("not a FHIR dateTime: want YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss with a zone (Z or ±hh:mm)")

// parseDateTime parses a FHIR date, dateTime or instant. A partial date
// means the start of the year, month or day, in UTC; a time must carry a
// zone, as FHIR requires.
func parseDateTime(s string) (time.Time, precision, error) {
	for _, f := range []struct {
		layout string
		prec   precision
	}{{"2006", precYear}, {"2006-01", precMonth}, {"2006-01-02", precDay}, {time.RFC3339Nano, precTime}} {
		if t, err := time.Parse(f.layout, s); err == nil {
			return t.UTC(), f.prec, nil
		}
	}
	return time.Time{}, 0, errDateTime
}

// lastDay is the last day a partial end covers: a period ending "2024"
// runs to 2024-12-31.
func lastDay(t time.Time, p precision) care.Date {
	switch p {
	case precYear:
		return care.DateOf(t.AddDate(1, 0, 0)).AddDays(-1)
	case precMonth:
		return care.DateOf(t.AddDate(0, 1, 0)).AddDays(-1)
	}
	return care.DateOf(t)
}

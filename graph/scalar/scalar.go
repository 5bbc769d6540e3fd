// Package scalar marshals CareWeb's custom GraphQL scalars to and from the
// domain's types.
package scalar

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/careweb/careweb/internal/care"
)

// MarshalDate writes a care.Date as "YYYY-MM-DD".
func MarshalDate(d care.Date) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(d.String()))
	})
}

// UnmarshalDate reads "YYYY-MM-DD".
func UnmarshalDate(v any) (care.Date, error) {
	var ps care.Problems
	s, ok := v.(string)
	if !ok {
		ps.Add("Date", fmt.Sprint(v), "a Date is a string YYYY-MM-DD, not a %T", v)
		return 0, ps.Err("invalid date")
	}
	d, err := care.ParseDate(s)
	if err != nil {
		ps.Add("Date", s, "%v", err)
		return 0, ps.Err("invalid date")
	}
	return d, nil
}

// MarshalDateTime writes an instant as RFC 3339 in UTC, with nanoseconds
// when it has them.
func MarshalDateTime(t time.Time) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(t.UTC().Format(time.RFC3339Nano)))
	})
}

// UnmarshalDateTime reads RFC 3339 (with a zone or Z).
func UnmarshalDateTime(v any) (time.Time, error) {
	var ps care.Problems
	s, ok := v.(string)
	if !ok {
		ps.Add("DateTime", fmt.Sprint(v), "a DateTime is an RFC 3339 string, not a %T", v)
		return time.Time{}, ps.Err("invalid date-time")
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		ps.Add("DateTime", s, "not an RFC 3339 date-time (e.g. 2025-03-04T10:30:00Z)")
		return time.Time{}, ps.Err("invalid date-time")
	}
	return t.UTC(), nil
}

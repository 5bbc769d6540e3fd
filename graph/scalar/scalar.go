// Package scalar marshals CareWeb's custom GraphQL scalars to and from the
// domain's types.
package scalar

import (
	"fmt"
	"io"
	"strconv"

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
	s, ok := v.(string)
	if !ok {
		return 0, fmt.Errorf("a Date is a string YYYY-MM-DD, got %T", v)
	}
	d, err := care.ParseDate(s)
	if err != nil {
		return 0, fmt.Errorf("%q is %v", s, err)
	}
	return d, nil
}

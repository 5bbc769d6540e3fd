package audit

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"time"

	"github.com/careweb/careweb/internal/care"
)

// Filter chooses entries. Empty fields match everything.
type Filter struct {
	// Person is a person's pseudonym (pseudonym.Keyed.Of of their id).
	Person string
	// Subject is a subject as the log keeps it (a pseudonym for the person
	// and carer roles).
	Subject string
}

// Match reports whether e passes f.
func (f Filter) Match(e Entry) bool {
	return (f.Person == "" || e.Person == f.Person) && (f.Subject == "" || e.Subject == f.Subject)
}

// maxLine bounds one record; real ones are well under a kilobyte.
const maxLine = 64 << 10

// Read parses an audit log's JSON lines and returns the entries that
// match f, in file order. A malformed line (not JSON, an unknown field,
// no time, an unknown operation or outcome) is an Invalid error naming
// its line, with every such problem up to care.MaxProblems, and no
// entries. A last line with no newline is a record whose write never
// completed (its caller was told it failed, and Open cuts it off): it is
// skipped.
func Read(r io.Reader, f Filter) ([]Entry, error) {
	br := bufio.NewReaderSize(r, maxLine)
	var out []Entry
	var ps care.Problems
	for n := 1; ; n++ {
		line, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			ps.Add(fmt.Sprintf("line %d", n), "", "longer than %d bytes: not an audit record", maxLine)
			break
		}
		if err == io.EOF {
			break // an unterminated (torn) last line, or nothing
		}
		if err != nil {
			return nil, care.Wrap(care.Unavailable, err, "audit log: cannot read it")
		}
		e, msg := parseLine(bytes.TrimSuffix(line, []byte{'\n'}))
		if msg != "" {
			ps.Add(fmt.Sprintf("line %d", n), "", "%s", msg)
			continue
		}
		if f.Match(e) {
			out = append(out, e)
		}
	}
	if err := ps.Err("audit log: malformed records"); err != nil {
		return nil, err
	}
	return out, nil
}

// parseLine decodes one record, or says what is wrong with it and where,
// never quoting the line's content, which may be anything.
func parseLine(line []byte) (Entry, string) {
	var e Entry
	if len(bytes.TrimSpace(line)) == 0 {
		return e, "empty line"
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(line, &raw); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return e, fmt.Sprintf("not JSON: syntax error at byte %d", se.Offset)
		}
		return e, "not a JSON object"
	}
	var at string
	// Fields in a fixed order, so the first problem reported is stable.
	for _, f := range [...]struct {
		k string
		p *string
	}{
		{"time", &at}, {"request_id", &e.RequestID}, {"subject", &e.Subject}, {"access", (*string)(&e.Access)},
		{"issuer", &e.Issuer}, {"operation", (*string)(&e.Operation)}, {"person", &e.Person}, {"grant", &e.Grant},
		{"relationship", &e.Relationship}, {"consent", &e.Consent}, {"outcome", (*string)(&e.Outcome)},
	} {
		v, ok := raw[f.k]
		if !ok {
			continue
		}
		if err := json.Unmarshal(v, f.p); err != nil {
			return e, fmt.Sprintf("field %q: not a string", f.k)
		}
		delete(raw, f.k)
	}
	if len(raw) > 0 {
		return e, fmt.Sprintf("unknown field %q", shorten(slices.Sorted(maps.Keys(raw))[0]))
	}
	if at == "" {
		return e, `field "time": missing`
	}
	t, err := time.Parse(time.RFC3339Nano, at)
	if err != nil {
		return e, `field "time": not an RFC 3339 time`
	}
	e.Time = t.UTC()
	switch {
	case !e.Operation.valid():
		return e, `field "operation": unknown operation`
	case !e.Outcome.valid():
		return e, `field "outcome": want allowed, denied or error`
	case e.Access != "" && !validAccess(e.Access):
		return e, `field "access": unknown role`
	}
	return e, ""
}

// shorten keeps a foreign field name short enough to show.
func shorten(s string) string {
	r := []rune(s)
	if len(r) > 32 {
		return string(r[:32]) + "…"
	}
	return s
}

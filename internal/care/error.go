package care

import (
	"errors"
	"fmt"
	"strings"
)

// Code classifies an Error. Transports translate codes once, at the edge:
// GraphQL puts them in extensions.code, the CLI maps them to exit codes.
type Code string

const (
	// Invalid: the caller sent something malformed or inconsistent
	// (GraphQL BAD_USER_INPUT). Problems says what and where.
	Invalid Code = "INVALID"
	// NotFound: the object does not exist, or the caller may not know it does.
	NotFound Code = "NOT_FOUND"
	// Conflict: the request clashes with the current state (an id already
	// used by another kind, a delete refused because others reference it).
	Conflict Code = "CONFLICT"
	// Unauthenticated: no valid credentials.
	Unauthenticated Code = "UNAUTHENTICATED"
	// Forbidden: valid credentials, operation not allowed.
	Forbidden Code = "FORBIDDEN"
	// Unavailable: a dependency (the database) cannot be reached; retrying
	// later may succeed.
	Unavailable Code = "UNAVAILABLE"
	// Internal: a bug or an unexpected failure. Its details are logged,
	// never shown to the caller.
	Internal Code = "INTERNAL"
)

// Problem is one thing wrong with an input: where (Field, a dotted path such
// as "relationships[3].to" or "contacts.csv:17.at"), the offending Value and
// what is wrong with it.
type Problem struct {
	Field   string `json:"field"`
	Value   string `json:"value,omitempty"`
	Message string `json:"message"`
}

func (p Problem) String() string {
	if p.Value == "" {
		return fmt.Sprintf("%s: %s", p.Field, p.Message)
	}
	return fmt.Sprintf("%s: %s (got %q)", p.Field, p.Message, p.Value)
}

// Error is CareWeb's one application error type.
type Error struct {
	Code     Code
	Message  string    // safe to show to the caller
	Problems []Problem // for Invalid: every problem found, up to MaxProblems
	Err      error     // the underlying cause; logged, never shown
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Message)
	for i, p := range e.Problems {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(p.String())
	}
	if e.Err != nil && e.Code == Internal {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a caller-safe message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an Internal (or given-code) error carrying err as its cause.
func Wrap(code Code, err error, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Err: err}
}

// ErrorCode returns the code of err: its own if it is (or wraps) an *Error,
// Internal otherwise, and "" for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// ErrorMessage returns the caller-safe message of err. Errors that are not
// *Error are internal and yield a generic message so that no detail leaks.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != Internal {
		return e.Error()
	}
	return "internal error"
}

// ErrorProblems returns the problems attached to err, if any.
func ErrorProblems(err error) []Problem {
	var e *Error
	if errors.As(err, &e) {
		return e.Problems
	}
	return nil
}

// MaxProblems bounds how many problems one validation reports, so a file
// with a million bad rows yields a readable error.
const MaxProblems = 100

// Problems collects validation problems and turns them into one Invalid error.
type Problems struct {
	list      []Problem
	truncated int
}

// Add records a problem.
func (ps *Problems) Add(field, value, format string, args ...any) {
	if len(ps.list) >= MaxProblems {
		ps.truncated++
		return
	}
	ps.list = append(ps.list, Problem{Field: field, Value: value, Message: fmt.Sprintf(format, args...)})
}

// Omit counts n problems found and not kept: another list's count of
// those it did not show (see Problem.More), merged into this one.
func (ps *Problems) Omit(n int) { ps.truncated += n }

// MoreProblems is the entry that ends a list of problems cut at
// MaxProblems: it counts the n not shown.
func MoreProblems(n int) Problem {
	return Problem{Field: moreField, Message: fmt.Sprintf("%d more problems not shown", n)}
}

// More reports whether p is the entry that counts the problems not shown
// (MoreProblems), and how many.
func (p Problem) More() (int, bool) {
	if p.Field != moreField {
		return 0, false
	}
	var n int
	fmt.Sscanf(p.Message, "%d", &n)
	return n, true
}

const moreField = "..."

// Len reports how many problems were found (including those not kept).
func (ps *Problems) Len() int { return len(ps.list) + ps.truncated }

// Err returns nil when nothing was found, else an Invalid *Error with every
// kept problem.
func (ps *Problems) Err(message string) error {
	if ps.Len() == 0 {
		return nil
	}
	list := ps.list
	if ps.truncated > 0 {
		list = append(list[:len(list):len(list)], MoreProblems(ps.truncated))
	}
	return &Error{Code: Invalid, Message: message, Problems: list}
}

package analysis

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/metrics/measure"
)

// load decodes testdata/analysis/name (at the repository root) into v.
func load(t testing.TB, name string, v any) {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
	b, err := os.ReadFile(filepath.Join(dir, "testdata", "analysis", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// parseExact parses "null", an integer, "p/q" or a decimal.
func parseExact(t testing.TB, s string) (float64, bool) {
	t.Helper()
	v, _, ok := parseWant(t, s)
	return v, ok
}

// parseWant parses an expected value and its tolerance: 1e-12 for exact
// values, half a unit in the last digit (plus 1e-12) for decimals.
func parseWant(t testing.TB, s string) (v, tol float64, defined bool) {
	t.Helper()
	if s == "null" {
		return 0, 0, false
	}
	if i := strings.IndexByte(s, '.'); i >= 0 {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("bad expected value %q", s)
		}
		return v, 0.5*math.Pow(10, -float64(len(s)-i-1)) + 1e-12, true
	}
	return parseRational(t, s), 1e-12, true
}

func parseRational(t testing.TB, s string) float64 {
	t.Helper()
	num, den, frac := strings.Cut(s, "/")
	p, err := strconv.ParseFloat(num, 64)
	if err != nil {
		t.Fatalf("bad expected value %q", s)
	}
	if !frac {
		return p
	}
	q, err := strconv.ParseFloat(den, 64)
	if err != nil || q == 0 {
		t.Fatalf("bad expected value %q", s)
	}
	return p / q
}

// checkValue fails unless got matches the exact expected value s.
func checkValue(t testing.TB, what string, got measure.Value, s string) {
	t.Helper()
	v, tol, defined := parseWant(t, s)
	switch {
	case !defined && got.Defined:
		t.Errorf("%s = %v, want null", what, got)
	case !defined && got.Reason == "":
		t.Errorf("%s is null without a reason", what)
	case defined && !got.Defined:
		t.Errorf("%s = %v, want %s", what, got, s)
	case defined && !(math.Abs(got.V-v) <= tol):
		t.Errorf("%s = %v, want %s (%.12g)", what, got.V, s, v)
	}
}

// checkNull fails unless got is null with reason.
func checkNull(t testing.TB, what string, got measure.Value, reason measure.Reason) {
	t.Helper()
	if got.Defined || got.Reason != reason {
		t.Errorf("%s = %v, want null (%s)", what, got, reason)
	}
}

func day(t testing.TB, s string) care.Date {
	t.Helper()
	d, err := care.ParseDate(s)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return d
}

func at(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return v
}

func window(t testing.TB, from, to string) care.Window {
	return care.Window{From: day(t, from), To: day(t, to)}
}

// world builds the service side and person records of a test by hand.
type world struct {
	svc  care.Services
	recs []*care.PersonRecord
}

func (w *world) node(id string, k care.Kind, sector care.Sector) *world {
	w.svc.Nodes = append(w.svc.Nodes, care.Node{ID: id, Kind: k, Name: id, Sector: sector})
	return w
}
func (w *world) org(id string, sector care.Sector) *world {
	return w.node(id, care.KindOrganisation, sector)
}
func (w *world) prof(ids ...string) *world {
	for _, id := range ids {
		w.node(id, care.KindProfessional, "")
	}
	return w
}
func (w *world) carer(ids ...string) *world {
	for _, id := range ids {
		w.node(id, care.KindCarer, "")
	}
	return w
}
func (w *world) rel(t care.RelType, from, to string, span care.Span) *world {
	w.svc.Relationships = append(w.svc.Relationships, care.Relationship{
		ID: care.RelationshipID(t, from, to, span.From), Type: t, From: from, To: to, Span: span})
	return w
}
func (w *world) worksIn(prof, org string, span care.Span) *world {
	return w.rel(care.WorksIn, prof, org, span)
}
func (w *world) link(a, b string, span care.Span) *world { return w.rel(care.LinkedTo, a, b, span) }

func (w *world) index() *Index { return NewIndex(&w.svc) }

// person starts a person record.
func (w *world) person(id string) *care.PersonRecord {
	r := &care.PersonRecord{Person: care.Node{ID: id, Kind: care.KindPerson, Name: id}}
	w.recs = append(w.recs, r)
	return r
}

func involved(prof, person string, span care.Span, coordinator bool) care.Relationship {
	return care.Relationship{ID: care.RelationshipID(care.InvolvedIn, prof, person, span.From),
		Type: care.InvolvedIn, From: prof, To: person, Span: span, Coordinator: coordinator}
}

func caresFor(carer, person string, span care.Span) care.Relationship {
	return care.Relationship{ID: care.RelationshipID(care.CaresFor, carer, person, span.From),
		Type: care.CaresFor, From: carer, To: person, Span: span}
}

func contactAt(id, person, prof string, when time.Time, org string) care.Contact {
	return care.Contact{ID: id, Person: person, Professional: prof, Organisation: org, At: when, Mode: care.ModeFaceToFace}
}

// memStore is an in-memory care.Streamer. After each callback it scribbles
// over the record it passed, as a store reusing its buffers may, so a
// caller that keeps the record past the call is caught.
type memStore struct {
	svc     care.Services
	recs    []*care.PersonRecord
	failAt  int // EachPerson returns errStore before this person (0: never)
	streams int
}

var errStore = care.Errorf(care.Unavailable, "store went away")

func (m *memStore) Services(context.Context) (*care.Services, error) { return &m.svc, nil }

func (m *memStore) EachPerson(ctx context.Context, fn func(*care.PersonRecord) error) error {
	m.streams++
	var buf care.PersonRecord
	for i, r := range m.recs {
		if m.failAt > 0 && i == m.failAt {
			return errStore
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		buf.Person = r.Person
		buf.Relationships = append(buf.Relationships[:0], r.Relationships...)
		buf.Contacts = append(buf.Contacts[:0], r.Contacts...)
		buf.Referrals = append(buf.Referrals[:0], r.Referrals...)
		if err := fn(&buf); err != nil {
			return err
		}
		for j := range buf.Contacts {
			buf.Contacts[j] = care.Contact{ID: "scribbled", Professional: "scribbled", At: time.Unix(0, 0)}
		}
		buf.Person.ID = "scribbled"
	}
	return nil
}

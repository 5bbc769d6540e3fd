package audit_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/careweb/careweb/internal/audit"
	"github.com/careweb/careweb/internal/care"
)

const goodLine = `{"time":"2026-01-02T03:04:05.000000006Z","subject":"admin-1","access":"admin","operation":"web","person":"pz_abc","grant":"admin","outcome":"allowed"}` + "\n"

// Every malformed line is reported with its line number, all at once,
// without quoting its content.
func TestReadLocatesMalformedLines(t *testing.T) {
	in := goodLine +
		"not json at all, Arthur Smith\n" +
		`{"time":"2026-01-02T03:04:05Z","operation":"web","outcome":"allowed","note":"Arthur Smith"}` + "\n" +
		`{"time":"yesterday","operation":"web","outcome":"allowed"}` + "\n" +
		`{"operation":"web","outcome":"allowed"}` + "\n" +
		`{"time":"2026-01-02T03:04:05Z","operation":"gossip","outcome":"allowed"}` + "\n" +
		`{"time":"2026-01-02T03:04:05Z","operation":"web","outcome":"maybe"}` + "\n" +
		`{"time":"2026-01-02T03:04:05Z","operation":"web","outcome":"allowed","person":42}` + "\n" +
		"\n" +
		goodLine
	es, err := audit.Read(strings.NewReader(in), audit.Filter{})
	if care.ErrorCode(err) != care.Invalid || es != nil {
		t.Fatalf("got %v, %d entries; want Invalid and none", err, len(es))
	}
	want := map[string]string{
		"line 2": "syntax error", "line 3": `unknown field "note"`, "line 4": "RFC 3339", "line 5": `"time": missing`,
		"line 6": "unknown operation", "line 7": "outcome", "line 8": `"person": not a string`, "line 9": "empty",
	}
	ps := care.ErrorProblems(err)
	if len(ps) != len(want) {
		t.Fatalf("problems %v, want %d", ps, len(want))
	}
	for _, p := range ps {
		if w, ok := want[p.Field]; !ok || !strings.Contains(p.Message, w) {
			t.Errorf("%s: %q, want it to say %q", p.Field, p.Message, w)
		}
	}
	if strings.Contains(err.Error(), "Arthur") {
		t.Errorf("the error quotes a line: %v", err)
	}
}

func TestReadSkipsOnlyATornLastLine(t *testing.T) {
	es, err := audit.Read(strings.NewReader(goodLine+goodLine+`{"time":"2026-01-02T03:04:05Z","oper`), audit.Filter{})
	if err != nil || len(es) != 2 {
		t.Fatalf("got %d entries, %v", len(es), err)
	}
	es, err = audit.Read(strings.NewReader(strings.Repeat("x", 70<<10)+"\n"+goodLine), audit.Filter{})
	if care.ErrorCode(err) != care.Invalid || len(es) != 0 {
		t.Fatalf("an overlong line: %v", err)
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk gone") }

func TestReadReportsAFailingReader(t *testing.T) {
	if _, err := audit.Read(failingReader{}, audit.Filter{}); care.ErrorCode(err) != care.Unavailable {
		t.Fatalf("got %v", err)
	}
}

func TestMemory(t *testing.T) {
	var m audit.Memory
	ctx := context.Background()
	e := audit.EventFor(care.Principal{Subject: "c-mary", Access: care.AccessCarer, Issuer: "careweb"}, audit.OpWeb, "p-arthur",
		audit.Grant{Rule: "cares_for+lasting_power_of_attorney", Relationship: "rel-1"}, audit.Allowed)
	if err := m.Record(ctx, e); err != nil {
		t.Fatal(err)
	}
	m.Fail(errors.New("disk full"))
	if err := m.Record(ctx, e); care.ErrorCode(err) != care.Unavailable {
		t.Fatalf("told to fail: got %v", err)
	}
	m.Fail(nil)
	bad := e
	bad.Operation = "peek"
	if err := m.Record(ctx, bad); care.ErrorCode(err) != care.Invalid {
		t.Fatalf("invalid event: got %v", err)
	}
	if err := m.Record(ctx, e); err != nil {
		t.Fatal(err)
	}
	evs, ens := m.Events(), m.Entries()
	if len(evs) != 2 || len(ens) != 2 {
		t.Fatalf("%d events, %d entries; want 2 each (failed records are not kept)", len(evs), len(ens))
	}
	if evs[0].Person != "p-arthur" || evs[0].Time.IsZero() {
		t.Fatalf("event %+v", evs[0])
	}
	if ens[0].Person != m.Pseudonyms.Of("p-arthur") || ens[0].Subject != m.Pseudonyms.Of("c-mary") || ens[0].Relationship != m.Pseudonyms.Of("rel-1") {
		t.Fatalf("entry %+v", ens[0])
	}
}

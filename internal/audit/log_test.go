package audit_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/careweb/careweb/internal/audit"
	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/pseudonym"
)

var testKey = pseudonym.New([]byte("audit test key, 32 bytes long!!!"))

func openLog(t *testing.T, path string, cfg audit.Config) *audit.Log {
	t.Helper()
	if cfg.Pseudonyms == nil {
		cfg.Pseudonyms = testKey
	}
	l, err := audit.Open(path, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func readFile(t *testing.T, path string, f audit.Filter) []audit.Entry {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	es, err := audit.Read(fh, f)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// A carer's view of a person's web: the person, the carer (a private
// individual), the relationship and the consent record are all named by
// ids that embed names; none of them may reach the file.
func TestRecordKeepsPeopleOnlyAsPseudonyms(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.log")
	at := time.Date(2026, 3, 4, 5, 6, 7, 890, time.UTC)
	l := openLog(t, path, audit.Config{})
	carer := audit.Event{
		Time: at, RequestID: "req-1", Subject: "c-mary-smith", Access: care.AccessCarer, Issuer: "careweb",
		Operation: audit.OpWeb, Person: "p-arthur-smith",
		Grant:   audit.Grant{Rule: "cares_for+consent", Relationship: "CARES_FOR:c-mary-smith:p-arthur-smith:2024-01-01", Consent: "consent-mary-arthur"},
		Outcome: audit.Allowed,
	}
	pro := audit.EventFor(care.Principal{Subject: "pro-anjali-patel", Access: care.AccessProfessional, Issuer: "https://idp.example.nhs.uk"},
		audit.OpContacts, "p-arthur-smith", audit.Grant{Rule: "involved_in", Relationship: "INVOLVED_IN:pro-anjali-patel:p-arthur-smith"}, audit.Allowed)
	pro.Time = at.Add(time.Second)
	self := audit.EventFor(care.Principal{Subject: "p-arthur-smith", Access: care.AccessPerson, Issuer: "careweb"},
		audit.OpMetrics, "p-arthur-smith", audit.Grant{Rule: "self"}, audit.Denied)
	self.Time = at.Add(2 * time.Second)
	for _, e := range []audit.Event{carer, pro, self} {
		if err := l.Record(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"arthur", "mary", "smith", "consent-", "cares_for:", "involved_in:"} {
		if bytes.Contains(bytes.ToLower(raw), []byte(name)) {
			t.Errorf("the log holds %q:\n%s", name, raw)
		}
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %04o, want 0600", fi.Mode().Perm())
	}
	if n := bytes.Count(raw, []byte("\n")); n != 3 {
		t.Fatalf("%d lines, want 3:\n%s", n, raw)
	}
	// Every line is a zerolog JSON line with exactly the Entry's fields:
	// no level, no message.
	for _, line := range bytes.Split(bytes.TrimSpace(raw), []byte("\n")) {
		if bytes.Contains(line, []byte(`"level"`)) || bytes.Contains(line, []byte(`"message"`)) {
			t.Errorf("line carries zerolog's level or message: %s", line)
		}
	}

	got := readFile(t, path, audit.Filter{})
	arthur := testKey.Of("p-arthur-smith")
	want := []audit.Entry{
		{Time: at, RequestID: "req-1", Subject: testKey.Of("c-mary-smith"), Access: care.AccessCarer, Issuer: "careweb",
			Operation: audit.OpWeb, Person: arthur, Grant: "cares_for+consent",
			Relationship: testKey.Of("CARES_FOR:c-mary-smith:p-arthur-smith:2024-01-01"), Consent: testKey.Of("consent-mary-arthur"), Outcome: audit.Allowed},
		// A professional's subject is a staff identifier: kept, so the
		// trail says which member of staff looked.
		{Time: at.Add(time.Second), Subject: "pro-anjali-patel", Access: care.AccessProfessional, Issuer: "https://idp.example.nhs.uk",
			Operation: audit.OpContacts, Person: arthur, Grant: "involved_in",
			Relationship: testKey.Of("INVOLVED_IN:pro-anjali-patel:p-arthur-smith"), Outcome: audit.Allowed},
		{Time: at.Add(2 * time.Second), Subject: arthur, Access: care.AccessPerson, Issuer: "careweb",
			Operation: audit.OpMetrics, Person: arthur, Grant: "self", Outcome: audit.Denied},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("read back\n got %+v\nwant %+v", got, want)
	}
	if only := readFile(t, path, audit.Filter{Person: arthur, Subject: "pro-anjali-patel"}); len(only) != 1 || only[0].Operation != audit.OpContacts {
		t.Fatalf("filter: %+v", only)
	}
	if none := readFile(t, path, audit.Filter{Person: testKey.Of("p-someone-else")}); len(none) != 0 {
		t.Fatalf("filter by another person: %+v", none)
	}
}

// The Event type is the guard against free text: only these fields, of
// these kinds. A map, a slice, an interface or a free "message" field
// added later fails here.
func TestEventHasNoFreeFormField(t *testing.T) {
	want := map[string]reflect.Kind{
		"Time": reflect.Struct, "RequestID": reflect.String, "Subject": reflect.String, "Access": reflect.String,
		"Issuer": reflect.String, "Operation": reflect.String, "Person": reflect.String, "Grant": reflect.Struct,
		"Outcome": reflect.String,
	}
	check := func(typ reflect.Type, want map[string]reflect.Kind) {
		if typ.NumField() != len(want) {
			t.Errorf("%s has %d fields, want %d", typ, typ.NumField(), len(want))
		}
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			if k, ok := want[f.Name]; !ok || f.Type.Kind() != k {
				t.Errorf("%s.%s (%s) is not an allowed field", typ, f.Name, f.Type)
			}
		}
	}
	check(reflect.TypeOf(audit.Event{}), want)
	check(reflect.TypeOf(audit.Grant{}), map[string]reflect.Kind{"Rule": reflect.String, "Relationship": reflect.String, "Consent": reflect.String})
	if reflect.TypeOf(audit.Event{}.Time) != reflect.TypeOf(time.Time{}) {
		t.Error("Time is not a time.Time")
	}
}

// Free text in any field that is kept as given is refused, located by
// field, without echoing the value, and nothing is written.
func TestRecordRefusesFreeText(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.log")
	l := openLog(t, path, audit.Config{})
	ok := audit.Event{Subject: "pro-1", Access: care.AccessProfessional, Issuer: "careweb", Operation: audit.OpWeb,
		Person: "p-1", Grant: audit.Grant{Rule: "involved_in"}, Outcome: audit.Allowed}
	const name = "Arthur Smith"
	for _, c := range []struct {
		field string
		edit  func(*audit.Event)
	}{
		{"operation", func(e *audit.Event) { e.Operation = "looked at " + name }},
		{"operation", func(e *audit.Event) { e.Operation = "" }},
		{"outcome", func(e *audit.Event) { e.Outcome = "allowed because " + name + " asked" }},
		{"grant.rule", func(e *audit.Event) { e.Grant.Rule = name + "'s daughter" }},
		{"grant.rule", func(e *audit.Event) { e.Grant.Rule = "cares_for+because" }},
		{"subject", func(e *audit.Event) { e.Subject = name }},
		{"subject", func(e *audit.Event) { e.Subject = strings.Repeat("x", 300) }},
		{"subject", func(e *audit.Event) { e.Subject = "" }},
		{"subject", func(e *audit.Event) { e.Access = "" }},
		{"access", func(e *audit.Event) { e.Access = "Carer" }},
		{"issuer", func(e *audit.Event) { e.Issuer = "careweb\nname=" + name }},
		{"request_id", func(e *audit.Event) { e.RequestID = name }},
	} {
		e := ok
		c.edit(&e)
		err := l.Record(context.Background(), e)
		if care.ErrorCode(err) != care.Invalid {
			t.Errorf("%s: got %v, want Invalid", c.field, err)
			continue
		}
		found := false
		for _, p := range care.ErrorProblems(err) {
			found = found || p.Field == c.field
		}
		if !found {
			t.Errorf("%s: problems %v do not name the field", c.field, care.ErrorProblems(err))
		}
		if strings.Contains(err.Error(), "Arthur") {
			t.Errorf("%s: the error echoes the refused value: %v", c.field, err)
		}
	}
	if err := l.Record(context.Background(), ok); err != nil {
		t.Fatalf("the valid event: %v", err)
	}
	l.Close()
	if got := readFile(t, path, audit.Filter{}); len(got) != 1 {
		t.Fatalf("%d records written, want only the valid one", len(got))
	}
}

// /dev/full accepts the open and fails every write with ENOSPC: the
// real failure of a full disk. Record must refuse, every time, not just
// once.
func TestFailsClosedOnFullDisk(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full on this system")
	}
	var logged bytes.Buffer
	l := openLog(t, "/dev/full", audit.Config{Logger: zerolog.New(&logged)})
	e := audit.Event{Subject: "admin-1", Access: care.AccessAdmin, Issuer: "careweb", Operation: audit.OpWeb, Person: "p-1",
		Grant: audit.Grant{Rule: "admin"}, Outcome: audit.Allowed}
	for i := 0; i < 3; i++ {
		if err := l.Record(context.Background(), e); care.ErrorCode(err) != care.Unavailable {
			t.Fatalf("record %d on a full disk: got %v, want Unavailable", i, err)
		}
	}
	if !strings.Contains(logged.String(), "no space left on device") {
		t.Errorf("the operational log does not say why: %s", logged.String())
	}
	if strings.Contains(logged.String(), "p-1") {
		t.Errorf("the operational log holds a person id: %s", logged.String())
	}
}

func TestClosedLogRefuses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.log")
	l := openLog(t, path, audit.Config{})
	e := audit.Event{Subject: "admin-1", Access: care.AccessAdmin, Operation: audit.OpExport, Grant: audit.Grant{Rule: "admin"}, Outcome: audit.Allowed}
	if err := l.Record(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if err := l.Record(context.Background(), e); care.ErrorCode(err) != care.Unavailable {
		t.Fatalf("record after close: got %v, want Unavailable", err)
	}
	if err := l.Close(); err != nil {
		t.Fatalf("second close: %v", err)
	}
	if got := readFile(t, path, audit.Filter{}); len(got) != 1 {
		t.Fatalf("%d records, want 1", len(got))
	}
}

func TestEndedRequestIsRefused(t *testing.T) {
	l := openLog(t, filepath.Join(t.TempDir(), "audit.log"), audit.Config{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	e := audit.Event{Subject: "admin-1", Access: care.AccessAdmin, Operation: audit.OpWeb, Person: "p-1", Outcome: audit.Allowed}
	if err := l.Record(ctx, e); care.ErrorCode(err) != care.Unavailable || !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want Unavailable wrapping context.Canceled", err)
	}
}

// 50 goroutines record at once: every record lands exactly once, whole,
// on its own line.
func TestConcurrentRecordsLandExactlyOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.log")
	l := openLog(t, path, audit.Config{})
	const goroutines, each = 50, 20
	var wg sync.WaitGroup
	errs := make(chan error, goroutines*each)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				errs <- l.Record(context.Background(), audit.Event{
					RequestID: fmt.Sprintf("g%d-%d", g, i), Subject: fmt.Sprintf("pro-%d", g), Access: care.AccessProfessional,
					Issuer: "careweb", Operation: audit.OpContacts, Person: fmt.Sprintf("p-%d", i),
					Grant: audit.Grant{Rule: "involved_in", Relationship: fmt.Sprintf("r-%d-%d", g, i)}, Outcome: audit.Allowed,
				})
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	got := readFile(t, path, audit.Filter{})
	if len(got) != goroutines*each {
		t.Fatalf("%d records, want %d", len(got), goroutines*each)
	}
	seen := map[string]bool{}
	for _, e := range got {
		if seen[e.RequestID] {
			t.Fatalf("%s recorded twice", e.RequestID)
		}
		seen[e.RequestID] = true
		var g, i int
		if _, err := fmt.Sscanf(e.RequestID, "g%d-%d", &g, &i); err != nil {
			t.Fatal(err)
		}
		if e.Subject != fmt.Sprintf("pro-%d", g) || e.Person != testKey.Of(fmt.Sprintf("p-%d", i)) ||
			e.Relationship != testKey.Of(fmt.Sprintf("r-%d-%d", g, i)) {
			t.Fatalf("record %s mixed with another: %+v", e.RequestID, e)
		}
	}
}

func TestClockAndRequestIDAreInjected(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.log")
	at := time.Date(2026, 1, 2, 3, 4, 5, 6, time.FixedZone("BST", 3600))
	type key struct{}
	l := openLog(t, path, audit.Config{
		Now:       func() time.Time { return at },
		RequestID: func(ctx context.Context) string { s, _ := ctx.Value(key{}).(string); return s },
	})
	ctx := context.WithValue(context.Background(), key{}, "abc123")
	e := audit.Event{Subject: "admin-1", Access: care.AccessAdmin, Operation: audit.OpPopulation, Grant: audit.Grant{Rule: "admin"}, Outcome: audit.Allowed}
	if err := l.Record(ctx, e); err != nil {
		t.Fatal(err)
	}
	e.RequestID = "given"
	if err := l.Record(ctx, e); err != nil {
		t.Fatal(err)
	}
	l.Close()
	got := readFile(t, path, audit.Filter{})
	if len(got) != 2 || !got[0].Time.Equal(at) || got[0].Time.Location() != time.UTC || got[0].RequestID != "abc123" || got[1].RequestID != "given" {
		t.Fatalf("got %+v", got)
	}
}

// zerolog.SetGlobalLevel is process-wide: another package switching
// logging off must not make audit records vanish silently.
func TestGlobalZerologLevelCannotSilenceIt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.log")
	l := openLog(t, path, audit.Config{})
	prev := zerolog.GlobalLevel()
	zerolog.SetGlobalLevel(zerolog.Disabled)
	err := l.Record(context.Background(), audit.Event{Subject: "admin-1", Access: care.AccessAdmin, Operation: audit.OpWeb, Person: "p-1", Outcome: audit.Allowed})
	zerolog.SetGlobalLevel(prev)
	if err == nil {
		t.Fatal("a record was accepted while zerolog was disabled")
	}
}

func TestOpenRefuses(t *testing.T) {
	dir := t.TempDir()
	open := filepath.Join(dir, "open.log")
	if err := os.WriteFile(open, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	os.Chmod(open, 0o644)
	if _, err := audit.Open(open, audit.Config{Pseudonyms: testKey}); care.ErrorCode(err) != care.Invalid || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("world-readable log: got %v", err)
	}
	if _, err := audit.Open(filepath.Join(dir, "x.log"), audit.Config{}); care.ErrorCode(err) != care.Invalid {
		t.Errorf("no pseudonym key: got %v", err)
	}
	if _, err := audit.Open(dir, audit.Config{Pseudonyms: testKey}); care.ErrorCode(err) != care.Invalid {
		t.Errorf("a directory: got %v", err)
	}
	// One writer per file: a second Open (as a second process would) is
	// refused while the first holds it, and allowed once it is closed.
	path := filepath.Join(dir, "audit.log")
	first, err := audit.Open(path, audit.Config{Pseudonyms: testKey})
	if err != nil {
		t.Fatal(err)
	}
	if second, err := audit.Open(path, audit.Config{Pseudonyms: testKey}); care.ErrorCode(err) != care.Conflict {
		if second != nil {
			second.Close()
		}
		t.Errorf("second writer: got %v, want Conflict", err)
	}
	first.Close()
	again, err := audit.Open(path, audit.Config{Pseudonyms: testKey})
	if err != nil {
		t.Fatalf("reopen after close: %v", err)
	}
	again.Close()
}

// A crash mid-write leaves a torn line that no caller was told was
// kept; Open cuts it off so the next record starts a line of its own.
func TestOpenCutsATornLastLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.log")
	l := openLog(t, path, audit.Config{})
	e := audit.Event{Subject: "admin-1", Access: care.AccessAdmin, Operation: audit.OpWeb, Person: "p-1", Grant: audit.Grant{Rule: "admin"}, Outcome: audit.Allowed}
	if err := l.Record(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	l.Close()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"time":"2026-01-01T00:00:00Z","subject":"adm`)
	f.Close()
	// Read alone skips the torn line.
	if got := readFile(t, path, audit.Filter{}); len(got) != 1 {
		t.Fatalf("before reopen: %d records", len(got))
	}
	l = openLog(t, path, audit.Config{})
	e.Operation = audit.OpMetrics
	if err := l.Record(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	l.Close()
	got := readFile(t, path, audit.Filter{})
	if len(got) != 2 || got[0].Operation != audit.OpWeb || got[1].Operation != audit.OpMetrics {
		t.Fatalf("after reopen: %+v", got)
	}
}

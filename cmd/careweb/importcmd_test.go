package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/careweb/careweb/internal/encoding/carecsv"
	"github.com/careweb/careweb/internal/encoding/fhir"
	"github.com/careweb/careweb/internal/store/embedded"
)

const csvFixtures = "../../testdata/csv"

func TestImportCommand(t *testing.T) {
	valid := filepath.Join(csvFixtures, "valid")
	tests := []struct {
		name  string
		paths []string
		want  string
	}{
		{"directory", []string{valid}, "careweb import: 7 nodes, 7 relationships, 4 contacts, 1 referrals, 2 consents\n"},
		{"files", []string{filepath.Join(valid, "nodes.csv"), filepath.Join(valid, "relationships.csv")}, "careweb import: 7 nodes, 7 relationships, 0 contacts, 0 referrals, 0 consents\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := t.TempDir()
			stdout, stderr, err := runCmd(t, append([]string{"import", "--data", data}, tc.paths...)...)
			if err != nil {
				t.Fatalf("%v\n%s", err, stderr)
			}
			if stdout != tc.want {
				t.Errorf("stdout %q, want %q", stdout, tc.want)
			}
			// Importing again is an upsert: same counts, nothing doubled.
			if stdout2, _, err := runCmd(t, append([]string{"import", "--data", data}, tc.paths...)...); err != nil || stdout2 != tc.want {
				t.Errorf("re-import: %q, %v", stdout2, err)
			}
			out := t.TempDir()
			if _, _, err := runCmd(t, "export", "--data", data, "--out", out); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(filepath.Join(out, "nodes.csv"))
			if err != nil {
				t.Fatal(err)
			}
			if n := strings.Count(string(b), "\n"); n != 8 {
				t.Errorf("nodes.csv has %d lines after two imports, want 8", n)
			}
		})
	}
}

func TestImportCommandRejectsAllOrNothing(t *testing.T) {
	data := t.TempDir()
	if _, stderr, err := runCmd(t, "import", "--data", data, filepath.Join(csvFixtures, "valid")); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	before := exportDir(t, data)
	// The invalid set adds a good node (p1 again) alongside its bad rows:
	// none of it may be written.
	_, _, err := runCmd(t, "import", "--data", data, filepath.Join(csvFixtures, "invalid"))
	var msg bytes.Buffer
	if code := exitCode(err, &msg); code != 3 {
		t.Fatalf("exit %d (%v), want 3", code, err)
	}
	for _, want := range []string{"nodes.csv:3.kind: unknown kind", "nodes.csv:4.role: unknown professional role",
		"contacts.csv:2.at: not a date-time", "contacts.csv:3.mode: unknown contact mode", "contacts.csv:4: wrong number of fields"} {
		if !strings.Contains(msg.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, msg.String())
		}
	}
	after := exportDir(t, data)
	for name := range before {
		if before[name] != after[name] {
			t.Errorf("%s changed by a failed import", name)
		}
	}
}

func TestImportCommandUsage(t *testing.T) {
	empty := t.TempDir()
	odd := filepath.Join(t.TempDir(), "people.csv")
	if err := os.WriteFile(odd, []byte("id\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	valid := filepath.Join(csvFixtures, "valid")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no path", nil, "no PATH given"},
		{"missing path", []string{filepath.Join(empty, "nope")}, "no such file or directory"},
		{"empty directory", []string{empty}, "holds none of"},
		{"unknown file name", []string{odd}, "a file must be named"},
		{"file twice", []string{valid, filepath.Join(valid, "nodes.csv")}, "nodes.csv given twice"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := runCmd(t, append([]string{"import", "--data", t.TempDir()}, tc.args...)...)
			if code := exitCode(err, io.Discard); code != 2 || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("exit %d, %v; want 2 and %q", code, err, tc.want)
			}
		})
	}
}

// exportDir exports the store at data to CSV and returns the files.
func exportDir(t *testing.T, data string) map[string]string {
	t.Helper()
	out := t.TempDir()
	if _, stderr, err := runCmd(t, "export", "--data", data, "--format", "csv", "--out", out); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	files := map[string]string{}
	for _, name := range carecsv.Files {
		b, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		files[name] = string(b)
	}
	return files
}

// TestImportProgress runs a real import of a generated file with the
// progress reporter at a short interval: both passes are reported, then
// the timing summary.
func TestImportProgress(t *testing.T) {
	dir := t.TempDir()
	var nodes, contacts strings.Builder
	nodes.WriteString("id,kind,name\ngp,professional,GP\n")
	contacts.WriteString("id,person,professional,at\n")
	for i := range 1000 {
		fmt.Fprintf(&nodes, "p%04d,person,P\n", i)
	}
	for i := range 150_000 {
		fmt.Fprintf(&contacts, "k%06d,p%04d,gp,2025-01-01T10:00:00Z\n", i, i%1000)
	}
	st := writeAndOpen(t, dir, map[string]string{"nodes.csv": nodes.String(), "contacts.csv": contacts.String()})
	var out syncBuffer
	prog := &carecsv.Progress{}
	ip := startImportProgress(&out, csvProgress{prog}, 20*time.Millisecond)
	_, err := carecsv.Load(context.Background(), st, []carecsv.Source{
		carecsv.FileSource("nodes.csv", filepath.Join(dir, "nodes.csv")),
		carecsv.FileSource("contacts.csv", filepath.Join(dir, "contacts.csv")),
	}, carecsv.Options{BatchSize: 5_000, Progress: prog})
	ip.stop(err == nil)
	if err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{"careweb import: checking: ", "; nodes.csv 1,001, contacts.csv ",
		"careweb import: writing: ", " of 151,001 rows (", "nodes.csv 1,001/1,001",
		"careweb import: 151,001 rows checked in ", ", written in "} {
		if !strings.Contains(got, want) {
			t.Errorf("progress lacks %q:\n%s", want, got)
		}
	}
}

// writeAndOpen writes files into dir and opens an empty embedded store
// to import them into.
func writeAndOpen(t *testing.T, dir string, files map[string]string) *embedded.Store {
	t.Helper()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	st, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestImportProgressFHIR: a FHIR import reports both its passes, then
// how long they took.
func TestImportProgressFHIR(t *testing.T) {
	dir := t.TempDir()
	var nodes, encs strings.Builder
	nodes.WriteString(`{"resourceType":"Practitioner","id":"gp","name":[{"family":"GP"}]}` + "\n")
	// Enough patients that the first pass outlasts a report interval.
	for i := range 30_000 {
		fmt.Fprintf(&nodes, `{"resourceType":"Patient","id":"p%d","name":[{"family":"P"}]}`+"\n", i)
	}
	for i := range 40_000 {
		fmt.Fprintf(&encs, `{"resourceType":"Encounter","id":"e%d","status":"finished","subject":{"reference":"Patient/p%d"},"participant":[{"individual":{"reference":"Practitioner/gp"}}],"period":{"start":"2025-01-01T10:00:00Z"}}`+"\n", i, i%1000)
	}
	st := writeAndOpen(t, dir, map[string]string{"a.ndjson": nodes.String(), "b.ndjson": encs.String()})
	srcs, err := fhir.PathSources([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	var out syncBuffer
	prog := &fhir.Progress{}
	ip := startImportProgress(&out, fhirProgress{prog}, 20*time.Millisecond)
	_, err = fhir.Load(context.Background(), st, srcs, fhir.Options{BatchSize: 5_000, Progress: prog})
	ip.stop(err == nil)
	if err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{"careweb import: indexing: file ", " of 2 (", " resources (",
		"careweb import: writing: file 2 of 2 (", " encounters and requests (",
		"careweb import: 70,001 resources indexed in ", " (70,001 items)"} {
		if !strings.Contains(got, want) {
			t.Errorf("progress lacks %q:\n%s", want, got)
		}
	}
}

// --batch-size applies to FHIR imports too: checked, and the import
// streams in batches that small and writes the same.
func TestImportFHIRBatchSize(t *testing.T) {
	if _, _, err := runCmd(t, "import", "--quiet", "--batch-size", "0", "--data", t.TempDir(), filepath.Join(fhirFixtures, "bulk")); err == nil ||
		!strings.Contains(err.Error(), "--batch-size 0") {
		t.Errorf("--batch-size 0: err %v, want it refused", err)
	}
	stdout, _, err := runCmd(t, "import", "--quiet", "--batch-size", "2", "--data", t.TempDir(), filepath.Join(fhirFixtures, "bulk"))
	if err != nil || !strings.Contains(stdout, "2 contacts, 1 referrals") {
		t.Errorf("--batch-size 2: err %v, stdout %q", err, stdout)
	}
}

// TestImportQuiet: --quiet leaves out the progress reports. A CSV import
// this small would print none anyway (it ends within the first interval),
// so the FHIR import, which says what it reads unless --quiet, is the case
// that can fail; what it skipped is not progress and is still said.
func TestImportQuiet(t *testing.T) {
	_, stderr, err := runCmd(t, "import", "--quiet", "--data", t.TempDir(), filepath.Join(csvFixtures, "valid"))
	if err != nil || stderr != "" {
		t.Errorf("csv: err %v, stderr %q", err, stderr)
	}
	_, stderr, err = runCmd(t, "import", "--quiet", "--data", t.TempDir(), filepath.Join(fhirFixtures, "bulk"))
	if err != nil || strings.Contains(stderr, "careweb import: reading") || !strings.Contains(stderr, "careweb import: skipped") {
		t.Errorf("fhir: err %v, stderr %q", err, stderr)
	}
}

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

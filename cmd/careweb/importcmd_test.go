package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/careweb/careweb/internal/encoding/carecsv"
)

const csvFixtures = "../../testdata/csv"

func TestImportCommand(t *testing.T) {
	valid := filepath.Join(csvFixtures, "valid")
	tests := []struct {
		name  string
		paths []string
		want  string
	}{
		{"directory", []string{valid}, "careweb import: 7 nodes, 7 relationships, 4 contacts, 1 referrals\n"},
		{"files", []string{filepath.Join(valid, "nodes.csv"), filepath.Join(valid, "relationships.csv")}, "careweb import: 7 nodes, 7 relationships, 0 contacts, 0 referrals\n"},
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

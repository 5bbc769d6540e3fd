package main

import (
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/careweb/careweb/internal/encoding/carecsv"
)

func TestExportImportRoundTrip(t *testing.T) {
	src := demoDir(t, 50)
	first := exportDir(t, src)
	csvDir := t.TempDir()
	for name, body := range first {
		if err := os.WriteFile(filepath.Join(csvDir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dst := t.TempDir()
	stdout, stderr, err := runCmd(t, "import", "--data", dst, csvDir)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	rows := func(name string) int { return strings.Count(first[name], "\n") - 1 }
	want := []string{"careweb import:", strconv.Itoa(rows("nodes.csv")) + " nodes,", strconv.Itoa(rows("relationships.csv")) + " relationships,",
		strconv.Itoa(rows("contacts.csv")) + " contacts,", strconv.Itoa(rows("referrals.csv")) + " referrals"}
	for _, w := range want {
		if !strings.Contains(stdout, w) {
			t.Errorf("import said %q, want %q", stdout, w)
		}
	}
	second := exportDir(t, dst)
	for _, name := range carecsv.Files {
		if rows(name) < 1 {
			t.Errorf("%s is empty", name)
		}
		if first[name] != second[name] {
			t.Errorf("%s differs after export → import → export", name)
		}
	}
}

func TestExportCommandWindow(t *testing.T) {
	data := t.TempDir()
	if _, stderr, err := runCmd(t, "import", "--data", data, filepath.Join(csvFixtures, "valid")); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	stdout, _, err := runCmd(t, "export", "--data", data, "--out", filepath.Join(t.TempDir(), "new", "dir"), "--from", "2025-01-11", "--to", "2025-01-31")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(stdout, "careweb export: 7 nodes, 7 relationships, 1 contacts, 1 referrals to ") {
		t.Errorf("stdout %q", stdout)
	}
}

func TestExportCommandUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"graphml", []string{"--format", "graphml", "--out", "x"}, `--format "graphml": want csv`},
		{"no out", nil, "--out DIR is required"},
		{"bad from", []string{"--out", "x", "--from", "2025-02-30"}, "--from"},
		{"from after to", []string{"--out", "x", "--from", "2025-02-03", "--to", "2025-02-01"}, "is after"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := runCmd(t, append([]string{"export", "--data", t.TempDir()}, tc.args...)...)
			if code := exitCode(err, io.Discard); code != 2 || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("exit %d, %v; want 2 and %q", code, err, tc.want)
			}
		})
	}
}

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/careweb/careweb/internal/encoding/carecsv"
)

const fhirFixtures = "../../internal/encoding/fhir/testdata"

// exportAll exports the store in data as CSV and returns the files joined.
func exportAll(t *testing.T, data string) string {
	t.Helper()
	files := exportDir(t, data)
	var b strings.Builder
	for _, name := range carecsv.Files {
		b.WriteString(files[name])
	}
	return b.String()
}

func TestImportFHIRCommand(t *testing.T) {
	data := t.TempDir()
	synthea := filepath.Join(fhirFixtures, "fhir-synthea")
	// No --format: a directory of .json.gz files is FHIR.
	stdout, stderr, err := runCmd(t, "import", "--data", data, synthea)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	// The counts of fhir-synthea/SOURCE.md: 22 patients, 30 practitioners,
	// 30 organisations, 795 encounters less the 3 without a participant.
	want := "careweb import: 82 nodes (22 people, 0 carers, 30 professionals, 30 organisations), 0 relationships, 792 contacts, 0 referrals\n"
	if stdout != want {
		t.Errorf("stdout %q, want %q", stdout, want)
	}
	for _, w := range []string{"careweb import: reading 22 FHIR files\n",
		"careweb import: skipped 3: Encounter without a practitioner participant: no contact (",
		"careweb import: 78 resources repeated (same type and id) were read once\n",
		"careweb import: ignored 4873 resources of types CareWeb does not map: AllergyIntolerance 26, CarePlan 71, Claim 970, "} {
		if !strings.Contains(stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, stderr)
		}
	}
	before := exportAll(t, data)
	if stdout2, _, err := runCmd(t, "import", "--data", data, "--quiet", synthea); err != nil || stdout2 != want {
		t.Errorf("re-import: %q, %v", stdout2, err)
	}
	if after := exportAll(t, data); after != before {
		t.Error("re-importing changed the store")
	}
	// nodes and header, relationships header, contacts and header, referrals header, consents header
	if want := 83 + 1 + 792 + 1 + 1 + 1; strings.Count(before, "\n") != want {
		t.Errorf("export has %d lines, want %d", strings.Count(before, "\n"), want)
	}
}

func TestImportFHIRCommandSectorMap(t *testing.T) {
	data := t.TempDir()
	web := filepath.Join(fhirFixtures, "web")
	stdout, stderr, err := runCmd(t, "import", "--data", data, "--format", "fhir", "--fhir-sector-map", filepath.Join(web, "sectors.csv"), web)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if want := "careweb import: 8 nodes (1 people, 1 carers, 3 professionals, 3 organisations), 9 relationships, 3 contacts, 1 referrals\n"; stdout != want {
		t.Errorf("stdout %q, want %q", stdout, want)
	}
	if got := exportAll(t, data); !strings.Contains(got, "Organization/org-council,organisation,Northbridge Council Adult Services,,social_care,") {
		t.Errorf("the sector map was not applied:\n%s", got)
	}
}

func TestImportFHIRCommandRefuses(t *testing.T) {
	data := t.TempDir()
	if _, stderr, err := runCmd(t, "import", "--data", data, filepath.Join(fhirFixtures, "bulk")); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	before := exportAll(t, data)
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.ndjson")
	body := `{"resourceType":"Encounter","id":"x","subject":{"reference":"Patient/p2"},"participant":[{"individual":{"reference":"Practitioner?identifier=s|v"}}],"period":{"start":20230101}}` + "\n" +
		`{"resourceType":"Patient","name":[{"family":"No id"}]}` + "\n"
	if err := os.WriteFile(bad, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err := runCmd(t, "import", "--data", data, bad)
	var msg bytes.Buffer
	if code := exitCode(err, &msg); code != 3 {
		t.Fatalf("exit %d (%v), want 3", code, err)
	}
	for _, w := range []string{
		bad + ":1(Encounter/x).period.start: wrong JSON type: want a string, got a number",
		bad + ":2(Patient).id: a Patient needs an id",
	} {
		if !strings.Contains(msg.String(), w) {
			t.Errorf("stderr lacks %q:\n%s", w, msg.String())
		}
	}
	if after := exportAll(t, data); after != before {
		t.Error("a refused import changed the store")
	}

	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown format", []string{"--format", "xml", bad}, `--format "xml": want csv, fhir or auto`},
		{"mixed", []string{bad, filepath.Join(csvFixtures, "valid")}, "look like FHIR and"},
		{"sector map with CSV", []string{"--fhir-sector-map", "m.csv", filepath.Join(csvFixtures, "valid")}, "--fhir-sector-map applies to FHIR imports only"},
		{"missing sector map", []string{"--fhir-sector-map", filepath.Join(dir, "nope.csv"), bad}, "cannot open the file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := runCmd(t, append([]string{"import", "--data", data}, tc.args...)...)
			var msg bytes.Buffer
			if code := exitCode(err, &msg); code != 2 || !strings.Contains(msg.String(), tc.want) {
				t.Errorf("exit %d, %q; want 2 and %q", code, msg.String(), tc.want)
			}
		})
	}
}

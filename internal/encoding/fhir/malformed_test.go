package fhir_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/encoding/fhir"
)

// bundleOf wraps entries (resource JSON objects) in a collection Bundle,
// one entry per line.
func bundleOf(resources ...string) string {
	var b strings.Builder
	b.WriteString(`{"resourceType":"Bundle","type":"collection","entry":[` + "\n")
	for i, r := range resources {
		if i > 0 {
			b.WriteString(",\n")
		}
		b.WriteString(`{"resource":` + r + `}`)
	}
	b.WriteString("\n]}\n")
	return b.String()
}

const (
	okPatient = `{"resourceType":"Patient","id":"p9","name":[{"family":"Nine"}]}`
	okPract   = `{"resourceType":"Practitioner","id":"x9","name":[{"family":"Ex"}]}`
)

// problem is a wanted problem: its exact field and part of its message.
type problem struct{ field, message string }

// Every malformed input is refused with every problem located, in file
// order, and the store (holding the web fixture) is left exactly as it
// was.
func TestMalformedInputs(t *testing.T) {
	web, err := os.ReadFile(webDir + "/web.json")
	if err != nil {
		t.Fatal(err)
	}
	// Cut the file ten characters into the line naming the practice.
	lines := strings.SplitAfter(string(web), "\n")
	cutLine := slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, "Northbridge Practice") })
	truncated := strings.Join(lines[:cutLine], "") + lines[cutLine][:10]

	tests := []struct {
		name string
		srcs []fhir.Source
		want []problem
	}{
		{"truncated bundle", []fhir.Source{src("cut.json", truncated)},
			[]problem{{fmt.Sprintf("cut.json:%d:10", cutLine+1), "not valid JSON: unexpected end of JSON input (is the file cut short?)"}}},
		{"truncated NDJSON line", []fhir.Source{src("cut.ndjson", okPatient+"\n"+okPract[:30]+"\n"+okPract+"\n")},
			[]problem{{"cut.ndjson:2", "not valid JSON at column 30: unexpected end of JSON input"}}},
		{"broken JSON in the middle", []fhir.Source{src("bad.json", "{\"resourceType\":\"Bundle\",\n\"type\":\"collection\" \"entry\":[]}")},
			[]problem{{"bad.json:2:21", `invalid character '"' after object key:value pair`}}},
		{"not gzip", []fhir.Source{src("plain.json.gz", okPatient)},
			[]problem{{"plain.json.gz", "not a gzip file"}}},
		{"empty file", []fhir.Source{src("empty.json", " \n")},
			[]problem{{"empty.json", "empty file"}}},
		{"not an object", []fhir.Source{src("array.json", `[1,2]`)},
			[]problem{{"array.json", "wrong JSON type: want an object, got an array"}}},
		{"no resourceType", []fhir.Source{src("x.ndjson", `{"id":"p1"}`+"\n")},
			[]problem{{"x.ndjson:1.resourceType", "not a FHIR resource: resourceType is missing"}}},
		{"history bundle", []fhir.Source{src("h.json", `{"resourceType":"Bundle","type":"history","entry":[]}`)},
			[]problem{{"h.json.type", "not a Bundle type that is imported"}}},
		{"wrong JSON types", []fhir.Source{src("types.json", bundleOf(okPatient, okPract,
			`{"resourceType":"Encounter","id":"e9","subject":{"reference":"Patient/p9"},"participant":[{"individual":{"reference":"Practitioner/x9"}}],"period":{"start":20240510},"serviceProvider":{"reference":"Organization?identifier=x|y"}}`,
			`{"resourceType":"Encounter","id":"e8","subject":{"reference":"Patient/p9"},"participant":{"individual":{"reference":"Practitioner/x9"}},"period":{"start":"2024-05-10"}}`,
			`{"resourceType":"Patient","id":7}`,
			`{"resourceType":"Organization","id":"o9","name":["Two","Names"]}`))},
			[]problem{
				{"types.json:entry[2](Encounter/e9).period.start", "wrong JSON type: want a string, got a number"},
				// A resource with a wrong type is still mapped, so that its
				// other problems show in the same run.
				{"types.json:entry[2](Encounter/e9).serviceProvider", "no Organization with identifier x|y in this import"},
				{"types.json:entry[3](Encounter/e8).participant", "wrong JSON type: want an array, got an object"},
				{"types.json:entry[4](Patient).id", "wrong JSON type: want a string, got a number"},
				{"types.json:entry[5](Organization/o9).name", "wrong JSON type: want a string, got an array"},
			}},
		{"no id", []fhir.Source{src("noid.ndjson", okPatient+"\n"+`{"resourceType":"Practitioner","name":[{"family":"Anon"}]}`+"\n")},
			[]problem{{"noid.ndjson:2(Practitioner).id", "a Practitioner needs an id (or a urn:uuid fullUrl) to be imported"}}},
		{"bad id", []fhir.Source{src("badid.ndjson", `{"resourceType":"Patient","id":"has space"}`+"\n")},
			[]problem{{"badid.ndjson:1(Patient).id", "not a FHIR id"}}},
		{"bad dates", []fhir.Source{src("dates.json", bundleOf(okPatient, okPract,
			`{"resourceType":"Encounter","id":"e9","subject":{"reference":"Patient/p9"},"participant":[{"individual":{"reference":"Practitioner/x9"}}],"period":{"start":"2024-13-45"}}`,
			`{"resourceType":"RelatedPerson","id":"r9","patient":{"reference":"Patient/p9"},"period":{"start":"2024-05-10T10:00:00"}}`))},
			[]problem{
				{"dates.json:entry[2](Encounter/e9).period.start", "not a FHIR dateTime"},
				{"dates.json:entry[3](RelatedPerson/r9).period.start", "not a FHIR dateTime"}, // a time needs a zone
			}},
		{"dangling references", []fhir.Source{src("dangling.json", bundleOf(okPatient, okPract,
			`{"resourceType":"Encounter","id":"e1","subject":{"reference":"urn:uuid:9b2d6c1e-0000-4000-8000-000000000000"},"participant":[{"individual":{"reference":"Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|404"}}],"period":{"start":"2024-05-10"},"serviceProvider":{"reference":"Organization?identifier=https://example.org|nope"}}`,
			`{"resourceType":"Encounter","id":"e2","subject":{"reference":"Patient/p9"},"participant":[{"individual":{"reference":"PractitionerRole/missing"}}],"period":{"start":"2024-05-10"}}`,
			`{"resourceType":"PractitionerRole","id":"r1","practitioner":{"identifier":{"system":"https://example.org/staff","value":"404"}}}`,
			`{"resourceType":"EpisodeOfCare","id":"ep1","patient":{"reference":"Patient/p9"},"team":[{"reference":"CareTeam/nowhere"}]}`,
			`{"resourceType":"ServiceRequest","id":"s1","subject":{"reference":"#contained"},"requester":{"reference":"Practitioner/x9"},"performer":[{"reference":"Practitioner/x9"}],"authoredOn":"2024-05-10"}`))},
			[]problem{
				{"dangling.json:entry[2](Encounter/e1).subject", "no Bundle entry in this import has this fullUrl"},
				{"dangling.json:entry[2](Encounter/e1).participant[0].individual", "no Practitioner with identifier http://hl7.org/fhir/sid/us-npi|404 in this import"},
				{"dangling.json:entry[2](Encounter/e1).serviceProvider", "no Organization with identifier https://example.org|nope in this import"},
				{"dangling.json:entry[3](Encounter/e2).participant[0].individual", "PractitionerRole/missing is not in this import"},
				{"dangling.json:entry[4](PractitionerRole/r1).practitioner.identifier", "no resource with identifier https://example.org/staff|404 in this import"},
				{"dangling.json:entry[5](EpisodeOfCare/ep1).team[0]", "CareTeam/nowhere is not in this import"},
				{"dangling.json:entry[6](ServiceRequest/s1).subject", "contained resources are not imported"},
			}},
		{"wrong resource types", []fhir.Source{src("types.json", bundleOf(okPatient, okPract,
			`{"resourceType":"Encounter","id":"e1","subject":{"reference":"Foo/1"},"participant":[{"individual":{"reference":"Patient/p9"}}],"period":{"start":"2024-05-10"},"serviceProvider":{"reference":"Patient/p9"}}`,
			`{"resourceType":"RelatedPerson","id":"r1","patient":{"reference":"Practitioner/x9"}}`,
			`{"resourceType":"PractitionerRole","id":"pr1","practitioner":{"type":"Device","identifier":{"system":"s","value":"v"}}}`))},
			[]problem{
				{"types.json:entry[2](Encounter/e1).subject", "must reference a Patient or a Group, not a Foo"},
				{"types.json:entry[2](Encounter/e1).participant[0].individual", "must reference a Practitioner, a PractitionerRole or a RelatedPerson, not a Patient"},
				{"types.json:entry[2](Encounter/e1).serviceProvider", "must reference an Organization, not a Patient"},
				{"types.json:entry[3](RelatedPerson/r1).patient", "must reference a Patient, not a Practitioner"},
				{"types.json:entry[4](PractitionerRole/pr1).practitioner.type", "must reference a Practitioner, not a Device"},
			}},
		{"required references missing", []fhir.Source{src("req.ndjson", okPatient+"\n"+
			`{"resourceType":"RelatedPerson","id":"r1","name":[{"family":"Carer"}]}`+"\n"+
			`{"resourceType":"EpisodeOfCare","id":"ep1","careManager":{"reference":"Practitioner/x9"}}`+"\n"+
			`{"resourceType":"ServiceRequest","id":"s1","authoredOn":"2024-01-01"}`+"\n"+okPract+"\n")},
			[]problem{
				{"req.ndjson:2(RelatedPerson/r1).patient", "a RelatedPerson must name its patient"},
				{"req.ndjson:3(EpisodeOfCare/ep1).patient", "an EpisodeOfCare must name its patient"},
				{"req.ndjson:4(ServiceRequest/s1).subject", "a ServiceRequest must name its subject"},
			}},
		{"ambiguous identifier", []fhir.Source{src("amb.ndjson", okPatient+"\n"+
			`{"resourceType":"Practitioner","id":"a","identifier":[{"system":"s","value":"1"}]}`+"\n"+
			`{"resourceType":"Practitioner","id":"b","identifier":[{"system":"s","value":"1"}]}`+"\n"+
			`{"resourceType":"Encounter","id":"e1","subject":{"reference":"Patient/p9"},"participant":[{"individual":{"reference":"Practitioner?identifier=s|1"}}],"period":{"start":"2024-05-10"}}`+"\n")},
			[]problem{{"amb.ndjson:4(Encounter/e1).participant[0].individual", "ambiguous: 2 resources match (amb.ndjson:2(Practitioner/a), amb.ndjson:3(Practitioner/b))"}}},
		// Problems only the store can find, mapped back to the resource
		// and element: a relative reference to a node that is neither in
		// the import nor in the store, a period that ends before it starts,
		// an id the store already gives to a node of another kind.
		{"store problems located", []fhir.Source{src("store.json", bundleOf(okPatient,
			`{"resourceType":"Encounter","id":"e1","subject":{"reference":"Patient/p9"},"participant":[{"individual":{"reference":"Practitioner/ghost"}}],"period":{"start":"2024-05-10"}}`,
			`{"resourceType":"RelatedPerson","id":"r1","patient":{"reference":"Patient/p9"},"period":{"start":"2024-05-10","end":"2024-01-01"}}`,
			`{"resourceType":"ServiceRequest","id":"s1","subject":{"reference":"Patient/p9"},"requester":{"reference":"Organization/gone"},"performer":[{"reference":"Practitioner/gp1"}],"authoredOn":"2024-05-10"}`))},
			[]problem{
				{"store.json:entry[1](Encounter/e1).participant[0].individual", "no such node"},
				{"store.json:entry[2](RelatedPerson/r1).period.end", "ends before it starts"},
				{"store.json:entry[3](ServiceRequest/s1).requester", "no such node"},
			}},
	}
	st := openStore(t)
	load(t, st, webDir)
	before := snapshot(t, st)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := fhir.Load(context.Background(), st, tc.srcs, fhir.Options{})
			checkProblems(t, err, tc.want)
			if after := snapshot(t, st); after != before {
				t.Errorf("a refused import changed the store")
			}
		})
	}

	// All of them at once: one error listing every problem of every file.
	var all []fhir.Source
	n := 0
	for _, tc := range tests {
		// These reuse ids of other cases (Encounter/e1, …), which in one
		// import are repeats, read once; and the store's problems are
		// found only once the rest is clean.
		if slices.Contains([]string{"bad dates", "wrong resource types", "required references missing", "ambiguous identifier",
			"store problems located"}, tc.name) {
			continue
		}
		for _, s := range tc.srcs {
			s.Name = tc.name + "/" + s.Name
			all = append(all, s)
		}
		n += len(tc.want)
	}
	_, err = fhir.Load(context.Background(), st, all, fhir.Options{})
	if got := len(care.ErrorProblems(err)); got != n {
		t.Errorf("%d problems for all the files together, want %d: %v", got, n, err)
	}
	if after := snapshot(t, st); after != before {
		t.Errorf("a refused import changed the store")
	}
}

func checkProblems(t *testing.T, err error, want []problem) {
	t.Helper()
	if care.ErrorCode(err) != care.Invalid {
		t.Fatalf("error %v, want INVALID", err)
	}
	got := care.ErrorProblems(err)
	if len(got) != len(want) {
		t.Fatalf("%d problems, want %d:\n%v", len(got), len(want), err)
	}
	for i, w := range want {
		if got[i].Field != w.field || !strings.Contains(got[i].Message, w.message) {
			t.Errorf("problem %d:\n got %s: %s\nwant %s: …%s…", i, got[i].Field, got[i].Message, w.field, w.message)
		}
	}
}

// A gzipped Bundle reads as the Bundle.
func TestGzippedBundle(t *testing.T) {
	st := openStore(t)
	srcs := []fhir.Source{gzipped(t, "b.json.gz", bundleOf(okPatient, okPract,
		`{"resourceType":"Encounter","id":"e1","subject":{"reference":"Patient/p9"},"participant":[{"individual":{"reference":"Practitioner/x9"}}],"period":{"start":"2024-05-10"}}`))}
	if _, err := fhir.Load(context.Background(), st, srcs, fhir.Options{}); err != nil {
		t.Fatal(err)
	}
	if got := takeCensus(t, st); got != (census{People: 1, Professionals: 1, Contacts: 1}) {
		t.Errorf("census %+v", got)
	}
}

// A cancelled context stops the import before anything is written.
func TestCancelled(t *testing.T) {
	st := openStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	srcs, err := fhir.PathSources([]string{webDir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fhir.Load(ctx, st, srcs, fhir.Options{}); care.ErrorCode(err) != care.Unavailable || !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want UNAVAILABLE for context.Canceled", err)
	}
	if got := takeCensus(t, st); got != (census{}) {
		t.Errorf("census %+v after a cancelled import", got)
	}
}

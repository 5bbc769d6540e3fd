package fhir_test

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/encoding/fhir"
	"github.com/careweb/careweb/internal/store/neo4j/neo4jtest"
)

// The two Synthea sets are third-party data, copied (gzipped) from
// /work/shared/data with their SOURCE.md files; every number asserted
// below is read off those files, as each comment says.
const (
	syntheaDir     = "testdata/fhir-synthea"
	conditionalDir = "testdata/fhir-synthea-conditional"
)

func TestSyntheaEmbedded(t *testing.T) {
	st := openStore(t)
	im := load(t, st, syntheaDir)
	checkSynthea(t, st, im)
	reimportUnchanged(t, st, fhir.Options{}, syntheaDir)
	refusedUnchanged(t, st)
}

func TestSyntheaNeo4j(t *testing.T) {
	st := neo4jtest.Open(t)
	im := load(t, st, syntheaDir)
	checkSynthea(t, st, im)
	reimportUnchanged(t, st, fhir.Options{}, syntheaDir)
	refusedUnchanged(t, st)
}

// refusedUnchanged imports a new patient with a good encounter and one
// only the store can refuse (with a professional that does not exist):
// the store's problem is located, and nothing is written, not even the
// good part.
func refusedUnchanged(t *testing.T, st care.Store) {
	t.Helper()
	before := snapshot(t, st)
	// Practitioner/4ce79e7a-… is Douglas Walsh's first practitioner (SOURCE.md, Example 1).
	good := `{"resourceType":"Patient","id":"late","name":[{"family":"Late"}]}
{"resourceType":"Encounter","id":"good","subject":{"reference":"Patient/late"},"participant":[{"individual":{"reference":"Practitioner/4ce79e7a-ac65-4f77-9ddf-c53b1a1d40de"}}],"period":{"start":"2021-03-01T10:00:00Z"}}
`
	bad := `{"resourceType":"Encounter","id":"bad","subject":{"reference":"Patient/late"},"participant":[{"individual":{"reference":"Practitioner/nobody"}}],"period":{"start":"2021-03-02T10:00:00Z"}}
`
	_, err := fhir.Load(context.Background(), st, []fhir.Source{src("late.ndjson", good+bad)}, fhir.Options{})
	checkProblems(t, err, []problem{{"late.ndjson:3(Encounter/bad).participant[0].individual", "no such node"}})
	if after := snapshot(t, st); after != before {
		t.Error("a refused import changed the store")
	}
	// Alone, the good part goes in: what the refusal kept out was real.
	n := takeCensus(t, st)
	if _, err := fhir.Load(context.Background(), st, []fhir.Source{src("late.ndjson", good)}, fhir.Options{}); err != nil {
		t.Fatal(err)
	}
	if got := takeCensus(t, st); got.People != n.People+1 || got.Contacts != n.Contacts+1 {
		t.Errorf("census %+v after the good part, want one more person and contact than %+v", got, n)
	}
}

func TestSyntheaConditionalEmbedded(t *testing.T) {
	st := openStore(t)
	im := load(t, st, conditionalDir)
	checkConditional(t, st, im)
	reimportUnchanged(t, st, fhir.Options{}, conditionalDir)
}

func TestSyntheaConditionalNeo4j(t *testing.T) {
	st := neo4jtest.Open(t)
	im := load(t, st, conditionalDir)
	checkConditional(t, st, im)
	reimportUnchanged(t, st, fhir.Options{}, conditionalDir)
}

// Both sets in one store. Synthea's organisation ids are name-based
// UUIDs, so the 22 Massachusetts providers the two sets share (same name,
// same id; SOURCE.md does not say so, but a jq/Python comparison of the
// files does) are one node each: upsert by id, not a duplicate.
func TestBothSyntheaSetsTogether(t *testing.T) {
	st := openStore(t)
	load(t, st, syntheaDir, conditionalDir)
	got := takeCensus(t, st)
	const sharedOrganisations = 22
	want := census{People: 22 + 3, Professionals: 30 + 1191, Organisations: 30 + 1191 - sharedOrganisations, WorksIn: 1191, Contacts: 792 + 92}
	if got != want {
		t.Errorf("census %+v, want %+v", got, want)
	}
}

// syntheaFile is a row of the "Per file" table of fhir-synthea/SOURCE.md.
type syntheaFile struct {
	file                       string
	encounters, practs, orgs   int
	firstEnc, lastEnc, decease string
}

// The table, verbatim but for birth dates and sizes (deceased dates from
// its "deceased" column).
var syntheaFiles = []syntheaFile{
	{"Bradly_Douglas", 55, 3, 3, "2004-05-18", "2020-08-09", ""},
	{"Brady_Kuhlman", 15, 3, 3, "1979-09-29", "2020-07-25", ""},
	{"Douglas_Walsh", 133, 4, 4, "1951-01-24", "2019-12-18", "2019-12-20"},
	{"Fannie_Kutch", 36, 3, 3, "1997-04-03", "2020-02-20", ""},
	{"Frances_Mann", 60, 4, 4, "1970-09-22", "2018-12-08", "2018-11-29"},
	{"Gearldine_Tillman", 54, 3, 3, "1976-07-15", "2020-05-07", ""},
	{"Gerardo_Botello", 33, 3, 3, "2011-05-18", "2020-12-09", ""},
	{"Ima_Reinger", 34, 3, 3, "1991-04-15", "2020-12-28", ""},
	{"Jacqueline_Wyman", 40, 3, 3, "1995-04-16", "2020-02-01", ""},
	{"Jill_Tillman", 28, 3, 3, "1972-03-14", "2021-01-31", ""},
	{"Leatrice_McCullough", 21, 3, 3, "1964-12-08", "1971-05-18", "1971-05-06"},
	{"Louis_Erdman", 12, 3, 3, "1990-12-19", "2021-02-18", ""},
	{"Maida_Gerhold", 15, 3, 3, "1994-04-15", "2021-02-02", ""},
	{"Man_Schamberger", 26, 3, 3, "1957-07-07", "2020-11-10", ""},
	{"Marc_Corkery", 18, 3, 3, "1981-08-16", "2021-02-09", ""},
	{"Mayte_Escobar", 39, 3, 3, "1996-03-17", "2021-02-14", ""},
	{"Mitch_Leannon", 27, 3, 3, "1956-06-19", "1976-07-13", "1976-07-06"},
	{"Patria_Schamberger", 42, 3, 3, "1970-05-15", "2020-06-15", ""},
	{"Rickey_Becker", 17, 3, 3, "1995-03-08", "2020-07-22", ""},
	{"Robby_Becker", 34, 3, 3, "1992-04-09", "2020-02-29", ""},
	{"Sofia_Koepp", 23, 3, 3, "2010-09-22", "2020-09-26", ""},
	{"Trenton_Turner", 33, 4, 4, "1999-06-07", "2020-10-16", ""},
}

func checkSynthea(t *testing.T, st care.Store, im *loaded) {
	t.Helper()
	// SOURCE.md, "Counts": 22 patients; 30 distinct practitioners and 30
	// distinct organisations; 795 encounters, of which "3 encounters have
	// no participant. All 3 are Death Certification encounters" — they name
	// no practitioner, so they cannot be contacts and are skipped (counted).
	const encounters, noParticipant = 795, 3
	want := census{People: 22, Professionals: 30, Organisations: 30, Contacts: encounters - noParticipant}
	if got := takeCensus(t, st); got != want {
		t.Errorf("census %+v, want %+v", got, want)
	}

	// SOURCE.md, "Resource types (all files together)": every resource is
	// read, and the 22 files are 22 Bundles.
	wantRead := map[string]int{"Observation": 1914, "Claim": 970, "Encounter": 795, "ExplanationOfBenefit": 795,
		"Procedure": 406, "Immunization": 215, "MedicationRequest": 175, "Condition": 156, "DiagnosticReport": 109,
		"CarePlan": 71, "Organization": 69, "Practitioner": 69, "AllergyIntolerance": 26, "Goal": 26, "Patient": 22,
		"ImagingStudy": 10, "Bundle": 22}
	if !maps.Equal(im.Summary.Read, wantRead) {
		t.Errorf("read %v, want %v", im.Summary.Read, wantRead)
	}
	// "69 Practitioner entries" and "69 Organization entries" for 30
	// distinct of each: the rest are repeats.
	if got := im.Summary.Repeats; got != (69-30)+(69-30) {
		t.Errorf("repeats %d, want %d", got, (69-30)+(69-30))
	}
	if len(im.Summary.Skipped) != 1 || im.Summary.Skipped[0].Count != noParticipant ||
		!strings.Contains(im.Summary.Skipped[0].Reason, "Encounter without a practitioner participant") {
		t.Fatalf("skipped %+v, want the %d encounters without a participant", im.Summary.Skipped, noParticipant)
	}
	// "they are dated after Patient.deceasedDateTime": in the per-file
	// table the three patients whose last encounter is after their death.
	var skippedFiles []string
	for _, at := range im.Summary.Skipped[0].At {
		// "testdata/fhir-synthea/Frances_Mann_a2b4….json.gz:entry[298](Encounter/…)"
		name := strings.SplitN(strings.TrimPrefix(at, syntheaDir+"/"), "_", 3)
		skippedFiles = append(skippedFiles, name[0]+"_"+name[1])
	}
	var afterDeath []string
	for _, f := range syntheaFiles {
		if f.decease != "" && f.lastEnc > f.decease {
			afterDeath = append(afterDeath, f.file)
		}
	}
	if !slices.Equal(skippedFiles, afterDeath) {
		t.Errorf("skipped encounters in %v, want in %v", skippedFiles, afterDeath)
	}

	people := personRecords(t, st)
	// "encounters: 795 (AMB 694, IMP 55, EMER 46)"; the three skipped
	// Death Certifications are ambulatory.
	modes := map[care.Mode]int{}
	first, last := "9999", "0000"
	orgPatients := map[string]map[string]bool{}
	profOrgs, orgProfs := map[string]map[string]bool{}, map[string]map[string]bool{}
	for _, f := range syntheaFiles {
		p, ok := people[strings.ReplaceAll(f.file, "_", " ")]
		if !ok {
			t.Errorf("%s: no person named after the file", f.file)
			continue
		}
		n := f.encounters
		if slices.Contains(afterDeath, f.file) {
			n-- // the skipped Death Certification
		}
		profs, orgs := map[string]bool{}, map[string]bool{}
		for _, c := range p.Contacts {
			modes[c.Mode]++
			profs[c.Professional], orgs[c.Organisation] = true, true
			addPair(orgPatients, c.Organisation, p.Person.ID)
			addPair(profOrgs, c.Professional, c.Organisation)
			addPair(orgProfs, c.Organisation, c.Professional)
			first, last = min(first, c.At.Format("2006-01-02")), max(last, c.At.Format("2006-01-02"))
		}
		if len(p.Contacts) != n || len(profs) != f.practs || len(orgs) != f.orgs {
			t.Errorf("%s: %d contacts, %d professionals, %d organisations; want %d, %d, %d",
				f.file, len(p.Contacts), len(profs), len(orgs), n, f.practs, f.orgs)
			continue
		}
		gotFirst, gotLast := p.Contacts[0].At.Format("2006-01-02"), p.Contacts[len(p.Contacts)-1].At.Format("2006-01-02")
		if gotFirst != f.firstEnc {
			t.Errorf("%s: first contact %s, want %s", f.file, gotFirst, f.firstEnc)
		}
		switch {
		case !slices.Contains(afterDeath, f.file) && gotLast != f.lastEnc:
			t.Errorf("%s: last contact %s, want %s", f.file, gotLast, f.lastEnc)
		case slices.Contains(afterDeath, f.file) && gotLast > f.decease:
			t.Errorf("%s: last contact %s is after death (%s): the skipped one was imported", f.file, gotLast, f.decease)
		}
	}
	if want := map[care.Mode]int{care.ModeFaceToFace: 694 - noParticipant, care.ModeOther: 55 + 46}; !maps.Equal(modes, want) {
		t.Errorf("modes %v, want %v", modes, want)
	}
	// "encounter dates: 1951-01-24 … 2021-02-18".
	if first != "1951-01-24" || last != "2021-02-18" {
		t.Errorf("contacts from %s to %s, want 1951-01-24 to 2021-02-18", first, last)
	}
	// "17 of the 30 organisations are used by ≥2 patients (at most 5)".
	shared, most := 0, 0
	for _, ps := range orgPatients {
		if len(ps) >= 2 {
			shared++
		}
		most = max(most, len(ps))
	}
	if len(orgPatients) != 30 || shared != 17 || most != 5 {
		t.Errorf("%d organisations with contacts, %d shared, at most %d patients; want 30, 17, 5", len(orgPatients), shared, most)
	}
	// "Linking patients through shared organisations gives 4 connected
	// groups, of 12, 5, 4 and 1 patients."
	if got := groupSizes(orgPatients); !slices.Equal(got, []int{12, 5, 4, 1}) {
		t.Errorf("patient groups %v, want [12 5 4 1]", got)
	}
	// "every practitioner appears with exactly one organisation, and every
	// organisation with exactly one practitioner".
	for p, os := range profOrgs {
		if len(os) != 1 {
			t.Errorf("%s has contacts with %d organisations, want 1", p, len(os))
		}
	}
	for o, ps := range orgProfs {
		if len(ps) != 1 {
			t.Errorf("%s has contacts with %d professionals, want 1", o, len(ps))
		}
	}
}

func checkConditional(t *testing.T, st care.Store, im *loaded) {
	t.Helper()
	// fhir-synthea-conditional/SOURCE.md, "Content": 3 patient bundles (3
	// Patient, 92 Encounter) and side files of 1191 Organization, 1191
	// Location, 1191 Practitioner and 1191 PractitionerRole. Every
	// PractitionerRole links a practitioner to an organisation by
	// identifier: 1191 WORKS_IN. Locations are not mapped.
	want := census{People: 3, Professionals: 1191, Organisations: 1191, WorksIn: 1191, Contacts: 92}
	if got := takeCensus(t, st); got != want {
		t.Errorf("census %+v, want %+v", got, want)
	}
	for _, typ := range []string{"Organization", "Location", "Practitioner", "PractitionerRole"} {
		if got := im.Summary.Read[typ]; got != 1191 {
			t.Errorf("read %d %s, want 1191", got, typ)
		}
	}
	if im.Summary.Read["Patient"] != 3 || im.Summary.Read["Encounter"] != 92 || im.Summary.Read["Bundle"] != 5 {
		t.Errorf("read %d Patient, %d Encounter, %d Bundle; want 3, 92, 5",
			im.Summary.Read["Patient"], im.Summary.Read["Encounter"], im.Summary.Read["Bundle"])
	}
	if im.Summary.Ignored["Location"] != 1191 || len(im.Summary.Skipped) != 0 {
		t.Errorf("ignored %v, skipped %+v; want only the 1191 Locations ignored", im.Summary.Ignored, im.Summary.Skipped)
	}
	// The encounters' conditional references (Practitioner?identifier=NPI,
	// Organization?identifier=synthea id) and the PractitionerRoles'
	// logical references (by the same identifiers) must land on the same
	// nodes: every contact is with an organisation its professional works in.
	svc, err := st.Services(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	works := map[[2]string]bool{}
	for _, r := range svc.Relationships {
		works[[2]string{r.From, r.To}] = true
	}
	gp := 0
	for _, n := range svc.Nodes {
		if n.Kind == care.KindProfessional && n.Role == care.RoleGP {
			gp++
		}
	}
	// Every PractitionerRole in the side file is coded NUCC 208D00000X
	// "General Practice".
	if gp != 1191 {
		t.Errorf("%d professionals are GPs, want all 1191", gp)
	}
	for _, p := range personRecords(t, st) {
		for _, c := range p.Contacts {
			if c.Organisation == "" || !works[[2]string{c.Professional, c.Organisation}] {
				t.Errorf("%s: %s at %q, where they have no WORKS_IN", c.ID, c.Professional, c.Organisation)
			}
		}
	}
}

// The conditional references resolve only within one import: the patient
// bundles without the side files are refused, every reference located, and
// nothing is written; with the side files listed after them they import.
func TestConditionalNeedsSideFiles(t *testing.T) {
	st := openStore(t)
	var patients, side []string
	srcs, err := fhir.PathSources([]string{conditionalDir})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range srcs {
		if strings.Contains(s.Name, "Information") {
			side = append(side, s.Name)
		} else {
			patients = append(patients, s.Name)
		}
	}
	err = loadErr(t, st, patients...)
	ps := care.ErrorProblems(err)
	// 92 encounters × (participant + serviceProvider) = 184 problems,
	// cut at care.MaxProblems plus the line saying how many more.
	if care.ErrorCode(err) != care.Invalid || len(ps) != care.MaxProblems+1 {
		t.Fatalf("got %d problems (%v), want %d and a count of the rest", len(ps), err, care.MaxProblems+1)
	}
	if !strings.Contains(ps[0].Field, "Bob965_Keeling57") || !strings.Contains(ps[0].Field, "(Encounter/") ||
		!strings.HasSuffix(ps[0].Field, ".participant[0].individual") || !strings.Contains(ps[0].Message, "no Practitioner with identifier http://hl7.org/fhir/sid/us-npi|") {
		t.Errorf("first problem %v", ps[0])
	}
	if last := ps[len(ps)-1]; last.Message != "84 more problems not shown" {
		t.Errorf("last problem %v, want 84 more", last)
	}
	if got := takeCensus(t, st); got != (census{}) {
		t.Errorf("a refused import wrote %+v", got)
	}
	im := load(t, st, append(patients, side...)...)
	checkConditional(t, st, im)
}

func addPair(m map[string]map[string]bool, a, b string) {
	if m[a] == nil {
		m[a] = map[string]bool{}
	}
	m[a][b] = true
}

// groupSizes returns the sizes of the groups of patients linked through
// shared organisations, largest first.
func groupSizes(orgPatients map[string]map[string]bool) []int {
	parent := map[string]string{}
	var find func(string) string
	find = func(x string) string {
		if parent[x] == "" || parent[x] == x {
			parent[x] = x
			return x
		}
		parent[x] = find(parent[x])
		return parent[x]
	}
	for _, ps := range orgPatients {
		var first string
		for p := range ps {
			if first == "" {
				first = find(p)
				continue
			}
			parent[find(p)] = first
		}
	}
	sizes := map[string]int{}
	for p := range parent {
		sizes[find(p)]++
	}
	var out []int
	for _, n := range sizes {
		out = append(out, n)
	}
	slices.Sort(out)
	slices.Reverse(out)
	return out
}

package fhir_test

import (
	"context"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/encoding/fhir"
)

// testdata/web/web.json is a hand-written collection Bundle of one
// person's web: a carer (RelatedPerson), three professionals with their
// PractitionerRoles, three organisations, a CareTeam, an EpisodeOfCare,
// two ServiceRequests and four Encounters, with every kind of reference
// (urn:uuid, relative, absolute fullUrl, conditional, by identifier).
const webDir = "testdata/web"

func readSectors(t *testing.T) *fhir.SectorMap {
	t.Helper()
	f, err := os.Open(webDir + "/sectors.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := fhir.ReadSectorMap("sectors.csv", f)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func day(s string) care.Date {
	d, err := care.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func instant(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func TestWebFixture(t *testing.T) {
	st := openStore(t)
	// Batches of 2 items: the import streams, and what the store is
	// given, batch after batch, is still exactly the mapping.
	im := loadOpt(t, st, fhir.Options{Sectors: readSectors(t), BatchSize: 2}, webDir)
	if im.Batches < 5 {
		t.Errorf("%d batches, want the import streamed in many", im.Batches)
	}

	wantNodes := []care.Node{
		// The official name, not the old one; district before city.
		{ID: "Patient/p1", Kind: care.KindPerson, Name: "Ada May Example", Locality: "Northbridge East"},
		{ID: "RelatedPerson/rp1", Kind: care.KindCarer, Name: "Clara Example"},
		{ID: "Practitioner/gp1", Kind: care.KindProfessional, Name: "Anjali Rao", Role: care.RoleGP},          // SNOMED 62247001
		{ID: "Practitioner/dn1", Kind: care.KindProfessional, Name: "Sam Hill", Role: care.RoleDistrictNurse}, // text
		{ID: "Practitioner/sw1", Kind: care.KindProfessional, Name: "Jo Bloggs", Role: care.RoleSocialWorker},
		{ID: "Organization/org-prac", Kind: care.KindOrganisation, Name: "Northbridge Practice", Sector: care.SectorPrimaryCare},                 // type text
		{ID: "Organization/org-cht", Kind: care.KindOrganisation, Name: "Northbridge Community Health", Sector: care.SectorCommunityHealth},      // map, by identifier
		{ID: "Organization/org-council", Kind: care.KindOrganisation, Name: "Northbridge Council Adult Services", Sector: care.SectorSocialCare}, // map; type says govt
	}
	if !slices.Equal(im.Batch.Nodes, wantNodes) {
		t.Errorf("nodes\n%+v\nwant\n%+v", im.Batch.Nodes, wantNodes)
	}
	since := func(d string) care.Span { return care.Span{From: day(d), To: care.NoEnd} }
	wantRels := []care.Relationship{
		// v3 DAU wins over v2 "N" (next of kin) listed before it.
		{ID: "CARES_FOR:RelatedPerson/rp1", Type: care.CaresFor, From: "RelatedPerson/rp1", To: "Patient/p1", Span: since("2023-01-01"), Relation: "daughter"},
		{ID: "WORKS_IN:PractitionerRole/pr-gp", Type: care.WorksIn, From: "Practitioner/gp1", To: "Organization/org-prac", Span: since("2015-04-01")},
		// A period ending "2025-06" runs to the end of June.
		{ID: "WORKS_IN:PractitionerRole/pr-dn", Type: care.WorksIn, From: "Practitioner/dn1", To: "Organization/org-cht", Span: care.Span{From: day("2020-01-01"), To: day("2025-06-30")}},
		{ID: "WORKS_IN:PractitionerRole/pr-sw", Type: care.WorksIn, From: "Practitioner/sw1", To: "Organization/org-council", Span: care.Always},
		// The CareTeam: the carer member is not a professional.
		{ID: "INVOLVED_IN:CareTeam/ct1:Practitioner/gp1", Type: care.InvolvedIn, From: "Practitioner/gp1", To: "Patient/p1", Span: since("2024-01-01"), Role: "General practitioner"},
		{ID: "INVOLVED_IN:CareTeam/ct1:Practitioner/dn1", Type: care.InvolvedIn, From: "Practitioner/dn1", To: "Patient/p1", Span: since("2024-01-01"), Role: "Care coordinator", Coordinator: true},
		// The EpisodeOfCare: its care manager, then its team over the episode.
		{ID: "INVOLVED_IN:EpisodeOfCare/eoc1:Practitioner/sw1", Type: care.InvolvedIn, From: "Practitioner/sw1", To: "Patient/p1", Span: since("2024-03-01"), Role: "care manager", Coordinator: true},
		{ID: "INVOLVED_IN:EpisodeOfCare/eoc1:Practitioner/gp1", Type: care.InvolvedIn, From: "Practitioner/gp1", To: "Patient/p1", Span: since("2024-03-01"), Role: "General practitioner"},
		{ID: "INVOLVED_IN:EpisodeOfCare/eoc1:Practitioner/dn1", Type: care.InvolvedIn, From: "Practitioner/dn1", To: "Patient/p1", Span: since("2024-03-01"), Role: "Care coordinator", Coordinator: true},
	}
	if !slices.Equal(im.Batch.Relationships, wantRels) {
		t.Errorf("relationships\n%+v\nwant\n%+v", im.Batch.Relationships, wantRels)
	}
	wantContacts := []care.Contact{
		// Through a PractitionerRole: its practitioner, and its organisation
		// for want of a serviceProvider; +01:00 stored in UTC.
		{ID: "Encounter/e1", Person: "Patient/p1", Professional: "Practitioner/dn1", Organisation: "Organization/org-cht", At: instant("2024-05-10T09:00:00Z"), Mode: care.ModeHomeVisit, Setting: "home"},
		// The carer participant is passed over.
		{ID: "Encounter/e2", Person: "Patient/p1", Professional: "Practitioner/gp1", Organisation: "Organization/org-prac", At: instant("2024-05-20T14:30:00Z"), Mode: care.ModeVideo, Setting: "virtual"},
		// The primary performer, though listed second; a date is midnight UTC.
		{ID: "Encounter/e3", Person: "Patient/p1", Professional: "Practitioner/dn1", Organisation: "Organization/org-cht", At: instant("2024-06-01T00:00:00Z"), Mode: care.ModeFaceToFace, Setting: "clinic"},
	}
	if !slices.Equal(im.Batch.Contacts, wantContacts) {
		t.Errorf("contacts\n%+v\nwant\n%+v", im.Batch.Contacts, wantContacts)
	}
	wantReferrals := []care.Referral{
		// The performer is a PractitionerRole: its practitioner.
		{ID: "ServiceRequest/sr1", Person: "Patient/p1", From: "Practitioner/gp1", To: "Practitioner/dn1", At: instant("2024-05-02T09:00:00Z"), Reason: "Leg ulcer dressing; Venous leg ulcer"},
	}
	if !slices.Equal(im.Batch.Referrals, wantReferrals) {
		t.Errorf("referrals\n%+v\nwant\n%+v", im.Batch.Referrals, wantReferrals)
	}
	wantSkipped := []fhir.Skip{
		{Reason: "ServiceRequest without a performer (an order, not a referral): no referral", Count: 1, At: []string{"testdata/web/web.json:entry[14](ServiceRequest/sr2)"}},
		{Reason: "Encounter with status cancelled: not imported", Count: 1, At: []string{"testdata/web/web.json:entry[18](Encounter/e4)"}},
	}
	if !slices.EqualFunc(im.Summary.Skipped, wantSkipped, func(a, b fhir.Skip) bool {
		return a.Reason == b.Reason && a.Count == b.Count && slices.Equal(a.At, b.At)
	}) {
		t.Errorf("skipped %+v, want %+v", im.Summary.Skipped, wantSkipped)
	}
	if !maps.Equal(im.Summary.Ignored, map[string]int{"Observation": 1}) {
		t.Errorf("ignored %v", im.Summary.Ignored)
	}

	// What the store makes of it: the web, with its two named coordinators.
	web, err := st.Web(context.Background(), "Patient/p1", care.AsOf(day("2024-06-01")))
	if err != nil {
		t.Fatal(err)
	}
	var members, coordinators []string
	for _, m := range web.Members {
		members = append(members, m.Node.ID)
		if m.Coordinator() {
			coordinators = append(coordinators, m.Node.ID)
		}
	}
	if want := []string{"RelatedPerson/rp1", "Practitioner/dn1", "Practitioner/gp1", "Practitioner/sw1"}; !slices.Equal(members, want) {
		t.Errorf("web members %v, want %v", members, want)
	}
	if want := []string{"Practitioner/dn1", "Practitioner/sw1"}; !slices.Equal(coordinators, want) {
		t.Errorf("coordinators %v, want %v", coordinators, want)
	}
	reimportUnchanged(t, st, fhir.Options{Sectors: readSectors(t)}, webDir)
}

// Without the sector map, sectors come from Organization.type alone.
func TestSectorFromTypeAlone(t *testing.T) {
	im := loadOpt(t, openStore(t), fhir.Options{}, webDir)
	got := map[string]care.Sector{}
	for _, n := range im.Batch.Nodes {
		if n.Kind == care.KindOrganisation {
			got[n.ID] = n.Sector
		}
	}
	want := map[string]care.Sector{"Organization/org-prac": care.SectorPrimaryCare, "Organization/org-cht": care.SectorCommunityHealth,
		"Organization/org-council": care.SectorOther}
	if !maps.Equal(got, want) {
		t.Errorf("sectors %v, want %v", got, want)
	}
}

// testdata/bulk is a bulk export: one NDJSON file per type (with a blank
// line, a nameless patient, a gzipped file and an STU3 ReferralRequest).
func TestBulkNDJSON(t *testing.T) {
	st := openStore(t)
	im := loadOpt(t, st, fhir.Options{BatchSize: 2}, "testdata/bulk")
	wantNodes := []care.Node{
		{ID: "Organization/oh", Kind: care.KindOrganisation, Name: "Southfield General Hospital", Sector: care.SectorSecondaryCare},
		{ID: "Patient/p2", Kind: care.KindPerson, Name: "Bryn Jones", Locality: "Southfield"},
		{ID: "Patient/p3", Kind: care.KindPerson, Name: "Patient/p3"},                                         // no name: named by its reference
		{ID: "Practitioner/pa", Kind: care.KindProfessional, Name: "Chidi Okafor", Role: care.RoleConsultant}, // PractitionerRole text
		{ID: "Practitioner/pb", Kind: care.KindProfessional, Name: "Min Lee", Role: care.RoleParamedic},       // qualification
	}
	if !slices.Equal(im.Batch.Nodes, wantNodes) {
		t.Errorf("nodes\n%+v\nwant\n%+v", im.Batch.Nodes, wantNodes)
	}
	wantRels := []care.Relationship{{ID: "WORKS_IN:PractitionerRole/pra", Type: care.WorksIn, From: "Practitioner/pa", To: "Organization/oh",
		Span: care.Span{From: day("2019-09-01"), To: care.NoEnd}}}
	if !slices.Equal(im.Batch.Relationships, wantRels) {
		t.Errorf("relationships %+v, want %+v", im.Batch.Relationships, wantRels)
	}
	wantContacts := []care.Contact{
		{ID: "Encounter/ea", Person: "Patient/p2", Professional: "Practitioner/pa", Organisation: "Organization/oh", At: instant("2023-01-15T08:00:00Z"), Mode: care.ModeOther, Setting: "ward"},
		{ID: "Encounter/eb", Person: "Patient/p3", Professional: "Practitioner/pb", At: instant("2023-03-03T04:10:00Z"), Mode: care.ModeOther, Setting: "emergency"},
	}
	if !slices.Equal(im.Batch.Contacts, wantContacts) {
		t.Errorf("contacts\n%+v\nwant\n%+v", im.Batch.Contacts, wantContacts)
	}
	wantReferrals := []care.Referral{{ID: "ReferralRequest/rr1", Person: "Patient/p2", From: "Practitioner/pa", To: "Organization/oh",
		At: instant("2023-02-01T00:00:00Z"), Reason: "Falls assessment"}}
	if !slices.Equal(im.Batch.Referrals, wantReferrals) {
		t.Errorf("referrals %+v, want %+v", im.Batch.Referrals, wantReferrals)
	}
	if len(im.Summary.Skipped) != 1 || im.Summary.Skipped[0].At[0] != "testdata/bulk/Encounter.ndjson:3(Encounter/ec)" ||
		!strings.Contains(im.Summary.Skipped[0].Reason, "subject is a Group") {
		t.Errorf("skipped %+v, want Encounter.ndjson:3 for its Group subject", im.Summary.Skipped)
	}
	if !maps.Equal(im.Summary.Ignored, map[string]int{"Observation": 2}) {
		t.Errorf("ignored %v, want the 2 Observations of the gzipped file", im.Summary.Ignored)
	}
	if got, want := takeCensus(t, st), (census{People: 2, Professionals: 2, Organisations: 1, WorksIn: 1, Contacts: 2, Referrals: 1}); got != want {
		t.Errorf("census %+v, want %+v", got, want)
	}
	reimportUnchanged(t, st, fhir.Options{}, "testdata/bulk")

	// A later import may refer to what an earlier one wrote, by relative
	// reference: the store resolves Practitioner/pa and Patient/p2.
	later := src("later.ndjson", `{"resourceType":"Encounter","id":"ed","status":"finished","class":{"code":"HH"},"subject":{"reference":"Patient/p2"},"participant":[{"individual":{"reference":"Practitioner/pa"}}],"period":{"start":"2023-05-05T10:00:00Z"}}`+"\n")
	if _, err := fhir.Load(context.Background(), st, []fhir.Source{later}, fhir.Options{}); err != nil {
		t.Fatal(err)
	}
	if got := takeCensus(t, st).Contacts; got != 3 {
		t.Errorf("%d contacts after the later import, want 3", got)
	}
}

func TestPathSources(t *testing.T) {
	srcs, err := fhir.PathSources([]string{"testdata/bulk", webDir + "/web.json"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range srcs {
		names = append(names, s.Name)
	}
	want := []string{"testdata/bulk/Encounter.ndjson", "testdata/bulk/Observation.ndjson.gz", "testdata/bulk/Organization.ndjson",
		"testdata/bulk/Patient.ndjson", "testdata/bulk/Practitioner.ndjson", "testdata/bulk/PractitionerRole.ndjson",
		"testdata/bulk/ReferralRequest.ndjson", "testdata/web/web.json"}
	if !slices.Equal(names, want) {
		t.Errorf("sources %v, want %v", names, want)
	}
	_, err = fhir.PathSources([]string{"testdata/nowhere", webDir + "/sectors.csv", "testdata"})
	wantProblems := []care.Problem{
		{Field: "testdata/nowhere", Message: "no such file or directory"},
		{Field: "testdata/web/sectors.csv", Message: "not a FHIR file: want a name ending in .json, .ndjson, .json.gz, .ndjson.gz"},
		{Field: "testdata", Message: "holds no FHIR file (.json, .ndjson, .json.gz, .ndjson.gz)"},
	}
	if got := care.ErrorProblems(err); !slices.Equal(got, wantProblems) {
		t.Errorf("problems %v, want %v", got, wantProblems)
	}
	for path, want := range map[string]bool{"testdata/bulk": true, webDir: true, "testdata": false, webDir + "/sectors.csv": false, "testdata/nowhere": false} {
		if got := fhir.Holds(path); got != want {
			t.Errorf("Holds(%s) = %v, want %v", path, got, want)
		}
	}
}

func TestReadSectorMap(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		want       []string
	}{
		{"header", "org,sector\nx,housing\n", []string{"m.csv:1: want the header organisation,sector"}},
		{"empty", "", []string{"m.csv:1: empty file"}},
		{"rows", "organization,sector\nx,hospital\n,housing\ny,housing\ny,voluntary\nz,housing,extra\n", []string{
			"m.csv:2.sector: unknown sector",
			"m.csv:3.organisation: an organisation id or identifier is required",
			"m.csv:5.organisation: given another sector on line 4",
			"m.csv:6: wrong number of fields",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := fhir.ReadSectorMap("m.csv", strings.NewReader(tc.body))
			ps := care.ErrorProblems(err)
			if care.ErrorCode(err) != care.Invalid || len(ps) != len(tc.want) {
				t.Fatalf("got %v, want %d problems", err, len(tc.want))
			}
			for i, w := range tc.want {
				if got := ps[i].Field + ": " + ps[i].Message; !strings.HasPrefix(got, w) {
					t.Errorf("problem %d: %q, want %q…", i, got, w)
				}
			}
		})
	}
	// Any letter case in the header; a sector as nodes.csv accepts it.
	m, err := fhir.ReadSectorMap("m.csv", strings.NewReader("Organisation,Sector\nOrganization/a,Mental Health\n"))
	if err != nil {
		t.Fatal(err)
	}
	got := &loaded{}
	_, err = fhir.Load(context.Background(), recorder{openStore(t), got},
		[]fhir.Source{src("a.ndjson", `{"resourceType":"Organization","id":"a","name":"A"}`+"\n")}, fhir.Options{Sectors: m})
	if err != nil {
		t.Fatal(err)
	}
	im := got
	if got := im.Batch.Nodes[0].Sector; got != care.SectorMentalHealth {
		t.Errorf("sector %s, want mental_health from the map", got)
	}
}

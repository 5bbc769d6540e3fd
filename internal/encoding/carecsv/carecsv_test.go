package carecsv_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/demo"
	"github.com/careweb/careweb/internal/encoding/carecsv"
	"github.com/careweb/careweb/internal/store/embedded"
)

const fixtures = "../../../testdata/csv"

func openStore(t *testing.T) *embedded.Store {
	t.Helper()
	st, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// readDir returns the contents of every file of the format in dir.
func readDir(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	for _, name := range carecsv.Files {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		files[name] = string(b)
	}
	return files
}

func sources(files map[string]string) []carecsv.Source {
	var srcs []carecsv.Source
	for name, body := range files {
		srcs = append(srcs, carecsv.StringSource(name, body))
	}
	return srcs
}

// export returns the files an export of st writes, and its counts.
func export(t *testing.T, st care.Streamer, w care.Window) (map[string]string, carecsv.Counts) {
	t.Helper()
	var bufs [5]bytes.Buffer
	n, err := carecsv.Export(context.Background(), st, w, carecsv.Writers{Nodes: &bufs[0], Relationships: &bufs[1], Contacts: &bufs[2], Referrals: &bufs[3], Consents: &bufs[4]})
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for i, name := range carecsv.Files {
		files[name] = bufs[i].String()
	}
	return files, n
}

func counts(t *testing.T, st care.Streamer) carecsv.Counts {
	t.Helper()
	_, n := export(t, st, care.Always)
	return n
}

func TestLoadValid(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	res, err := carecsv.LoadSources(ctx, st, sources(readDir(t, filepath.Join(fixtures, "valid"))))
	if err != nil {
		t.Fatal(err)
	}
	if res.Nodes != 7 || res.Relationships != 7 || res.Contacts != 4 || res.Referrals != 1 || res.Consents != 2 {
		t.Errorf("applied %+v, want 7 nodes, 7 relationships, 4 contacts, 1 referral, 2 consents", res)
	}
	if n := counts(t, st); n != (carecsv.Counts{Nodes: 7, Relationships: 7, Contacts: 4, Referrals: 1, Consents: 2}) {
		t.Errorf("store holds %+v", n)
	}
	// Case-insensitive and spaced enum values are normalised.
	dn, err := st.Node(ctx, "dn1")
	if err != nil || dn.Role != care.RoleDistrictNurse {
		t.Errorf("dn1 = %+v, %v", dn, err)
	}
	cht, err := st.Node(ctx, "cht")
	if err != nil || cht.Sector != care.SectorCommunityHealth {
		t.Errorf("cht = %+v, %v", cht, err)
	}
	page, err := st.Contacts(ctx, care.EventQuery{Person: "p1", Window: care.Always})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]time.Time{
		"k1": time.Date(2025, 1, 10, 9, 30, 0, 0, time.UTC),
		"k2": time.Date(2025, 1, 12, 0, 0, 0, 0, time.UTC), // a date is midnight UTC
		"k3": time.Date(2025, 2, 3, 13, 0, 0, 0, time.UTC), // an offset is kept as the instant
	}
	for _, c := range page.Contacts {
		if !c.At.Equal(want[c.ID]) {
			t.Errorf("%s at %v, want %v", c.ID, c.At, want[c.ID])
		}
		if c.ID == "k2" && c.Mode != care.ModeHomeVisit {
			t.Errorf("k2 mode %q", c.Mode)
		}
	}
	rels, err := st.Relationships(ctx, care.RelQuery{Node: "p1", Window: care.Always})
	if err != nil {
		t.Fatal(err)
	}
	var carer care.Relationship
	for _, r := range rels {
		if r.Type == care.CaresFor {
			carer = r
		}
	}
	if carer.ID != care.RelationshipID(care.CaresFor, "c1", "p1", care.MakeDate(2024, 1, 1)) || !carer.Consent || carer.Relation != "daughter" || carer.Span.To != care.NoEnd {
		t.Errorf("carer relationship %+v", carer)
	}
	consents, err := st.Consents(ctx, "p1")
	if err != nil {
		t.Fatal(err)
	}
	wantConsents := []care.Consent{
		{ID: "cs1", Person: "p1", Grantee: "c1", Basis: care.BasisConsent, Decision: care.Permit,
			Span: care.Span{From: care.MakeDate(2024, 1, 1), To: care.NoEnd}, RecordedAt: time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC), RecordedBy: "p1"},
		{ID: "cs2", Person: "p1", Grantee: "c1", Basis: care.BasisLPA, Decision: care.Permit,
			Span: care.Span{From: care.MakeDate(2025, 3, 20), To: care.NoEnd}, RecordedAt: time.Date(2025, 3, 20, 0, 0, 0, 0, time.UTC), RecordedBy: "c1"},
	}
	if len(consents) != len(wantConsents) {
		t.Fatalf("consents %+v, want %+v", consents, wantConsents)
	}
	for i, c := range consents {
		if c != wantConsents[i] {
			t.Errorf("consent %d = %+v, want %+v", i, c, wantConsents[i])
		}
	}
}

func TestLoadIsIdempotent(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	files := readDir(t, filepath.Join(fixtures, "valid"))
	if _, err := carecsv.LoadSources(ctx, st, sources(files)); err != nil {
		t.Fatal(err)
	}
	first, n1 := export(t, st, care.Always)
	if _, err := carecsv.LoadSources(ctx, st, sources(files)); err != nil {
		t.Fatal(err)
	}
	second, n2 := export(t, st, care.Always)
	if n1 != n2 {
		t.Errorf("counts after re-import %+v, want %+v", n2, n1)
	}
	for name := range first {
		if first[name] != second[name] {
			t.Errorf("%s changed on re-import:\n%s\nthen\n%s", name, first[name], second[name])
		}
	}
}

func TestLoadRejects(t *testing.T) {
	valid := readDir(t, filepath.Join(fixtures, "valid"))
	tests := []struct {
		name      string
		file      string // replaced in the valid set
		body      string
		wantField string
		wantMsg   string
	}{
		{"unknown column", carecsv.NodesFile, "id,kind,name,nickname\nn9,person,New,Newt\n", "nodes.csv:1.nickname", "unknown column"},
		{"missing column", carecsv.ReferralsFile, "id,person,from,to,reason\nr9,p1,gp1,dn1,x\n", "referrals.csv:1.at", "required column missing"},
		{"bad date", carecsv.RelationshipsFile, "from,to,type,start,end\ngp1,p2,INVOLVED_IN,2024-02-30,\n", "relationships.csv:2.start", "not a date"},
		{"bad date-time", carecsv.ContactsFile, "id,person,professional,at\nk9,p1,gp1,yesterday\n", "contacts.csv:2.at", "not a date-time"},
		{"unknown kind", carecsv.NodesFile, valid[carecsv.NodesFile] + "n9,patient,New,,,\n", "nodes.csv:9.kind", "unknown kind"},
		{"unknown role", carecsv.NodesFile, valid[carecsv.NodesFile] + "n9,professional,New,astronaut,,\n", "nodes.csv:9.role", "unknown professional role"},
		{"unknown sector", carecsv.NodesFile, valid[carecsv.NodesFile] + "n9,organisation,New,,aerospace,\n", "nodes.csv:9.sector", "unknown sector"},
		{"role on a carer", carecsv.NodesFile, valid[carecsv.NodesFile] + "n9,carer,New,daughter,,\n", "nodes.csv:9.role", "only professionals have a role"},
		{"sector on a person", carecsv.NodesFile, valid[carecsv.NodesFile] + "n9,person,New,,housing,\n", "nodes.csv:9.sector", "only organisations have a sector"},
		{"unknown type", carecsv.RelationshipsFile, "from,to,type\ngp1,p2,KNOWS\n", "relationships.csv:2.type", "unknown relationship type"},
		{"unknown mode", carecsv.ContactsFile, "id,person,professional,at,mode\nk9,p1,gp1,2025-01-01,telepathy\n", "contacts.csv:2.mode", "unknown contact mode"},
		{"bad boolean", carecsv.RelationshipsFile, "from,to,type,coordinator\ngp1,p2,INVOLVED_IN,maybe\n", "relationships.csv:2.coordinator", "not a boolean"},
		{"dangling reference", carecsv.ContactsFile, "id,person,professional,at\nk8,p1,gp1,2025-01-01\nk9,ghost,gp1,2025-01-01\n", "contacts.csv:3.person", "no such node"},
		{"wrong-kind relationship", carecsv.RelationshipsFile, "from,to,type\ngp1,p2,INVOLVED_IN\nc1,p2,WORKS_IN\n", "relationships.csv:3.type", "WORKS_IN joins a professional to an organisation"},
		{"truncated file", carecsv.ContactsFile, "id,person,professional,at,mode,setting\nk9,p1,gp1,2025-01-01,phone,\"cli", "contacts.csv:2", "unterminated quoted field"},
		{"wrong field count", carecsv.NodesFile, "id,kind,name,role,sector,locality\nn8,person,Eight,,,\nn9,person,Nine\n", "nodes.csv:3", "wrong number of fields"},
		{"duplicate id", carecsv.ContactsFile, "id,person,professional,at\nk9,p1,gp1,2025-01-01\nk9,p2,gp1,2025-01-02\n", "contacts.csv:3.id", "duplicate"},
		{"duplicate node id", carecsv.NodesFile, valid[carecsv.NodesFile] + "n9,person,New,,,\nn9,carer,New,,,\n", "nodes.csv:10.id", "duplicate"},
		{"id used by another kind", carecsv.NodesFile, "id,kind,name\np1,carer,Ada\n", "nodes.csv:2.id", "already used by a person"},
		{"empty file", carecsv.ReferralsFile, "", "referrals.csv:1", "empty file"},
		{"end before start", carecsv.RelationshipsFile, "from,to,type,start,end\ngp1,p2,INVOLVED_IN,2025-01-02,2025-01-01\n", "relationships.csv:2.end", "ends before it starts"},
		{"unknown basis", carecsv.ConsentsFile, consentHeader + "cs9,p1,c1,whim,permit,,,2025-01-01,\n", "consents.csv:2.basis", "unknown basis"},
		{"unknown decision", carecsv.ConsentsFile, consentHeader + "cs9,p1,c1,consent,maybe,,,2025-01-01,\n", "consents.csv:2.decision", "unknown decision"},
		{"consent granted to a professional", carecsv.ConsentsFile, consentHeader + "cs9,p1,gp1,consent,permit,,,2025-01-01,\n", "consents.csv:2.grantee", "must be a carer"},
		{"consent recorded by nobody", carecsv.ConsentsFile, consentHeader + "cs8,p1,c1,consent,permit,,,2025-01-01,\ncs9,p1,c1,consent,deny,,,2025-01-02,ghost\n", "consents.csv:3.recorded_by", "no such node"},
		{"consent without a time", carecsv.ConsentsFile, consentHeader + "cs9,p1,c1,consent,deny,,,,\n", "consents.csv:2.recorded_at", "a date-time is required"},
		{"consent ending before it starts", carecsv.ConsentsFile, consentHeader + "cs9,p1,c1,consent,deny,2025-02-01,2025-01-01,2025-01-01,\n", "consents.csv:2.end", "ends before it starts"},
	}
	ctx := context.Background()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := openStore(t)
			if _, err := carecsv.LoadSources(ctx, st, sources(valid)); err != nil {
				t.Fatal(err)
			}
			before, _ := export(t, st, care.Always)
			files := map[string]string{}
			for k, v := range valid {
				files[k] = v
			}
			files[tc.file] = tc.body
			_, err := carecsv.LoadSources(ctx, st, sources(files))
			if care.ErrorCode(err) != care.Invalid {
				t.Fatalf("err = %v, want Invalid", err)
			}
			found := false
			for _, p := range care.ErrorProblems(err) {
				if p.Field == tc.wantField && strings.Contains(p.Message, tc.wantMsg) {
					found = true
				}
			}
			if !found {
				t.Errorf("no problem %s: %q in %v", tc.wantField, tc.wantMsg, care.ErrorProblems(err))
			}
			after, _ := export(t, st, care.Always)
			for name := range before {
				if before[name] != after[name] {
					t.Errorf("%s changed by a failed import", name)
				}
			}
		})
	}
}

const consentHeader = "id,person,grantee,basis,decision,start,end,recorded_at,recorded_by\n"

func TestLoadReportsEveryProblem(t *testing.T) {
	st := openStore(t)
	_, err := carecsv.LoadSources(context.Background(), st, sources(readDir(t, filepath.Join(fixtures, "invalid"))))
	got := map[string]bool{}
	for _, p := range care.ErrorProblems(err) {
		got[p.Field] = true
	}
	for _, f := range []string{"nodes.csv:3.kind", "nodes.csv:4.role", "contacts.csv:2.at", "contacts.csv:3.mode", "contacts.csv:4"} {
		if !got[f] {
			t.Errorf("no problem at %s in %v", f, err)
		}
	}
	if n := counts(t, st); n != (carecsv.Counts{}) {
		t.Errorf("a failed import wrote %+v", n)
	}
}

func TestLoadBoundsProblems(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,kind,name\n")
	for range 3 * care.MaxProblems {
		b.WriteString("x,alien,X\n")
	}
	_, err := carecsv.LoadSources(context.Background(), openStore(t), []carecsv.Source{carecsv.StringSource(carecsv.NodesFile, b.String())})
	ps := care.ErrorProblems(err)
	if len(ps) != care.MaxProblems+1 || !strings.Contains(ps[len(ps)-1].Message, "more problems not shown") {
		t.Errorf("%d problems, last %v", len(ps), ps[len(ps)-1])
	}
}

func TestLoadRejectsUnknownFile(t *testing.T) {
	_, err := carecsv.LoadSources(context.Background(), openStore(t), []carecsv.Source{carecsv.StringSource("people.csv", "id\n")})
	if ps := care.ErrorProblems(err); len(ps) != 1 || ps[0].Field != "people.csv" {
		t.Errorf("err = %v", err)
	}
}

// errReader fails after its first read, like a disk error mid-file.
type errReader struct{ done bool }

func (e *errReader) Read(p []byte) (int, error) {
	if e.done {
		return 0, io.ErrUnexpectedEOF
	}
	e.done = true
	return copy(p, "id,kind,name\n"), nil
}

func TestLoadPassesOnReadErrors(t *testing.T) {
	src := carecsv.Source{Name: carecsv.NodesFile, Open: func() (io.ReadCloser, error) { return io.NopCloser(&errReader{}), nil }}
	_, err := carecsv.LoadSources(context.Background(), openStore(t), []carecsv.Source{src})
	if care.ErrorCode(err) != care.Internal {
		t.Errorf("err = %v, want Internal", err)
	}
}

func TestExportWindow(t *testing.T) {
	st := openStore(t)
	if _, err := carecsv.LoadSources(context.Background(), st, sources(readDir(t, filepath.Join(fixtures, "valid")))); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		from, to string
		want     carecsv.Counts
	}{
		{"", "", carecsv.Counts{Nodes: 7, Relationships: 7, Contacts: 4, Referrals: 1, Consents: 2}},
		{"2025-01-11", "2025-01-31", carecsv.Counts{Nodes: 7, Relationships: 7, Contacts: 1, Referrals: 1, Consents: 1}},
		{"", "2023-12-31", carecsv.Counts{Nodes: 7, Relationships: 4}},
		{"2025-07-01", "", carecsv.Counts{Nodes: 7, Relationships: 6, Consents: 2}},
	}
	for _, tc := range tests {
		w := care.Always
		if tc.from != "" {
			w.From, _ = care.ParseDate(tc.from)
		}
		if tc.to != "" {
			w.To, _ = care.ParseDate(tc.to)
		}
		if _, n := export(t, st, w); n != tc.want {
			t.Errorf("%s..%s: %+v, want %+v", tc.from, tc.to, n, tc.want)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	src := openStore(t)
	_, err := demo.Apply(ctx, src, demo.Config{Seed: 1, People: 50}, 20000)
	if err != nil {
		t.Fatal(err)
	}
	first, n1 := export(t, src, care.Always)
	if n1.Nodes == 0 || n1.Relationships == 0 || n1.Contacts == 0 || n1.Referrals == 0 || n1.Consents == 0 {
		t.Fatalf("demo export is missing something: %+v", n1)
	}
	dst := openStore(t)
	res, err := carecsv.LoadSources(ctx, dst, sources(first))
	if err != nil {
		t.Fatal(err)
	}
	if res.Nodes != n1.Nodes || res.Relationships != n1.Relationships || res.Contacts != n1.Contacts || res.Referrals != n1.Referrals || res.Consents != n1.Consents {
		t.Errorf("imported %+v, exported %+v", res, n1)
	}
	second, n2 := export(t, dst, care.Always)
	if n2 != n1 {
		t.Errorf("counts %+v after the round trip, want %+v", n2, n1)
	}
	sameFiles(t, "after the round trip", first, second)

	// Streamed in many small batches, the same files give the same store.
	streamed := openStore(t)
	if _, err := carecsv.Load(ctx, streamed, sources(first), carecsv.Options{BatchSize: 500}); err != nil {
		t.Fatal(err)
	}
	third, _ := export(t, streamed, care.Always)
	sameFiles(t, "after a streamed round trip", first, third)
}

func TestLoadRefersToNodesInTheStore(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	valid := readDir(t, filepath.Join(fixtures, "valid"))
	if _, err := carecsv.LoadSources(ctx, st, sources(map[string]string{carecsv.NodesFile: valid[carecsv.NodesFile]})); err != nil {
		t.Fatal(err)
	}
	res, err := carecsv.LoadSources(ctx, st, sources(map[string]string{carecsv.ContactsFile: valid[carecsv.ContactsFile], carecsv.ReferralsFile: valid[carecsv.ReferralsFile]}))
	if err != nil {
		t.Fatal(err)
	}
	if res.Nodes != 0 || res.Contacts != 4 || res.Referrals != 1 {
		t.Errorf("applied %+v, want 4 contacts and 1 referral alone", res)
	}
}

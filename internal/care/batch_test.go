package care

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func lookupOf(m map[string]Kind) KindLookup {
	return func(id string) (Kind, bool) { k, ok := m[id]; return k, ok }
}

var at = time.Date(2025, 3, 4, 10, 30, 0, 0, time.UTC)

func TestValidateNamesFieldAndValue(t *testing.T) {
	store := map[string]Kind{"p1": KindPerson, "c1": KindCarer, "pro1": KindProfessional, "org1": KindOrganisation}
	d := MakeDate(2025, 1, 1)
	tests := []struct {
		name  string
		batch Batch
		field string
		value string
	}{
		{"unknown kind", Batch{Nodes: []Node{{ID: "x", Kind: "robot", Name: "X"}}}, "nodes[0].kind", "robot"},
		{"missing id", Batch{Nodes: []Node{{Kind: KindPerson, Name: "X"}}}, "nodes[0].id", ""},
		{"duplicate id", Batch{Nodes: []Node{{ID: "x", Kind: KindPerson, Name: "X"}, {ID: "x", Kind: KindPerson, Name: "Y"}}}, "nodes[1].id", "x"},
		{"id reused by another kind", Batch{Nodes: []Node{{ID: "c1", Kind: KindPerson, Name: "X"}}}, "nodes[0].id", "c1"},
		{"role on a carer", Batch{Nodes: []Node{{ID: "x", Kind: KindCarer, Name: "X", Role: RoleGP}}}, "nodes[0].role", "gp"},
		{"unknown sector", Batch{Nodes: []Node{{ID: "o", Kind: KindOrganisation, Name: "O", Sector: "space"}}}, "nodes[0].sector", "space"},
		{"carer works in a person", Batch{Relationships: []Relationship{{Type: WorksIn, From: "c1", To: "p1", Span: Always}}}, "relationships[0].type", "WORKS_IN"},
		{"dangling to", Batch{Relationships: []Relationship{{Type: CaresFor, From: "c1", To: "nobody", Span: Always}}}, "relationships[0].to", "nobody"},
		{"end before start", Batch{Relationships: []Relationship{{Type: CaresFor, From: "c1", To: "p1", Span: Span{From: d, To: d.AddDays(-1)}}}}, "relationships[0].end", d.AddDays(-1).String()},
		{"unknown type", Batch{Relationships: []Relationship{{Type: "LOVES", From: "c1", To: "p1", Span: Always}}}, "relationships[0].type", "LOVES"},
		{"person linked", Batch{Relationships: []Relationship{{Type: LinkedTo, From: "p1", To: "pro1", Span: Always}}}, "relationships[0].type", "LINKED_TO"},
		{"self link", Batch{Relationships: []Relationship{{Type: LinkedTo, From: "pro1", To: "pro1", Span: Always}}}, "relationships[0].to", "pro1"},
		{"contact with a carer", Batch{Contacts: []Contact{{ID: "k", Person: "p1", Professional: "c1", At: at}}}, "contacts[0].professional", "c1"},
		{"contact without time", Batch{Contacts: []Contact{{ID: "k", Person: "p1", Professional: "pro1"}}}, "contacts[0].at", ""},
		{"contact bad mode", Batch{Contacts: []Contact{{ID: "k", Person: "p1", Professional: "pro1", At: at, Mode: "telepathy"}}}, "contacts[0].mode", "telepathy"},
		{"referral to a person", Batch{Referrals: []Referral{{ID: "r", Person: "p1", From: "pro1", To: "p1", At: at}}}, "referrals[0].to", "p1"},
		{"delete missing", Batch{DeleteNodes: []DeleteNode{{ID: "ghost"}}}, "deleteNodes[0].id", "ghost"},
		{"reference to node deleted in same batch", Batch{DeleteNodes: []DeleteNode{{ID: "c1", Cascade: true}}, Relationships: []Relationship{{Type: CaresFor, From: "c1", To: "p1", Span: Always}}}, "relationships[0].from", "c1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.batch
			b.Normalise()
			err := b.Validate(lookupOf(store))
			if ErrorCode(err) != Invalid {
				t.Fatalf("code = %q, want INVALID (err %v)", ErrorCode(err), err)
			}
			for _, p := range ErrorProblems(err) {
				if p.Field == tt.field && p.Value == tt.value {
					return
				}
			}
			t.Fatalf("no problem at %s=%q in %v", tt.field, tt.value, err)
		})
	}
}

func TestValidateAcceptsAWholeWeb(t *testing.T) {
	b := Batch{
		Nodes: []Node{
			{ID: "p", Kind: KindPerson, Name: "P"},
			{ID: "c", Kind: KindCarer, Name: "C"},
			{ID: "g", Kind: KindProfessional, Name: "G", Role: RoleGP},
			{ID: "o", Kind: KindOrganisation, Name: "O"},
		},
		Relationships: []Relationship{
			{Type: CaresFor, From: "c", To: "p", Span: Always, Consent: true},
			{Type: InvolvedIn, From: "g", To: "p", Span: Span{From: MakeDate(2024, 1, 1), To: NoEnd}, Coordinator: true},
			{Type: WorksIn, From: "g", To: "o", Span: Always},
			{Type: LinkedTo, From: "c", To: "g", Span: Always},
		},
		Contacts:  []Contact{{ID: "k", Person: "p", Professional: "g", At: at}},
		Referrals: []Referral{{ID: "r", Person: "p", From: "g", To: "o", At: at}},
	}
	b.Normalise()
	if err := b.Validate(lookupOf(nil)); err != nil {
		t.Fatal(err)
	}
	if b.Nodes[3].Sector != SectorOther || b.Contacts[0].Mode != ModeOther {
		t.Fatalf("defaults not filled: %+v %+v", b.Nodes[3], b.Contacts[0])
	}
	if want := "CARES_FOR:c:p:open"; b.Relationships[0].ID != want {
		t.Fatalf("derived id %q, want %q", b.Relationships[0].ID, want)
	}
}

func TestProblemsAreBounded(t *testing.T) {
	var b Batch
	for i := 0; i < 3*MaxProblems; i++ {
		b.Nodes = append(b.Nodes, Node{ID: "", Kind: KindPerson})
	}
	err := b.Validate(lookupOf(nil))
	ps := ErrorProblems(err)
	if len(ps) != MaxProblems+1 || !strings.Contains(ps[MaxProblems].Message, "more problems") {
		t.Fatalf("got %d problems, last %v", len(ps), ps[len(ps)-1])
	}
}

func TestErrorCodesAndMessages(t *testing.T) {
	inner := errors.New("bolt://secret-host:7687 Cypher MATCH (n)")
	err := Wrap(Internal, inner, "reading node")
	if ErrorCode(err) != Internal || ErrorMessage(err) != "internal error" {
		t.Fatalf("internal error leaks: %q", ErrorMessage(err))
	}
	if ErrorCode(errors.New("plain")) != Internal || ErrorCode(nil) != "" {
		t.Fatal("codes of plain and nil errors")
	}
	nf := Errorf(NotFound, "no node %q", "x")
	if ErrorCode(nf) != NotFound || ErrorMessage(nf) != `no node "x"` {
		t.Fatalf("not found: %q", ErrorMessage(nf))
	}
}

func TestDatesAndSpans(t *testing.T) {
	d, err := ParseDate("2024-02-29")
	if err != nil || d.String() != "2024-02-29" {
		t.Fatalf("%v %v", d, err)
	}
	if _, err := ParseDate("2023-02-29"); err == nil {
		t.Fatal("accepted 2023-02-29")
	}
	if DateOf(time.Date(2024, 3, 1, 23, 59, 0, 0, time.FixedZone("x", -3600))) != MakeDate(2024, 3, 2) {
		t.Fatal("DateOf must use the UTC day")
	}
	s := Span{From: MakeDate(2024, 1, 1), To: MakeDate(2024, 1, 31)}
	if !s.Overlaps(AsOf(MakeDate(2024, 1, 31))) || s.Overlaps(AsOf(MakeDate(2024, 2, 1))) || !s.Overlaps(Always) {
		t.Fatal("overlap at the inclusive end")
	}
	if NoEnd.String() != "" || NoEnd.AddDays(5) != NoEnd {
		t.Fatal("open sentinels")
	}
}

func TestPageRange(t *testing.T) {
	ids := []string{"a", "b", "c", "d", "e"}
	key := func(i int) []string { return []string{ids[i]} }
	lo, hi, info, err := PageRange(5, 1, key, Page{First: 2}, "")
	if err != nil || lo != 0 || hi != 2 || !info.HasNextPage || info.HasPreviousPage || info.TotalCount != 5 {
		t.Fatalf("first page: %d %d %+v %v", lo, hi, info, err)
	}
	lo, hi, info, _ = PageRange(5, 1, key, Page{First: 2, After: EncodeCursor("d")}, "")
	if lo != 4 || hi != 5 || info.HasNextPage || !info.HasPreviousPage {
		t.Fatalf("last page: %d %d %+v", lo, hi, info)
	}
	lo, hi, _, _ = PageRange(5, 1, key, Page{Last: 2, Before: EncodeCursor("c")}, "")
	if lo != 0 || hi != 2 {
		t.Fatalf("last/before: %d %d", lo, hi)
	}
	lo, hi, _, _ = PageRange(0, 1, key, Page{First: 3}, "")
	if lo != 0 || hi != 0 {
		t.Fatal("empty list")
	}
	for _, p := range []Page{{After: "%%%"}, {First: -1}, {First: 1, Last: 1}, {First: MaxPageSize + 1}, {After: EncodeCursor("a", "b")}} {
		if _, _, _, err := PageRange(5, 1, key, p, "people."); ErrorCode(err) != Invalid {
			t.Fatalf("%+v: %v", p, err)
		}
	}
}

// BenchmarkValidateContacts is the check an import makes of every
// contact (twice: the importer's check pass and the store's apply).
func BenchmarkValidateContacts(b *testing.B) {
	const n = 20000
	kinds := map[string]Kind{}
	var batch Batch
	start := time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)
	for i := range 1000 {
		kinds[fmt.Sprintf("p-%04d", i)] = KindPerson
	}
	for i := range 100 {
		kinds[fmt.Sprintf("pro%04d", i)] = KindProfessional
		kinds[fmt.Sprintf("org%04d", i)] = KindOrganisation
	}
	for i := range n {
		batch.Contacts = append(batch.Contacts, Contact{
			ID: fmt.Sprintf("k%08d", i), Person: fmt.Sprintf("p-%04d", i%1000),
			Professional: fmt.Sprintf("pro%04d", i%100), Organisation: fmt.Sprintf("org%04d", i%100),
			At: start.Add(time.Duration(i) * time.Minute), Mode: Modes[i%len(Modes)], Setting: "clinic",
		})
	}
	lookup := func(id string) (Kind, bool) { k, ok := kinds[id]; return k, ok }
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := batch.Validate(lookup); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/contact")
}

package handoff_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/careweb/careweb/internal/metrics/continuity"
	"github.com/careweb/careweb/internal/metrics/handoff"
	"github.com/careweb/careweb/internal/metrics/internal/oracle"
	"github.com/careweb/careweb/internal/metrics/measure"
)

// TestH1T1 checks oracles H1 (handoffs) and T1 (setting transitions) of
// METRICS-REFERENCE §3.2 / §5.5.
func TestH1T1(t *testing.T) {
	var file struct {
		Contacts []struct {
			Professional, Organisation, Sector string
			Day                                int64
		}
		Referrals []struct {
			From, To string
			Day      int64
		}
		Expect struct {
			Handoffs, CrossOrganisation, CrossSector, Supported, Unsupported int
		}
		T1 struct {
			Settings    []string
			Transitions int
		}
	}
	oracle.Load(t, "h1_handoffs.json", &file)
	codes := map[string]int{}
	code := func(s string) int {
		if c, ok := codes[s]; ok {
			return c
		}
		codes[s] = len(codes)
		return codes[s]
	}
	var contacts []handoff.Contact
	for _, c := range file.Contacts {
		contacts = append(contacts, handoff.Contact{Professional: code(c.Professional), Organisation: code(c.Organisation), Sector: code(c.Sector), Day: c.Day})
	}
	var ev handoff.Evidence
	for _, r := range file.Referrals {
		ev.Referrals = append(ev.Referrals, handoff.Referral{From: code(r.From), To: code(r.To), Day: r.Day})
	}
	got, err := handoff.Count(contacts, ev)
	if err != nil {
		t.Fatal(err)
	}
	e := file.Expect
	want := handoff.Counts{Total: e.Handoffs, CrossOrganisation: e.CrossOrganisation, CrossSector: e.CrossSector, Supported: e.Supported, Unsupported: e.Unsupported}
	if got != want {
		t.Errorf("H1 = %+v, want %+v", got, want)
	}
	// Without the referrals nothing is supported.
	if got, _ := handoff.Count(contacts, handoff.Evidence{}); got.Supported != 0 || got.Unsupported != e.Handoffs {
		t.Errorf("H1 without referrals = %+v", got)
	}

	var settings []int
	for _, s := range file.T1.Settings {
		settings = append(settings, code(s))
	}
	if got := handoff.SettingTransitions(settings); got != file.T1.Transitions {
		t.Errorf("T1 transitions = %d, want %d", got, file.T1.Transitions)
	}
}

// TestSupport checks each clause of Part 1 rule 15.
func TestSupport(t *testing.T) {
	const a, b = 1, 2         // professionals
	const orgA, orgB = 10, 20 // organisations
	pair := []handoff.Contact{
		{Professional: a, Organisation: orgA, Sector: 0, Day: 100},
		{Professional: b, Organisation: orgB, Sector: 1, Day: 110},
	}
	sameOrg := []handoff.Contact{
		{Professional: a, Organisation: orgA, Sector: 0, Day: 100},
		{Professional: b, Organisation: orgA, Sector: 0, Day: 110},
	}
	tests := []struct {
		name     string
		contacts []handoff.Contact
		ev       handoff.Evidence
		want     bool
	}{
		{"nothing", pair, handoff.Evidence{}, false},
		{"referral on date(c1)", pair, handoff.Evidence{Referrals: []handoff.Referral{{From: a, To: b, Day: 100}}}, true},
		{"referral on date(c2)", pair, handoff.Evidence{Referrals: []handoff.Referral{{From: a, To: b, Day: 110}}}, true},
		{"referral before c1", pair, handoff.Evidence{Referrals: []handoff.Referral{{From: a, To: b, Day: 99}}}, false},
		{"referral after c2", pair, handoff.Evidence{Referrals: []handoff.Referral{{From: a, To: b, Day: 111}}}, false},
		{"referral the wrong way", pair, handoff.Evidence{Referrals: []handoff.Referral{{From: b, To: a, Day: 105}}}, false},
		{"referral about someone else's pair", pair, handoff.Evidence{Referrals: []handoff.Referral{{From: a, To: 3, Day: 105}}}, false},
		{"professional link active on date(c2)", pair, handoff.Evidence{ProfessionalLinks: []handoff.Link{{A: b, B: a, From: 110, To: 110}}}, true},
		{"professional link open-ended", pair, handoff.Evidence{ProfessionalLinks: []handoff.Link{{A: a, B: b, From: handoff.NoStart, To: handoff.NoEnd}}}, true},
		{"professional link ended before c2", pair, handoff.Evidence{ProfessionalLinks: []handoff.Link{{A: a, B: b, From: 0, To: 109}}}, false},
		{"organisation link active", pair, handoff.Evidence{OrganisationLinks: []handoff.Link{{A: orgB, B: orgA, From: 50, To: handoff.NoEnd}}}, true},
		{"organisation link not yet active", pair, handoff.Evidence{OrganisationLinks: []handoff.Link{{A: orgA, B: orgB, From: 111, To: handoff.NoEnd}}}, false},
		{"organisation link needs different organisations", sameOrg, handoff.Evidence{OrganisationLinks: []handoff.Link{{A: orgA, B: orgA, From: handoff.NoStart, To: handoff.NoEnd}}}, false},
	}
	for _, tt := range tests {
		got, err := handoff.Count(tt.contacts, tt.ev)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got.Total != 1 || (got.Supported == 1) != tt.want || got.Supported+got.Unsupported != 1 {
			t.Errorf("%s: %+v, want supported = %v", tt.name, got, tt.want)
		}
	}
}

func TestCountsEdgeCases(t *testing.T) {
	for _, cs := range [][]handoff.Contact{nil, {{Professional: 1, Day: 1}}} {
		if got, err := handoff.Count(cs, handoff.Evidence{}); err != nil || got != (handoff.Counts{}) {
			t.Errorf("Count(%v) = %+v, %v, want zeros", cs, got, err)
		}
	}
	// The same professional twice is no handoff, even if the recorded
	// organisation changes (rule 14 counts among switches).
	same := []handoff.Contact{{Professional: 1, Organisation: 1, Sector: 1, Day: 1}, {Professional: 1, Organisation: 2, Sector: 2, Day: 2}}
	if got, _ := handoff.Count(same, handoff.Evidence{}); got != (handoff.Counts{}) {
		t.Errorf("same professional = %+v, want zeros", got)
	}
	unknown := []handoff.Contact{{Professional: 1, Organisation: -1, Sector: 0, Day: 1}, {Professional: 2, Organisation: 3, Sector: -1, Day: 2}}
	got, _ := handoff.Count(unknown, handoff.Evidence{OrganisationLinks: []handoff.Link{{A: -1, B: 3, From: handoff.NoStart, To: handoff.NoEnd}}})
	want := handoff.Counts{Total: 1, UnknownOrganisation: 1, UnknownSector: 1, Unsupported: 1}
	if got != want {
		t.Errorf("unknown organisation and sector = %+v, want %+v", got, want)
	}

	if _, err := handoff.Count([]handoff.Contact{{Day: 2}, {Day: 1}}, handoff.Evidence{}); err == nil {
		t.Error("contacts out of order: no error")
	}
	if _, err := handoff.Count(nil, handoff.Evidence{ProfessionalLinks: []handoff.Link{{A: 1, B: 2, From: 5, To: 4}}}); err == nil {
		t.Error("link ending before it starts: no error")
	}
}

func TestRates(t *testing.T) {
	tests := []struct {
		name string
		got  measure.Value
		want string
	}{
		{"per contact", handoff.PerContact(6, 8), "3/4"},
		{"per contact, no contacts", handoff.PerContact(0, 0), "null"},
		{"per month over four years", handoff.PerMonth(48, 1461), "1"},
		{"per month, no time", handoff.PerMonth(3, 0), "null"},
		{"per person-year", handoff.PerPersonYear(5, 1461), "5/4"},
		{"per person-year, no time", handoff.PerPersonYear(5, -1), "null"},
	}
	for _, tt := range tests {
		oracle.Check(t, tt.name, tt.got, tt.want)
	}
	// A month is 30.4375 days.
	if v := handoff.PerMonth(2, 61); math.Abs(v.V-2*30.4375/61) > 1e-12 {
		t.Errorf("PerMonth(2, 61) = %v", v)
	}
}

// TestProperties checks, on seeded random contact sequences, the §1.9
// identity handoffs = (N − 1)(1 − SECON) and the order of the counts.
func TestProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 15))
	for i := 0; i < 2000; i++ {
		n := 2 + r.IntN(11)
		contacts := make([]handoff.Contact, n)
		prof := make([]int, n)
		var day int64
		for j := range contacts {
			p := r.IntN(5)
			org := p / 2 // professionals 0,1 share an organisation, as do 2,3
			day += r.Int64N(3)
			contacts[j] = handoff.Contact{Professional: p, Organisation: org, Sector: org / 2, Day: day}
			prof[j] = p
		}
		var ev handoff.Evidence
		for k := 0; k < 3; k++ {
			ev.Referrals = append(ev.Referrals, handoff.Referral{From: r.IntN(5), To: r.IntN(5), Day: r.Int64N(day + 1)})
			ev.ProfessionalLinks = append(ev.ProfessionalLinks, handoff.Link{A: r.IntN(5), B: r.IntN(5), From: r.Int64N(day + 1), To: day})
		}
		c, err := handoff.Count(contacts, ev)
		if err != nil {
			t.Fatal(err)
		}
		secon := continuity.SECON(prof)
		if want := float64(n-1) * (1 - secon.V); math.Abs(float64(c.Total)-want) > 1e-9 {
			t.Errorf("%v: handoffs %d ≠ (N − 1)(1 − SECON) = %v", prof, c.Total, want)
		}
		if c.Total != continuity.Switches(prof) {
			t.Errorf("%v: handoffs %d ≠ switches %d", prof, c.Total, continuity.Switches(prof))
		}
		// Sector is a function of organisation here, so a sector change is
		// an organisation change.
		if !(c.CrossSector <= c.CrossOrganisation && c.CrossOrganisation <= c.Total &&
			c.Supported+c.Unsupported == c.Total && c.Supported >= 0 && c.Unsupported >= 0) {
			t.Errorf("%v: counts out of order: %+v", prof, c)
		}
	}
}

package analysis

import (
	"fmt"
	"testing"
	"time"

	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/metrics/measure"
)

// seqWorld is a person seeing professionals A..E (in organisations OA..OE
// of sectors SA..SE, one each) on the given contacts.
func seqWorld() *world {
	w := &world{}
	for _, p := range []string{"A", "B", "C", "D", "E"} {
		w.org("O"+p, care.Sector("S"+p)).prof(p).worksIn(p, "O"+p, care.Always)
	}
	return w
}

func mustContinuity(t *testing.T, c *Computer, rec *care.PersonRecord, opt Options) Continuity {
	t.Helper()
	got, err := c.Continuity(rec, opt)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// Rule 1: a contact is in W when its UTC date lies in W, both ends included.
func TestRule1WindowInclusiveUTC(t *testing.T) {
	w := seqWorld()
	rec := w.person("P")
	plus2 := time.FixedZone("UTC+2", 2*3600)
	rec.Contacts = []care.Contact{
		contactAt("c0", "P", "A", at(t, "2024-01-31T23:59:59Z"), ""),                                        // day before
		contactAt("c1", "P", "B", at(t, "2024-02-01T00:00:00Z"), ""),                                        // first day
		contactAt("c2", "P", "C", time.Date(2024, 2, 1, 1, 30, 0, 0, plus2), ""),                            // 2024-01-31 23:30 UTC: before
		contactAt("c3", "P", "D", at(t, "2024-02-29T23:59:59Z"), ""),                                        // last day
		contactAt("c4", "P", "E", time.Date(2024, 3, 1, 1, 0, 0, 0, plus2), ""),                             // 2024-02-29 23:00 UTC: in
		contactAt("c5", "P", "A", at(t, "2024-03-01T00:00:00Z"), ""),                                        // day after
		contactAt("c6", "P", "B", time.Date(2024, 2, 29, 23, 30, 0, 0, time.FixedZone("UTC-1", -3600)), ""), // 2024-03-01 00:30 UTC: after
	}
	c := NewPopulation(w.index()).NewComputer()
	got := mustContinuity(t, c, rec, Options{Window: window(t, "2024-02-01", "2024-02-29")})
	if got.Contacts != 3 || got.Providers != 3 {
		t.Errorf("contacts/providers = %d/%d, want 3/3 (B, D, E)", got.Contacts, got.Providers)
	}
	// Open ends: everything up to / from a day.
	got = mustContinuity(t, c, rec, Options{Window: care.Window{From: care.NoStart, To: day(t, "2024-01-31")}})
	if got.Contacts != 2 {
		t.Errorf("open start: contacts = %d, want 2 (A, C)", got.Contacts)
	}
	got = mustContinuity(t, c, rec, Options{Window: care.Window{From: day(t, "2024-03-01"), To: care.NoEnd}})
	if got.Contacts != 2 {
		t.Errorf("open end: contacts = %d, want 2", got.Contacts)
	}
	// The zero window is all time.
	if got := mustContinuity(t, c, rec, Options{}); got.Contacts != 7 {
		t.Errorf("all time: contacts = %d, want 7", got.Contacts)
	}
}

// Rule 2: one professional, one UTC day, counts once: the earliest by
// timestamp, then by contact id; before any level mapping.
func TestRule2Deduplication(t *testing.T) {
	w := seqWorld()
	w.prof("A2").worksIn("A2", "OA", care.Always)
	rec := w.person("P")
	rec.Contacts = []care.Contact{
		contactAt("c3", "P", "A", at(t, "2024-05-01T08:00:00Z"), "OC"), // earliest on the day, but...
		contactAt("c2", "P", "A", at(t, "2024-05-01T08:00:00Z"), "OB"), // ...the same time and a smaller id
		contactAt("c1", "P", "A", at(t, "2024-05-01T09:00:00Z"), "OD"), // smallest id, later
		contactAt("c4", "P", "A", at(t, "2024-05-01T23:00:00Z"), "OE"),
		contactAt("c5", "P", "A2", at(t, "2024-05-01T10:00:00Z"), ""),  // another professional, same organisation OA? no: OA via WORKS_IN
		contactAt("c6", "P", "A", at(t, "2024-05-02T00:30:00Z"), "OD"), // the next day counts
	}
	c := NewPopulation(w.index()).NewComputer()
	got := mustContinuity(t, c, rec, Options{Level: Organisation})
	// Kept: c2 (OB), c5 (OA via WORKS_IN), c6 (OD) — in that order.
	if got.Contacts != 3 || got.Providers != 3 {
		t.Fatalf("organisation level: contacts/providers = %d/%d, want 3/3", got.Contacts, got.Providers)
	}
	if got.UsualProvider != "OD" {
		t.Errorf("usual organisation = %q, want OD (the latest of three tied: c2→OB, c5→OA, c6→OD)", got.UsualProvider)
	}
	prof := mustContinuity(t, c, rec, Options{})
	if prof.Contacts != 3 || prof.Providers != 2 {
		t.Errorf("professional level: contacts/providers = %d/%d, want 3/2", prof.Contacts, prof.Providers)
	}
	// Deduplication is at professional level first: two professionals of
	// one organisation on one day are two contacts with that organisation.
	rec2 := w.person("Q")
	rec2.Contacts = []care.Contact{
		contactAt("q1", "Q", "A", at(t, "2024-05-01T08:00:00Z"), ""),
		contactAt("q2", "Q", "A2", at(t, "2024-05-01T09:00:00Z"), ""),
	}
	got = mustContinuity(t, c, rec2, Options{Level: Organisation})
	if got.Contacts != 2 || got.Providers != 1 {
		t.Errorf("two professionals, one organisation, one day: contacts/providers = %d/%d, want 2/1", got.Contacts, got.Providers)
	}
	checkValue(t, "coc", got.COC, "1")
}

// Rule 3: order by timestamp, then contact id; SECON and handoffs see it.
func TestRule3Order(t *testing.T) {
	w := seqWorld()
	rec := w.person("P")
	t0 := at(t, "2024-05-01T08:00:00Z")
	// Given out of order; true order: A(x1) B(x2, same time, larger id) A(t0+1d) B(t0+2d).
	rec.Contacts = []care.Contact{
		contactAt("x4", "P", "B", t0.AddDate(0, 0, 2), ""),
		contactAt("x2", "P", "B", t0, ""),
		contactAt("x3", "P", "A", t0.AddDate(0, 0, 1), ""),
		contactAt("x1", "P", "A", t0, ""),
	}
	c := NewPopulation(w.index()).NewComputer()
	got := mustContinuity(t, c, rec, Options{})
	checkValue(t, "secon of ABAB", got.SECON, "0")
	h, _ := c.Handoffs(rec, Options{})
	if h.Total != 3 {
		t.Errorf("handoffs = %d, want 3", h.Total)
	}
	// Swap the ids of the simultaneous pair: B x1 … A x2 → B A A B.
	rec.Contacts[1].ID, rec.Contacts[3].ID = "x1", "x2"
	got = mustContinuity(t, c, rec, Options{})
	checkValue(t, "secon of BAAB", got.SECON, "1/3")
}

// Rule 4: ORGANISATION is the recorded organisation, else the WORKS_IN on
// the contact's day; SECTOR that organisation's sector.
func TestRule4Levels(t *testing.T) {
	w := &world{}
	w.org("O1", "primary_care").org("O2", "social_care").org("O3", "primary_care").org("O4", "voluntary").org("O5", "housing")
	w.prof("X", "Y")
	w.worksIn("X", "O1", care.Span{From: care.NoStart, To: day(t, "2024-03-31")})
	w.worksIn("X", "O2", care.Span{From: day(t, "2024-04-01"), To: care.NoEnd})
	// Y has two jobs at once from June: the later start wins (O5 over O4),
	// and between equal starts the smaller organisation id.
	w.worksIn("Y", "O4", care.Span{From: day(t, "2024-01-01"), To: care.NoEnd})
	w.worksIn("Y", "O5", care.Span{From: day(t, "2024-06-01"), To: care.NoEnd})
	w.worksIn("Y", "O3", care.Span{From: day(t, "2024-09-01"), To: care.NoEnd})
	w.worksIn("Y", "O1", care.Span{From: day(t, "2024-09-01"), To: care.NoEnd})
	ix := w.index()
	for _, tc := range []struct {
		prof, day, want string
	}{
		{"X", "2024-03-31", "O1"}, {"X", "2024-04-01", "O2"}, {"Y", "2023-12-31", ""},
		{"Y", "2024-05-31", "O4"}, {"Y", "2024-06-01", "O5"}, {"Y", "2024-09-01", "O1"},
	} {
		got, ok := ix.OrganisationOn(tc.prof, day(t, tc.day))
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("OrganisationOn(%s, %s) = %q, %v; want %q", tc.prof, tc.day, got, ok, tc.want)
		}
	}

	rec := w.person("P")
	rec.Contacts = []care.Contact{
		contactAt("c1", "P", "X", at(t, "2024-03-15T10:00:00Z"), ""),   // O1 primary_care
		contactAt("c2", "P", "X", at(t, "2024-04-15T10:00:00Z"), ""),   // O2 social_care
		contactAt("c3", "P", "X", at(t, "2024-05-01T10:00:00Z"), "O3"), // recorded: O3 primary_care
		contactAt("c4", "P", "Y", at(t, "2023-12-01T10:00:00Z"), ""),   // no WORKS_IN yet: unresolved
		contactAt("c5", "P", "Y", at(t, "2024-07-01T10:00:00Z"), ""),   // O5 housing
	}
	c := NewPopulation(ix).NewComputer()
	org := mustContinuity(t, c, rec, Options{Level: Organisation})
	if org.Contacts != 4 || org.Providers != 4 || org.Unresolved != 1 {
		t.Errorf("organisation level: contacts/providers/unresolved = %d/%d/%d, want 4/4/1", org.Contacts, org.Providers, org.Unresolved)
	}
	sec := mustContinuity(t, c, rec, Options{Level: Sector})
	if sec.Contacts != 4 || sec.Providers != 3 || sec.UsualProvider != "primary_care" {
		t.Errorf("sector level: contacts/providers/usual = %d/%d/%q, want 4/3/primary_care", sec.Contacts, sec.Providers, sec.UsualProvider)
	}
	checkValue(t, "sector upc", sec.UPC, "1/2")
	prof := mustContinuity(t, c, rec, Options{})
	if prof.Contacts != 5 || prof.Unresolved != 0 {
		t.Errorf("professional level: contacts %d unresolved %d, want 5, 0", prof.Contacts, prof.Unresolved)
	}
	// FCI is at the organisation level (rule 8) over the resolved contacts:
	// O1 O2 O3 O5, all different.
	fr, _ := c.Fragmentation(rec, Options{})
	checkValue(t, "fci", fr.FCI, "1")
	// In time order: c4 (Y, unresolved) c1 c2 c3 (X) c5 (Y). The switch
	// c4→c1 touches the unresolved contact: counted as unknown, not as
	// crossing; c3→c5 crosses organisation and sector; c1→c2 is no switch.
	h, _ := c.Handoffs(rec, Options{})
	if h.Total != 2 || h.UnknownOrganisation != 1 || h.CrossOrganisation != 1 || h.CrossSector != 1 {
		t.Errorf("handoffs %+v, want total 2, unknown organisation 1, cross organisation 1, cross sector 1", h)
	}
}

// Rule 5: ratios (and FCI) are null below minContacts; counts never.
func TestRule5MinContacts(t *testing.T) {
	w := seqWorld()
	c := NewPopulation(w.index()).NewComputer()
	none := w.person("N")
	one := w.person("O")
	one.Contacts = []care.Contact{contactAt("o1", "O", "A", at(t, "2024-01-01T10:00:00Z"), "")}
	two := w.person("T")
	two.Contacts = []care.Contact{
		contactAt("t1", "T", "A", at(t, "2024-01-01T10:00:00Z"), ""),
		contactAt("t2", "T", "B", at(t, "2024-01-02T10:00:00Z"), ""),
	}
	ratios := func(c Continuity) map[string]measure.Value {
		return map[string]measure.Value{"upc": c.UPC, "coc": c.COC, "hhi": c.HHI, "secon": c.SECON, "mmci": c.MMCI, "kpc": c.KPC}
	}
	got := mustContinuity(t, c, none, Options{})
	for name, v := range ratios(got) {
		checkNull(t, "no contacts: "+name, v, measure.NoContacts)
	}
	if got.Contacts != 0 || got.Providers != 0 || got.UsualProvider != "" || got.UsualProviderReason != measure.NoContacts {
		t.Errorf("no contacts: %+v", got)
	}
	got = mustContinuity(t, c, one, Options{})
	for name, v := range ratios(got) {
		checkNull(t, "one contact: "+name, v, measure.BelowMinContacts)
	}
	if got.Contacts != 1 || got.Providers != 1 || got.UsualProvider != "A" {
		t.Errorf("one contact: counts %d/%d, usual %q; the usual provider is not a ratio", got.Contacts, got.Providers, got.UsualProvider)
	}
	// minContacts 1: UPC, HHI, MMCI exist at N = 1; COC and SECON do not.
	got = mustContinuity(t, c, one, Options{MinContacts: 1})
	checkValue(t, "upc", got.UPC, "1")
	checkValue(t, "mmci", got.MMCI, "1")
	checkNull(t, "coc", got.COC, measure.SingleContact)
	checkValue(t, "kpc (nothing seen before)", got.KPC, "0")
	// minContacts 3 with N = 2: null; FCI too.
	got = mustContinuity(t, c, two, Options{MinContacts: 3})
	checkNull(t, "upc", got.UPC, measure.BelowMinContacts)
	fr, _ := c.Fragmentation(two, Options{MinContacts: 3})
	checkNull(t, "fci", fr.FCI, measure.BelowMinContacts)
	fr, _ = c.Fragmentation(two, Options{})
	checkValue(t, "fci", fr.FCI, "1")
	h, _ := c.Handoffs(two, Options{MinContacts: 3})
	if h.Total != 1 {
		t.Errorf("handoffs are counts, not gated: %d", h.Total)
	}
}

// Rule 6: the usual provider — the most seen; ties to (a) a named
// coordinator among the tied, (b) the latest contact, (c) the smallest id.
func TestRule6UsualProvider(t *testing.T) {
	w := seqWorld()
	c := NewPopulation(w.index()).NewComputer()
	mk := func(id, seq string, coordinators ...string) *care.PersonRecord {
		rec := w.person(id)
		for i, p := range seq {
			rec.Contacts = append(rec.Contacts, contactAt(fmt.Sprint(id, i), id, string(p), at(t, "2024-01-01T10:00:00Z").AddDate(0, 0, i), ""))
		}
		for _, co := range coordinators {
			rec.Relationships = append(rec.Relationships, involved(co, id, care.Always, true))
		}
		return rec
	}
	for _, tc := range []struct {
		name, seq string
		coords    []string
		level     Level
		want      string
	}{
		{"most seen", "ABBBA", nil, Professional, "B"},
		{"most seen beats coordinator", "ABBBA", []string{"A"}, Professional, "B"},
		{"(a) coordinator among the tied", "ABBA", []string{"B"}, Professional, "B"},
		{"(a) coordinator not among the tied is ignored", "ABBAC", []string{"C"}, Professional, "A"},
		{"(b) latest contact", "ABBA", nil, Professional, "A"},
		{"(b) latest contact", "BAAB", nil, Professional, "B"},
		{"(a)+(b) two coordinators tied: the latest", "ABBAC", []string{"A", "B"}, Professional, "A"},
		{"(a) at organisation level", "ABBA", []string{"B"}, Organisation, "OB"},
		{"(a) at sector level", "ABBA", []string{"B"}, Sector, "SB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := mustContinuity(t, c, mk("P"+tc.seq, tc.seq, tc.coords...), Options{Level: tc.level})
			if got.UsualProvider != tc.want {
				t.Errorf("usual provider of %s (coordinators %v) = %q, want %q", tc.seq, tc.coords, got.UsualProvider, tc.want)
			}
		})
	}
	// (c) is never reached: rule 3's order is total, so two tied providers
	// never share a latest contact. At equal timestamps the contact id
	// decides which contact is later, and so which provider is usual.
	t.Run("(c) equal timestamps", func(t *testing.T) {
		rec := w.person("Pc")
		t0 := at(t, "2024-01-01T10:00:00Z")
		rec.Contacts = []care.Contact{
			contactAt("k2", "Pc", "A", t0, ""),
			contactAt("k1", "Pc", "B", t0, ""),
		}
		if got := mustContinuity(t, c, rec, Options{}); got.UsualProvider != "A" {
			t.Errorf("usual provider = %q, want A (contact k2 sorts after k1)", got.UsualProvider)
		}
	})
	// A coordinator whose role does not overlap the window is not named.
	t.Run("coordinator outside the window", func(t *testing.T) {
		rec := mk("Pw", "ABBA")
		rec.Relationships = []care.Relationship{involved("B", "Pw", care.Span{From: care.NoStart, To: day(t, "2023-12-31")}, true)}
		if got := mustContinuity(t, c, rec, Options{Window: window(t, "2024-01-01", "2024-12-31")}); got.UsualProvider != "A" {
			t.Errorf("usual provider = %q, want A", got.UsualProvider)
		}
	})
}

// Rule 7: known = the same provider seen in the 365 days before, history
// before the window included.
func TestRule7KPCLookback(t *testing.T) {
	w := seqWorld()
	c := NewPopulation(w.index()).NewComputer()
	win := window(t, "2024-06-01", "2024-12-31")
	for _, tc := range []struct {
		prior string
		want  string
	}{
		{"2023-06-02", "1"}, // 365 days before 2024-06-01 (2024 is a leap year)
		{"2023-06-01", "0"}, // 366 days
	} {
		rec := w.person("P" + tc.prior)
		rec.Contacts = []care.Contact{
			contactAt("h", rec.Person.ID, "A", day(t, tc.prior).Time(), ""),
			contactAt("w", rec.Person.ID, "A", win.From.Time().Add(time.Hour), ""),
		}
		got := mustContinuity(t, c, rec, Options{Window: win, MinContacts: 1})
		if got.Contacts != 1 {
			t.Fatalf("contacts = %d, want 1", got.Contacts)
		}
		checkValue(t, "kpc with history on "+tc.prior, got.KPC, tc.want)
	}
	// At organisation level the history is mapped too: A then B in one organisation.
	w.prof("B2").worksIn("B2", "OA", care.Always)
	c = NewPopulation(w.index()).NewComputer()
	rec := w.person("Porg")
	rec.Contacts = []care.Contact{
		contactAt("h", "Porg", "A", day(t, "2024-05-01").Time(), ""),
		contactAt("w", "Porg", "B2", day(t, "2024-06-02").Time(), ""),
	}
	got := mustContinuity(t, c, rec, Options{Window: win, MinContacts: 1, Level: Organisation})
	checkValue(t, "kpc at organisation level", got.KPC, "1")
	got = mustContinuity(t, c, rec, Options{Window: win, MinContacts: 1})
	checkValue(t, "kpc at professional level", got.KPC, "0")
}

// Rule 15: a switch a→b is supported by a referral a→b dated in
// [date(c1), date(c2)], a LINKED_TO a–b active on date(c2), or a LINKED_TO
// between their different organisations active on date(c2).
func TestRule15SupportedHandoffs(t *testing.T) {
	base := func() (*world, *care.PersonRecord) {
		w := seqWorld()
		w.prof("A2").worksIn("A2", "OA", care.Always)
		rec := w.person("P")
		rec.Contacts = []care.Contact{
			contactAt("c1", "P", "A", at(t, "2024-03-10T10:00:00Z"), ""),
			contactAt("c2", "P", "B", at(t, "2024-03-20T10:00:00Z"), ""),
		}
		return w, rec
	}
	ref := func(from, to, when string) care.Referral {
		return care.Referral{ID: "r-" + when, Person: "P", From: from, To: to, At: at(t, when)}
	}
	for _, tc := range []struct {
		name      string
		setup     func(*world, *care.PersonRecord)
		supported int
	}{
		{"nothing", func(*world, *care.PersonRecord) {}, 0},
		{"referral on date(c1)", func(_ *world, r *care.PersonRecord) {
			r.Referrals = append(r.Referrals, ref("A", "B", "2024-03-10T23:00:00Z"))
		}, 1},
		{"referral on date(c2), after the contact's time", func(_ *world, r *care.PersonRecord) {
			r.Referrals = append(r.Referrals, ref("A", "B", "2024-03-20T18:00:00Z"))
		}, 1},
		{"referral before date(c1)", func(_ *world, r *care.PersonRecord) {
			r.Referrals = append(r.Referrals, ref("A", "B", "2024-03-09T23:59:59Z"))
		}, 0},
		{"referral after date(c2)", func(_ *world, r *care.PersonRecord) {
			r.Referrals = append(r.Referrals, ref("A", "B", "2024-03-21T00:00:00Z"))
		}, 0},
		{"referral the other way", func(_ *world, r *care.PersonRecord) {
			r.Referrals = append(r.Referrals, ref("B", "A", "2024-03-15T00:00:00Z"))
		}, 0},
		{"referral between the organisations", func(_ *world, r *care.PersonRecord) {
			r.Referrals = append(r.Referrals, ref("OA", "OB", "2024-03-15T00:00:00Z"))
		}, 0},
		{"link active on date(c2)", func(w *world, _ *care.PersonRecord) {
			w.link("B", "A", care.Span{From: day(t, "2024-03-20"), To: day(t, "2024-03-20")})
		}, 1},
		{"link ended the day before date(c2)", func(w *world, _ *care.PersonRecord) {
			w.link("A", "B", care.Span{From: care.NoStart, To: day(t, "2024-03-19")})
		}, 0},
		{"organisation link active on date(c2)", func(w *world, _ *care.PersonRecord) {
			w.link("OB", "OA", care.Span{From: day(t, "2024-01-01"), To: care.NoEnd})
		}, 1},
		{"organisation link starting the day after", func(w *world, _ *care.PersonRecord) {
			w.link("OB", "OA", care.Span{From: day(t, "2024-03-21"), To: care.NoEnd})
		}, 0},
		{"link between a professional and the other's organisation", func(w *world, _ *care.PersonRecord) {
			w.link("A", "OB", care.Always)
		}, 0},
		{"organisation link, recorded organisations", func(w *world, r *care.PersonRecord) {
			w.org("OX", "other").org("OY", "other").link("OX", "OY", care.Always)
			r.Contacts[0].Organisation, r.Contacts[1].Organisation = "OX", "OY"
		}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, rec := base()
			tc.setup(w, rec)
			h, err := NewPopulation(w.index()).NewComputer().Handoffs(rec, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if h.Total != 1 || h.Supported != tc.supported || h.Unsupported != 1-tc.supported {
				t.Errorf("total/supported/unsupported = %d/%d/%d, want 1/%d/%d", h.Total, h.Supported, h.Unsupported, tc.supported, 1-tc.supported)
			}
		})
	}
	// Same organisation: an organisation link cannot apply (and none is needed to cross).
	t.Run("same organisation", func(t *testing.T) {
		w, rec := base()
		rec.Contacts[1].Professional = "A2"
		w.link("OA", "OA2", care.Always)
		h, _ := NewPopulation(w.index()).NewComputer().Handoffs(rec, Options{})
		if h.Total != 1 || h.CrossOrganisation != 0 || h.Supported != 0 {
			t.Errorf("%+v", h)
		}
	})
}

func TestOptionsValidate(t *testing.T) {
	for _, tc := range []struct {
		opt   Options
		field string
	}{
		{Options{Window: care.Window{From: 10, To: 9}}, "window.to"},
		{Options{Level: "CLINIC"}, "level"},
		{Options{Level: "organisation"}, "level"},
		{Options{MinContacts: -1}, "minContacts"},
		{Options{ChurnPeriod: "WEEK"}, "churnPeriod"},
	} {
		err := tc.opt.Validate()
		ps := care.ErrorProblems(err)
		if care.ErrorCode(err) != care.Invalid || len(ps) != 1 || ps[0].Field != tc.field {
			t.Errorf("%+v: %v, want Invalid at %s", tc.opt, err, tc.field)
		}
		c := NewPopulation(NewIndex(nil)).NewComputer()
		if _, err := c.Person(&care.PersonRecord{}, tc.opt); care.ErrorCode(err) != care.Invalid {
			t.Errorf("Person with %+v: %v", tc.opt, err)
		}
	}
	if err := (Options{}).Validate(); err != nil {
		t.Errorf("zero options: %v", err)
	}
	if _, err := NewPopulation(nil).NewComputer().Person(nil, Options{}); care.ErrorCode(err) != care.Invalid {
		t.Errorf("nil record: %v", err)
	}
	if l, ok := ParseLevel(" organization "); !ok || l != Organisation {
		t.Errorf("ParseLevel: %q %v", l, ok)
	}
}

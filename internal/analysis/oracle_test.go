package analysis

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/metrics/measure"
)

type jsonWindow struct{ From, To string }

func (w jsonWindow) window(t testing.TB) care.Window { return window(t, w.From, w.To) }

type w1File struct {
	Window        jsonWindow
	Person        string
	Carers        []string
	Organisations []struct{ ID, Sector string }
	Professionals []struct{ ID, Organisation string }
	Links         [][2]string
	Expect        struct {
		Professionals, Organisations, Sectors int
		NetworkFragmentation                  string
		ProfessionalFragmentation             string
		DistanceWeightedFragmentation         string
		CarerDependency                       string
		CarerBridgingShare                    string
	}
}

// w1World builds oracle W1 as domain data: the person's professionals are
// members through INVOLVED_IN, the carer through CARES_FOR.
func w1World(t testing.TB, f *w1File) (*world, *care.PersonRecord) {
	w := &world{}
	for _, o := range f.Organisations {
		w.org(o.ID, care.Sector(o.Sector))
	}
	w.carer(f.Carers...)
	rec := w.person(f.Person)
	for _, p := range f.Professionals {
		w.prof(p.ID).worksIn(p.ID, p.Organisation, care.Always)
		rec.Relationships = append(rec.Relationships, involved(p.ID, f.Person, care.Always, false))
	}
	for _, c := range f.Carers {
		rec.Relationships = append(rec.Relationships, caresFor(c, f.Person, care.Always))
	}
	for _, l := range f.Links {
		w.link(l[0], l[1], care.Always)
	}
	return w, rec
}

func checkW1(t *testing.T, f *w1File, got Fragmentation) {
	t.Helper()
	if got.Professionals != f.Expect.Professionals || got.Organisations != f.Expect.Organisations || got.Sectors != f.Expect.Sectors {
		t.Errorf("professionals/organisations/sectors = %d/%d/%d, want %d/%d/%d", got.Professionals, got.Organisations, got.Sectors,
			f.Expect.Professionals, f.Expect.Organisations, f.Expect.Sectors)
	}
	checkValue(t, "networkFragmentation", got.NetworkFragmentation, f.Expect.NetworkFragmentation)
	checkValue(t, "professionalFragmentation", got.ProfessionalFragmentation, f.Expect.ProfessionalFragmentation)
	checkValue(t, "distanceWeightedFragmentation", got.DistanceWeightedFragmentation, f.Expect.DistanceWeightedFragmentation)
	checkValue(t, "carerDependency", got.CarerDependency, f.Expect.CarerDependency)
	checkValue(t, "carerBridgingShare", got.CarerBridgingShare, f.Expect.CarerBridgingShare)
}

func TestOracleW1(t *testing.T) {
	var f w1File
	load(t, "w1_web.json", &f)
	opt := Options{Window: f.Window.window(t)}

	t.Run("relationships", func(t *testing.T) {
		w, rec := w1World(t, &f)
		got, err := NewPopulation(w.index()).NewComputer().Fragmentation(rec, opt)
		if err != nil {
			t.Fatal(err)
		}
		checkW1(t, &f, got)
		// No contacts: FCI has nothing to measure, care density no providers.
		checkNull(t, "fci", got.FCI, measure.NoContacts)
		checkNull(t, "careDensity", got.CareDensity, measure.TooFewProviders)
	})

	// Rule 9: a professional with a contact in W is a member without any
	// INVOLVED_IN; rule 10: links among members only, overlapping W;
	// organisation–organisation links add no edge.
	t.Run("members through contacts, distractors", func(t *testing.T) {
		w, rec := w1World(t, &f)
		var rels []care.Relationship
		for _, r := range rec.Relationships {
			if r.From != "VOL" && r.From != "HC" {
				rels = append(rels, r)
			}
		}
		rec.Relationships = rels
		rec.Contacts = []care.Contact{
			contactAt("c1", "P", "VOL", at(t, "2024-05-01T10:00:00Z"), ""),
			contactAt("c2", "P", "HC", at(t, "2024-12-31T23:59:59Z"), ""),
		}
		// An INVOLVED_IN that ended before W and one that starts after: not members.
		w.prof("OLD", "NEW").worksIn("OLD", "Council", care.Always).worksIn("NEW", "Charity", care.Always)
		rec.Relationships = append(rec.Relationships,
			involved("OLD", "P", care.Span{From: care.NoStart, To: day(t, "2023-12-31")}, false),
			involved("NEW", "P", care.Span{From: day(t, "2025-01-01"), To: care.NoEnd}, false))
		// A carer whose CARES_FOR ended before W.
		w.carer("EX")
		rec.Relationships = append(rec.Relationships, caresFor("EX", "P", care.Span{From: care.NoStart, To: day(t, "2023-06-30")}))
		// A professional with a contact only after W.
		w.prof("LATE").worksIn("LATE", "Charity", care.Always)
		rec.Contacts = append(rec.Contacts, contactAt("c3", "P", "LATE", at(t, "2025-01-01T00:00:00Z"), ""))
		// Organisation–organisation links (would join the professionals'
		// components if they counted), links to non-members, and a link
		// between members outside W.
		w.link("Surgery", "Council", care.Always).link("Charity", "HomeCareCo", care.Always)
		w.link("VOL", "OLD", care.Always).link("EX", "GP2", care.Always)
		w.link("VOL", "SW", care.Span{From: care.NoStart, To: day(t, "2023-12-31")})
		w.link("HC", "GP2", care.Span{From: day(t, "2025-01-01"), To: care.NoEnd})

		got, err := NewPopulation(w.index()).NewComputer().Fragmentation(rec, opt)
		if err != nil {
			t.Fatal(err)
		}
		checkW1(t, &f, got)
		if got.Carers != 1 {
			t.Errorf("carers = %d, want 1", got.Carers)
		}
	})

	// The same web with a member–member link that is active in W: the
	// professionals-only graph becomes connected.
	t.Run("a professional link joins the components", func(t *testing.T) {
		w, rec := w1World(t, &f)
		w.link("SW", "VOL", care.Span{From: day(t, "2024-12-31"), To: care.NoEnd})
		got, err := NewPopulation(w.index()).NewComputer().Fragmentation(rec, opt)
		if err != nil {
			t.Fatal(err)
		}
		checkValue(t, "professionalFragmentation", got.ProfessionalFragmentation, "0")
		checkValue(t, "carerDependency", got.CarerDependency, "0")
	})
}

type h1File struct {
	Window        jsonWindow
	Organisations []struct{ ID, Sector string }
	WorksIn       []struct{ Professional, Organisation string }
	Contacts      []struct{ ID, Professional, At, Organisation string }
	Referrals     []struct{ ID, From, To, At string }
	Expect        map[string]any
	T1            struct {
		Settings    []string
		Transitions int
	}
}

func h1World(t testing.TB, f *h1File) (*world, *care.PersonRecord) {
	w := &world{}
	for _, o := range f.Organisations {
		w.org(o.ID, care.Sector(o.Sector))
	}
	for _, wi := range f.WorksIn {
		w.prof(wi.Professional).worksIn(wi.Professional, wi.Organisation, care.Always)
	}
	rec := w.person("P")
	for _, c := range f.Contacts {
		rec.Contacts = append(rec.Contacts, contactAt(c.ID, "P", c.Professional, at(t, c.At), c.Organisation))
	}
	for _, r := range f.Referrals {
		rec.Referrals = append(rec.Referrals, care.Referral{ID: r.ID, Person: "P", From: r.From, To: r.To, At: at(t, r.At)})
	}
	return w, rec
}

func TestOracleH1(t *testing.T) {
	var f h1File
	load(t, "h1_handoffs.json", &f)
	w, rec := h1World(t, &f)
	c := NewPopulation(w.index()).NewComputer()
	opt := Options{Window: f.Window.window(t)}

	h, err := c.Handoffs(rec, opt)
	if err != nil {
		t.Fatal(err)
	}
	eh := f.Expect["handoffs"].(map[string]any)
	for name, got := range map[string]int{"total": h.Total, "crossOrganisation": h.CrossOrganisation,
		"crossSector": h.CrossSector, "supported": h.Supported, "unsupported": h.Unsupported} {
		if want := int(eh[name].(float64)); got != want {
			t.Errorf("handoffs.%s = %d, want %d", name, got, want)
		}
	}
	if h.UnknownOrganisation != 0 || h.UnknownSector != 0 {
		t.Errorf("unknown organisation/sector = %d/%d, want 0/0", h.UnknownOrganisation, h.UnknownSector)
	}
	checkValue(t, "handoffs per contact", h.PerContact, "6/8")
	// 6 switches over March's 31 days, a month being 30.4375 days.
	checkValue(t, "handoffs per month", h.PerMonth, fmt.Sprint(6*30.4375/31))

	for _, l := range Levels {
		t.Run(string(l), func(t *testing.T) {
			opt := opt
			opt.Level = l
			got, err := c.Continuity(rec, opt)
			if err != nil {
				t.Fatal(err)
			}
			e := f.Expect[string(l)].(map[string]any)
			if got.Contacts != int(e["contacts"].(float64)) || got.Providers != int(e["providers"].(float64)) {
				t.Errorf("contacts/providers = %d/%d, want %v/%v", got.Contacts, got.Providers, e["contacts"], e["providers"])
			}
			vals := map[string]measure.Value{"upc": got.UPC, "coc": got.COC, "hhi": got.HHI, "secon": got.SECON, "mmci": got.MMCI, "kpc": got.KPC}
			for name, v := range vals {
				if s, ok := e[name].(string); ok {
					checkValue(t, name, v, s)
				}
			}
			if got.UsualProvider != e["usualProvider"] {
				t.Errorf("usualProvider = %q, want %v", got.UsualProvider, e["usualProvider"])
			}
			if got.Level != l || got.Unresolved != 0 {
				t.Errorf("level %s unresolved %d", got.Level, got.Unresolved)
			}
		})
	}

	fr, err := c.Fragmentation(rec, opt)
	if err != nil {
		t.Fatal(err)
	}
	checkValue(t, "fci", fr.FCI, f.Expect["fci"].(string))
	if fr.Professionals != 6 || fr.Organisations != 5 || fr.Sectors != 3 {
		t.Errorf("professionals/organisations/sectors = %d/%d/%d, want 6/5/3", fr.Professionals, fr.Organisations, fr.Sectors)
	}

	t.Run("T1", func(t *testing.T) {
		w := (&world{}).prof("GP1")
		rec := w.person("P")
		for i, s := range f.T1.Settings {
			c := contactAt(fmt.Sprintf("t1-%d", i), "P", "GP1", at(t, "2024-03-01T09:00:00Z").AddDate(0, 0, i), "")
			c.Setting = s
			rec.Contacts = append(rec.Contacts, c)
		}
		// A contact with no setting recorded does not break the sequence.
		rec.Contacts = append(rec.Contacts, contactAt("t1-x", "P", "GP1", at(t, "2024-03-20T09:00:00Z"), ""))
		h, err := NewPopulation(w.index()).NewComputer().Handoffs(rec, opt)
		if err != nil {
			t.Fatal(err)
		}
		if h.SettingTransitions != f.T1.Transitions {
			t.Errorf("setting transitions = %d, want %d", h.SettingTransitions, f.T1.Transitions)
		}
		if h.Total != 0 {
			t.Errorf("one professional, handoffs = %d", h.Total)
		}
		checkValue(t, "per person-year", h.SettingTransitionsPerYear, fmt.Sprint(5*365.25/31))
	})
}

type k1File struct {
	Contacts []struct{ Date, Professional string }
	Window   jsonWindow
	Expect   struct {
		Contacts int
		KPC      string
	}
	Rule7S8 struct {
		Sequence  string
		Window    jsonWindow
		FirstDate string
		Expect    string
	}
}

func TestOracleK1(t *testing.T) {
	var f k1File
	load(t, "k1_kpc.json", &f)

	w := (&world{}).prof("A", "B", "C")
	c := NewPopulation(w.index()).NewComputer()
	rec := w.person("P")
	for i, k := range f.Contacts {
		rec.Contacts = append(rec.Contacts, contactAt(fmt.Sprint("k", i), "P", k.Professional, day(t, k.Date).Time().Add(10*time.Hour), ""))
	}
	got, err := c.Continuity(rec, Options{Window: f.Window.window(t)})
	if err != nil {
		t.Fatal(err)
	}
	if got.Contacts != f.Expect.Contacts {
		t.Errorf("contacts = %d, want %d", got.Contacts, f.Expect.Contacts)
	}
	checkValue(t, "kpc", got.KPC, f.Expect.KPC)
	// The usual provider's relationship began with the first contact, in
	// the history before the window (2023-01-10 to 2024-02-20).
	if got.UsualProvider != "A" || got.UsualProviderSince != day(t, "2023-01-10") {
		t.Errorf("usual provider %q since %s, want A since 2023-01-10", got.UsualProvider, got.UsualProviderSince)
	}
	checkValue(t, "usualProviderDays", got.UsualProviderDays, fmt.Sprint(int(day(t, "2024-02-20")-day(t, "2023-01-10"))))

	t.Run("S8 under rule 7", func(t *testing.T) {
		rec := w.person("S8")
		first := day(t, f.Rule7S8.FirstDate)
		for i, p := range f.Rule7S8.Sequence {
			rec.Contacts = append(rec.Contacts, contactAt(fmt.Sprint("s", i), "S8", string(p), first.AddDays(i).Time(), ""))
		}
		got, err := c.Continuity(rec, Options{Window: f.Rule7S8.Window.window(t)})
		if err != nil {
			t.Fatal(err)
		}
		checkValue(t, "kpc", got.KPC, f.Rule7S8.Expect)
	})
}

type cd1File struct {
	Window   jsonWindow
	Contacts [][2]string
	Expect   map[string]string
}

func TestOracleCD1(t *testing.T) {
	var f cd1File
	load(t, "cd1_care_density.json", &f)
	w := (&world{}).prof("A", "C", "D")
	recs := map[string]*care.PersonRecord{}
	win := f.Window.window(t)
	for i, pc := range f.Contacts {
		r := recs[pc[0]]
		if r == nil {
			r = w.person(pc[0])
			recs[pc[0]] = r
		}
		// Repeat contacts, and contacts outside the window, add nothing.
		for k := range 2 {
			r.Contacts = append(r.Contacts, contactAt(fmt.Sprint("cd", i, k), pc[0], pc[1], win.From.AddDays(10*i+k).Time(), ""))
		}
	}
	// A contact before the window must not make D and C share person 4.
	recs["4"].Contacts = append(recs["4"].Contacts, contactAt("cd-old", "4", "C", win.From.AddDays(-1).Time(), ""))
	// Person 4's records are now out of time order; analysis sorts them.
	st := &memStore{svc: w.svc, recs: w.recs}
	pop, err := BuildPopulation(context.Background(), st, win)
	if err != nil {
		t.Fatal(err)
	}
	if pop.People != 5 || pop.Sharing.Pairs() != 3 {
		t.Errorf("people %d, sharing pairs %d; want 5, 3", pop.People, pop.Sharing.Pairs())
	}
	c := pop.NewComputer()
	for id, want := range f.Expect {
		got, err := c.Fragmentation(recs[id], Options{Window: win})
		if err != nil {
			t.Fatal(err)
		}
		checkValue(t, "careDensity of "+id, got.CareDensity, want)
		if want == "null" {
			checkNull(t, "careDensity of "+id, got.CareDensity, measure.TooFewProviders)
		}
	}

	t.Run("nulls with reasons", func(t *testing.T) {
		got, _ := NewPopulation(w.index()).NewComputer().Fragmentation(recs["1"], Options{Window: win})
		checkNull(t, "without a population", got.CareDensity, NoPopulation)
		got, _ = c.Fragmentation(recs["1"], Options{})
		checkNull(t, "another window", got.CareDensity, OtherWindow)
		r := *recs["1"]
		r.Contacts = append(append([]care.Contact(nil), r.Contacts...), contactAt("cd-new", "1", "NEWCOMER", win.To.Time(), ""))
		got, _ = c.Fragmentation(&r, Options{Window: win})
		checkNull(t, "with an unindexed professional", got.CareDensity, UnknownProfessional)
	})
}

package demo

import (
	"errors"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/careweb/careweb/internal/care"
)

// collector applies generated batches to an in-memory model, checking that
// each is valid given the ones before, and keeps what the tests look at.
type collector struct {
	t     *testing.T
	limit int
	kinds map[string]care.Kind
	nodes map[string]care.Node
	rels  map[string]care.Relationship
	// worksIn holds each professional's WORKS_IN, for the "who worked
	// where on the day" checks.
	worksIn   map[string][]care.Relationship
	contacts  []care.Contact
	referrals []care.Referral
	batches   int
}

func newCollector(t *testing.T, limit int) *collector {
	return &collector{t: t, limit: limit, kinds: map[string]care.Kind{}, nodes: map[string]care.Node{},
		rels: map[string]care.Relationship{}, worksIn: map[string][]care.Relationship{}}
}

func (c *collector) lookup(id string) (care.Kind, bool) { k, ok := c.kinds[id]; return k, ok }

func (c *collector) apply(b care.Batch) error {
	c.t.Helper()
	c.batches++
	if b.Size() == 0 || b.Size() > c.limit {
		c.t.Fatalf("batch %d has %d writes; want 1 to %d", c.batches, b.Size(), c.limit)
	}
	before := cloneBatch(b)
	b.Normalise()
	if !reflect.DeepEqual(before, b) {
		c.t.Fatalf("batch %d changed under Normalise: the generator must write normalised data", c.batches)
	}
	if err := b.Validate(c.lookup); err != nil {
		c.t.Fatalf("batch %d invalid given the batches before it: %v", c.batches, err)
	}
	for _, n := range b.Nodes {
		if _, dup := c.kinds[n.ID]; dup {
			c.t.Fatalf("node %s written twice", n.ID)
		}
		c.kinds[n.ID] = n.Kind
		c.nodes[n.ID] = n
	}
	for _, r := range b.Relationships {
		if _, dup := c.rels[r.ID]; dup {
			c.t.Fatalf("relationship %s written twice", r.ID)
		}
		if want := care.RelationshipID(r.Type, r.From, r.To, r.Span.From); r.ID != want {
			c.t.Fatalf("relationship id %q, want the derived %q", r.ID, want)
		}
		c.rels[r.ID] = r
		if r.Type == care.WorksIn {
			c.worksIn[r.From] = append(c.worksIn[r.From], r)
		}
	}
	c.contacts = append(c.contacts, b.Contacts...)
	c.referrals = append(c.referrals, b.Referrals...)
	return nil
}

func cloneBatch(b care.Batch) care.Batch {
	return care.Batch{
		Nodes: slices.Clone(b.Nodes), Relationships: slices.Clone(b.Relationships),
		Contacts: slices.Clone(b.Contacts), Referrals: slices.Clone(b.Referrals), Consents: slices.Clone(b.Consents),
	}
}

// worksOn reports whether professional p works in org (any org when org
// is empty) on day d.
func (c *collector) worksOn(p, org string, d care.Date) bool {
	for _, r := range c.worksIn[p] {
		if (org == "" || r.To == org) && r.Span.Contains(d) {
			return true
		}
	}
	return false
}

func generate(t *testing.T, cfg Config, limit int) *collector {
	t.Helper()
	c := newCollector(t, limit)
	if err := Generate(cfg, limit, c.apply); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestShowcaseIsValidAndAsDocumented(t *testing.T) {
	b := Showcase()
	if !reflect.DeepEqual(b, Showcase()) {
		t.Fatal("Showcase differs between calls")
	}
	c := newCollector(t, b.Size())
	c.apply(b)

	// Arthur's web: the professionals involved with him or in contact
	// with him, and their organisations.
	members := map[string]bool{}
	for _, r := range c.rels {
		if r.Type == care.InvolvedIn && r.To == ShowcaseArthur {
			members[r.From] = true
		}
	}
	for _, k := range c.contacts {
		if k.Person == ShowcaseArthur {
			members[k.Professional] = true
		}
	}
	orgs := map[string]bool{}
	for p := range members {
		for _, r := range c.worksIn[p] {
			if r.Span.Overlaps(care.Span{From: DefaultFrom, To: d(2026, 1, 30)}) || p != "pro-yusuf-ahmed" {
				orgs[r.To] = true
			}
		}
	}
	if len(members) != 23 {
		t.Errorf("Arthur's web has %d professionals, want the documented 23", len(members))
	}
	if len(orgs) != 10 {
		t.Errorf("Arthur's professionals work in %d organisations, want 10 (%v)", len(orgs), orgs)
	}

	var noConsent []string
	carersOf := map[string][]string{}
	for _, r := range c.rels {
		if r.Type != care.CaresFor {
			continue
		}
		carersOf[r.To] = append(carersOf[r.To], r.From)
		if !r.Consent {
			noConsent = append(noConsent, r.From)
		}
	}
	if !slices.Equal(noConsent, []string{ShowcasePat}) {
		t.Errorf("carers without consent: %v, want only %s", noConsent, ShowcasePat)
	}
	for person, want := range map[string][]string{
		ShowcaseArthur: {ShowcaseMargaret, ShowcaseSusan}, ShowcaseDoreen: {ShowcaseMichael, ShowcasePat},
		ShowcaseGeorge: {ShowcaseRuth}, ShowcaseLiam: {ShowcaseDonna},
	} {
		got := carersOf[person]
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("carers of %s: %v, want %v", person, got, want)
		}
		if n := c.nodes[person]; n.Kind != care.KindPerson || n.Locality == "" {
			t.Errorf("%s: %+v", person, n)
		}
	}

	coordinators := map[string][]string{}
	for _, r := range c.rels {
		if r.Coordinator {
			coordinators[r.To] = append(coordinators[r.To], r.From+" from "+r.Span.From.String())
		}
	}
	for _, v := range coordinators {
		slices.Sort(v)
	}
	wantCoord := map[string][]string{
		ShowcaseArthur: {"pro-rachel-jones from 2026-02-16", "pro-yusuf-ahmed from 2025-07-02"},
		ShowcaseGeorge: {"pro-beverley-shaw from 2023-09-04"},
		ShowcaseLiam:   {"pro-sam-osei from 2024-12-02"},
	}
	if !reflect.DeepEqual(coordinators, wantCoord) {
		t.Errorf("coordinators %v, want %v", coordinators, wantCoord)
	}

	// George's web is the well-linked contrast: more LINKED_TO lines per
	// professional among his professionals than among Arthur's.
	georgeMembers := map[string]bool{}
	for _, r := range c.rels {
		if r.Type == care.InvolvedIn && r.To == ShowcaseGeorge {
			georgeMembers[r.From] = true
		}
	}
	density := func(m map[string]bool) float64 {
		n := 0
		for _, r := range c.rels {
			if r.Type == care.LinkedTo && m[r.From] && m[r.To] {
				n++
			}
		}
		return float64(n) / float64(len(m))
	}
	if dg, da := density(georgeMembers), density(members); dg < 2*da {
		t.Errorf("links per professional: George %.2f, Arthur %.2f; George's web should be far better linked", dg, da)
	}

	for _, k := range c.contacts {
		day := care.DateOf(k.At)
		if day < DefaultFrom || day > DefaultTo {
			t.Errorf("contact %s on %s, outside the default period", k.ID, day)
		}
		if !c.worksOn(k.Professional, k.Organisation, day) {
			t.Errorf("contact %s: %s does not work in %q on %s", k.ID, k.Professional, k.Organisation, day)
		}
	}
	for _, r := range c.referrals {
		if day := care.DateOf(r.At); day < DefaultFrom || day > DefaultTo {
			t.Errorf("referral %s on %s, outside the default period", r.ID, day)
		}
	}
}

// TestGenerateIsValidBatchByBatch applies every batch to an in-memory
// model, validating each against what came before, for batch sizes that
// cut the stream in many different places (down to one write a batch).
func TestGenerateIsValidBatchByBatch(t *testing.T) {
	for _, tt := range []struct{ people, limit int }{{1500, 997}, {60, 3}, {25, 1}} {
		cfg := Config{Seed: 7, People: tt.people}
		c := generate(t, cfg, tt.limit)
		checkStream(t, c, cfg)
	}
}

func checkStream(t *testing.T, c *collector, cfg Config) {
	t.Helper()
	full, _ := cfg.resolved()
	if c.batches < 10 {
		t.Fatalf("only %d batches", c.batches)
	}
	contactIDs := map[string]bool{}
	for _, k := range c.contacts {
		if contactIDs[k.ID] {
			t.Fatalf("contact %s written twice", k.ID)
		}
		contactIDs[k.ID] = true
		day := care.DateOf(k.At)
		if strings.HasPrefix(k.ID, "k-") {
			continue // the showcase is checked on its own
		}
		if day < full.From || day > full.To {
			t.Fatalf("contact %s on %s, outside %s..%s", k.ID, day, full.From, full.To)
		}
		// The organisation, when recorded, is where the professional
		// worked that day; either way they worked somewhere.
		if !c.worksOn(k.Professional, k.Organisation, day) {
			t.Fatalf("contact %s: %s does not work in %q on %s", k.ID, k.Professional, k.Organisation, day)
		}
	}
	refIDs := map[string]bool{}
	for _, r := range c.referrals {
		if refIDs[r.ID] {
			t.Fatalf("referral %s written twice", r.ID)
		}
		refIDs[r.ID] = true
		if r.From == r.To {
			t.Fatalf("referral %s from %s to itself", r.ID, r.From)
		}
		if day := care.DateOf(r.At); day < full.From || day > full.To {
			t.Fatalf("referral %s on %s, outside the period", r.ID, day)
		}
	}
	for _, r := range c.rels {
		if r.Type == care.InvolvedIn && !c.worksOn(r.From, "", r.Span.From) {
			t.Fatalf("%s: the professional does not work anywhere when the involvement starts", r.ID)
		}
	}
}

// TestGenerateIsDeterministic: the same seed gives the same stream however
// it is cut into batches; another seed gives another.
func TestGenerateIsDeterministic(t *testing.T) {
	run := func(seed uint64, limit int) care.Batch {
		var all care.Batch
		err := Generate(Config{Seed: seed, People: 400}, limit, func(b care.Batch) error {
			all.Nodes = append(all.Nodes, b.Nodes...)
			all.Relationships = append(all.Relationships, b.Relationships...)
			all.Contacts = append(all.Contacts, b.Contacts...)
			all.Referrals = append(all.Referrals, b.Referrals...)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return all
	}
	a, b := run(42, 5000), run(42, 13)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed, different output")
	}
	c := run(43, 5000)
	if reflect.DeepEqual(a.Contacts, c.Contacts) || reflect.DeepEqual(a.Nodes, c.Nodes) {
		t.Fatal("different seeds, same output")
	}
	if len(a.Contacts) == 0 {
		t.Fatal("no contacts")
	}
}

// census counts the population part of a generated data set.
type census struct {
	people, carers, professionals, organisations int
	contacts, referrals                          int
	rels                                         map[care.RelType]int
	perPerson                                    map[string]int
}

func count(c *collector) census {
	s := census{rels: map[care.RelType]int{}, perPerson: map[string]int{}}
	showcase := func(id string) bool { return strings.Contains(id, "-") }
	for id, n := range c.nodes {
		if showcase(id) {
			continue
		}
		switch n.Kind {
		case care.KindPerson:
			s.people++
			s.perPerson[id] += 0
		case care.KindCarer:
			s.carers++
		case care.KindProfessional:
			s.professionals++
		case care.KindOrganisation:
			s.organisations++
		}
	}
	for _, r := range c.rels {
		if !showcase(r.From) {
			s.rels[r.Type]++
		}
	}
	for _, k := range c.contacts {
		if !showcase(k.ID) {
			s.contacts++
			s.perPerson[k.Person]++
		}
	}
	for _, r := range c.referrals {
		if !showcase(r.ID) {
			s.referrals++
		}
	}
	return s
}

func TestDefaultPopulation(t *testing.T) {
	if testing.Short() {
		t.Skip("generates the full default data set")
	}
	c := generate(t, Config{Seed: 1}, 20000)
	s := count(c)
	sc := Showcase()
	t.Logf("default population (seed 1): %d people, %d carers, %d professionals, %d organisations, %d contacts, %d referrals, relationships %v",
		s.people, s.carers, s.professionals, s.organisations, s.contacts, s.referrals, s.rels)
	t.Logf("plus the showcase: %d nodes, %d relationships, %d contacts, %d referrals",
		len(sc.Nodes), len(sc.Relationships), len(sc.Contacts), len(sc.Referrals))
	if s.people != DefaultPeople {
		t.Errorf("%d people, want %d", s.people, DefaultPeople)
	}
	mean := float64(s.contacts) / float64(s.people)
	if math.Abs(mean-DefaultContactsPerPerson) > 0.1*DefaultContactsPerPerson {
		t.Errorf("%.1f contacts per person, want about %d", mean, DefaultContactsPerPerson)
	}
	// Skewed: the median person has fewer contacts than the mean, and the
	// busiest tenth have a large share.
	counts := make([]int, 0, len(s.perPerson))
	for _, n := range s.perPerson {
		counts = append(counts, n)
	}
	slices.Sort(counts)
	top := 0
	for _, n := range counts[len(counts)*9/10:] {
		top += n
	}
	if med := counts[len(counts)/2]; float64(med) >= mean || float64(top) < 0.3*float64(s.contacts) {
		t.Errorf("contacts per person not skewed: median %d, mean %.1f, top decile %d of %d", med, mean, top, s.contacts)
	}
	if r := float64(s.carers) / float64(s.people); r < 0.5 || r > 1.2 {
		t.Errorf("%.2f carers per person", r)
	}
	if s.professionals < 200 || s.organisations < 50 || s.referrals < s.people/2 {
		t.Errorf("landscape too small: %+v", s)
	}

	// Every locality has people and GP practices; every sector is present.
	localityPeople, practices := map[string]int{}, map[string]int{}
	sectors := map[care.Sector]bool{}
	for id, n := range c.nodes {
		if strings.Contains(id, "-") {
			continue
		}
		switch {
		case n.Kind == care.KindPerson:
			localityPeople[n.Locality]++
		case n.Kind == care.KindOrganisation:
			sectors[n.Sector] = true
			if n.Sector == care.SectorPrimaryCare && !strings.HasSuffix(n.Name, "Pharmacy") {
				practices[n.Locality]++
			}
		}
	}
	for _, l := range localities {
		if localityPeople[l.name] < 100 || practices[l.name] == 0 {
			t.Errorf("locality %s: %d people, %d practices", l.name, localityPeople[l.name], practices[l.name])
		}
	}
	if len(sectors) != len(care.Sectors) {
		t.Errorf("sectors present: %v", sectors)
	}

	// Staff churn, coordinators, consent, modes, recorded organisations.
	movers, leavers, coords, noConsent, caresFor := 0, 0, 0, 0, 0
	for p, ws := range c.worksIn {
		if strings.Contains(p, "-") {
			continue
		}
		if len(ws) > 1 {
			movers++
		}
		for _, w := range ws {
			if w.Span.To != care.NoEnd {
				leavers++
			}
		}
	}
	for _, r := range c.rels {
		if strings.Contains(r.From, "-") {
			continue
		}
		if r.Coordinator {
			coords++
		}
		if r.Type == care.CaresFor {
			caresFor++
			if !r.Consent {
				noConsent++
			}
		}
	}
	if movers == 0 || leavers < s.professionals/20 {
		t.Errorf("staff churn: %d movers, %d WORKS_IN ended of %d professionals", movers, leavers, s.professionals)
	}
	if coords < s.people/10 {
		t.Errorf("%d coordinator assignments for %d people", coords, s.people)
	}
	if share := float64(noConsent) / float64(caresFor); share < 0.02 || share > 0.1 {
		t.Errorf("%.3f of carers without consent, want about 0.05", share)
	}
	modes := map[care.Mode]int{}
	withOrg := 0
	for _, k := range c.contacts {
		modes[k.Mode]++
		if k.Organisation != "" {
			withOrg++
		}
	}
	for _, m := range []care.Mode{care.ModeFaceToFace, care.ModePhone, care.ModeVideo, care.ModeHomeVisit} {
		if modes[m] == 0 {
			t.Errorf("no %s contacts", m)
		}
	}
	if share := float64(withOrg) / float64(len(c.contacts)); share < 0.5 || share > 0.7 {
		t.Errorf("%.2f of contacts record their organisation, want about 0.6", share)
	}
}

// TestIntegrationDiffersByLocality: cross-sector LINKED_TO lines per
// professional are far more common in Northgate than in Southmere, which
// is what makes locality cohorts worth comparing. Only the service
// landscape is needed, so the stream is stopped when the people begin.
func TestIntegrationDiffersByLocality(t *testing.T) {
	errPeople := errors.New("people begin")
	nodes := map[string]care.Node{}
	worksIn := map[string]string{} // professional → first organisation
	var links []care.Relationship
	err := Generate(Config{Seed: 3, People: 40000}, 5000, func(b care.Batch) error {
		people := false
		for _, n := range b.Nodes {
			people = people || n.Kind == care.KindPerson && !strings.Contains(n.ID, "-")
			nodes[n.ID] = n
		}
		for _, r := range b.Relationships {
			switch {
			case strings.Contains(r.From, "-"):
			case r.Type == care.WorksIn && worksIn[r.From] == "":
				worksIn[r.From] = r.To
			case r.Type == care.LinkedTo && nodes[r.From].Kind == care.KindProfessional && nodes[r.To].Kind == care.KindProfessional:
				links = append(links, r)
			}
		}
		if people {
			return errPeople
		}
		return nil
	})
	if !errors.Is(err, errPeople) {
		t.Fatalf("got %v, want the stream stopped at the first person", err)
	}
	cross, staff := map[string]int{}, map[string]int{}
	for _, o := range worksIn {
		staff[nodes[o].Locality]++
	}
	for _, r := range links {
		a, b := nodes[worksIn[r.From]], nodes[worksIn[r.To]]
		if a.Sector != b.Sector {
			cross[a.Locality]++
		}
	}
	rate := func(l string) float64 { return float64(cross[l]) / float64(staff[l]) }
	t.Logf("cross-sector links per professional: %v", func() map[string]float64 {
		m := map[string]float64{}
		for _, l := range localities {
			m[l.name] = rate(l.name)
		}
		return m
	}())
	if rate("Northgate") == 0 || rate("Northgate") < 4*rate("Southmere") || rate("Northgate") < rate("Millbrook") ||
		rate("Millbrook") < rate("Southmere") {
		t.Errorf("cross-sector links per professional: Northgate %.3f, Millbrook %.3f, Southmere %.3f",
			rate("Northgate"), rate("Millbrook"), rate("Southmere"))
	}
}

func TestContactsPerPersonIsConfigurable(t *testing.T) {
	c := generate(t, Config{Seed: 5, People: 2000, ContactsPerPerson: 5}, 20000)
	s := count(c)
	if mean := float64(s.contacts) / float64(s.people); math.Abs(mean-5) > 0.75 {
		t.Errorf("%.2f contacts per person, want about 5", mean)
	}
}

func TestShortPeriod(t *testing.T) {
	to := care.MakeDate(2030, time.March, 31)
	cfg := Config{Seed: 9, People: 300, From: to.AddDays(-40), To: to}
	c := generate(t, cfg, 1000)
	for _, k := range c.contacts {
		if day := care.DateOf(k.At); !strings.HasPrefix(k.ID, "k-") && (day < cfg.From || day > cfg.To) {
			t.Fatalf("contact %s on %s, outside the period", k.ID, day)
		}
	}
	if s := count(c); s.contacts == 0 {
		t.Fatal("no contacts in a 40-day period")
	}
}

func TestPeriodDefaults(t *testing.T) {
	for _, tt := range []struct{ in, want Config }{
		{Config{}, Config{People: DefaultPeople, ContactsPerPerson: DefaultContactsPerPerson, From: DefaultFrom, To: DefaultTo}},
		{Config{To: d(2030, 6, 30)}, Config{People: DefaultPeople, ContactsPerPerson: DefaultContactsPerPerson, From: d(2028, 7, 1), To: d(2030, 6, 30)}},
		{Config{From: d(2028, 7, 1)}, Config{People: DefaultPeople, ContactsPerPerson: DefaultContactsPerPerson, From: d(2028, 7, 1), To: d(2030, 6, 30)}},
	} {
		got, err := tt.in.resolved()
		if err != nil || got != tt.want {
			t.Errorf("%+v resolved to %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
}

func TestGenerateRejectsBadInput(t *testing.T) {
	nop := func(care.Batch) error { t.Fatal("emit called for invalid input"); return nil }
	tests := []struct {
		name  string
		cfg   Config
		size  int
		emit  func(care.Batch) error
		field string
	}{
		{"negative people", Config{People: -1}, 10, nop, "people"},
		{"too many people", Config{People: MaxPeople + 1}, 10, nop, "people"},
		{"NaN contacts", Config{ContactsPerPerson: math.NaN()}, 10, nop, "contactsPerPerson"},
		{"negative contacts", Config{ContactsPerPerson: -2}, 10, nop, "contactsPerPerson"},
		{"to before from", Config{From: d(2025, 1, 1), To: d(2024, 1, 1)}, 10, nop, "to"},
		{"period too short", Config{From: d(2025, 1, 1), To: d(2025, 1, 10)}, 10, nop, "to"},
		{"open end", Config{From: d(2025, 1, 1), To: care.NoEnd}, 10, nop, "to"},
		{"zero batch", Config{}, 0, nop, "batchSize"},
		{"nil emit", Config{}, 10, nil, "emit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Generate(tt.cfg, tt.size, tt.emit)
			if care.ErrorCode(err) != care.Invalid {
				t.Fatalf("got %v, want INVALID", err)
			}
			for _, p := range care.ErrorProblems(err) {
				if p.Field == tt.field {
					return
				}
			}
			t.Fatalf("no problem at %s in %v", tt.field, err)
		})
	}
}

func TestGenerateStopsOnEmitError(t *testing.T) {
	stop := errors.New("store unavailable")
	calls := 0
	err := Generate(Config{People: 200}, 100, func(care.Batch) error {
		calls++
		if calls == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || calls != 3 {
		t.Fatalf("err %v after %d calls; want the emit error after 3", err, calls)
	}
}

func TestIDHelpers(t *testing.T) {
	for day := care.MakeDate(1899, time.December, 25); day < care.MakeDate(2201, time.January, 10); day = day.AddDays(13) {
		if got := string(appendDate(nil, day)); got != day.String() {
			t.Fatalf("appendDate(%d) = %s, want %s", day, got, day.String())
		}
		if w := weekday(day); w != int(day.Time().Weekday()) {
			t.Fatalf("weekday(%s) = %d, want %d", day, w, day.Time().Weekday())
		}
	}
	for _, start := range []care.Date{care.NoStart, d(2025, 2, 28), d(1970, 1, 1)} {
		got := string(appendRelationshipID(nil, care.InvolvedIn, "pro00001", "p000001", start))
		if want := care.RelationshipID(care.InvolvedIn, "pro00001", "p000001", start); got != want {
			t.Fatalf("relationship id %q, want %q", got, want)
		}
	}
	for _, tt := range []struct {
		n, width int
		want     string
	}{{123, 6, "p000123"}, {0, 3, "p000"}, {1234567, 6, "p1234567"}, {42, 0, "p42"}} {
		if got := string(appendID(nil, "p", tt.n, tt.width)); got != tt.want {
			t.Fatalf("appendID(%d, %d) = %s, want %s", tt.n, tt.width, got, tt.want)
		}
	}
}

// BenchmarkGenerate100k measures generation alone (emit does nothing) at
// 100,000 people, about 2,000,000 contacts.
func BenchmarkGenerate100k(b *testing.B) {
	var contacts, writes int
	for b.Loop() {
		contacts, writes = 0, 0
		err := Generate(Config{Seed: 1, People: 100_000}, 20000, func(bt care.Batch) error {
			contacts += len(bt.Contacts)
			writes += bt.Size()
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(contacts), "contacts/op")
	b.ReportMetric(float64(writes), "writes/op")
	b.ReportMetric(float64(contacts)*float64(b.N)/b.Elapsed().Seconds(), "contacts/s")
}

package analysis

import (
	"slices"

	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/metrics/continuity"
	"github.com/careweb/careweb/internal/metrics/fragmentation"
	"github.com/careweb/careweb/internal/metrics/handoff"
	"github.com/careweb/careweb/internal/metrics/measure"
)

// Computer computes one person's metrics at a time against a Population.
// It keeps scratch space between calls so that a batch run allocates
// little per person; it is therefore not safe for concurrent use — give
// each worker goroutine its own (Population.NewComputer is cheap). The
// Population it reads is shared and immutable.
type Computer struct {
	pop *Population
	ix  *Index

	rec      *care.PersonRecord
	extra    []string // ids not in the index, coded ix.Len()+i
	relFrom  []int32  // code of each relationship's From
	order    []int32
	kept     []contact
	win      int // kept[win:] are in the window
	seq      []int
	days     []int64
	hist     []continuity.Contact
	coords   []int
	codes    []int
	hand     []handoff.Contact
	settings []string
	ev       handoff.Evidence
	eps      []episode
	joins    []care.Date
	leaves   []care.Date
	mark     []int32 // node code → local index, −1 when unmarked
	web      webScratch
}

// NewComputer returns a Computer over p.
func (p *Population) NewComputer() *Computer {
	ix := p.Index
	if ix == nil {
		ix = NewIndex(nil)
	}
	return &Computer{pop: p, ix: ix}
}

// Continuity is one person's relational continuity in a window at a level
// (METRICS-REFERENCE Part 1 rules 1–7; the names are Part 1's).
type Continuity struct {
	Level Level
	// Contacts is N, the contacts in the window after deduplication (rules
	// 1–2) that have a provider at the level. Providers is M, the distinct
	// providers among them. Counts are never null.
	Contacts  int
	Providers int
	// The indices; each null below MinContacts (rule 5) or where its
	// definition fails, with the reason.
	UPC, COC, HHI, SECON, MMCI, KPC measure.Value
	// UsualProvider is the id of the usual provider (rule 6) — a
	// professional's or organisation's id, or the sector's name — and ""
	// when there is none (UsualProviderReason says why: NO_CONTACTS). It is
	// not subject to MinContacts.
	UsualProvider       string
	UsualProviderReason measure.Reason
	// UsualProviderSince is the day of the person's first recorded contact
	// with the usual provider, history before the window included
	// (care.NoStart when there is no usual provider); UsualProviderDays is
	// the days from it to the last contact with them in the window
	// [PROPOSAL: "how long the relationship has lasted"].
	UsualProviderSince care.Date
	UsualProviderDays  measure.Value
	// Unresolved counts the window's contacts left out at the ORGANISATION
	// or SECTOR level because no organisation was recorded and the
	// professional had no WORKS_IN active on the day (always 0 at the
	// PROFESSIONAL level).
	Unresolved int
}

// Fragmentation is one person's fragmentation in a window
// (METRICS-REFERENCE Part 1 rules 8–13; the names are Part 1's).
type Fragmentation struct {
	// Professionals, Organisations and Sectors count the web's
	// professionals (rule 9), their organisations and those organisations'
	// sectors (rule 12). Never null.
	Professionals int
	Organisations int
	Sectors       int
	// Carers counts the web's carers (not a Part 1 output).
	Carers int
	// FCI is 1 − COC at the ORGANISATION level (rule 8), null below
	// MinContacts.
	FCI measure.Value
	// Rule 11's web measures.
	NetworkFragmentation          measure.Value
	ProfessionalFragmentation     measure.Value
	DistanceWeightedFragmentation measure.Value
	CarerDependency               measure.Value
	CarerBridgingShare            measure.Value
	// CareDensity (rule 13) over the Population's patient-sharing weights.
	CareDensity measure.Value
}

// Handoffs are one person's handoffs in a window (METRICS-REFERENCE Part 1
// rules 14–15; the names are Part 1's). Counts are never null.
type Handoffs struct {
	Total             int
	CrossOrganisation int
	CrossSector       int
	Supported         int
	Unsupported       int
	// UnknownOrganisation and UnknownSector count the switches where one
	// side's organisation (sector) could not be resolved, so the cross
	// counts could not decide; the cross counts are lower bounds when these
	// are positive.
	UnknownOrganisation int
	UnknownSector       int
	// PerContact is Total ÷ N and PerMonth is Total per month of
	// 365.25/12 days over the period [PROPOSAL, package handoff]. The
	// period is the window, inclusive; an open end is replaced by the
	// first (last) contact in the window.
	PerContact measure.Value
	PerMonth   measure.Value
	// SettingTransitions counts the changes of care setting between
	// consecutive contacts in the window that record one (Callahan et al.
	// 2012, J Am Geriatr Soc 60(5):813–820 [lit]; contacts without a
	// setting are skipped), and SettingTransitionsPerYear is that count per
	// person-year of 365.25 days over the same period as PerMonth.
	SettingTransitions        int
	SettingTransitionsPerYear measure.Value
}

// Cohort holds the attributes a person is grouped by in population
// summaries.
type Cohort struct {
	// Organisation is the person's usual organisation in the window: rule 6
	// applied at the ORGANISATION level ("" when they had no contact with a
	// known organisation).
	Organisation string
	// Practice is the usual organisation among primary-care organisations
	// only: the person's GP practice as their contacts show it.
	Practice string
	// Sector is the usual sector (rule 6 at the SECTOR level).
	Sector string
	// Locality is the person's own locality, as recorded.
	Locality string
}

// Result is everything the analysis reports for one person in one window.
type Result struct {
	Person        string
	Window        care.Window
	Continuity    Continuity
	Fragmentation Fragmentation
	Handoffs      Handoffs
	Churn         Churn
	Coordinator   Tenure
	Cohort        Cohort
}

// check validates the options and the record.
func check(rec *care.PersonRecord, opt Options) error {
	if err := opt.Validate(); err != nil {
		return err
	}
	if rec == nil {
		return care.Errorf(care.Invalid, "analysis: no person record")
	}
	return nil
}

// Person computes every metric of rec's person under opt. It returns an
// Invalid error for invalid options or a nil record, never for data: data
// that a metric cannot use makes that metric null, with its reason.
func (c *Computer) Person(rec *care.PersonRecord, opt Options) (Result, error) {
	var r Result
	if err := c.person(rec, opt, &r); err != nil {
		return Result{}, err
	}
	return r, nil
}

// person fills r, reusing r's slices.
func (c *Computer) person(rec *care.PersonRecord, opt Options, r *Result) error {
	if err := check(rec, opt); err != nil {
		return err
	}
	w := opt.window()
	c.prepare(rec, w)
	r.Person = rec.Person.ID
	r.Window = w
	r.Continuity = c.continuity(opt)
	r.Fragmentation = c.fragmentation(opt)
	r.Handoffs = c.handoffs(opt)
	c.churn(opt, &r.Churn)
	r.Coordinator = c.tenure(opt)
	r.Cohort = c.cohort(opt)
	return nil
}

// Continuity computes rec's continuity under opt (rules 1–7).
func (c *Computer) Continuity(rec *care.PersonRecord, opt Options) (Continuity, error) {
	if err := check(rec, opt); err != nil {
		return Continuity{}, err
	}
	c.prepare(rec, opt.window())
	return c.continuity(opt), nil
}

// Fragmentation computes rec's fragmentation under opt (rules 8–13). Level
// is ignored.
func (c *Computer) Fragmentation(rec *care.PersonRecord, opt Options) (Fragmentation, error) {
	if err := check(rec, opt); err != nil {
		return Fragmentation{}, err
	}
	c.prepare(rec, opt.window())
	return c.fragmentation(opt), nil
}

// Handoffs computes rec's handoffs under opt (rules 14–15). Level and
// MinContacts are ignored.
func (c *Computer) Handoffs(rec *care.PersonRecord, opt Options) (Handoffs, error) {
	if err := check(rec, opt); err != nil {
		return Handoffs{}, err
	}
	c.prepare(rec, opt.window())
	return c.handoffs(opt), nil
}

// levelSeq fills c.seq (and c.days) with the window's provider codes at
// level l, skipping contacts without one, and returns how many it skipped.
func (c *Computer) levelSeq(l Level) (unresolved int) {
	c.seq, c.days = c.seq[:0], c.days[:0]
	for i := range c.window() {
		k := &c.kept[c.win+i]
		code := k.at(l)
		if code < 0 {
			unresolved++
			continue
		}
		c.seq = append(c.seq, int(code))
		c.days = append(c.days, int64(k.day))
	}
	return unresolved
}

func (c *Computer) continuity(opt Options) Continuity {
	l, w := opt.level(), opt.window()
	res := Continuity{Level: l, UsualProviderSince: care.NoStart}
	res.Unresolved = c.levelSeq(l)
	c.hist = c.hist[:0]
	for i := range c.history() {
		k := &c.kept[i]
		if code := k.at(l); code >= 0 {
			c.hist = append(c.hist, continuity.Contact{Provider: int(code), Day: int64(k.day)})
		}
	}
	cr := continuity.Compute(c.seq, continuity.Options{
		MinContacts:  opt.minContacts(),
		Coordinators: c.coordinators(l, w),
		Days:         c.days,
		History:      c.hist,
	})
	res.Contacts, res.Providers = cr.Contacts, cr.Providers
	res.UPC, res.COC, res.HHI, res.SECON, res.MMCI, res.KPC = cr.UPC, cr.COC, cr.HHI, cr.SECON, cr.MMCI, cr.KPC
	if !cr.HasUsualProvider {
		res.UsualProviderReason = measure.NoContacts
		res.UsualProviderDays = measure.Undefined(measure.NoContacts)
		return res
	}
	u := cr.UsualProvider
	res.UsualProvider = c.levelID(l, int32(u))
	var last care.Date
	for _, k := range c.kept {
		if int(k.at(l)) != u {
			continue
		}
		if res.UsualProviderSince == care.NoStart {
			res.UsualProviderSince = k.day
		}
		last = k.day
	}
	res.UsualProviderDays = measure.Of(float64(last - res.UsualProviderSince))
	return res
}

func (c *Computer) fragmentation(opt Options) Fragmentation {
	w := opt.window()
	var res Fragmentation
	c.levelSeq(Organisation)
	res.FCI = fragmentation.FCI(c.seq, opt.minContacts())
	c.buildWeb(w, &res)
	res.CareDensity = c.careDensity(w)
	return res
}

// careDensity applies rule 13: the providers are the professionals the
// person had contacts with in the window.
func (c *Computer) careDensity(w care.Window) measure.Value {
	c.codes = c.codes[:0]
	unknown := false
	for _, k := range c.window() {
		c.codes = append(c.codes, int(k.prof))
		unknown = unknown || !c.known(k.prof)
	}
	slices.Sort(c.codes)
	c.codes = slices.Compact(c.codes)
	switch {
	case len(c.codes) < 2:
		return measure.Undefined(measure.TooFewProviders)
	case c.pop.Sharing == nil:
		return measure.Undefined(NoPopulation)
	case c.pop.Window != w:
		return measure.Undefined(OtherWindow)
	case unknown:
		return measure.Undefined(UnknownProfessional)
	}
	return fragmentation.CareDensity(c.codes, c.pop.Sharing.Weight)
}

func (c *Computer) handoffs(opt Options) Handoffs {
	w := opt.window()
	win := c.window()
	c.hand = c.hand[:0]
	for _, k := range win {
		c.hand = append(c.hand, handoff.Contact{Professional: int(k.prof), Organisation: int(k.org), Sector: int(k.sec), Day: int64(k.day)})
	}
	var res Handoffs
	if len(win) >= 2 {
		c.evidence()
		hc, err := handoff.Count(c.hand, c.ev)
		if err != nil {
			// Unreachable: prepare orders the contacts and the index keeps
			// only valid spans. Report it as nulls rather than panic.
			res.PerContact = measure.Undefined(measure.InvalidInput)
			res.PerMonth = measure.Undefined(measure.InvalidInput)
			return res
		}
		res = Handoffs{
			Total: hc.Total, CrossOrganisation: hc.CrossOrganisation, CrossSector: hc.CrossSector,
			Supported: hc.Supported, Unsupported: hc.Unsupported,
			UnknownOrganisation: hc.UnknownOrganisation, UnknownSector: hc.UnknownSector,
		}
	}
	res.SettingTransitions = c.settingTransitions()
	res.PerContact = handoff.PerContact(res.Total, len(win))
	if len(win) == 0 {
		res.PerMonth = measure.Undefined(measure.NoContacts)
		res.SettingTransitionsPerYear = measure.Undefined(measure.NoContacts)
	} else {
		from, to := w.From, w.To
		if from == care.NoStart {
			from = win[0].day
		}
		if to == care.NoEnd {
			to = win[len(win)-1].day
		}
		days := int64(to) - int64(from) + 1
		res.PerMonth = handoff.PerMonth(res.Total, days)
		res.SettingTransitionsPerYear = handoff.PerPersonYear(res.SettingTransitions, days)
	}
	return res
}

// settingTransitions counts setting changes over the window's contacts
// that record a setting.
func (c *Computer) settingTransitions() int {
	c.settings = c.settings[:0]
	c.codes = c.codes[:0]
	for _, k := range c.window() {
		s := c.rec.Contacts[k.idx].Setting
		if s == "" {
			continue
		}
		code := slices.Index(c.settings, s)
		if code < 0 {
			code = len(c.settings)
			c.settings = append(c.settings, s)
		}
		c.codes = append(c.codes, code)
	}
	return handoff.SettingTransitions(c.codes)
}

// evidence fills c.ev with rule 15's evidence for the window's contacts:
// referrals about the person (all of them; handoff.Count keeps those dated
// within a switch), and the LINKED_TO spans among the window's
// professionals and among their organisations. A referral whose end is an
// organisation never matches a switch between professionals: rule 15 asks
// for a referral "from a to b".
func (c *Computer) evidence() {
	c.ev.Referrals = c.ev.Referrals[:0]
	for i := range c.rec.Referrals {
		r := &c.rec.Referrals[i]
		c.ev.Referrals = append(c.ev.Referrals, handoff.Referral{From: int(c.codeOf(r.From)), To: int(c.codeOf(r.To)), Day: int64(dayOf(r.At))})
	}
	c.codes = c.codes[:0]
	for _, k := range c.window() {
		c.codes = append(c.codes, int(k.prof))
	}
	c.ev.ProfessionalLinks = c.linksAmong(c.codes, c.ev.ProfessionalLinks[:0])
	c.codes = c.codes[:0]
	for _, k := range c.window() {
		if k.org >= 0 {
			c.codes = append(c.codes, int(k.org))
		}
	}
	c.ev.OrganisationLinks = c.linksAmong(c.codes, c.ev.OrganisationLinks[:0])
}

// linksAmong appends to dst every LINKED_TO between two of the nodes in
// codes (modified: sorted and compacted), once each.
func (c *Computer) linksAmong(codes []int, dst []handoff.Link) []handoff.Link {
	slices.Sort(codes)
	codes = slices.Compact(codes)
	c.markAll(codes)
	for _, a := range codes {
		if !c.known(int32(a)) {
			continue
		}
		for _, l := range c.ix.links[a] {
			if int(l.other) > a && c.mark[l.other] >= 0 {
				dst = append(dst, handoff.Link{A: a, B: int(l.other), From: int64(l.span.From), To: int64(l.span.To)})
			}
		}
	}
	c.unmarkAll(codes)
	return dst
}

// markAll sets mark[code] = its position in codes, for indexed codes.
func (c *Computer) markAll(codes []int) {
	if len(c.mark) != c.ix.Len() {
		c.mark = make([]int32, c.ix.Len())
		for i := range c.mark {
			c.mark[i] = -1
		}
	}
	for i, code := range codes {
		if c.known(int32(code)) {
			c.mark[code] = int32(i)
		}
	}
}

func (c *Computer) unmarkAll(codes []int) {
	for _, code := range codes {
		if c.known(int32(code)) {
			c.mark[code] = -1
		}
	}
}

// cohort returns the person's cohort attributes.
func (c *Computer) cohort(opt Options) Cohort {
	w := opt.window()
	co := Cohort{Locality: c.rec.Person.Locality}
	c.levelSeq(Organisation)
	if u, ok := continuity.UsualProvider(c.seq, c.coordinators(Organisation, w)); ok {
		co.Organisation = c.id(int32(u))
	}
	primary := c.ix.sectorCode(care.SectorPrimaryCare)
	n := 0
	for _, o := range c.seq {
		if primary >= 0 && c.ix.sectorOfOrg(int32(o)) == primary {
			c.seq[n] = o
			n++
		}
	}
	if u, ok := continuity.UsualProvider(c.seq[:n], c.coordinators(Organisation, w)); ok {
		co.Practice = c.id(int32(u))
	}
	c.levelSeq(Sector)
	if u, ok := continuity.UsualProvider(c.seq, c.coordinators(Sector, w)); ok {
		co.Sector = c.levelID(Sector, int32(u))
	}
	return co
}

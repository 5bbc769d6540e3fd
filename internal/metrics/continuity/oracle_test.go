package continuity_test

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/careweb/careweb/internal/metrics/continuity"
	"github.com/careweb/careweb/internal/metrics/internal/oracle"
	"github.com/careweb/careweb/internal/metrics/measure"
)

type sequenceCase struct {
	ID        string `json:"id"`
	Seq       string `json:"seq"`
	N, M      int
	UPC       string
	COC       string
	HHI       string
	SECON     string
	MCI       string
	MMCI      string
	KPCWindow string
	Handoffs  int    `json:"handoffs"`
	Entropy   string `json:"entropy"`
}

// TestSequenceOracle checks every index against METRICS-REFERENCE §5.1
// (S0–S10), in its mathematical definition (no minContacts).
func TestSequenceOracle(t *testing.T) {
	var file struct{ Cases []sequenceCase }
	oracle.Load(t, "sequences.json", &file)
	if len(file.Cases) != 11 {
		t.Fatalf("sequences.json has %d cases, want 11 (S0–S10)", len(file.Cases))
	}
	for _, c := range file.Cases {
		t.Run(c.ID, func(t *testing.T) {
			seq := oracle.Codes(c.Seq)
			tally := continuity.Count(seq)
			if tally.N != c.N || tally.M != c.M {
				t.Errorf("N, M = %d, %d, want %d, %d", tally.N, tally.M, c.N, c.M)
			}
			oracle.Check(t, "UPC", continuity.UPC(seq), c.UPC)
			oracle.Check(t, "COC", continuity.COC(seq), c.COC)
			oracle.Check(t, "HHI", continuity.HHI(seq), c.HHI)
			oracle.Check(t, "SECON", continuity.SECON(seq), c.SECON)
			oracle.Check(t, "MCI", continuity.MCI(seq), c.MCI)
			oracle.Check(t, "MMCI", continuity.MMCI(seq), c.MMCI)
			oracle.Check(t, "KPCWindow", continuity.KPCWindow(seq), c.KPCWindow)
			oracle.Check(t, "Entropy", continuity.Entropy(seq), c.Entropy)
			if got := continuity.Switches(seq); got != c.Handoffs {
				t.Errorf("Switches = %d, want %d", got, c.Handoffs)
			}
		})
	}
}

// TestComputeMinContacts checks Part 1 rule 5 on the S-table: ratios are
// null below minContacts, counts never are.
func TestComputeMinContacts(t *testing.T) {
	s1 := oracle.Codes("A")
	r := continuity.Compute(s1, continuity.Options{WindowOnlyKPC: true})
	for name, v := range map[string]measure.Value{"UPC": r.UPC, "COC": r.COC, "HHI": r.HHI, "SECON": r.SECON, "MMCI": r.MMCI, "KPC": r.KPC, "Entropy": r.Entropy} {
		if v.Defined || v.Reason != measure.BelowMinContacts {
			t.Errorf("S1 default %s = %v, want null (BELOW_MIN_CONTACTS)", name, v)
		}
	}
	if r.Contacts != 1 || r.Providers != 1 || !r.HasUsualProvider || r.UsualProvider != 0 {
		t.Errorf("S1 counts = %+v, want N = M = 1 and usual provider A", r)
	}

	r = continuity.Compute(s1, continuity.Options{MinContacts: 1, WindowOnlyKPC: true})
	oracle.Check(t, "S1 min 1 UPC", r.UPC, "1")
	oracle.Check(t, "S1 min 1 MMCI", r.MMCI, "1")
	if r.COC.Reason != measure.SingleContact {
		t.Errorf("S1 min 1 COC = %v, want null (SINGLE_CONTACT)", r.COC)
	}

	r = continuity.Compute(nil, continuity.Options{})
	if r.UPC.Reason != measure.NoContacts || r.KPC.Reason != measure.NoContacts || r.HasUsualProvider {
		t.Errorf("S0 = %+v, want NO_CONTACTS and no usual provider", r)
	}

	s8 := oracle.Codes("AAABBC")
	r = continuity.Compute(s8, continuity.Options{MinContacts: 7, WindowOnlyKPC: true})
	if r.UPC.Defined || r.Contacts != 6 || r.Switches != 2 {
		t.Errorf("S8 with minContacts 7 = %+v, want null ratios and counts 6, 2", r)
	}
	r = continuity.Compute(s8, continuity.Options{WindowOnlyKPC: true})
	oracle.Check(t, "S8 Compute COC", r.COC, "4/15")
	oracle.Check(t, "S8 Compute KPC window", r.KPC, "3/5")
	if r.KPC = continuity.Compute(s8, continuity.Options{}).KPC; r.KPC.Reason != measure.NoDates {
		t.Errorf("S8 rule-7 KPC without dates = %v, want null (NO_DATES)", r.KPC)
	}
}

type bjgpRow struct {
	Patient int
	List    string
	Seq     string
	UPC     *string
	COC     *string
}

// matchesPrinted reports whether x is the printed 2 d.p. figure, rounded
// or (as the paper does for 2/3 in two rows) truncated.
func matchesPrinted(x float64, printed string) bool {
	w, err := oracle.Parse(printed)
	if err != nil {
		return false
	}
	return math.Abs(x-w.V) <= 0.005+1e-12 || math.Abs(math.Floor(x*100+1e-9)/100-w.V) < 1e-12
}

// TestBJGP2023Table2 reproduces Pereira Gray et al. 2023, Table 2 (§5.2)
// under CareWeb's defaults: "cannot calculate" for one contact is null.
func TestBJGP2023Table2(t *testing.T) {
	var file struct{ Rows []bjgpRow }
	oracle.Load(t, "bjgp2023_table2.json", &file)
	if len(file.Rows) != 20 {
		t.Fatalf("bjgp2023_table2.json has %d rows, want 20", len(file.Rows))
	}
	for _, row := range file.Rows {
		r := continuity.Compute(oracle.Codes(row.Seq), continuity.Options{WindowOnlyKPC: true})
		for _, m := range []struct {
			name    string
			got     measure.Value
			printed *string
		}{{"UPC", r.UPC, row.UPC}, {"COC", r.COC, row.COC}} {
			where := fmt.Sprintf("patient %d (%s) %s", row.Patient, row.Seq, m.name)
			switch {
			case m.printed == nil && m.got.Defined:
				t.Errorf("%s = %v, want null (cannot calculate)", where, m.got.V)
			case m.printed != nil && !m.got.Defined:
				t.Errorf("%s = %v, want %s", where, m.got, *m.printed)
			case m.printed != nil && !matchesPrinted(m.got.V, *m.printed):
				t.Errorf("%s = %.6f, printed %s", where, m.got.V, *m.printed)
			}
		}
	}
}

// TestP1Practice checks the practice-level measures of §5.3 on the Table 2
// practice.
func TestP1Practice(t *testing.T) {
	var table struct{ Rows []bjgpRow }
	oracle.Load(t, "bjgp2023_table2.json", &table)
	var file struct {
		Checks []struct {
			Measure, Group, Ours, Published string
			PublishedIsSlip                 bool
		}
	}
	oracle.Load(t, "p1_practice.json", &file)

	const drA, drB = 0, 1 // letters A and B are the two GPs
	groups := map[string][]continuity.Listed{}
	var all [][]int
	for _, row := range table.Rows {
		named := drA
		if row.List == "B" {
			named = drB
		}
		p := continuity.Listed{Named: named, Seq: oracle.Codes(row.Seq)}
		groups[row.List] = append(groups[row.List], p)
		groups["practice"] = append(groups["practice"], p)
		all = append(all, p.Seq)
	}
	profs := map[string][]int{"A": {drA}, "B": {drB}, "practice": {drA, drB}}
	mean := func(g []continuity.Listed, f func([]int) measure.Value) measure.Value {
		var sum float64
		var k int
		for _, p := range g {
			v := measure.AtLeast(f(p.Seq), len(p.Seq), continuity.DefaultMinContacts)
			if v.Defined {
				sum += v.V
				k++
			}
		}
		return measure.Of(sum / float64(k))
	}
	for _, c := range file.Checks {
		where := c.Measure + " " + c.Group
		var got measure.Value
		switch c.Measure {
		case "SLICC":
			got = continuity.SLICC(groups[c.Group])
		case "OPR":
			// A professional's OPR is over all their contacts in the practice.
			got = continuity.OPR(groups["practice"], profs[c.Group])
		case "meanUPC":
			got = mean(groups[c.Group], continuity.UPC)
		case "meanCOC":
			got = mean(groups[c.Group], continuity.COC)
		case "pooledUPC":
			got = continuity.PooledUPC(all, 2)
		default:
			t.Fatalf("p1_practice.json: unknown measure %q", c.Measure)
		}
		oracle.Check(t, where, got, c.Ours)
		if c.Published == "" || c.PublishedIsSlip {
			continue
		}
		// The published figure agrees to its printed precision.
		pub := c.Published
		scale := 1.0
		if p, ok := trimPercent(pub); ok {
			pub, scale = p, 100
		}
		oracle.Check(t, where+" (published)", measure.Of(got.V*scale), pub)
	}
}

func trimPercent(s string) (string, bool) {
	if n := len(s); n > 0 && s[n-1] == '%' {
		return s[:n-1], true
	}
	return s, false
}

func day(t *testing.T, s string) int64 {
	t.Helper()
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		t.Fatal(err)
	}
	return d.Unix() / 86400
}

// TestK1 checks the three KPC variants of §5.4 and Part 1 rule 7 on S8.
func TestK1(t *testing.T) {
	var file struct {
		Contacts []struct{ Date, Provider string }
		Window   struct{ From, To string }
		Expect   struct{ Rolling365, Unlimited, WindowOnly string }
		Rule7S8  struct{ Seq, Expect string }
	}
	oracle.Load(t, "k1_kpc.json", &file)
	from, to := day(t, file.Window.From), day(t, file.Window.To)
	var history []continuity.Contact
	var seq []int
	var days []int64
	for _, c := range file.Contacts {
		d, p := day(t, c.Date), oracle.Codes(c.Provider)[0]
		switch {
		case d < from:
			history = append(history, continuity.Contact{Provider: p, Day: d})
		case d <= to:
			seq = append(seq, p)
			days = append(days, d)
		}
	}
	oracle.Check(t, "K1 rolling 365", continuity.KPC(seq, days, history, 0), file.Expect.Rolling365)
	oracle.Check(t, "K1 rolling 365 via Compute", continuity.Compute(seq, continuity.Options{Days: days, History: history}).KPC, file.Expect.Rolling365)
	oracle.Check(t, "K1 unlimited", continuity.KPC(seq, days, history, continuity.Unlimited), file.Expect.Unlimited)
	oracle.Check(t, "K1 window only", continuity.KPCWindow(seq), file.Expect.WindowOnly)
	oracle.Check(t, "K1 window only via Compute", continuity.Compute(seq, continuity.Options{WindowOnlyKPC: true}).KPC, file.Expect.WindowOnly)

	s8 := oracle.Codes(file.Rule7S8.Seq)
	s8days := make([]int64, len(s8))
	for i := range s8days {
		s8days[i] = 19000 + int64(i)*30
	}
	oracle.Check(t, "rule 7 S8", continuity.KPC(s8, s8days, nil, 0), file.Rule7S8.Expect)
}

// TestH1Continuity checks the three-level continuity figures of oracle H1
// (§3.2).
func TestH1Continuity(t *testing.T) {
	var file struct {
		Contacts []struct{ Professional, Organisation, Sector string }
		Expect   struct {
			Professional struct {
				N, M                                                int
				UPC, COC, HHI, SECON, MCI, MMCI, KPCWindow, Entropy string
				NamedUPCGP1                                         string `json:"namedUPC_GP1"`
				Usual                                               string
			}
			Organisation struct {
				M        int
				UPC, COC string
				Usual    string
			}
			Sector struct {
				M        int
				UPC, COC string
			}
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
	var prof, org, sec []int
	for _, c := range file.Contacts {
		prof = append(prof, code(c.Professional))
		org = append(org, code(c.Organisation))
		sec = append(sec, code(c.Sector))
	}
	e := file.Expect.Professional
	r := continuity.Compute(prof, continuity.Options{WindowOnlyKPC: true})
	if r.Contacts != e.N || r.Providers != e.M || r.Switches != 6 {
		t.Errorf("H1 professional N, M, switches = %d, %d, %d, want %d, %d, 6", r.Contacts, r.Providers, r.Switches, e.N, e.M)
	}
	oracle.Check(t, "H1 UPC", r.UPC, e.UPC)
	oracle.Check(t, "H1 COC", r.COC, e.COC)
	oracle.Check(t, "H1 HHI", r.HHI, e.HHI)
	oracle.Check(t, "H1 SECON", r.SECON, e.SECON)
	oracle.Check(t, "H1 MCI", continuity.MCI(prof), e.MCI)
	oracle.Check(t, "H1 MMCI", r.MMCI, e.MMCI)
	oracle.Check(t, "H1 KPC window", r.KPC, e.KPCWindow)
	oracle.Check(t, "H1 entropy", r.Entropy, e.Entropy)
	oracle.Check(t, "H1 named UPC GP1", continuity.NamedUPC(prof, codes["GP1"]), e.NamedUPCGP1)
	if !r.HasUsualProvider || r.UsualProvider != codes[e.Usual] {
		t.Errorf("H1 usual provider = %d, want %s (tie GP1/SW broken by latest contact)", r.UsualProvider, e.Usual)
	}

	o := continuity.Compute(org, continuity.Options{WindowOnlyKPC: true})
	if o.Providers != file.Expect.Organisation.M {
		t.Errorf("H1 organisation M = %d, want %d", o.Providers, file.Expect.Organisation.M)
	}
	oracle.Check(t, "H1 organisation UPC", o.UPC, file.Expect.Organisation.UPC)
	oracle.Check(t, "H1 organisation COC", o.COC, file.Expect.Organisation.COC)
	if o.UsualProvider != codes[file.Expect.Organisation.Usual] {
		t.Errorf("H1 usual organisation = %d, want %s", o.UsualProvider, file.Expect.Organisation.Usual)
	}

	s := continuity.Compute(sec, continuity.Options{WindowOnlyKPC: true})
	if s.Providers != file.Expect.Sector.M {
		t.Errorf("H1 sector M = %d, want %d", s.Providers, file.Expect.Sector.M)
	}
	oracle.Check(t, "H1 sector UPC", s.UPC, file.Expect.Sector.UPC)
	oracle.Check(t, "H1 sector COC", s.COC, file.Expect.Sector.COC)
}

package continuity_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/careweb/careweb/internal/metrics/continuity"
	"github.com/careweb/careweb/internal/metrics/measure"
)

// PropertySequences is how many random sequences the property tests draw,
// as in METRICS-REFERENCE §1.9 (Appendix A draws 2,000).
const PropertySequences = 2000

const eps = 1e-12

// randomSequence draws a sequence of 2–12 contacts over providers A–E, as
// Appendix A does.
func randomSequence(r *rand.Rand) []int {
	seq := make([]int, 2+r.IntN(11))
	for i := range seq {
		seq[i] = r.IntN(5)
	}
	return seq
}

func must(t *testing.T, what string, v measure.Value) float64 {
	t.Helper()
	if !v.Defined {
		t.Fatalf("%s undefined (%s) for N ≥ 2", what, v.Reason)
	}
	return v.V
}

// TestProperties checks the invariants of METRICS-REFERENCE §1.9 on seeded
// random sequences, and the ranges of §1's summary table.
func TestProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 1977))
	var seconMoved int
	for i := 0; i < PropertySequences; i++ {
		seq := randomSequence(r)
		tally := continuity.Count(seq)
		N, M := float64(tally.N), float64(tally.M)
		upc := must(t, "UPC", continuity.UPC(seq))
		coc := must(t, "COC", continuity.COC(seq))
		hhi := must(t, "HHI", continuity.HHI(seq))
		secon := must(t, "SECON", continuity.SECON(seq))
		mmci := must(t, "MMCI", continuity.MMCI(seq))
		kpcw := must(t, "KPCWindow", continuity.KPCWindow(seq))
		h := must(t, "Entropy", continuity.Entropy(seq))
		fail := func(format string, args ...any) {
			t.Helper()
			t.Errorf("sequence %v: "+format, append([]any{seq}, args...)...)
		}

		// §1.9 invariants.
		if upc*upc > hhi+eps || hhi > upc+eps {
			fail("UPC² ≤ HHI ≤ UPC fails: UPC %v, HHI %v", upc, hhi)
		}
		if want := (N*hhi - 1) / (N - 1); math.Abs(coc-want) > eps {
			fail("COC = %v, (N·HHI − 1)/(N − 1) = %v", coc, want)
		}
		if want := (N - 1) * (1 - secon); math.Abs(float64(continuity.Switches(seq))-want) > 1e-9 {
			fail("switches = %d, (N − 1)(1 − SECON) = %v", continuity.Switches(seq), want)
		}
		if (coc == 1) != (tally.M == 1) {
			fail("COC = %v with M = %d: COC = 1 ⇔ M = 1 fails", coc, tally.M)
		}
		if (coc == 0) != (tally.M == tally.N) {
			fail("COC = %v with M = %d, N = %d: COC = 0 ⇔ M = N fails", coc, tally.M, tally.N)
		}
		if want := (1 - M/(N+0.1)) / (1 - 1/(N+0.1)); math.Abs(mmci-want) > eps {
			fail("MMCI = %v, (1 − M/(N+0.1))/(1 − 1/(N+0.1)) = %v", mmci, want)
		}

		// COC from its probabilistic definition, counted pair by pair.
		same := 0
		for a := range seq {
			for b := a + 1; b < len(seq); b++ {
				if seq[a] == seq[b] {
					same++
				}
			}
		}
		if want := float64(same) / (N * (N - 1) / 2); math.Abs(coc-want) > eps {
			fail("COC = %v, share of same-provider pairs = %v", coc, want)
		}

		// Ranges (§1 summary table).
		for name, v := range map[string]float64{"UPC": upc, "COC": coc, "HHI": hhi, "SECON": secon, "MMCI": mmci, "KPCWindow": kpcw} {
			if v < 0 || v > 1 {
				fail("%s = %v outside [0, 1]", name, v)
			}
		}
		if upc < 1/N-eps || hhi < 1/M-eps || mmci < 1/(10*N-9)-eps || mmci <= 0 {
			fail("lower bounds fail: UPC %v ≥ 1/N, HHI %v ≥ 1/M, MMCI %v ≥ 1/(10N − 9)", upc, hhi, mmci)
		}
		if h < 0 || h > math.Log2(M)+eps {
			fail("entropy %v outside [0, log₂ M]", h)
		}
		if upc < coc-eps {
			fail("UPC %v < COC %v", upc, coc)
		}

		// KPC without history: each provider's first contact is unknown.
		if want := (N - M) / (N - 1); math.Abs(kpcw-want) > eps {
			fail("KPCWindow = %v, (N − M)/(N − 1) = %v", kpcw, want)
		}
		days := make([]int64, len(seq))
		for j := range days {
			days[j] = int64(j) * 400 // every gap exceeds a year
		}
		if v := continuity.KPC(seq, days, nil, continuity.Unlimited); math.Abs(v.V-(N-M)/N) > eps {
			fail("unlimited KPC = %v, (N − M)/N = %v", v, (N-M)/N)
		}
		if v := continuity.KPC(seq, days, nil, 0); !v.Defined || v.V != 0 {
			fail("365-day KPC with 400-day gaps = %v, want 0", v)
		}

		// Permutation invariance: UPC, COC, HHI, MMCI (and entropy) are
		// order-free; SECON and KPC are not.
		perm := append([]int(nil), seq...)
		r.Shuffle(len(perm), func(a, b int) { perm[a], perm[b] = perm[b], perm[a] })
		for name, f := range map[string]func([]int) measure.Value{
			"UPC": continuity.UPC, "COC": continuity.COC, "HHI": continuity.HHI,
			"MMCI": continuity.MMCI, "Entropy": continuity.Entropy,
		} {
			if a, b := f(seq), f(perm); math.Abs(a.V-b.V) > eps {
				fail("%s changes under permutation %v: %v ≠ %v", name, perm, a, b)
			}
		}
		if continuity.SECON(perm) != continuity.SECON(seq) {
			seconMoved++
		}
	}
	if seconMoved == 0 {
		t.Errorf("SECON never changed under permutation in %d sequences; it is order-sensitive", PropertySequences)
	}
	// KPC with unlimited history depends only on N and M (checked above);
	// order matters once the look-back can expire.
	aabb, abab := []int{0, 0, 1, 1}, []int{0, 1, 0, 1}
	days := []int64{0, 100, 400, 500}
	if a, b := continuity.KPC(aabb, days, nil, 0), continuity.KPC(abab, days, nil, 0); a == b {
		t.Errorf("365-day KPC of AABB and ABAB on the same days are both %v; KPC is order-sensitive", a)
	}
}

// TestNoPanicOnAnyInput feeds arbitrary codes, lengths and dates to every
// function: each must return, never panic, and never return NaN.
func TestNoPanicOnAnyInput(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 13))
	for i := 0; i < 500; i++ {
		seq := make([]int, r.IntN(6))
		for j := range seq {
			seq[j] = r.IntN(7) - 3
		}
		days := make([]int64, r.IntN(7))
		for j := range days {
			days[j] = r.Int64N(1000) - 500
		}
		hist := []continuity.Contact{{Provider: -1, Day: r.Int64N(100)}}
		res := continuity.Compute(seq, continuity.Options{MinContacts: r.IntN(4) - 1, Days: days, History: hist, LookbackDays: r.IntN(5) - 2, Coordinators: []int{-1, 2}})
		for _, v := range []measure.Value{res.UPC, res.COC, res.HHI, res.SECON, res.MMCI, res.KPC, res.Entropy} {
			if v.Defined && (math.IsNaN(v.V) || v.V < 0 || v.V > math.Log2(6)+eps) {
				t.Fatalf("Compute(%v, days %v) gave %v", seq, days, v)
			}
			if !v.Defined && v.Reason == "" {
				t.Fatalf("Compute(%v, days %v): undefined without a reason", seq, days)
			}
		}
	}
}

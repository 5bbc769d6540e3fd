package analysis

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/metrics/measure"
)

// serial computes every record of st one by one, as JSON lines.
func serial(t *testing.T, st *memStore, pop *Population, opt Options) []string {
	t.Helper()
	c := pop.NewComputer()
	var out []string
	for _, rec := range st.recs {
		res, err := c.Person(rec, opt)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(Record{Result: &res, Proposals: true}.AppendJSON(nil)))
	}
	return out
}

func TestRunMatchesSerial(t *testing.T) {
	st := population(7, 300, 20)
	opt := Options{Window: care.Window{From: care.MakeDate(2023, time.March, 1), To: care.MakeDate(2024, time.August, 31)}}
	pop, err := BuildPopulation(context.Background(), st, opt.Window)
	if err != nil {
		t.Fatal(err)
	}
	if pop.People != 300 || pop.Sharing.Pairs() == 0 || len(pop.Index.Skipped()) != 0 {
		t.Fatalf("population: %d people, %d pairs, skipped %v", pop.People, pop.Sharing.Pairs(), pop.Index.Skipped())
	}
	want := serial(t, st, pop, opt)
	for _, workers := range []int{1, 3, 0} {
		var got []string
		err := Run(context.Background(), st, pop, opt, workers, func(r *Result) error {
			got = append(got, string(Record{Result: r, Proposals: true}.AppendJSON(nil)))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("workers %d: %d results, want %d", workers, len(got), len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("workers %d, person %d:\n got %s\nwant %s", workers, i, got[i], want[i])
			}
		}
	}
}

func TestRunErrors(t *testing.T) {
	st := population(8, 200, 5)
	pop := NewPopulation(NewIndex(&st.svc))
	ctx := context.Background()

	if err := Run(ctx, st, pop, Options{Level: "WARD"}, 2, func(*Result) error { return nil }); care.ErrorCode(err) != care.Invalid || st.streams != 0 {
		t.Errorf("invalid options: %v after %d streams", err, st.streams)
	}
	for _, workers := range []int{1, 4} {
		stop := errors.New("disk full")
		n := 0
		err := Run(ctx, st, pop, Options{}, workers, func(*Result) error {
			n++
			if n == 10 {
				return stop
			}
			return nil
		})
		if !errors.Is(err, stop) || n != 10 {
			t.Errorf("workers %d: emit error: %v after %d results", workers, err, n)
		}

		st.failAt = 50
		n = 0
		err = Run(ctx, st, pop, Options{}, workers, func(*Result) error { n++; return nil })
		if !errors.Is(err, errStore) || n > 50 {
			t.Errorf("workers %d: store error: %v after %d results", workers, err, n)
		}
		st.failAt = 0

		cctx, cancel := context.WithCancel(ctx)
		n = 0
		err = Run(cctx, st, pop, Options{}, workers, func(*Result) error {
			if n++; n == 5 {
				cancel()
			}
			return nil
		})
		if err == nil || n == len(st.recs) {
			t.Errorf("workers %d: cancelled run: %v after %d results", workers, err, n)
		}
	}
}

// TestProperties checks relations that must hold for every person of a
// synthetic population, between the bridge's outputs and against the
// metrics' ranges.
func TestProperties(t *testing.T) {
	st := population(9, 400, 25)
	w := care.Window{From: care.MakeDate(2023, time.June, 1), To: care.MakeDate(2024, time.May, 31)}
	pop, err := BuildPopulation(context.Background(), st, w)
	if err != nil {
		t.Fatal(err)
	}
	c := pop.NewComputer()
	unit := func(name string, v measure.Value) {
		if v.Defined && (v.V < -1e-12 || v.V > 1+1e-12 || math.IsNaN(v.V)) {
			t.Errorf("%s = %v outside [0, 1]", name, v.V)
		}
		if !v.Defined && v.Reason == "" {
			t.Errorf("%s null without a reason", name)
		}
	}
	for _, rec := range st.recs {
		for _, l := range Levels {
			opt := Options{Window: w, Level: l, MinContacts: 1}
			r, err := c.Person(rec, opt)
			if err != nil {
				t.Fatal(err)
			}
			k := r.Continuity
			for name, v := range map[string]measure.Value{"upc": k.UPC, "coc": k.COC, "hhi": k.HHI, "secon": k.SECON, "mmci": k.MMCI, "kpc": k.KPC} {
				unit(rec.Person.ID+" "+string(l)+" "+name, v)
			}
			if k.Contacts >= 2 {
				// SECON identity: switches at the level = (N − 1)(1 − SECON).
				if l == Professional {
					if got := float64(k.Contacts-1) * (1 - k.SECON.V); math.Abs(got-float64(r.Handoffs.Total)) > 1e-9 {
						t.Errorf("%s: handoffs %d, (N−1)(1−SECON) = %v", rec.Person.ID, r.Handoffs.Total, got)
					}
				}
				if k.UPC.V*k.UPC.V > k.HHI.V+1e-12 || k.HHI.V > k.UPC.V+1e-12 {
					t.Errorf("%s: UPC² ≤ HHI ≤ UPC fails: %v %v", rec.Person.ID, k.UPC.V, k.HHI.V)
				}
			}
			if l == Organisation && k.Contacts >= 2 {
				if math.Abs(r.Fragmentation.FCI.V-(1-k.COC.V)) > 1e-12 {
					t.Errorf("%s: FCI %v ≠ 1 − COC(org) %v", rec.Person.ID, r.Fragmentation.FCI.V, k.COC.V)
				}
			}
			f := r.Fragmentation
			for name, v := range map[string]measure.Value{"network": f.NetworkFragmentation, "professional": f.ProfessionalFragmentation,
				"df": f.DistanceWeightedFragmentation, "bridging": f.CarerBridgingShare, "fci": f.FCI} {
				unit(rec.Person.ID+" "+name, v)
			}
			if f.CareDensity.Defined && f.CareDensity.V < 1 {
				t.Errorf("%s: care density %v < 1", rec.Person.ID, f.CareDensity.V)
			}
			h := r.Handoffs
			if h.Supported+h.Unsupported != h.Total || h.CrossOrganisation+h.UnknownOrganisation > h.Total || h.CrossSector > h.Total {
				t.Errorf("%s: handoffs %+v", rec.Person.ID, h)
			}
			if f.Organisations < 0 || f.Sectors > f.Organisations || f.Professionals < k.Providers && l == Professional {
				t.Errorf("%s: counts %+v, providers %d", rec.Person.ID, f, k.Providers)
			}
		}
	}
}

// TestBadDataDoesNotPanic feeds records and services that break every
// rule a store would enforce: the analysis must answer with values or
// nulls with reasons, never panic or NaN.
func TestBadDataDoesNotPanic(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	ids := []string{"", "a", "b", "o", "p", "ghost", "c", "a"}
	pick := func() string { return ids[rng.IntN(len(ids))] }
	dates := []care.Date{care.NoStart, care.NoEnd, 0, -1, 19000, 19001, 20000, care.NoEnd - 1, care.NoStart + 1}
	date := func() care.Date { return dates[rng.IntN(len(dates))] }
	times := []time.Time{{}, time.Unix(0, 0), time.Unix(1<<40, 0), time.Unix(-1<<40, 0), time.Unix(1.7e9, 0), time.Unix(1.7e9+3600, 0)}
	kinds := []care.Kind{care.KindCarer, care.KindProfessional, care.KindOrganisation, care.KindPerson, "alien", ""}
	types := []care.RelType{care.WorksIn, care.LinkedTo, care.CaresFor, care.InvolvedIn, "HATES"}
	for iter := range 300 {
		var svc care.Services
		for range rng.IntN(8) {
			svc.Nodes = append(svc.Nodes, care.Node{ID: pick(), Kind: kinds[rng.IntN(len(kinds))], Sector: care.Sector(pick())})
		}
		for range rng.IntN(12) {
			svc.Relationships = append(svc.Relationships, care.Relationship{Type: types[rng.IntN(len(types))], From: pick(), To: pick(), Span: care.Span{From: date(), To: date()}})
		}
		rec := &care.PersonRecord{Person: care.Node{ID: pick()}}
		for range rng.IntN(10) {
			rec.Relationships = append(rec.Relationships, care.Relationship{Type: types[rng.IntN(len(types))], From: pick(), To: rec.Person.ID,
				Span: care.Span{From: date(), To: date()}, Coordinator: rng.IntN(2) == 0})
		}
		for range rng.IntN(12) {
			rec.Contacts = append(rec.Contacts, care.Contact{ID: pick(), Professional: pick(), Organisation: pick(), At: times[rng.IntN(len(times))], Setting: pick()})
		}
		for range rng.IntN(4) {
			rec.Referrals = append(rec.Referrals, care.Referral{ID: pick(), From: pick(), To: pick(), At: times[rng.IntN(len(times))]})
		}
		ix := NewIndex(&svc)
		b := NewSharingBuilder(ix, care.Always)
		b.Add(rec)
		b.Add(nil)
		pop, err := b.Population()
		if err != nil {
			t.Fatal(err)
		}
		c := pop.NewComputer()
		for _, opt := range []Options{{}, {Level: Organisation, MinContacts: 1, ChurnPeriod: Month}, {Level: Sector, Window: care.Window{From: 19000, To: 19001}},
			{Window: care.Window{From: care.NoStart, To: 0}, Today: 1}} {
			r, err := c.Person(rec, opt)
			if err != nil {
				t.Fatalf("iteration %d: %v", iter, err)
			}
			line := Record{Result: &r, Proposals: true}.AppendJSON(nil)
			if strings.Contains(string(line), "NaN") || strings.Contains(string(line), "Inf") {
				t.Fatalf("iteration %d: %s", iter, line)
			}
			for _, m := range Metrics(true) {
				if v := m.Value(&r); !v.Defined && v.Reason == "" {
					t.Errorf("iteration %d: %s null without a reason", iter, m.Name)
				}
			}
			if len(r.Churn.Periods) > 5000 {
				t.Errorf("iteration %d: %d churn periods", iter, len(r.Churn.Periods))
			}
		}
	}

}

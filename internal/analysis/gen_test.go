package analysis

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/careweb/careweb/internal/care"
)

// population is a synthetic population for benchmarks and property tests,
// shaped like a local health and care economy: localities of about forty
// professionals in a dozen organisations of every sector, LINKED_TO among
// colleagues, people drawing their professionals from one locality with a
// skewed number of contacts (mean about meanContacts) over two years,
// some recorded organisations, same-day repeats, carers, INVOLVED_IN with
// coordinators, and referrals.
func population(seed uint64, people int, meanContacts float64) *memStore {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	st := &memStore{}
	from := care.MakeDate(2023, time.January, 1)
	const days = 730
	localities := max(1, people/1000)
	type loc struct{ profs, orgs []string }
	locs := make([]loc, localities)
	for l := range locs {
		for o := range 12 {
			id := fmt.Sprintf("o-%03d-%02d", l, o)
			st.svc.Nodes = append(st.svc.Nodes, care.Node{ID: id, Kind: care.KindOrganisation, Name: id, Sector: care.Sectors[o%len(care.Sectors)]})
			locs[l].orgs = append(locs[l].orgs, id)
		}
		for p := range 40 {
			id := fmt.Sprintf("pr-%03d-%02d", l, p)
			st.svc.Nodes = append(st.svc.Nodes, care.Node{ID: id, Kind: care.KindProfessional, Name: id, Role: care.RoleGP})
			org := locs[l].orgs[p%12]
			if p%7 == 0 { // a change of job half way
				mid := from.AddDays(days / 2)
				st.svc.Relationships = append(st.svc.Relationships,
					care.Relationship{ID: id + "-w1", Type: care.WorksIn, From: id, To: org, Span: care.Span{From: care.NoStart, To: mid - 1}},
					care.Relationship{ID: id + "-w2", Type: care.WorksIn, From: id, To: locs[l].orgs[(p+1)%12], Span: care.Span{From: mid, To: care.NoEnd}})
			} else {
				st.svc.Relationships = append(st.svc.Relationships, care.Relationship{ID: id + "-w", Type: care.WorksIn, From: id, To: org, Span: care.Always})
			}
			locs[l].profs = append(locs[l].profs, id)
		}
		for i, a := range locs[l].profs {
			for j := i + 1; j < len(locs[l].profs); j++ {
				if rng.Float64() < 0.08 {
					b := locs[l].profs[j]
					st.svc.Relationships = append(st.svc.Relationships, care.Relationship{ID: a + "~" + b, Type: care.LinkedTo, From: a, To: b, Span: care.Always})
				}
			}
		}
		for i := range 6 {
			a, b := locs[l].orgs[i], locs[l].orgs[i+6]
			st.svc.Relationships = append(st.svc.Relationships, care.Relationship{ID: a + "~" + b, Type: care.LinkedTo, From: a, To: b, Span: care.Always})
		}
	}
	for i := range people {
		pid := fmt.Sprintf("p-%07d", i)
		l := &locs[i%localities]
		rec := &care.PersonRecord{Person: care.Node{ID: pid, Kind: care.KindPerson, Name: pid, Locality: fmt.Sprint("loc-", i%localities)}}
		// Log-normal contact counts (sigma 1) with the requested mean.
		n := int(meanContacts*math.Exp(rng.NormFloat64()-0.5) + rng.Float64())
		n = min(n, 2000)
		k := 2 + rng.IntN(10)
		mine := make([]string, k)
		for j := range mine {
			mine[j] = l.profs[rng.IntN(len(l.profs))]
		}
		for c := range 1 + rng.IntN(2) {
			cid := fmt.Sprintf("c-%07d-%d", i, c)
			st.svc.Nodes = append(st.svc.Nodes, care.Node{ID: cid, Kind: care.KindCarer, Name: cid})
			rec.Relationships = append(rec.Relationships, care.Relationship{ID: cid + "-cf", Type: care.CaresFor, From: cid, To: pid, Span: care.Always})
			st.svc.Relationships = append(st.svc.Relationships, care.Relationship{ID: cid + "~" + mine[0], Type: care.LinkedTo, From: cid, To: mine[0], Span: care.Always})
		}
		for j, p := range mine[:k/2+1] {
			start := from.AddDays(rng.IntN(days))
			end := care.NoEnd
			if rng.IntN(3) == 0 {
				end = start.AddDays(30 + rng.IntN(300))
			}
			rec.Relationships = append(rec.Relationships, care.Relationship{ID: fmt.Sprint(pid, "-inv-", j), Type: care.InvolvedIn, From: p, To: pid,
				Span: care.Span{From: start, To: end}, Coordinator: j == 0})
		}
		t := from.Time()
		for c := range n {
			t = t.Add(time.Duration(rng.ExpFloat64() * float64(days*24*time.Hour) / float64(n+1)))
			if rng.IntN(10) == 0 {
				t = t.Add(-time.Duration(rng.IntN(3600)) * time.Second) // out of order, same day
			}
			ct := care.Contact{ID: fmt.Sprintf("ct-%07d-%04d", i, c), Person: pid, Professional: mine[rng.IntN(k)], At: t, Mode: care.ModeFaceToFace}
			if rng.IntN(10) < 6 {
				ct.Organisation = l.orgs[rng.IntN(len(l.orgs))]
			}
			if rng.IntN(4) == 0 {
				ct.Setting = []string{"home", "clinic", "ward"}[rng.IntN(3)]
			}
			rec.Contacts = append(rec.Contacts, ct)
			if c > 0 && rng.IntN(8) == 0 {
				prev := rec.Contacts[c-1]
				rec.Referrals = append(rec.Referrals, care.Referral{ID: fmt.Sprint(ct.ID, "-r"), Person: pid, From: prev.Professional, To: ct.Professional, At: prev.At})
			}
		}
		sortRecord(rec)
		st.recs = append(st.recs, rec)
	}
	return st
}

// sortRecord puts a record in the store's order (contacts and referrals by
// time, then id).
func sortRecord(rec *care.PersonRecord) {
	slices.SortFunc(rec.Contacts, func(a, b care.Contact) int { return compareContacts(&a, &b) })
	slices.SortFunc(rec.Referrals, func(a, b care.Referral) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
}

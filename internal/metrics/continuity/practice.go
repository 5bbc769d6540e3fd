package continuity

import "github.com/careweb/careweb/internal/metrics/measure"

// Listed is one person on a named professional's list (a GP list, a key
// worker's caseload) with their contacts in the window.
type Listed struct {
	// Named is the code of the person's named professional.
	Named int
	// Seq is the person's contacts, as provider codes.
	Seq []int
}

// SLICC returns the St Leonard's Index of Continuity of Care of a group of
// listed people (Sidaway-Lee, Pereira Gray & Evans 2019): the contacts that
// were with the person's own named professional ÷ all the group's contacts.
// Undefined (NoContacts) when the group has no contacts.
func SLICC(group []Listed) measure.Value {
	var own, all int64
	for _, p := range group {
		for _, c := range p.Seq {
			if c == p.Named {
				own++
			}
		}
		all += int64(len(p.Seq))
	}
	if all == 0 {
		return measure.Undefined(measure.NoContacts)
	}
	return measure.Ratio(own, all)
}

// OPR returns the Own Patient Ratio (Pereira Gray et al. 2023) of the named
// professionals in professionals over the people in group: the contacts
// those professionals had with people on their own list ÷ all their
// contacts with the group. With one professional it is that professional's
// OPR; with all of a practice's it is the practice OPR. Undefined
// (NoContacts) when the professionals had no contacts with the group.
func OPR(group []Listed, professionals []int) measure.Value {
	in := make(map[int]bool, len(professionals))
	for _, p := range professionals {
		in[p] = true
	}
	var own, all int64
	for _, p := range group {
		for _, c := range p.Seq {
			if !in[c] {
				continue
			}
			all++
			if c == p.Named {
				own++
			}
		}
	}
	if all == 0 {
		return measure.Undefined(measure.NoContacts)
	}
	return measure.Ratio(own, all)
}

// PooledUPC returns the visit-weighted population UPC (after Eriksson &
// Mattsson 1983): Σ max_i n_i ÷ Σ N over the people with at least
// minContacts contacts (0 or less means DefaultMinContacts), rather than the
// mean of their UPCs. Undefined (NoContacts) when nobody qualifies.
func PooledUPC(people [][]int, minContacts int) measure.Value {
	if minContacts <= 0 {
		minContacts = DefaultMinContacts
	}
	var top, all int64
	for _, seq := range people {
		if len(seq) < minContacts || len(seq) == 0 {
			continue
		}
		t := Count(seq)
		top += int64(t.Max)
		all += int64(t.N)
	}
	if all == 0 {
		return measure.Undefined(measure.NoContacts)
	}
	return measure.Ratio(top, all)
}

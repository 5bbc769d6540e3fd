package analysis

import (
	"context"
	"slices"

	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/metrics/fragmentation"
)

// Population is what per-person analysis needs from beyond the person: the
// service index and, for care density (METRICS-REFERENCE Part 1 rule 13),
// the population's patient-sharing network in one window. It is immutable
// and safe for concurrent use; each goroutine computes through its own
// Computer (NewComputer).
//
// Building one costs a pass over the whole population, so callers decide
// how long to keep it: the batch CLI builds one per run; the GraphQL
// service can cache one per window and drop it when a write arrives.
type Population struct {
	// Index is the service side of the graph.
	Index *Index
	// Window is the window Sharing was built for (all time for the zero
	// window). Care density asked for another window is null
	// (POPULATION_WINDOW).
	Window care.Window
	// Sharing is the patient-sharing network over the Index's professional
	// codes; nil when only the index was built (care density is then null,
	// NO_POPULATION).
	Sharing *fragmentation.Sharing
	// People is the number of person records the network was built from.
	People int
}

// NewPopulation returns a Population with the index only: every metric but
// care density can be computed with it.
func NewPopulation(ix *Index) *Population {
	return &Population{Index: ix, Window: care.Always}
}

// SharingBuilder builds a Population's patient-sharing network from person
// records, one at a time, so that it can be fed from care.Store.EachPerson
// (whose records are only valid during the call). It is not safe for
// concurrent use.
type SharingBuilder struct {
	ix     *Index
	w      care.Window
	flat   []int // every person's provider set, back to back
	ends   []int // flat[ends[i-1]:ends[i]] is person i's set
	people int
}

// NewSharingBuilder starts a patient-sharing network over ix for window w
// (the zero Window is all time).
func NewSharingBuilder(ix *Index, w care.Window) *SharingBuilder {
	if ix == nil {
		ix = NewIndex(nil)
	}
	return &SharingBuilder{ix: ix, w: Options{Window: w}.window()}
}

// Add adds one person: their provider set is the professionals they had
// contacts with dated in the window (rule 13; repeats and deduplication do
// not matter to a set). Professionals unknown to the index are left out —
// their weights cannot be keyed — and the people who saw them get a null
// care density (UNKNOWN_PROFESSIONAL). A nil record is ignored.
func (b *SharingBuilder) Add(rec *care.PersonRecord) {
	if rec == nil {
		return
	}
	b.people++
	start := len(b.flat)
	for i := range rec.Contacts {
		ct := &rec.Contacts[i]
		d := dayOf(ct.At)
		if !b.w.Contains(d) {
			continue
		}
		if code, ok := b.ix.codes[ct.Professional]; ok {
			b.flat = append(b.flat, int(code))
		}
	}
	set := b.flat[start:]
	slices.Sort(set)
	b.flat = b.flat[:start+len(slices.Compact(set))]
	if len(b.flat)-start < 2 {
		b.flat = b.flat[:start] // a set of one shares with nobody
		return
	}
	b.ends = append(b.ends, len(b.flat))
}

// Population returns the Population with the network built so far. The
// error is Internal: it can only come from a provider code out of range,
// which the index rules out.
func (b *SharingBuilder) Population() (*Population, error) {
	sets := make([][]int, len(b.ends))
	start := 0
	for i, end := range b.ends {
		sets[i] = b.flat[start:end:end]
		start = end
	}
	s, err := fragmentation.NewSharing(sets)
	if err != nil {
		return nil, care.Wrap(care.Internal, err, "analysis: building the patient-sharing network")
	}
	return &Population{Index: b.ix, Window: b.w, Sharing: s, People: b.people}, nil
}

// BuildPopulation builds the Population of the store for window w (the
// zero Window is all time): the service index, then one pass over every
// person for the patient-sharing network. Errors are the store's.
func BuildPopulation(ctx context.Context, s care.Streamer, w care.Window) (*Population, error) {
	svc, err := s.Services(ctx)
	if err != nil {
		return nil, err
	}
	b := NewSharingBuilder(NewIndex(svc), w)
	if err := s.EachPerson(ctx, func(rec *care.PersonRecord) error {
		b.Add(rec)
		return nil
	}); err != nil {
		return nil, err
	}
	return b.Population()
}

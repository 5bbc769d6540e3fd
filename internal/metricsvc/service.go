package metricsvc

import (
	"context"
	"runtime"
	"sync"
	"time"

	"github.com/careweb/careweb/internal/analysis"
	"github.com/careweb/careweb/internal/care"
)

// Options configure a Service. The zero Options are sensible defaults.
type Options struct {
	// Windows is how many windows' populations (patient-sharing networks)
	// are kept; 0 means 4.
	Windows int
	// Summaries is how many population summaries are kept; 0 means 16.
	Summaries int
	// MaxAge is how long a cached index, population or summary is used
	// before it is rebuilt even without a write: the bound on how stale a
	// figure can be when writes reach the store without passing through
	// this process. 0 means 5 minutes; negative means never.
	MaxAge time.Duration
	// Workers is how many goroutines compute a summary; 0 means half of
	// GOMAXPROCS (at least 1), leaving the rest to the requests.
	Workers int
	// Now is the clock ("today" for tenure and churn); nil means time.Now.
	Now func() time.Time
}

// Service computes per-person metrics and population summaries over a
// store, keeping what is expensive to rebuild (see the package comment).
// It is safe for concurrent use.
type Service struct {
	src    care.Streamer
	opt    Options
	bg     context.Context // builds run on it, so that a caller giving up does not waste them
	cancel context.CancelFunc

	mu    sync.Mutex
	gen   uint64
	index *flight[*populationEntry]
	pops  lru[care.Window, *flight[*populationEntry]]
	sums  lru[summaryKey, *flight[Summary]]
}

// populationEntry is a Population with a pool of Computers over it: a
// Computer's scratch space is sized by the index, so reusing them keeps a
// request from allocating it afresh.
type populationEntry struct {
	pop       *analysis.Population
	computers sync.Pool
}

func newPopulationEntry(pop *analysis.Population) *populationEntry {
	e := &populationEntry{pop: pop}
	e.computers.New = func() any { return pop.NewComputer() }
	return e
}

type summaryKey struct {
	opt       analysis.Options
	cohort    string
	proposals bool
}

// New returns a Service reading the population from src, which must see
// every person (see the package comment).
func New(src care.Streamer, opt Options) *Service {
	if opt.Windows <= 0 {
		opt.Windows = 4
	}
	if opt.Summaries <= 0 {
		opt.Summaries = 16
	}
	if opt.MaxAge == 0 {
		opt.MaxAge = 5 * time.Minute
	}
	if opt.Workers <= 0 {
		opt.Workers = max(1, runtime.GOMAXPROCS(0)/2)
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	s := &Service{src: src, opt: opt}
	s.bg, s.cancel = context.WithCancel(context.Background())
	s.pops.max = opt.Windows
	s.sums.max = opt.Summaries
	return s
}

// Close stops the builds under way; their waiters get an error. The
// Service must not be used afterwards.
func (s *Service) Close() { s.cancel() }

// Invalidate drops everything cached: call it after every write to the
// store (Wrap does). Builds under way finish for the callers waiting on
// them but are not kept.
func (s *Service) Invalidate() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gen++
	s.index = nil
	s.pops.clear()
	s.sums.clear()
}

// Today returns the service clock's UTC day: the default "as of" day.
func (s *Service) Today() care.Date { return care.DateOf(s.opt.Now()) }

// start begins building a value on the service's context, returning the
// flight callers wait on. It must be called with s.mu held.
func start[T any](s *Service, build func(ctx context.Context) (T, error)) *flight[T] {
	f := &flight[T]{done: make(chan struct{}), gen: s.gen, born: s.opt.Now()}
	go func() {
		defer close(f.done)
		f.val, f.err = build(s.bg)
	}()
	return f
}

// base returns the index-only population: every metric but care density.
func (s *Service) base(ctx context.Context) (*populationEntry, error) {
	s.mu.Lock()
	f := s.index
	if f == nil || !f.fresh(s.gen, s.opt.Now(), s.opt.MaxAge) {
		f = start(s, func(ctx context.Context) (*populationEntry, error) {
			svc, err := s.src.Services(ctx)
			if err != nil {
				return nil, err
			}
			return newPopulationEntry(analysis.NewPopulation(analysis.NewIndex(svc))), nil
		})
		s.index = f
	}
	s.mu.Unlock()
	return f.wait(ctx, "the service index")
}

// population returns the population with the patient-sharing network of
// window w (normalised: all time is care.Always).
func (s *Service) population(ctx context.Context, w care.Window) (*populationEntry, error) {
	s.mu.Lock()
	f, ok := s.pops.get(w)
	if !ok || !f.fresh(s.gen, s.opt.Now(), s.opt.MaxAge) {
		f = start(s, func(ctx context.Context) (*populationEntry, error) {
			base, err := s.base(ctx)
			if err != nil {
				return nil, err
			}
			b := analysis.NewSharingBuilder(base.pop.Index, w)
			if err := s.src.EachPerson(ctx, func(rec *care.PersonRecord) error {
				b.Add(rec)
				return nil
			}); err != nil {
				return nil, err
			}
			pop, err := b.Population()
			if err != nil {
				return nil, err
			}
			return newPopulationEntry(pop), nil
		})
		s.pops.put(w, f)
	}
	s.mu.Unlock()
	return f.wait(ctx, "the population's patient-sharing network")
}

// Population returns the Population of window w (the zero Window is all
// time) with its patient-sharing network, built or cached. Errors are the
// store's, or Unavailable when ctx ends before the build does.
func (s *Service) Population(ctx context.Context, w care.Window) (*analysis.Population, error) {
	e, err := s.population(ctx, analysis.Options{Window: w}.Normalised().Window)
	if err != nil {
		return nil, err
	}
	return e.pop, nil
}

// compute loads personID through r and calls f with a Computer over the
// population (with the sharing network of opt's window when sharing is
// set, else the index only).
func (s *Service) compute(ctx context.Context, r care.Reader, personID string, opt analysis.Options, sharing bool,
	f func(c *analysis.Computer, rec *care.PersonRecord) error) error {
	if err := opt.Validate(); err != nil {
		return err
	}
	// The person first: an unknown id must not cost a population build.
	rec, err := analysis.LoadPerson(ctx, r, personID)
	if err != nil {
		return err
	}
	var e *populationEntry
	if sharing {
		e, err = s.population(ctx, opt.Normalised().Window)
	} else {
		e, err = s.base(ctx)
	}
	if err != nil {
		return err
	}
	c := e.computers.Get().(*analysis.Computer)
	defer e.computers.Put(c)
	return f(c, rec)
}

// Continuity returns the person's relational continuity under opt
// (METRICS-REFERENCE Part 1 rules 1–7), reading the person through r.
// Invalid options are Invalid; a missing person (or an id of another
// kind) is NotFound; other errors are the store's.
func (s *Service) Continuity(ctx context.Context, r care.Reader, personID string, opt analysis.Options) (analysis.Continuity, error) {
	var out analysis.Continuity
	err := s.compute(ctx, r, personID, opt, false, func(c *analysis.Computer, rec *care.PersonRecord) (err error) {
		out, err = c.Continuity(rec, opt)
		return err
	})
	return out, err
}

// Fragmentation returns the person's fragmentation under opt (rules 8–13),
// care density included: the first call for a window builds that window's
// patient-sharing network. Errors as Continuity.
func (s *Service) Fragmentation(ctx context.Context, r care.Reader, personID string, opt analysis.Options) (analysis.Fragmentation, error) {
	var out analysis.Fragmentation
	err := s.compute(ctx, r, personID, opt, true, func(c *analysis.Computer, rec *care.PersonRecord) (err error) {
		out, err = c.Fragmentation(rec, opt)
		return err
	})
	return out, err
}

// Handoffs returns the person's handoffs under opt (rules 14–15). Errors
// as Continuity.
func (s *Service) Handoffs(ctx context.Context, r care.Reader, personID string, opt analysis.Options) (analysis.Handoffs, error) {
	var out analysis.Handoffs
	err := s.compute(ctx, r, personID, opt, false, func(c *analysis.Computer, rec *care.PersonRecord) (err error) {
		out, err = c.Handoffs(rec, opt)
		return err
	})
	return out, err
}

// Tenure returns the person's named coordinator's time in post on day asOf
// [PROPOSAL; analysis.Tenure]. An open asOf means today (the service
// clock). Errors as Continuity.
func (s *Service) Tenure(ctx context.Context, r care.Reader, personID string, asOf care.Date) (analysis.Tenure, error) {
	if asOf.IsOpen() {
		asOf = s.Today()
	}
	opt := analysis.Options{Window: care.Window{From: care.NoStart, To: asOf}}
	var out analysis.Tenure
	err := s.compute(ctx, r, personID, opt, false, func(c *analysis.Computer, rec *care.PersonRecord) error {
		res, err := c.Person(rec, opt)
		out = res.Coordinator
		return err
	})
	return out, err
}

// Churn returns the staff churn in the person's web under opt [PROPOSAL;
// analysis.Churn]; with an open window end and no opt.Today, the periods
// run to today (the service clock). Errors as Continuity.
func (s *Service) Churn(ctx context.Context, r care.Reader, personID string, opt analysis.Options) (analysis.Churn, error) {
	if opt.Today == 0 {
		opt.Today = s.Today()
	}
	var out analysis.Churn
	err := s.compute(ctx, r, personID, opt, false, func(c *analysis.Computer, rec *care.PersonRecord) error {
		res, err := c.Person(rec, opt)
		// The Result is the Computer's to reuse: copy the periods out.
		out = res.Churn
		out.Periods = append([]analysis.ChurnPeriod(nil), res.Churn.Periods...)
		return err
	})
	return out, err
}

// SummaryQuery asks for a population summary.
type SummaryQuery struct {
	// Cohort groups people: one of analysis.Cohorts ("" is "all").
	Cohort string
	// Options are the analysis options; a zero Today is today (the service
	// clock), the "as of" day of the proposals.
	Options analysis.Options
	// Proposals includes CareWeb's PROPOSAL metrics.
	Proposals bool
	// SuppressSmallNumbers applies SmallNumbers (zero: NHS Digital's rule)
	// to the result. Who must have it is the caller's decision.
	SuppressSmallNumbers bool
	SmallNumbers         analysis.SmallNumbers
}

// Summary returns the population distributions q asks for, computing them
// over the whole population (one pass, after the window's sharing network)
// or from the cache. Invalid options or an unknown cohort are Invalid
// naming the field; Unavailable when ctx ends before the computation (which
// carries on for the next caller); other errors are the store's.
func (s *Service) Summary(ctx context.Context, q SummaryQuery) (Summary, error) {
	if err := q.Options.Validate(); err != nil {
		return Summary{}, err
	}
	cohort, err := CohortName("cohort", q.Cohort)
	if err != nil {
		return Summary{}, err
	}
	opt := q.Options.Normalised()
	if opt.Today == 0 {
		opt.Today = s.Today()
	}
	key := summaryKey{opt: opt, cohort: cohort, proposals: q.Proposals}
	s.mu.Lock()
	f, ok := s.sums.get(key)
	if !ok || !f.fresh(s.gen, s.opt.Now(), s.opt.MaxAge) {
		f = start(s, func(ctx context.Context) (Summary, error) {
			e, err := s.population(ctx, opt.Window)
			if err != nil {
				return Summary{}, err
			}
			return Summarise(ctx, s.src, e.pop, opt, cohort, q.Proposals, s.opt.Workers)
		})
		s.sums.put(key, f)
	}
	s.mu.Unlock()
	sum, err := f.wait(ctx, "the metrics summary")
	if err != nil {
		return Summary{}, err
	}
	if q.SuppressSmallNumbers {
		sum = sum.Suppress(q.SmallNumbers)
	}
	return sum, nil
}

// Backend is a store the Service can watch for writes.
type Backend interface {
	care.Store
	care.BatchReader
}

// Wrap returns next with Apply invalidating the Service after every
// successful write, so that no cached figure outlives a change made
// through it. Every other method is next's.
func (s *Service) Wrap(next Backend) Backend { return &invalidating{Backend: next, svc: s} }

type invalidating struct {
	Backend
	svc *Service
}

func (w *invalidating) Apply(ctx context.Context, b care.Batch) (care.ApplyResult, error) {
	res, err := w.Backend.Apply(ctx, b)
	if err == nil {
		w.svc.Invalidate()
	}
	return res, err
}

package metricsvc

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/careweb/careweb/internal/analysis"
	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/demo"
	"github.com/careweb/careweb/internal/metrics/measure"
	"github.com/careweb/careweb/internal/store/embedded"
)

// demoStore opens an embedded store in a temporary directory loaded with
// the demo data set of the given size (the showcase webs included).
func demoStore(t testing.TB, people int) *embedded.Store {
	t.Helper()
	st, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	_, err = demo.Apply(context.Background(), st, demo.Config{Seed: 1, People: people}, 20000)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// counting counts the population passes and service reads a Service makes,
// and can hold them until released.
type counting struct {
	Backend
	streams  atomic.Int32
	services atomic.Int32
	gate     chan struct{} // when non-nil, EachPerson waits for it to close
}

func (c *counting) EachPerson(ctx context.Context, fn func(*care.PersonRecord) error) error {
	c.streams.Add(1)
	if c.gate != nil {
		select {
		case <-c.gate:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return c.Backend.EachPerson(ctx, fn)
}

func (c *counting) Services(ctx context.Context) (*care.Services, error) {
	c.services.Add(1)
	return c.Backend.Services(ctx)
}

// batchResults computes every person's Result the batch way (one
// population for the window, analysis.Run), keyed by person.
func batchResults(t *testing.T, st care.Streamer, opt analysis.Options) map[string]analysis.Result {
	t.Helper()
	pop, err := analysis.BuildPopulation(context.Background(), st, opt.Window)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]analysis.Result{}
	err = analysis.Run(context.Background(), st, pop, opt, 2, func(r *analysis.Result) error {
		res := *r
		res.Churn.Periods = append([]analysis.ChurnPeriod(nil), r.Churn.Periods...)
		out[r.Person] = res
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestPersonMetricsEqualTheBatch(t *testing.T) {
	st := demoStore(t, 100)
	svc := New(st, Options{})
	defer svc.Close()
	ctx := context.Background()
	window := care.Window{From: care.MakeDate(2025, time.January, 1), To: care.MakeDate(2026, time.June, 30)}
	for _, opt := range []analysis.Options{
		{},
		{Window: window, Level: analysis.Organisation, MinContacts: 3},
		{Window: window, Level: analysis.Sector},
	} {
		want := batchResults(t, st, opt)
		if len(want) != 104 { // 100 people and the four showcase webs
			t.Fatalf("batch over %d people, want 104", len(want))
		}
		for _, id := range []string{demo.ShowcaseArthur, demo.ShowcaseDoreen, demo.ShowcaseGeorge, demo.ShowcaseLiam, "p000001", "p000042", "p000099"} {
			w, ok := want[id]
			if !ok {
				t.Fatalf("no person %s in the demo data", id)
			}
			c, err := svc.Continuity(ctx, st, id, opt)
			if err != nil {
				t.Fatal(err)
			}
			if c != w.Continuity {
				t.Errorf("%s %+v: continuity\n got %+v\nwant %+v", id, opt, c, w.Continuity)
			}
			f, err := svc.Fragmentation(ctx, st, id, opt)
			if err != nil {
				t.Fatal(err)
			}
			if f != w.Fragmentation {
				t.Errorf("%s %+v: fragmentation\n got %+v\nwant %+v", id, opt, f, w.Fragmentation)
			}
			h, err := svc.Handoffs(ctx, st, id, opt)
			if err != nil {
				t.Fatal(err)
			}
			if h != w.Handoffs {
				t.Errorf("%s %+v: handoffs\n got %+v\nwant %+v", id, opt, h, w.Handoffs)
			}
		}
		if arthur := want[demo.ShowcaseArthur]; !arthur.Fragmentation.CareDensity.Defined || arthur.Continuity.Contacts < 10 {
			t.Errorf("Arthur's web should be rich: %+v", arthur)
		}
	}
}

func TestTenureAndChurn(t *testing.T) {
	st := demoStore(t, 20)
	today := care.MakeDate(2026, time.October, 31)
	svc := New(st, Options{Now: func() time.Time { return today.Time().Add(15 * time.Hour) }})
	defer svc.Close()
	ctx := context.Background()
	want := batchResults(t, st, analysis.Options{Window: care.Window{From: care.NoStart, To: today}})
	for _, id := range []string{demo.ShowcaseArthur, demo.ShowcaseDoreen, demo.ShowcaseGeorge} {
		got, err := svc.Tenure(ctx, st, id, care.NoEnd) // open: today
		if err != nil {
			t.Fatal(err)
		}
		if got != want[id].Coordinator {
			t.Errorf("%s: tenure %+v, want %+v", id, got, want[id].Coordinator)
		}
	}
	if tn, _ := svc.Tenure(ctx, st, demo.ShowcaseDoreen, care.NoEnd); tn.Days.Defined || tn.Days.Reason != analysis.NoCoordinator {
		t.Errorf("Doreen has no coordinator, got %+v", tn)
	}
	if tn, _ := svc.Tenure(ctx, st, demo.ShowcaseGeorge, care.NoEnd); !tn.Days.Defined || tn.Coordinator == "" {
		t.Errorf("George's coordinator: %+v", tn)
	}

	opt := analysis.Options{ChurnPeriod: analysis.Month}
	want = batchResults(t, st, analysis.Options{ChurnPeriod: analysis.Month, Today: today})
	got, err := svc.Churn(ctx, st, demo.ShowcaseArthur, opt)
	if err != nil {
		t.Fatal(err)
	}
	w := want[demo.ShowcaseArthur].Churn
	if got.Joined != w.Joined || got.Left != w.Left || len(got.Periods) != len(w.Periods) || got.Joined == 0 {
		t.Fatalf("churn %+v, want %+v", got, w)
	}
	if last := got.Periods[len(got.Periods)-1]; last.To != today {
		t.Errorf("open window: the last period ends %s, want today %s", last.To, today)
	}
}

func TestPersonErrors(t *testing.T) {
	st := demoStore(t, 10)
	c := &counting{Backend: st}
	svc := New(c, Options{})
	defer svc.Close()
	ctx := context.Background()
	for _, tc := range []struct {
		id   string
		opt  analysis.Options
		code care.Code
	}{
		{"no-such-person", analysis.Options{}, care.NotFound},
		{demo.ShowcaseMargaret, analysis.Options{}, care.NotFound}, // a carer, not a person
		{demo.ShowcaseArthur, analysis.Options{Level: "WARD"}, care.Invalid},
		{demo.ShowcaseArthur, analysis.Options{MinContacts: -1}, care.Invalid},
		{demo.ShowcaseArthur, analysis.Options{Window: care.Window{From: 20000, To: 19000}}, care.Invalid},
		{"no-such-person", analysis.Options{Level: "WARD"}, care.Invalid}, // options first
	} {
		_, err := svc.Fragmentation(ctx, st, tc.id, tc.opt)
		if care.ErrorCode(err) != tc.code {
			t.Errorf("%s %+v: %v, want %s", tc.id, tc.opt, err, tc.code)
		}
	}
	if n := c.streams.Load(); n != 0 {
		t.Errorf("errors cost %d population passes, want none", n)
	}
}

func TestCacheSharesBuildsAndInvalidates(t *testing.T) {
	st := demoStore(t, 30)
	c := &counting{Backend: st, gate: make(chan struct{})}
	svc := New(c, Options{})
	defer svc.Close()
	wrapped := svc.Wrap(c)
	ctx := context.Background()

	// Ten concurrent requests for one window share one build.
	var wg sync.WaitGroup
	errs := make(chan error, 10)
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := svc.Fragmentation(ctx, wrapped, demo.ShowcaseArthur, analysis.Options{})
			errs <- err
		}()
	}
	time.Sleep(20 * time.Millisecond) // let them pile up on the gate
	close(c.gate)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if s, x := c.streams.Load(), c.services.Load(); s != 1 || x != 1 {
		t.Fatalf("10 requests: %d population passes and %d index reads, want 1 and 1", s, x)
	}
	// Continuity needs the index only, which is cached.
	if _, err := svc.Continuity(ctx, wrapped, demo.ShowcaseArthur, analysis.Options{}); err != nil {
		t.Fatal(err)
	}
	// Another window is another pass; the index is shared.
	w := analysis.Options{Window: care.Window{From: care.MakeDate(2025, 1, 1), To: care.NoEnd}}
	if _, err := svc.Fragmentation(ctx, wrapped, demo.ShowcaseArthur, w); err != nil {
		t.Fatal(err)
	}
	if s, x := c.streams.Load(), c.services.Load(); s != 2 || x != 1 {
		t.Fatalf("second window: %d passes, %d index reads, want 2 and 1", s, x)
	}

	// A write through the wrapper drops everything, and the next figure
	// sees it: a new contact changes Arthur's count.
	before, err := svc.Continuity(ctx, wrapped, demo.ShowcaseArthur, analysis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	recs, err := st.Relationships(ctx, care.RelQuery{Node: demo.ShowcaseArthur, Types: []care.RelType{care.InvolvedIn}, Window: care.Always})
	if err != nil || len(recs) == 0 {
		t.Fatalf("Arthur's professionals: %v", err)
	}
	_, err = wrapped.Apply(ctx, care.Batch{Contacts: []care.Contact{{ID: "k-test-new", Person: demo.ShowcaseArthur,
		Professional: recs[0].From, At: time.Date(2026, 10, 30, 9, 0, 0, 0, time.UTC), Mode: care.ModePhone}}})
	if err != nil {
		t.Fatal(err)
	}
	after, err := svc.Continuity(ctx, wrapped, demo.ShowcaseArthur, analysis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if after.Contacts != before.Contacts+1 {
		t.Errorf("after a new contact: %d contacts, want %d", after.Contacts, before.Contacts+1)
	}
	if _, err := svc.Fragmentation(ctx, wrapped, demo.ShowcaseArthur, analysis.Options{}); err != nil {
		t.Fatal(err)
	}
	if s, x := c.streams.Load(), c.services.Load(); s != 3 || x != 2 {
		t.Errorf("after a write: %d passes, %d index reads, want 3 and 2", s, x)
	}
	// A failed write changes nothing and invalidates nothing.
	if _, err := wrapped.Apply(ctx, care.Batch{Contacts: []care.Contact{{ID: "k-bad", Person: "nobody"}}}); care.ErrorCode(err) != care.Invalid {
		t.Fatalf("bad write: %v", err)
	}
	if _, err := svc.Fragmentation(ctx, wrapped, demo.ShowcaseArthur, analysis.Options{}); err != nil {
		t.Fatal(err)
	}
	if s := c.streams.Load(); s != 3 {
		t.Errorf("a failed write rebuilt the population (%d passes)", s)
	}
}

func TestCacheExpiresAndEvicts(t *testing.T) {
	st := demoStore(t, 10)
	c := &counting{Backend: st}
	var now atomic.Int64
	now.Store(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano())
	svc := New(c, Options{Windows: 2, MaxAge: time.Minute, Now: func() time.Time { return time.Unix(0, now.Load()) }})
	defer svc.Close()
	ctx := context.Background()
	frag := func(from care.Date) {
		t.Helper()
		if _, err := svc.Fragmentation(ctx, st, demo.ShowcaseArthur, analysis.Options{Window: care.Window{From: from, To: care.NoEnd}}); err != nil {
			t.Fatal(err)
		}
	}
	frag(1)
	frag(1)
	if n := c.streams.Load(); n != 1 {
		t.Fatalf("%d passes, want 1", n)
	}
	now.Add(int64(2 * time.Minute))
	frag(1)
	if n := c.streams.Load(); n != 2 {
		t.Fatalf("after MaxAge: %d passes, want 2", n)
	}
	frag(2)
	frag(3) // evicts window 1 (two windows kept)
	frag(3)
	frag(1)
	if n := c.streams.Load(); n != 5 {
		t.Fatalf("after eviction: %d passes, want 5", n)
	}
}

func TestGivingUpDoesNotWasteTheBuild(t *testing.T) {
	st := demoStore(t, 10)
	c := &counting{Backend: st, gate: make(chan struct{})}
	svc := New(c, Options{})
	defer svc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := svc.Summary(ctx, SummaryQuery{})
	if care.ErrorCode(err) != care.Unavailable || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("deadline: %v, want Unavailable", err)
	}
	close(c.gate)
	sum, err := svc.Summary(context.Background(), SummaryQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.People.N != 14 {
		t.Errorf("%d people, want 14", sum.People.N)
	}
	// One pass for the sharing network, one for the summary: the request
	// that gave up started them, the second found them.
	if n := c.streams.Load(); n != 2 {
		t.Errorf("%d passes, want 2", n)
	}
}

func TestFailuresAreNotCached(t *testing.T) {
	st := demoStore(t, 5)
	f := &failing{Backend: st, fail: true}
	svc := New(f, Options{})
	defer svc.Close()
	ctx := context.Background()
	if _, err := svc.Continuity(ctx, st, demo.ShowcaseArthur, analysis.Options{}); care.ErrorCode(err) != care.Unavailable {
		t.Fatalf("store down: %v", err)
	}
	f.mu.Lock()
	f.fail = false
	f.mu.Unlock()
	if _, err := svc.Continuity(ctx, st, demo.ShowcaseArthur, analysis.Options{}); err != nil {
		t.Fatalf("store back: %v", err)
	}
}

type failing struct {
	Backend
	mu   sync.Mutex
	fail bool
}

func (f *failing) Services(ctx context.Context) (*care.Services, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail {
		return nil, care.Errorf(care.Unavailable, "database unreachable")
	}
	return f.Backend.Services(ctx)
}

func TestNullsKeepTheirReasons(t *testing.T) {
	st := demoStore(t, 10)
	svc := New(st, Options{})
	defer svc.Close()
	ctx := context.Background()
	// A window before any contact: counts are 0, ratios null with a reason.
	opt := analysis.Options{Window: care.Window{From: care.MakeDate(2000, 1, 1), To: care.MakeDate(2000, 12, 31)}}
	c, err := svc.Continuity(ctx, st, demo.ShowcaseArthur, opt)
	if err != nil {
		t.Fatal(err)
	}
	if c.Contacts != 0 || c.UPC.Defined || c.UPC.Reason != measure.NoContacts || c.UsualProvider != "" {
		t.Errorf("empty window: %+v", c)
	}
	f, err := svc.Fragmentation(ctx, st, demo.ShowcaseArthur, opt)
	if err != nil {
		t.Fatal(err)
	}
	if f.CareDensity.Defined || f.CareDensity.Reason != measure.TooFewProviders {
		t.Errorf("empty window: care density %v", f.CareDensity)
	}
}

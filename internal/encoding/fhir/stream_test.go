package fhir_test

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/encoding/fhir"
	"github.com/careweb/careweb/internal/store/embedded"
)

// people writes an NDJSON file of a practitioner and n patients, and one
// of 3 encounters per patient, the encounters naming the practitioner
// ghost (who is nowhere) where ghost says so: encounter number i → true.
func people(n int, ghost func(i int) bool) []fhir.Source {
	var nodes, encs strings.Builder
	nodes.WriteString(`{"resourceType":"Practitioner","id":"gp","name":[{"family":"Doctor"}]}` + "\n")
	for p := range n {
		fmt.Fprintf(&nodes, `{"resourceType":"Patient","id":"p%d","name":[{"family":"P%d"}]}`+"\n", p, p)
	}
	for i := range 3 * n {
		prac := "gp"
		if ghost(i) {
			prac = "ghost"
		}
		fmt.Fprintf(&encs, `{"resourceType":"Encounter","id":"e%d","status":"finished","subject":{"reference":"Patient/p%d"},"participant":[{"individual":{"reference":"Practitioner/%s"}}],"period":{"start":"2024-01-%02dT10:00:00Z"}}`+"\n",
			i, i%n, prac, 1+i%28)
	}
	return []fhir.Source{src("nodes.ndjson", nodes.String()), src("encounters.ndjson", encs.String())}
}

// A problem in a late batch, after the store has taken earlier ones,
// leaves the store as it was; and problems only the store's view can show
// (a professional in no file and not in the store) are found in every
// batch, not only in the first that has one.
func TestStreamRefusedLateWritesNothing(t *testing.T) {
	st := openStore(t)
	load(t, st, webDir)
	before := snapshot(t, st)
	srcs := people(20, func(i int) bool { return i == 7 || i == 58 })
	got := &loaded{}
	_, err := fhir.Load(context.Background(), recorder{st, got}, srcs, fhir.Options{BatchSize: 10})
	checkProblems(t, err, []problem{
		{"encounters.ndjson:8(Encounter/e7).participant[0].individual", "no such node"},
		{"encounters.ndjson:59(Encounter/e58).participant[0].individual", "no such node"},
	})
	// The batches before the first problem were streamed to the store,
	// which rolled them back.
	if got.Batches < 2 {
		t.Errorf("the store was given %d batches: want the import streamed before the problem", got.Batches)
	}
	if after := snapshot(t, st); after != before {
		t.Error("a refused import changed the store")
	}

	// A problem in reading found after batches have gone to the store.
	srcs = people(20, func(int) bool { return false })
	srcs = append(srcs, src("zz-late.ndjson", `{"resourceType":"Encounter","id":"late","subject":{"reference":"Patient/p1"},"period":{"start":"not a date"}}`+"\n"))
	got = &loaded{}
	_, err = fhir.Load(context.Background(), recorder{st, got}, srcs, fhir.Options{BatchSize: 10})
	checkProblems(t, err, []problem{{"zz-late.ndjson:1(Encounter/late).period.start", "not a FHIR dateTime"}})
	if got.Batches < 5 {
		t.Errorf("the store was given %d batches before the late problem, want the 60 encounters' batches", got.Batches)
	}
	if after := snapshot(t, st); after != before {
		t.Error("a refused import changed the store")
	}
}

// An encounter repeated in another file, batches later, is mapped once.
func TestStreamRepeatsReadOnce(t *testing.T) {
	st := openStore(t)
	srcs := people(10, func(int) bool { return false })
	again := `{"resourceType":"Encounter","id":"e3","status":"finished","subject":{"reference":"Patient/p3"},"participant":[{"individual":{"reference":"Practitioner/gp"}}],"period":{"start":"2024-01-04T10:00:00Z"}}` + "\n"
	srcs = append(srcs, src("again.ndjson", again+again))
	res, err := fhir.Load(context.Background(), st, srcs, fhir.Options{BatchSize: 4})
	if err != nil {
		t.Fatal(err)
	}
	if res.Summary.Repeats != 2 || res.Summary.Read["Encounter"] != 32 || res.Applied.Contacts != 30 {
		t.Errorf("repeats %d, encounters read %d, contacts written %d; want 2, 32, 30",
			res.Summary.Repeats, res.Summary.Read["Encounter"], res.Applied.Contacts)
	}
	if got := takeCensus(t, st).Contacts; got != 30 {
		t.Errorf("%d contacts in the store, want 30", got)
	}
}

// changing is a file whose second reading differs from its first.
func changing(name, first, second string) fhir.Source {
	var opened atomic.Int32
	return fhir.Source{Name: name, Open: func() (io.ReadCloser, error) {
		body := first
		if opened.Add(1) > 1 {
			body = second
		}
		return io.NopCloser(strings.NewReader(body)), nil
	}}
}

// A file that changes between the passes is refused (the second pass
// would map resources the first did not index), and nothing is written.
func TestStreamFileChangedBetweenPasses(t *testing.T) {
	st := openStore(t)
	srcs := people(10, func(int) bool { return false })
	enc := `{"resourceType":"Encounter","id":"x%d","status":"finished","subject":{"reference":"Patient/p1"},"participant":[{"individual":{"reference":"Practitioner/gp"}}],"period":{"start":"2024-01-04T10:00:00Z"}}` + "\n"
	srcs = append(srcs, changing("more.ndjson", fmt.Sprintf(enc, 1), fmt.Sprintf(enc, 2)))
	_, err := fhir.Load(context.Background(), st, srcs, fhir.Options{BatchSize: 4})
	if care.ErrorCode(err) != care.Conflict || !strings.Contains(err.Error(), "more.ndjson changed while it was being imported") {
		t.Errorf("error %v, want CONFLICT naming more.ndjson", err)
	}
	if got := takeCensus(t, st); got != (census{}) {
		t.Errorf("census %+v after a refused import, want an empty store", got)
	}
}

// single is a store that takes one batch at a time only: it is given the
// whole import as one Apply.
type single struct {
	st      *embedded.Store
	applied int
}

func (s *single) Apply(ctx context.Context, b care.Batch) (care.ApplyResult, error) {
	s.applied++
	return s.st.Apply(ctx, b)
}

func (s *single) Nodes(ctx context.Context, ids []string) ([]care.Node, error) {
	return s.st.Nodes(ctx, ids)
}

func TestWriterWithoutStreamTakesOneBatch(t *testing.T) {
	st := openStore(t)
	one := &single{st: st}
	res, err := fhir.Load(context.Background(), one, people(10, func(int) bool { return false }), fhir.Options{BatchSize: 4})
	if err != nil {
		t.Fatal(err)
	}
	if one.applied != 1 || res.Applied.Nodes != 11 || res.Applied.Contacts != 30 {
		t.Errorf("%d applies, %+v; want one of 11 nodes and 30 contacts", one.applied, res.Applied)
	}
	// Its problems are located too.
	_, err = fhir.Load(context.Background(), one, people(2, func(i int) bool { return i == 4 }), fhir.Options{})
	checkProblems(t, err, []problem{{"encounters.ndjson:5(Encounter/e4).participant[0].individual", "no such node"}})
}

// forgetful is a store whose Nodes says every practitioner exists, so
// that the checks pass and only the store finds the problem: it is still
// located.
type forgetful struct{ *embedded.Store }

func (f forgetful) Nodes(_ context.Context, ids []string) ([]care.Node, error) {
	var out []care.Node
	for _, id := range ids {
		if strings.HasPrefix(id, "Practitioner/") {
			out = append(out, care.Node{ID: id, Kind: care.KindProfessional})
		}
	}
	return out, nil
}

func TestStreamStoreProblemLocated(t *testing.T) {
	st := openStore(t)
	srcs := people(10, func(i int) bool { return i == 25 })
	_, err := fhir.Load(context.Background(), forgetful{st}, srcs, fhir.Options{BatchSize: 4})
	checkProblems(t, err, []problem{{"encounters.ndjson:26(Encounter/e25).participant[0].individual", "no such node"}})
	if got := takeCensus(t, st); got != (census{}) {
		t.Errorf("census %+v after a refused import, want an empty store", got)
	}
}

// cancelling is a store that cancels the import once it has taken some
// batches.
type cancelling struct {
	*embedded.Store
	cancel context.CancelFunc
	after  int
}

func (c cancelling) ApplyStream(ctx context.Context, next func() (care.Batch, error)) (care.ApplyResult, error) {
	n := 0
	return c.Store.ApplyStream(ctx, func() (care.Batch, error) {
		if n++; n == c.after {
			c.cancel()
		}
		return next()
	})
}

func TestStreamCancelledMidway(t *testing.T) {
	st := openStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := fhir.Load(ctx, cancelling{st, cancel, 3}, people(10, func(int) bool { return false }), fhir.Options{BatchSize: 4})
	if care.ErrorCode(err) != care.Unavailable {
		t.Errorf("error %v, want UNAVAILABLE", err)
	}
	if got := takeCensus(t, st); got != (census{}) {
		t.Errorf("census %+v after a cancelled import, want an empty store", got)
	}
}

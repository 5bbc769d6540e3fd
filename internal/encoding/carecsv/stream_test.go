package carecsv_test

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/encoding/carecsv"
	"github.com/careweb/careweb/internal/store/neo4j/neo4jtest"
)

// testStore is what the streaming tests need of a store.
type testStore interface {
	care.Store
	care.BulkWriter
}

// eachStore runs fn on an empty embedded store and on an empty Neo4j
// database (skipped, loudly, without NEO4J_URI). small is true for
// Neo4j, whose test server writes far more slowly: tests size their
// files by it.
func eachStore(t *testing.T, fn func(t *testing.T, st testStore, small bool)) {
	t.Run("embedded", func(t *testing.T) { fn(t, openStore(t), false) })
	t.Run("neo4j", func(t *testing.T) { fn(t, neo4jtest.Open(t), true) })
}

// rowsReader generates a CSV file as it is read: a header, then n rows,
// so that a big file costs no memory.
type rowsReader struct {
	header  string
	n, i    int
	row     func(buf []byte, i int) []byte
	buf     []byte
	pending []byte
}

func (r *rowsReader) Read(p []byte) (int, error) {
	for len(r.pending) == 0 {
		switch {
		case r.i > r.n:
			return 0, io.EOF
		case r.i == 0:
			r.buf = append(r.buf[:0], r.header...)
		default:
			r.buf = r.row(r.buf[:0], r.i-1)
		}
		r.pending = r.buf
		r.i++
	}
	n := copy(p, r.pending)
	r.pending = r.pending[n:]
	return n, nil
}

// genSource is a source of n generated rows; row(buf, i) appends row i
// (from 0), newline included. Row i is on line i+2.
func genSource(name, header string, n int, row func(buf []byte, i int) []byte) carecsv.Source {
	return carecsv.Source{Name: name, Open: func() (io.ReadCloser, error) {
		return io.NopCloser(&rowsReader{header: header + "\n", n: n, row: row}), nil
	}}
}

// population is a generated import: people, professionals in two
// organisations (WORKS_IN), and contacts, each person's together.
type population struct {
	people, pros, contacts int
	// contact, when set, may rewrite row i of contacts.csv.
	contact func(buf []byte, i int) []byte
}

func (p population) contactRow(buf []byte, i int) []byte {
	if p.contact != nil {
		if out := p.contact(buf, i); out != nil {
			return out
		}
	}
	person := i * p.people / p.contacts
	buf = fmt.Appendf(buf, "k%08d,p%05d,pr%03d,,2025-%02d-%02dT10:%02d:00Z,phone,clinic\n", i, person, i%p.pros, 1+i%12, 1+i%28, i%60)
	return buf
}

func (p population) sources() []carecsv.Source {
	return []carecsv.Source{
		genSource(carecsv.NodesFile, "id,kind,name,role,sector", p.people+p.pros+2, func(buf []byte, i int) []byte {
			switch {
			case i < 2:
				return fmt.Appendf(buf, "org%d,organisation,Organisation %d,,primary_care\n", i, i)
			case i < 2+p.pros:
				return fmt.Appendf(buf, "pr%03d,professional,Professional %d,gp,\n", i-2, i-2)
			}
			return fmt.Appendf(buf, "p%05d,person,Person %d,,\n", i-2-p.pros, i-2-p.pros)
		}),
		genSource(carecsv.RelationshipsFile, "from,to,type,start", p.pros, func(buf []byte, i int) []byte {
			return fmt.Appendf(buf, "pr%03d,org%d,WORKS_IN,2020-01-01\n", i, i%2)
		}),
		genSource(carecsv.ContactsFile, "id,person,professional,organisation,at,mode,setting", p.contacts, p.contactRow),
	}
}

// loadValid loads the valid fixture, so that a failed import has
// something to leave unchanged.
func loadValid(t *testing.T, st carecsv.Target) {
	t.Helper()
	if _, err := carecsv.LoadSources(context.Background(), st, sources(readDir(t, filepath.Join(fixtures, "valid")))); err != nil {
		t.Fatal(err)
	}
}

func sameFiles(t *testing.T, what string, want, got map[string]string) {
	t.Helper()
	for _, name := range carecsv.Files {
		if want[name] != got[name] {
			t.Errorf("%s: %s differs (%d bytes, want %d)", what, name, len(got[name]), len(want[name]))
		}
	}
}

func hasProblem(err error, field, msg string) bool {
	for _, p := range care.ErrorProblems(err) {
		if p.Field == field && strings.Contains(p.Message, msg) {
			return true
		}
	}
	return false
}

func TestLoadStreamsInBatches(t *testing.T) {
	eachStore(t, func(t *testing.T, st testStore, small bool) {
		ctx := context.Background()
		pop, size := population{people: 300, pros: 20, contacts: 30_000}, 4_000
		if small {
			pop, size = population{people: 100, pros: 10, contacts: 3_000}, 700
		}
		var prog carecsv.Progress
		res, err := carecsv.Load(ctx, st, pop.sources(), carecsv.Options{BatchSize: size, Progress: &prog})
		if err != nil {
			t.Fatal(err)
		}
		nodes := pop.people + pop.pros + 2
		if res.Nodes != nodes || res.Relationships != pop.pros || res.Contacts != pop.contacts {
			t.Errorf("applied %+v, want %d nodes, %d relationships, %d contacts", res, nodes, pop.pros, pop.contacts)
		}
		first, n := export(t, st, care.Always)
		if n != (carecsv.Counts{Nodes: nodes, Relationships: pop.pros, Contacts: pop.contacts}) {
			t.Errorf("store holds %+v", n)
		}
		want := map[string]int64{carecsv.NodesFile: int64(nodes), carecsv.RelationshipsFile: int64(pop.pros), carecsv.ContactsFile: int64(pop.contacts)}
		for _, f := range prog.Files() {
			if f.Checked != want[f.File] || f.Written != want[f.File] {
				t.Errorf("progress %+v, want %d checked and written", f, want[f.File])
			}
		}
		if prog.Phase() != carecsv.Done {
			t.Errorf("phase %v after the import", prog.Phase())
		}
		// Streamed again, every row is an update: nothing changes.
		if _, err := carecsv.Load(ctx, st, pop.sources(), carecsv.Options{BatchSize: size}); err != nil {
			t.Fatal(err)
		}
		second, _ := export(t, st, care.Always)
		sameFiles(t, "after re-import", first, second)
	})
}

// TestLoadFailsLateInABigFile: a bad row near the end of a file that
// spans many batches is found by the first pass, before anything is
// written.
func TestLoadFailsLateInABigFile(t *testing.T) {
	eachStore(t, func(t *testing.T, st testStore, small bool) {
		ctx := context.Background()
		loadValid(t, st)
		before, _ := export(t, st, care.Always)
		pop, size := population{people: 500, pros: 20, contacts: 100_000}, 5_000
		if small {
			pop, size = population{people: 100, pros: 10, contacts: 20_000}, 2_000
		}
		bad := pop.contacts - 3
		pop.contact = func(buf []byte, i int) []byte {
			if i == bad {
				return fmt.Appendf(buf, "k%08d,p00001,pr001,,2025-02-30T10:00:00Z,phone,\n", i)
			}
			return nil
		}
		_, err := carecsv.Load(ctx, st, pop.sources(), carecsv.Options{BatchSize: size})
		if care.ErrorCode(err) != care.Invalid || !hasProblem(err, fmt.Sprintf("contacts.csv:%d.at", bad+2), "not a date-time") {
			t.Fatalf("err = %v, want contacts.csv:%d.at located", err, bad+2)
		}
		if n := len(care.ErrorProblems(err)); n != 1 {
			t.Errorf("%d problems, want 1: %v", n, err)
		}
		after, _ := export(t, st, care.Always)
		sameFiles(t, "after a failed import", before, after)
	})
}

// TestLoadReportsEveryProblemWhicheverPassFindsOneFirst: the passes run
// at the same time, so the store meets the bad row near the start long
// before the check pass reaches the one near the end. The import still
// reports both, located, from the check, and writes nothing.
func TestLoadReportsEveryProblemWhicheverPassFindsOneFirst(t *testing.T) {
	eachStore(t, func(t *testing.T, st testStore, small bool) {
		ctx := context.Background()
		loadValid(t, st)
		before, _ := export(t, st, care.Always)
		pop, size := population{people: 500, pros: 20, contacts: 100_000}, 1_000
		if small {
			pop, size = population{people: 100, pros: 10, contacts: 20_000}, 500
		}
		early, late := 5, pop.contacts-3
		pop.contact = func(buf []byte, i int) []byte {
			if i == early || i == late {
				// Parses, so the write pass hands it to the store,
				// which refuses it: a person nobody has recorded.
				return fmt.Appendf(buf, "k%08d,p-nobody,pr001,,2025-02-03T10:00:00Z,phone,\n", i)
			}
			return nil
		}
		_, err := carecsv.Load(ctx, st, pop.sources(), carecsv.Options{BatchSize: size})
		for _, i := range []int{early, late} {
			if !hasProblem(err, fmt.Sprintf("contacts.csv:%d.person", i+2), "no such node") {
				t.Errorf("err = %v, want contacts.csv:%d.person located", err, i+2)
			}
		}
		if n := len(care.ErrorProblems(err)); n != 2 {
			t.Errorf("%d problems, want 2: %v", n, err)
		}
		after, _ := export(t, st, care.Always)
		sameFiles(t, "after a failed import", before, after)
	})
}

// racer is a store that another writer changes between an import's
// check and its write: the first write of the import is preceded by
// race.
type racer struct {
	testStore
	once sync.Once
	race func()
}

func (r *racer) Apply(ctx context.Context, b care.Batch) (care.ApplyResult, error) {
	r.once.Do(r.race)
	return r.testStore.Apply(ctx, b)
}

func (r *racer) ApplyStream(ctx context.Context, next func() (care.Batch, error)) (care.ApplyResult, error) {
	r.once.Do(r.race)
	return r.testStore.ApplyStream(ctx, next)
}

// TestLoadLocatesTheStoresProblems: a problem only the store can find
// (a node deleted after the check) fails the write in its last batch; it
// is reported at its file and line and nothing is written.
func TestLoadLocatesTheStoresProblems(t *testing.T) {
	eachStore(t, func(t *testing.T, st testStore, small bool) {
		ctx := context.Background()
		loadValid(t, st)
		if _, err := st.Apply(ctx, care.Batch{Nodes: []care.Node{{ID: "p-late", Kind: care.KindPerson, Name: "Late"}}}); err != nil {
			t.Fatal(err)
		}
		stream := struct {
			pop  population
			size int
		}{population{people: 200, pros: 10, contacts: 24_000}, 5_000}
		if small {
			stream.pop, stream.size = population{people: 50, pros: 5, contacts: 3_000}, 700
		}
		for _, tc := range []struct {
			name string
			pop  population
			size int
		}{
			{"one Apply", population{people: 10, pros: 3, contacts: 50}, 10_000},
			{"stream", stream.pop, stream.size},
		} {
			t.Run(tc.name, func(t *testing.T) {
				last := tc.pop.contacts - 1
				tc.pop.contact = func(buf []byte, i int) []byte {
					if i == last {
						return fmt.Appendf(buf, "k%08d,p-late,pr001,,2025-03-01,phone,\n", i)
					}
					return nil
				}
				var before map[string]string
				r := &racer{testStore: st, race: func() {
					if _, err := st.Apply(ctx, care.Batch{DeleteNodes: []care.DeleteNode{{ID: "p-late"}}}); err != nil {
						t.Error(err)
					}
					before, _ = export(t, st, care.Always)
				}}
				_, err := carecsv.Load(ctx, r, tc.pop.sources(), carecsv.Options{BatchSize: tc.size})
				if care.ErrorCode(err) != care.Invalid || !hasProblem(err, fmt.Sprintf("contacts.csv:%d.person", last+2), "no such node") {
					t.Fatalf("err = %v, want contacts.csv:%d.person: no such node", err, last+2)
				}
				after, _ := export(t, st, care.Always)
				sameFiles(t, "after the store refused the import", before, after)
				// Put p-late back for the next case.
				if _, err := st.Apply(ctx, care.Batch{Nodes: []care.Node{{ID: "p-late", Kind: care.KindPerson, Name: "Late"}}}); err != nil {
					t.Fatal(err)
				}
			})
		}
	})
}

func TestLoadFindsRepeatedIDsAcrossBatches(t *testing.T) {
	st := openStore(t)
	pop := population{people: 100, pros: 5, contacts: 10_000}
	pop.contact = func(buf []byte, i int) []byte {
		switch i {
		case 7_000, 9_998:
			return fmt.Appendf(buf, "k%08d,p00001,pr001,,2025-03-01,phone,\n", 5)
		case 6: // a repeat within one batch
			return fmt.Appendf(buf, "k%08d,p00001,pr001,,2025-03-01,phone,\n", 2)
		}
		return nil
	}
	_, err := carecsv.Load(context.Background(), st, pop.sources(), carecsv.Options{BatchSize: 1_000})
	for _, want := range []struct{ field, msg string }{
		{"contacts.csv:7002.id", "duplicate id in this import: first on line 7"},
		{"contacts.csv:10000.id", "duplicate id in this import: first on line 7"},
		{"contacts.csv:8.id", "duplicate id in this import: first on line 4"},
	} {
		if !hasProblem(err, want.field, want.msg) {
			t.Errorf("no %s: %s in %v", want.field, want.msg, err)
		}
	}
	if n := len(care.ErrorProblems(err)); n != 3 {
		t.Errorf("%d problems, want 3: %v", n, err)
	}
	if n := counts(t, st); n != (carecsv.Counts{}) {
		t.Errorf("a failed import wrote %+v", n)
	}
}

// changing is a source that gives other bytes from its second opening on.
func changing(name, first, then string) carecsv.Source {
	var opened atomic.Int32
	return carecsv.Source{Name: name, Open: func() (io.ReadCloser, error) {
		if opened.Add(1) == 1 {
			return io.NopCloser(strings.NewReader(first)), nil
		}
		return io.NopCloser(strings.NewReader(then)), nil
	}}
}

func TestLoadRefusesAFileChangedBetweenPasses(t *testing.T) {
	valid := readDir(t, filepath.Join(fixtures, "valid"))
	contacts := valid[carecsv.ContactsFile]
	// The passes run at the same time, so either may open the file first
	// and read the first version. When the second version is itself
	// invalid and the check pass reads it, the import fails as invalid,
	// located in that file; either way nothing is written.
	for _, tc := range []struct {
		name, then string
		size       int
		invalid    bool // then is not a valid file
	}{
		{"a row changed", strings.Replace(contacts, "clinic", "clinix", 1), 0, false},
		{"a row changed, streamed", strings.Replace(contacts, "clinic", "clinix", 1), 2, false},
		{"a row added", contacts + "k9,p1,gp1,,2025-04-01,phone,\n", 0, false},
		{"a row added, streamed", contacts + "k9,p1,gp1,,2025-04-01,phone,\n", 2, false},
		{"cut short", contacts[:len(contacts)-20], 0, true},
		{"broken, streamed", contacts + "k9,p1\n", 3, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := openStore(t)
			srcs := []carecsv.Source{carecsv.StringSource(carecsv.NodesFile, valid[carecsv.NodesFile]),
				changing(carecsv.ContactsFile, contacts, tc.then)}
			_, err := carecsv.Load(context.Background(), st, srcs, carecsv.Options{BatchSize: tc.size})
			changed := care.ErrorCode(err) == care.Conflict && strings.Contains(err.Error(), "contacts.csv changed")
			invalid := care.ErrorCode(err) == care.Invalid && len(care.ErrorProblems(err)) > 0 &&
				strings.HasPrefix(care.ErrorProblems(err)[0].Field, "contacts.csv:")
			if !changed && !(tc.invalid && invalid) {
				t.Fatalf("err = %v, want Conflict naming contacts.csv", err)
			}
			if n := counts(t, st); n != (carecsv.Counts{}) {
				t.Errorf("wrote %+v", n)
			}
		})
	}
}

// cancelling is a source that cancels the import's context when it is
// opened for the second pass and half read.
type cancelling struct {
	r      io.Reader
	cancel context.CancelFunc
	read   int
}

func (c *cancelling) Read(p []byte) (int, error) {
	c.read++
	if c.read == 50 {
		c.cancel()
	}
	return c.r.Read(p[:min(len(p), 1000)])
}

func TestLoadCancelledWritesNothing(t *testing.T) {
	t.Run("checking", func(t *testing.T) {
		st := openStore(t)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := carecsv.Load(ctx, st, population{people: 10, pros: 2, contacts: 50_000}.sources(), carecsv.Options{BatchSize: 1_000})
		if care.ErrorCode(err) != care.Unavailable {
			t.Fatalf("err = %v, want Unavailable", err)
		}
		if n := counts(t, st); n != (carecsv.Counts{}) {
			t.Errorf("a cancelled import wrote %+v", n)
		}
	})
	t.Run("writing", func(t *testing.T) { cancelWhileWriting(t) })
}

func cancelWhileWriting(t *testing.T) {
	st := openStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pop := population{people: 100, pros: 5, contacts: 20_000}
	srcs := pop.sources()
	// The write pass, which opens the file second, cancels the import
	// half way through it.
	inner := srcs[2].Open
	var opened atomic.Int32
	srcs[2].Open = func() (io.ReadCloser, error) {
		rc, err := inner()
		if opened.Add(1) == 2 {
			return io.NopCloser(&cancelling{r: rc, cancel: cancel}), err
		}
		return rc, err
	}
	_, err := carecsv.Load(ctx, st, srcs, carecsv.Options{BatchSize: 1_000})
	if care.ErrorCode(err) != care.Unavailable {
		t.Fatalf("err = %v, want Unavailable", err)
	}
	if n := counts(t, st); n != (carecsv.Counts{}) {
		t.Errorf("a cancelled import wrote %+v", n)
	}
}

func TestLoadDoesNotReportReferencesToBadRows(t *testing.T) {
	st := openStore(t)
	_, err := carecsv.LoadSources(context.Background(), st, []carecsv.Source{
		carecsv.StringSource(carecsv.NodesFile, "id,kind,name\np1,patient,Ada\ngp1,professional,Dr Rao\n"),
		carecsv.StringSource(carecsv.ContactsFile, "id,person,professional,at\nk1,p1,gp1,2025-01-01\nk2,p2,gp1,2025-01-01\n"),
	})
	ps := care.ErrorProblems(err)
	if len(ps) != 2 || ps[0].Field != "nodes.csv:2.kind" || ps[1].Field != "contacts.csv:3.person" {
		t.Errorf("problems %v, want nodes.csv:2.kind and contacts.csv:3.person only", ps)
	}
}

// sink is a store whose ApplyStream takes the batches and drops them: it
// measures the importer alone.
type sink struct {
	carecsv.Target
	rows atomic.Int64
}

func (s *sink) ApplyStream(_ context.Context, next func() (care.Batch, error)) (care.ApplyResult, error) {
	var res care.ApplyResult
	for {
		b, err := next()
		if err == io.EOF {
			return res, nil
		}
		if err != nil {
			return res, err
		}
		res.Nodes += len(b.Nodes)
		res.Contacts += len(b.Contacts)
		s.rows.Add(int64(b.Size()))
	}
}

// peakHeap runs fn and returns the largest HeapInuse seen while it ran,
// sampled every millisecond, above the heap in use before it started.
func peakHeap(fn func()) uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	fn()
	close(stop)
	<-done
	if p := peak.Load(); p > base {
		return p - base
	}
	return 0
}

// TestLoadMemoryIsBoundedByNodes: the importer's heap grows with the
// nodes and by a few bytes per row (the hash of each id, for finding
// repeats), not with the rows themselves: eight times the contacts cost
// far less than holding them would.
func TestLoadMemoryIsBoundedByNodes(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 900,000 generated rows")
	}
	st := openStore(t)
	peak := map[int]uint64{}
	for _, n := range []int{100_000, 800_000} {
		s := &sink{Target: st}
		pop := population{people: 1_000, pros: 50, contacts: n}
		peak[n] = peakHeap(func() {
			if _, err := carecsv.Load(context.Background(), s, pop.sources(), carecsv.Options{BatchSize: 10_000}); err != nil {
				t.Fatal(err)
			}
		})
		if got := s.rows.Load(); got != int64(n+pop.people+2*pop.pros+2) {
			t.Fatalf("the sink took %d rows", got)
		}
		t.Logf("%d contacts: peak heap %.1f MB above the start", n, float64(peak[n])/1e6)
	}
	// Holding a contact costs about 200 bytes (the struct and its
	// strings); the importer may spend 8 on its id hash, and the sort of
	// the hashes may double that.
	perRow := float64(int64(peak[800_000])-int64(peak[100_000])) / 700_000
	t.Logf("%.1f bytes of peak heap per extra contact", perRow)
	if perRow > 40 {
		t.Errorf("peak heap grows by %.1f bytes per contact: the import is held in memory", perRow)
	}
}

func TestPhaseNames(t *testing.T) {
	for p, want := range map[carecsv.Phase]string{carecsv.Starting: "starting", carecsv.Checking: "checking", carecsv.Writing: "writing", carecsv.Done: "done"} {
		if p.String() != want {
			t.Errorf("%d: %q, want %q", p, p.String(), want)
		}
	}
}

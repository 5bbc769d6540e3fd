package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/demo"
	"github.com/careweb/careweb/internal/encoding/carecsv"
	"github.com/careweb/careweb/internal/store/embedded"
	"github.com/careweb/careweb/internal/store/neo4j/neo4jtest"
)

// BenchmarkImport streams the demo population (internal/demo, seed 1),
// written out as CSV once per run, into a store with carecsv.Load, as
// `careweb import` does:
//
//	go test -run '^$' -bench '^BenchmarkImport$' -benchtime 1x ./cmd/careweb
//
// Sub-benchmarks: all/ imports every file into an empty store;
// contacts/ imports contacts.csv alone into a store holding the rest of
// the population (the bulk of a real import, and the rate the targets
// speak of); embedded/discard/ runs the importer alone (both passes, the
// store lookups of the first) against a store whose ApplyStream takes the
// batches and drops them. Each reports rows/s, contacts/s, the seconds of the check and
// write passes, the peak Go heap in use during the import (sampled every
// 5 ms: the importer, the store's index and its pending transaction) and
// the peak resident memory of the process when Linux lets it be reset.
// Sizes:
//
//	CAREWEB_BENCH_IMPORT_PEOPLE        embedded, default 30,000 (about 600,000 contacts);
//	                                   docs/performance.md used 100,000 (2,000,000 contacts)
//	CAREWEB_BENCH_IMPORT_NEO4J_PEOPLE  Neo4j (needs NEO4J_URI), default 1,000 (20,000
//	                                   contacts): one import is one Neo4j transaction, and
//	                                   the test server's 512 MB heap refuses much more
func BenchmarkImport(b *testing.B) {
	tuneRuntime(os.Getenv) // as main does
	people := benchEnvInt(b, "CAREWEB_BENCH_IMPORT_PEOPLE", 30_000)
	b.Run("embedded", func(b *testing.B) {
		dir, n := demoCSV(b, people)
		b.Run("all", func(b *testing.B) {
			benchImport(b, n, carecsv.Files, dir, func(b *testing.B) (carecsv.Target, func()) {
				return openEmbedded(b, b.TempDir())
			})
		})
		b.Run("discard", func(b *testing.B) {
			st, err := embedded.Open(b.TempDir(), embedded.Options{})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { st.Close() })
			benchImport(b, n, carecsv.Files, dir, func(*testing.B) (carecsv.Target, func()) { return discard{st}, func() {} })
		})
		b.Run("contacts", func(b *testing.B) {
			// The rest of the population is written once; each round
			// starts from a copy of that store, so that only the contacts
			// are timed.
			base := demoDirOf(b, people, func(batch *care.Batch) { batch.Contacts = nil })
			benchImport(b, n, []string{carecsv.ContactsFile}, dir, func(b *testing.B) (carecsv.Target, func()) {
				to := b.TempDir()
				copyDir(b, base, to)
				return openEmbedded(b, to)
			})
		})
	})
	b.Run("neo4j", func(b *testing.B) {
		cfg := neo4jtest.Require(b)
		dir, n := demoCSV(b, benchEnvInt(b, "CAREWEB_BENCH_IMPORT_NEO4J_PEOPLE", 1_000))
		st := neo4jtest.Open(b)
		b.Run("all", func(b *testing.B) {
			benchImport(b, n, carecsv.Files, dir, func(b *testing.B) (carecsv.Target, func()) {
				neo4jtest.Clear(b, cfg)
				return st, func() {}
			})
		})
		b.Run("contacts", func(b *testing.B) {
			benchImport(b, n, []string{carecsv.ContactsFile}, dir, func(b *testing.B) (carecsv.Target, func()) {
				neo4jtest.Clear(b, cfg)
				if _, err := carecsv.Load(context.Background(), st, sourcesIn(dir, rest()), carecsv.Options{}); err != nil {
					b.Fatal(err)
				}
				return st, func() {}
			})
		})
	})
}

// discard is a store whose ApplyStream takes every batch and drops it,
// counting what it would have written.
type discard struct{ carecsv.Target }

func (discard) ApplyStream(_ context.Context, next func() (care.Batch, error)) (care.ApplyResult, error) {
	var res care.ApplyResult
	for {
		b, err := next()
		if errors.Is(err, io.EOF) {
			return res, nil
		}
		if err != nil {
			return res, err
		}
		res.Nodes += len(b.Nodes)
		res.Relationships += len(b.Relationships)
		res.Contacts += len(b.Contacts)
		res.Referrals += len(b.Referrals)
		res.Consents += len(b.Consents)
	}
}

// rest is every file but contacts.csv.
func rest() []string {
	var out []string
	for _, f := range carecsv.Files {
		if f != carecsv.ContactsFile {
			out = append(out, f)
		}
	}
	return out
}

func sourcesIn(dir string, files []string) []carecsv.Source {
	srcs := make([]carecsv.Source, len(files))
	for i, f := range files {
		srcs[i] = carecsv.FileSource(f, filepath.Join(dir, f))
	}
	return srcs
}

// openEmbedded opens the embedded store in dir, with a function that
// closes it.
func openEmbedded(b *testing.B, dir string) (carecsv.Target, func()) {
	st, err := embedded.Open(dir, embedded.Options{})
	if err != nil {
		b.Fatal(err)
	}
	return st, func() {
		if err := st.Close(); err != nil {
			b.Error(err)
		}
	}
}

// benchImport imports files from dir, once per round, into the store
// open returns (timer stopped; the round closes it after), and reports
// the rates and peaks.
func benchImport(b *testing.B, n carecsv.Counts, files []string, dir string, open func(*testing.B) (carecsv.Target, func())) {
	rows := 0
	for _, f := range files {
		rows += map[string]int{carecsv.NodesFile: n.Nodes, carecsv.RelationshipsFile: n.Relationships,
			carecsv.ContactsFile: n.Contacts, carecsv.ReferralsFile: n.Referrals, carecsv.ConsentsFile: n.Consents}[f]
	}
	var total, check, write time.Duration
	var peak uint64
	var rss int64
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		st, closeStore := open(b)
		// Give the memory of earlier rounds back, so that the peak
		// resident size is this import's.
		debug.FreeOSMemory()
		rssReset := resetPeakRSS()
		prog := &carecsv.Progress{}
		s := startSampler(prog)
		b.StartTimer()
		start := time.Now()
		res, err := carecsv.Load(context.Background(), st, sourcesIn(dir, files), carecsv.Options{Progress: prog})
		end := time.Now()
		b.StopTimer()
		s.stop()
		if s.writing.IsZero() {
			s.writing = end // the check ended with the import
		}
		if err != nil {
			b.Fatalf("%v (cause: %v)", err, errors.Unwrap(err))
		}
		if got := res.Nodes + res.Relationships + res.Contacts + res.Referrals + res.Consents; got != rows {
			b.Fatalf("imported %d rows (%+v), want %d", got, res, rows)
		}
		closeStore()
		total += end.Sub(start)
		check += s.writing.Sub(start)
		write += end.Sub(s.writing)
		peak = max(peak, s.peak.Load())
		if rssReset {
			rss = max(rss, peakRSS())
		}
	}
	secs := total.Seconds()
	b.ReportMetric(float64(b.N*rows)/secs, "rows/s")
	if slices.Contains(files, carecsv.ContactsFile) {
		b.ReportMetric(float64(b.N*n.Contacts)/secs, "contacts/s")
	}
	// The passes overlap (carecsv.Load): check-s is the check pass, with
	// the store writing alongside; write-s is what the write took after
	// the check had ended.
	b.ReportMetric(check.Seconds()/float64(b.N), "check-s")
	b.ReportMetric(write.Seconds()/float64(b.N), "write-s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	if rss > 0 {
		b.ReportMetric(float64(rss)/(1<<20), "peak-rss-MiB")
	}
	b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "cores")
}

// sampler watches an import: the heap in use, every 5 ms, and when the
// write pass began.
type sampler struct {
	peak    atomic.Uint64
	writing time.Time
	stopc   chan struct{}
	done    chan struct{}
}

func startSampler(p *carecsv.Progress) *sampler {
	s := &sampler{stopc: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		tick := 0
		for {
			if s.writing.IsZero() && p.Phase() >= carecsv.Writing {
				s.writing = time.Now()
			}
			if tick%5 == 0 {
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				s.peak.Store(max(s.peak.Load(), ms.HeapInuse))
			}
			tick++
			select {
			case <-s.stopc:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

func (s *sampler) stop() {
	close(s.stopc)
	<-s.done
}

// resetPeakRSS resets the process's peak resident memory (VmHWM), which
// Linux allows by writing 5 to /proc/self/clear_refs; it reports whether
// that worked.
func resetPeakRSS() bool {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

// peakRSS returns VmHWM from /proc/self/status, in bytes (0 if unknown).
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) == 3 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

// demoCSV writes the demo population of the given size as CSV files in a
// directory that lasts as long as b, and returns it with the row counts.
func demoCSV(b *testing.B, people int) (string, carecsv.Counts) {
	b.Helper()
	dir := b.TempDir()
	files := make([]*os.File, len(carecsv.Files))
	bufs := make([]*bufio.Writer, len(carecsv.Files))
	outs := make([]io.Writer, len(carecsv.Files))
	for i, name := range carecsv.Files {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			b.Fatal(err)
		}
		files[i], bufs[i] = f, bufio.NewWriterSize(f, 1<<20)
		outs[i] = bufs[i]
	}
	w, err := carecsv.NewWriter(carecsv.Writers{Nodes: outs[0], Relationships: outs[1], Contacts: outs[2], Referrals: outs[3], Consents: outs[4]})
	if err != nil {
		b.Fatal(err)
	}
	err = demo.Generate(demo.Config{Seed: 1, People: people}, 20_000, func(batch care.Batch) error {
		batch.Normalise()
		return w.Batch(batch)
	})
	if err == nil {
		err = w.Flush()
	}
	for i := range files {
		if ferr := bufs[i].Flush(); err == nil {
			err = ferr
		}
		if cerr := files[i].Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		b.Fatal(err)
	}
	n := w.Counts()
	b.Logf("demo population of %d people as CSV: %+v", people, n)
	return dir, n
}

// copyDir copies the regular files of from into to.
func copyDir(b *testing.B, from, to string) {
	b.Helper()
	entries, err := os.ReadDir(from)
	if err != nil {
		b.Fatal(err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		in, err := os.Open(filepath.Join(from, e.Name()))
		if err != nil {
			b.Fatal(err)
		}
		out, err := os.Create(filepath.Join(to, e.Name()))
		if err == nil {
			_, err = io.Copy(out, in)
			if cerr := out.Close(); err == nil {
				err = cerr
			}
		}
		in.Close()
		if err != nil {
			b.Fatal(err)
		}
	}
}

func benchEnvInt(b *testing.B, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		b.Fatalf("%s=%q: want a positive integer", name, v)
	}
	return n
}

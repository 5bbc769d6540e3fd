package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/careweb/careweb/internal/analysis"
	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/store/embedded"
)

// The batch metrics benchmarks run over the demo population (3,000 people
// and the four showcase webs, about 60,000 contacts, embedded store) and
// report persons/s:
//
//	go test -run '^$' -bench 'MetricsBatch' -benchtime 20x ./cmd/careweb
//
// BenchmarkMetricsBatchCommand is the whole command as a user runs it
// (open the data directory, load its index, build the patient-sharing
// network, compute, write JSON Lines to a file); BenchmarkMetricsBatchRun
// is the part that grows with the population (network, compute, encode)
// on a store already open.

const benchPeople = 3000

func BenchmarkMetricsBatchCommand(b *testing.B) {
	tuneRuntime(os.Getenv) // as main does
	dir := demoDir(b, benchPeople)
	out := filepath.Join(b.TempDir(), "metrics.jsonl")
	ctx := context.Background()
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		if err := run(ctx, []string{"metrics", "--data", dir, "--out", out, "--progress", "0"}, envOf(nil), nil, io.Discard, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
	report(b, start)
	if fi, err := os.Stat(out); err != nil || fi.Size() == 0 {
		b.Fatalf("no output: %v", err)
	}
}

func BenchmarkMetricsBatchRun(b *testing.B) {
	tuneRuntime(os.Getenv)
	st, err := embedded.Open(demoDir(b, benchPeople), embedded.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = st.Close() })
	ctx := context.Background()
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		pop, err := analysis.BuildPopulation(ctx, st, care.Always)
		if err != nil {
			b.Fatal(err)
		}
		var buf []byte
		n := 0
		err = analysis.Run(ctx, st, pop, analysis.Options{}, 0, func(r *analysis.Result) error {
			buf = analysis.Record{Result: r}.AppendJSON(buf[:0])
			n++
			_, err := io.Discard.Write(buf)
			return err
		})
		if err != nil || n != benchPeople+4 {
			b.Fatalf("%d persons: %v", n, err)
		}
	}
	report(b, start)
}

// report sets persons/s (and the cores it ran on) for the benchmark.
func report(b *testing.B, start time.Time) {
	b.StopTimer()
	secs := time.Since(start).Seconds()
	b.ReportMetric(float64(b.N*(benchPeople+4))/secs, "persons/s")
	b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "cores")
}

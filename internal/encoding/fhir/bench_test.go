//go:build unix

package fhir_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/careweb/careweb/internal/encoding/fhir"
	"github.com/careweb/careweb/internal/store/neo4j/neo4jtest"
)

// bulkExport writes an NDJSON bulk export in memory: organisations,
// practitioners with PractitionerRoles, patients, and encounters spread
// over them, all by relative reference, as a FHIR server's $export gives.
func bulkExport(patients, practitioners, encounters int) []fhir.Source {
	var orgs, pracs, roles, pats, encs bytes.Buffer
	nOrgs := max(1, practitioners/10)
	for i := range nOrgs {
		fmt.Fprintf(&orgs, `{"resourceType":"Organization","id":"o%d","name":"Organisation %d","type":[{"text":"GP practice"}]}`+"\n", i, i)
	}
	for i := range practitioners {
		fmt.Fprintf(&pracs, `{"resourceType":"Practitioner","id":"pr%d","identifier":[{"system":"https://example.org/staff","value":"%d"}],"name":[{"family":"Prac%d","given":["Pat"]}]}`+"\n", i, i, i)
		fmt.Fprintf(&roles, `{"resourceType":"PractitionerRole","id":"r%d","practitioner":{"reference":"Practitioner/pr%d"},"organization":{"reference":"Organization/o%d"},"code":[{"text":"General practitioner"}],"period":{"start":"2015-01-01"}}`+"\n", i, i, i%nOrgs)
	}
	for i := range patients {
		fmt.Fprintf(&pats, `{"resourceType":"Patient","id":"p%d","name":[{"family":"Person%d","given":["Alex"]}],"address":[{"city":"Town %d"}]}`+"\n", i, i, i%50)
	}
	for i := range encounters {
		p, pr := i%patients, (i*7)%practitioners
		fmt.Fprintf(&encs, `{"resourceType":"Encounter","id":"e%d","status":"finished","class":{"code":"AMB"},"type":[{"text":"Consultation"}],"subject":{"reference":"Patient/p%d"},"participant":[{"type":[{"coding":[{"code":"PPRF"}]}],"individual":{"reference":"Practitioner?identifier=https://example.org/staff|%d"}}],"period":{"start":"2024-%02d-%02dT09:%02d:00Z","end":"2024-%02d-%02dT09:%02d:00Z"},"serviceProvider":{"reference":"Organization/o%d"}}`+"\n",
			i, p, pr, 1+i%12, 1+i%28, i%60, 1+i%12, 1+i%28, i%60, pr%nOrgs)
	}
	var srcs []fhir.Source
	for _, f := range []struct {
		name string
		b    *bytes.Buffer
	}{{"Organization.ndjson", &orgs}, {"Practitioner.ndjson", &pracs}, {"PractitionerRole.ndjson", &roles}, {"Patient.ndjson", &pats}, {"Encounter.ndjson", &encs}} {
		data := f.b.Bytes()
		srcs = append(srcs, fhir.Source{Name: f.name, Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }})
	}
	return srcs
}

// BenchmarkLoadBulk imports a bulk export of 100,000 encounters (10,000
// patients, 1,000 practitioners) into each store and reports encounters
// per second and the peak heap in use (sampled every 5 ms) above the heap
// before the import, which holds the input (the benchmark's own, in
// memory: a real import reads files). The Neo4j run needs NEO4J_URI and
// empties the database before each import.
func BenchmarkLoadBulk(b *testing.B) {
	const encounters = 100_000
	srcs := bulkExport(10_000, 1_000, encounters)
	var input int64
	for _, s := range srcs {
		f, _ := s.Open()
		n, _ := io.Copy(io.Discard, f)
		input += n
	}
	run := func(b *testing.B, open func(*testing.B) (fhir.Target, func())) {
		for b.Loop() {
			b.StopTimer()
			st, done := open(b)
			runtime.GC()
			var base runtime.MemStats
			runtime.ReadMemStats(&base)
			peak := sampleHeap()
			b.StartTimer()
			t0, cpu0 := time.Now(), cpuTime()
			res, err := fhir.Load(context.Background(), st, srcs, fhir.Options{})
			if err != nil {
				b.Fatal(err)
			}
			if res.Applied.Contacts != encounters {
				b.Fatalf("%d contacts, want %d", res.Applied.Contacts, encounters)
			}
			b.ReportMetric(float64(encounters)/time.Since(t0).Seconds(), "encounters/s")
			// CPU time says what the import costs this process whatever
			// else runs (a Neo4j server's work is not in it).
			b.ReportMetric(float64(encounters)/(cpuTime()-cpu0).Seconds(), "encounters/cpu-s")
			b.StopTimer()
			b.ReportMetric(float64(peak()-min(peak(), base.HeapInuse))/(1<<20), "peak-heap-MiB")
			b.ReportMetric(float64(input)/(1<<20), "input-MiB")
			done()
			b.StartTimer()
		}
	}
	b.Run("embedded", func(b *testing.B) {
		run(b, func(b *testing.B) (fhir.Target, func()) {
			st := openStoreB(b)
			return st, func() { st.Close() }
		})
	})
	b.Run("neo4j", func(b *testing.B) {
		cfg := neo4jtest.Require(b)
		st := neo4jtest.Open(b)
		run(b, func(b *testing.B) (fhir.Target, func()) {
			neo4jtest.Clear(b, cfg)
			return st, func() {}
		})
	})
}

// sampleHeap samples the heap in use every 5 ms until the function it
// returns is first called; that function returns the peak.
func sampleHeap() func() uint64 {
	var peak uint64
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	var once sync.Once
	return func() uint64 {
		once.Do(func() { close(stop); <-done })
		return peak
	}
}

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkLoadSynthea imports the 22 Synthea bundles (23 MB of JSON,
// gzipped) into the embedded store.
func BenchmarkLoadSynthea(b *testing.B) {
	srcs, err := fhir.PathSources([]string{syntheaDir})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		b.StopTimer()
		st := openStoreB(b)
		b.StartTimer()
		if _, err := fhir.Load(context.Background(), st, srcs, fhir.Options{}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		st.Close()
		b.StartTimer()
	}
}

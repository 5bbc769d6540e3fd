//go:build unix

package fhir_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/careweb/careweb/internal/encoding/fhir"
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
// patients, 1,000 practitioners) into the embedded store and reports
// encounters per second, and the heap in use once it is read.
func BenchmarkLoadBulk(b *testing.B) {
	const encounters = 100_000
	srcs := bulkExport(10_000, 1_000, encounters)
	for b.Loop() {
		b.StopTimer()
		st := openStoreB(b)
		runtime.GC()
		b.StartTimer()
		t0, cpu0 := time.Now(), cpuTime()
		im, err := fhir.Read(context.Background(), srcs, fhir.Options{})
		if err != nil {
			b.Fatal(err)
		}
		read := time.Since(t0)
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		if _, err := st.Apply(context.Background(), im.Batch); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(encounters)/time.Since(t0).Seconds(), "encounters/s")
		// The machine is shared: CPU time says what the import costs
		// whatever else runs.
		b.ReportMetric(float64(encounters)/(cpuTime()-cpu0).Seconds(), "encounters/cpu-s")
		b.ReportMetric(float64(encounters)/read.Seconds(), "read-encounters/s")
		b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MiB")
		b.StopTimer()
		st.Close()
		b.StartTimer()
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

// BenchmarkReadSynthea reads and maps the 22 Synthea bundles (23 MB of
// JSON, gzipped).
func BenchmarkReadSynthea(b *testing.B) {
	srcs, err := fhir.PathSources([]string{syntheaDir})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := fhir.Read(context.Background(), srcs, fhir.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

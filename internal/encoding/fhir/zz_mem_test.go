package fhir_test

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/careweb/careweb/internal/encoding/fhir"
)

func TestZZMem(t *testing.T) {
	srcs := bulkExport(10_000, 1_000, 100_000)
	var a, b runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	done := make(chan struct{})
	var peak uint64
	go func() {
		for {
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				peak = max(peak, m.HeapAlloc)
			}
		}
	}()
	im, err := fhir.Read(context.Background(), srcs, fhir.Options{})
	close(done)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&b)
	t.Logf("input %.1f MiB; retained after read: %.1f MiB; peak heap during read %.1f MiB (%d contacts)", float64(a.HeapAlloc)/(1<<20), (float64(b.HeapAlloc)-float64(a.HeapAlloc))/(1<<20), (float64(peak)-float64(a.HeapAlloc))/(1<<20), len(im.Batch.Contacts))
	runtime.KeepAlive(im)
	runtime.KeepAlive(srcs)
}

package audit

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
)

// BenchmarkRecord measures durable records per second on the machine's
// disk (b.TempDir), one fsync per group commit. "goroutines" is how many
// callers record at once: with one, every record pays a full fsync; with
// many, they share one, as concurrent requests do.
func BenchmarkRecord(b *testing.B) {
	for _, g := range []int{1, 8, 64, 256} {
		b.Run(fmt.Sprintf("goroutines=%d", g), func(b *testing.B) {
			l, err := Open(filepath.Join(b.TempDir(), "audit.log"), Config{Pseudonyms: key})
			if err != nil {
				b.Fatal(err)
			}
			defer l.Close()
			e := event(1)
			b.SetParallelism((g + 1) / 2) // × GOMAXPROCS (2 here) goroutines
			if g == 1 {
				b.SetParallelism(1)
			}
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := l.Record(context.Background(), e); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.StopTimer()
			if c := l.commits.Load(); c > 0 {
				b.ReportMetric(float64(l.records.Load())/float64(c), "records/fsync")
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

package analysis

import (
	"context"
	"testing"

	"github.com/careweb/careweb/internal/care"
)

// The demo population's shape: 3,000 people, about 20 contacts each over
// two years (internal/demo's defaults), generated here so the benchmark
// does not depend on the demo package.
const benchPeople, benchContacts = 3000, 20

// BenchmarkPerson measures one Computer on one goroutine: every metric of
// one person per operation, all time.
func BenchmarkPerson(b *testing.B) {
	st := population(1, benchPeople, benchContacts)
	pop, err := BuildPopulation(context.Background(), st, care.Always)
	if err != nil {
		b.Fatal(err)
	}
	c := pop.NewComputer()
	var res Result
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		if err := c.person(st.recs[n%len(st.recs)], Options{}, &res); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "persons/s")
}

// BenchmarkBatch measures what the batch CLI does for one population: the
// population pass (service index and patient-sharing network), then Run on
// GOMAXPROCS workers with every Result encoded as a JSON line. The store
// is in memory (copying each record, as a streaming store does).
func BenchmarkBatch(b *testing.B) {
	st := population(1, benchPeople, benchContacts)
	var line []byte
	people := 0
	b.ReportAllocs()
	for b.Loop() {
		pop, err := BuildPopulation(context.Background(), st, care.Always)
		if err != nil {
			b.Fatal(err)
		}
		err = Run(context.Background(), st, pop, Options{}, 0, func(r *Result) error {
			line = Record{Result: r}.AppendJSON(line[:0])
			people++
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(people)/b.Elapsed().Seconds(), "persons/s")
}

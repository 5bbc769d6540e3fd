package graphml_test

import (
	"context"
	"io"
	"os"
	"strconv"
	"testing"

	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/deidentify"
	"github.com/careweb/careweb/internal/demo"
	"github.com/careweb/careweb/internal/encoding/graphjson"
	"github.com/careweb/careweb/internal/encoding/graphml"
	"github.com/careweb/careweb/internal/encoding/graphview"
	"github.com/careweb/careweb/internal/pseudonym"
	"github.com/careweb/careweb/internal/store/embedded"
)

// BenchmarkExport writes the demo population (CAREWEB_BENCH_PEOPLE people,
// default 3,000) as GraphML, JSON and pseudonymised GraphML to a writer
// that only counts the bytes, and reports contacts and edges per second
// and the size of the document:
//
//	go test -run '^$' -bench Export -benchtime 3x ./internal/encoding/graphml
func BenchmarkExport(b *testing.B) {
	people := demo.DefaultPeople
	if v := os.Getenv("CAREWEB_BENCH_PEOPLE"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			b.Fatal(err)
		}
		people = n
	}
	st, err := embedded.Open(b.TempDir(), embedded.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	_, err = demo.Apply(context.Background(), st, demo.Config{Seed: 1, People: people}, 50000)
	if err != nil {
		b.Fatal(err)
	}
	pz := deidentify.Wrap(st, deidentify.New(pseudonym.New([]byte("0123456789abcdef0123456789abcdef"))))
	opt := graphview.Options{Window: care.Always, AsOf: care.MakeDate(2025, 9, 1)}
	for _, bc := range []struct {
		name  string
		st    care.Streamer
		write func(context.Context, care.Streamer, graphview.Options, io.Writer) (graphview.Counts, error)
	}{
		{"graphml", st, graphml.Write},
		{"json", st, graphjson.Write},
		{"graphml-pseudonymised", pz, graphml.Write},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var n graphview.Counts
			var w countingWriter
			for b.Loop() {
				w = 0
				if n, err = bc.write(context.Background(), bc.st, opt, &w); err != nil {
					b.Fatal(err)
				}
			}
			sec := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(float64(n.Contacts)/sec, "contacts/s")
			b.ReportMetric(float64(n.Edges)/sec, "edges/s")
			b.ReportMetric(float64(w)/(1<<20), "MiB")
		})
	}
}

type countingWriter int64

func (w *countingWriter) Write(p []byte) (int, error) {
	*w += countingWriter(len(p))
	return len(p), nil
}

package neo4j_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/store/neo4j/neo4jtest"
)

// benchPopulation is a small synthetic population: persons, professionals
// working in organisations, each person looked after by two of them. It is
// generated here so that the benchmark depends on nothing but care.
func benchPopulation(persons, professionals, organisations int) care.Batch {
	var b care.Batch
	for i := range organisations {
		b.Nodes = append(b.Nodes, care.Node{ID: fmt.Sprintf("o%04d", i), Kind: care.KindOrganisation,
			Name: fmt.Sprintf("Organisation %d", i), Sector: care.Sectors[i%len(care.Sectors)]})
	}
	for i := range professionals {
		id := fmt.Sprintf("pr%05d", i)
		b.Nodes = append(b.Nodes, care.Node{ID: id, Kind: care.KindProfessional,
			Name: fmt.Sprintf("Professional %d", i), Role: care.Roles[i%len(care.Roles)]})
		b.Relationships = append(b.Relationships, care.Relationship{Type: care.WorksIn, From: id,
			To: fmt.Sprintf("o%04d", i%organisations), Span: care.Always})
	}
	for i := range persons {
		id := fmt.Sprintf("p%07d", i)
		b.Nodes = append(b.Nodes, care.Node{ID: id, Kind: care.KindPerson, Name: fmt.Sprintf("Person %d", i)})
		for j := range 2 {
			b.Relationships = append(b.Relationships, care.Relationship{Type: care.InvolvedIn,
				From: fmt.Sprintf("pr%05d", (i*7+j*13)%professionals), To: id, Span: care.Always})
		}
	}
	return b
}

// The population the contact benchmarks write to.
const (
	benchBatch         = 10_000
	benchPersons       = 5_000
	benchProfessionals = 500
	benchOrganisations = 50
)

// contactMaker returns a function making batches of benchBatch new
// contacts (with an organisation on half of them) over benchPopulation.
func contactMaker() func() care.Batch {
	rng := rand.New(rand.NewPCG(1, 2))
	start := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	next := 0
	return func() care.Batch {
		cs := make([]care.Contact, benchBatch)
		for i := range cs {
			pr := rng.IntN(benchProfessionals)
			c := care.Contact{
				ID:           fmt.Sprintf("k%09d", next),
				Person:       fmt.Sprintf("p%07d", rng.IntN(benchPersons)),
				Professional: fmt.Sprintf("pr%05d", pr),
				At:           start.Add(time.Duration(rng.Int64N(int64(5 * 365 * 24 * time.Hour)))),
				Mode:         care.Modes[rng.IntN(len(care.Modes))],
			}
			if i%2 == 0 {
				c.Organisation = fmt.Sprintf("o%04d", pr%benchOrganisations)
			}
			cs[i] = c
			next++
		}
		return care.Batch{Contacts: cs}
	}
}

// BenchmarkApplyContacts measures batch-write throughput: each iteration
// applies one batch of 10,000 new contacts (with an organisation on half
// of them) to a population of 5,000 persons and 500 professionals, in one
// transaction. It reports contacts/s.
func BenchmarkApplyContacts(b *testing.B) {
	const batchSize = benchBatch
	s := neo4jtest.Open(b)
	ctx := context.Background()
	pop := benchPopulation(benchPersons, benchProfessionals, benchOrganisations)
	if _, err := s.Apply(ctx, pop); err != nil {
		b.Fatalf("loading the population: %v", err)
	}
	makeBatch := contactMaker()
	b.ResetTimer()
	var elapsed time.Duration
	for range b.N {
		b.StopTimer()
		batch := makeBatch()
		b.StartTimer()
		t0 := time.Now()
		res, err := s.Apply(ctx, batch)
		elapsed += time.Since(t0)
		if err != nil {
			b.Fatalf("Apply: %v", err)
		}
		if res.Contacts != batchSize {
			b.Fatalf("Apply wrote %d contacts, want %d", res.Contacts, batchSize)
		}
	}
	b.ReportMetric(float64(b.N*batchSize)/elapsed.Seconds(), "contacts/s")
}

// BenchmarkApplyContactsReapply measures re-applying a batch already
// stored (the idempotent retry path): every contact is found, joined as
// asked, and has its properties set again.
func BenchmarkApplyContactsReapply(b *testing.B) {
	const batchSize = 10_000
	s := neo4jtest.Open(b)
	ctx := context.Background()
	if _, err := s.Apply(ctx, benchPopulation(1000, 100, 10)); err != nil {
		b.Fatal(err)
	}
	cs := make([]care.Contact, batchSize)
	for i := range cs {
		cs[i] = care.Contact{ID: fmt.Sprintf("k%09d", i), Person: fmt.Sprintf("p%07d", i%1000),
			Professional: fmt.Sprintf("pr%05d", i%100), At: time.Unix(1_700_000_000+int64(i)*3600, 0).UTC()}
	}
	batch := care.Batch{Contacts: cs}
	if _, err := s.Apply(ctx, batch); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		if _, err := s.Apply(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*batchSize)/b.Elapsed().Seconds(), "contacts/s")
}

// BenchmarkApplyStreamContacts measures an import: each iteration streams
// 3 batches of 10,000 new contacts (as BenchmarkApplyContacts makes them,
// made before the clock starts) into one transaction with ApplyStream,
// commit included. It reports contacts/s. (Three, because the whole
// stream is one transaction: the test launcher's 512 MB heap holds about
// 40,000 new contacts in one.)
func BenchmarkApplyStreamContacts(b *testing.B) {
	const batches = 3
	s := neo4jtest.Open(b)
	ctx := context.Background()
	if _, err := s.Apply(ctx, benchPopulation(benchPersons, benchProfessionals, benchOrganisations)); err != nil {
		b.Fatalf("loading the population: %v", err)
	}
	makeBatch := contactMaker()
	var elapsed time.Duration
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		stream := make([]care.Batch, batches)
		for i := range stream {
			stream[i] = makeBatch()
		}
		b.StartTimer()
		i := 0
		next := func() (care.Batch, error) {
			if i == len(stream) {
				return care.Batch{}, io.EOF
			}
			i++
			return stream[i-1], nil
		}
		t0 := time.Now()
		res, err := s.ApplyStream(ctx, next)
		elapsed += time.Since(t0)
		if err != nil {
			b.Fatalf("ApplyStream: %v", err)
		}
		if res.Contacts != batches*benchBatch {
			b.Fatalf("ApplyStream wrote %d contacts, want %d", res.Contacts, batches*benchBatch)
		}
	}
	b.ReportMetric(float64(b.N*batches*benchBatch)/elapsed.Seconds(), "contacts/s")
}

package fhir_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/encoding/carecsv"
	"github.com/careweb/careweb/internal/encoding/fhir"
	"github.com/careweb/careweb/internal/store/embedded"
)

func openStore(t *testing.T) *embedded.Store {
	t.Helper()
	st, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// loaded is what an import read, and every batch it gave the store.
type loaded struct {
	*fhir.Result
	Batch   care.Batch // the batches' items, in stream order
	Batches int
}

// recorder passes an import through to the store it wraps, keeping a copy
// of each batch the store is given, so that a test sees what the mapping
// made as well as what the store holds.
type recorder struct {
	fhir.Target
	got *loaded
}

func (r recorder) ApplyStream(ctx context.Context, next func() (care.Batch, error)) (care.ApplyResult, error) {
	return r.Target.(care.BulkWriter).ApplyStream(ctx, func() (care.Batch, error) {
		b, err := next()
		if err == nil {
			g := r.got
			g.Batches++
			g.Batch.Nodes = append(g.Batch.Nodes, b.Nodes...)
			g.Batch.Relationships = append(g.Batch.Relationships, b.Relationships...)
			g.Batch.Contacts = append(g.Batch.Contacts, b.Contacts...)
			g.Batch.Referrals = append(g.Batch.Referrals, b.Referrals...)
		}
		return b, err
	})
}

// load imports paths into st, failing the test on any error.
func load(t *testing.T, st fhir.Target, paths ...string) *loaded {
	t.Helper()
	return loadOpt(t, st, fhir.Options{}, paths...)
}

func loadOpt(t *testing.T, st fhir.Target, opt fhir.Options, paths ...string) *loaded {
	t.Helper()
	srcs, err := fhir.PathSources(paths)
	if err != nil {
		t.Fatal(err)
	}
	got := &loaded{}
	got.Result, err = fhir.Load(context.Background(), recorder{st, got}, srcs, opt)
	if err != nil {
		t.Fatalf("import %v: %v", paths, err)
	}
	return got
}

// loadErr imports paths into st and returns the error.
func loadErr(t *testing.T, st fhir.Target, paths ...string) error {
	t.Helper()
	srcs, err := fhir.PathSources(paths)
	if err != nil {
		t.Fatal(err)
	}
	_, err = fhir.Load(context.Background(), st, srcs, fhir.Options{})
	return err
}

// src is an in-memory file.
func src(name, body string) fhir.Source {
	return fhir.Source{Name: name, Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(body)), nil }}
}

func gzipped(t *testing.T, name, body string) fhir.Source {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write([]byte(body)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	data := b.Bytes()
	return fhir.Source{Name: name, Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
}

// census counts what a store holds.
type census struct {
	People, Carers, Professionals, Organisations int
	CaresFor, InvolvedIn, WorksIn, LinkedTo      int
	Contacts, Referrals                          int
}

func takeCensus(t *testing.T, st care.Streamer) census {
	t.Helper()
	ctx := context.Background()
	var c census
	svc, err := st.Services(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range svc.Nodes {
		switch n.Kind {
		case care.KindCarer:
			c.Carers++
		case care.KindProfessional:
			c.Professionals++
		case care.KindOrganisation:
			c.Organisations++
		}
	}
	for _, r := range svc.Relationships {
		switch r.Type {
		case care.WorksIn:
			c.WorksIn++
		case care.LinkedTo:
			c.LinkedTo++
		}
	}
	err = st.EachPerson(ctx, func(p *care.PersonRecord) error {
		c.People++
		for _, r := range p.Relationships {
			switch r.Type {
			case care.CaresFor:
				c.CaresFor++
			case care.InvolvedIn:
				c.InvolvedIn++
			}
		}
		c.Contacts += len(p.Contacts)
		c.Referrals += len(p.Referrals)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// personRecords returns every person's record, by name.
func personRecords(t *testing.T, st care.Streamer) map[string]care.PersonRecord {
	t.Helper()
	out := map[string]care.PersonRecord{}
	err := st.EachPerson(context.Background(), func(p *care.PersonRecord) error {
		out[p.Person.Name] = care.PersonRecord{Person: p.Person, Relationships: append([]care.Relationship(nil), p.Relationships...),
			Contacts: append([]care.Contact(nil), p.Contacts...), Referrals: append([]care.Referral(nil), p.Referrals...)}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// snapshot is the whole store in CSV interchange form: equal snapshots
// mean equal stores.
func snapshot(t *testing.T, st care.Streamer) string {
	t.Helper()
	var bufs [4]bytes.Buffer
	_, err := carecsv.Export(context.Background(), st, care.Always,
		carecsv.Writers{Nodes: &bufs[0], Relationships: &bufs[1], Contacts: &bufs[2], Referrals: &bufs[3]})
	if err != nil {
		t.Fatal(err)
	}
	return bufs[0].String() + bufs[1].String() + bufs[2].String() + bufs[3].String()
}

// reimportUnchanged imports paths again and checks nothing changed.
func reimportUnchanged(t *testing.T, st care.Store, opt fhir.Options, paths ...string) {
	t.Helper()
	before := snapshot(t, st)
	loadOpt(t, st, opt, paths...)
	if after := snapshot(t, st); after != before {
		t.Errorf("importing %v again changed the store", paths)
	}
}

func openStoreB(b *testing.B) *embedded.Store {
	b.Helper()
	st, err := embedded.Open(b.TempDir(), embedded.Options{})
	if err != nil {
		b.Fatal(err)
	}
	return st
}

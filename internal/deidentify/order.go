package deidentify

import (
	"bufio"
	"container/heap"
	"context"
	"io"
	"os"
	"reflect"
	"slices"
	"strings"

	"github.com/careweb/careweb/internal/care"
)

// DefaultMemory is the memory Streamer.EachPerson holds records in when
// Streamer.Memory is zero: about 14,000 people of the demo population
// (their records take some 4.7 KiB each).
const DefaultMemory = 64 << 20

// maxRuns bounds the spill files open at once (one descriptor each, and
// one read buffer each while merging): when a spill would make more, the
// ones already written are merged into one first.
const maxRuns = 64

// bufSize is the buffer of each spill file, writing and reading.
const bufSize = 64 << 10

// sorter puts pseudonymised person records in pseudonym order with
// bounded memory: an external merge sort. Records are held until their
// estimated size reaches limit, then sorted and written to a spill file
// (a run); at the end the runs and what is still held are merged.
//
// The records are pseudonymised, but still personal data (dates,
// localities, the shape of each web): the spill files live in a private
// directory (0700, from os.MkdirTemp), are created 0600, are unlinked as
// soon as they are created where the system allows it (so even a killed
// process leaves no data behind), and close removes the directory. Only
// an empty directory can outlive a killed process.
type sorter struct {
	limit  int64
	parent string // where the private directory is made; "" for os.TempDir
	dir    string // the private directory, once a spill made it
	held   []*care.PersonRecord
	size   int64
	runs   []run
}

// run is one spill file: n records in pseudonym order (codec.go).
type run struct {
	f *os.File
	n int
}

func (s *sorter) add(ctx context.Context, r *care.PersonRecord) error {
	s.held = append(s.held, r)
	s.size += footprint(r)
	if s.size < s.limit {
		return nil
	}
	return s.spill(ctx)
}

// spill writes what is held to a new run and lets it go.
func (s *sorter) spill(ctx context.Context) error {
	if len(s.runs) == maxRuns {
		if err := s.compact(ctx); err != nil {
			return err
		}
	}
	sortByID(s.held)
	src := &memSource{recs: s.held}
	r, err := s.write(ctx, src)
	if err != nil {
		return err
	}
	s.runs = append(s.runs, r)
	clear(s.held)
	s.held, s.size = s.held[:0], 0
	return nil
}

// compact merges every run into one.
func (s *sorter) compact(ctx context.Context) error {
	m, err := s.merge(nil)
	if err != nil {
		return err
	}
	r, err := s.write(ctx, m)
	if err != nil {
		return err
	}
	for _, old := range s.runs {
		old.f.Close()
		_ = os.Remove(old.f.Name()) // where create could not
	}
	s.runs = append(s.runs[:0], r)
	return nil
}

// write copies src, in its order, to a new run.
func (s *sorter) write(ctx context.Context, src source) (run, error) {
	f, err := s.create()
	if err != nil {
		return run{}, err
	}
	w := bufio.NewWriterSize(f, bufSize)
	enc := &encoder{w: w}
	n := 0
	for {
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				f.Close()
				return run{}, care.Wrap(care.Unavailable, err, "request cancelled")
			}
		}
		rec, err := src.next()
		if err != nil {
			f.Close()
			return run{}, err
		}
		if rec == nil {
			break
		}
		if err := enc.encode(rec); err != nil {
			f.Close()
			return run{}, care.Wrap(care.Internal, err, "pseudonymised stream: writing a temporary file")
		}
		n++
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return run{}, care.Wrap(care.Internal, err, "pseudonymised stream: writing a temporary file")
	}
	return run{f: f, n: n}, nil
}

// create makes a spill file, and the private directory on first use.
func (s *sorter) create() (*os.File, error) {
	if s.dir == "" {
		dir, err := os.MkdirTemp(s.parent, "careweb-pseudonymised-")
		if err != nil {
			return nil, care.Wrap(care.Internal, err, "pseudonymised stream: making a temporary directory")
		}
		s.dir = dir
	}
	f, err := os.CreateTemp(s.dir, "run-")
	if err != nil {
		return nil, care.Wrap(care.Internal, err, "pseudonymised stream: making a temporary file")
	}
	// Unlinked, the file lives as long as the descriptor: nothing is left
	// if the process dies. Where an open file cannot be removed (Windows),
	// close removes it instead.
	_ = os.Remove(f.Name())
	return f, nil
}

// each calls fn for every record added, in pseudonym order.
func (s *sorter) each(ctx context.Context, fn func(*care.PersonRecord) error) error {
	sortByID(s.held)
	var src source = &memSource{recs: s.held}
	if len(s.runs) > 0 {
		m, err := s.merge(src)
		if err != nil {
			return err
		}
		src = m
	}
	for {
		if err := ctx.Err(); err != nil {
			return care.Wrap(care.Unavailable, err, "request cancelled")
		}
		rec, err := src.next()
		if err != nil {
			return err
		}
		if rec == nil {
			return nil
		}
		if err := fn(rec); err != nil {
			return err
		}
	}
}

// close releases the runs and removes the private directory. It returns
// an error only if the directory could not be removed: then data is left
// on disk, and the caller must hear of it.
func (s *sorter) close() error {
	for _, r := range s.runs {
		r.f.Close()
	}
	s.runs, s.held = nil, nil
	if s.dir == "" {
		return nil
	}
	if err := os.RemoveAll(s.dir); err != nil {
		return care.Wrap(care.Internal, err, "pseudonymised stream: removing the temporary directory")
	}
	return nil
}

// source yields records in pseudonym order; nil at the end.
type source interface {
	next() (*care.PersonRecord, error)
}

type memSource struct{ recs []*care.PersonRecord }

func (m *memSource) next() (*care.PersonRecord, error) {
	if len(m.recs) == 0 {
		return nil, nil
	}
	r := m.recs[0]
	m.recs[0] = nil // let it go once handed on
	m.recs = m.recs[1:]
	return r, nil
}

type runSource struct {
	dec  decoder
	left int
}

func (r *runSource) next() (*care.PersonRecord, error) {
	if r.left == 0 {
		return nil, nil
	}
	r.left--
	rec, err := r.dec.decode()
	if err != nil {
		return nil, care.Wrap(care.Internal, err, "pseudonymised stream: reading a temporary file")
	}
	return rec, nil
}

// merge returns the records of every run, and of extra if not nil, in
// pseudonym order.
func (s *sorter) merge(extra source) (*merger, error) {
	m := &merger{}
	srcs := make([]source, 0, len(s.runs)+1)
	for _, r := range s.runs {
		if _, err := r.f.Seek(0, io.SeekStart); err != nil {
			return nil, care.Wrap(care.Internal, err, "pseudonymised stream: reading a temporary file")
		}
		srcs = append(srcs, &runSource{dec: decoder{r: bufio.NewReaderSize(r.f, bufSize)}, left: r.n})
	}
	if extra != nil {
		srcs = append(srcs, extra)
	}
	for _, src := range srcs {
		rec, err := src.next()
		if err != nil {
			return nil, err
		}
		if rec != nil {
			m.heads = append(m.heads, head{rec, src})
		}
	}
	heap.Init(m)
	return m, nil
}

// merger is a heap of the first record of each source, least id first.
type merger struct{ heads []head }

type head struct {
	rec *care.PersonRecord
	src source
}

func (m *merger) next() (*care.PersonRecord, error) {
	if len(m.heads) == 0 {
		return nil, nil
	}
	h := &m.heads[0]
	out := h.rec
	rec, err := h.src.next()
	if err != nil {
		return nil, err
	}
	if rec == nil {
		heap.Pop(m)
	} else {
		h.rec = rec
		heap.Fix(m, 0)
	}
	return out, nil
}

func (m *merger) Len() int           { return len(m.heads) }
func (m *merger) Less(i, j int) bool { return m.heads[i].rec.Person.ID < m.heads[j].rec.Person.ID }
func (m *merger) Swap(i, j int)      { m.heads[i], m.heads[j] = m.heads[j], m.heads[i] }
func (m *merger) Push(x any)         { m.heads = append(m.heads, x.(head)) }
func (m *merger) Pop() any {
	h := m.heads[len(m.heads)-1]
	m.heads = m.heads[:len(m.heads)-1]
	return h
}

func sortByID(recs []*care.PersonRecord) {
	slices.SortFunc(recs, func(a, b *care.PersonRecord) int { return strings.Compare(a.Person.ID, b.Person.ID) })
}

// The sizes of what a held record is made of.
var (
	recordSize       = int64(reflect.TypeFor[care.PersonRecord]().Size()) + 8 // and its pointer
	relationshipSize = int64(reflect.TypeFor[care.Relationship]().Size())
	contactSize      = int64(reflect.TypeFor[care.Contact]().Size())
	referralSize     = int64(reflect.TypeFor[care.Referral]().Size())
	consentSize      = int64(reflect.TypeFor[care.Consent]().Size())
)

// footprint estimates the memory r holds: its structs and the ids made
// for it. The pseudonyms of the nodes it refers to are shared with other
// records (the stream remembers them), and codes and localities are the
// wrapped store's strings, so neither is counted.
func footprint(r *care.PersonRecord) int64 {
	n := recordSize + int64(len(r.Person.ID))
	for i := range r.Relationships {
		n += relationshipSize + int64(len(r.Relationships[i].ID))
	}
	for i := range r.Contacts {
		n += contactSize + int64(len(r.Contacts[i].ID))
	}
	for i := range r.Referrals {
		n += referralSize + int64(len(r.Referrals[i].ID))
	}
	for i := range r.Consents {
		n += consentSize + int64(len(r.Consents[i].ID))
	}
	return n
}

package carecsv

import (
	"context"
	"encoding/csv"
	"io"
	"strconv"
	"time"

	"github.com/careweb/careweb/internal/care"
)

// Counts says how many rows were written to each file.
type Counts struct {
	Nodes, Relationships, Contacts, Referrals, Consents int
}

// Writers are the destinations of an export, one per file. Consents may
// be nil: the consent records are then not written.
type Writers struct {
	Nodes, Relationships, Contacts, Referrals, Consents io.Writer
}

// Writer writes records in the import format, each to its file, after a
// header line per file. It buffers: call Flush at the end.
type Writer struct {
	n                  Counts
	nw, rw, cw, fw, sw *csv.Writer
	all                []*csv.Writer
	rec                []string
}

// NewWriter writes the header of each file to out and returns a Writer
// for the rows.
func NewWriter(out Writers) (*Writer, error) {
	w := &Writer{nw: csv.NewWriter(out.Nodes), rw: csv.NewWriter(out.Relationships),
		cw: csv.NewWriter(out.Contacts), fw: csv.NewWriter(out.Referrals), rec: make([]string, 0, 11)}
	w.all = []*csv.Writer{w.nw, w.rw, w.cw, w.fw}
	if out.Consents != nil {
		w.sw = csv.NewWriter(out.Consents)
		w.all = append(w.all, w.sw)
	}
	for f, x := range w.all {
		if err := x.Write(header(f)); err != nil {
			return nil, writeErr(err)
		}
	}
	return w, nil
}

// Node writes a row of nodes.csv.
func (w *Writer) Node(x care.Node) error {
	w.n.Nodes++
	w.rec = append(w.rec[:0], x.ID, string(x.Kind), x.Name, string(x.Role), string(x.Sector), x.Locality)
	return w.write(w.nw)
}

// Relationship writes a row of relationships.csv, always with its id.
func (w *Writer) Relationship(r care.Relationship) error {
	w.n.Relationships++
	w.rec = append(w.rec[:0], r.ID, r.From, r.To, string(r.Type), r.Span.From.String(), r.Span.To.String(),
		r.Role, boolText(r.Coordinator), boolText(r.Consent), r.Relation, r.Channel)
	return w.write(w.rw)
}

// Contact writes a row of contacts.csv.
func (w *Writer) Contact(c care.Contact) error {
	w.n.Contacts++
	w.rec = append(w.rec[:0], c.ID, c.Person, c.Professional, c.Organisation, timeText(c.At), string(c.Mode), c.Setting)
	return w.write(w.cw)
}

// Referral writes a row of referrals.csv.
func (w *Writer) Referral(r care.Referral) error {
	w.n.Referrals++
	w.rec = append(w.rec[:0], r.ID, r.Person, r.From, r.To, timeText(r.At), r.Reason)
	return w.write(w.fw)
}

// Consent writes a row of consents.csv; without a consents destination
// it writes nothing.
func (w *Writer) Consent(c care.Consent) error {
	if w.sw == nil {
		return nil
	}
	w.n.Consents++
	w.rec = append(w.rec[:0], c.ID, c.Person, c.Grantee, string(c.Basis), string(c.Decision),
		c.Span.From.String(), c.Span.To.String(), timeText(c.RecordedAt), c.RecordedBy)
	return w.write(w.sw)
}

// Batch writes the upserts of b (its nodes, relationships, contacts,
// referrals and consent records), as they are: the caller normalises.
func (w *Writer) Batch(b care.Batch) error {
	for _, x := range b.Nodes {
		if err := w.Node(x); err != nil {
			return err
		}
	}
	for _, x := range b.Relationships {
		if err := w.Relationship(x); err != nil {
			return err
		}
	}
	for _, x := range b.Contacts {
		if err := w.Contact(x); err != nil {
			return err
		}
	}
	for _, x := range b.Referrals {
		if err := w.Referral(x); err != nil {
			return err
		}
	}
	for _, x := range b.Consents {
		if err := w.Consent(x); err != nil {
			return err
		}
	}
	return nil
}

// Flush writes out what is buffered.
func (w *Writer) Flush() error {
	for _, x := range w.all {
		x.Flush()
		if err := x.Error(); err != nil {
			return writeErr(err)
		}
	}
	return nil
}

// Counts returns the rows written so far.
func (w *Writer) Counts() Counts { return w.n }

func (w *Writer) write(x *csv.Writer) error {
	if err := x.Write(w.rec); err != nil {
		return writeErr(err)
	}
	return nil
}

// Export writes the store's contents in the import format, one pass over
// the population: the service nodes (ordered by id) then the people (in
// id order); WORKS_IN and LINKED_TO relationships (by id) then each
// person's relationships; each person's contacts, referrals and consent
// records in time order. The same store contents give the same bytes, so
// an export re-imported into an empty store exports identically.
//
// w limits what is written: contacts and referrals on a day in w, and
// relationships and consent records whose span overlaps w. Every node is
// written whatever w is, so that the rows kept always refer to nodes in
// the files.
func Export(ctx context.Context, st care.Streamer, w care.Window, out Writers) (Counts, error) {
	cw, err := NewWriter(out)
	if err != nil {
		return Counts{}, err
	}
	writeRel := func(r care.Relationship) error {
		if !r.Span.Overlaps(w) {
			return nil
		}
		return cw.Relationship(r)
	}
	svc, err := st.Services(ctx)
	if err != nil {
		return cw.Counts(), err
	}
	for _, x := range svc.Nodes {
		if err := cw.Node(x); err != nil {
			return cw.Counts(), err
		}
	}
	for _, r := range svc.Relationships {
		if err := writeRel(r); err != nil {
			return cw.Counts(), err
		}
	}
	err = st.EachPerson(ctx, func(p *care.PersonRecord) error {
		if err := cw.Node(p.Person); err != nil {
			return err
		}
		for _, r := range p.Relationships {
			if err := writeRel(r); err != nil {
				return err
			}
		}
		for _, c := range p.Contacts {
			if w.Contains(care.DateOf(c.At)) {
				if err := cw.Contact(c); err != nil {
					return err
				}
			}
		}
		for _, r := range p.Referrals {
			if w.Contains(care.DateOf(r.At)) {
				if err := cw.Referral(r); err != nil {
					return err
				}
			}
		}
		for _, c := range p.Consents {
			if c.Span.Overlaps(w) {
				if err := cw.Consent(c); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return cw.Counts(), err
	}
	return cw.Counts(), cw.Flush()
}

// header is a file's full column list, as export writes it.
func header(file int) []string {
	cols := formats[file]
	h := make([]string, len(cols))
	for i, c := range cols {
		h[i] = c.name
	}
	return h
}

func boolText(b bool) string { return strconv.FormatBool(b) }

// timeText writes times in UTC with as many fraction digits as they have,
// so that a re-import gives back the same instant.
func timeText(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func writeErr(err error) error { return care.Wrap(care.Internal, err, "writing the CSV export") }

package carecsv

import (
	"context"
	"encoding/csv"
	"io"
	"strconv"
	"time"

	"github.com/careweb/careweb/internal/care"
)

// Counts says how many rows an export wrote to each file.
type Counts struct {
	Nodes, Relationships, Contacts, Referrals int
}

// Writers are the four destinations of an export, one per file.
type Writers struct {
	Nodes, Relationships, Contacts, Referrals io.Writer
}

// Export writes the store's contents in the import format, one pass over
// the population: the service nodes (ordered by id) then the people (in
// id order); WORKS_IN and LINKED_TO relationships (by id) then each
// person's relationships; each person's contacts and referrals in time
// order. The same store contents give the same bytes, so an export
// re-imported into an empty store exports identically.
//
// w limits what is written: contacts and referrals on a day in w and
// relationships overlapping w. Every node is written whatever w is, so
// that the rows kept always refer to nodes in the files.
func Export(ctx context.Context, st care.Streamer, w care.Window, out Writers) (Counts, error) {
	var n Counts
	nw, rw, cw, fw := csv.NewWriter(out.Nodes), csv.NewWriter(out.Relationships), csv.NewWriter(out.Contacts), csv.NewWriter(out.Referrals)
	for _, h := range []struct {
		w    *csv.Writer
		file string
	}{{nw, NodesFile}, {rw, RelationshipsFile}, {cw, ContactsFile}, {fw, ReferralsFile}} {
		if err := h.w.Write(header(h.file)); err != nil {
			return n, writeErr(err)
		}
	}
	rec := make([]string, 0, 11)
	writeNode := func(x care.Node) error {
		n.Nodes++
		rec = append(rec[:0], x.ID, string(x.Kind), x.Name, string(x.Role), string(x.Sector), x.Locality)
		return nw.Write(rec)
	}
	writeRel := func(r care.Relationship) error {
		if !r.Span.Overlaps(w) {
			return nil
		}
		n.Relationships++
		rec = append(rec[:0], r.ID, r.From, r.To, string(r.Type), r.Span.From.String(), r.Span.To.String(),
			r.Role, boolText(r.Coordinator), boolText(r.Consent), r.Relation, r.Channel)
		return rw.Write(rec)
	}

	svc, err := st.Services(ctx)
	if err != nil {
		return n, err
	}
	for _, x := range svc.Nodes {
		if err := writeNode(x); err != nil {
			return n, writeErr(err)
		}
	}
	for _, r := range svc.Relationships {
		if err := writeRel(r); err != nil {
			return n, writeErr(err)
		}
	}
	err = st.EachPerson(ctx, func(p *care.PersonRecord) error {
		if err := writeNode(p.Person); err != nil {
			return writeErr(err)
		}
		for _, r := range p.Relationships {
			if err := writeRel(r); err != nil {
				return writeErr(err)
			}
		}
		for _, c := range p.Contacts {
			if !w.Contains(care.DateOf(c.At)) {
				continue
			}
			n.Contacts++
			rec = append(rec[:0], c.ID, c.Person, c.Professional, c.Organisation, timeText(c.At), string(c.Mode), c.Setting)
			if err := cw.Write(rec); err != nil {
				return writeErr(err)
			}
		}
		for _, r := range p.Referrals {
			if !w.Contains(care.DateOf(r.At)) {
				continue
			}
			n.Referrals++
			rec = append(rec[:0], r.ID, r.Person, r.From, r.To, timeText(r.At), r.Reason)
			if err := fw.Write(rec); err != nil {
				return writeErr(err)
			}
		}
		return nil
	})
	if err != nil {
		return n, err
	}
	for _, x := range []*csv.Writer{nw, rw, cw, fw} {
		x.Flush()
		if err := x.Error(); err != nil {
			return n, writeErr(err)
		}
	}
	return n, nil
}

// header is a file's full column list, as export writes it.
func header(file string) []string {
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

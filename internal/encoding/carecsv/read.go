// Package carecsv reads and writes CareWeb's CSV interchange format: a
// directory holding any of nodes.csv, relationships.csv, contacts.csv and
// referrals.csv (docs/data-format.md).
//
// An import is all or nothing: every file is parsed into one care.Batch,
// which is applied with one Store.Apply, so a failure changes nothing.
// Every problem found is reported with its file, line and column, in a
// Problem.Field of the form "contacts.csv:17.at".
package carecsv

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/careweb/careweb/internal/care"
)

// The four files, in the order they load in (nodes before the
// relationships and events that refer to them).
const (
	NodesFile         = "nodes.csv"
	RelationshipsFile = "relationships.csv"
	ContactsFile      = "contacts.csv"
	ReferralsFile     = "referrals.csv"
)

// Files lists the four file names in load order.
var Files = []string{NodesFile, RelationshipsFile, ContactsFile, ReferralsFile}

// column is one column of a file's format.
type column struct {
	name     string
	required bool
}

// formats are the columns each file may have. Export writes them in this
// order; import accepts them in any order, by header name.
var formats = map[string][]column{
	NodesFile: {{"id", true}, {"kind", true}, {"name", true}, {"role", false}, {"sector", false}, {"locality", false}},
	RelationshipsFile: {{"id", false}, {"from", true}, {"to", true}, {"type", true}, {"start", false}, {"end", false},
		{"role", false}, {"coordinator", false}, {"consent", false}, {"relationship", false}, {"channel", false}},
	ContactsFile:  {{"id", true}, {"person", true}, {"professional", true}, {"organisation", false}, {"at", true}, {"mode", false}, {"setting", false}},
	ReferralsFile: {{"id", true}, {"person", true}, {"from", true}, {"to", true}, {"at", true}, {"reason", false}},
}

// Source is one file to import. Name is its role (one of Files): it
// decides how the rows are read and is how problems name the file.
type Source struct {
	Name string
	R    io.Reader
}

// Import is a parsed set of files: one batch and, for every item of it,
// the line it came from, so that the store's validation problems
// ("contacts[16].person") can be reported where the user can fix them
// ("contacts.csv:17.person").
type Import struct {
	Batch care.Batch
	lines map[string][]int // batch list name → line of each item
}

// Read parses the sources into one batch. Sources may come in any order
// but each file name at most once. It returns an Invalid *care.Error
// listing every parse problem (unknown or missing columns, wrong field
// counts, broken quoting, bad dates, unknown kinds, roles, sectors, modes
// and types), up to care.MaxProblems; an error reading a source is
// returned as it is.
func Read(srcs []Source) (*Import, error) {
	im := &Import{lines: map[string][]int{}}
	var ps care.Problems
	seen := map[string]bool{}
	// Read in load order whatever order the sources were given in, so
	// that the batch (and so the problems) come out the same.
	for _, name := range Files {
		for _, s := range srcs {
			if s.Name != name {
				continue
			}
			if seen[name] {
				ps.Add(name, "", "given more than once")
				continue
			}
			seen[name] = true
			if err := im.readFile(name, s.R, &ps); err != nil {
				return nil, err
			}
		}
	}
	for _, s := range srcs {
		if _, ok := formats[s.Name]; !ok {
			ps.Add(s.Name, "", "not a file of the format: want one of %s", strings.Join(Files, ", "))
		}
	}
	if err := ps.Err("invalid CSV import"); err != nil {
		return nil, err
	}
	return im, nil
}

// Load reads the sources and applies them to w as one batch: every row of
// every file is written, or nothing is. Problems, whether found parsing or
// by w's validation, come back as one Invalid *care.Error whose fields
// name file, line and column.
func Load(ctx context.Context, w care.Writer, srcs []Source) (care.ApplyResult, error) {
	im, err := Read(srcs)
	if err != nil {
		return care.ApplyResult{}, err
	}
	res, err := w.Apply(ctx, im.Batch)
	if err != nil {
		return care.ApplyResult{}, im.Locate(err)
	}
	return res, nil
}

// batchField matches the paths care.Batch.Validate reports.
var batchField = regexp.MustCompile(`^(nodes|relationships|contacts|referrals)\[(\d+)\](.*)$`)

var listFile = map[string]string{"nodes": NodesFile, "relationships": RelationshipsFile, "contacts": ContactsFile, "referrals": ReferralsFile}

// Locate rewrites the batch paths in err's problems ("contacts[16].person")
// as file positions ("contacts.csv:17.person"). Errors without problems,
// and paths it does not know, are returned unchanged.
func (im *Import) Locate(err error) error {
	var e *care.Error
	if !errors.As(err, &e) || len(e.Problems) == 0 {
		return err
	}
	out := *e
	out.Problems = make([]care.Problem, len(e.Problems))
	for i, p := range e.Problems {
		if m := batchField.FindStringSubmatch(p.Field); m != nil {
			idx, _ := strconv.Atoi(m[2])
			if lines := im.lines[m[1]]; idx < len(lines) {
				p.Field = fmt.Sprintf("%s:%d%s", listFile[m[1]], lines[idx], m[3])
			}
		}
		out.Problems[i] = p
	}
	out.Message = "invalid CSV import"
	return &out
}

// row is one record being read, with its position for problems.
type row struct {
	file string
	line int
	rec  []string
	cols map[string]int
	ps   *care.Problems
	bad  bool // a problem was found in this row
}

// at returns the trimmed value of a column, "" when the file lacks it.
func (r *row) at(name string) string {
	i, ok := r.cols[name]
	if !ok || i >= len(r.rec) {
		return ""
	}
	return strings.TrimSpace(r.rec[i])
}

// raw returns a free-text column as written.
func (r *row) raw(name string) string {
	i, ok := r.cols[name]
	if !ok || i >= len(r.rec) {
		return ""
	}
	return r.rec[i]
}

func (r *row) problem(col, value, format string, args ...any) {
	r.bad = true
	r.ps.Add(fmt.Sprintf("%s:%d.%s", r.file, r.line, col), value, format, args...)
}

func (r *row) date(col string, open care.Date) care.Date {
	v := r.at(col)
	if v == "" {
		return open
	}
	d, err := care.ParseDate(v)
	if err != nil {
		r.problem(col, v, "%v (empty for an open end)", err)
	}
	return d
}

func (r *row) time(col string) time.Time {
	v := r.at(col)
	if v == "" {
		r.problem(col, v, "a date-time is required")
		return time.Time{}
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t.UTC()
	}
	if d, err := care.ParseDate(v); err == nil {
		return d.Time()
	}
	r.problem(col, v, "not a date-time: want RFC 3339 (2025-03-04T09:30:00Z) or a date (2025-03-04, midnight UTC)")
	return time.Time{}
}

func (r *row) bool(col string) bool {
	v := strings.ToLower(r.at(col))
	switch v {
	case "", "false", "no", "n", "0":
		return false
	case "true", "yes", "y", "1":
		return true
	}
	r.problem(col, v, "not a boolean: want true or false (or empty for false)")
	return false
}

// readFile reads one file, adding its rows to the batch.
func (im *Import) readFile(name string, rd io.Reader, ps *care.Problems) error {
	cr := csv.NewReader(rd)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		ps.Add(name+":1", "", "empty file: want a header line")
		return nil
	}
	if err != nil {
		return parseProblem(name, err, ps)
	}
	cols, ok := readHeader(name, header, ps)
	if !ok {
		return nil
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			if perr := parseProblem(name, err, ps); perr != nil {
				return perr
			}
			var pe *csv.ParseError
			if errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount) {
				continue
			}
			// After broken quoting the reader has lost its place in the
			// file: what follows cannot be trusted.
			return nil
		}
		line, _ := cr.FieldPos(0)
		r := &row{file: name, line: line, rec: rec, cols: cols, ps: ps}
		im.addRow(r)
	}
}

// parseProblem records a csv parse error as a located problem; other
// errors (reading the source) are returned.
func parseProblem(name string, err error, ps *care.Problems) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return care.Wrap(care.Internal, err, "reading %s", name)
	}
	switch {
	case errors.Is(pe.Err, csv.ErrFieldCount):
		ps.Add(fmt.Sprintf("%s:%d", name, pe.Line), "", "wrong number of fields: want as many as the header")
	case errors.Is(pe.Err, csv.ErrQuote):
		ps.Add(fmt.Sprintf("%s:%d", name, pe.StartLine), "", "unterminated quoted field (is the file truncated?)")
	case errors.Is(pe.Err, csv.ErrBareQuote):
		ps.Add(fmt.Sprintf("%s:%d", name, pe.Line), "", "bare \" in an unquoted field, column %d: quote the field and double the quote", pe.Column)
	default:
		ps.Add(fmt.Sprintf("%s:%d", name, pe.Line), "", "%v", pe.Err)
	}
	return nil
}

// readHeader maps column names to positions, reporting unknown, repeated
// and missing columns.
func readHeader(name string, header []string, ps *care.Problems) (map[string]int, bool) {
	format := formats[name]
	known := map[string]bool{}
	names := make([]string, len(format))
	for i, c := range format {
		known[c.name] = true
		names[i] = c.name
	}
	cols := map[string]int{}
	ok := true
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		switch {
		case !known[h]:
			ps.Add(fmt.Sprintf("%s:1.%s", name, h), "", "unknown column: want %s", strings.Join(names, ", "))
			ok = false
		case hasKey(cols, h):
			ps.Add(fmt.Sprintf("%s:1.%s", name, h), "", "column given twice")
			ok = false
		default:
			cols[h] = i
		}
	}
	for _, c := range format {
		if _, has := cols[c.name]; c.required && !has {
			ps.Add(fmt.Sprintf("%s:1.%s", name, c.name), "", "required column missing")
			ok = false
		}
	}
	return cols, ok
}

func hasKey(m map[string]int, k string) bool { _, ok := m[k]; return ok }

// addRow parses one record into the batch; a row with a problem is left
// out (the import fails anyway) so that one mistake is reported once.
func (im *Import) addRow(r *row) {
	b := &im.Batch
	switch r.file {
	case NodesFile:
		n := care.Node{ID: r.at("id"), Name: r.raw("name"), Locality: r.raw("locality")}
		v := r.at("kind")
		k, ok := care.ParseKind(v)
		if !ok {
			r.problem("kind", v, "unknown kind: want person, carer, professional or organisation")
		}
		n.Kind = k
		// A role or sector on the wrong kind is left to the batch's
		// validation, which says so, rather than called unknown here.
		if v := r.at("role"); v != "" {
			role, ok := care.ParseRole(v)
			if !ok && k != care.KindProfessional && k != "" {
				role = care.Role(v)
			} else if !ok {
				r.problem("role", v, "unknown professional role")
			}
			n.Role = role
		}
		if v := r.at("sector"); v != "" {
			s, ok := care.ParseSector(v)
			if !ok && k != care.KindOrganisation && k != "" {
				s = care.Sector(v)
			} else if !ok {
				r.problem("sector", v, "unknown sector: want primary_care, community_health, secondary_care, mental_health, social_care, voluntary, housing or other")
			}
			n.Sector = s
		}
		if !r.bad {
			b.Nodes = append(b.Nodes, n)
			im.lines["nodes"] = append(im.lines["nodes"], r.line)
		}
	case RelationshipsFile:
		rel := care.Relationship{ID: r.at("id"), From: r.at("from"), To: r.at("to"),
			Role: r.raw("role"), Relation: r.raw("relationship"), Channel: r.at("channel")}
		v := r.at("type")
		t, ok := care.ParseRelType(v)
		if !ok {
			r.problem("type", v, "unknown relationship type: want CARES_FOR, INVOLVED_IN, WORKS_IN or LINKED_TO")
		}
		rel.Type = t
		rel.Span = care.Span{From: r.date("start", care.NoStart), To: r.date("end", care.NoEnd)}
		rel.Coordinator = r.bool("coordinator")
		rel.Consent = r.bool("consent")
		if rel.ID == "" {
			rel.ID = care.RelationshipID(rel.Type, rel.From, rel.To, rel.Span.From)
		}
		if !r.bad {
			b.Relationships = append(b.Relationships, rel)
			im.lines["relationships"] = append(im.lines["relationships"], r.line)
		}
	case ContactsFile:
		c := care.Contact{ID: r.at("id"), Person: r.at("person"), Professional: r.at("professional"),
			Organisation: r.at("organisation"), Setting: r.raw("setting")}
		c.At = r.time("at")
		if v := r.at("mode"); v != "" {
			m, ok := care.ParseMode(v)
			if !ok {
				r.problem("mode", v, "unknown contact mode: want face_to_face, phone, video, home_visit or other")
			}
			c.Mode = m
		}
		if !r.bad {
			b.Contacts = append(b.Contacts, c)
			im.lines["contacts"] = append(im.lines["contacts"], r.line)
		}
	case ReferralsFile:
		ref := care.Referral{ID: r.at("id"), Person: r.at("person"), From: r.at("from"), To: r.at("to"), Reason: r.raw("reason")}
		ref.At = r.time("at")
		if !r.bad {
			b.Referrals = append(b.Referrals, ref)
			im.lines["referrals"] = append(im.lines["referrals"], r.line)
		}
	}
}

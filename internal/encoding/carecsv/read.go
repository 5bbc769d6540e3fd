// Package carecsv reads and writes CareWeb's CSV interchange format: a
// directory holding any of nodes.csv, relationships.csv, contacts.csv,
// referrals.csv and consents.csv (docs/data-format.md).
//
// An import is all or nothing and streams: files far larger than memory
// are read twice, once to check every row (Load reports every problem,
// located "contacts.csv:17.at") and once to write them to the store in
// batches that the store applies as one atomic stream
// (care.BulkWriter). Small imports, such as an upload held in memory, are
// written with one Apply.
package carecsv

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/careweb/careweb/internal/care"
)

// The files of the format, in the order they load in (nodes before the
// relationships and events that refer to them).
const (
	NodesFile         = "nodes.csv"
	RelationshipsFile = "relationships.csv"
	ContactsFile      = "contacts.csv"
	ReferralsFile     = "referrals.csv"
	ConsentsFile      = "consents.csv"
)

// Files lists the file names in load order. Consent records refer to
// nodes only, so they load last, which keeps the older files' positions.
var Files = []string{NodesFile, RelationshipsFile, ContactsFile, ReferralsFile, ConsentsFile}

// A file's position in Files; numFiles stands for a name outside the
// format in problems.
const (
	fNodes = iota
	fRelationships
	fContacts
	fReferrals
	fConsents
	numFiles
)

// lists are the care.Batch lists each file fills, as Validate names them
// in problem paths ("contacts[16].person").
var lists = [numFiles]string{"nodes", "relationships", "contacts", "referrals", "consents"}

// column is one column of a file's format.
type column struct {
	name     string
	required bool
}

// formats are the columns each file may have, by file position. Export
// writes them in this order; import accepts them in any order, by header
// name. The constants below index them.
var formats = [numFiles][]column{
	fNodes: {{"id", true}, {"kind", true}, {"name", true}, {"role", false}, {"sector", false}, {"locality", false}},
	fRelationships: {{"id", false}, {"from", true}, {"to", true}, {"type", true}, {"start", false}, {"end", false},
		{"role", false}, {"coordinator", false}, {"consent", false}, {"relationship", false}, {"channel", false}},
	fContacts:  {{"id", true}, {"person", true}, {"professional", true}, {"organisation", false}, {"at", true}, {"mode", false}, {"setting", false}},
	fReferrals: {{"id", true}, {"person", true}, {"from", true}, {"to", true}, {"at", true}, {"reason", false}},
	fConsents: {{"id", true}, {"person", true}, {"grantee", true}, {"basis", true}, {"decision", true},
		{"start", false}, {"end", false}, {"recorded_at", true}, {"recorded_by", false}},
}

// Column positions in formats, per file.
const (
	nID = iota
	nKind
	nName
	nRole
	nSector
	nLocality
)

const (
	rID = iota
	rFrom
	rTo
	rType
	rStart
	rEnd
	rRole
	rCoordinator
	rConsent
	rRelationship
	rChannel
)

const (
	cID = iota
	cPerson
	cProfessional
	cOrganisation
	cAt
	cMode
	cSetting
)

const (
	fID = iota
	fPerson
	fFrom
	fTo
	fAt
	fReason
)

const (
	sID = iota
	sPerson
	sGrantee
	sBasis
	sDecision
	sStart
	sEnd
	sRecordedAt
	sRecordedBy
)

// Source is one file to import. Name is its role (one of Files): it
// decides how the rows are read and is how problems name the file. Open
// is called once per pass (an import reads its files twice, and a third
// time to name the lines of repeated ids), from goroutines of the import,
// and must give the same bytes each time; an import that finds a file
// changed between the passes writes nothing.
type Source struct {
	Name string
	Open func() (io.ReadCloser, error)
}

// FileSource reads the file at path in the role name.
func FileSource(name, path string) Source {
	return Source{Name: name, Open: func() (io.ReadCloser, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, care.Wrap(care.Invalid, err, "%s: cannot open the file", path)
		}
		return f, nil
	}}
}

// BytesSource reads b, held in memory, in the role name.
func BytesSource(name string, b []byte) Source {
	return Source{Name: name, Open: func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(b)), nil
	}}
}

// StringSource reads s in the role name: for uploads of small files.
func StringSource(name, s string) Source {
	return Source{Name: name, Open: func() (io.ReadCloser, error) {
		return io.NopCloser(strings.NewReader(s)), nil
	}}
}

// problem is one problem found, with where it sorts: the file's position
// in load order and the line (0 for the file as a whole).
type problem struct {
	file, line int
	care.Problem
}

// problems collects the problems one goroutine finds, in the order it
// finds them (which is file then line order), keeping the first
// care.MaxProblems and counting the rest.
type problems struct {
	list []problem
	more int
}

func (ps *problems) add(file, line int, col, value, format string, args ...any) {
	if len(ps.list) >= care.MaxProblems {
		ps.more++
		return
	}
	ps.list = append(ps.list, problem{file: file, line: line,
		Problem: care.Problem{Field: position(file, line, col), Value: value, Message: fmt.Sprintf(format, args...)}})
}

// push adds a problem already located.
func (ps *problems) push(p problem) {
	if len(ps.list) >= care.MaxProblems {
		ps.more++
		return
	}
	ps.list = append(ps.list, p)
}

func (ps *problems) len() int { return len(ps.list) + ps.more }

// position names a place in the import: "contacts.csv:17.at",
// "contacts.csv:17" or "contacts.csv".
func position(file, line int, col string) string {
	name := Files[file]
	if line == 0 {
		return name
	}
	if col == "" {
		return fmt.Sprintf("%s:%d", name, line)
	}
	return fmt.Sprintf("%s:%d.%s", name, line, col)
}

// castagnoli is the CRC each pass takes of a file, so that the write
// pass can tell the file is still the one that was checked.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// summer passes reads through, keeping a CRC of the bytes.
type summer struct {
	r   io.Reader
	sum uint32
}

func (s *summer) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	s.sum = crc32.Update(s.sum, castagnoli, p[:n])
	return n, err
}

// fileReader reads one file of an import, row by row.
type fileReader struct {
	file int
	rc   io.ReadCloser
	sum  *summer
	cr   *csv.Reader
	pos  []int // the record position of each column of formats[file], -1 when absent
	// lost is set after broken quoting: the csv reader has lost its place
	// in the file and what follows cannot be trusted.
	lost bool
}

// readBuffer is large so that reading a big file takes few system calls.
const readBuffer = 256 << 10

func openFile(src Source, file int) (*fileReader, error) {
	rc, err := src.Open()
	if err != nil {
		if care.ErrorCode(err) == care.Internal {
			return nil, care.Wrap(care.Invalid, err, "%s: cannot open the file", src.Name)
		}
		return nil, err
	}
	s := &summer{r: rc}
	cr := csv.NewReader(bufio.NewReaderSize(s, readBuffer))
	cr.ReuseRecord = true
	return &fileReader{file: file, rc: rc, sum: s, cr: cr}, nil
}

func (fr *fileReader) close() { fr.rc.Close() }

// header reads the header line, mapping column names to positions and
// reporting unknown, repeated and missing columns. It reports false when
// the rows cannot be read.
func (fr *fileReader) header(ps *problems) (bool, error) {
	rec, err := fr.cr.Read()
	if err == io.EOF {
		ps.add(fr.file, 1, "", "", "empty file: want a header line")
		return false, nil
	}
	if err != nil {
		return false, fr.parseProblem(err, ps)
	}
	format := formats[fr.file]
	names := make([]string, len(format))
	fr.pos = make([]int, len(format))
	for i, c := range format {
		names[i] = c.name
		fr.pos[i] = -1
	}
	ok := true
	for i, h := range rec {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		c := slices.Index(names, h)
		switch {
		case c < 0:
			ps.add(fr.file, 1, h, "", "unknown column: want %s", strings.Join(names, ", "))
			ok = false
		case fr.pos[c] >= 0:
			ps.add(fr.file, 1, h, "", "column given twice")
			ok = false
		default:
			fr.pos[c] = i
		}
	}
	for i, c := range format {
		if c.required && fr.pos[i] < 0 {
			ps.add(fr.file, 1, c.name, "", "required column missing")
			ok = false
		}
	}
	return ok, nil
}

// next reads the next record: its line, or io.EOF at the end of the file
// (or once the reader has lost its place). Malformed records are reported
// to ps and skipped; an error reading the source is returned as Internal.
func (fr *fileReader) next(ps *problems) ([]string, int, error) {
	for !fr.lost {
		rec, err := fr.cr.Read()
		if err == nil {
			line, _ := fr.cr.FieldPos(0)
			return rec, line, nil
		}
		if err == io.EOF {
			return nil, 0, io.EOF
		}
		if perr := fr.parseProblem(err, ps); perr != nil {
			return nil, 0, perr
		}
		var pe *csv.ParseError
		if !errors.As(err, &pe) || !errors.Is(pe.Err, csv.ErrFieldCount) {
			fr.lost = true
		}
	}
	return nil, 0, io.EOF
}

// parseProblem records a csv parse error as a located problem; other
// errors (reading the source) are returned.
func (fr *fileReader) parseProblem(err error, ps *problems) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		var ce *care.Error
		if errors.As(err, &ce) {
			return err
		}
		return care.Wrap(care.Internal, err, "reading %s", Files[fr.file])
	}
	switch {
	case errors.Is(pe.Err, csv.ErrFieldCount):
		ps.add(fr.file, pe.Line, "", "", "wrong number of fields: want as many as the header")
	case errors.Is(pe.Err, csv.ErrQuote):
		ps.add(fr.file, pe.StartLine, "", "", "unterminated quoted field (is the file truncated?)")
	case errors.Is(pe.Err, csv.ErrBareQuote):
		ps.add(fr.file, pe.Line, "", "", "bare \" in an unquoted field, column %d: quote the field and double the quote", pe.Column)
	default:
		ps.add(fr.file, pe.Line, "", "", "%v", pe.Err)
	}
	return nil
}

// row is one record being read, with its position for problems.
type row struct {
	fr   *fileReader
	line int
	rec  []string
	ps   *problems
	bad  bool // a problem was found in this row
}

// at returns the trimmed value of a column, "" when the file lacks it.
func (r *row) at(col int) string { return strings.TrimSpace(r.raw(col)) }

// raw returns a free-text column as written, "" when the file lacks it.
func (r *row) raw(col int) string {
	i := r.fr.pos[col]
	if i < 0 || i >= len(r.rec) {
		return ""
	}
	return r.rec[i]
}

func (r *row) problem(col int, value, format string, args ...any) {
	r.bad = true
	r.ps.add(r.fr.file, r.line, formats[r.fr.file][col].name, value, format, args...)
}

func (r *row) date(col int, open care.Date) care.Date {
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

func (r *row) time(col int) time.Time {
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

func (r *row) bool(col int) bool {
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

// parseRow parses one record onto the end of its list in b. A row with a
// problem is reported to ps and left out (the import fails anyway), so
// that one mistake is reported once; parseRow reports whether the row was
// added.
func (fr *fileReader) parseRow(line int, rec []string, b *care.Batch, ps *problems) bool {
	r := row{fr: fr, line: line, rec: rec, ps: ps}
	switch fr.file {
	case fNodes:
		n := care.Node{ID: r.at(nID), Name: r.raw(nName), Locality: r.raw(nLocality)}
		v := r.at(nKind)
		k, ok := care.ParseKind(v)
		if !ok {
			r.problem(nKind, v, "unknown kind: want person, carer, professional or organisation")
		}
		n.Kind = k
		// A role or sector on the wrong kind is left to the batch's
		// validation, which says so, rather than called unknown here.
		if v := r.at(nRole); v != "" {
			role, ok := care.ParseRole(v)
			if !ok && k != care.KindProfessional && k != "" {
				role = care.Role(v)
			} else if !ok {
				r.problem(nRole, v, "unknown professional role")
			}
			n.Role = role
		}
		if v := r.at(nSector); v != "" {
			s, ok := care.ParseSector(v)
			if !ok && k != care.KindOrganisation && k != "" {
				s = care.Sector(v)
			} else if !ok {
				r.problem(nSector, v, "unknown sector: want primary_care, community_health, secondary_care, mental_health, social_care, voluntary, housing or other")
			}
			n.Sector = s
		}
		if !r.bad {
			b.Nodes = append(b.Nodes, n)
		}
	case fRelationships:
		rel := care.Relationship{ID: r.at(rID), From: r.at(rFrom), To: r.at(rTo),
			Role: r.raw(rRole), Relation: r.raw(rRelationship), Channel: r.at(rChannel)}
		v := r.at(rType)
		t, ok := care.ParseRelType(v)
		if !ok {
			r.problem(rType, v, "unknown relationship type: want CARES_FOR, INVOLVED_IN, WORKS_IN or LINKED_TO")
		}
		rel.Type = t
		rel.Span = care.Span{From: r.date(rStart, care.NoStart), To: r.date(rEnd, care.NoEnd)}
		rel.Coordinator = r.bool(rCoordinator)
		rel.Consent = r.bool(rConsent)
		if rel.ID == "" {
			rel.ID = care.RelationshipID(rel.Type, rel.From, rel.To, rel.Span.From)
		}
		if !r.bad {
			b.Relationships = append(b.Relationships, rel)
		}
	case fContacts:
		c := care.Contact{ID: r.at(cID), Person: r.at(cPerson), Professional: r.at(cProfessional),
			Organisation: r.at(cOrganisation), Setting: r.raw(cSetting)}
		c.At = r.time(cAt)
		if v := r.at(cMode); v != "" {
			m, ok := care.ParseMode(v)
			if !ok {
				r.problem(cMode, v, "unknown contact mode: want face_to_face, phone, video, home_visit or other")
			}
			c.Mode = m
		}
		if !r.bad {
			b.Contacts = append(b.Contacts, c)
		}
	case fReferrals:
		ref := care.Referral{ID: r.at(fID), Person: r.at(fPerson), From: r.at(fFrom), To: r.at(fTo), Reason: r.raw(fReason)}
		ref.At = r.time(fAt)
		if !r.bad {
			b.Referrals = append(b.Referrals, ref)
		}
	case fConsents:
		c := care.Consent{ID: r.at(sID), Person: r.at(sPerson), Grantee: r.at(sGrantee), RecordedBy: r.at(sRecordedBy)}
		v := r.at(sBasis)
		basis, ok := care.ParseBasis(v)
		if !ok {
			r.problem(sBasis, v, "unknown basis: want consent, lasting_power_of_attorney or best_interests")
		}
		c.Basis = basis
		switch v := strings.ToLower(r.at(sDecision)); v {
		case string(care.Permit), string(care.Deny):
			c.Decision = care.Decision(v)
		default:
			r.problem(sDecision, v, "unknown decision: want permit or deny")
		}
		c.Span = care.Span{From: r.date(sStart, care.NoStart), To: r.date(sEnd, care.NoEnd)}
		c.RecordedAt = r.time(sRecordedAt)
		if !r.bad {
			b.Consents = append(b.Consents, c)
		}
	}
	return !r.bad
}

// lastID returns the id of the last item of file's list in b.
func lastID(b *care.Batch, file int) string {
	switch file {
	case fNodes:
		return b.Nodes[len(b.Nodes)-1].ID
	case fRelationships:
		return b.Relationships[len(b.Relationships)-1].ID
	case fContacts:
		return b.Contacts[len(b.Contacts)-1].ID
	case fReferrals:
		return b.Referrals[len(b.Referrals)-1].ID
	default:
		return b.Consents[len(b.Consents)-1].ID
	}
}

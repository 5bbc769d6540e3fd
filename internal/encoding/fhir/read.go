// Package fhir imports FHIR R4 resources into CareWeb's model: Bundles
// (JSON, one per file: transaction, batch, collection, searchset or
// document), single resources, and NDJSON bulk-export files (one resource
// per line), each optionally gzipped. docs/data-format.md gives the
// mapping.
//
// An import is all or nothing. Every file is read first and every
// resource CareWeb maps is indexed, so that references resolve across
// files (urn:uuid fullUrls, relative and absolute references, conditional
// references such as Practitioner?identifier=system|value, and logical
// references by identifier); then the resources are mapped into one
// care.Batch, applied with one Store.Apply. Every problem is reported at
// once (up to care.MaxProblems), located as
// "file:entry[i](Type/id).path" in a Bundle or "file:line(Type/id).path"
// in NDJSON, including the store's validation problems, which are mapped
// back to the resource and element they came from.
//
// Only the elements the mapping reads are decoded (encoding/json into
// small structs): see resources.go.
package fhir

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/careweb/careweb/internal/care"
)

type rawJSON = json.RawMessage

// Source is one file to import.
type Source struct {
	// Name names the file in problems. Its ending says how it is read:
	// ".ndjson" one resource per line, ".json" one Bundle or resource;
	// either may end in ".gz" as well.
	Name string
	// Open opens the contents. It is called once, when the file is read,
	// so that a directory of many files does not hold them all open.
	Open func() (io.ReadCloser, error)
}

// extensions are the file endings an import reads.
var extensions = []string{".json", ".ndjson", ".json.gz", ".ndjson.gz"}

// isFile reports whether name ends in one of extensions.
func isFile(name string) bool {
	n := strings.ToLower(name)
	for _, e := range extensions {
		if strings.HasSuffix(n, e) {
			return true
		}
	}
	return false
}

func (s Source) ndjson() bool {
	return strings.HasSuffix(strings.TrimSuffix(strings.ToLower(s.Name), ".gz"), ".ndjson")
}

// Holds reports whether path is a FHIR file (by its ending) or a
// directory holding at least one.
func Holds(path string) bool {
	fi, err := os.Stat(path)
	if err != nil {
		return false
	}
	if !fi.IsDir() {
		return isFile(path)
	}
	files, err := dirFiles(path)
	return err == nil && len(files) > 0
}

// dirFiles lists the FHIR files of a directory, in name order: not its
// subdirectories, nor other files such as a README.
func dirFiles(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir) // sorted by name
	if err != nil {
		return nil, err
	}
	var files []string
	for _, e := range ents {
		if !e.IsDir() && isFile(e.Name()) {
			files = append(files, filepath.Join(dir, e.Name()))
		}
	}
	return files, nil
}

// PathSources turns paths into sources: a file is read as itself (it must
// end in one of extensions), a directory as its FHIR files in name order
// (not its subdirectories, nor other files such as a README). Paths that
// do not exist, files of another kind and directories with no FHIR file
// are reported together in one Invalid error.
func PathSources(paths []string) ([]Source, error) {
	var ps care.Problems
	var files []string
	for _, p := range paths {
		fi, err := os.Stat(p)
		switch {
		case err != nil:
			ps.Add(p, "", "no such file or directory")
		case !fi.IsDir() && !isFile(p):
			ps.Add(p, "", "not a FHIR file: want a name ending in %s", strings.Join(extensions, ", "))
		case !fi.IsDir():
			files = append(files, p)
		default:
			in, err := dirFiles(p)
			switch {
			case err != nil:
				ps.Add(p, "", "cannot read the directory")
			case len(in) == 0:
				ps.Add(p, "", "holds no FHIR file (%s)", strings.Join(extensions, ", "))
			}
			files = append(files, in...)
		}
	}
	if err := ps.Err("invalid FHIR import"); err != nil {
		return nil, err
	}
	srcs := make([]Source, len(files))
	for i, p := range files {
		srcs[i] = Source{Name: p, Open: func() (io.ReadCloser, error) { return os.Open(p) }}
	}
	return srcs, nil
}

// Summary says what an import read and what it left out, so that nothing
// is dropped silently.
type Summary struct {
	// Read counts the resources read, by type, repeats included.
	Read map[string]int
	// Repeats counts resources read again with the same type and id
	// (Synthea repeats a patient's practitioners and organisations in every
	// bundle); only the first is used.
	Repeats int
	// Ignored counts resources of types CareWeb does not map, by type.
	Ignored map[string]int
	// Skipped lists resources (or parts of them) that were read but could
	// not be mapped, because an element the mapping needs is absent or
	// names something CareWeb does not model, by reason.
	Skipped []Skip
}

// Skip is one reason for leaving something out, with how often it
// happened and where the first few were.
type Skip struct {
	Reason string
	Count  int
	At     []string // the first MaxSkipExamples locations
}

// MaxSkipExamples bounds the locations kept per skip reason.
const MaxSkipExamples = 5

// Import is a read and mapped set of files: one batch and, for every item
// of it, the resource and elements it came from, so that the store's
// validation problems ("contacts[16].person") can be reported where the
// user can fix them ("a.json:entry[40](Encounter/x).subject").
type Import struct {
	Batch   care.Batch
	Summary Summary
	locs    map[string][]itemLoc // batch list name → one per item
}

// itemLoc locates one batch item: the resource, and the element each
// field of the item came from.
type itemLoc struct {
	at    string            // "file:entry[3](Encounter/abc)"
	paths map[string]string // item field → FHIR element path
}

// Options tune the mapping.
type Options struct {
	// Sectors gives organisations' sectors, overriding what their type
	// says (see ReadSectorMap). May be nil.
	Sectors *SectorMap
}

// Read reads and maps the sources. It returns an Invalid *care.Error
// listing every problem found (unreadable files, broken or truncated
// JSON, wrong JSON types, resources without an id, references that do not
// resolve or point at the wrong type of resource, bad dates), up to
// care.MaxProblems. If ctx ends it returns ctx's error.
func Read(ctx context.Context, srcs []Source, opt Options) (*Import, error) {
	rd := &reader{ctx: ctx, ix: newIndex(), sum: Summary{Read: map[string]int{}, Ignored: map[string]int{}}}
	for _, s := range srcs {
		if err := rd.source(s); err != nil {
			return nil, err
		}
	}
	m := newMapper(rd.ix, &rd.ps, &rd.sum, opt)
	// Mapping still runs when reading found problems, so that one run
	// reports the dangling references as well as the broken files.
	m.run()
	if err := rd.ps.Err("invalid FHIR import"); err != nil {
		return nil, err
	}
	return &Import{Batch: m.b, Summary: rd.sum, locs: m.locs}, nil
}

// Load reads the sources and applies them to w as one batch: everything
// is written or nothing is. Problems, whether found reading or by w's
// validation, come back as one Invalid *care.Error whose fields name the
// file, the resource and the element.
func Load(ctx context.Context, w care.Writer, srcs []Source, opt Options) (*Import, care.ApplyResult, error) {
	im, err := Read(ctx, srcs, opt)
	if err != nil {
		return nil, care.ApplyResult{}, err
	}
	res, err := w.Apply(ctx, im.Batch)
	if err != nil {
		return im, care.ApplyResult{}, im.Locate(err)
	}
	return im, res, nil
}

// Locate rewrites the batch paths in err's problems ("contacts[16].person")
// as resource locations ("a.json:entry[40](Encounter/x).subject"). Errors
// without problems, and paths it does not know, are returned unchanged.
func (im *Import) Locate(err error) error {
	var e *care.Error
	if !errors.As(err, &e) || len(e.Problems) == 0 {
		return err
	}
	out := *e
	out.Problems = make([]care.Problem, len(e.Problems))
	for i, p := range e.Problems {
		out.Problems[i] = p
		list, idx, field, ok := splitBatchField(p.Field)
		if !ok || idx >= len(im.locs[list]) {
			continue
		}
		l := im.locs[list][idx]
		path := field // an item field not in paths came from the element of the same name
		if v, ok := l.paths[field]; ok {
			path = v
		}
		if path == "" {
			out.Problems[i].Field = l.at
		} else {
			out.Problems[i].Field = l.at + "." + path
		}
	}
	out.Message = "invalid FHIR import"
	return &out
}

// splitBatchField splits "contacts[16].person" into its list, index and
// field.
func splitBatchField(f string) (list string, idx int, field string, ok bool) {
	open := strings.IndexByte(f, '[')
	end := strings.IndexByte(f, ']')
	if open <= 0 || end < open {
		return "", 0, "", false
	}
	idx, err := strconv.Atoi(f[open+1 : end])
	if err != nil || idx < 0 {
		return "", 0, "", false
	}
	return f[:open], idx, strings.TrimPrefix(f[end+1:], "."), true
}

// reader reads sources into the index.
type reader struct {
	ctx context.Context
	ix  *index
	ps  care.Problems
	sum Summary
}

func (rd *reader) source(s Source) error {
	if err := rd.ctx.Err(); err != nil {
		return err
	}
	if s.Open == nil {
		rd.ps.Add(s.Name, "", "nothing to read")
		return nil
	}
	f, err := s.Open()
	if err != nil {
		rd.ps.Add(s.Name, "", "cannot open the file")
		return nil
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(strings.ToLower(s.Name), ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			rd.ps.Add(s.Name, "", "not a gzip file: %v", err)
			return nil
		}
		defer zr.Close()
		r = zr
	}
	if s.ndjson() {
		return rd.lines(s.Name, r)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		rd.ps.Add(s.Name, "", "cannot read the file: %v", err)
		return nil
	}
	if len(bytes.TrimSpace(data)) == 0 {
		rd.ps.Add(s.Name, "", "empty file: want a FHIR Bundle or resource")
		return nil
	}
	rd.top(data, s.Name, "", 0, true)
	return nil
}

// lines reads NDJSON: one resource per line; blank lines are skipped.
// Lines are read one at a time, so the file itself is never held whole.
func (rd *reader) lines(name string, r io.Reader) error {
	br := bufio.NewReaderSize(r, 1<<20)
	for n := 1; ; n++ {
		if n%1024 == 0 {
			if err := rd.ctx.Err(); err != nil {
				return err
			}
		}
		line, err := readLine(br)
		if errors.Is(err, errLineTooLong) {
			rd.ps.Add(fmt.Sprintf("%s:%d", name, n), "", "line longer than %d MiB: not one resource per line?", maxLine>>20)
			continue
		}
		if err != nil && err != io.EOF {
			rd.ps.Add(fmt.Sprintf("%s:%d", name, n), "", "cannot read the file: %v", err)
			return nil
		}
		if t := bytes.TrimSpace(line); len(t) > 0 {
			rd.top(t, fmt.Sprintf("%s:%d", name, n), "", 0, false)
		}
		if err == io.EOF {
			return nil
		}
	}
}

// maxLine bounds an NDJSON line, so that a file that is not NDJSON (or
// has lost its newlines) is refused rather than read into memory whole.
const maxLine = 64 << 20

var errLineTooLong = errors.New("line too long")

// readLine reads up to and including the next newline; a line longer than
// maxLine is skipped to its end and reported as errLineTooLong.
func readLine(br *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if len(line)+len(chunk) > maxLine {
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = br.ReadSlice('\n')
			}
			if err != nil && err != io.EOF {
				return nil, err
			}
			return nil, errLineTooLong
		}
		line = append(line, chunk...)
		if !errors.Is(err, bufio.ErrBufferFull) {
			return line, err
		}
	}
}

// syntax reports broken JSON at its position: "file:line:col" in a
// .json file, the column of the line in NDJSON.
func (rd *reader) syntax(at string, data []byte, se *json.SyntaxError, wholeFile bool) {
	l, c := position(data, se.Offset)
	cut := se.Offset >= int64(len(data)) // it ended too soon
	switch {
	case wholeFile && cut:
		rd.ps.Add(fmt.Sprintf("%s:%d:%d", at, l, c), "", "not valid JSON: %v (is the file cut short?)", se)
	case wholeFile:
		rd.ps.Add(fmt.Sprintf("%s:%d:%d", at, l, c), "", "not valid JSON: %v", se)
	case cut:
		rd.ps.Add(at, "", "not valid JSON at column %d: %v (is the line cut short? a resource must be on one line)", c, se)
	default:
		rd.ps.Add(at, "", "not valid JSON at column %d: %v", c, se)
	}
}

// position turns a byte offset into a 1-based line and column.
func position(data []byte, off int64) (line, col int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(off) - (bytes.LastIndexByte(before, '\n') + 1)
	if col < 1 {
		col = 1
	}
	return line, col
}

// maxNesting bounds Bundles inside Bundles.
const maxNesting = 4

// top reads one JSON value found at at: a Bundle or a resource. fullURL
// is the entry's fullUrl when the value is a Bundle entry; wholeFile says
// the value is a whole .json file (for how positions are written).
func (rd *reader) top(raw []byte, at, fullURL string, depth int, wholeFile bool) {
	// A Bundle entry was checked for well-formed JSON when the Bundle was
	// decoded; a file or an NDJSON line is checked by its first decode.
	checked := depth > 0
	typ, ok := peekType(raw)
	if !ok {
		var h head
		if !rd.unmarshal(raw, &h, at, wholeFile) {
			return
		}
		checked = true
		if typ = h.ResourceType; typ == "" {
			rd.ps.Add(at+".resourceType", "", "not a FHIR resource: resourceType is missing")
			return
		}
	}
	if typ != typeBundle {
		rd.resource(raw, typ, at, fullURL, checked, wholeFile)
		return
	}
	rd.sum.Read[typeBundle]++
	if depth >= maxNesting {
		rd.ps.Add(at, "", "Bundles nested more than %d deep", maxNesting)
		return
	}
	var b bundle
	if !rd.unmarshal(raw, &b, at, wholeFile) {
		return
	}
	if !slices.Contains(bundleTypes, b.Type) {
		rd.ps.Add(at+".type", b.Type, "not a Bundle type that is imported: want transaction, batch, collection, searchset or document")
		return
	}
	// A file's own Bundle names entries "file:entry[i]"; a Bundle on an
	// NDJSON line or inside another, "file:7.entry[i]".
	sep := "."
	if depth == 0 && wholeFile {
		sep = ":"
	}
	for i, e := range b.Entry {
		eat := fmt.Sprintf("%s%sentry[%d]", at, sep, i)
		var ent bundleEntry
		if !rd.unmarshal(e, &ent, eat, false) {
			continue
		}
		if len(ent.Resource) == 0 || string(ent.Resource) == "null" {
			rd.sum.skip("Bundle entry without a resource (e.g. a DELETE): nothing to import", eat)
			continue
		}
		rd.top(ent.Resource, eat, ent.FullURL, depth+1, false)
	}
}

// peekType reads the resourceType when it is the object's first member,
// as FHIR servers write it, sparing a decode; ok is false otherwise.
func peekType(raw []byte) (string, bool) {
	s := skipSpace(raw)
	if len(s) == 0 || s[0] != '{' {
		return "", false
	}
	s = skipSpace(s[1:])
	const key = `"resourceType"`
	if !bytes.HasPrefix(s, []byte(key)) {
		return "", false
	}
	s = skipSpace(s[len(key):])
	if len(s) == 0 || s[0] != ':' {
		return "", false
	}
	s = skipSpace(s[1:])
	if len(s) == 0 || s[0] != '"' {
		return "", false
	}
	end := bytes.IndexByte(s[1:], '"')
	if end < 0 || !resourceTypeName(string(s[1:1+end])) {
		return "", false
	}
	return string(s[1 : 1+end]), true
}

func skipSpace(b []byte) []byte { return bytes.TrimLeft(b, " \t\r\n") }

// bundleTypes are the Bundle types an import reads: the ones that hold
// current resources. History and message bundles, and the responses to
// transactions and batches, do not.
var bundleTypes = []string{"transaction", "batch", "collection", "searchset", "document", ""}

// resource reads one resource (not a Bundle) of type typ. checked says raw
// is known to be well-formed JSON.
func (rd *reader) resource(raw []byte, typ, at, fullURL string, checked, wholeFile bool) {
	newBody, mapped := bodies[typ]
	if !mapped {
		if !checked && !json.Valid(raw) {
			rd.unmarshal(raw, new(json.RawMessage), at, wholeFile) // to say where
			return
		}
		rd.sum.Read[typ]++
		rd.sum.Ignored[typ]++
		// Kept by fullUrl only, so that a reference to it says what it
		// is rather than that it is missing.
		if fullURL != "" {
			if _, dup := rd.ix.byURL[fullURL]; !dup {
				rd.ix.byURL[fullURL] = &resource{typ: typ, at: at}
			}
		}
		return
	}
	body := newBody()
	err := json.Unmarshal(raw, body)
	var se *json.SyntaxError
	if errors.As(err, &se) {
		rd.syntax(at, raw, se, wholeFile)
		return
	}
	rd.sum.Read[typ]++
	h := body.(interface{ meta() *head }).meta()
	id := h.ID
	if id == "" {
		// A transaction may leave the id to the server and name the
		// resource by its urn:uuid fullUrl alone; that uuid is as stable
		// an id as any.
		id = strings.TrimPrefix(fullURL, "urn:uuid:")
		if id == fullURL {
			id = ""
		}
	}
	label := at + "(" + typ + ")"
	switch {
	case err != nil && id == "":
		rd.problem(err, label) // most likely the id itself
		return
	case id == "":
		rd.ps.Add(label+".id", "", "a %s needs an id (or a urn:uuid fullUrl) to be imported", typ)
		return
	case !validID(id):
		rd.ps.Add(label+".id", id, "not a FHIR id: want 1 to %d letters, digits, '-' or '.'", maxIDLength)
		return
	}
	r := &resource{typ: typ, id: id, at: at + "(" + typ + "/" + id + ")", ident: h.Identifier}
	if first, dup := rd.ix.byKey[r.key()]; dup {
		rd.sum.Repeats++
		if fullURL != "" {
			if other, ok := rd.ix.byURL[fullURL]; ok && other != first {
				rd.ps.Add(r.at+".fullUrl", fullURL, "the same fullUrl names %s", other.at)
			} else {
				rd.ix.byURL[fullURL] = first
			}
		}
		return
	}
	if err != nil {
		// The import fails, but the resource is still mapped (with the bad
		// element left empty), so that its other problems (a dangling
		// reference, say) are reported in the same run.
		rd.problem(err, r.at)
	}
	r.body = body
	if fullURL != "" {
		if other, dup := rd.ix.byURL[fullURL]; dup {
			rd.ps.Add(r.at+".fullUrl", fullURL, "the same fullUrl names %s", other.at)
			return
		}
		rd.ix.byURL[fullURL] = r
	}
	rd.ix.add(r)
}

// bodies makes the struct each mapped type decodes into.
var bodies = map[string]func() any{
	typePatient:          func() any { return new(patient) },
	typeRelatedPerson:    func() any { return new(relatedPerson) },
	typePractitioner:     func() any { return new(practitioner) },
	typePractitionerRole: func() any { return new(practitionerRole) },
	typeOrganization:     func() any { return new(organization) },
	typeEncounter:        func() any { return new(encounter) },
	typeCareTeam:         func() any { return new(careTeam) },
	typeEpisodeOfCare:    func() any { return new(episodeOfCare) },
	typeServiceRequest:   func() any { return new(serviceRequest) },
	typeReferralRequest:  func() any { return new(referralRequest) },
}

// unmarshal unmarshals raw into v, reporting broken JSON at its position
// (see syntax) and a wrong JSON type at the element that has it
// ("….period.start: want a string, got a number").
func (rd *reader) unmarshal(raw []byte, v any, at string, wholeFile bool) bool {
	err := json.Unmarshal(raw, v)
	if err == nil {
		return true
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		rd.syntax(at, raw, se, wholeFile)
	} else {
		rd.problem(err, at)
	}
	return false
}

func (rd *reader) problem(err error, at string) {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := at
		// The embedded head shows in the path; FHIR has no such element.
		if f := strings.TrimPrefix(te.Field, "head."); f != "" {
			field += "." + f
		}
		got, _, _ := strings.Cut(te.Value, " ")
		rd.ps.Add(field, "", "wrong JSON type: want %s, got %s", jsonKind(te.Type), article(got))
		return
	}
	rd.ps.Add(at, "", "cannot read: %v", err)
}

// jsonKind says in JSON's words what a Go type decodes from.
func jsonKind(t reflect.Type) string {
	if t == nil {
		return "another type"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Slice:
		if t == reflect.TypeFor[json.RawMessage]() {
			return "a JSON value"
		}
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Bool:
		return "true or false"
	}
	return "a number"
}

func article(jsonType string) string {
	switch jsonType {
	case "":
		return "something else"
	case "array", "object":
		return "an " + jsonType
	}
	return "a " + jsonType
}

const maxIDLength = 200

// validID checks a logical id against FHIR's id characters. FHIR allows 64
// of them; real servers sometimes use more, so the limit is looser.
func validID(id string) bool {
	if len(id) == 0 || len(id) > maxIDLength {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

func (s *Summary) skip(reason, at string) {
	for i := range s.Skipped {
		if s.Skipped[i].Reason == reason {
			s.Skipped[i].Count++
			if len(s.Skipped[i].At) < MaxSkipExamples {
				s.Skipped[i].At = append(s.Skipped[i].At, at)
			}
			return
		}
	}
	s.Skipped = append(s.Skipped, Skip{Reason: reason, Count: 1, At: []string{at}})
}

// Package fhir imports FHIR R4 resources into CareWeb's model: Bundles
// (JSON, one per file: transaction, batch, collection, searchset or
// document), single resources, and NDJSON bulk-export files (one resource
// per line), each optionally gzipped. docs/data-format.md gives the
// mapping.
//
// An import is all or nothing, and streams (see Load): the files are read
// twice, first for what references name (so that they resolve across
// files: urn:uuid fullUrls, relative and absolute references, conditional
// references such as Practitioner?identifier=system|value, and logical
// references by identifier), then for the encounters and requests, mapped
// into batches the store takes as one atomic stream. Every problem is
// reported at once (up to care.MaxProblems), located as
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
	"hash/maphash"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
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
	// Open opens the contents. It is called once for each of the
	// import's two passes, when the file is read, so that a directory of
	// many files does not hold them all open; both must give the same
	// bytes.
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

// itemLoc locates one batch item: the resource, and the element each
// field of the item came from, so that a validation problem
// ("contacts[16].person") is reported where the user can fix it
// ("a.json:entry[40](Encounter/x).subject").
type itemLoc struct {
	at    string            // "file:entry[3](Encounter/abc)"
	paths map[string]string // item field → FHIR element path
}

// pass is which of an import's two readings of the files a reader makes.
type pass int

const (
	// passIndex reads every resource except the events, indexing those
	// that references may name; it reports every problem of the files
	// and of the resources it decodes.
	passIndex pass = iota
	// passEvents reads the events (encounters and requests) and maps
	// each as it is read; it reports only their problems.
	passEvents
)

// events are the resource types the second pass maps, one at a time: no
// reference names them, and an export holds far more of them than of
// anything else.
var events = map[string]bool{typeEncounter: true, typeServiceRequest: true, typeReferralRequest: true}

// reader reads the sources in one pass.
type reader struct {
	ctx  context.Context
	pass pass
	ix   *index
	// ps takes the pass's problems. In the second pass it discards them
	// (the first pass reported every problem outside the events) and
	// eventPs, the import's list, takes the events'.
	ps, eventPs *care.Problems
	sum         *Summary
	progress    *Progress
	// seen holds a hash of each event mapped, so that an event read
	// again is mapped once; mapEvent maps it.
	seen     map[eventKey]struct{}
	seeds    [2]maphash.Seed
	mapEvent func(*resource) error
	// stop is an error that ends the pass: mapEvent's, or a changed file.
	stop error
	// sums are each source's bytes (a hash), as the first pass read
	// them, to refuse a file that changed before the second.
	sums     []fileSum
	hashSeed maphash.Seed
}

// eventKey is a 128-bit hash of "Type/id": two 64-bit hashes with
// independent seeds, so that two events colliding is not a concern
// (about 10⁻²¹ for a billion events) and memory holds 16 bytes per event
// rather than its id.
type eventKey [2]uint64

type fileSum struct {
	sum uint64
	ok  bool // the file was read to its end
}

func (rd *reader) source(i int, s Source) {
	if s.Open == nil {
		rd.ps.Add(s.Name, "", "nothing to read")
		return
	}
	f, err := s.Open()
	if err != nil {
		if rd.pass == passEvents && rd.sums[i].ok {
			rd.stop = errChanged(s.Name)
		}
		rd.ps.Add(s.Name, "", "cannot open the file")
		return
	}
	defer f.Close()
	h := &hashReader{r: f}
	h.h.SetSeed(rd.hashSeed)
	rd.read(s, h)
	if rd.stop != nil {
		return
	}
	// Whatever was left unread counts too: the passes must have read
	// the same bytes.
	_, err = io.Copy(io.Discard, h)
	sum := fileSum{sum: h.h.Sum64(), ok: err == nil}
	switch rd.pass {
	case passIndex:
		rd.sums[i] = sum
	case passEvents:
		if rd.sums[i].ok && rd.sums[i] != sum {
			rd.stop = errChanged(s.Name)
		}
	}
	if rd.progress != nil {
		rd.progress.files[rd.pass].Add(1)
	}
}

// errChanged reports a file that is no longer the one the first pass read.
func errChanged(name string) error {
	return care.Errorf(care.Conflict, "%s changed while it was being imported: nothing was written; import it again", name)
}

// hashReader hashes what is read through it.
type hashReader struct {
	r io.Reader
	h maphash.Hash
}

func (h *hashReader) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	h.h.Write(p[:n])
	return n, err
}

// read reads one opened source.
func (rd *reader) read(s Source, f io.Reader) {
	r := f
	if strings.HasSuffix(strings.ToLower(s.Name), ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			rd.ps.Add(s.Name, "", "not a gzip file: %v", err)
			return
		}
		defer zr.Close()
		r = zr
	}
	if s.ndjson() {
		rd.lines(s.Name, r)
		return
	}
	data, err := io.ReadAll(r)
	if err != nil {
		rd.ps.Add(s.Name, "", "cannot read the file: %v", err)
		return
	}
	if len(bytes.TrimSpace(data)) == 0 {
		rd.ps.Add(s.Name, "", "empty file: want a FHIR Bundle or resource")
		return
	}
	rd.top(data, s.Name, "", 0, true)
}

// lines reads NDJSON: one resource per line; blank lines are skipped.
// Lines are read one at a time, so the file itself is never held whole.
func (rd *reader) lines(name string, r io.Reader) {
	br := bufio.NewReaderSize(r, 1<<20)
	for n := 1; rd.stop == nil; n++ {
		if n%1024 == 0 {
			if err := rd.ctx.Err(); err != nil {
				rd.stop = err
				return
			}
		}
		line, err := readLine(br)
		if errors.Is(err, errLineTooLong) {
			rd.ps.Add(fmt.Sprintf("%s:%d", name, n), "", "line longer than %d MiB: not one resource per line?", maxLine>>20)
			continue
		}
		if err != nil && err != io.EOF {
			rd.ps.Add(fmt.Sprintf("%s:%d", name, n), "", "cannot read the file: %v", err)
			return
		}
		if t := bytes.TrimSpace(line); len(t) > 0 {
			rd.top(t, fmt.Sprintf("%s:%d", name, n), "", 0, false)
		}
		if err == io.EOF {
			return
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
	if rd.pass == passIndex {
		rd.sum.Read[typeBundle]++
	}
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
		if rd.stop != nil {
			return
		}
		eat := fmt.Sprintf("%s%sentry[%d]", at, sep, i)
		var ent bundleEntry
		if !rd.unmarshal(e, &ent, eat, false) {
			continue
		}
		if len(ent.Resource) == 0 || string(ent.Resource) == "null" {
			if rd.pass == passEvents {
				continue
			}
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
	switch {
	case events[typ] && rd.pass == passIndex:
		rd.eventURL(raw, typ, at, fullURL)
	case events[typ]:
		rd.event(raw, typ, at, fullURL, wholeFile)
	case rd.pass == passIndex:
		rd.index(raw, typ, at, fullURL, checked, wholeFile)
	}
}

// index reads a resource of a type that is not an event: one that is
// mapped is decoded and indexed; one that is not is counted.
func (rd *reader) index(raw []byte, typ, at, fullURL string, checked, wholeFile bool) {
	rd.count()
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
	r, err := rd.decode(raw, typ, at, fullURL, newBody(), wholeFile)
	if r == nil {
		return
	}
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
	if fullURL != "" {
		if other, dup := rd.ix.byURL[fullURL]; dup {
			rd.ps.Add(r.at+".fullUrl", fullURL, "the same fullUrl names %s", other.at)
			return
		}
		rd.ix.byURL[fullURL] = r
	}
	rd.ix.add(r)
}

// decode decodes a resource of a mapped type into body and names it; r
// is nil when it cannot be named (reported). typeErr is a wrong JSON
// type in an element other than the id, for the caller to report once it
// knows the resource is not a repeat.
func (rd *reader) decode(raw []byte, typ, at, fullURL string, body any, wholeFile bool) (r *resource, typeErr error) {
	err := json.Unmarshal(raw, body)
	if se, ok := errors.AsType[*json.SyntaxError](err); ok {
		rd.syntax(at, raw, se, wholeFile)
		return nil, nil
	}
	rd.sum.Read[typ]++
	h := body.(interface{ meta() *head }).meta()
	id := idOf(h.ID, fullURL)
	label := at + "(" + typ + ")"
	switch {
	case err != nil && id == "":
		rd.problem(err, label) // most likely the id itself
		return nil, nil
	case id == "":
		rd.ps.Add(label+".id", "", "a %s needs an id (or a urn:uuid fullUrl) to be imported", typ)
		return nil, nil
	case !validID(id):
		rd.ps.Add(label+".id", id, "not a FHIR id: want 1 to %d letters, digits, '-' or '.'", maxIDLength)
		return nil, nil
	}
	return &resource{typ: typ, id: id, at: at + "(" + typ + "/" + id + ")", ident: h.Identifier, body: body}, err
}

// idOf is a resource's id: its own, or else the uuid of its urn:uuid
// fullUrl. A transaction may leave the id to the server and name the
// resource by its fullUrl alone; that uuid is as stable an id as any.
func idOf(id, fullURL string) string {
	if id != "" {
		return id
	}
	if u, ok := strings.CutPrefix(fullURL, "urn:uuid:"); ok {
		return u
	}
	return ""
}

// eventURL is the first pass's reading of an event: nothing, unless a
// Bundle entry gives it a fullUrl, which is indexed so that a reference
// to it says what it is. Its problems are the second pass's to report.
func (rd *reader) eventURL(raw []byte, typ, at, fullURL string) {
	rd.count()
	if fullURL == "" {
		return
	}
	var h head
	_ = json.Unmarshal(raw, &h) // a Bundle entry: well-formed JSON
	r := &resource{typ: typ, id: idOf(h.ID, fullURL), at: at + "(" + typ + ")"}
	if validID(r.id) {
		r.at = at + "(" + typ + "/" + r.id + ")"
	}
	other, dup := rd.ix.byURL[fullURL]
	switch {
	case !dup:
		rd.ix.byURL[fullURL] = r
	case other.typ != r.typ || other.id != r.id: // not the same event read again
		rd.ps.Add(r.at+".fullUrl", fullURL, "the same fullUrl names %s", other.at)
	}
}

// event is the second pass's reading of an event: decoded, and mapped
// unless it was read before. Its problems are the import's.
func (rd *reader) event(raw []byte, typ, at, fullURL string, wholeFile bool) {
	rd.count()
	discard := rd.ps
	rd.ps = rd.eventPs
	defer func() { rd.ps = discard }()
	r, err := rd.decode(raw, typ, at, fullURL, bodies[typ](), wholeFile)
	if r == nil {
		return
	}
	k := r.key()
	key := eventKey{maphash.String(rd.seeds[0], k), maphash.String(rd.seeds[1], k)}
	if _, dup := rd.seen[key]; dup {
		rd.sum.Repeats++
		return
	}
	rd.seen[key] = struct{}{}
	if err != nil {
		rd.problem(err, r.at) // and mapped all the same, as in index
	}
	rd.stop = rd.mapEvent(r)
}

// count counts a resource read, for progress.
func (rd *reader) count() {
	if rd.progress != nil {
		rd.progress.read[rd.pass].Add(1)
	}
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

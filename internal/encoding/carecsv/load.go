package carecsv

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/careweb/careweb/internal/care"
)

// Target is what an import needs of a store (see care.ImportTarget).
type Target = care.ImportTarget

// DefaultBatchSize is how many rows an import checks and writes at a time.
const DefaultBatchSize = 20_000

// Options tune Load.
type Options struct {
	// BatchSize is the number of rows in each batch given to the store;
	// 0 means DefaultBatchSize. An import of at most this many rows is
	// written with one Apply.
	BatchSize int
	// Progress, when not nil, counts the rows as they are checked and
	// written, for a caller that reports progress.
	Progress *Progress
}

// LoadSources imports srcs into st with the default options; see Load.
func LoadSources(ctx context.Context, st Target, srcs []Source) (care.ApplyResult, error) {
	return Load(ctx, st, srcs, Options{})
}

// Load imports the sources into st: every row of every file is written, or
// nothing is. Sources may come in any order, each file name at most once.
//
// It reads the files twice. The check pass parses every row and checks it
// as the store would (care.Batch.Validate, a batch at a time, against the
// nodes of nodes.csv and, for ids that are not in it, the nodes already in
// the store), parsing on one goroutine and checking on another, and finds
// ids given twice in a file. If anything is wrong it returns one Invalid
// *care.Error listing every problem, up to care.MaxProblems, located
// "contacts.csv:17.at", and nothing is committed. The write pass reads
// the files again, at the same time, and feeds them to the store in
// batches (ApplyStream, one atomic stream, committed only once the check
// has passed; an import of one batch is one Apply, made after the check),
// parsing on its own goroutine while the store applies. A problem only the
// store finds (another writer changed it between the passes) is located
// the same way and nothing is written; so is a file whose bytes differ
// between the passes (Conflict). An error opening or reading a source is
// returned as Invalid or Internal; a cancelled ctx as Unavailable.
//
// Memory holds the kind of every node of nodes.csv and of every stored
// node referred to, 8 bytes per row for finding repeated ids, and a few
// batches: not the import.
func Load(ctx context.Context, st Target, srcs []Source, opt Options) (care.ApplyResult, error) {
	if opt.BatchSize <= 0 {
		opt.BatchSize = DefaultBatchSize
	}
	im := &importer{st: st, size: opt.BatchSize, progress: opt.Progress, seed: maphash.MakeSeed()}
	if im.progress == nil {
		im.progress = &Progress{}
	}
	defer im.progress.phase.Store(int32(Done))
	var ps problems
	for _, s := range srcs {
		f := slices.Index(Files, s.Name)
		switch {
		case f < 0:
			ps.list = append(ps.list, problem{file: numFiles, Problem: care.Problem{Field: s.Name,
				Message: fmt.Sprintf("not a file of the format: want one of %s", strings.Join(Files, ", "))}})
		case im.srcs[f].Open != nil:
			ps.add(f, 0, "", "", "given more than once")
		default:
			im.srcs[f] = s
		}
	}
	if ps.len() > 0 {
		return care.ApplyResult{}, mergeProblems(ps)
	}
	// The passes overlap: the store takes the rows while the check pass
	// is still reading, and the import commits only once the check has
	// passed (write's verdict waits for it); a problem the check finds
	// cancels the write, which the store rolls back. On a store across the
	// network (Neo4j) the check is then almost free; for any store, the
	// check's list of problems, complete and located, is what an invalid
	// import reports, whatever the write pass tripped on first.
	im.progress.phase.Store(int32(Checking))
	wctx, cancelWrite := context.WithCancel(ctx)
	defer cancelWrite()
	checked := make(chan struct{})
	var checkErr error
	go func() {
		defer close(checked)
		checkErr = im.check(ctx)
		if checkErr != nil {
			cancelWrite()
		} else {
			im.progress.phase.Store(int32(Writing))
		}
	}()
	waitCheck := func() error {
		<-checked
		return checkErr
	}
	res, err := im.write(wctx, waitCheck)
	if cerr := waitCheck(); cerr != nil {
		res, err = care.ApplyResult{}, cerr
	}
	if err != nil && ctx.Err() != nil {
		if _, coded := errors.AsType[*care.Error](err); !coded {
			err = cancelled(ctx)
		}
	}
	return res, err
}

// importer is one Load in progress.
type importer struct {
	st       Target
	size     int
	progress *Progress
	srcs     [numFiles]Source
	seed     maphash.Seed

	// What each pass read of each file: the write pass's must match the
	// check pass's.
	sums, wsums [numFiles]uint32
	rows, wrows [numFiles]int
}

// Kinds of nodes, as the check pass keeps them: one byte per node.
const (
	kindNone uint8 = iota // not known (the zero value)
	kindBad               // a row of nodes.csv with a problem: references to it are not reported again
	kindPerson
	kindCarer
	kindProfessional
	kindOrganisation
)

var kindCodes = map[care.Kind]uint8{care.KindPerson: kindPerson, care.KindCarer: kindCarer,
	care.KindProfessional: kindProfessional, care.KindOrganisation: kindOrganisation}

var codeKinds = [...]care.Kind{kindPerson: care.KindPerson, kindCarer: care.KindCarer,
	kindProfessional: care.KindProfessional, kindOrganisation: care.KindOrganisation}

// chunk is up to a batch of rows of one file, on their way from the
// parsing goroutine to the checking one.
type chunk struct {
	file  int
	b     care.Batch
	lines []int32 // line of each item of b's list
	bad   []string
}

// check is the first pass: one goroutine parses while another validates.
func (im *importer) check(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	chunks := make(chan *chunk, 1)
	var parsePs, dupPs problems
	var parseErr error
	go func() {
		defer close(chunks)
		parseErr = im.scan(ctx, chunks, &parsePs, &dupPs)
	}()
	c := checker{im: im, kinds: map[string]uint8{}, stored: map[string]uint8{}}
	var checkErr error
	for ch := range chunks {
		if checkErr != nil {
			continue // drain, so the parser ends
		}
		if checkErr = c.check(ctx, ch); checkErr != nil {
			cancel()
		}
	}
	if parseErr != nil && !(checkErr != nil && errors.Is(parseErr, context.Canceled)) {
		return parseErr
	}
	if checkErr != nil {
		return checkErr
	}
	// A duplicate is also reported by Validate when both rows fell in one
	// batch; the duplicate scan's message, naming the first line, wins.
	dups := map[string]bool{}
	for _, p := range dupPs.list {
		dups[p.Field] = true
	}
	kept := c.ps.list[:0]
	for _, p := range c.ps.list {
		if !dups[p.Field] {
			kept = append(kept, p)
		}
	}
	c.ps.list = kept
	return mergeProblems(parsePs, c.ps, dupPs)
}

// mergeProblems returns nil when the collections hold nothing, else one
// Invalid error with their problems in file and line order, cut at
// care.MaxProblems. Each collection is in that order already and holds
// its first MaxProblems, so the merge holds the first MaxProblems of all.
func mergeProblems(sets ...problems) error {
	var all []problem
	more := 0
	for _, s := range sets {
		all = append(all, s.list...)
		more += s.more
	}
	if len(all)+more == 0 {
		return nil
	}
	slices.SortStableFunc(all, func(a, b problem) int {
		if a.file != b.file {
			return a.file - b.file
		}
		return a.line - b.line
	})
	if len(all) > care.MaxProblems {
		more += len(all) - care.MaxProblems
		all = all[:care.MaxProblems]
	}
	out := make([]care.Problem, len(all), len(all)+1)
	for i, p := range all {
		out[i] = p.Problem
	}
	if more > 0 {
		out = append(out, care.MoreProblems(more))
	}
	return &care.Error{Code: care.Invalid, Message: "invalid CSV import", Problems: out}
}

// scan parses every file in load order into chunks, and then finds ids
// given twice in a file. Parse problems go to ps, repeated ids to dups.
func (im *importer) scan(ctx context.Context, out chan<- *chunk, ps, dups *problems) error {
	for f := range numFiles {
		if im.srcs[f].Open == nil {
			continue
		}
		fr, err := openFile(im.srcs[f], f)
		if err != nil {
			return err
		}
		hashes, err := im.scanFile(ctx, fr, out, ps)
		fr.close()
		if err != nil {
			return err
		}
		im.sums[f] = fr.sum.sum
		if err := im.findRepeats(ctx, f, hashes, dups); err != nil {
			return err
		}
	}
	return nil
}

func (im *importer) scanFile(ctx context.Context, fr *fileReader, out chan<- *chunk, ps *problems) (*idHashes, error) {
	hashes := &idHashes{}
	ok, err := fr.header(ps)
	if err != nil || !ok {
		return hashes, err
	}
	f := fr.file
	ch := &chunk{file: f}
	send := func() error {
		select {
		case out <- ch:
		case <-ctx.Done():
			return ctx.Err()
		}
		ch = &chunk{file: f, lines: make([]int32, 0, len(ch.lines))}
		return nil
	}
	for {
		rec, line, err := fr.next(ps)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		im.rows[f]++
		im.progress.files[f].checked.Add(1)
		if !fr.parseRow(line, rec, &ch.b, ps) {
			if f == fNodes {
				if id := (&row{fr: fr, rec: rec}).at(nID); id != "" {
					ch.bad = append(ch.bad, id)
				}
			}
			continue
		}
		ch.lines = append(ch.lines, int32(line))
		hashes.add(maphash.String(im.seed, lastID(&ch.b, f)))
		if len(ch.lines) >= im.size {
			if err := send(); err != nil {
				return nil, err
			}
		}
	}
	if len(ch.lines) > 0 || len(ch.bad) > 0 {
		if err := send(); err != nil {
			return nil, err
		}
	}
	return hashes, nil
}

// idHashes holds a hash of each id of a file: 8 bytes a row, in blocks
// that grow geometrically up to a bound and are never copied, so that the
// duplicate check costs no more than that.
type idHashes struct {
	blocks [][]uint64
}

const (
	firstHashBlock = 1 << 10
	maxHashBlock   = 1 << 20
)

func (h *idHashes) add(x uint64) {
	n := len(h.blocks)
	if n == 0 || len(h.blocks[n-1]) == cap(h.blocks[n-1]) {
		size := firstHashBlock
		if n > 0 {
			size = min(2*cap(h.blocks[n-1]), maxHashBlock)
		}
		h.blocks = append(h.blocks, make([]uint64, 0, size))
		n++
	}
	h.blocks[n-1] = append(h.blocks[n-1], x)
}

// repeats returns the hashes that occur more than once: each block is
// sorted, then the blocks are merged through a small heap of their heads.
func (h *idHashes) repeats() map[uint64]bool {
	type head struct {
		block []uint64
	}
	heads := make([]head, 0, len(h.blocks))
	for _, b := range h.blocks {
		slices.Sort(b)
		if len(b) > 0 {
			heads = append(heads, head{b})
		}
	}
	less := func(i, j int) bool { return heads[i].block[0] < heads[j].block[0] }
	down := func(i int) {
		for {
			l := 2*i + 1
			if l >= len(heads) {
				return
			}
			if r := l + 1; r < len(heads) && less(r, l) {
				l = r
			}
			if !less(l, i) {
				return
			}
			heads[i], heads[l] = heads[l], heads[i]
			i = l
		}
	}
	for i := len(heads)/2 - 1; i >= 0; i-- {
		down(i)
	}
	out := map[uint64]bool{}
	prev, first := uint64(0), true
	for len(heads) > 0 {
		x := heads[0].block[0]
		if !first && x == prev {
			out[x] = true
		}
		prev, first = x, false
		if heads[0].block = heads[0].block[1:]; len(heads[0].block) == 0 {
			heads[0] = heads[len(heads)-1]
			heads = heads[:len(heads)-1]
		}
		down(0)
	}
	return out
}

// findRepeats reports the rows of file f whose id an earlier row of the
// file already has. Only when two rows' id hashes are equal is the file
// read again, to compare the ids themselves and name both lines.
func (im *importer) findRepeats(ctx context.Context, f int, hashes *idHashes, dups *problems) error {
	suspects := hashes.repeats()
	hashes.blocks = nil
	if len(suspects) == 0 {
		return nil
	}
	fr, err := openFile(im.srcs[f], f)
	if err != nil {
		return err
	}
	defer fr.close()
	var ignore problems
	if ok, err := fr.header(&ignore); err != nil || !ok {
		return err
	}
	first := map[string]int{}
	var b care.Batch
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		rec, line, err := fr.next(&ignore)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		b = care.Batch{}
		if !fr.parseRow(line, rec, &b, &ignore) {
			continue
		}
		id := lastID(&b, f)
		if !suspects[maphash.String(im.seed, id)] {
			continue
		}
		if l, seen := first[id]; seen {
			dups.add(f, line, "id", id, "duplicate id in this import: first on line %d", l)
		} else {
			first[strings.Clone(id)] = line
		}
	}
}

// checker validates chunks in load order. It keeps the kind of every node
// of nodes.csv, and of every id looked up in the store.
type checker struct {
	im     *importer
	kinds  map[string]uint8 // nodes of nodes.csv
	stored map[string]uint8 // ids not in nodes.csv, as the store has them (kindNone: missing)
	ps     problems
}

// lookup asks the store for the kinds of ids (distinct), calling found for
// each node it has.
func (c *checker) lookup(ctx context.Context, ids []string, found func(care.Node)) error {
	return care.LookupNodes(ctx, c.im.st.Nodes, ids, found)
}

func (c *checker) check(ctx context.Context, ch *chunk) error {
	for _, id := range ch.bad {
		if c.kinds[id] == kindNone {
			c.kinds[strings.Clone(id)] = kindBad
		}
	}
	b := &ch.b
	b.Normalise()
	var verr error
	if ch.file == fNodes {
		// A node's id must not be another kind's in the store; the nodes
		// of earlier chunks are not consulted (a repeated id is the
		// duplicate scan's to report).
		ids := make([]string, len(b.Nodes))
		for i, n := range b.Nodes {
			ids[i] = n.ID
		}
		ids = distinct(ids)
		existing := make(map[string]care.Kind, len(ids))
		if err := c.lookup(ctx, ids, func(n care.Node) { existing[n.ID] = n.Kind }); err != nil {
			return err
		}
		verr = b.Validate(func(id string) (care.Kind, bool) { k, ok := existing[id]; return k, ok })
		for _, n := range b.Nodes {
			if code := kindCodes[n.Kind]; code != kindNone && c.kinds[n.ID] == kindNone {
				c.kinds[strings.Clone(n.ID)] = code
			}
		}
	} else {
		if err := c.resolve(ctx, b); err != nil {
			return err
		}
		verr = b.Validate(c.kindOf)
	}
	c.merge(ch, verr)
	return nil
}

// kindOf answers Validate's questions about references: nodes.csv first,
// then the store.
func (c *checker) kindOf(id string) (care.Kind, bool) {
	code, ok := c.kinds[id]
	if !ok {
		code = c.stored[id]
	}
	if code < kindPerson {
		return "", false
	}
	return codeKinds[code], true
}

// resolve looks up in the store, once each, the ids b refers to that are
// neither in nodes.csv nor looked up before.
func (c *checker) resolve(ctx context.Context, b *care.Batch) error {
	var ids []string
	need := func(id string) {
		if _, ok := c.kinds[id]; ok {
			return
		}
		if _, ok := c.stored[id]; ok {
			return
		}
		ids = append(ids, id)
	}
	b.Refs(need)
	if len(ids) == 0 {
		return nil
	}
	ids = distinct(ids)
	for _, id := range ids {
		c.stored[strings.Clone(id)] = kindNone
	}
	return c.lookup(ctx, ids, func(n care.Node) {
		if code, ok := kindCodes[n.Kind]; ok {
			c.stored[n.ID] = code
		}
	})
}

func distinct(ids []string) []string {
	slices.Sort(ids)
	return slices.Compact(ids)
}

// columnOf turns the rest of a batch path (".recordedAt") into the
// column of the file it names (".recorded_at").
func columnOf(rest string) string {
	switch rest {
	case ".recordedAt":
		return ".recorded_at"
	case ".recordedBy":
		return ".recorded_by"
	}
	return rest
}

// merge adds a chunk's validation problems, located by line. A reference
// to a node whose own row had a problem is not reported again.
func (c *checker) merge(ch *chunk, err error) {
	var e *care.Error
	if !errors.As(err, &e) {
		return
	}
	for _, p := range e.Problems {
		if n, more := p.More(); more { // Validate keeps its first MaxProblems and counts the rest
			c.ps.more += n
			continue
		}
		m := streamField.FindStringSubmatch(p.Field) // Validate's paths name no batch
		if m == nil || m[1] != "" || m[2] != lists[ch.file] {
			c.ps.push(problem{file: ch.file, Problem: p})
			continue
		}
		if m[4] != ".id" && c.kinds[p.Value] == kindBad {
			continue
		}
		i, _ := strconv.Atoi(m[3])
		line := 0
		if i < len(ch.lines) {
			line = int(ch.lines[i])
		}
		p.Field = fmt.Sprintf("%s:%d%s", Files[ch.file], line, columnOf(m[4]))
		c.ps.push(problem{file: ch.file, line: line, Problem: p})
	}
}

// batch is up to a batch of rows on their way to the store, with the line
// of each item, so that the store's problems can be located.
type batch struct {
	seq   int // position in the stream, from 0
	b     care.Batch
	lines [numFiles][]int32
	rows  [numFiles]int
	n     int
}

// next returns an empty batch whose lists have the capacity b's needed,
// so that a stream of batches of one file does not grow them row by row.
func (b *batch) next() *batch {
	nb := &batch{seq: b.seq + 1}
	nb.b.Nodes = make([]care.Node, 0, len(b.b.Nodes))
	nb.b.Relationships = make([]care.Relationship, 0, len(b.b.Relationships))
	nb.b.Contacts = make([]care.Contact, 0, len(b.b.Contacts))
	nb.b.Referrals = make([]care.Referral, 0, len(b.b.Referrals))
	nb.b.Consents = make([]care.Consent, 0, len(b.b.Consents))
	for f := range numFiles {
		nb.lines[f] = make([]int32, 0, len(b.lines[f]))
	}
	return nb
}

// errChanged reports a file that is no longer the one checked.
func errChanged(f int) error {
	return care.Errorf(care.Conflict, "%s changed while it was being imported: nothing was written; import it again", Files[f])
}

// write is the second pass: the files are parsed again into batches, on a
// goroutine of their own, while the store applies them. An import of one
// batch is written with one Apply, once the check has passed; a larger one
// is streamed to ApplyStream while the check runs. Nothing is committed
// unless the check (waitCheck) passed and both passes read the same bytes.
func (im *importer) write(ctx context.Context, waitCheck func() error) (care.ApplyResult, error) {
	pctx, stopProducing := context.WithCancel(ctx)
	batches := make(chan *batch, 1)
	var parseErr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(batches)
		parseErr = im.produce(func(b *batch) error {
			select {
			case batches <- b:
				return nil
			case <-pctx.Done():
				return cancelled(pctx)
			}
		})
	}()
	defer wg.Wait()
	defer stopProducing()

	// verdict waits for the end of the parsing and says whether the
	// import may be committed.
	verdict := func() error {
		if err := waitCheck(); err != nil {
			return err
		}
		wg.Wait()
		if parseErr != nil {
			return parseErr
		}
		for f := range numFiles {
			if im.wrows[f] != im.rows[f] || im.wsums[f] != im.sums[f] {
				return errChanged(f)
			}
		}
		return nil
	}
	receive := func() (*batch, bool) {
		select {
		case b, ok := <-batches:
			return b, ok
		case <-ctx.Done():
			return nil, false
		}
	}

	first, ok := receive()
	if !ok {
		if err := verdict(); err != nil {
			return care.ApplyResult{}, err
		}
		return care.ApplyResult{}, cancelled(ctx)
	}
	second, more := receive()
	if !more {
		if err := verdict(); err != nil {
			return care.ApplyResult{}, err
		}
		res, err := im.st.Apply(ctx, first.b)
		if err != nil {
			return care.ApplyResult{}, locate(err, first)
		}
		im.progress.wrote(first)
		return res, nil
	}
	bw, streams := im.st.(care.BulkWriter)
	if !streams {
		return care.ApplyResult{}, care.Errorf(care.Invalid, "this import is larger than the %d rows this store takes in one write; import it with careweb import", im.size)
	}

	pending := []*batch{first, second}
	var cur *batch // the batch the store has, for locating its problems
	next := func() (care.Batch, error) {
		if cur != nil {
			im.progress.wrote(cur)
			cur = nil
		}
		var b *batch
		if len(pending) > 0 {
			b, pending = pending[0], pending[1:]
		} else if b, ok = receive(); !ok {
			if err := verdict(); err != nil {
				return care.Batch{}, err
			}
			if err := ctx.Err(); err != nil {
				return care.Batch{}, cancelled(ctx)
			}
			return care.Batch{}, io.EOF
		}
		cur = b
		return b.b, nil
	}
	res, err := bw.ApplyStream(ctx, next)
	if err != nil {
		return care.ApplyResult{}, locate(err, cur)
	}
	return res, nil
}

// cancelled is the error of an import whose ctx ended.
func cancelled(ctx context.Context) error {
	return care.Wrap(care.Unavailable, ctx.Err(), "import cancelled: nothing was written")
}

// produce parses the files again into batches of up to im.size rows,
// handing each to emit; an import with no rows gives one empty batch. A
// row that no longer parses, or a file whose bytes differ from what the
// check pass read, stops it with errChanged.
func (im *importer) produce(emit func(*batch) error) error {
	cur := &batch{}
	emitted := false
	send := func(b *batch) error {
		emitted = true
		return emit(b)
	}
	for f := range numFiles {
		if im.srcs[f].Open == nil {
			continue
		}
		fr, err := openFile(im.srcs[f], f)
		if err != nil {
			return err
		}
		err = im.produceFile(fr, &cur, send)
		fr.close()
		if err != nil {
			return err
		}
		im.wsums[f] = fr.sum.sum
	}
	if cur.n > 0 || !emitted {
		return send(cur)
	}
	return nil
}

func (im *importer) produceFile(fr *fileReader, cur **batch, emit func(*batch) error) error {
	f := fr.file
	var ps problems
	if ok, err := fr.header(&ps); err != nil || !ok {
		if err == nil {
			err = errChanged(f)
		}
		return err
	}
	for {
		rec, line, err := fr.next(&ps)
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		im.wrows[f]++
		b := *cur
		if ps.len() > 0 || !fr.parseRow(line, rec, &b.b, &ps) {
			return errChanged(f)
		}
		b.lines[f] = append(b.lines[f], int32(line))
		b.rows[f]++
		b.n++
		if b.n >= im.size {
			if err := emit(b); err != nil {
				return err
			}
			*cur = b.next()
		}
	}
	if ps.len() > 0 {
		return errChanged(f)
	}
	return nil
}

// streamField matches the paths of care.Batch.Validate's problems and
// the store's: those of Apply, and those of ApplyStream, which name the
// batch first ("batch[3].contacts[16].person").
var streamField = regexp.MustCompile(`^(?:batch\[(\d+)\]\.)?(nodes|relationships|contacts|referrals|consents)\[(\d+)\](.*)$`)

// locate rewrites the paths in err's problems that name an item of b (the
// seq'th batch of the stream) as file positions: "batch[3].contacts[16].person"
// becomes "contacts.csv:60017.person". Errors without problems, and paths
// it cannot place, are returned unchanged.
func locate(err error, b *batch) error {
	var e *care.Error
	if b == nil || !errors.As(err, &e) || len(e.Problems) == 0 {
		return err
	}
	out := *e
	out.Problems = make([]care.Problem, len(e.Problems))
	for i, p := range e.Problems {
		if m := streamField.FindStringSubmatch(p.Field); m != nil && (m[1] == "" || m[1] == strconv.Itoa(b.seq)) {
			f := slices.Index(lists[:], m[2])
			idx, _ := strconv.Atoi(m[3])
			if lines := b.lines[f]; idx < len(lines) {
				p.Field = fmt.Sprintf("%s:%d%s", Files[f], lines[idx], columnOf(m[4]))
			}
		}
		out.Problems[i] = p
	}
	if out.Code == care.Invalid {
		out.Message = "invalid CSV import"
	}
	return &out
}

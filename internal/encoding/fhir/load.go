package fhir

import (
	"context"
	"errors"
	"hash/maphash"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/careweb/careweb/internal/care"
)

// Target is what an import needs of a store (see care.ImportTarget): a
// target that is also a care.BulkWriter (both stores are) is given the
// import as a stream of batches; any other takes it as one batch.
type Target = care.ImportTarget

// DefaultBatchSize is how many nodes, relationships, contacts and
// referrals one batch of an import holds.
const DefaultBatchSize = 20_000

// Options tune an import.
type Options struct {
	// Sectors gives organisations' sectors, overriding what their type
	// says (see ReadSectorMap). May be nil.
	Sectors *SectorMap
	// BatchSize is how many items each batch given to the store holds
	// (a resource's items are never split); 0 means DefaultBatchSize.
	BatchSize int
	// Progress, when not nil, counts the import's work as it goes, for a
	// caller that reports progress.
	Progress *Progress
}

// Result is what an import read and wrote.
type Result struct {
	Summary Summary
	// Kinds counts the nodes the files hold, by kind.
	Kinds map[care.Kind]int
	// Applied is what the store wrote; zero when the import failed.
	Applied care.ApplyResult
}

// invalid is the message of an import's Invalid error.
const invalid = "invalid FHIR import"

// Load imports the sources into st: everything is written or nothing is.
//
// It reads the files twice, so that an import far larger than memory
// streams. The first pass decodes and indexes the resources that
// references name (patients, related persons, practitioners and their
// roles, organisations, care teams) and episodes of care, so that
// references resolve across files (urn:uuid fullUrls, relative and
// absolute references, conditional references such as
// Practitioner?identifier=system|value, and logical references by
// identifier); encounters and requests it only counts. Those are mapped
// into nodes and relationships, and the second pass reads the encounters
// and requests again, mapping each as it is read. The batches go to the
// store's ApplyStream (one atomic stream) as they fill, on a goroutine of
// their own, while the second pass reads on.
//
// Every batch is checked as the store would check it (care.Batch.Validate
// against this import's nodes and the store's) before the store sees it.
// Every problem is reported at once (up to care.MaxProblems) in one
// Invalid *care.Error, located "file:entry[i](Type/id).path" in a Bundle
// or "file:line(Type/id).path" in NDJSON: first those of the files and of
// the resources the first pass reads, then those of the encounters and
// requests, each in file order. After the first problem nothing more goes
// to the store, and what it holds of the stream is rolled back. A file
// whose bytes differ between the passes is refused with Conflict, and
// nothing is written.
//
// The Result is returned even when the import fails, for its Summary of
// what was read and left out. An import whose ctx ends before it commits
// returns Unavailable (wrapping ctx's error), and nothing is written.
//
// Memory holds the first pass's resources (decoded, then only their
// ids and identifiers once mapped), 16 bytes per encounter or request (to
// read a repeated one once) and a few batches: not the import.
func Load(ctx context.Context, st Target, srcs []Source, opt Options) (*Result, error) {
	res := &Result{Summary: Summary{Read: map[string]int{}, Ignored: map[string]int{}}, Kinds: map[care.Kind]int{}}
	if ctx.Err() != nil {
		return res, cancelled(ctx)
	}
	if opt.BatchSize <= 0 {
		opt.BatchSize = DefaultBatchSize
	}
	prog := opt.Progress
	if prog == nil {
		prog = &Progress{}
	}
	prog.total.Store(int64(len(srcs)))
	defer prog.phase.Store(int32(Done))

	prog.phase.Store(int32(Indexing))
	var ps care.Problems
	first := &reader{ctx: ctx, pass: passIndex, ix: newIndex(), ps: &ps, sum: &res.Summary, progress: prog,
		sums: make([]fileSum, len(srcs)), hashSeed: maphash.MakeSeed()}
	for i, s := range srcs {
		if ctx.Err() == nil {
			first.source(i, s)
		}
		if ctx.Err() != nil {
			return res, cancelled(ctx)
		}
	}

	names := make([]string, len(srcs))
	for i, s := range srcs {
		names[i] = s.Name
	}
	l := &loader{ctx: ctx, st: st, ps: &ps, res: res, prog: prog, names: names,
		chk: checker{st: st, imported: map[string]care.Kind{}, stored: map[string]care.Kind{}}}
	// A store that cannot take a stream takes one batch; so does an
	// import the first pass found problems in, which is mapped only to
	// find the rest of them: the store is not troubled.
	bw, streams := st.(care.BulkWriter)
	streams = streams && ps.Len() == 0
	limit := opt.BatchSize
	if !streams {
		limit = math.MaxInt
	}
	produce := func(ctx context.Context) error {
		m := newMapper(first.ix, &ps, &res.Summary, opt, limit, l.emit)
		if err := m.indexed(); err != nil {
			return err
		}
		prog.phase.Store(int32(Writing))
		second := &reader{ctx: ctx, pass: passEvents, ix: first.ix, ps: &care.Problems{}, eventPs: &ps, sum: &res.Summary,
			progress: prog, seen: map[eventKey]struct{}{}, seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()},
			mapEvent: m.event, sums: first.sums, hashSeed: first.hashSeed}
		for i, s := range srcs {
			if err := ctx.Err(); err != nil {
				return err
			}
			second.source(i, s)
			if second.stop != nil {
				return second.stop
			}
		}
		return m.flush()
	}
	var err error
	if streams {
		res.Applied, err = l.stream(bw, produce)
	} else {
		res.Applied, err = l.whole(produce)
	}
	if err != nil {
		res.Applied = care.ApplyResult{}
		if ctx.Err() != nil {
			err = cancelled(ctx)
		}
	}
	return res, err
}

// cancelled is the error of an import whose ctx ended before it committed.
func cancelled(ctx context.Context) error {
	return care.Wrap(care.Unavailable, ctx.Err(), "import cancelled: nothing was written")
}

// loader takes the mapper's batches to the store.
type loader struct {
	ctx context.Context
	// pctx is the producer's: it ends when the store stops taking batches.
	pctx context.Context
	st   Target
	ps   *care.Problems // reading's and mapping's
	// checkPs are the checks' problems (see emit).
	checkPs care.Problems
	res     *Result
	prog    *Progress
	chk     checker
	// names are the sources' names, for putting problems in file order.
	names []string
	// send hands a checked batch on to the store.
	send func(*handed) error
}

// handed is a batch on its way to the store, with the locations of its
// items, so that a problem the store finds in it can be located.
type handed struct {
	b    care.Batch
	locs map[string][]itemLoc
	i    int // its position in the stream
}

// emit is the mapper's: it checks a batch and sends it on. Once the
// import has a problem nothing more is sent: batches are still mapped,
// so that every problem is found, and dropped. They are still checked as
// long as reading and mapping have found nothing, so that an import's
// dangling references are all reported, not only the first batch's; a
// reading or mapping problem stops the checks, whose findings would then
// follow from it (a reference to a resource that did not decode).
func (l *loader) emit(b care.Batch, locs map[string][]itemLoc) error {
	for _, n := range b.Nodes {
		l.res.Kinds[n.Kind]++
	}
	if l.ps.Len() > 0 {
		return nil
	}
	b.Normalise()
	verr, err := l.chk.check(l.pctx, &b)
	if err != nil {
		return err
	}
	if verr != nil {
		addProblems(&l.checkPs, locate(care.ErrorProblems(verr), locs))
	}
	if l.checkPs.Len() > 0 {
		return nil
	}
	return l.send(&handed{b: b, locs: locs})
}

// addProblems adds ps to to, the count of those an error left out
// included.
func addProblems(to *care.Problems, ps []care.Problem) {
	for _, p := range ps {
		if n, more := p.More(); more {
			to.Omit(n)
			continue
		}
		to.Add(p.Field, p.Value, "%s", p.Message)
	}
}

// problems returns the import's problems as one Invalid error, in file
// order, or nil: reading's and mapping's, and the checks'.
func (l *loader) problems() error {
	if l.ps.Len()+l.checkPs.Len() == 0 {
		return nil
	}
	var all care.Problems
	addProblems(&all, care.ErrorProblems(l.ps.Err("")))
	addProblems(&all, care.ErrorProblems(l.checkPs.Err("")))
	err := all.Err(invalid)
	if e, ok := errors.AsType[*care.Error](err); ok {
		sortProblems(e.Problems, l.names)
	}
	return err
}

// sortProblems puts problems in file order: by source, then by the
// positions their fields give ("a.json:entry[3]", "b.ndjson:7.entry[2]",
// "c.json:4:10"). The passes find problems in another order (a file's
// encounters after everything else); the sort is stable, so a resource's
// problems keep theirs. Fields naming no source stay at the end.
func sortProblems(ps []care.Problem, names []string) {
	type key struct {
		src int
		pos []int
	}
	keyOf := func(field string) key {
		best := -1
		for i, n := range names {
			rest, ok := strings.CutPrefix(field, n)
			if ok && (rest == "" || rest[0] == ':' || rest[0] == '.') && (best < 0 || len(n) > len(names[best])) {
				best = i
			}
		}
		if best < 0 {
			return key{src: len(names)}
		}
		k := key{src: best}
		rest := field[len(names[best]):]
		// The numbers before the resource's "(Type/id)".
		if i := strings.IndexByte(rest, '('); i >= 0 {
			rest = rest[:i]
		}
		for _, f := range strings.FieldsFunc(rest, func(r rune) bool { return r < '0' || r > '9' }) {
			n, _ := strconv.Atoi(f)
			k.pos = append(k.pos, n)
		}
		return k
	}
	keys := make(map[string]key, len(ps))
	for _, p := range ps {
		if _, ok := keys[p.Field]; !ok {
			keys[p.Field] = keyOf(p.Field)
		}
	}
	slices.SortStableFunc(ps, func(a, b care.Problem) int {
		ka, kb := keys[a.Field], keys[b.Field]
		if ka.src != kb.src {
			return ka.src - kb.src
		}
		return slices.Compare(ka.pos, kb.pos)
	})
}

// stream gives the batches produce makes to w's ApplyStream as they come.
// The import commits only if produce ends with no problem found.
func (l *loader) stream(w care.BulkWriter, produce func(context.Context) error) (care.ApplyResult, error) {
	pctx, stopProducing := context.WithCancel(l.ctx)
	defer stopProducing()
	batches := make(chan *handed, 1)
	l.send = func(h *handed) error {
		select {
		case batches <- h:
			return nil
		case <-pctx.Done():
			return pctx.Err()
		}
	}
	l.pctx = pctx
	var perr error
	produced := make(chan struct{})
	go func() {
		defer close(produced)
		defer close(batches)
		perr = produce(pctx)
	}()
	var last *handed
	n := 0
	res, err := w.ApplyStream(l.ctx, func() (care.Batch, error) {
		if h, ok := <-batches; ok {
			h.i, last = n, h
			n++
			l.prog.written.Add(int64(h.b.Size()))
			return h.b, nil
		}
		if perr != nil {
			return care.Batch{}, perr
		}
		if err := l.problems(); err != nil {
			return care.Batch{}, err
		}
		l.prog.phase.Store(int32(Committing))
		return care.Batch{}, io.EOF
	})
	stopProducing()
	<-produced
	switch {
	case err == nil:
		return res, nil
	case l.ctx.Err() != nil:
		return care.ApplyResult{}, cancelled(l.ctx)
	case perr != nil && !errors.Is(perr, context.Canceled):
		return care.ApplyResult{}, perr
	case l.ps.Len()+l.checkPs.Len() > 0:
		return care.ApplyResult{}, l.problems()
	}
	return care.ApplyResult{}, locateStored(err, last)
}

// whole applies the one batch produce makes, once it is made.
func (l *loader) whole(produce func(context.Context) error) (care.ApplyResult, error) {
	var one *handed
	l.send = func(h *handed) error { one = h; return nil }
	l.pctx = l.ctx
	if err := produce(l.ctx); err != nil {
		return care.ApplyResult{}, err
	}
	if err := l.problems(); err != nil {
		return care.ApplyResult{}, err
	}
	if one == nil {
		return care.ApplyResult{}, nil
	}
	l.prog.written.Add(int64(one.b.Size()))
	l.prog.phase.Store(int32(Committing))
	res, err := l.st.Apply(l.ctx, one.b)
	if err != nil {
		return care.ApplyResult{}, relocate(err, "", one.locs)
	}
	return res, nil
}

// checker checks batches as the store will, before it sees them, so that
// an import's problems are all found, not only those of the batch the
// store stops at. It keeps the kind of every node of the import's
// earlier batches and of every other node referred to, as the store has
// it.
type checker struct {
	st       Target
	imported map[string]care.Kind
	stored   map[string]care.Kind // "": not in the store
}

// check validates b (normalised), returning its Invalid error, if any, as
// invalid; err is a failure to ask the store.
func (c *checker) check(ctx context.Context, b *care.Batch) (invalid, err error) {
	// A node's id must not be another kind's in the store.
	ids := make([]string, 0, len(b.Nodes))
	for _, n := range b.Nodes {
		ids = append(ids, n.ID)
	}
	existing := make(map[string]care.Kind, len(ids))
	if err := c.lookup(ctx, ids, func(n care.Node) { existing[n.ID] = n.Kind }); err != nil {
		return nil, err
	}
	var refs []string
	b.Refs(func(id string) {
		if _, ok := c.imported[id]; ok {
			return
		}
		if _, ok := c.stored[id]; !ok {
			refs = append(refs, id)
		}
	})
	for _, id := range refs {
		c.stored[id] = ""
	}
	if err := c.lookup(ctx, refs, func(n care.Node) { c.stored[n.ID] = n.Kind }); err != nil {
		return nil, err
	}
	invalid = b.Validate(func(id string) (care.Kind, bool) {
		if k, ok := existing[id]; ok {
			return k, true
		}
		if k, ok := c.imported[id]; ok {
			return k, true
		}
		k := c.stored[id]
		return k, k != ""
	})
	for _, n := range b.Nodes {
		c.imported[n.ID] = n.Kind
	}
	return invalid, nil
}

// lookup asks the store for the nodes with ids (repeats ignored), calling
// found for each it has.
func (c *checker) lookup(ctx context.Context, ids []string, found func(care.Node)) error {
	slices.Sort(ids)
	return care.LookupNodes(ctx, c.st.Nodes, slices.Compact(ids), found)
}

// locate rewrites the batch paths of problems ("contacts[16].person") as
// resource locations ("a.json:entry[40](Encounter/x).subject"). Paths it
// does not know are left as they are.
func locate(ps []care.Problem, locs map[string][]itemLoc) []care.Problem {
	out := make([]care.Problem, len(ps))
	for i, p := range ps {
		out[i] = p
		list, idx, field, ok := splitBatchField(p.Field)
		if !ok || idx >= len(locs[list]) {
			continue
		}
		l := locs[list][idx]
		path := field // an item field not in paths came from the element of the same name
		if v, ok := l.paths[field]; ok {
			path = v
		}
		if path == "" {
			out[i].Field = l.at
		} else {
			out[i].Field = l.at + "." + path
		}
	}
	return out
}

// locateStored locates the problems of an error the store returned for
// the batch last handed to it ("batch[3].contacts[16].person"), which the
// checks before it did not find (another writer changed the store in the
// meantime). Other errors are returned as they are.
func locateStored(err error, last *handed) error {
	if last == nil {
		return err
	}
	return relocate(err, "batch["+strconv.Itoa(last.i)+"].", last.locs)
}

// relocate rewrites the problems of err, paths of a batch after prefix,
// as resource locations.
func relocate(err error, prefix string, locs map[string][]itemLoc) error {
	e, ok := errors.AsType[*care.Error](err)
	if !ok || len(e.Problems) == 0 {
		return err
	}
	ps := make([]care.Problem, len(e.Problems))
	for i, p := range e.Problems {
		p.Field = strings.TrimPrefix(p.Field, prefix)
		ps[i] = p
	}
	out := *e
	out.Problems = locate(ps, locs)
	out.Message = invalid
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

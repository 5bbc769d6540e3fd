package demo

import (
	"strconv"

	"github.com/careweb/careweb/internal/care"
)

// Generate streams the data set described by cfg (see the package
// documentation) as batches of at most batchSize writes, calling emit for
// each in order: the showcase webs first, then the service landscape
// (organisations, professionals, WORKS_IN, LINKED_TO), then one person at a
// time (the person and their carers, CARES_FOR, INVOLVED_IN and the carers'
// links, contacts, referrals). Every batch is valid on its own once the
// batches before it have been applied: nothing refers to a node that an
// earlier batch, or the same one, does not create. No id is written twice.
//
// emit owns each batch it is given (Generate keeps no reference to it). The
// first error emit returns stops the generation and is returned unchanged.
// A bad cfg, a batchSize below 1 or a nil emit returns Invalid before
// anything is emitted.
//
// Memory is bounded by the service landscape (about one professional for
// every 35 people at scale) and one person's records, not by the number of
// contacts: 1,000,000 people (20,000,000 contacts) stream with a heap under
// 100 MB, plus whatever emit keeps.
func Generate(cfg Config, batchSize int, emit func(care.Batch) error) error {
	c, err := cfg.resolved()
	var ps care.Problems
	if batchSize < 1 {
		ps.Add("batchSize", strconv.Itoa(batchSize), "must be at least 1")
	}
	if emit == nil {
		ps.Add("emit", "", "a function to receive the batches is required")
	}
	if err != nil {
		return err
	}
	if err := ps.Err("invalid demo generation"); err != nil {
		return err
	}
	e := &emitter{limit: batchSize, emit: emit}
	e.batch(Showcase())
	if e.err != nil {
		return e.err
	}
	land := newLandscape(c)
	land.emit(e)
	if e.err != nil {
		return e.err
	}
	g := newPersonGen(c, land, e)
	for i := 1; i <= c.People; i++ {
		g.person(i)
		if e.err != nil {
			return e.err
		}
	}
	e.flush()
	return e.err
}

// emitter cuts the stream of writes into batches of at most limit writes.
// Because writes arrive in dependency order, any cut leaves every batch
// valid given the ones before it.
type emitter struct {
	limit int
	emit  func(care.Batch) error
	b     care.Batch
	n     int
	err   error // sticky: after emit fails, writes are dropped
}

func (e *emitter) added() {
	e.n++
	if e.n >= e.limit {
		e.flush()
	}
}

func (e *emitter) node(n care.Node) {
	e.b.Nodes = append(e.b.Nodes, n)
	e.added()
}

func (e *emitter) rel(r care.Relationship) {
	e.b.Relationships = append(e.b.Relationships, r)
	e.added()
}

func (e *emitter) contact(c care.Contact) {
	e.b.Contacts = append(e.b.Contacts, c)
	e.added()
}

func (e *emitter) referral(r care.Referral) {
	e.b.Referrals = append(e.b.Referrals, r)
	e.added()
}

func (e *emitter) consent(c care.Consent) {
	e.b.Consents = append(e.b.Consents, c)
	e.added()
}

// batch adds every write of b, nodes first.
func (e *emitter) batch(b care.Batch) {
	for _, n := range b.Nodes {
		e.node(n)
	}
	for _, r := range b.Relationships {
		e.rel(r)
	}
	for _, c := range b.Consents {
		e.consent(c)
	}
	for _, c := range b.Contacts {
		e.contact(c)
	}
	for _, r := range b.Referrals {
		e.referral(r)
	}
}

// flush hands the pending writes to emit. The next batch's slices start
// with about the capacity the last one used, so a stream of contact batches
// does not regrow (and copy) its slices every time.
func (e *emitter) flush() {
	if e.n == 0 || e.err != nil {
		return
	}
	b := e.b
	e.b = care.Batch{
		Nodes:         make([]care.Node, 0, e.capacity(len(b.Nodes))),
		Relationships: make([]care.Relationship, 0, e.capacity(len(b.Relationships))),
		Contacts:      make([]care.Contact, 0, e.capacity(len(b.Contacts))),
		Referrals:     make([]care.Referral, 0, e.capacity(len(b.Referrals))),
	}
	e.n = 0
	e.err = e.emit(b)
}

// capacity is the starting capacity for a slice that held n writes in the
// last batch: a little more, since the mix varies, but never above the limit.
func (e *emitter) capacity(n int) int {
	if n == 0 {
		return 0
	}
	return min(n+n/8+16, e.limit)
}

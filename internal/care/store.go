package care

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Store is what the service needs from a storage adapter. Both adapters
// (the embedded store and Neo4j) implement it and pass the same contract
// suite (internal/store/storetest).
type Store interface {
	Reader
	Writer
	Streamer
	// Ping reports whether the store can serve requests now; it returns an
	// Unavailable error when it cannot (e.g. the database is unreachable or
	// the credentials are wrong).
	Ping(ctx context.Context) error
	Close() error
}

// Writer applies changes.
type Writer interface {
	// Apply normalises, validates and applies b atomically: either every
	// write takes effect or none does. Validation failures return Invalid
	// with every problem found (field paths relative to the batch, e.g.
	// "relationships[2].to"); ending or removing a relationship, contact or
	// referral that does not exist returns NotFound; deleting a node that
	// others refer to without Cascade returns Conflict. Re-applying the same
	// batch is idempotent.
	Apply(ctx context.Context, b Batch) (ApplyResult, error)
}

// Reader answers the service's queries.
type Reader interface {
	// Node returns the node with id, or NotFound.
	Node(ctx context.Context, id string) (Node, error)
	// Nodes returns the nodes with the given ids that exist, in the order
	// asked; missing ids are skipped. It is the batch read behind
	// dataloaders.
	Nodes(ctx context.Context, ids []string) ([]Node, error)
	// ListNodes returns one page of nodes matching q. An unreadable cursor
	// returns Invalid.
	ListNodes(ctx context.Context, q NodeQuery) (NodePage, error)
	// Relationships returns the relationships that touch q.Node (either
	// end), of q.Types (all when empty), overlapping q.Window, ordered by
	// type, start, id. An unknown node returns NotFound.
	Relationships(ctx context.Context, q RelQuery) ([]Relationship, error)
	// Web returns a person's web of care in a window (an "as of" read is
	// the one-day window). A missing person, or a node that is not a
	// person, returns NotFound.
	Web(ctx context.Context, personID string, w Window) (Web, error)
	// Contacts returns one page of a person's contacts in a window, in
	// time order (At, then ID). A missing person returns NotFound.
	Contacts(ctx context.Context, q EventQuery) (ContactPage, error)
	// Referrals returns one page of a person's referrals in a window, in
	// time order. A missing person returns NotFound.
	Referrals(ctx context.Context, q EventQuery) (ReferralPage, error)
	// Consents returns every consent record about person (as the Person of
	// the record), all time, ordered by RecordedAt, then ID: the history
	// that ConsentAt reads. A missing person, or a node that is not a
	// person, returns NotFound.
	Consents(ctx context.Context, person string) ([]Consent, error)
}

// Streamer reads the whole population, for batch metrics and exports.
type Streamer interface {
	// EachPerson calls fn once per person, in id order, with everything
	// recorded about them. The record is only valid during the call. A
	// non-nil error from fn stops the stream and is returned.
	EachPerson(ctx context.Context, fn func(*PersonRecord) error) error
	// Services returns every node that is not a person, with the WORKS_IN
	// and LINKED_TO relationships among them: the service side of the
	// graph that per-person analysis resolves organisations and links in.
	Services(ctx context.Context) (*Services, error)
}

// PersonRecord is everything recorded about one person.
type PersonRecord struct {
	Person Node
	// Relationships are the CARES_FOR and INVOLVED_IN relationships to the
	// person, all time, ordered by type, start, id.
	Relationships []Relationship
	// Contacts are ordered by At, then ID.
	Contacts []Contact
	// Referrals are ordered by At, then ID.
	Referrals []Referral
	// Consents are the consent records about the person, ordered by
	// RecordedAt, then ID.
	Consents []Consent
}

// Services is the service side of the graph.
type Services struct {
	Nodes []Node // carers, professionals and organisations, ordered by id
	// Relationships are every WORKS_IN and LINKED_TO, ordered by id.
	Relationships []Relationship
}

// SortOrder orders node lists.
type SortOrder string

const (
	SortByID   SortOrder = "ID"   // by id (byte order)
	SortByName SortOrder = "NAME" // by name (case-folded), then id
)

// Page asks for a slice of an ordered list, Relay style: First items after
// the After cursor, or Last items before the Before cursor. Cursors are
// opaque strings the store returned.
type Page struct {
	First  int
	After  string
	Last   int
	Before string
}

// PageInfo says where a page sits in its list.
type PageInfo struct {
	HasNextPage     bool
	HasPreviousPage bool
	StartCursor     string
	EndCursor       string
	TotalCount      int
}

// NodeQuery filters and pages nodes. Zero fields do not filter.
type NodeQuery struct {
	// IDs, when not nil, restricts the list to the nodes with these ids
	// (unknown ids and repeats are ignored; an empty, non-nil slice
	// matches nothing). The other filters, the order, the cursors and
	// TotalCount all apply within that set: it is how a caller lists only
	// what a user may see.
	IDs   []string
	Kinds []Kind
	// Sector keeps organisations of that sector and people who work in one
	// (professionals with a WORKS_IN to such an organisation overlapping
	// ActiveIn, or ever when ActiveIn is nil).
	Sector Sector
	// Role keeps professionals with that role.
	Role Role
	// Organisation keeps professionals who work in it (WORKS_IN overlapping
	// ActiveIn, or ever).
	Organisation string
	// NameContains keeps nodes whose name contains it, ignoring case.
	NameContains string
	// ActiveIn keeps nodes with a relationship overlapping the window or a
	// contact in it.
	ActiveIn *Window
	Sort     SortOrder
	Page     Page
}

// NodePage is one page of nodes with a cursor for each.
type NodePage struct {
	Nodes   []Node
	Cursors []string
	Info    PageInfo
}

// RelQuery selects the relationships of one node.
type RelQuery struct {
	Node   string
	Types  []RelType
	Window Window
}

// EventQuery selects a person's contacts or referrals in a window.
type EventQuery struct {
	Person string
	Window Window
	Page   Page
}

// ContactPage is one page of contacts.
type ContactPage struct {
	Contacts []Contact
	Cursors  []string
	Info     PageInfo
}

// ReferralPage is one page of referrals.
type ReferralPage struct {
	Referrals []Referral
	Cursors   []string
	Info      PageInfo
}

// Web is a person's web of care in a window (METRICS-REFERENCE Part 1,
// rules 9 and 10).
type Web struct {
	Person Node
	Window Window
	// Members are the person's carers with a CARES_FOR overlapping the
	// window and the professionals with an INVOLVED_IN overlapping it or a
	// contact with the person in it; ordered by kind (carers first), then id.
	Members []Member
	// Links are the LINKED_TO relationships overlapping the window between
	// two members, or between two of the members' organisations; ordered by id.
	Links []Relationship
	// Organisations are those the member professionals work in (WORKS_IN
	// overlapping the window) or had a recorded contact through; ordered by id.
	Organisations []Node
}

// Member is one carer or professional in a web.
type Member struct {
	Node Node
	// Relationships are the member's CARES_FOR or INVOLVED_IN relationships
	// to the person overlapping the window (empty for a professional who is
	// a member through contacts only), ordered by start, id.
	Relationships []Relationship
	// WorksIn are a professional's WORKS_IN overlapping the window, ordered
	// by start, id.
	WorksIn []Relationship
	// Contacts counts the member's contacts with the person in the window.
	Contacts int
}

// Coordinator reports whether the member is a named coordinator in the window.
func (m Member) Coordinator() bool {
	for _, r := range m.Relationships {
		if r.Coordinator {
			return true
		}
	}
	return false
}

// EncodeCursor makes an opaque cursor from sort-key parts. Both stores use
// it, so cursors mean the same across them.
func EncodeCursor(parts ...string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strings.Join(parts, "\x00")))
}

// DecodeCursor reverses EncodeCursor, expecting n parts; anything else is
// Invalid with the field named.
func DecodeCursor(field, s string, n int) ([]string, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		parts := strings.Split(string(raw), "\x00")
		if len(parts) == n {
			return parts, nil
		}
	}
	var ps Problems
	ps.Add(field, s, "not a cursor this list returned")
	return nil, ps.Err("invalid cursor")
}

// MaxPageSize bounds First and Last.
const MaxPageSize = 1000

// DefaultPageSize applies when neither First nor Last is given.
const DefaultPageSize = 50

// BatchReader answers many of the Reader's per-node questions in one call,
// so that GraphQL dataloaders turn a nested list of N items into one store
// call rather than N. Results are aligned with the ids asked; an unknown id
// gets an empty result, not an error.
type BatchReader interface {
	// RelationshipsOf is Relationships for many nodes with the same types
	// and window.
	RelationshipsOf(ctx context.Context, nodes []string, types []RelType, w Window) ([][]Relationship, error)
	// ContactsOf is Contacts for many persons with the same window and page.
	ContactsOf(ctx context.Context, persons []string, w Window, p Page) ([]ContactPage, error)
	// ReferralsOf is Referrals for many persons with the same window and page.
	ReferralsOf(ctx context.Context, persons []string, w Window, p Page) ([]ReferralPage, error)
	// Relationship returns the relationship with id, or NotFound.
	Relationship(ctx context.Context, id string) (Relationship, error)
}

// BulkWriter applies a stream of batches as one atomic import, so that an
// import larger than memory is still all or nothing. next returns the
// batches in order and io.EOF after the last. Each batch is normalised and
// validated against the store as the earlier batches of the stream left
// it; if any batch fails, or next returns another error, or ctx ends,
// nothing of the stream is applied. The store may hold pending writes
// until the end but never keeps the caller's batches.
//
// Errors locate what failed in the stream: a problem of the batch at
// position i (counting from 0) is named "batch[i]." followed by its path
// within the batch (e.g. "batch[2].contacts[5].person"), and an error
// without problems (NotFound, Conflict) has its message prefixed
// "batch[i]: ". An *Error returned by next is returned as it is (it is
// the caller's own report); any other error from next is wrapped as
// Internal. A cancelled ctx returns Unavailable.
type BulkWriter interface {
	ApplyStream(ctx context.Context, next func() (Batch, error)) (ApplyResult, error)
}

// ImportTarget is what an import needs of a store: Apply, and Nodes, to
// check references to nodes that are not in its files. An import larger
// than one batch also needs BulkWriter (both stores implement it); a
// target without it takes an import as one batch.
type ImportTarget interface {
	Writer
	Nodes(ctx context.Context, ids []string) ([]Node, error)
}

// NodesPerLookup bounds the ids of one Nodes call LookupNodes makes.
const NodesPerLookup = 5_000

// LookupNodes asks nodes (a Reader's Nodes) for ids, NodesPerLookup at a
// time, calling found for each node it has: an import checking the ids
// its files refer to, however many.
func LookupNodes(ctx context.Context, nodes func(context.Context, []string) ([]Node, error), ids []string, found func(Node)) error {
	for len(ids) > 0 {
		n := min(len(ids), NodesPerLookup)
		got, err := nodes(ctx, ids[:n])
		if err != nil {
			return err
		}
		for _, x := range got {
			found(x)
		}
		ids = ids[n:]
	}
	return nil
}

// EachBatch runs a stream for a BulkWriter: it calls apply with each
// batch next returns, normalised (a copy: next's batch is left as it
// was), with its position, until next returns io.EOF, and returns the
// first failure, located as BulkWriter says. It checks ctx before each
// batch and after the last, so that a stream cancelled at any point
// before commit is refused. Both stores use it, so they stream alike.
func EachBatch(ctx context.Context, next func() (Batch, error), apply func(i int, b *Batch) error) error {
	for i := 0; ; i++ {
		if err := ctx.Err(); err != nil {
			return Wrap(Unavailable, err, "import cancelled before batch[%d]: nothing was written", i)
		}
		b, err := next()
		if errors.Is(err, io.EOF) {
			if err := ctx.Err(); err != nil {
				return Wrap(Unavailable, err, "import cancelled at its end: nothing was written")
			}
			return nil
		}
		if err != nil {
			if _, ok := errors.AsType[*Error](err); ok {
				return err
			}
			return Wrap(Internal, err, "reading batch[%d] of the import", i)
		}
		b.Nodes = slices.Clone(b.Nodes)
		b.Relationships = slices.Clone(b.Relationships)
		b.Consents = slices.Clone(b.Consents)
		b.Contacts = slices.Clone(b.Contacts)
		b.Referrals = slices.Clone(b.Referrals)
		b.Normalise()
		if err := apply(i, &b); err != nil {
			return AtBatch(i, err)
		}
	}
}

// AtBatch locates err in the batch at position i of a stream (see
// BulkWriter). Errors that are not *Error are returned as they are.
func AtBatch(i int, err error) error {
	e, ok := errors.AsType[*Error](err)
	if !ok {
		return err
	}
	prefix := fmt.Sprintf("batch[%d]", i)
	out := *e
	if len(e.Problems) == 0 {
		out.Message = prefix + ": " + e.Message
		return &out
	}
	out.Problems = make([]Problem, len(e.Problems))
	for j, p := range e.Problems {
		if _, more := p.More(); !more {
			p.Field = prefix + "." + p.Field
		}
		out.Problems[j] = p
	}
	return &out
}

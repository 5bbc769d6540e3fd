// Package storetest is the contract suite every care.Store passes: the
// embedded store, the Neo4j store and every wrapper around a store. It is
// written against the care.Store interface only, from the contracts in the
// doc comments of internal/care, as gonum's graph/testgraph and the
// standard library's testing/fstest are.
//
// A store's own test calls Run with a function that opens a fresh, empty
// store; the suite closes every store it opens. Run never holds two stores
// open at once, so open may reuse one database by clearing it. Stores that
// persist to a directory also call RunDurability. The store must also
// implement care.BatchReader, whose answers are checked against the
// Reader's, id by id, and care.BulkWriter, whose streams are checked
// against applying their batches one by one.
//
// # What the suite pins where the contracts leave room
//
// Where the doc comments in internal/care can be read two ways, the suite
// decides, so that every store answers alike:
//
//   - Timestamps round-trip exactly, to the nanosecond, and come back in UTC
//     (time.UTC location). Both stores can: the embedded store keeps Unix
//     nanoseconds (int64 covers 1678–2262, wider than the 1900–2200 that
//     Validate accepts) and Neo4j's DateTime keeps nanoseconds.
//   - Relationships, and PersonRecord.Relationships, are ordered by the type
//     name in byte order (CARES_FOR < INVOLVED_IN < LINKED_TO < WORKS_IN),
//     then by start with an open start (care.NoStart) first, then by id.
//   - Spans come back as stored: a window that cuts a relationship's span
//     selects it but does not clip it.
//   - A contact or referral is in a window when its UTC calendar date is
//     (both ends inclusive). care.Always selects everything; a zero Window
//     is the single day 1970-01-01, not "all time".
//   - Web.Links keeps a LINKED_TO when both ends are members (carers and
//     professionals), or both ends are organisations of the web. A link
//     between a member professional and an organisation is not a web link,
//     nor is a link to a node outside the web.
//   - Web.Organisations come from WORKS_IN overlapping the window and from
//     the Organisation of the person's contacts in the window.
//   - Pagination uses care.PageRange with an empty field prefix, so the
//     problems name "first", "last", "after" and "before" (the suite checks
//     only the suffix, so a store may prefix them, e.g. "page.after").
//     Cursors are care.EncodeCursor of care.NodeKey, care.ContactKey and
//     care.ReferralKey, so they are the same in every store.
//   - Upserts replace the whole record: a field left empty is cleared.
//   - Ending a relationship on a day before its start is Invalid, naming
//     "endRelationships[i].to". Ending one already ended moves its end.
//   - NotFound and Conflict errors from the store phase name the id at
//     fault in their message.
//   - Deleting a node with Cascade removes every relationship that touches
//     it, and every contact and referral that names it in any role (as the
//     person, the professional, the organisation, or either end of a
//     referral).
//   - ApplyResult counts the rows of the batch for Nodes, Relationships,
//     Contacts, Referrals, Ended and Deleted; Removed counts the distinct
//     relationships, contacts and referrals that were removed, cascades
//     included.
//   - Contacts and Referrals of a node that exists but is not a person
//     return NotFound, as Web does; so do Consents.
//   - Consent records are upserted whole by id, like contacts. Their
//     validation problems are located as "consents[i].field" with the
//     fields id, person, grantee, recordedBy, basis, decision, end (a span
//     ending before it starts, as for relationships) and recordedAt.
//     Basis and decision must be given in their canonical spelling.
//   - Deleting a person or a carer with Cascade removes the consent records
//     about that person or granting that carer (counted in Removed).
//     Deleting the node a record names as RecordedBy keeps the record with
//     RecordedBy cleared and is not counted: the decision stands, and
//     removing a recorded withdrawal would bring back the permission it
//     ended. Without Cascade, a node named by a consent record in any role
//     is a Conflict.
//   - NodeQuery.IDs restricts a list before anything else: unknown ids and
//     repeats are ignored, and a cursor of the unrestricted list places a
//     page within the set by its key.
//   - ApplyStream (care.BulkWriter) locates a failure by the position of
//     its batch in the stream, counting from 0: a problem's field is
//     "batch[i]." followed by its path in the batch (so the sixth contact
//     of the third batch is "batch[2].contacts[5]"), and the message of an
//     error without problems starts "batch[i]: ". The stream stops at the
//     first batch that fails; later batches are not read. Its result is the
//     sum of what applying each batch alone would return, and its final
//     state the same.
package storetest

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/careweb/careweb/internal/care"
)

// Run runs the contract suite against the stores open returns. open must
// return a fresh, empty store each time it is called; the suite closes it.
func Run(t *testing.T, open func(t *testing.T) care.Store) {
	t.Helper()
	t.Run("Ping", func(t *testing.T) {
		s := openEmpty(t, open)
		if err := s.Ping(t.Context()); err != nil {
			t.Fatalf("Ping on an open store: %v", err)
		}
	})
	t.Run("Empty", func(t *testing.T) { testEmpty(t, openEmpty(t, open)) })
	// The read tests share one store loaded with the fixture; none of
	// them writes.
	t.Run("Read", func(t *testing.T) {
		s := openFixture(t, open)
		fx := newFixture()
		t.Run("Node", func(t *testing.T) { testNode(t, s, fx) })
		t.Run("Nodes", func(t *testing.T) { testNodes(t, s, fx) })
		t.Run("ListNodes", func(t *testing.T) { testListNodes(t, s, fx) })
		t.Run("ListNodesIDs", func(t *testing.T) { testListNodesIDs(t, s, fx) })
		t.Run("Relationships", func(t *testing.T) { testRelationships(t, s, fx) })
		t.Run("Web", func(t *testing.T) { testWeb(t, s, fx) })
		t.Run("Contacts", func(t *testing.T) { testContacts(t, s, fx) })
		t.Run("Referrals", func(t *testing.T) { testReferrals(t, s, fx) })
		t.Run("EachPerson", func(t *testing.T) { testEachPerson(t, s, fx) })
		t.Run("Services", func(t *testing.T) { testServices(t, s, fx) })
		t.Run("BatchReads", func(t *testing.T) { testBatchReads(t, s, fx) })
	})
	t.Run("Write", func(t *testing.T) { testWrite(t, open) })
	t.Run("Atomicity", func(t *testing.T) { testAtomicity(t, open) })
	t.Run("Delete", func(t *testing.T) { testDelete(t, open) })
	t.Run("CursorsStable", func(t *testing.T) { testCursorsStable(t, open) })
	t.Run("Timestamps", func(t *testing.T) { testTimestamps(t, open) })
	t.Run("ConcurrentWriters", func(t *testing.T) { testConcurrent(t, open) })
	t.Run("Consents", func(t *testing.T) { testConsents(t, open) })
	t.Run("ApplyStream", func(t *testing.T) { testApplyStream(t, open) })
}

// RunDurability runs the tests that only a store persisting to a directory
// can take: what was applied survives closing and reopening, and what
// failed left nothing behind. openAt opens (creating if need be) the store
// kept in dir; the suite closes what it opens.
func RunDurability(t *testing.T, openAt func(t *testing.T, dir string) care.Store) {
	t.Helper()
	t.Run("Reopen", func(t *testing.T) {
		dir := t.TempDir()
		s := openAt(t, dir)
		mustApply(t, s, Fixture())
		want := dump(t, s)
		closeStore(t, s)

		s = openAt(t, dir)
		assertState(t, "after reopening", dump(t, s), want)
		// Change every kind of thing, then reopen again.
		mustApply(t, s, care.Batch{
			Nodes:            []care.Node{{ID: "p-ada", Kind: care.KindPerson, Name: "Ada King"}, {ID: "o-new", Kind: care.KindOrganisation, Name: "New Org", Sector: care.SectorHousing}},
			Relationships:    []care.Relationship{{ID: "l-new", Type: care.LinkedTo, From: "o-new", To: "o-surgery", Span: care.Always}},
			EndRelationships: []care.EndRelationship{{ID: "l-green-nurse", To: care.MakeDate(2024, 12, 31)}},
			Contacts:         []care.Contact{{ID: "k01", Person: "p-bob", Professional: "pr-other", At: time.Date(2025, 1, 2, 3, 4, 5, 6, time.UTC)}},
			DeleteContacts:   []string{"k02"},
			DeleteReferrals:  []string{"r0"},
			DeleteNodes:      []care.DeleteNode{{ID: "pr-social", Cascade: true}},
		})
		want = dump(t, s)
		closeStore(t, s)
		s = openAt(t, dir)
		assertState(t, "after changing and reopening", dump(t, s), want)
		closeStore(t, s)
	})
	t.Run("Consents", func(t *testing.T) { testConsentsDurable(t, openAt) })
	t.Run("ApplyStream", func(t *testing.T) { testApplyStreamDurable(t, openAt) })
	t.Run("FailedApplyLeavesNothing", func(t *testing.T) {
		dir := t.TempDir()
		s := openAt(t, dir)
		mustApply(t, s, Fixture())
		want := dump(t, s)
		_, err := s.Apply(t.Context(), care.Batch{
			Nodes:       []care.Node{{ID: "o-new", Kind: care.KindOrganisation, Name: "New Org"}},
			Contacts:    []care.Contact{{ID: "k99", Person: "p-ada", Professional: "pr-nurse", At: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}},
			DeleteNodes: []care.DeleteNode{{ID: "pr-green"}}, // referenced: Conflict, after everything else was written
		})
		wantCode(t, err, care.Conflict)
		closeStore(t, s)
		s = openAt(t, dir)
		assertState(t, "after a failed Apply and reopening", dump(t, s), want)
		closeStore(t, s)
	})
}

// openEmpty opens a fresh store and closes it when the test ends.
func openEmpty(t *testing.T, open func(t *testing.T) care.Store) care.Store {
	t.Helper()
	s := open(t)
	if s == nil {
		t.Fatal("open returned a nil store")
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// openFixture opens a fresh store with the fixture applied.
func openFixture(t *testing.T, open func(t *testing.T) care.Store) care.Store {
	t.Helper()
	s := openEmpty(t, open)
	mustApply(t, s, Fixture())
	return s
}

func closeStore(t *testing.T, s care.Store) {
	t.Helper()
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

func mustApply(t *testing.T, s care.Store, b care.Batch) care.ApplyResult {
	t.Helper()
	res, err := s.Apply(t.Context(), b)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	return res
}

// wantCode reports whether err carries code, failing the test if not.
func wantCode(t *testing.T, err error, code care.Code) bool {
	t.Helper()
	if got := care.ErrorCode(err); got != code {
		t.Errorf("error = %v (code %q), want code %q", err, got, code)
		return false
	}
	return true
}

// wantProblem checks that err is Invalid and names field among its problems.
func wantProblem(t *testing.T, err error, field string) {
	t.Helper()
	if !wantCode(t, err, care.Invalid) {
		return
	}
	var fields []string
	for _, p := range care.ErrorProblems(err) {
		if p.Field == field {
			if p.Message == "" {
				t.Errorf("problem at %s has no message", field)
			}
			return
		}
		fields = append(fields, p.Field)
	}
	t.Errorf("error %q names fields %q, want one named %q", err, fields, field)
}

// wantProblemSuffix is wantProblem for fields a store may prefix (page
// arguments: "after" or "page.after").
func wantProblemSuffix(t *testing.T, err error, suffix string) {
	t.Helper()
	if !wantCode(t, err, care.Invalid) {
		return
	}
	var fields []string
	for _, p := range care.ErrorProblems(err) {
		if strings.HasSuffix(p.Field, suffix) {
			return
		}
		fields = append(fields, p.Field)
	}
	t.Errorf("error %q names fields %q, want one ending in %q", err, fields, suffix)
}

// wantMention checks that a store-phase error names the id at fault.
func wantMention(t *testing.T, err error, id string) {
	t.Helper()
	if err != nil && !strings.Contains(care.ErrorMessage(err), id) {
		t.Errorf("error %q does not name %q", care.ErrorMessage(err), id)
	}
}

func nodeIDs(ns []care.Node) []string {
	ids := make([]string, len(ns))
	for i, n := range ns {
		ids[i] = n.ID
	}
	return ids
}

func relIDs(rs []care.Relationship) []string {
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	return ids
}

func contactIDs(cs []care.Contact) []string {
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	return ids
}

func referralIDs(rs []care.Referral) []string {
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	return ids
}

func equalIDs(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) && (len(got) != 0 || len(want) != 0) {
		t.Errorf("%s = %q, want %q", what, got, want)
	}
}

func equalNodes(t *testing.T, what string, got, want []care.Node) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s = %q, want %q", what, nodeIDs(got), nodeIDs(want))
		return
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("%s[%d] = %+v, want %+v", what, i, got[i], want[i])
		}
	}
}

func equalRels(t *testing.T, what string, got, want []care.Relationship) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s = %q, want %q", what, relIDs(got), relIDs(want))
		return
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("%s[%d] = %s, want %s", what, i, fmtRel(got[i]), fmtRel(want[i]))
		}
	}
}

// sameInstant reports whether got is want's instant, in UTC.
func sameInstant(got, want time.Time) bool {
	return got.Equal(want) && got.Location() == time.UTC
}

// equalRecords compares two lists of timed records: by id list when the
// lengths differ, else record by record, with same saying whether two
// records are equal and show printing one.
func equalRecords[T any](t *testing.T, what string, got, want []T, ids func([]T) []string, same func(g, w T) bool, show func(T) string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s = %q, want %q", what, ids(got), ids(want))
		return
	}
	for i := range got {
		if !same(got[i], want[i]) {
			t.Errorf("%s[%d] = %s, want %s", what, i, show(got[i]), show(want[i]))
		}
	}
}

func equalContacts(t *testing.T, what string, got, want []care.Contact) {
	t.Helper()
	equalRecords(t, what, got, want, contactIDs, func(g, w care.Contact) bool {
		return sameInstant(g.At, w.At) && g.ID == w.ID && g.Person == w.Person && g.Professional == w.Professional &&
			g.Organisation == w.Organisation && g.Mode == w.Mode && g.Setting == w.Setting
	}, fmtContact)
}

func equalReferrals(t *testing.T, what string, got, want []care.Referral) {
	t.Helper()
	equalRecords(t, what, got, want, referralIDs, func(g, w care.Referral) bool {
		return sameInstant(g.At, w.At) && g.ID == w.ID && g.Person == w.Person && g.From == w.From && g.To == w.To && g.Reason == w.Reason
	}, fmtReferral)
}

func fmtSpan(s care.Span) string {
	from, to := s.From.String(), s.To.String()
	if s.From == care.NoStart {
		from = "…"
	}
	if s.To == care.NoEnd {
		to = "…"
	}
	return from + ".." + to
}

func fmtRel(r care.Relationship) string {
	return fmt.Sprintf("rel %s %s %s->%s [%s] role=%q coord=%t relation=%q consent=%t channel=%q",
		r.ID, r.Type, r.From, r.To, fmtSpan(r.Span), r.Role, r.Coordinator, r.Relation, r.Consent, r.Channel)
}

func fmtTime(t time.Time) string {
	s := t.Format(time.RFC3339Nano)
	if t.Location() != time.UTC {
		s += " (not UTC: " + t.Location().String() + ")"
	}
	return s
}

func fmtContact(c care.Contact) string {
	return fmt.Sprintf("contact %s person=%s prof=%s org=%s at=%s mode=%s setting=%q",
		c.ID, c.Person, c.Professional, c.Organisation, fmtTime(c.At), c.Mode, c.Setting)
}

func fmtReferral(r care.Referral) string {
	return fmt.Sprintf("referral %s person=%s %s->%s at=%s reason=%q", r.ID, r.Person, r.From, r.To, fmtTime(r.At), r.Reason)
}

func fmtNode(n care.Node) string {
	return fmt.Sprintf("node %s %s name=%q role=%s sector=%s locality=%q", n.ID, n.Kind, n.Name, n.Role, n.Sector, n.Locality)
}

// dump renders everything in s as sorted lines, through EachPerson and
// Services (which between them return every record), so that two states
// can be compared whole.
func dump(t *testing.T, s care.Store) []string {
	t.Helper()
	var lines []string
	err := s.EachPerson(t.Context(), func(p *care.PersonRecord) error {
		lines = append(lines, fmtNode(p.Person))
		for _, r := range p.Relationships {
			lines = append(lines, fmtRel(r))
		}
		for _, c := range p.Contacts {
			lines = append(lines, fmtContact(c))
		}
		for _, r := range p.Referrals {
			lines = append(lines, fmtReferral(r))
		}
		for _, c := range p.Consents {
			lines = append(lines, fmtConsent(c))
		}
		return nil
	})
	if err != nil {
		t.Fatalf("EachPerson: %v", err)
	}
	svc, err := s.Services(t.Context())
	if err != nil {
		t.Fatalf("Services: %v", err)
	}
	for _, n := range svc.Nodes {
		lines = append(lines, fmtNode(n))
	}
	for _, r := range svc.Relationships {
		lines = append(lines, fmtRel(r))
	}
	sort.Strings(lines)
	return lines
}

// assertState fails the test with a line diff when got differs from want.
func assertState(t *testing.T, when string, got, want []string) {
	t.Helper()
	if slices.Equal(got, want) {
		return
	}
	in := func(list []string, s string) bool {
		_, ok := slices.BinarySearch(list, s)
		return ok
	}
	var b strings.Builder
	for _, l := range want {
		if !in(got, l) {
			fmt.Fprintf(&b, "\n  - %s", l)
		}
	}
	for _, l := range got {
		if !in(want, l) {
			fmt.Fprintf(&b, "\n  + %s", l)
		}
	}
	t.Errorf("state %s differs (- missing, + unexpected):%s", when, b.String())
}

// asOf is a one-day window.
func asOf(y int, m time.Month, d int) care.Window { return care.AsOf(care.MakeDate(y, m, d)) }

// between is the window [from, to], inclusive.
func between(y1 int, m1 time.Month, d1 int, y2 int, m2 time.Month, d2 int) care.Window {
	return care.Window{From: care.MakeDate(y1, m1, d1), To: care.MakeDate(y2, m2, d2)}
}

var errStop = errors.New("storetest: stop")

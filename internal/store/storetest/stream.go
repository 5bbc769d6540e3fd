package storetest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/careweb/careweb/internal/care"
)

// streamOf returns a next function for care.BulkWriter that yields
// batches in order, then io.EOF. at, when set, is called with each
// position before it is served and may replace the batch or fail.
func streamOf(batches []care.Batch, at func(i int) (*care.Batch, error)) func() (care.Batch, error) {
	i := 0
	return func() (care.Batch, error) {
		if i >= len(batches) {
			return care.Batch{}, io.EOF
		}
		b := batches[i]
		if at != nil {
			alt, err := at(i)
			if err != nil {
				return care.Batch{}, err
			}
			if alt != nil {
				b = *alt
			}
		}
		i++
		return b, nil
	}
}

func bulk(t *testing.T, s care.Store) care.BulkWriter {
	t.Helper()
	bw, ok := s.(care.BulkWriter)
	if !ok {
		t.Fatalf("%T does not implement care.BulkWriter", s)
	}
	return bw
}

func addResults(a, b care.ApplyResult) care.ApplyResult {
	return care.ApplyResult{
		Nodes: a.Nodes + b.Nodes, Relationships: a.Relationships + b.Relationships, Consents: a.Consents + b.Consents,
		Contacts: a.Contacts + b.Contacts, Referrals: a.Referrals + b.Referrals, Ended: a.Ended + b.Ended,
		Removed: a.Removed + b.Removed, Deleted: a.Deleted + b.Deleted,
	}
}

// simpleStream is three batches over the fixture: new nodes, then
// relationships and a consent record joining them, then their contacts
// and a referral.
func simpleStream() []care.Batch {
	at := time.Date(2025, 2, 3, 4, 5, 6, 7, time.UTC)
	b2 := care.Batch{Referrals: []care.Referral{{ID: "rf-s1", Person: "p-s1", From: "pr-s1", To: "o-s1", At: at, Reason: "review"}}}
	for i := range 6 {
		b2.Contacts = append(b2.Contacts, care.Contact{ID: fmt.Sprintf("ks-%d", i), Person: "p-s1", Professional: "pr-s1",
			Organisation: "o-s1", At: at.Add(time.Duration(i) * time.Hour), Mode: care.ModeHomeVisit})
	}
	return []care.Batch{
		{Nodes: []care.Node{
			{ID: "p-s1", Kind: care.KindPerson, Name: "Stream Person"},
			{ID: "pr-s1", Kind: care.KindProfessional, Name: "Stream Pro", Role: care.RoleDistrictNurse},
			{ID: "o-s1", Kind: care.KindOrganisation, Name: "Stream Org", Sector: care.SectorCommunityHealth},
			{ID: "c-s1", Kind: care.KindCarer, Name: "Stream Carer"},
		}},
		{
			Relationships: []care.Relationship{
				{Type: care.InvolvedIn, From: "pr-s1", To: "p-s1", Span: care.Always},
				{Type: care.WorksIn, From: "pr-s1", To: "o-s1", Span: care.Always},
				{Type: care.CaresFor, From: "c-s1", To: "p-s1", Span: care.Always, Consent: true},
			},
			Consents: []care.Consent{{ID: "cs-s1", Person: "p-s1", Grantee: "c-s1", Basis: care.BasisConsent, Decision: care.Permit,
				Span: care.Always, RecordedAt: at, RecordedBy: "pr-s1"}},
		},
		b2,
	}
}

// trickyStream is three batches over the fixture in which later batches
// rewrite, remove and write again what earlier ones wrote, and what was
// stored before: the cases a store that holds a stream's writes until
// its end must get right.
func trickyStream() []care.Batch {
	d := care.MakeDate
	t1 := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	return []care.Batch{
		{
			Nodes: []care.Node{
				{ID: "p-s1", Kind: care.KindPerson, Name: "Stream Person"},
				{ID: "pr-s1", Kind: care.KindProfessional, Name: "Stream Pro", Role: care.RoleGP},
				{ID: "o-s1", Kind: care.KindOrganisation, Name: "Stream Org"},
				{ID: "c-s1", Kind: care.KindCarer, Name: "Stream Carer"},
				{ID: "x-s1", Kind: care.KindPerson, Name: "Soon Gone"},
			},
			Relationships: []care.Relationship{{ID: "rs-1", Type: care.LinkedTo, From: "pr-s1", To: "o-s1", Span: care.Always}},
			Consents: []care.Consent{{ID: "cs-s1", Person: "p-s1", Grantee: "c-s1", Basis: care.BasisConsent, Decision: care.Permit,
				Span: care.Always, RecordedAt: t1, RecordedBy: "x-s1"}},
			Contacts: []care.Contact{
				{ID: "ks-1", Person: "p-s1", Professional: "pr-s1", At: t1},
				{ID: "ks-2", Person: "p-ada", Professional: "pr-green", At: t1.Add(time.Hour)},
				{ID: "ks-3", Person: "x-s1", Professional: "pr-s1", At: t1},
			},
			Referrals: []care.Referral{{ID: "rf-1", Person: "p-s1", From: "pr-s1", To: "o-s1", At: t1}},
		},
		{
			Relationships: []care.Relationship{
				{Type: care.InvolvedIn, From: "pr-s1", To: "p-s1", Span: care.Span{From: d(2025, 1, 1), To: care.NoEnd}},
				{Type: care.CaresFor, From: "c-s1", To: "p-s1", Span: care.Always},
			},
			// ks-1 (written by batch 0) and k01 (stored before) move.
			Contacts: []care.Contact{
				{ID: "ks-1", Person: "p-ada", Professional: "pr-s1", At: t1.Add(-time.Hour), Mode: care.ModePhone},
				{ID: "k01", Person: "p-s1", Professional: "pr-green", At: t1.Add(2 * time.Hour)},
			},
			RemoveRelationships: []string{"rs-1", "l-green-nurse"},
			DeleteReferrals:     []string{"rf-1", "r9"},
			// x-s1 recorded cs-s1 and is ks-3's person.
			DeleteNodes: []care.DeleteNode{{ID: "x-s1", Cascade: true}},
		},
		{
			// x-s1 comes back as another kind; p-cyd is renamed.
			Nodes: []care.Node{
				{ID: "x-s1", Kind: care.KindCarer, Name: "Back Again"},
				{ID: "p-cyd", Kind: care.KindPerson, Name: "Cyd Renamed"},
			},
			Relationships: []care.Relationship{
				{ID: "rs-1", Type: care.LinkedTo, From: "pr-s1", To: "pr-green", Span: care.Span{From: d(2025, 1, 1), To: care.NoEnd}},
				{ID: "l-green-nurse", Type: care.LinkedTo, From: "pr-green", To: "pr-nurse", Span: care.Always, Channel: "again"},
				{Type: care.CaresFor, From: "x-s1", To: "p-s1", Span: care.Always},
			},
			EndRelationships: []care.EndRelationship{{ID: care.RelationshipID(care.InvolvedIn, "pr-s1", "p-s1", d(2025, 1, 1)), To: d(2025, 6, 30)}},
			Consents: []care.Consent{{ID: "cs-s1", Person: "p-s1", Grantee: "x-s1", Basis: care.BasisLPA, Decision: care.Deny,
				Span: care.Always, RecordedAt: t1.Add(time.Minute), RecordedBy: "c-s1"}},
			Contacts: []care.Contact{
				{ID: "ks-1", Person: "p-s1", Professional: "pr-s1", At: t1.Add(3 * time.Hour)},
				{ID: "ks-3", Person: "p-s1", Professional: "pr-s1", At: t1},
			},
			Referrals:      []care.Referral{{ID: "rf-1", Person: "p-ada", From: "o-s1", To: "pr-s1", At: t1, Reason: "again"}},
			DeleteContacts: []string{"ks-2", "k01", "k02"},
			DeleteNodes:    []care.DeleteNode{{ID: "pr-other", Cascade: true}},
		},
	}
}

// applyEach applies batches one by one to a fresh store holding the
// fixture and returns the summed result and the final state; the store is
// closed before returning (Run never holds two stores open).
func applyEach(t *testing.T, open func(t *testing.T) care.Store, batches []care.Batch) (care.ApplyResult, []string) {
	t.Helper()
	s := open(t)
	defer closeStore(t, s)
	mustApply(t, s, Fixture())
	var sum care.ApplyResult
	for i, b := range batches {
		res, err := s.Apply(t.Context(), b)
		if err != nil {
			t.Fatalf("Apply(batch %d): %v", i, err)
		}
		sum = addResults(sum, res)
	}
	return sum, dump(t, s)
}

func testApplyStream(t *testing.T, open func(t *testing.T) care.Store) {
	for _, tc := range []struct {
		name       string
		batches    []care.Batch
		idempotent bool // (trickyStream changes a node's kind)
	}{{"ThreeBatches", simpleStream(), true}, {"LaterBatchesRewriteEarlier", trickyStream(), false}} {
		t.Run(tc.name, func(t *testing.T) {
			wantRes, want := applyEach(t, open, tc.batches)
			s := openFixture(t, open)
			res, err := bulk(t, s).ApplyStream(t.Context(), streamOf(tc.batches, nil))
			if err != nil {
				t.Fatalf("ApplyStream: %v", err)
			}
			if res != wantRes {
				t.Errorf("ApplyStream = %+v, want the sum of applying each batch, %+v", res, wantRes)
			}
			assertState(t, "after the stream (against applying each batch)", dump(t, s), want)
			if !tc.idempotent {
				return
			}
			// Idempotent: running the whole stream again changes nothing.
			if _, err := bulk(t, s).ApplyStream(t.Context(), streamOf(tc.batches, nil)); err != nil {
				t.Fatalf("ApplyStream again: %v", err)
			}
			assertState(t, "after running the stream again", dump(t, s), want)
		})
	}
	t.Run("Empty", func(t *testing.T) {
		s := openFixture(t, open)
		before := dump(t, s)
		res, err := bulk(t, s).ApplyStream(t.Context(), streamOf(nil, nil))
		if err != nil || res != (care.ApplyResult{}) {
			t.Errorf("empty stream = %+v, %v; want a zero result", res, err)
		}
		res, err = bulk(t, s).ApplyStream(t.Context(), streamOf([]care.Batch{{}, {}}, nil))
		if err != nil || res != (care.ApplyResult{}) {
			t.Errorf("stream of empty batches = %+v, %v; want a zero result", res, err)
		}
		assertState(t, "after empty streams", dump(t, s), before)
	})
	t.Run("CallersBatchesUntouched", func(t *testing.T) {
		s := openFixture(t, open)
		batches := simpleStream()
		zone := time.FixedZone("UTC+3", 3*3600)
		batches[2].Contacts[0].At = batches[2].Contacts[0].At.In(zone)
		batches[2].Contacts[0].Mode = ""
		if _, err := bulk(t, s).ApplyStream(t.Context(), streamOf(batches, nil)); err != nil {
			t.Fatalf("ApplyStream: %v", err)
		}
		if c := batches[2].Contacts[0]; c.At.Location() != zone || c.Mode != "" {
			t.Errorf("ApplyStream changed the caller's batch: %+v", c)
		}
	})
	t.Run("Failure", func(t *testing.T) { testApplyStreamFailure(t, openFixture(t, open)) })
}

// testApplyStreamFailure fails a stream of three batches at its last
// batch, each way it can fail, and checks that nothing of it was written.
func testApplyStreamFailure(t *testing.T, s care.Store) {
	before := dump(t, s)
	good := simpleStream()
	with := func(f func(b *care.Batch)) func(i int) (*care.Batch, error) {
		return func(i int) (*care.Batch, error) {
			if i != 2 {
				return nil, nil
			}
			b := simpleStream()[2]
			f(&b)
			return &b, nil
		}
	}
	errSource := errors.New("storetest: the source failed")
	sourceInvalid := func() error {
		var ps care.Problems
		ps.Add("contacts.csv:12.at", "yesterday", "not a time")
		return ps.Err("unreadable import")
	}()
	// Many contacts, so that a store validating large batches alongside
	// writing them does so; the last one is bad.
	big := func(b *care.Batch) {
		base := b.Contacts[0]
		for i := range 3000 {
			c := base
			c.ID = fmt.Sprintf("kb-%04d", i)
			b.Contacts = append(b.Contacts, c)
		}
		b.Contacts[len(b.Contacts)-1].At = time.Time{}
	}
	cases := []struct {
		name    string
		at      func(i int) (*care.Batch, error)
		cancel  bool // cancel the context while serving batch 2
		code    care.Code
		field   string   // for Invalid
		mention []string // in the message, for other codes
		is      error    // errors.Is the returned error
	}{
		{name: "Invalid", code: care.Invalid, field: "batch[2].contacts[5].person",
			at: with(func(b *care.Batch) { b.Contacts[5].Person = "pr-s1" })},
		{name: "InvalidLarge", code: care.Invalid, field: "batch[2].contacts[3005].at", at: with(big)},
		// Batch 2 deletes batch 0's node, which batch 1 made others refer to.
		{name: "Conflict", code: care.Conflict, mention: []string{"batch[2]: ", "c-s1"},
			at: with(func(b *care.Batch) { b.DeleteNodes = []care.DeleteNode{{ID: "c-s1"}} })},
		{name: "NotFound", code: care.NotFound, mention: []string{"batch[2]: ", "k-nobody"},
			at: with(func(b *care.Batch) { b.DeleteContacts = []string{"k-nobody"} })},
		{name: "SourceError", code: care.Internal, is: errSource,
			at: func(i int) (*care.Batch, error) {
				if i == 2 {
					return nil, errSource
				}
				return nil, nil
			}},
		{name: "SourceProblems", code: care.Invalid, field: "contacts.csv:12.at",
			at: func(i int) (*care.Batch, error) {
				if i == 2 {
					return nil, sourceInvalid
				}
				return nil, nil
			}},
		{name: "Cancelled", code: care.Unavailable, cancel: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			at := tc.at
			if tc.cancel {
				at = func(i int) (*care.Batch, error) {
					if i == 2 {
						cancel()
					}
					return nil, nil
				}
			}
			_, err := bulk(t, s).ApplyStream(ctx, streamOf(good, at))
			switch {
			case tc.code == care.Invalid:
				wantProblem(t, err, tc.field)
			case wantCode(t, err, tc.code):
				for _, m := range tc.mention {
					wantMention(t, err, m)
				}
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v does not wrap the source's error", err)
			}
			assertState(t, "after a failed stream", dump(t, s), before)
			for _, id := range []string{"p-s1", "pr-s1", "c-s1"} {
				if _, err := s.Node(t.Context(), id); care.ErrorCode(err) != care.NotFound {
					t.Errorf("Node(%q) after a failed stream: %v, want NotFound", id, err)
				}
			}
		})
	}
	t.Run("FirstBatch", func(t *testing.T) {
		bad := simpleStream()
		bad[0].Nodes[1].Kind = "robot"
		_, err := bulk(t, s).ApplyStream(t.Context(), streamOf(bad, nil))
		wantProblem(t, err, "batch[0].nodes[1].kind")
		assertState(t, "after a failed stream", dump(t, s), before)
	})
	t.Run("CancelledBeforeStart", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		_, err := bulk(t, s).ApplyStream(ctx, streamOf(good, nil))
		wantCode(t, err, care.Unavailable)
		assertState(t, "after a cancelled stream", dump(t, s), before)
	})
	// A later batch that refers to what a failed stream would have
	// written finds nothing: the stream left no trace in validation
	// either.
	t.Run("NoTrace", func(t *testing.T) {
		_, err := s.Apply(t.Context(), simpleStream()[1])
		if wantCode(t, err, care.Invalid) && !strings.Contains(err.Error(), "pr-s1") {
			t.Errorf("error %v does not name pr-s1", err)
		}
	})
}

// testApplyStreamDurable is RunDurability's part for streams: what a
// stream wrote survives reopening, and a failed stream leaves nothing on
// disk either.
func testApplyStreamDurable(t *testing.T, openAt func(t *testing.T, dir string) care.Store) {
	dir := t.TempDir()
	s := openAt(t, dir)
	mustApply(t, s, Fixture())
	bad := simpleStream()
	bad[2].Contacts[5].Person = "pr-s1"
	before := dump(t, s)
	if _, err := bulk(t, s).ApplyStream(t.Context(), streamOf(bad, nil)); care.ErrorCode(err) != care.Invalid {
		t.Fatalf("bad stream: %v, want Invalid", err)
	}
	closeStore(t, s)
	s = openAt(t, dir)
	assertState(t, "after a failed stream and reopening", dump(t, s), before)

	if _, err := bulk(t, s).ApplyStream(t.Context(), streamOf(trickyStream(), nil)); err != nil {
		t.Fatalf("ApplyStream: %v", err)
	}
	want := dump(t, s)
	closeStore(t, s)
	s = openAt(t, dir)
	assertState(t, "after a stream and reopening", dump(t, s), want)
	// The reopened store still takes writes to what the stream wrote.
	mustApply(t, s, care.Batch{DeleteNodes: []care.DeleteNode{{ID: "p-s1", Cascade: true}, {ID: "x-s1", Cascade: true}}})
	closeStore(t, s)
}

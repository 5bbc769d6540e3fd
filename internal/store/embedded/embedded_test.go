package embedded

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/store/storetest"
)

func openTemp(t *testing.T) care.Store {
	t.Helper()
	return openAt(t, t.TempDir())
}

func openAt(t *testing.T, dir string) care.Store {
	t.Helper()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatalf("Open(%s): %v", dir, err)
	}
	return s
}

func TestContract(t *testing.T) {
	storetest.Run(t, openTemp)
}

func TestDurability(t *testing.T) {
	storetest.RunDurability(t, openAt)
}

func TestOpenCreatesPrivateFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "nested")
	s := openAt(t, dir)
	defer s.Close()
	for path, want := range map[string]os.FileMode{dir: 0o700, filepath.Join(dir, FileName): 0o600} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%s has mode %v, want %v", path, got, want)
		}
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	dir := t.TempDir()
	s := openAt(t, dir)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	setSchema(t, dir, schemaVersion+1)
	_, err := Open(dir, Options{})
	if err == nil {
		t.Fatal("Open accepted a store of a newer schema")
	}
	if msg := err.Error(); !strings.Contains(msg, fmt.Sprintf("schema version %d", schemaVersion+1)) || !strings.Contains(msg, "upgrade") {
		t.Errorf("error %q does not say the schema is newer and what to do", msg)
	}
	if care.ErrorCode(err) != care.Unavailable {
		t.Errorf("code %s, want Unavailable", care.ErrorCode(err))
	}
}

func TestOpenRefusesForeignFile(t *testing.T) {
	dir := t.TempDir()
	db, err := bbolt.Open(filepath.Join(dir, FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *bbolt.Tx) error { _, err := tx.CreateBucket(bucketNodes); return err }); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := Open(dir, Options{}); err == nil || !strings.Contains(err.Error(), "not a CareWeb store") {
		t.Errorf("Open of a file without a schema version: %v", err)
	}
}

// TestOpenUpgradesSchema1 opens a store as schema version 1 left it (no
// consents bucket): it opens with its data, and is version 2 after.
func TestOpenUpgradesSchema1(t *testing.T) {
	dir := t.TempDir()
	s := openAt(t, dir)
	mustApply(t, s, storetest.Fixture())
	want, err := s.Node(t.Context(), "p-ada")
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	setSchema(t, dir, 1)
	db, err := bbolt.Open(filepath.Join(dir, FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bbolt.Tx) error { return tx.DeleteBucket(bucketConsents) })
	db.Close()
	if err != nil {
		t.Fatal(err)
	}

	s = openAt(t, dir)
	if got, err := s.Node(t.Context(), "p-ada"); err != nil || got != want {
		t.Errorf("after the upgrade Node(p-ada) = %+v, %v; want %+v", got, err, want)
	}
	c := care.Consent{ID: "cs1", Person: "p-ada", Grantee: "c-dau", Basis: care.BasisConsent, Decision: care.Permit,
		Span: care.Always, RecordedAt: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	mustApply(t, s, care.Batch{Consents: []care.Consent{c}})
	s.Close()
	s = openAt(t, dir)
	defer s.Close()
	if cs, err := s.Consents(t.Context(), "p-ada"); err != nil || len(cs) != 1 || cs[0] != c {
		t.Errorf("Consents after the upgrade and a reopen = %+v, %v; want %+v", cs, err, c)
	}
	err = s.(*Store).db.View(func(tx *bbolt.Tx) error {
		d := dec{b: tx.Bucket(bucketMeta).Get(keySchema)}
		if v := d.u32(); v != schemaVersion {
			t.Errorf("schema version %d after the upgrade, want %d", v, schemaVersion)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func setSchema(t *testing.T, dir string, v uint32) {
	t.Helper()
	db, err := bbolt.Open(filepath.Join(dir, FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bbolt.Tx) error {
		var e enc
		e.u32(v)
		return tx.Bucket(bucketMeta).Put(keySchema, e.b)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestOpenLocked(t *testing.T) {
	dir := t.TempDir()
	s := openAt(t, dir)
	defer s.Close()
	start := time.Now()
	_, err := Open(dir, Options{LockTimeout: 50 * time.Millisecond})
	if care.ErrorCode(err) != care.Unavailable || !strings.Contains(err.Error(), "in use") {
		t.Errorf("second Open of a directory in use: %v, want Unavailable saying it is in use", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("the lock timeout was not honoured")
	}
}

func TestOpenCorrupt(t *testing.T) {
	dir := t.TempDir()
	s := openAt(t, dir)
	mustApply(t, s, storetest.Fixture())
	s.Close()
	db, err := bbolt.Open(filepath.Join(dir, FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bbolt.Tx) error { return tx.Bucket(bucketContacts).Put([]byte("k01"), []byte{1, 2, 3}) })
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	_, err = Open(dir, Options{})
	if care.ErrorCode(err) != care.Internal || !strings.Contains(fmt.Sprint(errors.Unwrap(err)), `contacts "k01"`) {
		t.Errorf("Open of a damaged record: %v (cause %v), want Internal naming the record", err, errors.Unwrap(err))
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

// TestFailedCommitChangesNothing makes the transaction fail after every
// write of a batch has been made in it: neither the file nor the index may
// show any of it, now or after reopening.
func TestFailedCommitChangesNothing(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	mustApply(t, s, storetest.Fixture())
	before := snapshot(t, s)
	s.beforeCommit = func() error { return errors.New("disk full (simulated)") }
	_, err = s.Apply(t.Context(), care.Batch{
		Nodes:            []care.Node{{ID: "o-new", Kind: care.KindOrganisation, Name: "New"}},
		Relationships:    []care.Relationship{{ID: "l-new", Type: care.LinkedTo, From: "o-new", To: "o-surgery", Span: care.Always}},
		EndRelationships: []care.EndRelationship{{ID: "l-green-nurse", To: care.MakeDate(2024, 12, 1)}},
		Contacts:         []care.Contact{{ID: "k01", Person: "p-bob", Professional: "pr-other", At: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}, {ID: "k-new", Person: "p-ada", Professional: "pr-green", At: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}},
		Referrals:        []care.Referral{{ID: "r-new", Person: "p-ada", From: "pr-green", To: "o-new", At: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}},
		DeleteContacts:   []string{"k02"},
		DeleteNodes:      []care.DeleteNode{{ID: "pr-nurse", Cascade: true}},
	})
	if care.ErrorCode(err) != care.Internal {
		t.Errorf("Apply with a failing commit: %v, want Internal", err)
	}
	if after := snapshot(t, s); after != before {
		t.Errorf("the index changed after a failed commit:\n%s\nwant\n%s", after, before)
	}
	s.beforeCommit = nil
	// The store still works, and the next commit is unaffected.
	mustApply(t, s, care.Batch{Nodes: []care.Node{{ID: "o-next", Kind: care.KindOrganisation, Name: "Next"}}})
	reopen(t, s, dir, "after reopening").Close()
}

// reopen closes s, opens dir again, and fails t (saying when) unless the
// store reads back as s did; the caller closes the store it returns.
func reopen(t *testing.T, s care.Store, dir, when string) care.Store {
	t.Helper()
	want := snapshot(t, s)
	s.Close()
	s2 := openAt(t, dir)
	if got := snapshot(t, s2); got != want {
		t.Errorf("%s, the store reads:\n%s\nwant (before closing)\n%s", when, got, want)
	}
	return s2
}

// snapshot renders the whole store (through EachPerson and Services).
func snapshot(t *testing.T, s care.Store) string {
	t.Helper()
	var b strings.Builder
	err := s.EachPerson(t.Context(), func(p *care.PersonRecord) error {
		fmt.Fprintf(&b, "%+v\n", *p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := s.Services(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "%+v\n", *svc)
	return b.String()
}

// TestSurvivesKill applies a batch in a child process that is then killed
// without closing the store: what Apply reported as written must be there
// when the directory is opened again.
func TestSurvivesKill(t *testing.T) {
	if dir := os.Getenv("CAREWEB_EMBEDDED_KILL_DIR"); dir != "" {
		s, err := Open(dir, Options{})
		if err != nil {
			fmt.Println("open:", err)
			os.Exit(2)
		}
		if _, err := s.Apply(t.Context(), storetest.Fixture()); err != nil {
			fmt.Println("apply:", err)
			os.Exit(2)
		}
		fmt.Println("applied")
		os.Stdout.Sync()
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {}
	}
	if testing.Short() {
		t.Skip("starts a child process")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestSurvivesKill$", "-test.count=1")
	cmd.Env = append(os.Environ(), "CAREWEB_EMBEDDED_KILL_DIR="+dir)
	out, err := cmd.Output()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("child: %v, output %q; want it killed", err, out)
	}
	if !strings.Contains(string(out), "applied") {
		t.Fatalf("child did not apply: %q", out)
	}
	s := openAt(t, dir)
	defer s.Close()
	page, err := s.ListNodes(t.Context(), care.NodeQuery{Page: care.Page{First: 1}})
	if err != nil || page.Info.TotalCount != 14 {
		t.Fatalf("after the kill: %d nodes (%v), want the fixture's 14", page.Info.TotalCount, err)
	}
	c, err := s.Contacts(t.Context(), care.EventQuery{Person: "p-ada", Window: care.Always})
	if err != nil || c.Info.TotalCount != 9 {
		t.Errorf("after the kill: p-ada has %d contacts (%v), want 9", c.Info.TotalCount, err)
	}
}

// TestConcurrentReadsDuringWrites runs readers flat out while a writer
// moves contacts between people; every read must see a consistent index
// (run with -race).
func TestConcurrentReadsDuringWrites(t *testing.T) {
	s := openTemp(t).(*Store)
	defer s.Close()
	mustApply(t, s, storetest.Fixture())
	base := time.Date(2024, 9, 1, 0, 0, 0, 0, time.UTC)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for r := range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				// p-ada and p-bob share 20 contacts between them at all times.
				total := 0
				for _, p := range []string{"p-ada", "p-bob"} {
					page, err := s.Contacts(t.Context(), care.EventQuery{Person: p, Window: care.Window{From: care.DateOf(base), To: care.NoEnd}, Page: care.Page{First: 100}})
					if err != nil {
						errs <- err
						return
					}
					for i := 1; i < len(page.Contacts); i++ {
						if page.Contacts[i].Less(page.Contacts[i-1]) {
							errs <- fmt.Errorf("reader %d: %s's contacts out of order", r, p)
							return
						}
					}
					total += len(page.Contacts)
				}
				// Two reads are not one snapshot, so only bound the total.
				if total > 40 {
					errs <- fmt.Errorf("reader %d saw %d moving contacts", r, total)
					return
				}
				if _, err := s.Web(t.Context(), "p-ada", care.Always); err != nil {
					errs <- err
					return
				}
				if _, err := s.ListNodes(t.Context(), care.NodeQuery{Sort: care.SortByName, ActiveIn: &care.Window{From: care.DateOf(base), To: care.NoEnd}}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	for round := range 30 {
		var b care.Batch
		for k := range 20 {
			person := "p-ada"
			if (k+round)%2 == 1 {
				person = "p-bob"
			}
			b.Contacts = append(b.Contacts, care.Contact{ID: fmt.Sprintf("km%02d", k), Person: person, Professional: "pr-green",
				At: base.Add(time.Duration((k*7+round*3)%50) * time.Hour)})
		}
		if _, err := s.Apply(t.Context(), b); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestIndexMatchesDiskAfterChurn applies many mixed batches, then checks
// that the index kept in step with writes equals the one loaded from disk.
func TestIndexMatchesDiskAfterChurn(t *testing.T) {
	dir := t.TempDir()
	s := openAt(t, dir)
	mustApply(t, s, storetest.Fixture())
	base := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	people := []string{"p-ada", "p-bob", "p-cyd"}
	pros := []string{"pr-green", "pr-nurse", "pr-patel", "pr-social"}
	have := map[string]bool{}
	for round := range 40 {
		var b care.Batch
		for k := range 25 {
			id := fmt.Sprintf("kc%03d", (round*17+k*31)%120)
			if round%3 == 2 && have[id] && len(b.DeleteContacts) < 3 {
				b.DeleteContacts = append(b.DeleteContacts, id)
				delete(have, id)
				continue
			}
			have[id] = true
			b.Contacts = append(b.Contacts, care.Contact{
				ID: id, Person: people[(round+k)%3], Professional: pros[(round*k)%4],
				At:   base.Add(time.Duration((round*131+k*977)%5000) * time.Hour),
				Mode: care.Modes[k%len(care.Modes)], Setting: fmt.Sprintf("s%d", k%4),
			})
		}
		b.Referrals = append(b.Referrals, care.Referral{ID: fmt.Sprintf("rc%02d", round%7), Person: people[round%3], From: pros[round%4], To: "o-hospital", At: base.Add(time.Duration(round) * 24 * time.Hour)})
		if _, err := s.Apply(t.Context(), b); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
	}
	// Delete a professional with a cascade, re-create them, and churn again.
	mustApply(t, s, care.Batch{DeleteNodes: []care.DeleteNode{{ID: "pr-patel", Cascade: true}}})
	mustApply(t, s, care.Batch{Nodes: []care.Node{{ID: "pr-patel", Kind: care.KindProfessional, Name: "Priya Patel", Role: care.RolePracticeNurse}},
		Contacts: []care.Contact{{ID: "kc000", Person: "p-cyd", Professional: "pr-patel", At: base}}})
	// The index kept in step with the writes must be the one loaded.
	reopen(t, s, dir, "after the churn and reopening").Close()
}

func TestClosed(t *testing.T) {
	s := openTemp(t)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if err := s.Ping(t.Context()); care.ErrorCode(err) != care.Unavailable {
		t.Errorf("Ping after Close: %v, want Unavailable", err)
	}
	if _, err := s.Apply(t.Context(), storetest.Fixture()); care.ErrorCode(err) != care.Unavailable {
		t.Errorf("Apply after Close: %v, want Unavailable", err)
	}
	if _, err := s.Node(t.Context(), "p-ada"); care.ErrorCode(err) != care.Unavailable {
		t.Errorf("Node after Close: %v, want Unavailable", err)
	}
}

func TestApplyLeavesCallerBatch(t *testing.T) {
	s := openTemp(t)
	defer s.Close()
	b := storetest.Fixture()
	want := fmt.Sprintf("%+v", b)
	mustApply(t, s, b)
	if got := fmt.Sprintf("%+v", b); got != want {
		t.Errorf("Apply changed the caller's batch")
	}
}

func TestListNodesInvalidQuery(t *testing.T) {
	s := openTemp(t)
	defer s.Close()
	_, err := s.ListNodes(t.Context(), care.NodeQuery{Sort: "SIZE", Kinds: []care.Kind{care.KindPerson, "robot"}})
	probs := care.ErrorProblems(err)
	if care.ErrorCode(err) != care.Invalid || len(probs) != 2 || probs[0].Field != "sort" || probs[1].Field != "kinds[1]" {
		t.Errorf("ListNodes(bad sort and kind) = %v, want Invalid naming sort and kinds[1]", err)
	}
}

// TestLargeBatches covers batches big enough to be validated while the
// transaction is prepared: a bad row anywhere still fails the whole batch
// with validation's error, however far the preparation got.
func TestLargeBatches(t *testing.T) {
	s := openTemp(t)
	defer s.Close()
	mustApply(t, s, storetest.Fixture())
	base := time.Date(2024, 9, 1, 0, 0, 0, 0, time.UTC)
	batch := func(n int) []care.Contact {
		cs := make([]care.Contact, n)
		for i := range cs {
			cs[i] = care.Contact{ID: fmt.Sprintf("kl%05d", i), Person: []string{"p-ada", "p-bob", "p-cyd"}[i%3], Professional: "pr-green", At: base.Add(time.Duration(i) * time.Minute)}
		}
		return cs
	}
	before := snapshot(t, s)
	for _, tc := range []struct {
		name  string
		b     func() care.Batch
		field string
	}{
		{"DanglingLastRow", func() care.Batch {
			cs := batch(3000)
			cs[2999].Professional = "nobody"
			return care.Batch{Contacts: cs}
		}, "contacts[2999].professional"},
		{"DuplicateIDs", func() care.Batch {
			cs := batch(3000)
			cs[1500].ID = cs[10].ID
			return care.Batch{Contacts: cs}
		}, "contacts[1500].id"},
		// Rows that also break the preparation: an unknown node, an end
		// of a missing relationship, a delete of a missing node.
		{"BadEverywhere", func() care.Batch {
			cs := batch(3000)
			cs[0].Person = "nobody"
			return care.Batch{Contacts: cs, EndRelationships: []care.EndRelationship{{ID: "nope", To: care.MakeDate(2024, 1, 1)}},
				DeleteNodes: []care.DeleteNode{{ID: "nobody", Cascade: true}}, DeleteContacts: []string{"k01"}}
		}, "contacts[0].person"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.Apply(t.Context(), tc.b())
			found := false
			for _, p := range care.ErrorProblems(err) {
				found = found || p.Field == tc.field
			}
			if care.ErrorCode(err) != care.Invalid || !found {
				t.Errorf("Apply = %v, want Invalid naming %s", err, tc.field)
			}
			if got := snapshot(t, s); got != before {
				t.Errorf("a failed large batch changed the store")
			}
		})
	}
	// Twice: once all new (ids after every stored one), once all updates.
	for range 2 {
		res := mustApply(t, s, care.Batch{Contacts: batch(3000)})
		if res.Contacts != 3000 {
			t.Errorf("Apply = %+v", res)
		}
	}
	page, err := s.Contacts(t.Context(), care.EventQuery{Person: "p-cyd", Window: care.Always, Page: care.Page{First: 1}})
	if err != nil || page.Info.TotalCount != 1000 {
		t.Errorf("p-cyd has %d contacts (%v), want 1000", page.Info.TotalCount, err)
	}
}

// TestStreamInAnyOrderMatchesDisk streams batches whose keys arrive out of
// order, and change the same keys again in later batches (removed and
// re-added relationships, a node deleted with its cascade and re-created,
// a referral deleted and re-made), in one ApplyStream. The bucket writes
// are put off and made in key order at the end (writes.go); what the index
// shows must be exactly what reopening the file loads.
func TestStreamInAnyOrderMatchesDisk(t *testing.T) {
	dir := t.TempDir()
	s := openAt(t, dir)
	const people, pros = 40, 12
	d := care.MakeDate
	base := time.Date(2024, 1, 1, 9, 0, 0, 0, time.UTC)
	// Keys in a scrambled order: i*7 mod n visits every i once.
	scrambled := func(n int) []int {
		out := make([]int, n)
		for i := range out {
			out[i] = (i*7 + 3) % n
		}
		return out
	}
	var batches []care.Batch
	var first care.Batch
	for _, i := range scrambled(people) {
		first.Nodes = append(first.Nodes,
			care.Node{ID: fmt.Sprintf("p-%03d", i), Kind: care.KindPerson, Name: fmt.Sprintf("Person %d", i)},
			care.Node{ID: fmt.Sprintf("c-%03d", i), Kind: care.KindCarer, Name: fmt.Sprintf("Carer %d", i)})
	}
	for _, i := range scrambled(pros) {
		first.Nodes = append(first.Nodes,
			care.Node{ID: fmt.Sprintf("pr-%03d", i), Kind: care.KindProfessional, Name: fmt.Sprintf("Pro %d", i), Role: care.RolePracticeNurse},
			care.Node{ID: fmt.Sprintf("o-%03d", i), Kind: care.KindOrganisation, Name: fmt.Sprintf("Org %d", i), Sector: care.SectorPrimaryCare})
	}
	batches = append(batches, first)
	// Relationships in three batches, each scrambled, so every batch
	// lands between the keys of the others.
	for part := range 3 {
		var b care.Batch
		for _, i := range scrambled(people) {
			if i%3 != part {
				continue
			}
			pr := fmt.Sprintf("pr-%03d", i%pros)
			b.Relationships = append(b.Relationships,
				care.Relationship{ID: fmt.Sprintf("cf-%03d", i), Type: care.CaresFor, From: fmt.Sprintf("c-%03d", i), To: fmt.Sprintf("p-%03d", i), Span: care.Span{From: d(2023, 1, 1), To: care.NoEnd}},
				care.Relationship{ID: fmt.Sprintf("ii-%03d", i), Type: care.InvolvedIn, From: pr, To: fmt.Sprintf("p-%03d", i), Span: care.Span{From: d(2023, 2, 1), To: care.NoEnd}})
			b.Contacts = append(b.Contacts, care.Contact{ID: fmt.Sprintf("k-%03d", i), Person: fmt.Sprintf("p-%03d", i), Professional: pr, Organisation: fmt.Sprintf("o-%03d", i%pros), At: base.Add(time.Duration(i) * time.Hour)})
			b.Referrals = append(b.Referrals, care.Referral{ID: fmt.Sprintf("r-%03d", i), Person: fmt.Sprintf("p-%03d", i), From: pr, To: fmt.Sprintf("o-%03d", (i+1)%pros), At: base.Add(time.Duration(i) * time.Hour)})
			b.Consents = append(b.Consents, care.Consent{ID: fmt.Sprintf("cs-%03d", i), Person: fmt.Sprintf("p-%03d", i), Grantee: fmt.Sprintf("c-%03d", i), Basis: care.BasisConsent, Decision: care.Permit, Span: care.Span{From: d(2023, 1, 1), To: care.NoEnd}, RecordedAt: base, RecordedBy: fmt.Sprintf("p-%03d", i)})
		}
		for _, i := range scrambled(pros) {
			if i%3 == part {
				b.Relationships = append(b.Relationships, care.Relationship{ID: fmt.Sprintf("wi-%03d", i), Type: care.WorksIn, From: fmt.Sprintf("pr-%03d", i), To: fmt.Sprintf("o-%03d", i), Span: care.Span{From: d(2020, 1, 1), To: care.NoEnd}})
			}
		}
		batches = append(batches, b)
	}
	// Change the same keys again.
	batches = append(batches,
		care.Batch{
			RemoveRelationships: []string{"cf-004", "ii-009"},
			EndRelationships:    []care.EndRelationship{{ID: "cf-010", To: d(2024, 6, 30)}},
			DeleteReferrals:     []string{"r-005"},
			DeleteNodes:         []care.DeleteNode{{ID: "pr-002", Cascade: true}, {ID: "c-011", Cascade: true}},
			// Contacts written by earlier batches of the stream, whose
			// writes wait for its end (they landed among each other's
			// keys): removed, then one written again and one moved below.
			DeleteContacts: []string{"k-008", "k-013"},
		},
		care.Batch{
			Nodes: []care.Node{{ID: "pr-002", Kind: care.KindProfessional, Name: "Pro 2 again", Role: care.RolePracticeNurse}},
			Relationships: []care.Relationship{
				{ID: "cf-004", Type: care.CaresFor, From: "c-004", To: "p-004", Span: care.Span{From: d(2024, 1, 1), To: care.NoEnd}},
				{ID: "ii-002", Type: care.InvolvedIn, From: "pr-002", To: "p-002", Span: care.Span{From: d(2024, 3, 1), To: care.NoEnd}},
			},
			Referrals: []care.Referral{{ID: "r-005", Person: "p-005", From: "pr-005", To: "o-001", At: base}},
			Contacts: []care.Contact{
				{ID: "k-008", Person: "p-008", Professional: "pr-005", At: base.Add(-time.Hour)},
				{ID: "k-007", Person: "p-007", Professional: "pr-007", At: base.Add(100 * time.Hour)}, // moved
			},
		})
	i := 0
	res, err := s.(care.BulkWriter).ApplyStream(t.Context(), func() (care.Batch, error) {
		if i == len(batches) {
			return care.Batch{}, io.EOF
		}
		i++
		return batches[i-1], nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Relationships != 2*people+pros+2 || res.Deleted != 2 {
		t.Errorf("result %+v", res)
	}
	s2 := reopen(t, s, dir, "after the stream and reopening")
	defer s2.Close()
	contacts := map[string]care.Contact{}
	if err := s2.EachPerson(t.Context(), func(p *care.PersonRecord) error {
		for _, c := range p.Contacts {
			contacts[c.ID] = c
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// 40 contacts; pr-002's cascade removed its 4 (k-002, -014, -026,
	// -038); k-013 removed; k-008 removed and written again.
	if _, ok := contacts["k-013"]; ok || len(contacts) != people-4-1 {
		t.Errorf("%d contacts (k-013 present: %v), want %d", len(contacts), ok, people-5)
	}
	if c := contacts["k-008"]; !c.At.Equal(base.Add(-time.Hour)) || c.Professional != "pr-005" {
		t.Errorf("k-008 is %+v, want it written again at 08:00 with pr-005", c)
	}
	if c := contacts["k-007"]; !c.At.Equal(base.Add(100 * time.Hour)) {
		t.Errorf("k-007 is %+v, want it moved to %v", c, base.Add(100*time.Hour))
	}
	// The cascade removed the carer's relationship and consent; the
	// re-created professional has only the relationship made after it.
	seen := false
	if err := s2.EachPerson(t.Context(), func(p *care.PersonRecord) error {
		if p.Person.ID != "p-011" {
			return nil // the record's buffers are reused: check inside the callback
		}
		seen = true
		for _, r := range p.Relationships {
			if r.Type == care.CaresFor {
				t.Errorf("p-011 still has %+v after its carer was deleted", r)
			}
		}
		if len(p.Consents) != 0 {
			t.Errorf("p-011 still has consents %+v", p.Consents)
		}
		return nil
	}); err != nil || !seen {
		t.Fatalf("p-011 seen %v, %v", seen, err)
	}
}

// A stream whose contacts first append after those stored (written at
// once) and then land among them (written at the end, in key order) keeps
// every contact it should: the ones written at once are moved over, the
// stored ones are not.
func TestStreamContactsAppendThenScattered(t *testing.T) {
	dir := t.TempDir()
	s := openAt(t, dir)
	at := time.Date(2024, 1, 1, 9, 0, 0, 0, time.UTC)
	contacts := func(ids ...int) []care.Contact {
		var out []care.Contact
		for _, i := range ids {
			out = append(out, care.Contact{ID: fmt.Sprintf("k-%03d", i), Person: "p", Professional: "pr", At: at.Add(time.Duration(i) * time.Minute)})
		}
		return out
	}
	if _, err := s.Apply(t.Context(), care.Batch{
		Nodes:    []care.Node{{ID: "p", Kind: care.KindPerson, Name: "P"}, {ID: "pr", Kind: care.KindProfessional, Name: "Pr"}},
		Contacts: contacts(100, 101, 102, 103),
	}); err != nil {
		t.Fatal(err)
	}
	batches := []care.Batch{
		{Contacts: contacts(200, 201, 202, 203)}, // after every stored id: written at once
		{Contacts: contacts(150, 300)},           // among them: from here on, at the end
		{Contacts: contacts(201), DeleteContacts: []string{"k-101", "k-202"}},
	}
	i := 0
	if _, err := s.(care.BulkWriter).ApplyStream(t.Context(), func() (care.Batch, error) {
		if i == len(batches) {
			return care.Batch{}, io.EOF
		}
		i++
		return batches[i-1], nil
	}); err != nil {
		t.Fatal(err)
	}
	s2 := reopen(t, s, dir, "after the stream and reopening")
	defer s2.Close()
	var got []string
	if err := s2.EachPerson(t.Context(), func(p *care.PersonRecord) error {
		for _, c := range p.Contacts {
			got = append(got, c.ID)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	want := []string{"k-100", "k-102", "k-103", "k-150", "k-200", "k-201", "k-203", "k-300"}
	if !slices.Equal(got, want) {
		t.Errorf("contacts %v, want %v", got, want)
	}
}

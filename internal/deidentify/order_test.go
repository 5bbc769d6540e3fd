package deidentify_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/deidentify"
	"github.com/careweb/careweb/internal/demo"
	"github.com/careweb/careweb/internal/store/embedded"
)

func demoStore(t *testing.T, people int) care.Store {
	t.Helper()
	st := openStore(t, care.Batch{})
	_, err := demo.Apply(context.Background(), st, demo.Config{Seed: 1, People: people}, 5000)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// expected rewrites every person's record with the Pseudonymiser's own
// methods, one record at a time, and sorts each list as PersonRecord
// says: what the stream must yield for that person, by pseudonym.
func expected(t *testing.T, st care.Streamer, p *deidentify.Pseudonymiser) (map[string]care.PersonRecord, []string) {
	t.Helper()
	want := map[string]care.PersonRecord{}
	var originals []string
	err := st.EachPerson(context.Background(), func(in *care.PersonRecord) error {
		var out care.PersonRecord
		out.Person = p.Node(in.Person)
		for _, r := range in.Relationships {
			out.Relationships = append(out.Relationships, p.Relationship(r))
		}
		slices.SortFunc(out.Relationships, func(a, b care.Relationship) int {
			if c := strings.Compare(string(a.Type), string(b.Type)); c != 0 {
				return c
			}
			if a.Span.From != b.Span.From {
				return cmpLess(a.Span.From < b.Span.From, a.Span.From > b.Span.From)
			}
			return strings.Compare(a.ID, b.ID)
		})
		for _, c := range in.Contacts {
			out.Contacts = append(out.Contacts, p.Contact(c))
		}
		slices.SortFunc(out.Contacts, func(a, b care.Contact) int { return cmpLess(a.Less(b), b.Less(a)) })
		for _, r := range in.Referrals {
			out.Referrals = append(out.Referrals, p.Referral(r))
		}
		slices.SortFunc(out.Referrals, func(a, b care.Referral) int { return cmpLess(a.Less(b), b.Less(a)) })
		for _, c := range in.Consents {
			out.Consents = append(out.Consents, p.Consent(c))
		}
		slices.SortFunc(out.Consents, func(a, b care.Consent) int {
			if !a.RecordedAt.Equal(b.RecordedAt) {
				return a.RecordedAt.Compare(b.RecordedAt)
			}
			return strings.Compare(a.ID, b.ID)
		})
		if _, dup := want[out.Person.ID]; dup {
			t.Fatalf("two people with the pseudonym %s", out.Person.ID)
		}
		want[out.Person.ID] = out
		originals = append(originals, in.Person.ID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return want, originals
}

// spillDir returns an empty directory for a Streamer's spill files, and a
// function that fails the test if anything is left in it.
func spillDir(t *testing.T) (string, func(when string)) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "spill")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	return dir, func(when string) {
		t.Helper()
		if left, err := os.ReadDir(dir); err != nil || len(left) != 0 {
			t.Errorf("%s: %d entries left in the spill directory (%v)", when, len(left), err)
		}
	}
}

// spilled reports whether a Streamer has made its private directory in
// dir (owner-only), which it does only when it spills.
func spilled(t *testing.T, dir string) bool {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) == 0 {
		return false
	}
	fi, err := ents[0].Info()
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != 1 || !fi.IsDir() || fi.Mode().Perm() != 0o700 {
		t.Errorf("spill directory holds %d entries, the first %s %v", len(ents), fi.Name(), fi.Mode())
	}
	// The spill files are unlinked as soon as they are made, where the
	// system allows it, so that a killed process leaves nothing.
	if runtime.GOOS != "windows" {
		if files, err := os.ReadDir(filepath.Join(dir, fi.Name())); err != nil || len(files) != 0 {
			t.Errorf("%d spill files can be seen (%v)", len(files), err)
		}
	}
	return true
}

// TestPseudonymOrder: people come out in strictly increasing pseudonym
// order, each exactly once, as the Pseudonymiser rewrites them one by one:
// held in memory, spilled a few times, spilled after every person (which
// also merges the spill files when there are too many).
func TestPseudonymOrder(t *testing.T) {
	st := demoStore(t, 300)
	p := deidentify.New(key)
	want, _ := expected(t, st, p)
	if len(want) < 300 {
		t.Fatalf("%d people", len(want))
	}
	for _, tc := range []struct {
		name   string
		memory int64
		spill  bool
	}{
		{"in memory", 0, false},
		{"a few spills", 200 << 10, true},
		{"a spill per person", 1, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, empty := spillDir(t)
			s := deidentify.Wrap(st, p)
			s.Memory, s.TempDir = tc.memory, dir
			var got []string
			didSpill := false
			err := s.EachPerson(context.Background(), func(r *care.PersonRecord) error {
				if len(got) == 0 {
					didSpill = spilled(t, dir)
				}
				id := r.Person.ID
				if n := len(got); n > 0 && got[n-1] >= id {
					t.Fatalf("person %d: %s after %s", n, id, got[n-1])
				}
				got = append(got, id)
				w, ok := want[id]
				if !ok {
					t.Fatalf("%s: not a person's pseudonym", id)
				}
				if !reflect.DeepEqual(*r, w) {
					t.Errorf("%s differs from the record rewritten alone:\n got %+v\nwant %+v", id, *r, w)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Errorf("%d people, want %d", len(got), len(want))
			}
			if didSpill != tc.spill {
				t.Errorf("spilled: %v, want %v", didSpill, tc.spill)
			}
			empty("after the stream")
		})
	}
}

// TestOrderHidesOriginalIDs: with sequential original ids, the order of
// the output says nothing of them.
func TestOrderHidesOriginalIDs(t *testing.T) {
	const n = 1000
	var b care.Batch
	for i := range n {
		b.Nodes = append(b.Nodes, care.Node{ID: fmt.Sprintf("943%07d", i), Kind: care.KindPerson, Name: fmt.Sprintf("Person %d", i)})
	}
	st := openStore(t, b)
	p := deidentify.New(key)
	byPseudonym := map[string]int{}
	for i, nd := range b.Nodes {
		byPseudonym[p.ID(nd.ID)] = i
	}
	for _, memory := range []int64{0, 4 << 10} {
		t.Run(fmt.Sprint("memory ", memory), func(t *testing.T) {
			s := deidentify.Wrap(st, p)
			s.Memory = memory
			s.TempDir, _ = spillDir(t)
			var ranks []int
			err := s.EachPerson(context.Background(), func(r *care.PersonRecord) error {
				ranks = append(ranks, byPseudonym[r.Person.ID])
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(ranks) != n {
				t.Fatalf("%d people", len(ranks))
			}
			if slices.IsSorted(ranks) {
				t.Fatal("people come in the order of their original ids")
			}
			// Spearman's rank correlation of output position and original
			// rank: about 0 ± 0.03 for an order unrelated to the ids; the
			// old order gave 1.
			var d2 float64
			for pos, rank := range ranks {
				d := float64(pos - rank)
				d2 += d * d
			}
			if rho := 1 - 6*d2/(n*(n*n-1)); rho > 0.15 || rho < -0.15 {
				t.Errorf("rank correlation with the original ids %.3f", rho)
			}
		})
	}
}

// TestStopped: an error from fn, a cancelled context while yielding and
// while reading the wrapped store all stop the stream, are returned, and
// leave no spill file behind.
func TestStopped(t *testing.T) {
	st := demoStore(t, 120)
	p := deidentify.New(key)
	stop := errors.New("enough")
	for _, tc := range []struct {
		name  string
		check func(error) bool
		run   func(t *testing.T, s *deidentify.Streamer, calls *int) error
	}{
		{"fn error", func(err error) bool { return errors.Is(err, stop) }, func(t *testing.T, s *deidentify.Streamer, calls *int) error {
			return s.EachPerson(context.Background(), func(*care.PersonRecord) error {
				if *calls++; *calls == 10 {
					return stop
				}
				return nil
			})
		}},
		{"cancelled while yielding", cancelled, func(t *testing.T, s *deidentify.Streamer, calls *int) error {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			return s.EachPerson(ctx, func(*care.PersonRecord) error {
				if *calls++; *calls == 10 {
					cancel()
				}
				return nil
			})
		}},
		{"cancelled while reading", cancelled, func(t *testing.T, s *deidentify.Streamer, calls *int) error {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			// The wrapped store sees the cancellation after 60 people,
			// when several spill files are written.
			sawSpill := false
			s2 := deidentify.Wrap(cancelAfter{s: st, n: 60, cancel: func() {
				sawSpill = spilled(t, s.TempDir)
				cancel()
			}}, p)
			s2.Memory, s2.TempDir = s.Memory, s.TempDir
			err := s2.EachPerson(ctx, func(*care.PersonRecord) error {
				*calls++
				return nil
			})
			if !sawSpill {
				t.Error("nothing was spilled before the cancellation")
			}
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, empty := spillDir(t)
			s := deidentify.Wrap(st, p)
			s.Memory, s.TempDir = 16<<10, dir
			calls := 0
			err := tc.run(t, s, &calls)
			if !tc.check(err) {
				t.Errorf("error %v", err)
			}
			if want := map[bool]int{true: 0, false: 10}[strings.Contains(tc.name, "reading")]; calls != want {
				t.Errorf("fn called %d times, want %d", calls, want)
			}
			empty("after " + tc.name)
		})
	}
}

func cancelled(err error) bool {
	return errors.Is(err, context.Canceled) && care.ErrorCode(err) == care.Unavailable
}

// cancelAfter is a store's stream that calls cancel after n people.
type cancelAfter struct {
	s      care.Streamer
	n      int
	cancel func()
}

func (c cancelAfter) EachPerson(ctx context.Context, fn func(*care.PersonRecord) error) error {
	i := 0
	return c.s.EachPerson(ctx, func(r *care.PersonRecord) error {
		if i++; i == c.n {
			c.cancel()
		}
		return fn(r)
	})
}

func (c cancelAfter) Services(ctx context.Context) (*care.Services, error) { return c.s.Services(ctx) }

// BenchmarkEachPerson streams the demo population (CAREWEB_BENCH_PEOPLE
// people, default 3,000) pseudonymised, held in memory and spilled to
// temporary files, and reports people per second and the live heap when
// the first person is yielded (everything held, or the last run and the
// merge buffers):
//
//	CAREWEB_BENCH_PEOPLE=30000 go test -run '^$' -bench EachPerson -benchtime 3x ./internal/deidentify
func BenchmarkEachPerson(b *testing.B) {
	people := demo.DefaultPeople
	if v := os.Getenv("CAREWEB_BENCH_PEOPLE"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			b.Fatal(err)
		}
		people = n
	}
	st, err := embedded.Open(b.TempDir(), embedded.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	_, err = demo.Apply(context.Background(), st, demo.Config{Seed: 1, People: people}, 50000)
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name   string
		memory int64
	}{
		{"in memory", 1 << 40},
		{"spilled past 8 MiB", 8 << 20},
	} {
		b.Run(bc.name, func(b *testing.B) {
			s := deidentify.Wrap(st, deidentify.New(key))
			s.Memory, s.TempDir = bc.memory, b.TempDir()
			var heap uint64
			n := 0
			for b.Loop() {
				n = 0
				err := s.EachPerson(context.Background(), func(*care.PersonRecord) error {
					if n++; n == 1 && heap == 0 {
						runtime.GC()
						var ms runtime.MemStats
						runtime.ReadMemStats(&ms)
						heap = ms.HeapAlloc
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)/(b.Elapsed().Seconds()/float64(b.N)), "people/s")
			b.ReportMetric(float64(heap)/(1<<20), "heap-MiB")
		})
	}
}

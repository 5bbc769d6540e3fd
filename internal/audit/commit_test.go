package audit

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/pseudonym"
)

var key = pseudonym.New([]byte("audit internal test key 32 bytes"))

func event(i int) Event {
	return Event{RequestID: fmt.Sprintf("r%d", i), Subject: "admin-1", Access: care.AccessAdmin, Issuer: "careweb",
		Operation: OpWeb, Person: fmt.Sprintf("p-%d", i), Grant: Grant{Rule: RuleAdmin}, Outcome: Allowed}
}

// faulty is a real file with faults injected: the write can be torn and
// the fsync can fail or be held, as a failing disk does.
type faulty struct {
	*os.File
	tearNext atomic.Bool   // write half of the next write, then fail
	failSync atomic.Bool   // fail the next fsync
	hold     chan struct{} // when set, fsync waits for it to close
	syncs    atomic.Int64
}

func (f *faulty) Write(p []byte) (int, error) {
	if f.tearNext.CompareAndSwap(true, false) {
		n, _ := f.File.Write(p[:len(p)/2])
		return n, syscall.EIO
	}
	return f.File.Write(p)
}

func (f *faulty) Sync() error {
	f.syncs.Add(1)
	if f.hold != nil {
		<-f.hold
	}
	if f.failSync.CompareAndSwap(true, false) {
		return syscall.EIO
	}
	return f.File.Sync()
}

// openFaulty opens a Log on a temporary file and swaps in the faulty
// sink before any record (under the lock the writer takes, so the swap
// happens before the writer's first use of it).
func openFaulty(t *testing.T, hold chan struct{}) (*Log, *faulty, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "audit.log")
	l, err := Open(path, Config{Pseudonyms: key})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	f := &faulty{File: l.f.(*os.File), hold: hold}
	l.mu.Lock()
	l.f = f
	l.mu.Unlock()
	return l, f, path
}

func entries(t *testing.T, path string) []Entry {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	es, err := Read(fh, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// While one fsync is in flight the other 49 callers queue; they then
// share the next single write and fsync. No caller returns before the
// fsync that covers its record.
func TestGroupCommitSharesOneFsync(t *testing.T) {
	hold := make(chan struct{})
	l, f, path := openFaulty(t, hold)
	var returned atomic.Int64
	var wg sync.WaitGroup
	record := func(i int) {
		defer wg.Done()
		if err := l.Record(context.Background(), event(i)); err != nil {
			t.Error(err)
		}
		returned.Add(1)
	}
	wg.Add(1)
	go record(0)
	waitFor(t, func() bool { return f.syncs.Load() == 1 }) // the first commit is in its fsync
	for i := 1; i < 50; i++ {
		wg.Add(1)
		go record(i)
	}
	waitFor(t, func() bool { l.mu.Lock(); defer l.mu.Unlock(); return len(l.queue) == 49 })
	if n := returned.Load(); n != 0 {
		t.Fatalf("%d callers returned before their fsync", n)
	}
	close(hold)
	wg.Wait()
	if c, r := l.commits.Load(), l.records.Load(); c != 2 || r != 50 {
		t.Fatalf("%d commits for %d records, want 2 for 50", c, r)
	}
	if got := entries(t, path); len(got) != 50 {
		t.Fatalf("%d records in the file", len(got))
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(time.Millisecond)
	}
}

// A torn write is refused, cut back, and the next record starts on a
// clean line: the log heals when the disk does.
func TestTornWriteIsCutBackAndTheLogHeals(t *testing.T) {
	l, f, path := openFaulty(t, nil)
	ctx := context.Background()
	if err := l.Record(ctx, event(1)); err != nil {
		t.Fatal(err)
	}
	f.tearNext.Store(true)
	if err := l.Record(ctx, event(2)); care.ErrorCode(err) != care.Unavailable || !errors.Is(err, syscall.EIO) {
		t.Fatalf("torn write: got %v, want Unavailable wrapping EIO", err)
	}
	if err := l.Record(ctx, event(3)); err != nil {
		t.Fatalf("after the disk recovered: %v", err)
	}
	l.Close()
	got := entries(t, path)
	if len(got) != 2 || got[0].RequestID != "r1" || got[1].RequestID != "r3" {
		t.Fatalf("got %+v, want r1 and r3 only", got)
	}
}

// A failed fsync leaves the record's fate unknown: it is refused, and cut
// out of the file so that no refused access appears as recorded.
func TestFailedFsyncIsRefusedAndCutBack(t *testing.T) {
	l, f, path := openFaulty(t, nil)
	ctx := context.Background()
	f.failSync.Store(true)
	if err := l.Record(ctx, event(1)); care.ErrorCode(err) != care.Unavailable {
		t.Fatalf("failed fsync: got %v, want Unavailable", err)
	}
	if err := l.Record(ctx, event(2)); err != nil {
		t.Fatal(err)
	}
	l.Close()
	if got := entries(t, path); len(got) != 1 || got[0].RequestID != "r2" {
		t.Fatalf("got %+v, want r2 only", got)
	}
}

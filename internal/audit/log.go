package audit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/pseudonym"
)

// Recorder records access decisions durably.
type Recorder interface {
	// Record keeps e before it returns, or returns an error, and then the
	// caller must refuse the access. The errors are Invalid when e breaks
	// the rules of Event (a bug in the caller: nothing is written), and
	// Unavailable when the record cannot be kept: the write or the fsync
	// failed, the log is closed, or ctx ended first (the record may then
	// still reach the log, but the caller was not told it was kept).
	Record(ctx context.Context, e Event) error
}

// Config configures a Log.
type Config struct {
	// Pseudonyms turns ids into what the log keeps; required. Use the
	// installation's pseudonym key (keys.LoadOrCreate), the same one
	// `careweb audit` and pseudonymised exports use, or records cannot be
	// found by person.
	Pseudonyms *pseudonym.Keyed
	// Logger is the service's operational log, told when the audit log
	// fails or repairs itself. Records never go to it.
	Logger zerolog.Logger
	// Now is the clock for events without a Time; time.Now when nil.
	Now func() time.Time
	// RequestID fills an event's RequestID when the caller left it empty
	// (server.RequestIDFrom); optional.
	RequestID func(context.Context) string
}

// Log is the durable Recorder: JSON lines appended to a file of its own,
// group-committed (see the package comment). It is safe for concurrent
// use. One process writes a file at a time: Open takes an exclusive lock
// on it.
type Log struct {
	path      string
	f         sink
	regular   bool
	pz        *pseudonym.Keyed
	log       zerolog.Logger
	now       func() time.Time
	requestID func(context.Context) string

	mu     sync.Mutex
	wake   *sync.Cond
	queue  []*pending
	closed bool

	stopped  chan struct{}
	closeErr error

	// The writer goroutine's own state.
	size   int64 // the file's committed length
	broken error // set when a failed write could not be cut back
	buf    []byte
	spare  []*pending

	commits, records atomic.Int64
}

// sink is the file a Log appends to (an *os.File).
type sink interface {
	io.Writer
	Sync() error
	Truncate(size int64) error
	Close() error
}

// pending is one record waiting for the writer, and where its outcome
// goes.
type pending struct {
	line []byte
	done chan error
}

// Open opens (creating it, and its directory, if missing) the audit log
// at path and starts its writer. An existing regular file must not be
// readable by group or others (Invalid: "chmod 600 it"); one that
// another process holds open for writing is a Conflict. A line torn by a
// crash mid-write (never acknowledged to anyone) is cut off the end.
// Close it to flush and release it.
func Open(path string, cfg Config) (*Log, error) {
	if cfg.Pseudonyms == nil {
		return nil, care.Errorf(care.Invalid, "audit log: a pseudonym key is required")
	}
	if path == "" {
		return nil, care.Errorf(care.Invalid, "audit log: no path given")
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, care.Wrap(care.Invalid, err, "audit log %s: cannot create its directory", path)
	}
	_, statErr := os.Stat(path)
	created := errors.Is(statErr, fs.ErrNotExist)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, care.Wrap(care.Invalid, err, "audit log %s: cannot open it", path)
	}
	l, err := start(path, f, cfg)
	if err != nil {
		f.Close()
		return nil, err
	}
	if created {
		// The new file's directory entry must be durable too, or a crash
		// could lose the whole log along with its acknowledged records.
		if err := syncDir(dir); err != nil {
			l.Close()
			return nil, care.Wrap(care.Unavailable, err, "audit log %s: cannot sync its directory", path)
		}
	}
	return l, nil
}

func start(path string, f *os.File, cfg Config) (*Log, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, care.Wrap(care.Invalid, err, "audit log %s: cannot stat it", path)
	}
	l := &Log{
		path: path, f: f, regular: fi.Mode().IsRegular(),
		pz: cfg.Pseudonyms, log: cfg.Logger, now: cfg.Now, requestID: cfg.RequestID,
		stopped: make(chan struct{}),
	}
	if l.now == nil {
		l.now = time.Now
	}
	l.wake = sync.NewCond(&l.mu)
	if l.regular {
		if perm := fi.Mode().Perm(); perm&0o077 != 0 {
			return nil, care.Errorf(care.Invalid, "audit log %s: permissions %04o let others read it; chmod 600 it", path, perm)
		}
		if err := lock(f); err != nil {
			return nil, care.Wrap(care.Conflict, err, "audit log %s: another process is writing it", path)
		}
		if l.size, err = repairTail(f, fi.Size()); err != nil {
			return nil, care.Wrap(care.Unavailable, err, "audit log %s: cannot repair its torn last line", path)
		}
		if cut := fi.Size() - l.size; cut > 0 {
			l.log.Warn().Str("audit_log", path).Int64("bytes", cut).Msg("audit log: cut off a line torn by a crash (it was never acknowledged)")
		}
	}
	go l.run()
	return l, nil
}

// repairTail cuts f back to just after its last newline, so that a line
// torn by a crash is not glued to the next record. It returns the new
// length.
func repairTail(f *os.File, size int64) (int64, error) {
	const chunk = 64 << 10
	buf := make([]byte, chunk)
	end := size
	for end > 0 {
		start := max(end-chunk, 0)
		n, err := f.ReadAt(buf[:end-start], start)
		if err != nil && !(errors.Is(err, io.EOF) && int64(n) == end-start) {
			return 0, err
		}
		if i := bytes.LastIndexByte(buf[:n], '\n'); i >= 0 {
			end = start + int64(i) + 1
			break
		}
		end = start
	}
	if end == size {
		return size, nil
	}
	if err := f.Truncate(end); err != nil {
		return 0, err
	}
	return end, f.Sync()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	return errors.Join(err, d.Close())
}

// Record implements Recorder. The event is checked, pseudonymised and
// encoded on the caller's goroutine; the writer then commits it with
// whatever else is waiting.
func (l *Log) Record(ctx context.Context, e Event) error {
	if err := ctx.Err(); err != nil {
		return care.Wrap(care.Unavailable, err, "the access was not recorded: the request ended")
	}
	line, err := l.line(ctx, e)
	if err != nil {
		return err
	}
	p := &pending{line: line, done: make(chan error, 1)}
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return care.Errorf(care.Unavailable, "the access was not recorded: the audit log is closed")
	}
	l.queue = append(l.queue, p)
	l.mu.Unlock()
	l.wake.Signal()
	select {
	case err := <-p.done:
		return err
	case <-ctx.Done():
		return care.Wrap(care.Unavailable, ctx.Err(), "the access was not recorded: the request ended first")
	}
}

func (l *Log) line(ctx context.Context, e Event) ([]byte, error) {
	if e.Time.IsZero() {
		e.Time = l.now()
	}
	if e.RequestID == "" && l.requestID != nil {
		e.RequestID = l.requestID(ctx)
	}
	en, err := entryOf(e, l.pz)
	if err != nil {
		return nil, err
	}
	return encode(en)
}

// encode writes en as one JSON line with zerolog: no level, no message,
// only the Entry's fields, under the names of its JSON tags. The time is
// formatted here (RFC 3339 with nanoseconds) rather than through
// zerolog's process-wide time settings.
func encode(en Entry) ([]byte, error) {
	var b bytes.Buffer
	b.Grow(320)
	zl := zerolog.New(&b)
	ev := zl.Log().Str("time", en.Time.UTC().Format(time.RFC3339Nano))
	for _, f := range [...]struct{ k, v string }{
		{"request_id", en.RequestID},
		{"subject", en.Subject},
		{"access", string(en.Access)},
		{"issuer", en.Issuer},
		{"operation", string(en.Operation)},
		{"person", en.Person},
		{"grant", en.Grant},
		{"relationship", en.Relationship},
		{"consent", en.Consent},
		{"outcome", string(en.Outcome)},
	} {
		if f.v != "" {
			ev.Str(f.k, f.v)
		}
	}
	ev.Send()
	// zerolog drops events silently below its process-wide level
	// (zerolog.SetGlobalLevel): an audit record must never vanish so.
	if b.Len() == 0 || b.Bytes()[b.Len()-1] != '\n' {
		return nil, care.Errorf(care.Internal, "audit record not encoded: zerolog is disabled process-wide")
	}
	return b.Bytes(), nil
}

// run is the writer: it takes every waiting record, writes them in one
// write, fsyncs once and answers each caller, until the log is closed
// and drained.
func (l *Log) run() {
	defer close(l.stopped)
	for {
		l.mu.Lock()
		for len(l.queue) == 0 && !l.closed {
			l.wake.Wait()
		}
		batch, closed := l.queue, l.closed
		l.queue = l.spare[:0]
		l.mu.Unlock()
		if len(batch) > 0 {
			err := l.commit(batch)
			for i, p := range batch {
				p.done <- err
				batch[i] = nil
			}
			l.spare = batch[:0]
		}
		// Record refuses new work once closed is set, and this batch was
		// taken under the same lock, so nothing is left behind.
		if closed {
			l.closeErr = l.f.Close()
			return
		}
	}
}

// commit writes and fsyncs batch. On failure it cuts the file back to its
// committed length, so the next batch starts on a clean line; when it
// cannot, the log is broken until reopened.
func (l *Log) commit(batch []*pending) error {
	if l.broken != nil {
		return l.broken
	}
	l.buf = l.buf[:0]
	for _, p := range batch {
		l.buf = append(l.buf, p.line...)
	}
	_, err := l.f.Write(l.buf)
	if err == nil {
		err = l.f.Sync()
	}
	if err != nil {
		l.log.Error().Err(err).Str("audit_log", l.path).Int("records", len(batch)).
			Msg("audit log: write failed; the accesses it held were refused")
		if rerr := l.rollback(); rerr != nil {
			l.broken = care.Wrap(care.Unavailable, errors.Join(err, rerr), "the access was not recorded: the audit log failed and must be reopened")
			l.log.Error().Err(rerr).Str("audit_log", l.path).
				Msg("audit log: cannot cut back the failed write; every access is refused until the log is reopened")
		}
		return care.Wrap(care.Unavailable, err, "the access was not recorded: the audit log cannot be written")
	}
	l.size += int64(len(l.buf))
	l.commits.Add(1)
	l.records.Add(int64(len(batch)))
	return nil
}

func (l *Log) rollback() error {
	if !l.regular {
		return fmt.Errorf("%s is not a regular file: a torn line cannot be cut back", l.path)
	}
	if err := l.f.Truncate(l.size); err != nil {
		return err
	}
	return l.f.Sync()
}

// Close waits for every record already handed to Record to be committed
// (or to fail), then closes the file. Records after Close are refused
// with Unavailable. Closing twice is harmless.
func (l *Log) Close() error {
	l.mu.Lock()
	already := l.closed
	l.closed = true
	l.mu.Unlock()
	l.wake.Broadcast()
	<-l.stopped
	if already {
		return nil
	}
	return l.closeErr
}

// Package neo4jtest opens the Neo4j store on the test server named by the
// environment (NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, as printed by
// scripts/neo4j-test-server.sh start) with an empty database.
//
// Without NEO4J_URI the tests that need it are skipped, with one loud
// line on stderr, except under CI=true, where they fail: CI must never
// pass by skipping the real-Neo4j suite.
package neo4jtest

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	neo4jdrv "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/careweb/careweb/internal/store/neo4j"
)

// SkipMessage is the line printed when NEO4J_URI is not set.
const SkipMessage = "NEO4J_URI not set: Neo4j contract suite SKIPPED — run `make test` which starts a real Neo4j"

var warnOnce sync.Once

// Config returns the store configuration from the environment, and
// whether NEO4J_URI is set at all.
func Config() (neo4j.Config, bool) {
	uri := os.Getenv("NEO4J_URI")
	return neo4j.Config{
		URI:      uri,
		User:     os.Getenv("NEO4J_USER"),
		Password: os.Getenv("NEO4J_PASSWORD"),
		Database: os.Getenv("NEO4J_DATABASE"),
		// Tests should fail fast, not sit out the production retry budget.
		MaxTransactionRetryTime: 5 * time.Second,
	}, uri != ""
}

// Require returns the configuration, or skips tb (fails it under CI=true)
// when NEO4J_URI is not set. It also gives tb the test database to itself
// until tb ends: `go test ./...` runs packages in parallel processes, and
// every Neo4j test clears the one shared database (see lock).
func Require(tb testing.TB) neo4j.Config {
	tb.Helper()
	cfg, ok := Config()
	if ok {
		lock(tb, cfg.URI)
		return cfg
	}
	if os.Getenv("CI") == "true" {
		tb.Fatal("NEO4J_URI not set and CI=true: the Neo4j suite must run in CI (scripts/test.sh starts Neo4j)")
	}
	warnOnce.Do(func() { fmt.Fprintln(os.Stderr, "!!! "+SkipMessage+" !!!") })
	tb.Skip(SkipMessage)
	return cfg
}

// The database lock: an advisory file lock (flock) per server URI, shared
// by every test process on the machine, held from a test's Require to its
// end. Within one process tests that use Neo4j run one at a time (they
// never call t.Parallel), so a count makes nested Requires (a test that
// opens a store and runs a command that opens another) reentrant.
var (
	lockMu    sync.Mutex
	lockCount int
	lockFile  *os.File
)

func lock(tb testing.TB, uri string) {
	tb.Helper()
	lockMu.Lock()
	defer lockMu.Unlock()
	if lockCount == 0 {
		path := filepath.Join(os.TempDir(), fmt.Sprintf("careweb-neo4jtest-%x.lock", sha256.Sum256([]byte(uri))))
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			tb.Fatalf("neo4jtest: lock file: %v", err)
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
			f.Close()
			tb.Fatalf("neo4jtest: locking the test database: %v", err)
		}
		lockFile = f
	}
	lockCount++
	tb.Cleanup(func() {
		lockMu.Lock()
		defer lockMu.Unlock()
		lockCount--
		if lockCount == 0 {
			_ = syscall.Flock(int(lockFile.Fd()), syscall.LOCK_UN)
			lockFile.Close()
			lockFile = nil
		}
	})
}

// Open opens a store on the test server after deleting everything in its
// database, and closes it when tb ends. The database is shared, so tests
// that use it must not run in parallel.
func Open(tb testing.TB) *neo4j.Store {
	tb.Helper()
	cfg := Require(tb)
	Clear(tb, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s, err := neo4j.Open(ctx, cfg)
	if err != nil {
		tb.Fatalf("neo4j.Open(%s): %v", cfg.URI, err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("closing the store: %v", err)
		}
	})
	if err := s.Ping(ctx); err != nil {
		tb.Fatalf("Neo4j at %s is not usable: %v", cfg.URI, err)
	}
	return s
}

// Clear deletes every node and relationship in the configured database
// (the schema stays: constraints and indexes are idempotent and cheap to
// keep). It deletes in chunks so that a large benchmark population does
// not need one huge transaction.
func Clear(tb testing.TB, cfg neo4j.Config) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	drv, err := neo4jdrv.NewDriverWithContext(cfg.URI, neo4jdrv.BasicAuth(cfg.User, cfg.Password, ""))
	if err != nil {
		tb.Fatalf("neo4jtest: driver for %s: %v", cfg.URI, err)
	}
	defer drv.Close(ctx)
	sess := drv.NewSession(ctx, neo4jdrv.SessionConfig{AccessMode: neo4jdrv.AccessModeWrite, DatabaseName: cfg.Database})
	defer sess.Close(ctx)
	// Relationships go first, in chunks: a node with a hundred thousand
	// (an organisation after a benchmark) detached in one go would need
	// a transaction larger than the test server's memory allows.
	for _, q := range []string{
		"MATCH ()-[r]->() WITH r LIMIT 20000 DELETE r RETURN count(*) AS n",
		"MATCH (n) WITH n LIMIT 5000 DETACH DELETE n RETURN count(*) AS n",
	} {
		for {
			n, err := neo4jdrv.ExecuteWrite(ctx, sess, func(tx neo4jdrv.ManagedTransaction) (int64, error) {
				res, err := tx.Run(ctx, q, nil)
				if err != nil {
					return 0, err
				}
				rec, err := res.Single(ctx)
				if err != nil {
					return 0, err
				}
				v, _ := rec.Get("n")
				c, _ := v.(int64)
				return c, nil
			})
			if err != nil {
				tb.Fatalf("neo4jtest: clearing %s: %v", cfg.URI, err)
			}
			if n == 0 {
				break
			}
		}
	}
}

package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/careweb/careweb/internal/demo"
)

func runDemo(ctx context.Context, args []string, getenv env, _ io.Reader, stdout, stderr io.Writer) error {
	var f serveFlags
	var people int
	var seed uint64
	fs := newFlagSet("demo", "Serves CareWeb with a realistic demo data set: hand-drawn webs of care and a\npopulation over two years, loaded into a fresh data directory (a temporary one\nremoved on exit, unless --data names one).", getenv, stderr)
	if err := f.register(fs, "", true); err != nil {
		return err
	}
	fs.IntVar(&people, "people", 3000, "population size")
	fs.Uint64Var(&seed, "seed", 1, "generator seed (same seed, same data)")
	if err := fs.parse(args); err != nil {
		return err
	}
	if people < 0 {
		return usageError{"--people must not be negative"}
	}
	log, err := f.log.logger(stderr)
	if err != nil {
		return err
	}
	if f.store.neo4jURI == "" && f.store.data == "" {
		dir, err := os.MkdirTemp("", "careweb-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		f.store.data = dir
	}
	reg := newRegistry()
	st, backend, err := f.store.open(ctx, log, reg)
	if err != nil {
		return err
	}
	defer st.Close()
	start := time.Now()
	n, err := demo.Apply(ctx, st, demo.Config{Seed: seed, People: people}, demoBatchSize(backend))
	if err != nil {
		return err
	}
	log.Info().Int("writes", n).Dur("took", time.Since(start)).Msg("demo data loaded")
	fmt.Fprintf(stdout, "demo data loaded: %d people, %d writes in %s\n", people, n, time.Since(start).Round(time.Millisecond))
	if f.store.neo4jURI == "" {
		// Where the audit log and keys are (careweb audit --data DIR).
		fmt.Fprintf(stdout, "data directory: %s\n", f.store.data)
	}
	sec, err := openSecurity(ctx, f.auth, f.security, f.store, log)
	if err != nil {
		return err
	}
	defer sec.Close()
	if err := printDemoTokens(stdout, f.auth, f.store, f.addr); err != nil {
		return err
	}
	return listenAndServe(ctx, f.addr, newHandler(st, reg, log, f.api, sec), log, stdout, f.shutdownTimeout)
}

// demoBatchSize is the writes per transaction when loading the demo: the
// embedded store is fastest with large batches; Neo4j keeps each
// transaction's state on its heap, so smaller ones suit a modest server.
func demoBatchSize(backend string) int {
	if backend == "neo4j" {
		return 2000
	}
	return 20000
}

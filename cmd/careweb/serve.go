package main

import (
	"context"
	"io"
	"time"
)

// serveFlags are the flags every serving command shares.
type serveFlags struct {
	addr            string
	shutdownTimeout time.Duration
	log             logFlags
	store           storeFlags
	api             apiFlags
	auth            authFlags
	security        securityFlags
}

func (s *serveFlags) register(fs *flagSet, defaultData string, dev bool) error {
	fs.string(&s.addr, "addr", "CAREWEB_ADDR", "127.0.0.1:8080", "address to listen on")
	if err := fs.duration(&s.shutdownTimeout, "shutdown-timeout", "CAREWEB_SHUTDOWN_TIMEOUT", 15*time.Second, "how long in-flight requests get on SIGINT/SIGTERM"); err != nil {
		return err
	}
	s.log.register(fs)
	s.auth.register(fs)
	s.security.register(fs)
	if err := s.api.register(fs, dev); err != nil {
		return err
	}
	return s.store.register(fs, defaultData)
}

func runServe(ctx context.Context, args []string, getenv env, _ io.Reader, stdout, stderr io.Writer) error {
	var f serveFlags
	fs := newFlagSet("serve", "Serves CareWeb on the embedded store at --data, or on Neo4j when --neo4j-uri is given.", getenv, stderr)
	if err := f.register(fs, "./careweb-data", false); err != nil {
		return err
	}
	if err := fs.parse(args); err != nil {
		return err
	}
	log, err := f.log.logger(stderr)
	if err != nil {
		return err
	}
	reg := newRegistry()
	st, _, err := f.store.open(ctx, log, reg)
	if err != nil {
		return err
	}
	defer st.Close()
	sec, err := openSecurity(ctx, f.auth, f.security, f.store, log)
	if err != nil {
		return err
	}
	defer sec.Close()
	return listenAndServe(ctx, f.addr, newHandler(st, reg, log, f.api, sec), log, stdout, f.shutdownTimeout)
}

package main

import (
	"context"
	"path/filepath"

	"github.com/rs/zerolog"

	"github.com/careweb/careweb/internal/audit"
	"github.com/careweb/careweb/internal/auth"
	"github.com/careweb/careweb/internal/keys"
	"github.com/careweb/careweb/internal/pseudonym"
	"github.com/careweb/careweb/internal/server"
)

// Default file names in the embedded store's data directory.
const (
	AuditLogFileName     = "audit.log"
	PseudonymKeyFileName = "pseudonym.key"
)

// securityFlags choose where the audit log and the pseudonym key are.
// Token verification has its own flags (authFlags).
type securityFlags struct {
	auditLog         string
	pseudonymKeyFile string
}

func (s *securityFlags) register(fs *flagSet) {
	fs.string(&s.auditLog, "audit-log", "CAREWEB_AUDIT_LOG", "",
		"the audit log: every access to a person's data, appended and fsynced (default: "+AuditLogFileName+" in --data; required with Neo4j)")
	fs.string(&s.pseudonymKeyFile, "pseudonym-key-file", "CAREWEB_PSEUDONYM_KEY_FILE", "",
		"key behind the keyed pseudonyms of audit records, research results and exports, created owner-only if missing (default: "+PseudonymKeyFileName+" in --data; required with Neo4j)")
}

// dataFile returns the flag's value, else name in the embedded store's
// data directory; with Neo4j there is no default.
func dataFile(flag, value, name string, sf storeFlags) (string, error) {
	switch {
	case value != "":
		return value, nil
	case sf.neo4jURI != "" || sf.data == "":
		return "", usageError{"with Neo4j (--neo4j-uri), " + flag + " is required (there is no data directory)"}
	}
	return filepath.Join(sf.data, name), nil
}

// pseudonyms loads (or first creates) the installation's pseudonym key.
func (s securityFlags) pseudonyms(sf storeFlags) (*pseudonym.Keyed, error) {
	path, err := dataFile("--pseudonym-key-file", s.pseudonymKeyFile, PseudonymKeyFileName, sf)
	if err != nil {
		return nil, err
	}
	secret, err := keys.LoadOrCreate(path)
	if err != nil {
		return nil, err
	}
	return pseudonym.New(secret), nil
}

// security is what a serving command needs to protect the data: who the
// caller is (verifier) and the durable record of what they reached.
type security struct {
	verifier   auth.Verifier
	audit      *audit.Log
	pseudonyms *pseudonym.Keyed
}

// openSecurity loads the keys and opens the audit log. Close it after the
// server has stopped.
func openSecurity(ctx context.Context, af authFlags, sec securityFlags, sf storeFlags, log zerolog.Logger) (*security, error) {
	v, err := af.verifier(ctx, sf, log)
	if err != nil {
		return nil, err
	}
	pz, err := sec.pseudonyms(sf)
	if err != nil {
		return nil, err
	}
	path, err := dataFile("--audit-log", sec.auditLog, AuditLogFileName, sf)
	if err != nil {
		return nil, err
	}
	al, err := audit.Open(path, audit.Config{Pseudonyms: pz, Logger: log, RequestID: server.RequestIDFrom})
	if err != nil {
		return nil, err
	}
	log.Info().Str("audit_log", path).Msg("audit log open")
	return &security{verifier: v, audit: al, pseudonyms: pz}, nil
}

func (s *security) Close() error { return s.audit.Close() }

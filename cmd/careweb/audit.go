package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/rs/zerolog"

	"github.com/careweb/careweb/internal/audit"
	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/keys"
	"github.com/careweb/careweb/internal/pseudonym"
)

const auditSynopsis = `Lists who reached a person's data — their web, contacts, referrals,
consents, metrics, subscriptions — from the audit log: time, subject, role,
operation, the rule that granted access, and the outcome (denials too),
oldest first. Admins only: --token must be an admin's bearer token (prefer
CAREWEB_TOKEN to the flag: flags show in process listings).

The log holds people only as keyed pseudonyms; the person's id is turned
into its pseudonym with the installation's pseudonym key, which must be
the key the service wrote the log with. Carers' and people's own subjects
are pseudonyms too; professionals and admins appear by their subject.

Tokens are checked exactly as the service checks them: CareWeb's own
(--token-key-file) and, when the --oidc-* flags are given, the identity
provider's. With the embedded store the log and keys default to the data
directory; with Neo4j (--neo4j-uri), --audit-log, --pseudonym-key-file and
a token source are required. The store itself is not opened.`

// auditOptions are the audit command's settings.
type auditOptions struct {
	person           string
	store            storeFlags // only data and neo4jURI: the store is not opened
	auth             authFlags
	logPath          string
	pseudonymKeyFile string
	token            string
	json             bool
}

func runAudit(ctx context.Context, args []string, getenv env, _ io.Reader, stdout, stderr io.Writer) error {
	var o auditOptions
	flags := newFlagSet("audit", auditSynopsis, getenv, stderr)
	flags.StringVar(&o.person, "person", "", "the person's id (required)")
	flags.string(&o.store.data, "data", "CAREWEB_DATA", "./careweb-data", "embedded store's data directory: where the audit log and keys are by default")
	flags.string(&o.store.neo4jURI, "neo4j-uri", "NEO4J_URI", "", "the service runs on Neo4j (then --audit-log, --pseudonym-key-file and a token source are required)")
	flags.string(&o.logPath, "audit-log", "CAREWEB_AUDIT_LOG", "", "the service's audit log (default: "+AuditLogFileName+" in --data)")
	flags.string(&o.pseudonymKeyFile, "pseudonym-key-file", "CAREWEB_PSEUDONYM_KEY_FILE", "", "the service's pseudonym key; never created here (default: "+PseudonymKeyFileName+" in --data)")
	o.auth.register(flags)
	// Read the environment here, not as the flag's default: a default is
	// printed by --help, and a token must not be.
	flags.StringVar(&o.token, "token", "", "an admin's bearer token (required) [CAREWEB_TOKEN]")
	flags.BoolVar(&o.json, "json", false, "print JSON Lines (every field the log keeps) instead of a table")
	if err := flags.parse(args); err != nil {
		return err
	}
	if o.token == "" {
		o.token = getenv("CAREWEB_TOKEN")
	}
	if o.person == "" {
		return usageError{"audit: --person ID is required"}
	}
	if o.token == "" {
		return usageError{"audit: an admin's token is required (CAREWEB_TOKEN or --token)"}
	}
	logPath, err := dataFile("--audit-log", o.logPath, AuditLogFileName, o.store)
	if err != nil {
		return err
	}
	keyPath, err := dataFile("--pseudonym-key-file", o.pseudonymKeyFile, PseudonymKeyFileName, o.store)
	if err != nil {
		return err
	}

	// The same verifier the service uses: its own tokens and, when
	// configured, the identity provider's.
	v, err := o.auth.verifier(ctx, o.store, zerolog.Nop())
	if err != nil {
		return err
	}
	p, err := v.Verify(ctx, o.token)
	if err != nil {
		return err
	}
	if err := mayReadAuditLog(p); err != nil {
		return err
	}

	// The person's pseudonym needs the key the service used: a new key
	// would match nothing and answer "nobody looked", so a missing key is
	// an error here, never created.
	secret, err := keys.Load(keyPath)
	if err != nil {
		return err
	}
	pz := pseudonym.New(secret)
	f, err := os.Open(logPath)
	if errors.Is(err, fs.ErrNotExist) {
		return care.Errorf(care.Invalid, "--audit-log %s: no such file (the service creates it when it starts)", logPath)
	}
	if err != nil {
		return care.Wrap(care.Invalid, err, "--audit-log %s: cannot open it", logPath)
	}
	defer f.Close()
	found, err := audit.Read(f, audit.Filter{Person: pz.Of(o.person)})
	if err != nil {
		return err
	}
	// Group commit may write concurrent requests slightly out of order.
	sort.SliceStable(found, func(i, j int) bool { return found[i].Time.Before(found[j].Time) })
	if err := writeAudit(stdout, found, o.json); err != nil {
		return err
	}
	if fi, err := f.Stat(); err == nil && len(found) == 0 && fi.Size() > 0 {
		fmt.Fprintln(stderr, "careweb audit: no records for this person; if you expected some, check that --pseudonym-key-file is the service's key")
	}
	return nil
}

// mayReadAuditLog is the audit command's one rule: only an admin reads the
// audit log. It is Forbidden, not NotFound: the refusal says nothing about
// any person.
func mayReadAuditLog(p care.Principal) error {
	if p.Access != care.AccessAdmin {
		return care.Errorf(care.Forbidden, "only an admin may read the audit log")
	}
	return nil
}

// writeAudit prints the entries as a table or as JSON Lines.
func writeAudit(w io.Writer, es []audit.Entry, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		for _, e := range es {
			if err := enc.Encode(e); err != nil {
				return care.Wrap(care.Internal, err, "cannot write the records")
			}
		}
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tSUBJECT\tROLE\tOPERATION\tGRANT\tOUTCOME")
	for _, e := range es {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", e.Time.UTC().Format(time.RFC3339),
			orDash(e.Subject), orDash(string(e.Access)), e.Operation, orDash(e.Grant), e.Outcome)
	}
	if err := tw.Flush(); err != nil {
		return care.Wrap(care.Internal, err, "cannot write the records")
	}
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

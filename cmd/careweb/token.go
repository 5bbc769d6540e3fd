package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/careweb/careweb/internal/auth"
	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/demo"
)

// subjectKind is the node kind a role's subject must be; admin and
// researcher subjects are opaque names, not nodes.
var subjectKind = map[care.Access]care.Kind{
	care.AccessPerson:       care.KindPerson,
	care.AccessCarer:        care.KindCarer,
	care.AccessProfessional: care.KindProfessional,
}

func runToken(ctx context.Context, args []string, getenv env, _ io.Reader, stdout, stderr io.Writer) error {
	var (
		lf        logFlags
		sf        storeFlags
		af        authFlags
		role, sub string
		ttl       time.Duration
		noCheck   bool
	)
	fs := newFlagSet("token", "Prints one bearer token, signed with the key the service verifies with\n(--token-key-file, by default token.key in --data). For the person, carer and\nprofessional roles the subject is a node id, checked in the store.\n\nExample: careweb token --data ./careweb-data --role carer --subject c-margaret", getenv, stderr)
	if err := sf.register(fs, "./careweb-data"); err != nil {
		return err
	}
	lf.register(fs)
	af.registerKey(fs)
	fs.StringVar(&role, "role", "", "role: "+accessList())
	fs.StringVar(&sub, "subject", "", "who the token is for: a node id for person, carer and professional; any name for admin and researcher")
	fs.DurationVar(&ttl, "ttl", 8*time.Hour, fmt.Sprintf("how long the token is valid (at most %s)", auth.MaxLocalTTL))
	fs.BoolVar(&noCheck, "no-subject-check", false, "do not look the subject up in the store (e.g. while `careweb serve` holds the embedded store)")
	if err := fs.parse(args); err != nil {
		return err
	}
	access, ok := care.ParseAccess(role)
	switch {
	case role == "":
		return usageError{"--role is required: " + accessList()}
	case !ok:
		return usageError{fmt.Sprintf("--role %q: want one of %s", role, accessList())}
	case sub == "":
		return usageError{"--subject is required"}
	case ttl <= 0 || ttl > auth.MaxLocalTTL:
		return usageError{fmt.Sprintf("--ttl %s: want more than 0 and at most %s", ttl, auth.MaxLocalTTL)}
	}
	if af.keyPath(sf) == "" {
		return usageError{"with Neo4j (--neo4j-uri), --token-key-file is required: the same file the service is given"}
	}
	if sf.neo4jURI == "" {
		// Refuse a mistyped --data rather than create a key (or a store) there.
		if fi, err := os.Stat(sf.data); err != nil || !fi.IsDir() {
			return care.Errorf(care.Invalid, "--data %s: no such data directory (run the service on it once, or give the directory it uses)", sf.data)
		}
	}
	if kind, ok := subjectKind[access]; ok && !noCheck {
		if err := checkSubject(ctx, lf, sf, stderr, sub, kind); err != nil {
			return err
		}
	}
	lt, _, err := af.localTokens(sf)
	if err != nil {
		return err
	}
	tok, err := lt.Mint(sub, access, ttl)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, tok)
	return err
}

func accessList() string {
	names := make([]string, len(care.Accesses))
	for i, a := range care.Accesses {
		names[i] = string(a)
	}
	return strings.Join(names, ", ")
}

// checkSubject makes sure sub is a node of kind in the store.
func checkSubject(ctx context.Context, lf logFlags, sf storeFlags, stderr io.Writer, sub string, kind care.Kind) error {
	st, _, err := openForCommand(ctx, lf, sf, stderr)
	if err != nil {
		if care.ErrorCode(err) == care.Unavailable && sf.neo4jURI == "" {
			return care.Wrap(care.Unavailable, err, "%s (is `careweb serve` running on it? stop it, or pass --no-subject-check)", care.ErrorMessage(err))
		}
		return err
	}
	defer st.Close()
	n, err := st.Node(ctx, sub)
	if care.ErrorCode(err) == care.NotFound {
		return care.Errorf(care.NotFound, "--subject %q: no such node in the store; a %s token needs the id of a %s", sub, kind, kind)
	}
	if err != nil {
		return err
	}
	if n.Kind != kind {
		return care.Errorf(care.Invalid, "--subject %q is a %s; a %s token needs the id of a %s", sub, n.Kind, kind, kind)
	}
	return nil
}

// demoTTL is how long the demo's printed tokens last: a working day and more.
const demoTTL = 12 * time.Hour

// demoSignIns are the demo's ready-made sign-ins: one per role, on the
// showcase web of Arthur (Alzheimer's) and Margaret, his wife and carer.
var demoSignIns = []struct {
	role    care.Access
	subject string
	note    string
}{
	{care.AccessAdmin, "admin", "everything, including writes"},
	{care.AccessProfessional, "pro-anjali-patel", "Dr Anjali Patel, Arthur's GP"},
	{care.AccessCarer, demo.ShowcaseMargaret, "Margaret, who cares for " + demo.ShowcaseArthur},
	{care.AccessPerson, demo.ShowcaseArthur, "Arthur himself"},
	{care.AccessResearcher, "researcher", "population summaries only"},
}

// printDemoTokens prints a token for each demo sign-in, with how to use
// them, on stdout only: tokens never go to the logs.
func printDemoTokens(w io.Writer, af authFlags, sf storeFlags, addr string) error {
	lt, path, err := af.localTokens(sf)
	if err != nil {
		return err
	}
	if lt == nil {
		_, err := fmt.Fprintln(w, "no demo tokens: CareWeb's own tokens are off (give --token-key-file to turn them on)")
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\nDemo sign-ins (bearer tokens valid for %s, signed with %s):\n", demoTTL, path)
	var carer string
	for _, s := range demoSignIns {
		tok, err := lt.Mint(s.subject, s.role, demoTTL)
		if err != nil {
			return err
		}
		if s.role == care.AccessCarer {
			carer = tok
		}
		fmt.Fprintf(&b, "\n  %-12s %s (%s)\n  %s\n", s.role, s.subject, s.note, tok)
	}
	base := "http://" + addr
	if strings.HasSuffix(addr, ":0") {
		base = "http://<the address below>"
	}
	fmt.Fprintf(&b, "\nTry one with curl (here the carer):\n  curl -s %s/graphql -H 'Content-Type: application/json' -H 'Authorization: Bearer %s' -d '{\"query\":\"{ person(id: \\\"%s\\\") { name } }\"}'\n",
		base, carer, demo.ShowcaseArthur)
	fmt.Fprintf(&b, "In GraphiQL (%s/graphiql), open Headers below the query and paste (here the carer; any token above works):\n  {\"Authorization\": \"Bearer %s\"}\n\n", base, carer)
	_, err = io.WriteString(w, b.String())
	return err
}

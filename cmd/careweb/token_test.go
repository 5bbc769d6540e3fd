package main

import (
	"bufio"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/rs/zerolog"

	"github.com/careweb/careweb/internal/auth"
	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/demo"
	"github.com/careweb/careweb/internal/store/embedded"
)

// serverVerifier is the verifier `careweb serve` would build with the
// store and authentication flags sf and af.
func serverVerifier(t *testing.T, sf storeFlags, af authFlags) auth.Verifier {
	t.Helper()
	v, err := af.verifier(context.Background(), sf, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestTokenCommandMintsWhatTheServerAccepts(t *testing.T) {
	dir := demoDir(t, 10)
	v := serverVerifier(t, storeFlags{data: dir}, authFlags{})
	for _, s := range demoSignIns {
		out, errOut, err := runCmd(t, "token", "--data", dir, "--role", string(s.role), "--subject", s.subject)
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", s.role, s.subject, err, errOut)
		}
		// stdout holds the token and nothing else.
		tok := strings.TrimSuffix(out, "\n")
		if strings.ContainsAny(tok, " \n") || strings.Count(tok, ".") != 2 {
			t.Fatalf("stdout is not one token: %q", out)
		}
		p, err := v.Verify(context.Background(), tok)
		if err != nil {
			t.Fatalf("the server refuses the %s token: %v", s.role, err)
		}
		if p.Subject != s.subject || p.Access != s.role || p.Issuer != auth.LocalIssuer {
			t.Fatalf("principal %+v for %s %s", p, s.role, s.subject)
		}
	}
	fi, err := os.Stat(filepath.Join(dir, TokenKeyFileName))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", fi, err)
	}

	// --ttl sets exp; the role is accepted in any letter case.
	out, _, err := runCmd(t, "token", "--data", dir, "--role", "Admin", "--subject", "ops", "--ttl", "30m")
	if err != nil {
		t.Fatal(err)
	}
	var c jwt.RegisteredClaims
	if _, _, err := jwt.NewParser().ParseUnverified(strings.TrimSpace(out), &c); err != nil {
		t.Fatal(err)
	}
	if life := c.ExpiresAt.Sub(c.IssuedAt.Time); life != 30*time.Minute {
		t.Fatalf("lifetime %s, want 30m", life)
	}
}

func TestTokenCommandKeyFile(t *testing.T) {
	dir := demoDir(t, 10)
	keyFile := filepath.Join(t.TempDir(), "secrets", "careweb-token.key")
	// From the flag and from the environment: the same file, the same key.
	a, _, err := runCmd(t, "token", "--data", dir, "--token-key-file", keyFile, "--role", "researcher", "--subject", "r1")
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := runEnv(t, envOf(map[string]string{"CAREWEB_TOKEN_KEY_FILE": keyFile}), "token", "--data", dir, "--role", "carer", "--subject", demo.ShowcaseMargaret)
	if err != nil {
		t.Fatal(err)
	}
	withFile := serverVerifier(t, storeFlags{data: dir}, authFlags{keyFile: keyFile})
	defaultKey := serverVerifier(t, storeFlags{data: dir}, authFlags{})
	for _, tok := range []string{a, b} {
		tok = strings.TrimSpace(tok)
		if _, err := withFile.Verify(context.Background(), tok); err != nil {
			t.Errorf("the server with the same key file refuses: %v", err)
		}
		if _, err := defaultKey.Verify(context.Background(), tok); care.ErrorCode(err) != care.Unauthenticated {
			t.Errorf("the server with another key accepts: %v", err)
		}
	}
	// Neo4j: the key file is required (checked before any connection).
	_, _, err = runCmd(t, "token", "--neo4j-uri", "bolt://127.0.0.1:1", "--role", "admin", "--subject", "a")
	if exitCode(err, io.Discard) != 2 || !strings.Contains(err.Error(), "--token-key-file") {
		t.Errorf("Neo4j without a key file: %v", err)
	}
	if _, err := (authFlags{}).verifier(context.Background(), storeFlags{neo4jURI: "bolt://127.0.0.1:1"}, zerolog.Nop()); exitCode(err, io.Discard) != 2 {
		t.Errorf("server on Neo4j with no token source: %v", err)
	}
	if _, err := (authFlags{keyFile: keyFile}).verifier(context.Background(), storeFlags{neo4jURI: "bolt://127.0.0.1:1"}, zerolog.Nop()); err != nil {
		t.Errorf("server on Neo4j with a key file: %v", err)
	}
	// A key file others can read is refused.
	open := filepath.Join(t.TempDir(), "open.key")
	if err := os.WriteFile(open, []byte(strings.Repeat("ab", 32)), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chmod(open, 0o644)
	_, _, err = runCmd(t, "token", "--data", dir, "--token-key-file", open, "--role", "admin", "--subject", "a")
	if exitCode(err, io.Discard) != 3 || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("world-readable key: %v", err)
	}
}

func TestTokenCommandRefuses(t *testing.T) {
	dir := demoDir(t, 10)
	for _, c := range []struct {
		args []string
		exit int
		want string
	}{
		{[]string{"--role", "superuser", "--subject", "x"}, 2, "want one of admin, person, carer, professional, researcher"},
		{[]string{"--subject", "x"}, 2, "--role is required"},
		{[]string{"--role", "admin"}, 2, "--subject is required"},
		{[]string{"--role", "admin", "--subject", "x", "--ttl", "0s"}, 2, "--ttl"},
		{[]string{"--role", "admin", "--subject", "x", "--ttl", "-1h"}, 2, "--ttl"},
		{[]string{"--role", "admin", "--subject", "x", "--ttl", "10000h"}, 2, "at most"},
		{[]string{"--role", "admin", "--subject", "x", "--ttl", "soon"}, 2, "invalid value"},
		{[]string{"--role", "admin", "--subject", " x"}, 3, "subject"},
		{[]string{"--role", "carer", "--subject", "c-nobody"}, 4, `"c-nobody": no such node`},
		{[]string{"--role", "carer", "--subject", demo.ShowcaseArthur}, 3, "is a person; a carer token needs the id of a carer"},
		{[]string{"--role", "person", "--subject", demo.ShowcaseMargaret}, 3, "is a carer; a person token"},
		{[]string{"--role", "professional", "--subject", "org-elms-practice"}, 3, "is a organisation"},
		{[]string{"--role", "professional", "--subject", demo.ShowcaseArthur}, 3, "is a person"},
	} {
		out, _, err := runCmd(t, append([]string{"token", "--data", dir}, c.args...)...)
		if got := exitCode(err, io.Discard); got != c.exit || err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: exit %d, %v; want exit %d with %q", c.args, got, err, c.exit, c.want)
		}
		if out != "" {
			t.Errorf("%v: printed %q on a refusal", c.args, out)
		}
	}
	// A mistyped data directory is refused, and nothing is created there.
	missing := filepath.Join(t.TempDir(), "typo")
	_, _, err := runCmd(t, "token", "--data", missing, "--role", "admin", "--subject", "a")
	if exitCode(err, io.Discard) != 3 || !strings.Contains(err.Error(), "no such data directory") {
		t.Errorf("missing --data: %v", err)
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Errorf("the token command created %s", missing)
	}
}

func TestTokenCommandWhileTheStoreIsInUse(t *testing.T) {
	dir := demoDir(t, 10)
	st, err := embedded.Open(dir, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	_, _, err = runCmd(t, "token", "--data", dir, "--role", "carer", "--subject", demo.ShowcaseMargaret)
	if exitCode(err, io.Discard) != 6 || !strings.Contains(err.Error(), "--no-subject-check") {
		t.Fatalf("store in use: %v", err)
	}
	// Roles whose subject is not a node never open the store.
	if _, _, err := runCmd(t, "token", "--data", dir, "--role", "admin", "--subject", "admin"); err != nil {
		t.Fatalf("admin while the store is in use: %v", err)
	}
	out, _, err := runCmd(t, "token", "--data", dir, "--role", "carer", "--subject", demo.ShowcaseMargaret, "--no-subject-check")
	if err != nil || strings.Count(out, ".") != 2 {
		t.Fatalf("--no-subject-check: %q %v", out, err)
	}
}

func TestDemoPrintsTokensForEachRole(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, []string{"demo", "--addr", "127.0.0.1:0", "--people", "20", "--data", dir}, envOf(nil), nil, pw, io.Discard)
		pw.Close()
		done <- err
	}()
	var printed []string
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		line := sc.Text()
		printed = append(printed, line)
		if strings.HasPrefix(line, "careweb listening on ") {
			break
		}
	}
	cancel()
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	if err := <-done; err != nil {
		t.Fatalf("demo: %v", err)
	}
	text := strings.Join(printed, "\n")
	v := serverVerifier(t, storeFlags{data: dir}, authFlags{})
	st, err := embedded.Open(dir, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	seen := map[care.Access]string{}
	for _, line := range printed {
		tok := strings.TrimSpace(line)
		if strings.Count(tok, ".") != 2 || strings.Contains(tok, " ") {
			continue
		}
		p, err := v.Verify(context.Background(), tok)
		if err != nil {
			t.Fatalf("printed token refused: %v", err)
		}
		seen[p.Access] = p.Subject
		if kind, ok := subjectKind[p.Access]; ok {
			n, err := st.Node(context.Background(), p.Subject)
			if err != nil || n.Kind != kind {
				t.Errorf("%s token for %q: node %+v, %v", p.Access, p.Subject, n, err)
			}
		}
	}
	want := map[care.Access]string{care.AccessAdmin: "admin", care.AccessProfessional: "pro-anjali-patel",
		care.AccessCarer: "c-margaret", care.AccessPerson: "p-arthur", care.AccessResearcher: "researcher"}
	if len(seen) != len(want) {
		t.Fatalf("tokens for %v, want %v\n%s", seen, want, text)
	}
	for r, s := range want {
		if seen[r] != s {
			t.Errorf("%s token for %q, want %q", r, seen[r], s)
		}
	}
	// Arthur's GP is involved with him, and Margaret cares for him: the
	// sign-ins show a web, not an empty page.
	rels, err := st.Relationships(context.Background(), care.RelQuery{Node: demo.ShowcaseArthur, Window: care.Always})
	if err != nil {
		t.Fatal(err)
	}
	var gp, wife bool
	for _, r := range rels {
		gp = gp || (r.Type == care.InvolvedIn && r.From == "pro-anjali-patel")
		wife = wife || (r.Type == care.CaresFor && r.From == demo.ShowcaseMargaret)
	}
	if !gp || !wife {
		t.Errorf("demo web: GP involved %v, Margaret cares %v", gp, wife)
	}
	for _, hint := range []string{"curl -s http://<the address below>/graphql", "-H 'Authorization: Bearer ey", `{"Authorization": "Bearer ey`, "valid for 12h0m0s"} {
		if !strings.Contains(text, hint) {
			t.Errorf("the demo does not print %q:\n%s", hint, text)
		}
	}
}

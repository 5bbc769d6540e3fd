package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/careweb/careweb/internal/audit"
	"github.com/careweb/careweb/internal/auth"
	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/keys"
	"github.com/careweb/careweb/internal/pseudonym"
)

// auditFixture is a data directory as the service leaves it: its token
// and pseudonym keys, and an audit log with accesses to two people.
type auditFixture struct {
	data   string
	tokens *auth.LocalTokens
	pz     *pseudonym.Keyed
	t0     time.Time
}

func newAuditFixture(t *testing.T) auditFixture {
	t.Helper()
	data := t.TempDir()
	tk, err := keys.LoadOrCreate(filepath.Join(data, "token.key"))
	if err != nil {
		t.Fatal(err)
	}
	tokens, err := auth.NewLocalTokens(tk, nil)
	if err != nil {
		t.Fatal(err)
	}
	pk, err := keys.LoadOrCreate(filepath.Join(data, "pseudonym.key"))
	if err != nil {
		t.Fatal(err)
	}
	fx := auditFixture{data: data, tokens: tokens, pz: pseudonym.New(pk), t0: time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)}
	l, err := audit.Open(filepath.Join(data, "audit.log"), audit.Config{Pseudonyms: fx.pz})
	if err != nil {
		t.Fatal(err)
	}
	carer := care.Principal{Subject: "c-mary", Access: care.AccessCarer, Issuer: "careweb"}
	pro := care.Principal{Subject: "pro-anjali-patel", Access: care.AccessProfessional, Issuer: "careweb"}
	stranger := care.Principal{Subject: "c-nobody", Access: care.AccessCarer, Issuer: "careweb"}
	// Written out of time order, as group commit can: the listing sorts.
	for i, e := range []audit.Event{
		audit.EventFor(pro, audit.OpContacts, "p-arthur", audit.Grant{Rule: audit.RuleInvolvedIn, Relationship: "r-pro-arthur"}, audit.Allowed),
		audit.EventFor(carer, audit.OpWeb, "p-arthur", audit.Grant{Rule: audit.RuleCaresFor + "consent", Relationship: "r-mary-arthur", Consent: "k-1"}, audit.Allowed),
		audit.EventFor(stranger, audit.OpWeb, "p-arthur", audit.Grant{}, audit.Denied),
		audit.EventFor(pro, audit.OpWeb, "p-beryl", audit.Grant{Rule: audit.RuleInvolvedIn}, audit.Allowed),
	} {
		e.Time = fx.t0.Add(time.Duration([]int{3, 1, 2, 0}[i]) * time.Minute)
		if err := l.Record(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return fx
}

func (fx auditFixture) token(t *testing.T, role care.Access) string {
	t.Helper()
	tok, err := fx.tokens.Mint("someone-"+string(role), role, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func runAuditCmd(t *testing.T, getenv env, args ...string) (string, string, error) {
	t.Helper()
	return runEnv(t, getenv, append([]string{"audit"}, args...)...)
}

func TestAuditListsWhoReachedAPerson(t *testing.T) {
	fx := newAuditFixture(t)
	out, stderr, err := runAuditCmd(t, envOf(nil), "--person", "p-arthur", "--data", fx.data, "--token", fx.token(t, care.AccessAdmin))
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 {
		t.Fatalf("want a header and 3 rows:\n%s", out)
	}
	want := [][]string{
		{"TIME", "SUBJECT", "ROLE", "OPERATION", "GRANT", "OUTCOME"},
		{"2026-05-01T09:01:00Z", fx.pz.Of("c-mary"), "carer", "web", "cares_for+consent", "allowed"},
		{"2026-05-01T09:02:00Z", fx.pz.Of("c-nobody"), "carer", "web", "-", "denied"},
		{"2026-05-01T09:03:00Z", "pro-anjali-patel", "professional", "contacts", "involved_in", "allowed"},
	}
	for i, w := range want {
		if got := strings.Fields(lines[i]); strings.Join(got, " ") != strings.Join(w, " ") {
			t.Errorf("row %d: %q, want %q", i, got, w)
		}
	}
	if strings.Contains(out, "mary") || strings.Contains(out, "arthur") {
		t.Errorf("a carer or the person appears by id:\n%s", out)
	}

	// --json, with the token from the environment.
	out, _, err = runAuditCmd(t, envOf(map[string]string{"CAREWEB_TOKEN": fx.token(t, care.AccessAdmin), "CAREWEB_DATA": fx.data}), "--person", "p-arthur", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var got []audit.Entry
	dec := json.NewDecoder(strings.NewReader(out))
	for dec.More() {
		var e audit.Entry
		if err := dec.Decode(&e); err != nil {
			t.Fatal(err)
		}
		got = append(got, e)
	}
	if len(got) != 3 || got[0].Consent != fx.pz.Of("k-1") || got[0].Relationship != fx.pz.Of("r-mary-arthur") || got[2].Person != fx.pz.Of("p-arthur") {
		t.Fatalf("--json: %+v", got)
	}

	// Someone nobody looked at: an empty table, and a hint on stderr to
	// check the key, since the log itself is not empty.
	out, stderr, err = runAuditCmd(t, envOf(nil), "--person", "p-nobody-looked", "--data", fx.data, "--token", fx.token(t, care.AccessAdmin))
	if err != nil || strings.Count(out, "\n") != 1 || !strings.Contains(stderr, "no records for this person") {
		t.Fatalf("nobody looked: %v\n%s%s", err, out, stderr)
	}
}

func TestAuditIsForAdminsOnly(t *testing.T) {
	fx := newAuditFixture(t)
	for _, role := range []care.Access{care.AccessPerson, care.AccessCarer, care.AccessProfessional, care.AccessResearcher} {
		out, _, err := runAuditCmd(t, envOf(nil), "--person", "p-arthur", "--data", fx.data, "--token", fx.token(t, role))
		if care.ErrorCode(err) != care.Forbidden || exitCode(err, io.Discard) != 7 || out != "" {
			t.Errorf("%s: %v, output %q; want Forbidden (exit 7) and nothing printed", role, err, out)
		}
	}
	// A token signed with another installation's key, and no token at all.
	other, err := auth.NewLocalTokens(keys.Secret(bytes.Repeat([]byte{7}, 32)), nil)
	if err != nil {
		t.Fatal(err)
	}
	forged, err := other.Mint("admin-1", care.AccessAdmin, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if out, _, err := runAuditCmd(t, envOf(nil), "--person", "p-arthur", "--data", fx.data, "--token", forged); care.ErrorCode(err) != care.Unauthenticated || out != "" {
		t.Errorf("forged admin token: %v, %q", err, out)
	}
	if _, _, err := runAuditCmd(t, envOf(nil), "--person", "p-arthur", "--data", fx.data); exitCode(err, io.Discard) != 2 {
		t.Errorf("no token: %v", err)
	}
}

func TestAuditSettings(t *testing.T) {
	fx := newAuditFixture(t)
	admin := fx.token(t, care.AccessAdmin)
	for _, c := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no person", []string{"--data", fx.data, "--token", admin}, 2, "--person"},
		{"neo4j without a log", []string{"--person", "p-arthur", "--neo4j-uri", "bolt://db:7687", "--token", admin}, 2, "--audit-log"},
		{"neo4j without keys", []string{"--person", "p-arthur", "--neo4j-uri", "bolt://db:7687", "--audit-log", filepath.Join(fx.data, "audit.log"), "--token", admin}, 2, "--pseudonym-key-file"},
		{"neo4j without a token source", []string{"--person", "p-arthur", "--neo4j-uri", "bolt://db:7687", "--audit-log", filepath.Join(fx.data, "audit.log"), "--pseudonym-key-file", filepath.Join(fx.data, "pseudonym.key"), "--token", admin}, 2, "--token-key-file"},
		{"missing log", []string{"--person", "p-arthur", "--data", fx.data, "--audit-log", filepath.Join(fx.data, "nope.log"), "--token", admin}, 3, "no such file"},
		{"missing pseudonym key", []string{"--person", "p-arthur", "--data", fx.data, "--pseudonym-key-file", filepath.Join(fx.data, "nope.key"), "--token", admin}, 3, "nope.key"},
	} {
		_, _, err := runAuditCmd(t, envOf(nil), c.args...)
		var msg bytes.Buffer
		if got := exitCode(err, &msg); got != c.code || !strings.Contains(msg.String(), c.want) {
			t.Errorf("%s: exit %d %q; want %d mentioning %q", c.name, got, msg.String(), c.code, c.want)
		}
	}
	// With Neo4j and every path given, it works without a data directory.
	out, _, err := runAuditCmd(t, envOf(map[string]string{"NEO4J_URI": "bolt://db:7687", "CAREWEB_DATA": "/nonexistent"}),
		"--person", "p-beryl", "--token", admin,
		"--audit-log", filepath.Join(fx.data, "audit.log"),
		"--pseudonym-key-file", filepath.Join(fx.data, "pseudonym.key"),
		"--token-key-file", filepath.Join(fx.data, "token.key"))
	if err != nil || strings.Count(out, "\n") != 2 {
		t.Fatalf("neo4j paths: %v\n%s", err, out)
	}
	// A corrupt log is reported with its line, and nothing is listed.
	f, err := os.OpenFile(filepath.Join(fx.data, "audit.log"), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("{\"time\":\"2026-05-01T10:00:00Z\",\"operation\":\"web\",\"outcome\":\"allowed\",\"name\":\"x\"}\n")
	f.Close()
	out, _, err = runAuditCmd(t, envOf(nil), "--person", "p-arthur", "--data", fx.data, "--token", admin)
	var msg bytes.Buffer
	if exitCode(err, &msg) != 3 || !strings.Contains(msg.String(), "line 5") || out != "" {
		t.Fatalf("corrupt log: %q, %q", msg.String(), out)
	}
}

// --help must not print a token taken from the environment.
func TestAuditHelpHidesTheToken(t *testing.T) {
	_, stderr, _ := runAuditCmd(t, envOf(map[string]string{"CAREWEB_TOKEN": "eyJsecret.token.value"}), "--help")
	if strings.Contains(stderr, "eyJsecret") {
		t.Fatalf("help shows the token:\n%s", stderr)
	}
}

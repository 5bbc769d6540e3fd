package main

import (
	"context"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/careweb/careweb/internal/auth"
	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/keys"
)

// testSecurity is the security wiring serve makes, over a temporary data
// directory, with an admin's token.
func testSecurity(t testing.TB) (*security, string) {
	t.Helper()
	dir := t.TempDir()
	return testSecurityIn(t, dir), tokenFor(t, dir, care.AccessAdmin, "admin")
}

// testSecurityIn is the security wiring serve makes over the data
// directory dir; tokenFor(t, dir, ...) mints tokens it accepts.
func testSecurityIn(t testing.TB, dir string) *security {
	t.Helper()
	sec, err := openSecurity(context.Background(), authFlags{}, securityFlags{}, storeFlags{data: dir}, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sec.Close() })
	return sec
}

// tokenFor mints a token with the key in the data directory dir, as
// `careweb token` does.
func tokenFor(t testing.TB, dir string, access care.Access, subject string) string {
	t.Helper()
	secret, err := keys.LoadOrCreate(filepath.Join(dir, TokenKeyFileName))
	if err != nil {
		t.Fatal(err)
	}
	lt, err := auth.NewLocalTokens(secret, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := lt.Mint(subject, access, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// withToken signs every request in as token's bearer unless it already
// carries a token: for tests about something other than authentication.
func withToken(h http.Handler, token string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "" {
			r.Header.Set("Authorization", "Bearer "+token)
		}
		h.ServeHTTP(w, r)
	})
}

// authed returns a client that sends token on every request.
func authed(token string) *http.Client {
	return &http.Client{Transport: bearerTransport{token: token, next: http.DefaultTransport}}
}

type bearerTransport struct {
	token string
	next  http.RoundTripper
}

func (b bearerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return b.next.RoundTrip(r)
}

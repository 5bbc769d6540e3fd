package auth

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/golang-jwt/jwt/v5"

	"github.com/careweb/careweb/internal/care"
)

const (
	testIssuer   = "https://idp.test/realms/care"
	testAudience = "careweb-api"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// jwksServer publishes the public halves of the keys it is given, on
// loopback, and counts the fetches.
type jwksServer struct {
	*httptest.Server
	mu       sync.Mutex
	keys     []jose.JSONWebKey
	requests int
	body     []byte // when set, served instead of the keys
}

func newJWKSServer(t testing.TB) *jwksServer {
	s := &jwksServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.requests++
		w.Header().Set("Content-Type", "application/json")
		if s.body != nil {
			_, _ = w.Write(s.body)
			return
		}
		_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: s.keys})
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *jwksServer) publish(kid, alg string, pub crypto.PublicKey) {
	s.mu.Lock()
	s.keys = append(s.keys, jose.JSONWebKey{Key: pub, KeyID: kid, Algorithm: alg, Use: "sig"})
	s.mu.Unlock()
}

func (s *jwksServer) withdraw(kid string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, k := range s.keys {
		if k.KeyID == kid {
			s.keys = append(s.keys[:i], s.keys[i+1:]...)
			return
		}
	}
}

func (s *jwksServer) count() int { s.mu.Lock(); defer s.mu.Unlock(); return s.requests }

func rsaKey(t testing.TB) *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func idpClaims(now time.Time) jwt.MapClaims {
	return jwt.MapClaims{
		"iss": testIssuer, "aud": []string{testAudience, "account"}, "sub": "pro-anjali-patel",
		"careweb_role": "professional", "iat": now.Unix(), "nbf": now.Unix(),
		"exp": now.Add(5 * time.Minute).Unix(), "jti": "idp-1",
	}
}

// idpSign signs claims with key under kid ("" = no kid) and typ ("" = none).
func idpSign(t testing.TB, method jwt.SigningMethod, key any, kid, typ string, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, claims)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	if typ == "" {
		delete(tok.Header, "typ")
	} else {
		tok.Header["typ"] = typ
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

type oidcFixture struct {
	v     *OIDC
	jwks  *jwksServer
	clock *clock
	keyA  *rsa.PrivateKey
}

func newOIDCFixture(t testing.TB, mutate func(*OIDCConfig)) *oidcFixture {
	t.Helper()
	f := &oidcFixture{jwks: newJWKSServer(t), clock: &clock{t: t0}, keyA: rsaKey(t)}
	f.jwks.publish("a", "RS256", &f.keyA.PublicKey)
	cfg := OIDCConfig{Issuer: testIssuer, Audience: testAudience, JWKSURL: f.jwks.URL + "/keys", Now: f.clock.now,
		MinRefresh: 10 * time.Second, MaxKeyAge: 15 * time.Minute}
	if mutate != nil {
		mutate(&cfg)
	}
	v, err := NewOIDC(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	f.v = v
	return f
}

func (f *oidcFixture) verify(raw string) (care.Principal, error) {
	return f.v.Verify(context.Background(), raw)
}

func TestOIDCAcceptsProviderTokens(t *testing.T) {
	f := newOIDCFixture(t, nil)
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	f.jwks.publish("ec", "ES256", &ec.PublicKey)
	for _, c := range []struct {
		name string
		raw  string
	}{
		{"RS256, typ JWT", idpSign(t, jwt.SigningMethodRS256, f.keyA, "a", "JWT", idpClaims(t0))},
		{"RS256, no typ", idpSign(t, jwt.SigningMethodRS256, f.keyA, "a", "", idpClaims(t0))},
		{"RS256, typ at+jwt (RFC 9068)", idpSign(t, jwt.SigningMethodRS256, f.keyA, "a", "at+jwt", idpClaims(t0))},
		{"ES256", idpSign(t, jwt.SigningMethodES256, ec, "ec", "JWT", idpClaims(t0))},
		{"aud a plain string", idpSign(t, jwt.SigningMethodRS256, f.keyA, "a", "JWT", with(idpClaims(t0), "aud", testAudience))},
	} {
		p, err := f.verify(c.raw)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		want := care.Principal{Subject: "pro-anjali-patel", Access: care.AccessProfessional, Issuer: testIssuer, TokenID: "idp-1"}
		if p != want {
			t.Errorf("%s: %+v, want %+v", c.name, p, want)
		}
	}
	if n := f.jwks.count(); n != 1 {
		t.Errorf("JWKS fetched %d times, want once (both keys were published before first use)", n)
	}
}

func TestOIDCRefuses(t *testing.T) {
	f := newOIDCFixture(t, nil)
	other := rsaKey(t)
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: must(x509.MarshalPKIXPublicKey(&f.keyA.PublicKey))})
	good := func() jwt.MapClaims { return idpClaims(t0) }
	rs := func(c jwt.MapClaims) string { return idpSign(t, jwt.SigningMethodRS256, f.keyA, "a", "JWT", c) }
	valid := rs(good())
	parts := strings.Split(valid, ".")
	for _, c := range []struct{ name, raw, want string }{
		{"expired", rs(with(good(), "exp", t0.Add(-time.Second).Unix())), "expired"},
		{"no exp", rs(with(good(), "exp", nil)), "expired"},
		{"not yet valid (beyond go-oidc's 5 min skew)", rs(with(good(), "nbf", t0.Add(6*time.Minute).Unix())), "not valid"},
		{"wrong audience", rs(with(good(), "aud", "another-client")), "audience"},
		{"no audience", rs(with(good(), "aud", nil)), "audience"},
		{"wrong issuer", rs(with(good(), "iss", "https://evil.test")), "issuer"},
		{"CareWeb's own issuer", rs(with(good(), "iss", LocalIssuer)), "issuer"},
		{"wrong signature under a published kid", idpSign(t, jwt.SigningMethodRS256, other, "a", "JWT", good()), "not valid"},
		{"wrong signature, no kid", idpSign(t, jwt.SigningMethodRS256, other, "", "JWT", good()), "not valid"},
		{"unknown kid", idpSign(t, jwt.SigningMethodRS256, other, "zzz", "JWT", good()), "not valid"},
		{"payload changed", parts[0] + "." + b64(with(good(), "careweb_role", "admin")) + "." + parts[2], "not valid"},
		{"alg none", b64(map[string]string{"alg": "none", "typ": "JWT"}) + "." + parts[1] + ".", "not valid"},
		{"HS256 keyed with the provider's public key (PEM)", idpSign(t, jwt.SigningMethodHS256, pubPEM, "a", "JWT", good()), "not valid"},
		{"HS256 keyed with the provider's public key (DER)", idpSign(t, jwt.SigningMethodHS256, must(x509.MarshalPKIXPublicKey(&f.keyA.PublicKey)), "a", "JWT", good()), "not valid"},
		{"RS384 (not allowed)", idpSign(t, jwt.SigningMethodRS384, f.keyA, "a", "JWT", good()), "not valid"},
		{"PS256 (not allowed)", idpSign(t, jwt.SigningMethodPS256, f.keyA, "a", "JWT", good()), "not valid"},
		{"typ logout+jwt", idpSign(t, jwt.SigningMethodRS256, f.keyA, "a", "logout+jwt", good()), "type"},
		{"typ not a string", b64(map[string]any{"alg": "RS256", "typ": 7}) + "." + parts[1] + "." + parts[2], "type"},
		{"no role", rs(with(good(), "careweb_role", nil)), "no role"},
		{"unknown role", rs(with(good(), "careweb_role", "superuser")), "not recognised"},
		{"role a number", rs(with(good(), "careweb_role", 3)), "not recognised"},
		{"two roles in an array", rs(with(good(), "careweb_role", []string{"admin", "carer", "staff"})), "more than one role"},
		{"no subject", rs(with(good(), "sub", nil)), "subject"},
		{"subject over the cap", rs(with(good(), "sub", strings.Repeat("s", MaxSubjectBytes+1))), "subject"},
		{"malformed", "not.a.jwt", "malformed"},
		{"empty", "", "empty"},
		{"over-long", valid + strings.Repeat("A", MaxTokenBytes), "too long"},
	} {
		_, err := f.verify(c.raw)
		wantRefused(t, c.name, c.raw, err, c.want)
	}
}

func TestOIDCRoleAndSubjectClaims(t *testing.T) {
	f := newOIDCFixture(t, func(c *OIDCConfig) {
		c.RoleClaim = "realm_access.roles"
		c.SubjectClaim = "careweb_id"
	})
	claims := idpClaims(t0)
	delete(claims, "careweb_role")
	claims["sub"] = "2b1f0c1e-idp-user-id"
	claims["careweb_id"] = "c-margaret"
	claims["realm_access"] = map[string]any{"roles": []string{"offline_access", "Carer", "uma_authorization"}}
	p, err := f.verify(idpSign(t, jwt.SigningMethodRS256, f.keyA, "a", "JWT", claims))
	if err != nil {
		t.Fatal(err)
	}
	if p.Subject != "c-margaret" || p.Access != care.AccessCarer {
		t.Fatalf("principal %+v", p)
	}
	// A dotted name that is itself a top-level claim wins over the path.
	g := newOIDCFixture(t, func(c *OIDCConfig) { c.RoleClaim = "https://careweb.example/role" })
	claims = idpClaims(t0)
	claims["https://careweb.example/role"] = "researcher"
	p, err = g.verify(idpSign(t, jwt.SigningMethodRS256, g.keyA, "a", "JWT", claims))
	if err != nil || p.Access != care.AccessResearcher {
		t.Fatalf("namespaced claim: %+v %v", p, err)
	}
}

func TestOIDCKeyRotation(t *testing.T) {
	f := newOIDCFixture(t, nil)
	tokA := func() string { return idpSign(t, jwt.SigningMethodRS256, f.keyA, "a", "JWT", idpClaims(f.clock.now())) }
	if _, err := f.verify(tokA()); err != nil {
		t.Fatal(err)
	}
	if n := f.jwks.count(); n != 1 {
		t.Fatalf("first use: %d fetches", n)
	}
	// Cached: more tokens, no more fetches.
	for range 20 {
		if _, err := f.verify(tokA()); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.jwks.count(); n != 1 {
		t.Fatalf("cached keys refetched: %d fetches", n)
	}

	// The provider rotates: key b appears and signs new tokens.
	keyB := rsaKey(t)
	f.jwks.publish("b", "RS256", &keyB.PublicKey)
	tokB := func() string { return idpSign(t, jwt.SigningMethodRS256, keyB, "b", "JWT", idpClaims(f.clock.now())) }
	f.clock.advance(11 * time.Second) // past MinRefresh since the first fetch
	if _, err := f.verify(tokB()); err != nil {
		t.Fatalf("new kid after rotation: %v", err)
	}
	if n := f.jwks.count(); n != 2 {
		t.Fatalf("rotation: %d fetches, want 2", n)
	}
	// Both keys now verify from the cache.
	for _, raw := range []string{tokA(), tokB()} {
		if _, err := f.verify(raw); err != nil {
			t.Fatal(err)
		}
	}

	// Made-up key ids cannot make every request a fetch: within
	// MinRefresh at most one more goes out, however many tokens come.
	forger := rsaKey(t)
	f.clock.advance(11 * time.Second)
	for i := range 50 {
		raw := idpSign(t, jwt.SigningMethodRS256, forger, fmt.Sprintf("made-up-%d", i), "JWT", idpClaims(f.clock.now()))
		if _, err := f.verify(raw); err == nil {
			t.Fatal("a token under a made-up kid was accepted")
		}
	}
	if n := f.jwks.count(); n != 3 {
		t.Fatalf("50 made-up kids: %d fetches in all, want 3", n)
	}
	// Genuine tokens still pass meanwhile, from the cache.
	if _, err := f.verify(tokB()); err != nil {
		t.Fatalf("valid token refused during the refetch pause: %v", err)
	}

	// The provider withdraws key a: once the keys are older than
	// MaxKeyAge they are fetched again and a stops verifying.
	f.jwks.withdraw("a")
	if _, err := f.verify(tokA()); err != nil {
		t.Fatalf("withdrawn key refused before MaxKeyAge (keys are cached): %v", err)
	}
	f.clock.advance(15 * time.Minute)
	if _, err := f.verify(tokA()); err == nil {
		t.Fatal("token under a withdrawn key accepted after MaxKeyAge")
	}
	if _, err := f.verify(tokB()); err != nil {
		t.Fatalf("current key refused after the refresh: %v", err)
	}
}

func TestOIDCProviderDownAndOversizedJWKS(t *testing.T) {
	f := newOIDCFixture(t, nil)
	raw := idpSign(t, jwt.SigningMethodRS256, f.keyA, "a", "JWT", idpClaims(t0))
	// The genuine key set, padded past the cap with trailing space (still
	// valid JSON): only the size can refuse it.
	f.jwks.mu.Lock()
	f.jwks.body = must(json.Marshal(jose.JSONWebKeySet{Keys: f.jwks.keys}))
	f.jwks.body = append(f.jwks.body, strings.Repeat(" ", maxJWKSBytes)...)
	f.jwks.mu.Unlock()
	_, err := f.verify(raw)
	wantRefused(t, "oversized JWKS", raw, err, "not valid")

	g := newOIDCFixture(t, nil)
	g.jwks.Close()
	raw = idpSign(t, jwt.SigningMethodRS256, g.keyA, "a", "JWT", idpClaims(t0))
	_, err = g.verify(raw)
	wantRefused(t, "provider unreachable", raw, err, "not valid")
}

func TestOIDCConfig(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		cfg  OIDCConfig
		want string
	}{
		{OIDCConfig{}, "missing issuer, audience, JWKS URL"},
		{OIDCConfig{Issuer: testIssuer, Audience: "x"}, "missing JWKS URL"},
		{OIDCConfig{Issuer: testIssuer, Audience: "x", JWKSURL: "http://idp.example/keys"}, "https"},
		{OIDCConfig{Issuer: testIssuer, Audience: "x", JWKSURL: "/keys"}, "absolute"},
		{OIDCConfig{Issuer: LocalIssuer, Audience: "x", JWKSURL: "https://idp.example/keys"}, "CareWeb's own"},
		{OIDCConfig{Issuer: testIssuer, Audience: "x", JWKSURL: "https://idp.example/keys", Algorithms: []string{"HS256"}}, "asymmetric"},
	} {
		_, err := NewOIDC(ctx, c.cfg)
		if care.ErrorCode(err) != care.Invalid || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want Invalid about %q", c.cfg, err, c.want)
		}
	}
	for _, u := range []string{"https://idp.example/keys", "http://127.0.0.1:9/keys", "http://localhost:9/keys", "http://[::1]:9/keys"} {
		if _, err := NewOIDC(ctx, OIDCConfig{Issuer: testIssuer, Audience: "x", JWKSURL: u}); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

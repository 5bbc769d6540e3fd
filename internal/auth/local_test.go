package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/keys"
)

// t0 is the tests' fixed "now".
var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func at(t time.Time) func() time.Time { return func() time.Time { return t } }

func newLocal(t testing.TB, secret string, now time.Time) *LocalTokens {
	t.Helper()
	l, err := NewLocalTokens(keys.Secret(secret), at(now))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

const secretA = "0123456789abcdef0123456789abcdef"
const secretB = "fedcba9876543210fedcba9876543210"

// goodClaims are the claims Mint writes, for tests that change one.
func goodClaims() jwt.MapClaims {
	return jwt.MapClaims{
		"iss": LocalIssuer, "aud": LocalAudience, "sub": "c-margaret", "role": "carer",
		"iat": t0.Unix(), "nbf": t0.Unix(), "exp": t0.Add(time.Hour).Unix(), "jti": "abc123",
	}
}

// sign signs claims with method and key, with header typ (omitted when "")
// and no kid.
func sign(t testing.TB, method jwt.SigningMethod, key any, typ string, claims jwt.MapClaims) string {
	t.Helper()
	return idpSign(t, method, key, "", typ, claims)
}

func with(c jwt.MapClaims, k string, v any) jwt.MapClaims {
	c[k] = v
	if v == nil {
		delete(c, k)
	}
	return c
}

func b64(v any) string {
	b, _ := json.Marshal(v)
	return base64.RawURLEncoding.EncodeToString(b)
}

// wantRefused asserts err is Unauthenticated, says want, and does not
// repeat the token.
func wantRefused(t *testing.T, name, raw string, err error, want string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: accepted", name)
		return
	}
	if care.ErrorCode(err) != care.Unauthenticated {
		t.Errorf("%s: code %s (%v), want UNAUTHENTICATED", name, care.ErrorCode(err), err)
	}
	msg := care.ErrorMessage(err)
	if !strings.Contains(msg, want) {
		t.Errorf("%s: message %q, want it to say %q", name, msg, want)
	}
	if len(raw) > 8 && (strings.Contains(msg, raw) || strings.Contains(err.Error(), raw)) {
		t.Errorf("%s: the error repeats the token", name)
	}
}

func TestLocalMintAndVerify(t *testing.T) {
	l := newLocal(t, secretA, t0)
	for _, role := range care.Accesses {
		raw, err := l.Mint("subject-1", role, 8*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		p, err := l.Verify(context.Background(), raw)
		if err != nil {
			t.Fatalf("%s: %v", role, err)
		}
		if p.Subject != "subject-1" || p.Access != role || p.Issuer != LocalIssuer || len(p.TokenID) != 32 {
			t.Fatalf("%s: principal %+v", role, p)
		}
	}
	// The claims and header are exactly the documented ones.
	raw, _ := l.Mint("p-arthur", care.AccessPerson, 12*time.Hour)
	parts := strings.Split(raw, ".")
	var header, claims map[string]any
	for i, dst := range []*map[string]any{&header, &claims} {
		b, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, dst); err != nil {
			t.Fatal(err)
		}
	}
	if len(header) != 2 || header["alg"] != "HS256" || header["typ"] != "JWT" {
		t.Errorf("header %v", header)
	}
	want := map[string]any{"iss": "careweb", "aud": "careweb", "sub": "p-arthur", "role": "person",
		"iat": float64(t0.Unix()), "nbf": float64(t0.Unix()), "exp": float64(t0.Add(12 * time.Hour).Unix())}
	for k, v := range want {
		if claims[k] != v {
			t.Errorf("claim %s = %v, want %v", k, claims[k], v)
		}
	}
	if len(claims) != len(want)+1 || claims["jti"] == nil {
		t.Errorf("claims %v: want exactly %v and jti", claims, want)
	}
	// Two tokens for the same subject differ by jti.
	again, _ := l.Mint("p-arthur", care.AccessPerson, 12*time.Hour)
	if again == raw {
		t.Error("two mints gave the same token")
	}
}

func TestLocalMintRefuses(t *testing.T) {
	l := newLocal(t, secretA, t0)
	for _, c := range []struct {
		sub  string
		role care.Access
		ttl  time.Duration
		want string
	}{
		{"", care.AccessAdmin, time.Hour, "subject"},
		{" padded", care.AccessAdmin, time.Hour, "subject"},
		{"line\nbreak", care.AccessAdmin, time.Hour, "subject"},
		{strings.Repeat("x", MaxSubjectBytes+1), care.AccessAdmin, time.Hour, "subject"},
		{"x", "superuser", time.Hour, "role"},
		{"x", "", time.Hour, "role"},
		{"x", care.AccessAdmin, 0, "ttl"},
		{"x", care.AccessAdmin, -time.Hour, "ttl"},
		{"x", care.AccessAdmin, MaxLocalTTL + time.Second, "ttl"},
	} {
		_, err := l.Mint(c.sub, c.role, c.ttl)
		if care.ErrorCode(err) != care.Invalid || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Mint(%q, %q, %s): %v, want Invalid about %s", c.sub, c.role, c.ttl, err, c.want)
		}
	}
	if _, err := NewLocalTokens(keys.Secret("short"), nil); care.ErrorCode(err) != care.Invalid {
		t.Errorf("short key: %v", err)
	}
}

func TestLocalTimeChecks(t *testing.T) {
	minter := newLocal(t, secretA, t0)
	raw, _ := minter.Mint("admin", care.AccessAdmin, time.Hour)
	for _, c := range []struct {
		name string
		now  time.Time
		want string // "" = accepted
	}{
		{"at issue", t0, ""},
		{"just before expiry", t0.Add(time.Hour - time.Second), ""},
		{"expired within the leeway", t0.Add(time.Hour + LocalLeeway - time.Second), ""},
		{"expired", t0.Add(time.Hour + LocalLeeway + time.Second), "expired"},
		{"expired long ago", t0.Add(1000 * time.Hour), "expired"},
		{"clock slightly behind", t0.Add(-LocalLeeway + time.Second), ""},
		{"not yet valid", t0.Add(-LocalLeeway - time.Second), "not valid yet"},
	} {
		_, err := newLocal(t, secretA, c.now).Verify(context.Background(), raw)
		if c.want == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		wantRefused(t, c.name, raw, err, c.want)
	}
}

func TestLocalRefusesForgedAndMalformedTokens(t *testing.T) {
	l := newLocal(t, secretA, t0)
	good := goodClaims
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pubDER, _ := x509.MarshalPKIXPublicKey(&rsaKey.PublicKey)
	valid := sign(t, localAlg, l.key, "JWT", good())
	if _, err := l.Verify(context.Background(), valid); err != nil {
		t.Fatalf("the baseline token is refused: %v", err)
	}
	vparts := strings.Split(valid, ".")
	noneHeader := b64(map[string]string{"alg": "none", "typ": "JWT"})
	cases := []struct {
		name, raw, want string
	}{
		{"wrong key", newLocal(t, secretB, t0).mustMint(t, "c-margaret", care.AccessCarer), "signature"},
		{"the raw key file bytes, not the derived key", sign(t, localAlg, []byte(secretA), "JWT", good()), "signature"},
		{"alg none, empty signature", noneHeader + "." + vparts[1] + ".", "signature"},
		{"alg none, original signature", noneHeader + "." + vparts[1] + "." + vparts[2], "signature"},
		{"alg none via the library", sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, "JWT", good()), "signature"},
		{"RS256", sign(t, jwt.SigningMethodRS256, rsaKey, "JWT", good()), "signature"},
		{"ES256", sign(t, jwt.SigningMethodES256, ecKey, "JWT", good()), "signature"},
		{"HS256 keyed with an RSA public key", sign(t, localAlg, pubDER, "JWT", good()), "signature"},
		{"HS512 with the right key", sign(t, jwt.SigningMethodHS512, l.key, "JWT", good()), "signature"},
		{"HS384 with the right key", sign(t, jwt.SigningMethodHS384, l.key, "JWT", good()), "signature"},
		{"header alg swapped after signing", b64(map[string]string{"alg": "HS512", "typ": "JWT"}) + "." + vparts[1] + "." + vparts[2], "signature"},
		{"payload changed after signing", vparts[0] + "." + b64(with(good(), "role", "admin")) + "." + vparts[2], "signature"},
		{"signature dropped", vparts[0] + "." + vparts[1] + ".", "signature"},
		{"signature truncated", vparts[0] + "." + vparts[1] + "." + vparts[2][:20], "signature"},
		{"no typ", sign(t, localAlg, l.key, "", good()), "type"},
		{"typ at+jwt", sign(t, localAlg, l.key, "at+jwt", good()), "type"},
		{"wrong audience", sign(t, localAlg, l.key, "JWT", with(good(), "aud", "someone-else")), "audience"},
		{"no audience", sign(t, localAlg, l.key, "JWT", with(good(), "aud", nil)), "required claim"},
		{"wrong issuer", sign(t, localAlg, l.key, "JWT", with(good(), "iss", "https://idp.example")), "issuer"},
		{"no issuer", sign(t, localAlg, l.key, "JWT", with(good(), "iss", nil)), "required claim"},
		{"no exp", sign(t, localAlg, l.key, "JWT", with(good(), "exp", nil)), "required claim"},
		{"no nbf", sign(t, localAlg, l.key, "JWT", with(good(), "nbf", nil)), "required claim"},
		{"nbf in the future", sign(t, localAlg, l.key, "JWT", with(good(), "nbf", t0.Add(time.Hour).Unix())), "not valid yet"},
		{"iat in the future", sign(t, localAlg, l.key, "JWT", with(good(), "iat", t0.Add(time.Hour).Unix())), "issued in the future"},
		{"no iat", sign(t, localAlg, l.key, "JWT", with(good(), "iat", nil)), "issue time"},
		{"exp a string", sign(t, localAlg, l.key, "JWT", with(good(), "exp", "tomorrow")), "malformed"},
		{"no role", sign(t, localAlg, l.key, "JWT", with(good(), "role", nil)), "no role"},
		{"empty role", sign(t, localAlg, l.key, "JWT", with(good(), "role", "")), "no role"},
		{"unknown role", sign(t, localAlg, l.key, "JWT", with(good(), "role", "superuser")), "role is not recognised"},
		{"role a number", sign(t, localAlg, l.key, "JWT", with(good(), "role", 1)), "malformed"},
		{"role an array", sign(t, localAlg, l.key, "JWT", with(good(), "role", []string{"admin"})), "malformed"},
		{"no subject", sign(t, localAlg, l.key, "JWT", with(good(), "sub", nil)), "subject"},
		{"subject with a control character", sign(t, localAlg, l.key, "JWT", with(good(), "sub", "a\x00b")), "subject"},
		{"no jti", sign(t, localAlg, l.key, "JWT", with(good(), "jti", nil)), "jti"},
		{"empty", "", "empty"},
		{"one part", "abc", "malformed"},
		{"two parts", "abc.def", "malformed"},
		{"four parts", valid + ".x", "malformed"},
		{"dots only", "..", "malformed"},
		{"not base64", "!!!.???.***", "malformed"},
		{"header not JSON", b64("x")[:4] + "." + vparts[1] + "." + vparts[2], "malformed"},
		{"padded base64", vparts[0] + "=." + vparts[1] + "." + vparts[2], "malformed"},
		{"standard base64 alphabet", strings.NewReplacer("-", "+", "_", "/").Replace(valid) + "+/", "malformed"},
		{"Bearer prefix left on", "Bearer " + valid, "malformed"},
		// Verify takes the token as given; the transport trims.
		{"surrounding space", " " + valid + " ", "malformed"},
		{"over-long", valid + "." + strings.Repeat("A", MaxTokenBytes), "too long"},
		{"over-long but validly signed", sign(t, localAlg, l.key, "JWT", with(good(), "pad", strings.Repeat("x", MaxTokenBytes))), "too long"},
	}
	for _, c := range cases {
		_, err := l.Verify(context.Background(), c.raw)
		wantRefused(t, c.name, c.raw, err, c.want)
	}
}

func (l *LocalTokens) mustMint(t testing.TB, sub string, role care.Access) string {
	t.Helper()
	s, err := l.Mint(sub, role, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

package auth

import (
	"context"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/careweb/careweb/internal/care"
)

// FuzzVerify feeds the local verifier arbitrary strings, starting from
// real tokens and near misses. It must never panic, must refuse with
// Unauthenticated and a message that does not repeat the input, and must
// accept only the very tokens minted with its key: any other accepted
// string would be a forgery.
//
// CI runs it briefly (scripts/test.sh); longer locally:
//
//	go test -run '^$' -fuzz '^FuzzVerify$' -fuzztime 5m ./internal/auth
func FuzzVerify(f *testing.F) {
	l := newLocal(f, secretA, t0)
	// The tokens are Mint's, byte for byte, but with a fixed jti: the
	// fuzzing engine runs this set-up in several processes, and every one
	// must know the same set of genuine tokens.
	minted := map[string]bool{}
	for _, role := range care.Accesses {
		c := goodClaims()
		c["sub"], c["role"], c["jti"] = "subject-"+string(role), string(role), "fixed-"+string(role)
		raw := sign(f, localAlg, l.key, "JWT", c)
		if _, err := l.Verify(context.Background(), raw); err != nil {
			f.Fatal(err)
		}
		minted[raw] = true
		f.Add(raw)
		parts := strings.Split(raw, ".")
		f.Add(parts[0] + "." + parts[1] + ".")
		f.Add(b64(map[string]string{"alg": "none", "typ": "JWT"}) + "." + parts[1] + ".")
		f.Add(b64(map[string]string{"alg": "HS512", "typ": "JWT"}) + "." + parts[1] + "." + parts[2])
		f.Add(parts[0] + "." + b64(with(goodClaims(), "role", "admin")) + "." + parts[2])
	}
	other := newLocal(f, secretB, t0)
	f.Add(other.mustMint(f, "admin", care.AccessAdmin))
	f.Add(sign(f, jwt.SigningMethodHS256, []byte(secretA), "JWT", goodClaims()))
	f.Add(sign(f, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, "JWT", goodClaims()))
	for _, s := range []string{"", ".", "..", "...", "a.b.c", "e30.e30.", "e30.e30.e30", "eyJhbGciOiJIUzI1NiJ9.e30.", "Bearer x", "\x00", strings.Repeat("A", MaxTokenBytes+1)} {
		f.Add(s)
	}
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, raw string) {
		p, err := l.Verify(ctx, raw)
		if err == nil {
			if !minted[raw] {
				t.Fatalf("accepted a token it did not mint: %q → %+v", raw, p)
			}
			return
		}
		if care.ErrorCode(err) != care.Unauthenticated {
			t.Fatalf("refusal coded %s: %v", care.ErrorCode(err), err)
		}
		if len(raw) >= 16 && strings.Contains(err.Error(), raw) {
			t.Fatalf("the error repeats the input: %v", err)
		}
	})
}

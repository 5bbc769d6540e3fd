package auth

import (
	"context"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/careweb/careweb/internal/care"
)

// The cost each request pays for its bearer token:
//
//	go test -run '^$' -bench Verify -benchmem ./internal/auth
func BenchmarkLocalVerify(b *testing.B) {
	l := newLocal(b, secretA, t0)
	raw := l.mustMint(b, "c-margaret", care.AccessCarer)
	ctx := context.Background()
	for b.Loop() {
		if _, err := l.Verify(ctx, raw); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOIDCVerifyCachedKey(b *testing.B) {
	f := newOIDCFixture(b, nil)
	raw := idpSign(b, jwt.SigningMethodRS256, f.keyA, "a", "JWT", idpClaims(t0))
	if _, err := f.verify(raw); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := f.verify(raw); err != nil {
			b.Fatal(err)
		}
	}
}

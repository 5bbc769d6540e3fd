package auth

import (
	"context"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/careweb/careweb/internal/care"
)

func TestChainRoutesByIssuer(t *testing.T) {
	f := newOIDCFixture(t, nil)
	local := newLocal(t, secretA, t0)
	chain, err := NewChain(local, f.v)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	p, err := chain.Verify(ctx, local.mustMint(t, "admin", care.AccessAdmin))
	if err != nil || p.Issuer != LocalIssuer || p.Access != care.AccessAdmin {
		t.Fatalf("local token: %+v %v", p, err)
	}
	p, err = chain.Verify(ctx, idpSign(t, jwt.SigningMethodRS256, f.keyA, "a", "JWT", idpClaims(t0)))
	if err != nil || p.Issuer != testIssuer || p.Access != care.AccessProfessional {
		t.Fatalf("provider token: %+v %v", p, err)
	}

	// Lying about the issuer only picks a verifier that then refuses.
	asLocal := with(idpClaims(t0), "iss", LocalIssuer)
	asLocal["aud"] = LocalAudience
	asLocal["role"] = "admin"
	forged := idpSign(t, jwt.SigningMethodRS256, f.keyA, "a", "JWT", asLocal)
	_, err = chain.Verify(ctx, forged)
	wantRefused(t, "provider-signed token claiming iss careweb", forged, err, "signature")

	asProvider := goodClaims()
	asProvider["iss"] = testIssuer
	asProvider["aud"] = testAudience
	asProvider["careweb_role"] = "admin"
	forged = sign(t, localAlg, local.key, "JWT", asProvider)
	_, err = chain.Verify(ctx, forged)
	wantRefused(t, "locally signed token claiming the provider's issuer", forged, err, "not valid")

	for _, c := range []struct{ name, raw, want string }{
		{"unknown issuer", sign(t, localAlg, local.key, "JWT", with(goodClaims(), "iss", "https://elsewhere")), "issuer"},
		{"no issuer", sign(t, localAlg, local.key, "JWT", with(goodClaims(), "iss", nil)), "issuer"},
		{"malformed", "x.y.z", "malformed"},
		{"over-long", strings.Repeat("a", MaxTokenBytes+1), "too long"},
	} {
		_, err := chain.Verify(ctx, c.raw)
		wantRefused(t, c.name, c.raw, err, c.want)
	}

	if _, err := NewChain(local, newLocal(t, secretB, t0)); care.ErrorCode(err) != care.Invalid {
		t.Errorf("two verifiers for one issuer: %v", err)
	}
	if _, err := NewChain(); care.ErrorCode(err) != care.Invalid {
		t.Errorf("empty chain: %v", err)
	}
}

package auth

import (
	"context"

	"github.com/golang-jwt/jwt/v5"

	"github.com/careweb/careweb/internal/care"
)

// IssuerVerifier is a Verifier for the tokens of one issuer.
type IssuerVerifier interface {
	Verifier
	Issuer() string
}

// Chain routes each token to the verifier of its issuer. It reads iss
// without verifying it, only to choose; the chosen verifier then checks
// everything, iss included, so a token cannot pick a laxer verifier by
// lying about its issuer.
type Chain struct {
	byIssuer map[string]Verifier
	peek     *jwt.Parser
}

// NewChain returns a Chain over vs, whose issuers must differ.
func NewChain(vs ...IssuerVerifier) (*Chain, error) {
	c := &Chain{byIssuer: map[string]Verifier{}, peek: jwt.NewParser()}
	for _, v := range vs {
		iss := v.Issuer()
		if _, dup := c.byIssuer[iss]; dup {
			return nil, care.Errorf(care.Invalid, "two token verifiers for issuer %q", iss)
		}
		c.byIssuer[iss] = v
	}
	if len(c.byIssuer) == 0 {
		return nil, care.Errorf(care.Invalid, "no token verifier configured")
	}
	return c, nil
}

// Verify implements Verifier.
func (c *Chain) Verify(ctx context.Context, raw string) (care.Principal, error) {
	if err := checkSize(raw); err != nil {
		return care.Principal{}, err
	}
	var stated jwt.RegisteredClaims
	if _, _, err := c.peek.ParseUnverified(raw, &stated); err != nil {
		return care.Principal{}, refuse(err, "bearer token is malformed")
	}
	v, ok := c.byIssuer[stated.Issuer]
	if !ok {
		return care.Principal{}, refuse(nil, "bearer token issuer is not accepted")
	}
	return v.Verify(ctx, raw)
}

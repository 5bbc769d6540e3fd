package auth

import (
	"context"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/keys"
)

const (
	// LocalIssuer is the iss (and Principal.Issuer) of tokens the service
	// signs itself.
	LocalIssuer = "careweb"
	// LocalAudience is the aud of tokens the service signs itself.
	LocalAudience = "careweb"
	// LocalLeeway is the clock skew allowed on exp, nbf and iat.
	LocalLeeway = 30 * time.Second
	// MaxLocalTTL is the longest lifetime Mint gives a token.
	MaxLocalTTL = 31 * 24 * time.Hour
)

// localAlg is the one algorithm local tokens use; see the package doc.
var localAlg = jwt.SigningMethodHS256

// keyInfo separates the derived signing key from any other use of the
// same key file.
const keyInfo = "careweb local bearer tokens: HS256 signing key v1"

// LocalTokens mints and verifies the service's own tokens with one secret.
// It is safe for concurrent use.
type LocalTokens struct {
	key    []byte
	now    func() time.Time
	parser *jwt.Parser
}

// NewLocalTokens returns the minter and verifier keyed by secret (at
// least keys.MinSize bytes). now is the clock; nil means time.Now.
func NewLocalTokens(secret keys.Secret, now func() time.Time) (*LocalTokens, error) {
	if len(secret) < keys.MinSize {
		return nil, care.Errorf(care.Invalid, "token key: %d bytes; want at least %d", len(secret), keys.MinSize)
	}
	key, err := hkdf.Key(sha256.New, secret, nil, keyInfo, sha256.Size)
	if err != nil {
		return nil, care.Wrap(care.Internal, err, "token key: cannot derive the signing key")
	}
	if now == nil {
		now = time.Now
	}
	return &LocalTokens{
		key: key,
		now: now,
		parser: jwt.NewParser(
			// Exactly one algorithm: "none", RS256 with the secret as a
			// "public key", and every other substitution fail here.
			jwt.WithValidMethods([]string{localAlg.Alg()}),
			jwt.WithIssuer(LocalIssuer),
			jwt.WithAudience(LocalAudience),
			jwt.WithExpirationRequired(),
			jwt.WithNotBeforeRequired(),
			jwt.WithIssuedAt(),
			jwt.WithLeeway(LocalLeeway),
			jwt.WithTimeFunc(now),
			jwt.WithStrictDecoding(),
		),
	}, nil
}

// Issuer returns LocalIssuer, the iss Chain routes on.
func (*LocalTokens) Issuer() string { return LocalIssuer }

// Mint signs a token for subject in role, valid from now for ttl (at most
// MaxLocalTTL). It checks the subject's form, not that it exists: callers
// that can (the token command) look it up in the store.
func (l *LocalTokens) Mint(subject string, role care.Access, ttl time.Duration) (string, error) {
	if !validSubject(subject) {
		return "", care.Errorf(care.Invalid, "subject %q: want a non-empty id of at most %d bytes, without control characters or surrounding space", subject, MaxSubjectBytes)
	}
	r, ok := care.ParseAccess(string(role))
	if !ok {
		return "", care.Errorf(care.Invalid, "role %q: want one of %v", role, care.Accesses)
	}
	if ttl <= 0 || ttl > MaxLocalTTL {
		return "", care.Errorf(care.Invalid, "ttl %s: want more than 0 and at most %s", ttl, MaxLocalTTL)
	}
	id := make([]byte, 16)
	if _, err := rand.Read(id); err != nil {
		return "", care.Wrap(care.Internal, err, "token id: no randomness")
	}
	now := l.now().Truncate(time.Second)
	// MapClaims so that aud is the plain string "careweb" rather than the
	// one-element array RegisteredClaims would write.
	tok := jwt.NewWithClaims(localAlg, jwt.MapClaims{
		"iss":  LocalIssuer,
		"aud":  LocalAudience,
		"sub":  subject,
		"role": string(r),
		"iat":  now.Unix(),
		"nbf":  now.Unix(),
		"exp":  now.Add(ttl).Unix(),
		"jti":  hex.EncodeToString(id),
	})
	// NewWithClaims sets typ "JWT" already; say it here, as Verify requires it.
	tok.Header["typ"] = "JWT"
	s, err := tok.SignedString(l.key)
	if err != nil {
		return "", care.Wrap(care.Internal, err, "cannot sign the token")
	}
	return s, nil
}

type localClaims struct {
	Role string `json:"role"`
	jwt.RegisteredClaims
}

var errWrongType = errors.New(`typ is not "JWT"`)

// Verify checks a local token: size, algorithm, typ, signature, iss, aud,
// exp, nbf, iat, and the presence of sub, a known role and jti.
func (l *LocalTokens) Verify(_ context.Context, raw string) (care.Principal, error) {
	if err := checkSize(raw); err != nil {
		return care.Principal{}, err
	}
	var c localClaims
	_, err := l.parser.ParseWithClaims(raw, &c, func(t *jwt.Token) (any, error) {
		if typ, _ := t.Header["typ"].(string); typ != "JWT" {
			return nil, errWrongType
		}
		if t.Method != localAlg {
			return nil, jwt.ErrTokenSignatureInvalid
		}
		return l.key, nil
	})
	if err != nil {
		return care.Principal{}, localRefusal(err)
	}
	switch {
	case !validSubject(c.Subject):
		return care.Principal{}, refuse(nil, "bearer token has no valid subject (sub)")
	case c.Role == "":
		return care.Principal{}, refuse(nil, "bearer token has no role")
	case c.ID == "":
		return care.Principal{}, refuse(nil, "bearer token has no id (jti)")
	case c.IssuedAt == nil:
		return care.Principal{}, refuse(nil, "bearer token has no issue time (iat)")
	}
	role, ok := care.ParseAccess(c.Role)
	if !ok {
		return care.Principal{}, refuse(nil, "bearer token role is not recognised")
	}
	return care.Principal{Subject: c.Subject, Access: role, Issuer: LocalIssuer, TokenID: c.ID}, nil
}

// localRefusal turns a jwt error into the caller-safe refusal; the order
// matters, as claim errors are joined with ErrTokenInvalidClaims.
func localRefusal(err error) error {
	var msg string
	switch {
	case errors.Is(err, errWrongType):
		msg = "bearer token type is not accepted"
	case errors.Is(err, jwt.ErrTokenMalformed):
		msg = "bearer token is malformed"
	case errors.Is(err, jwt.ErrTokenSignatureInvalid), errors.Is(err, jwt.ErrTokenUnverifiable):
		msg = "bearer token signature is not valid"
	case errors.Is(err, jwt.ErrTokenExpired):
		msg = "bearer token has expired"
	case errors.Is(err, jwt.ErrTokenNotValidYet):
		msg = "bearer token is not valid yet"
	case errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		msg = "bearer token is issued in the future"
	case errors.Is(err, jwt.ErrTokenInvalidAudience):
		msg = "bearer token audience is not accepted"
	case errors.Is(err, jwt.ErrTokenInvalidIssuer):
		msg = "bearer token issuer is not accepted"
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		msg = "bearer token lacks a required claim (iss, aud, exp or nbf)"
	default:
		msg = "bearer token is not valid"
	}
	return refuse(err, msg)
}

package auth

import (
	"context"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/careweb/careweb/internal/care"
)

// Verifier checks a raw bearer token (without the "Bearer " prefix) and
// returns the principal it vouches for. Every refusal is a
// care.Unauthenticated error whose message is safe to show and never
// contains the token.
type Verifier interface {
	Verify(ctx context.Context, raw string) (care.Principal, error)
}

// MaxTokenBytes caps a token before any parsing, so an oversized header
// costs no decoding. Real tokens are well under 2 KiB.
const MaxTokenBytes = 8 << 10

// MaxSubjectBytes caps the subject a token may carry: it becomes a node id
// lookup, an audit field and a log field.
const MaxSubjectBytes = 256

// refuse returns the Unauthenticated error for a refused token: msg is
// shown to the caller, cause (if any) is kept for the logs only.
func refuse(cause error, msg string) *care.Error {
	return &care.Error{Code: care.Unauthenticated, Message: msg, Err: cause}
}

// checkSize refuses an empty or oversized token before it is parsed.
func checkSize(raw string) error {
	switch {
	case raw == "":
		return refuse(nil, "bearer token is empty")
	case len(raw) > MaxTokenBytes:
		return refuse(nil, "bearer token is too long")
	}
	return nil
}

// validSubject reports whether s can name a principal: present, bounded,
// UTF-8, and free of control characters (it ends up in logs and audit
// records).
func validSubject(s string) bool {
	if s == "" || len(s) > MaxSubjectBytes || !utf8.ValidString(s) || strings.TrimSpace(s) != s {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

type errorKey struct{}

// withError returns a copy of ctx recording why the request is not signed
// in. Any principal ctx carried is masked, so a later, refused token
// (a WebSocket connection_init) cannot leave an earlier one in force.
func withError(ctx context.Context, err error) context.Context {
	ctx = care.NewContextWithPrincipal(ctx, care.Principal{})
	return context.WithValue(ctx, errorKey{}, err)
}

// errNoToken is why a request that sent no token is not signed in.
var errNoToken = refuse(nil, "sign in: send the header Authorization: Bearer <token>")

// ErrorFromContext returns nil when ctx carries a verified principal, and
// otherwise the care.Unauthenticated error that says why not: the
// token's refusal, or that no token was sent.
func ErrorFromContext(ctx context.Context) error {
	if _, ok := care.PrincipalFromContext(ctx); ok {
		return nil
	}
	if err, ok := ctx.Value(errorKey{}).(error); ok && err != nil {
		return err
	}
	return errNoToken
}

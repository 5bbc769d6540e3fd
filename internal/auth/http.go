package auth

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/golang-jwt/jwt/v5"
	"github.com/rs/zerolog"

	"github.com/careweb/careweb/internal/care"
)

// Middleware verifies the request's "Authorization: Bearer <token>" header
// with v and puts the principal in the request context. It never refuses
// a request itself: without a valid token the request goes on with the
// reason in its context (ErrorFromContext), so the GraphQL layer answers
// in GraphQL's own error shape (see the package doc). Refusals are logged
// at info level with their safe message only: never the token.
func Middleware(v Verifier, log zerolog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx := r.Context()
			headers := r.Header.Values("Authorization")
			switch len(headers) {
			case 0:
				// Not signed in; nothing to log.
			case 1:
				var raw string
				ctx, raw = verifyInto(ctx, v, &log, headers[0], false)
				// Only a socket outlives its request and needs the expiry
				// (WebSocketInit); gqlgen's Websocket transport takes every
				// request with an Upgrade header, so the same test here.
				if raw != "" && r.Header.Get("Upgrade") != "" {
					ctx = withExpiry(ctx, raw)
				}
			default:
				ctx = refuseInto(ctx, &log, refuse(nil, "send one Authorization header, not several"))
			}
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}

// WebSocketInit returns gqlgen's connection_init hook for
// graphql-transport-ws sockets (browsers cannot set headers on a
// WebSocket). It reads "Authorization" (or "authorization") as
// "Bearer <token>", or "authToken" as a bare token or "Bearer <token>".
// With no token in the payload the socket keeps what Middleware found on
// the upgrade request. A refused token does not close the socket: every
// operation on it is then UNAUTHENTICATED, as over HTTP. The socket of
// an accepted token (from the payload or the upgrade request) ends when
// the token expires, so a subscription cannot outlive its credentials.
func WebSocketInit(v Verifier, log zerolog.Logger) transport.WebsocketInitFunc {
	return func(ctx context.Context, payload transport.InitPayload) (context.Context, *transport.InitPayload, error) {
		header, bare := payload.Authorization(), false
		if header == "" {
			header, bare = payload.GetString("authToken"), true
		}
		if header != "" {
			var raw string
			if ctx, raw = verifyInto(ctx, v, &log, header, bare); raw != "" {
				ctx = withExpiry(ctx, raw)
			}
		}
		// A refused payload token masks the principal but not the upgrade
		// request's expiry: both must be present.
		_, signedIn := care.PrincipalFromContext(ctx)
		exp, ok := ctx.Value(expiryKey{}).(time.Time)
		if !signedIn || !ok {
			return ctx, nil, nil
		}
		// The timer goes with ctx: when the socket's request ends first,
		// its cancellation releases it.
		ctx, cancel := context.WithDeadline(ctx, exp)
		context.AfterFunc(ctx, cancel)
		return ctx, nil, nil
	}
}

type expiryKey struct{}

// verifyInto verifies the credentials in header and returns ctx with the
// principal and the accepted raw token, or with the refusal and "". bare
// allows a token without the "Bearer " scheme (the WebSocket authToken
// field).
func verifyInto(ctx context.Context, v Verifier, log *zerolog.Logger, header string, bare bool) (context.Context, string) {
	raw, ok := parseBearer(header)
	if !ok && bare {
		raw, ok = strings.TrimSpace(header), true
	}
	if !ok {
		return refuseInto(ctx, log, refuse(nil, "Authorization: want the Bearer scheme")), ""
	}
	p, err := v.Verify(ctx, raw)
	if err != nil {
		if care.ErrorCode(err) != care.Unauthenticated {
			// A verifier that fails otherwise (a bug) still refuses, with
			// nothing of its error shown.
			err = refuse(err, "bearer token could not be verified")
		}
		return refuseInto(ctx, log, err), ""
	}
	return care.NewContextWithPrincipal(ctx, p), raw
}

// withExpiry remembers when raw, a token already verified, expires, for
// WebSocketInit. It decodes the token again: Verifier returns no expiry.
func withExpiry(ctx context.Context, raw string) context.Context {
	var c jwt.RegisteredClaims
	if _, _, err := jwt.NewParser().ParseUnverified(raw, &c); err == nil && c.ExpiresAt != nil {
		ctx = context.WithValue(ctx, expiryKey{}, c.ExpiresAt.Time)
	}
	return ctx
}

func refuseInto(ctx context.Context, log *zerolog.Logger, err error) context.Context {
	log.Info().Str("reason", care.ErrorMessage(err)).Msg("bearer token refused")
	return withError(ctx, err)
}

// parseBearer splits "Bearer <token>" (scheme in any case, RFC 7235).
func parseBearer(header string) (string, bool) {
	scheme, tok, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	return strings.TrimSpace(tok), true
}

// Package auth turns a bearer token into the care.Principal a request acts
// for. It verifies; it does not decide what the principal may see (that is
// internal/policy, evaluated against the graph on every request).
//
// Two sources of tokens, each verified with a maintained library and never
// with hand-written cryptography:
//
//   - Local tokens, which the service signs itself for local and demo use
//     (LocalTokens, github.com/golang-jwt/jwt/v5). They are HS256 JWTs: the
//     signer and the verifier are the same installation, so a shared secret
//     is enough and an asymmetric key pair would protect nothing more. The
//     HMAC key is derived with HKDF-SHA256 from the installation's token key
//     file (internal/keys), so the raw file contents never key anything
//     directly. Claims: iss and aud "careweb", sub, role, iat, nbf, exp, jti;
//     header typ "JWT". Verification requires exactly HS256, typ JWT, every
//     one of those claims, a known role, and exp/nbf/iat within a 30 s
//     leeway.
//   - OpenID Connect or any JWT from an external identity provider (OIDC,
//     github.com/coreos/go-oidc/v3): issuer, audience and JWKS URL are
//     configured; keys come from oidc.NewRemoteKeySet, cached, refetched
//     when a token names an unknown key id (rotation), at most once per
//     MinRefresh, and dropped after MaxKeyAge so a key the provider has
//     withdrawn stops being trusted. RS256 and ES256 only. The role and the
//     subject come from configurable claims.
//
// Chain picks between them by the token's issuer, read unverified only to
// choose, then verified in full by the chosen verifier.
//
// Every refusal is a care.Unauthenticated error with a short message that
// never repeats the token; the cause (for logs) is kept in Err.
//
// # Transport
//
// Middleware verifies the Authorization header of each HTTP request. It
// never answers a request itself: a missing or refused token is stored in
// the request context (ErrorFromContext), and the GraphQL layer answers
// with a GraphQL error whose extensions.code is UNAUTHENTICATED and HTTP
// status 200, the status GraphQL-over-HTTP gives every well-formed request
// with application/json responses. RequireSignIn is a gqlgen extension that
// does exactly that for every operation. WebSocketInit does the same for
// graphql-transport-ws sockets from the connection_init payload: a refused
// token does not close the socket, it makes every operation on it
// UNAUTHENTICATED, as over HTTP; an accepted token's socket is closed when
// the token expires.
package auth

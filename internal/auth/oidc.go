package auth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/golang-jwt/jwt/v5"

	"github.com/careweb/careweb/internal/care"
)

// OIDCConfig describes an external identity provider.
type OIDCConfig struct {
	// Issuer must equal the tokens' iss exactly.
	Issuer string
	// Audience must be one of the tokens' aud values (the client id).
	Audience string
	// JWKSURL serves the provider's public keys (https, or http on a
	// loopback address for tests and local providers).
	JWKSURL string
	// RoleClaim holds the CareWeb role: a string, or an array holding
	// exactly one known role. Default "careweb_role". A name not found as
	// a top-level claim is tried as a dotted path ("realm_access.role").
	RoleClaim string
	// SubjectClaim holds the subject (for person, carer and professional,
	// their node id). Default "sub".
	SubjectClaim string
	// Algorithms allowed; default RS256 and ES256.
	Algorithms []string
	// HTTPClient fetches the JWKS; default: a client with a 10 s timeout.
	HTTPClient *http.Client
	// Now is the clock; default time.Now.
	Now func() time.Time
	// MinRefresh is the least time between two JWKS fetches (default
	// 10 s), so tokens naming made-up key ids cannot turn each request
	// into a fetch from the provider.
	MinRefresh time.Duration
	// MaxKeyAge is how long fetched keys are trusted before they are
	// fetched again (default 15 min), so a key the provider withdraws
	// stops verifying.
	MaxKeyAge time.Duration
}

// DefaultRoleClaim and DefaultSubjectClaim name the claims read by default.
const (
	DefaultRoleClaim    = "careweb_role"
	DefaultSubjectClaim = "sub"
)

// maxJWKSBytes caps a JWKS response: a provider publishes a few keys.
const maxJWKSBytes = 1 << 20

// OIDC verifies tokens from an external OpenID Connect provider. It is
// safe for concurrent use.
type OIDC struct {
	cfg      OIDCConfig
	verifier *oidc.IDTokenVerifier
	peek     *jwt.Parser
}

// NewOIDC returns the verifier for cfg. ctx is kept (without its
// cancellation) for fetching keys in the background.
func NewOIDC(ctx context.Context, cfg OIDCConfig) (*OIDC, error) {
	var missing []string
	for _, f := range []struct{ name, v string }{{"issuer", cfg.Issuer}, {"audience", cfg.Audience}, {"JWKS URL", cfg.JWKSURL}} {
		if strings.TrimSpace(f.v) == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return nil, care.Errorf(care.Invalid, "OpenID Connect: missing %s", strings.Join(missing, ", "))
	}
	if cfg.Issuer == LocalIssuer {
		return nil, care.Errorf(care.Invalid, "OpenID Connect: issuer %q is CareWeb's own", cfg.Issuer)
	}
	if err := checkJWKSURL(cfg.JWKSURL); err != nil {
		return nil, err
	}
	if cfg.RoleClaim == "" {
		cfg.RoleClaim = DefaultRoleClaim
	}
	if cfg.SubjectClaim == "" {
		cfg.SubjectClaim = DefaultSubjectClaim
	}
	if len(cfg.Algorithms) == 0 {
		cfg.Algorithms = []string{oidc.RS256, oidc.ES256}
	}
	for _, a := range cfg.Algorithms {
		if !strings.HasPrefix(a, "RS") && !strings.HasPrefix(a, "ES") && !strings.HasPrefix(a, "PS") && a != oidc.EdDSA {
			return nil, care.Errorf(care.Invalid, "OpenID Connect: algorithm %q: want asymmetric (RS256, ES256, …)", a)
		}
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MinRefresh <= 0 {
		cfg.MinRefresh = 10 * time.Second
	}
	if cfg.MaxKeyAge <= 0 {
		cfg.MaxKeyAge = 15 * time.Minute
	}
	return &OIDC{
		cfg: cfg,
		verifier: oidc.NewVerifier(cfg.Issuer, newRotatingKeySet(ctx, cfg), &oidc.Config{
			ClientID:             cfg.Audience,
			SupportedSigningAlgs: cfg.Algorithms,
			Now:                  cfg.Now,
		}),
		peek: jwt.NewParser(),
	}, nil
}

func checkJWKSURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return care.Errorf(care.Invalid, "OpenID Connect: JWKS URL %q is not an absolute URL", raw)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if h := u.Hostname(); h == "localhost" || net.ParseIP(h).IsLoopback() {
			return nil
		}
	}
	return care.Errorf(care.Invalid, "OpenID Connect: JWKS URL %q: keys must come over https (plain http only on loopback)", raw)
}

// Issuer returns the configured issuer, the iss Chain routes on.
func (o *OIDC) Issuer() string { return o.cfg.Issuer }

// acceptedTypes are the typ headers an identity provider's token may
// carry: an ID token's "JWT" and an RFC 9068 access token's. Other JWTs
// the provider signs (logout tokens, DPoP proofs, …) are refused.
var acceptedTypes = []string{"jwt", "at+jwt", "application/at+jwt"}

// Verify checks a provider token: size, typ (when present), then, before
// any key is fetched, iss and aud as the token states them, then in full
// with go-oidc: algorithm, signature, iss, aud, exp and nbf.
func (o *OIDC) Verify(ctx context.Context, raw string) (care.Principal, error) {
	if err := checkSize(raw); err != nil {
		return care.Principal{}, err
	}
	var stated jwt.RegisteredClaims
	tok, _, err := o.peek.ParseUnverified(raw, &stated)
	if err != nil {
		return care.Principal{}, refuse(err, "bearer token is malformed")
	}
	if typ, present := tok.Header["typ"]; present {
		s, _ := typ.(string)
		if !slices.Contains(acceptedTypes, strings.ToLower(s)) {
			return care.Principal{}, refuse(nil, "bearer token type is not accepted")
		}
	}
	// Refusing a foreign issuer or audience here, unverified, changes no
	// outcome (go-oidc checks both again) but spares a key fetch.
	if stated.Issuer != o.cfg.Issuer {
		return care.Principal{}, refuse(nil, "bearer token issuer is not accepted")
	}
	if !slices.Contains(stated.Audience, o.cfg.Audience) {
		return care.Principal{}, refuse(nil, "bearer token audience is not accepted")
	}
	idt, err := o.verifier.Verify(ctx, raw)
	if err != nil {
		var expired *oidc.TokenExpiredError
		if errors.As(err, &expired) {
			return care.Principal{}, refuse(err, "bearer token has expired")
		}
		return care.Principal{}, refuse(err, "bearer token is not valid")
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return care.Principal{}, refuse(err, "bearer token is malformed")
	}
	subject, _ := claim(claims, o.cfg.SubjectClaim).(string)
	if !validSubject(subject) {
		return care.Principal{}, refuse(nil, fmt.Sprintf("bearer token has no valid subject (%s)", o.cfg.SubjectClaim))
	}
	role, err := roleOf(claim(claims, o.cfg.RoleClaim), o.cfg.RoleClaim)
	if err != nil {
		return care.Principal{}, err
	}
	jti, _ := claims["jti"].(string)
	return care.Principal{Subject: subject, Access: role, Issuer: idt.Issuer, TokenID: jti}, nil
}

// claim finds name among claims: as a top-level claim first (names such
// as "https://example.org/role" contain dots), else as a dotted path.
func claim(claims map[string]any, name string) any {
	if v, ok := claims[name]; ok {
		return v
	}
	var cur any = claims
	for part := range strings.SplitSeq(name, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[part]
	}
	return cur
}

// roleOf reads the role from a claim's value: a string, or an array of
// strings in which exactly one is a CareWeb role (providers often put
// every group or role of the user in one array).
func roleOf(v any, name string) (care.Access, error) {
	switch v := v.(type) {
	case nil:
		return "", refuse(nil, fmt.Sprintf("bearer token has no role (%s)", name))
	case string:
		if a, ok := care.ParseAccess(v); ok {
			return a, nil
		}
	case []any:
		var found []care.Access
		for _, e := range v {
			if s, ok := e.(string); ok {
				if a, ok := care.ParseAccess(s); ok && !slices.Contains(found, a) {
					found = append(found, a)
				}
			}
		}
		switch len(found) {
		case 1:
			return found[0], nil
		case 0:
		default:
			return "", refuse(nil, fmt.Sprintf("bearer token has more than one role (%s)", name))
		}
	}
	return "", refuse(nil, "bearer token role is not recognised")
}

// rotatingKeySet is go-oidc's RemoteKeySet with two bounds it lacks: a
// fresh key set (an empty cache) after MaxKeyAge, so withdrawn keys stop
// verifying, and at most one fetch per MinRefresh, so made-up key ids
// cannot make every request a fetch from the provider.
type rotatingKeySet struct {
	ctx    context.Context
	url    string
	now    func() time.Time
	maxAge time.Duration
	gate   *fetchGate

	mu      sync.Mutex
	current *oidc.RemoteKeySet
	born    time.Time
}

func newRotatingKeySet(ctx context.Context, cfg OIDCConfig) *rotatingKeySet {
	gate := &fetchGate{next: cfg.HTTPClient.Transport, min: cfg.MinRefresh, now: cfg.Now}
	if gate.next == nil {
		gate.next = http.DefaultTransport
	}
	client := *cfg.HTTPClient
	client.Transport = gate
	return &rotatingKeySet{
		ctx:    oidc.ClientContext(context.WithoutCancel(ctx), &client),
		url:    cfg.JWKSURL,
		now:    cfg.Now,
		maxAge: cfg.MaxKeyAge,
		gate:   gate,
	}
}

// VerifySignature implements oidc.KeySet.
func (k *rotatingKeySet) VerifySignature(ctx context.Context, jwt string) ([]byte, error) {
	return k.set().VerifySignature(ctx, jwt)
}

func (k *rotatingKeySet) set() *oidc.RemoteKeySet {
	k.mu.Lock()
	defer k.mu.Unlock()
	now := k.now()
	if k.current == nil || now.Sub(k.born) >= k.maxAge {
		k.current = oidc.NewRemoteKeySet(k.ctx, k.url)
		k.born = now
		// The new set starts empty: its first fetch must not wait out
		// MinRefresh, or every token would fail until then.
		k.gate.open()
	}
	return k.current
}

// fetchGate is the JWKS client's transport: it lets a request through at
// most once per min and bounds the response body.
type fetchGate struct {
	next http.RoundTripper
	min  time.Duration
	now  func() time.Time

	mu       sync.Mutex
	last     time.Time
	openNext bool
}

var errRefreshedRecently = errors.New("JWKS fetched moments ago; not fetching again yet")

func (g *fetchGate) open() {
	g.mu.Lock()
	g.openNext = true
	g.mu.Unlock()
}

func (g *fetchGate) RoundTrip(r *http.Request) (*http.Response, error) {
	g.mu.Lock()
	now := g.now()
	if !g.openNext && !g.last.IsZero() && now.Sub(g.last) < g.min {
		g.mu.Unlock()
		return nil, errRefreshedRecently
	}
	g.openNext = false
	g.last = now
	g.mu.Unlock()
	resp, err := g.next.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	resp.Body = &cappedBody{ReadCloser: resp.Body, left: maxJWKSBytes}
	return resp, nil
}

// cappedBody fails a read past its limit instead of buffering without end.
type cappedBody struct {
	io.ReadCloser
	left int64
}

var errJWKSTooLarge = errors.New("JWKS response over 1 MiB")

func (c *cappedBody) Read(p []byte) (int, error) {
	if c.left <= 0 {
		return 0, errJWKSTooLarge
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.ReadCloser.Read(p)
	c.left -= int64(n)
	return n, err
}

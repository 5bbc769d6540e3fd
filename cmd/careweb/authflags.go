package main

import (
	"context"
	"path/filepath"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/careweb/careweb/internal/auth"
	"github.com/careweb/careweb/internal/keys"
)

// TokenKeyFileName is the local token key's file in the embedded store's
// data directory, when --token-key-file does not name one.
const TokenKeyFileName = "token.key"

// authFlags choose how bearer tokens are verified: CareWeb's own tokens
// (signed with the key in --token-key-file, by default token.key in the
// embedded store's data directory), an external OpenID Connect provider,
// or both.
type authFlags struct {
	keyFile          string
	oidcIssuer       string
	oidcAudience     string
	oidcJWKSURL      string
	oidcRoleClaim    string
	oidcSubjectClaim string
}

// registerKey registers the local token key flag only (the token command
// needs nothing else).
func (a *authFlags) registerKey(fs *flagSet) {
	fs.string(&a.keyFile, "token-key-file", "CAREWEB_TOKEN_KEY_FILE", "",
		"key file that signs CareWeb's own bearer tokens, created owner-only if missing (default: "+TokenKeyFileName+" in --data; required with Neo4j unless OpenID Connect is used)")
}

// register registers every authentication flag.
func (a *authFlags) register(fs *flagSet) {
	a.registerKey(fs)
	fs.string(&a.oidcIssuer, "oidc-issuer", "CAREWEB_OIDC_ISSUER", "", "OpenID Connect: the identity provider's issuer (iss), exactly")
	fs.string(&a.oidcAudience, "oidc-audience", "CAREWEB_OIDC_AUDIENCE", "", "OpenID Connect: the audience (aud) tokens must carry: CareWeb's client id")
	fs.string(&a.oidcJWKSURL, "oidc-jwks-url", "CAREWEB_OIDC_JWKS_URL", "", "OpenID Connect: the provider's JWKS URL (https)")
	fs.string(&a.oidcRoleClaim, "oidc-role-claim", "CAREWEB_OIDC_ROLE_CLAIM", auth.DefaultRoleClaim, "OpenID Connect: the claim holding the CareWeb role (a dotted path reaches nested claims)")
	fs.string(&a.oidcSubjectClaim, "oidc-subject-claim", "CAREWEB_OIDC_SUBJECT_CLAIM", auth.DefaultSubjectClaim, "OpenID Connect: the claim holding the subject's CareWeb node id")
}

func (a authFlags) oidcOn() bool {
	return a.oidcIssuer != "" || a.oidcAudience != "" || a.oidcJWKSURL != ""
}

// keyPath is the local token key file: --token-key-file, else token.key
// in the embedded store's data directory. With Neo4j there is no default
// (a data directory is not shared between instances): "" means local
// tokens are off.
func (a authFlags) keyPath(sf storeFlags) string {
	switch {
	case a.keyFile != "":
		return a.keyFile
	case sf.neo4jURI != "" || sf.data == "":
		return ""
	}
	return filepath.Join(sf.data, TokenKeyFileName)
}

// localTokens loads (or first creates) the local token key and returns
// the minter-verifier, or nil when local tokens are off.
func (a authFlags) localTokens(sf storeFlags) (*auth.LocalTokens, string, error) {
	path := a.keyPath(sf)
	if path == "" {
		return nil, "", nil
	}
	secret, err := keys.LoadOrCreate(path)
	if err != nil {
		return nil, path, err
	}
	lt, err := auth.NewLocalTokens(secret, time.Now)
	return lt, path, err
}

// verifier returns the service's token verifier: local tokens, the OIDC
// provider, or a Chain of both. Neither configured is a usage error (only
// possible with Neo4j). ctx bounds the OIDC key fetcher's life.
func (a authFlags) verifier(ctx context.Context, sf storeFlags, log zerolog.Logger) (auth.Verifier, error) {
	var vs []auth.IssuerVerifier
	local, path, err := a.localTokens(sf)
	if err != nil {
		return nil, err
	}
	if local != nil {
		log.Info().Str("token_key_file", path).Msg("CareWeb bearer tokens accepted")
		vs = append(vs, local)
	}
	if a.oidcOn() {
		var missing []string
		for _, f := range []struct{ flag, v string }{{"--oidc-issuer", a.oidcIssuer}, {"--oidc-audience", a.oidcAudience}, {"--oidc-jwks-url", a.oidcJWKSURL}} {
			if f.v == "" {
				missing = append(missing, f.flag)
			}
		}
		if len(missing) > 0 {
			return nil, usageError{"OpenID Connect needs --oidc-issuer, --oidc-audience and --oidc-jwks-url; missing " + strings.Join(missing, ", ")}
		}
		o, err := auth.NewOIDC(ctx, auth.OIDCConfig{
			Issuer: a.oidcIssuer, Audience: a.oidcAudience, JWKSURL: a.oidcJWKSURL,
			RoleClaim: a.oidcRoleClaim, SubjectClaim: a.oidcSubjectClaim,
		})
		if err != nil {
			return nil, err
		}
		log.Info().Str("issuer", a.oidcIssuer).Str("jwks_url", a.oidcJWKSURL).Msg("OpenID Connect bearer tokens accepted")
		vs = append(vs, o)
	}
	switch len(vs) {
	case 0:
		return nil, usageError{"with Neo4j (--neo4j-uri), give --token-key-file for CareWeb's own tokens, or --oidc-issuer, --oidc-audience and --oidc-jwks-url for an identity provider, or both"}
	case 1:
		return vs[0], nil
	}
	return auth.NewChain(vs...)
}

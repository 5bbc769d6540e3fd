package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/99designs/gqlgen/graphql/playground"
	"github.com/coder/websocket"
	"github.com/rs/zerolog"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/careweb/careweb/graph"
	"github.com/careweb/careweb/internal/auth"
	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/metricsvc"
	"github.com/careweb/careweb/internal/policy"
)

// GraphQLLimits protect the service from expensive or abusive requests.
// The defaults follow the OWASP GraphQL cheat sheet; each is configurable.
type GraphQLLimits struct {
	MaxBodyBytes   int64         // request body (default 1 MiB)
	MaxDepth       int           // field nesting (default 10)
	MaxComplexity  int           // estimated cost, lists × page size (default 1000)
	MaxAliases     int           // aliases per operation (default 30)
	MaxTokens      int           // parser tokens (default 2000)
	Timeout        time.Duration // per request (default 10 s)
	QueryCacheSize int           // parsed queries kept (default 1000)
	APQCacheSize   int           // automatic persisted queries kept (default 1000)
}

// DefaultGraphQLLimits returns the defaults.
func DefaultGraphQLLimits() GraphQLLimits {
	return GraphQLLimits{MaxBodyBytes: 1 << 20, MaxDepth: 10, MaxComplexity: 1000, MaxAliases: 30,
		MaxTokens: 2000, Timeout: 10 * time.Second, QueryCacheSize: 1000, APQCacheSize: 1000}
}

// GraphQLConfig assembles the GraphQL endpoint.
type GraphQLConfig struct {
	Store  graph.Store
	Events care.Subscriber
	Logger zerolog.Logger
	Limits GraphQLLimits
	// Introspection enables schema introspection (on by default in demo
	// and development; switch off in production).
	Introspection bool
	// Suggestions enables "did you mean" hints in validation errors.
	Suggestions bool
	// OriginPatterns are the extra origins (host patterns) allowed to open
	// WebSockets and send cross-origin requests; same-origin always is.
	OriginPatterns []string
	// LoaderWait is how long the per-request dataloaders gather keys
	// before one store call (graph.DefaultLoaderWait if zero).
	LoaderWait time.Duration

	// Policy is the authorisation every read and write passes through
	// (internal/policy): the store, the subscriptions and the resolvers'
	// population operations are all seen through it. Required unless
	// Unprotected.
	Policy *policy.Policy
	// Authenticate verifies a request's bearer token and puts the
	// principal (or why there is none) in the request's context
	// (auth.Middleware). Required unless Unprotected.
	Authenticate func(http.Handler) http.Handler
	// WebSocketInit does the same from a subscription's connection_init
	// payload (auth.WebSocketInit).
	WebSocketInit transport.WebsocketInitFunc
	// Unprotected serves without authentication or authorisation: for
	// tests of the API's mechanics only, never for data.
	Unprotected bool
}

// NewGraphQL returns the /graphql handler, assembled explicitly: POST with
// a JSON body and graphql-transport-ws WebSockets only (no GET, form or
// multipart transports: a forged GET could trigger an audited read), a
// parsed-query LRU cache, automatic persisted queries, complexity, depth,
// alias and token limits, the error presenter and panic recovery.
func NewGraphQL(cfg GraphQLConfig) http.Handler {
	l := cfg.Limits
	res := &graph.Resolver{Store: cfg.Store, Events: cfg.Events}
	if !cfg.Unprotected {
		if cfg.Policy == nil || cfg.Authenticate == nil || cfg.WebSocketInit == nil {
			panic("server.NewGraphQL: Policy, Authenticate and WebSocketInit are required (or Unprotected, for tests)")
		}
		// Metrics read the population from the store itself (a policy
		// store would show each caller only their own scope) and are
		// dropped on every write; per-person records are read through the
		// policy, and population results go out only as the policy allows
		// (graph.Resolver.Access).
		res.Metrics = metricsvc.New(cfg.Store, metricsvc.Options{})
		res.Store = cfg.Policy.Wrap(res.Metrics.Wrap(cfg.Store))
		if cfg.Events != nil {
			res.Events = cfg.Policy.Subscriber(cfg.Events)
		}
		res.Access = cfg.Policy
	}
	srv := handler.New(graph.NewExecutableSchema(graph.NewConfig(res)))
	srv.AddTransport(transport.Websocket{
		InitFunc:              cfg.WebSocketInit,
		KeepAlivePingInterval: 15 * time.Second,
		Implementation: transport.CoderWebsocketImplementation{AcceptOptions: websocket.AcceptOptions{
			OriginPatterns: cfg.OriginPatterns,
		}},
	})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](l.QueryCacheSize))
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](l.APQCacheSize)})
	if cfg.Introspection {
		srv.Use(extension.Introspection{})
	}
	srv.SetDisableSuggestion(!cfg.Suggestions)
	srv.SetParserTokenLimit(l.MaxTokens)
	srv.Use(extension.FixedComplexityLimit(l.MaxComplexity))
	srv.Use(graph.ShapeLimit{MaxDepth: l.MaxDepth, MaxAliases: l.MaxAliases})
	srv.SetErrorPresenter(graph.ErrorPresenter(cfg.Logger, RequestIDFrom))
	srv.SetRecoverFunc(graph.RecoverFunc(cfg.Logger, RequestIDFrom))
	if !cfg.Unprotected {
		// No principal, no operation (introspection alone excepted when
		// it is on, so GraphiQL can load the schema before sign-in); and
		// each operation gets its own policy request scope, so a decision
		// is never reused by a later operation on the same WebSocket.
		srv.Use(auth.RequireSignIn{AllowIntrospection: cfg.Introspection})
		srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
			if policy.InRequest(ctx) {
				return next(ctx) // a POST: the HTTP request's scope (sockets have none)
			}
			return next(policy.WithRequest(ctx))
		})
	}
	srv.AroundOperations(subscriptionsOverWebSocket)

	var h http.Handler = graph.LoaderMiddleware(res.Store, cfg.LoaderWait, srv)
	if !cfg.Unprotected {
		// The dataloaders take the HTTP request's context, not the
		// operation's: give a POST request one policy scope for both, so
		// its decisions are made, and recorded, once. The response is
		// held back until the request's read decisions are recorded, all
		// in one group commit (policy.WithDeferredAudit): if they cannot
		// be, the client gets the error and none of the data.
		next := h
		pl := cfg.Policy
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if isWebSocket(r) {
				next.ServeHTTP(w, r) // a socket's operations are each their own scope
				return
			}
			ctx := policy.WithDeferredAudit(r.Context())
			held := &heldResponse{header: http.Header{}, status: http.StatusOK}
			next.ServeHTTP(held, r.WithContext(ctx))
			if err := pl.Commit(ctx); err != nil {
				cfg.Logger.Error().Err(err).Msg("audit log refused the request's records; response withheld")
				writeGraphQLError(w, http.StatusServiceUnavailable, graph.CodeUnavailable, "access refused: the audit log cannot record it")
				return
			}
			held.sendTo(w)
		})
	}
	h = limitRequest(l, h)
	if !cfg.Unprotected {
		h = cfg.Authenticate(h)
	}
	cop := http.NewCrossOriginProtection()
	for _, o := range cfg.OriginPatterns {
		if strings.Contains(o, "://") {
			_ = cop.AddTrustedOrigin(o)
		}
	}
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeGraphQLError(w, http.StatusForbidden, graph.CodeForbidden, "cross-origin request refused")
	}))
	return cop.Handler(h)
}

type postKey struct{}

// subscriptionsOverWebSocket refuses a subscription sent by POST at once:
// gqlgen's POST transport would wait for its first event, holding the
// request open until the deadline.
func subscriptionsOverWebSocket(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	if post, _ := ctx.Value(postKey{}).(bool); post && oc.Operation != nil && oc.Operation.Operation == ast.Subscription {
		return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{{
			Message:    "subscriptions need a WebSocket (graphql-transport-ws), not POST",
			Extensions: map[string]any{"code": graph.CodeBadUserInput},
		}}})
	}
	return next(ctx)
}

// limitRequest enforces the transport rules gqlgen leaves to us: the
// method, the body size and the request deadline, each answered with a
// coded GraphQL error.
func limitRequest(l GraphQLLimits, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case isWebSocket(r):
			// Subscriptions live as long as the socket; no deadline.
			next.ServeHTTP(w, r)
			return
		case r.Method != http.MethodPost:
			w.Header().Set("Allow", "POST")
			writeGraphQLError(w, http.StatusMethodNotAllowed, graph.CodeBadUserInput, "use POST with a JSON body (GET, form and multipart requests are not accepted)")
			return
		case !strings.HasPrefix(strings.ToLower(r.Header.Get("Content-Type")), "application/json"):
			writeGraphQLError(w, http.StatusUnsupportedMediaType, graph.CodeBadUserInput, "the body must be JSON (Content-Type: application/json)")
			return
		case r.ContentLength > l.MaxBodyBytes:
			writeGraphQLError(w, http.StatusRequestEntityTooLarge, graph.CodeBadUserInput, fmt.Sprintf("request body over the limit of %d bytes", l.MaxBodyBytes))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, l.MaxBodyBytes)
		ctx, cancel := context.WithTimeout(context.WithValue(r.Context(), postKey{}, true), l.Timeout)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// isWebSocket reports whether r asks to open a WebSocket (a subscription).
func isWebSocket(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
}

// heldResponse keeps a handler's response until it may be sent.
type heldResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (h *heldResponse) Header() http.Header         { return h.header }
func (h *heldResponse) WriteHeader(status int)      { h.status = status }
func (h *heldResponse) Write(b []byte) (int, error) { return h.body.Write(b) }

func (h *heldResponse) sendTo(w http.ResponseWriter) {
	for k, v := range h.header {
		w.Header()[k] = v
	}
	w.WriteHeader(h.status)
	_, _ = w.Write(h.body.Bytes())
}

func writeGraphQLError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]any{{"message": msg, "extensions": map[string]any{"code": code}}}})
}

// GraphiQL serves the GraphiQL page for /graphql (demo and development).
func GraphiQL() http.Handler {
	return playground.Handler("CareWeb GraphiQL", "/graphql")
}

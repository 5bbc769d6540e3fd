package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/rs/zerolog"

	"github.com/careweb/careweb/internal/auth"
	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/events"
	"github.com/careweb/careweb/internal/policy"
	"github.com/careweb/careweb/internal/server"
	"github.com/careweb/careweb/internal/store/embedded"
	neo4jstore "github.com/careweb/careweb/internal/store/neo4j"
	"github.com/careweb/careweb/internal/store/storemetrics"
)

// logFlags choose the log format: JSON for machines by default, console
// for people.
type logFlags struct {
	format string
	level  string
}

func (l *logFlags) register(fs *flagSet) {
	fs.string(&l.format, "log-format", "CAREWEB_LOG_FORMAT", "json", "log format: json or console")
	fs.string(&l.level, "log-level", "CAREWEB_LOG_LEVEL", "info", "log level: debug, info, warn, error")
}

func (l logFlags) logger(stderr io.Writer) (zerolog.Logger, error) {
	lvl, err := zerolog.ParseLevel(strings.ToLower(l.level))
	if err != nil || l.level == "" {
		return zerolog.Nop(), usageError{fmt.Sprintf("--log-level %q: want debug, info, warn or error", l.level)}
	}
	var w io.Writer = stderr
	switch l.format {
	case "json":
	case "console":
		w = zerolog.ConsoleWriter{Out: stderr, TimeFormat: time.TimeOnly}
	default:
		return zerolog.Nop(), usageError{fmt.Sprintf("--log-format %q: want json or console", l.format)}
	}
	return zerolog.New(w).Level(lvl).With().Timestamp().Logger(), nil
}

// storeFlags choose the store: the embedded one at --data unless a Neo4j
// URI is given.
type storeFlags struct {
	data              string
	neo4jURI          string
	neo4jUser         string
	neo4jPassword     string
	neo4jPasswordFile string
	neo4jDatabase     string
	retryTime         time.Duration
	acquireTimeout    time.Duration
	txTimeout         time.Duration
}

func (s *storeFlags) register(fs *flagSet, defaultData string) error {
	fs.string(&s.data, "data", "CAREWEB_DATA", defaultData, "embedded store: data directory")
	fs.string(&s.neo4jURI, "neo4j-uri", "NEO4J_URI", "", "use Neo4j at this Bolt URI instead of the embedded store")
	fs.string(&s.neo4jUser, "neo4j-user", "NEO4J_USER", "neo4j", "Neo4j user")
	// The password comes from the environment or a file, never a flag:
	// flags show in process listings.
	s.neo4jPassword = fs.getenv("NEO4J_PASSWORD")
	fs.string(&s.neo4jPasswordFile, "neo4j-password-file", "NEO4J_PASSWORD_FILE", "", "file holding the Neo4j password (else $NEO4J_PASSWORD)")
	fs.string(&s.neo4jDatabase, "neo4j-database", "NEO4J_DATABASE", "", "Neo4j database (default: the server's default)")
	if err := fs.duration(&s.retryTime, "neo4j-retry-time", "CAREWEB_NEO4J_RETRY_TIME", 15*time.Second, "how long a transaction is retried on transient errors"); err != nil {
		return err
	}
	if err := fs.duration(&s.acquireTimeout, "neo4j-acquire-timeout", "CAREWEB_NEO4J_ACQUIRE_TIMEOUT", 5*time.Second, "how long to wait for a pooled connection"); err != nil {
		return err
	}
	return fs.duration(&s.txTimeout, "neo4j-tx-timeout", "CAREWEB_NEO4J_TX_TIMEOUT", 30*time.Second, "server-side transaction timeout")
}

// open opens the chosen store, instrumented for Prometheus.
func (s storeFlags) open(ctx context.Context, log zerolog.Logger, reg prometheus.Registerer) (storemetrics.Backend, string, error) {
	if s.neo4jURI != "" {
		password := s.neo4jPassword
		if s.neo4jPasswordFile != "" {
			b, err := os.ReadFile(s.neo4jPasswordFile)
			if err != nil {
				return nil, "", care.Wrap(care.Invalid, err, "--neo4j-password-file: cannot read the file")
			}
			password = strings.TrimSpace(string(b))
		}
		st, err := neo4jstore.Open(ctx, neo4jstore.Config{
			URI: s.neo4jURI, User: s.neo4jUser, Password: password, Database: s.neo4jDatabase,
			MaxTransactionRetryTime: s.retryTime, ConnectionAcquisitionTimeout: s.acquireTimeout, TxTimeout: s.txTimeout,
			Logger: &log,
		})
		if err != nil {
			return nil, "", err
		}
		log.Info().Str("store", "neo4j").Msg("store opened")
		return storemetrics.Wrap(st, reg, "neo4j"), "neo4j", nil
	}
	start := time.Now()
	st, err := embedded.Open(s.data, embedded.Options{})
	if err != nil {
		return nil, "", err
	}
	log.Info().Str("store", "embedded").Dur("open_time", time.Since(start)).Msg("store opened")
	return storemetrics.Wrap(st, reg, "embedded"), "embedded", nil
}

// openForCommand opens the store for a one-shot command (metrics, import,
// export): its logger from the flags, and a registry of its own that no
// endpoint serves.
func openForCommand(ctx context.Context, lf logFlags, sf storeFlags, stderr io.Writer) (storemetrics.Backend, zerolog.Logger, error) {
	log, err := lf.logger(stderr)
	if err != nil {
		return nil, log, err
	}
	st, _, err := sf.open(ctx, log, prometheus.NewRegistry())
	return st, log, err
}

// newRegistry is the service's own Prometheus registry: no global
// collectors, so tests can build many services in one process.
func newRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}

// listenAndServe serves h on addr until ctx ends, then shuts down
// gracefully. It prints the address it listens on (useful with :0) on stdout.
func listenAndServe(ctx context.Context, addr string, h http.Handler, log zerolog.Logger, stdout io.Writer, shutdownTimeout time.Duration) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return care.Wrap(care.Unavailable, err, "cannot listen on %s", addr)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	fmt.Fprintf(stdout, "careweb listening on http://%s\n", ln.Addr())
	log.Info().Str("addr", ln.Addr().String()).Msg("listening")
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info().Msg("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// apiFlags configure the GraphQL endpoint.
type apiFlags struct {
	limits        server.GraphQLLimits
	introspection bool
	suggestions   bool
	graphiql      bool
	origins       string
}

func (a *apiFlags) register(fs *flagSet, dev bool) error {
	a.limits = server.DefaultGraphQLLimits()
	// Production (serve) hides the schema; demo shows it for GraphiQL.
	fs.bool(&a.introspection, "introspection", "CAREWEB_INTROSPECTION", dev, "allow schema introspection (default on in demo, off in serve)")
	fs.bool(&a.suggestions, "suggestions", "CAREWEB_SUGGESTIONS", dev, "\"did you mean\" field suggestions in errors (default on in demo, off in serve)")
	fs.bool(&a.graphiql, "graphiql", "CAREWEB_GRAPHIQL", dev, "serve GraphiQL at /graphiql")
	fs.string(&a.origins, "allowed-origins", "CAREWEB_ALLOWED_ORIGINS", "", "comma-separated extra origins allowed cross-origin and for WebSockets")
	fs.IntVar(&a.limits.MaxDepth, "max-depth", a.limits.MaxDepth, "GraphQL: deepest field nesting")
	fs.IntVar(&a.limits.MaxComplexity, "max-complexity", a.limits.MaxComplexity, "GraphQL: highest query complexity (lists count × page size)")
	fs.IntVar(&a.limits.MaxAliases, "max-aliases", a.limits.MaxAliases, "GraphQL: most aliases per operation")
	fs.IntVar(&a.limits.MaxTokens, "max-tokens", a.limits.MaxTokens, "GraphQL: most parser tokens per query")
	fs.Int64Var(&a.limits.MaxBodyBytes, "max-body-bytes", a.limits.MaxBodyBytes, "GraphQL: largest request body")
	return fs.duration(&a.limits.Timeout, "request-timeout", "CAREWEB_REQUEST_TIMEOUT", a.limits.Timeout, "GraphQL: deadline per request")
}

func (a apiFlags) originPatterns() []string {
	var out []string
	for _, o := range strings.Split(a.origins, ",") {
		if o = strings.TrimSpace(o); o != "" {
			out = append(out, o)
		}
	}
	return out
}

// newHandler assembles the whole HTTP service on st: event publishing
// around the store, the GraphQL endpoint, GraphiQL when asked, and the
// operational endpoints.
func newHandler(st storemetrics.Backend, reg *prometheus.Registry, log zerolog.Logger, api apiFlags, sec *security) http.Handler {
	broker := events.NewBroker(16)
	published := events.Wrap(st, broker, time.Now)
	extra := map[string]http.Handler{}
	if api.graphiql {
		extra["GET /graphiql"] = server.GraphiQL()
	}
	// The policy reads grants from the store itself; everything the API
	// serves goes through the policy (server.NewGraphQL wraps it).
	pl := policy.New(policy.Config{Store: st, Auditor: sec.audit, Pseudonyms: sec.pseudonyms})
	return server.New(server.Config{
		Store:    published,
		Logger:   log,
		Registry: reg,
		GraphQL: server.NewGraphQL(server.GraphQLConfig{
			Store: published, Events: broker, Logger: log, Limits: api.limits,
			Introspection: api.introspection, Suggestions: api.suggestions, OriginPatterns: api.originPatterns(),
			Policy:        pl,
			Authenticate:  auth.Middleware(sec.verifier, log),
			WebSocketInit: auth.WebSocketInit(sec.verifier, log),
		}),
		Extra: extra,
	})
}

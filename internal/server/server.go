// Package server assembles CareWeb's HTTP handler: routes, middleware
// (request ids, structured access logs, Prometheus instrumentation, panic
// recovery) and the endpoints that tell operators whether the service is
// alive and ready.
package server

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/careweb/careweb/internal/care"
)

// Config carries the server's dependencies. Nothing here is global: the
// logger and the Prometheus registry are injected so tests can run many
// servers side by side.
type Config struct {
	Store    care.Store
	Logger   zerolog.Logger
	Registry *prometheus.Registry
	// GraphQL serves /graphql when set.
	GraphQL http.Handler
	// Extra mounts further handlers (e.g. the carer page at "/", GraphiQL).
	Extra map[string]http.Handler
	// ReadyTimeout bounds the store ping behind /readyz.
	ReadyTimeout time.Duration
}

// New returns the service's root handler.
func New(cfg Config) http.Handler {
	if cfg.ReadyTimeout == 0 {
		cfg.ReadyTimeout = 2 * time.Second
	}
	m := newHTTPMetrics(cfg.Registry)
	mux := http.NewServeMux()
	addRoutes(mux, cfg)
	var h http.Handler = mux
	h = recoverPanics(cfg.Logger, h)
	h = instrument(m, mux, h)
	h = accessLog(cfg.Logger, h)
	h = requestID(h)
	return h
}

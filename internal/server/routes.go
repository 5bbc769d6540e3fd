package server

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/ui"
)

// addRoutes lists every endpoint the service serves.
func addRoutes(mux *http.ServeMux, cfg Config) {
	mux.HandleFunc("GET /healthz", handleHealthz)
	mux.Handle("GET /readyz", handleReadyz(cfg))
	mux.Handle("GET /metrics", promhttp.HandlerFor(cfg.Registry, promhttp.HandlerOpts{Registry: cfg.Registry}))
	if cfg.GraphQL != nil {
		mux.Handle("/graphql", cfg.GraphQL)
	}
	page := ui.Handler() // "My web of care": the page at / and its files
	mux.Handle("GET /{$}", page)
	mux.Handle("GET "+ui.Prefix, page)
	for pattern, h := range cfg.Extra {
		mux.Handle(pattern, h)
	}
}

// handleHealthz answers while the process is alive, whatever the store says.
func handleHealthz(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "alive"})
}

// handleReadyz answers 200 when the store serves requests, 503 with the
// reason's code otherwise, so a load balancer stops sending traffic while
// Neo4j is down and resumes when it is back.
func handleReadyz(cfg Config) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), cfg.ReadyTimeout)
		defer cancel()
		if err := cfg.Store.Ping(ctx); err != nil {
			cfg.Logger.Warn().Str("request_id", RequestIDFrom(r.Context())).Str("code", string(care.ErrorCode(err))).Err(err).Msg("not ready")
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{
				"status": "not ready", "code": string(care.ErrorCode(err)), "reason": care.ErrorMessage(err)})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

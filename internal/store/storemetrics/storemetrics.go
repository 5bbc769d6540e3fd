// Package storemetrics wraps a care.Store with Prometheus instrumentation:
// how many store operations ran, how long they took and how they ended.
// It is a wrapper implementing the same interface, so it serves both stores.
package storemetrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/careweb/careweb/internal/care"
)

// Backend is the store being instrumented.
type Backend interface {
	care.Store
	care.BatchReader
}

// Store is an instrumented care.Store.
type Store struct {
	next     Backend
	ops      *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

var (
	_ Backend         = (*Store)(nil)
	_ care.BulkWriter = (*Store)(nil)
)

// Wrap instruments next, registering its collectors on reg. backend labels
// the series ("embedded", "neo4j").
func Wrap(next Backend, reg prometheus.Registerer, backend string) *Store {
	s := &Store{
		next: next,
		ops: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "careweb_store_operations_total", Help: "Store operations by operation and outcome code (ok or a CareWeb error code).",
			ConstLabels: prometheus.Labels{"backend": backend},
		}, []string{"op", "outcome"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "careweb_store_operation_duration_seconds", Help: "Store operation latency.",
			ConstLabels: prometheus.Labels{"backend": backend},
			Buckets:     []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 5, 30},
		}, []string{"op"}),
	}
	reg.MustRegister(s.ops, s.duration)
	return s
}

// track starts timing op; the returned func records it with the error the
// operation ended with (read through the pointer when the defer runs).
func (s *Store) track(op string) func(*error) {
	start := time.Now()
	return func(err *error) {
		outcome := "ok"
		if *err != nil {
			outcome = string(care.ErrorCode(*err))
		}
		s.ops.WithLabelValues(op, outcome).Inc()
		s.duration.WithLabelValues(op).Observe(time.Since(start).Seconds())
	}
}

func (s *Store) Apply(ctx context.Context, b care.Batch) (r care.ApplyResult, err error) {
	defer s.track("apply")(&err)
	return s.next.Apply(ctx, b)
}

// ApplyStream passes a streamed import to the store (care.BulkWriter),
// which both stores take.
func (s *Store) ApplyStream(ctx context.Context, next func() (care.Batch, error)) (r care.ApplyResult, err error) {
	defer s.track("apply_stream")(&err)
	bw, ok := s.next.(care.BulkWriter)
	if !ok {
		return care.ApplyResult{}, care.Errorf(care.Internal, "this store takes no streamed imports")
	}
	return bw.ApplyStream(ctx, next)
}

func (s *Store) Node(ctx context.Context, id string) (n care.Node, err error) {
	defer s.track("node")(&err)
	return s.next.Node(ctx, id)
}

func (s *Store) Nodes(ctx context.Context, ids []string) (ns []care.Node, err error) {
	defer s.track("nodes")(&err)
	return s.next.Nodes(ctx, ids)
}

func (s *Store) ListNodes(ctx context.Context, q care.NodeQuery) (p care.NodePage, err error) {
	defer s.track("list_nodes")(&err)
	return s.next.ListNodes(ctx, q)
}

func (s *Store) Relationships(ctx context.Context, q care.RelQuery) (rs []care.Relationship, err error) {
	defer s.track("relationships")(&err)
	return s.next.Relationships(ctx, q)
}

func (s *Store) Web(ctx context.Context, personID string, w care.Window) (web care.Web, err error) {
	defer s.track("web")(&err)
	return s.next.Web(ctx, personID, w)
}

func (s *Store) Contacts(ctx context.Context, q care.EventQuery) (p care.ContactPage, err error) {
	defer s.track("contacts")(&err)
	return s.next.Contacts(ctx, q)
}

func (s *Store) Referrals(ctx context.Context, q care.EventQuery) (p care.ReferralPage, err error) {
	defer s.track("referrals")(&err)
	return s.next.Referrals(ctx, q)
}

func (s *Store) Consents(ctx context.Context, person string) (cs []care.Consent, err error) {
	defer s.track("consents")(&err)
	return s.next.Consents(ctx, person)
}

func (s *Store) EachPerson(ctx context.Context, fn func(*care.PersonRecord) error) (err error) {
	defer s.track("each_person")(&err)
	return s.next.EachPerson(ctx, fn)
}

func (s *Store) Services(ctx context.Context) (sv *care.Services, err error) {
	defer s.track("services")(&err)
	return s.next.Services(ctx)
}

func (s *Store) Ping(ctx context.Context) (err error) {
	defer s.track("ping")(&err)
	return s.next.Ping(ctx)
}

func (s *Store) Close() error { return s.next.Close() }

func (s *Store) RelationshipsOf(ctx context.Context, nodes []string, types []care.RelType, w care.Window) (rs [][]care.Relationship, err error) {
	defer s.track("relationships_of")(&err)
	return s.next.RelationshipsOf(ctx, nodes, types, w)
}

func (s *Store) ContactsOf(ctx context.Context, persons []string, w care.Window, p care.Page) (ps []care.ContactPage, err error) {
	defer s.track("contacts_of")(&err)
	return s.next.ContactsOf(ctx, persons, w, p)
}

func (s *Store) ReferralsOf(ctx context.Context, persons []string, w care.Window, p care.Page) (ps []care.ReferralPage, err error) {
	defer s.track("referrals_of")(&err)
	return s.next.ReferralsOf(ctx, persons, w, p)
}

func (s *Store) Relationship(ctx context.Context, id string) (r care.Relationship, err error) {
	defer s.track("relationship")(&err)
	return s.next.Relationship(ctx, id)
}

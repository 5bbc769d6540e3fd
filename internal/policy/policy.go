package policy

import (
	"context"
	"errors"
	"sort"
	"sync"
	"time"

	"github.com/careweb/careweb/internal/audit"
	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/pseudonym"
)

// Backend is the store the policy reads grants from and wraps: it must
// see everything (it is never itself a policy wrapper).
type Backend interface {
	care.Store
	care.BatchReader
}

// The decisions and their records are the audit package's: one
// vocabulary for what the policy decides and what the log keeps.
type (
	Grant   = audit.Grant
	Outcome = audit.Outcome
)

const (
	Allowed = audit.Allowed
	Denied  = audit.Denied
)

// Operations, as audited.
const (
	OpNode          = audit.OpNode
	OpWeb           = audit.OpWeb
	OpRelationships = audit.OpRelationships
	OpContacts      = audit.OpContacts
	OpReferrals     = audit.OpReferrals
	OpConsents      = audit.OpConsents
	OpMetrics       = audit.OpMetrics
	OpSubscribe     = audit.OpSubscribe
	OpExport        = audit.OpExport
	OpWrite         = audit.OpWrite
	OpPopulation    = audit.OpPopulation
	OpNetwork       = audit.OpNetwork
)

// Config configures a Policy.
type Config struct {
	// Store is the unwrapped store, which grants are read from.
	Store Backend
	// Auditor records every decision; required. If it fails, the access
	// is refused.
	Auditor audit.Recorder
	// Pseudonyms makes the keyed pseudonyms researchers see; required.
	Pseudonyms *pseudonym.Keyed
	// Now is the clock ("as of now" is evaluated with it); time.Now when nil.
	Now func() time.Time
}

// Policy evaluates the rules. It is safe for concurrent use.
type Policy struct {
	store      Backend
	auditor    audit.Recorder
	pseudonyms *pseudonym.Keyed
	now        func() time.Time
}

// New returns a Policy over cfg.Store. An Auditor is required: access to
// health data is never unrecorded.
func New(cfg Config) *Policy {
	if cfg.Store == nil || cfg.Auditor == nil || cfg.Pseudonyms == nil {
		panic("policy.New: Store, Auditor and Pseudonyms are required")
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &Policy{store: cfg.Store, auditor: cfg.Auditor, pseudonyms: cfg.Pseudonyms, now: now}
}

// request is what one request has worked out so far: its scope, visible
// set and audit records, each computed once.
type request struct {
	mu      sync.Mutex
	scope   *scope
	visible map[string]bool
	audited map[auditKey]bool
	// deferReads holds read decisions in pending until Commit (see
	// WithDeferredAudit); writes are always recorded before they happen.
	deferReads bool
	pending    []audit.Event
}

type auditKey struct {
	op      audit.Operation
	person  string
	outcome Outcome
}

type requestKey struct{}

// WithRequest returns a context in which the policy computes the
// principal's scope once and records each (operation, person, outcome)
// once. Call it per request (the HTTP middleware does); never share one
// across requests, or a withdrawn consent would outlive its request.
func WithRequest(ctx context.Context) context.Context {
	return context.WithValue(ctx, requestKey{}, &request{})
}

// WithDeferredAudit is WithRequest for a caller that holds the whole
// response back until Commit has returned: the decisions to read are then
// recorded together at the end of the request, in one group commit,
// instead of one fsync after another as the resolvers reach each person
// (a web read reached two, a page of people twenty). Nothing read may
// leave the process before Commit succeeds; that is what keeps the audit
// failing closed. Writes are still recorded before they are made.
func WithDeferredAudit(ctx context.Context) context.Context {
	return context.WithValue(ctx, requestKey{}, &request{deferReads: true})
}

// Commit records the decisions ctx's request deferred (WithDeferredAudit).
// An error means they were not all kept: the caller must then send none of
// what the request read, only the error.
func (pl *Policy) Commit(ctx context.Context) error {
	req := requestOf(ctx)
	if req == nil {
		return nil
	}
	req.mu.Lock()
	events := req.pending
	req.pending = nil
	req.mu.Unlock()
	// Concurrent records share one write and one fsync (group commit).
	errs := make([]error, len(events))
	var wg sync.WaitGroup
	for i := range events {
		wg.Go(func() { errs[i] = pl.auditor.Record(ctx, events[i]) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return care.Wrap(care.Unavailable, err, "access refused: the audit log cannot record it")
	}
	return nil
}

// InRequest reports whether ctx already has a request scope.
func InRequest(ctx context.Context) bool { return requestOf(ctx) != nil }

func requestOf(ctx context.Context) *request {
	r, _ := ctx.Value(requestKey{}).(*request)
	return r
}

// scope is the people a principal reaches, with the grant for each.
type scope struct {
	p      care.Principal
	all    bool // admin
	people map[string]Grant
}

// principal returns the request's principal or Unauthenticated.
func principal(ctx context.Context) (care.Principal, error) {
	p, ok := care.PrincipalFromContext(ctx)
	if !ok {
		return care.Principal{}, care.Errorf(care.Unauthenticated, "sign in: a bearer token is required")
	}
	return p, nil
}

// scopeOf returns the principal's scope, computed once per request.
func (pl *Policy) scopeOf(ctx context.Context) (*scope, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	req := requestOf(ctx)
	if req != nil {
		req.mu.Lock()
		defer req.mu.Unlock()
		if req.scope != nil && req.scope.p == p {
			return req.scope, nil
		}
	}
	s, err := pl.computeScope(ctx, p)
	if err != nil {
		return nil, err
	}
	if req != nil {
		req.scope = s
		req.visible = nil
	}
	return s, nil
}

func (pl *Policy) computeScope(ctx context.Context, p care.Principal) (*scope, error) {
	s := &scope{p: p, people: map[string]Grant{}}
	if p.Access == care.AccessAdmin {
		s.all = true
		return s, nil
	}
	if p.Access == care.AccessResearcher {
		return s, nil
	}
	n, err := pl.store.Node(ctx, p.Subject)
	if care.ErrorCode(err) == care.NotFound {
		return s, nil // a token for someone since removed reaches nobody
	}
	if err != nil {
		return nil, err
	}
	if n.Kind != kindOfRole[p.Access] {
		return s, nil // e.g. a carer's id with the person role reaches nobody
	}
	now := pl.now()
	today := care.DateOf(now)
	switch p.Access {
	case care.AccessPerson:
		s.people[n.ID] = Grant{Rule: audit.RuleSelf}
	case care.AccessProfessional:
		rels, err := pl.activeFrom(ctx, n.ID, care.InvolvedIn, today)
		if err != nil {
			return nil, err
		}
		for _, r := range rels {
			s.people[r.To] = Grant{Rule: audit.RuleInvolvedIn, Relationship: r.ID}
		}
	case care.AccessCarer:
		rels, err := pl.activeFrom(ctx, n.ID, care.CaresFor, today)
		if err != nil {
			return nil, err
		}
		for _, r := range rels {
			if _, done := s.people[r.To]; done {
				continue
			}
			records, err := pl.store.Consents(ctx, r.To)
			if err != nil {
				return nil, err
			}
			c, ok := care.ConsentAt(records, r.To, n.ID, today, now)
			if ok && c.Decision == care.Permit {
				s.people[r.To] = Grant{Rule: audit.RuleCaresFor + string(c.Basis), Relationship: r.ID, Consent: c.ID}
			}
		}
	}
	return s, nil
}

// activeFrom returns the relationships of type t that run from node and
// are active on day.
func (pl *Policy) activeFrom(ctx context.Context, node string, t care.RelType, day care.Date) ([]care.Relationship, error) {
	rels, err := pl.store.Relationships(ctx, care.RelQuery{Node: node, Types: []care.RelType{t}, Window: care.AsOf(day)})
	if err != nil {
		return nil, err
	}
	out := rels[:0:0] // a new array: the store's slice is not ours to edit
	for _, r := range rels {
		if r.From == node {
			out = append(out, r)
		}
	}
	return out, nil
}

// grant reports whether the scope reaches person.
func (s *scope) grant(person string) (Grant, bool) {
	if s.all {
		return Grant{Rule: audit.RuleAdmin}, true
	}
	g, ok := s.people[person]
	return g, ok
}

// People returns the ids of the people the principal reaches, sorted; nil
// for admin (who reaches everyone: use the lists) and researchers.
func (pl *Policy) People(ctx context.Context) ([]string, error) {
	s, err := pl.scopeOf(ctx)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(s.people))
	for id := range s.people {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids, nil
}

// notFound is what a denied person or node looks like: the store's own
// NotFound message for a missing id.
func notFound(id string) error {
	return care.Errorf(care.NotFound, "no node with id %q", id)
}

// Person decides whether the principal may perform op on person's data,
// records the decision, and returns the grant. A denial is NotFound.
func (pl *Policy) Person(ctx context.Context, person string, op audit.Operation) (Grant, error) {
	s, err := pl.scopeOf(ctx)
	if err != nil {
		return Grant{}, err
	}
	g, ok := s.grant(person)
	out := Allowed
	if !ok {
		out = Denied
	}
	if err := pl.audit(ctx, s.p, op, person, g, out); err != nil {
		return Grant{}, err
	}
	if !ok {
		return Grant{}, notFound(person)
	}
	return g, nil
}

// audit records one decision, once per request: a decision counts as
// recorded only once the Auditor has kept it (or, deferred, once it is
// pending for Commit), so a failed record is tried again, and refused
// again, by the next access in the same request.
func (pl *Policy) audit(ctx context.Context, p care.Principal, op audit.Operation, person string, g Grant, out Outcome) error {
	e := audit.EventFor(p, op, person, g, out)
	req := requestOf(ctx)
	if req == nil {
		return pl.record(ctx, e)
	}
	k := auditKey{op, person, out}
	req.mu.Lock()
	if req.audited[k] {
		req.mu.Unlock()
		return nil
	}
	if req.deferReads && !op.Write() {
		req.markAudited(k)
		req.pending = append(req.pending, e)
		req.mu.Unlock()
		return nil
	}
	req.mu.Unlock()
	if err := pl.record(ctx, e); err != nil {
		return err
	}
	req.mu.Lock()
	req.markAudited(k)
	req.mu.Unlock()
	return nil
}

// markAudited notes k as recorded; req.mu must be held.
func (req *request) markAudited(k auditKey) {
	if req.audited == nil {
		req.audited = map[auditKey]bool{}
	}
	req.audited[k] = true
}

func (pl *Policy) record(ctx context.Context, e audit.Event) error {
	if err := pl.auditor.Record(ctx, e); err != nil {
		return care.Wrap(care.Unavailable, err, "access refused: the audit log cannot record it")
	}
	return nil
}

// PopulationAccess says how a principal may see population results.
type PopulationAccess struct {
	// SuppressSmallNumbers is forced on for researchers.
	SuppressSmallNumbers bool
	// Pseudonym, when set (researchers), must replace every node id in
	// the results; names must be dropped.
	Pseudonym func(id string) string
	// Source reads the whole population for this one operation. It is
	// handed out only with a positive decision.
	Source care.Streamer
}

// Population decides whether the principal may run a population
// operation (summaries, network analysis): admins fully, researchers
// with suppression and pseudonyms; everyone else is Forbidden.
func (pl *Policy) Population(ctx context.Context, op audit.Operation) (PopulationAccess, error) {
	p, err := principal(ctx)
	if err != nil {
		return PopulationAccess{}, err
	}
	acc := PopulationAccess{Source: pl.store}
	out := Allowed
	switch p.Access {
	case care.AccessAdmin:
	case care.AccessResearcher:
		acc.SuppressSmallNumbers = true
		acc.Pseudonym = pl.pseudonyms.Of
	default:
		out = Denied
	}
	g := Grant{Rule: string(p.Access)}
	if out == Denied {
		g = Grant{}
	}
	if err := pl.audit(ctx, p, op, "", g, out); err != nil {
		return PopulationAccess{}, err
	}
	if out == Denied {
		return PopulationAccess{}, care.Errorf(care.Forbidden, "population statistics are for researchers and administrators")
	}
	return acc, nil
}

// Package neo4j implements care.Store on Neo4j 5 (Community or
// Enterprise/Aura) through the official Go driver.
//
// # Graph model
//
// Every node of a web of care is a (:Node) with the label of its kind:
//
//	(:Node:Person       {id, kind, name, nameKey, locality})
//	(:Node:Carer        {id, kind, name, nameKey, locality})
//	(:Node:Professional {id, kind, name, nameKey, role, locality})
//	(:Node:Organisation {id, kind, name, nameKey, sector, locality})
//
// The common :Node label carries the uniqueness constraint on id, because
// ids are unique across kinds. nameKey is care.NameKey(name), computed in
// Go so that sorting by name matches the embedded store's case folding.
// Empty optional fields are absent (null), never "".
//
// Relationships of the web are Neo4j relationships of the same type,
// pointing the way care.Relationship does (From → To):
//
//	(:Carer)-[:CARES_FOR {id, fromDay, toDay, relation, consent}]->(:Person)
//	(:Professional)-[:INVOLVED_IN {id, fromDay, toDay, role, coordinator}]->(:Person)
//	(:Professional)-[:WORKS_IN {id, fromDay, toDay}]->(:Organisation)
//	(a)-[:LINKED_TO {id, fromDay, toDay, channel}]->(b)
//
// fromDay and toDay are care.Date values (days since 1970-01-01) stored as
// integers, with the open ends stored as the sentinels care.NoStart and
// care.NoEnd, so that "overlaps the window" is the plain comparison
// fromDay <= w.To AND toDay >= w.From with no null handling. Each
// relationship type has a uniqueness constraint on id (relationship
// uniqueness constraints exist in Community since 5.7); that relationship
// ids are also unique across types is enforced by Apply, which looks every
// id up in all four types before writing.
//
// Contacts and referrals are events. A contact, by far the most numerous
// record, is one relationship from its person to its professional, with
// the organisation it was recorded through (when recorded) as the
// property org, that organisation's id:
//
//	(:Person)-[:CONTACT {id, at, mode, setting, org}]->(:Professional)
//
// One relationship costs the server about a third less CPU and half the
// transaction memory of a node with three relationships (events.go), and
// the server's CPU is what an import's rate is bound by. Its id is
// unique by a relationship uniqueness constraint, and org is indexed, to
// find an organisation's contacts (deleting it, "active in a window"),
// which a relationship to it would have given; at is not (see schema).
// A referral, with two ends besides its person, is a node of its own (it
// is not :Node, whose ids it does not share) joined to the nodes it
// involves:
//
//	(:Referral {id, at, day, reason})-[:REFERRAL_OF]->(:Person)
//	(:Referral)-[:REFERRED_FROM]->(professional or organisation)
//	(:Referral)-[:REFERRED_TO]->(professional or organisation)
//
// Consent records are event-like nodes too, (:Consent)-[:CONSENT_OF]->
// (:Person) and so on (see consent.go).
//
// at is a Neo4j DATETIME in UTC (nanosecond precision, so times round-trip
// exactly). A referral's day is care.DateOf(at), so that its window test
// is an integer comparison; a contact has no day, and its window test
// compares at with the window's first and last instants instead (one
// property fewer on the most numerous record). A person's events are
// reached from the person by traversal (index-free adjacency);
// Referral.at is indexed for population-wide time queries.
//
// Databases written before contacts were relationships hold them as
// (:Contact) nodes; the schema set-up converts them in place (migrate.go).
//
// # Transactions and errors
//
// Every read and write runs in a managed transaction (ExecuteRead or
// ExecuteWrite), so the driver retries transient failures for up to
// Config.MaxTransactionRetryTime; the transaction functions have no side
// effects outside the transaction, and every write is keyed on a unique
// id (a MERGE, or a CREATE of what the same transaction found missing),
// so a retry after a connection lost during commit cannot duplicate
// anything. ApplyStream, whose batches cannot be read twice, runs one
// explicit transaction instead (stream_apply.go). All Cypher is fixed
// text with parameters; the few labels and
// relationship types that vary are chosen from fixed tables, never taken
// from input.
//
// Driver failures become care.Unavailable (Neo4j unreachable, overloaded
// or refusing the credentials) or care.Internal; the caller-safe message
// never carries Cypher or server text, which stays in Err for the log.
//
// # Readiness
//
// Open does not fail when Neo4j is down or refuses the credentials: the
// store starts not ready, Ping reports why, and the driver reconnects when
// Neo4j comes back. The schema (constraints and indexes, all IF NOT EXISTS)
// is created, and data of an earlier version migrated, on the first
// successful connection, lazily if Neo4j was down at Open.
//
// # String order
//
// Neo4j compares strings by UTF-16 code unit, Go by byte. The two orders
// agree except between characters above U+FFFF (emoji, rare scripts) and
// those in U+E000–U+FFFF; ids and names mixing those two ranges may list
// in a different order here than in the embedded store. Keyset pagination
// stays consistent within this store either way.
package neo4j

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	neo4jdrv "github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/rs/zerolog"

	"github.com/careweb/careweb/internal/care"
)

// Config says how to reach Neo4j. Zero durations and sizes take the
// defaults below.
type Config struct {
	// URI is the Bolt address, e.g. neo4j://localhost:7687 (routing, for
	// clusters and Aura) or bolt://localhost:7687 (one server).
	URI      string
	User     string
	Password string
	// Database is the database name; empty means the server's default.
	Database string
	// MaxTransactionRetryTime bounds how long the driver retries a
	// transaction that failed transiently (connection lost, leader
	// switch, deadlock). Default 15 s.
	MaxTransactionRetryTime time.Duration
	// ConnectionAcquisitionTimeout bounds the wait for a pooled connection,
	// including opening a new one. Default 5 s.
	ConnectionAcquisitionTimeout time.Duration
	// TxTimeout is the server-side timeout of each transaction. Default
	// 30 s. A bulk import whose batches take longer should raise it.
	TxTimeout time.Duration
	// MaxConnectionPoolSize bounds connections per server. Default 100.
	MaxConnectionPoolSize int
	// Logger receives readiness changes and schema set-up; nil logs nothing.
	Logger *zerolog.Logger
}

// Defaults applied by Open to zero Config fields.
const (
	DefaultMaxTransactionRetryTime      = 15 * time.Second
	DefaultConnectionAcquisitionTimeout = 5 * time.Second
	DefaultTxTimeout                    = 30 * time.Second
	DefaultMaxConnectionPoolSize        = 100
)

// Store is a care.Store on Neo4j. It is safe for concurrent use.
type Store struct {
	driver neo4jdrv.DriverWithContext
	cfg    Config
	log    zerolog.Logger

	schemaReady atomic.Bool
	schemaMu    sync.Mutex // serialises schema set-up attempts
	ready       atomic.Bool
}

var _ care.Store = (*Store)(nil)

// Open creates a store for cfg. It fails only when cfg is unusable (no URI,
// an unknown scheme); when Neo4j is unreachable or refuses the
// credentials, it returns a store that is not ready yet (Ping says why),
// and that recovers by itself. ctx bounds the first connection attempt.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.URI == "" {
		return nil, care.Errorf(care.Invalid, "neo4j: no URI configured")
	}
	if cfg.MaxTransactionRetryTime <= 0 {
		cfg.MaxTransactionRetryTime = DefaultMaxTransactionRetryTime
	}
	if cfg.ConnectionAcquisitionTimeout <= 0 {
		cfg.ConnectionAcquisitionTimeout = DefaultConnectionAcquisitionTimeout
	}
	if cfg.TxTimeout <= 0 {
		cfg.TxTimeout = DefaultTxTimeout
	}
	if cfg.MaxConnectionPoolSize <= 0 {
		cfg.MaxConnectionPoolSize = DefaultMaxConnectionPoolSize
	}
	s := &Store{cfg: cfg, log: zerolog.Nop()}
	if cfg.Logger != nil {
		s.log = cfg.Logger.With().Str("component", "neo4j").Logger()
	}
	auth := neo4jdrv.NoAuth()
	if cfg.User != "" || cfg.Password != "" {
		auth = neo4jdrv.BasicAuth(cfg.User, cfg.Password, "")
	}
	drv, err := neo4jdrv.NewDriverWithContext(cfg.URI, auth, func(c *neo4jdrv.Config) {
		c.MaxTransactionRetryTime = cfg.MaxTransactionRetryTime
		c.ConnectionAcquisitionTimeout = cfg.ConnectionAcquisitionTimeout
		c.MaxConnectionPoolSize = cfg.MaxConnectionPoolSize
		// A connect attempt must give up before the acquisition does, so
		// that an unreachable server reports as such and not as a pool
		// timeout.
		c.SocketConnectTimeout = min(cfg.ConnectionAcquisitionTimeout, 5*time.Second)
		c.SocketKeepalive = true
	})
	if err != nil {
		return nil, care.Wrap(care.Invalid, err, "neo4j: unusable URI %q (want neo4j://, bolt:// or their +s/+ssc forms)", redactURI(cfg.URI))
	}
	s.driver = drv
	if err := s.Ping(ctx); err != nil {
		s.log.Warn().Err(err).Str("uri", redactURI(cfg.URI)).Msg("neo4j not ready at start; will retry on use")
	}
	return s, nil
}

// Close releases the driver's connections.
func (s *Store) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.driver.Close(ctx); err != nil {
		return care.Wrap(care.Internal, err, "neo4j: closing the driver")
	}
	return nil
}

// Ping checks that Neo4j answers with the configured credentials and that
// the schema is in place. It returns Unavailable saying whether Neo4j is
// unreachable or refused the credentials.
func (s *Store) Ping(ctx context.Context) error {
	err := s.driver.VerifyConnectivity(ctx)
	if err == nil {
		err = s.ensureSchema(ctx)
	}
	if err != nil {
		err = s.pingError(err)
		if s.ready.Swap(false) {
			s.log.Warn().Err(err).Msg("neo4j became unavailable")
		}
		return err
	}
	if !s.ready.Swap(true) {
		s.log.Info().Str("uri", redactURI(s.cfg.URI)).Msg("neo4j ready")
	}
	return nil
}

// pingError classifies a failed Ping so that an operator reading the
// readiness check learns which of the usual causes it is: credentials
// refused, no such database, no answer in time, or nothing listening.
func (s *Store) pingError(err error) error {
	var ce *care.Error
	if errors.As(err, &ce) {
		return err
	}
	uri := redactURI(s.cfg.URI)
	if isAuthError(err) {
		return care.Wrap(care.Unavailable, err, "neo4j at %s refused the credentials (authentication failed): check the configured user and password", uri)
	}
	if isDatabaseNotFound(err) {
		return care.Wrap(care.Unavailable, err, "neo4j at %s has no database %q", uri, s.cfg.Database)
	}
	if isCanceled(err) {
		return care.Wrap(care.Unavailable, err, "neo4j at %s did not answer in time", uri)
	}
	if isUnreachable(err) {
		return care.Wrap(care.Unavailable, err, "neo4j at %s is unreachable", uri)
	}
	return care.Wrap(care.Unavailable, err, "neo4j at %s is not usable (see the log)", uri)
}

// schema is created once per process, idempotently. Names are fixed so
// that IF NOT EXISTS also recognises constraints made by another instance.
var schema = []string{
	"CREATE CONSTRAINT careweb_node_id IF NOT EXISTS FOR (n:Node) REQUIRE n.id IS UNIQUE",
	"CREATE CONSTRAINT careweb_contact_rel_id IF NOT EXISTS FOR ()-[c:CONTACT]-() REQUIRE c.id IS UNIQUE",
	"CREATE CONSTRAINT careweb_referral_id IF NOT EXISTS FOR (r:Referral) REQUIRE r.id IS UNIQUE",
	"CREATE CONSTRAINT careweb_consent_id IF NOT EXISTS FOR (c:Consent) REQUIRE c.id IS UNIQUE",
	"CREATE CONSTRAINT careweb_cares_for_id IF NOT EXISTS FOR ()-[r:CARES_FOR]-() REQUIRE r.id IS UNIQUE",
	"CREATE CONSTRAINT careweb_involved_in_id IF NOT EXISTS FOR ()-[r:INVOLVED_IN]-() REQUIRE r.id IS UNIQUE",
	"CREATE CONSTRAINT careweb_works_in_id IF NOT EXISTS FOR ()-[r:WORKS_IN]-() REQUIRE r.id IS UNIQUE",
	"CREATE CONSTRAINT careweb_linked_to_id IF NOT EXISTS FOR ()-[r:LINKED_TO]-() REQUIRE r.id IS UNIQUE",
	// Per-kind id indexes let EachPerson and kind-filtered lists walk one
	// kind in id order without filtering every node.
	"CREATE INDEX careweb_person_id IF NOT EXISTS FOR (n:Person) ON (n.id)",
	"CREATE INDEX careweb_carer_id IF NOT EXISTS FOR (n:Carer) ON (n.id)",
	"CREATE INDEX careweb_professional_id IF NOT EXISTS FOR (n:Professional) ON (n.id)",
	"CREATE INDEX careweb_organisation_id IF NOT EXISTS FOR (n:Organisation) ON (n.id)",
	"CREATE INDEX careweb_node_name IF NOT EXISTS FOR (n:Node) ON (n.nameKey, n.id)",
	// No index on CONTACT.at: every contact query starts from a person
	// (or an organisation, by org), and the index cost a tenth of the
	// import rate. Add it with the first query that needs it.
	"CREATE INDEX careweb_contact_rel_org IF NOT EXISTS FOR ()-[c:CONTACT]-() ON (c.org)",
	"CREATE INDEX careweb_referral_at IF NOT EXISTS FOR (r:Referral) ON (r.at)",
}

// ensureSchema creates the schema on first use. A failure leaves it to be
// tried again by the next call.
func (s *Store) ensureSchema(ctx context.Context) error {
	if s.schemaReady.Load() {
		return nil
	}
	// Fail fast while Neo4j is down: without this every request would
	// queue on schemaMu behind a set-up attempt that the driver retries
	// for MaxTransactionRetryTime.
	if err := s.driver.VerifyConnectivity(ctx); err != nil {
		return err
	}
	s.schemaMu.Lock()
	defer s.schemaMu.Unlock()
	if s.schemaReady.Load() {
		return nil
	}
	sess := s.session(ctx, neo4jdrv.AccessModeWrite)
	defer sess.Close(context.WithoutCancel(ctx))
	for _, stmt := range schema {
		if err := s.runSchema(ctx, sess, stmt); err != nil && !isEquivalentSchema(err) {
			return err
		}
	}
	_, err := sess.ExecuteRead(ctx, func(tx neo4jdrv.ManagedTransaction) (any, error) {
		res, err := tx.Run(ctx, "CALL db.awaitIndexes(300)", nil)
		if err != nil {
			return nil, err
		}
		_, err = res.Consume(ctx)
		return nil, err
	})
	if err != nil {
		return err
	}
	if err := s.migrate(ctx, sess); err != nil {
		return err
	}
	s.schemaReady.Store(true)
	s.log.Info().Int("statements", len(schema)).Msg("neo4j schema in place")
	return nil
}

// runSchema runs one schema statement in a transaction of its own:
// schema and data cannot share a transaction.
func (s *Store) runSchema(ctx context.Context, sess neo4jdrv.SessionWithContext, stmt string) error {
	_, err := sess.ExecuteWrite(ctx, func(tx neo4jdrv.ManagedTransaction) (any, error) {
		return collect(ctx, tx, stmt, nil)
	}, s.txConfig)
	return err
}

func (s *Store) txConfig(c *neo4jdrv.TransactionConfig) { c.Timeout = s.cfg.TxTimeout }

func (s *Store) session(ctx context.Context, mode neo4jdrv.AccessMode) neo4jdrv.SessionWithContext {
	return s.driver.NewSession(ctx, neo4jdrv.SessionConfig{AccessMode: mode, DatabaseName: s.cfg.Database})
}

// read runs fn in a managed read transaction, after making sure the
// schema exists, and codes any failure. what names the operation for the
// caller-safe message.
func read[T any](ctx context.Context, s *Store, what string, fn func(tx neo4jdrv.ManagedTransaction) (T, error)) (T, error) {
	return run(ctx, s, neo4jdrv.AccessModeRead, what, fn)
}

// write is read's counterpart for write transactions.
func write[T any](ctx context.Context, s *Store, what string, fn func(tx neo4jdrv.ManagedTransaction) (T, error)) (T, error) {
	return run(ctx, s, neo4jdrv.AccessModeWrite, what, fn)
}

func run[T any](ctx context.Context, s *Store, mode neo4jdrv.AccessMode, what string, fn func(tx neo4jdrv.ManagedTransaction) (T, error)) (T, error) {
	var zero T
	if err := s.ensureSchema(ctx); err != nil {
		return zero, s.codeError(err, what)
	}
	sess := s.session(ctx, mode)
	defer sess.Close(context.WithoutCancel(ctx))
	work := func(tx neo4jdrv.ManagedTransaction) (any, error) { return fn(tx) }
	var (
		v   any
		err error
	)
	if mode == neo4jdrv.AccessModeWrite {
		v, err = sess.ExecuteWrite(ctx, work, s.txConfig)
	} else {
		v, err = sess.ExecuteRead(ctx, work, s.txConfig)
	}
	if err != nil {
		return zero, s.codeError(err, what)
	}
	return v.(T), nil
}

// codeError turns a driver failure into a *care.Error. Errors that are
// already coded (validation, not found, conflict raised inside a
// transaction function) pass through unchanged.
func (s *Store) codeError(err error, what string) error {
	var ce *care.Error
	if errors.As(err, &ce) {
		return err
	}
	switch {
	case isAuthError(err):
		return care.Wrap(care.Unavailable, err, "%s: the database refused the service's credentials", what)
	case isDatabaseNotFound(err):
		return care.Wrap(care.Unavailable, err, "%s: the configured database does not exist", what)
	case isCanceled(err):
		return care.Wrap(care.Unavailable, err, "%s: cancelled or timed out waiting for the database", what)
	case isUnreachable(err):
		return care.Wrap(care.Unavailable, err, "%s: the database is unreachable", what)
	case isMemoryLimit(err):
		// Transient in Neo4j's terms, but a retry of the same write needs
		// the same memory: say what to change.
		return care.Wrap(care.Unavailable, err, "%s: the transaction needs more memory than the database allows it (dbms.memory.transaction.total.max, db.memory.transaction.max, or the heap): write less at once, or raise the limits", what)
	case isTransient(err):
		return care.Wrap(care.Unavailable, err, "%s: the database is busy; retry later", what)
	case isConstraintViolation(err):
		// Only a concurrent writer can trip a constraint that Apply
		// checked in its own transaction.
		return care.Wrap(care.Conflict, err, "%s: a concurrent change conflicted with this one; retry", what)
	}
	return care.Wrap(care.Internal, err, "%s: database error", what)
}

// walkErr visits err and every error it wraps, including the driver's
// wrappers that have no Unwrap method. visit returning true stops the walk.
func walkErr(err error, visit func(error) bool) bool {
	for depth := 0; err != nil && depth < 32; depth++ {
		if visit(err) {
			return true
		}
		switch e := err.(type) {
		case *neo4jdrv.ConnectivityError:
			err = e.Inner
			continue
		case *neo4jdrv.TransactionExecutionLimit:
			for _, inner := range e.Errors {
				if walkErr(inner, visit) {
					return true
				}
			}
			return false
		case interface{ Unwrap() []error }:
			for _, inner := range e.Unwrap() {
				if walkErr(inner, visit) {
					return true
				}
			}
			return false
		}
		err = errors.Unwrap(err)
	}
	return false
}

func isAuthError(err error) bool {
	return walkErr(err, func(e error) bool {
		switch e := e.(type) {
		case *neo4jdrv.Neo4jError:
			return e.HasSecurityCode() && e.Code != "Neo.ClientError.Security.Forbidden"
		case *neo4jdrv.InvalidAuthenticationError, *neo4jdrv.TokenExpiredError:
			return true
		}
		return false
	})
}

func isUnreachable(err error) bool {
	return walkErr(err, func(e error) bool {
		switch e.(type) {
		case *neo4jdrv.ConnectivityError, *neo4jdrv.TransactionExecutionLimit, *net.OpError, *net.DNSError:
			return true
		}
		if _, ok := e.(net.Error); ok {
			return true
		}
		return e == io.EOF || e == syscall.ECONNREFUSED || e == syscall.ECONNRESET
	})
}

func isCanceled(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		walkErr(err, func(e error) bool { return e == context.Canceled || e == context.DeadlineExceeded })
}

func isTransient(err error) bool {
	return walkErr(err, func(e error) bool {
		var n *neo4jdrv.Neo4jError
		if errors.As(e, &n) {
			return n.IsRetriable() || n.Code == "Neo.ClientError.Transaction.TransactionTimedOut" ||
				n.Code == "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration"
		}
		return false
	})
}

func isMemoryLimit(err error) bool {
	return walkErr(err, func(e error) bool {
		n, ok := e.(*neo4jdrv.Neo4jError)
		return ok && (n.Code == "Neo.TransientError.General.MemoryPoolOutOfMemoryError" ||
			n.Code == "Neo.TransientError.General.TransactionMemoryLimit")
	})
}

func isConstraintViolation(err error) bool {
	return walkErr(err, func(e error) bool {
		n, ok := e.(*neo4jdrv.Neo4jError)
		return ok && n.Code == "Neo.ClientError.Schema.ConstraintValidationFailed"
	})
}

func isDatabaseNotFound(err error) bool {
	return walkErr(err, func(e error) bool {
		n, ok := e.(*neo4jdrv.Neo4jError)
		return ok && n.Code == "Neo.ClientError.Database.DatabaseNotFound"
	})
}

// redactURI drops any user information from a URI before it goes into a
// message.
func redactURI(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparsable URI)"
	}
	u.User = nil
	return u.String()
}

func isEquivalentSchema(err error) bool {
	return walkErr(err, func(e error) bool {
		n, ok := e.(*neo4jdrv.Neo4jError)
		return ok && (n.Code == "Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists" ||
			n.Code == "Neo.ClientError.Schema.ConstraintAlreadyExists" ||
			n.Code == "Neo.ClientError.Schema.IndexAlreadyExists")
	})
}

// collect runs a query in tx and returns its records.
func collect(ctx context.Context, tx neo4jdrv.ManagedTransaction, cypher string, params map[string]any) ([]*neo4jdrv.Record, error) {
	res, err := tx.Run(ctx, cypher, params)
	if err != nil {
		return nil, err
	}
	return res.Collect(ctx)
}

// single runs a query that returns exactly one record.
func single(ctx context.Context, tx neo4jdrv.ManagedTransaction, cypher string, params map[string]any) (*neo4jdrv.Record, error) {
	recs, err := collect(ctx, tx, cypher, params)
	if err != nil {
		return nil, err
	}
	if len(recs) != 1 {
		return nil, fmt.Errorf("neo4j: expected one record, got %d", len(recs))
	}
	return recs[0], nil
}

package neo4j

import (
	"context"
	"errors"

	neo4jdrv "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/careweb/careweb/internal/care"
)

var _ care.BulkWriter = (*Store)(nil)

// ApplyStream applies every batch next returns in one explicit
// transaction (care.BulkWriter), each batch through the same applier as
// Apply, so that its lookups and validation see what the earlier batches
// wrote; the transaction commits after the last batch and is rolled back
// on any failure. Unlike Apply it is not retried (the batches are gone
// once applied), so a transient failure returns Unavailable and the
// caller may run the whole (idempotent) stream again. The transaction has
// no server-side timeout, since an import's length is unknown: ctx bounds
// it instead, and Neo4j's memory settings (db.memory.transaction.max)
// bound its size.
func (s *Store) ApplyStream(ctx context.Context, next func() (care.Batch, error)) (care.ApplyResult, error) {
	const what = "apply import"
	if err := s.ensureSchema(ctx); err != nil {
		return care.ApplyResult{}, s.streamError(ctx, err, what)
	}
	sess := s.session(ctx, neo4jdrv.AccessModeWrite)
	defer sess.Close(context.WithoutCancel(ctx))
	tx, err := sess.BeginTransaction(ctx)
	if err != nil {
		return care.ApplyResult{}, s.streamError(ctx, err, what)
	}
	// Close rolls back unless Commit succeeded; it must run even when ctx
	// has ended, so that the server drops the transaction now.
	defer tx.Close(context.WithoutCancel(ctx))
	a := applier{ctx: ctx, tx: tx}
	err = care.EachBatch(ctx, next, func(_ int, b *care.Batch) error {
		if b.Empty() {
			return nil
		}
		a.b = b
		_, err := a.run()
		return err
	})
	if err == nil {
		err = tx.Commit(ctx)
	}
	if err != nil {
		return care.ApplyResult{}, s.streamError(ctx, err, what)
	}
	return a.res, nil
}

// streamError codes a failed stream. The driver reports a cancelled ctx
// in words of its own (a write to the connection cancelled), so a
// driver error once ctx has ended is the cancellation.
func (s *Store) streamError(ctx context.Context, err error, what string) error {
	if _, coded := errors.AsType[*care.Error](err); !coded && ctx.Err() != nil {
		return care.Wrap(care.Unavailable, errors.Join(ctx.Err(), err), "%s: cancelled; nothing was written", what)
	}
	return s.codeError(err, what)
}

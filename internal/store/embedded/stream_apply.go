package embedded

import (
	"context"

	"go.etcd.io/bbolt"

	"github.com/careweb/careweb/internal/care"
)

var _ care.BulkWriter = (*Store)(nil)

// ApplyStream applies every batch next returns in one bbolt transaction
// (care.BulkWriter): each batch runs through the same plan as Apply's,
// validated against the store as the earlier batches left it, and the
// index changes wait in the plan until bbolt has committed them all.
//
// The caller's batches are not kept, but the pending writes are: bbolt
// holds the transaction's dirty pages, and the plan what the index must
// take on, until the commit (much as the index holds everything after
// it). Other writers wait for the stream; readers do not, and see none of
// it until it commits.
func (s *Store) ApplyStream(ctx context.Context, next func() (care.Batch, error)) (care.ApplyResult, error) {
	if err := s.check(ctx); err != nil {
		return care.ApplyResult{}, err
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.closed.Load() {
		return care.ApplyResult{}, care.Errorf(care.Unavailable, "the store is closed")
	}
	p := newPlan(s.ix)
	err := s.update(p, func(tx *bbolt.Tx) error {
		return care.EachBatch(ctx, next, func(_ int, b *care.Batch) error {
			if b.Empty() {
				return b.Validate(p.kindOf)
			}
			return p.apply(tx, b, true)
		})
	})
	if err != nil {
		return care.ApplyResult{}, err
	}
	return p.res, nil
}

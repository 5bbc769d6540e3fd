package demo

import (
	"context"

	"github.com/careweb/careweb/internal/care"
)

// Apply generates the data set of cfg into w, batchSize items at a time
// (each batch one Apply), and returns how many items it wrote. It stops
// at the first error, or when ctx ends.
func Apply(ctx context.Context, w care.Writer, cfg Config, batchSize int) (int, error) {
	total := 0
	err := Generate(cfg, batchSize, func(b care.Batch) error {
		if _, err := w.Apply(ctx, b); err != nil {
			return err
		}
		total += b.Size()
		return ctx.Err()
	})
	return total, err
}

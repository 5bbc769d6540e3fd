package storemetrics

import (
	"context"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/careweb/careweb/internal/care"
)

// failing is a care.Store whose Node always reports NotFound; the other
// methods are never called here.
type failing struct{ Backend }

func (failing) Node(context.Context, string) (care.Node, error) {
	return care.Node{}, care.Errorf(care.NotFound, "no node")
}

func TestOutcomeIsTheErrorCode(t *testing.T) {
	reg := prometheus.NewRegistry()
	s := Wrap(failing{}, reg, "test")
	for i := 0; i < 3; i++ {
		_, _ = s.Node(context.Background(), "x")
	}
	if got := testutil.ToFloat64(s.ops.WithLabelValues("node", "NOT_FOUND")); got != 3 {
		t.Fatalf("NOT_FOUND count = %v, want 3", got)
	}
	if got := testutil.ToFloat64(s.ops.WithLabelValues("node", "ok")); got != 0 {
		t.Fatalf("ok count = %v, want 0", got)
	}
}

package measure_test

import (
	"math"
	"testing"

	"github.com/careweb/careweb/internal/metrics/measure"
)

func TestValue(t *testing.T) {
	if v := measure.Ratio(1, 3); !v.Defined || v.V != 1.0/3 || v.Reason != "" || v.String() != "0.3333333333333333" {
		t.Errorf("Ratio(1, 3) = %#v", v)
	}
	if v := measure.Ratio(1, 0); v.Defined || v.Reason != measure.InvalidInput {
		t.Errorf("Ratio(1, 0) = %#v, want undefined", v)
	}
	for _, x := range []float64{math.NaN(), math.Inf(1)} {
		if v := measure.Of(x); v.Defined {
			t.Errorf("Of(%v) is defined", x)
		}
	}
	u := measure.Undefined(measure.NoEdges)
	if u.Ptr() != nil || u.String() != "null (NO_EDGES)" || u.Reason.Message() != "the graph has no edges" {
		t.Errorf("Undefined = %#v %q", u, u.String())
	}
	if p := measure.Of(0).Ptr(); p == nil || *p != 0 {
		t.Error("a defined 0 must not be null")
	}
	if measure.Reason("X").Message() != "X" {
		t.Error("unknown reasons describe themselves")
	}
}

func TestAtLeast(t *testing.T) {
	one := measure.Of(1)
	tests := []struct {
		name   string
		v      measure.Value
		n, min int
		want   measure.Value
	}{
		{"enough", one, 2, 2, one},
		{"too few", one, 1, 2, measure.Undefined(measure.BelowMinContacts)},
		{"math null below min", measure.Undefined(measure.SingleContact), 1, 2, measure.Undefined(measure.BelowMinContacts)},
		{"math null at min", measure.Undefined(measure.SingleContact), 1, 1, measure.Undefined(measure.SingleContact)},
		{"no contacts keeps its reason", measure.Undefined(measure.NoContacts), 0, 2, measure.Undefined(measure.NoContacts)},
		{"invalid input is never masked", measure.Undefined(measure.InvalidInput), 1, 2, measure.Undefined(measure.InvalidInput)},
	}
	for _, tt := range tests {
		if got := measure.AtLeast(tt.v, tt.n, tt.min); got != tt.want {
			t.Errorf("%s: AtLeast = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// Package oracle loads the metrics oracle cases in testdata/metrics (at the
// repository root) and compares computed values with their expected values.
// It is for tests only; testdata/metrics/README.md documents the format.
package oracle

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/careweb/careweb/internal/metrics/measure"
)

// ExactTolerance is how close a value must be to an exact rational.
const ExactTolerance = 1e-12

// Load decodes testdata/metrics/name into v, failing the test if it cannot.
func Load(t testing.TB, name string, v any) {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatalf("oracle: no go.mod above the test's directory")
		}
		dir = parent
	}
	b, err := os.ReadFile(filepath.Join(dir, "testdata", "metrics", name))
	if err != nil {
		t.Fatalf("oracle: %v", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("oracle: %s: %v", name, err)
	}
}

// Want is a parsed expected value.
type Want struct {
	Null bool
	V    float64
	Tol  float64
}

// Parse parses an expected value: "null", an integer, a fraction "p/q", or
// a decimal whose tolerance is half a unit in its last digit.
func Parse(s string) (Want, error) {
	s = strings.TrimSpace(s)
	if s == "null" || s == "" {
		return Want{Null: true}, nil
	}
	if p, q, ok := strings.Cut(s, "/"); ok {
		num, err1 := strconv.ParseInt(p, 10, 64)
		den, err2 := strconv.ParseInt(q, 10, 64)
		if err1 != nil || err2 != nil || den <= 0 {
			return Want{}, fmt.Errorf("oracle: bad fraction %q", s)
		}
		return Want{V: float64(num) / float64(den), Tol: ExactTolerance}, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return Want{}, fmt.Errorf("oracle: bad value %q", s)
	}
	tol := ExactTolerance
	if _, frac, ok := strings.Cut(s, "."); ok {
		tol += 0.5 * math.Pow(10, -float64(len(frac)))
	}
	return Want{V: v, Tol: tol}, nil
}

// Check reports a test error, naming where, unless got matches want.
func Check(t testing.TB, where string, got measure.Value, want string) {
	t.Helper()
	w, err := Parse(want)
	if err != nil {
		t.Fatalf("%s: %v", where, err)
	}
	switch {
	case w.Null && got.Defined:
		t.Errorf("%s = %v, want null", where, got.V)
	case w.Null && got.Reason == "":
		t.Errorf("%s is undefined with no reason", where)
	case !w.Null && !got.Defined:
		t.Errorf("%s = %v, want %s", where, got, want)
	case !w.Null && math.Abs(got.V-w.V) > w.Tol:
		t.Errorf("%s = %.15g, want %s (±%g)", where, got.V, want, w.Tol)
	}
}

// Codes maps the letters of a visit sequence ("AAABBC") to provider codes
// A = 0, B = 1, ...
func Codes(seq string) []int {
	out := make([]int, 0, len(seq))
	for _, r := range seq {
		out = append(out, int(r-'A'))
	}
	return out
}

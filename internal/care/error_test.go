package care

import "testing"

// A list cut at MaxProblems ends with the count of the rest, which another
// list can take over (Omit) without parsing the message itself.
func TestProblemsMoreMerge(t *testing.T) {
	var a Problems
	for range MaxProblems + 7 {
		a.Add("f", "", "bad")
	}
	e, _ := a.Err("x").(*Error)
	last := e.Problems[len(e.Problems)-1]
	if n, more := last.More(); !more || n != 7 || len(e.Problems) != MaxProblems+1 {
		t.Fatalf("last %+v of %d problems: want the count of 7 more", last, len(e.Problems))
	}
	if _, more := e.Problems[0].More(); more {
		t.Error("a problem read as the count")
	}
	var b Problems
	b.Add("g", "", "other")
	for _, p := range e.Problems {
		if n, more := p.More(); more {
			b.Omit(n)
		} else {
			b.Add(p.Field, p.Value, "%s", p.Message)
		}
	}
	if b.Len() != MaxProblems+8 {
		t.Errorf("merged %d problems, want %d", b.Len(), MaxProblems+8)
	}
}

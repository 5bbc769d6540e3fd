package pseudonym_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/careweb/careweb/internal/pseudonym"
)

func TestStableKeyedAndDistinct(t *testing.T) {
	a := pseudonym.New([]byte("0123456789abcdef0123456789abcdef"))
	b := pseudonym.New([]byte("another key, another installation"))
	seen := map[string]string{}
	for i := 0; i < 20000; i++ {
		id := fmt.Sprintf("%010d", 4000000000+i) // NHS-number-like: a small, guessable space
		p := a.Of(id)
		if p != a.Of(id) {
			t.Fatal("not stable")
		}
		if !strings.HasPrefix(p, pseudonym.Prefix) || len(p) != len(pseudonym.Prefix)+pseudonym.Length {
			t.Fatalf("shape %q", p)
		}
		if strings.Contains(p, id) {
			t.Fatalf("%q holds the id", p)
		}
		if other, dup := seen[p]; dup {
			t.Fatalf("%s and %s share %s", id, other, p)
		}
		seen[p] = id
		if b.Of(id) == p {
			t.Fatal("the key does not matter")
		}
	}
}

// An unkeyed SHA-256 of the id must not give the pseudonym: that is the
// brute-forceable scheme the package exists to avoid.
func TestNotAPlainHash(t *testing.T) {
	k := pseudonym.New([]byte("0123456789abcdef"))
	id := "9434765919"
	plain := sha256.Sum256([]byte(id))
	m := hmac.New(sha256.New, []byte("0123456789abcdef"))
	m.Write([]byte(id))
	if got := k.Of(id); strings.Contains(got, fmt.Sprintf("%x", plain[:8])) {
		t.Fatalf("pseudonym looks like a plain hash: %s", got)
	}
	if k.Of(id) == pseudonym.New(nil).Of(id) {
		t.Fatal("empty key gives the same pseudonym")
	}
}

func TestConcurrent(t *testing.T) {
	k := pseudonym.New([]byte("0123456789abcdef"))
	want := k.Of("p-arthur")
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 1000; i++ {
				if k.Of("p-arthur") != want {
					t.Error("changed under concurrency")
					return
				}
			}
		}()
	}
	wg.Wait()
}

package pseudonym_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
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

// The pseudonym is HMAC-SHA-256 under the key, in the package's encoding;
// an unkeyed SHA-256 of the id, the brute-forceable scheme the package
// exists to avoid, must not give it.
func TestKeyedNotAPlainHash(t *testing.T) {
	key := []byte("0123456789abcdef")
	k := pseudonym.New(key)
	id := "9434765919"
	enc := base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)
	shape := func(sum []byte) string { return pseudonym.Prefix + enc.EncodeToString(sum)[:pseudonym.Length] }
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id))
	plain := sha256.Sum256([]byte(id))
	got := k.Of(id)
	if want := shape(m.Sum(nil)); got != want {
		t.Fatalf("Of(%q) = %s, want HMAC-SHA-256 under the key, %s", id, got, want)
	}
	if got == shape(plain[:]) {
		t.Fatalf("pseudonym is a plain hash: %s", got)
	}
	if got == pseudonym.New(nil).Of(id) {
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

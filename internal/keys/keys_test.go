package keys_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/keys"
)

func TestLoadOrCreateMakesAnOwnerOnlyKeyOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "token.key")
	a, err := keys.LoadOrCreate(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != keys.Size {
		t.Fatalf("len %d", len(a))
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %04o, want 0600", fi.Mode().Perm())
	}
	b, err := keys.LoadOrCreate(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(a) != string(b) {
		t.Fatal("second load made a new key")
	}
}

func TestLoadRefuses(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), mode); err != nil {
			t.Fatal(err)
		}
		os.Chmod(p, mode)
		return p
	}
	for _, c := range []struct {
		path, want string
	}{
		{write("open.key", strings.Repeat("ab", 32), 0o644), "others read it"},
		{write("nothex.key", "not a key at all", 0o600), "not hex"},
		{write("short.key", "abcd", 0o600), "at least 16"},
		{filepath.Join(dir, "missing.key"), "cannot read"},
		{dir, "directory"},
	} {
		_, err := keys.Load(c.path)
		if care.ErrorCode(err) != care.Invalid || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want Invalid with %q", c.path, err, c.want)
		}
	}
}

func TestSecretNeverPrints(t *testing.T) {
	s := keys.Secret("very secret bytes")
	for _, got := range []string{fmt.Sprint(s), fmt.Sprintf("%v %s %x %q", s, s, s, s), s.String()} {
		if strings.Contains(got, "secret bytes") || strings.Contains(got, "7665727920") {
			t.Fatalf("secret printed: %s", got)
		}
	}
}

// Package keys loads the installation's secrets from files: the key that
// signs CareWeb's own bearer tokens and the key behind research
// pseudonyms. A missing file can be created with 256 random bits and
// owner-only permissions; an existing file that others can read is
// refused, so a secret never sits world-readable by accident.
//
// Secrets are kept out of logs by their type: Secret's String and Format
// print a fixed mask.
package keys

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/careweb/careweb/internal/care"
)

// Size is the length of a generated secret, in bytes.
const Size = 32

// MinSize is the shortest secret accepted from a file: 128 bits.
const MinSize = 16

// Secret is key material. It never prints.
type Secret []byte

func (Secret) String() string                  { return "[secret]" }
func (s Secret) Format(f fmt.State, verb rune) { fmt.Fprint(f, "[secret]") }
func (Secret) MarshalText() ([]byte, error)    { return []byte("[secret]"), nil }

// Load reads a secret from path: hex text (64 digits for a generated key),
// surrounding space ignored. The file must not be readable by group or
// others.
func Load(path string) (Secret, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, care.Wrap(care.Invalid, err, "key file %s: cannot read it", path)
	}
	if fi.IsDir() {
		return nil, care.Errorf(care.Invalid, "key file %s: is a directory", path)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, care.Errorf(care.Invalid, "key file %s: permissions %04o let others read it; chmod 600 it", path, fi.Mode().Perm())
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, care.Wrap(care.Invalid, err, "key file %s: cannot read it", path)
	}
	b, err := hex.DecodeString(strings.TrimSpace(string(raw)))
	if err != nil {
		return nil, care.Errorf(care.Invalid, "key file %s: not hex text", path)
	}
	if len(b) < MinSize {
		return nil, care.Errorf(care.Invalid, "key file %s: %d bytes; want at least %d", path, len(b), MinSize)
	}
	return Secret(b), nil
}

// LoadOrCreate loads the secret at path, first creating it (and its
// directory) with a fresh random key and mode 0600 when it does not exist.
// Creation is exclusive, so two processes starting together agree on one
// key.
func LoadOrCreate(path string) (Secret, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		if err := create(path); err != nil && !errors.Is(err, fs.ErrExist) {
			return nil, err
		}
	}
	return Load(path)
}

func create(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return care.Wrap(care.Invalid, err, "key file %s: cannot create its directory", path)
	}
	b := make([]byte, Size)
	if _, err := rand.Read(b); err != nil {
		return care.Wrap(care.Internal, err, "key file %s: no randomness", path)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return err
		}
		return care.Wrap(care.Invalid, err, "key file %s: cannot create it", path)
	}
	_, werr := f.WriteString(hex.EncodeToString(b) + "\n")
	serr := f.Sync()
	cerr := f.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		os.Remove(path)
		return care.Wrap(care.Internal, err, "key file %s: cannot write it", path)
	}
	return nil
}

// Package pseudonym turns identifiers into stable keyed pseudonyms: what a
// researcher, an export or an audit record may hold instead of an id.
//
// A pseudonym is HMAC-SHA-256 of the identifier under a per-installation
// secret, never a plain hash: identifiers such as NHS numbers come from a
// small space (10 digits with a check digit) and a plain hash of one is
// reversed by trying them all. Without the key the pseudonym reveals
// nothing; with the same key the same id always gets the same pseudonym,
// so records can still be linked across exports.
package pseudonym

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"hash"
	"sync"
)

// Prefix marks a pseudonym, so it is never mistaken for a real id.
const Prefix = "pz_"

// Length is the number of base32 characters after the prefix: 26
// characters carry 130 bits, far beyond any collision in a population.
const Length = 26

var enc = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// Keyed makes pseudonyms under one key. It is safe for concurrent use.
type Keyed struct {
	pool sync.Pool
}

// New returns a Keyed for key (at least 16 bytes; the caller's key file
// loader enforces it).
func New(key []byte) *Keyed {
	k := append([]byte(nil), key...)
	return &Keyed{pool: sync.Pool{New: func() any { return hmac.New(sha256.New, k) }}}
}

// Of returns id's pseudonym.
func (k *Keyed) Of(id string) string {
	h := k.pool.Get().(hash.Hash)
	h.Reset()
	h.Write([]byte(id))
	var sum [sha256.Size]byte
	out := h.Sum(sum[:0])
	k.pool.Put(h)
	return Prefix + enc.EncodeToString(out)[:Length]
}

package deidentify

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/careweb/careweb/internal/care"
)

// The spill files hold person records in a compact form of their own:
// encoding/gob cost most of the time of a spilled export. Each record is
// its length (uvarint) and then its fields in declaration order: a string
// as its length and bytes, a Date as a zigzag varint, a bool as a byte, a
// time as time.Time's binary form (so its zone comes back as it went).
// Adding a field to a record type means adding it here; TestCodecFields
// fails until it is.

// encoder writes records to a spill file, one buffer reused.
type encoder struct {
	w   *bufio.Writer
	buf []byte
}

func (e *encoder) encode(r *care.PersonRecord) error {
	b := e.buf[:0]
	b = appendNode(b, &r.Person)
	b = binary.AppendUvarint(b, uint64(len(r.Relationships)))
	for i := range r.Relationships {
		x := &r.Relationships[i]
		b = appendStrings(b, x.ID, string(x.Type), x.From, x.To)
		b = appendSpan(b, x.Span)
		b = appendStrings(b, x.Role)
		b = appendBool(b, x.Coordinator)
		b = appendStrings(b, x.Relation)
		b = appendBool(b, x.Consent)
		b = appendStrings(b, x.Channel)
	}
	b = binary.AppendUvarint(b, uint64(len(r.Contacts)))
	for i := range r.Contacts {
		x := &r.Contacts[i]
		b = appendStrings(b, x.ID, x.Person, x.Professional, x.Organisation)
		b = appendTime(b, x.At)
		b = appendStrings(b, string(x.Mode), x.Setting)
	}
	b = binary.AppendUvarint(b, uint64(len(r.Referrals)))
	for i := range r.Referrals {
		x := &r.Referrals[i]
		b = appendStrings(b, x.ID, x.Person, x.From, x.To)
		b = appendTime(b, x.At)
		b = appendStrings(b, x.Reason)
	}
	b = binary.AppendUvarint(b, uint64(len(r.Consents)))
	for i := range r.Consents {
		x := &r.Consents[i]
		b = appendStrings(b, x.ID, x.Person, x.Grantee, string(x.Basis), string(x.Decision))
		b = appendSpan(b, x.Span)
		b = appendTime(b, x.RecordedAt)
		b = appendStrings(b, x.RecordedBy)
	}
	e.buf = b
	var n [binary.MaxVarintLen64]byte
	if _, err := e.w.Write(binary.AppendUvarint(n[:0], uint64(len(b)))); err != nil {
		return err
	}
	_, err := e.w.Write(b)
	return err
}

func appendNode(b []byte, n *care.Node) []byte {
	return appendStrings(b, n.ID, string(n.Kind), n.Name, string(n.Role), string(n.Sector), n.Locality)
}

func appendStrings(b []byte, ss ...string) []byte {
	for _, s := range ss {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	return b
}

func appendSpan(b []byte, s care.Span) []byte {
	return binary.AppendVarint(binary.AppendVarint(b, int64(s.From)), int64(s.To))
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

func appendTime(b []byte, t time.Time) []byte {
	// MarshalBinary fails only for a zone offset that is not a whole
	// minute, which no store produces; the zero form stands in for it.
	tb, err := t.MarshalBinary()
	if err != nil {
		tb = nil
	}
	b = binary.AppendUvarint(b, uint64(len(tb)))
	return append(b, tb...)
}

// decoder reads what encoder wrote, one buffer reused.
type decoder struct {
	r   *bufio.Reader
	buf []byte
	// seen holds strings already made: codes, and the pseudonyms of the
	// person and their professionals, recur in every row of a record.
	seen map[string]string
}

// errCorrupt: a spill file does not hold what was written to it.
var errCorrupt = errors.New("malformed record")

func (d *decoder) decode() (*care.PersonRecord, error) {
	n, err := binary.ReadUvarint(d.r)
	if err != nil {
		return nil, err
	}
	if uint64(cap(d.buf)) < n {
		d.buf = make([]byte, n)
	}
	d.buf = d.buf[:n]
	if _, err := io.ReadFull(d.r, d.buf); err != nil {
		return nil, err
	}
	if d.seen == nil {
		d.seen = make(map[string]string, 256)
	} else if len(d.seen) > 4096 {
		clear(d.seen)
	}
	p := &parser{b: d.buf, seen: d.seen}
	r := &care.PersonRecord{}
	r.Person = care.Node{ID: p.ref(), Kind: care.Kind(p.ref()), Name: p.ref(), Role: care.Role(p.ref()),
		Sector: care.Sector(p.ref()), Locality: p.ref()}
	if k := p.count(); k > 0 {
		r.Relationships = make([]care.Relationship, k)
		for i := range r.Relationships {
			x := &r.Relationships[i]
			x.ID, x.Type, x.From, x.To = p.str(), care.RelType(p.ref()), p.ref(), p.ref()
			x.Span = p.span()
			x.Role, x.Coordinator, x.Relation, x.Consent, x.Channel = p.ref(), p.bool(), p.ref(), p.bool(), p.ref()
		}
	}
	if k := p.count(); k > 0 {
		r.Contacts = make([]care.Contact, k)
		for i := range r.Contacts {
			x := &r.Contacts[i]
			x.ID, x.Person, x.Professional, x.Organisation = p.str(), p.ref(), p.ref(), p.ref()
			x.At, x.Mode, x.Setting = p.time(), care.Mode(p.ref()), p.ref()
		}
	}
	if k := p.count(); k > 0 {
		r.Referrals = make([]care.Referral, k)
		for i := range r.Referrals {
			x := &r.Referrals[i]
			x.ID, x.Person, x.From, x.To = p.str(), p.ref(), p.ref(), p.ref()
			x.At, x.Reason = p.time(), p.str()
		}
	}
	if k := p.count(); k > 0 {
		r.Consents = make([]care.Consent, k)
		for i := range r.Consents {
			x := &r.Consents[i]
			x.ID, x.Person, x.Grantee, x.Basis, x.Decision = p.str(), p.ref(), p.ref(), care.Basis(p.ref()), care.Decision(p.ref())
			x.Span, x.RecordedAt, x.RecordedBy = p.span(), p.time(), p.ref()
		}
	}
	if p.err != nil || len(p.b) != 0 {
		return nil, fmt.Errorf("%w (%d bytes left, %v)", errCorrupt, len(p.b), p.err)
	}
	return r, nil
}

// parser reads fields from one record's bytes; after the first error
// every read returns a zero value and err says what went wrong.
type parser struct {
	b    []byte
	err  error
	seen map[string]string
}

func (p *parser) uvarint() uint64 {
	v, n := binary.Uvarint(p.b)
	if n <= 0 {
		p.fail()
		return 0
	}
	p.b = p.b[n:]
	return v
}

func (p *parser) varint() int64 {
	v, n := binary.Varint(p.b)
	if n <= 0 {
		p.fail()
		return 0
	}
	p.b = p.b[n:]
	return v
}

func (p *parser) bytes() []byte {
	n := p.uvarint()
	if n > uint64(len(p.b)) {
		p.fail()
		return nil
	}
	v := p.b[:n]
	p.b = p.b[n:]
	return v
}

// str reads a string met once: an id.
func (p *parser) str() string { return string(p.bytes()) }

// ref reads a string that recurs: a code, or a node the record refers to.
func (p *parser) ref() string {
	b := p.bytes()
	if s, ok := p.seen[string(b)]; ok { // no allocation to look up
		return s
	}
	s := string(b)
	p.seen[s] = s
	return s
}

// count reads a list's length, bounded by the bytes left (every element
// takes at least one), so a corrupt length cannot ask for huge memory.
func (p *parser) count() int {
	n := p.uvarint()
	if n > uint64(len(p.b)) {
		p.fail()
		return 0
	}
	return int(n)
}

func (p *parser) span() care.Span {
	return care.Span{From: care.Date(p.varint()), To: care.Date(p.varint())}
}

func (p *parser) bool() bool {
	if len(p.b) == 0 {
		p.fail()
		return false
	}
	v := p.b[0] == 1
	p.b = p.b[1:]
	return v
}

func (p *parser) time() time.Time {
	var t time.Time
	if b := p.bytes(); len(b) > 0 {
		if err := t.UnmarshalBinary(b); err != nil && p.err == nil {
			p.err = err
		}
	}
	return t
}

func (p *parser) fail() {
	if p.err == nil {
		p.err = errCorrupt
	}
	p.b = nil
}

package embedded

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/careweb/careweb/internal/care"
)

// The on-disk encoding, schema version 2. Keys are the records' external
// ids (bbolt keeps them sorted, which is the id order reads want). Values
// are little-endian fixed-width integers and uvarint-length-prefixed
// strings. Nodes carry a number, assigned once and never reused, that the
// other records use to name them: four bytes instead of an id string per
// reference, and at load no hashing of ids for the millions of contacts.
// Enumerations that the domain may grow (roles, sectors, modes) are stored
// as their names so that adding a value to internal/care never changes the
// meaning of stored bytes; kinds and relationship types, which the schema
// itself depends on, are one byte each (kindCode, typeCode).
//
//	node:     num u32 | kind u8 | role str | sector str | name str | locality str
//	rel:      type u8 | from u32 | to u32 | spanFrom i32 | spanTo i32 | flags u8 | role str | relation str | channel str
//	contact:  person u32 | professional u32 | organisation u32 (noNode: none) | at i64 (Unix ns, UTC) | mode str | setting str
//	referral: person u32 | from u32 | to u32 | at i64 | reason str
//	consent:  person u32 | grantee u32 | recordedBy u32 (noNode: none) | spanFrom i32 | spanTo i32 | recordedAt i64 | basis str | decision str
//
// Version 2 added the consents bucket; a version 1 store is upgraded in
// place when opened (the bucket is created, nothing else changes), and
// from then on a CareWeb that knows only version 1 refuses it, since it
// would delete nodes without seeing the consent records that name them.
const schemaVersion = 2

var (
	bucketMeta      = []byte("meta")
	bucketNodes     = []byte("nodes")
	bucketRels      = []byte("relationships")
	bucketContacts  = []byte("contacts")
	bucketReferrals = []byte("referrals")
	bucketConsents  = []byte("consents")

	keySchema  = []byte("schema")  // u32: schemaVersion of the data
	keyNextNum = []byte("nextnum") // u32: the next node number to assign
)

// noNode marks an absent node reference (a contact without organisation,
// a dead record).
const noNode = math.MaxUint32

var kindCodes = []care.Kind{0: "", 1: care.KindPerson, 2: care.KindCarer, 3: care.KindProfessional, 4: care.KindOrganisation}

var typeCodes = []care.RelType{0: "", 1: care.CaresFor, 2: care.InvolvedIn, 3: care.WorksIn, 4: care.LinkedTo}

func kindCode(k care.Kind) byte {
	for i, v := range kindCodes {
		if v == k && i > 0 {
			return byte(i)
		}
	}
	return 0
}

func typeCode(t care.RelType) byte {
	for i, v := range typeCodes {
		if v == t && i > 0 {
			return byte(i)
		}
	}
	return 0
}

const (
	flagCoordinator = 1 << iota
	flagConsent
)

var errCorrupt = errors.New("corrupt record")

// enc appends to a reusable buffer.
type enc struct{ b []byte }

func (e *enc) reset()       { e.b = e.b[:0] }
func (e *enc) u8(v byte)    { e.b = append(e.b, v) }
func (e *enc) u32(v uint32) { e.b = binary.LittleEndian.AppendUint32(e.b, v) }
func (e *enc) i32(v int32)  { e.b = binary.LittleEndian.AppendUint32(e.b, uint32(v)) }
func (e *enc) i64(v int64)  { e.b = binary.LittleEndian.AppendUint64(e.b, uint64(v)) }
func (e *enc) str(s string) {
	e.b = binary.AppendUvarint(e.b, uint64(len(s)))
	e.b = append(e.b, s...)
}

// dec reads what enc wrote; the first failure sticks and later reads
// return zero values, so callers check err once at the end.
type dec struct {
	b   []byte
	err error
}

func (d *dec) fail() { d.err, d.b = errCorrupt, nil }

func (d *dec) u8() byte {
	if len(d.b) < 1 {
		d.fail()
		return 0
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v
}

func (d *dec) u32() uint32 {
	if len(d.b) < 4 {
		d.fail()
		return 0
	}
	v := binary.LittleEndian.Uint32(d.b)
	d.b = d.b[4:]
	return v
}

func (d *dec) i32() int32 { return int32(d.u32()) }

func (d *dec) i64() int64 {
	if len(d.b) < 8 {
		d.fail()
		return 0
	}
	v := binary.LittleEndian.Uint64(d.b)
	d.b = d.b[8:]
	return int64(v)
}

// bytes returns the next string's bytes without copying (valid only while
// the transaction that read them is open).
func (d *dec) bytes() []byte {
	n, k := binary.Uvarint(d.b)
	if k <= 0 || n > uint64(len(d.b)-k) {
		d.fail()
		return nil
	}
	s := d.b[k : k+int(n)]
	d.b = d.b[k+int(n):]
	return s
}

func (d *dec) str() string { return string(d.bytes()) }

// done reports the first error, or trailing bytes as corruption.
func (d *dec) done() error {
	if d.err == nil && len(d.b) != 0 {
		return errCorrupt
	}
	return d.err
}

func encodeNode(e *enc, num uint32, n *care.Node) []byte {
	e.reset()
	e.u32(num)
	e.u8(kindCode(n.Kind))
	e.str(string(n.Role))
	e.str(string(n.Sector))
	e.str(n.Name)
	e.str(n.Locality)
	return e.b
}

func encodeRel(e *enc, r *relRec) []byte {
	e.reset()
	e.u8(typeCode(r.typ))
	e.u32(r.from)
	e.u32(r.to)
	e.i32(int32(r.span.From))
	e.i32(int32(r.span.To))
	var flags byte
	if r.coordinator {
		flags |= flagCoordinator
	}
	if r.consent {
		flags |= flagConsent
	}
	e.u8(flags)
	e.str(r.role)
	e.str(r.relation)
	e.str(r.channel)
	return e.b
}

func encodeContact(e *enc, person, prof, org uint32, at int64, mode care.Mode, setting string) []byte {
	e.reset()
	e.u32(person)
	e.u32(prof)
	e.u32(org)
	e.i64(at)
	e.str(string(mode))
	e.str(setting)
	return e.b
}

func encodeReferral(e *enc, r *referralRec) []byte {
	e.reset()
	e.u32(r.person)
	e.u32(r.from)
	e.u32(r.to)
	e.i64(r.at)
	e.str(r.reason)
	return e.b
}

func encodeConsent(e *enc, c *consentRec) []byte {
	e.reset()
	e.u32(c.person)
	e.u32(c.grantee)
	e.u32(c.by)
	e.i32(int32(c.span.From))
	e.i32(int32(c.span.To))
	e.i64(c.at)
	e.str(string(c.basis))
	e.str(string(c.decision))
	return e.b
}

// contactHead is the part of a stored contact that finds it in the index.
type contactHead struct {
	person, prof, org uint32
	at                int64
}

func decodeContactHead(v []byte) (contactHead, error) {
	if len(v) < 20 {
		return contactHead{}, errCorrupt
	}
	return contactHead{
		person: binary.LittleEndian.Uint32(v),
		prof:   binary.LittleEndian.Uint32(v[4:]),
		org:    binary.LittleEndian.Uint32(v[8:]),
		at:     int64(binary.LittleEndian.Uint64(v[12:])),
	}, nil
}

func corrupt(bucket []byte, key []byte, err error) error {
	return care.Wrap(care.Internal, fmt.Errorf("%s %q: %w", bucket, key, err), "the store's data is damaged")
}

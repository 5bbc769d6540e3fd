// Package embedded is CareWeb's default store: durable, crash-safe and
// pure Go, with nothing to install. Records live in a bbolt file (one
// B+tree per record type, copy-on-write pages, fsync on every commit), and
// the whole graph is held in memory in a compact index (see index.go),
// loaded when the store opens and changed only after each commit succeeds.
// Every read is answered from memory; every write is one bbolt transaction.
//
// One process opens a data directory at a time (bbolt locks the file).
// Writers are serialised; readers run concurrently with each other and
// with a writer's disk work, and wait only while a committed batch is
// copied into the index.
package embedded

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"go.etcd.io/bbolt"
	bberrors "go.etcd.io/bbolt/errors"

	"github.com/careweb/careweb/internal/care"
)

// schemaUpgradable is the oldest schema version Open upgrades in place.
const schemaUpgradable = 1

// FileName is the bbolt file inside the data directory.
const FileName = "careweb.db"

// Options tunes a store. The zero value is ready to use.
type Options struct {
	// LockTimeout bounds the wait for another process to release the
	// data directory; after it Open fails with Unavailable. Default 1 s.
	LockTimeout time.Duration
}

// Store is the embedded care.Store.
type Store struct {
	dir string
	db  *bbolt.DB
	ix  *index

	wmu    sync.Mutex // serialises Apply and Close
	closed atomic.Bool

	// beforeCommit, when set (by tests), runs at the end of an Apply's
	// transaction; an error from it aborts the transaction as a failed
	// commit would.
	beforeCommit func() error
}

var (
	_ care.Store       = (*Store)(nil)
	_ care.BatchReader = (*Store)(nil)
)

// Open opens the store in the data directory path, creating the directory
// (mode 0700) and the database file (0600) if they do not exist, and loads
// the index. A directory written by a newer schema is refused; one that
// another process has open is Unavailable.
func Open(path string, opts Options) (*Store, error) {
	if path == "" {
		return nil, care.Errorf(care.Invalid, "the embedded store needs a data directory")
	}
	if err := os.MkdirAll(path, 0o700); err != nil {
		return nil, care.Wrap(care.Unavailable, err, "cannot create data directory %s", path)
	}
	timeout := opts.LockTimeout
	if timeout <= 0 {
		timeout = time.Second
	}
	file := filepath.Join(path, FileName)
	db, err := bbolt.Open(file, 0o600, &bbolt.Options{
		Timeout: timeout,
		// The hashmap freelist keeps allocation cheap in a large file.
		FreelistType: bbolt.FreelistMapType,
	})
	if errors.Is(err, bberrors.ErrTimeout) {
		return nil, care.Wrap(care.Unavailable, err, "data directory %s is in use by another process", path)
	}
	if err != nil {
		return nil, care.Wrap(care.Unavailable, err, "cannot open %s", file)
	}
	s := &Store{dir: path, db: db}
	if err := s.init(); err != nil {
		db.Close()
		return nil, err
	}
	ix, err := load(db)
	if err != nil {
		db.Close()
		return nil, err
	}
	s.ix = ix
	return s, nil
}

// init creates the buckets of a new database and checks the schema
// version of an existing one.
func (s *Store) init() error {
	return s.db.Update(func(tx *bbolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta == nil {
			for _, name := range [][]byte{bucketNodes, bucketRels, bucketContacts, bucketReferrals, bucketConsents} {
				if tx.Bucket(name) != nil {
					return care.Errorf(care.Unavailable, "%s: not a CareWeb store (data without a schema version)", s.dir)
				}
			}
			var err error
			if meta, err = tx.CreateBucket(bucketMeta); err != nil {
				return care.Wrap(care.Internal, err, "cannot initialise the store")
			}
			var e enc
			e.u32(schemaVersion)
			if err := meta.Put(keySchema, e.b); err != nil {
				return care.Wrap(care.Internal, err, "cannot initialise the store")
			}
		}
		v := meta.Get(keySchema)
		if len(v) != 4 {
			return care.Errorf(care.Unavailable, "%s: the store's schema version is unreadable", s.dir)
		}
		d := dec{b: v}
		switch version := d.u32(); {
		case version > schemaVersion:
			return care.Errorf(care.Unavailable, "%s holds schema version %d, newer than this CareWeb's %d: upgrade CareWeb to open it", s.dir, version, schemaVersion)
		case version < schemaUpgradable:
			return care.Errorf(care.Unavailable, "%s holds schema version %d, which this CareWeb (schema %d) cannot read", s.dir, version, schemaVersion)
		case version < schemaVersion:
			// Every upgrade so far only adds buckets, created below.
			var e enc
			e.u32(schemaVersion)
			if err := meta.Put(keySchema, e.b); err != nil {
				return care.Wrap(care.Internal, err, "cannot upgrade the store's schema")
			}
		}
		for _, name := range [][]byte{bucketNodes, bucketRels, bucketContacts, bucketReferrals, bucketConsents} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return care.Wrap(care.Internal, err, "cannot initialise the store")
			}
		}
		return nil
	})
}

// Close closes the store; later calls return Unavailable. It waits for a
// running Apply to finish.
func (s *Store) Close() error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.closed.Swap(true) {
		return nil
	}
	if err := s.db.Close(); err != nil {
		return care.Wrap(care.Internal, err, "closing the store")
	}
	return nil
}

// Ping reports whether the store is open.
func (s *Store) Ping(ctx context.Context) error { return s.check(ctx) }

// Path returns the data directory.
func (s *Store) Path() string { return s.dir }

// check returns an error when the store cannot serve the call.
func (s *Store) check(ctx context.Context) error {
	if s.closed.Load() {
		return care.Errorf(care.Unavailable, "the store is closed")
	}
	if err := ctx.Err(); err != nil {
		return care.Wrap(care.Unavailable, err, "request cancelled")
	}
	return nil
}

// load reads the whole database into a new index.
func load(db *bbolt.DB) (*index, error) {
	ix := newIndex()
	err := db.View(func(tx *bbolt.Tx) error {
		if v := tx.Bucket(bucketMeta).Get(keyNextNum); v != nil {
			d := dec{b: v}
			ix.nextNum = d.u32()
			if err := d.done(); err != nil {
				return corrupt(bucketMeta, keyNextNum, err)
			}
		}
		if err := loadNodes(ix, tx.Bucket(bucketNodes)); err != nil {
			return err
		}
		if err := loadRels(ix, tx.Bucket(bucketRels)); err != nil {
			return err
		}
		if err := loadContacts(ix, tx.Bucket(bucketContacts)); err != nil {
			return err
		}
		if err := loadReferrals(ix, tx.Bucket(bucketReferrals)); err != nil {
			return err
		}
		return loadConsents(ix, tx.Bucket(bucketConsents))
	})
	if err != nil {
		return nil, err
	}
	return ix, nil
}

func loadNodes(ix *index, b *bbolt.Bucket) error {
	n := b.Stats().KeyN
	ix.nodes = make([]care.Node, 0, max(n, int(ix.nextNum)))
	ix.byID = make(map[string]uint32, n)
	if ix.nextNum > 0 {
		ix.ensureNode(ix.nextNum - 1)
	}
	return b.ForEach(func(k, v []byte) error {
		d := dec{b: v}
		num := d.u32()
		kind := d.u8()
		role, sector := d.bytes(), d.bytes()
		name := d.str()
		locality := d.bytes()
		if err := d.done(); err != nil {
			return corrupt(bucketNodes, k, err)
		}
		if num == noNode || num >= ix.nextNum || int(kind) >= len(kindCodes) || kind == 0 || ix.nodes[num].Kind != "" {
			return corrupt(bucketNodes, k, fmt.Errorf("number %d, kind %d", num, kind))
		}
		id := string(k)
		ix.nodes[num] = care.Node{
			ID: id, Kind: kindCodes[kind], Name: name,
			Role: care.Role(ix.canonicalBytes(role)), Sector: care.Sector(ix.canonicalBytes(sector)),
			Locality: ix.canonicalBytes(locality),
		}
		ix.byID[id] = num
		return nil
	})
}

// liveNum reports whether num names a live node.
func (ix *index) liveNum(num uint32) bool {
	return num < uint32(len(ix.nodes)) && ix.nodes[num].Kind != ""
}

func loadRels(ix *index, b *bbolt.Bucket) error {
	n := b.Stats().KeyN
	ix.rels = make([]relRec, 0, n)
	ix.relByID = make(map[string]uint32, n)
	return b.ForEach(func(k, v []byte) error {
		d := dec{b: v}
		t := d.u8()
		r := relRec{id: string(k), from: d.u32(), to: d.u32()}
		r.span = care.Span{From: care.Date(d.i32()), To: care.Date(d.i32())}
		flags := d.u8()
		r.role, r.relation, r.channel = ix.canonicalBytes(d.bytes()), ix.canonicalBytes(d.bytes()), ix.canonicalBytes(d.bytes())
		if err := d.done(); err != nil {
			return corrupt(bucketRels, k, err)
		}
		if t == 0 || int(t) >= len(typeCodes) || !ix.liveNum(r.from) || !ix.liveNum(r.to) {
			return corrupt(bucketRels, k, fmt.Errorf("type %d, ends %d and %d", t, r.from, r.to))
		}
		r.typ = typeCodes[t]
		r.coordinator, r.consent = flags&flagCoordinator != 0, flags&flagConsent != 0
		slot := uint32(len(ix.rels))
		ix.rels = append(ix.rels, r)
		ix.relByID[r.id] = slot
		ix.nodeRels[r.from] = append(ix.nodeRels[r.from], slot)
		ix.nodeRels[r.to] = append(ix.nodeRels[r.to], slot)
		return nil
	})
}

// loadContacts reads the contacts in id order, so a contact's slot order
// is its id order until the first write: each person's list is then
// sorted by (at, slot), which is (at, id), without touching the ids.
func loadContacts(ix *index, b *bbolt.Bucket) error {
	n := b.Stats().KeyN
	ix.contacts = make([]contactRec, 0, n)
	counts := make([]uint32, len(ix.nodes))
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		d := dec{b: v}
		rec := contactRec{person: d.u32(), prof: d.u32(), org: d.u32(), at: d.i64()}
		mode, setting := d.bytes(), d.bytes()
		if err := d.done(); err != nil {
			return corrupt(bucketContacts, k, err)
		}
		if len(k) == 0 || len(k) > care.MaxIDLength || !ix.liveNum(rec.person) || !ix.liveNum(rec.prof) || (rec.org != noNode && !ix.liveNum(rec.org)) {
			return corrupt(bucketContacts, k, errors.New("bad id or node reference"))
		}
		m := ix.modes.addBytes(mode)
		if m > maxModes {
			return corrupt(bucketContacts, k, errors.New("too many contact modes"))
		}
		rec.mode = uint8(m)
		rec.setting = ix.settings.addBytes(setting)
		off := ix.ids.add(string(k)) // the conversion does not allocate: add copies
		rec.idLo, rec.idHi, rec.idLen = uint32(off), uint8(off>>32), uint8(len(k)-1)
		ix.contacts = append(ix.contacts, rec)
		counts[rec.person]++
		ix.contactRefs[rec.prof]++
		if rec.org != noNode {
			ix.contactRefs[rec.org]++
		}
	}
	// One backing array for every person's list; each list is capped at
	// its length so that a later append copies that list alone.
	backing := make([]uint32, len(ix.contacts))
	pos := 0
	for p, k := range counts {
		if k > 0 {
			ix.personContacts[p] = backing[pos : pos : pos+int(k)]
			pos += int(k)
		}
	}
	for slot := range ix.contacts {
		p := ix.contacts[slot].person
		ix.personContacts[p] = append(ix.personContacts[p], uint32(slot))
	}
	for _, list := range ix.personContacts {
		if len(list) > 1 {
			slices.SortStableFunc(list, func(a, b uint32) int { return cmp.Compare(ix.contacts[a].at, ix.contacts[b].at) })
		}
	}
	return nil
}

func loadReferrals(ix *index, b *bbolt.Bucket) error {
	n := b.Stats().KeyN
	ix.referrals = make([]referralRec, 0, n)
	ix.referralByID = make(map[string]uint32, n)
	err := b.ForEach(func(k, v []byte) error {
		d := dec{b: v}
		r := referralRec{id: string(k), person: d.u32(), from: d.u32(), to: d.u32(), at: d.i64(), reason: d.str()}
		if err := d.done(); err != nil {
			return corrupt(bucketReferrals, k, err)
		}
		if !ix.liveNum(r.person) || !ix.liveNum(r.from) || !ix.liveNum(r.to) {
			return corrupt(bucketReferrals, k, errors.New("bad node reference"))
		}
		slot := uint32(len(ix.referrals))
		ix.referrals = append(ix.referrals, r)
		ix.referralByID[r.id] = slot
		ix.personReferrals[r.person] = append(ix.personReferrals[r.person], slot)
		ix.referralRefs[r.from]++
		ix.referralRefs[r.to]++
		return nil
	})
	if err != nil {
		return err
	}
	for _, list := range ix.personReferrals {
		if len(list) > 1 {
			slices.SortFunc(list, ix.compareReferrals)
		}
	}
	return nil
}

func loadConsents(ix *index, b *bbolt.Bucket) error {
	err := b.ForEach(func(k, v []byte) error {
		d := dec{b: v}
		c := &consentRec{id: string(k), person: d.u32(), grantee: d.u32(), by: d.u32()}
		c.span = care.Span{From: care.Date(d.i32()), To: care.Date(d.i32())}
		c.at = d.i64()
		c.basis, c.decision = care.Basis(ix.canonicalBytes(d.bytes())), care.Decision(ix.canonicalBytes(d.bytes()))
		if err := d.done(); err != nil {
			return corrupt(bucketConsents, k, err)
		}
		if !ix.liveNum(c.person) || !ix.liveNum(c.grantee) || (c.by != noNode && !ix.liveNum(c.by)) {
			return corrupt(bucketConsents, k, errors.New("bad node reference"))
		}
		ix.addConsent(c)
		return nil
	})
	if err != nil {
		return err
	}
	for _, list := range ix.personConsents {
		if len(list) > 1 {
			slices.SortFunc(list, compareConsents)
		}
	}
	return nil
}

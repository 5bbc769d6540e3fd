package embedded

import (
	"slices"
	"strings"

	"go.etcd.io/bbolt"
)

// writes holds a plan's puts and deletes for one bucket until the plan
// finishes, and then makes them in key order.
//
// bbolt splits a leaf only when the transaction commits, so within one
// transaction every key put in a leaf goes into one growing in-memory
// array, and a key that lands before the end moves everything after it.
// Keys in order only ever append. A stream of batches that each name their
// relationships in file order (ids start with the type, so one person's
// rows land in three places of the bucket) made a large import quadratic:
// 89% of its CPU was bbolt moving memory. Sorting once at the end makes it
// n log n whatever order the rows came in.
//
// The plan reads back only contacts, and those it looks up through its
// overlay (recordContacts), so every bucket's writes wait here.
type writes struct {
	bucket []byte
	ops    []write
}

// write is one pending change; the last change to a key wins.
type write struct {
	key string
	val []byte // owned by the plan's slab
	del bool
}

func (w *writes) put(k string, v []byte) { w.ops = append(w.ops, write{key: k, val: v}) }

func (w *writes) delete(k string) { w.ops = append(w.ops, write{key: k, del: true}) }

// flush makes the pending changes in key order, the last change to each
// key only.
func (w *writes) flush(tx *bbolt.Tx) error {
	if len(w.ops) == 0 {
		return nil
	}
	cmp := func(a, b write) int { return strings.Compare(a.key, b.key) }
	if !slices.IsSortedFunc(w.ops, cmp) {
		slices.SortStableFunc(w.ops, cmp)
	}
	bk := tx.Bucket(w.bucket)
	if last, _ := bk.Cursor().Last(); last == nil || w.ops[0].key > string(last) {
		// Every key goes after those stored: fill the pages as a bulk
		// load would, rather than leave them half empty for inserts that
		// are not coming.
		bk.FillPercent = 0.9
	}
	for i := range w.ops {
		op := &w.ops[i]
		if i+1 < len(w.ops) && w.ops[i+1].key == op.key {
			continue // a later change to the same key replaces this one
		}
		var err error
		if op.del {
			err = bk.Delete(key(op.key))
		} else {
			err = bk.Put(key(op.key), op.val)
		}
		if err != nil {
			return err
		}
	}
	w.ops = nil
	return nil
}

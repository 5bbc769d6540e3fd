package fhir

import "sync/atomic"

// Phase is the stage an import is at.
type Phase int32

const (
	Starting   Phase = iota // nothing read yet
	Indexing                // the first pass: reading what references name
	Writing                 // the second pass: mapping encounters and requests, the store taking batches
	Committing              // everything given to the store, which is committing it
	Done                    // finished, written or not
)

func (p Phase) String() string {
	switch p {
	case Indexing:
		return "indexing"
	case Writing:
		return "writing"
	case Committing:
		return "committing"
	case Done:
		return "done"
	}
	return "starting"
}

// Progress counts an import's work while Load runs, for a caller that
// shows progress. Its methods may be called from any goroutine.
type Progress struct {
	phase atomic.Int32
	total atomic.Int64
	files [2]atomic.Int64 // read to their end, by pass
	read  [2]atomic.Int64 // resources read, by pass
	// written counts the items (nodes, relationships, contacts,
	// referrals) the store has been given, pending until the import
	// commits.
	written atomic.Int64
}

// Phase returns the stage the import is at.
func (p *Progress) Phase() Phase { return Phase(p.phase.Load()) }

// Files returns how many files the current pass has read, of how many.
func (p *Progress) Files() (done, total int64) {
	pass := passIndex
	if p.Phase() >= Writing {
		pass = passEvents
	}
	return p.files[pass].Load(), p.total.Load()
}

// Resources returns how many resources the first pass read (every
// resource of the files) and how many encounters and requests the second
// pass has read and mapped.
func (p *Progress) Resources() (indexed, events int64) {
	return p.read[passIndex].Load(), p.read[passEvents].Load()
}

// Written returns how many items the store has been given.
func (p *Progress) Written() int64 { return p.written.Load() }

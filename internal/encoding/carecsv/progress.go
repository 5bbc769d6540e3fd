package carecsv

import "sync/atomic"

// Phase is the stage an import is at.
type Phase int32

const (
	Starting Phase = iota // the files are not open yet
	Checking              // the first pass: parsing and checking every row
	Writing               // the second pass: writing the rows to the store
	Done                  // finished, written or not
)

func (p Phase) String() string {
	switch p {
	case Checking:
		return "checking"
	case Writing:
		return "writing"
	case Done:
		return "done"
	}
	return "starting"
}

// Progress counts an import's rows while Load runs, for a caller that
// shows progress. Its methods may be called from any goroutine.
type Progress struct {
	phase atomic.Int32
	files [numFiles]struct{ checked, written atomic.Int64 }
}

// FileProgress is how far an import is through one file.
type FileProgress struct {
	File string
	// Checked counts the rows read by the first pass; Written those the
	// store has taken (pending until the whole import commits).
	Checked, Written int64
}

// Phase returns the stage the import is at.
func (p *Progress) Phase() Phase { return Phase(p.phase.Load()) }

// Files returns the counts of the files read so far, in load order.
func (p *Progress) Files() []FileProgress {
	var out []FileProgress
	for f := range numFiles {
		c := p.files[f].checked.Load()
		if c == 0 {
			continue
		}
		out = append(out, FileProgress{File: Files[f], Checked: c, Written: p.files[f].written.Load()})
	}
	return out
}

// wrote counts the rows of a batch the store has taken.
func (p *Progress) wrote(b *batch) {
	for f := range numFiles {
		p.files[f].written.Add(int64(b.rows[f]))
	}
}

package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/careweb/careweb/internal/encoding/carecsv"
	"github.com/careweb/careweb/internal/encoding/fhir"
)

// importProgressEvery is how often a long import reports on stderr.
const importProgressEvery = 2 * time.Second

// progressSource is an import as importProgress reports it: its phase,
// a line on how far it is, and a closing summary.
type progressSource interface {
	// phase is the stage the import is at; writing and done say whether it
	// has reached the pass that writes, and finished.
	phase() (name string, writing, done bool)
	// line says how far the import is, since its phase began.
	line(phase string, since time.Duration) string
	// summary says how long the passes took, once the import has
	// succeeded; writing is when the writing pass began.
	summary(start, writing, end time.Time) string
}

// importProgress prints how far an import is to w, every interval, from
// its own goroutine, and the rate since the phase began. An import
// shorter than one interval prints nothing. stop ends the reports; after
// at least one, and if the import succeeded, it prints how long each pass
// took.
type importProgress struct {
	w     io.Writer
	p     progressSource
	every time.Duration
	stopc chan struct{}
	ok    bool
	wg    sync.WaitGroup
}

func startImportProgress(w io.Writer, p progressSource, every time.Duration) *importProgress {
	ip := &importProgress{w: w, p: p, every: every, stopc: make(chan struct{})}
	ip.wg.Add(1)
	go ip.run()
	return ip
}

func (ip *importProgress) stop(ok bool) {
	ip.ok = ok
	close(ip.stopc)
	ip.wg.Wait()
}

func (ip *importProgress) run() {
	defer ip.wg.Done()
	// The phase is polled often so that each pass is timed closely;
	// lines are printed once per interval.
	poll := time.NewTicker(min(ip.every, 100*time.Millisecond))
	defer poll.Stop()
	start := time.Now()
	phase, _, _ := ip.p.phase()
	began, writing, end := start, time.Time{}, time.Time{}
	last, printed := start, false
	for {
		select {
		case <-ip.stopc:
			if end.IsZero() {
				end = time.Now()
			}
			if printed && ip.ok && !writing.IsZero() {
				fmt.Fprintln(ip.w, ip.p.summary(start, writing, end))
			}
			return
		case now := <-poll.C:
			ph, w, done := ip.p.phase()
			if ph != phase {
				phase, began = ph, now
			}
			if w && writing.IsZero() {
				writing = now
			}
			if done && end.IsZero() {
				end = now
			}
			if now.Sub(last) < ip.every || done {
				continue
			}
			last, printed = now, true
			fmt.Fprintln(ip.w, ip.p.line(phase, now.Sub(began)))
		}
	}
}

// csvProgress reports a CSV import (carecsv.Load).
type csvProgress struct{ p *carecsv.Progress }

func (c csvProgress) phase() (string, bool, bool) {
	ph := c.p.Phase()
	return ph.String(), ph >= carecsv.Writing, ph == carecsv.Done
}

// line reports rows checked (first pass, with the rows the store has
// taken alongside) and then written (second pass) per file, e.g.
//
//	careweb import: checking: 1,200,000 rows (612,000/s); nodes.csv 5,000, contacts.csv 1,195,000
//	careweb import: writing: 800,000 of 2,100,000 rows (38%, 210,000/s); nodes.csv 5,000/5,000, contacts.csv 795,000/2,000,000
func (c csvProgress) line(phase string, since time.Duration) string {
	files := c.p.Files()
	writing := phase == carecsv.Writing.String()
	var checked, written int64
	parts := make([]string, 0, len(files))
	for _, f := range files {
		checked += f.Checked
		written += f.Written
		if writing {
			parts = append(parts, fmt.Sprintf("%s %s/%s", f.File, commas(f.Written), commas(f.Checked)))
		} else {
			parts = append(parts, fmt.Sprintf("%s %s", f.File, commas(f.Checked)))
		}
	}
	if writing {
		return fmt.Sprintf("careweb import: writing: %s of %s rows (%s, %s/s); %s",
			commas(written), commas(checked), percent(written, checked), commas(rate(written, since)), strings.Join(parts, ", "))
	}
	// The store takes rows while the check pass reads (carecsv.Load
	// overlaps the passes); say how many, once it has some.
	alongside := ""
	if written > 0 {
		alongside = fmt.Sprintf(", %s written alongside", commas(written))
	}
	return fmt.Sprintf("careweb import: checking: %s rows (%s/s%s); %s",
		commas(checked), commas(rate(checked, since)), alongside, strings.Join(parts, ", "))
}

func (c csvProgress) summary(start, writing, end time.Time) string {
	var total int64
	for _, f := range c.p.Files() {
		total += f.Checked
	}
	// The write pass starts with the check pass; it is timed from the start.
	return fmt.Sprintf("careweb import: %s rows checked in %.1f s, written in %.1f s (the passes overlap; %s rows/s overall)",
		commas(total), writing.Sub(start).Seconds(), end.Sub(start).Seconds(), commas(rate(total, end.Sub(start))))
}

// fhirProgress reports a FHIR import (fhir.Load).
type fhirProgress struct{ p *fhir.Progress }

func (f fhirProgress) phase() (string, bool, bool) {
	ph := f.p.Phase()
	return ph.String(), ph >= fhir.Writing, ph == fhir.Done
}

// line reports files and resources read by the first pass, then the
// encounters and requests mapped by the second and the items the store
// has taken, then the commit, e.g.
//
//	careweb import: indexing: file 3 of 12 (25%), 1,250,000 resources (410,000/s)
//	careweb import: writing: file 9 of 12 (75%), 900,000 encounters and requests (52,000/s), 960,000 items written
//	careweb import: committing 1,020,000 items (4 s so far)
func (f fhirProgress) line(phase string, since time.Duration) string {
	done, total := f.p.Files()
	indexed, events := f.p.Resources()
	files := fmt.Sprintf("file %s of %s (%s)", commas(min(done+1, total)), commas(total), percent(done, total))
	switch phase {
	case fhir.Committing.String():
		return fmt.Sprintf("careweb import: committing %s items (%.0f s so far)", commas(f.p.Written()), since.Seconds())
	case fhir.Writing.String():
		return fmt.Sprintf("careweb import: writing: %s, %s encounters and requests (%s/s), %s items written",
			files, commas(events), commas(rate(events, since)), commas(f.p.Written()))
	}
	return fmt.Sprintf("careweb import: indexing: %s, %s resources (%s/s)", files, commas(indexed), commas(rate(indexed, since)))
}

func (f fhirProgress) summary(start, writing, end time.Time) string {
	indexed, _ := f.p.Resources()
	return fmt.Sprintf("careweb import: %s resources indexed in %.1f s, encounters and requests mapped, written and committed in %.1f s (%s items)",
		commas(indexed), writing.Sub(start).Seconds(), end.Sub(writing).Seconds(), commas(f.p.Written()))
}

// percent writes n of total as a whole percentage.
func percent(n, total int64) string {
	if total <= 0 {
		return "0%"
	}
	return fmt.Sprintf("%.0f%%", 100*float64(n)/float64(total))
}

func rate(n int64, d time.Duration) int64 {
	if d <= 0 {
		return 0
	}
	return int64(float64(n) / d.Seconds())
}

// commas writes n with thousands separators: 1234567 → "1,234,567".
func commas(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/careweb/careweb/internal/encoding/carecsv"
)

// importProgressEvery is how often a long import reports on stderr.
const importProgressEvery = 2 * time.Second

// importProgress prints how far an import is to w, every interval, from
// its own goroutine: rows checked (first pass, with the rows the store
// has taken alongside) and then written (second pass) per file, and the
// rate since the phase began. An import shorter than one
// interval prints nothing. stop ends the reports; after at least one, and
// if the import succeeded, it prints how long each pass took.
type importProgress struct {
	w     io.Writer
	p     *carecsv.Progress
	every time.Duration
	stopc chan struct{}
	ok    bool
	wg    sync.WaitGroup
}

func startImportProgress(w io.Writer, p *carecsv.Progress, every time.Duration) *importProgress {
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
	phase := ip.p.Phase()
	began := map[carecsv.Phase]time.Time{phase: start}
	last, printed := start, false
	for {
		select {
		case <-ip.stopc:
			if printed && ip.ok {
				ip.summary(began, start, time.Now())
			}
			return
		case now := <-poll.C:
			if ph := ip.p.Phase(); ph != phase {
				phase = ph
				began[ph] = now
			}
			if now.Sub(last) < ip.every || phase == carecsv.Done {
				continue
			}
			last, printed = now, true
			ip.line(phase, now.Sub(began[phase]))
		}
	}
}

// line prints one report, e.g.
//
//	careweb import: checking: 1,200,000 rows (612,000/s); nodes.csv 5,000, contacts.csv 1,195,000
//	careweb import: writing: 800,000 of 2,100,000 rows (38%, 210,000/s); nodes.csv 5,000/5,000, contacts.csv 795,000/2,000,000
func (ip *importProgress) line(phase carecsv.Phase, since time.Duration) {
	files := ip.p.Files()
	var checked, written int64
	parts := make([]string, 0, len(files))
	for _, f := range files {
		checked += f.Checked
		written += f.Written
		if phase == carecsv.Writing {
			parts = append(parts, fmt.Sprintf("%s %s/%s", f.File, commas(f.Written), commas(f.Checked)))
		} else {
			parts = append(parts, fmt.Sprintf("%s %s", f.File, commas(f.Checked)))
		}
	}
	if phase == carecsv.Writing {
		pct := 0.0
		if checked > 0 {
			pct = 100 * float64(written) / float64(checked)
		}
		fmt.Fprintf(ip.w, "careweb import: writing: %s of %s rows (%.0f%%, %s/s); %s\n",
			commas(written), commas(checked), pct, commas(rate(written, since)), strings.Join(parts, ", "))
		return
	}
	// The store takes rows while the check pass reads (carecsv.Load
	// overlaps the passes); say how many, once it has some.
	alongside := ""
	if written > 0 {
		alongside = fmt.Sprintf(", %s written alongside", commas(written))
	}
	fmt.Fprintf(ip.w, "careweb import: checking: %s rows (%s/s%s); %s\n",
		commas(checked), commas(rate(checked, since)), alongside, strings.Join(parts, ", "))
}

// summary prints, after a successful import, how long each pass took.
func (ip *importProgress) summary(began map[carecsv.Phase]time.Time, start, end time.Time) {
	var total int64
	for _, f := range ip.p.Files() {
		total += f.Checked
	}
	if t := began[carecsv.Done]; !t.IsZero() {
		end = t
	}
	writing := began[carecsv.Writing]
	if writing.IsZero() {
		return
	}
	// The write pass starts with the check pass; it is timed from the start.
	fmt.Fprintf(ip.w, "careweb import: %s rows checked in %.1f s, written in %.1f s (the passes overlap; %s rows/s overall)\n",
		commas(total), writing.Sub(start).Seconds(), end.Sub(start).Seconds(), commas(rate(total, end.Sub(start))))
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

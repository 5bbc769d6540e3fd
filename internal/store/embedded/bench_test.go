package embedded

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/careweb/careweb/internal/care"
)

// The benchmarks build a synthetic population in the benchmark itself
// (population below). Their size is modest by default and scales with:
//
//	CAREWEB_BENCH_CONTACTS  contacts in the store BenchmarkOpen loads (default 200000);
//	                        people are a twentieth of it
//	CAREWEB_BENCH_BATCH     contacts per Apply in BenchmarkApplyContacts (default 100000)
//
// For the figures in docs/performance.md:
//
//	CAREWEB_BENCH_CONTACTS=2000000 go test -run '^$' -bench . -benchtime 3x ./internal/store/embedded/

func envInt(b *testing.B, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		b.Fatalf("%s=%q: want a positive integer", name, v)
	}
	return n
}

// population generates a deterministic synthetic population: people,
// professionals (one per 20 people) in organisations (one per 10
// professionals), and contacts spread over 2015–2024, each with one of a
// handful of professionals per person.
type population struct {
	people, pros, orgs int
	rng                *rand.Rand
	next               int // the next contact number
}

func newPopulation(people int) *population {
	pros := max(people/20, 5)
	return &population{people: people, pros: pros, orgs: max(pros/10, 2), rng: rand.New(rand.NewPCG(1, 2))}
}

func (p *population) nodes() care.Batch {
	var b care.Batch
	sectors := care.Sectors
	for i := range p.orgs {
		b.Nodes = append(b.Nodes, care.Node{ID: fmt.Sprintf("o%05d", i), Kind: care.KindOrganisation, Name: fmt.Sprintf("Organisation %d", i), Sector: sectors[i%len(sectors)]})
	}
	for i := range p.pros {
		id := fmt.Sprintf("pr%06d", i)
		b.Nodes = append(b.Nodes, care.Node{ID: id, Kind: care.KindProfessional, Name: fmt.Sprintf("Professional %d", i), Role: care.Roles[i%len(care.Roles)]})
		b.Relationships = append(b.Relationships, care.Relationship{Type: care.WorksIn, From: id, To: fmt.Sprintf("o%05d", i%p.orgs), Span: care.Span{From: care.MakeDate(2010, 1, 1), To: care.NoEnd}})
	}
	for i := range p.people {
		b.Nodes = append(b.Nodes, care.Node{ID: fmt.Sprintf("p%07d", i), Kind: care.KindPerson, Name: fmt.Sprintf("Person %d", i), Locality: fmt.Sprintf("L%02d", i%40)})
	}
	return b
}

var benchSettings = []string{"clinic", "home", "ward", "", "community"}

// contacts returns n new contacts with ids following the previous ones.
func (p *population) contacts(n int) []care.Contact {
	start := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	const span = 10 * 365 * 24 * 3600
	out := make([]care.Contact, n)
	for i := range out {
		person := p.rng.IntN(p.people)
		// Each person sees one of 5 professionals near their number.
		pro := (person/20 + p.rng.IntN(5)) % p.pros
		c := care.Contact{
			ID:           fmt.Sprintf("c%09d", p.next),
			Person:       fmt.Sprintf("p%07d", person),
			Professional: fmt.Sprintf("pr%06d", pro),
			At:           time.Unix(start+p.rng.Int64N(span), 0).UTC(),
			Mode:         care.Modes[p.rng.IntN(len(care.Modes))],
			Setting:      benchSettings[p.rng.IntN(len(benchSettings))],
		}
		if p.rng.IntN(2) == 0 {
			c.Organisation = fmt.Sprintf("o%05d", pro%p.orgs)
		}
		p.next++
		out[i] = c
	}
	return out
}

// fill applies the population's nodes and total contacts, in batches.
func fill(b *testing.B, s *Store, p *population, total, batch int) {
	b.Helper()
	if _, err := s.Apply(b.Context(), p.nodes()); err != nil {
		b.Fatal(err)
	}
	for done := 0; done < total; done += batch {
		if _, err := s.Apply(b.Context(), care.Batch{Contacts: p.contacts(min(batch, total-done))}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkApplyContacts measures bulk writes: each op is one Apply of a
// batch of new contacts (ids after every stored one, as an import writes
// them), and of the same batch again (every contact an update).
func BenchmarkApplyContacts(b *testing.B) {
	batch := envInt(b, "CAREWEB_BENCH_BATCH", 100_000)
	for _, mode := range []string{"new", "upsert"} {
		b.Run(mode, func(b *testing.B) {
			s, err := Open(b.TempDir(), Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			p := newPopulation(100_000)
			fill(b, s, p, batch, batch)
			cs := p.contacts(batch)
			n := 0
			cpu0 := cpuTime()
			for b.Loop() {
				if mode == "new" {
					b.StopTimer()
					cs = p.contacts(batch)
					b.StartTimer()
				}
				if _, err := s.Apply(b.Context(), care.Batch{Contacts: cs}); err != nil {
					b.Fatal(err)
				}
				n += len(cs)
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "contacts/s")
			// CPU time (both cores, GC included) is steadier than wall time
			// on a shared machine; it includes generating the batches.
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(n), "cpu-ns/contact")
		})
	}
}

// BenchmarkOpen measures loading the index of a store of
// CAREWEB_BENCH_CONTACTS contacts, and the heap the loaded index holds per
// contact (everything the store holds, nodes included, divided by the
// number of contacts).
func BenchmarkOpen(b *testing.B) {
	contacts := envInt(b, "CAREWEB_BENCH_CONTACTS", 200_000)
	people := max(contacts/20, 100)
	dir := b.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		b.Fatal(err)
	}
	p := newPopulation(people)
	start := time.Now()
	fill(b, s, p, contacts, 100_000)
	b.Logf("built %d contacts for %d people in %s (%.0f contacts/s)", contacts, people, time.Since(start).Round(time.Millisecond), float64(contacts)/time.Since(start).Seconds())
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		s, err := Open(dir, Options{})
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
	if fi, err := os.Stat(filepath.Join(dir, FileName)); err == nil {
		b.ReportMetric(float64(fi.Size())/float64(contacts), "disk-B/contact")
	}

	// Resident memory: the heap the index holds, and the process's
	// anonymous resident memory (Linux), which is the heap as the kernel
	// sees it after the runtime returned what is free. The pages of the
	// bbolt file read at open are file-backed page cache, which the
	// kernel reclaims at will, so they are not counted.
	var before, after runtime.MemStats
	debug.FreeOSMemory()
	runtime.ReadMemStats(&before)
	anon0 := rssAnon()
	s, err = Open(dir, Options{})
	if err != nil {
		b.Fatal(err)
	}
	debug.FreeOSMemory()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(contacts), "heap-B/contact")
	if anon0 > 0 {
		b.ReportMetric(float64(rssAnon()-anon0)/float64(contacts), "anon-rss-B/contact")
	}
	runtime.KeepAlive(s)
	s.Close()
}

// cpuTime returns the process's user and system CPU time in nanoseconds.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// rssAnon returns the process's anonymous resident memory in bytes, from
// /proc/self/status (0 where there is none).
func rssAnon() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "RssAnon:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}

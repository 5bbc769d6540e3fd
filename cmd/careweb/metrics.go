package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/careweb/careweb/internal/analysis"
	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/metricsvc"
)

// metricsCommands are the subcommands of `careweb metrics`; without one,
// it computes every person's metrics.
func metricsCommands() []command {
	return []command{
		{"summary", "population distributions of every per-person metric, by cohort, as JSON", runMetricsSummary},
		{"network", "whole-network analysis of the services or patient-sharing network, as JSON or CSV", runMetricsNetwork},
	}
}

const metricsSynopsis = `Computes every person's metrics (METRICS-REFERENCE Part 1; docs/metrics.md) and
writes one record per person, in id order: JSON Lines ({"person", "continuity",
"fragmentation", "handoffs", "reasons"}) or CSV. The store is read twice: once
for the population's patient-sharing network (care density), once per person.
Progress and a summary line go to stderr.

Subcommands:
  careweb metrics summary [flags]   population distributions by cohort, as JSON
  careweb metrics network [flags]   whole-network analysis (services or sharing), as JSON or CSV`

// metricsFlags are the flags every metrics command shares.
type metricsFlags struct {
	log         logFlags
	store       storeFlags
	from, to    string
	level       string
	minContacts int
	asOf        string
	proposals   bool
	workers     int
	out         string
}

func (m *metricsFlags) register(fs *flagSet) error {
	// Batch output goes to stdout or a file and progress to stderr, so the
	// log is quiet and readable unless asked otherwise.
	fs.string(&m.log.format, "log-format", "CAREWEB_LOG_FORMAT", "console", "log format: json or console")
	fs.string(&m.log.level, "log-level", "CAREWEB_LOG_LEVEL", "warn", "log level: debug, info, warn, error")
	fs.StringVar(&m.from, "from", "", "first day of the window, YYYY-MM-DD (default: open)")
	fs.StringVar(&m.to, "to", "", "last day of the window, YYYY-MM-DD (default: open)")
	fs.StringVar(&m.level, "level", "PROFESSIONAL", "continuity level: PROFESSIONAL, ORGANISATION or SECTOR")
	fs.IntVar(&m.minContacts, "min-contacts", 2, "every continuity ratio and FCI is null below this many contacts (at least 1)")
	fs.StringVar(&m.asOf, "as-of", "", "the day the proposals (coordinator tenure, churn) are measured as of when --to is open, YYYY-MM-DD (default: each person's latest recorded day)")
	fs.BoolVar(&m.proposals, "proposals", false, "include CareWeb's PROPOSAL measures (tenure, churn, handoff rates, cohorts)")
	fs.IntVar(&m.workers, "workers", 0, "goroutines computing metrics (0: one per CPU)")
	fs.StringVar(&m.out, "out", "", "write to this file (replaced only when the run succeeds) instead of stdout")
	return m.store.register(fs, "./careweb-data")
}

// options turns the flags into analysis options; a bad value is a usage
// error naming its flag.
func (m *metricsFlags) options() (analysis.Options, error) {
	opt := analysis.Options{Window: care.Always, MinContacts: m.minContacts}
	if err := parseDates(&opt.Window, dateFlag{"--from", m.from, &opt.Window.From}, dateFlag{"--to", m.to, &opt.Window.To}, dateFlag{"--as-of", m.asOf, &opt.Today}); err != nil {
		return opt, err
	}
	level, ok := analysis.ParseLevel(m.level)
	if !ok {
		return opt, usageError{fmt.Sprintf("--level %q: want PROFESSIONAL, ORGANISATION or SECTOR", m.level)}
	}
	opt.Level = level
	if m.minContacts < 1 {
		return opt, usageError{fmt.Sprintf("--min-contacts %d: must be at least 1", m.minContacts)}
	}
	if m.workers < 0 {
		return opt, usageError{fmt.Sprintf("--workers %d: must not be negative", m.workers)}
	}
	return opt, nil
}

// describe says what a run measured, for the summary line.
func describe(opt analysis.Options) string {
	w := "all time"
	if opt.Window != care.Always {
		from, to := opt.Window.From.String(), opt.Window.To.String()
		w = fmt.Sprintf("%s..%s", from, to)
	}
	return fmt.Sprintf("window %s, level %s, minContacts %d", w, opt.Level, opt.MinContacts)
}

func runMetrics(ctx context.Context, args []string, getenv env, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		for _, c := range metricsCommands() {
			if c.name == args[0] {
				return c.run(ctx, args[1:], getenv, stdin, stdout, stderr)
			}
		}
		names := make([]string, 0, len(metricsCommands()))
		for _, c := range metricsCommands() {
			names = append(names, c.name)
		}
		return usageError{fmt.Sprintf("metrics: unknown subcommand %q (want flags, or one of: %s)", args[0], strings.Join(names, ", "))}
	}
	var f metricsFlags
	var format string
	var reasons bool
	var every time.Duration
	fs := newFlagSet("metrics", metricsSynopsis, getenv, stderr)
	if err := f.register(fs); err != nil {
		return err
	}
	fs.StringVar(&format, "format", "jsonl", "output format: jsonl (one JSON object per line) or csv")
	fs.BoolVar(&reasons, "reasons", false, "csv: add a <column>.reason column after every column that can be null (JSON Lines always carry \"reasons\")")
	fs.DurationVar(&every, "progress", time.Second, "report progress on stderr this often (0: never)")
	if err := fs.parse(args); err != nil {
		return err
	}
	opt, err := f.options()
	if err != nil {
		return err
	}
	if format != "jsonl" && format != "csv" {
		return usageError{fmt.Sprintf("--format %q: want jsonl or csv", format)}
	}
	st, log, err := openForCommand(ctx, f.log, f.store, stderr)
	if err != nil {
		return err
	}
	defer st.Close()

	out, err := createOutput(f.out, stdout)
	if err != nil {
		return err
	}
	defer out.abandon()
	start := time.Now()
	pop, err := analysis.BuildPopulation(ctx, st, opt.Window)
	if err != nil {
		return err
	}
	built := time.Since(start)
	if n := len(pop.Index.Skipped()); n > 0 {
		log.Warn().Int("skipped", n).Msg("service records left out of the index (see the data's validation)")
	}

	bw := bufio.NewWriterSize(out, 256<<10)
	prog := &progress{w: stderr, every: every, start: start, last: start}
	var emit func(*analysis.Result) error
	var cw *analysis.CSVWriter
	switch format {
	case "jsonl":
		var buf []byte
		emit = func(r *analysis.Result) error {
			buf = analysis.Record{Result: r, Proposals: f.proposals}.AppendJSON(buf[:0])
			buf = append(buf, '\n')
			prog.tick()
			_, err := bw.Write(buf)
			return err
		}
	case "csv":
		cw = analysis.NewCSVWriter(bw, analysis.CSVOptions{Proposals: f.proposals, Reasons: reasons})
		emit = func(r *analysis.Result) error {
			prog.tick()
			return cw.Write(r)
		}
	}
	if err := analysis.Run(ctx, st, pop, opt, f.workers, emit); err != nil {
		return err
	}
	if cw != nil {
		if prog.n == 0 {
			// No person: the header still says what the columns would be.
			hw := csv.NewWriter(bw)
			_ = hw.Write(cw.Header())
			hw.Flush()
		}
		if err := cw.Flush(); err != nil {
			return care.Wrap(care.Internal, err, "writing the CSV")
		}
	}
	if err := bw.Flush(); err != nil {
		return care.Wrap(care.Internal, err, "writing the output")
	}
	if err := out.commit(); err != nil {
		return err
	}
	took := time.Since(start)
	fmt.Fprintf(stderr, "careweb metrics: %d persons in %s (%.0f persons/s; population network %s); %s; %s\n",
		prog.n, took.Round(time.Millisecond), float64(prog.n)/took.Seconds(), built.Round(time.Millisecond), describe(opt), out.name)
	return nil
}

func runMetricsSummary(ctx context.Context, args []string, getenv env, _ io.Reader, stdout, stderr io.Writer) error {
	var f metricsFlags
	var cohort string
	var suppress bool
	fs := newFlagSet("metrics summary", `Summarises every per-person metric over the whole population, by cohort: count,
mean, median, quartiles, minimum, maximum and nulls by reason, as one JSON
document (the figures of GraphQL's metricsSummary).`, getenv, stderr)
	if err := f.register(fs); err != nil {
		return err
	}
	fs.StringVar(&cohort, "cohort", "all", "group people by: "+strings.Join(analysis.Cohorts, ", "))
	fs.BoolVar(&suppress, "suppress-small-numbers", false, "apply the small-number rule (counts 1–7 withheld, others rounded to 5, minimum and maximum withheld)")
	if err := fs.parse(args); err != nil {
		return err
	}
	opt, err := f.options()
	if err != nil {
		return err
	}
	name, err := metricsvc.CohortName("--cohort", cohort)
	if err != nil {
		return usageError{fmt.Sprintf("--cohort %q: want one of %s", cohort, strings.Join(analysis.Cohorts, ", "))}
	}
	cohort = name
	st, _, err := openForCommand(ctx, f.log, f.store, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	out, err := createOutput(f.out, stdout)
	if err != nil {
		return err
	}
	defer out.abandon()

	start := time.Now()
	pop, err := analysis.BuildPopulation(ctx, st, opt.Window)
	if err != nil {
		return err
	}
	sum, err := metricsvc.Summarise(ctx, st, pop, opt, cohort, f.proposals, f.workers)
	if err != nil {
		return err
	}
	if suppress {
		sum = sum.Suppress(analysis.SmallNumbers{})
	}
	b, err := json.MarshalIndent(sum, "", "  ")
	if err != nil {
		return care.Wrap(care.Internal, err, "encoding the summary")
	}
	if _, err := out.Write(append(b, '\n')); err != nil {
		return care.Wrap(care.Internal, err, "writing the summary")
	}
	if err := out.commit(); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "careweb metrics summary: %d persons in %d cohorts in %s; %s; %s\n",
		pop.People, len(sum.Groups), time.Since(start).Round(time.Millisecond), describe(opt), out.name)
	return nil
}

// output is where a command writes: stdout, or a file that replaces its
// target only when the run succeeds (a failed or interrupted run leaves
// the previous file, not half a new one).
type output struct {
	io.Writer
	name   string
	tmp    *os.File
	target string
	done   bool
}

func createOutput(path string, stdout io.Writer) (*output, error) {
	if path == "" || path == "-" {
		return &output{Writer: stdout, name: "stdout"}, nil
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return nil, care.Wrap(care.Invalid, err, "--out %s: cannot create a file there", path)
	}
	return &output{Writer: tmp, name: path, tmp: tmp, target: path}, nil
}

// commit moves a file output into place.
func (o *output) commit() error {
	if o.tmp == nil {
		return nil
	}
	o.done = true
	if err := o.tmp.Sync(); err != nil {
		_ = o.tmp.Close()
		_ = os.Remove(o.tmp.Name())
		return care.Wrap(care.Internal, err, "--out %s: writing", o.target)
	}
	if err := o.tmp.Close(); err != nil {
		_ = os.Remove(o.tmp.Name())
		return care.Wrap(care.Internal, err, "--out %s: writing", o.target)
	}
	if err := os.Rename(o.tmp.Name(), o.target); err != nil {
		_ = os.Remove(o.tmp.Name())
		return care.Wrap(care.Internal, err, "--out %s: cannot replace the file", o.target)
	}
	return nil
}

// abandon removes an uncommitted file output.
func (o *output) abandon() {
	if o.tmp != nil && !o.done {
		_ = o.tmp.Close()
		_ = os.Remove(o.tmp.Name())
	}
}

// progress reports a long run's progress on stderr, at most once per
// interval (checked every 1024 persons, so it costs nothing per person).
type progress struct {
	w           io.Writer
	every       time.Duration
	start, last time.Time
	n           int
}

func (p *progress) tick() {
	p.n++
	if p.every <= 0 || p.n&1023 != 0 {
		return
	}
	now := time.Now()
	if now.Sub(p.last) < p.every {
		return
	}
	p.last = now
	fmt.Fprintf(p.w, "careweb metrics: %d persons, %.0f persons/s\n", p.n, float64(p.n)/now.Sub(p.start).Seconds())
}

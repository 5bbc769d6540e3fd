package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/netanalysis"
)

const networkSynopsis = `Analyses a whole service-side network in a window (docs/metrics.md, "Network
analysis"): the SERVICES network (professionals, optionally carers and
organisations, joined by the LINKED_TO overlapping the window) or the SHARING
network (professionals joined when they saw a common person in the window,
weighted by the number of such persons; Pollack et al. 2013), optionally
restricted to one cohort. Writes the graph-level figures and every node's
measures: JSON ({"graph", "top", "nodes"}) or CSV (one row per node).
Progress and a summary line go to stderr.`

// networkFlags are the flags of `careweb metrics network`.
type networkFlags struct {
	log                   logFlags
	store                 storeFlags
	from, to              string
	network               string
	cohortKind, cohort    string
	carers, organisations bool
	top                   int
	seed                  uint64
	workers               int
	format                string
	out                   string
}

func (f *networkFlags) register(fs *flagSet) error {
	fs.string(&f.log.format, "log-format", "CAREWEB_LOG_FORMAT", "console", "log format: json or console")
	fs.string(&f.log.level, "log-level", "CAREWEB_LOG_LEVEL", "warn", "log level: debug, info, warn, error")
	fs.StringVar(&f.from, "from", "", "first day of the window, YYYY-MM-DD (default: open)")
	fs.StringVar(&f.to, "to", "", "last day of the window, YYYY-MM-DD (default: open)")
	fs.StringVar(&f.network, "network", "services", "which network: services (LINKED_TO) or sharing (shared patients)")
	fs.StringVar(&f.cohortKind, "cohort-kind", "", "restrict to a cohort by: organisation, sector or locality (default: the whole network)")
	fs.StringVar(&f.cohort, "cohort", "", "the cohort: an organisation id, a sector or a locality (with --cohort-kind)")
	fs.BoolVar(&f.carers, "carers", false, "services network: include carers as nodes")
	fs.BoolVar(&f.organisations, "organisations", false, "services network: include organisations as nodes (with their WORKS_IN as edges)")
	fs.IntVar(&f.top, "top", 10, "json: list this many top nodes by betweenness, degree and PageRank (0: none)")
	fs.Uint64Var(&f.seed, "seed", 1, "seed of Louvain's node order (the same seed gives the same communities)")
	fs.IntVar(&f.workers, "workers", 0, "goroutines computing betweenness and closeness (0: one per CPU)")
	fs.StringVar(&f.format, "format", "json", "output format: json or csv")
	fs.StringVar(&f.out, "out", "", "write to this file (replaced only when the run succeeds) instead of stdout")
	return f.store.register(fs, "./careweb-data")
}

// options turns the flags into netanalysis options; a bad value is a
// usage error naming its flag.
func (f *networkFlags) options() (netanalysis.Options, error) {
	opt := netanalysis.Options{Window: care.Always, Carers: f.carers, Organisations: f.organisations, Seed: f.seed, Workers: f.workers, Cohort: f.cohort}
	if err := parseDates(&opt.Window, dateFlag{"--from", f.from, &opt.Window.From}, dateFlag{"--to", f.to, &opt.Window.To}); err != nil {
		return opt, err
	}
	k, ok := netanalysis.ParseKind(f.network)
	if !ok {
		return opt, usageError{fmt.Sprintf("--network %q: want services or sharing", f.network)}
	}
	opt.Network = k
	ck, ok := netanalysis.ParseCohortKind(f.cohortKind)
	if !ok {
		return opt, usageError{fmt.Sprintf("--cohort-kind %q: want organisation, sector or locality", f.cohortKind)}
	}
	opt.CohortKind = ck
	if (ck == "") != (f.cohort == "") {
		return opt, usageError{"--cohort-kind and --cohort go together"}
	}
	if f.top < 0 {
		return opt, usageError{fmt.Sprintf("--top %d: must not be negative", f.top)}
	}
	if f.workers < 0 {
		return opt, usageError{fmt.Sprintf("--workers %d: must not be negative", f.workers)}
	}
	if f.format != "json" && f.format != "csv" {
		return opt, usageError{fmt.Sprintf("--format %q: want json or csv", f.format)}
	}
	if err := opt.Validate(); err != nil {
		return opt, usageError{err.Error()}
	}
	return opt, nil
}

func runMetricsNetwork(ctx context.Context, args []string, getenv env, _ io.Reader, stdout, stderr io.Writer) error {
	var f networkFlags
	fs := newFlagSet("metrics network", networkSynopsis, getenv, stderr)
	if err := f.register(fs); err != nil {
		return err
	}
	if err := fs.parse(args); err != nil {
		return err
	}
	opt, err := f.options()
	if err != nil {
		return err
	}
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
	fmt.Fprintf(stderr, "careweb metrics network: building the %s network\n", strings.ToLower(string(opt.Network)))
	n, err := netanalysis.Build(ctx, st, opt)
	if err != nil {
		return err
	}
	built := time.Since(start)
	fmt.Fprintf(stderr, "careweb metrics network: %d nodes, %d edges in %s; measuring\n", n.Graph.Order(), n.Graph.Size(), built.Round(time.Millisecond))
	r, err := netanalysis.Measure(ctx, n, opt.Seed, opt.Workers)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(out, 256<<10)
	switch f.format {
	case "json":
		b, err := r.JSON(f.top)
		if err != nil {
			return care.Wrap(care.Internal, err, "encoding the network analysis")
		}
		_, err = bw.Write(append(b, '\n'))
		if err != nil {
			return care.Wrap(care.Internal, err, "writing the output")
		}
	case "csv":
		if err := r.WriteCSV(bw); err != nil {
			return care.Wrap(care.Internal, err, "writing the CSV")
		}
	}
	if err := bw.Flush(); err != nil {
		return care.Wrap(care.Internal, err, "writing the output")
	}
	if err := out.commit(); err != nil {
		return err
	}
	top := "none"
	if t := r.Top(netanalysis.ByBetweenness, 1); len(t) == 1 {
		top = fmt.Sprintf("%s (%.4g)", t[0].ID, t[0].Score)
	}
	fmt.Fprintf(stderr, "careweb metrics network: %d nodes, %d edges, %d components, %d communities in %s; top betweenness %s; %s\n",
		r.Graph.Nodes, r.Graph.Edges, r.Graph.Components, r.Graph.Communities, time.Since(start).Round(time.Millisecond), top, out.name)
	return nil
}

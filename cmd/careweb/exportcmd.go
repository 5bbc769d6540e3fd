package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/deidentify"
	"github.com/careweb/careweb/internal/encoding/carecsv"
	"github.com/careweb/careweb/internal/encoding/graphjson"
	"github.com/careweb/careweb/internal/encoding/graphml"
	"github.com/careweb/careweb/internal/encoding/graphview"
	"github.com/careweb/careweb/internal/keys"
	"github.com/careweb/careweb/internal/pseudonym"
)

const exportSynopsis = `Exports the store (docs/data-format.md):

  --format graphml  one GraphML file for NetworkX, igraph and Gephi: every
                    node; relationships, and contacts and referrals
                    aggregated per person, as directed edges with attributes
  --format json     the same network as node-link JSON (NetworkX's
                    node_link_data shape) for web front ends
  --format csv      the files of the import format, in the directory
                    --out; what careweb import reads back

--from/--to keep the relationships that overlap the window and the
contacts and referrals on days in it (every node is kept).
--pseudonymise replaces every id by a keyed pseudonym (the same one in
every file and format made with the same key), leaves names out, drops
referral reasons and reduces other free text to known codes: what a
researcher may take away. The key is --pseudonym-key-file, by default
pseudonym.key in the data directory (created, owner-only, when missing);
with Neo4j the key file must be named.

Output replaces --out only when the whole export succeeds; with graphml or
json, --out - writes to stdout.`

func runExport(ctx context.Context, args []string, getenv env, _ io.Reader, stdout, stderr io.Writer) error {
	var lf logFlags
	var sf storeFlags
	var format, out, from, to, asOf, keyFile string
	var pseudonymise bool
	fs := newFlagSet("export", exportSynopsis, getenv, stderr)
	fs.string(&lf.format, "log-format", "CAREWEB_LOG_FORMAT", "console", "log format: json or console")
	fs.string(&lf.level, "log-level", "CAREWEB_LOG_LEVEL", "warn", "log level: debug, info, warn, error")
	fs.StringVar(&format, "format", "csv", "output format: graphml, json or csv")
	fs.StringVar(&out, "out", "", "csv: the directory to write the files in (created if missing); graphml, json: the file, or - for stdout (required)")
	fs.StringVar(&from, "from", "", "first day of the window, YYYY-MM-DD (default: open)")
	fs.StringVar(&to, "to", "", "last day of the window, YYYY-MM-DD (default: open)")
	fs.StringVar(&asOf, "as-of", "", "graphml, json: with no window, the day whose WORKS_IN give professionals their organisation, YYYY-MM-DD (default: today, UTC)")
	fs.BoolVar(&pseudonymise, "pseudonymise", false, "replace ids by keyed pseudonyms, leave out names and free text")
	fs.string(&keyFile, "pseudonym-key-file", "CAREWEB_PSEUDONYM_KEY_FILE", "", "the pseudonym key (default: pseudonym.key in --data; required with Neo4j)")
	if err := sf.register(fs, "./careweb-data"); err != nil {
		return err
	}
	if err := fs.parse(args); err != nil {
		return err
	}
	switch format {
	case "csv", "graphml", "json":
	default:
		return usageError{fmt.Sprintf("--format %q: want graphml, json or csv", format)}
	}
	if out == "" {
		return usageError{"export: --out is required (a directory for csv, a file or - for graphml and json)"}
	}
	if out == "-" && format == "csv" {
		return usageError{"--out -: csv writes several files; give a directory"}
	}
	opt := graphview.Options{Window: care.Always, AsOf: care.DateOf(time.Now()), Pseudonymised: pseudonymise}
	if err := parseDates(&opt.Window, dateFlag{"--from", from, &opt.Window.From}, dateFlag{"--to", to, &opt.Window.To},
		dateFlag{"--as-of", asOf, &opt.AsOf}); err != nil {
		return err
	}
	var pz *deidentify.Pseudonymiser
	if pseudonymise {
		k, err := pseudonymKey(sf, keyFile, stderr)
		if err != nil {
			return err
		}
		pz = deidentify.New(k)
	}
	if format == "csv" {
		if err := os.MkdirAll(out, 0o755); err != nil {
			return care.Wrap(care.Invalid, err, "--out %s: cannot create the directory", out)
		}
	}
	st, _, err := openForCommand(ctx, lf, sf, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	var src care.Streamer = st
	if pz != nil {
		src = deidentify.Wrap(st, pz)
	}

	if format == "csv" {
		return exportCSV(ctx, src, opt.Window, out, stdout)
	}
	o, err := createOutput(out, stdout)
	if err != nil {
		return err
	}
	defer o.abandon()
	write := graphml.Write
	if format == "json" {
		write = graphjson.Write
	}
	n, err := write(ctx, src, opt, o)
	if err != nil {
		return err
	}
	if err := o.commit(); err != nil {
		return err
	}
	// With --out - the export itself is on stdout.
	report := stdout
	if o.tmp == nil {
		report = stderr
	}
	fmt.Fprintf(report, "careweb export: %d nodes, %d edges (%d relationships, %d contact edges from %d contacts, %d referral edges from %d referrals) to %s\n",
		n.Nodes, n.Edges, n.Relationships, n.ContactEdges, n.Contacts, n.ReferralEdges, n.Referrals, o.name)
	return nil
}

// exportCSV writes the CSV files of the import format into dir, replacing
// them only when all of them are written.
func exportCSV(ctx context.Context, st care.Streamer, w care.Window, dir string, stdout io.Writer) error {
	outs := make([]*output, len(carecsv.Files))
	for i, name := range carecsv.Files {
		o, err := createOutput(filepath.Join(dir, name), nil)
		if err != nil {
			return err
		}
		defer o.abandon()
		outs[i] = o
	}
	n, err := carecsv.Export(ctx, st, w, carecsv.Writers{Nodes: outs[0], Relationships: outs[1], Contacts: outs[2], Referrals: outs[3], Consents: outs[4]})
	if err != nil {
		return err
	}
	for _, o := range outs {
		if err := o.commit(); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "careweb export: %d nodes, %d relationships, %d contacts, %d referrals to %s\n",
		n.Nodes, n.Relationships, n.Contacts, n.Referrals, dir)
	return nil
}

// pseudonymKey loads the pseudonym key: the named file, else pseudonym.key
// in the embedded store's data directory (the service's key), created when
// missing. With Neo4j there is no data directory, and a key made up on the
// spot would give pseudonyms that link to no other export, so the file
// must be named.
func pseudonymKey(sf storeFlags, keyFile string, stderr io.Writer) (*pseudonym.Keyed, error) {
	path, err := dataFile("--pseudonym-key-file", keyFile, PseudonymKeyFileName, sf)
	if err != nil {
		return nil, err
	}
	_, statErr := os.Stat(path)
	key, err := keys.LoadOrCreate(path)
	if err != nil {
		return nil, err
	}
	if errors.Is(statErr, fs.ErrNotExist) {
		fmt.Fprintf(stderr, "careweb export: created a new pseudonym key in %s (owner-only); keep it: the same key gives the same pseudonyms\n", path)
	}
	return pseudonym.New(key), nil
}

package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/encoding/carecsv"
)

const exportSynopsis = `Exports the store to DIR in CareWeb's CSV interchange format
(docs/data-format.md): nodes.csv, relationships.csv, contacts.csv and
referrals.csv, exactly what careweb import reads. --from/--to keep the
contacts and referrals on days in the window and the relationships that
overlap it (every node is kept). Files are replaced only when the whole
export succeeds.

Formats: csv. (GraphML and JSON are planned, not yet available.)`

func runExport(ctx context.Context, args []string, getenv env, _ io.Reader, stdout, stderr io.Writer) error {
	var lf logFlags
	var sf storeFlags
	var format, outDir, from, to string
	fs := newFlagSet("export", exportSynopsis, getenv, stderr)
	fs.string(&lf.format, "log-format", "CAREWEB_LOG_FORMAT", "console", "log format: json or console")
	fs.string(&lf.level, "log-level", "CAREWEB_LOG_LEVEL", "warn", "log level: debug, info, warn, error")
	fs.StringVar(&format, "format", "csv", "output format: csv (the only one so far)")
	fs.StringVar(&outDir, "out", "", "directory to write the files in (created if missing; required)")
	fs.StringVar(&from, "from", "", "first day of the window, YYYY-MM-DD (default: open)")
	fs.StringVar(&to, "to", "", "last day of the window, YYYY-MM-DD (default: open)")
	if err := sf.register(fs, "./careweb-data"); err != nil {
		return err
	}
	if err := fs.parse(args); err != nil {
		return err
	}
	if format != "csv" {
		return usageError{fmt.Sprintf("--format %q: want csv (the only export format so far)", format)}
	}
	if outDir == "" {
		return usageError{"export: --out DIR is required"}
	}
	w := care.Always
	for _, d := range []struct {
		flag, value string
		dst         *care.Date
	}{{"--from", from, &w.From}, {"--to", to, &w.To}} {
		if d.value == "" {
			continue
		}
		v, err := care.ParseDate(d.value)
		if err != nil {
			return usageError{fmt.Sprintf("%s %q: %v", d.flag, d.value, err)}
		}
		*d.dst = v
	}
	if !w.Valid() {
		return usageError{fmt.Sprintf("--from %s is after --to %s", from, to)}
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return care.Wrap(care.Invalid, err, "--out %s: cannot create the directory", outDir)
	}
	st, _, err := openForCommand(ctx, lf, sf, stderr)
	if err != nil {
		return err
	}
	defer st.Close()

	outs := make([]*output, len(carecsv.Files))
	for i, name := range carecsv.Files {
		o, err := createOutput(filepath.Join(outDir, name), nil)
		if err != nil {
			return err
		}
		defer o.abandon()
		outs[i] = o
	}
	n, err := carecsv.Export(ctx, st, w, carecsv.Writers{Nodes: outs[0], Relationships: outs[1], Contacts: outs[2], Referrals: outs[3]})
	if err != nil {
		return err
	}
	for _, o := range outs {
		if err := o.commit(); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "careweb export: %d nodes, %d relationships, %d contacts, %d referrals to %s\n",
		n.Nodes, n.Relationships, n.Contacts, n.Referrals, outDir)
	return nil
}

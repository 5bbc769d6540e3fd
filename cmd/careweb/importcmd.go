package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/careweb/careweb/internal/encoding/carecsv"
)

const importSynopsis = `Arguments: PATH... (at least one)

Imports CSV files in CareWeb's interchange format (docs/data-format.md) into
the store. A PATH is a directory holding any of nodes.csv, relationships.csv,
contacts.csv, referrals.csv and consents.csv, or one of those files named by
its role. The import is all or nothing: on any problem nothing is written,
every problem is listed with its file, line and column, and the exit code is
3. Importing the same files again changes nothing (rows are upserted by id).
Files are streamed (read twice: checked, then written in batches), so they
may be larger than memory. A long import reports progress on stderr every
2 s unless --quiet.

With --format fhir (chosen by itself for .json and .ndjson files and
directories of them), PATHs are FHIR R4 Bundles or NDJSON bulk-export files,
mapped as docs/data-format.md says; that import too is all or nothing.`

func runImport(ctx context.Context, args []string, getenv env, _ io.Reader, stdout, stderr io.Writer) error {
	var lf logFlags
	var sf storeFlags
	fs := newFlagSet("import", importSynopsis, getenv, stderr)
	fs.string(&lf.format, "log-format", "CAREWEB_LOG_FORMAT", "console", "log format: json or console")
	fs.string(&lf.level, "log-level", "CAREWEB_LOG_LEVEL", "warn", "log level: debug, info, warn, error")
	var quiet bool
	var batchSize int
	fs.BoolVar(&quiet, "quiet", false, "no progress reports on stderr")
	fs.IntVar(&batchSize, "batch-size", carecsv.DefaultBatchSize, "rows (FHIR: nodes, relationships, contacts and referrals) per batch written to the store")
	var ff importFormat
	ff.register(fs)
	if err := sf.register(fs, "./careweb-data"); err != nil {
		return err
	}
	// PATHs are positional, so the flag set's parse (which refuses
	// positional arguments) is not used.
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	if fs.NArg() == 0 {
		return usageError{"import: no PATH given (a directory of CSV files, or CSV files)"}
	}
	if batchSize < 1 {
		return usageError{fmt.Sprintf("--batch-size %d: want at least 1", batchSize)}
	}
	if isFHIR, err := ff.fhir(fs.Args()); err != nil {
		return err
	} else if isFHIR {
		return runImportFHIR(ctx, ff, lf, sf, quiet, batchSize, fs.Args(), stdout, stderr)
	}
	paths, err := importFiles(fs.Args())
	if err != nil {
		return err
	}
	var srcs []carecsv.Source
	for name, path := range paths {
		srcs = append(srcs, carecsv.FileSource(name, path))
	}
	st, _, err := openForCommand(ctx, lf, sf, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	opt := carecsv.Options{BatchSize: batchSize, Progress: &carecsv.Progress{}}
	var prog *importProgress
	if !quiet {
		prog = startImportProgress(stderr, csvProgress{opt.Progress}, importProgressEvery)
	}
	res, err := carecsv.Load(ctx, st, srcs, opt)
	if prog != nil {
		prog.stop(err == nil)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "careweb import: %d nodes, %d relationships, %d contacts, %d referrals, %d consents\n",
		res.Nodes, res.Relationships, res.Contacts, res.Referrals, res.Consents)
	return nil
}

// importFiles resolves the PATH arguments to one path per file role.
func importFiles(args []string) (map[string]string, error) {
	known := map[string]bool{}
	for _, f := range carecsv.Files {
		known[f] = true
	}
	paths := map[string]string{}
	add := func(name, path string) error {
		if prev, dup := paths[name]; dup {
			return usageError{fmt.Sprintf("import: %s given twice (%s and %s)", name, prev, path)}
		}
		paths[name] = path
		return nil
	}
	for _, a := range args {
		fi, err := os.Stat(a)
		if err != nil {
			return nil, usageError{fmt.Sprintf("import: %s: no such file or directory", a)}
		}
		if !fi.IsDir() {
			name := strings.ToLower(filepath.Base(a))
			if !known[name] {
				return nil, usageError{fmt.Sprintf("import: %s: a file must be named %s", a, strings.Join(carecsv.Files, ", "))}
			}
			if err := add(name, a); err != nil {
				return nil, err
			}
			continue
		}
		found := 0
		for _, name := range carecsv.Files {
			p := filepath.Join(a, name)
			if _, err := os.Stat(p); err == nil {
				found++
				if err := add(name, p); err != nil {
					return nil, err
				}
			}
		}
		if found == 0 {
			return nil, usageError{fmt.Sprintf("import: %s holds none of %s", a, strings.Join(carecsv.Files, ", "))}
		}
	}
	return paths, nil
}

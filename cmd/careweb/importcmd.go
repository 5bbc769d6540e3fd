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

	"github.com/careweb/careweb/internal/care"
	"github.com/careweb/careweb/internal/encoding/carecsv"
)

const importSynopsis = `Arguments: PATH... (at least one)

Imports CSV files in CareWeb's interchange format (docs/data-format.md) into
the store. A PATH is a directory holding any of nodes.csv, relationships.csv,
contacts.csv and referrals.csv, or one of those files named by its role.
The import is all or nothing: on any problem nothing is written, every
problem is listed with its file, line and column, and the exit code is 3.
Importing the same files again changes nothing (rows are upserted by id).`

func runImport(ctx context.Context, args []string, getenv env, _ io.Reader, stdout, stderr io.Writer) error {
	var lf logFlags
	var sf storeFlags
	fs := newFlagSet("import", importSynopsis, getenv, stderr)
	fs.string(&lf.format, "log-format", "CAREWEB_LOG_FORMAT", "console", "log format: json or console")
	fs.string(&lf.level, "log-level", "CAREWEB_LOG_LEVEL", "warn", "log level: debug, info, warn, error")
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
	paths, err := importFiles(fs.Args())
	if err != nil {
		return err
	}
	var srcs []carecsv.Source
	for name, path := range paths {
		f, err := os.Open(path)
		if err != nil {
			return care.Wrap(care.Invalid, err, "%s: cannot open the file", path)
		}
		defer f.Close()
		srcs = append(srcs, carecsv.Source{Name: name, R: f})
	}
	st, _, err := openForCommand(ctx, lf, sf, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	res, err := carecsv.Load(ctx, st, srcs)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "careweb import: %d nodes, %d relationships, %d contacts, %d referrals\n",
		res.Nodes, res.Relationships, res.Contacts, res.Referrals)
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

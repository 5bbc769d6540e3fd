package main

import (
	"flag"
	"fmt"
	"github.com/careweb/careweb/internal/care"
	"io"
	"strings"
	"time"
)

// flagSet is a flag.FlagSet whose flags fall back to CAREWEB_* (or other
// named) environment variables, so the same settings work from a shell,
// a container or a unit file. Precedence: flag, then environment, then default.
type flagSet struct {
	*flag.FlagSet
	getenv env
}

func newFlagSet(name, synopsis string, getenv env, stderr io.Writer) *flagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: careweb %s [flags]\n\n%s\n\nFlags (environment variable in brackets):\n", name, synopsis)
		fs.PrintDefaults()
	}
	return &flagSet{FlagSet: fs, getenv: getenv}
}

func (f *flagSet) string(p *string, name, envName, def, usage string) {
	if v := f.getenv(envName); v != "" {
		def = v
	}
	f.StringVar(p, name, def, usage+" ["+envName+"]")
}

func (f *flagSet) duration(p *time.Duration, name, envName string, def time.Duration, usage string) error {
	if v := f.getenv(envName); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return usageError{fmt.Sprintf("%s=%q: not a duration (e.g. 30s, 5m)", envName, v)}
		}
		def = d
	}
	f.DurationVar(p, name, def, usage+" ["+envName+"]")
	return nil
}

func (f *flagSet) bool(p *bool, name, envName string, def bool, usage string) {
	if v := strings.ToLower(f.getenv(envName)); v != "" {
		def = v == "1" || v == "true" || v == "yes"
	}
	f.BoolVar(p, name, def, usage+" ["+envName+"]")
}

// parse parses args; extra positional arguments are a usage error.
func (f *flagSet) parse(args []string) error {
	if err := f.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return err
		}
		return usageError{err.Error()}
	}
	if f.NArg() > 0 {
		return usageError{fmt.Sprintf("%s: unexpected argument %q", f.Name(), f.Arg(0))}
	}
	return nil
}

// dateFlag is a --from/--to/--as-of style flag: its name, its raw value
// and where the parsed day goes.
type dateFlag struct {
	flag, value string
	dst         *care.Date
}

// parseDates parses every non-empty date flag into its destination; a bad
// value is a usage error naming the flag. When from and to are both given
// and to is before from, that is a usage error too.
func parseDates(window *care.Window, flags ...dateFlag) error {
	for _, d := range flags {
		if d.value == "" {
			continue
		}
		v, err := care.ParseDate(d.value)
		if err != nil {
			return usageError{fmt.Sprintf("%s %q: %v", d.flag, d.value, err)}
		}
		*d.dst = v
	}
	if window != nil && !window.Valid() {
		return usageError{fmt.Sprintf("--from %s is after --to %s", window.From, window.To)}
	}
	return nil
}

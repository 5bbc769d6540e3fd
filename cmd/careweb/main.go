// Command careweb serves, loads, measures and exports webs of care.
//
// main only wires: every subcommand is a function of its arguments,
// environment and standard streams, so tests run the whole program in
// process on :0 listeners and temporary directories.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/careweb/careweb/internal/care"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	tuneRuntime(os.Getenv)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// env is how subcommands read the environment (os.Getenv, or a map in tests).
type env func(string) string

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, getenv env, stdin io.Reader, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"serve", "serve the GraphQL API and the carer page", runServe},
		{"demo", "serve with a realistic demo data set in a fresh data directory", runDemo},
		{"healthcheck", "exit 0 when a running service is ready (for containers)", runHealthcheck},
		{"metrics", "every person's metrics as JSON Lines or CSV; `metrics summary` for distributions", runMetrics},
		{"import", "import CSV files (nodes, relationships, contacts, referrals) all or nothing", runImport},
		{"export", "export the store as GraphML, node-link JSON or CSV, optionally pseudonymised", runExport},
		{"token", "print a bearer token for a role and subject, signed with the service's key", runToken},
		{"audit", "list who reached a person's data, from the audit log (admins only)", runAudit},
	}
}

func run(ctx context.Context, args []string, getenv env, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		usage(stdout)
		if len(args) == 0 {
			return usageError{"no subcommand given"}
		}
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], getenv, stdin, stdout, stderr)
		}
	}
	usage(stderr)
	return usageError{fmt.Sprintf("unknown subcommand %q", args[0])}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "careweb — see and measure webs of care")
	fmt.Fprintln(w, "\nUsage: careweb <command> [flags]   (careweb <command> --help for its flags)")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
}

// usageError is a mistake on the command line: exit code 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// exitCode translates an error to the process exit code once, here:
// 0 ok, 2 usage, 3 invalid input, 4 not found, 5 conflict, 6 unavailable,
// 7 forbidden or unauthenticated, 1 anything else.
func exitCode(err error, stderr io.Writer) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	var u usageError
	if errors.As(err, &u) {
		fmt.Fprintln(stderr, "careweb:", u.msg)
		return 2
	}
	fmt.Fprintln(stderr, "careweb:", care.ErrorMessage(err))
	for _, p := range care.ErrorProblems(err) {
		fmt.Fprintln(stderr, "  -", p.String())
	}
	switch care.ErrorCode(err) {
	case care.Invalid:
		return 3
	case care.NotFound:
		return 4
	case care.Conflict:
		return 5
	case care.Unavailable:
		return 6
	case care.Forbidden, care.Unauthenticated:
		return 7
	}
	return 1
}

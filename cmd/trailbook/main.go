// Command trailbook is an investigation notebook for AWS CloudTrail logs: DQL queries
// over an embedded store or raw files, a Jupyter-compatible kernel server and a
// browser UI, in one binary. This package only parses flags and wires packages.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sort"
	"strings"
)

// Exit codes of every subcommand (spec/interfaces.md).
const (
	exitOK    = 0
	exitFail  = 1 // the work failed: query, ingest or cell error
	exitUsage = 2 // unknown flag, missing argument
)

// usageError marks an error as a usage error (exit 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// oneArg returns the one positional argument a command takes, or the usage error
// that says it is missing (with hint) or that there are more.
func oneArg(pos []string, what, hint string) (string, error) {
	switch {
	case len(pos) == 0:
		return "", usagef("missing %s%s", what, hint)
	case len(pos) > 1:
		return "", usagef("expected one %s, found %d arguments", what, len(pos))
	}
	return pos[0], nil
}

// errReported says the command already printed its error.
var errReported = errors.New("reported")

type command struct {
	name    string
	summary string
	run     func(args []string, stdout, stderr io.Writer) error
}

var commands = map[string]command{}

func register(c command) { commands[c.name] = c }

func mainUsage(w io.Writer) {
	fmt.Fprintf(w, "trailbook: an investigation notebook for AWS CloudTrail logs\n\nUsage:\n  trailbook COMMAND [flags]\n\nCommands:\n")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintf(w, "\nRun 'trailbook COMMAND --help' for a command's flags.\n")
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			// Bad input never panics by design; if something does, say so plainly and
			// keep the stack out of the user's way unless asked for.
			fmt.Fprintf(stderr, "error: internal error: %v\n", r)
			if os.Getenv("TRAILBOOK_DEBUG") != "" {
				stderr.Write(debug.Stack())
			}
			code = exitFail
		}
	}()
	if len(args) == 0 {
		mainUsage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "--help", "help":
		mainUsage(stdout)
		return exitOK
	case "--version", "version":
		fmt.Fprintln(stdout, "trailbook", version())
		return exitOK
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "trailbook: unknown command %q\n\n", args[0])
		mainUsage(stderr)
		return exitUsage
	}
	err := c.run(args[1:], stdout, stderr)
	var ue *usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "trailbook %s: %s\nRun 'trailbook %s --help' for usage.\n", c.name, ue.msg, c.name)
		return exitUsage
	case errors.Is(err, errReported):
		return exitFail
	}
	fmt.Fprintf(stderr, "error: %s\n", err)
	return exitFail
}

func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "devel"
}

// parseFlags parses flags anywhere among the arguments (Go's flag package stops at
// the first positional one) and returns the positional arguments.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "-h" || a == "-help" || a == "--help" {
			helpers[fs]()
			return nil, flag.ErrHelp
		}
	}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, &usageError{strings.TrimPrefix(err.Error(), "flag provided but not defined: ")}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// helpers holds each flag set's help printer; flag's own Usage stays silent so that a
// bad flag never prints usage onto stdout, where results go.
var helpers = map[*flag.FlagSet]func(){}

// newFlagSet returns a flag set whose --help prints usage and description to stdout.
func newFlagSet(name, usage, about string, stdout io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	helpers[fs] = func() {
		fmt.Fprintf(stdout, "Usage: trailbook %s\n\n%s\n\nFlags:\n", usage, strings.TrimSpace(about))
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	return fs
}

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

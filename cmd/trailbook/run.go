package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/trailbook/trailbook/kernel"
	"github.com/trailbook/trailbook/kernel/dql/funcs"
	"github.com/trailbook/trailbook/kernel/protocol"
	"github.com/trailbook/trailbook/kernel/script"
	"github.com/trailbook/trailbook/kernel/scriptcell"
	"github.com/trailbook/trailbook/notebook"
	"github.com/trailbook/trailbook/notebook/report"
	nbrun "github.com/trailbook/trailbook/notebook/run"
	"github.com/trailbook/trailbook/renderers/bundle"
	"github.com/trailbook/trailbook/renderers/chart"
	"github.com/trailbook/trailbook/renderers/table"
	"github.com/trailbook/trailbook/templates"
)

func init() {
	register(command{name: "run", summary: "execute a notebook headless; write the executed notebook and an HTML report", run: runRun})
}

const runAbout = `
Executes every cell of a notebook (or a template) in order, without a browser, in a
kernel like the one 'trailbook serve' runs, and writes the executed notebook: nbformat
4.5 with each cell's outputs, as Jupyter, nbconvert and papermill write them.

Parameters: a notebook that declares parameters (metadata.trailbook.parameters, as
the templates do) takes their values with --param NAME=VALUE; the others keep their
defaults. An unknown name or a value of the wrong type is a usage error (exit 2).

Output: -o FILE (- for stdout); without -o, NAME.out.ipynb beside NAME.ipynb (as
'jupyter nbconvert --execute --to notebook' writes NAME.nbconvert.ipynb): the input
is never overwritten. --html REPORT.html also writes a self-contained report that
opens offline: Markdown, code, tables and charts, with nothing loaded from anywhere.

Like nbconvert and papermill, the run stops at the first failed cell (later cells are
left unexecuted) unless --keep-going; the notebook is written all the same, with the
error in that cell, and the exit status is 1. Ctrl-C interrupts the running cell and
writes what ran. Progress goes to stderr, one line per cell.

Logs come from --input files, else --victorialogs, else the store in --data, else
(no data ingested) the embedded demo data, which it says on stderr.

Examples:
  trailbook run triage.ipynb --html triage.html
  trailbook run failures.ipynb --param user=alice --param timeframe=-7d -o alice.ipynb
  trailbook run --input ./AWSLogs --now 2024-03-01T16:30:00Z report.ipynb -o -`

type runFlags struct {
	params        stringList
	out           string
	html          string
	data          string
	vl            string
	partial       bool
	inputs        stringList
	bucket        string
	endpoint      string
	now           string
	timeout       time.Duration
	scriptTimeout time.Duration
	keepGoing     bool
	rows          int
}

// register adds the flags that 'run' and 'template run' share: parameters, the
// report, the log source, the clock and the limits of the run (not -o, whose
// default differs).
func (f *runFlags) register(fs *flag.FlagSet) {
	fs.Var(&f.params, "param", "set the parameter `NAME=VALUE`; repeatable")
	fs.StringVar(&f.html, "html", "", "also write a self-contained HTML report to `FILE`")
	fs.StringVar(&f.data, "data", "", "store `DIR` (default $TRAILBOOK_DATA, else ./trailbook-data)")
	registerVictoriaLogs(fs, &f.vl, &f.partial)
	fs.Var(&f.inputs, "input", "read logs from `PATH` (file, directory, s3://bucket/prefix) instead of the store; repeatable")
	fs.StringVar(&f.bucket, "bucket", "default_logs", "dt.system.bucket of records read with --input")
	fs.StringVar(&f.endpoint, "endpoint", "", "S3-compatible endpoint `URL` for s3:// inputs")
	fs.StringVar(&f.now, "now", "", "fix now() to `TIMESTAMP` (e.g. 2024-03-01T16:30:00Z), for reproducible runs")
	fs.DurationVar(&f.timeout, "timeout", 0, "interrupt a cell that runs longer than this (0: no limit)")
	fs.DurationVar(&f.scriptTimeout, "script-timeout", script.DefaultTimeout, "time limit of a %%js cell")
	fs.BoolVar(&f.keepGoing, "keep-going", false, "run the cells after a failed one too")
	fs.IntVar(&f.rows, "rows", bundle.DefaultRows, "table rows kept in each table output (and shown in the report)")
}

// check reports a usage error in the shared flags.
func (f *runFlags) check() error {
	switch {
	case f.rows < 1:
		return usagef("--rows must be at least 1")
	case f.timeout < 0:
		return usagef("--timeout must not be negative")
	}
	return nil
}

func runRun(args []string, stdout, stderr io.Writer) error {
	var f runFlags
	fs := newFlagSet("run", "run NOTEBOOK.ipynb [--param NAME=VALUE]… [-o OUT.ipynb] [--html REPORT.html] [flags]", runAbout, stdout)
	fs.StringVar(&f.out, "o", "", "write the executed notebook to `FILE` (- for stdout; default NAME.out.ipynb beside the input)")
	f.register(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	input, err := oneArg(pos, "NOTEBOOK.ipynb", "")
	if err != nil {
		return err
	}
	if err := f.check(); err != nil {
		return err
	}
	if f.html == "-" && (f.out == "-" || f.out == "" && input == "-") {
		return usagef("the notebook and the report cannot both go to stdout: give -o FILE or --html FILE")
	}
	given, err := paramValues(f.params)
	if err != nil {
		return err
	}
	now, err := f.clock()
	if err != nil {
		return err
	}
	out := f.out
	if out == "" {
		if input == "-" {
			out = "-"
		} else {
			out = strings.TrimSuffix(input, filepath.Ext(input)) + ".out.ipynb"
		}
	}

	nb, err := readNotebook(input)
	if err != nil {
		return err
	}
	if nb, err = applyParams(nb, given); err != nil {
		return err
	}

	opt, closeSource, err := f.options(now, stderr)
	if err != nil {
		return err
	}
	defer closeSource()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ex, runErr := nbrun.Notebook(ctx, nb, opt)
	if ex == nil {
		return runErr // nothing ran: the notebook's timeframe is invalid
	}
	if err := f.write(ex, out, stdout, stderr); err != nil {
		return err
	}
	return runOutcome(ex, runErr, stderr)
}

// clock returns the time of --now, else the current time.
func (f *runFlags) clock() (time.Time, error) {
	if f.now == "" {
		return time.Now(), nil
	}
	ns, ok := funcs.ParseTimestamp(f.now, time.UTC)
	if !ok {
		return time.Time{}, usagef("--now: cannot read %q as a timestamp", f.now)
	}
	return time.Unix(0, ns).UTC(), nil
}

// options opens the log source and returns the options of the run, and what to
// call when it is over. now is the clock's time; now() is fixed to it with --now.
func (f *runFlags) options(now time.Time, stderr io.Writer) (nbrun.Options, func(), error) {
	src, closeSource, err := openSource(sourceFlags{inputs: f.inputs, bucket: f.bucket, endpoint: f.endpoint, data: f.data, now: now, victorialogs: f.vl, partial: f.partial}, stderr)
	if err != nil {
		return nbrun.Options{}, nil, err
	}
	kopt := kernel.Options{
		Source:   src,
		Renderer: bundle.Renderer{Rows: f.rows},
		Scripts:  scriptcell.Factory(f.scriptTimeout),
		Logger:   slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	}
	if f.now != "" {
		kopt.Now = func() time.Time { return now }
	}
	return nbrun.Options{
		Kernel:      kopt,
		CellTimeout: f.timeout,
		KeepGoing:   f.keepGoing,
		Progress:    progressPrinter(stderr, cellSource, 40),
	}, closeSource, nil
}

// write writes the executed notebook to out (- for stdout) and, with --html, the
// report, and says on stderr what it wrote.
func (f *runFlags) write(ex *nbrun.Executed, out string, stdout, stderr io.Writer) error {
	if err := writeOutput(out, stdout, func(w io.Writer) error {
		data, err := notebook.Encode(ex.Notebook)
		if err != nil {
			return err
		}
		_, err = w.Write(data)
		return err
	}); err != nil {
		return err
	}
	if f.html != "" {
		if err := writeOutput(f.html, stdout, func(w io.Writer) error {
			return report.Write(w, ex.Notebook, report.Options{ECharts: reportECharts(), MaxRows: f.rows, Generated: time.Now()})
		}); err != nil {
			return err
		}
	}
	if out != "-" {
		fmt.Fprintf(stderr, "wrote %s", out)
		if f.html != "" && f.html != "-" {
			fmt.Fprintf(stderr, " and %s", f.html)
		}
		fmt.Fprintln(stderr)
	}
	return nil
}

// runOutcome is the command's error at the end of a run: the run's own, an
// interrupt, or cells that failed.
func runOutcome(ex *nbrun.Executed, runErr error, stderr io.Writer) error {
	switch {
	case errors.Is(runErr, context.Canceled):
		fmt.Fprintln(stderr, "error: interrupted; the cells that ran are in the output")
		return errReported
	case runErr != nil:
		return runErr
	case ex.Failed > 0:
		fmt.Fprintf(stderr, "error: %d of %d cells failed\n", ex.Failed, len(ex.Cells))
		return errReported
	}
	return nil
}

// reportECharts returns the ECharts build reports inline to draw their charts: the
// UI's own (renderers/chart), "" when the binary was built without it, and then
// reports show each chart as its image.
func reportECharts() string {
	src, err := chart.Script()
	if err != nil {
		return ""
	}
	return string(chart.InlineScript(src))
}

// paramValues reads --param NAME=VALUE flags.
func paramValues(list []string) (map[string]string, error) {
	given := map[string]string{}
	for _, p := range list {
		name, val, ok := strings.Cut(p, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return nil, usagef("--param %q: want NAME=VALUE", p)
		}
		if _, dup := given[name]; dup {
			return nil, usagef("--param %s is given twice", name)
		}
		given[name] = val
	}
	return given, nil
}

// applyParams sets the notebook's parameters. A value that does not fit its
// declaration is a usage error (exit 2); a notebook whose cells refer to
// parameters it does not declare is a failed run (exit 1). A notebook without
// parameters, run without --param, is left exactly as it is.
func applyParams(nb *notebook.Notebook, given map[string]string) (*notebook.Notebook, error) {
	defs, err := templates.Parameters(nb)
	if err != nil {
		return nil, fmt.Errorf("the notebook's parameters: %w", err)
	}
	if len(defs) == 0 && len(given) == 0 {
		return nb, nil
	}
	nb, err = templates.Apply(nb, given)
	if errors.Is(err, templates.ErrParameter) {
		return nil, usagef("%v", err)
	}
	return nb, err
}

// readNotebook reads the notebook file, or standard input for "-".
func readNotebook(path string) (*notebook.Notebook, error) {
	if path != "-" {
		return notebook.Load(path)
	}
	data, err := io.ReadAll(os.Stdin)
	if err != nil {
		return nil, fmt.Errorf("cannot read the notebook from standard input: %w", err)
	}
	nb, err := notebook.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("cannot read the notebook from standard input: %w", err)
	}
	return nb, nil
}

// writeOutput writes a file through write, or stdout for "-". A file is written
// to a temporary name and renamed, so that an interrupted run never leaves half a
// notebook where a whole one was.
func writeOutput(path string, stdout io.Writer, write func(io.Writer) error) error {
	if path == "-" {
		return write(stdout)
	}
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // after the rename, nothing is left to remove
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	return nil
}

// progressPrinter prints one line per ended cell on stderr:
//
//	cell 2/5  fetch logs, from: -7d | filter …   0.21s  42 records
//	cell 3/5  %%js                               0.01s  ScriptError: 1:7: x is not defined
//
// followed, for a failed cell, by its traceback indented. label names the cell
// (its first line, or its name for template run) in a column width wide.
func progressPrinter(w io.Writer, label func(nbrun.Progress) string, width int) func(nbrun.Progress) {
	return func(p nbrun.Progress) {
		if !p.Done {
			return
		}
		line := fmt.Sprintf("cell %d/%d  %-*s  %6s  ", p.Index+1, p.Cells, width, label(p), elapsed(p.Elapsed))
		switch {
		case p.Err != nil:
			line += table.Clean(p.Err.Ename + ": " + firstLine(p.Err.Evalue, 200))
		case p.Result != nil:
			line += table.CountLine(p.Result.Total, p.Result.Total)
		default:
			line += "ok"
		}
		fmt.Fprintln(w, line)
		if p.Err != nil {
			for _, l := range traceback(p.Err) {
				fmt.Fprintln(w, "  "+table.Clean(l))
			}
		}
	}
}

// cellSource labels a cell by its first line of source.
func cellSource(p nbrun.Progress) string { return cellLine(string(p.Cell.Source)) }

// traceback returns the lines of an error worth printing under its summary: the
// query line and caret of a DQL error, a script's stack.
func traceback(e *protocol.ErrorContent) []string {
	if len(e.Traceback) == 1 && e.Traceback[0] == e.Evalue {
		return nil
	}
	var out []string
	for _, l := range e.Traceback {
		if l != e.Evalue { // the summary line says it already
			out = append(out, strings.Split(strings.TrimRight(l, "\n"), "\n")...)
		}
	}
	return out
}

// cellLine describes a cell by its first line of code: "fetch logs, from: -7d",
// "%%js const top = …".
func cellLine(src string) string {
	const width = 40
	first := firstLine(src, width)
	if !strings.HasPrefix(first, "%%") {
		return first
	}
	_, rest, _ := strings.Cut(strings.TrimLeft(src, " \t\r\n"), "\n")
	if next := firstLine(rest, width); next != "" {
		return firstLine(first+" "+next, width)
	}
	return first
}

// firstLine returns the first non-empty line of s, cut to n characters.
func firstLine(s string, n int) string {
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(table.Clean(l)); l != "" && !strings.HasPrefix(l, "//") {
			if utf8.RuneCountInString(l) > n {
				l = string([]rune(l)[:n-1]) + "…"
			}
			return l
		}
	}
	return ""
}

// elapsed prints a duration briefly: 12ms, 1.24s, 2m3s.
func elapsed(d time.Duration) string {
	switch {
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	case d < time.Minute:
		return fmt.Sprintf("%.2fs", d.Seconds())
	}
	return d.Round(time.Second).String()
}

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/trailbook/trailbook/kernel/dql"
	"github.com/trailbook/trailbook/kernel/dql/exec"
	"github.com/trailbook/trailbook/kernel/dql/funcs"
	"github.com/trailbook/trailbook/kernel/dql/plan"
	"github.com/trailbook/trailbook/kernel/dql/value"
	"github.com/trailbook/trailbook/renderers/export"
	"github.com/trailbook/trailbook/renderers/table"
)

func init() {
	register(command{name: "query", summary: "run one DQL query and print its result", run: runQuery})
}

const queryAbout = `
Runs one DQL query (see docs/dql.md) and prints its result to stdout. The query is
the argument, a file (-f FILE), or standard input (-).

Logs come from --input files read directly, else from the store in --data, else (no
data ingested) from the embedded demo data set.

Examples:
  trailbook query 'fetch logs, from: -30min | summarize count(), by: {aws.region}'
  trailbook query --input ./AWSLogs --bucket my_aws_bucket -f failures.dql
  trailbook query --format jsonl 'data record(a = 1) | fieldsAdd b = a + 1'`

// queryFlags are the flags that select data and time, shared by query and chart.
type queryFlags struct {
	format   string
	file     string
	inputs   stringList
	bucket   string
	endpoint string
	now      string
	from, to string
	data     string
	noPush   bool
	timeout  time.Duration
	vl       string // --victorialogs
	partial  bool   // --partial
	explain  bool
}

func (q *queryFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&q.file, "f", "", "read the query from `FILE`")
	fs.Var(&q.inputs, "input", "read logs from `PATH` (file, directory, s3://bucket/prefix) instead of the store; repeatable")
	fs.StringVar(&q.bucket, "bucket", "default_logs", "dt.system.bucket of records read with --input")
	fs.StringVar(&q.endpoint, "endpoint", "", "S3-compatible endpoint `URL` for s3:// inputs")
	fs.StringVar(&q.now, "now", "", "fix now() to `TIMESTAMP` (e.g. 2024-03-01T16:30:00Z)")
	fs.StringVar(&q.from, "from", "", "default start of fetch: a DQL duration like -2h or a timestamp (default: 2 hours before now)")
	fs.StringVar(&q.to, "to", "", "default end of fetch: a duration or a timestamp (default: now)")
	fs.StringVar(&q.data, "data", "", "store `DIR` (default $TRAILBOOK_DATA, else ./trailbook-data)")
	fs.BoolVar(&q.noPush, "no-pushdown", false, "do not hand filters to the log source (for comparisons)")
	fs.DurationVar(&q.timeout, "timeout", 0, "stop the query after this long (0: no limit)")
	registerVictoriaLogs(fs, &q.vl, &q.partial)
	fs.BoolVar(&q.explain, "explain", false, "print on stderr what each fetch asks of the log source (the LogsQL sent to VictoriaLogs) and what runs in trailbook")
}

func runQuery(args []string, stdout, stderr io.Writer) error {
	var q queryFlags
	fs := newFlagSet("query", "query [flags] (QUERY | -f FILE | -)", queryAbout, stdout)
	q.register(fs)
	fs.StringVar(&q.format, "format", "", "output `FORMAT`: table, json, jsonl or csv (default: table on a terminal, jsonl otherwise)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	src, err := q.querySource(pos)
	if err != nil {
		return err
	}
	format := q.format
	if format == "" {
		format = "jsonl"
		if isTerminal(os.Stdout) && stdout == os.Stdout {
			format = "table"
		}
	}
	switch format {
	case "table", "json", "jsonl", "csv":
	default:
		return usagef("unknown --format %q: use table, json, jsonl or csv", format)
	}
	ctx, p, eopt, done, err := q.prepare(src, stderr)
	if err != nil {
		return err
	}
	defer done()
	if format == "jsonl" || format == "json" {
		// Stream: the result never has to fit in memory.
		warnings, err := streamResult(ctx, stdout, format, p, eopt)
		printRuntimeWarnings(stderr, warnings)
		if err != nil {
			return reportQueryError(stderr, err, q.timeout)
		}
		return nil
	}
	res, err := exec.Run(ctx, p, eopt)
	if err != nil {
		return reportQueryError(stderr, err, q.timeout)
	}
	printRuntimeWarnings(stderr, res.Warnings[len(exec.Warnings(p)):])
	return writeResult(stdout, format, res)
}

// prepare compiles a query as its flags ask and prints the compiler's warnings: it
// returns the plan, the options to run it with, and a context that ends on Ctrl-C
// or --timeout. done releases the log source and the context.
func (q *queryFlags) prepare(src string, stderr io.Writer) (ctx context.Context, p *plan.Plan, eopt exec.Options, done func(), err error) {
	opt, cleanup, err := q.options(stderr)
	if err != nil {
		return nil, nil, eopt, nil, err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	cancel := context.CancelFunc(func() {})
	if q.timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, q.timeout)
	}
	done = func() { cancel(); stop(); cleanup() }
	if p, err = dql.Compile(src, opt); err != nil {
		done()
		return nil, nil, eopt, nil, reportQueryError(stderr, err, q.timeout)
	}
	for _, w := range exec.Warnings(p) {
		fmt.Fprintf(stderr, "warning: %s\n", w)
	}
	eopt = exec.Options{Source: opt.Source, NoPushdown: opt.NoPushdown}
	if q.explain {
		eopt.Trace = func(msg string) { fmt.Fprintf(stderr, "explain: %s\n", msg) }
	}
	return ctx, p, eopt, done, nil
}

// printRuntimeWarnings prints what the log source said while the query ran: a
// partial answer (--partial) must never look like a full one.
func printRuntimeWarnings(stderr io.Writer, warnings []string) {
	for _, w := range warnings {
		fmt.Fprintf(stderr, "warning: %s\n", w)
	}
}

// reportQueryError prints a query's error as the CLI shows it and returns
// errReported: query errors with line, column and caret, interrupts in words.
func reportQueryError(stderr io.Writer, err error, timeout time.Duration) error {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		fmt.Fprintf(stderr, "error: the query did not finish within --timeout %s\n", timeout)
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "error: the query was interrupted")
	default:
		fmt.Fprintf(stderr, "error: %s\n", dql.Report(err))
	}
	return errReported
}

// resultWriter is a streaming encoder of records.
type resultWriter interface {
	Write([]*value.Record) error
	Close() error
}

// streamResult runs p and writes its records as they come. It returns what the
// sources warned about while it ran.
func streamResult(ctx context.Context, w io.Writer, format string, p *plan.Plan, opt exec.Options) ([]string, error) {
	it, err := exec.Open(ctx, p, opt)
	if err != nil {
		return nil, err
	}
	defer it.Close()
	var out resultWriter = export.NewJSONL(w)
	if format == "json" {
		out = export.NewGrail(w)
	}
	for {
		batch, err := it.Next(ctx)
		if err != nil {
			out.Close()
			return exec.RuntimeWarnings(it), err
		}
		if batch == nil {
			return exec.RuntimeWarnings(it), out.Close()
		}
		if err := out.Write(batch); err != nil {
			return exec.RuntimeWarnings(it), err
		}
	}
}

// querySource returns the query text from the argument, -f FILE or stdin.
func (q *queryFlags) querySource(pos []string) (string, error) {
	switch {
	case q.file != "" && len(pos) > 0:
		return "", usagef("give the query as an argument or with -f, not both")
	case q.file != "":
		b, err := os.ReadFile(q.file)
		if err != nil {
			return "", fmt.Errorf("cannot read query: %w", err)
		}
		return string(b), nil
	case len(pos) == 0:
		return "", usagef("missing QUERY (or -f FILE, or - for standard input)")
	case len(pos) > 1:
		return "", usagef("expected one QUERY argument, found %d (quote the query)", len(pos))
	case pos[0] == "-":
		b, err := io.ReadAll(os.Stdin)
		if err != nil {
			return "", fmt.Errorf("cannot read query from standard input: %w", err)
		}
		return string(b), nil
	}
	return pos[0], nil
}

// options resolves time flags and the log source.
func (q *queryFlags) options(stderr io.Writer) (dql.Options, func(), error) {
	var opt dql.Options
	now := time.Now()
	if q.now != "" {
		ns, ok := funcs.ParseTimestamp(q.now, time.UTC)
		if !ok {
			return opt, nil, usagef("--now: cannot read %q as a timestamp", q.now)
		}
		now = time.Unix(0, ns).UTC()
	}
	opt.Now = now
	if q.from != "" || q.to != "" {
		from, to := now.Add(-2*time.Hour), now
		var err error
		if q.from != "" {
			if from, err = funcs.TimePoint(q.from, now, time.UTC); err != nil {
				return opt, nil, usagef("--from: %v", err)
			}
		}
		if q.to != "" {
			if to, err = funcs.TimePoint(q.to, now, time.UTC); err != nil {
				return opt, nil, usagef("--to: %v", err)
			}
		}
		opt.From, opt.To = from, to
	}
	opt.NoPushdown = q.noPush
	src, cleanup, err := openSource(sourceFlags{inputs: q.inputs, bucket: q.bucket, endpoint: q.endpoint, data: q.data, now: now, victorialogs: q.vl, partial: q.partial}, stderr)
	if err != nil {
		return opt, nil, err
	}
	opt.Source = src
	if q.explain {
		opt.Source = explainSource{src, stderr}
	}
	return opt, cleanup, nil
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// writeResult prints a result in one of the --format encodings.
func writeResult(w io.Writer, format string, res *exec.Result) error {
	switch format {
	case "jsonl":
		j := export.NewJSONL(w)
		if err := j.Write(res.Records); err != nil {
			return err
		}
		return j.Close()
	case "json":
		g := export.NewGrail(w)
		if err := g.Write(res.Records); err != nil {
			return err
		}
		return g.Close()
	case "csv":
		c, err := export.NewCSV(w, res.Columns())
		if err != nil {
			return err
		}
		if err := c.Write(res.Records); err != nil {
			return err
		}
		return c.Close()
	}
	return table.Write(w, res.Columns(), res.Records)
}

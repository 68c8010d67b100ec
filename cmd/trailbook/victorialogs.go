package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/trailbook/trailbook/kernel/dql/exec"
	"github.com/trailbook/trailbook/kernel/dql/value"
	"github.com/trailbook/trailbook/kernel/store"
	"github.com/trailbook/trailbook/kernel/store/victorialogs"
)

// victoriaLogsUsage is the help text of --victorialogs, on every command that reads
// or writes logs (spec/interfaces.md).
const victoriaLogsUsage = "keep logs in the VictoriaLogs node or cluster at `URL` (the node serving /insert and /select) instead of --data (default $TRAILBOOK_VICTORIALOGS)"

// defaultVictoriaLogs is $TRAILBOOK_VICTORIALOGS, the default of --victorialogs.
func defaultVictoriaLogs() string { return os.Getenv("TRAILBOOK_VICTORIALOGS") }

// openVictoriaLogs returns the Source of --victorialogs URL; partial is --partial.
func openVictoriaLogs(url string, partial bool) (exec.Source, func(), error) {
	cl, err := victorialogs.New(url)
	if err != nil {
		return nil, nil, usagef("--victorialogs: %v", err)
	}
	cl.Partial = partial
	return cl, func() {}, nil
}

// runIngestVictoriaLogs is `trailbook ingest --victorialogs URL`: the same readers,
// progress bar, warnings and summary line as ingest into the store.
func runIngestVictoriaLogs(url string, paths []string, bucket, endpoint string, quiet bool, stderr io.Writer) error {
	cl, err := victorialogs.New(url)
	if err != nil {
		return usagef("--victorialogs: %v", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	bar := newProgressBar(stderr, !quiet && isTerminal(os.Stderr) && stderr == os.Stderr)
	stats, err := cl.Ingest(ctx, paths, victorialogs.IngestOptions{Bucket: bucket, Endpoint: endpoint, Progress: bar.update})
	bar.done()
	printIngestResult(stats, stderr)
	if err != nil {
		return fmt.Errorf("cannot ingest into VictoriaLogs at %s: %w", cl.URL(), err)
	}
	if stats.Events == 0 && (stats.Malformed > 0 || stats.FailedFiles > 0) {
		return fmt.Errorf("nothing could be read")
	}
	return nil
}

// printIngestResult prints the first problems and the summary line, as the store's
// ingest does.
func printIngestResult(stats store.IngestStats, stderr io.Writer) {
	for i, p := range stats.Problems {
		if i == 20 {
			fmt.Fprintf(stderr, "warning: … and more problems (%d malformed records in all)\n", stats.Malformed)
			break
		}
		fmt.Fprintf(stderr, "warning: %s\n", p.String())
	}
	fmt.Fprintln(stderr, stats.SummaryLine())
}

// explainSource is --explain: it prints what each fetch asks of the Source, and for
// VictoriaLogs the LogsQL query sent, before scanning.
type explainSource struct {
	exec.Source
	w io.Writer
}

func (e explainSource) Scan(ctx context.Context, req exec.ScanRequest) (exec.Iterator, error) {
	buckets := "every bucket"
	if req.Buckets != nil {
		buckets = fmt.Sprintf("buckets %q", req.Buckets)
	}
	fmt.Fprintf(e.w, "explain: fetch [%s, %s), %s, %d filters handed to the source:\n",
		time.Unix(0, req.From).UTC().Format(time.RFC3339Nano), time.Unix(0, req.To).UTC().Format(time.RFC3339Nano), buckets, len(req.Filters))
	for _, p := range req.Filters {
		fmt.Fprintf(e.w, "explain:   %s %s %s\n", strings.Join(p.Path, "."), p.Op, formatValues(p.Values))
	}
	if _, ok := e.Source.(*victorialogs.Client); ok {
		q, pushed := victorialogs.Explain(req)
		fmt.Fprintf(e.w, "explain: LogsQL (%d of them pushed down): %s\n", pushed, q)
	}
	fmt.Fprintf(e.w, "explain: every command after fetch runs in trailbook, filters included\n")
	return e.Source.Scan(ctx, req)
}

// Aggregate prints what an aggregation asks of the Source and, for VictoriaLogs, the
// stats query and the scan of the records it leaves to trailbook.
func (e explainSource) Aggregate(ctx context.Context, req exec.AggregateRequest) (*exec.Aggregation, error) {
	ag, ok := e.Source.(exec.Aggregator)
	if !ok {
		return nil, fmt.Errorf("%w: the log source does not aggregate", exec.ErrNotAggregated)
	}
	var by []string
	for _, p := range req.By {
		by = append(by, strings.Join(p, "."))
	}
	var aggs []string
	for _, a := range req.Aggs {
		aggs = append(aggs, fmt.Sprintf("%s(%s)", a.Func, strings.Join(a.Path, ".")))
	}
	slots := ""
	if req.Interval > 0 {
		slots = fmt.Sprintf(", per %s slot", time.Duration(req.Interval))
	}
	fmt.Fprintf(e.w, "explain: aggregation handed to the source: %s by {%s}%s, over [%s, %s) after %d filters\n", strings.Join(aggs, ", "),
		strings.Join(by, ", "), slots, time.Unix(0, req.Scan.From).UTC().Format(time.RFC3339Nano), time.Unix(0, req.Scan.To).UTC().Format(time.RFC3339Nano), len(req.Where))
	if _, ok := e.Source.(*victorialogs.Client); ok {
		stats, rest, err := victorialogs.ExplainAggregate(req)
		if err != nil {
			fmt.Fprintf(e.w, "explain: VictoriaLogs cannot aggregate it exactly: %v\n", err)
		} else {
			fmt.Fprintf(e.w, "explain: LogsQL stats, aggregated by VictoriaLogs: %s\n", stats)
			fmt.Fprintf(e.w, "explain: LogsQL scan of the events it cannot aggregate exactly (numbers, objects, \"\", null or past the flattening limits where the query looks), aggregated in trailbook: %s\n", rest)
		}
	}
	return ag.Aggregate(ctx, req)
}

func formatValues(vs []value.Value) string {
	var parts []string
	for _, v := range vs {
		parts = append(parts, string(value.AppendJSONL(nil, v)))
	}
	return strings.Join(parts, ", ")
}

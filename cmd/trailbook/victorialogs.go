package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/trailbook/trailbook/kernel/dql/exec"
	"github.com/trailbook/trailbook/kernel/store"
	"github.com/trailbook/trailbook/kernel/store/victorialogs"
)

// victoriaLogsUsage is the help text of --victorialogs, on every command that reads
// or writes logs (spec/interfaces.md).
const victoriaLogsUsage = "keep logs in the VictoriaLogs node or cluster at `URL` (the node serving /insert and /select) instead of --data (default $TRAILBOOK_VICTORIALOGS)"

// defaultVictoriaLogs is $TRAILBOOK_VICTORIALOGS, the default of --victorialogs.
func defaultVictoriaLogs() string { return os.Getenv("TRAILBOOK_VICTORIALOGS") }

// openVictoriaLogs returns the Source of --victorialogs URL.
func openVictoriaLogs(url string) (exec.Source, func(), error) {
	cl, err := victorialogs.New(url)
	if err != nil {
		return nil, nil, usagef("--victorialogs: %v", err)
	}
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

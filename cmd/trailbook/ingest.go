package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/trailbook/trailbook/kernel/store"
)

func init() {
	register(command{name: "ingest", summary: "load CloudTrail logs into the store", run: runIngest})
}

const ingestAbout = `
Loads CloudTrail logs into the store in --data. PATH is a file, a directory (walked),
- for standard input, or s3://bucket/prefix (credentials and region from the standard
AWS environment and config files; --endpoint for S3-compatible stores such as MinIO).

Accepted: S3 delivery files {"Records":[...]} (.json or .json.gz), JSON lines, JSON
arrays of events, CloudWatch Logs exports and subscription payloads. Digest files are
recognised and skipped. Malformed records are counted and reported with file and line;
every good record is kept. Ingesting the same events twice stores them once.

Prints a progress bar on a terminal and one summary line at the end:
  ingested N events (M new), skipped S files, malformed K records, from F files in T`

func runIngest(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("ingest", "ingest [flags] PATH...", ingestAbout, stdout)
	data := fs.String("data", "", "store `DIR` (default $TRAILBOOK_DATA, else ./trailbook-data)")
	bucket := fs.String("bucket", store.DefaultBucket, "dt.system.bucket of the ingested events")
	endpoint := fs.String("endpoint", "", "S3-compatible endpoint `URL` for s3:// paths")
	quiet := fs.Bool("quiet", false, "no progress bar")
	vl := fs.String("victorialogs", defaultVictoriaLogs(), victoriaLogsUsage)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usagef("missing PATH (a file, a directory, - or s3://bucket/prefix)")
	}
	if *vl != "" {
		return runIngestVictoriaLogs(*vl, pos, *bucket, *endpoint, *quiet, stderr)
	}
	dir := *data
	if dir == "" {
		dir = defaultDataDir()
	}
	st, err := store.Open(dir)
	if err != nil {
		return fmt.Errorf("cannot open the store in %s: %w", dir, err)
	}
	defer st.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	bar := newProgressBar(stderr, !*quiet && isTerminal(os.Stderr) && stderr == os.Stderr)
	stats, err := st.Ingest(ctx, pos, store.IngestOptions{Bucket: *bucket, Endpoint: *endpoint, Progress: bar.update})
	bar.done()
	for i, p := range stats.Problems {
		if i == 20 {
			fmt.Fprintf(stderr, "warning: … and more problems (%d malformed records in all)\n", stats.Malformed)
			break
		}
		fmt.Fprintf(stderr, "warning: %s\n", p.String())
	}
	fmt.Fprintln(stderr, stats.SummaryLine())
	if err != nil {
		return err
	}
	if stats.Events == 0 && (stats.Malformed > 0 || stats.FailedFiles > 0) {
		return fmt.Errorf("nothing could be read")
	}
	return nil
}

// progressBar draws bytes and events read, the rate and an ETA on a terminal.
type progressBar struct {
	w     io.Writer
	on    bool
	start time.Time
	drawn bool
}

func newProgressBar(w io.Writer, on bool) *progressBar {
	return &progressBar{w: w, on: on, start: time.Now()}
}

func (b *progressBar) update(p store.IngestProgress) {
	if !b.on {
		return
	}
	el := time.Since(b.start).Seconds()
	rate := 0.0
	if el > 0 {
		rate = float64(p.BytesRead) / el
	}
	line := fmt.Sprintf("%s read, %d events (%d new), %s/s", humanBytes(p.BytesRead), p.Events, p.New, humanBytes(int64(rate)))
	if p.BytesTotal > 0 {
		frac := min(float64(p.BytesRead)/float64(p.BytesTotal), 1)
		const width = 30
		filled := int(frac * width)
		eta := ""
		if rate > 0 && frac < 1 {
			eta = fmt.Sprintf(", ETA %s", time.Duration(float64(p.BytesTotal-p.BytesRead)/rate*float64(time.Second)).Round(time.Second))
		}
		line = fmt.Sprintf("[%s%s] %3.0f%% %s%s", strings.Repeat("█", filled), strings.Repeat("░", width-filled), frac*100, line, eta)
	}
	fmt.Fprintf(b.w, "\r\033[K%s", line)
	b.drawn = true
}

func (b *progressBar) done() {
	if b.drawn {
		fmt.Fprint(b.w, "\r\033[K")
	}
}

func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// Command victorialogs-bench measures trailbook over a VictoriaLogs cluster on
// loopback against the embedded store: it generates CloudTrail events, starts a
// cluster (two storage nodes and one insert/select node), ingests the events into it
// and into a store, and runs every tutorial query with pushdown, without pushdown
// (every record streamed to the local engine) and over the store, counting the bytes
// the cluster sends. It writes a Markdown report.
//
//	go run ./bench/victorialogs -events 1000000 -o bench/victorialogs/RESULTS.md
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/trailbook/trailbook/kernel/dql"
	"github.com/trailbook/trailbook/kernel/dql/exec"
	"github.com/trailbook/trailbook/kernel/store"
	"github.com/trailbook/trailbook/kernel/store/victorialogs"
	"github.com/trailbook/trailbook/kernel/store/victorialogs/vltest"
)

func main() {
	events := flag.Int("events", 1_000_000, "events to generate")
	out := flag.String("o", "", "write the report to `FILE` (default stdout)")
	work := flag.String("dir", "", "work `DIR` (default a temporary directory, removed at the end)")
	runs := flag.Int("runs", 3, "runs per query and mode; the median is reported")
	tutorial := flag.String("tutorial", "../shared/tutorial", "tutorial query `DIR`")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the VictoriaLogs ingest to `FILE`")
	flag.Parse()
	profile = *cpuprofile
	if err := bench(*events, *out, *work, *runs, *tutorial); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

// profile is the -cpuprofile file.
var profile string

func bench(n int, out, work string, runs int, tutorialDir string) error {
	if work == "" {
		d, err := os.MkdirTemp("", "trailbook-vlbench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		work = d
	}
	var rep strings.Builder
	logf := func(format string, args ...any) {
		fmt.Fprintf(os.Stderr, format+"\n", args...)
	}
	day := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	from, to := day.Format(time.RFC3339), day.Add(24*time.Hour).Format(time.RFC3339)

	logf("generating %d events", n)
	input := filepath.Join(work, "input")
	if err := os.MkdirAll(input, 0o755); err != nil {
		return err
	}
	_, inBytes, err := generate(input, n, day, 1)
	if err != nil {
		return fmt.Errorf("cannot generate events: %w", err)
	}

	bin, err := vltest.Binary()
	if err != nil {
		return err
	}
	c, err := vltest.Start(bin, filepath.Join(work, "cluster"), 2)
	if err != nil {
		return err
	}
	defer c.Close()
	// The client counts the bytes of every answer: what the cluster sends.
	var sent atomic.Int64
	cl, err := victorialogs.New(c.URL)
	if err != nil {
		return err
	}
	cl.HTTP = &http.Client{Transport: countingTransport{cl.HTTP.Transport, &sent}}

	logf("ingesting into VictoriaLogs")
	if profile != "" {
		f, err := os.Create(profile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
	}
	start := time.Now()
	vst, err := cl.Ingest(context.Background(), []string{input}, victorialogs.IngestOptions{Bucket: "my_aws_bucket"})
	if err != nil {
		return fmt.Errorf("ingest into VictoriaLogs: %w", err)
	}
	vlIngest := time.Since(start)
	pprof.StopCPUProfile()
	logf("  %s", vst.SummaryLine())

	logf("ingesting into the embedded store")
	st, err := store.Open(filepath.Join(work, "store"))
	if err != nil {
		return err
	}
	defer st.Close()
	start = time.Now()
	sst, err := st.Ingest(context.Background(), []string{input}, store.IngestOptions{Bucket: "my_aws_bucket"})
	if err != nil {
		return fmt.Errorf("ingest into the store: %w", err)
	}
	stIngest := time.Since(start)
	logf("  %s", sst.SummaryLine())

	// Sizes: VictoriaLogs after merging its parts, as it does over time.
	for _, a := range c.StorageAddrs() {
		if resp, err := http.Post("http://"+a+"/internal/force_merge", "", nil); err == nil {
			resp.Body.Close()
		}
	}
	time.Sleep(5 * time.Second) // merges run in the background; they are small here
	vlSize := dirSize(filepath.Join(work, "cluster"))
	stSize := dirSize(filepath.Join(work, "store"))

	fmt.Fprintf(&rep, "# trailbook over VictoriaLogs: measurements\n\n")
	fmt.Fprintf(&rep, "Machine: %s, %d cores (shared with other work while measuring), %s, %s/%s; VictoriaLogs %s;\n",
		cpuModel(), runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH, vltest.Version)
	fmt.Fprintf(&rep, "cluster on loopback: two storage nodes and one insert/select node, all on this machine.\n")
	fmt.Fprintf(&rep, "Data: %d generated CloudTrail events of one day (%s of JSON lines, %.0f bytes per event),\n", n, mib(inBytes), float64(inBytes)/float64(n))
	fmt.Fprintf(&rep, "8 accounts × 5 regions, one file per account, region and hour.\n\n")
	fmt.Fprintf(&rep, "## Ingest\n\n| target | time | events/s | input MB/s | on disk | bytes/event on disk |\n|---|---:|---:|---:|---:|---:|\n")
	fmt.Fprintf(&rep, "| VictoriaLogs cluster | %s | %.0f | %.1f | %s | %.0f |\n", vlIngest.Round(time.Millisecond),
		float64(n)/vlIngest.Seconds(), float64(inBytes)/1e6/vlIngest.Seconds(), mib(vlSize), float64(vlSize)/float64(n))
	fmt.Fprintf(&rep, "| embedded store | %s | %.0f | %.1f | %s | %.0f |\n\n", stIngest.Round(time.Millisecond),
		float64(n)/stIngest.Seconds(), float64(inBytes)/1e6/stIngest.Seconds(), mib(stSize), float64(stSize)/float64(n))
	fmt.Fprintf(&rep, "VictoriaLogs ingest includes the per-batch \"stored already?\" queries and waiting until every batch is visible.\n\n")

	// Re-ingest: idempotence at scale, and its cost.
	start = time.Now()
	again, err := cl.Ingest(context.Background(), []string{input}, victorialogs.IngestOptions{Bucket: "my_aws_bucket"})
	if err != nil {
		return fmt.Errorf("second ingest: %w", err)
	}
	fmt.Fprintf(&rep, "Ingesting the same files again: `%s` (%.0f events/s checked).\n\n", again.SummaryLine(), float64(n)/time.Since(start).Seconds())

	// Scan rates of the cluster itself, LogsQL only.
	fmt.Fprintf(&rep, "## Scan rate of the cluster (LogsQL, no trailbook)\n\n| query | time | events/s |\n|---|---:|---:|\n")
	dayRange := "_time:[" + from + ", " + to + ") "
	for _, q := range []string{
		dayRange + `"eventName":="ConsoleLogin" | stats count()`,
		dayRange + `"userAgent":*"nomatch"* | stats count()`,
		dayRange + `_msg:*"nomatch"* | stats count()`,
	} {
		d, err := timeLogsQL(c.URL, q, runs)
		if err != nil {
			return err
		}
		fmt.Fprintf(&rep, "| `%s` | %s | %.0f |\n", strings.ReplaceAll(q, "|", "\\|"), d.Round(time.Millisecond), float64(n)/d.Seconds())
	}

	fmt.Fprintf(&rep, "\n## Tutorial queries\n\nMedian of %d runs. \"bytes\" is what the cluster sent to trailbook. \"pushdown\" hands filters and aggregations\n", runs)
	fmt.Fprintf(&rep, "to the cluster (what trailbook does); \"filters only\" hands it the filters (as before aggregation pushdown; run for the\n")
	fmt.Fprintf(&rep, "aggregating queries only); \"no pushdown\" streams every record of the time range to the local engine. \"ratio\" is\n")
	fmt.Fprintf(&rep, "bytes without pushdown / bytes with pushdown.\n\n")
	fmt.Fprintf(&rep, "| query | rows | pushdown | bytes | filters only | bytes | no pushdown | bytes | ratio | embedded store |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	var worst float64 // the smallest ratio of the aggregating queries
	qs, _ := filepath.Glob(filepath.Join(tutorialDir, "*.dql"))
	if len(qs) == 0 {
		return fmt.Errorf("no tutorial queries in %s", tutorialDir)
	}
	for _, qf := range qs {
		text, err := os.ReadFile(qf)
		if err != nil {
			return err
		}
		q := strings.Replace(string(text), "from: -30min", fmt.Sprintf("from: %q, to: %q", from, to), 1)
		logf("query %s", filepath.Base(qf))
		type mode struct {
			opt   dql.Options
			d     time.Duration
			bytes int64
			rows  int
		}
		aggregating := strings.Contains(q, "summarize") || strings.Contains(q, "makeTimeseries")
		modes := []*mode{
			{opt: dql.Options{Source: cl}},
			{opt: dql.Options{Source: filtersOnly{cl}}},
			{opt: dql.Options{Source: cl, NoPushdown: true}},
			{opt: dql.Options{Source: st}},
		}
		for i, m := range modes {
			if i == 1 && !aggregating {
				continue
			}
			var ds []time.Duration
			for range runs {
				sent.Store(0)
				start := time.Now()
				res, err := dql.Run(context.Background(), q, m.opt)
				if err != nil {
					return fmt.Errorf("%s: %s", filepath.Base(qf), dql.Report(err))
				}
				ds = append(ds, time.Since(start))
				m.bytes, m.rows = sent.Load(), len(res.Records)
			}
			slices.Sort(ds)
			m.d = ds[len(ds)/2]
		}
		if modes[0].rows != modes[3].rows || modes[2].rows != modes[3].rows || aggregating && modes[1].rows != modes[3].rows {
			return fmt.Errorf("%s: %d, %d, %d and %d rows", filepath.Base(qf), modes[0].rows, modes[1].rows, modes[2].rows, modes[3].rows)
		}
		ratio := float64(modes[2].bytes) / float64(max(modes[0].bytes, 1))
		filtersTime, filtersBytes := "—", "—"
		if aggregating {
			filtersTime, filtersBytes = modes[1].d.Round(time.Millisecond).String(), mib(modes[1].bytes)
			if worst == 0 || ratio < worst {
				worst = ratio
			}
		}
		fmt.Fprintf(&rep, "| %s | %d | %s | %s | %s | %s | %s | %s | %.0f× | %s |\n", filepath.Base(qf), modes[3].rows,
			modes[0].d.Round(time.Millisecond), mib(modes[0].bytes), filtersTime, filtersBytes,
			modes[2].d.Round(time.Millisecond), mib(modes[2].bytes), ratio, modes[3].d.Round(time.Millisecond))
	}
	verdict := "meets"
	if worst < 100 {
		verdict = "does NOT meet"
	}
	fmt.Fprintf(&rep, "\nThe aggregating queries (summarize, makeTimeseries) get at least %.0f× fewer bytes with pushdown: this %s the target of 100×.\n", worst, verdict)
	// What trailbook sends for the aggregating queries: the stats query over the
	// events VictoriaLogs aggregates, and the scan of those it cannot (none here).
	fmt.Fprintf(&rep, "\n## The LogsQL of the aggregating queries\n\n")
	fmt.Fprintf(&rep, "What `trailbook query --explain` prints for them: the stats query, and the scan of the events whose grouped or\n")
	fmt.Fprintf(&rep, "filtered members are not plain strings (none in this data), which trailbook aggregates itself.\n\n")
	for _, qf := range qs {
		text, err := os.ReadFile(qf)
		if err != nil {
			return err
		}
		q := strings.Replace(string(text), "from: -30min", fmt.Sprintf("from: %q, to: %q", from, to), 1)
		if !strings.Contains(q, "summarize") && !strings.Contains(q, "makeTimeseries") {
			continue
		}
		ex := &explainer{Client: cl}
		if _, err := dql.Run(context.Background(), q, dql.Options{Source: ex}); err != nil {
			return fmt.Errorf("%s: %s", filepath.Base(qf), dql.Report(err))
		}
		fmt.Fprintf(&rep, "- %s\n  - stats: `%s`\n  - scan: `%s`\n", filepath.Base(qf), ex.stats, ex.rest)
	}
	if out == "" {
		_, err = os.Stdout.WriteString(rep.String())
		return err
	}
	return os.WriteFile(out, []byte(rep.String()), 0o644)
}

// filtersOnly hides the Client's Aggregate: the executor then hands it the filters
// only, as before aggregation pushdown.
type filtersOnly struct{ exec.Source }

// explainer records the LogsQL of the aggregation it is asked for.
type explainer struct {
	*victorialogs.Client
	stats, rest string
}

func (e *explainer) Aggregate(ctx context.Context, req exec.AggregateRequest) (*exec.Aggregation, error) {
	var err error
	if e.stats, e.rest, err = victorialogs.ExplainAggregate(req); err != nil {
		return nil, err
	}
	return e.Client.Aggregate(ctx, req)
}

// timeLogsQL runs a LogsQL query directly and returns the median time.
func timeLogsQL(base, q string, runs int) (time.Duration, error) {
	var ds []time.Duration
	for range runs {
		start := time.Now()
		resp, err := http.PostForm(base+"/select/logsql/query", url.Values{"query": {q}})
		if err != nil {
			return 0, err
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("%s: %s", q, body)
		}
		ds = append(ds, time.Since(start))
	}
	slices.Sort(ds)
	return ds[len(ds)/2], nil
}

// countingTransport counts the bytes of the response bodies.
type countingTransport struct {
	http.RoundTripper
	n *atomic.Int64
}

func (t countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.RoundTripper.RoundTrip(r)
	if err == nil {
		resp.Body = &countingBody{resp.Body, t.n}
	}
	return resp, err
}

type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (c *countingBody) Read(p []byte) (int, error) {
	n, err := c.ReadCloser.Read(p)
	c.n.Add(int64(n))
	return n, err
}

func dirSize(dir string) int64 {
	var n int64
	filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && fi.Mode().IsRegular() && !strings.HasSuffix(fi.Name(), ".log") {
			n += fi.Size()
		}
		return nil
	})
	return n
}

func mib(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "model name") {
			if i := strings.Index(l, ":"); i >= 0 {
				return strings.TrimSpace(l[i+1:])
			}
		}
	}
	return runtime.GOARCH
}

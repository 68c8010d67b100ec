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

	fmt.Fprintf(&rep, "\n## Tutorial queries\n\nMedian of %d runs. \"bytes\" is what the cluster sent to trailbook.\n\n", runs)
	fmt.Fprintf(&rep, "| query | rows | pushdown | bytes | no pushdown | bytes | ratio | embedded store |\n|---|---:|---:|---:|---:|---:|---:|---:|\n")
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
		modes := []*mode{
			{opt: dql.Options{Source: cl}},
			{opt: dql.Options{Source: cl, NoPushdown: true}},
			{opt: dql.Options{Source: st}},
		}
		for _, m := range modes {
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
		if modes[0].rows != modes[2].rows || modes[1].rows != modes[2].rows {
			return fmt.Errorf("%s: %d, %d and %d rows", filepath.Base(qf), modes[0].rows, modes[1].rows, modes[2].rows)
		}
		ratio := float64(modes[1].bytes) / float64(max(modes[0].bytes, 1))
		fmt.Fprintf(&rep, "| %s | %d | %s | %s | %s | %s | %.0f× | %s |\n", filepath.Base(qf), modes[2].rows,
			modes[0].d.Round(time.Millisecond), mib(modes[0].bytes), modes[1].d.Round(time.Millisecond), mib(modes[1].bytes),
			ratio, modes[2].d.Round(time.Millisecond))
	}
	// What aggregation pushdown would send: the LogsQL stats queries that compute
	// the aggregating tutorial queries in the cluster (see docs/scale.md).
	fmt.Fprintf(&rep, "\n## Aggregation pushdown (proposal): bytes of the equivalent LogsQL stats queries\n\n")
	fmt.Fprintf(&rep, "| query | LogsQL | rows | time | bytes |\n|---|---|---:|---:|---:|\n")
	base := dayRange + `"dt.system.bucket":="my_aws_bucket" `
	logins := `"eventSource":="signin.amazonaws.com" "eventName":="ConsoleLogin" "responseElements.ConsoleLogin":="Failure"`
	for _, x := range [][2]string{
		{"10/11", base + logins + ` | stats by ("sourceIPAddress", "errorMessage", "awsRegion", "userIdentity.arn", "additionalEventData.MFAUsed") count() n`},
		{"20", base + `"errorCode":in("AccessDenied", "UnauthorizedOperation") | stats by (_time:15m, "eventName") count() n`},
		{"21", base + `"errorCode":in("AccessDenied", "UnauthorizedOperation") | stats by (_time:15m, "userIdentity.arn", "eventName") count() n`},
		{"30", base + `"errorCode":="Client.RequestLimitExceeded" | stats by (_time:15m, "eventName") count() n`},
	} {
		rows, bytes, d, err := statsQuery(c.URL, x[1], runs)
		if err != nil {
			return err
		}
		fmt.Fprintf(&rep, "| %s | `%s` | %d | %s | %s |\n", x[0], strings.ReplaceAll(x[1], "|", "\\|"), rows, d.Round(time.Millisecond), mib(bytes))
	}
	if out == "" {
		_, err = os.Stdout.WriteString(rep.String())
		return err
	}
	return os.WriteFile(out, []byte(rep.String()), 0o644)
}

// statsQuery runs a LogsQL query directly and returns its rows, bytes and median time.
func statsQuery(base, q string, runs int) (rows int, bytes int64, d time.Duration, err error) {
	var ds []time.Duration
	for range runs {
		start := time.Now()
		resp, err := http.PostForm(base+"/select/logsql/query", url.Values{"query": {q}})
		if err != nil {
			return 0, 0, 0, err
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return 0, 0, 0, fmt.Errorf("%s: %s", q, body)
		}
		ds = append(ds, time.Since(start))
		rows, bytes = strings.Count(string(body), "\n"), int64(len(body))
	}
	slices.Sort(ds)
	return rows, bytes, ds[len(ds)/2], nil
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

package victorialogs

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/trailbook/trailbook/kernel/dql"
	"github.com/trailbook/trailbook/kernel/dql/dqltest"
	"github.com/trailbook/trailbook/kernel/dql/exec"
)

// TestStorageNodeDown stops one storage node: a query must fail with a clear error
// (never return a short answer), ingest too; with Partial (--partial) a query
// answers from the other node and its result says it is partial. Once the node is
// back, the next query gives the full answer again, without a warning.
func TestStorageNodeDown(t *testing.T) {
	d := loaded(t)
	c := sharedCluster(t)
	// An aggregation the cluster computes, and a scan.
	const agg = `fetch logs, from: "2014-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z", bucket: "my_aws_bucket"
| parse content, "JSON:event"
| summarize n = count(), by: {s = event[eventSource]}`
	const scan = `fetch logs, from: "2014-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z", bucket: "my_aws_bucket"
| fields timestamp, content`
	partial, err := New(c.URL)
	if err != nil {
		t.Fatal(err)
	}
	partial.Partial = true
	wantAgg := run(t, agg, dql.Options{Source: d.cl})
	wantScan := run(t, scan, dql.Options{Source: d.cl})
	total := func(rows []any) (n float64) {
		for _, r := range rows {
			n += r.(map[string]any)["n"].(float64)
		}
		return n
	}

	c.StopStorage(1)
	defer func() {
		if err := c.StartStorage(1); err != nil { // no-op when it is running
			t.Fatal(err)
		}
	}()
	for _, q := range []string{agg, scan} {
		_, err := dql.Run(context.Background(), q, dql.Options{Source: d.cl})
		if err == nil {
			t.Fatalf("query with a storage node down: no error\n%s", q)
		}
		if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "a storage node is unavailable (HTTP 502)") {
			t.Fatalf("query with a storage node down: %v, want ErrUnavailable saying a storage node is unavailable", err)
		}
		t.Logf("the error: %v", err)

		res, err := dql.Run(context.Background(), q, dql.Options{Source: partial})
		if err != nil {
			t.Fatalf("query with Partial and a storage node down: %v", err)
		}
		if len(res.Warnings) != 1 || !strings.HasPrefix(res.Warnings[0], "partial result: ") || !strings.Contains(res.Warnings[0], "a storage node is unavailable") {
			t.Fatalf("query with Partial and a storage node down: warnings %q, want one saying the result is partial", res.Warnings)
		}
		got := dqltest.Decode(t, res.Records)
		if q == agg && total(got) >= total(wantAgg) || q == scan && len(got) >= len(wantScan) {
			t.Fatalf("the partial answer is not short: the node that is down holds nothing?")
		}
		t.Logf("partial: %q", res.Warnings)
	}
	_, err = d.cl.Ingest(context.Background(), []string{filepath.Join(d.folders[0], "logs")}, IngestOptions{Bucket: "outage"})
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("ingest with a storage node down: %v, want ErrUnavailable", err)
	}

	if err := c.StartStorage(1); err != nil {
		t.Fatal(err)
	}
	for _, src := range []*Client{d.cl, partial} {
		for q, want := range map[string][]any{agg: wantAgg, scan: wantScan} {
			res, err := dql.Run(context.Background(), q, dql.Options{Source: src})
			if err != nil {
				t.Fatalf("after the restart: %v", err)
			}
			if got := dqltest.Decode(t, res.Records); !dqltest.SameRecords(got, want, false) || len(res.Warnings) > 0 {
				t.Fatalf("after the restart (partial %v):\n got %.1000s\nwant %.1000s\nwarnings %q", src.Partial, js(got), js(want), res.Warnings)
			}
		}
	}
}

// event is a valid CloudTrail event line for fake servers.
const event = `{"eventTime":"2024-03-01T09:15:02Z","eventName":"GetObject","recipientAccountId":"111122223333","awsRegion":"us-east-1"}`

func answerLine() string {
	return `{"_msg":` + jsonQuote(event) + `,"dt.system.bucket":"b","aws.account.id":"111122223333","aws.region":"us-east-1","log.source":"f"}` + "\n"
}

var allTime = exec.ScanRequest{From: 0, To: 1 << 62}

// TestScanCancel checks that cancelling a scan cancels its HTTP request.
func TestScanCancel(t *testing.T) {
	cancelled := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, answerLine())
		w.(http.Flusher).Flush()
		<-r.Context().Done() // a slow cluster: the rest never comes
		close(cancelled)
	}))
	defer srv.Close()
	cl, err := New(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	it, err := cl.Scan(ctx, allTime)
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	start := time.Now()
	if _, err := it.Next(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Next after the deadline: %v, want context.DeadlineExceeded", err)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Fatalf("Next returned %s after the deadline", el)
	}
	select {
	case <-cancelled:
	case <-time.After(10 * time.Second):
		t.Fatal("the HTTP request was not cancelled")
	}
}

// TestScanCutShort checks that an error VictoriaLogs writes into an answer under way
// (a node failing mid-query) fails the scan instead of ending it early.
func TestScanCutShort(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, answerLine())
		io.WriteString(w, "\ncannot execute query [*]: cannot read from vlstorage &#34;127.0.0.1:1&#34;: EOF\n")
		w.(http.Flusher).Flush()
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	}))
	defer srv.Close()
	cl, _ := New(srv.URL)
	res, err := dql.Run(context.Background(), `fetch logs, from: "2024-01-01T00:00:00Z", to: "2025-01-01T00:00:00Z"`, dql.Options{Source: cl})
	if err == nil {
		t.Fatalf("no error, %d records", len(res.Records))
	}
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), `cannot read from vlstorage "127.0.0.1:1": EOF`) {
		t.Fatalf("error %q, want ErrUnavailable with VictoriaLogs' message", err)
	}
	// With Partial, the records so far are the result, marked partial.
	cl.Partial = true
	res, err = dql.Run(context.Background(), `fetch logs, from: "2024-01-01T00:00:00Z", to: "2025-01-01T00:00:00Z"`, dql.Options{Source: cl})
	if err != nil {
		t.Fatalf("with Partial: %v", err)
	}
	if len(res.Records) != 1 || len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "partial result: ") {
		t.Fatalf("with Partial: %d records, warnings %q; want 1 record and a partial result", len(res.Records), res.Warnings)
	}
}

// TestUnreachable checks the error when nothing listens at the URL.
func TestUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	cl, _ := New(url)
	_, err := cl.Scan(context.Background(), allTime)
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "cannot reach "+url) {
		t.Fatalf("Scan: %v, want ErrUnavailable naming %s", err, url)
	}
}

// fakeVL is a VictoriaLogs imitation for ingest tests: it keeps inserted lines and
// answers the three kinds of query Ingest sends. drop makes it answer 200 and store
// nothing (as VictoriaLogs does for a wrong content type); failFirst makes the first
// insert store half of the lines and answer 503.
type fakeVL struct {
	mu        sync.Mutex
	lines     []string
	inserts   int
	drop      bool
	failFirst bool
	types     []string
}

var batchRx = regexp.MustCompile(`"trailbook\.batch":="([0-9a-f]+)"`)

func (f *fakeVL) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch r.URL.Path {
	case "/insert/jsonline":
		f.inserts++
		f.types = append(f.types, r.Header.Get("Content-Type"))
		var got []string
		sc := bufio.NewScanner(r.Body)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			got = append(got, sc.Text())
		}
		switch {
		case f.drop:
		case f.failFirst && f.inserts == 1:
			f.lines = append(f.lines, got[:len(got)/2]...)
			http.Error(w, "overloaded", http.StatusServiceUnavailable)
			return
		default:
			f.lines = append(f.lines, got...)
		}
	case "/internal/force_flush":
	case "/select/logsql/query":
		q := r.FormValue("query")
		m := batchRx.FindStringSubmatch(q)
		if m == nil {
			return // "which are stored?": none
		}
		n := 0
		for _, l := range f.lines {
			if gjson.Get(l, `trailbook\.batch`).Str == m[1] {
				n++
				if !strings.Contains(q, "stats count()") {
					fmt.Fprintf(w, "{%q:%q}\n", fieldKey, gjson.Get(l, `trailbook\.key`).Str)
				}
			}
		}
		if strings.Contains(q, "stats count()") {
			fmt.Fprintf(w, `{"n":"%d"}`+"\n", n)
		}
	default:
		http.NotFound(w, r)
	}
}

func writeEvents(t *testing.T, n int) string {
	t.Helper()
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `{"eventTime":"2024-03-01T09:%02d:00Z","eventID":"e%d","recipientAccountId":"111122223333"}`+"\n", i%60, i)
	}
	p := filepath.Join(t.TempDir(), "events.ndjson")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestIngestStoredNothing: VictoriaLogs answers 200 but stores nothing; the ingest
// must fail, not report the events as ingested.
func TestIngestStoredNothing(t *testing.T) {
	f := &fakeVL{drop: true}
	srv := httptest.NewServer(f)
	defer srv.Close()
	cl, _ := New(srv.URL)
	st, err := cl.Ingest(context.Background(), []string{writeEvents(t, 10)}, IngestOptions{VerifyTimeout: 300 * time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "VictoriaLogs holds 0 of the 10 events of batch") {
		t.Fatalf("Ingest: %v, want a batch reported short", err)
	}
	if st.New != 0 {
		t.Fatalf("Ingest counted %d new events", st.New)
	}
	if f.types[0] != "application/stream+json" {
		t.Fatalf("Content-Type %q, want application/stream+json", f.types[0])
	}
}

// TestIngestRetry: the first request stores half a batch and fails; the retry must
// send only the other half, so that every event is stored once.
func TestIngestRetry(t *testing.T) {
	f := &fakeVL{failFirst: true}
	srv := httptest.NewServer(f)
	defer srv.Close()
	cl, _ := New(srv.URL)
	st, err := cl.Ingest(context.Background(), []string{writeEvents(t, 10)}, IngestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if st.New != 10 || len(f.lines) != 10 || f.inserts != 2 {
		t.Fatalf("%s; the server holds %d lines after %d requests, want 10 after 2", st.SummaryLine(), len(f.lines), f.inserts)
	}
}

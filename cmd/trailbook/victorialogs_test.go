package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// downVL imitates a VictoriaLogs cluster with a storage node down: a query that
// needs every node fails with 502; one that accepts a partial answer gets what the
// other node holds, an event or a group.
func downVL(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/select/logsql/query" {
			http.NotFound(w, r)
			return
		}
		if r.FormValue("allow_partial_response") != "1" {
			http.Error(w, `cannot connect to storage node at "http://10.0.0.2:9428/internal/select/query": connection refused`, http.StatusBadGateway)
			return
		}
		if strings.Contains(r.FormValue("query"), "| stats") {
			io.WriteString(w, `{"_time":"2024-03-01T09:00:00Z","eventName":"GetObject","trailbook.r0":"3","trailbook.first":"2024-03-01T09:15:02Z"}`+"\n")
			return
		}
		if strings.Contains(r.FormValue("query"), `"trailbook.format":="2"`) {
			return // the scan of what the stats query cannot aggregate: nothing
		}
		ev := `{"eventTime":"2024-03-01T09:15:02Z","eventName":"GetObject","recipientAccountId":"111122223333","awsRegion":"us-east-1"}`
		io.WriteString(w, `{"_msg":`+strings.ReplaceAll(`"`+strings.ReplaceAll(ev, `"`, `\"`)+`"`, "\n", "")+`,"dt.system.bucket":"b","aws.account.id":"111122223333","aws.region":"us-east-1","log.source":"f"}`+"\n")
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestQueryPartial checks --partial from the command line: without it a node down
// fails the query (exit 1, a clear error); with it the query answers and says on
// stderr that the result is partial.
func TestQueryPartial(t *testing.T) {
	srv := downVL(t)
	const scan = `fetch logs, from: "2024-03-01T00:00:00Z", to: "2024-03-02T00:00:00Z" | fields eventName = "x"`
	const agg = `fetch logs, from: "2024-03-01T00:00:00Z", to: "2024-03-02T00:00:00Z" | parse content, "JSON:event" | summarize n = count(), by: {event[eventName]}`
	for _, q := range []string{scan, agg} {
		code, _, stderr := runCLI(t, "query", "--format", "jsonl", "--victorialogs", srv.URL, q)
		if code != 1 || !strings.Contains(stderr, "a storage node is unavailable (HTTP 502)") {
			t.Fatalf("without --partial: exit %d, stderr %s", code, stderr)
		}
		for _, format := range []string{"jsonl", "table"} {
			code, stdout, stderr := runCLI(t, "query", "--format", format, "--victorialogs", srv.URL, "--partial", q)
			if code != 0 || !strings.Contains(stderr, "warning: partial result: ") || stdout == "" {
				t.Fatalf("--partial --format %s: exit %d, stdout %q, stderr %s", format, code, stdout, stderr)
			}
		}
	}
	code, _, stderr := runCLI(t, "query", "--partial", "data record(a = 1)")
	if code != 2 || !strings.Contains(stderr, "--partial applies to --victorialogs only") {
		t.Fatalf("--partial alone: exit %d, stderr %s", code, stderr)
	}
}

// TestQueryExplainAggregation checks that --explain shows the stats query sent and
// what runs in trailbook.
func TestQueryExplainAggregation(t *testing.T) {
	srv := downVL(t)
	code, stdout, stderr := runCLI(t, "query", "--format", "jsonl", "--explain", "--partial", "--victorialogs", srv.URL,
		`fetch logs, from: "2024-03-01T00:00:00Z", to: "2024-03-02T00:00:00Z" | parse content, "JSON:event" | makeTimeseries n = count(), by: {event[eventName]}, interval: 1h | sort arrayAvg(n) desc | limit 3`)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"explain: aggregation handed to the source: count() by {content.eventName}, per 1h0m0s slot",
		`explain: LogsQL stats, aggregated by VictoriaLogs: _time:[2024-03-01T00:00:00Z, 2024-03-02T00:00:00Z) AND "trailbook.key":* AND ("trailbook.format":="2" AND !"trailbook.partial":="1" AND !"trailbook.nonstring":*"eventName"*) | stats by (_time:3600000000000 offset 0, "eventName") count() "trailbook.r0", min(_time) "trailbook.first"`,
		"explain: LogsQL scan of the events it cannot aggregate exactly",
		"explain: aggregation: makeTimeseries computed by the source (1 groups); in trailbook: the commands up to it over the records the source left, then sort | limit",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if !strings.Contains(stdout, `"event[eventName]":"GetObject"`) || !strings.Contains(stdout, `"n":[null,null,null,null,null,null,null,null,null,3,`) {
		t.Errorf("stdout: %s", stdout)
	}
}

// TestRunPartial checks that run (and so template run, which shares its flags)
// takes --partial: a cell over a cluster with a storage node down fails without it,
// and with it succeeds with the partial warning in the saved notebook.
func TestRunPartial(t *testing.T) {
	srv := downVL(t)
	dir := t.TempDir()
	nb := writeNotebook(t, dir, "p.ipynb", `{}`,
		`fetch logs, from: "2024-03-01T00:00:00Z", to: "2024-03-02T00:00:00Z" | parse content, "JSON:event" | summarize n = count(), by: {event[eventName]}`)
	out := filepath.Join(dir, "out.ipynb")
	if code, _, stderr := runCLI(t, "run", "--victorialogs", srv.URL, "-o", out, nb); code != 1 {
		t.Fatalf("without --partial: exit %d, stderr %s", code, stderr)
	}
	code, _, stderr := runCLI(t, "run", "--victorialogs", srv.URL, "--partial", "-o", out, nb)
	if code != 0 {
		t.Fatalf("--partial: exit %d, stderr %s", code, stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "partial result") {
		t.Fatalf("the saved notebook does not say the result is partial:\n%s", data)
	}
}

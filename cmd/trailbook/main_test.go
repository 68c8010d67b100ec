package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trailbook/trailbook/kernel/dql/dqltest"
)

// runCLI runs the command in-process and returns its exit code, stdout and stderr.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestQueryErrorsAndExitCodes(t *testing.T) {
	f := func(wantCode int, wantErr string, args ...string) {
		t.Helper()
		code, _, stderr := runCLI(t, args...)
		if code != wantCode {
			t.Fatalf("trailbook %q: exit %d, want %d\n%s", args, code, wantCode, stderr)
		}
		if !strings.Contains(stderr, wantErr) {
			t.Fatalf("trailbook %q: stderr\n%s\nwant it to contain\n%s", args, stderr, wantErr)
		}
		if strings.Contains(stderr, "panic") || strings.Contains(stderr, "goroutine ") {
			t.Fatalf("trailbook %q crashed:\n%s", args, stderr)
		}
	}
	f(1, "error: 2:17: unknown function \"coutn\" (did you mean \"count\"?)\n  | | summarize n = coutn()\n  |                 ^\n",
		"query", "--format", "jsonl", "data record(a = 1)\n| summarize n = coutn()")
	f(2, "unknown --format", "query", "--format", "xml", "data record(a = 1)")
	f(2, "missing QUERY", "query")
	f(2, "bogus", "query", "--bogus", "data record(a = 1)")
	f(2, "unknown command", "frobnicate")
	f(1, "error: 1:1: unknown command \"fetchh\"", "query", "fetchh logs")
}

func TestQueryFormats(t *testing.T) {
	q := `data record(a = 1, s = "=cmd|' /C calc'!A0", t = toTimestamp("2024-03-01T10:00:00Z"), d = 5m, n = null, arr = array(1, 2))`
	code, out, stderr := runCLI(t, "query", "--format", "jsonl", q)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want := `{"a":1,"s":"=cmd|' /C calc'!A0","t":"2024-03-01T10:00:00.000000000Z","d":300000000000,"n":null,"arr":[1,2]}` + "\n"
	if out != want {
		t.Fatalf("jsonl:\n got %s\nwant %s", out, want)
	}
	_, out, _ = runCLI(t, "query", "--format", "json", q)
	var env struct {
		Records []map[string]any
		Types   []struct {
			IndexRange []int
			Mappings   map[string]struct{ Type string }
		}
	}
	if err := json.Unmarshal([]byte(out), &env); err != nil {
		t.Fatalf("json envelope: %v\n%s", err, out)
	}
	if env.Records[0]["a"] != "1" || env.Records[0]["d"] != "300000000000" || env.Types[0].Mappings["t"].Type != "timestamp" {
		t.Fatalf("json envelope: longs and durations must be strings, types listed: %s", out)
	}
	_, out, _ = runCLI(t, "query", "--format", "csv", q)
	wantCSV := "a,s,t,d,n,arr\n1,'=cmd|' /C calc'!A0,2024-03-01T10:00:00.000000000Z,PT5M,,\"[1,2]\"\n"
	if out != wantCSV {
		t.Fatalf("csv:\n got %q\nwant %q", out, wantCSV)
	}
	_, out, _ = runCLI(t, "query", "--format", "table", `data record(ua = "evil\u001b[31mred\u0007")`)
	if strings.ContainsAny(out, "\x1b\x07") {
		t.Fatalf("table output keeps control characters: %q", out)
	}
}

// TestTutorialOnDemoData runs every tutorial query unchanged over the embedded demo
// data, which must give the four use cases real answers.
func TestTutorialOnDemoData(t *testing.T) {
	t.Setenv("TRAILBOOK_DATA", "")
	t.Chdir(t.TempDir())
	shared := dqltest.SharedDir(t)
	files, _ := filepath.Glob(filepath.Join(shared, "tutorial", "*.dql"))
	if len(files) < 9 {
		t.Fatalf("found %d tutorial queries", len(files))
	}
	for _, f := range files {
		code, out, stderr := runCLI(t, "query", "--format", "jsonl", "-f", f)
		if code != 0 {
			t.Errorf("%s: exit %d\n%s", filepath.Base(f), code, stderr)
			continue
		}
		if !strings.Contains(stderr, "embedded demo data") {
			t.Errorf("%s: stderr does not say that demo data is used: %q", filepath.Base(f), stderr)
		}
		if n := strings.Count(out, "\n"); n == 0 {
			t.Errorf("%s: no records over the demo data", filepath.Base(f))
		}
	}
}

// TestIngestAndQuery ingests the edge cases twice and checks the summary lines and a
// tutorial answer over the store.
func TestIngestAndQuery(t *testing.T) {
	shared := dqltest.SharedDir(t)
	data := filepath.Join(t.TempDir(), "store")
	logs := filepath.Join(shared, "data", "cloudtrail", "edge-cases", "logs")
	code, _, stderr := runCLI(t, "ingest", "--data", data, "--bucket", "my_aws_bucket", logs)
	if code != 0 || !strings.Contains(stderr, "ingested 45 events (45 new), skipped 2 files, malformed 2 records, from 16 files in ") {
		t.Fatalf("first ingest: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "08-truncated-final-line.ndjson:4") {
		t.Fatalf("the malformed line is not reported with file and line:\n%s", stderr)
	}
	code, _, stderr = runCLI(t, "ingest", "--data", data, "--bucket", "my_aws_bucket", logs)
	if code != 0 || !strings.Contains(stderr, "ingested 45 events (0 new)") {
		t.Fatalf("second ingest: exit %d\n%s", code, stderr)
	}
	q, _ := os.ReadFile(filepath.Join(shared, "tutorial", "40-kms-external-keys.dql"))
	query := strings.Replace(string(q), "from: -30min", `from: "2024-03-01T09:15:02Z", to: "2024-03-01T16:20:02Z"`, 1)
	code, out, stderr := runCLI(t, "query", "--data", data, "--format", "jsonl", query)
	if code != 0 || strings.Count(out, "\n") != 3 {
		t.Fatalf("query over the store: exit %d, %q\n%s", code, out, stderr)
	}
	code, out, _ = runCLI(t, "store", "info", "--data", data)
	if code != 0 || !strings.Contains(out, "events:    45") {
		t.Fatalf("store info: %s", out)
	}
	code, out, _ = runCLI(t, "store", "delete", "--data", data, "--bucket", "my_aws_bucket")
	if code != 0 || !strings.Contains(out, "deleted 45 events") {
		t.Fatalf("store delete: %s", out)
	}
}

func TestHelp(t *testing.T) {
	for _, c := range []string{"query", "ingest", "store"} {
		code, out, _ := runCLI(t, c, "--help")
		if code != 0 || !strings.Contains(out, "Usage: trailbook "+c) {
			t.Errorf("%s --help: exit %d\n%s", c, code, out)
		}
	}
}

package files

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/trailbook/trailbook/kernel/dql"
	"github.com/trailbook/trailbook/kernel/dql/dqltest"
	"github.com/trailbook/trailbook/kernel/dql/value"
)

// TestPushdownSameResult checks that the byte prefilter never changes a result:
// every query returns exactly the same records with and without pushdown, including
// events that spell strings with \u escapes (edge-cases/06-unicode.ndjson).
func TestPushdownSameResult(t *testing.T) {
	shared := dqltest.SharedDir(t)
	queries := []string{
		`fetch logs, from: "2000-01-01T00:00:00Z" | parse content, "JSON:e" | filter e[eventName] == "AssumeRole"`,
		`fetch logs, from: "2000-01-01T00:00:00Z" | parse content, "JSON:e" | filter in(e[errorCode], {"AccessDenied", "Client.UnauthorizedOperation"}) and e[awsRegion] == "us-east-1"`,
		`fetch logs, from: "2000-01-01T00:00:00Z" | parse content, "JSON:e" | filter e[userIdentity][type] == "AssumedRole" | summarize count(), by: {e[eventSource]}`,
		`fetch logs, from: "2000-01-01T00:00:00Z" | parse content, "JSON:e" | filter e[sourceIPAddress] == "AWS Internal"`,
		`fetch logs, from: "2000-01-01T00:00:00Z" | parse content, "JSON:e" | filter e[eventName] == "ConsoleLogin" and e[userAgent] != "x"`,
	}
	for _, folder := range []string{"invictus-aws-dataset", "edge-cases", "stratus-red-team-detonation-logs"} {
		src := &Source{Paths: []string{filepath.Join(shared, "data", "cloudtrail", folder, "logs")}}
		for _, q := range queries {
			with := runJSON(t, q, src, false)
			without := runJSON(t, q, src, true)
			if len(with) != len(without) {
				t.Fatalf("%s: %s: %d records with pushdown, %d without", folder, q, len(with), len(without))
			}
			for i := range with {
				if with[i] != without[i] {
					t.Fatalf("%s: %s: record %d differs", folder, q, i)
				}
			}
		}
	}
}

func runJSON(t *testing.T, q string, src *Source, noPush bool) []string {
	t.Helper()
	opt := dql.Options{Source: src, NoPushdown: noPush}
	opt.Now = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	res, err := dql.Run(context.Background(), q, opt)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	out := make([]string, len(res.Records))
	for i, r := range res.Records {
		out[i] = string(value.AppendRecordJSONL(nil, r))
	}
	return out
}

func TestPrefilter(t *testing.T) {
	pf := prefilter{needles: [][][]byte{{[]byte(`"AccessDenied"`), []byte(`"UnauthorizedOperation"`)}}}
	f := func(raw string, want bool) {
		t.Helper()
		if got := pf.pass([]byte(raw)); got != want {
			t.Fatalf("pass(%s) = %v, want %v", raw, got, want)
		}
	}
	f(`{"errorCode":"AccessDenied"}`, true)
	f(`{"errorCode":"UnauthorizedOperation"}`, true)
	f(`{"errorCode":"Client.UnauthorizedOperation"}`, false)
	f(`{"errorCode":"\u0041ccessDenied"}`, true) // escapes always pass
	f(`{"errorCode":"Throttling"}`, false)
}

package chart

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trailbook/trailbook/kernel/dql"
	"github.com/trailbook/trailbook/kernel/dql/plan"
	"github.com/trailbook/trailbook/kernel/dql/value"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestBuildGolden runs each testdata/*.dql query and compares the ECharts option
// with testdata/*.golden.
func TestBuildGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.dql")
	if len(files) == 0 {
		t.Fatal("no testdata/*.dql")
	}
	now := time.Date(2024, 3, 1, 16, 0, 0, 0, time.UTC)
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".dql")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			res, err := dql.Run(context.Background(), string(src), dql.Options{Options: plan.Options{Now: now}})
			if err != nil {
				t.Fatalf("%s: %s", f, dql.Report(err))
			}
			opt, ok := Build(res.Records, Options{Title: name})
			if !ok {
				t.Fatalf("%s: not a time series", f)
			}
			got, _ := json.MarshalIndent(opt, "", "  ")
			got = append(got, '\n')
			golden := strings.TrimSuffix(f, ".dql") + ".golden"
			if *update {
				os.WriteFile(golden, got, 0o644)
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("option differs from %s:\n%s", golden, got)
			}
			if bytes.Contains(got, []byte("<")) || bytes.Contains(got, []byte(">")) {
				t.Fatalf("the option holds a raw < or >")
			}
		})
	}
}

func TestIsTimeseries(t *testing.T) {
	ts := value.NewRecord(3)
	ts.Append("timeframe", value.Timeframe(0, 3600e9))
	ts.Append("interval", value.Duration(1800e9))
	ts.Append("c", value.Array([]value.Value{value.Long(1), value.NullValue}))
	plain := value.NewRecord(1)
	plain.Append("c", value.Long(1))
	f := func(recs []*value.Record, want bool) {
		t.Helper()
		if got := IsTimeseries(recs); got != want {
			t.Fatalf("IsTimeseries = %v, want %v", got, want)
		}
	}
	f(nil, false)
	f([]*value.Record{ts}, true)
	f([]*value.Record{ts, plain}, false)
}

// TestShowSymbol: a value between two gaps gets dots, so that it shows; a
// series without one, or a long one, stays a bare line.
func TestShowSymbol(t *testing.T) {
	f := func(want bool, vals ...any) {
		t.Helper()
		d := make([][2]any, len(vals))
		for i, v := range vals {
			d[i] = [2]any{int64(i), v}
		}
		if got := len(d) <= maxSymbolPoints && isolated(d); got != want {
			t.Fatalf("%v: dots %v, want %v", vals, got, want)
		}
	}
	f(true, int64(1))
	f(true, nil, int64(1), nil)
	f(true, int64(1), nil, int64(2), int64(3))
	f(false, int64(1), int64(2), nil, int64(3), int64(4))
	f(false, nil, nil)
	long := make([]any, maxSymbolPoints+1)
	long[3] = int64(1)
	f(false, long...)
}

package victorialogs

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trailbook/trailbook/kernel/dql"
	"github.com/trailbook/trailbook/kernel/dql/dqltest"
	"github.com/trailbook/trailbook/kernel/dql/exec"
	"github.com/trailbook/trailbook/kernel/dql/plan"
	"github.com/trailbook/trailbook/kernel/dql/value"
)

// aggregationQueries is how many generated aggregations TestAggregationsSameAsStore
// runs over the cluster (aggregated there) and the embedded store.
const aggregationQueries = 120

// runTraced runs a query and reports whether the Source computed its aggregation.
func runTraced(t *testing.T, q string, src exec.Source) ([]any, bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	p, err := dql.Compile(q, dql.Options{Options: plan.Options{Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}})
	if err != nil {
		t.Fatalf("%s\n%s", q, dql.Report(err))
	}
	pushed := false
	res, err := exec.Run(ctx, p, exec.Options{Source: src, Trace: func(msg string) {
		if strings.Contains(msg, "computed by the source (") {
			pushed = true
		}
	}})
	if err != nil {
		t.Fatalf("%s\n%s", q, dql.Report(err))
	}
	return dqltest.Decode(t, res.Records), pushed
}

// aggregation returns a generated summarize or makeTimeseries query: filters as in
// TestSameAsStore, an alias now and then, groups by event members and record fields,
// and the aggregations an Aggregator may compute, with one it may not now and then.
func (g *queryGen) aggregation() string {
	var b strings.Builder
	fmt.Fprintf(&b, "fetch logs, from: %q, to: %q", g.from, g.to)
	if g.r.IntN(3) == 0 {
		b.WriteString(`, bucket: {"other", "my_aws_bucket"}`)
	}
	b.WriteString("\n| filter aws.service == \"cloudtrail\"\n| parse content, \"JSON:event\"\n")
	for range g.r.IntN(3) {
		verb := "filter"
		if g.r.IntN(4) == 0 {
			verb = "filterOut"
		}
		b.WriteString("| " + verb + " " + g.cond(0) + "\n")
	}
	var by []string
	if g.r.IntN(3) == 0 {
		p := g.pick(paths)
		b.WriteString("| fieldsAdd alias = " + access(p) + "\n")
		by = append(by, "a0 = alias")
	}
	for i := range g.r.IntN(3) {
		x := access(g.pick(paths))
		if g.r.IntN(4) == 0 {
			x = g.pick([]string{"aws.region", "aws.account.id", "loglevel", "dt.system.bucket", "aws.service"})
		}
		by = append(by, fmt.Sprintf("k%d = %s", i, x))
	}
	ts := g.r.IntN(3) == 0
	pool := []string{"count()", "countIf(%s)", "countDistinct(%s)", "min(timestamp)", "max(timestamp)", "sum(%s)", "avg(%s)"}
	if !ts {
		// max of strings is not pushed down: the query is then scanned.
		pool = append(pool, "countDistinctExact(%s)", "max(%s)")
	}
	var aggs []string
	for i := range 1 + g.r.IntN(3) {
		f := g.pick(pool)
		switch {
		case strings.HasPrefix(f, "countIf"):
			f = fmt.Sprintf(f, g.atom())
		case strings.Contains(f, "%s"):
			f = fmt.Sprintf(f, access(g.pick(paths)))
		}
		if ts && strings.HasPrefix(f, "count") && g.r.IntN(3) == 0 {
			f = strings.TrimSuffix(f, ")")
			if !strings.HasSuffix(f, "(") {
				f += ", "
			}
			f += g.pick([]string{"default: 0)", "rate: 1h)"})
		}
		aggs = append(aggs, fmt.Sprintf("v%d = %s", i, f))
	}
	if ts {
		fmt.Fprintf(&b, "| makeTimeseries %s, by: {%s}, interval: %s", strings.Join(aggs, ", "), strings.Join(by, ", "), g.pick([]string{"1h", "1d", "7d"}))
		if g.r.IntN(3) == 0 {
			b.WriteString(`, from: "2019-06-01T00:00:00Z", to: "2025-06-30T00:00:00Z"`)
		}
		return b.String()
	}
	fmt.Fprintf(&b, "| summarize %s", strings.Join(aggs, ", "))
	if len(by) > 0 {
		fmt.Fprintf(&b, ", by: {%s}", strings.Join(by, ", "))
	}
	return b.String()
}

// TestAggregationsSameAsStore runs generated aggregations over the cluster, which
// computes most of them with stats queries, and over the embedded store, and
// requires the same records. TRAILBOOK_PROPERTY_SEED picks other queries.
func TestAggregationsSameAsStore(t *testing.T) {
	d := loaded(t)
	seed := propertySeed(t, 20240302)
	from, to := "2014-01-01T00:00:00Z", "2026-01-01T00:00:00Z"
	g := &queryGen{r: rand.New(rand.NewPCG(seed, seed)), vals: collectValues(t, d.st, from, to), from: from, to: to}
	pushed, nonEmpty := 0, 0
	for i := range aggregationQueries {
		q := g.aggregation()
		want := run(t, q, dql.Options{Source: d.st, NoPushdown: true})
		got, wasPushed := runTraced(t, q, d.cl)
		if wasPushed {
			pushed++
		}
		if len(want) > 0 {
			nonEmpty++
		}
		if !dqltest.SameRecords(got, want, false) {
			t.Errorf("aggregation %d (seed %d, computed by the cluster: %v) differs from the store:\n%s\n cluster: %.1500s\n   store: %.1500s", i, seed, wasPushed, q, js(got), js(want))
		}
	}
	t.Logf("%d of %d aggregations computed by the cluster, %d with records", pushed, aggregationQueries, nonEmpty)
	// The generator must exercise the pushdown, not only the fallback.
	if pushed < aggregationQueries/2 || nonEmpty < aggregationQueries/2 {
		t.Errorf("only %d of %d generated aggregations were computed by the cluster and %d returned records", pushed, aggregationQueries, nonEmpty)
	}
}

// TestTutorialAggregated checks that the aggregating tutorial queries are computed by
// the cluster over every data folder's time range, and answer the same with
// aggregation pushdown, without any pushdown, and over the embedded store, in the
// same order where they sort.
func TestTutorialAggregated(t *testing.T) {
	d := loaded(t)
	shared := dqltest.SharedDir(t)
	for _, folder := range d.folders {
		b, err := os.ReadFile(filepath.Join(folder, "expected-usecases.json"))
		if err != nil {
			t.Fatal(err)
		}
		var tf struct{ From, To string }
		if err := json.Unmarshal(b, &tf); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"10-console-login-failures.dql", "11-console-login-failures-named.dql",
			"20-unauthorized-api-calls.dql", "21-unauthorized-api-calls-by-user.dql", "30-api-throttling.dql"} {
			text, err := os.ReadFile(filepath.Join(shared, "tutorial", name))
			if err != nil {
				t.Fatal(err)
			}
			q := strings.Replace(string(text), "from: -30min", fmt.Sprintf("from: %q, to: %q", tf.From, tf.To), 1)
			// Groups of equal sort keys keep their order of first appearance, which
			// differs between sources for events of the same time: compare the
			// groups without the limit, and the sort keys in order with it.
			sorted := strings.Contains(q, "| sort arrayAvg(event_count) desc")
			full := q
			if sorted {
				full = q[:strings.Index(q, "| sort")]
				gotSorted, _ := runTraced(t, q, d.cl)
				wantSorted := run(t, q, dql.Options{Source: d.st, NoPushdown: true})
				if !slices.EqualFunc(gotSorted, wantSorted, func(a, b any) bool {
					return dqltest.Equal(dqltest.ArrayAvg(a.(map[string]any)["event_count"]), dqltest.ArrayAvg(b.(map[string]any)["event_count"]))
				}) {
					t.Errorf("%s/%s: sorted differently:\n  pushed: %.800s\n   store: %.800s", filepath.Base(folder), name, js(gotSorted), js(wantSorted))
				}
			}
			got, pushed := runTraced(t, full, d.cl)
			if !pushed {
				t.Errorf("%s/%s: the aggregation was not computed by the cluster", filepath.Base(folder), name)
			}
			raw := run(t, full, dql.Options{Source: d.cl, NoPushdown: true})
			want := run(t, full, dql.Options{Source: d.st, NoPushdown: true})
			if !dqltest.SameRecords(got, want, false) || !dqltest.SameRecords(raw, want, false) {
				t.Errorf("%s/%s:\n%s\n  pushed: %.800s\n    scan: %.800s\n   store: %.800s", filepath.Base(folder), name, full, js(got), js(raw), js(want))
			}
		}
	}
}

// TestExplainAggregate checks the LogsQL of aggregations: every literal and name
// quoted (hostile ones too), the split into a stats query and a scan, slots aligned
// to the series.
func TestExplainAggregate(t *testing.T) {
	from := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC).UnixNano()
	to := from + int64(24*time.Hour)
	str := func(s string) []value.Value { return []value.Value{value.String(s)} }
	pred := func(op exec.Op, vals []value.Value, path ...string) exec.Cond {
		return exec.Cond{Op: exec.CondPred, Pred: exec.Predicate{Path: path, Op: op, Values: vals}}
	}
	hostileName := `x") | delete | stats by ("y`
	req := exec.AggregateRequest{
		Scan: exec.ScanRequest{From: from, To: to, Buckets: []string{"my_aws_bucket"}},
		Where: []exec.Filter{
			{Cond: pred(exec.OpEq, str("cloudtrail"), "aws.service")},
			{Cond: exec.Cond{Op: exec.CondOr, Args: []exec.Cond{
				pred(exec.OpIn, []value.Value{value.String(`AccessDenied" OR *`), value.String(""), value.Long(5)}, "content", "errorCode"),
				{Op: exec.CondNot, Args: []exec.Cond{pred(exec.OpLt, str("m\n`'"), "content", "eventName")}},
			}}},
			{Cond: pred(exec.OpContains, str(`*"|`), "content", hostileName), Out: true},
		},
		By:       [][]string{{"content", "eventName"}, {"aws.region"}, {"aws.service"}, {"content", "eventName"}},
		Aggs:     []exec.AggSpec{{Func: exec.AggCount}, {Func: exec.AggDistinct, Path: []string{"content", "userIdentity", "arn"}}, {Func: exec.AggMin, Path: []string{"timestamp"}}, {Func: exec.AggSum, Path: []string{"content", "n"}}},
		Interval: int64(15 * time.Minute),
		Origin:   from - int64(5*time.Minute),
	}
	stats, rest, err := ExplainAggregate(req)
	if err != nil {
		t.Fatal(err)
	}
	wantStats := `_time:[2024-03-01T00:00:00Z, 2024-03-02T00:00:00Z) AND "trailbook.key":* AND ("dt.system.bucket":in("my_aws_bucket") OR "trailbook.partial":="1")` +
		` AND ("trailbook.format":="2" AND !"trailbook.partial":="1" AND !("trailbook.nonstring":*"errorCode"* OR "trailbook.nonstring":*"eventName"* OR "trailbook.nonstring":*"x\") | delete | stats by (\"y"* OR "trailbook.nonstring":*"userIdentity.arn"* OR "trailbook.nonstring":*"n"*)` +
		` AND ("errorCode":in("AccessDenied\" OR *") OR ("eventName":* AND !("eventName":* AND "eventName":string_range("", "m\n` + "`" + `'"))))` +
		` AND !"x\") | delete | stats by (\"y":*"*\"|"*)` +
		` | stats by (_time:900000000000 offset 300000000000, "eventName", "aws.region") count() "trailbook.r0", uniq_values("userIdentity.arn") "trailbook.r1", min(_time) "trailbook.r2", count("n") "trailbook.r3", min(_time) "trailbook.first"`
	if stats != wantStats {
		t.Errorf("stats query\n got: %s\nwant: %s", stats, wantStats)
	}
	if !strings.Contains(rest, `AND ("trailbook.partial":="1" OR !"trailbook.format":="2" OR "trailbook.nonstring":*"errorCode"* OR`) {
		t.Errorf("rest scan: %s", rest)
	}
	// What cannot be said exactly is refused.
	for _, bad := range []exec.AggregateRequest{
		{Scan: req.Scan, Aggs: []exec.AggSpec{{Func: exec.AggMin, Path: []string{"content", "eventName"}}}},
		{Scan: req.Scan, By: [][]string{{"timestamp"}}},
		{Scan: req.Scan, By: [][]string{{"content", "aws", "region"}}},
		{Scan: req.Scan, By: [][]string{{"ipAddr"}}},
		{Scan: req.Scan, Where: []exec.Filter{{Cond: pred(exec.OpEq, str("bad\xff"), "content", "eventName")}}},
		{Scan: req.Scan, Where: []exec.Filter{{Cond: pred(exec.OpStartsWith, []value.Value{value.Long(1)}, "content", "eventName")}}},
		{Scan: exec.ScanRequest{From: from, To: to, Buckets: []string{"bad\xff"}}},
	} {
		if _, _, err := ExplainAggregate(bad); err == nil || !strings.Contains(err.Error(), exec.ErrNotAggregated.Error()) {
			t.Errorf("ExplainAggregate(%+v): %v, want ErrNotAggregated", bad, err)
		}
	}
}

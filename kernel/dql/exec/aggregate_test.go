package exec_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trailbook/trailbook/kernel/dql/exec"
	"github.com/trailbook/trailbook/kernel/dql/plan"
	"github.com/trailbook/trailbook/kernel/dql/value"
)

// events are CloudTrail-like records whose members are strings mostly, and numbers,
// empty strings, nulls, objects and missing members sometimes: what a Source that
// aggregates strings only must leave to the executor.
func events(n int) []*value.Record {
	r := rand.New(rand.NewPCG(7, 11))
	start := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC).UnixNano()
	names := []any{"GetObject", "PutObject", "ConsoleLogin", "ListBuckets", "", nil, 5, map[string]any{"x": "y"}}
	codes := []any{"AccessDenied", "UnauthorizedOperation", nil, nil, nil, ""}
	users := []any{"arn:aws:iam::1:user/alice", "arn:aws:iam::1:user/bob", "arn:aws:iam::2:root", nil}
	regions := []string{"us-east-1", "eu-west-1", ""}
	var out []*value.Record
	for i := range n {
		ts := start + int64(i)*int64(7*time.Minute) + int64(r.IntN(1000))
		ev := map[string]any{"eventTime": time.Unix(0, ts).UTC().Format(time.RFC3339Nano)}
		pick := func(key string, from []any) {
			if v := from[r.IntN(len(from))]; v != nil || r.IntN(2) == 0 {
				ev[key] = v
			}
		}
		pick("eventName", names)
		pick("errorCode", codes)
		ui := map[string]any{"type": "IAMUser"}
		if u := users[r.IntN(len(users))]; u != nil {
			ui["arn"] = u
		}
		ev["userIdentity"] = ui
		if r.IntN(5) == 0 {
			ev["readOnly"] = r.IntN(2) == 0
		}
		b, _ := json.Marshal(ev)
		rec := value.NewRecord(4)
		rec.Append(exec.FieldTimestamp, value.Timestamp(ts))
		rec.Append(exec.FieldContent, value.String(string(b)))
		if reg := regions[r.IntN(len(regions))]; reg != "" {
			rec.Append(exec.FieldRegion, value.String(reg))
		}
		rec.Append(exec.FieldBucket, value.String("b"))
		out = append(out, rec)
	}
	return out
}

// listSource scans a list of records in order; it applies the time range only.
type listSource struct{ recs []*value.Record }

func (s *listSource) Scan(ctx context.Context, req exec.ScanRequest) (exec.Iterator, error) {
	var out []*value.Record
	for _, r := range s.recs {
		if t, _ := r.Lookup(exec.FieldTimestamp).Timestamp(); t >= req.From && t < req.To {
			out = append(out, r.Clone())
		}
	}
	return &listIter{recs: out}, nil
}

type listIter struct{ recs []*value.Record }

func (it *listIter) Next(ctx context.Context) ([]*value.Record, error) {
	if len(it.recs) == 0 {
		return nil, nil
	}
	n := min(len(it.recs), 50)
	b := it.recs[:n]
	it.recs = it.recs[n:]
	return b, nil
}

func (it *listIter) Close() error { return nil }

// aggSource is an Aggregator in the way of the VictoriaLogs one: it aggregates the
// records where every path the request names is a string or null, except every
// third, and leaves the others as Rest. It evaluates requests with its own reading of
// DQL's rules, a second implementation to check the executor's merging against.
type aggSource struct {
	listSource
	calls    int
	requests []exec.AggregateRequest
}

func (s *aggSource) Aggregate(ctx context.Context, req exec.AggregateRequest) (*exec.Aggregation, error) {
	s.calls++
	s.requests = append(s.requests, req)
	paths := slices.Clone(req.By)
	var condPaths func(c exec.Cond)
	condPaths = func(c exec.Cond) {
		if c.Op == exec.CondPred {
			paths = append(paths, c.Pred.Path)
		}
		for _, a := range c.Args {
			condPaths(a)
		}
	}
	for _, f := range req.Where {
		condPaths(f.Cond)
	}
	for _, a := range req.Aggs {
		if a.Path != nil {
			paths = append(paths, a.Path)
		}
		if a.Cond != nil {
			condPaths(*a.Cond)
		}
	}
	type group struct {
		row      exec.AggregateRow
		distinct []map[string]value.Value
	}
	groups := map[string]*group{}
	var order []string
	var rest []*value.Record
	for i, r := range s.recs {
		t, _ := r.Lookup(exec.FieldTimestamp).Timestamp()
		if t < req.Scan.From || t >= req.Scan.To {
			continue
		}
		clean := i%3 != 0
		for _, p := range paths {
			if v := pathValue(r, p); !v.IsNull() && v.Kind() != value.KindString && v.Kind() != value.KindTimestamp {
				clean = false
			}
		}
		if !clean {
			rest = append(rest, r.Clone())
			continue
		}
		pass := true
		for _, f := range req.Where {
			if v := evalCond(f.Cond, r); v == 1 == f.Out {
				pass = false
			}
		}
		if !pass {
			continue
		}
		keys := make([]value.Value, len(req.By))
		var kb []byte
		for j, p := range req.By {
			keys[j] = pathValue(r, p)
			kb = value.AppendKey(kb, keys[j])
		}
		slot := int64(0)
		if req.Interval > 0 {
			slot = req.Origin + (t-req.Origin)/req.Interval*req.Interval
			kb = fmt.Appendf(kb, "@%d", slot)
		}
		g := groups[string(kb)]
		if g == nil {
			g = &group{row: exec.AggregateRow{Keys: keys, Slot: slot, First: math.MaxInt64, Parts: make([]exec.AggPart, len(req.Aggs))},
				distinct: make([]map[string]value.Value, len(req.Aggs))}
			groups[string(kb)] = g
			order = append(order, string(kb))
		}
		g.row.First = min(g.row.First, t)
		for j, a := range req.Aggs {
			part := &g.row.Parts[j]
			switch a.Func {
			case exec.AggCount:
				part.Count++
			case exec.AggCountIf:
				if evalCond(*a.Cond, r) == 1 {
					part.Count++
				}
			default:
				v := pathValue(r, a.Path)
				if v.IsNull() {
					continue
				}
				switch a.Func {
				case exec.AggDistinct:
					if g.distinct[j] == nil {
						g.distinct[j] = map[string]value.Value{}
					}
					g.distinct[j][string(value.AppendKey(nil, v))] = v
				case exec.AggMin, exec.AggMax:
					if len(part.Values) == 0 {
						part.Values = []value.Value{v}
					} else if c := value.Compare(v, part.Values[0]); a.Func == exec.AggMin && c < 0 || a.Func == exec.AggMax && c > 0 {
						part.Values[0] = v
					}
				case exec.AggSum, exec.AggAvg:
					part.Values = []value.Value{v} // a string: the result is null
				}
			}
		}
	}
	out := &exec.Aggregation{Rest: &listIter{recs: rest}}
	// Answer in an order of no meaning, as a cluster does.
	slices.Reverse(order)
	for _, k := range order {
		g := groups[k]
		for j, d := range g.distinct {
			for _, v := range d {
				g.row.Parts[j].Values = append(g.row.Parts[j].Values, v)
			}
		}
		out.Rows = append(out.Rows, g.row)
	}
	return out, nil
}

// pathValue reads a request path: a record field, or a member of the event JSON.
func pathValue(r *value.Record, p []string) value.Value {
	if p[0] != exec.FieldContent || len(p) == 1 {
		v, _ := r.Get(p[0])
		return v
	}
	s, _ := r.Lookup(exec.FieldContent).Str()
	v, _ := value.ParseJSON(s)
	for _, k := range p[1:] {
		rec, ok := v.Record()
		if !ok {
			return value.Value{}
		}
		v, _ = rec.Get(k)
	}
	return v
}

// evalCond is DQL's three-valued logic: 1 true, 0 false, -1 null.
func evalCond(c exec.Cond, r *value.Record) int {
	switch c.Op {
	case exec.CondNot:
		if v := evalCond(c.Args[0], r); v >= 0 {
			return 1 - v
		}
		return -1
	case exec.CondAnd, exec.CondOr:
		stop, res := 0, 1 // and: a false decides
		if c.Op == exec.CondOr {
			stop, res = 1, 0
		}
		for _, a := range c.Args {
			switch v := evalCond(a, r); {
			case v == stop:
				return stop
			case v < 0:
				res = -1
			}
		}
		return res
	}
	p := c.Pred
	v := pathValue(r, p.Path)
	b := func(x bool) int {
		if x {
			return 1
		}
		return 0
	}
	switch p.Op {
	case exec.OpIsNull:
		return b(v.IsNull())
	case exec.OpIsNotNull:
		return b(!v.IsNull())
	}
	if v.IsNull() {
		return -1
	}
	eq := func(lit value.Value) bool {
		ls, ok1 := lit.Str()
		vs, ok2 := v.Str()
		if ok1 != ok2 {
			return false
		}
		if ok1 {
			return ls == vs
		}
		return value.Equal(v, lit)
	}
	switch p.Op {
	case exec.OpEq:
		return b(eq(p.Values[0]))
	case exec.OpNe:
		return b(!eq(p.Values[0]))
	case exec.OpIn:
		return b(slices.ContainsFunc(p.Values, eq))
	}
	vs, ok1 := v.Str()
	ls, ok2 := p.Values[0].Str()
	if !ok1 || !ok2 {
		return -1
	}
	switch p.Op {
	case exec.OpStartsWith:
		return b(strings.HasPrefix(vs, ls))
	case exec.OpContains:
		return b(strings.Contains(vs, ls))
	case exec.OpLt:
		return b(vs < ls)
	case exec.OpLe:
		return b(vs <= ls)
	case exec.OpGt:
		return b(vs > ls)
	case exec.OpGe:
		return b(vs >= ls)
	}
	panic("unknown op " + p.Op)
}

func runWith(t *testing.T, q string, src exec.Source, trace *[]string) []string {
	t.Helper()
	p, err := plan.Compile(q, plan.Options{Now: time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	opt := exec.Options{Source: src}
	if trace != nil {
		opt.Trace = func(s string) { *trace = append(*trace, s) }
	}
	res, err := exec.Run(context.Background(), p, opt)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	var out []string
	for _, r := range res.Records {
		out = append(out, string(value.AppendRecordJSONL(nil, r)))
	}
	return out
}

// TestAggregatorMerge runs aggregations over an Aggregator that computes part of the
// groups and leaves the rest, and requires exactly what a plain scan gives, in the
// same order (the records are in time order, so first appearance is first time).
func TestAggregatorMerge(t *testing.T) {
	recs := events(400)
	plain := &listSource{recs: recs}
	const head = `fetch logs, from: "2024-03-01T00:00:00Z", to: "2024-03-03T12:00:00Z" | parse content, "JSON:event" `
	pushed := []string{
		`| summarize count()`,
		`| filter event[eventName] == "nope" | summarize n = count()`,
		`| filter event[eventName] == "nope" | summarize n = count(), by: {event[eventName]}`,
		`| summarize n = count(), by: {name = event[eventName], aws.region}`,
		`| filter in(event[errorCode], {"AccessDenied", "UnauthorizedOperation"}) | summarize count(), by: {event[eventName]}`,
		`| filter not(event[eventName] == "GetObject") or isNull(event[errorCode]) | summarize n = count(), c = countIf(startsWith(event[userIdentity][arn], "arn:aws:iam::1:")), by: {u = event[userIdentity][arn]}`,
		`| filterOut event[eventName] < "L" | summarize n = count(), d = countDistinct(event[userIdentity][arn]), by: {event[errorCode]}`,
		`| fieldsAdd name = event[eventName], ui = event[userIdentity] | filter contains(name, "Object") | summarize first = min(timestamp), last = max(timestamp), by: {ui[arn]}`,
		`| summarize s = sum(event[eventName]), a = avg(event[readOnly]), m = min(event[eventName]), by: {aws.region}`,
		`| fieldsRename ev = event | summarize countDistinctExact(ev[errorCode]), by: {ev[userIdentity][type]}`,
		`| fieldsAdd timestamp = timestamp | makeTimeseries count(), interval: 1h`,
		`| makeTimeseries count(), by: {event[eventName]}, interval: 1h`,
		`| filter isNotNull(event[errorCode]) | makeTimeseries n = count(default: 0), c = countIf(event[errorCode] == "AccessDenied"), by: {u = event[userIdentity][arn]}, interval: 3h`,
		`| makeTimeseries r = count(rate: 1m), d = countDistinct(event[eventName]), interval: 30m, from: "2024-03-01T10:00:00Z", to: "2024-03-02T00:00:00Z"`,
		`| filter event[eventName] == "nope" | makeTimeseries count(), nonempty: true, interval: 1h`,
		`| summarize n = count(), by: {event[eventName]} | sort n desc | limit 3`,
	}
	scanned := []string{
		`| fieldsAdd x = lower(event[eventName]) | summarize count(), by: {x}`,
		`| limit 10 | summarize count()`,
		`| summarize takeFirst(event[eventName])`,
		`| makeTimeseries count(), time: timestamp`,
		`| filter event[eventName] ~ "object" | summarize count()`,
		`| fieldsRemove aws.region | summarize count(), by: {aws.region, event[errorCode]}`,
		`| summarize count(), by: {event}`,
		`| fieldsRename r = aws.region | summarize count(), by: {r}`,
	}
	for i, q := range append(pushed, scanned...) {
		q = head + q
		want := runWith(t, q, plain, nil)
		src := &aggSource{listSource: listSource{recs: recs}}
		var trace []string
		got := runWith(t, q, src, &trace)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s\n got: %s\nwant: %s", q, strings.Join(got, "\n      "), strings.Join(want, "\n      "))
		}
		if isPushed := i < len(pushed); (src.calls > 0) != isPushed {
			t.Errorf("%s: Aggregate called %d times, want pushed=%v; trace: %q", q, src.calls, isPushed, trace)
		}
		if len(trace) != 1 {
			t.Errorf("%s: trace %q, want one line", q, trace)
		}
	}
}

// TestAggregateRequest checks how the commands before an aggregation become the
// request: aliases, renames and parsed paths resolved, filterOut kept apart, the
// makeTimeseries range cut to the series.
func TestAggregateRequest(t *testing.T) {
	src := &aggSource{}
	runWith(t, `fetch logs, from: "2024-03-01T00:00:00Z", to: "2024-03-01T06:00:00Z", bucket: "b*"
| filter aws.service == "cloudtrail"
| parse content, "JSON:event"
| fieldsAdd ui = event[userIdentity], n = event[eventName]
| fieldsRename who = ui
| filterOut startsWith(n, "Get")
| makeTimeseries c = count(), d = countIf(who[type] != "Root"), by: {who[arn], aws.region}, interval: 1h, from: "2024-03-01T02:30:00Z"`, src, nil)
	if len(src.requests) != 1 {
		t.Fatalf("%d requests", len(src.requests))
	}
	got, _ := json.Marshal(src.requests[0])
	want := `{"Scan":{"From":1709258400000000000,"To":1709272800000000000,"Buckets":["b*"],"Filters":[{"Path":["aws.service"],"Op":"==","Values":[{}]}],"Limit":0},` +
		`"Where":[{"Cond":{"Op":"pred","Pred":{"Path":["aws.service"],"Op":"==","Values":[{}]},"Args":null},"Out":false},` +
		`{"Cond":{"Op":"pred","Pred":{"Path":["content","eventName"],"Op":"startsWith","Values":[{}]},"Args":null},"Out":true}],` +
		`"By":[["content","userIdentity","arn"],["aws.region"]],` +
		`"Aggs":[{"Func":"count","Path":null,"Cond":null},{"Func":"countIf","Path":null,"Cond":{"Op":"pred","Pred":{"Path":["content","userIdentity","type"],"Op":"!=","Values":[{}]},"Args":null}}],` +
		`"Interval":3600000000000,"Origin":1709258400000000000}`
	if string(got) != want {
		t.Fatalf("request\n got: %s\nwant: %s", got, want)
	}
}

// warnSource answers, and says its answer is partial: from the scan's iterator, or
// from Aggregate.
type warnSource struct{ aggSource }

type warnIter struct{ listIter }

func (warnIter) Warnings() []string { return []string{"partial scan"} }

func (s *warnSource) Scan(ctx context.Context, req exec.ScanRequest) (exec.Iterator, error) {
	it, _ := s.listSource.Scan(ctx, req)
	return &warnIter{*it.(*listIter)}, nil
}

func (s *warnSource) Aggregate(ctx context.Context, req exec.AggregateRequest) (*exec.Aggregation, error) {
	a, err := s.aggSource.Aggregate(ctx, req)
	if err == nil {
		a.Warnings = []string{"partial aggregation"}
	}
	return a, err
}

// TestRuntimeWarnings checks that what Sources warn about reaches the result, from
// sub-queries too, once each.
func TestRuntimeWarnings(t *testing.T) {
	src := &warnSource{aggSource{listSource: listSource{recs: events(20)}}}
	for q, want := range map[string][]string{
		`fetch logs, from: "2024-03-01T00:00:00Z", to: "2024-03-03T00:00:00Z" | limit 3`:           {"partial scan"},
		`fetch logs, from: "2024-03-01T00:00:00Z", to: "2024-03-03T00:00:00Z" | summarize count()`: {"partial aggregation"},
		`data record(a = 1) | append [fetch logs, from: "2024-03-01T00:00:00Z", to: "2024-03-03T00:00:00Z" | summarize count()] | append [fetch logs, from: "2024-03-01T00:00:00Z", to: "2024-03-03T00:00:00Z" | summarize count()]`: {"partial aggregation"},
		`data record(a = 1)`: nil,
	} {
		p, err := plan.Compile(q, plan.Options{})
		if err != nil {
			t.Fatal(err)
		}
		res, err := exec.Run(context.Background(), p, exec.Options{Source: src})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(res.Warnings, want) {
			t.Errorf("%s: warnings %q, want %q", q, res.Warnings, want)
		}
	}
}

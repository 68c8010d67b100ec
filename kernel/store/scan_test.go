package store

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/trailbook/trailbook/kernel/dql/exec"
	"github.com/trailbook/trailbook/kernel/dql/value"
)

// lookupPath reads a predicate path from a record the way the executor does after
// `parse content, "JSON:event"`: record fields by name, content members through the
// lazily parsed event, one level at a time (the first member of a name wins).
func lookupPath(r *value.Record, path []string) value.Value {
	if path[0] != exec.FieldContent || len(path) == 1 {
		return r.Lookup(path[0])
	}
	content, _ := r.Lookup(exec.FieldContent).Str()
	v := value.Rec(value.FromJSON(content))
	for _, name := range path[1:] {
		rec, ok := v.Record()
		if !ok {
			return value.NullValue
		}
		v = rec.Lookup(name)
	}
	return v
}

// refEval is the reference semantics of a pushed-down predicate (exec.Predicate's
// documentation): the executor's filter, written independently of the store.
func refEval(r *value.Record, p exec.Predicate) bool {
	v := lookupPath(r, p.Path)
	switch p.Op {
	case exec.OpIsNull:
		return v.IsNull()
	case exec.OpIsNotNull:
		return !v.IsNull()
	}
	if v.IsNull() {
		return false
	}
	switch p.Op {
	case exec.OpEq:
		return value.Equal(v, p.Values[0])
	case exec.OpNe:
		return !value.Equal(v, p.Values[0])
	case exec.OpIn:
		for _, w := range p.Values {
			if value.Equal(v, w) {
				return true
			}
		}
		return false
	}
	if a, ok := v.Timestamp(); ok {
		b, ok := p.Values[0].Timestamp()
		if !ok {
			return false
		}
		switch p.Op {
		case exec.OpLt:
			return a < b
		case exec.OpLe:
			return a <= b
		case exec.OpGt:
			return a > b
		case exec.OpGe:
			return a >= b
		}
		return false
	}
	s, ok1 := v.Str()
	w, ok2 := p.Values[0].Str()
	if !ok1 || !ok2 {
		return false
	}
	switch p.Op {
	case exec.OpStartsWith:
		return strings.HasPrefix(s, w)
	case exec.OpContains:
		return strings.Contains(s, w)
	case exec.OpLt:
		return s < w
	case exec.OpLe:
		return s <= w
	case exec.OpGt:
		return s > w
	case exec.OpGe:
		return s >= w
	}
	return false
}

// refScan is a brute-force scan: every record, filtered by the request exactly.
func refScan(recs []*value.Record, req exec.ScanRequest) []*value.Record {
	var out []*value.Record
	for _, r := range recs {
		if refPasses(r, req) {
			out = append(out, r)
		}
	}
	return out
}

func refPasses(r *value.Record, req exec.ScanRequest) bool {
	ts, _ := r.Lookup(exec.FieldTimestamp).Timestamp()
	b, _ := r.Lookup(exec.FieldBucket).Str()
	if ts < req.From || ts >= req.To || !MatchBuckets(req.Buckets, b) {
		return false
	}
	for _, p := range req.Filters {
		if !refEval(r, p) {
			return false
		}
	}
	return true
}

func scanRecords(t testing.TB, src exec.Source, req exec.ScanRequest) []*value.Record {
	t.Helper()
	it, err := src.Scan(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	var out []*value.Record
	for {
		batch, err := it.Next(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if batch == nil {
			return out
		}
		out = append(out, batch...)
	}
}

// keys identifies records cheaply for multiset comparisons: TestIngestFolders
// compares whole records; here the time, bucket, source and content tell them apart.
func keys(recs []*value.Record) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		ts, _ := r.Lookup(exec.FieldTimestamp).Timestamp()
		b, _ := r.Lookup(exec.FieldBucket).Str()
		src, _ := r.Lookup(exec.FieldLogSource).Str()
		c, _ := r.Lookup(exec.FieldContent).Str()
		out[i] = strconv.FormatInt(ts, 10) + "\x00" + b + "\x00" + src + "\x00" + c
	}
	return out
}

// TestScanPushdown checks, over random requests on the invictus data set, that a scan
// with pushed-down filters, once the executor re-applies them, returns exactly the
// records a brute-force filter over BuildRecord output returns; and that when every
// filter is answerable from columns, the store returns exactly those records.
func TestScanPushdown(t *testing.T) {
	logs := filepath.Join(dataDir(t), "invictus-aws-dataset", "logs")
	s := openTemp(t)
	ctx := context.Background()
	if _, err := s.Ingest(ctx, []string{logs}, IngestOptions{Bucket: "my_aws_bucket", BatchEvents: 700}); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(logs)
	if err != nil {
		t.Fatal(err)
	}
	var some []string
	for i, e := range entries {
		if i%3 == 0 {
			some = append(some, filepath.Join(logs, e.Name()))
		}
	}
	if _, err := s.Ingest(ctx, some, IngestOptions{Bucket: "other"}); err != nil {
		t.Fatal(err)
	}
	_, all := rawRecords(t, []string{logs}, "my_aws_bucket")
	_, others := rawRecords(t, some, "other")
	all = append(all, others...)

	var lo, hi int64 = 1 << 62, -1 << 62
	for _, r := range all {
		ts, _ := r.Lookup(exec.FieldTimestamp).Timestamp()
		lo, hi = min(lo, ts), max(hi, ts)
	}
	paths := [][]string{
		{"content", "eventName"}, {"content", "eventSource"}, {"content", "errorCode"},
		{"content", "awsRegion"}, {"content", "userIdentity", "arn"}, {"content", "userIdentity", "type"},
		{"content", "userIdentity", "userName"}, {"content", "sourceIPAddress"}, {"content", "errorMessage"},
		{"content", "requestParameters", "origin"}, {"content", "responseElements", "ConsoleLogin"},
		{"content", "additionalEventData", "MFAUsed"}, {"content", "recipientAccountId"}, {"content", "eventType"},
		{"content", "userAgent"}, {"content", "readOnly"}, {"content", "requestParameters"},
		{"aws.region"}, {"aws.account.id"}, {"dt.system.bucket"}, {"loglevel"}, {"aws.service"},
		{"aws.resource.type"}, {"log.source"},
	}
	// Values seen at each path, to make predicates that match something.
	seen := make([][]value.Value, len(paths))
	for i, p := range paths {
		set := map[string]value.Value{}
		for _, r := range all {
			v := lookupPath(r, p)
			if _, ok := v.Str(); ok {
				set[string(value.AppendJSONL(nil, v))] = v
			}
		}
		for _, v := range set {
			seen[i] = append(seen[i], v)
		}
		slices.SortFunc(seen[i], value.Compare)
	}
	ops := []exec.Op{exec.OpEq, exec.OpNe, exec.OpIn, exec.OpStartsWith, exec.OpContains,
		exec.OpLt, exec.OpLe, exec.OpGt, exec.OpGe, exec.OpIsNull, exec.OpIsNotNull}
	r := rand.New(rand.NewPCG(1, 2))
	randValue := func(pi int) value.Value {
		switch {
		case r.IntN(12) == 0:
			return value.Long(int64(r.IntN(3)))
		case r.IntN(10) == 0 || len(seen[pi]) == 0:
			return value.String([]string{"", "AccessDenied", "x", "us-east-1", "Failure"}[r.IntN(5)])
		}
		v := seen[pi][r.IntN(len(seen[pi]))]
		if r.IntN(4) == 0 {
			s, _ := v.Str()
			return value.String(s[:r.IntN(len(s)+1)])
		}
		return v
	}
	trials, strict := 300, 0
	for trial := 0; trial < trials; trial++ {
		req := exec.ScanRequest{From: -1 << 62, To: 1 << 62}
		if r.IntN(3) > 0 {
			span := hi - lo + 1
			req.From = lo + r.Int64N(span) - span/10
			req.To = req.From + r.Int64N(span)
		}
		switch r.IntN(6) {
		case 0:
			req.Buckets = []string{"my_aws_bucket"}
		case 1:
			req.Buckets = []string{"other", "nothing"}
		case 2:
			req.Buckets = []string{"*bucket"}
		case 3:
			req.Buckets = []string{}
		}
		allColumns := true
		if r.IntN(5) == 0 {
			// A comparison of the timestamp, folded into the time range.
			op := []exec.Op{exec.OpEq, exec.OpLt, exec.OpLe, exec.OpGt, exec.OpGe}[r.IntN(5)]
			ts, _ := all[r.IntN(len(all))].Lookup(exec.FieldTimestamp).Timestamp()
			req.Filters = append(req.Filters, exec.Predicate{Path: []string{"timestamp"}, Op: op, Values: []value.Value{value.Timestamp(ts)}})
		}
		for n := r.IntN(4); n > 0; n-- {
			pi := r.IntN(len(paths))
			p := exec.Predicate{Path: paths[pi], Op: ops[r.IntN(len(ops))]}
			switch p.Op {
			case exec.OpIsNull, exec.OpIsNotNull:
			case exec.OpIn:
				for k := r.IntN(4); k > 0; k-- {
					p.Values = append(p.Values, randValue(pi))
				}
			default:
				p.Values = []value.Value{randValue(pi)}
			}
			for _, v := range p.Values {
				if _, ok := v.Str(); !ok {
					allColumns = false
				}
			}
			if columnFor(p.Path) < 0 && len(p.Path) != 1 {
				allColumns = false
			}
			if p.Op == exec.OpIsNull && p.Path[0] == exec.FieldContent {
				allColumns = false // left to the executor: see scanPlan.add
			}
			req.Filters = append(req.Filters, p)
		}
		want := keys(refScan(all, req))
		got := scanRecords(t, s, req)
		var passed []*value.Record
		for _, rec := range got {
			if refPasses(rec, req) {
				passed = append(passed, rec)
			}
			ts, _ := rec.Lookup(exec.FieldTimestamp).Timestamp()
			b, _ := rec.Lookup(exec.FieldBucket).Str()
			if ts < req.From || ts >= req.To || !MatchBuckets(req.Buckets, b) {
				t.Fatalf("trial %d: record outside the time range or buckets: %v %q", trial, ts, b)
			}
		}
		sameMultiset(t, "pushdown vs brute force", keys(passed), want)
		if t.Failed() {
			t.Fatalf("trial %d: request %+v", trial, req)
		}
		if allColumns {
			strict++
			sameMultiset(t, "exact pushdown", keys(got), want)
			if t.Failed() {
				t.Fatalf("trial %d: request %+v", trial, req)
			}
		}
		// Limit: the first records that pass are the same as without a limit.
		if len(want) > 0 && trial%5 == 0 {
			req.Limit = 1 + r.IntN(len(want))
			lim := scanRecords(t, s, req)
			var firstAll, firstLim []string
			for _, rec := range got {
				if refPasses(rec, req) && len(firstAll) < req.Limit {
					firstAll = append(firstAll, keys([]*value.Record{rec})[0])
				}
			}
			for _, rec := range lim {
				if refPasses(rec, req) && len(firstLim) < req.Limit {
					firstLim = append(firstLim, keys([]*value.Record{rec})[0])
				}
			}
			if !slices.Equal(firstAll, firstLim) {
				t.Fatalf("trial %d: limit %d: the first passing records differ (%d vs %d)", trial, req.Limit, len(firstLim), len(firstAll))
			}
		}
	}
	if strict < trials/5 {
		t.Fatalf("only %d of %d trials had every filter pushed down", strict, trials)
	}
}

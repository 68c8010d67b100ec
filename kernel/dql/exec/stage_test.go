package exec_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/trailbook/trailbook/kernel/dql/exec"
	"github.com/trailbook/trailbook/kernel/dql/plan"
	"github.com/trailbook/trailbook/kernel/dql/value"
)

// seqSource yields n records in batches of odd sizes, numbered in order; with
// forever it never ends (until cancelled).
type seqSource struct {
	n       int
	forever bool
}

func (s *seqSource) Scan(ctx context.Context, req exec.ScanRequest) (exec.Iterator, error) {
	return &seqIter{src: s}, nil
}

type seqIter struct {
	src *seqSource
	i   int
	buf []*value.Record
}

func (it *seqIter) Next(ctx context.Context) ([]*value.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	it.buf = it.buf[:0] // reused on purpose: consumers must not keep the slice
	size := 1 + it.i%97
	for len(it.buf) < size && (it.src.forever || it.i < it.src.n) {
		r := value.NewRecord(3)
		r.Append("timestamp", value.Timestamp(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano()+int64(it.i)))
		r.Append("n", value.Long(int64(it.i)))
		r.Append("content", value.String(fmt.Sprintf(`{"k":%d,"name":"e%d"}`, it.i%7, it.i)))
		it.buf = append(it.buf, r)
		it.i++
	}
	if len(it.buf) == 0 {
		return nil, nil
	}
	return it.buf, nil
}

func (it *seqIter) Close() error { return nil }

func run(t *testing.T, q string, src exec.Source, par int) []string {
	t.Helper()
	p, err := plan.Compile(q, plan.Options{Now: time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	res, err := exec.Run(context.Background(), p, exec.Options{Source: src, Parallelism: par})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(res.Records))
	for i, r := range res.Records {
		out[i] = string(value.AppendRecordJSONL(nil, r))
	}
	return out
}

// TestParallelKeepsOrder checks that running the per-record steps on several
// goroutines gives exactly the sequential result, order included.
func TestParallelKeepsOrder(t *testing.T) {
	queries := []string{
		`fetch logs, from: -2d | parse content, "JSON:e" | filter e[k] != 3 | fieldsAdd name = e[name] | fields n, name`,
		`fetch logs, from: -2d | parse content, "JSON:e" | summarize c = count(), first = takeFirst(n), by: {e[k]}`,
		`fetch logs, from: -2d | filter n % 5 == 0 | expand x = array(n, n) | limit 777`,
		`fetch logs, from: -2d | parse content, "JSON:e" | dedup e[k]`,
	}
	src := &seqSource{n: 20000}
	for _, q := range queries {
		seq := run(t, q, src, 1)
		for _, par := range []int{2, 4} {
			got := run(t, q, src, par)
			if len(got) != len(seq) {
				t.Fatalf("%s: parallelism %d: %d records, sequential %d", q, par, len(got), len(seq))
			}
			for i := range got {
				if got[i] != seq[i] {
					t.Fatalf("%s: parallelism %d: record %d is %s, sequential %s", q, par, i, got[i], seq[i])
				}
			}
		}
	}
}

// TestParallelCancel checks that a cancelled query over an endless source returns
// promptly and leaves no goroutine blocked.
func TestParallelCancel(t *testing.T) {
	p, err := plan.Compile(`fetch logs, from: -2d | parse content, "JSON:e" | summarize count()`, plan.Options{Now: time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := exec.Run(ctx, p, exec.Options{Source: &seqSource{forever: true}, Parallelism: 2})
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("cancelled query returned no error")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("cancelled query did not return")
	}
}

// TestExpandStreams checks that chained expands over large arrays are interruptible
// and stream instead of building the whole product at once.
func TestExpandStreams(t *testing.T) {
	p, err := plan.Compile(`data record(a = 1) | fieldsAdd x = arraySlice(array(1,2,3,4,5,6,7,8,9,10), from: 0) | expand x | fieldsAdd y = array(1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20) | expand y | expand z = array(1, 2, 3) | limit 7`, plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := exec.Run(context.Background(), p, exec.Options{})
	if err != nil || len(res.Records) != 7 {
		t.Fatalf("got %v, %v", res, err)
	}
	p, err = plan.Compile(`data record(a = 1) | fieldsAdd x = array(0,1,2,3,4,5,6,7,8,9)
		| expand x | expand x2 = array(0,1,2,3,4,5,6,7,8,9) | expand x3 = array(0,1,2,3,4,5,6,7,8,9) | expand x4 = array(0,1,2,3,4,5,6,7,8,9)
		| expand x5 = array(0,1,2,3,4,5,6,7,8,9) | expand x6 = array(0,1,2,3,4,5,6,7,8,9) | expand x7 = array(0,1,2,3,4,5,6,7,8,9) | summarize count()`, plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = exec.Run(ctx, p, exec.Options{})
	if err == nil || time.Since(start) > 2*time.Second {
		t.Fatalf("10^7 expanded records were not interrupted promptly: %v after %v", err, time.Since(start))
	}
}

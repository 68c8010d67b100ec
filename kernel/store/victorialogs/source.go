package victorialogs

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sync"

	"github.com/tidwall/gjson"

	"github.com/trailbook/trailbook/kernel/dql/exec"
	"github.com/trailbook/trailbook/kernel/dql/value"
	"github.com/trailbook/trailbook/kernel/store"
)

var _ exec.Source = (*Client)(nil)

// Scan implements exec.Source. It sends one LogsQL query (see Explain) and streams the
// answer, rebuilding each record from the stored event text with store.BuildRecord,
// so that records equal the embedded store's byte for byte. Time range and buckets are
// checked again on every record; the pushed-down predicates only narrow the answer.
// Records come in the order the cluster finds them, which is not time order.
//
// Cancelling ctx, or Close, cancels the HTTP request, which makes VictoriaLogs stop
// the query. req.Limit is not pushed: the cluster's filters are a superset of the
// query's, so its first records need not be the query's first.
func (c *Client) Scan(ctx context.Context, req exec.ScanRequest) (exec.Iterator, error) {
	it, err := c.scan(ctx, translate(req), req)
	if err != nil {
		return nil, fmt.Errorf("cannot scan logs: %w", err)
	}
	return it, nil
}

// scan sends a scan query and streams its records; req holds the exact conditions
// the iterator checks again.
func (c *Client) scan(ctx context.Context, q scanQuery, req exec.ScanRequest) (exec.Iterator, error) {
	if q.empty {
		return &scanIter{done: true}, nil
	}
	ctx, cancel := context.WithCancel(ctx)
	resp, warning, err := c.search(ctx, q.String())
	if err != nil {
		cancel()
		return nil, err
	}
	it := &scanIter{cancel: cancel, out: make(chan scanBatch, 2), partial: c.Partial}
	if warning != "" {
		it.warn(warning)
	}
	it.wg.Add(1)
	go func() {
		defer it.wg.Done()
		defer resp.Body.Close()
		it.read(ctx, newLineReader(resp.Body, c.base+"/select/logsql/query"), req)
	}()
	return it, nil
}

// Explain returns the LogsQL query that Scan sends for req, and how many of its
// predicates were pushed down (the rest are left to the local engine).
func Explain(req exec.ScanRequest) (logsql string, pushed int) {
	q := translate(req)
	if q.empty {
		return "(nothing can match: no query is sent)", q.pushed
	}
	return q.String(), q.pushed
}

type scanBatch struct {
	recs []*value.Record
	err  error
}

// scanIter hands out the batches that its goroutines decode from the answer: one
// splits it into chunks of lines, decoders rebuild records from chunks in parallel
// (rebuilding, not the network, bounds a scan that streams every record). The order
// of records is the cluster's, which has none, so the decoders need not keep it.
type scanIter struct {
	cancel  context.CancelFunc
	out     chan scanBatch
	wg      sync.WaitGroup
	done    bool
	once    sync.Once
	partial bool // an answer cut short ends the scan with a warning, not an error

	mu       sync.Mutex
	warnings []string
}

// warn records that the scan's answer is partial.
func (it *scanIter) warn(w string) {
	it.mu.Lock()
	it.warnings = append(it.warnings, w)
	it.mu.Unlock()
}

// Warnings implements exec.Warner.
func (it *scanIter) Warnings() []string {
	it.mu.Lock()
	defer it.mu.Unlock()
	return slices.Clone(it.warnings)
}

// chunk is up to exec.BatchSize answer lines, copied out of the reader's buffer.
type chunk struct {
	data []byte
	ends []int
}

// read splits the answer into chunks for decoders until its end, an error or
// cancellation. It owns the body; out is closed when every decoder has returned.
func (it *scanIter) read(ctx context.Context, lr *lineReader, req exec.ScanRequest) {
	workers := max(1, min(runtime.GOMAXPROCS(0), 4))
	chunks := make(chan chunk, workers)
	var dec sync.WaitGroup
	dec.Add(workers)
	for range workers {
		go func() {
			defer dec.Done()
			for c := range chunks {
				recs := make([]*value.Record, 0, len(c.ends))
				start := 0
				for _, end := range c.ends {
					if r, ok := decodeEntry(c.data[start:end]); ok && inRange(r, req) {
						recs = append(recs, r)
					}
					start = end
				}
				if len(recs) > 0 && !it.send(ctx, scanBatch{recs: recs}) {
					return
				}
			}
		}()
	}
	defer func() {
		close(chunks)
		dec.Wait()
		close(it.out)
	}()
	var c chunk
	for {
		line, err := lr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			if ctx.Err() != nil {
				err = ctx.Err()
			} else if it.partial && nodeDown(err) {
				// The records so far stand, marked partial.
				it.warn(partialWarning(err))
				break
			}
			it.send(ctx, scanBatch{err: fmt.Errorf("cannot scan logs: %w", err)})
			return
		}
		c.data = append(c.data, line...)
		c.ends = append(c.ends, len(c.data))
		if len(c.ends) == exec.BatchSize {
			select {
			case chunks <- c:
			case <-ctx.Done():
				return
			}
			c = chunk{}
		}
	}
	if len(c.ends) > 0 {
		select {
		case chunks <- c:
		case <-ctx.Done():
		}
	}
}

// send hands a batch to Next; it reports false when the scan was cancelled.
func (it *scanIter) send(ctx context.Context, b scanBatch) bool {
	select {
	case it.out <- b:
		return true
	case <-ctx.Done():
		return false
	}
}

// decodeEntry rebuilds the §14 record of one answer line. It reports false for an
// entry that holds no valid event (not written by trailbook).
func decodeEntry(line []byte) (*value.Record, bool) {
	var msg, account, region, bucket, source string
	found := false
	gjson.ParseBytes(line).ForEach(func(k, v gjson.Result) bool {
		switch k.Str {
		case fieldMsg:
			msg, found = v.Str, true
		case exec.FieldAccount:
			account = v.Str
		case exec.FieldRegion:
			region = v.Str
		case exec.FieldBucket:
			bucket = v.Str
		case exec.FieldLogSource:
			source = v.Str
		}
		return true
	})
	if !found || !gjson.Valid(msg) {
		return nil, false
	}
	return store.BuildRecord([]byte(msg), source, bucket, account, region)
}

// inRange applies the scan's exact conditions, time range and buckets, to a record.
func inRange(r *value.Record, req exec.ScanRequest) bool {
	ts, _ := r.Lookup(exec.FieldTimestamp).Timestamp()
	if ts < req.From || ts >= req.To {
		return false
	}
	b, _ := r.Lookup(exec.FieldBucket).Str()
	return store.MatchBuckets(req.Buckets, b)
}

// Next implements exec.Iterator.
func (it *scanIter) Next(ctx context.Context) ([]*value.Record, error) {
	if it.done {
		return nil, nil
	}
	select {
	case b, ok := <-it.out:
		if !ok {
			it.finish()
			return nil, nil
		}
		if b.err != nil {
			it.finish()
			return nil, b.err
		}
		return b.recs, nil
	case <-ctx.Done():
		it.finish()
		return nil, ctx.Err()
	}
}

// finish cancels the request; the reader goroutine then ends on its own.
func (it *scanIter) finish() {
	it.done = true
	it.once.Do(func() {
		if it.cancel != nil {
			it.cancel()
		}
	})
}

// Close implements exec.Iterator.
func (it *scanIter) Close() error {
	it.finish()
	return nil
}

package victorialogs

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/trailbook/trailbook/kernel/dql/exec"
	"github.com/trailbook/trailbook/kernel/store"
	"github.com/trailbook/trailbook/kernel/store/cloudtrail"
)

// IngestOptions tunes an Ingest. The zero value ingests into store.DefaultBucket with
// the defaults below.
type IngestOptions struct {
	// Bucket is the dt.system.bucket of the ingested events; "" means
	// store.DefaultBucket. Deduplication is per bucket, as in the embedded store.
	Bucket string
	// Endpoint, Stdin and S3Client are passed to cloudtrail.Read.
	Endpoint string
	Stdin    io.Reader
	S3Client cloudtrail.S3API
	// Progress, if set, is called about ten times a second while reading and once at
	// the end, never concurrently with itself.
	Progress func(store.IngestProgress)
	// BatchEvents and BatchBytes bound one /insert/jsonline request: zero means 4,096
	// events and 8 MiB of event text.
	BatchEvents int
	BatchBytes  int
	// Attempts is how many times a batch is sent before the ingest fails; zero
	// means 5. Attempts are spaced by a doubling pause from half a second.
	Attempts int
	// VerifyTimeout bounds the wait for a sent batch to become visible to queries;
	// zero means two minutes. A batch still short after it fails the ingest.
	VerifyTimeout time.Duration
}

const (
	defaultBatchEvents   = 4096
	defaultBatchBytes    = 8 << 20
	defaultAttempts      = 5
	defaultVerifyTimeout = 2 * time.Minute
	// firstRetryPause is the pause before the second attempt to send a batch; it
	// doubles for each further attempt, to outlast a node restart.
	firstRetryPause = 500 * time.Millisecond
	// maxUnverified bounds the batches sent but not yet seen stored: their keys are
	// held in memory for deduplication.
	maxUnverified = 32
	// windowGap splits a batch's events of one stream into time windows for the
	// "which are stored already" query: events further apart than this are looked
	// up in separate windows, so that a batch spanning days does not read them all.
	windowGap = 10 * time.Minute
	// lineBudget is the longest line sent with flattened members: VictoriaLogs
	// skips lines over -insert.maxLineSizeBytes, 256 KiB by default.
	lineBudget = 256<<10 - 1<<10
	// maxQueryBytes keeps generated queries under VictoriaLogs' -search.maxQueryLen
	// (16 KiB by default).
	maxQueryBytes = 12 << 10
)

// Ingest reads CloudTrail events from paths (every shape cloudtrail.Read accepts) and
// stores those the cluster does not hold yet, in batches. Each batch is sent with
// retries and then checked: the ingest waits until queries see exactly the events
// it sent, so that once Ingest returns every event counted as new is visible. A batch
// that cannot be sent or is not stored in full fails the ingest with an error naming
// it; batches checked before stay stored. Malformed records are counted, never fatal.
//
// The stats have the meaning and the SummaryLine of the embedded store's. Two ingests
// of the same files running at the same time may both store an event.
func (c *Client) Ingest(ctx context.Context, paths []string, opt IngestOptions) (store.IngestStats, error) {
	start := time.Now()
	if opt.Bucket == "" {
		opt.Bucket = store.DefaultBucket
	}
	if !utf8.ValidString(opt.Bucket) {
		return store.IngestStats{}, fmt.Errorf("bucket name %q is not valid UTF-8", opt.Bucket)
	}
	if opt.BatchEvents <= 0 {
		opt.BatchEvents = defaultBatchEvents
	}
	if opt.BatchBytes <= 0 {
		opt.BatchBytes = defaultBatchBytes
	}
	if opt.Attempts <= 0 {
		opt.Attempts = defaultAttempts
	}
	if opt.VerifyTimeout <= 0 {
		opt.VerifyTimeout = defaultVerifyTimeout
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	in := &ingester{c: c, opt: opt, inflight: map[[keySize]byte]struct{}{}}

	// Four stages: the reader (this goroutine) splits the input into batches;
	// workers prepare the lines of a batch in parallel; the sender deduplicates and
	// sends batches in input order; the verifier waits until each sent batch is
	// visible. Bounded channels keep memory bounded whatever the input size.
	workers := max(1, min(runtime.GOMAXPROCS(0), 4))
	work := make(chan *batch, workers)
	ordered := make(chan *batch, workers+1)
	sent := make(chan *batch, maxUnverified)
	var wg sync.WaitGroup
	wg.Add(workers + 2)
	for range workers {
		go func() {
			defer wg.Done()
			for b := range work {
				b.prepare(opt.Bucket)
				close(b.done)
			}
		}()
	}
	go func() {
		defer wg.Done()
		defer close(sent)
		for b := range ordered {
			<-b.done
			if in.failed() {
				continue // drain, so that the reader never blocks
			}
			if err := in.send(ctx, b); err != nil {
				in.fail(err)
				continue
			}
			if b.n > 0 {
				select {
				case sent <- b:
				case <-ctx.Done():
					in.fail(ctx.Err())
				}
			}
		}
		if !in.failed() {
			// Everything is sent: make it searchable now rather than in a second.
			_ = c.flush(ctx)
		}
	}()
	go func() {
		defer wg.Done()
		for b := range sent {
			if in.failed() {
				continue
			}
			if err := in.verify(ctx, b); err != nil {
				in.fail(err)
				cancel()
			}
		}
	}()

	var cur *batch
	submit := func() {
		if cur == nil {
			return
		}
		ordered <- cur
		work <- cur
		cur = nil
	}
	var last cloudtrail.Progress
	rst, rerr := cloudtrail.Read(ctx, paths, cloudtrail.Options{
		Endpoint: opt.Endpoint,
		Stdin:    opt.Stdin,
		S3Client: opt.S3Client,
		Progress: func(p cloudtrail.Progress) {
			last = p
			if opt.Progress != nil {
				opt.Progress(in.progress(p))
			}
		},
	}, func(evs []cloudtrail.Event) error {
		if err := in.err(); err != nil {
			return err
		}
		for _, ev := range evs {
			if cur == nil {
				cur = newBatch()
			}
			cur.evs = append(cur.evs, ev)
			cur.bytes += len(ev.Raw)
			if len(cur.evs) >= opt.BatchEvents || cur.bytes >= opt.BatchBytes {
				submit()
			}
		}
		return ctx.Err()
	})
	if rerr == nil {
		submit()
	}
	close(work)
	close(ordered)
	wg.Wait()
	if err := in.err(); err != nil && (rerr == nil || errors.Is(rerr, context.Canceled)) {
		rerr = err
	}
	st := store.IngestStats{
		Events:       rst.Events - in.badTime.Load(),
		New:          in.newEvents.Load(),
		Files:        rst.Files,
		SkippedFiles: rst.SkippedFiles,
		FailedFiles:  rst.FailedFiles,
		Malformed:    rst.Malformed + in.badTime.Load(),
		Bytes:        rst.Bytes,
		Problems:     append(rst.Problems, in.problems()...),
		Duration:     time.Since(start),
	}
	if len(st.Problems) > cloudtrail.MaxProblems {
		st.Problems = st.Problems[:cloudtrail.MaxProblems]
	}
	if opt.Progress != nil && rerr == nil {
		last.Events = rst.Events
		opt.Progress(in.progress(last))
	}
	return st, rerr
}

// keySize is the length of an event key, as in the embedded store.
const keySize = 16

// eventKey is the identity of an event for idempotent ingest, the embedded store's:
// SHA-256, cut to 16 bytes, of the account (aws.account.id) and the event's text.
func eventKey(account string, raw []byte) [keySize]byte {
	h := sha256.New()
	h.Write([]byte(account))
	h.Write([]byte{0})
	h.Write(raw)
	var sum [sha256.Size]byte
	return [keySize]byte(h.Sum(sum[:0])[:keySize])
}

// batch is a run of events on its way to the cluster.
type batch struct {
	id    string // trailbook.batch of its entries
	evs   []cloudtrail.Event
	bytes int
	done  chan struct{} // closed when prepare has filled the fields below

	ents    []entry
	bad     []cloudtrail.Problem // events without a valid eventTime
	badTime int64

	// Set by the sender: the entries sent (n), their keys and time range.
	n        int
	keys     [][keySize]byte
	from, to int64
}

// entry is one prepared event.
type entry struct {
	ts              int64
	account, region string
	key             [keySize]byte
	line            []byte // the /insert/jsonline line, newline included
}

func newBatch() *batch {
	var id [16]byte
	_, _ = rand.Read(id[:]) // crypto/rand.Read never fails
	return &batch{id: hex.EncodeToString(id[:]), done: make(chan struct{})}
}

// prepare builds the entries of b's events; it touches nothing shared, so workers
// run it in parallel.
func (b *batch) prepare(bucket string) {
	b.ents = make([]entry, 0, len(b.evs))
	var flat []byte
	for _, ev := range b.evs {
		rec, ok := store.BuildRecord(ev.Raw, ev.Source, bucket, ev.Account, ev.Region)
		if !ok {
			b.badTime++
			if len(b.bad) < cloudtrail.MaxProblems {
				b.bad = append(b.bad, cloudtrail.Problem{Source: ev.Source, Line: ev.Line, Msg: "event has no valid eventTime"})
			}
			continue
		}
		ts, _ := rec.Lookup(exec.FieldTimestamp).Timestamp()
		account, _ := rec.Lookup(exec.FieldAccount).Str()
		region, _ := rec.Lookup(exec.FieldRegion).Str()
		source, _ := rec.Lookup(exec.FieldLogSource).Str()
		level, _ := rec.Lookup(exec.FieldLogLevel).Str()
		e := entry{ts: ts, account: account, region: region, key: eventKey(account, ev.Raw)}
		var partial bool
		flat, partial = flatten(flat[:0], ev.Raw)
		// Text that is not UTF-8 may be tokenised differently at ingest and at
		// query time: let every filter through for such events.
		partial = partial || !utf8.Valid(ev.Raw) || !utf8.ValidString(source)
		line := make([]byte, 0, 2*len(ev.Raw)+len(flat)+256)
		line = append(line, `{"_time":`...)
		line = appendJSONString(line, formatTime(ts))
		line = appendJSONString(append(line, ','), fieldMsg)
		line = appendJSONString(append(line, ':'), ev.Raw) // never empty: an event is an object
		line = appendField(line, exec.FieldBucket, bucket)
		line = appendField(line, exec.FieldAccount, account)
		line = appendField(line, exec.FieldRegion, region)
		line = appendField(line, exec.FieldLogSource, source)
		line = appendField(line, exec.FieldLogLevel, level)
		line = appendField(line, fieldKey, hex.EncodeToString(e.key[:]))
		line = appendField(line, fieldBatch, b.id)
		line = appendField(line, fieldFormat, formatVersion)
		if len(line)+len(flat)+32 > lineBudget {
			// VictoriaLogs refuses longer lines by default: keep the event, drop
			// the flattened members.
			flat, partial = flat[:0], true
		}
		if partial {
			line = appendField(line, fieldPartial, partialValue)
		}
		line = append(line, flat...)
		e.line = append(line, '}', '\n')
		b.ents = append(b.ents, e)
	}
	b.evs = nil
}

// ingester is the state shared by the stages of an Ingest.
type ingester struct {
	c   *Client
	opt IngestOptions

	mu       sync.Mutex
	firstErr error
	bad      []cloudtrail.Problem
	// inflight holds the keys of batches sent but not yet seen stored, which the
	// "stored already?" query cannot see yet.
	inflight map[[keySize]byte]struct{}

	badTime   atomic.Int64
	newEvents atomic.Int64
	batches   atomic.Int64
}

func (in *ingester) fail(err error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.firstErr == nil {
		in.firstErr = err
	}
}

func (in *ingester) err() error {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.firstErr
}

func (in *ingester) failed() bool { return in.err() != nil }

func (in *ingester) problems() []cloudtrail.Problem {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.bad
}

func (in *ingester) progress(p cloudtrail.Progress) store.IngestProgress {
	return store.IngestProgress{BytesRead: p.BytesRead, BytesTotal: p.BytesTotal, Files: p.Files,
		Events: p.Events, New: in.newEvents.Load(), Batches: in.batches.Load()}
}

// send sends the entries of b that the cluster does not hold yet.
func (in *ingester) send(ctx context.Context, b *batch) error {
	in.badTime.Add(b.badTime)
	if len(b.bad) > 0 {
		in.mu.Lock()
		in.bad = append(in.bad, b.bad[:min(len(b.bad), cloudtrail.MaxProblems-len(in.bad))]...)
		in.mu.Unlock()
	}
	// Drop what this ingest sent already, then what the cluster holds.
	fresh := b.ents[:0]
	in.mu.Lock()
	seen := map[[keySize]byte]bool{}
	for _, e := range b.ents {
		if _, dup := in.inflight[e.key]; dup || seen[e.key] {
			continue
		}
		seen[e.key] = true
		fresh = append(fresh, e)
	}
	in.mu.Unlock()
	stored, err := in.c.storedKeys(ctx, in.opt.Bucket, fresh)
	if err != nil {
		return fmt.Errorf("cannot check which events of %s are stored: %w", b.name(), err)
	}
	ents := fresh[:0]
	for _, e := range fresh {
		if !stored[e.key] {
			ents = append(ents, e)
		}
	}
	b.ents = ents
	if len(ents) == 0 {
		return nil
	}
	b.n = len(ents)
	b.from, b.to = ents[0].ts, ents[0].ts
	b.keys = make([][keySize]byte, len(ents))
	for i, e := range ents {
		b.keys[i] = e.key
		b.from, b.to = min(b.from, e.ts), max(b.to, e.ts)
	}
	in.mu.Lock()
	for _, k := range b.keys {
		in.inflight[k] = struct{}{}
	}
	in.mu.Unlock()
	return in.sendWithRetries(ctx, b)
}

// sendWithRetries posts b's entries. After a failed attempt some entries may be
// stored already (VictoriaLogs reads a request line by line), so it asks which
// entries of the batch are stored and sends only the others.
func (in *ingester) sendWithRetries(ctx context.Context, b *batch) error {
	pause := firstRetryPause
	ents := b.ents
	for attempt := 1; ; attempt++ {
		err := in.c.insert(ctx, ents)
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if attempt >= in.opt.Attempts || !retryable(err) {
			return fmt.Errorf("cannot send %s after %d attempts: %w", b.name(), attempt, err)
		}
		select {
		case <-time.After(pause):
		case <-ctx.Done():
			return ctx.Err()
		}
		pause *= 2
		_ = in.c.flush(ctx)
		have, err := in.c.batchKeys(ctx, b)
		if err != nil {
			continue // the cluster is still down: try the whole rest again
		}
		rest := ents[:0:0]
		for _, e := range ents {
			if !have[e.key] {
				rest = append(rest, e)
			}
		}
		ents = rest
		if len(ents) == 0 {
			break
		}
	}
	b.ents = nil // the lines are no longer needed
	return nil
}

// name describes a batch for messages: its size and first source.
func (b *batch) name() string {
	return fmt.Sprintf("a batch of %d events (batch %s)", len(b.ents), b.id)
}

// retryable reports whether an insert error may pass: the node or the cluster
// unavailable, overloaded (429) or failing (5xx).
func retryable(err error) bool {
	var e *Error
	if errors.As(err, &e) {
		return e.Status == http.StatusTooManyRequests || e.Status >= 500 || e.Status == 0
	}
	return errors.Is(err, ErrUnavailable)
}

// insert posts entries to /insert/jsonline.
func (c *Client) insert(ctx context.Context, ents []entry) error {
	n := 0
	for _, e := range ents {
		n += len(e.line)
	}
	body := make([]byte, 0, n)
	for _, e := range ents {
		body = append(body, e.line...)
	}
	params := url.Values{
		"_stream_fields": {strings.Join(streamFields, ",")},
		"_time_field":    {fieldTime},
		"_msg_field":     {fieldMsg},
	}
	// application/stream+json: with a form content type VictoriaLogs answers 200
	// and stores nothing.
	resp, err := c.post(ctx, "/insert/jsonline", params, "application/stream+json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	return resp.Body.Close()
}

// verify waits until queries see exactly b's entries, then counts them as new and
// forgets their keys. Seeing fewer after VerifyTimeout means VictoriaLogs dropped
// some (a line over -insert.maxLineSizeBytes, a timestamp outside -retentionPeriod or
// -futureRetention: it logs them and answers 200); seeing more means an entry was
// stored twice.
func (in *ingester) verify(ctx context.Context, b *batch) error {
	deadline := time.Now().Add(in.opt.VerifyTimeout)
	pause := 50 * time.Millisecond
	flushed := false
	for {
		n, err := in.c.batchCount(ctx, b)
		switch {
		case err != nil && ctx.Err() != nil:
			return ctx.Err()
		case err == nil && n == b.n:
			in.mu.Lock()
			for _, k := range b.keys {
				delete(in.inflight, k)
			}
			in.mu.Unlock()
			in.newEvents.Add(int64(b.n))
			in.batches.Add(1)
			b.keys = nil
			return nil
		case err == nil && n > b.n:
			return fmt.Errorf("VictoriaLogs stored %d entries for the %d events of batch %s: an event was stored twice", n, b.n, b.id)
		}
		if time.Now().After(deadline) {
			if err != nil {
				return fmt.Errorf("cannot check that batch %s was stored: %w", b.id, err)
			}
			return fmt.Errorf("VictoriaLogs holds %d of the %d events of batch %s after %s: check its log for dropped lines (-insert.maxLineSizeBytes, -retentionPeriod, -futureRetention)", n, b.n, b.id, in.opt.VerifyTimeout)
		}
		if !flushed && pause >= time.Second {
			_ = in.c.flush(ctx)
			flushed = true
		}
		select {
		case <-time.After(pause):
		case <-ctx.Done():
			return ctx.Err()
		}
		pause = min(2*pause, 2*time.Second)
	}
}

// batchFilter selects the entries of b.
func batchFilter(b *batch) string {
	return "_time:[" + formatTime(b.from) + ", " + formatTime(b.to) + "] AND " + quote(fieldBatch) + ":=" + quote(b.id)
}

// batchCount counts the stored entries of b.
func (c *Client) batchCount(ctx context.Context, b *batch) (int, error) {
	n := -1
	err := c.queryLines(ctx, batchFilter(b)+" | stats count() as n", func(line []byte) error {
		v, err := jsonStringField(line, "n")
		if err != nil {
			return err
		}
		_, err = fmt.Sscan(v, &n)
		return err
	})
	if err == nil && n < 0 {
		err = errors.New("no count in the answer")
	}
	return n, err
}

// batchKeys returns the keys of b's stored entries.
func (c *Client) batchKeys(ctx context.Context, b *batch) (map[[keySize]byte]bool, error) {
	have := map[[keySize]byte]bool{}
	err := c.queryLines(ctx, batchFilter(b)+" | fields "+quote(fieldKey), func(line []byte) error {
		return addKey(have, line, nil)
	})
	return have, err
}

// storedKeys returns which of ents the cluster holds in bucket already. It looks the
// keys up by stream and time window, where VictoriaLogs finds them fast, in as many
// queries as the length limit of a query requires.
func (c *Client) storedKeys(ctx context.Context, bucket string, ents []entry) (map[[keySize]byte]bool, error) {
	stored := map[[keySize]byte]bool{}
	if len(ents) == 0 {
		return stored, nil
	}
	want := make(map[[keySize]byte]bool, len(ents))
	for _, e := range ents {
		want[e.key] = true
	}
	head := quote(exec.FieldBucket) + ":=" + quote(bucket) + " AND ("
	tail := ") | fields " + quote(fieldKey)
	var q strings.Builder
	flush := func() error {
		if q.Len() == 0 {
			return nil
		}
		err := c.queryLines(ctx, head+q.String()+tail, func(line []byte) error {
			return addKey(stored, line, want)
		})
		q.Reset()
		return err
	}
	for _, w := range windows(ents) {
		if q.Len() > 0 && q.Len()+len(w) > maxQueryBytes {
			if err := flush(); err != nil {
				return nil, err
			}
		}
		if q.Len() > 0 {
			q.WriteString(" OR ")
		}
		q.WriteString(w)
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return stored, nil
}

// windows returns one LogsQL filter per stream and time window of ents: events of
// one account and region less than windowGap apart share a window.
func windows(ents []entry) []string {
	type span struct {
		account, region string
		from, to        int64
	}
	byStream := map[[2]string][]int64{}
	for _, e := range ents {
		k := [2]string{e.account, e.region}
		byStream[k] = append(byStream[k], e.ts)
	}
	var spans []span
	for k, ts := range byStream {
		slices.Sort(ts)
		s := span{k[0], k[1], ts[0], ts[0]}
		for _, t := range ts[1:] {
			if t-s.to > int64(windowGap) {
				spans = append(spans, s)
				s.from = t
			}
			s.to = t
		}
		spans = append(spans, s)
	}
	out := make([]string, 0, len(spans))
	for _, s := range spans {
		out = append(out, "("+exact(exec.FieldAccount, s.account)+" AND "+exact(exec.FieldRegion, s.region)+
			" AND _time:["+formatTime(s.from)+", "+formatTime(s.to)+"])")
	}
	slices.Sort(out) // deterministic queries, for logs and tests
	return out
}

// exact is field:="v", or field:"" (missing) for an empty v.
func exact(field, v string) string {
	if v == "" {
		return quote(field) + `:""`
	}
	return quote(field) + ":=" + quote(v)
}

// addKey adds the trailbook.key of an answer line to set, if want holds it (or want
// is nil).
func addKey(set map[[keySize]byte]bool, line []byte, want map[[keySize]byte]bool) error {
	v, err := jsonStringField(line, fieldKey)
	if err != nil {
		return err
	}
	var k [keySize]byte
	if len(v) != 2*keySize {
		return nil // not trailbook's
	}
	if _, err := hex.Decode(k[:], []byte(v)); err != nil {
		return nil
	}
	if want == nil || want[k] {
		set[k] = true
	}
	return nil
}

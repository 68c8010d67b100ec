package store

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/trailbook/trailbook/kernel/store/cloudtrail"
)

// IngestOptions tunes an Ingest. The zero value ingests into DefaultBucket with the
// default batch size.
type IngestOptions struct {
	// Bucket is the dt.system.bucket of the ingested events; "" means DefaultBucket.
	// Deduplication is per bucket: the same event ingested into two buckets is in both.
	Bucket string
	// Endpoint is an S3-compatible endpoint for s3:// paths (see cloudtrail.Options).
	Endpoint string
	// Stdin is read for the path "-"; nil means os.Stdin.
	Stdin io.Reader
	// S3Client serves s3:// paths instead of a client from the AWS configuration
	// (tests).
	S3Client cloudtrail.S3API
	// Progress, if set, is called about ten times a second while reading, and once at
	// the end. It is never called concurrently with itself.
	Progress func(IngestProgress)
	// Committed, if set, is called after each batch is durable: a crash after this
	// call cannot lose the batch. It is never called concurrently with itself, but
	// may run concurrently with Progress.
	Committed func(IngestProgress)
	// BatchEvents and BatchBytes bound a batch, the unit that is committed atomically:
	// a batch is committed when it holds BatchEvents events or BatchBytes bytes of
	// JSON, and at the end. Zero means 32,768 events and 16 MiB. Larger batches
	// ingest a little faster; every batch costs a few fsyncs.
	BatchEvents int
	BatchBytes  int64
}

// IngestProgress is a snapshot of an Ingest under way.
type IngestProgress struct {
	BytesRead  int64 // input bytes read (compressed size for gzip)
	BytesTotal int64 // size of all inputs; 0 when unknown (stdin, S3 listing under way)
	Files      int64 // inputs started
	Events     int64 // events read
	New        int64 // events committed that were not stored before
	Batches    int64 // batches committed
}

// IngestStats is the outcome of an Ingest.
type IngestStats struct {
	Events       int64 // valid events read, duplicates included
	New          int64 // events stored that were not stored before
	Files        int64 // inputs met, skipped and failed ones included
	SkippedFiles int64 // digest files, CloudWatch control messages
	FailedFiles  int64 // inputs that could not be read to the end
	Malformed    int64 // records lost: bad JSON, not an object, or no valid eventTime
	Bytes        int64 // input bytes read
	Duration     time.Duration
	Problems     []cloudtrail.Problem // the first problems, with file and line
}

// SummaryLine returns the one line `trailbook ingest` prints at the end
// (interfaces.md):
//
//	ingested 45 events (45 new), skipped 2 files, malformed 2 records, from 16 files in 12ms
func (s IngestStats) SummaryLine() string {
	return fmt.Sprintf("ingested %d events (%d new), skipped %d files, malformed %d records, from %d files in %s",
		s.Events, s.New, s.SkippedFiles, s.Malformed, s.Files, roundDuration(s.Duration))
}

func roundDuration(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(10 * time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(time.Millisecond)
	}
	return d.Round(time.Microsecond)
}

const (
	defaultBatchEvents = 32 << 10
	defaultBatchBytes  = 16 << 20
)

// Ingest reads CloudTrail events from paths (files, directories, "-" for stdin,
// s3://bucket/prefix; every shape cloudtrail.Read accepts) and stores those not
// stored yet, in atomic batches. Malformed records are counted and reported in the
// stats, never fatal.
//
// The returned error is non-nil when the ingest could not finish (ctx cancelled, a
// write failed) or nothing could be read (cloudtrail.ErrNoInput); the stats are
// valid in every case, and every batch committed before the error stays stored.
//
// Memory stays bounded whatever the input size: one batch being filled, one being
// read, and the dedup keys of recently touched partitions.
func (s *Store) Ingest(ctx context.Context, paths []string, opt IngestOptions) (IngestStats, error) {
	start := time.Now()
	if opt.Bucket == "" {
		opt.Bucket = DefaultBucket
	}
	if opt.BatchEvents <= 0 {
		opt.BatchEvents = defaultBatchEvents
	}
	if opt.BatchBytes <= 0 {
		opt.BatchBytes = defaultBatchBytes
	}
	w, err := s.beginWrite()
	if err != nil {
		return IngestStats{Duration: time.Since(start)}, err
	}
	defer w.release()
	in := &ingester{w: w, opt: opt, pending: map[partKey]*part{}}

	// Three stages for two cores: the reader (cloudtrail.Read, this goroutine)
	// splits and validates the input; prepare workers extract columns and keys, the
	// costly part, in parallel; one committer deduplicates, fills partitions and
	// commits, in input order, so that batches are cut at the same events every
	// time. Bounded channels keep a few batches in flight, whatever the input size.
	workers := max(1, min(runtime.GOMAXPROCS(0), 4))
	work := make(chan *prepared, 2*workers)
	ordered := make(chan *prepared, 2*workers)
	var werr atomic.Pointer[error]
	var wg sync.WaitGroup
	wg.Add(workers + 1)
	for range workers {
		go func() {
			defer wg.Done()
			var scratch []byte
			for p := range work {
				scratch = p.prepare(scratch)
				close(p.done)
			}
		}()
	}
	go func() {
		defer wg.Done()
		for p := range ordered {
			<-p.done
			if werr.Load() != nil {
				continue // drain, so that the reader never blocks
			}
			if err := in.admit(p); err != nil {
				werr.Store(&err)
			}
		}
		// The last, partial batch is committed unless the ingest was cancelled: a
		// cancelled ingest stops at its last complete batch.
		if werr.Load() == nil && ctx.Err() == nil {
			if err := in.flush(); err != nil {
				werr.Store(&err)
			}
		}
		if err := in.wait(); err != nil && werr.Load() == nil {
			werr.Store(&err)
		}
	}()
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
	}, func(batch []cloudtrail.Event) error {
		if e := werr.Load(); e != nil {
			return *e
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		p := &prepared{evs: append([]cloudtrail.Event(nil), batch...), done: make(chan struct{})}
		ordered <- p
		work <- p
		return nil
	})
	close(work)
	close(ordered)
	wg.Wait()
	if e := werr.Load(); e != nil && (rerr == nil || rerr == *e) {
		rerr = *e
	}
	if err := w.compactManifest(); err != nil && rerr == nil {
		rerr = err
	}
	st := IngestStats{
		Events:       rst.Events - in.badTime,
		New:          in.newEvents.Load(),
		Files:        rst.Files,
		SkippedFiles: rst.SkippedFiles,
		FailedFiles:  rst.FailedFiles,
		Malformed:    rst.Malformed + in.badTime,
		Bytes:        rst.Bytes,
		Problems:     append(rst.Problems, in.problems...),
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

// ingester is the state of the extracting and committing stage of an Ingest.
type ingester struct {
	w          *writer
	opt        IngestOptions
	pending    map[partKey]*part
	pendEvents int
	pendBytes  int64
	badTime    int64
	problems   []cloudtrail.Problem
	committing chan error // the commit under way, nil if none
	newEvents  atomic.Int64
	read       atomic.Int64
	batches    atomic.Int64
	bytesRead  atomic.Int64
}

func (in *ingester) progress(p cloudtrail.Progress) IngestProgress {
	in.bytesRead.Store(p.BytesRead)
	return IngestProgress{BytesRead: p.BytesRead, BytesTotal: p.BytesTotal, Files: p.Files,
		Events: p.Events, New: in.newEvents.Load(), Batches: in.batches.Load()}
}

// prepared is a batch of events with what the prepare stage computed for each.
type prepared struct {
	evs  []cloudtrail.Event
	prep []prep
	done chan struct{} // closed when prep is filled
}

// prep is one event's columns, record fields and dedup key; ok is false when the
// event has no valid eventTime.
type prep struct {
	ok    bool
	t     int64
	cells [16]cell
	rec   [numRecordColumns]string
	key   [keySize]byte
}

// prepare fills p.prep. It touches nothing shared, so workers run it in parallel.
func (p *prepared) prepare(scratch []byte) []byte {
	p.prep = make([]prep, len(p.evs))
	var x extracted
	for i := range p.evs {
		ev, pr := &p.evs[i], &p.prep[i]
		extract(ev.Raw, &x)
		pr.t, pr.ok = eventTimeOf(x.timeRes)
		if !pr.ok {
			continue
		}
		pr.cells = x.cells
		pr.rec[rcolRegion], pr.rec[rcolAccount], pr.rec[rcolSource] = ev.Region, ev.Account, ev.Source
		if c := x.cells[colAwsRegion]; c.kind == codeFirst && c.str != "" {
			pr.rec[rcolRegion] = c.str
		}
		if c := x.cells[colRecipient]; c.kind == codeFirst && c.str != "" {
			pr.rec[rcolAccount] = c.str
		}
		pr.key, scratch = eventKey(pr.rec[rcolAccount], ev.Raw, scratch)
	}
	return scratch
}

// admit queues the prepared events that are not stored yet, committing whenever the
// batch is full.
func (in *ingester) admit(p *prepared) error {
	for i := range p.evs {
		ev, pr := &p.evs[i], &p.prep[i]
		if !pr.ok {
			in.badTime++
			if len(in.problems) < cloudtrail.MaxProblems {
				in.problems = append(in.problems, cloudtrail.Problem{Source: ev.Source, Line: ev.Line, Msg: "event has no valid eventTime"})
			}
			continue
		}
		pk := partKey{in.opt.Bucket, dayOf(pr.t)}
		dup, err := in.w.seen(pk, pr.key)
		if err != nil {
			return err
		}
		if !dup {
			pt := in.pending[pk]
			if pt == nil {
				pt = newPart(pk.bucket, pk.day)
				in.pending[pk] = pt
			}
			pt.add(pr.t, ev.Raw, pr.key, &pr.cells, &pr.rec)
			in.pendEvents++
			in.pendBytes += int64(len(ev.Raw))
		}
		in.read.Add(1)
		if in.pendEvents >= in.opt.BatchEvents || in.pendBytes >= in.opt.BatchBytes {
			if err := in.flush(); err != nil {
				return err
			}
		}
	}
	return nil
}

// flush hands the pending batch to a committing goroutine and returns, so that the
// next batch is admitted while this one is written. Commits stay sequential: flush
// first waits for the previous one, whose error it returns.
func (in *ingester) flush() error {
	if err := in.wait(); err != nil {
		return err
	}
	if in.pendEvents == 0 {
		return nil
	}
	// Every earlier batch is committed, so key sets of other partitions can be
	// dropped and reloaded from disk; this batch's are kept.
	in.w.trimKeys(in.pending)
	parts := make([]*part, 0, len(in.pending))
	for _, p := range in.pending {
		parts = append(parts, p)
	}
	slices.SortFunc(parts, func(a, b *part) int { return cmp.Compare(a.day, b.day) })
	n := int64(in.pendEvents)
	in.pending = map[partKey]*part{}
	in.pendEvents, in.pendBytes = 0, 0
	done := make(chan error, 1)
	in.committing = done
	go func() {
		if _, err := in.w.commit(parts, nil); err != nil {
			done <- err
			return
		}
		in.newEvents.Add(n)
		in.batches.Add(1)
		if in.opt.Committed != nil {
			in.opt.Committed(IngestProgress{BytesRead: in.bytesRead.Load(), Events: in.read.Load(),
				New: in.newEvents.Load(), Batches: in.batches.Load()})
		}
		done <- nil
	}()
	return nil
}

// wait waits for the commit under way, if any.
func (in *ingester) wait() error {
	if in.committing == nil {
		return nil
	}
	err := <-in.committing
	in.committing = nil
	return err
}

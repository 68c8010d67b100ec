// Package files is an exec.Source over CloudTrail files read directly, with no store:
// `trailbook query --input PATH…`, the one-off look at a download. Every Scan reads
// the inputs again, streaming, so memory stays bounded whatever their size.
package files

import (
	"bytes"
	"context"
	"errors"
	"sync"

	"github.com/trailbook/trailbook/kernel/dql/exec"
	"github.com/trailbook/trailbook/kernel/dql/value"
	"github.com/trailbook/trailbook/kernel/store"
	"github.com/trailbook/trailbook/kernel/store/cloudtrail"
)

// Source reads the CloudTrail events of Paths (files, directories, "-", s3://…).
// Its zero value with Paths set is ready; it is safe for concurrent Scans, except
// that stdin ("-") can only be read once.
type Source struct {
	Paths    []string
	Bucket   string // dt.system.bucket of every record; default "default_logs"
	Endpoint string // S3-compatible endpoint for s3:// paths

	mu    sync.Mutex
	stats cloudtrail.Stats
}

// Stats returns the reading statistics of the last finished scan (malformed records,
// skipped files), for the CLI to report.
func (s *Source) Stats() cloudtrail.Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// Scan implements exec.Source.
func (s *Source) Scan(ctx context.Context, req exec.ScanRequest) (exec.Iterator, error) {
	bucket := s.Bucket
	if bucket == "" {
		bucket = "default_logs"
	}
	if !store.MatchBuckets(req.Buckets, bucket) {
		return &iter{ch: closedChan()}, nil
	}
	ctx, cancel := context.WithCancel(ctx)
	it := &iter{ch: make(chan result, 4), cancel: cancel}
	pre := prefilters(req.Filters)
	go func() {
		defer close(it.ch)
		opt := cloudtrail.Options{Endpoint: s.Endpoint}
		if len(pre.needles) > 0 {
			opt.Keep = pre.pass
		}
		stats, err := cloudtrail.Read(ctx, s.Paths, opt, func(batch []cloudtrail.Event) error {
			out := make([]*value.Record, 0, len(batch))
			for _, ev := range batch {
				rec, ok := store.BuildRecord(ev.Raw, ev.Source, bucket, ev.Account, ev.Region)
				if !ok {
					continue
				}
				ts, _ := rec.Lookup(exec.FieldTimestamp).Timestamp()
				if ts < req.From || ts >= req.To {
					continue
				}
				out = append(out, rec)
			}
			if len(out) == 0 {
				return nil
			}
			select {
			case it.ch <- result{batch: out}:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
		s.mu.Lock()
		s.stats = stats
		s.mu.Unlock()
		if err != nil && !errors.Is(err, context.Canceled) {
			select {
			case it.ch <- result{err: err}:
			case <-ctx.Done():
			}
		}
	}()
	return it, nil
}

type result struct {
	batch []*value.Record
	err   error
}

func closedChan() chan result {
	ch := make(chan result)
	close(ch)
	return ch
}

// iter hands the reader goroutine's batches to the executor.
type iter struct {
	ch     chan result
	cancel context.CancelFunc
}

func (it *iter) Next(ctx context.Context) ([]*value.Record, error) {
	select {
	case r, ok := <-it.ch:
		if !ok {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			return nil, nil
		}
		return r.batch, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (it *iter) Close() error {
	if it.cancel != nil {
		it.cancel()
		for range it.ch {
		}
	}
	return nil
}

// prefilter is a cheap necessary condition on the raw event bytes: an equality on a
// content path to a string can only hold if the quoted string occurs in the event.
// Only strings of characters that JSON encoders write unescaped are used (a '/' may
// appear as "\/"), and since JSON may spell any character as \uXXXX, events with such
// escapes always pass.
type prefilter struct{ needles [][][]byte } // AND of ORs

func prefilters(preds []exec.Predicate) prefilter {
	var pf prefilter
	for _, p := range preds {
		if len(p.Path) < 2 || p.Path[0] != exec.FieldContent {
			continue
		}
		if p.Op != exec.OpEq && p.Op != exec.OpIn {
			continue
		}
		var alts [][]byte
		ok := true
		for _, v := range p.Values {
			s, isStr := v.Str()
			if !isStr || !plain(s) {
				ok = false
				break
			}
			alts = append(alts, []byte(`"`+s+`"`))
		}
		if ok && len(alts) > 0 {
			pf.needles = append(pf.needles, alts)
		}
	}
	return pf
}

var unicodeEscape = []byte(`\u`)

func (pf prefilter) pass(raw []byte) bool {
	if len(pf.needles) == 0 || bytes.Contains(raw, unicodeEscape) {
		return true
	}
	for _, alts := range pf.needles {
		found := false
		for _, n := range alts {
			if bytes.Contains(raw, n) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// plain reports whether s holds only characters no JSON encoder escapes (other than
// as \uXXXX, which pass handles).
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-' || c == ':' || c == ' ') {
			return false
		}
	}
	return true
}

package store

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"
)

// Names inside the data directory.
const (
	segmentsDir = "segments"
	lockName    = "LOCK"
	// DefaultBucket is the dt.system.bucket of events ingested without a bucket name.
	DefaultBucket = "default_logs"
	// defaultCacheBudget bounds the memory of columns kept between scans.
	defaultCacheBudget = 256 << 20
)

// Store is an embedded CloudTrail log store in one data directory (see the package
// documentation for the format). Open it with Open; the zero Store is not usable.
//
// A Store is safe for concurrent use by multiple goroutines, and several processes
// may open the same directory: any number of readers, and writers (Ingest, Delete)
// one at a time — a writer waits for the lock held by another. Readers see each
// committed batch entirely or not at all.
type Store struct {
	dir   string
	cache *cache

	mu       sync.Mutex // guards the fields below
	closed   bool
	manID    os.FileInfo // identity of the manifest read, to notice a rewrite
	manEnd   int64       // offset after the last record read
	live     map[string]*segment
	maxSeq   uint64
	nRecords int // records in the manifest, to decide when to rewrite it

	wmu sync.Mutex // serialises this process's writers before the file lock
}

// Open opens the store in dir. A directory that does not exist, or holds no store
// yet, gives an empty store; nothing is created until the first Ingest. Open reads
// the manifest only: segments are opened when a scan needs them.
func Open(dir string) (*Store, error) {
	s := &Store{dir: dir, cache: newCache(defaultCacheBudget), live: map[string]*segment{}}
	if err := s.refresh(); err != nil {
		return nil, err
	}
	return s, nil
}

// Dir returns the data directory.
func (s *Store) Dir() string { return s.dir }

// Close releases the store's memory. Scans under way finish; later calls fail.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	for _, seg := range s.live {
		s.cache.forget(seg)
	}
	s.live = map[string]*segment{}
	return nil
}

var errClosed = errors.New("store is closed")

// refresh brings the view of live segments up to date with the manifest on disk:
// new records are read from where the last read stopped; a rewritten manifest (a
// new file) is read from the start.
func (s *Store) refresh() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errClosed
	}
	return s.refreshLocked()
}

func (s *Store) refreshLocked() error {
	path := filepath.Join(s.dir, manifestName)
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		s.reset(nil)
		return nil
	}
	if err != nil {
		return fmt.Errorf("cannot open manifest %q: %w", path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("cannot stat manifest %q: %w", path, err)
	}
	off := s.manEnd
	if s.manID == nil || !os.SameFile(s.manID, st) || st.Size() < off {
		off = 0
	}
	if off > 0 && st.Size() == off {
		return nil
	}
	recs, end, err := readManifest(f, off)
	if err != nil {
		return fmt.Errorf("cannot read manifest %q: %w", path, err)
	}
	if off == 0 {
		s.reset(st)
	}
	for i := range recs {
		s.apply(&recs[i])
	}
	s.manEnd = end
	return nil
}

// reset forgets every segment, for a manifest read from the start.
func (s *Store) reset(id os.FileInfo) {
	for _, seg := range s.live {
		s.cache.forget(seg)
	}
	s.live = map[string]*segment{}
	s.manID, s.manEnd, s.nRecords = id, 0, 0
}

// apply applies a committed record to the view; applying one twice changes nothing.
// The caller holds s.mu.
func (s *Store) apply(r *manRecord) {
	s.nRecords++
	for _, name := range r.removes {
		if seg, ok := s.live[name]; ok {
			s.cache.forget(seg)
			delete(s.live, name)
		}
	}
	for _, m := range r.adds {
		if _, ok := s.live[m.name]; ok {
			continue // already applied: a reader in this process read it first
		}
		s.live[m.name] = &segment{meta: m, path: filepath.Join(s.dir, segmentsDir, m.name), cache: s.cache}
		var seq uint64
		fmt.Sscanf(m.name[:16], "%x", &seq)
		s.maxSeq = max(s.maxSeq, seq)
	}
}

// snapshot refreshes the view and returns the live segments, oldest data first.
func (s *Store) snapshot() ([]*segment, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, errClosed
	}
	if err := s.refreshLocked(); err != nil {
		return nil, err
	}
	segs := make([]*segment, 0, len(s.live))
	for _, seg := range s.live {
		segs = append(segs, seg)
	}
	slices.SortFunc(segs, func(a, b *segment) int {
		if c := cmp.Compare(a.meta.min, b.meta.min); c != 0 {
			return c
		}
		return cmp.Compare(a.meta.name, b.meta.name)
	})
	return segs, nil
}

// Empty reports whether the store holds no events (or cannot be read): the CLI then
// falls back to the demo data.
func (s *Store) Empty() bool {
	segs, err := s.snapshot()
	if err != nil {
		return true
	}
	for _, seg := range segs {
		if seg.meta.rows > 0 {
			return false
		}
	}
	return true
}

// Info describes a store's contents, for `trailbook store info`.
type Info struct {
	Dir         string
	Events      int64
	First, Last time.Time // eventTime range; zero when the store is empty
	Bytes       int64     // size on disk: segments and manifest
	Segments    int
	Buckets     []BucketInfo // by name
}

// BucketInfo describes one bucket of a store.
type BucketInfo struct {
	Name        string
	Events      int64
	First, Last time.Time
}

// Info returns the store's contents as of the last committed batch.
func (s *Store) Info() (Info, error) {
	segs, err := s.snapshot()
	if err != nil {
		return Info{}, err
	}
	info := Info{Dir: s.dir, Segments: len(segs)}
	if st, err := os.Stat(filepath.Join(s.dir, manifestName)); err == nil {
		info.Bytes += st.Size()
	}
	byName := map[string]*BucketInfo{}
	var lo, hi int64
	for _, seg := range segs {
		m := seg.meta
		info.Bytes += m.size
		if m.rows == 0 {
			continue
		}
		b := byName[m.bucket]
		if b == nil {
			b = &BucketInfo{Name: m.bucket, First: time.Unix(0, m.min).UTC(), Last: time.Unix(0, m.max).UTC()}
			byName[m.bucket] = b
		}
		b.Events += m.rows
		b.First = minTime(b.First, time.Unix(0, m.min).UTC())
		b.Last = maxTime(b.Last, time.Unix(0, m.max).UTC())
		if info.Events == 0 || m.min < lo {
			lo = m.min
		}
		if info.Events == 0 || m.max > hi {
			hi = m.max
		}
		info.Events += m.rows
	}
	if info.Events > 0 {
		info.First, info.Last = time.Unix(0, lo).UTC(), time.Unix(0, hi).UTC()
	}
	for _, b := range byName {
		info.Buckets = append(info.Buckets, *b)
	}
	slices.SortFunc(info.Buckets, func(a, b BucketInfo) int { return cmp.Compare(a.Name, b.Name) })
	return info, nil
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// dayOf returns the UTC day (days since the epoch) of a time in ns: the partition.
func dayOf(ns int64) int64 {
	const day = int64(24 * time.Hour)
	d := ns / day
	if ns%day < 0 {
		d--
	}
	return d
}

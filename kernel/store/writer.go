package store

import (
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// writer is one write session (an Ingest or a Delete): it holds the store's lock
// file, so it is the only process changing the store.
type writer struct {
	s       *Store
	lock    *os.File
	man     *os.File // the manifest, opened for appending
	segDir  string
	keys    map[partKey]map[[keySize]byte]struct{}
	nKeys   int
	created []string // segment files written and not yet committed
}

// partKey names a partition: one bucket's events of one UTC day.
type partKey struct {
	bucket string
	day    int64
}

// maxLoadedKeys bounds the dedup keys a write session keeps in memory (about 40 bytes
// each); past it, key sets of partitions not in the current batch are dropped and
// reloaded from their segments when needed again.
const maxLoadedKeys = 1 << 20

// beginWrite takes the writer lock, brings the view up to date, and repairs what a
// crashed writer may have left: a torn manifest tail is cut off and segment files
// that no committed record names are deleted.
func (s *Store) beginWrite() (*writer, error) {
	s.wmu.Lock()
	w, err := s.beginWriteLocked()
	if err != nil {
		s.wmu.Unlock()
	}
	return w, err
}

func (s *Store) beginWriteLocked() (*writer, error) {
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return nil, errClosed
	}
	segDir := filepath.Join(s.dir, segmentsDir)
	if err := os.MkdirAll(segDir, 0o755); err != nil {
		return nil, fmt.Errorf("cannot create store %q: %w", s.dir, err)
	}
	lock, err := lockFile(filepath.Join(s.dir, lockName))
	if err != nil {
		return nil, err
	}
	w := &writer{s: s, lock: lock, segDir: segDir, keys: map[partKey]map[[keySize]byte]struct{}{}}
	fail := func(err error) (*writer, error) {
		w.releaseFiles() // beginWrite unlocks wmu
		return nil, err
	}
	manPath := filepath.Join(s.dir, manifestName)
	man, err := os.OpenFile(manPath, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return fail(fmt.Errorf("cannot open manifest %q: %w", manPath, err))
	}
	w.man = man
	st, err := man.Stat()
	if err != nil {
		return fail(fmt.Errorf("cannot stat manifest %q: %w", manPath, err))
	}
	if st.Size() < int64(len(manifestMagic)) {
		// New store (or a crash before the header was durable).
		if err := writeAll(man, 0, []byte(manifestMagic), true); err != nil {
			return fail(fmt.Errorf("cannot write manifest %q: %w", manPath, err))
		}
		if err := syncDir(s.dir); err != nil {
			return fail(fmt.Errorf("cannot sync %q: %w", s.dir, err))
		}
	}
	s.mu.Lock()
	s.manID = nil // read from the start: this is the authoritative view
	err = s.refreshLocked()
	end := s.manEnd
	live := map[string]bool{}
	for name := range s.live {
		live[name] = true
	}
	s.mu.Unlock()
	if err != nil {
		return fail(err)
	}
	if st, err := man.Stat(); err == nil && st.Size() > end {
		if err := man.Truncate(end); err != nil {
			return fail(fmt.Errorf("cannot truncate torn manifest tail: %w", err))
		}
		if err := man.Sync(); err != nil {
			return fail(fmt.Errorf("cannot sync manifest %q: %w", manPath, err))
		}
	}
	entries, err := os.ReadDir(segDir)
	if err != nil {
		return fail(fmt.Errorf("cannot list %q: %w", segDir, err))
	}
	removed := false
	for _, e := range entries {
		if !live[e.Name()] && (validSegName(e.Name()) || strings.HasSuffix(e.Name(), ".tmp")) {
			os.Remove(filepath.Join(segDir, e.Name()))
			removed = true
		}
	}
	if removed {
		syncDir(segDir)
	}
	return w, nil
}

// release ends the session: the lock is dropped, uncommitted files are removed.
func (w *writer) release() {
	w.releaseFiles()
	w.s.wmu.Unlock()
}

func (w *writer) releaseFiles() {
	for _, name := range w.created {
		os.Remove(filepath.Join(w.segDir, name))
	}
	w.created = nil
	if w.man != nil {
		w.man.Close()
	}
	unlockFile(w.lock)
}

// newSegName reserves the next segment file name.
func (w *writer) newSegName() string {
	w.s.mu.Lock()
	w.s.maxSeq++
	seq := w.s.maxSeq
	w.s.mu.Unlock()
	return fmt.Sprintf("%016x%s", seq, segExt)
}

// commit makes one batch durable and visible, all of it or nothing: the segments
// are written and fsynced, the directory is fsynced, and one manifest record naming
// them all is appended and fsynced. removes are segments the batch replaces.
func (w *writer) commit(parts []*part, removes []string) ([]segMeta, error) {
	var adds []segMeta
	for _, p := range parts {
		if len(p.rows) == 0 {
			continue
		}
		name := w.newSegName()
		w.created = append(w.created, name)
		m, err := writeSegment(filepath.Join(w.segDir, name), name, p)
		if err != nil {
			return nil, err
		}
		adds = append(adds, m)
	}
	if len(adds) == 0 && len(removes) == 0 {
		return nil, nil
	}
	if len(adds) > 0 {
		if err := syncDir(w.segDir); err != nil {
			return nil, fmt.Errorf("cannot sync %q: %w", w.segDir, err)
		}
	}
	rec := manRecord{adds: adds, removes: removes}
	b := appendManRecord(nil, &rec)
	w.s.mu.Lock()
	off := w.s.manEnd
	w.s.mu.Unlock()
	if err := writeAll(w.man, off, b, true); err != nil {
		// The record may be partly on disk: cut it off so that a reader never
		// sees it complete while its segments are removed below.
		w.man.Truncate(off)
		return nil, fmt.Errorf("cannot append to manifest: %w", err)
	}
	w.created = w.created[:0]
	w.s.mu.Lock()
	w.s.apply(&rec)
	w.s.manEnd = off + int64(len(b))
	w.s.mu.Unlock()
	for _, name := range removes {
		os.Remove(filepath.Join(w.segDir, name))
	}
	if len(removes) > 0 {
		syncDir(w.segDir)
	}
	return adds, nil
}

// writeAll writes b at off and optionally fsyncs.
func writeAll(f *os.File, off int64, b []byte, sync bool) error {
	if _, err := f.WriteAt(b, off); err != nil {
		return err
	}
	if sync {
		return f.Sync()
	}
	return nil
}

// compactManifest rewrites the manifest as one record of the live segments when the
// log has grown well past them: write a new file, fsync, rename over the old one,
// fsync the directory. Readers notice the new file and read it from the start.
func (w *writer) compactManifest() error {
	s := w.s
	s.mu.Lock()
	if s.nRecords < 64 || s.nRecords < 2*len(s.live) {
		s.mu.Unlock()
		return nil
	}
	rec := manRecord{}
	for _, seg := range s.live {
		rec.adds = append(rec.adds, seg.meta)
	}
	s.mu.Unlock()
	slices.SortFunc(rec.adds, func(a, b segMeta) int { return strings.Compare(a.name, b.name) })
	b := appendManRecord([]byte(manifestMagic), &rec)
	path := filepath.Join(s.dir, manifestName)
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_RDWR, 0o644)
	if err != nil {
		return fmt.Errorf("cannot rewrite manifest: %w", err)
	}
	if err := writeAll(f, 0, b, true); err != nil {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("cannot rewrite manifest: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("cannot rewrite manifest: %w", err)
	}
	if err := syncDir(s.dir); err != nil {
		f.Close()
		return fmt.Errorf("cannot sync %q: %w", s.dir, err)
	}
	w.man.Close()
	w.man = f
	st, _ := f.Stat()
	s.mu.Lock()
	s.manID, s.manEnd, s.nRecords = st, int64(len(b)), 1
	s.mu.Unlock()
	return nil
}

// seen reports whether key is already stored in partition pk, and records it as
// stored if not. Key sets are loaded from the partition's segments on first use.
func (w *writer) seen(pk partKey, key [keySize]byte) (bool, error) {
	set, ok := w.keys[pk]
	if !ok {
		var err error
		if set, err = w.loadKeys(pk); err != nil {
			return false, err
		}
		w.keys[pk] = set
	}
	if _, dup := set[key]; dup {
		return true, nil
	}
	set[key] = struct{}{}
	w.nKeys++
	return false, nil
}

func (w *writer) loadKeys(pk partKey) (map[[keySize]byte]struct{}, error) {
	w.s.mu.Lock()
	var segs []*segment
	for _, seg := range w.s.live {
		if seg.meta.bucket == pk.bucket && seg.meta.day == pk.day {
			segs = append(segs, seg)
		}
	}
	w.s.mu.Unlock()
	n := 0
	for _, seg := range segs {
		n += int(seg.meta.rows)
	}
	set := make(map[[keySize]byte]struct{}, n)
	for _, seg := range segs {
		b, err := seg.readKeys()
		if err != nil {
			return nil, err
		}
		for i := 0; i+keySize <= len(b); i += keySize {
			set[[keySize]byte(b[i:i+keySize])] = struct{}{}
		}
	}
	w.nKeys += len(set)
	return set, nil
}

// trimKeys drops loaded key sets, except keep's, once they exceed maxLoadedKeys. It is
// called between batches, when every loaded key is committed and can be reloaded.
func (w *writer) trimKeys(keep map[partKey]*part) {
	if w.nKeys <= maxLoadedKeys {
		return
	}
	for pk, set := range w.keys {
		if _, ok := keep[pk]; !ok {
			w.nKeys -= len(set)
			delete(w.keys, pk)
		}
	}
}

// eventKey is the identity of an event for idempotent ingest: SHA-256, cut to 16
// bytes, of the account (aws.account.id) and the event's JSON text. The text includes
// eventID and recipientAccountId, so ingesting the same events again finds the same
// keys; two different events that share an eventID (AWS documentation examples do)
// are both kept. A cryptographic hash, because the input is attacker-influenced and
// a crafted collision would hide an event.
func eventKey(account string, raw []byte, scratch []byte) ([keySize]byte, []byte) {
	h := sha256.New()
	h.Write([]byte(account))
	h.Write([]byte{0})
	h.Write(raw)
	scratch = h.Sum(scratch[:0])
	return [keySize]byte(scratch[:keySize]), scratch
}

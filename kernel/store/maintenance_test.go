package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/trailbook/trailbook/kernel/dql/exec"
)

func TestInfoDelete(t *testing.T) {
	dir := dataDir(t)
	s := openTemp(t)
	ctx := context.Background()
	inv := filepath.Join(dir, "invictus-aws-dataset", "logs")
	str := filepath.Join(dir, "stratus-red-team-detonation-logs", "logs")
	if _, err := s.Ingest(ctx, []string{inv}, IngestOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Ingest(ctx, []string{str}, IngestOptions{Bucket: "stratus"}); err != nil {
		t.Fatal(err)
	}
	info, err := s.Info()
	if err != nil {
		t.Fatal(err)
	}
	if info.Events != 2900+310 || len(info.Buckets) != 2 ||
		info.Buckets[0] != (BucketInfo{Name: "default_logs", Events: 2900, First: ts(t, "2023-07-10T11:42:18Z"), Last: ts(t, "2023-07-10T12:37:50Z")}) ||
		info.Buckets[1].Name != "stratus" || info.Buckets[1].Events != 310 ||
		!info.First.Equal(ts(t, "2023-07-10T11:42:18Z")) || !info.Last.Equal(ts(t, "2024-11-30T08:43:18Z")) {
		t.Fatalf("Info = %+v", info)
	}
	if _, err := s.Delete("", time.Time{}); err == nil {
		t.Fatal("Delete with neither bucket nor time succeeded")
	}

	// Delete before a moment inside a segment: the segment is rewritten.
	cut := ts(t, "2023-07-10T12:00:00Z")
	_, all := rawRecords(t, []string{inv}, "default_logs")
	var before int64
	for _, r := range all {
		if n, _ := r.Lookup(exec.FieldTimestamp).Timestamp(); n < cut.UnixNano() {
			before++
		}
	}
	n, err := s.Delete("default_logs", cut)
	if err != nil {
		t.Fatal(err)
	}
	if n != before || n == 0 {
		t.Fatalf("Delete removed %d, want %d", n, before)
	}
	got := scanRecords(t, s, exec.ScanRequest{From: -1 << 62, To: 1 << 62, Buckets: []string{"default_logs"}})
	if int64(len(got)) != 2900-before {
		t.Fatalf("after delete: %d records, want %d", len(got), 2900-before)
	}
	for _, r := range got {
		if n, _ := r.Lookup(exec.FieldTimestamp).Timestamp(); n < cut.UnixNano() {
			t.Fatal("a deleted record is still there")
		}
	}
	// A deleted event can be ingested again; the others are still known.
	st, err := s.Ingest(ctx, []string{inv}, IngestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if st.New != before {
		t.Fatalf("re-ingest after delete stored %d new events, want %d", st.New, before)
	}
	// Delete a whole bucket.
	if n, err := s.Delete("stratus", time.Time{}); err != nil || n != 310 {
		t.Fatalf("Delete(stratus) = %d, %v", n, err)
	}
	s2, err := Open(s.Dir())
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	info, _ = s2.Info()
	if info.Events != 2900 || len(info.Buckets) != 1 {
		t.Fatalf("after deletes: %+v", info)
	}
	entries, _ := os.ReadDir(filepath.Join(s.Dir(), segmentsDir))
	if len(entries) != info.Segments {
		t.Fatalf("%d segment files for %d live segments", len(entries), info.Segments)
	}
	// Delete everything before the end of time.
	if n, err := s2.Delete("", ts(t, "2100-01-01T00:00:00Z")); err != nil || n != 2900 || !s2.Empty() {
		t.Fatalf("Delete(all) = %d, %v; empty %v", n, err, s2.Empty())
	}
}

func ts(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v.UTC()
}

func TestOpenMissing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nothing-here")
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Empty() {
		t.Fatal("missing directory is not empty")
	}
	if got := scanRecords(t, s, everything); len(got) != 0 {
		t.Fatalf("scan of a missing store: %d records", len(got))
	}
	if _, err := os.Stat(dir); err == nil {
		t.Fatal("Open created the directory")
	}
}

// TestCorruption damages segment and manifest files and expects ErrCorrupt, never a
// panic and never wrong records.
func TestCorruption(t *testing.T) {
	logs := filepath.Join(dataDir(t), "invictus-aws-dataset", "logs")
	damage := map[string]func(path string, size int64) error{
		"flipped block byte": func(p string, size int64) error { return flip(p, 100) },
		"flipped footer":     func(p string, size int64) error { return flip(p, size-trailerSize-5) },
		"flipped trailer":    func(p string, size int64) error { return flip(p, size-3) },
		"truncated":          func(p string, size int64) error { return os.Truncate(p, size/2) },
		"emptied":            func(p string, size int64) error { return os.Truncate(p, 0) },
	}
	for name, fn := range damage {
		t.Run(name, func(t *testing.T) {
			s := openTemp(t)
			if _, err := s.Ingest(context.Background(), []string{logs}, IngestOptions{}); err != nil {
				t.Fatal(err)
			}
			segs, _ := s.snapshot()
			seg := segs[0]
			if err := fn(seg.path, seg.meta.size); err != nil {
				t.Fatal(err)
			}
			s2, err := Open(s.Dir())
			if err != nil {
				t.Fatal(err)
			}
			defer s2.Close()
			it, err := s2.Scan(context.Background(), everything)
			if err != nil {
				t.Fatal(err)
			}
			defer it.Close()
			for {
				batch, err := it.Next(context.Background())
				if err != nil {
					if !errors.Is(err, ErrCorrupt) {
						t.Fatalf("error %v is not ErrCorrupt", err)
					}
					return
				}
				if batch == nil {
					t.Fatal("a damaged segment was read without an error")
				}
			}
		})
	}
	t.Run("manifest", func(t *testing.T) {
		s := openTemp(t)
		if _, err := s.Ingest(context.Background(), []string{logs}, IngestOptions{BatchEvents: 500}); err != nil {
			t.Fatal(err)
		}
		if err := flip(filepath.Join(s.Dir(), manifestName), int64(len(manifestMagic)+recHeaderSize+2)); err != nil {
			t.Fatal(err)
		}
		if _, err := Open(s.Dir()); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("Open of a damaged manifest: %v, want ErrCorrupt", err)
		}
		if _, err := s.Ingest(context.Background(), []string{logs}, IngestOptions{}); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("Ingest into a damaged store: %v, want ErrCorrupt", err)
		}
	})
}

func flip(path string, off int64) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	b := make([]byte, 1)
	if _, err := f.ReadAt(b, off); err != nil {
		return err
	}
	b[0] ^= 0x5a
	_, err = f.WriteAt(b, off)
	return err
}

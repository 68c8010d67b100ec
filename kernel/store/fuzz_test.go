package store

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// seedSegment returns the bytes of a small real segment and its manifest entry.
func seedSegment(f *testing.F) ([]byte, segMeta) {
	s, err := Open(f.TempDir())
	if err != nil {
		f.Fatal(err)
	}
	logs := filepath.Join(dataDir(f), "edge-cases", "logs", "10-missing-optional-fields.ndjson")
	if _, err := s.Ingest(context.Background(), []string{logs}, IngestOptions{}); err != nil {
		f.Fatal(err)
	}
	segs, _ := s.snapshot()
	b, err := os.ReadFile(segs[0].path)
	if err != nil {
		f.Fatal(err)
	}
	return b, segs[0].meta
}

// FuzzSegment reads damaged segment files: every read must fail cleanly or succeed,
// never panic.
func FuzzSegment(f *testing.F) {
	seed, meta := seedSegment(f)
	f.Add(seed)
	f.Add(seed[:len(seed)/2])
	f.Add([]byte(segMagic))
	f.Fuzz(func(t *testing.T, b []byte) {
		path := filepath.Join(t.TempDir(), "x.tbs")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		seg := &segment{meta: meta, path: path, cache: newCache(1 << 20)}
		all := make([]int, numColumns)
		for i := range all {
			all[i] = i
		}
		v, err := seg.view(all, true)
		if err != nil {
			return
		}
		br := newBlockReader(seg, v)
		defer br.close()
		for i := range v.times {
			if _, err := br.raw(i, v.ends); err != nil {
				return
			}
		}
		seg.readKeys()
	})
}

// FuzzManifest reads damaged manifests.
func FuzzManifest(f *testing.F) {
	f.Add(appendManRecord([]byte(manifestMagic), &manRecord{adds: []segMeta{{name: "0000000000000001.tbs", bucket: "b", rows: 3, min: 1, max: 2, size: 100}}, removes: []string{"x"}}))
	f.Add([]byte(manifestMagic + "\x00\x00\x00\x00\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		path := filepath.Join(t.TempDir(), manifestName)
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		fh, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer fh.Close()
		recs, end, err := readManifest(fh, 0)
		if err == nil && end > int64(len(b)) {
			t.Fatalf("end %d past the file (%d bytes)", end, len(b))
		}
		_ = recs
	})
}

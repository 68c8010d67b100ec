package store

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trailbook/trailbook/kernel/dql/exec"
	"github.com/trailbook/trailbook/kernel/dql/value"
	"github.com/trailbook/trailbook/kernel/store/cloudtrail"
)

// dataDir returns ../../../shared/data/cloudtrail and fails the test if it is
// missing: these tests must never pass by skipping.
func dataDir(t testing.TB) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "..", "shared", "data", "cloudtrail"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("shared test data is missing: %v (the tests expect the repository beside ../shared)", err)
	}
	return dir
}

// folders returns the data folders that have a logs/ directory.
func folders(t testing.TB) []string {
	t.Helper()
	dir := dataDir(t)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if st, err := os.Stat(filepath.Join(dir, e.Name(), "logs")); err == nil && st.IsDir() {
			out = append(out, e.Name())
		}
	}
	if len(out) == 0 {
		t.Fatalf("no data folders under %s", dir)
	}
	return out
}

type folderSummary struct {
	Events       int64 `json:"events"`
	Files        int64 `json:"files"`
	SkippedFiles int64 `json:"skipped_files"`
	Malformed    int64 `json:"malformed"`
}

func readSummary(t testing.TB, folder string) folderSummary {
	t.Helper()
	var s folderSummary
	b, err := os.ReadFile(filepath.Join(dataDir(t), folder, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("summary.json of %s: %v", folder, err)
	}
	return s
}

func openTemp(t testing.TB) *Store {
	t.Helper()
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// scanAll returns the JSONL encoding of every record a scan yields.
func scanAll(t testing.TB, src exec.Source, req exec.ScanRequest) []string {
	t.Helper()
	it, err := src.Scan(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	var out []string
	for {
		batch, err := it.Next(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if batch == nil {
			return out
		}
		for _, r := range batch {
			out = append(out, string(value.AppendRecordJSONL(nil, r)))
		}
	}
}

var everything = exec.ScanRequest{From: -1 << 62, To: 1 << 62}

// rawRecords returns what the raw-file path gives for a folder: cloudtrail.Read then
// BuildRecord, each record as JSONL, plus the records themselves.
func rawRecords(t testing.TB, paths []string, bucket string) ([]string, []*value.Record) {
	t.Helper()
	var lines []string
	var recs []*value.Record
	_, err := cloudtrail.Read(context.Background(), paths, cloudtrail.Options{}, func(batch []cloudtrail.Event) error {
		for _, ev := range batch {
			r, ok := BuildRecord(ev.Raw, ev.Source, bucket, ev.Account, ev.Region)
			if !ok {
				continue
			}
			lines = append(lines, string(value.AppendRecordJSONL(nil, r)))
			recs = append(recs, r)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return lines, recs
}

func sameMultiset(t testing.TB, what string, got, want []string) {
	t.Helper()
	got, want = slices.Clone(got), slices.Clone(want)
	slices.Sort(got)
	slices.Sort(want)
	if slices.Equal(got, want) {
		return
	}
	t.Errorf("%s: got %d records, want %d", what, len(got), len(want))
	for i := 0; i < len(got) || i < len(want); i++ {
		var g, w string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			t.Fatalf("first difference at %d:\n got: %.600s\nwant: %.600s", i, g, w)
		}
	}
}

func TestIngestFolders(t *testing.T) {
	for _, folder := range folders(t) {
		t.Run(folder, func(t *testing.T) {
			sum := readSummary(t, folder)
			logs := filepath.Join(dataDir(t), folder, "logs")
			s := openTemp(t)
			if !s.Empty() {
				t.Fatal("new store is not empty")
			}
			ctx := context.Background()
			st, err := s.Ingest(ctx, []string{logs}, IngestOptions{Bucket: "my_aws_bucket"})
			if err != nil {
				t.Fatal(err)
			}
			want := IngestStats{Events: sum.Events, New: sum.Events, Files: sum.Files, SkippedFiles: sum.SkippedFiles, Malformed: sum.Malformed}
			check := func(st IngestStats, wantNew int64) {
				t.Helper()
				want.New = wantNew
				got := IngestStats{Events: st.Events, New: st.New, Files: st.Files, SkippedFiles: st.SkippedFiles, Malformed: st.Malformed}
				if got.Events != want.Events || got.New != want.New || got.Files != want.Files || got.SkippedFiles != want.SkippedFiles || got.Malformed != want.Malformed {
					t.Fatalf("ingest stats\n got: %+v\nwant: %+v\n%s", got, want, st.SummaryLine())
				}
			}
			check(st, sum.Events)
			if !strings.HasPrefix(st.SummaryLine(), "ingested ") {
				t.Fatalf("summary line %q", st.SummaryLine())
			}
			wantRecs, _ := rawRecords(t, []string{logs}, "my_aws_bucket")
			sameMultiset(t, "store scan vs raw files", scanAll(t, s, everything), wantRecs)

			// Twice: the same counts, nothing new, the same records.
			st, err = s.Ingest(ctx, []string{logs}, IngestOptions{Bucket: "my_aws_bucket"})
			if err != nil {
				t.Fatal(err)
			}
			check(st, 0)
			sameMultiset(t, "after a second ingest", scanAll(t, s, everything), wantRecs)

			// A fresh Open sees the same.
			s2, err := Open(s.Dir())
			if err != nil {
				t.Fatal(err)
			}
			defer s2.Close()
			sameMultiset(t, "reopened", scanAll(t, s2, everything), wantRecs)
			info, err := s2.Info()
			if err != nil {
				t.Fatal(err)
			}
			if info.Events != sum.Events || len(info.Buckets) != 1 || info.Buckets[0].Name != "my_aws_bucket" || info.Bytes <= 0 {
				t.Fatalf("Info = %+v", info)
			}
		})
	}
}

func TestSummaryLine(t *testing.T) {
	st := IngestStats{Events: 45, New: 40, SkippedFiles: 2, Malformed: 2, Files: 16, Duration: 12345678 * time.Nanosecond}
	want := "ingested 45 events (40 new), skipped 2 files, malformed 2 records, from 16 files in 12ms"
	if got := st.SummaryLine(); got != want {
		t.Fatalf("SummaryLine()\n got: %s\nwant: %s", got, want)
	}
}

// TestIngestEdgeCases ingests each file of the edge-cases folder on its own and
// checks it against expected-ingest.json: events kept, malformed records, skipped.
func TestIngestEdgeCases(t *testing.T) {
	dir := filepath.Join(dataDir(t), "edge-cases")
	b, err := os.ReadFile(filepath.Join(dir, "expected-ingest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var exp struct {
		Totals struct {
			Files, Events, Malformed int64
			SkippedFiles             int64 `json:"skipped_files"`
		} `json:"totals"`
		Files map[string]struct{ Events, Malformed, Skipped int64 }
	}
	if err := json.Unmarshal(b, &exp); err != nil {
		t.Fatal(err)
	}
	if len(exp.Files) == 0 {
		t.Fatal("expected-ingest.json lists no files")
	}
	var total IngestStats
	for name, want := range exp.Files {
		s := openTemp(t)
		st, err := s.Ingest(context.Background(), []string{filepath.Join(dir, "logs", name)}, IngestOptions{})
		if err != nil && want.Events > 0 {
			t.Fatalf("%s: %v", name, err)
		}
		if st.Events != want.Events || st.New != want.Events || st.Malformed != want.Malformed || st.SkippedFiles != want.Skipped {
			t.Errorf("%s: %s; want %d events, %d malformed, %d skipped", name, st.SummaryLine(), want.Events, want.Malformed, want.Skipped)
		}
		if n := int64(len(scanAll(t, s, everything))); n != want.Events {
			t.Errorf("%s: the store holds %d events, want %d", name, n, want.Events)
		}
		total.Events += st.Events
		total.Malformed += st.Malformed
		total.SkippedFiles += st.SkippedFiles
		total.Files += st.Files
	}
	tt := exp.Totals
	if total.Events != tt.Events || total.Malformed != tt.Malformed || total.SkippedFiles != tt.SkippedFiles || total.Files != tt.Files || tt.Events == 0 {
		t.Errorf("totals %+v, want %+v", total, tt)
	}
}

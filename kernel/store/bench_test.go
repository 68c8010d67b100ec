package store_test

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/trailbook/trailbook/kernel/dql/exec"
	"github.com/trailbook/trailbook/kernel/dql/value"
	"github.com/trailbook/trailbook/kernel/store"
	"github.com/trailbook/trailbook/kernel/store/demo"
)

// Benchmark sizes: TRAILBOOK_BENCH_INGEST events per BenchmarkIngest op (default
// 100,000, about 130 MB of JSON lines) and TRAILBOOK_BENCH_EVENTS in BenchmarkScan's
// store (default 1,000,000).
func benchSize(env string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(env)); err == nil && n > 0 {
		return n
	}
	return def
}

var benchNow = time.Date(2025, 3, 15, 12, 0, 0, 0, time.UTC)

// writeJSONL writes n generated events as JSON lines and returns the file's size.
func writeJSONL(b *testing.B, path string, n int) int64 {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	var size int64
	err = demo.Generate(benchNow, n, func(raw []byte) error {
		size += int64(len(raw)) + 1
		w.Write(raw)
		return w.WriteByte('\n')
	})
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		b.Fatal(err)
	}
	return size
}

// BenchmarkIngest ingests generated JSON lines into a new store: read, validate,
// extract, deduplicate, compress, write and fsync.
func BenchmarkIngest(b *testing.B) {
	n := benchSize("TRAILBOOK_BENCH_INGEST", 100_000)
	dir := b.TempDir()
	input := filepath.Join(dir, "events.jsonl")
	size := writeJSONL(b, input, n)
	b.SetBytes(size)
	b.ReportAllocs()
	var cpu time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		sdir := filepath.Join(dir, "store"+strconv.Itoa(i))
		s, err := store.Open(sdir)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		c0 := cpuTime()
		st, err := s.Ingest(context.Background(), []string{input}, store.IngestOptions{})
		cpu += cpuTime() - c0
		if err != nil || st.New != int64(n) {
			b.Fatalf("ingest: %v, %s", err, st.SummaryLine())
		}
		b.StopTimer()
		if i == 0 {
			info, _ := s.Info()
			b.ReportMetric(float64(info.Bytes)/float64(size), "disk/json")
		}
		s.Close()
		os.RemoveAll(sdir)
		b.StartTimer()
	}
	b.ReportMetric(float64(size)/1e6/(cpu.Seconds()/float64(b.N)), "MB/cpu-s")
}

var scanStore struct {
	once sync.Once
	tmp  string // removed by TestMain
	dir  string
	err  error
}

// TestMain removes the scan benchmark's store (about 200 MB) when the tests end.
func TestMain(m *testing.M) {
	code := m.Run()
	if scanStore.tmp != "" {
		os.RemoveAll(scanStore.tmp)
	}
	os.Exit(code)
}

// benchStore builds the scan benchmark's store once per process.
func benchStore(b *testing.B) string {
	scanStore.once.Do(func() {
		n := benchSize("TRAILBOOK_BENCH_EVENTS", 1_000_000)
		dir, err := os.MkdirTemp("", "trailbook-bench-")
		if err != nil {
			scanStore.err = err
			return
		}
		scanStore.tmp = dir
		input := filepath.Join(dir, "events.jsonl")
		writeJSONL(b, input, n)
		s, err := store.Open(filepath.Join(dir, "store"))
		if err == nil {
			_, err = s.Ingest(context.Background(), []string{input}, store.IngestOptions{Bucket: "my_aws_bucket"})
			s.Close()
		}
		os.Remove(input)
		scanStore.dir, scanStore.err = filepath.Join(dir, "store"), err
	})
	if scanStore.err != nil {
		b.Fatal(scanStore.err)
	}
	return scanStore.dir
}

func drain(b *testing.B, s exec.Source, req exec.ScanRequest) (n int, bytes int64) {
	it, err := s.Scan(context.Background(), req)
	if err != nil {
		b.Fatal(err)
	}
	defer it.Close()
	for {
		batch, err := it.Next(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		if batch == nil {
			return
		}
		n += len(batch)
		for _, r := range batch {
			c, _ := r.Lookup(exec.FieldContent).Str()
			bytes += int64(len(c))
		}
	}
}

// BenchmarkScan scans a store of generated events (a week, 1M by default): the whole
// store, the tutorial's last 30 minutes, and pushed-down filters. "cold" opens the
// store for every op, as a fresh `trailbook query` process does (the OS page cache
// stays warm); the others reuse an open store, as the notebook kernel does.
func BenchmarkScan(b *testing.B) {
	dir := benchStore(b)
	week := exec.ScanRequest{From: benchNow.Add(-8 * 24 * time.Hour).UnixNano(), To: benchNow.UnixNano()}
	last30 := exec.ScanRequest{From: benchNow.Add(-30 * time.Minute).UnixNano(), To: benchNow.UnixNano(), Buckets: []string{"my_aws_bucket"}}
	str := func(s string) []value.Value { return []value.Value{value.String(s)} }
	cases := []struct {
		name string
		req  exec.ScanRequest
	}{
		{"full", week},
		{"last30min", last30},
		{"bucket+eventName", exec.ScanRequest{From: week.From, To: week.To, Buckets: []string{"my_aws_bucket"},
			Filters: []exec.Predicate{{Path: []string{"content", "eventName"}, Op: exec.OpEq, Values: str("ConsoleLogin")}}}},
		{"tutorial10", exec.ScanRequest{From: last30.From, To: last30.To, Buckets: last30.Buckets, Filters: []exec.Predicate{
			{Path: []string{"dt.system.bucket"}, Op: exec.OpEq, Values: str("my_aws_bucket")},
			{Path: []string{"aws.service"}, Op: exec.OpEq, Values: str("cloudtrail")},
			{Path: []string{"content", "eventSource"}, Op: exec.OpEq, Values: str("signin.amazonaws.com")},
			{Path: []string{"content", "eventName"}, Op: exec.OpEq, Values: str("ConsoleLogin")},
			{Path: []string{"content", "responseElements", "ConsoleLogin"}, Op: exec.OpEq, Values: str("Failure")}}}},
		{"errorCode-week", exec.ScanRequest{From: week.From, To: week.To, Filters: []exec.Predicate{
			{Path: []string{"content", "errorCode"}, Op: exec.OpIn, Values: []value.Value{value.String("AccessDenied"), value.String("UnauthorizedOperation")}}}}},
	}
	for _, cold := range []bool{false, true} {
		for _, c := range cases {
			name := c.name
			if cold {
				name += "/cold"
			}
			b.Run(name, func(b *testing.B) {
				s, err := store.Open(dir)
				if err != nil {
					b.Fatal(err)
				}
				defer s.Close()
				if !cold {
					drain(b, s, c.req) // load the columns
				}
				b.ReportAllocs()
				b.ResetTimer()
				var n int
				var bytes int64
				c0 := cpuTime()
				for i := 0; i < b.N; i++ {
					if cold {
						b.StopTimer()
						s.Close()
						b.StartTimer()
						if s, err = store.Open(dir); err != nil {
							b.Fatal(err)
						}
					}
					n, bytes = drain(b, s, c.req)
				}
				b.ReportMetric(float64((cpuTime()-c0).Microseconds())/1e3/float64(b.N), "cpu-ms/op")
				b.SetBytes(bytes)
				b.ReportMetric(float64(n), "records")
			})
		}
	}
}

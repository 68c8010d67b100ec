package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestConcurrentReaders scans while an ingest commits small batches: a reader sharing
// the Store and a reader with its own (as another process would have) must both see a
// whole number of batches every time.
func TestConcurrentReaders(t *testing.T) {
	const batch, batches = 25, 60
	dir := t.TempDir()
	input := filepath.Join(t.TempDir(), "events.jsonl")
	var sb strings.Builder
	base := time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC)
	for i := 0; i < batch*batches; i++ {
		at := base.Add(time.Duration(i%97) * 37 * time.Minute)
		fmt.Fprintf(&sb, `{"eventTime":%q,"eventName":"E%d","eventID":"id-%d","recipientAccountId":"1"}`+"\n", at.Format(time.RFC3339), i%7, i)
	}
	if err := os.WriteFile(input, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	w, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	var done atomic.Bool
	errc := make(chan error, 1)
	go func() {
		_, err := w.Ingest(context.Background(), []string{input}, IngestOptions{BatchEvents: batch})
		done.Store(true)
		errc <- err
	}()
	other, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	scans := 0
	for !done.Load() {
		for _, s := range []*Store{w, other} {
			n := len(scanRecords(t, s, everything))
			if n%batch != 0 {
				t.Fatalf("a reader saw %d events: not a whole number of batches", n)
			}
			scans++
		}
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if n := len(scanRecords(t, other, everything)); n != batch*batches {
		t.Fatalf("after the ingest: %d events, want %d", n, batch*batches)
	}
	t.Logf("%d scans during the ingest", scans)
}

package store

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tidwall/gjson"
)

// The crash test's child ingests crashBatches batches of crashBatchSize events each,
// spread over three days so that every batch writes several segment files.
const (
	crashEnvDir     = "TRAILBOOK_STORE_CRASH_DIR"
	crashEnvIter    = "TRAILBOOK_STORE_CRASH_ITER"
	crashBatches    = 400
	crashBatchSize  = 16
	crashIterations = 50
)

// TestCrashChild is the child process of TestCrashRecovery; run directly (without
// the environment variable) it does nothing.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashEnvDir)
	if dir == "" {
		return
	}
	iter, _ := strconv.Atoi(os.Getenv(crashEnvIter))
	s, err := Open(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	pr, pw := io.Pipe()
	go func() {
		w := bufio.NewWriter(pw)
		r := rand.New(rand.NewPCG(uint64(iter), 7))
		base := time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC)
		for b := 0; b < crashBatches; b++ {
			for e := 0; e < crashBatchSize; e++ {
				at := base.Add(time.Duration(r.Int64N(int64(72 * time.Hour)))).Truncate(time.Second)
				fmt.Fprintf(w, `{"eventVersion":"1.08","eventTime":%q,"eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"us-east-1","eventID":"it%02d-b%04d-e%02d","recipientAccountId":"111122223333"}`+"\n",
					at.Format(time.RFC3339), iter, b, e)
			}
		}
		w.Flush()
		pw.Close()
	}()
	_, err = s.Ingest(context.Background(), []string{"-"}, IngestOptions{
		Stdin:       pr,
		BatchEvents: crashBatchSize,
		Committed: func(p IngestProgress) {
			fmt.Printf("batch done %d\n", p.Batches)
		},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	os.Exit(0)
}

// TestCrashRecovery kills an ingesting child process with SIGKILL at random moments,
// crashIterations times into the same store, and checks after each kill that the
// store opens, holds every batch the child reported durable (in this and earlier
// runs), and holds every batch entirely or not at all.
func TestCrashRecovery(t *testing.T) {
	dir := t.TempDir()
	r := rand.New(rand.NewPCG(42, 42))
	reported := make([]int, crashIterations)
	killedAt := make([]time.Duration, crashIterations)
	for iter := 0; iter < crashIterations; iter++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), crashEnvDir+"="+dir, crashEnvIter+"="+strconv.Itoa(iter))
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		done := 0
		first := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			sc := bufio.NewScanner(stdout)
			once := sync.Once{}
			for sc.Scan() {
				var n int
				if _, err := fmt.Sscanf(sc.Text(), "batch done %d", &n); err == nil {
					mu.Lock()
					done = n
					mu.Unlock()
					once.Do(func() { close(first) })
				}
			}
			once.Do(func() { close(first) })
		}()
		// Kill at a random moment: mostly while batches are being committed, sometimes
		// during start-up and recovery.
		wait := time.Duration(r.Int64N(int64(25 * time.Millisecond)))
		if iter%4 != 0 {
			select {
			case <-first:
			case <-time.After(10 * time.Second):
				t.Fatalf("iteration %d: the child reported no batch: %s", iter, stderr.String())
			}
		}
		time.Sleep(wait)
		killedAt[iter] = wait
		cmd.Process.Kill()
		wg.Wait()
		cmd.Wait()
		mu.Lock()
		reported[iter] = done
		mu.Unlock()
		if reported[iter] >= crashBatches {
			t.Fatalf("iteration %d: the child finished before the kill; make it slower", iter)
		}
		checkCrashStore(t, dir, iter, reported)
	}
	// A writer session repairs the store: no segment file is left that the manifest
	// does not name.
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	w, err := s.beginWrite()
	if err != nil {
		t.Fatal(err)
	}
	w.release()
	entries, err := os.ReadDir(filepath.Join(dir, segmentsDir))
	if err != nil {
		t.Fatal(err)
	}
	segs, _ := s.snapshot()
	if len(entries) != len(segs) {
		t.Fatalf("%d segment files, %d live segments", len(entries), len(segs))
	}
	total := 0
	for _, n := range reported {
		total += n
	}
	if total == 0 {
		t.Fatal("no batch was ever reported done: the test tested nothing")
	}
	t.Logf("%d kills, %d batches reported durable in all", crashIterations, total)
}

func checkCrashStore(t *testing.T, dir string, iter int, reported []int) {
	t.Helper()
	s, err := Open(dir)
	if err != nil {
		t.Fatalf("iteration %d: the store does not open after SIGKILL: %v", iter, err)
	}
	defer s.Close()
	counts := map[[2]int]int{}
	for _, rec := range scanRecords(t, s, everything) {
		c, _ := rec.Lookup("content").Str()
		var it, b, e int
		if _, err := fmt.Sscanf(gjson.Get(c, "eventID").Str, "it%02d-b%04d-e%02d", &it, &b, &e); err != nil {
			t.Fatalf("iteration %d: unexpected event %s", iter, c)
		}
		counts[[2]int{it, b}]++
	}
	for k, n := range counts {
		if n != crashBatchSize {
			t.Fatalf("iteration %d: batch %d of run %d has %d of its %d events: half-written", iter, k[1], k[0], n, crashBatchSize)
		}
		if k[0] > iter {
			t.Fatalf("iteration %d: events of a later run %d", iter, k[0])
		}
	}
	for it := 0; it <= iter; it++ {
		for b := 0; b < reported[it]; b++ {
			if counts[[2]int{it, b}] != crashBatchSize {
				t.Fatalf("iteration %d: batch %d of run %d was reported done but is missing", iter, b, it)
			}
		}
	}
}

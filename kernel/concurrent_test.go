package kernel

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/trailbook/trailbook/kernel/dql/exec"
	"github.com/trailbook/trailbook/kernel/protocol"
)

// loadSource serves events(n) to every scan, except scans of bucket "forever",
// which never end until cancelled: one source for small queries and a long scan.
type loadSource struct {
	small   sliceSource
	forever foreverSource
}

func (l *loadSource) Scan(ctx context.Context, req exec.ScanRequest) (exec.Iterator, error) {
	if slices.Contains(req.Buckets, "forever") {
		return l.forever.Scan(ctx, req)
	}
	return l.small.Scan(ctx, req)
}

const (
	smallQuery = `fetch logs | summarize c = count(), by: {aws.region} | sort aws.region`
	longQuery  = `fetch logs, bucket: "forever" | summarize count()`
	kernels    = 50
)

// startLoad starts n kernels over src and, in the first, the long scan; it returns
// the clients of the others and a function that interrupts the scan and checks it.
func startLoad(tb testing.TB, src *loadSource, n int) ([]*client, func()) {
	tb.Helper()
	m := NewManager(Options{Source: src, Now: func() time.Time { return testNow }}, 0)
	tb.Cleanup(m.Close)
	var clients []*client
	for range n {
		s, err := m.Start()
		if err != nil {
			tb.Fatal(err)
		}
		clients = append(clients, newClient(tb, s))
	}
	long := clients[0]
	id := long.send(protocol.Shell, protocol.ExecuteRequest, protocol.Execute{Code: longQuery}, nil)
	select {
	case <-src.forever.started:
	case <-time.After(10 * time.Second):
		tb.Fatal("the long scan did not start")
	}
	stop := func() {
		long.s.Interrupt()
		r, _ := long.wait(id, 10*time.Second)
		var rc protocol.ExecuteReplyContent
		json.Unmarshal(r.Content, &rc)
		if rc.Ename != protocol.ErrInterrupted {
			tb.Errorf("long scan reply = %+v", rc)
		}
	}
	return clients[1:], stop
}

// checkSmall checks the answer of smallQuery over events(3000).
func checkSmall(c *client, rc protocol.ExecuteReplyContent, pub []*protocol.Message) error {
	if rc.Status != protocol.StatusOK {
		return fmt.Errorf("reply %+v", rc)
	}
	for _, m := range pub {
		if m.Header.MsgType == protocol.ExecuteResult {
			var out protocol.DisplayDataContent
			json.Unmarshal(m.Content, &out)
			text, _ := out.Data.Text(protocol.MIMEText)
			want := `{"aws.region":"ap-south-1","c":1000}` + "\n" + `{"aws.region":"eu-west-1","c":1000}` + "\n" + `{"aws.region":"us-east-1","c":1000}` + "\n(3 records)"
			if text != want {
				return fmt.Errorf("result %q", text)
			}
			return nil
		}
	}
	return fmt.Errorf("no execute_result among %v", types(pub))
}

// TestConcurrentKernels runs small queries in 49 kernels while a 50th runs a scan
// that never ends: every kernel gets its answers, and the scan still stops on
// interrupt. Latency is BenchmarkConcurrentKernels' business.
func TestConcurrentKernels(t *testing.T) {
	src := &loadSource{small: sliceSource{recs: events(3000)}, forever: foreverSource{started: make(chan struct{}, 1)}}
	clients, stop := startLoad(t, src, kernels)
	var wg sync.WaitGroup
	errs := make(chan error, len(clients))
	for _, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 2 {
				id := c.send(protocol.Shell, protocol.ExecuteRequest, protocol.Execute{Code: smallQuery}, nil)
				r, pub := c.wait(id, 60*time.Second)
				var rc protocol.ExecuteReplyContent
				json.Unmarshal(r.Content, &rc)
				if err := checkSmall(c, rc, pub); err != nil {
					errs <- fmt.Errorf("kernel %s, query %d: %v", c.s.ID(), i, err)
					return
				}
				if rc.ExecutionCount != i+1 {
					errs <- fmt.Errorf("kernel %s: execution count %d, want %d", c.s.ID(), rc.ExecutionCount, i+1)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	stop()
}

// BenchmarkConcurrentKernels measures the latency of a small query (a summarize
// over 3000 records) on an idle kernel, then in 49 kernels that each run it every
// loadPace while a 50th kernel runs a scan that never ends. It reports the p50 and
// p95 latencies and the p95 ratio; the numbers are written down in kernel/BENCH.md.
func BenchmarkConcurrentKernels(b *testing.B) {
	// loadPace is how often each kernel runs the query: faster than a person runs
	// cells, so that 49 kernels keep the server busy without the small queries alone
	// saturating the machine (49 × 2 per second × a few ms on two cores).
	const loadPace = 500 * time.Millisecond
	src := &loadSource{small: sliceSource{recs: events(3000)}, forever: foreverSource{started: make(chan struct{}, 1)}}

	idle := newClient(b, newTestSession(b, Options{Source: src}))
	var idleLat []time.Duration
	for range 100 {
		t0 := time.Now()
		idle.execute(smallQuery, nil)
		idleLat = append(idleLat, time.Since(t0))
	}

	clients, stop := startLoad(b, src, kernels)
	defer stop()
	b.ResetTimer()
	var mu sync.Mutex
	var loadLat []time.Duration
	for range b.N {
		var wg sync.WaitGroup
		for k, c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// Spread the kernels over the pace, as independent users would be.
				time.Sleep(loadPace * time.Duration(k) / time.Duration(len(clients)))
				for range 3 {
					t0 := time.Now()
					rc, pub := c.execute(smallQuery, nil)
					d := time.Since(t0)
					if err := checkSmall(c, rc, pub); err != nil {
						b.Error(err)
					}
					mu.Lock()
					loadLat = append(loadLat, d)
					mu.Unlock()
					time.Sleep(loadPace)
				}
			}()
		}
		wg.Wait()
	}
	b.StopTimer()
	ip50, ip95 := percentiles(idleLat)
	lp50, lp95 := percentiles(loadLat)
	b.ReportMetric(float64(ip50.Microseconds())/1000, "idle-p50-ms")
	b.ReportMetric(float64(ip95.Microseconds())/1000, "idle-p95-ms")
	b.ReportMetric(float64(lp50.Microseconds())/1000, "load-p50-ms")
	b.ReportMetric(float64(lp95.Microseconds())/1000, "load-p95-ms")
	b.ReportMetric(float64(lp95)/float64(ip95), "p95-ratio")
}

func percentiles(d []time.Duration) (p50, p95 time.Duration) {
	s := slices.Clone(d)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2], s[len(s)*95/100]
}

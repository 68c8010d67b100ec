package script

import (
	"runtime"
	"runtime/metrics"
	"time"
)

// gcConfirmInterval is the least time between two garbage collections the watchdog
// forces to confirm that the heap really grew. A collection costs the whole process
// some CPU; between confirmations the script can allocate at most this long.
const gcConfirmInterval = 200 * time.Millisecond

// heapObjects is the runtime metric of heap bytes in objects, live or not yet swept.
const heapObjects = "/memory/classes/heap/objects:bytes"

// memWatch tells whether the Go heap grew by more than a budget since it was made.
// The heap is the process's, shared with every other goroutine, so the check is a
// heuristic: growth is measured from the heap at the start (live objects plus
// garbage not yet collected, so an overestimate of what was live), and a sample over
// the budget is confirmed by a garbage collection before it counts. Another
// session's allocations can still be charged to the script; a script can allocate
// up to a sample period past the budget, or more within one built-in call.
type memWatch struct {
	budget uint64
	base   uint64
	lastGC time.Time
	sample []metrics.Sample
}

func newMemWatch(budget int64) *memWatch {
	m := &memWatch{budget: uint64(budget), sample: []metrics.Sample{{Name: heapObjects}}}
	m.base = m.read()
	return m
}

func (m *memWatch) read() uint64 {
	metrics.Read(m.sample)
	if m.sample[0].Value.Kind() != metrics.KindUint64 {
		return 0 // metric unsupported: never trigger
	}
	return m.sample[0].Value.Uint64()
}

// exceeded samples the heap and reports whether its growth is over the budget,
// after a confirming collection.
func (m *memWatch) exceeded() bool {
	cur := m.read()
	if cur == 0 || cur <= m.base+m.budget {
		return false
	}
	if !m.lastGC.IsZero() && time.Since(m.lastGC) < gcConfirmInterval {
		return false
	}
	runtime.GC()
	m.lastGC = time.Now()
	return m.read() > m.base+m.budget
}

package script

import (
	"context"
	"fmt"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dop251/goja"

	"github.com/trailbook/trailbook/kernel/dql/value"
)

// Options configure a Runtime. A zero field takes its default.
type Options struct {
	// Timeout is the longest a cell may run (default 30s).
	Timeout time.Duration
	// MaxMemory is how much the Go heap may grow while a cell runs (default 512 MiB).
	// goja has no heap of its own, so this is a heuristic on the process heap: a
	// watchdog samples it every 10 ms and, when it has grown past the budget,
	// confirms with a garbage collection before it stops the script. A cell
	// stopped this way also loses the script state (globals), which frees what it
	// allocated.
	MaxMemory int64
	// MaxResultRecords is the most records a cell's value may have (default 1,000,000).
	MaxResultRecords int
	// MaxResultBytes bounds the estimated size of the values a cell's result is
	// converted into (default 256 MiB); records passed through unchanged are free.
	MaxResultBytes int64
	// MaxArrayLength is the longest array built-ins may build or walk, and the
	// longest array a cell may return (default 10,000,000).
	MaxArrayLength int
	// MaxStringLength is the longest string String.prototype.repeat, padStart and
	// padEnd may build, in UTF-16 units (default 64 Mi).
	MaxStringLength int
	// MaxCallStackSize is the deepest call stack a script may build (default 2,000).
	// It is low because goja unwinds an overflow through nested built-in calls
	// (String of a deeply nested array, say) in time quadratic in the depth, and
	// no interrupt stops the unwinding: at 2,000 it takes about half a second.
	MaxCallStackSize int
	// MaxConsoleBytes is how much console output a cell may print (default 1 MiB);
	// the rest is dropped with a notice.
	MaxConsoleBytes int
}

// The defaults of Options.
const (
	DefaultTimeout          = 30 * time.Second
	DefaultMaxMemory        = 512 << 20
	DefaultMaxResultRecords = 1_000_000
	DefaultMaxResultBytes   = 256 << 20
	DefaultMaxArrayLength   = 10_000_000
	DefaultMaxStringLength  = 64 << 20
	DefaultMaxCallStackSize = 2_000
	DefaultMaxConsoleBytes  = 1 << 20
)

const (
	// stopGrace is how long Run waits for a stopped script to unwind. The
	// interrupt takes effect at the script's next instruction; only a long native
	// call (a built-in such as sort on a huge array) can delay it. Kept well under
	// the kernel's promise that an interrupt stops a cell within a second.
	stopGrace = 500 * time.Millisecond
	// memoryPoll is how often the watchdog samples the heap. Reading the runtime
	// metrics costs a microsecond; ten milliseconds bounds how far a script can
	// allocate past the budget between samples.
	memoryPoll = 10 * time.Millisecond
	// maxDepth bounds the nesting of a converted value (and catches cycles).
	maxDepth = 100
	// maxFlatDepth bounds Array.prototype.flat, which recurses in Go.
	maxFlatDepth = 1000
	// maxJSONDepth bounds the nesting JSON.parse accepts, for the same reason.
	maxJSONDepth = 1000
)

func (o Options) withDefaults() Options {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxMemory <= 0 {
		o.MaxMemory = DefaultMaxMemory
	}
	if o.MaxResultRecords <= 0 {
		o.MaxResultRecords = DefaultMaxResultRecords
	}
	if o.MaxResultBytes <= 0 {
		o.MaxResultBytes = DefaultMaxResultBytes
	}
	if o.MaxArrayLength <= 0 {
		o.MaxArrayLength = DefaultMaxArrayLength
	}
	if o.MaxStringLength <= 0 {
		o.MaxStringLength = DefaultMaxStringLength
	}
	if o.MaxCallStackSize <= 0 {
		o.MaxCallStackSize = DefaultMaxCallStackSize
	}
	if o.MaxConsoleBytes <= 0 {
		o.MaxConsoleBytes = DefaultMaxConsoleBytes
	}
	return o
}

// Env is what a running cell may reach of its kernel. Every field is optional. The
// functions are called only while Run is in progress, from the goroutine that runs
// the script; a call in flight when Run gives up on a stuck script is waited for.
type Env struct {
	// Cell is the running cell's name ("cell4"), used in stack traces.
	Cell string
	// Results returns the records of the earlier cell called name, for
	// `results.name` and `result("name")`.
	Results func(name string) ([]*value.Record, bool)
	// Previous is the result of the previous cell, for `prev` and `_`; nil when
	// there is none.
	Previous []*value.Record
	// Query runs DQL for `query(dql)`. ctx is cancelled when the cell is stopped.
	Query func(ctx context.Context, dql string) ([]*value.Record, error)
	// Console receives console output: stream is "stdout" (log, info, debug) or
	// "stderr" (warn, error); text ends with a newline.
	Console func(stream, text string)
}

// Runtime runs the %%js cells of one kernel in one goja runtime, so that globals
// persist from cell to cell. Run calls are serialized; Reset may be called between
// runs. The zero Runtime is ready to use with default Options.
type Runtime struct {
	opt Options
	mu  sync.Mutex // serializes Run and Reset
	st  *state     // nil until the first Run, and after Reset
	seq int        // runs so far, for unique source names
}

// New returns a Runtime with the given limits.
func New(opt Options) *Runtime {
	return &Runtime{opt: opt}
}

// Reset discards all script state, as a fresh kernel: the next Run starts in a new
// goja runtime.
func (r *Runtime) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.st = nil
}

// Run runs the code of a cell (without its %%js line) and returns the cell's value.
// A failure of the script is an *Error; a Go panic inside goja is returned as an
// error too, and resets the runtime. Run returns within about half a second of
// ctx being cancelled or a limit being hit, even when the script is inside a
// built-in that cannot be interrupted: it then abandons that goroutine (which
// stops at its next instruction) and resets the runtime.
func (r *Runtime) Run(ctx context.Context, code string, env Env) (Output, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	opt := r.opt.withDefaults()
	if r.st == nil {
		st, err := newState(opt)
		if err != nil {
			return Output{}, err
		}
		r.st = st
	}
	st := r.st
	r.seq++
	cell := env.Cell
	if cell == "" {
		cell = "cell"
	}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	rn := &run{ctx: runCtx, env: env, name: cell + "#" + strconv.Itoa(r.seq)}

	done := make(chan result, 1)
	go func() { done <- st.exec(rn, code) }()

	timer := time.NewTimer(opt.Timeout)
	defer timer.Stop()
	tick := time.NewTicker(memoryPoll)
	defer tick.Stop()
	mem := newMemWatch(opt.MaxMemory)
	ctxDone, timeout := ctx.Done(), timer.C
	var grace <-chan time.Time
	stop := func(e *Error) {
		// The script may have stopped itself first (a limit of a built-in, a
		// cancelled query); either way the grace period starts now.
		if rn.stop.CompareAndSwap(nil, e) {
			st.vm.Interrupt(e)
		}
		cancel()
		ctxDone, timeout, grace = nil, nil, time.After(stopGrace)
	}
	for {
		select {
		case res := <-done:
			// No Interrupt can come after this point: this goroutine is the only
			// caller, so the flag can be cleared for the next run.
			st.vm.ClearInterrupt()
			rn.close()
			if res.reset || rn.reset.Load() {
				r.st = nil
			}
			return res.out, res.err
		case <-ctxDone:
			stop(&Error{Kind: KindInterrupted, Message: "interrupted"})
		case <-timeout:
			stop(limitError("time limit: the cell ran longer than %v", opt.Timeout))
		case <-tick.C:
			if rn.stop.Load() == nil && mem.exceeded() {
				rn.reset.Store(true)
				stop(limitError("memory limit: the heap grew by more than %s while the cell ran; script state was reset to free it",
					formatBytes(opt.MaxMemory)))
			}
		case <-grace:
			// The script is inside a native call that does not return. Leave the
			// goroutine behind (its interrupt stays set, so it ends at its next
			// instruction) and give the next Run a fresh runtime.
			rn.close()
			r.st = nil
			e := *rn.stop.Load()
			e.Message += fmt.Sprintf("; the script did not stop within %v (it was inside a built-in function), so script state was reset", stopGrace)
			return Output{}, &e
		}
	}
}

// result is what the script goroutine hands back to Run.
type result struct {
	out   Output
	err   error
	reset bool // the runtime must not be used again
}

// run is the state of one Run.
type run struct {
	ctx  context.Context // cancelled when the run is stopped
	env  Env
	name string // the cell's source name, "cell3#7"

	stop  atomic.Pointer[Error] // why the run was stopped, nil while running
	reset atomic.Bool           // the state must be discarded after the run (a memory limit)

	mu     sync.RWMutex // held (read) during Env calls; Run takes it to close
	closed bool

	console   int                   // bytes printed
	truncated bool                  // console output was cut
	results   map[string]goja.Value // results converted in this run, by name
	prev      goja.Value            // prev, once converted
}

// close ends the run for its Env: later calls from an abandoned script are dropped.
func (rn *run) close() {
	rn.mu.Lock()
	rn.closed = true
	rn.mu.Unlock()
}

// withEnv calls f unless the run is closed.
func (rn *run) withEnv(f func()) bool {
	rn.mu.RLock()
	defer rn.mu.RUnlock()
	if rn.closed {
		return false
	}
	f()
	return true
}

// exec runs a cell on the script goroutine.
func (st *state) exec(rn *run, code string) (res result) {
	defer func() {
		if p := recover(); p != nil {
			res = result{err: &internalError{value: p, stack: debug.Stack()}, reset: true}
		}
	}()
	st.cur = rn
	defer func() { st.cur = nil }()

	c, err := compileCell(rn.name, code)
	if err != nil {
		return result{err: err}
	}
	st.beginRun()
	v, err := st.vm.RunProgram(c.prg)
	if err != nil {
		return st.fail(c, rn, err)
	}
	out, err := st.output(c, rn, v)
	if err != nil {
		return st.fail(c, rn, err)
	}
	return result{out: out}
}

// fail converts an error of the run, preferring the watchdog's reason when it
// stopped the run.
func (st *state) fail(c *cellProgram, rn *run, err error) result {
	e := st.runError(c, err)
	if stop := rn.stop.Load(); stop != nil && e.Kind == KindScript {
		// A query() cancelled by the stop, say, surfaced as a script error first.
		s := *stop
		s.Line, s.Column, s.Stack = e.Line, e.Column, e.Stack
		e = &s
	}
	return result{err: e}
}

// internalError is a Go panic inside goja or this package. Stack is for the log.
type internalError struct {
	value any
	stack []byte
}

func (e *internalError) Error() string {
	return fmt.Sprintf("internal error in the script runtime: %v", e.value)
}

// Stack returns the Go stack of the panic.
func (e *internalError) Stack() []byte { return e.stack }

func formatBytes(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

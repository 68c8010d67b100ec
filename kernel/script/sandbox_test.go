package script

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trailbook/trailbook/kernel/dql/value"
)

// healthy checks that the runtime answers the next cell.
func healthy(t *testing.T, rt *Runtime) {
	t.Helper()
	out, err := rt.Run(context.Background(), `[1, 2].map(x => x * 2).join()`, Env{})
	if err != nil || outputText(out) != "text 2,4" {
		t.Fatalf("the next cell: %s, %v", outputText(out), err)
	}
}

// TestEscapes runs each way out of the sandbox the issue lists, and more: each
// must fail with a clear error (or find nothing), and the runtime must answer the
// next cell.
func TestEscapes(t *testing.T) {
	rt := New(Options{Timeout: 5 * time.Second})
	const noCode = "TypeError: code generation from strings is disabled in trailbook scripts"
	const memLimit = "memory limit: an array of 1000000000 elements is over the limit of 10000000"
	f := func(code, kind, want string) {
		t.Helper()
		out, err := rt.Run(context.Background(), code, Env{})
		switch {
		case kind == "":
			if err != nil || outputText(out) != want {
				t.Fatalf("Run(%q) = %s, %v; want %s", code, outputText(out), err, want)
			}
		default:
			var e *Error
			if !errors.As(err, &e) || e.Kind != kind || !strings.Contains(e.Message, want) {
				t.Fatalf("Run(%q) = %s, %v; want a %s error with %q", code, outputText(out), err, kind, want)
			}
		}
		healthy(t, rt)
	}
	// Code from strings.
	f(`this.constructor.constructor('return process')()`, KindScript, noCode)
	f(`Function('return this')()`, KindScript, noCode)
	f(`new Function('a', 'return a')`, KindScript, noCode)
	f(`eval('1 + 1')`, KindScript, noCode)
	f(`(0, eval)('1 + 1')`, KindScript, noCode)
	f(`(async function () {}).constructor('return 1')`, KindScript, noCode)
	f(`(function* () {}).constructor('yield 1')`, KindScript, noCode)
	f(`(() => 1).constructor('return 1')`, KindScript, noCode)
	f(`class A {}; A.constructor('return 1')`, KindScript, noCode)
	f(`Reflect.construct(Object.getPrototypeOf(function () {}).constructor, ['return 1'])`, KindScript, noCode)
	f(`dql.timestamp.constructor('return 1')`, KindScript, noCode)
	f(`query.constructor.constructor('return 1')`, KindScript, noCode)
	f(`import('fs')`, KindScript, "SyntaxError")
	// Nothing of the host is there.
	f(`["require", "process", "module", "global", "setTimeout", "setInterval", "setImmediate", "queueMicrotask",
		"fetch", "XMLHttpRequest", "WebSocket", "Deno", "Bun", "WebAssembly", "SharedArrayBuffer", "ArrayBuffer",
		"Uint8Array", "DataView", "Atomics", "WeakRef"].filter(n => typeof globalThis[n] !== "undefined").join()`, "", "text ")
	f(`typeof Function + " " + (function () {} instanceof Function) + " " + ([] instanceof Array)`, "", "text function true true")
	f(`new Uint8Array(1e9)`, KindScript, "ReferenceError: Uint8Array is not defined")
	// Memory: one-call allocations are refused before they happen, uncatchably.
	f(`new Array(1e9).fill(0)`, KindLimit, memLimit)
	f(`try { Array(1e9) } catch (e) { "caught" }`, KindLimit, memLimit)
	f(`[].constructor(1e9)`, KindLimit, memLimit)
	f(`Array.from({length: 1e9})`, KindLimit, memLimit)
	f(`var a = []; a.length = 1e9; a.join()`, KindLimit, memLimit)
	f(`var a = []; a[1e9 - 1] = 1; a.forEach(x => x)`, KindLimit, memLimit)
	f(`Array.prototype.indexOf.call({length: 1e9}, 1)`, KindLimit, memLimit)
	f(`Math.max.apply(null, {length: 1e9})`, KindLimit, memLimit)
	f(`Reflect.apply(Math.max, null, {length: 1e9})`, KindLimit, memLimit)
	f(`var a = []; a.length = 1e9; [0].concat(a)`, KindLimit, memLimit)
	f(`"x".repeat(1e9)`, KindLimit, "memory limit: a string of 1000000000 characters is over the limit of 67108864")
	f(`"x".padStart(1e9)`, KindLimit, "memory limit: a string of 1000000000 characters")
	f(`JSON.parse("[".repeat(5000) + "]".repeat(5000))`, KindScript, "RangeError: JSON.parse: the text nests deeper than 1000 levels")
	// Stack depth, through JS frames and through built-ins that recurse.
	f(`function down(n) { return down(n + 1) } down(0)`, KindLimit, "maximum call stack size exceeded (limit 2000 calls)")
	_, err := rt.Run(context.Background(), `function down(n) { return down(n + 1) } down(0)`, Env{})
	if e := (*Error)(nil); !errors.As(err, &e) || len(e.Stack) != 21 || !strings.HasSuffix(e.Stack[20], " more frames") {
		t.Fatalf("the stack of a runaway recursion: %v", err)
	}
	f(`var a = []; for (var i = 0; i < 100000; i++) a = [a]; String(a)`, KindLimit, "maximum call stack size exceeded")
	// flat stops at depth 1000, so one level of the 5000 is left.
	f(`var a = []; for (var i = 0; i < 5000; i++) a = [a]; a.flat(Infinity).length`, "", "json 1")
	f(`var o = {}; o.self = o; o`, KindLimit, "the value is nested more than 100 levels deep (is it circular?)")
	// The API cannot be replaced or changed.
	f(`query = 1; result = 1; console.log = 1; dql.timestamp = 1; md = 1; delete globalThis.dql; results.x = 1; typeof results.x`, "", "text undefined")
	f(`[typeof query, typeof result, typeof console.log, typeof dql.timestamp, typeof md].join()`, "", "text function,function,function,function,function")
	f(`Object.defineProperty(globalThis, "query", {value: 1})`, KindScript, "TypeError")
}

// TestNoSourceMapRead checks that a sourceMappingURL comment does not make the
// parser read a file (goja's default loader would).
func TestNoSourceMapRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.map")
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	rt := New(Options{})
	out, err := rt.Run(context.Background(), "1\n//# sourceMappingURL="+path, Env{})
	if err != nil || outputText(out) != "json 1" {
		t.Fatalf("Run = %s, %v; the source map was read", outputText(out), err)
	}
}

// TestPrototypePollution pollutes the built-in prototypes in one cell and checks
// that the next cell's records cross to Go and back intact: conversion uses own
// properties only and defines rather than sets.
func TestPrototypePollution(t *testing.T) {
	rt := New(Options{})
	_, err := rt.Run(context.Background(), `
		Object.prototype.polluted = "yes"
		Object.defineProperty(Object.prototype, "user", {
			get() { return "evil" }, set(v) { globalThis.stolen = v }, configurable: true })
		Object.defineProperty(Object.prototype, "_ms", { get() { return 0 }, configurable: true })
		Object.prototype.get = function () { return "evil" }
		Object.prototype.value = "evil"
		Array.prototype[1] = "hole-filler"
		Array.prototype[Symbol.iterator] = function* () { yield "evil" }
		Object.keys = () => []
		JSON.stringify = () => "evil"
		Object.freeze(Object.prototype)`, Env{})
	if err != nil {
		t.Fatal(err)
	}
	in := rec("user", value.String("alice"), "t", value.Timestamp(7))
	out, err := rt.Run(context.Background(), `
		[prev[0], {user: prev[0].user, list: [0, , 2], n: Object.create({inherited: 1})},
		 {t: dql.timestamp(0), d: dql.duration("1s"), ip: dql.ip("10.0.0.1"), m: md`+"`*x*`"+`, w: dql.double(1)},
		 {copy: {...prev[0]}}]`, Env{Previous: []*value.Record{in}})
	if err != nil {
		t.Fatal(err)
	}
	want := `[{user: string "alice", t: timestamp "1970-01-01T00:00:00.000000007Z"}, ` +
		`{user: string "alice", list: [long 0, null null, long 2], n: {}}, ` +
		`{t: timestamp "1970-01-01T00:00:00.000000000Z", d: duration 1000000000, ip: ip "10.0.0.1", m: string "*x*", w: double 1.0}, ` +
		`{copy: {user: string "alice", t: timestamp "1970-01-01T00:00:00.000000007Z"}}]`
	if got := sig(out.Value); got != want {
		t.Fatalf("after pollution\n got: %s\nwant: %s", got, want)
	}
	if out.Records[0] != in {
		t.Fatalf("an unchanged record was copied")
	}
	out, err = rt.Run(context.Background(), `typeof stolen`, Env{})
	if err != nil || outputText(out) != "text undefined" {
		t.Fatalf("a setter on Object.prototype saw a value: %s, %v", outputText(out), err)
	}
}

// TestInterrupt cancels a busy cell: Run must return within a second, and the
// runtime must keep its state.
func TestInterrupt(t *testing.T) {
	rt := New(Options{})
	if _, err := rt.Run(context.Background(), `var kept = 41`, Env{}); err != nil {
		t.Fatal(err)
	}
	// Cancel once the loop runs (from its console output), and time from there.
	ctx, cancel := context.WithCancel(context.Background())
	var cancelled time.Time
	env := Env{Console: func(string, string) { cancelled = time.Now(); cancel() }}
	// The loop and its variable share line 2: goja may report an interrupt taken in
	// the loop at the variable's declaration.
	_, err := rt.Run(ctx, "// spin until cancelled\nvar spins = 0; while (true) { if (++spins === 1000) console.log('spinning') }", env)
	if d := time.Since(cancelled); d > time.Second {
		t.Fatalf("Run returned %v after the cancel", d)
	}
	var e *Error
	if !errors.As(err, &e) || !errors.Is(err, ErrInterrupted) || e.Line != 2 || e.Message != "interrupted" {
		t.Fatalf("Run = %v, want an interrupt at line 2", err)
	}
	out, err := rt.Run(context.Background(), `kept + 1 + (spins > 0 ? 0 : 100)`, Env{})
	if err != nil || outputText(out) != "json 42" {
		t.Fatalf("after the interrupt: %s, %v", outputText(out), err)
	}
}

// TestInterruptQuery cancels a cell waiting in query(): the query gets a cancelled
// context and the cell stops.
func TestInterruptQuery(t *testing.T) {
	rt := New(Options{})
	ctx, cancel := context.WithCancel(context.Background())
	env := Env{Query: func(qctx context.Context, _ string) ([]*value.Record, error) {
		cancel()
		<-qctx.Done()
		return nil, qctx.Err()
	}}
	_, err := rt.Run(ctx, `try { query("fetch logs") } catch (e) { "swallowed" }`, env)
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("Run = %v, want interrupted", err)
	}
	healthy(t, rt)
}

// TestMemoryLimit grows the heap without bound, once by many small allocations and
// once by doubling a string; the watchdog stops both, and the state is reset.
func TestMemoryLimit(t *testing.T) {
	// A loop that never stopped would end with the time limit instead.
	rt := New(Options{MaxMemory: 16 << 20})
	for _, code := range []string{
		`var keep = []; while (true) keep.push("x".repeat(65536) + keep.length)`,
		`var keep = "x"; while (true) keep += keep`,
	} {
		_, err := rt.Run(context.Background(), code, Env{})
		var e *Error
		if !errors.As(err, &e) || e.Kind != KindLimit || !strings.HasPrefix(e.Message, "memory limit: the heap grew by more than 16 MiB") {
			t.Fatalf("Run(%q) = %v, want a memory limit", code, err)
		}
		out, err := rt.Run(context.Background(), `typeof keep`, Env{})
		if err != nil || outputText(out) != "text undefined" {
			t.Fatalf("after the memory limit: %s, %v (state should be reset)", outputText(out), err)
		}
	}
}

// TestResultLimits returns values over the result limits.
func TestResultLimits(t *testing.T) {
	rt := New(Options{MaxResultRecords: 10, MaxResultBytes: 1 << 20})
	f := func(code, want string) {
		t.Helper()
		_, err := rt.Run(context.Background(), code, Env{})
		if !errors.Is(err, ErrLimit) || !strings.Contains(err.Error(), want) {
			t.Fatalf("Run(%q) = %v, want a limit with %q", code, err, want)
		}
		healthy(t, rt)
	}
	f(`Array.from({length: 11}, (_, i) => ({i}))`, "the value has 11 elements, over the limit of 10 (MaxResultRecords)")
	f(`[{s: "x".repeat(2 << 20)}]`, "the value is too large: over 1 MiB (MaxResultBytes)")
}

// TestStuckBuiltin stops a cell that is inside a slow built-in, which no interrupt
// reaches: Run gives up after the grace period and the next cell gets a fresh
// runtime.
func TestStuckBuiltin(t *testing.T) {
	if testing.Short() {
		t.Skip("leaves a goroutine sorting for a second or more")
	}
	rt := New(Options{})
	// Built in its own cell, so that the interrupt comes during the sort.
	if _, err := rt.Run(context.Background(), `var a = Array.from({length: 200000}, (_, i) => "k" + (i * 7919 % 200000))`, Env{}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, cancel)
	start := time.Now()
	_, err := rt.Run(ctx, `a.sort(); a.length`, Env{})
	d := time.Since(start)
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("Run = %v, want interrupted", err)
	}
	if !strings.Contains(err.Error(), "did not stop") {
		t.Skipf("the sort finished within the grace period on this machine (%v): %v", d, err)
	}
	if d > time.Second {
		t.Fatalf("Run returned after %v", d)
	}
	out, err := rt.Run(context.Background(), `typeof a`, Env{})
	if err != nil || outputText(out) != "text undefined" {
		t.Fatalf("after a stuck built-in: %s, %v (want a fresh runtime)", outputText(out), err)
	}
}

// TestConsoleLimit prints more than MaxConsoleBytes.
func TestConsoleLimit(t *testing.T) {
	rt := New(Options{MaxConsoleBytes: 100})
	var got strings.Builder
	env := Env{Console: func(_, text string) { got.WriteString(text) }}
	if _, err := rt.Run(context.Background(), `for (let i = 0; i < 100; i++) console.log("0123456789")`, env); err != nil {
		t.Fatal(err)
	}
	want := strings.Repeat("0123456789\n", 9) + "0\n… console output truncated (MaxConsoleBytes)\n"
	if got.String() != want {
		t.Fatalf("console\n got: %q\nwant: %q", got.String(), want)
	}
}

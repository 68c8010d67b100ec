// Package script runs the JavaScript (%%js) cells of a trailbook kernel with
// github.com/dop251/goja: one runtime per kernel, so state persists between cells,
// with DQL values crossing in and out with their types, and with time, memory and
// stack limits. It imports goja and the DQL value model, and nothing of the kernel
// server, the UI or the renderers: the kernel calls it through Runtime and Env,
// and scripts reach the host only through Env.
//
// # Go API
//
//	rt := script.New(script.Options{Timeout: 30 * time.Second}) // one per kernel
//	out, err := rt.Run(ctx, code, script.Env{Cell: "cell4", Previous: recs, Query: q, Console: print})
//	rt.Reset() // on kernel restart
//
// Run returns the cell's value as an Output: OutputTable (an array of records,
// possibly empty; Records holds them), OutputChart (records of the makeTimeseries
// shape: a "timeframe", an "interval" duration and an array field in every
// record), OutputText (a string), OutputMarkdown (an md`…` value), OutputJSON (any
// other value; JSON holds its typed JSON encoding) or OutputNone (undefined or
// null). Output.Value has the value as a value.Value for every kind. A failed run
// returns an *Error with a Kind (KindScript, KindInterrupted, KindLimit; match with
// errors.Is and ErrScript, ErrInterrupted, ErrLimit), the 1-based line and column
// in the cell counted in characters, and the script's stack.
//
// # The cell's value
//
// The value of a cell is the completion value of its last statement, as a browser
// console shows it: `prev.filter(f)` on the last line is the value; a cell ending
// in a declaration or a loop has none. A top-level `return` is a syntax error. A
// promise is awaited: its job queue runs before Run returns, and since scripts
// have no timers or I/O a promise still pending then is an error.
//
// # Script API
//
//	query(dql)          run DQL (the notebook's timeframe); an array of records, or throws a QueryError
//	results.cell3       the result of the cell named cell3 (undefined if none); read-only
//	result("cell3")     the same, but throws when there is no such result
//	prev, _             the previous cell's result; assigning makes a plain variable until the next cell
//	console.log/info/debug(…), console.warn/error(…)   print to stdout / stderr
//	md`# ${title}`      Markdown output; interpolated values are escaped, md`…` values and arrays of them are not
//	md(text), md.escape(text)
//	dql.timestamp(x)    from an ISO string, a Date, a number of milliseconds or a BigInt of nanoseconds
//	dql.duration(x)     from "5m", "1h30m", "1.5s", "7d", "PT5M", a number of milliseconds or a BigInt of nanoseconds
//	dql.timeframe(start, end), dql.ip("10.0.0.1"), dql.now()
//	dql.long("9223372036854775807")   a BigInt, range-checked
//	dql.double(2)       a marker that makes 2 come back as the double 2.0
//	dql.type(v)         the DQL type v converts to: "long", "timestamp", "record", …
//	dql.format(v)       DQL's text form of v (toString)
//	dql.ipIn(ip, "10.0.0.0/8", …)     DQL's ipIn: ip or string against addresses and CIDR ranges
//
// Each result access in a cell converts afresh: a cell that changes records in
// results.cell3 changes its own copy, never the kernel's result.
//
// # Types
//
// Values cross between DQL and JavaScript with their types:
//
//	DQL            JavaScript                                    back to DQL
//	null           null (an absent field reads as undefined)     null, undefined
//	boolean        boolean                                       boolean
//	long           number when |n| ≤ 2^53−1, else BigInt         integral number in ±(2^53−1), BigInt (int64 range checked)
//	double         number                                        any other number (NaN and ±Infinity included)
//	string         string                                        string; Error → "Name: message"; RegExp → its source
//	timestamp      Timestamp                                     Timestamp; Date (millisecond precision)
//	duration       Duration                                      Duration
//	timeframe      Timeframe {start, end}                        Timeframe
//	ip             IP                                            IP
//	array          array                                         array; holes are null
//	record         object, keys in record order                  object: own enumerable string keys, in JS key order
//	—              md`…`, dql.double(x)                          string, double
//
// Records and arrays are lazy views (goja dynamic objects): a field is converted
// when the script first reads it, and a record or array the script did not change
// goes back as the very value Go handed in, so passing 100,000 records through
// filter costs no conversion and loses nothing. Objects the script builds go back
// by their own enumerable properties only; undefined, functions and symbols are
// left out of records (as JSON.stringify does) and are null in arrays. Maps, Sets
// and promises inside a value are errors that say how to convert them. Nesting
// deeper than 100 levels (or a cycle) is a Limit error.
//
// Timestamp and Duration hold exact nanoseconds: t.ns is a BigInt, t.ms a number
// (milliseconds since the epoch; a Duration's may be fractional). Like Date, a
// Timestamp compares and subtracts as milliseconds (t1 < t2, t1 - t2) and prints as
// an ISO string with nine fractional digits; t.compare(u) and t.equals(u) are
// exact, t.add(d), t.sub(t2 or d) and t.bin(d) compute in nanoseconds. A Duration
// adds and compares as milliseconds and prints in ISO 8601 ("PT1H30M"). An IP is
// its address string to == and String(); ip.in(cidr, …) tests ranges. A
// Timeframe has start, end, duration and contains(t). JSON.stringify prints all of
// them as strings, and BigInts as decimal strings.
//
// Known losses: JS has one number type, so a double with an integral value (2.0)
// that the script rebuilds comes back as the long 2 (pass it through, or wrap it in
// dql.double); integer-like field names ("0", "42") of an object the script builds
// come first, in JS key order.
//
// # State between cells
//
// All cells of a kernel share one global scope, like a Jupyter kernel. Top-level
// let, const and class declarations are made var declarations (as a REPL does), so
// they persist for later cells and re-running a cell does not fail with "Identifier
// has already been declared"; a top-level const can therefore be reassigned. Block
// declarations stay local. Pollution of built-in prototypes persists too, but
// conversion reads own properties only and defines rather than sets, and the API
// (query, result, results, console, md, dql, the wrappers' prototypes) is frozen
// and cannot be replaced. Reset discards everything.
//
// # Sandbox and limits
//
// A script sees the ECMAScript built-ins and the API above, nothing else: no
// require, no file system, network, process or environment, no timers. Code cannot
// be made from strings: Function, eval and the constructors reachable through
// (function () {}).constructor and its async and generator kinds throw, so
// `this.constructor.constructor('return process')()` fails. goja's source-map
// loader, which would read the file a `//# sourceMappingURL=` comment names, is
// off. ArrayBuffer, the typed arrays and DataView are removed: they allocate their
// whole length in one call. No Go struct is exposed by reflection; the Go side
// hands scripts explicit objects only.
//
// A watchdog goroutine stops the script with goja's Interrupt when ctx is
// cancelled (KindInterrupted, within microseconds while the script runs JS code),
// when Options.Timeout passes, and when the Go heap has grown by Options.MaxMemory
// since the cell started (confirmed by a garbage collection; the script state is
// then reset to free what it held). Built-ins run as native Go code that no
// interrupt reaches, so the ones that allocate or loop over a length given by the
// script check it first: Array(n), Array.from, the Array.prototype methods that
// walk their array, Function.prototype.apply, Reflect.apply and Reflect.construct
// (Options.MaxArrayLength), String.prototype.repeat, padStart and padEnd
// (Options.MaxStringLength), Array.prototype.flat (depth 1000) and JSON.parse
// (nesting 1000). These limits are uncatchable, like the interrupt. The call stack
// is bounded by Options.MaxCallStackSize. If a script still does not stop within
// half a second of an interrupt (it is inside a long built-in call such as sorting
// a huge array), Run returns anyway, abandons that goroutine, which ends at its
// next instruction, and resets the state. The cell's value is bounded by
// Options.MaxResultRecords and MaxResultBytes, console output by MaxConsoleBytes.
//
// What the limits do not cover: the memory budget is a heuristic on the heap of the
// whole process; a single built-in call can still allocate a large amount before
// any check runs (splitting a 64 Mi-character string into characters, say); and an
// abandoned goroutine keeps its CPU until the built-in returns (a regular
// expression with backreferences can backtrack for a very long time). A separate
// process would be the complete answer.
//
// # Concurrency
//
// Run and Reset may be called from any goroutine; Run calls are serialized. The
// Env functions are called on the goroutine that runs the script, only while Run
// is in progress.
package script

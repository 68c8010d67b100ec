package script

import (
	_ "embed"
	"errors"
	"fmt"
	"math"
	"math/big"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/dop251/goja"
	"github.com/dop251/goja/parser"

	"github.com/trailbook/trailbook/kernel/dql/value"
)

//go:embed prelude.js
var preludeSrc string

// preludeName is the source name of the prelude; its frames are left out of stacks.
const preludeName = "trailbook:prelude"

var preludeProgram = sync.OnceValues(func() (*goja.Program, error) {
	prog, err := parser.ParseFile(nil, preludeName, preludeSrc, 0, parser.WithDisableSourceMaps)
	if err != nil {
		return nil, err
	}
	return goja.CompileAST(prog, true)
})

// state is one goja runtime with the prelude installed: the script state that
// persists between cells. Only the goroutine running a cell touches it, except
// vm.Interrupt from the watchdog.
type state struct {
	vm  *goja.Runtime
	opt Options
	cur *run // the run in progress

	// Prototypes of the wrappers, by identity: what Go recognizes on the way back.
	tsProto, durProto, tfProto, ipProto, mdProto, dblProto *goja.Object
	arrayProto, objectProto                                *goja.Object
	// Built-ins captured before any cell could replace them.
	hasOwn     goja.Callable
	rangeError *goja.Object
	errorCtor  *goja.Object
	resetPrev  goja.Callable
}

// newState makes a runtime and runs the prelude in it.
func newState(opt Options) (*state, error) {
	prg, err := preludeProgram()
	if err != nil {
		return nil, fmt.Errorf("cannot compile the script prelude: %w", err)
	}
	vm := goja.New()
	vm.SetParserOptions(parser.WithDisableSourceMaps)
	vm.SetMaxCallStackSize(opt.MaxCallStackSize)
	st := &state{vm: vm, opt: opt}

	st.objectProto = vm.Get("Object").ToObject(vm).Get("prototype").ToObject(vm)
	st.arrayProto = vm.Get("Array").ToObject(vm).Get("prototype").ToObject(vm)
	st.hasOwn, _ = goja.AssertFunction(st.objectProto.Get("hasOwnProperty"))
	st.rangeError = vm.Get("RangeError").ToObject(vm)
	st.errorCtor = vm.Get("Error").ToObject(vm)

	fn, err := vm.RunProgram(prg)
	if err != nil {
		return nil, fmt.Errorf("cannot run the script prelude: %w", err)
	}
	call, ok := goja.AssertFunction(fn)
	if !ok {
		return nil, errors.New("cannot run the script prelude: not a function")
	}
	ret, err := call(goja.Undefined(), st.natives(), vm.ToValue(opt.MaxArrayLength),
		vm.ToValue(opt.MaxStringLength), vm.ToValue(maxFlatDepth))
	if err != nil {
		return nil, fmt.Errorf("cannot run the script prelude: %w", err)
	}
	exports := ret.ToObject(vm)
	proto := func(name string) *goja.Object { return exports.Get(name).ToObject(vm) }
	st.tsProto, st.durProto, st.tfProto = proto("tsProto"), proto("durProto"), proto("tfProto")
	st.ipProto, st.mdProto, st.dblProto = proto("ipProto"), proto("mdProto"), proto("dblProto")
	st.resetPrev, _ = goja.AssertFunction(exports.Get("resetPrev"))
	if err := st.installAPI(); err != nil {
		return nil, fmt.Errorf("cannot install the script API: %w", err)
	}
	return st, nil
}

// natives returns the Go functions the prelude closes over. The object never
// becomes reachable from scripts.
func (st *state) natives() *goja.Object {
	vm := st.vm
	o := vm.NewObject()
	set := func(name string, f func(goja.FunctionCall) goja.Value) {
		if err := o.Set(name, f); err != nil {
			panic("BUG: cannot set native " + name + ": " + err.Error())
		}
	}
	set("limit", func(c goja.FunctionCall) goja.Value {
		st.limit(c.Argument(0).String())
		return goja.Undefined()
	})
	set("checkJSON", func(c goja.FunctionCall) goja.Value {
		if d := jsonDepth(c.Argument(0).String()); d > maxJSONDepth {
			panic(st.newError(st.rangeError, fmt.Sprintf("JSON.parse: the text nests deeper than %d levels", maxJSONDepth)))
		}
		return goja.Undefined()
	})
	set("checkTimestamp", func(c goja.FunctionCall) goja.Value {
		if _, ok := joinNanos(c.Argument(0), c.Argument(1)); !ok {
			panic(st.newError(st.rangeError, "timestamp or duration out of range (int64 nanoseconds)"))
		}
		return goja.Undefined()
	})
	set("parseTimestamp", func(c goja.FunctionCall) goja.Value {
		ns, err := parseTimestamp(c.Argument(0).String())
		if err != nil {
			panic(st.newError(st.rangeError, err.Error()))
		}
		return st.nanosPair(ns)
	})
	set("parseDuration", func(c goja.FunctionCall) goja.Value {
		ns, err := parseDuration(c.Argument(0).String())
		if err != nil {
			panic(st.newError(st.rangeError, err.Error()))
		}
		return st.nanosPair(ns)
	})
	set("now", func(goja.FunctionCall) goja.Value { return st.nanosPair(time.Now().UnixNano()) })
	set("formatTimestamp", func(c goja.FunctionCall) goja.Value {
		ns, _ := joinNanos(c.Argument(0), c.Argument(1))
		return vm.ToValue(string(value.AppendTimestamp(nil, ns)))
	})
	set("formatDuration", func(c goja.FunctionCall) goja.Value {
		ns, _ := joinNanos(c.Argument(0), c.Argument(1))
		return vm.ToValue(string(value.AppendISODuration(nil, ns)))
	})
	set("parseIP", func(c goja.FunctionCall) goja.Value {
		s := c.Argument(0).String()
		a, err := netip.ParseAddr(strings.TrimSpace(s))
		if err != nil {
			panic(st.newError(st.rangeError, fmt.Sprintf("dql.ip: %q is not an IP address", s)))
		}
		return vm.ToValue(a.Unmap().String())
	})
	set("ipIn", func(c goja.FunctionCall) goja.Value {
		return vm.ToValue(st.ipIn(c.Argument(0), c.Argument(1)))
	})
	set("mdEscape", func(c goja.FunctionCall) goja.Value {
		return vm.ToValue(mdEscape(c.Argument(0).String()))
	})
	set("inspect", func(c goja.FunctionCall) goja.Value {
		return vm.ToValue(st.inspect(c.Argument(0)))
	})
	set("print", func(c goja.FunctionCall) goja.Value {
		st.print(c.Argument(0).String(), c.Argument(1))
		return goja.Undefined()
	})
	set("long", func(c goja.FunctionCall) goja.Value {
		n, err := st.long(c.Argument(0))
		if err != nil {
			panic(st.newError(st.rangeError, err.Error()))
		}
		return vm.ToValue(big.NewInt(n))
	})
	set("typeOf", func(c goja.FunctionCall) goja.Value {
		return vm.ToValue(st.typeOf(c.Argument(0)))
	})
	set("format", func(c goja.FunctionCall) goja.Value {
		v, err := st.export(st.cur, c.Argument(0))
		if err != nil {
			panic(st.newError(st.errorCtor, err.Error()))
		}
		return vm.ToValue(value.Format(v))
	})
	// The API the prelude cannot build: Go-backed functions and objects.
	set("query", st.jsQuery)
	set("result", st.jsResult)
	set("prev", func(goja.FunctionCall) goja.Value { return st.jsPrev() })
	return o
}

// limit stops the running script with an uncatchable Limit error.
func (st *state) limit(msg string) {
	st.stopRun(&Error{Kind: KindLimit, Message: msg})
}

// stopRun stops the running script from its own goroutine: the interrupt takes
// effect at the next instruction, so not even a try/catch around the native call
// that found the problem runs.
func (st *state) stopRun(e *Error) {
	if rn := st.cur; rn != nil && rn.stop.CompareAndSwap(nil, e) {
		st.vm.Interrupt(e)
	}
}

// newError makes a JS error object of the captured constructor ctor, for panic().
func (st *state) newError(ctor *goja.Object, msg string) *goja.Object {
	o, err := st.vm.New(ctor, st.vm.ToValue(msg))
	if err != nil {
		return st.vm.NewTypeError(msg)
	}
	return o
}

// nanosPair returns [floor ms, ns remainder] of ns, the wrappers' internal fields.
func (st *state) nanosPair(ns int64) goja.Value {
	ms, rem := splitNanos(ns)
	return st.vm.NewArray(ms, rem)
}

// splitNanos splits ns into floor milliseconds and the nanoseconds after them.
func splitNanos(ns int64) (ms, rem int64) {
	ms, rem = ns/1e6, ns%1e6
	if rem < 0 {
		ms, rem = ms-1, rem+1e6
	}
	return ms, rem
}

// joinNanos is the inverse of splitNanos, for values read from a wrapper: both must
// be integers, rem in [0, 1e6), and the sum must fit an int64.
func joinNanos(msv, remv goja.Value) (int64, bool) {
	if !goja.IsNumber(msv) || !goja.IsNumber(remv) {
		return 0, false
	}
	msf, remf := msv.ToFloat(), remv.ToFloat()
	if msf != float64(int64(msf)) || remf != float64(int64(remf)) || remf < 0 || remf >= 1e6 {
		return 0, false
	}
	ms, rem := int64(msf), int64(remf)
	const maxMs = math.MaxInt64 / 1_000_000 // 9223372036854
	switch {
	case ms >= 0:
		// ms*1e6 fits for ms ≤ maxMs; the remainder must fit above it.
		if ms > maxMs || rem > math.MaxInt64-ms*1e6 {
			return 0, false
		}
		return ms*1e6 + rem, true
	default:
		// ms = -maxMs-1 is reachable (MinInt64 floors to it) but ms*1e6 is not:
		// add one millisecond to ms and take it back from the remainder.
		if ms < -maxMs-1 {
			return 0, false
		}
		hi, lo := (ms+1)*1e6, rem-1e6
		if hi < math.MinInt64-lo {
			return 0, false
		}
		return hi + lo, true
	}
}

// ipIn implements dql.ipIn and IP.prototype.in: whether needle (an ip or a string)
// lies in one of ranges (addresses or CIDR strings, or arrays of them), as DQL's
// ipIn does.
func (st *state) ipIn(needle, ranges goja.Value) bool {
	a, ok := st.addrOf(needle)
	if !ok {
		return false
	}
	var match func(v goja.Value, depth int) bool
	match = func(v goja.Value, depth int) bool {
		if o, ok := v.(*goja.Object); ok && o.ClassName() == "Array" && depth < 4 {
			n := o.Get("length").ToInteger()
			for i := int64(0); i < n && i < int64(st.opt.MaxArrayLength); i++ {
				if match(o.Get(itoa(i)), depth+1) {
					return true
				}
			}
			return false
		}
		s := strings.TrimSpace(v.String())
		if strings.Contains(s, "/") {
			p, err := netip.ParsePrefix(s)
			return err == nil && p.Masked().Contains(a)
		}
		if b, ok := st.addrOf(v); ok {
			return a == b
		}
		return false
	}
	return match(ranges, 0)
}

// addrOf reads an address from an IP wrapper or a string.
func (st *state) addrOf(v goja.Value) (netip.Addr, bool) {
	if o, ok := v.(*goja.Object); ok && o.Prototype() == st.ipProto {
		v = o.Get("address")
	}
	if v == nil || !goja.IsString(v) {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(strings.TrimSpace(v.String()))
	return a.Unmap(), err == nil
}

// jsonDepth returns the deepest nesting of arrays and objects in JSON text, not
// counting brackets inside strings. It does not validate.
func jsonDepth(s string) int {
	depth, most, inStr := 0, 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case inStr:
			if c == '\\' {
				i++
			} else if c == '"' {
				inStr = false
			}
		case c == '"':
			inStr = true
		case c == '[' || c == '{':
			depth++
			most = max(most, depth)
		case c == ']' || c == '}':
			depth--
		}
	}
	return most
}

// mdEscape backslash-escapes the characters Markdown (CommonMark) gives meaning to,
// so that text shows literally.
func mdEscape(s string) string {
	const special = "\\`*_{}[]()<>#+-.!|~&"
	if !strings.ContainsAny(s, special) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, r := range s {
		if r < 128 && strings.ContainsRune(special, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

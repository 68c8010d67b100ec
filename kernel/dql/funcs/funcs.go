package funcs

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/trailbook/trailbook/kernel/dql/value"
)

// Env is what functions may read from the running query. The zero Env (and a nil
// *Env) means now() = the Unix epoch and the session time zone UTC. An Env is read
// only, so one Env may be shared by every goroutine of a query.
type Env struct {
	Now int64          // now() in ns since epoch, fixed per query
	Loc *time.Location // session time zone (UTC unless set); nil means UTC
}

// now returns env.Now; a nil Env gives 0.
func (e *Env) now() int64 {
	if e == nil {
		return 0
	}
	return e.Now
}

// loc returns the session time zone, UTC when unset.
func (e *Env) loc() *time.Location {
	if e == nil || e.Loc == nil {
		return time.UTC
	}
	return e.Loc
}

// Param describes one parameter of a function or aggregation.
type Param struct {
	Name     string      // the DQL name, e.g. "caseSensitive", "from", "delimiter"
	Optional bool        // optional params may be omitted; DQL passes them by name (e.g. substring(s, from: 1)); the planner also accepts them positionally in order
	Default  value.Value // value passed when omitted (null if none)
	Variadic bool        // only the last positional param: takes all remaining positional args (at least one unless Optional)
}

// CallFn is the signature of Func.Call and of the specialised calls Prepare returns.
type CallFn = func(env *Env, args []value.Value) value.Value

// Func is one scalar function of spec/dql.md §10.
//
// Args layout (the same for Call, Prepare and Agg.Add): args holds one value for
// every non-variadic Param, in Params order — required ones, then the optional ones
// with their Default when omitted — followed by all values of the Variadic param, if
// the function has one. A Variadic param is always the last positional param, but
// name-only optional params may follow it in Params; they still come before the
// variadic values in args. So concat(a, b, c, delimiter: "-"), whose Params are
// [values (variadic), delimiter], is called with args [delimiter, a, b, c], and
// matchesValue(x, p1, p2, caseSensitive: true) with Params [expression, value
// (variadic), caseSensitive, wildcard] gets [x, true, "*", p1, p2].
//
// Calls never panic and never fail: a type mismatch, an overflow or an invalid value
// gives null (spec §13). A Func value is shared and must not be changed; Call and the
// functions Prepare returns may be called from many goroutines at once.
type Func struct {
	Name   string
	Params []Param
	// Call evaluates the function; see the args layout above.
	Call func(env *Env, args []value.Value) value.Value
	// NullIn: when false (the default), the planner returns null without calling Call
	// if any required (non-optional, non-variadic) argument is null (spec §4.10).
	// Every function with a Variadic param sets NullIn and handles nulls itself, so
	// variadic values always reach Call.
	NullIn bool
	// Prepare, optional: called once at plan time with the constant arguments
	// (consts[i] valid where isConst[i]) in the args layout. It may return a
	// specialised Call (a pre-parsed time zone, format or pattern), nil to keep Call,
	// or an error that the planner reports as a static error (bad unit, bad format,
	// `**` in a wildcard pattern…). The message names neither the function nor a
	// position: the planner adds both.
	Prepare func(consts []value.Value, isConst []bool) (func(env *Env, args []value.Value) value.Value, error)
	// Doc is the signature and a one-line description, shown by editors.
	Doc string
}

// funcTable holds every registered scalar function by name. Family files add theirs
// with register in an init function; it is read-only afterwards.
var funcTable = map[string]*Func{}

// register adds functions to the table. A duplicate name is a programming error.
func register(fs ...*Func) {
	for _, f := range fs {
		if _, dup := funcTable[f.Name]; dup {
			panic("BUG: function " + f.Name + " registered twice")
		}
		funcTable[f.Name] = f
	}
}

// Lookup returns the scalar function called name (case-sensitive). The returned Func
// is shared: callers must not change it.
func Lookup(name string) (*Func, bool) {
	f, ok := funcTable[name]
	return f, ok
}

// Names returns the names of all scalar functions, sorted, for completion and
// "did you mean" suggestions.
func Names() []string {
	out := make([]string, 0, len(funcTable))
	for n := range funcTable {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// unsupported lists the functions of spec §10.8 that trailbook knows but does not
// implement: the planner reports them as "not supported by trailbook" rather than as
// unknown.
var unsupported = map[string]bool{
	"random": true,
	// hash functions
	"hashCrc32": true, "hashMd5": true, "hashSha1": true, "hashSha256": true,
	"hashSha512": true, "hashXxHash32": true, "hashXxHash64": true,
	// bitwise functions
	"bitwiseAnd": true, "bitwiseOr": true, "bitwiseXor": true, "bitwiseNot": true,
	"bitwiseCountOnes": true, "bitwiseShiftLeft": true, "bitwiseShiftRight": true,
	// functions producing the uid, binary and smartscapeId types (spec §3)
	"uid64": true, "uid128": true, "toUid": true, "asUid": true,
	"toBinary": true, "asBinary": true, "decodeBase64ToBinary": true,
	"decodeBase16ToBinary": true, "toSmartscapeId": true, "asSmartscapeId": true,
	// vector functions
	"vectorCosineDistance": true, "vectorInnerProductDistance": true,
	"vectorL1Distance": true, "vectorL2Distance": true,
	// entity functions
	"entityAttr": true, "entityName": true, "classicEntitySelector": true,
	// lookup as a function
	"lookup": true,
}

// Unsupported reports whether name is a Dynatrace function that trailbook deliberately
// leaves out (spec §10.8: random, hash, bitwise, uid, vector and entity functions,
// lookup()). Using one is a static error "not supported by trailbook".
func Unsupported(name string) bool { return unsupported[name] }

// Param constructors keep the function tables short.

// req is a required parameter.
func req(name string) Param { return Param{Name: name} }

// opt is an optional parameter with a default.
func opt(name string, def value.Value) Param {
	return Param{Name: name, Optional: true, Default: def}
}

// rest is a variadic parameter taking at least one value.
func rest(name string) Param { return Param{Name: name, Variadic: true} }

// restOpt is a variadic parameter that may take no value.
func restOpt(name string) Param { return Param{Name: name, Variadic: true, Optional: true} }

// arg returns args[i], or null when the caller passed fewer args: Calls must not
// panic even when used outside the planner.
func arg(args []value.Value, i int) value.Value {
	if i < len(args) {
		return args[i]
	}
	return value.Value{}
}

// tail returns args[i:], or nil.
func tail(args []value.Value, i int) []value.Value {
	if i < len(args) {
		return args[i:]
	}
	return nil
}

// boolOr reads an optional boolean argument: null gives def; a non-boolean is
// reported as not ok.
func boolOr(v value.Value, def bool) (b, ok bool) {
	if v.IsNull() {
		return def, true
	}
	return v.Bool()
}

// intOf reads an integer argument: a long, or a double with an integral value.
func intOf(v value.Value) (int64, bool) {
	if n, ok := v.Long(); ok {
		return n, true
	}
	if f, ok := v.Double(); ok && f == math.Trunc(f) && f >= -(1<<63) && f < 1<<63 {
		return int64(f), true
	}
	return 0, false
}

// strOr reads an optional string argument: null gives def.
func strOr(v value.Value, def string) (string, bool) {
	if v.IsNull() {
		return def, true
	}
	return v.Str()
}

// double returns a double, or null for NaN and infinities (overflow → null).
func double(f float64) value.Value {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return value.Value{}
	}
	return value.Double(f)
}

// errorf makes the error of a bad constant argument (Prepare, Agg.New). Messages
// follow the Go voice: lower case, the offending text quoted with %q.
func errorf(format string, a ...any) error { return fmt.Errorf(format, a...) }

// quote prints a constant argument for an error message: strings quoted with %q.
func quote(v value.Value) string {
	if s, ok := v.Str(); ok {
		return fmt.Sprintf("%q", s)
	}
	return value.Format(v)
}

// allConst reports whether every argument from index i on is a constant.
func allConst(isConst []bool, i int) bool {
	for ; i < len(isConst); i++ {
		if !isConst[i] {
			return false
		}
	}
	return true
}

// constAt returns consts[i] when it is a known constant.
func constAt(consts []value.Value, isConst []bool, i int) (value.Value, bool) {
	if i < len(consts) && i < len(isConst) && isConst[i] {
		return consts[i], true
	}
	return value.Value{}, false
}

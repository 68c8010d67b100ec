package funcs

import (
	"fmt"
	"math"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/trailbook/trailbook/kernel/dql/value"
)

// Shorthands for building values in tests.

var null = value.Value{}

func L(n int64) value.Value   { return value.Long(n) }
func D(f float64) value.Value { return value.Double(f) }
func S(s string) value.Value  { return value.String(s) }
func B(b bool) value.Value    { return value.Bool(b) }

func A(vs ...value.Value) value.Value { return value.Array(vs) }

func Dur(d time.Duration) value.Value { return value.Duration(int64(d)) }

// TS parses an RFC 3339 timestamp (test input must be valid).
func TS(s string) value.Value {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return value.Timestamp(t.UnixNano())
}

func TF(start, end string) value.Value {
	s, _ := TS(start).Timestamp()
	e, _ := TS(end).Timestamp()
	return value.Timeframe(s, e)
}

func IPv(s string) value.Value { return value.IP(netip.MustParseAddr(s)) }

// R builds a record from name, value pairs.
func R(kv ...any) value.Value {
	r := value.NewRecord(len(kv) / 2)
	for i := 0; i+1 < len(kv); i += 2 {
		r.Append(kv[i].(string), kv[i+1].(value.Value))
	}
	return value.Rec(r)
}

// named is a named argument: N("from", L(1)).
type named struct {
	name string
	v    value.Value
}

func N(name string, v value.Value) named { return named{name, v} }

// testEnv is the Env of every test: now() = 2024-09-04T14:47:05Z, zone UTC.
var testEnv = &Env{Now: func() int64 { n, _ := TS("2024-09-04T14:47:05Z").Timestamp(); return n }()}

// bind lays out arguments as the planner does (see the package doc): positional
// arguments fill the params in order, the variadic param takes the rest, named
// arguments go by name, omitted optional params get their Default. null reports that
// the planner would return null without calling (NullIn unset, a required arg null).
func bind(fn *Func, in []any) (args []value.Value, null bool, err error) {
	var pos []value.Value
	nm := map[string]value.Value{}
	for _, a := range in {
		switch a := a.(type) {
		case value.Value:
			pos = append(pos, a)
		case named:
			nm[a.name] = a.v
		default:
			panic(fmt.Sprintf("bad test argument %T", a))
		}
	}
	var fixed, variadic []value.Value
	for _, p := range fn.Params {
		if p.Variadic {
			if v, ok := nm[p.Name]; ok {
				delete(nm, p.Name)
				pos = append(pos, v)
			}
			variadic = pos
			if len(variadic) == 0 && !p.Optional {
				return nil, false, fmt.Errorf("%s: missing %s", fn.Name, p.Name)
			}
			pos = nil
			continue
		}
		v, isNamed := nm[p.Name]
		switch {
		case isNamed:
			delete(nm, p.Name)
		case len(pos) > 0:
			v, pos = pos[0], pos[1:]
		case p.Optional:
			v = p.Default
		default:
			return nil, false, fmt.Errorf("%s: missing %s", fn.Name, p.Name)
		}
		if !p.Optional && v.IsNull() && !fn.NullIn {
			null = true
		}
		fixed = append(fixed, v)
	}
	if len(pos) > 0 || len(nm) > 0 {
		return nil, false, fmt.Errorf("%s: too many arguments", fn.Name)
	}
	return append(fixed, variadic...), null, nil
}

// eval calls a function as the planner would, through Call and, when the function
// has one, through the call Prepare returns for all-constant arguments; both must
// agree. A Prepare error is returned.
func eval(t *testing.T, name string, in ...any) (value.Value, error) {
	t.Helper()
	fn, ok := Lookup(name)
	if !ok {
		t.Fatalf("no function %q", name)
	}
	args, isNull, err := bind(fn, in)
	if err != nil {
		t.Fatal(err)
	}
	if isNull {
		return null, nil
	}
	got := fn.Call(testEnv, args)
	if fn.Prepare != nil {
		isConst := make([]bool, len(args))
		for i := range isConst {
			isConst[i] = true
		}
		call, err := fn.Prepare(args, isConst)
		if err != nil {
			return null, err
		}
		if call != nil {
			if again := call(testEnv, args); show(again) != show(got) {
				t.Fatalf("%s: prepared call gives %s, Call gives %s", name, show(again), show(got))
			}
		}
		// With nothing constant, Prepare must leave the work to Call.
		if call, err := fn.Prepare(args, make([]bool, len(args))); err != nil || call != nil {
			t.Fatalf("%s: Prepare without constants = %v, %v; want nil, nil", name, call != nil, err)
		}
	}
	return got, nil
}

// fnCall calls a function's Call directly with args in layout, as the planner does
// for non-constant arguments.
func fnCall(t *testing.T, name string, args ...value.Value) value.Value {
	t.Helper()
	fn, ok := Lookup(name)
	if !ok {
		t.Fatalf("no function %q", name)
	}
	return fn.Call(testEnv, args)
}

// show prints a value with its type, recursively, so that tests tell long 3 from
// double 3.0: long:3, array:[long:1,string:"a"].
func show(v value.Value) string {
	var b strings.Builder
	var walk func(v value.Value)
	walk = func(v value.Value) {
		b.WriteString(v.Kind().String())
		b.WriteByte(':')
		switch v.Kind() {
		case value.KindArray:
			elems, _ := v.Array()
			b.WriteByte('[')
			for i, e := range elems {
				if i > 0 {
					b.WriteByte(',')
				}
				walk(e)
			}
			b.WriteByte(']')
		case value.KindRecord:
			r, _ := v.Record()
			b.WriteByte('{')
			i := 0
			r.Range(func(n string, e value.Value) bool {
				if i > 0 {
					b.WriteByte(',')
				}
				i++
				fmt.Fprintf(&b, "%q=", n)
				walk(e)
				return true
			})
			b.WriteByte('}')
		case value.KindDouble:
			f, _ := v.Double()
			b.WriteString(fmt.Sprint(f))
		default:
			b.Write(value.AppendJSONL(nil, v))
		}
	}
	walk(v)
	return b.String()
}

// same compares strictly (kinds included), with a relative tolerance of 1e-9 for
// doubles, as the conformance harness allows.
func same(a, b value.Value) bool {
	if a.Kind() != b.Kind() {
		return false
	}
	switch a.Kind() {
	case value.KindDouble:
		x, _ := a.Double()
		y, _ := b.Double()
		return x == y || math.Abs(x-y) <= 1e-9*math.Max(1, math.Abs(y))
	case value.KindArray:
		x, _ := a.Array()
		y, _ := b.Array()
		if len(x) != len(y) {
			return false
		}
		for i := range x {
			if !same(x[i], y[i]) {
				return false
			}
		}
		return true
	case value.KindRecord:
		return show(a) == show(b)
	}
	return show(a) == show(b)
}

// check returns the closure of a function test: f(want, name, args...).
func check(t *testing.T) func(want value.Value, name string, args ...any) {
	return func(want value.Value, name string, args ...any) {
		t.Helper()
		got, err := eval(t, name, args...)
		if err != nil {
			t.Fatalf("%s%s: unexpected static error: %v", name, showArgs(args), err)
		}
		if !same(got, want) {
			t.Fatalf("%s%s\n got: %s\nwant: %s", name, showArgs(args), show(got), show(want))
		}
	}
}

// checkErr returns the closure of a static-error test: the constant arguments must
// make Prepare fail with a message containing want.
func checkErr(t *testing.T) func(want string, name string, args ...any) {
	return func(want string, name string, args ...any) {
		t.Helper()
		_, err := eval(t, name, args...)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("%s%s: error %v, want one containing %q", name, showArgs(args), err, want)
		}
	}
}

func showArgs(args []any) string {
	var parts []string
	for _, a := range args {
		switch a := a.(type) {
		case value.Value:
			parts = append(parts, show(a))
		case named:
			parts = append(parts, a.name+": "+show(a.v))
		}
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func TestRegistry(t *testing.T) {
	names := Names()
	if len(names) < 140 {
		t.Fatalf("only %d functions registered", len(names))
	}
	for i, n := range names {
		if i > 0 && names[i-1] >= n {
			t.Fatalf("Names not sorted at %q", n)
		}
		fn, ok := Lookup(n)
		if !ok || fn.Name != n {
			t.Fatalf("Lookup(%q) = %v, %v", n, fn, ok)
		}
		if !strings.HasPrefix(fn.Doc, n+"(") || !strings.Contains(fn.Doc, "→") {
			t.Errorf("%s: Doc %q should start with the signature and give the result type", n, fn.Doc)
		}
		if Unsupported(n) {
			t.Errorf("%s is both registered and unsupported", n)
		}
		variadic := false
		for i, p := range fn.Params {
			if p.Variadic {
				if variadic {
					t.Errorf("%s: two variadic params", n)
				}
				variadic = true
				if !fn.NullIn {
					t.Errorf("%s: variadic functions must set NullIn", n)
				}
				for _, q := range fn.Params[i+1:] {
					if !q.Optional {
						t.Errorf("%s: required param %s after the variadic one", n, q.Name)
					}
				}
			}
		}
	}
	for _, n := range []string{"iIndex", "iAny", "iCollectArray", "exists", "record"} {
		if _, ok := Lookup(n); ok {
			t.Errorf("%s belongs to the planner", n)
		}
	}
	if _, ok := Lookup("Lower"); ok {
		t.Error("names are case-sensitive")
	}
	for _, n := range []string{"random", "hashMd5", "bitwiseAnd", "uid64", "vectorL2Distance", "entityName", "classicEntitySelector", "lookup"} {
		if !Unsupported(n) {
			t.Errorf("Unsupported(%q) = false", n)
		}
	}
	if Unsupported("lower") {
		t.Error("Unsupported(lower) = true")
	}
}

// sampleValues are the inputs of TestNoPanics: every kind, edge values included.
var sampleValues = []value.Value{
	null, B(true), B(false), L(0), L(-1), L(7), L(math.MaxInt64), L(math.MinInt64),
	D(0), D(-0.5), D(3.14), D(math.NaN()), D(math.Inf(1)), D(1e300),
	S(""), S("abc"), S("*"), S("**"), S("%_\\"), S("😀é"), S("10.0.0.0/8"), S("::1"), S("2019-08-01T13:30:00Z"),
	S("yyyy'"), S("$.a[0]"), S("{\"a\":[1,{\"b\":2}]}"), S("\\u12"), S("%zz"),
	TS("2019-08-01T13:30:00Z"), value.Timestamp(math.MaxInt64), value.Timestamp(math.MinInt64),
	Dur(time.Second), Dur(-1), value.Duration(math.MinInt64), TF("2019-08-01T13:30:00Z", "2019-08-01T14:30:00Z"),
	IPv("10.1.2.3"), IPv("fe80::1"), A(), A(L(1), null, D(2.5)), A(S("a"), A(L(1))), R("a", L(1)),
}

// TestNoPanics calls every function with many combinations of argument values and
// counts, including fewer args than the layout has: every argument position gets
// every sample value while the others hold a few typical ones. No input may panic.
func TestNoPanics(t *testing.T) {
	bases := []value.Value{null, L(7), D(-0.5), S("abc"), S("*"), TS("2019-08-01T13:30:00Z"), Dur(time.Second), A(L(1), null, D(2.5))}
	for _, name := range Names() {
		fn, _ := Lookup(name)
		for count := 0; count <= len(fn.Params)+1; count++ {
			args := make([]value.Value, count)
			for _, v := range sampleValues {
				for i := range args {
					args[i] = v
				}
				run(t, fn, args)
			}
			for _, base := range bases {
				for j := range args {
					for i := range args {
						args[i] = base
					}
					for _, w := range sampleValues {
						args[j] = w
						run(t, fn, args)
					}
				}
			}
		}
	}
}

func run(t *testing.T, fn *Func, args []value.Value) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("%s%v panicked: %v", fn.Name, showArgs(toAny(args)), r)
		}
	}()
	fn.Call(testEnv, args)
	if fn.Prepare != nil {
		isConst := make([]bool, len(args))
		for i := range isConst {
			isConst[i] = true
		}
		if call, err := fn.Prepare(args, isConst); err == nil && call != nil {
			call(testEnv, args)
		}
		fn.Prepare(args, make([]bool, len(args)))
	}
}

func toAny(vs []value.Value) []any {
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = v
	}
	return out
}

func TestEnvZero(t *testing.T) {
	fn, _ := Lookup("now")
	if got := fn.Call(nil, nil); show(got) != show(value.Timestamp(0)) {
		t.Fatalf("now() with a nil Env = %s", show(got))
	}
	tsFn, _ := Lookup("toTimestamp")
	if got := tsFn.Call(&Env{}, []value.Value{S("2019-08-01T13:30")}); !same(got, TS("2019-08-01T13:30:00Z")) {
		t.Fatalf("a zero Env must mean UTC, got %s", show(got))
	}
}

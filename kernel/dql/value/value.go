// Package value holds DQL's typed values (spec/dql.md §3): the Value type, ordered
// records that tell an absent field from a null one, and the JSON encodings of §12.
//
// It imports only the standard library and gjson, so that every other part of the
// engine (syntax, plan, exec, funcs, dpl) can build on it.
package value

import (
	"math"
	"net/netip"
)

// Kind is the type of a Value. Its String form is the name type() reports.
type Kind uint8

// The kinds of spec/dql.md §3. KindNull is the zero Kind: the zero Value is null.
const (
	KindNull Kind = iota
	KindBoolean
	KindLong
	KindDouble
	KindString
	KindTimestamp
	KindDuration
	KindTimeframe
	KindIP
	KindArray
	KindRecord
)

var kindNames = [...]string{"null", "boolean", "long", "double", "string", "timestamp", "duration", "timeframe", "ip", "array", "record"}

// String returns the DQL type name ("long", "timeframe", …); "null" for Null.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// Value is one DQL value. Scalars are kept unboxed in bits/str so that a scan of a
// million records does not allocate per long or timestamp; ref holds arrays, records,
// timeframes and addresses. Values are immutable: arrays and records inside a Value
// must not be changed after the Value is made.
type Value struct {
	kind Kind
	bits uint64
	str  string
	ref  any
}

// TF is a timeframe: [Start, End) in nanoseconds since the Unix epoch.
type TF struct{ Start, End int64 }

// NullValue is the null value (the zero Value).
var NullValue = Value{}

// Bool returns a boolean value.
func Bool(b bool) Value {
	if b {
		return Value{kind: KindBoolean, bits: 1}
	}
	return Value{kind: KindBoolean}
}

// True and False are the boolean constants.
var (
	True  = Bool(true)
	False = Bool(false)
)

// Long returns a long.
func Long(n int64) Value { return Value{kind: KindLong, bits: uint64(n)} }

// Double returns a double.
func Double(f float64) Value { return Value{kind: KindDouble, bits: math.Float64bits(f)} }

// String returns a string value.
func String(s string) Value { return Value{kind: KindString, str: s} }

// Timestamp returns a timestamp of ns nanoseconds since the Unix epoch (UTC).
func Timestamp(ns int64) Value { return Value{kind: KindTimestamp, bits: uint64(ns)} }

// Duration returns a duration of ns nanoseconds.
func Duration(ns int64) Value { return Value{kind: KindDuration, bits: uint64(ns)} }

// Timeframe returns a timeframe.
func Timeframe(start, end int64) Value { return Value{kind: KindTimeframe, ref: TF{start, end}} }

// IP returns an ip value; an invalid address gives null.
func IP(a netip.Addr) Value {
	if !a.IsValid() {
		return Value{}
	}
	return Value{kind: KindIP, ref: a.Unmap()}
}

// Array returns an array value that takes ownership of elems. A nil slice is an empty array.
func Array(elems []Value) Value {
	if elems == nil {
		elems = []Value{}
	}
	return Value{kind: KindArray, ref: elems}
}

// Rec returns a record value; a nil record gives null.
func Rec(r *Record) Value {
	if r == nil {
		return Value{}
	}
	return Value{kind: KindRecord, ref: r}
}

// Kind returns the value's type.
func (v Value) Kind() Kind { return v.kind }

// IsNull reports whether v is null.
func (v Value) IsNull() bool { return v.kind == KindNull }

// Bool returns the boolean and whether v is a boolean.
func (v Value) Bool() (bool, bool) { return v.bits != 0, v.kind == KindBoolean }

// IsTrue reports whether v is the boolean true: what filter keeps.
func (v Value) IsTrue() bool { return v.kind == KindBoolean && v.bits != 0 }

// Long returns the long and whether v is a long.
func (v Value) Long() (int64, bool) { return int64(v.bits), v.kind == KindLong }

// Double returns the double and whether v is a double.
func (v Value) Double() (float64, bool) { return math.Float64frombits(v.bits), v.kind == KindDouble }

// Number returns a long or double as float64, and whether v is numeric.
func (v Value) Number() (float64, bool) {
	switch v.kind {
	case KindLong:
		return float64(int64(v.bits)), true
	case KindDouble:
		return math.Float64frombits(v.bits), true
	}
	return 0, false
}

// IsNumber reports whether v is a long or a double.
func (v Value) IsNumber() bool { return v.kind == KindLong || v.kind == KindDouble }

// Str returns the string and whether v is a string. Format gives the text form of any value.
func (v Value) Str() (string, bool) { return v.str, v.kind == KindString }

// Timestamp returns nanoseconds since the epoch and whether v is a timestamp.
func (v Value) Timestamp() (int64, bool) { return int64(v.bits), v.kind == KindTimestamp }

// Duration returns nanoseconds and whether v is a duration.
func (v Value) Duration() (int64, bool) { return int64(v.bits), v.kind == KindDuration }

// Timeframe returns the timeframe and whether v is one.
func (v Value) Timeframe() (TF, bool) {
	tf, ok := v.ref.(TF)
	return tf, ok && v.kind == KindTimeframe
}

// IP returns the address and whether v is an ip.
func (v Value) IP() (netip.Addr, bool) {
	a, ok := v.ref.(netip.Addr)
	return a, ok && v.kind == KindIP
}

// Array returns the elements and whether v is an array. The slice must not be changed.
func (v Value) Array() ([]Value, bool) {
	a, ok := v.ref.([]Value)
	return a, ok && v.kind == KindArray
}

// Record returns the record and whether v is a record. The record must not be changed.
func (v Value) Record() (*Record, bool) {
	r, ok := v.ref.(*Record)
	return r, ok && v.kind == KindRecord
}

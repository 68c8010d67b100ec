package script

import (
	"errors"
	"math"
	"math/big"
	"net/netip"
	"reflect"
	"time"

	"github.com/dop251/goja"

	"github.com/trailbook/trailbook/kernel/dql/value"
)

// exporter converts script values to DQL values (the mapping is in the package
// doc). It reads own properties only, so that nothing a cell put on a prototype
// changes the result, and it counts what it builds against the result limits.
type exporter struct {
	st      *state
	rn      *run
	bytes   int64
	n       int   // values visited, for periodic stop checks
	indexes *bool // whether a built-in prototype has index properties, once known
}

// export converts v, catching the script errors that getters can throw on the way.
func (st *state) export(rn *run, v goja.Value) (out value.Value, err error) {
	x := &exporter{st: st, rn: rn}
	defer func() {
		if p := recover(); p != nil {
			err = panicError(p)
		}
	}()
	if ex := st.vm.Try(func() { out, _, err = x.value(v, 0) }); ex != nil {
		return value.Value{}, ex
	}
	return out, err
}

// panicError turns a panic raised while goja ran script code from Go (a getter
// that was interrupted or overflowed the stack) back into the error goja returns
// from RunProgram; other panics propagate.
func panicError(p any) error {
	switch e := p.(type) {
	case *goja.InterruptedError:
		return e
	case *goja.StackOverflowError:
		return e
	case *goja.Exception:
		return e
	}
	panic(p)
}

var (
	typeMapExport = reflect.TypeOf([][2]any{})
	typeSetExport = reflect.TypeOf([]any{})
)

var errStopped = errors.New("stopped")

// value converts v. omit reports a value a record leaves out, as JSON.stringify
// does: undefined, functions and symbols.
func (x *exporter) value(v goja.Value, depth int) (out value.Value, omit bool, err error) {
	x.n++
	if x.n&1023 == 0 && x.rn != nil && x.rn.stop.Load() != nil {
		return value.Value{}, false, errStopped
	}
	if depth > maxDepth {
		return value.Value{}, false, limitError("the value is nested more than %d levels deep (is it circular?)", maxDepth)
	}
	if v == nil || goja.IsUndefined(v) {
		return value.Value{}, true, nil
	}
	if goja.IsNull(v) {
		return value.Value{}, false, nil
	}
	if o, ok := v.(*goja.Object); ok {
		return x.object(o, depth)
	}
	switch {
	case goja.IsString(v):
		s := v.String()
		x.bytes += int64(len(s))
		return value.String(s), false, x.checkBytes()
	case goja.IsNumber(v):
		return number(v.ToFloat()), false, nil
	case goja.IsBigInt(v):
		b, _ := v.Export().(*big.Int)
		if b == nil || !b.IsInt64() {
			return value.Value{}, false, scriptError("BigInt %s is out of the range of a long", v.String())
		}
		return value.Long(b.Int64()), false, nil
	}
	if v.ExportType() == reflect.TypeOf(true) {
		return value.Bool(v.ToBoolean()), false, nil
	}
	return value.Value{}, true, nil // a symbol
}

// number maps a JS number: an integer in the safe range is a long, anything else
// a double.
func number(f float64) value.Value {
	if f == math.Trunc(f) && math.Abs(f) <= maxSafe {
		return value.Long(int64(f))
	}
	return value.Double(f)
}

func (x *exporter) checkBytes() error {
	x.bytes += 16
	if x.bytes > x.st.opt.MaxResultBytes {
		return limitError("the value is too large: over %s (MaxResultBytes)", formatBytes(x.st.opt.MaxResultBytes))
	}
	return nil
}

func (x *exporter) object(o *goja.Object, depth int) (value.Value, bool, error) {
	st := x.st
	switch o.ExportType() {
	case typePromise:
		return value.Value{}, false, scriptError("cannot convert a promise inside a value; await it first")
	case typeJSRecord:
		return x.jsRecord(o.Export().(*jsRecord), depth)
	case typeJSArray:
		return x.jsArray(o.Export().(*jsArray), depth)
	}
	switch o.Prototype() {
	case st.tsProto, st.durProto:
		ns, ok := joinNanos(x.own(o, "_ms"), x.own(o, "_ns"))
		if !ok {
			return value.Value{}, false, scriptError("invalid timestamp or duration object")
		}
		if o.Prototype() == st.durProto {
			return value.Duration(ns), false, nil
		}
		return value.Timestamp(ns), false, nil
	case st.tfProto:
		s, _, err1 := x.value(x.own(o, "start"), depth+1)
		e, _, err2 := x.value(x.own(o, "end"), depth+1)
		start, ok1 := s.Timestamp()
		end, ok2 := e.Timestamp()
		if err1 != nil || err2 != nil || !ok1 || !ok2 {
			return value.Value{}, false, scriptError("invalid timeframe object")
		}
		return value.Timeframe(start, end), false, nil
	case st.ipProto:
		a, err := netip.ParseAddr(x.own(o, "address").String())
		if err != nil {
			return value.Value{}, false, scriptError("invalid ip object")
		}
		return value.IP(a), false, nil
	case st.mdProto:
		s := x.own(o, "text").String()
		x.bytes += int64(len(s))
		return value.String(s), false, x.checkBytes()
	case st.dblProto:
		return value.Double(x.own(o, "value").ToFloat()), false, nil
	}
	if _, ok := goja.AssertFunction(o); ok {
		return value.Value{}, true, nil
	}
	switch o.ClassName() {
	case "Array":
		return x.array(o, depth)
	case "Date":
		t, ok := o.Export().(time.Time)
		if !ok {
			return value.Value{}, false, nil // Invalid Date
		}
		ms := t.UnixMilli()
		if ms > math.MaxInt64/1_000_000 || ms < math.MinInt64/1_000_000 {
			return value.Value{}, false, scriptError("date %s is out of the range of a timestamp", t.Format(time.RFC3339))
		}
		return value.Timestamp(ms * 1e6), false, nil
	case "Error":
		return value.String(errorText(o)), false, nil
	case "RegExp":
		return value.String(o.String()), false, nil
	}
	// Maps and Sets have class "Object" in goja; their export types tell them.
	switch o.ExportType() {
	case typeMapExport:
		return value.Value{}, false, scriptError("cannot convert a Map: use Object.fromEntries(map)")
	case typeSetExport:
		return value.Value{}, false, scriptError("cannot convert a Set: use [...set]")
	}
	return x.plain(o, depth)
}

// own returns the own property name of o, undefined if o only inherits it.
func (x *exporter) own(o *goja.Object, name string) goja.Value {
	if ok, err := x.st.hasOwn(o, x.st.vm.ToValue(name)); err != nil || !ok.ToBoolean() {
		return goja.Undefined()
	}
	return o.Get(name)
}

// plain converts an object to a record of its own enumerable string-keyed
// properties, in JS property order.
func (x *exporter) plain(o *goja.Object, depth int) (value.Value, bool, error) {
	keys := o.Keys()
	r := value.NewRecord(len(keys))
	for _, k := range keys {
		v, omit, err := x.value(o.Get(k), depth+1)
		if err != nil {
			return value.Value{}, false, err
		}
		if omit {
			continue
		}
		r.Append(k, v)
		x.bytes += int64(len(k)) + 16
	}
	return value.Rec(r), false, x.checkBytes()
}

// array converts a JS array. Holes become null; an element a cell put on a
// prototype does not fill a hole.
func (x *exporter) array(o *goja.Object, depth int) (value.Value, bool, error) {
	n := o.Get("length").ToInteger()
	if n > int64(x.st.opt.MaxArrayLength) {
		return value.Value{}, false, limitError("%s", arrayLimitMessage(int(min(n, math.MaxInt32)), x.st.opt.MaxArrayLength))
	}
	checkOwn := o.Prototype() != x.st.arrayProto || x.prototypesHaveIndexes()
	elems := make([]value.Value, n)
	x.bytes += 32 * n
	for i := int64(0); i < n; i++ {
		key := itoa(i)
		var ev goja.Value
		if checkOwn {
			ev = x.own(o, key)
		} else {
			ev = o.Get(key)
		}
		v, _, err := x.value(ev, depth+1)
		if err != nil {
			return value.Value{}, false, err
		}
		elems[i] = v
	}
	return value.Array(elems), false, x.checkBytes()
}

// prototypesHaveIndexes reports whether Array.prototype or Object.prototype has an
// index property ("0", "1", …), which a plain Get would find in an array's hole.
func (x *exporter) prototypesHaveIndexes() bool {
	if x.indexes == nil {
		found := false
		for _, p := range []*goja.Object{x.st.arrayProto, x.st.objectProto} {
			for _, k := range p.GetOwnPropertyNames() {
				if k != "" && k[0] >= '0' && k[0] <= '9' {
					found = true
				}
			}
		}
		x.indexes = &found
	}
	return *x.indexes
}

// jsRecord converts a record view: the original record when neither it nor a
// nested record or array it handed out was changed.
func (x *exporter) jsRecord(r *jsRecord, depth int) (value.Value, bool, error) {
	if r.own == nil {
		var repl map[int]value.Value // converted containers that changed, by field
		for i, jv := range r.js {
			if jv == nil {
				continue
			}
			_, ov := r.base.Field(i)
			if k := ov.Kind(); k != value.KindRecord && k != value.KindArray {
				continue // scalars and wrappers are immutable
			}
			nv, _, err := x.value(jv, depth+1)
			if err != nil {
				return value.Value{}, false, err
			}
			if !sameValue(nv, ov) {
				if repl == nil {
					repl = map[int]value.Value{}
				}
				repl[i] = nv
			}
		}
		if repl == nil {
			return value.Rec(r.src), false, nil
		}
		out := value.NewRecord(r.base.Len())
		for i, n := 0, r.base.Len(); i < n; i++ {
			name, v := r.base.Field(i)
			if nv, ok := repl[i]; ok {
				v = nv
			}
			out.Append(name, v)
		}
		return value.Rec(out), false, nil
	}
	o := r.own
	out := value.NewRecord(len(o.names))
	for i, name := range o.names {
		var v value.Value
		switch {
		case o.vals[i] == nil:
			_, v = r.base.Field(o.orig[i])
		case o.orig[i] >= 0 && !isContainer(r.base, o.orig[i]):
			_, v = r.base.Field(o.orig[i])
		default:
			nv, omit, err := x.value(o.vals[i], depth+1)
			if err != nil {
				return value.Value{}, false, err
			}
			if omit {
				continue
			}
			v = nv
			x.bytes += int64(len(name)) + 16
		}
		out.Append(name, v)
	}
	return value.Rec(out), false, x.checkBytes()
}

func isContainer(r *value.Record, i int) bool {
	_, v := r.Field(i)
	k := v.Kind()
	return k == value.KindRecord || k == value.KindArray
}

// jsArray converts an array view: the original slice when unchanged.
func (x *exporter) jsArray(a *jsArray, depth int) (value.Value, bool, error) {
	if !a.owned {
		var elems []value.Value
		for i, jv := range a.js {
			if jv == nil {
				continue
			}
			ov := a.src[i]
			if k := ov.Kind(); k != value.KindRecord && k != value.KindArray {
				continue
			}
			nv, _, err := x.value(jv, depth+1)
			if err != nil {
				return value.Value{}, false, err
			}
			if !sameValue(nv, ov) {
				if elems == nil {
					elems = append([]value.Value(nil), a.src...)
				}
				elems[i] = nv
			}
		}
		if elems == nil {
			return value.Array(a.src), false, nil
		}
		return value.Array(elems), false, nil
	}
	if len(a.js) > x.st.opt.MaxArrayLength {
		return value.Value{}, false, limitError("%s", arrayLimitMessage(len(a.js), x.st.opt.MaxArrayLength))
	}
	elems := make([]value.Value, len(a.js))
	x.bytes += 32 * int64(len(a.js))
	for i, jv := range a.js {
		v, _, err := x.value(jv, depth+1)
		if err != nil {
			return value.Value{}, false, err
		}
		elems[i] = v
	}
	return value.Array(elems), false, x.checkBytes()
}

// sameValue reports whether a converted container is the one Go handed in: the
// same record, or the same backing array.
func sameValue(a, b value.Value) bool {
	if ra, ok := a.Record(); ok {
		rb, ok := b.Record()
		return ok && ra == rb
	}
	if aa, ok := a.Array(); ok {
		ab, ok := b.Array()
		return ok && len(aa) == len(ab) && (len(aa) == 0 || &aa[0] == &ab[0])
	}
	return false
}

// errorText is "Name: message" of an Error object.
func errorText(o *goja.Object) string {
	name, msg := "Error", ""
	if v := o.Get("name"); v != nil && !goja.IsUndefined(v) {
		name = v.String()
	}
	if v := o.Get("message"); v != nil && !goja.IsUndefined(v) {
		msg = v.String()
	}
	if msg == "" {
		return name
	}
	return name + ": " + msg
}

package script

import (
	"math/big"
	"reflect"

	"github.com/dop251/goja"

	"github.com/trailbook/trailbook/kernel/dql/value"
)

// toJS converts a DQL value for a script (the mapping is in the package doc).
// Records and arrays become lazy views (jsRecord, jsArray) that convert their
// elements on first access: a cell that filters 100,000 records touches only the
// fields it reads.
func (st *state) toJS(v value.Value) goja.Value {
	vm := st.vm
	switch v.Kind() {
	case value.KindBoolean:
		b, _ := v.Bool()
		return vm.ToValue(b)
	case value.KindLong:
		n, _ := v.Long()
		if n >= -maxSafe && n <= maxSafe {
			return vm.ToValue(n)
		}
		return vm.ToValue(big.NewInt(n))
	case value.KindDouble:
		f, _ := v.Double()
		return vm.ToValue(f)
	case value.KindString:
		s, _ := v.Str()
		return vm.ToValue(s)
	case value.KindTimestamp:
		ns, _ := v.Timestamp()
		return st.newNanos(st.tsProto, ns)
	case value.KindDuration:
		ns, _ := v.Duration()
		return st.newNanos(st.durProto, ns)
	case value.KindTimeframe:
		tf, _ := v.Timeframe()
		o := vm.CreateObject(st.tfProto)
		st.define(o, "start", st.newNanos(st.tsProto, tf.Start), true)
		st.define(o, "end", st.newNanos(st.tsProto, tf.End), true)
		return o
	case value.KindIP:
		a, _ := v.IP()
		o := vm.CreateObject(st.ipProto)
		st.define(o, "address", vm.ToValue(a.String()), false)
		return o
	case value.KindArray:
		elems, _ := v.Array()
		return st.newArray(elems)
	case value.KindRecord:
		r, _ := v.Record()
		return st.newRecord(r)
	}
	return goja.Null()
}

// newNanos makes a Timestamp or Duration wrapper of ns.
func (st *state) newNanos(proto *goja.Object, ns int64) *goja.Object {
	ms, rem := splitNanos(ns)
	o := st.vm.CreateObject(proto)
	st.define(o, "_ms", st.vm.ToValue(ms), false)
	st.define(o, "_ns", st.vm.ToValue(rem), false)
	return o
}

// define adds a read-only own property to a fresh wrapper. It defines rather than
// sets, so that no setter a cell put on a prototype can intercept the value.
func (st *state) define(o *goja.Object, name string, v goja.Value, enumerable bool) {
	e := goja.FLAG_FALSE
	if enumerable {
		e = goja.FLAG_TRUE
	}
	if err := o.DefineDataProperty(name, v, goja.FLAG_FALSE, goja.FLAG_FALSE, e); err != nil {
		panic("BUG: cannot define " + name + " on a fresh wrapper: " + err.Error())
	}
}

// records converts a result for a script: an array of lazy records.
func (st *state) records(recs []*value.Record) goja.Value {
	elems := make([]value.Value, len(recs))
	for i, r := range recs {
		elems[i] = value.Rec(r)
	}
	return st.newArray(elems)
}

var (
	typeJSRecord = reflect.TypeOf((*jsRecord)(nil))
	typeJSArray  = reflect.TypeOf((*jsArray)(nil))
)

// jsRecord is a script's view of a DQL record: a goja dynamic object (a plain
// object to the script, keys in record order) that converts fields when first read
// and switches to its own field list when the script assigns or deletes one. A
// record the script did not change goes back to Go as the same *value.Record.
type jsRecord struct {
	st   *state
	src  *value.Record // as handed in; never changed
	base *value.Record // src, or a decoded copy when src is backed by JSON text
	js   []goja.Value  // converted fields of base by index, nil until read
	own  *ownFields    // non-nil once the script assigned or deleted a field
}

// ownFields is the field list of a record the script changed.
type ownFields struct {
	names []string
	vals  []goja.Value // nil: not yet converted from base field orig[i]
	orig  []int        // index of the field in base, -1 once assigned by the script
}

func (st *state) newRecord(r *value.Record) *goja.Object {
	base := r
	if r.Raw() != "" {
		// Decode lazy JSON once; Field and Get on the raw record would reparse it
		// on every access (and Field would change a record we do not own).
		base = value.NewRecord(8)
		r.Range(func(n string, v value.Value) bool { base.Append(n, v); return true })
	}
	return st.vm.NewDynamicObject(&jsRecord{st: st, src: r, base: base})
}

// index returns the position of name in base, or -1. base is materialized, so
// Field only reads.
func (r *jsRecord) index(name string) int {
	for i, n := 0, r.base.Len(); i < n; i++ {
		if f, _ := r.base.Field(i); f == name {
			return i
		}
	}
	return -1
}

func (r *jsRecord) field(i int) goja.Value {
	if r.js == nil {
		r.js = make([]goja.Value, r.base.Len())
	}
	if r.js[i] == nil {
		_, v := r.base.Field(i)
		r.js[i] = r.st.toJS(v)
	}
	return r.js[i]
}

// Get implements goja.DynamicObject.
func (r *jsRecord) Get(key string) goja.Value {
	if o := r.own; o != nil {
		i := o.index(key)
		if i < 0 {
			return nil
		}
		if o.vals[i] == nil {
			o.vals[i] = r.field(o.orig[i])
		}
		return o.vals[i]
	}
	if i := r.index(key); i >= 0 {
		return r.field(i)
	}
	return nil
}

// Set implements goja.DynamicObject.
func (r *jsRecord) Set(key string, v goja.Value) bool {
	o := r.owned()
	if i := o.index(key); i >= 0 {
		o.vals[i], o.orig[i] = v, -1
		return true
	}
	o.names = append(o.names, key)
	o.vals = append(o.vals, v)
	o.orig = append(o.orig, -1)
	return true
}

// Has implements goja.DynamicObject.
func (r *jsRecord) Has(key string) bool {
	if r.own != nil {
		return r.own.index(key) >= 0
	}
	return r.index(key) >= 0
}

// Delete implements goja.DynamicObject.
func (r *jsRecord) Delete(key string) bool {
	o := r.owned()
	if i := o.index(key); i >= 0 {
		o.names = append(o.names[:i], o.names[i+1:]...)
		o.vals = append(o.vals[:i], o.vals[i+1:]...)
		o.orig = append(o.orig[:i], o.orig[i+1:]...)
	}
	return true
}

// Keys implements goja.DynamicObject: the field names in record order.
func (r *jsRecord) Keys() []string {
	if r.own != nil {
		return append([]string(nil), r.own.names...)
	}
	return r.base.Names()
}

// owned switches the record to its own field list.
func (r *jsRecord) owned() *ownFields {
	if r.own == nil {
		n := r.base.Len()
		o := &ownFields{names: make([]string, n), vals: make([]goja.Value, n), orig: make([]int, n)}
		for i := 0; i < n; i++ {
			o.names[i], _ = r.base.Field(i)
			o.orig[i] = i
			if r.js != nil {
				o.vals[i] = r.js[i]
			}
		}
		r.own = o
	}
	return r.own
}

func (o *ownFields) index(name string) int {
	for i, n := range o.names {
		if n == name {
			return i
		}
	}
	return -1
}

// jsArray is a script's view of a DQL array: a goja dynamic array that converts
// elements when first read. Once the script assigns an element or the length, the
// array holds all its elements as JS values and goes back to Go element by
// element; until then it goes back as the same slice.
type jsArray struct {
	st    *state
	src   []value.Value
	js    []goja.Value // converted elements, nil until read; all of them once owned
	owned bool
}

func (st *state) newArray(elems []value.Value) *goja.Object {
	return st.vm.NewDynamicArray(&jsArray{st: st, src: elems})
}

// Len implements goja.DynamicArray.
func (a *jsArray) Len() int {
	if a.owned {
		return len(a.js)
	}
	return len(a.src)
}

// Get implements goja.DynamicArray.
func (a *jsArray) Get(i int) goja.Value {
	if i < 0 || i >= a.Len() {
		return nil
	}
	if a.owned {
		return a.js[i]
	}
	if a.js == nil {
		a.js = make([]goja.Value, len(a.src))
	}
	if a.js[i] == nil {
		a.js[i] = a.st.toJS(a.src[i])
	}
	return a.js[i]
}

// Set implements goja.DynamicArray.
func (a *jsArray) Set(i int, v goja.Value) bool {
	if i < 0 {
		return false
	}
	if i >= a.Len() && !a.SetLen(i+1) {
		return false
	}
	a.own()
	a.js[i] = v
	return true
}

// SetLen implements goja.DynamicArray.
func (a *jsArray) SetLen(n int) bool {
	if n < 0 {
		return false
	}
	if n > a.st.opt.MaxArrayLength {
		a.st.limit(arrayLimitMessage(n, a.st.opt.MaxArrayLength))
		return false
	}
	a.own()
	for len(a.js) < n {
		a.js = append(a.js, goja.Undefined())
	}
	clear(a.js[n:])
	a.js = a.js[:n]
	return true
}

// own converts every element, so that the array no longer refers to src.
func (a *jsArray) own() {
	if a.owned {
		return
	}
	for i := range a.src {
		a.Get(i)
	}
	if a.js == nil {
		a.js = []goja.Value{}
	}
	a.owned = true
}

func arrayLimitMessage(n, limit int) string {
	return "memory limit: an array of " + itoa(int64(n)) + " elements is over the limit of " + itoa(int64(limit))
}

package value

import (
	"sync/atomic"

	"github.com/tidwall/gjson"
)

// Record is an ordered map from field name to Value (spec/dql.md §5). A field that the
// record lacks is absent; a field set to null is present. Queries cannot tell the two
// apart, but `fields a, b` must create b, so the record keeps the difference.
//
// A record can be backed lazily by the text of a JSON object (FromJSON): Get then finds
// a member with gjson on the raw bytes instead of decoding the whole object, which is
// what makes `parse content, "JSON:event" | filter event[eventName] == "X"` cheap. Reads
// never change a record, so a record shared between goroutines may be read
// concurrently; Set, Delete and Rename are for the record's owner only.
//
// The zero Record is an empty record, ready to use.
type Record struct {
	names []string
	vals  []Value
	raw   string // JSON object text while lazy; "" once materialized
	// index of a lazy record's members, built by the first Get: a query reads
	// several members of each event, and one pass over the text beats one per member.
	// Atomic because a shared record may be read from several goroutines.
	index atomic.Pointer[lazyIndex]
}

// maxIndexed is how many members a lazy record indexes; CloudTrail events have fewer.
// A record with more, or with an escaped member name, is searched member by member.
const maxIndexed = 32

// lazyIndex locates a lazy record's members in its text by offsets, in one
// allocation: [key start, key end, value start, value end).
type lazyIndex struct {
	n    int
	scan bool // not indexable: search the text
	m    [maxIndexed][4]uint32
}

// members returns the lazy record's member index, building it on first use.
func (r *Record) members() *lazyIndex {
	if ix := r.index.Load(); ix != nil {
		return ix
	}
	ix := &lazyIndex{}
	gjson.Parse(r.raw).ForEach(func(k, v gjson.Result) bool {
		if ix.n == maxIndexed || k.Index == 0 || v.Index == 0 || len(k.Raw) < 2 || len(k.Raw)-2 != len(k.Str) {
			ix.scan = true
			return false
		}
		ix.m[ix.n] = [4]uint32{uint32(k.Index + 1), uint32(k.Index + len(k.Raw) - 1), uint32(v.Index), uint32(v.Index + len(v.Raw))}
		ix.n++
		return true
	})
	r.index.Store(ix)
	return ix
}

// each calls fn with every member of a lazy record until fn returns false.
func (r *Record) each(fn func(key string, v gjson.Result) bool) {
	ix := r.members()
	if ix.scan {
		gjson.Parse(r.raw).ForEach(func(k, v gjson.Result) bool { return fn(k.Str, v) })
		return
	}
	for _, m := range ix.m[:ix.n] {
		if !fn(r.raw[m[0]:m[1]], gjson.Parse(r.raw[m[2]:m[3]])) {
			return
		}
	}
}

// NewRecord returns an empty record with room for n fields.
func NewRecord(n int) *Record {
	return &Record{names: make([]string, 0, n), vals: make([]Value, 0, n)}
}

// FromJSON returns a record backed by raw, which must be valid JSON object text
// (checked by the caller, e.g. with gjson.Valid). Members are decoded on access, with
// the JSON types of spec/dql.md §3.
func FromJSON(raw string) *Record {
	if raw == "" {
		raw = "{}"
	}
	return &Record{raw: raw}
}

// Raw returns the JSON text backing a lazy record, or "" if the record is materialized.
func (r *Record) Raw() string { return r.raw }

// Len returns the number of fields.
func (r *Record) Len() int {
	if r.raw != "" {
		n := 0
		r.each(func(string, gjson.Result) bool { n++; return true })
		return n
	}
	return len(r.names)
}

// Get returns the named field and whether the record has it.
func (r *Record) Get(name string) (Value, bool) {
	if r.raw != "" {
		if ix := r.members(); !ix.scan {
			for _, m := range ix.m[:ix.n] {
				if r.raw[m[0]:m[1]] == name {
					return FromGJSON(gjson.Parse(r.raw[m[2]:m[3]])), true
				}
			}
			return Value{}, false
		}
		var out Value
		found := false
		r.each(func(k string, v gjson.Result) bool {
			if k == name {
				out, found = FromGJSON(v), true
			}
			return !found
		})
		return out, found
	}
	for i, n := range r.names {
		if n == name {
			return r.vals[i], true
		}
	}
	return Value{}, false
}

// Lookup returns the named field, null if absent.
func (r *Record) Lookup(name string) Value {
	v, _ := r.Get(name)
	return v
}

// Has reports whether the record has the field.
func (r *Record) Has(name string) bool {
	_, ok := r.Get(name)
	return ok
}

// Range calls fn for each field in order until fn returns false.
func (r *Record) Range(fn func(name string, v Value) bool) {
	if r.raw != "" {
		r.each(func(k string, v gjson.Result) bool { return fn(k, FromGJSON(v)) })
		return
	}
	for i, n := range r.names {
		if !fn(n, r.vals[i]) {
			return
		}
	}
}

// Names returns the field names in order.
func (r *Record) Names() []string {
	out := make([]string, 0, r.Len())
	r.Range(func(n string, _ Value) bool { out = append(out, n); return true })
	return out
}

// materialize decodes a lazy record in place, before its owner changes it.
func (r *Record) materialize() {
	if r.raw == "" {
		return
	}
	var names []string
	var vals []Value
	r.each(func(k string, v gjson.Result) bool {
		names = append(names, k)
		vals = append(vals, FromGJSON(v))
		return true
	})
	r.raw = ""
	r.index.Store(nil)
	for i, n := range names {
		r.Set(n, vals[i])
	}
}

// Set sets the field, replacing an existing one in place (its position kept) or
// appending a new one.
func (r *Record) Set(name string, v Value) {
	r.materialize()
	for i, n := range r.names {
		if n == name {
			r.vals[i] = v
			return
		}
	}
	r.names = append(r.names, name)
	r.vals = append(r.vals, v)
}

// Append adds a field without checking for an existing one of the same name. Use it
// only when building a record whose names are known to be distinct.
func (r *Record) Append(name string, v Value) {
	r.materialize()
	r.names = append(r.names, name)
	r.vals = append(r.vals, v)
}

// Delete removes the field if present.
func (r *Record) Delete(name string) {
	r.materialize()
	for i, n := range r.names {
		if n == name {
			r.names = append(r.names[:i], r.names[i+1:]...)
			r.vals = append(r.vals[:i], r.vals[i+1:]...)
			return
		}
	}
}

// Rename renames field from to to, keeping its position; an existing field named to
// is removed first. Renaming a missing field does nothing.
func (r *Record) Rename(from, to string) {
	r.materialize()
	if from == to {
		return
	}
	idx := -1
	for i, n := range r.names {
		if n == from {
			idx = i
		}
	}
	if idx < 0 {
		return
	}
	v := r.vals[idx]
	r.names[idx] = to
	for i, n := range r.names {
		if n == to && i != idx {
			r.names = append(r.names[:i], r.names[i+1:]...)
			r.vals = append(r.vals[:i], r.vals[i+1:]...)
			break
		}
	}
	for i, n := range r.names {
		if n == to {
			r.vals[i] = v
		}
	}
}

// Clone returns a shallow copy that its caller owns: field values are shared (they are
// immutable), the field list is not.
func (r *Record) Clone() *Record {
	if r.raw != "" {
		return &Record{raw: r.raw}
	}
	c := &Record{names: make([]string, len(r.names), len(r.names)+2), vals: make([]Value, len(r.vals), len(r.vals)+2)}
	copy(c.names, r.names)
	copy(c.vals, r.vals)
	return c
}

// Field returns the i-th field. It decodes a lazy record first, so it is for owners.
func (r *Record) Field(i int) (string, Value) {
	r.materialize()
	return r.names[i], r.vals[i]
}

package value

import (
	"cmp"
	"encoding/binary"
	"math"
	"net/netip"
	"sort"
	"strings"
)

// Equal reports whether a and b are equal in the sense of DQL's == (spec/dql.md §4.3)
// for non-null operands: long and double compare numerically, other kinds only with
// themselves, arrays element-wise, records member-wise (order-insensitive). Two nulls
// are Equal here; callers that need three-valued == check for null first.
func Equal(a, b Value) bool {
	if a.kind != b.kind {
		if a.IsNumber() && b.IsNumber() {
			x, _ := a.Number()
			y, _ := b.Number()
			return x == y
		}
		return false
	}
	switch a.kind {
	case KindNull:
		return true
	case KindBoolean, KindLong, KindTimestamp, KindDuration:
		return a.bits == b.bits
	case KindDouble:
		return math.Float64frombits(a.bits) == math.Float64frombits(b.bits)
	case KindString:
		return a.str == b.str
	case KindTimeframe:
		return a.ref.(TF) == b.ref.(TF)
	case KindIP:
		return a.ref.(netip.Addr) == b.ref.(netip.Addr)
	case KindArray:
		x, y := a.ref.([]Value), b.ref.([]Value)
		if len(x) != len(y) {
			return false
		}
		for i := range x {
			if !Equal(x[i], y[i]) {
				return false
			}
		}
		return true
	case KindRecord:
		x, y := a.ref.(*Record), b.ref.(*Record)
		if x.Len() != y.Len() {
			return false
		}
		eq := true
		x.Range(func(n string, v Value) bool {
			w, ok := y.Get(n)
			eq = ok && Equal(v, w)
			return eq
		})
		return eq
	}
	return false
}

// rank orders kinds for sorting (spec/dql.md §7.5): boolean < number < string <
// timestamp < duration < timeframe < ip < array < record; null after everything.
func rank(k Kind) int {
	switch k {
	case KindBoolean:
		return 0
	case KindLong, KindDouble:
		return 1
	case KindString:
		return 3
	case KindTimestamp:
		return 4
	case KindDuration:
		return 5
	case KindTimeframe:
		return 6
	case KindIP:
		return 8
	case KindArray:
		return 9
	case KindRecord:
		return 10
	}
	return 100
}

// Compare orders a and b by the sort order of spec/dql.md §7.5: by type rank, then by
// value within a type; null sorts after every other value. It returns -1, 0 or +1.
func Compare(a, b Value) int {
	ra, rb := rank(a.kind), rank(b.kind)
	if ra != rb {
		return cmp.Compare(ra, rb)
	}
	switch a.kind {
	case KindNull:
		return 0
	case KindBoolean:
		return cmp.Compare(a.bits, b.bits)
	case KindLong, KindDouble:
		if a.kind == KindLong && b.kind == KindLong {
			return cmp.Compare(int64(a.bits), int64(b.bits))
		}
		x, _ := a.Number()
		y, _ := b.Number()
		return cmp.Compare(x, y)
	case KindString:
		return strings.Compare(a.str, b.str)
	case KindTimestamp, KindDuration:
		return cmp.Compare(int64(a.bits), int64(b.bits))
	case KindTimeframe:
		x, y := a.ref.(TF), b.ref.(TF)
		if c := cmp.Compare(x.Start, y.Start); c != 0 {
			return c
		}
		return cmp.Compare(x.End, y.End)
	case KindIP:
		return a.ref.(netip.Addr).Compare(b.ref.(netip.Addr))
	case KindArray:
		x, y := a.ref.([]Value), b.ref.([]Value)
		for i := 0; i < len(x) && i < len(y); i++ {
			if c := Compare(x[i], y[i]); c != 0 {
				return c
			}
		}
		return cmp.Compare(len(x), len(y))
	case KindRecord:
		x, y := a.ref.(*Record), b.ref.(*Record)
		xn, yn := x.Names(), y.Names()
		for i := 0; i < len(xn) && i < len(yn); i++ {
			if c := strings.Compare(xn[i], yn[i]); c != 0 {
				return c
			}
			if c := Compare(x.Lookup(xn[i]), y.Lookup(yn[i])); c != 0 {
				return c
			}
		}
		return cmp.Compare(len(xn), len(yn))
	}
	return 0
}

// AppendKey appends a byte key for v such that two values have the same key exactly
// when they are Equal (null included). Grouping in summarize, dedup and joins uses it.
func AppendKey(dst []byte, v Value) []byte {
	switch v.kind {
	case KindLong:
		return appendNumKey(dst, float64(int64(v.bits)), int64(v.bits), true)
	case KindDouble:
		f := math.Float64frombits(v.bits)
		if f == math.Trunc(f) && math.Abs(f) < 1<<63 {
			return appendNumKey(dst, f, int64(f), true)
		}
		return appendNumKey(dst, f, 0, false)
	case KindString:
		dst = append(dst, byte(KindString))
		dst = binary.AppendUvarint(dst, uint64(len(v.str)))
		return append(dst, v.str...)
	case KindNull:
		return append(dst, byte(KindNull))
	case KindBoolean, KindTimestamp, KindDuration:
		dst = append(dst, byte(v.kind))
		return binary.LittleEndian.AppendUint64(dst, v.bits)
	case KindTimeframe:
		tf := v.ref.(TF)
		dst = append(dst, byte(KindTimeframe))
		dst = binary.LittleEndian.AppendUint64(dst, uint64(tf.Start))
		return binary.LittleEndian.AppendUint64(dst, uint64(tf.End))
	case KindIP:
		b, _ := v.ref.(netip.Addr).MarshalBinary()
		dst = append(dst, byte(KindIP), byte(len(b)))
		return append(dst, b...)
	case KindArray:
		arr := v.ref.([]Value)
		dst = append(dst, byte(KindArray))
		dst = binary.AppendUvarint(dst, uint64(len(arr)))
		for _, e := range arr {
			dst = AppendKey(dst, e)
		}
		return dst
	case KindRecord:
		r := v.ref.(*Record)
		names := r.Names()
		sort.Strings(names)
		dst = append(dst, byte(KindRecord))
		dst = binary.AppendUvarint(dst, uint64(len(names)))
		for _, n := range names {
			dst = binary.AppendUvarint(dst, uint64(len(n)))
			dst = append(dst, n...)
			dst = AppendKey(dst, r.Lookup(n))
		}
		return dst
	}
	return dst
}

func appendNumKey(dst []byte, f float64, n int64, integral bool) []byte {
	if integral {
		dst = append(dst, byte(KindLong))
		return binary.LittleEndian.AppendUint64(dst, uint64(n))
	}
	dst = append(dst, byte(KindDouble))
	return binary.LittleEndian.AppendUint64(dst, math.Float64bits(f))
}

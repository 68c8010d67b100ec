package value

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/tidwall/gjson"
	"github.com/tidwall/pretty"
)

// FromGJSON converts a JSON value to a Value with the types of spec/dql.md §3: integer
// → long, other numbers → double, object → record (lazy), array → array.
func FromGJSON(r gjson.Result) Value {
	switch r.Type {
	case gjson.String:
		return String(r.Str)
	case gjson.True:
		return True
	case gjson.False:
		return False
	case gjson.Number:
		return parseJSONNumber(r.Raw, r.Num)
	case gjson.JSON:
		if r.IsObject() {
			return Rec(FromJSON(r.Raw))
		}
		if r.IsArray() {
			elems := []Value{}
			r.ForEach(func(_, e gjson.Result) bool {
				elems = append(elems, FromGJSON(e))
				return true
			})
			return Array(elems)
		}
	}
	return Value{}
}

func parseJSONNumber(raw string, num float64) Value {
	if !strings.ContainsAny(raw, ".eE") {
		if n, err := strconv.ParseInt(raw, 10, 64); err == nil {
			return Long(n)
		}
	}
	return Double(num)
}

// ParseJSON decodes JSON text into a Value; invalid JSON gives null and false.
func ParseJSON(s string) (Value, bool) {
	if !gjson.Valid(s) {
		return Value{}, false
	}
	return FromGJSON(gjson.Parse(s)), true
}

// tsLayout is the timestamp form of the JSON encodings: UTC, nine fractional digits.
const tsLayout = "2006-01-02T15:04:05.000000000Z"

// AppendTimestamp appends ns as 2019-08-01T13:30:00.000000000Z.
func AppendTimestamp(dst []byte, ns int64) []byte {
	return time.Unix(0, ns).UTC().AppendFormat(dst, tsLayout)
}

// AppendJSONL appends v in the typed encoding of spec/dql.md §12.3 (what
// `--format jsonl` and the conformance runner use): numbers as JSON numbers,
// timestamps as strings, durations as integer nanoseconds.
func AppendJSONL(dst []byte, v Value) []byte { return appendJSON(dst, v, false) }

// AppendGrail appends v in the Grail wire encoding of spec/dql.md §12.1: like
// AppendJSONL but longs and durations travel as decimal strings.
func AppendGrail(dst []byte, v Value) []byte { return appendJSON(dst, v, true) }

func appendJSON(dst []byte, v Value, grail bool) []byte {
	switch v.kind {
	case KindNull:
		return append(dst, "null"...)
	case KindBoolean:
		return strconv.AppendBool(dst, v.bits != 0)
	case KindLong, KindDuration:
		if grail {
			dst = append(dst, '"')
			dst = strconv.AppendInt(dst, int64(v.bits), 10)
			return append(dst, '"')
		}
		return strconv.AppendInt(dst, int64(v.bits), 10)
	case KindDouble:
		return AppendJSONDouble(dst, math.Float64frombits(v.bits))
	case KindString:
		return gjson.AppendJSONString(dst, v.str)
	case KindTimestamp:
		dst = append(dst, '"')
		dst = AppendTimestamp(dst, int64(v.bits))
		return append(dst, '"')
	case KindTimeframe:
		tf := v.ref.(TF)
		dst = append(dst, `{"start":"`...)
		dst = AppendTimestamp(dst, tf.Start)
		dst = append(dst, `","end":"`...)
		dst = AppendTimestamp(dst, tf.End)
		return append(dst, `"}`...)
	case KindIP:
		dst = append(dst, '"')
		dst = v.ref.(interface{ AppendTo([]byte) []byte }).AppendTo(dst)
		return append(dst, '"')
	case KindArray:
		dst = append(dst, '[')
		for i, e := range v.ref.([]Value) {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSON(dst, e, grail)
		}
		return append(dst, ']')
	case KindRecord:
		return appendRecordJSON(dst, v.ref.(*Record), grail)
	}
	return append(dst, "null"...)
}

// AppendRecordJSONL appends a record as one JSON object in the typed encoding.
func AppendRecordJSONL(dst []byte, r *Record) []byte { return appendRecordJSON(dst, r, false) }

// AppendRecordGrail appends a record as one JSON object in the Grail encoding.
func AppendRecordGrail(dst []byte, r *Record) []byte { return appendRecordJSON(dst, r, true) }

func appendRecordJSON(dst []byte, r *Record, grail bool) []byte {
	if r.raw != "" && !grail {
		// A lazy record is already JSON whose values carry their DQL types; copying it
		// is what makes `parse content, "JSON:event"` cheap to print. Events from
		// pretty-printed files are compacted so that a record stays on one line.
		if strings.ContainsAny(r.raw, "\n\r") {
			return append(dst, pretty.Ugly([]byte(r.raw))...)
		}
		return append(dst, r.raw...)
	}
	dst = append(dst, '{')
	first := true
	r.Range(func(name string, v Value) bool {
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = gjson.AppendJSONString(dst, name)
		dst = append(dst, ':')
		dst = appendJSON(dst, v, grail)
		return true
	})
	return append(dst, '}')
}

// AppendJSONDouble appends f as a JSON number; NaN and infinities, which JSON cannot
// hold, as the strings "NaN", "Infinity", "-Infinity" (the Grail convention).
func AppendJSONDouble(dst []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, `"NaN"`...)
	case math.IsInf(f, 1):
		return append(dst, `"Infinity"`...)
	case math.IsInf(f, -1):
		return append(dst, `"-Infinity"`...)
	}
	return appendFloat(dst, f)
}

// appendFloat prints a double so that it reads back as a double: 3 → "3.0".
func appendFloat(dst []byte, f float64) []byte {
	start := len(dst)
	dst = strconv.AppendFloat(dst, f, 'g', -1, 64)
	s := dst[start:]
	// Prefer plain decimals over exponents for the common range, as Dynatrace does.
	if a := math.Abs(f); a != 0 && (a < 1e-4 || a >= 1e21) {
		return dst
	}
	dst = strconv.AppendFloat(dst[:start], f, 'f', -1, 64)
	s = dst[start:]
	for _, c := range s {
		if c == '.' || c == 'e' || c == 'n' || c == 'N' {
			return dst
		}
	}
	return append(dst, ".0"...)
}

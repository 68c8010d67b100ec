package value

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// Format returns the text form of v, as DQL's toString prints it (spec/dql.md §10.3):
// numbers in decimal, arrays as [1, 2, 3], records as compact JSON, timestamps as
// 2019-08-01T13:30:00.000000000 +0000, durations in ISO-8601 form (PT5M). Null gives "null".
func Format(v Value) string {
	switch v.kind {
	case KindString:
		return v.str
	case KindNull:
		return "null"
	}
	return string(AppendFormat(nil, v))
}

// AppendFormat appends the text form of v (see Format).
func AppendFormat(dst []byte, v Value) []byte {
	switch v.kind {
	case KindNull:
		return append(dst, "null"...)
	case KindBoolean:
		return strconv.AppendBool(dst, v.bits != 0)
	case KindLong:
		return strconv.AppendInt(dst, int64(v.bits), 10)
	case KindDouble:
		f := math.Float64frombits(v.bits)
		switch {
		case math.IsNaN(f):
			return append(dst, "NaN"...)
		case math.IsInf(f, 1):
			return append(dst, "Infinity"...)
		case math.IsInf(f, -1):
			return append(dst, "-Infinity"...)
		}
		return appendFloat(dst, f)
	case KindString:
		return append(dst, v.str...)
	case KindTimestamp:
		return time.Unix(0, int64(v.bits)).UTC().AppendFormat(dst, "2006-01-02T15:04:05.000000000 -0700")
	case KindDuration:
		return AppendISODuration(dst, int64(v.bits))
	case KindTimeframe:
		tf := v.ref.(TF)
		dst = AppendTimestamp(dst, tf.Start)
		dst = append(dst, '/')
		return AppendTimestamp(dst, tf.End)
	case KindIP:
		return appendIP(dst, v)
	case KindArray:
		dst = append(dst, '[')
		for i, e := range v.ref.([]Value) {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			if e.kind == KindString {
				dst = strconv.AppendQuote(dst, e.str)
				continue
			}
			dst = AppendFormat(dst, e)
		}
		return append(dst, ']')
	case KindRecord:
		return AppendRecordJSONL(dst, v.ref.(*Record))
	}
	return dst
}

func appendIP(dst []byte, v Value) []byte {
	a, _ := v.IP()
	return a.AppendTo(dst)
}

// AppendISODuration appends ns as an ISO-8601 duration: PT0S, PT1.5S, PT5M, PT26H.
func AppendISODuration(dst []byte, ns int64) []byte {
	if ns == 0 {
		return append(dst, "PT0S"...)
	}
	neg := ns < 0
	u := uint64(ns)
	if neg {
		u = uint64(-ns)
		dst = append(dst, '-')
	}
	dst = append(dst, "PT"...)
	h := u / uint64(time.Hour)
	u %= uint64(time.Hour)
	m := u / uint64(time.Minute)
	u %= uint64(time.Minute)
	s := u / uint64(time.Second)
	frac := u % uint64(time.Second)
	if h > 0 {
		dst = strconv.AppendUint(dst, h, 10)
		dst = append(dst, 'H')
	}
	if m > 0 {
		dst = strconv.AppendUint(dst, m, 10)
		dst = append(dst, 'M')
	}
	if s > 0 || frac > 0 {
		dst = strconv.AppendUint(dst, s, 10)
		if frac > 0 {
			f := strconv.FormatUint(frac+uint64(time.Second), 10)[1:]
			dst = append(dst, '.')
			dst = append(dst, strings.TrimRight(f, "0")...)
		}
		dst = append(dst, 'S')
	}
	return dst
}

package funcs

import (
	"encoding/base64"
	"encoding/hex"
	"math"
	"net/netip"
	"strconv"
	"strings"

	"github.com/trailbook/trailbook/kernel/dql/value"
)

// Conversion and casting functions (spec §10.3). asX(v) returns v when it already
// has type X; toX(v) converts; both give null for what they cannot handle.
//
//	data record(a = "3.14") | fieldsAdd asDouble(a), toDouble(a), toLong(a), toString(a)

func init() {
	as := func(name, what string, ok func(value.Value) bool) *Func {
		return &Func{Name: name, Params: []Param{req("value")},
			Call: func(_ *Env, args []value.Value) value.Value {
				if v := arg(args, 0); ok(v) {
					return v
				}
				return value.Value{}
			},
			Doc: name + "(v) → " + what + ": v if it is " + article(what) + ", else null"}
	}
	kind := func(k value.Kind) func(value.Value) bool {
		return func(v value.Value) bool { return v.Kind() == k }
	}
	conv := func(name, doc string, f func(env *Env, v value.Value) value.Value) *Func {
		return &Func{Name: name, Params: []Param{req("value")},
			Call: func(env *Env, args []value.Value) value.Value { return f(env, arg(args, 0)) },
			Doc:  doc}
	}
	register(
		as("asArray", "array", kind(value.KindArray)),
		as("asBoolean", "boolean", kind(value.KindBoolean)),
		as("asDouble", "double", kind(value.KindDouble)),
		as("asLong", "long", kind(value.KindLong)),
		as("asNumber", "number", value.Value.IsNumber),
		as("asString", "string", kind(value.KindString)),
		as("asRecord", "record", kind(value.KindRecord)),
		as("asTimestamp", "timestamp", kind(value.KindTimestamp)),
		as("asDuration", "duration", kind(value.KindDuration)),
		as("asTimeframe", "timeframe", kind(value.KindTimeframe)),
		as("asIp", "ip", kind(value.KindIP)),

		conv("toString", "toString(v) → string: the text form of v (3.14, true, [1, 2], {\"k\":\"v\"}, 2019-08-01T13:30:00.000000000 +0000, PT5M)",
			func(_ *Env, v value.Value) value.Value {
				if v.IsNull() {
					return v
				}
				return value.String(value.Format(v))
			}),
		conv("toLong", "toLong(v) → long: doubles truncated, numeric strings, booleans 1/0, IPv4 addresses, durations and timestamps in ns, arrays by their first element; else null",
			func(_ *Env, v value.Value) value.Value { return toLong(v) }),
		conv("toDouble", "toDouble(v) → double: like toLong but keeping fractions; non-numeric strings → null",
			func(_ *Env, v value.Value) value.Value { return toDouble(v) }),
		conv("toBoolean", "toBoolean(v) → boolean: \"true\"/\"false\" in any case; numbers: false when they truncate to 0, else true; other strings → null",
			func(_ *Env, v value.Value) value.Value { return toBoolean(v) }),
		conv("toDuration", "toDuration(v) → duration: numbers and numeric strings as nanoseconds (fractions truncated); a timeframe's length",
			func(_ *Env, v value.Value) value.Value { return toDuration(v) }),
		conv("toTimestamp", "toTimestamp(v) → timestamp: ISO strings (2019-08-01T09:30:00.000-0400; no zone = session zone), numbers as ns since the epoch",
			func(env *Env, v value.Value) value.Value { return toTimestamp(env, v) }),
		conv("toTimeframe", "toTimeframe(v) → timeframe: a string \"start/end\" of two ISO timestamps",
			func(env *Env, v value.Value) value.Value { return toTimeframe(env, v) }),
		conv("toIp", "toIp(v) → ip: an address from a string or an IPv4 number; invalid → null",
			func(_ *Env, v value.Value) value.Value { return toIP(v) }),
		conv("ip", "ip(v) → ip: same as toIp",
			func(_ *Env, v value.Value) value.Value { return toIP(v) }),
		conv("toArray", "toArray(v) → array: v if it is an array, else [v]",
			func(_ *Env, v value.Value) value.Value {
				if v.IsNull() || v.Kind() == value.KindArray {
					return v
				}
				return value.Array([]value.Value{v})
			}),
		&Func{Name: "encodeBase64", Params: []Param{req("expression")},
			Call: strMap(func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }),
			Doc:  "encodeBase64(s) → string: the UTF-8 bytes of s in Base64 (with padding)"},
		&Func{Name: "encodeBase16", Params: []Param{req("expression")},
			Call: strMap(func(s string) string { return hex.EncodeToString([]byte(s)) }),
			Doc:  "encodeBase16(s) → string: the UTF-8 bytes of s in lower-case hex"},
		&Func{Name: "decodeBase64ToString", Params: []Param{req("expression")},
			Call: strDecode(decodeBase64),
			Doc:  "decodeBase64ToString(s) → string: Base64 (standard or URL alphabet, padding optional) decoded as UTF-8; invalid → null"},
		&Func{Name: "decodeBase16ToString", Params: []Param{req("expression")},
			Call: strDecode(hex.DecodeString),
			Doc:  "decodeBase16ToString(s) → string: hex decoded as UTF-8; invalid → null"},
		&Func{Name: "hexStringToNumber", Params: []Param{req("expression")},
			Call: func(_ *Env, args []value.Value) value.Value {
				s, ok := arg(args, 0).Str()
				if !ok {
					return value.Value{}
				}
				return hexToNumber(s)
			},
			Doc: "hexStringToNumber(s) → long: the hex number s (optional 0x prefix; up to 16 digits, two's complement)"},
		&Func{Name: "numberToHexString", Params: []Param{req("expression")},
			Call: func(_ *Env, args []value.Value) value.Value {
				n, ok := intOf(arg(args, 0))
				if !ok {
					if f, isD := arg(args, 0).Double(); isD && !math.IsNaN(f) && math.Abs(f) < 1<<63 {
						n, ok = int64(f), true
					}
				}
				if !ok {
					return value.Value{}
				}
				return value.String(strconv.FormatUint(uint64(n), 16))
			},
			Doc: "numberToHexString(n) → string: n in lower-case hex without prefix (two's complement for negatives)"},
	)
}

func article(what string) string {
	switch what[0] {
	case 'a', 'e', 'i', 'o', 'u':
		return "an " + what
	}
	return "a " + what
}

// strDecode makes decodeBase64ToString and decodeBase16ToString.
func strDecode(dec func(string) ([]byte, error)) CallFn {
	return func(_ *Env, args []value.Value) value.Value {
		s, ok := arg(args, 0).Str()
		if !ok {
			return value.Value{}
		}
		b, err := dec(s)
		if err != nil {
			return value.Value{}
		}
		return value.String(strings.ToValidUTF8(string(b), "\uFFFD"))
	}
}

// decodeBase64 accepts the standard and URL alphabets, with or without padding.
func decodeBase64(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	enc := base64.StdEncoding
	if strings.ContainsAny(s, "-_") {
		enc = base64.URLEncoding
	}
	if !strings.HasSuffix(s, "=") && len(s)%4 != 0 {
		enc = enc.WithPadding(base64.NoPadding)
	}
	return enc.DecodeString(s)
}

func hexToNumber(s string) value.Value {
	s = strings.TrimSpace(s)
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if len(s) > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		s = s[2:]
	}
	if s == "" || len(s) > 16 || strings.ContainsAny(s, "_+-") {
		return value.Value{}
	}
	u, err := strconv.ParseUint(s, 16, 64)
	if err != nil {
		return value.Value{}
	}
	n := int64(u)
	if neg {
		n = -n
	}
	return value.Long(n)
}

// parseNumber reads a decimal number: an optional sign, digits with an optional
// fraction, an optional exponent; surrounding whitespace is ignored. An integer that
// fits a long gives a long, anything else a double.
func parseNumber(s string) (value.Value, bool) {
	s = strings.TrimSpace(s)
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
		digits++
	}
	integer := true
	if i < len(s) && s[i] == '.' {
		integer = false
		i++
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
			digits++
		}
	}
	if digits == 0 {
		return value.Value{}, false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		integer = false
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		exp := 0
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
			exp++
		}
		if exp == 0 {
			return value.Value{}, false
		}
	}
	if i != len(s) {
		return value.Value{}, false
	}
	if integer {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return value.Long(n), true
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return value.Value{}, false
	}
	return value.Double(f), true
}

// truncLong truncates a double toward zero; NaN, infinities and out-of-range values fail.
func truncLong(f float64) (int64, bool) {
	if math.IsNaN(f) || f >= 1<<63 || f < -(1<<63) {
		return 0, false
	}
	return int64(f), true
}

func longOrNull(n int64, ok bool) value.Value {
	if !ok {
		return value.Value{}
	}
	return value.Long(n)
}

// ipv4Number returns an IPv4 address as a 32-bit number.
func ipv4Number(a netip.Addr) (int64, bool) {
	if !a.Is4() {
		return 0, false
	}
	b := a.As4()
	return int64(b[0])<<24 | int64(b[1])<<16 | int64(b[2])<<8 | int64(b[3]), true
}

func toLong(v value.Value) value.Value {
	switch v.Kind() {
	case value.KindLong:
		return v
	case value.KindDouble:
		f, _ := v.Double()
		return longOrNull(truncLong(f))
	case value.KindString:
		s, _ := v.Str()
		n, ok := parseNumber(s)
		if !ok {
			return value.Value{}
		}
		return toLong(n)
	case value.KindBoolean:
		if v.IsTrue() {
			return value.Long(1)
		}
		return value.Long(0)
	case value.KindIP:
		a, _ := v.IP()
		return longOrNull(ipv4Number(a))
	case value.KindDuration:
		d, _ := v.Duration()
		return value.Long(d)
	case value.KindTimestamp:
		t, _ := v.Timestamp()
		return value.Long(t)
	case value.KindArray:
		elems, _ := v.Array()
		if len(elems) == 0 {
			return value.Value{}
		}
		return toLong(elems[0])
	}
	return value.Value{}
}

func toDouble(v value.Value) value.Value {
	switch v.Kind() {
	case value.KindDouble:
		return v
	case value.KindString:
		s, _ := v.Str()
		n, ok := parseNumber(s)
		if !ok {
			return value.Value{}
		}
		return toDouble(n)
	case value.KindArray:
		elems, _ := v.Array()
		if len(elems) == 0 {
			return value.Value{}
		}
		return toDouble(elems[0])
	}
	l := toLong(v)
	if n, ok := l.Long(); ok {
		return value.Double(float64(n))
	}
	return value.Value{}
}

func toBoolean(v value.Value) value.Value {
	switch v.Kind() {
	case value.KindBoolean:
		return v
	case value.KindString:
		s, _ := v.Str()
		switch {
		case strings.EqualFold(s, "true"):
			return value.True
		case strings.EqualFold(s, "false"):
			return value.False
		}
		return value.Value{}
	case value.KindLong:
		n, _ := v.Long()
		return value.Bool(n != 0)
	case value.KindDouble:
		// Documented: toBoolean(-0.5) is false — numbers that truncate to 0 are false.
		f, _ := v.Double()
		if math.IsNaN(f) {
			return value.Value{}
		}
		return value.Bool(math.Trunc(f) != 0)
	}
	return value.Value{}
}

func toDuration(v value.Value) value.Value {
	switch v.Kind() {
	case value.KindDuration:
		return v
	case value.KindLong:
		n, _ := v.Long()
		return value.Duration(n)
	case value.KindDouble:
		f, _ := v.Double()
		n, ok := truncLong(f)
		if !ok {
			return value.Value{}
		}
		return value.Duration(n)
	case value.KindString:
		s, _ := v.Str()
		n, ok := parseNumber(s)
		if !ok {
			return value.Value{}
		}
		return toDuration(n)
	case value.KindTimeframe:
		tf, _ := v.Timeframe()
		d, ok := subOverflow(tf.End, tf.Start)
		if !ok {
			return value.Value{}
		}
		return value.Duration(d)
	}
	return value.Value{}
}

func toTimestamp(env *Env, v value.Value) value.Value {
	switch v.Kind() {
	case value.KindTimestamp:
		return v
	case value.KindLong:
		n, _ := v.Long()
		return value.Timestamp(n)
	case value.KindDouble:
		f, _ := v.Double()
		n, ok := truncLong(f)
		if !ok {
			return value.Value{}
		}
		return value.Timestamp(n)
	case value.KindString:
		s, _ := v.Str()
		ns, ok := ParseTimestamp(s, env.loc())
		if !ok {
			return value.Value{}
		}
		return value.Timestamp(ns)
	}
	return value.Value{}
}

func toTimeframe(env *Env, v value.Value) value.Value {
	switch v.Kind() {
	case value.KindTimeframe:
		return v
	case value.KindString:
		s, _ := v.Str()
		a, b, ok := strings.Cut(s, "/")
		if !ok {
			return value.Value{}
		}
		start, ok1 := ParseTimestamp(strings.TrimSpace(a), env.loc())
		end, ok2 := ParseTimestamp(strings.TrimSpace(b), env.loc())
		if !ok1 || !ok2 {
			return value.Value{}
		}
		return value.Timeframe(start, end)
	}
	return value.Value{}
}

// parseIP parses an address without a zone; IPv4-mapped IPv6 addresses become IPv4
// (value.IP unmaps).
func parseIP(s string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, false
	}
	return a, true
}

func toIP(v value.Value) value.Value {
	switch v.Kind() {
	case value.KindIP:
		return v
	case value.KindString:
		s, _ := v.Str()
		a, ok := parseIP(strings.TrimSpace(s))
		if !ok {
			return value.Value{}
		}
		return value.IP(a)
	case value.KindLong:
		n, _ := v.Long()
		if n < 0 || n > math.MaxUint32 {
			return value.Value{}
		}
		return value.IP(netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}))
	}
	return value.Value{}
}

// addOverflow and subOverflow do int64 arithmetic, reporting overflow.
func addOverflow(a, b int64) (int64, bool) {
	c := a + b
	return c, (c > a) == (b > 0)
}

func subOverflow(a, b int64) (int64, bool) {
	c := a - b
	return c, (c < a) == (b > 0)
}

// mulOverflow multiplies, reporting overflow.
func mulOverflow(a, b int64) (int64, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	c := a * b
	if c/b != a || (a == -1 && b == math.MinInt64) || (b == -1 && a == math.MinInt64) {
		return 0, false
	}
	return c, true
}

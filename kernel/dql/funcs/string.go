package funcs

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/trailbook/trailbook/kernel/dql/value"
)

// String functions (spec §10.2). Indexes and lengths count UTF-16 code units, as
// Dynatrace (a JVM) does; case-insensitive matching folds ASCII letters only.
//
//	data record(s = "DQL is awesome!") | fieldsAdd substring(s, from: -8), indexOf(s, "is")
//
// The pattern functions (matchesPattern, parse, …) live in pattern.go; matchesValue,
// matchesPhrase and like in match.go; escapes, URL and JSON helpers in codec.go.

func init() {
	caseSensitive := opt("caseSensitive", value.True)
	register(
		&Func{Name: "concat", NullIn: true, Params: []Param{restOpt("values"), opt("delimiter", value.String(""))},
			Call: callConcat,
			Doc:  "concat(x, … [, delimiter: s]) → string: the arguments' text joined by the delimiter (default \"\"); nulls are skipped, array elements are joined one by one"},
		&Func{Name: "contains", Params: []Param{req("expression"), req("substring"), caseSensitive},
			Call: strPredicate(strings.Contains, containsFold),
			Doc:  "contains(s, sub [, caseSensitive: bool]) → boolean: whether s contains sub"},
		&Func{Name: "startsWith", Params: []Param{req("expression"), req("prefix"), caseSensitive},
			Call: strPredicate(strings.HasPrefix, hasPrefixFold),
			Doc:  "startsWith(s, prefix [, caseSensitive: bool]) → boolean: whether s starts with prefix"},
		&Func{Name: "endsWith", Params: []Param{req("expression"), req("suffix"), caseSensitive},
			Call: strPredicate(strings.HasSuffix, hasSuffixFold),
			Doc:  "endsWith(s, suffix [, caseSensitive: bool]) → boolean: whether s ends with suffix"},
		&Func{Name: "lower", Params: []Param{req("expression")},
			Call: strMap(strings.ToLower),
			Doc:  "lower(s) → string: s in lower case"},
		&Func{Name: "upper", Params: []Param{req("expression")},
			Call: strMap(strings.ToUpper),
			Doc:  "upper(s) → string: s in upper case"},
		&Func{Name: "trim", Params: []Param{req("expression")},
			Call: strMap(func(s string) string {
				return strings.TrimFunc(s, func(r rune) bool { return r <= ' ' })
			}),
			Doc: "trim(s) → string: s without leading and trailing whitespace and control characters (code points ≤ U+0020)"},
		&Func{Name: "stringLength", Params: []Param{req("expression")},
			Call: func(_ *Env, args []value.Value) value.Value {
				s, ok := arg(args, 0).Str()
				if !ok {
					return value.Value{}
				}
				return value.Long(int64(utf16Len(s)))
			},
			Doc: "stringLength(s) → long: the length of s in UTF-16 code units"},
		&Func{Name: "substring", Params: []Param{req("expression"), opt("from", value.Value{}), opt("to", value.Value{})},
			Call: callSubstring,
			Doc:  "substring(s [, from: i] [, to: j]) → string: code units from i (inclusive) to j (exclusive); negative indexes count from the end; out-of-range indexes are clamped"},
		&Func{Name: "indexOf", Params: []Param{req("expression"), req("substring"), opt("from", value.Long(0))},
			Call: callIndexOf,
			Doc:  "indexOf(s, sub [, from: i]) → long: the first index ≥ i where sub occurs (negative i counts from the end); -1 if absent"},
		&Func{Name: "lastIndexOf", Params: []Param{req("expression"), req("substring"), opt("from", value.Long(-1))},
			Call: callLastIndexOf,
			Doc:  "lastIndexOf(s, sub [, from: i]) → long: the last index ≤ i where sub occurs (default -1 = the end; negative i counts from the end); -1 if absent"},
		&Func{Name: "getCharacter", Params: []Param{req("expression"), req("position")},
			Call: callGetCharacter,
			Doc:  "getCharacter(s, pos) → string: the character at pos (negative counts from the end); null out of range"},
		&Func{Name: "splitString", Params: []Param{req("expression"), req("pattern")},
			Call: callSplitString,
			Doc:  "splitString(s, sep) → array: s split at every occurrence of the literal sep; \"\" splits into characters"},
		&Func{Name: "replaceString", Params: []Param{req("expression"), req("substring"), req("replacement")},
			Call: func(_ *Env, args []value.Value) value.Value {
				s, ok1 := arg(args, 0).Str()
				sub, ok2 := arg(args, 1).Str()
				repl, ok3 := arg(args, 2).Str()
				if !ok1 || !ok2 || !ok3 {
					return value.Value{}
				}
				return value.String(strings.ReplaceAll(s, sub, repl))
			},
			Doc: "replaceString(s, sub, repl) → string: every non-overlapping occurrence of sub replaced by repl, left to right, case-sensitive"},
		&Func{Name: "levenshteinDistance", Params: []Param{req("first"), req("second")},
			Call: func(_ *Env, args []value.Value) value.Value {
				a, ok1 := arg(args, 0).Str()
				b, ok2 := arg(args, 1).Str()
				if !ok1 || !ok2 {
					return value.Value{}
				}
				return value.Long(int64(levenshtein(a, b)))
			},
			Doc: "levenshteinDistance(a, b) → long: the edit distance between a and b (insertions, deletions, substitutions of characters)"},
	)
}

// strMap makes a function of one string argument.
func strMap(f func(string) string) CallFn {
	return func(_ *Env, args []value.Value) value.Value {
		s, ok := arg(args, 0).Str()
		if !ok {
			return value.Value{}
		}
		return value.String(f(s))
	}
}

// strPredicate makes contains/startsWith/endsWith from a case-sensitive and an
// ASCII-case-insensitive test. args: [s, sub, caseSensitive].
func strPredicate(cs, ci func(s, sub string) bool) CallFn {
	return func(_ *Env, args []value.Value) value.Value {
		s, ok1 := arg(args, 0).Str()
		sub, ok2 := arg(args, 1).Str()
		sens, ok3 := boolOr(arg(args, 2), true)
		if !ok1 || !ok2 || !ok3 {
			return value.Value{}
		}
		if sens {
			return value.Bool(cs(s, sub))
		}
		return value.Bool(ci(s, sub))
	}
}

// lowerASCII folds an ASCII upper-case letter; other bytes are returned unchanged, so
// UTF-8 sequences pass through.
func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// equalFoldASCII compares two equally long strings, folding ASCII letters only.
func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if a[i] != b[i] && lowerASCII(a[i]) != lowerASCII(b[i]) {
			return false
		}
	}
	return true
}

// indexFold is strings.Index folding ASCII letters only.
func indexFold(s, sub string) int {
	n := len(sub)
	if n == 0 {
		return 0
	}
	first := lowerASCII(sub[0])
	for i := 0; i+n <= len(s); i++ {
		if lowerASCII(s[i]) == first && equalFoldASCII(s[i:i+n], sub) {
			return i
		}
	}
	return -1
}

func containsFold(s, sub string) bool { return indexFold(s, sub) >= 0 }

func hasPrefixFold(s, p string) bool { return len(s) >= len(p) && equalFoldASCII(s[:len(p)], p) }

func hasSuffixFold(s, p string) bool {
	return len(s) >= len(p) && equalFoldASCII(s[len(s)-len(p):], p)
}

// callConcat implements concat with args [delimiter, values...].
func callConcat(_ *Env, args []value.Value) value.Value {
	delim, ok := strOr(arg(args, 0), "")
	if !ok {
		return value.Value{}
	}
	var b []byte
	first := true
	var add func(v value.Value)
	add = func(v value.Value) {
		if v.IsNull() {
			return
		}
		if elems, ok := v.Array(); ok {
			for _, e := range elems {
				add(e)
			}
			return
		}
		if !first {
			b = append(b, delim...)
		}
		first = false
		b = value.AppendFormat(b, v)
	}
	for _, v := range tail(args, 1) {
		add(v)
	}
	return value.String(string(b))
}

// isASCII reports whether s has only ASCII bytes, where byte and UTF-16 indexes agree.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// utf16Len returns the length of s in UTF-16 code units.
func utf16Len(s string) int {
	if isASCII(s) {
		return len(s)
	}
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// toUTF16 converts s to UTF-16 code units (invalid UTF-8 becomes U+FFFD).
func toUTF16(s string) []uint16 { return utf16.Encode([]rune(s)) }

// fromUTF16 converts code units back; a lone surrogate becomes U+FFFD.
func fromUTF16(u []uint16) string { return string(utf16.Decode(u)) }

// clampIndex resolves an index that may count from the end (negative) into [0, n].
func clampIndex(i int64, n int) int {
	if i < 0 {
		i += int64(n)
	}
	if i < 0 {
		return 0
	}
	if i > int64(n) {
		return n
	}
	return int(i)
}

// sliceBounds resolves the from/to arguments of substring and arraySlice for a
// sequence of length n: null means the start/end; negative counts from the end;
// out of range clamps. ok is false for a non-integer argument.
func sliceBounds(from, to value.Value, n int) (lo, hi int, ok bool) {
	lo, hi = 0, n
	if !from.IsNull() {
		f, isInt := intOf(from)
		if !isInt {
			return 0, 0, false
		}
		lo = clampIndex(f, n)
	}
	if !to.IsNull() {
		t, isInt := intOf(to)
		if !isInt {
			return 0, 0, false
		}
		hi = clampIndex(t, n)
	}
	if lo > hi {
		hi = lo
	}
	return lo, hi, true
}

// callSubstring implements substring(s, from:, to:).
func callSubstring(_ *Env, args []value.Value) value.Value {
	s, ok := arg(args, 0).Str()
	if !ok {
		return value.Value{}
	}
	if isASCII(s) {
		lo, hi, ok := sliceBounds(arg(args, 1), arg(args, 2), len(s))
		if !ok {
			return value.Value{}
		}
		return value.String(s[lo:hi])
	}
	u := toUTF16(s)
	lo, hi, ok := sliceBounds(arg(args, 1), arg(args, 2), len(u))
	if !ok {
		return value.Value{}
	}
	return value.String(fromUTF16(u[lo:hi]))
}

// indexUnits finds sub in s at or after from, in UTF-16 units.
func indexUnits(s, sub []uint16, from int) int {
	for i := from; i+len(sub) <= len(s); i++ {
		if unitsEqual(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}

func unitsEqual(a, b []uint16) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// callIndexOf implements indexOf(s, sub, from:).
func callIndexOf(_ *Env, args []value.Value) value.Value {
	s, ok1 := arg(args, 0).Str()
	sub, ok2 := arg(args, 1).Str()
	fromV := arg(args, 2)
	from := int64(0)
	if !fromV.IsNull() {
		f, ok := intOf(fromV)
		if !ok {
			return value.Value{}
		}
		from = f
	}
	if !ok1 || !ok2 {
		return value.Value{}
	}
	if isASCII(s) && isASCII(sub) {
		f := clampIndex(from, len(s))
		i := strings.Index(s[f:], sub)
		if i < 0 {
			return value.Long(-1)
		}
		return value.Long(int64(f + i))
	}
	u, us := toUTF16(s), toUTF16(sub)
	return value.Long(int64(indexUnits(u, us, clampIndex(from, len(u)))))
}

// callLastIndexOf implements lastIndexOf(s, sub, from:): the last occurrence that
// starts at or before from.
func callLastIndexOf(_ *Env, args []value.Value) value.Value {
	s, ok1 := arg(args, 0).Str()
	sub, ok2 := arg(args, 1).Str()
	from := int64(-1)
	if fv := arg(args, 2); !fv.IsNull() {
		f, ok := intOf(fv)
		if !ok {
			return value.Value{}
		}
		from = f
	}
	if !ok1 || !ok2 {
		return value.Value{}
	}
	var u, us []uint16 // nil while byte and code-unit indexes agree
	n, m := len(s), len(sub)
	if !isASCII(s) || !isASCII(sub) {
		u, us = toUTF16(s), toUTF16(sub)
		n, m = len(u), len(us)
	}
	switch {
	case from == -1: // the default, "the end": Java's lastIndexOf(sub) finds "" at n
		from = int64(n)
	case from < 0:
		from += int64(n)
		if from < 0 {
			return value.Long(-1)
		}
	}
	start := n - m
	if from < int64(start) {
		start = int(from)
	}
	for i := start; i >= 0; i-- {
		if u == nil {
			if s[i:i+m] == sub {
				return value.Long(int64(i))
			}
		} else if unitsEqual(u[i:i+m], us) {
			return value.Long(int64(i))
		}
	}
	return value.Long(-1)
}

// callGetCharacter implements getCharacter(s, pos). A position inside a surrogate
// pair returns the whole character.
func callGetCharacter(_ *Env, args []value.Value) value.Value {
	s, ok1 := arg(args, 0).Str()
	pos, ok2 := intOf(arg(args, 1))
	if !ok1 || !ok2 {
		return value.Value{}
	}
	if isASCII(s) {
		if pos < 0 {
			pos += int64(len(s))
		}
		if pos < 0 || pos >= int64(len(s)) {
			return value.Value{}
		}
		return value.String(s[pos : pos+1])
	}
	u := toUTF16(s)
	if pos < 0 {
		pos += int64(len(u))
	}
	if pos < 0 || pos >= int64(len(u)) {
		return value.Value{}
	}
	i := int(pos)
	switch c := u[i]; {
	case utf16.IsSurrogate(rune(c)) && c < 0xDC00 && i+1 < len(u):
		return value.String(fromUTF16(u[i : i+2]))
	case utf16.IsSurrogate(rune(c)) && c >= 0xDC00 && i > 0:
		return value.String(fromUTF16(u[i-1 : i+1]))
	}
	return value.String(fromUTF16(u[i : i+1]))
}

// callSplitString implements splitString(s, sep).
func callSplitString(_ *Env, args []value.Value) value.Value {
	s, ok1 := arg(args, 0).Str()
	sep, ok2 := arg(args, 1).Str()
	if !ok1 || !ok2 {
		return value.Value{}
	}
	// strings.Split with "" splits into UTF-8 sequences, i.e. code points, and gives
	// [] for s == "": there are no characters to split into.
	parts := strings.Split(s, sep)
	out := make([]value.Value, len(parts))
	for i, p := range parts {
		out[i] = value.String(p)
	}
	return value.Array(out)
}

// EditDistance is the Levenshtein distance between a and b, counted in characters;
// the planner uses it for "did you mean" suggestions.
func EditDistance(a, b string) int { return levenshtein(a, b) }

// levenshtein is the edit distance between a and b, counted in characters.
func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) < len(rb) {
		ra, rb = rb, ra
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

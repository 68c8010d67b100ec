package funcs

import (
	"html"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/tidwall/gjson"
	"github.com/trailbook/trailbook/kernel/dql/value"
)

// String functions that decode or encode text (spec §10.2): backslash escapes, HTML
// entities, URL percent-encoding and JSON members.
//
//	data record(c = """{"name": "John"}""") | fields jsonField(c, "name"), jsonPath(c, "$.name"), encodeUrl("a b")

func init() {
	register(
		&Func{Name: "escape", Params: []Param{req("expression")}, Call: strMap(escapeString),
			Doc: "escape(s) → string: s with quotes, backslashes and control characters escaped with backslashes (\\\" \\' \\\\ \\b \\f \\n \\r \\t \\uXXXX)"},
		&Func{Name: "unescape", Params: []Param{req("expression")}, Call: strMap(unescapeString),
			Doc: "unescape(s) → string: s with backslash escapes (\\\" \\' \\\\ \\b \\f \\n \\r \\t \\xhh \\uhhhh) replaced by the characters"},
		&Func{Name: "unescapeHtml", Params: []Param{req("expression")}, Call: strMap(html.UnescapeString),
			Doc: "unescapeHtml(s) → string: s with HTML entities (&lt; &amp; &#39; …) replaced by the characters"},
		&Func{Name: "encodeUrl", Params: []Param{req("expression")}, Call: strMap(encodeURL),
			Doc: "encodeUrl(s) → string: s percent-encoded as UTF-8; letters, digits and - _ . ~ are kept"},
		&Func{Name: "decodeUrl", Params: []Param{req("expression")},
			Call: func(_ *Env, args []value.Value) value.Value {
				s, ok := arg(args, 0).Str()
				if !ok {
					return value.Value{}
				}
				d, ok := decodeURL(s)
				if !ok {
					return value.Value{}
				}
				return value.String(d)
			},
			Doc: "decodeUrl(s) → string: percent-decoded s (+ becomes a space); invalid escapes → null"},
		&Func{Name: "jsonField", Params: []Param{req("expression"), req("name"), opt("seek", value.False)},
			Call: callJSONField,
			Doc:  "jsonField(s, name [, seek: bool]) → any: the top-level member name of the JSON object in s; seek: true skips text before the first {"},
		&Func{Name: "jsonPath", Params: []Param{req("expression"), req("jsonPath"), opt("seek", value.False)},
			Call: callJSONPath, Prepare: prepareJSONPath,
			Doc: "jsonPath(s, path [, seek: bool]) → any: the value at a JSONPath ($, .name, ['name'], [index]) in the JSON text s; seek: true skips text before the first { or ["},
	)
}

// escapeString backslash-escapes quotes, backslashes and control characters.
func escapeString(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '"', '\'', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x20 || r == 0x7f {
				b.WriteString(`\u00`)
				b.WriteByte("0123456789abcdef"[r>>4])
				b.WriteByte("0123456789abcdef"[r&15])
				continue
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// unescapeString undoes backslash escapes. An unknown escape or a malformed \x/\u
// is kept as written. \uD83D\uDE00 pairs combine into one character.
func unescapeString(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		e := s[i+1]
		switch e {
		case '"', '\'', '\\', '/':
			b.WriteByte(e)
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'x':
			if n, ok := hexN(s, i+2, 2); ok {
				b.WriteRune(rune(n))
				i += 3
				continue
			}
			b.WriteString(`\x`)
		case 'u':
			n, ok := hexN(s, i+2, 4)
			if !ok {
				b.WriteString(`\u`)
				break
			}
			r := rune(n)
			i += 5
			if utf16.IsSurrogate(r) && i+6 < len(s)+1 && strings.HasPrefix(s[i+1:], `\u`) {
				if n2, ok := hexN(s, i+3, 4); ok {
					if pair := utf16.DecodeRune(r, rune(n2)); pair != utf8.RuneError {
						r = pair
						i += 6
					}
				}
			}
			b.WriteRune(r)
			continue
		default:
			b.WriteByte('\\')
			b.WriteByte(e)
		}
		i++
	}
	return b.String()
}

// hexN parses n hex digits of s starting at i.
func hexN(s string, i, n int) (uint64, bool) {
	if i+n > len(s) {
		return 0, false
	}
	v, err := strconv.ParseUint(s[i:i+n], 16, 32)
	return v, err == nil && !strings.ContainsAny(s[i:i+n], "+-_")
}

// encodeURL percent-encodes every byte of the UTF-8 text except letters, digits and
// -_.~ (RFC 3986 unreserved characters), with upper-case hex.
func encodeURL(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// decodeURL decodes %XX escapes and + (a space, as in form encoding).
func decodeURL(s string) (string, bool) {
	if !strings.ContainsAny(s, "%+") {
		return s, true
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '+':
			b = append(b, ' ')
		case '%':
			n, ok := hexN(s, i+1, 2)
			if !ok {
				return "", false
			}
			b = append(b, byte(n))
			i += 2
		default:
			b = append(b, c)
		}
	}
	return strings.ToValidUTF8(string(b), "\uFFFD"), true
}

// jsonValueEnd returns the length of the JSON object or array at the start of s
// (which must begin with { or [), by matching brackets outside strings; -1 if it is
// not closed. gjson does not delimit values for us: its Parse keeps trailing text.
func jsonValueEnd(s string) int {
	depth := 0
	inStr := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if inStr {
			switch c {
			case '\\':
				i++
			case '"':
				inStr = false
			}
			continue
		}
		switch c {
		case '"':
			inStr = true
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1
			}
		}
	}
	return -1
}

// jsonDoc finds the JSON object (or, when arrays is set, array) in s: at its start
// after whitespace, or after any text when seek is set. Text after the value is
// ignored.
func jsonDoc(s string, seek, arrays bool) (gjson.Result, bool) {
	start := -1
	if seek {
		open := "{"
		if arrays {
			open = "{["
		}
		start = strings.IndexAny(s, open)
	} else {
		t := strings.TrimLeft(s, " \t\r\n")
		if t != "" && (t[0] == '{' || arrays && t[0] == '[') {
			start = len(s) - len(t)
		}
	}
	if start < 0 {
		return gjson.Result{}, false
	}
	end := jsonValueEnd(s[start:])
	if end < 0 {
		return gjson.Result{}, false
	}
	raw := s[start : start+end]
	if !gjson.Valid(raw) {
		return gjson.Result{}, false
	}
	return gjson.Parse(raw), true
}

// jsonMember returns the member name of an object, found without gjson's path
// syntax (a name may contain dots or wildcards).
func jsonMember(obj gjson.Result, name string) (gjson.Result, bool) {
	var out gjson.Result
	found := false
	if !obj.IsObject() {
		return out, false
	}
	obj.ForEach(func(k, v gjson.Result) bool {
		if k.Str == name {
			out, found = v, true
			return false
		}
		return true
	})
	return out, found
}

// callJSONField implements jsonField(s, name, seek:).
func callJSONField(_ *Env, args []value.Value) value.Value {
	s, ok1 := arg(args, 0).Str()
	name, ok2 := arg(args, 1).Str()
	seek, ok3 := boolOr(arg(args, 2), false)
	if !ok1 || !ok2 || !ok3 {
		return value.Value{}
	}
	doc, ok := jsonDoc(s, seek, false)
	if !ok {
		return value.Value{}
	}
	m, ok := jsonMember(doc, name)
	if !ok {
		return value.Value{}
	}
	return value.FromGJSON(m)
}

// pathStep is one step of a JSONPath: a member name or an array index.
type pathStep struct {
	name  string
	index int
	isIdx bool
}

// parseJSONPath parses the JSONPath subset: $ then .name, ['name'], ["name"], [index].
func parseJSONPath(p string) ([]pathStep, bool) {
	if !strings.HasPrefix(p, "$") {
		return nil, false
	}
	var steps []pathStep
	for i := 1; i < len(p); {
		switch p[i] {
		case '.':
			j := i + 1
			for j < len(p) && p[j] != '.' && p[j] != '[' {
				j++
			}
			if j == i+1 {
				return nil, false
			}
			steps = append(steps, pathStep{name: p[i+1 : j]})
			i = j
		case '[':
			if i+1 < len(p) && (p[i+1] == '\'' || p[i+1] == '"') {
				q := p[i+1]
				j := strings.IndexByte(p[i+2:], q)
				if j < 0 || i+2+j+1 >= len(p) || p[i+2+j+1] != ']' {
					return nil, false
				}
				steps = append(steps, pathStep{name: p[i+2 : i+2+j]})
				i = i + 2 + j + 2
				continue
			}
			j := strings.IndexByte(p[i:], ']')
			if j < 0 {
				return nil, false
			}
			n, err := strconv.Atoi(p[i+1 : i+j])
			if err != nil || n < 0 {
				return nil, false
			}
			steps = append(steps, pathStep{index: n, isIdx: true})
			i += j + 1
		default:
			return nil, false
		}
	}
	return steps, true
}

// walkJSON follows the steps from doc.
func walkJSON(doc gjson.Result, steps []pathStep) value.Value {
	cur := doc
	for _, st := range steps {
		if !st.isIdx {
			m, ok := jsonMember(cur, st.name)
			if !ok {
				return value.Value{}
			}
			cur = m
			continue
		}
		if !cur.IsArray() {
			return value.Value{}
		}
		var out gjson.Result
		found := false
		i := 0
		cur.ForEach(func(_, v gjson.Result) bool {
			if i == st.index {
				out, found = v, true
				return false
			}
			i++
			return true
		})
		if !found {
			return value.Value{}
		}
		cur = out
	}
	return value.FromGJSON(cur)
}

// callJSONPath implements jsonPath(s, path, seek:).
func callJSONPath(_ *Env, args []value.Value) value.Value {
	p, ok := arg(args, 1).Str()
	if !ok {
		return value.Value{}
	}
	steps, ok := parseJSONPath(p)
	if !ok {
		return value.Value{}
	}
	return jsonPathSteps(args, steps)
}

func jsonPathSteps(args []value.Value, steps []pathStep) value.Value {
	s, ok1 := arg(args, 0).Str()
	seek, ok2 := boolOr(arg(args, 2), false)
	if !ok1 || !ok2 {
		return value.Value{}
	}
	doc, ok := jsonDoc(s, seek, true)
	if !ok {
		return value.Value{}
	}
	return walkJSON(doc, steps)
}

// prepareJSONPath parses a constant path once; a path outside the subset is a static error.
func prepareJSONPath(consts []value.Value, isConst []bool) (CallFn, error) {
	pv, ok := constAt(consts, isConst, 1)
	if !ok || pv.IsNull() {
		return nil, nil
	}
	p, ok := pv.Str()
	if !ok {
		return nil, errorf("the path must be a string")
	}
	steps, ok := parseJSONPath(p)
	if !ok {
		return nil, errorf("unsupported JSONPath %q (supported: $, .name, ['name'], [index])", p)
	}
	return func(_ *Env, args []value.Value) value.Value { return jsonPathSteps(args, steps) }, nil
}

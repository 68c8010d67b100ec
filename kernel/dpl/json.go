package dpl

import (
	"strings"

	"github.com/tidwall/gjson"
	"github.com/trailbook/trailbook/kernel/dql/value"
)

// jsonKind selects a JSON matcher of spec/dpl.md §9.
type jsonKind uint8

const (
	jsonObject jsonKind = iota // JSON, JSON_OBJECT
	jsonArray                  // JSON_ARRAY
	jsonValue                  // JSON_VALUE
)

const (
	// defaultJSONMaxLen is the size limit of one JSON value (spec/dpl.md §9, maxlen=).
	defaultJSONMaxLen = 128000
	// maxJSONDepth bounds nesting. gjson validates and decodes recursively; the bound
	// keeps a hostile "[[[[…" from growing a goroutine's stack without limit.
	maxJSONDepth = 1000
)

// jsonAtom matches one JSON value starting at the current position (no leading
// whitespace is skipped) and yields it with DQL types: objects become lazy records
// (value.FromJSON), so `parse content, "JSON:event"` costs one validation and members
// are decoded only when a query reads them.
type jsonAtom struct {
	kind    jsonKind
	maxLen  int
	strict  bool
	members []jsonMember // JSON{…}: only these members, converted by their matchers
	greedy  string       // greedy='name': the other members, as a nested record
	hasList bool         // a member list was given (even an empty one)
}

// jsonMember is one entry of a member list: `IPADDR:ip`, `INT+:n`, `INT[]:items`,
// `TIMESTAMP('…'):"client time":client_time`.
type jsonMember struct {
	name      string // the JSON member name
	field     string // the output field name
	mandatory bool
	conv      memberConv
}

// memberConv converts a member's JSON value with a DPL matcher; ok is false when the
// value does not match.
type memberConv interface {
	conv(r gjson.Result) (value.Value, bool)
}

// jsonExtent returns the end of the JSON value at in[pos], looking only at structure
// (brackets and strings); gjson.Valid checks the rest. It gives up after maxLen bytes
// or maxJSONDepth levels.
func jsonExtent(in string, pos, maxLen int) (int, bool) {
	limit := len(in)
	if maxLen >= 0 && pos+maxLen < limit {
		limit = pos + maxLen
	}
	if pos >= limit {
		return 0, false
	}
	switch c := in[pos]; {
	case c == '{' || c == '[':
		depth := 0
		for i := pos; i < limit; i++ {
			switch in[i] {
			case '{', '[':
				if depth++; depth > maxJSONDepth {
					return 0, false
				}
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1, true
				}
			case '"':
				e, ok := stringExtent(in[:limit], i)
				if !ok {
					return 0, false
				}
				i = e - 1
			}
		}
		return 0, false
	case c == '"':
		return stringExtent(in[:limit], pos)
	case c == '-' || isDigit(c):
		return numberExtent(in[:limit], pos)
	}
	for _, lit := range [...]string{"true", "false", "null"} {
		if strings.HasPrefix(in[pos:limit], lit) {
			return pos + len(lit), true
		}
	}
	return 0, false
}

// stringExtent returns the end of the JSON string at in[pos] (after the closing quote).
// It jumps from quote to quote; a quote preceded by an odd number of backslashes is
// escaped.
func stringExtent(in string, pos int) (int, bool) {
	for i := pos + 1; ; {
		j := strings.IndexByte(in[i:], '"')
		if j < 0 {
			return 0, false
		}
		i += j
		k := i
		for k > pos+1 && in[k-1] == '\\' {
			k--
		}
		if (i-k)%2 == 0 {
			return i + 1, true
		}
		i++
	}
}

// numberExtent returns the end of the longest JSON number at in[pos]:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func numberExtent(in string, pos int) (int, bool) {
	i := pos
	if i < len(in) && in[i] == '-' {
		i++
	}
	switch {
	case i < len(in) && in[i] == '0':
		i++
	case i < len(in) && isDigit(in[i]):
		for i < len(in) && isDigit(in[i]) {
			i++
		}
	default:
		return 0, false
	}
	if i+1 < len(in) && in[i] == '.' && isDigit(in[i+1]) {
		i += 2
		for i < len(in) && isDigit(in[i]) {
			i++
		}
	}
	if i < len(in) && (in[i]|0x20) == 'e' {
		j := i + 1
		if j < len(in) && (in[j] == '+' || in[j] == '-') {
			j++
		}
		if j < len(in) && isDigit(in[j]) {
			for j < len(in) && isDigit(in[j]) {
				j++
			}
			i = j
		}
	}
	return i, true
}

// kindOK reports whether the first byte of a JSON value fits the matcher.
func (a *jsonAtom) kindOK(c byte) bool {
	switch a.kind {
	case jsonObject:
		return c == '{'
	case jsonArray:
		return c == '['
	}
	return true
}

// text returns the JSON text of the value at in[pos]: a slice of in, or for
// strict=false input that is not standard JSON, a normalized copy.
func (a *jsonAtom) text(in string, pos int) (raw string, end int, ok bool) {
	if pos >= len(in) {
		return "", 0, false
	}
	if a.kindOK(in[pos]) {
		if end, ok := jsonExtent(in, pos, a.maxLen); ok && gjson.Valid(in[pos:end]) {
			return in[pos:end], end, true
		}
	}
	if a.strict {
		return "", 0, false
	}
	raw, end, ok = normalizeLenient(in, pos, a.maxLen)
	if !ok || raw == "" || !a.kindOK(raw[0]) {
		return "", 0, false
	}
	return raw, end, true
}

// fastObject is text for the common case of a whole string that is one object, as in
// `parse content, "JSON:event"` over CloudTrail records: one gjson.Valid pass and no
// separate search for the object's end. Anything else takes the general path.
func (a *jsonAtom) fastObject(s string) (string, bool) {
	end := len(s)
	for end > 0 && (s[end-1] == ' ' || s[end-1] == '\n' || s[end-1] == '\r' || s[end-1] == '\t') {
		end--
	}
	if end > 0 && end <= a.maxLen && s[0] == '{' && s[end-1] == '}' &&
		strings.Count(s[:end], "{")+strings.Count(s[:end], "[") <= maxJSONDepth &&
		gjson.Valid(s[:end]) {
		return s[:end], true
	}
	raw, _, ok := a.text(s, 0)
	return raw, ok
}

func (a *jsonAtom) match(in string, pos int) (int, bool) {
	raw, end, ok := a.text(in, pos)
	if !ok {
		return 0, false
	}
	if a.hasList {
		if _, ok := a.build(raw); !ok {
			return 0, false
		}
	}
	return end, true
}

func (a *jsonAtom) value(in string, start, end int) value.Value {
	raw := in[start:end] // match validated it already
	if !a.strict {
		var ok bool
		if raw, _, ok = a.text(in, start); !ok {
			return value.Value{}
		}
	}
	return a.fromRaw(raw)
}

// fromRaw converts valid JSON text of the right kind.
func (a *jsonAtom) fromRaw(raw string) value.Value {
	if a.hasList {
		v, _ := a.build(raw)
		return v
	}
	if raw[0] == '{' {
		return value.Rec(value.FromJSON(raw))
	}
	return value.FromGJSON(gjson.Parse(raw))
}

// build applies a member list to an object: the listed members in list order (null
// when absent or not matching their matcher), then the greedy record. ok is false when
// a mandatory member is missing or does not match.
func (a *jsonAtom) build(raw string) (value.Value, bool) {
	r := gjson.Parse(raw)
	if !r.IsObject() {
		return value.Value{}, false
	}
	vals := make([]value.Value, len(a.members))
	found := make([]bool, len(a.members))
	var rest *value.Record
	if a.greedy != "" {
		rest = value.NewRecord(8)
	}
	r.ForEach(func(k, v gjson.Result) bool {
		listed := false
		for i := range a.members {
			m := &a.members[i]
			if m.name != k.Str {
				continue
			}
			listed = true
			if !found[i] {
				vals[i], found[i] = m.conv.conv(v)
			}
		}
		if !listed && rest != nil && !rest.Has(k.Str) {
			rest.Append(k.Str, value.FromGJSON(v))
		}
		return true
	})
	rec := value.NewRecord(len(a.members) + 1)
	for i, m := range a.members {
		if !found[i] {
			if m.mandatory {
				return value.Value{}, false
			}
			vals[i] = value.Value{}
		}
		rec.Set(m.field, vals[i])
	}
	if rest != nil {
		rec.Set(a.greedy, value.Rec(rest))
	}
	return value.Rec(rec), true
}

func (a *jsonAtom) first(s *byteSet) bool {
	switch {
	case !a.strict || a.kind == jsonValue:
		s.addAll()
	case a.kind == jsonObject:
		s.add('{')
	default:
		s.add('[')
	}
	return false
}

// conv lets a nested JSON matcher be a member matcher: JSON{…}:member, JSON_ARRAY:m.
func (a *jsonAtom) conv(r gjson.Result) (value.Value, bool) {
	if r.Type != gjson.JSON && a.kind != jsonValue {
		return value.Value{}, false
	}
	if r.Raw == "" || !a.kindOK(r.Raw[0]) {
		return value.Value{}, false
	}
	if a.hasList {
		return a.build(r.Raw)
	}
	return value.FromGJSON(r), true
}

// convArray is TYPE[]:member: an array whose elements all match TYPE.
type convArray struct{ elem memberConv }

func (c convArray) conv(r gjson.Result) (value.Value, bool) {
	if !r.IsArray() {
		return value.Value{}, false
	}
	out := []value.Value{}
	ok := true
	r.ForEach(func(_, e gjson.Result) bool {
		var v value.Value
		v, ok = c.elem.conv(e)
		out = append(out, v)
		return ok
	})
	if !ok {
		return value.Value{}, false
	}
	return value.Array(out), true
}

// memberText is the text a scalar matcher sees: a string's contents, or a number's
// or boolean's JSON text. null is passed through as null; objects and arrays do not
// match scalar matchers.
func memberText(r gjson.Result) (text string, null, ok bool) {
	switch r.Type {
	case gjson.String:
		return r.Str, false, true
	case gjson.Number, gjson.True, gjson.False:
		return r.Raw, false, true
	case gjson.Null:
		return "", true, true
	}
	return "", false, false
}

// convAtom applies a deterministic matcher to the whole member text.
type convAtom struct{ a atom }

func (c convAtom) conv(r gjson.Result) (value.Value, bool) {
	text, null, ok := memberText(r)
	if null || !ok {
		return value.Value{}, ok
	}
	if end, ok := c.a.match(text, 0); !ok || end != len(text) {
		return value.Value{}, false
	}
	return c.a.value(text, 0, len(text)), true
}

// convString is STRING, DQS, SQS, LD, DATA… as member matchers: any JSON string is
// taken as it is (the quotes are JSON's), other scalars as their JSON text.
type convString struct{}

func (convString) conv(r gjson.Result) (value.Value, bool) {
	text, null, ok := memberText(r)
	if null || !ok {
		return value.Value{}, ok
	}
	return value.String(text), true
}

// convClass is a character class as member matcher: every character of the text must
// be in the class and their number within the bounds.
type convClass struct {
	cls      *charClass
	min, max int
}

func (c convClass) conv(r gjson.Result) (value.Value, bool) {
	text, null, ok := memberText(r)
	if null || !ok {
		return value.Value{}, ok
	}
	n := 0
	for i := 0; i < len(text); {
		ch, sz := decodeRune(text, i)
		if !c.cls.has(ch) {
			return value.Value{}, false
		}
		i += sz
		n++
	}
	if n < c.min || n > c.max {
		return value.Value{}, false
	}
	return value.String(text), true
}

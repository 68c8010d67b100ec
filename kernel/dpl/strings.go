package dpl

import (
	"strings"
	"unicode"

	"github.com/trailbook/trailbook/kernel/dql/value"
)

// quotedAtom matches a quoted string (spec/dpl.md §5): DQS and SQS, where a backslash
// escapes the quote, and CSVDQS and CSVSQS, where a doubled quote stands for one. The
// value is the text between the quotes with the escapes resolved.
type quotedAtom struct {
	quote byte
	csv   bool // doubled quote instead of backslash
	empty bool // "" is accepted (CSV and STRING); DQS and SQS need one character
}

// scan returns the end of the quoted string at in[pos] (after the closing quote).
func (a *quotedAtom) scan(in string, pos int) (int, bool) {
	if pos >= len(in) || in[pos] != a.quote {
		return 0, false
	}
	for i := pos + 1; i < len(in); i++ {
		switch c := in[i]; {
		case c == '\\' && !a.csv:
			i++
		case c == a.quote:
			if a.csv && i+1 < len(in) && in[i+1] == a.quote {
				i++
				continue
			}
			if i == pos+1 && !a.empty {
				return 0, false
			}
			return i + 1, true
		}
	}
	return 0, false
}

func (a *quotedAtom) match(in string, pos int) (int, bool) { return a.scan(in, pos) }

func (a *quotedAtom) value(in string, start, end int) value.Value {
	return value.String(a.unquote(in[start+1 : end-1]))
}

// unquote resolves \" and \\ (or doubled quotes for CSV); other backslashes stay.
func (a *quotedAtom) unquote(s string) string {
	if a.csv {
		q := string(a.quote)
		if !strings.Contains(s, q) {
			return s
		}
		return strings.ReplaceAll(s, q+q, q)
	}
	if strings.IndexByte(s, '\\') < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && (s[i+1] == a.quote || s[i+1] == '\\') {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func (a *quotedAtom) first(s *byteSet) bool {
	s.add(a.quote)
	return false
}

// stringAtom is STRING: a double- or single-quoted string (value without quotes), or
// else an unquoted run of printable non-space characters [spec/dpl.md §5, O].
type stringAtom struct{}

var (
	stringDQ = &quotedAtom{quote: '"', empty: true}
	stringSQ = &quotedAtom{quote: '\'', empty: true}
)

func (stringAtom) match(in string, pos int) (int, bool) {
	if end, ok := stringDQ.scan(in, pos); ok {
		return end, true
	}
	if end, ok := stringSQ.scan(in, pos); ok {
		return end, true
	}
	i := pos
	for i < len(in) {
		r, n := decodeRune(in, i)
		if !unicode.IsPrint(r) || unicode.IsSpace(r) {
			break
		}
		i += n
	}
	return i, i > pos
}

func (a stringAtom) value(in string, start, end int) value.Value {
	if e, ok := stringDQ.scan(in, start); ok && e == end {
		return stringDQ.value(in, start, end)
	}
	if e, ok := stringSQ.scan(in, start); ok && e == end {
		return stringSQ.value(in, start, end)
	}
	return value.String(in[start:end])
}

func (stringAtom) first(s *byteSet) bool {
	s.addAll()
	return false
}

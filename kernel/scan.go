package kernel

import "strings"

// This file holds a small DQL scanner for the editor services (completion,
// inspection, is_complete, error underlines). It needs less than the real lexer
// (kernel/dql/syntax) and must never fail: it only tells code from strings and
// comments and finds token boundaries, on text that is often half written.

// tokKind classifies what the scanner finds.
type tokKind int

const (
	tokOther   tokKind = iota
	tokIdent           // an identifier, dotted names included (aws.region)
	tokString          // "…" or """…"""
	tokQuoted          // `…`
	tokComment         // // … or /* … */
	tokNumber
)

// scanItem is one token: kind and [start, end) byte offsets. closed is false for a
// string, quoted name or block comment that runs to the end of the text.
type scanItem struct {
	kind       tokKind
	start, end int
	closed     bool
}

func isIdentStart(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' }
func isIdentChar(c byte) bool  { return isIdentStart(c) || c >= '0' && c <= '9' }

// scanOne returns the token that starts at i (after spaces), or ok false at the end.
func scanOne(src string, i int) (scanItem, bool) {
	for i < len(src) && (src[i] == ' ' || src[i] == '\t' || src[i] == '\n' || src[i] == '\r') {
		i++
	}
	if i >= len(src) {
		return scanItem{}, false
	}
	start := i
	c := src[i]
	switch {
	case strings.HasPrefix(src[i:], "//"):
		nl := strings.IndexByte(src[i:], '\n')
		if nl < 0 {
			return scanItem{tokComment, start, len(src), true}, true
		}
		return scanItem{tokComment, start, i + nl, true}, true
	case strings.HasPrefix(src[i:], "/*"):
		end := strings.Index(src[i+2:], "*/")
		if end < 0 {
			return scanItem{tokComment, start, len(src), false}, true
		}
		return scanItem{tokComment, start, i + 2 + end + 2, true}, true
	case strings.HasPrefix(src[i:], `"""`):
		end := strings.Index(src[i+3:], `"""`)
		if end < 0 {
			return scanItem{tokString, start, len(src), false}, true
		}
		j := i + 3 + end + 3
		for j < len(src) && src[j] == '"' { // a run of quotes ends at its last three
			j++
		}
		return scanItem{tokString, start, j, true}, true
	case c == '"' || c == '`':
		kind := tokString
		if c == '`' {
			kind = tokQuoted
		}
		for j := i + 1; j < len(src); j++ {
			switch src[j] {
			case '\\':
				j++
			case c:
				return scanItem{kind, start, j + 1, true}, true
			}
		}
		return scanItem{kind, start, len(src), false}, true
	case isIdentStart(c):
		j := i
		for {
			for j < len(src) && isIdentChar(src[j]) {
				j++
			}
			if j+1 < len(src) && src[j] == '.' && isIdentStart(src[j+1]) {
				j++
				continue
			}
			break
		}
		return scanItem{tokIdent, start, j, true}, true
	case c >= '0' && c <= '9':
		j := i
		for j < len(src) && (isIdentChar(src[j]) || src[j] == '.') {
			j++
		}
		return scanItem{tokNumber, start, j, true}, true
	}
	if i+1 < len(src) {
		switch src[i : i+2] {
		case "==", "!=", "<=", ">=":
			return scanItem{tokOther, start, i + 2, true}, true
		}
	}
	return scanItem{tokOther, start, i + 1, true}, true
}

// scanAll returns the tokens of src.
func scanAll(src string) []scanItem {
	var out []scanItem
	for i := 0; ; {
		it, ok := scanOne(src, i)
		if !ok {
			return out
		}
		out = append(out, it)
		i = it.end
	}
}

// tokenEnd returns the end of the token that starts at byte offset p (for
// underlining an error), or p at the end of the text.
func tokenEnd(src string, p int) int {
	if p >= len(src) {
		return p
	}
	it, ok := scanOne(src, p)
	if !ok || it.start != p {
		return p + 1
	}
	return it.end
}

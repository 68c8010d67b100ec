package dpl

import (
	"strings"

	"github.com/tidwall/gjson"
)

// normalizeLenient reads a strict=false JSON value (spec/dpl.md §9): names may be
// unquoted and values may be bare words. It returns standard JSON text for it.
func normalizeLenient(in string, pos, maxLen int) (string, int, bool) {
	limit := len(in)
	if maxLen >= 0 && pos+maxLen < limit {
		limit = pos + maxLen
	}
	n := lenient{in: in[:limit]}
	end, ok := n.value(pos, 0)
	if !ok {
		return "", 0, false
	}
	out := string(n.out)
	if !gjson.Valid(out) {
		return "", 0, false
	}
	return out, end, true
}

type lenient struct {
	in  string
	out []byte
}

func (n *lenient) space(i int) int {
	for i < len(n.in) && (n.in[i] == ' ' || n.in[i] == '\t' || n.in[i] == '\n' || n.in[i] == '\r') {
		i++
	}
	return i
}

// word reads a bare word: characters up to whitespace or JSON punctuation.
func (n *lenient) word(i int) int {
	j := i
	for j < len(n.in) && !strings.ContainsRune(" \t\r\n,:{}[]\"", rune(n.in[j])) {
		j++
	}
	return j
}

func (n *lenient) value(i, depth int) (int, bool) {
	if depth > maxJSONDepth || i >= len(n.in) {
		return 0, false
	}
	switch c := n.in[i]; c {
	case '{', '[':
		closer := byte('}')
		if c == '[' {
			closer = ']'
		}
		n.out = append(n.out, c)
		i = n.space(i + 1)
		if i < len(n.in) && n.in[i] == closer {
			n.out = append(n.out, closer)
			return i + 1, true
		}
		for {
			var ok bool
			if c == '{' {
				if i, ok = n.name(i); !ok {
					return 0, false
				}
				i = n.space(i)
				if i >= len(n.in) || n.in[i] != ':' {
					return 0, false
				}
				n.out = append(n.out, ':')
				i = n.space(i + 1)
			}
			if i, ok = n.value(i, depth+1); !ok {
				return 0, false
			}
			i = n.space(i)
			if i >= len(n.in) {
				return 0, false
			}
			if n.in[i] == closer {
				n.out = append(n.out, closer)
				return i + 1, true
			}
			if n.in[i] != ',' {
				return 0, false
			}
			n.out = append(n.out, ',')
			i = n.space(i + 1)
		}
	case '"':
		end, ok := stringExtent(n.in, i)
		if !ok {
			return 0, false
		}
		n.out = append(n.out, n.in[i:end]...)
		return end, true
	}
	end := n.word(i)
	if end == i {
		return 0, false
	}
	w := n.in[i:end]
	if e, ok := numberExtent(w, 0); ok && e == len(w) || w == "true" || w == "false" || w == "null" {
		n.out = append(n.out, w...)
	} else {
		n.out = gjson.AppendJSONString(n.out, w)
	}
	return end, true
}

func (n *lenient) name(i int) (int, bool) {
	if i < len(n.in) && n.in[i] == '"' {
		end, ok := stringExtent(n.in, i)
		if !ok {
			return 0, false
		}
		n.out = append(n.out, n.in[i:end]...)
		return end, true
	}
	end := n.word(i)
	if end == i {
		return 0, false
	}
	n.out = gjson.AppendJSONString(n.out, n.in[i:end])
	return end, true
}

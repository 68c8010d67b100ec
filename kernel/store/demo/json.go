package demo

import (
	"strconv"
	"unicode/utf8"
)

// jsonw appends one JSON object to a buffer, keys in the order they are written, the
// way CloudTrail writes its events. It is a few times faster than encoding/json over
// maps, which keeps demo.Source under its time budget.
type jsonw struct {
	b     []byte
	stack []frame
}

type frame struct {
	empty bool
	close byte
}

// begin starts a new top-level object, reusing the buffer.
func (w *jsonw) begin() {
	w.b = append(w.b[:0], '{')
	w.stack = append(w.stack[:0], frame{true, '}'})
}

func (w *jsonw) sep() {
	top := &w.stack[len(w.stack)-1]
	if !top.empty {
		w.b = append(w.b, ',')
	}
	top.empty = false
}

func (w *jsonw) key(k string) {
	w.sep()
	w.b = appendString(w.b, k)
	w.b = append(w.b, ':')
}

func (w *jsonw) str(k, v string) { w.key(k); w.b = appendString(w.b, v) }
func (w *jsonw) null(k string)   { w.key(k); w.b = append(w.b, "null"...) }
func (w *jsonw) num(k string, n int64) {
	w.key(k)
	w.b = strconv.AppendInt(w.b, n, 10)
}
func (w *jsonw) boolean(k string, v bool) { w.key(k); w.b = strconv.AppendBool(w.b, v) }

// obj opens a member object; end closes it.
func (w *jsonw) obj(k string) {
	w.key(k)
	w.b = append(w.b, '{')
	w.stack = append(w.stack, frame{true, '}'})
}

// arr opens a member array; end closes it.
func (w *jsonw) arr(k string) {
	w.key(k)
	w.b = append(w.b, '[')
	w.stack = append(w.stack, frame{true, ']'})
}

// elemObj opens an object inside an array.
func (w *jsonw) elemObj() {
	w.sep()
	w.b = append(w.b, '{')
	w.stack = append(w.stack, frame{true, '}'})
}

// elemStr appends a string inside an array.
func (w *jsonw) elemStr(s string) { w.sep(); w.b = appendString(w.b, s) }

func (w *jsonw) end() {
	top := w.stack[len(w.stack)-1]
	w.stack = w.stack[:len(w.stack)-1]
	w.b = append(w.b, top.close)
}

// finish closes every open object and returns the text.
func (w *jsonw) finish() []byte {
	for len(w.stack) > 0 {
		w.end()
	}
	return w.b
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string, escaping what JSON requires and nothing
// else (CloudTrail writes "/" and non-ASCII text unescaped). Runs of plain bytes are
// copied at once: this loop is most of the generator's time.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		b = append(b, s[start:i]...)
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				b = append(b, `\ufffd`...)
			} else {
				b = append(b, s[i:i+n]...)
			}
			i += n
			start = i
			continue
		}
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		i++
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

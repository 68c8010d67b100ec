package syntax

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// item is one lexed token: its kind, position and text. For String the text is the
// decoded value; for QIdent the unescaped name; for At what follows the @.
type item struct {
	tok  Token
	pos  Pos
	text string
	raw  string // the source text of the token, as written
}

// lex splits src into tokens. It stops at the first lexical error.
func lex(src string) ([]item, *Error) {
	l := lexer{src: src}
	for {
		it, err := l.next()
		if err != nil {
			return nil, err
		}
		l.items = append(l.items, it)
		if it.tok == EOF {
			return l.items, nil
		}
	}
}

type lexer struct {
	src   string
	off   int
	items []item
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }

func (l *lexer) skipSpace() *Error {
	for l.off < len(l.src) {
		c := l.src[l.off]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			l.off++
		case strings.HasPrefix(l.src[l.off:], "//"):
			nl := strings.IndexByte(l.src[l.off:], '\n')
			if nl < 0 {
				l.off = len(l.src)
			} else {
				l.off += nl + 1
			}
		case strings.HasPrefix(l.src[l.off:], "/*"):
			end := strings.Index(l.src[l.off+2:], "*/")
			if end < 0 {
				return Errorf(Pos(l.off), "comment not terminated")
			}
			l.off += end + 4
		default:
			return nil
		}
	}
	return nil
}

func (l *lexer) next() (item, *Error) {
	if err := l.skipSpace(); err != nil {
		return item{}, err
	}
	start := l.off
	mk := func(t Token, n int) (item, *Error) {
		l.off += n
		return item{tok: t, pos: Pos(start), text: l.src[start:l.off], raw: l.src[start:l.off]}, nil
	}
	if l.off >= len(l.src) {
		return item{tok: EOF, pos: Pos(start)}, nil
	}
	c := l.src[l.off]
	two := ""
	if l.off+1 < len(l.src) {
		two = l.src[l.off : l.off+2]
	}
	switch {
	case isLetter(c):
		return l.ident()
	case isDigit(c):
		return l.number()
	case c == '"':
		return l.str()
	case c == '`':
		return l.backtick()
	case c == '$' && l.off+1 < len(l.src) && isLetter(l.src[l.off+1]):
		l.off++
		for l.off < len(l.src) && (isLetter(l.src[l.off]) || isDigit(l.src[l.off])) {
			l.off++
		}
		return item{tok: VAR, pos: Pos(start), text: l.src[start+1 : l.off], raw: l.src[start:l.off]}, nil
	case c == '@':
		l.off++
		for l.off < len(l.src) && (isLetter(l.src[l.off]) || isDigit(l.src[l.off])) {
			l.off++
		}
		return item{tok: AT, pos: Pos(start), text: l.src[start+1 : l.off], raw: l.src[start:l.off]}, nil
	case two == "==":
		return mk(EQ, 2)
	case two == "!=":
		return mk(NE, 2)
	case two == "<=":
		return mk(LE, 2)
	case two == ">=":
		return mk(GE, 2)
	}
	switch c {
	case '|':
		return mk(PIPE, 1)
	case ',':
		return mk(COMMA, 1)
	case ':':
		return mk(COLON, 1)
	case '=':
		return mk(ASSIGN, 1)
	case '<':
		return mk(LT, 1)
	case '>':
		return mk(GT, 1)
	case '+':
		return mk(PLUS, 1)
	case '-':
		return mk(MINUS, 1)
	case '*':
		return mk(STAR, 1)
	case '/':
		return mk(SLASH, 1)
	case '%':
		return mk(PERCENT, 1)
	case '~':
		return mk(TILDE, 1)
	case '(':
		return mk(LPAREN, 1)
	case ')':
		return mk(RPAREN, 1)
	case '[':
		return mk(LBRACK, 1)
	case ']':
		return mk(RBRACK, 1)
	case '{':
		return mk(LBRACE, 1)
	case '}':
		return mk(RBRACE, 1)
	}
	r, _ := utf8.DecodeRuneInString(l.src[l.off:])
	return item{}, Errorf(Pos(start), "unexpected character %q", r)
}

// ident lexes a plain or dotted identifier (aws.region names one flat field) or a keyword.
func (l *lexer) ident() (item, *Error) {
	start := l.off
	for {
		for l.off < len(l.src) && (isLetter(l.src[l.off]) || isDigit(l.src[l.off])) {
			l.off++
		}
		if l.off+1 < len(l.src) && l.src[l.off] == '.' && isLetter(l.src[l.off+1]) {
			l.off++
			continue
		}
		break
	}
	text := l.src[start:l.off]
	if t, ok := keywords[strings.ToLower(text)]; ok && !strings.Contains(text, ".") {
		return item{tok: t, pos: Pos(start), text: text, raw: text}, nil
	}
	return item{tok: IDENT, pos: Pos(start), text: text, raw: text}, nil
}

// number lexes a long (decimal or hex), a double, or a duration (an integer followed
// directly by a unit: 5m, 30min).
func (l *lexer) number() (item, *Error) {
	start := l.off
	src := l.src
	if strings.HasPrefix(src[l.off:], "0x") || strings.HasPrefix(src[l.off:], "0X") {
		l.off += 2
		ds := l.off
		for l.off < len(src) && strings.IndexByte("0123456789abcdefABCDEF", src[l.off]) >= 0 {
			l.off++
		}
		if l.off == ds || l.off-ds > 16 {
			return item{}, Errorf(Pos(start), "invalid hexadecimal number %q", src[start:l.off])
		}
		if l.off < len(src) && (isLetter(src[l.off]) || isDigit(src[l.off])) {
			return item{}, Errorf(Pos(start), "invalid hexadecimal number %q", src[start:l.off+1])
		}
		u, _ := strconv.ParseUint(src[ds:l.off], 16, 64)
		return item{tok: LONG, pos: Pos(start), text: strconv.FormatInt(int64(u), 10), raw: src[start:l.off]}, nil
	}
	for l.off < len(src) && isDigit(src[l.off]) {
		l.off++
	}
	isDouble := false
	if l.off+1 < len(src) && src[l.off] == '.' && isDigit(src[l.off+1]) {
		isDouble = true
		l.off++
		for l.off < len(src) && isDigit(src[l.off]) {
			l.off++
		}
	}
	if l.off < len(src) && (src[l.off] == 'e' || src[l.off] == 'E') {
		j := l.off + 1
		if j < len(src) && (src[j] == '-' || src[j] == '+') {
			j++
		}
		if j < len(src) && isDigit(src[j]) {
			isDouble = true
			l.off = j
			for l.off < len(src) && isDigit(src[l.off]) {
				l.off++
			}
		}
	}
	if isDouble {
		text := src[start:l.off]
		if l.off < len(src) && isLetter(src[l.off]) {
			return item{}, Errorf(Pos(start), "invalid number %q: a duration takes a whole number", text+string(src[l.off]))
		}
		if _, err := strconv.ParseFloat(text, 64); err != nil {
			return item{}, Errorf(Pos(start), "invalid number %q", text)
		}
		return item{tok: DOUBLE, pos: Pos(start), text: text, raw: text}, nil
	}
	digits := src[start:l.off]
	if l.off < len(src) && isLetter(src[l.off]) {
		us := l.off
		for l.off < len(src) && isLetter(src[l.off]) {
			l.off++
		}
		if _, err := strconv.ParseInt(digits, 10, 64); err != nil {
			return item{}, Errorf(Pos(start), "number %q does not fit a long", digits)
		}
		return item{tok: DUR, pos: Pos(start), text: src[us:l.off], raw: src[start:l.off]}, nil
	}
	if _, err := strconv.ParseInt(digits, 10, 64); err != nil {
		return item{}, Errorf(Pos(start), "number %q does not fit a long", digits)
	}
	return item{tok: LONG, pos: Pos(start), text: digits, raw: digits}, nil
}

// str lexes "…" (with escapes) and """…""" (raw; it ends at the last three quotes of
// the first run of three or more, spec/dql.md §2.1).
func (l *lexer) str() (item, *Error) {
	start := l.off
	src := l.src
	if strings.HasPrefix(src[l.off:], `"""`) {
		i := l.off + 3
		for i < len(src) {
			if src[i] != '"' {
				i++
				continue
			}
			j := i
			for j < len(src) && src[j] == '"' {
				j++
			}
			if j-i >= 3 {
				l.off = j
				return item{tok: STRING, pos: Pos(start), text: src[start+3 : j-3], raw: src[start:j]}, nil
			}
			i = j
		}
		return item{}, Errorf(Pos(start), "string literal not terminated")
	}
	var b strings.Builder
	i := l.off + 1
	for {
		if i >= len(src) {
			return item{}, Errorf(Pos(start), "string literal not terminated")
		}
		c := src[i]
		switch c {
		case '"':
			l.off = i + 1
			return item{tok: STRING, pos: Pos(start), text: b.String(), raw: src[start:l.off]}, nil
		case '\\':
			if i+1 >= len(src) {
				return item{}, Errorf(Pos(start), "string literal not terminated")
			}
			e := src[i+1]
			switch e {
			case '"', '\\':
				b.WriteByte(e)
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'u':
				if i+6 > len(src) {
					return item{}, Errorf(Pos(i), "invalid escape %q in string", src[i:])
				}
				n, err := strconv.ParseUint(src[i+2:i+6], 16, 16)
				if err != nil {
					return item{}, Errorf(Pos(i), "invalid escape %q in string", src[i:i+6])
				}
				r := rune(n)
				// A surrogate pair written as two \u escapes is one character.
				if r >= 0xD800 && r < 0xDC00 && i+12 <= len(src) && src[i+6:i+8] == `\u` {
					if m, err := strconv.ParseUint(src[i+8:i+12], 16, 16); err == nil && m >= 0xDC00 && m < 0xE000 {
						r = (r-0xD800)<<10 + (rune(m) - 0xDC00) + 0x10000
						i += 6
					}
				}
				b.WriteRune(r)
				i += 4
			default:
				r, _ := utf8.DecodeRuneInString(src[i+1:])
				return item{}, Errorf(Pos(i), "invalid escape %q in string", `\`+string(r))
			}
			i += 2
		default:
			b.WriteByte(c)
			i++
		}
	}
}

// backtick lexes `name`; a backslash escapes ` and \.
func (l *lexer) backtick() (item, *Error) {
	start := l.off
	var b strings.Builder
	for i := l.off + 1; i < len(l.src); i++ {
		c := l.src[i]
		switch c {
		case '`':
			l.off = i + 1
			return item{tok: QIDENT, pos: Pos(start), text: b.String(), raw: l.src[start:l.off]}, nil
		case '\\':
			if i+1 < len(l.src) && (l.src[i+1] == '`' || l.src[i+1] == '\\') {
				b.WriteByte(l.src[i+1])
				i++
				continue
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return item{}, Errorf(Pos(start), "name in backticks not terminated")
}

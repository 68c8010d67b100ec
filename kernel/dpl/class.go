package dpl

import (
	"strings"
	"unicode/utf8"
)

// charClass is a set of characters: a bracket class `[a-z]`, a named class (ALPHA,
// DIGIT, …, spec/dpl.md §4) or the line matchers LD and DATA (§5), which are classes
// with lazy matching. ASCII membership is a bitmap, already negated; other runes are
// looked up in ranges and then negated.
type charClass struct {
	ascii  [2]uint64
	ranges []runeRange // non-ASCII members before negation
	negate bool
}

type runeRange struct{ lo, hi rune }

// has reports whether r is in the class.
func (c *charClass) has(r rune) bool {
	if r < utf8.RuneSelf {
		return c.ascii[r>>6]&(1<<(uint(r)&63)) != 0
	}
	in := false
	for _, rg := range c.ranges {
		if r >= rg.lo && r <= rg.hi {
			in = true
			break
		}
	}
	return in != c.negate
}

// classBuilder collects ranges before negation is applied.
type classBuilder struct {
	ascii  [2]uint64
	ranges []runeRange
}

func (b *classBuilder) add(lo, hi rune) {
	for r := lo; r <= hi && r < utf8.RuneSelf; r++ {
		b.ascii[r>>6] |= 1 << (uint(r) & 63)
	}
	if hi >= utf8.RuneSelf {
		if lo < utf8.RuneSelf {
			lo = utf8.RuneSelf
		}
		b.ranges = append(b.ranges, runeRange{lo, hi})
	}
}

func (b *classBuilder) addClass(c *charClass) {
	b.ascii[0] |= c.ascii[0]
	b.ascii[1] |= c.ascii[1]
	if c.negate {
		// A negated named class (only NSPACE) admits every non-ASCII rune.
		b.ranges = append(b.ranges, runeRange{utf8.RuneSelf, utf8.MaxRune})
		return
	}
	b.ranges = append(b.ranges, c.ranges...)
}

func (b *classBuilder) build(negate bool) *charClass {
	c := &charClass{ascii: b.ascii, ranges: b.ranges, negate: negate}
	if negate {
		c.ascii[0], c.ascii[1] = ^c.ascii[0], ^c.ascii[1]
	}
	return c
}

// asciiClass builds a class from ASCII ranges given as pairs, e.g. "azAZ".
func asciiClass(pairs string, negate bool) *charClass {
	var b classBuilder
	for i := 0; i+1 < len(pairs); i += 2 {
		b.add(rune(pairs[i]), rune(pairs[i+1]))
	}
	return b.build(negate)
}

// setClass builds a class from a list of ASCII characters.
func setClass(chars string) *charClass {
	var b classBuilder
	for i := 0; i < len(chars); i++ {
		b.add(rune(chars[i]), rune(chars[i]))
	}
	return b.build(false)
}

// The named classes of spec/dpl.md §4. Letters and digits are ASCII only.
var namedClasses = map[string]*charClass{
	"ALPHA":  asciiClass("azAZ", false),
	"DIGIT":  asciiClass("09", false),
	"ALNUM":  asciiClass("azAZ09", false),
	"UPPER":  asciiClass("AZ", false),
	"LOWER":  asciiClass("az", false),
	"XDIGIT": asciiClass("09afAF", false),
	"WORD":   asciiClass("azAZ09__", false),
	"SPACE":  setClass(" \t\n\v\f\r"),
	"NSPACE": func() *charClass { var b classBuilder; b.addClass(setClass(" \t\n\v\f\r")); return b.build(true) }(),
	"BLANK":  setClass(" \t"),
	"PUNCT":  setClass("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"),
	"GRAPH":  asciiClass("!~", false),
	"PRINT":  asciiClass(" ~", false),
	"CNTRL":  asciiClass("\x00\x1f\x7f\x7f", false),
	"ASCII":  asciiClass("\x00\x7f", false),
}

// posixNames maps the bracket forms [:alpha:] to the named classes.
var posixNames = map[string]string{
	"alpha": "ALPHA", "digit": "DIGIT", "alnum": "ALNUM", "upper": "UPPER", "lower": "LOWER",
	"xdigit": "XDIGIT", "word": "WORD", "space": "SPACE", "blank": "BLANK", "punct": "PUNCT",
	"graph": "GRAPH", "print": "PRINT", "cntrl": "CNTRL", "ascii": "ASCII",
}

var (
	ldClass   = setClass("\n").negated() // LD: anything but a line feed
	dataClass = (&charClass{}).negated() // DATA: anything
)

func (c *charClass) negated() *charClass {
	return &charClass{ascii: [2]uint64{^c.ascii[0], ^c.ascii[1]}, ranges: c.ranges, negate: !c.negate}
}

// addFirst adds to s the bytes that can begin a member of c.
func (c *charClass) addFirst(s *byteSet) {
	s[0] |= c.ascii[0]
	s[1] |= c.ascii[1]
	if c.negate || len(c.ranges) > 0 {
		s[2], s[3] = ^uint64(0), ^uint64(0)
	}
}

// decodeRune is utf8.DecodeRuneInString with an ASCII fast path.
func decodeRune(s string, i int) (rune, int) {
	if c := s[i]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeRuneInString(s[i:])
}

// runeLen returns the byte length of the character at s[i]; an invalid byte counts as
// one character.
func runeLen(s string, i int) int {
	if s[i] < utf8.RuneSelf {
		return 1
	}
	_, n := utf8.DecodeRuneInString(s[i:])
	return n
}

// byteSet is a set of bytes: the bytes that can begin a non-empty match.
type byteSet [4]uint64

func (s *byteSet) add(b byte)       { s[b>>6] |= 1 << (b & 63) }
func (s *byteSet) has(b byte) bool  { return s[b>>6]&(1<<(b&63)) != 0 }
func (s *byteSet) addAll()          { *s = byteSet{^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0)} }
func (s *byteSet) union(o *byteSet) { s[0] |= o[0]; s[1] |= o[1]; s[2] |= o[2]; s[3] |= o[3] }
func (s *byteSet) addString(x string) {
	for i := 0; i < len(x); i++ {
		s.add(x[i])
	}
}

// parseClassExpr parses a bracket class, or [:name:] standing for a named class.
func (p *parser) parseClassExpr(e *expr) {
	start := p.pos
	if rest := p.src[p.pos:]; strings.HasPrefix(rest, "[:") {
		if i := strings.Index(rest, ":]"); i > 2 {
			if name, ok := posixNames[rest[2:i]]; ok {
				p.pos += i + 2
				e.m = &matcherNode{name: rest[:i+2], cls: namedClasses[name]}
				e.min, e.max = 1, defaultMax
				return
			}
		}
	}
	cls := p.parseClass()
	e.m = &matcherNode{name: p.src[start:p.pos], cls: cls}
}

// parseClass parses "[" ["^" | "!"] item { item } "]" where an item is a character,
// a range a-z, an escape (\] \[ \\ \- \^ \n \r \t \d \w \s) or [:name:].
func (p *parser) parseClass() *charClass {
	start := p.pos
	p.pos++
	negate := false
	if c := p.peek(); c == '^' || c == '!' {
		negate = true
		p.pos++
	}
	var b classBuilder
	items := 0
	for {
		if p.pos >= len(p.src) {
			p.fail(start, "unterminated character class")
		}
		if p.src[p.pos] == ']' {
			p.pos++
			break
		}
		if rest := p.src[p.pos:]; strings.HasPrefix(rest, "[:") {
			if i := strings.Index(rest, ":]"); i > 2 {
				name, ok := posixNames[rest[2:i]]
				if !ok {
					p.fail(p.pos, "unknown character class %q", rest[:i+2])
				}
				b.addClass(namedClasses[name])
				p.pos += i + 2
				items++
				continue
			}
		}
		at := p.pos
		lo, named := p.classChar()
		if named != nil {
			b.addClass(named)
			items++
			continue
		}
		hi := lo
		if p.peek() == '-' && p.pos+1 < len(p.src) && p.src[p.pos+1] != ']' {
			p.pos++
			var n2 *charClass
			hi, n2 = p.classChar()
			if n2 != nil {
				p.fail(at, "bad range in character class")
			}
			if hi < lo {
				p.fail(at, "bad range %q in character class", p.src[at:p.pos])
			}
		}
		b.add(lo, hi)
		items++
	}
	if items == 0 {
		p.fail(start, "empty character class")
	}
	return b.build(negate)
}

var escapeClasses = map[byte]*charClass{
	'd': namedClasses["DIGIT"], 'w': namedClasses["WORD"], 's': namedClasses["SPACE"],
}

// classChar reads one character of a class, or an escape standing for a class.
func (p *parser) classChar() (rune, *charClass) {
	if p.src[p.pos] != '\\' {
		r, n := utf8.DecodeRuneInString(p.src[p.pos:])
		p.pos += n
		return r, nil
	}
	if p.pos+1 >= len(p.src) {
		p.fail(p.pos, "unterminated character class")
	}
	c := p.src[p.pos+1]
	switch {
	case c == 'n':
		p.pos += 2
		return '\n', nil
	case c == 'r':
		p.pos += 2
		return '\r', nil
	case c == 't':
		p.pos += 2
		return '\t', nil
	case escapeClasses[c] != nil:
		p.pos += 2
		return 0, escapeClasses[c]
	case c < utf8.RuneSelf && !isIdent(c):
		p.pos += 2
		return rune(c), nil
	}
	r, _ := utf8.DecodeRuneInString(p.src[p.pos+1:])
	p.fail(p.pos, "unknown escape %q in character class", `\`+string(r))
	return 0, nil
}

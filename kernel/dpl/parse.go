package dpl

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxNesting caps how deeply groups, lookarounds and JSON member lists nest, so that
// the recursive parser and compiler cannot be driven into a stack overflow.
var maxNesting = 64

const (
	// defaultMax is the upper bound of `*`, `+`, `{m,}` and of the class matchers'
	// default quantifier (spec/dpl.md §2, §4).
	defaultMax = 4096
	// maxQuant bounds explicit quantifiers; the step budget bounds the work anyway.
	maxQuant = 1 << 20
	// maxLookbehind is how far a lookbehind looks back, in bytes (spec/dpl.md §2).
	maxLookbehind = 64
)

// lookKind is a lookaround modifier (spec/dpl.md §2).
type lookKind uint8

const (
	lookNone      lookKind = iota
	lookAhead              // >>
	lookNotAhead           // !>>
	lookBehind             // <<
	lookNotBehind          // !<<
)

var lookText = [...]string{"", ">>", "!>>", "<<", "!<<"}

// expr is one matcher expression (spec/dpl.md §2):
//
//	[lookaround] MATCHER [ "(" config ")" ] [ quantifier ] [ "?" ] [ ":" exportName ]
type expr struct {
	pos      int
	look     lookKind
	m        *matcherNode // a matcher, literal or class; nil for a group
	alts     [][]*expr    // a group's alternatives (one for a sequence group)
	min, max int          // repetitions, or characters for class-like matchers
	quant    bool         // a quantifier was written
	optional bool
	export   string
	expPos   int
	slot     int // export slot, -1 if not exported
	slotLo   int // first export slot assigned inside this expression
	slotHi   int // one past the last
}

// matcherNode is a single matcher: an atom, or a character class that counts
// characters (the bracket and named classes, LD and DATA).
type matcherNode struct {
	name string
	a    atom
	cls  *charClass
	lazy bool // LD, DATA
	text bool // the matched text is a string (STRING-like member matchers)
}

// parser reads pattern text. Errors panic with *Error and are recovered by parse, as
// in text/template; nothing else panics.
type parser struct {
	src   string
	pos   int
	depth int
	slots []*expr // exported expressions, in the order of their export names
}

func (p *parser) fail(at int, format string, args ...any) {
	panic(&Error{Offset: at, Msg: fmt.Sprintf(format, args...)})
}

func quote(s string) string { return strconv.Quote(s) }

// found describes the text at at for "found %s" messages.
func (p *parser) found(at int) string {
	if at >= len(p.src) {
		return "end of pattern"
	}
	if isLetter(p.src[at]) {
		j := at
		for j < len(p.src) && isIdent(p.src[j]) {
			j++
		}
		return quote(p.src[at:j])
	}
	r, _ := utf8.DecodeRuneInString(p.src[at:])
	return quote(string(r))
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isIdent(c byte) bool  { return isLetter(c) || isDigit(c) || c == '_' }

func (p *parser) peek() byte {
	if p.pos < len(p.src) {
		return p.src[p.pos]
	}
	return 0
}

func (p *parser) enter(at int) {
	if p.depth++; p.depth > maxNesting {
		p.fail(at, "pattern nested more than %d levels deep", maxNesting)
	}
}

func (p *parser) leave() { p.depth-- }

// skip skips whitespace and comments, and commas too when commas is set.
func (p *parser) skip(commas bool) {
	for p.pos < len(p.src) {
		switch c := p.src[p.pos]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			p.pos++
		case c == ',' && commas:
			p.pos++
		case strings.HasPrefix(p.src[p.pos:], "//"):
			if i := strings.IndexByte(p.src[p.pos:], '\n'); i >= 0 {
				p.pos += i + 1
			} else {
				p.pos = len(p.src)
			}
		case strings.HasPrefix(p.src[p.pos:], "/*"):
			i := strings.Index(p.src[p.pos+2:], "*/")
			if i < 0 {
				p.fail(p.pos, "unterminated comment")
			}
			p.pos += i + 4
		default:
			return
		}
	}
}

// parse parses a whole pattern: pattern = { expr }.
func parse(src string) (seq []*expr, slots []*expr, err *Error) {
	p := &parser{src: src}
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(*Error)
			if !ok {
				panic(r)
			}
			err = e
		}
	}()
	seq = p.parseSeq()
	if p.pos < len(src) {
		switch src[p.pos] {
		case '|':
			p.fail(p.pos, "alternatives must be enclosed in parentheses")
		default:
			p.fail(p.pos, "unexpected %s", p.found(p.pos))
		}
	}
	if len(seq) == 0 {
		p.fail(0, "empty pattern")
	}
	return seq, p.slots, nil
}

// parseSeq parses expressions up to ")", "|" or the end: seq = { expr }.
func (p *parser) parseSeq() []*expr {
	var seq []*expr
	for {
		p.skip(true)
		if c := p.peek(); p.pos >= len(p.src) || c == ')' || c == '|' {
			return seq
		}
		seq = append(seq, p.parseExpr())
	}
}

// parseExpr parses one expression:
//
//	expr = [ ">>" | "!>>" | "<<" | "!<<" ] primary [ quantifier ] [ "?" ] [ ":" name ]
func (p *parser) parseExpr() *expr {
	e := &expr{pos: p.pos, slot: -1, min: 1, max: 1, slotLo: len(p.slots)}
	for k := lookNotBehind; k > lookNone; k-- {
		if strings.HasPrefix(p.src[p.pos:], lookText[k]) {
			e.look = k
			p.pos += len(lookText[k])
			p.enter(e.pos)
			defer p.leave()
			p.skip(false)
			break
		}
	}
	p.parsePrimary(e)
	p.skip(false)
	p.parseQuant(e)
	p.skip(false)
	if p.peek() == '?' {
		e.optional = true
		p.pos++
		p.skip(false)
	}
	if p.peek() == ':' {
		p.pos++
		p.skip(false)
		e.expPos = p.pos
		e.export = p.parseName("export name")
		e.slot = len(p.slots)
		p.slots = append(p.slots, e)
		p.skip(false)
		switch p.peek() {
		case '?':
			p.fail(p.pos, "%q must come before the export name", "?")
		case '{', '*', '+':
			p.fail(p.pos, "quantifier must come before the export name")
		}
	} else if c := p.peek(); e.optional && (c == '{' || c == '*' || c == '+') {
		p.fail(p.pos, "quantifier must come before %q", "?")
	}
	e.slotHi = len(p.slots)
	if (e.look == lookNotAhead || e.look == lookNotBehind) && e.slotHi > e.slotLo {
		x := p.slots[e.slotLo]
		p.fail(x.expPos, "cannot export %q from a negative lookaround", x.export)
	}
	return e
}

// parsePrimary parses a literal, a character class, a group or a named matcher.
func (p *parser) parsePrimary(e *expr) {
	switch c := p.peek(); {
	case p.pos >= len(p.src):
		p.fail(p.pos, "expected matcher, found end of pattern")
	case c == '\'' || c == '"':
		at := p.pos
		text := p.parseQuoted("literal")
		e.m = &matcherNode{name: quote(p.src[at:p.pos]), a: &literalAtom{text}}
	case c == '[':
		p.parseClassExpr(e)
	case c == '(':
		p.parseGroup(e)
	case c == '$':
		p.fail(p.pos, "macros are not supported by trailbook")
	case isLetter(c):
		p.parseMatcher(e)
	default:
		p.fail(p.pos, "expected matcher, found %s", p.found(p.pos))
	}
}

// parseQuoted parses a quoted string: '…' or "…", where \ escapes the quote, \\ is a
// backslash and \n, \r, \t are control characters.
func (p *parser) parseQuoted(what string) string {
	start := p.pos
	q := p.src[p.pos]
	p.pos++
	var b strings.Builder
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch c {
		case q:
			p.pos++
			return b.String()
		case '\\':
			if p.pos+1 >= len(p.src) {
				p.fail(start, "unterminated %s", what)
			}
			switch e := p.src[p.pos+1]; e {
			case '\\', '\'', '"':
				b.WriteByte(e)
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			default:
				r, _ := utf8.DecodeRuneInString(p.src[p.pos+1:])
				p.fail(p.pos, "unknown escape %q in %s", `\`+string(r), what)
			}
			p.pos += 2
		default:
			b.WriteByte(c)
			p.pos++
		}
	}
	p.fail(start, "unterminated %s", what)
	return ""
}

// parseName parses an export or member name: a bare name [A-Za-z][A-Za-z0-9_]* or a
// quoted one.
func (p *parser) parseName(what string) string {
	at := p.pos
	switch c := p.peek(); {
	case c == '\'' || c == '"':
		name := p.parseQuoted(what)
		if name == "" {
			p.fail(at, "empty %s", what)
		}
		return name
	case isLetter(c):
		for p.pos < len(p.src) && isIdent(p.src[p.pos]) {
			p.pos++
		}
		return p.src[at:p.pos]
	}
	p.fail(at, "expected %s after %q, found %s", what, ":", p.found(at))
	return ""
}

// parseQuant parses a quantifier: "{" [min] ["," [max]] "}" | "*" | "+".
func (p *parser) parseQuant(e *expr) {
	at := p.pos
	switch p.peek() {
	case '*':
		e.min, e.max = 0, defaultMax
	case '+':
		e.min, e.max = 1, defaultMax
	case '{':
		p.pos++
		p.skip(false)
		lo, hasLo := p.parseInt()
		hi, hasHi := lo, hasLo
		p.skip(false)
		if p.peek() == ',' {
			p.pos++
			p.skip(false)
			hi, hasHi = p.parseInt()
			if !hasHi {
				hi = max(defaultMax, lo)
			}
			if !hasLo {
				lo = 0
			}
			p.skip(false)
		} else if !hasLo {
			p.fail(p.pos, "expected number in quantifier, found %s", p.found(p.pos))
		}
		if p.peek() != '}' {
			p.fail(p.pos, "expected %q to close quantifier, found %s", "}", p.found(p.pos))
		}
		if !hasLo && !hasHi {
			p.fail(at, "quantifier needs a minimum or a maximum")
		}
		if lo > hi {
			p.fail(at, "quantifier minimum %d is greater than maximum %d", lo, hi)
		}
		e.min, e.max = lo, hi
	default:
		return
	}
	p.pos++
	e.quant = true
}

func (p *parser) parseInt() (int, bool) {
	at := p.pos
	n := 0
	for p.pos < len(p.src) && isDigit(p.src[p.pos]) {
		if n = n*10 + int(p.src[p.pos]-'0'); n > maxQuant {
			p.fail(at, "quantifier larger than %d", maxQuant)
		}
		p.pos++
	}
	return n, p.pos > at
}

// parseGroup parses a group and its config:
//
//	group = "(" seq { "|" seq } ")" [ "(" "fs" "=" string ")" ]
func (p *parser) parseGroup(e *expr) {
	start := p.pos
	p.enter(start)
	defer p.leave()
	p.pos++
	for {
		seq := p.parseSeq()
		if len(seq) == 0 {
			if p.pos >= len(p.src) {
				p.fail(start, "unterminated group")
			}
			p.fail(p.pos, "expected matcher, found %s", p.found(p.pos))
		}
		e.alts = append(e.alts, seq)
		if p.pos >= len(p.src) {
			p.fail(start, "unterminated group")
		}
		c := p.src[p.pos]
		p.pos++
		if c == ')' {
			break
		}
	}
	if p.peek() == '(' && p.looksLikeConfig(false) {
		cfg := p.parseConfig()
		if it := cfg.get("fs"); it != nil {
			if !it.isStr {
				p.fail(it.pos, "fs= must be a quoted string")
			}
			for i, seq := range e.alts {
				e.alts[i] = withSeparator(seq, it.s)
			}
		}
		cfg.done(p, "group")
	}
}

// withSeparator inserts the literal fs between consecutive members:
// (INT:a LD:b IPADDR:c)(fs=',') ≡ INT:a ',' LD:b ',' IPADDR:c.
func withSeparator(seq []*expr, fs string) []*expr {
	out := make([]*expr, 0, 2*len(seq))
	for i, e := range seq {
		if i > 0 {
			out = append(out, &expr{pos: e.pos, slot: -1, min: 1, max: 1,
				m: &matcherNode{name: quote(fs), a: &literalAtom{fs}}})
		}
		out = append(out, e)
	}
	return out
}

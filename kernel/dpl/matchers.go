package dpl

import (
	"strings"
	"time"
)

// unsupported are the matchers of spec/dpl.md §10.
var unsupported = map[string]bool{
	"KVP": true, "ARRAY": true, "STRUCTURE": true, "ENUM": true, "CREDITCARD": true,
	"SMARTSCAPEID": true, "TIMESTAMP_NANO": true,
}

// parseMatcher parses a named matcher with its config and, for JSON, member list:
//
//	matcher = NAME [ "(" config ")" ] [ "{" members "}" [ "(" config ")" ] ]
func (p *parser) parseMatcher(e *expr) {
	at := p.pos
	for p.pos < len(p.src) && isIdent(p.src[p.pos]) {
		p.pos++
	}
	raw := p.src[at:p.pos]
	name := strings.ToUpper(raw)
	if unsupported[name] {
		p.fail(at, "%s is not supported by trailbook", name)
	}
	build, ok := builders[name]
	if !ok {
		if s := suggest(name); s != "" {
			p.fail(at, "unknown matcher %q (did you mean %q?)", raw, s)
		}
		p.fail(at, "unknown matcher %q", raw)
	}
	var cfg *config
	if p.peek() == '(' && p.looksLikeConfig(true) {
		cfg = p.parseConfig()
	}
	if isJSONName(name) {
		save := p.pos
		p.skip(false)
		if p.peek() == '{' && !p.quantAhead() {
			if name != "JSON" && name != "JSON_OBJECT" {
				p.fail(p.pos, "member lists are only allowed on JSON and JSON_OBJECT")
			}
			members := p.parseMembers()
			if cfg == nil && p.peek() == '(' && p.looksLikeConfig(false) {
				cfg = p.parseConfig()
			}
			e.m = &matcherNode{name: name}
			a := p.buildJSON(name, cfg, members)
			e.m.a = a
			cfg.done(p, name)
			return
		}
		p.pos = save
	}
	e.m = &matcherNode{name: name}
	build(p, e, cfg)
	cfg.done(p, name)
}

// quantAhead reports whether the "{" at p.pos opens a quantifier ({2}, {1,3}, {,4}).
func (p *parser) quantAhead() bool {
	i := p.pos + 1
	for i < len(p.src) && p.src[i] == ' ' {
		i++
	}
	return i < len(p.src) && (isDigit(p.src[i]) || p.src[i] == ',')
}

func isJSONName(n string) bool {
	return n == "JSON" || n == "JSON_OBJECT" || n == "JSON_ARRAY" || n == "JSON_VALUE"
}

// builder fills e.m (and the default quantifier) for a named matcher.
type builder func(p *parser, e *expr, cfg *config)

func literal(text string) builder {
	return func(p *parser, e *expr, cfg *config) { e.m.a = &literalAtom{text} }
}

func class(cls *charClass, lazy bool) builder {
	return func(p *parser, e *expr, cfg *config) {
		e.m.cls, e.m.lazy, e.m.text = cls, lazy, lazy
		e.min, e.max = 1, defaultMax
	}
}

func atomOf(a atom, text bool) builder {
	return func(p *parser, e *expr, cfg *config) { e.m.a, e.m.text = a, text }
}

func number(k numKind) builder {
	return func(p *parser, e *expr, cfg *config) {
		a := &numAtom{kind: k}
		for _, key := range [...]string{"min", "max"} {
			it := cfg.get(key)
			if it == nil {
				continue
			}
			if it.isStr || it.isBool {
				p.fail(it.pos, "%s= must be a number", key)
			}
			if key == "min" {
				a.min, a.hasMin = it.n, true
			} else {
				a.max, a.hasMax = it.n, true
			}
		}
		e.m.a = a
	}
}

func timeMatcher(k timeKind, format string) builder {
	return func(p *parser, e *expr, cfg *config) {
		a := &timeAtom{kind: k, loc: time.UTC}
		f, fpos := format, -1
		if cfg != nil && cfg.positional != nil {
			if k != timeDefault {
				p.fail(cfg.positional.pos, "%s takes no format", e.m.name)
			}
			cfg.positional.used = true
			f, fpos = cfg.positional.s, cfg.positional.pos
		}
		if it := cfg.get("format"); it != nil {
			if !it.isStr || f != format {
				p.fail(it.pos, "format= must be a single quoted string")
			}
			f, fpos = it.s, it.pos
		}
		if f != "" {
			fields, epoch, msg, off := compileTimeFormat(f)
			if msg != "" {
				if fpos < 0 {
					panic("BUG: built-in time format " + f + ": " + msg)
				}
				p.fail(fpos+1+off, "%s", msg)
			}
			a.kind, a.fields, a.epoch = timeFormat, fields, epoch
		}
		tz, tzKey := cfg.get("timezone"), "timezone"
		if tz2 := cfg.get("tz"); tz2 != nil {
			if tz != nil {
				p.fail(tz2.keyPos, "tz= and timezone= given together")
			}
			tz, tzKey = tz2, "tz"
		}
		if tz != nil {
			if !tz.isStr {
				p.fail(tz.pos, "%s= must be a quoted zone name", tzKey)
			}
			loc, ok := loadZone(tz.s)
			if !ok {
				p.fail(tz.pos, "unknown time zone %q", tz.s)
			}
			a.loc = loc
		}
		e.m.a = a
	}
}

func jsonMatcher(k jsonKind) builder {
	return func(p *parser, e *expr, cfg *config) {
		a := p.buildJSON(e.m.name, cfg, nil)
		a.kind = k
		e.m.a = a
	}
}

// buildJSON makes a JSON matcher from its config and member list.
func (p *parser) buildJSON(name string, cfg *config, members []jsonMember) *jsonAtom {
	a := &jsonAtom{maxLen: defaultJSONMaxLen, strict: true, members: members, hasList: members != nil}
	switch name {
	case "JSON_ARRAY":
		a.kind = jsonArray
	case "JSON_VALUE":
		a.kind = jsonValue
	}
	if it := cfg.get("maxlen"); it != nil {
		if it.isStr || it.isBool || it.n < 1 || it.n > 1<<30 {
			p.fail(it.pos, "maxlen= must be a number between 1 and %d", 1<<30)
		}
		a.maxLen = int(it.n)
	}
	if it := cfg.get("strict"); it != nil {
		if !it.isBool {
			p.fail(it.pos, "strict= must be true or false")
		}
		a.strict = it.b
	}
	if it := cfg.get("greedy"); it != nil {
		if !it.isStr || it.s == "" {
			p.fail(it.pos, "greedy= must be a quoted field name")
		}
		if a.kind != jsonObject {
			p.fail(it.keyPos, "greedy= applies to JSON objects only")
		}
		a.greedy = it.s
		a.hasList = true
	}
	if it := cfg.get("flat"); it != nil {
		p.fail(it.keyPos, "flat= is not supported by trailbook")
	}
	return a
}

// builders maps matcher names (upper case) to their builders.
var builders map[string]builder

func init() {
	builders = map[string]builder{
		"EOL": literal("\n"), "LF": literal("\n"), "CR": literal("\r"),
		"EOLWIN": literal("\r\n"), "WINEOL": literal("\r\n"),
		"EOS": atomOf(&posAtom{end: true}, false), "EOF": atomOf(&posAtom{end: true}, false),
		"BOS": atomOf(&posAtom{}, false), "BOF": atomOf(&posAtom{}, false),
		"LD": class(ldClass, true), "LDATA": class(ldClass, true), "DATA": class(dataClass, true),
		"DQS":    atomOf(&quotedAtom{quote: '"'}, true),
		"SQS":    atomOf(&quotedAtom{quote: '\''}, true),
		"CSVDQS": atomOf(&quotedAtom{quote: '"', csv: true, empty: true}, true),
		"CSVSQS": atomOf(&quotedAtom{quote: '\'', csv: true, empty: true}, true),
		"STRING": atomOf(stringAtom{}, true),
		"INT":    number(numInt), "INTEGER": number(numInt), "LONG": number(numLong),
		"HEXINT": number(numHexInt), "HEXLONG": number(numHexLong),
		"DOUBLE": number(numDouble), "FLOAT": number(numDouble),
		"CDOUBLE": number(numCDouble), "CFLOAT": number(numCDouble),
		"BOOLEAN": atomOf(boolAtom{}, false), "BOOL": atomOf(boolAtom{}, false),
		"IPADDR": atomOf(&ipAtom{v4: true, v6: true}, false), "IP": atomOf(&ipAtom{v4: true, v6: true}, false),
		"IPV4": atomOf(&ipAtom{v4: true}, false), "IPV4ADDR": atomOf(&ipAtom{v4: true}, false),
		"IPV6": atomOf(&ipAtom{v6: true}, false), "IPV6ADDR": atomOf(&ipAtom{v6: true}, false),
		"ISO8601":       timeMatcher(timeISO, ""),
		"JSONTIMESTAMP": timeMatcher(timeJSON, ""),
		"HTTPDATE":      timeMatcher(timeFormat, "dd/MMM/yyyy:HH:mm:ss Z"),
		"TIMESTAMP":     timeMatcher(timeDefault, ""), "TIME": timeMatcher(timeDefault, ""),
		"JSON": jsonMatcher(jsonObject), "JSON_OBJECT": jsonMatcher(jsonObject),
		"JSON_ARRAY": jsonMatcher(jsonArray), "JSON_VALUE": jsonMatcher(jsonValue),
	}
	for name, cls := range namedClasses {
		builders[name] = class(cls, false)
	}
}

// parseMembers parses a JSON member list:
//
//	members = "{" [ member { [","] member } ] "}"
//	member  = MATCHER [ "(" config ")" ] { "[]" } [ "+" ] ":" name [ ":" field ]
func (p *parser) parseMembers() []jsonMember {
	start := p.pos
	p.enter(start)
	defer p.leave()
	p.pos++
	members := []jsonMember{}
	for {
		p.skip(true)
		if p.pos >= len(p.src) {
			p.fail(start, "unterminated JSON member list")
		}
		if p.src[p.pos] == '}' {
			p.pos++
			return members
		}
		members = append(members, p.parseMember())
	}
}

func (p *parser) parseMember() jsonMember {
	var m jsonMember
	e := &expr{pos: p.pos, slot: -1, min: 1, max: 1}
	switch c := p.peek(); {
	case c == '\'' || c == '"':
		at := p.pos
		text := p.parseQuoted("literal")
		e.m = &matcherNode{name: quote(p.src[at:p.pos]), a: &literalAtom{text}}
	case c == '[':
		p.parseClassExpr(e)
	case isLetter(c):
		p.parseMatcher(e)
	default:
		p.fail(p.pos, "expected matcher in JSON member list, found %s", p.found(p.pos))
	}
	p.skip(false)
	if e.m.cls != nil && p.peek() == '{' {
		p.parseQuant(e)
		p.skip(false)
	}
	switch {
	case e.m.text:
		m.conv = convString{}
	case e.m.cls != nil:
		m.conv = convClass{cls: e.m.cls, min: e.min, max: e.max}
	default:
		if j, ok := e.m.a.(*jsonAtom); ok {
			m.conv = j
		} else {
			m.conv = convAtom{e.m.a}
		}
	}
	for strings.HasPrefix(p.src[p.pos:], "[]") {
		m.conv = convArray{m.conv}
		p.pos += 2
		p.skip(false)
	}
	if p.peek() == '+' {
		m.mandatory = true
		p.pos++
		p.skip(false)
	}
	if p.peek() != ':' {
		p.fail(p.pos, "expected %q and member name in JSON member list, found %s", ":", p.found(p.pos))
	}
	p.pos++
	p.skip(false)
	m.name = p.parseName("member name")
	m.field = m.name
	p.skip(false)
	if p.peek() == ':' {
		p.pos++
		p.skip(false)
		m.field = p.parseName("field name")
	}
	return m
}

// suggest returns the known matcher closest to name (an edit distance of at most 2,
// and less than half its length), or "" if there is none or no single best one.
func suggest(name string) string {
	best, bestD, ties := "", 3, 0
	for known := range builders {
		d := editDistance(name, known)
		switch {
		case d < bestD:
			best, bestD, ties = known, d, 0
		case d == bestD:
			ties++
		}
	}
	if ties > 0 || 2*bestD >= len(name) {
		return ""
	}
	return best
}

// editDistance is the Levenshtein distance of two short ASCII names.
func editDistance(a, b string) int {
	if len(a) > 32 || len(b) > 32 {
		return 99
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

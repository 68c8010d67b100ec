package dpl

import (
	"strconv"
	"strings"
)

// config is a parsed "(" item { "," item } ")": an optional positional string first,
// then key=value pairs.
type config struct {
	positional *cfgItem
	items      []cfgItem
}

type cfgItem struct {
	key    string
	keyPos int
	pos    int // of the value
	isStr  bool
	isBool bool
	s      string
	n      float64
	b      bool
	used   bool
}

// looksLikeConfig reports whether the "(" at p.pos opens a config rather than a group:
// "()" and "(key=…" always do; "('…" does right after a matcher name, where a format
// may stand (so that `TIMESTAMP('yyyy')` is never read as TIMESTAMP and a literal).
func (p *parser) looksLikeConfig(positional bool) bool {
	i := p.pos + 1
	for i < len(p.src) && (p.src[i] == ' ' || p.src[i] == '\t' || p.src[i] == '\n' || p.src[i] == '\r') {
		i++
	}
	if i < len(p.src) && p.src[i] == ')' {
		return true
	}
	if i < len(p.src) && isLetter(p.src[i]) {
		for i < len(p.src) && isIdent(p.src[i]) {
			i++
		}
		for i < len(p.src) && (p.src[i] == ' ' || p.src[i] == '\t') {
			i++
		}
		return i < len(p.src) && p.src[i] == '='
	}
	return positional && i < len(p.src) && (p.src[i] == '\'' || p.src[i] == '"')
}

// parseConfig parses "(" [ string ] { [","] key "=" value } ")".
func (p *parser) parseConfig() *config {
	start := p.pos
	p.pos++
	cfg := &config{}
	for first := true; ; first = false {
		p.skip(false)
		if p.pos >= len(p.src) {
			p.fail(start, "unterminated configuration")
		}
		if p.src[p.pos] == ')' {
			p.pos++
			return cfg
		}
		if !first {
			if p.src[p.pos] != ',' {
				p.fail(p.pos, "expected %q or %q in configuration, found %s", ",", ")", p.found(p.pos))
			}
			p.pos++
			p.skip(false)
		}
		at := p.pos
		if c := p.peek(); c == '\'' || c == '"' {
			if !first {
				p.fail(at, "a format must come first in the configuration")
			}
			cfg.positional = &cfgItem{pos: at, isStr: true, s: p.parseQuoted("string")}
			continue
		}
		if !isLetter(p.peek()) {
			p.fail(at, "expected configuration key, found %s", p.found(at))
		}
		for p.pos < len(p.src) && isIdent(p.src[p.pos]) {
			p.pos++
		}
		it := cfgItem{key: strings.ToLower(p.src[at:p.pos]), keyPos: at}
		for _, o := range cfg.items {
			if o.key == it.key {
				p.fail(at, "duplicate configuration key %q", p.src[at:p.pos])
			}
		}
		p.skip(false)
		if p.peek() != '=' {
			p.fail(p.pos, "expected %q after %q, found %s", "=", it.key, p.found(p.pos))
		}
		p.pos++
		p.skip(false)
		it.pos = p.pos
		switch c := p.peek(); {
		case c == '\'' || c == '"':
			it.isStr, it.s = true, p.parseQuoted("string")
		case isDigit(c) || c == '-' || c == '+' || c == '.':
			j := p.pos + 1
			for j < len(p.src) && (isDigit(p.src[j]) || p.src[j] == '.' || (p.src[j]|0x20) == 'e' ||
				(p.src[j] == '-' || p.src[j] == '+') && (p.src[j-1]|0x20) == 'e') {
				j++
			}
			n, err := strconv.ParseFloat(p.src[p.pos:j], 64)
			if err != nil {
				p.fail(p.pos, "bad number %q in configuration", p.src[p.pos:j])
			}
			it.n = n
			p.pos = j
		case isLetter(c):
			j := p.pos
			for j < len(p.src) && isIdent(p.src[j]) {
				j++
			}
			switch strings.ToLower(p.src[p.pos:j]) {
			case "true":
				it.isBool, it.b = true, true
			case "false":
				it.isBool = true
			default:
				p.fail(p.pos, "expected quoted string, number or boolean for %q, found %s", it.key, p.found(p.pos))
			}
			p.pos = j
		default:
			p.fail(p.pos, "expected value for %q, found %s", it.key, p.found(p.pos))
		}
		cfg.items = append(cfg.items, it)
	}
}

func (c *config) get(key string) *cfgItem {
	if c == nil {
		return nil
	}
	for i := range c.items {
		if c.items[i].key == key {
			c.items[i].used = true
			return &c.items[i]
		}
	}
	return nil
}

// done reports the first item no builder took, and charset=/locale= checks.
func (c *config) done(p *parser, what string) {
	if c == nil {
		return
	}
	if c.positional != nil && !c.positional.used {
		p.fail(c.positional.pos, "%s takes no format", what)
	}
	for i := range c.items {
		it := &c.items[i]
		if it.used {
			continue
		}
		switch it.key {
		case "charset":
			p.fail(it.keyPos, "charset= is not supported by trailbook")
		case "locale":
			if !it.isStr {
				p.fail(it.pos, "locale must be a quoted string")
			}
			if l := strings.ToLower(it.s); l != "en" && !strings.HasPrefix(l, "en-") && !strings.HasPrefix(l, "en_") {
				p.fail(it.pos, "locale %q is not supported by trailbook (only English)", it.s)
			}
			continue
		}
		p.fail(it.keyPos, "unknown configuration key %q for %s", it.key, what)
	}
}

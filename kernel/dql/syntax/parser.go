package syntax

import (
	"strconv"
	"strings"

	"github.com/trailbook/trailbook/kernel/dql/value"
)

// MaxDepth bounds the nesting of expressions, groups and sub-queries, so that no input
// can exhaust the stack. Tests lower it.
var MaxDepth = 200

// Parse parses a DQL query. The error, if any, is an *Error bound to src.
func Parse(src string) (*Query, error) {
	items, lerr := lex(src)
	if lerr != nil {
		return nil, lerr.Bind(src)
	}
	p := &parser{items: items, src: src}
	q, err := p.query(true)
	if err != nil {
		return nil, err.Bind(src)
	}
	return q, nil
}

// ParseExpr parses a single expression (used by tools that build queries).
func ParseExpr(src string) (Expr, error) {
	items, lerr := lex(src)
	if lerr != nil {
		return nil, lerr.Bind(src)
	}
	p := &parser{items: items, src: src}
	x, err := p.expr()
	if err == nil && p.tok() != EOF {
		err = p.unexpected("end of expression")
	}
	if err != nil {
		return nil, err.Bind(src)
	}
	return x, nil
}

type parser struct {
	items []item
	i     int
	src   string
	depth int
}

func (p *parser) cur() item   { return p.items[p.i] }
func (p *parser) tok() Token  { return p.items[p.i].tok }
func (p *parser) peek() Token { return p.peekN(1) }
func (p *parser) peekN(n int) Token {
	if p.i+n < len(p.items) {
		return p.items[p.i+n].tok
	}
	return EOF
}
func (p *parser) advance() item {
	it := p.items[p.i]
	if p.i < len(p.items)-1 {
		p.i++
	}
	return it
}

func (p *parser) found() string {
	it := p.cur()
	if it.tok == EOF {
		return "end of query"
	}
	return strconv.Quote(it.raw)
}

func (p *parser) unexpected(expected string) *Error {
	return Errorf(p.cur().pos, "expected %s, found %s", expected, p.found())
}

func (p *parser) expect(t Token, expected string) (item, *Error) {
	if p.tok() != t {
		return item{}, p.unexpected(expected)
	}
	return p.advance(), nil
}

func (p *parser) enter() *Error {
	p.depth++
	if p.depth > MaxDepth {
		return Errorf(p.cur().pos, "query nested too deeply (more than %d levels)", MaxDepth)
	}
	return nil
}

func (p *parser) leave() { p.depth-- }

// query = command { "|" command } ;
func (p *parser) query(top bool) (*Query, *Error) {
	q := &Query{Start: p.cur().pos}
	if p.tok() == PIPE {
		return nil, Errorf(p.cur().pos, "a query starts with a command, not %q", "|")
	}
	for {
		c, err := p.command()
		if err != nil {
			return nil, err
		}
		q.Commands = append(q.Commands, c)
		if p.tok() != PIPE {
			break
		}
		p.advance()
	}
	if top && p.tok() != EOF {
		return nil, p.unexpected(`"|" or end of query`)
	}
	return q, nil
}

// command = IDENT [ param { "," param } ] ;
func (p *parser) command() (*Command, *Error) {
	if p.tok() != IDENT {
		return nil, p.unexpected("a command name")
	}
	name := p.advance()
	c := &Command{NamePos: name.pos, Name: name.text}
	if p.tok() == PIPE || p.tok() == EOF || p.tok() == RBRACK {
		return c, nil
	}
	for {
		prm, err := p.param(true)
		if err != nil {
			return nil, err
		}
		c.Params = append(c.Params, prm)
		if p.tok() != COMMA {
			break
		}
		p.advance()
	}
	switch p.tok() {
	case PIPE, EOF, RBRACK:
		return c, nil
	}
	return nil, p.unexpected(`"," or "|" after parameter`)
}

// isName reports whether the current token can name a parameter or field.
func (p *parser) isName(t Token) bool { return t == IDENT || t == QIDENT }

// param = named | assign | expr [asc|desc] | group | subquery ;
// named = PARAM_NAME ":" ( expr | group | assign ) ;
func (p *parser) param(inCommand bool) (*Param, *Error) {
	if p.tok() == IDENT && p.peek() == COLON {
		name := p.advance()
		p.advance()
		v, err := p.paramValue(inCommand)
		if err != nil {
			return nil, err
		}
		return &Param{NamePos: name.pos, Name: name.text, Value: v}, nil
	}
	v, err := p.paramValue(inCommand)
	if err != nil {
		return nil, err
	}
	return &Param{NamePos: v.Pos(), Value: v}, nil
}

func (p *parser) paramValue(inCommand bool) (Node, *Error) {
	if p.isName(p.tok()) && p.peek() == ASSIGN {
		return p.assign()
	}
	if p.tok() == LBRACK {
		return p.subquery()
	}
	if p.tok() == LBRACE {
		g, err := p.group()
		if err != nil {
			return nil, err
		}
		return p.maybeSorted(g)
	}
	x, err := p.expr()
	if err != nil {
		return nil, err
	}
	return p.maybeSorted(x)
}

// maybeSorted accepts a trailing asc/desc, as sort keys have.
func (p *parser) maybeSorted(n Node) (Node, *Error) {
	if p.tok() != IDENT {
		return n, nil
	}
	dir := p.cur().text
	if dir != "asc" && dir != "desc" {
		return n, nil
	}
	x, ok := n.(Expr)
	if !ok {
		return nil, Errorf(p.cur().pos, "%q applies to an expression", dir)
	}
	p.advance()
	return &Sorted{X: x, Desc: dir == "desc", Dir: dir}, nil
}

// assign = fieldname "=" ( expr | subquery ) ;
func (p *parser) assign() (Node, *Error) {
	name := p.advance()
	p.advance() // =
	a := &AssignExpr{NamePos: name.pos, Name: name.text}
	if p.tok() == LBRACK {
		sq, err := p.subquery()
		if err != nil {
			return nil, err
		}
		a.Value = sq
		return a, nil
	}
	if p.tok() == LBRACE {
		g, err := p.group()
		if err != nil {
			return nil, err
		}
		a.Value = g
		return a, nil
	}
	x, err := p.expr()
	if err != nil {
		return nil, err
	}
	a.Value = x
	return a, nil
}

// subquery = "[" query "]" ;
func (p *parser) subquery() (*SubQuery, *Error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	lb := p.advance()
	q, err := p.query(false)
	if err != nil {
		return nil, err
	}
	if _, err := p.expect(RBRACK, `"]" to close the sub-query`); err != nil {
		return nil, err
	}
	return &SubQuery{Lbrack: lb.pos, Query: q}, nil
}

// group = "{" [ groupitem { "," groupitem } ] "}" ;
func (p *parser) group() (*Group, *Error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	lb := p.advance()
	g := &Group{Lbrace: lb.pos}
	if p.tok() == RBRACE {
		p.advance()
		return g, nil
	}
	for {
		v, err := p.paramValue(false)
		if err != nil {
			return nil, err
		}
		g.Items = append(g.Items, v)
		if p.tok() == COMMA {
			p.advance()
			continue
		}
		if p.tok() == RBRACE {
			p.advance()
			return g, nil
		}
		return nil, p.unexpected(`"," or "}"`)
	}
}

// expr = or ;
func (p *parser) expr() (Expr, *Error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	return p.binary(0)
}

// Binary precedence levels, loosest first: or, xor, and.
var logicLevels = [][]Token{{OR}, {XOR}, {AND}}

// binary parses the logical levels (or, xor, and), then not.
func (p *parser) binary(level int) (Expr, *Error) {
	if level == len(logicLevels) {
		return p.not()
	}
	x, err := p.binary(level + 1)
	if err != nil {
		return nil, err
	}
	for p.tok() == logicLevels[level][0] {
		op := p.advance()
		y, err := p.binary(level + 1)
		if err != nil {
			return nil, err
		}
		x = &Binary{OpPos: op.pos, Op: op.tok, X: x, Y: y}
	}
	return x, nil
}

// not = "not" not | inexpr ;
func (p *parser) not() (Expr, *Error) {
	if p.tok() == NOT && p.peek() != LPAREN || p.tok() == NOT && p.peek() == LPAREN {
		if err := p.enter(); err != nil {
			return nil, err
		}
		defer p.leave()
		op := p.advance()
		x, err := p.not()
		if err != nil {
			return nil, err
		}
		return &Unary{At: op.pos, Op: NOT, X: x}, nil
	}
	return p.inexpr()
}

// inexpr = cmp [ "in" subquery ] ;
func (p *parser) inexpr() (Expr, *Error) {
	x, err := p.cmp()
	if err != nil {
		return nil, err
	}
	if p.tok() == IN && p.peek() == LBRACK {
		op := p.advance()
		sq, err := p.subquery()
		if err != nil {
			return nil, err
		}
		return &InQuery{OpPos: op.pos, X: x, Sub: sq}, nil
	}
	return x, nil
}

func isCmp(t Token) bool { return t >= EQ && t <= GE }

// cmp = search [ ( "==" | "!=" | "<" | "<=" | ">" | ">=" ) search ] ;
func (p *parser) cmp() (Expr, *Error) {
	x, err := p.search()
	if err != nil {
		return nil, err
	}
	if !isCmp(p.tok()) {
		return x, nil
	}
	op := p.advance()
	y, err := p.search()
	if err != nil {
		return nil, err
	}
	if isCmp(p.tok()) {
		return nil, Errorf(p.cur().pos, "comparisons cannot be chained: use %q", "and")
	}
	return &Binary{OpPos: op.pos, Op: op.tok, X: x, Y: y}, nil
}

// search = additive [ "~" STRING ] ;
func (p *parser) search() (Expr, *Error) {
	x, err := p.additive()
	if err != nil {
		return nil, err
	}
	if p.tok() != TILDE {
		return x, nil
	}
	op := p.advance()
	s, err := p.expect(STRING, `a string after "~"`)
	if err != nil {
		return nil, err
	}
	return &Search{OpPos: op.pos, X: x, Text: s.text}, nil
}

// additive = align { ( "+" | "-" ) align } ;
func (p *parser) additive() (Expr, *Error) {
	x, err := p.align()
	if err != nil {
		return nil, err
	}
	for p.tok() == PLUS || p.tok() == MINUS {
		op := p.advance()
		y, err := p.align()
		if err != nil {
			return nil, err
		}
		x = &Binary{OpPos: op.pos, Op: op.tok, X: x, Y: y}
	}
	return x, nil
}

// align = mult [ "@" UNIT ] | "@" UNIT ;
func (p *parser) align() (Expr, *Error) {
	if p.tok() == AT {
		at := p.advance()
		if at.text == "" {
			return nil, Errorf(at.pos, "expected a time unit after %q", "@")
		}
		return &Align{At: at.pos, Unit: at.text}, nil
	}
	x, err := p.mult()
	if err != nil {
		return nil, err
	}
	if p.tok() == AT {
		at := p.advance()
		if at.text == "" {
			return nil, Errorf(at.pos, "expected a time unit after %q", "@")
		}
		return &Align{At: at.pos, X: x, Unit: at.text}, nil
	}
	return x, nil
}

// mult = unary { ( "*" | "/" | "%" ) unary } ;
func (p *parser) mult() (Expr, *Error) {
	x, err := p.unary()
	if err != nil {
		return nil, err
	}
	for p.tok() == STAR || p.tok() == SLASH || p.tok() == PERCENT {
		op := p.advance()
		y, err := p.unary()
		if err != nil {
			return nil, err
		}
		x = &Binary{OpPos: op.pos, Op: op.tok, X: x, Y: y}
	}
	return x, nil
}

// unary = "-" unary | postfix ;
func (p *parser) unary() (Expr, *Error) {
	if p.tok() == MINUS {
		if err := p.enter(); err != nil {
			return nil, err
		}
		defer p.leave()
		op := p.advance()
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		return &Unary{At: op.pos, Op: MINUS, X: x}, nil
	}
	return p.postfix()
}

// postfix = primary { "[" [ expr ] "]" } ;
func (p *parser) postfix() (Expr, *Error) {
	x, err := p.primary()
	if err != nil {
		return nil, err
	}
	for p.tok() == LBRACK {
		lb := p.advance()
		ix := &Index{X: x, Lbrack: lb.pos}
		switch {
		case p.tok() == RBRACK:
			ix.Iter = true
		case (p.isName(p.tok()) || p.tok() == STRING) && p.peek() == RBRACK:
			ix.Key, ix.HasKey = p.cur().text, true
			p.advance()
		default:
			e, err := p.expr()
			if err != nil {
				return nil, err
			}
			ix.Index = e
		}
		if _, err := p.expect(RBRACK, `"]"`); err != nil {
			return nil, err
		}
		x = ix
	}
	return x, nil
}

// primary = literal | fieldref | call | "(" expr ")" | group ;
func (p *parser) primary() (Expr, *Error) {
	it := p.cur()
	switch it.tok {
	case IDENT, IN, NOT:
		if p.peek() == LPAREN {
			return p.call()
		}
		if it.tok != IDENT {
			return nil, p.unexpected("an expression")
		}
		p.advance()
		return &Ident{At: it.pos, Name: it.text}, nil
	case QIDENT:
		p.advance()
		return &Ident{At: it.pos, Name: it.text}, nil
	case STRING:
		p.advance()
		return &Literal{At: it.pos, Kind: LitString, Raw: it.raw, Val: value.String(it.text)}, nil
	case LONG:
		p.advance()
		n, _ := strconv.ParseInt(it.text, 10, 64)
		return &Literal{At: it.pos, Kind: LitLong, Raw: it.raw, Val: value.Long(n)}, nil
	case DOUBLE:
		p.advance()
		f, _ := strconv.ParseFloat(it.text, 64)
		return &Literal{At: it.pos, Kind: LitDouble, Raw: it.raw, Val: value.Double(f)}, nil
	case DUR:
		p.advance()
		digits := strings.TrimSuffix(it.raw, it.text)
		n, _ := strconv.ParseInt(digits, 10, 64)
		return &Literal{At: it.pos, Kind: LitDuration, Raw: it.raw, N: n, Unit: it.text}, nil
	case TRUE, FALSE:
		p.advance()
		return &Literal{At: it.pos, Kind: LitBool, Raw: it.raw, Val: value.Bool(it.tok == TRUE)}, nil
	case NULL:
		p.advance()
		return &Literal{At: it.pos, Kind: LitNull, Raw: it.raw}, nil
	case LPAREN:
		if err := p.enter(); err != nil {
			return nil, err
		}
		defer p.leave()
		p.advance()
		x, err := p.expr()
		if err != nil {
			return nil, err
		}
		if _, err := p.expect(RPAREN, `")"`); err != nil {
			return nil, err
		}
		return &Paren{Lparen: it.pos, X: x}, nil
	case LBRACE:
		return p.group()
	case VAR:
		return nil, Errorf(it.pos, "parameter $%s has no value: run the notebook with --param %s=VALUE (trailbook run, trailbook template run) or open the template with its parameters set", it.text, it.text)
	}
	return nil, p.unexpected("an expression")
}

// call = IDENT "(" [ arg { "," arg } ] ")" ;
func (p *parser) call() (Expr, *Error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	name := p.advance()
	p.advance() // (
	c := &Call{NamePos: name.pos, Name: strings.ToLower(name.text)}
	if name.tok == IDENT {
		c.Name = name.text
	}
	if p.tok() == RPAREN {
		p.advance()
		return c, nil
	}
	for {
		a, err := p.param(false)
		if err != nil {
			return nil, err
		}
		c.Args = append(c.Args, a)
		if p.tok() == COMMA {
			p.advance()
			continue
		}
		if p.tok() == RPAREN {
			p.advance()
			return c, nil
		}
		return nil, p.unexpected(`"," or ")" after argument`)
	}
}

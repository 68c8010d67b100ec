package syntax

import (
	"strconv"
	"strings"

	"github.com/trailbook/trailbook/kernel/dql/value"
)

// Node is any AST node. String returns its canonical form, which is also the default
// name of a computed field (spec/dql.md §5.2).
type Node interface {
	Pos() Pos
	String() string
}

// Expr is an expression node.
type Expr interface {
	Node
	expr()
}

// Query is commands joined by |.
type Query struct {
	Commands []*Command
	Start    Pos
}

// Command is a command name and its parameters: `summarize count(), by: {a}`.
type Command struct {
	NamePos Pos
	Name    string
	Params  []*Param
}

// Param is one command or call parameter: positional (Name == "") or named
// (`by: {…}`). Value is an Expr, *Group, *AssignExpr, *SubQuery or *Sorted.
type Param struct {
	NamePos Pos
	Name    string
	Value   Node
}

// Ident is a field reference: a plain, dotted or backtick name.
type Ident struct {
	At   Pos
	Name string
}

// LitKind is the kind of a literal.
type LitKind int

// Literal kinds.
const (
	LitNull LitKind = iota
	LitBool
	LitLong
	LitDouble
	LitString
	LitDuration
)

// Literal is a constant as written. For LitDuration, N and Unit hold the number and the
// unit text (5 and "m" for 5m); the planner resolves the unit.
type Literal struct {
	At   Pos
	Kind LitKind
	Raw  string
	Val  value.Value // for null, bool, long, double, string
	N    int64
	Unit string
}

// Unary is -x or not x.
type Unary struct {
	At Pos
	Op Token
	X  Expr
}

// Binary is x op y for arithmetic, comparison and logical operators.
type Binary struct {
	OpPos Pos
	Op    Token
	X, Y  Expr
}

// Call is f(args…); args are positional or named params.
type Call struct {
	NamePos Pos
	Name    string
	Args    []*Param
}

// Index is x[key], x[expr] or x[] (Iter). A bare name in brackets is a record key.
type Index struct {
	X      Expr
	Lbrack Pos
	Key    string // record member, when the brackets hold a bare name
	HasKey bool
	Index  Expr // array index or other expression
	Iter   bool // x[]
}

// Paren is (x), kept so that default field names show the parentheses written.
type Paren struct {
	Lparen Pos
	X      Expr
}

// Group is {a, b = c, …}: brace grouping in parameters, or a list in function args.
type Group struct {
	Lbrace Pos
	Items  []Node
}

// AssignExpr is name = value inside parameters and groups.
type AssignExpr struct {
	NamePos Pos
	Name    string
	Value   Node // Expr or *SubQuery
}

// SubQuery is an execution block [query].
type SubQuery struct {
	Lbrack Pos
	Query  *Query
}

// Sorted is a sort key with a direction: x desc.
type Sorted struct {
	X    Expr
	Desc bool
	Dir  string // "asc" or "desc" as written
}

// Align is x @ unit (or @unit alone, X nil): time alignment, spec/dql.md §4.7.
type Align struct {
	At   Pos
	X    Expr
	Unit string // the text after @: "h", "3h", "w1"
}

// Search is x ~ "text".
type Search struct {
	OpPos Pos
	X     Expr
	Text  string
}

// InQuery is x in [query].
type InQuery struct {
	OpPos Pos
	X     Expr
	Sub   *SubQuery
}

func (*Ident) expr()   {}
func (*Literal) expr() {}
func (*Unary) expr()   {}
func (*Binary) expr()  {}
func (*Call) expr()    {}
func (*Index) expr()   {}
func (*Paren) expr()   {}
func (*Group) expr()   {}
func (*Align) expr()   {}
func (*Search) expr()  {}
func (*InQuery) expr() {}

// Pos methods.
func (q *Query) Pos() Pos      { return q.Start }
func (c *Command) Pos() Pos    { return c.NamePos }
func (p *Param) Pos() Pos      { return p.NamePos }
func (x *Ident) Pos() Pos      { return x.At }
func (x *Literal) Pos() Pos    { return x.At }
func (x *Unary) Pos() Pos      { return x.At }
func (x *Binary) Pos() Pos     { return x.X.Pos() }
func (x *Call) Pos() Pos       { return x.NamePos }
func (x *Index) Pos() Pos      { return x.X.Pos() }
func (x *Paren) Pos() Pos      { return x.Lparen }
func (x *Group) Pos() Pos      { return x.Lbrace }
func (x *AssignExpr) Pos() Pos { return x.NamePos }
func (x *SubQuery) Pos() Pos   { return x.Lbrack }
func (x *Sorted) Pos() Pos     { return x.X.Pos() }
func (x *Align) Pos() Pos {
	if x.X != nil {
		return x.X.Pos()
	}
	return x.At
}
func (x *Search) Pos() Pos  { return x.X.Pos() }
func (x *InQuery) Pos() Pos { return x.X.Pos() }

// String methods: the canonical rendering.

func (q *Query) String() string {
	parts := make([]string, len(q.Commands))
	for i, c := range q.Commands {
		parts[i] = c.String()
	}
	return strings.Join(parts, "\n| ")
}

func (c *Command) String() string {
	if len(c.Params) == 0 {
		return c.Name
	}
	parts := make([]string, len(c.Params))
	for i, p := range c.Params {
		if p.Name != "" {
			parts[i] = p.Name + ": " + p.Value.String()
		} else {
			parts[i] = p.Value.String()
		}
	}
	return c.Name + " " + strings.Join(parts, ", ")
}

func (p *Param) String() string {
	if p.Name != "" {
		return p.Name + ":" + p.Value.String()
	}
	return p.Value.String()
}

// QuoteName renders a field name, in backticks when it is not a plain or dotted name.
func QuoteName(name string) string {
	if isPlainName(name) {
		return name
	}
	r := strings.NewReplacer(`\`, `\\`, "`", "\\`")
	return "`" + r.Replace(name) + "`"
}

func isPlainName(s string) bool {
	if s == "" {
		return false
	}
	for _, part := range strings.Split(s, ".") {
		if part == "" || !isLetter(part[0]) {
			return false
		}
		for i := 0; i < len(part); i++ {
			if !isLetter(part[i]) && !isDigit(part[i]) {
				return false
			}
		}
	}
	if _, kw := keywords[strings.ToLower(s)]; kw {
		return false
	}
	return true
}

// QuoteString renders s as a DQL string literal.
func QuoteString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x20 {
				b.WriteString(`\u00`)
				b.WriteString(strconv.FormatInt(int64(r)>>4, 16))
				b.WriteString(strconv.FormatInt(int64(r)&15, 16))
				continue
			}
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func (x *Ident) String() string { return QuoteName(x.Name) }

func (x *Literal) String() string {
	switch x.Kind {
	case LitNull:
		return "null"
	case LitBool:
		if x.Val.IsTrue() {
			return "TRUE"
		}
		return "FALSE"
	case LitString:
		s, _ := x.Val.Str()
		return QuoteString(s)
	}
	return x.Raw
}

func (x *Unary) String() string {
	if x.Op == NOT {
		return "not " + x.X.String()
	}
	return "-" + x.X.String()
}

var opText = map[Token]string{
	EQ: "==", NE: "!=", LT: "<", LE: "<=", GT: ">", GE: ">=", PLUS: "+", MINUS: "-",
	STAR: "*", SLASH: "/", PERCENT: "%", AND: "and", OR: "or", XOR: "xor",
}

func (x *Binary) String() string { return x.X.String() + " " + opText[x.Op] + " " + x.Y.String() }

func (x *Call) String() string {
	parts := make([]string, len(x.Args))
	for i, a := range x.Args {
		parts[i] = a.String()
	}
	return x.Name + "(" + strings.Join(parts, ", ") + ")"
}

func (x *Index) String() string {
	switch {
	case x.Iter:
		return x.X.String() + "[]"
	case x.HasKey:
		return x.X.String() + "[" + QuoteName(x.Key) + "]"
	}
	return x.X.String() + "[" + x.Index.String() + "]"
}

func (x *Paren) String() string { return "(" + x.X.String() + ")" }

func (x *Group) String() string {
	parts := make([]string, len(x.Items))
	for i, it := range x.Items {
		parts[i] = it.String()
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func (x *AssignExpr) String() string { return QuoteName(x.Name) + " = " + x.Value.String() }

func (x *SubQuery) String() string { return "[" + x.Query.String() + "]" }

func (x *Sorted) String() string {
	if x.Desc {
		return x.X.String() + " desc"
	}
	return x.X.String() + " asc"
}

func (x *Align) String() string {
	if x.X == nil {
		return "@" + x.Unit
	}
	return x.X.String() + "@" + x.Unit
}

func (x *Search) String() string { return x.X.String() + " ~ " + QuoteString(x.Text) }

func (x *InQuery) String() string { return x.X.String() + " in " + x.Sub.String() }

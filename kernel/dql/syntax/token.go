// Package syntax turns DQL text into an AST (spec/dql.md §1–§2): tokens, a lexer, a
// recursive-descent parser that keeps byte positions, the AST with a canonical String
// form, and Error with line:column and a caret snippet. It imports only the standard
// library and kernel/dql/value (for literal values).
package syntax

import "fmt"

// Pos is a byte offset into the query text. Line and column are computed only when an
// error is shown (Error.Bind).
type Pos int

// Token is a lexical token kind.
type Token int

// The tokens of DQL.
const (
	EOF     Token = iota
	IDENT         // plain or dotted name: aws.region
	QIDENT        // backtick name: `count()`
	STRING        // "…" or """…"""
	LONG          // 42, 0x2A
	DOUBLE        // 1.5, 2e3
	DUR           // 5m, 30min
	AT            // @h, @3h, @w1 (text holds what follows @)
	PIPE          // |
	COMMA         // ,
	COLON         // :
	ASSIGN        // =
	EQ            // ==
	NE            // !=
	LT            // <
	LE            // <=
	GT            // >
	GE            // >=
	PLUS          // +
	MINUS         // -
	STAR          // *
	SLASH         // /
	PERCENT       // %
	TILDE         // ~
	LPAREN        // (
	RPAREN        // )
	LBRACK        // [
	RBRACK        // ]
	LBRACE        // {
	RBRACE        // }
	AND           // and
	OR            // or
	XOR           // xor
	NOT           // not
	IN            // in
	TRUE          // true
	FALSE         // false
	NULL          // null
	VAR           // $name: a template parameter, replaced before parsing (Substitute)
	ILLEGAL
)

var tokenNames = [...]string{
	EOF: "end of query", IDENT: "name", QIDENT: "name", STRING: "string", LONG: "number",
	DOUBLE: "number", DUR: "duration", AT: "@", PIPE: "|", COMMA: ",", COLON: ":",
	ASSIGN: "=", EQ: "==", NE: "!=", LT: "<", LE: "<=", GT: ">", GE: ">=", PLUS: "+",
	MINUS: "-", STAR: "*", SLASH: "/", PERCENT: "%", TILDE: "~", LPAREN: "(", RPAREN: ")",
	LBRACK: "[", RBRACK: "]", LBRACE: "{", RBRACE: "}", AND: "and", OR: "or", XOR: "xor",
	NOT: "not", IN: "in", TRUE: "true", FALSE: "false", NULL: "null", VAR: "parameter", ILLEGAL: "illegal character",
}

func (t Token) String() string {
	if int(t) < len(tokenNames) {
		return tokenNames[t]
	}
	return fmt.Sprintf("token(%d)", int(t))
}

var keywords = map[string]Token{
	"and": AND, "or": OR, "xor": XOR, "not": NOT, "in": IN,
	"true": TRUE, "false": FALSE, "null": NULL,
}

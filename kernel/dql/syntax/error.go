package syntax

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// ErrSyntax is the class of every query error found before execution; test with
// errors.Is(err, syntax.ErrSyntax).
var ErrSyntax = errors.New("query error")

// Error is a query error at a position of the query text.
type Error struct {
	Pos  Pos
	Msg  string
	Line int // 1-based; 0 until Bind
	Col  int // 1-based, in characters
	src  string
}

// Errorf returns an Error at pos.
func Errorf(pos Pos, format string, args ...any) *Error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// Bind computes Line and Col from the query text so that Error and Snippet can show them.
func (e *Error) Bind(src string) *Error {
	e.src = src
	e.Line, e.Col = LineCol(src, e.Pos)
	return e
}

// Error returns "line:col: message" once bound, "offset N: message" before.
func (e *Error) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("offset %d: %s", e.Pos, e.Msg)
	}
	return fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg)
}

// Is makes errors.Is(err, ErrSyntax) true.
func (e *Error) Is(target error) bool { return target == ErrSyntax }

// Snippet returns the offending line and a caret under the column:
//
//	| | summarize n = coutn(), by: {aws.region}
//	|                 ^
func (e *Error) Snippet() string {
	if e.Line == 0 {
		return ""
	}
	line := strings.Split(e.src, "\n")[e.Line-1]
	line = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\r' {
			return ' '
		}
		if r < ' ' {
			return -1
		}
		return r
	}, line)
	return "  | " + line + "\n  | " + strings.Repeat(" ", e.Col-1) + "^"
}

// Report returns the message line followed by the snippet, as the CLI prints it.
func (e *Error) Report() string {
	if s := e.Snippet(); s != "" {
		return e.Error() + "\n" + s
	}
	return e.Error()
}

// LineCol converts a byte offset into a 1-based line and a 1-based column counted in
// characters.
func LineCol(src string, pos Pos) (line, col int) {
	p := int(pos)
	if p > len(src) {
		p = len(src)
	}
	if p < 0 {
		p = 0
	}
	line = 1 + strings.Count(src[:p], "\n")
	start := strings.LastIndexByte(src[:p], '\n') + 1
	return line, 1 + utf8.RuneCountInString(src[start:p])
}

// ErrorList is several query errors, sorted by position.
type ErrorList []*Error

// maxShown is how many errors Error prints before "(and N more errors)".
const maxShown = 10

// Sort orders the list by position.
func (l ErrorList) Sort() { sort.SliceStable(l, func(i, j int) bool { return l[i].Pos < l[j].Pos }) }

// Bind binds every error to the query text.
func (l ErrorList) Bind(src string) ErrorList {
	for _, e := range l {
		e.Bind(src)
	}
	return l
}

// Err returns nil for an empty list, the list otherwise.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	}
	var b strings.Builder
	for i, e := range l {
		if i == maxShown {
			fmt.Fprintf(&b, "(and %d more errors)", len(l)-maxShown)
			break
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Report prints each error with its snippet, as the CLI shows them.
func (l ErrorList) Report() string {
	var b strings.Builder
	for i, e := range l {
		if i == maxShown {
			fmt.Fprintf(&b, "(and %d more errors)\n", len(l)-maxShown)
			break
		}
		b.WriteString(e.Report())
		b.WriteByte('\n')
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// Is makes errors.Is(list, ErrSyntax) true.
func (l ErrorList) Is(target error) bool { return target == ErrSyntax }

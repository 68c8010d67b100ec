package script

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/dop251/goja"
	"github.com/dop251/goja/file"
	"github.com/dop251/goja/parser"
)

// The kinds of Error.
const (
	// KindScript is an error the script raised: a syntax error, an uncaught
	// exception, a failed query() or a value that cannot be converted.
	KindScript = "ScriptError"
	// KindInterrupted is a run stopped because its context was cancelled
	// (interrupt_request, kernel restart or shutdown).
	KindInterrupted = "Interrupted"
	// KindLimit is a run stopped by a limit of Options: time, memory, call stack
	// depth or the size of the cell's value.
	KindLimit = "Limit"
)

// Classes of Error for errors.Is, one per kind.
var (
	ErrScript      = errors.New("script error")
	ErrInterrupted = errors.New("script interrupted")
	ErrLimit       = errors.New("script limit exceeded")
)

// Error is the error of a failed Run. Line and Column are 1-based and count
// characters (runes) of the cell text given to Run; both are 0 when the error has
// no position in the cell (a time limit hit inside a built-in, a value that cannot
// be converted). Message is what the script would print, e.g.
// `TypeError: Cannot read property "x" of undefined`.
type Error struct {
	Line, Column int
	Message      string
	Kind         string   // KindScript, KindInterrupted or KindLimit
	Stack        []string // the script's call stack, innermost first: "at f (2:5)"
}

// Error returns "line:column: message", or the message alone without a position.
func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%d:%d: %s", e.Line, e.Column, e.Message)
	}
	return e.Message
}

// Is reports whether target is the class of e's kind (ErrScript, ErrInterrupted,
// ErrLimit).
func (e *Error) Is(target error) bool {
	switch target {
	case ErrScript:
		return e.Kind == KindScript
	case ErrInterrupted:
		return e.Kind == KindInterrupted
	case ErrLimit:
		return e.Kind == KindLimit
	}
	return false
}

func limitError(format string, args ...any) *Error {
	return &Error{Kind: KindLimit, Message: fmt.Sprintf(format, args...)}
}

func scriptError(format string, args ...any) *Error {
	return &Error{Kind: KindScript, Message: fmt.Sprintf(format, args...)}
}

// charColumn converts goja's 1-based byte column on a line of src to a 1-based
// character column.
func charColumn(src string, line, byteCol int) int {
	if line < 1 || byteCol < 1 {
		return byteCol
	}
	for i := 1; i < line; i++ {
		nl := strings.IndexByte(src, '\n')
		if nl < 0 {
			return byteCol
		}
		src = src[nl+1:]
	}
	if nl := strings.IndexByte(src, '\n'); nl >= 0 {
		src = src[:nl]
	}
	if byteCol-1 > len(src) {
		return byteCol
	}
	return utf8.RuneCountInString(src[:byteCol-1]) + 1
}

// syntaxError converts a parse or compile error of the cell.
func (c *cellProgram) syntaxError(err error) *Error {
	var list parser.ErrorList
	if errors.As(err, &list) && len(list) > 0 {
		p := list[0].Position
		return &Error{Kind: KindScript, Line: p.Line, Column: charColumn(c.src, p.Line, p.Column),
			Message: "SyntaxError: " + list[0].Message}
	}
	var ce *goja.CompilerSyntaxError
	if errors.As(err, &ce) {
		e := &Error{Kind: KindScript, Message: "SyntaxError: " + ce.Message}
		if ce.File != nil {
			p := ce.File.Position(ce.Offset)
			e.Line, e.Column = p.Line, charColumn(c.src, p.Line, p.Column)
		}
		return e
	}
	return &Error{Kind: KindScript, Message: "SyntaxError: " + err.Error()}
}

// maxStack is how many frames an Error's stack keeps: the innermost ones, where a
// runaway recursion shows the same line two thousand times.
const maxStack = 20

// locate sets e's position to the innermost frame of this cell and its stack to the
// script frames (the prelude and native frames left out).
func (c *cellProgram) locate(e *Error, frames []goja.StackFrame) *Error {
	n := 0
	for _, f := range frames {
		src := f.SrcName()
		if src == preludeName || src == "<native>" {
			continue
		}
		p := f.Position()
		if e.Line == 0 && src == c.name {
			e.Line, e.Column = p.Line, charColumn(c.src, p.Line, p.Column)
		}
		if n++; n > maxStack {
			continue
		}
		where := c.where(src, p)
		if fn := f.FuncName(); fn != "" && fn != "<anonymous>" {
			e.Stack = append(e.Stack, fmt.Sprintf("at %s (%s)", fn, where))
		} else {
			e.Stack = append(e.Stack, "at "+where)
		}
	}
	if n > maxStack {
		e.Stack = append(e.Stack, fmt.Sprintf("… %d more frames", n-maxStack))
	}
	return e
}

// where formats a position: "line:col" in this cell, "cell2:line:col" in the code
// of an earlier cell (a function it defined).
func (c *cellProgram) where(src string, p file.Position) string {
	if src == c.name {
		return fmt.Sprintf("%d:%d", p.Line, charColumn(c.src, p.Line, p.Column))
	}
	if i := strings.LastIndexByte(src, '#'); i > 0 {
		src = src[:i]
	}
	return fmt.Sprintf("%s:%d:%d", src, p.Line, p.Column)
}

package kernel

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/trailbook/trailbook/kernel/dql/value"
	"github.com/trailbook/trailbook/kernel/protocol"
)

// ScriptRunner runs the `%%js` cells of one kernel (package kernel/script provides it,
// on goja). The kernel makes one runner per session with Options.Scripts, so that
// state persists between a kernel's cells, and calls Reset on restart and shutdown.
//
// Run is called from the session's goroutine, one cell at a time; Reset only while no
// Run is in progress. Run must return promptly (within a second) once ctx is
// cancelled — interrupt, restart and shutdown cancel it — and should enforce its own
// time and memory limits.
type ScriptRunner interface {
	// Run runs a script (the cell without its %%js line) and returns its value. An
	// error the script raised should be a *ScriptError, so that its position shows.
	Run(ctx context.Context, code string, env ScriptEnv) (ScriptValue, error)
	// Reset discards all script state, as a fresh kernel.
	Reset()
}

// ScriptEnv is what a running script may reach of its kernel. Its methods must be
// called from within Run, on Run's goroutine or ones Run waits for.
type ScriptEnv interface {
	// CellName returns the running cell's name ("cell4", or its trailbook.name).
	CellName() string
	// Result returns the kept result of the earlier cell called name.
	Result(name string) (*Result, bool)
	// Previous returns the result of the last cell that had one.
	Previous() (*Result, bool)
	// Query runs DQL with the notebook's timeframe and returns its result, which is
	// not kept. A failed query returns an error whose text is the DQL error report.
	Query(ctx context.Context, dql string) (*Result, error)
	// Print writes to the cell's "stdout" or "stderr" stream (console.log, console.warn).
	Print(stream, text string)
}

// ScriptValue is the value of a script cell. An array of records is shown as a table
// (and a chart when it has the makeTimeseries shape) and kept as the cell's result; a
// string as text, or as Markdown when Markdown is set; null shows nothing; any other
// value as a JSON tree.
type ScriptValue struct {
	Value    value.Value
	Markdown bool
}

// ScriptError is an error raised by a script, at a position of the script text
// (1-based line and column, counted in characters; 0 when unknown).
type ScriptError struct {
	Line, Col int
	Msg       string
	Stack     []string // the script's stack trace, innermost call first
}

// Error returns "line:col: message", or the message when the position is unknown.
func (e *ScriptError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg)
	}
	return e.Msg
}

// errNoScripts is the error of a %%js cell in a kernel without a ScriptRunner.
const errNoScripts = "JavaScript cells are not available yet"

// script runs a %%js cell through the session's ScriptRunner.
func (c *cell) script(ctx context.Context, body string) *cellError {
	if c.s.scripts == nil {
		return &cellError{ename: protocol.ErrScript, evalue: errNoScripts}
	}
	v, err := c.s.scripts.Run(ctx, body, scriptEnv{c})
	if e := interrupted(ctx); e != nil {
		return e
	}
	if err != nil {
		ce := &cellError{ename: protocol.ErrScript, evalue: err.Error()}
		var se *ScriptError
		if errors.As(err, &se) {
			ce.traceback = append([]string{se.Error()}, se.Stack...)
			if se.Line > 0 {
				// The editor's line 1 is the %%js line.
				col := utf16Col(body, se.Line, se.Col)
				ce.positions = []protocol.ErrorPos{{Line: se.Line + 1, Column: col, EndColumn: col + 1, Message: se.Msg}}
			}
		}
		return ce
	}
	c.showValue(v)
	return nil
}

// showValue displays a script's value.
func (c *cell) showValue(v ScriptValue) {
	if recs, ok := records(v.Value); ok {
		res := NewResult(c.name, recs)
		c.s.keep(c.gen, res)
		c.show(res)
		return
	}
	b := protocol.MimeBundle{}
	switch v.Value.Kind() {
	case value.KindNull:
		return
	case value.KindString:
		s, _ := v.Value.Str()
		if v.Markdown {
			b.SetText(protocol.MIMEMarkdown, s)
		}
		b.SetText(protocol.MIMEText, s)
	default:
		b[protocol.MIMEJSON] = value.AppendJSONL(nil, v.Value)
		b.SetText(protocol.MIMEText, value.Format(v.Value))
	}
	c.display(b, true)
}

// utf16Col converts a 1-based column counted in characters on a line of text into
// UTF-16 code units, what the editor counts.
func utf16Col(text string, line, col int) int {
	lines := strings.Split(text, "\n")
	if line < 1 || line > len(lines) || col < 1 {
		return col
	}
	r := []rune(lines[line-1])
	if col-1 > len(r) {
		return col
	}
	return 1 + utf16Len(string(r[:col-1]))
}

// records returns the records of an array of records.
func records(v value.Value) ([]*value.Record, bool) {
	arr, ok := v.Array()
	if !ok || len(arr) == 0 {
		return nil, false
	}
	out := make([]*value.Record, len(arr))
	for i, e := range arr {
		r, ok := e.Record()
		if !ok {
			return nil, false
		}
		out[i] = r
	}
	return out, true
}

// scriptEnv is the ScriptEnv of one running cell.
type scriptEnv struct{ c *cell }

func (e scriptEnv) CellName() string                   { return e.c.name }
func (e scriptEnv) Result(name string) (*Result, bool) { return e.c.s.NamedResult(name) }
func (e scriptEnv) Previous() (*Result, bool)          { return e.c.s.PreviousResult() }
func (e scriptEnv) Print(stream, text string)          { e.c.stream(stream, text) }

func (e scriptEnv) Query(ctx context.Context, src string) (*Result, error) {
	res, cerr := e.c.s.query(ctx, src, e.c.timeframe, e.c.stream)
	if cerr != nil {
		return nil, errors.New(cerr.evalue)
	}
	return res, nil
}

package kernel

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf16"

	"github.com/trailbook/trailbook/kernel/dql"
	"github.com/trailbook/trailbook/kernel/dql/exec"
	"github.com/trailbook/trailbook/kernel/dql/plan"
	"github.com/trailbook/trailbook/kernel/dql/syntax"
	"github.com/trailbook/trailbook/kernel/protocol"
)

// dql runs a DQL cell: its result is kept under the cell's name and shown as a
// table, and as a chart too when it has the makeTimeseries shape.
func (c *cell) dql(ctx context.Context, src string) *cellError {
	if strings.TrimSpace(src) == "" {
		return nil
	}
	res, cerr := c.s.query(ctx, src, c.timeframe, c.stream)
	if cerr != nil {
		return cerr
	}
	res.Name = c.name
	c.s.keep(c.gen, res)
	c.show(res)
	return nil
}

// show displays a result: a chart (display_data) when the renderer makes one, then
// the table as the cell's value (execute_result).
func (c *cell) show(res *Result) {
	c.display(c.s.opt.Renderer.Chart(res), false)
	c.display(c.s.opt.Renderer.Table(res), true)
}

// query runs DQL with the session's settings and collects its result. Warnings go
// to warn (a cell's stderr).
func (s *Session) query(ctx context.Context, src string, tf Timeframe, warn func(stream, text string)) (*Result, *cellError) {
	now := s.opt.Now()
	from, to, err := tf.Resolve(now, s.opt.Loc)
	if err != nil {
		return nil, &cellError{ename: protocol.ErrDQLRuntime, evalue: fmt.Sprintf("notebook timeframe: %v", err)}
	}
	opt := dql.Options{Options: plan.Options{Now: now, Loc: s.opt.Loc, From: from, To: to}, Source: s.opt.Source}
	p, err := dql.Compile(src, opt)
	if err != nil {
		return nil, queryError(ctx, src, err)
	}
	for _, st := range p.Steps {
		if f, ok := st.(*plan.FetchStep); ok {
			for _, w := range f.Warnings {
				warn("stderr", "warning: "+w+"\n")
			}
		}
	}
	it, err := dql.Open(ctx, src, opt)
	if err != nil {
		return nil, queryError(ctx, src, err)
	}
	defer it.Close()
	res, err := s.collect(ctx, it)
	// A partial answer of a cluster (--partial) must never look like a full one.
	for _, w := range exec.RuntimeWarnings(it) {
		warn("stderr", "warning: "+w+"\n")
	}
	if err != nil {
		return nil, queryError(ctx, src, err)
	}
	return res, nil
}

// queryError classifies a failed query: interrupted, a static error with positions,
// or a runtime error.
func queryError(ctx context.Context, src string, err error) *cellError {
	if e := interrupted(ctx); e != nil {
		return e
	}
	if errors.Is(err, dql.ErrSyntax) {
		return syntaxError(src, err)
	}
	return &cellError{ename: protocol.ErrDQLRuntime, evalue: err.Error()}
}

// maxShownErrors is how many static errors a traceback shows, as the CLI does.
const maxShownErrors = 10

// syntaxError builds the error of a query with static errors: evalue "L:C: message",
// a traceback of query line, caret line and message per error, and the positions
// for the editor.
func syntaxError(src string, err error) *cellError {
	var list syntax.ErrorList
	var one *syntax.Error
	switch {
	case errors.As(err, &list):
	case errors.As(err, &one):
		list = syntax.ErrorList{one}
	default:
		return &cellError{ename: protocol.ErrDQLSyntax, evalue: err.Error()}
	}
	ce := &cellError{ename: protocol.ErrDQLSyntax, evalue: list.Error()}
	for i, e := range list {
		if e.Line == 0 {
			e.Bind(src)
		}
		if i < maxShownErrors {
			if snip := e.Snippet(); snip != "" {
				ce.traceback = append(ce.traceback, strings.Split(snip, "\n")...)
			}
			ce.traceback = append(ce.traceback, e.Error())
		}
		ce.positions = append(ce.positions, errorPos(src, e))
	}
	if len(list) > maxShownErrors {
		ce.traceback = append(ce.traceback, fmt.Sprintf("(and %d more errors)", len(list)-maxShownErrors))
	}
	return ce
}

// errorPos converts an error's byte offset to the editor's line and UTF-16 columns,
// underlining the token that starts there.
func errorPos(src string, e *syntax.Error) protocol.ErrorPos {
	p := min(max(int(e.Pos), 0), len(src))
	lineStart := strings.LastIndexByte(src[:p], '\n') + 1
	end := tokenEnd(src, p)
	if end <= p {
		end = p + 1 // at the end of the text: underline one column
	}
	col := 1 + utf16Len(src[lineStart:p])
	endCol := col + max(utf16Len(src[p:min(end, len(src))]), 1)
	if nl := strings.IndexByte(src[p:min(end, len(src))], '\n'); nl >= 0 {
		endCol = col + max(utf16Len(src[p:p+nl]), 1)
	}
	return protocol.ErrorPos{Line: e.Line, Column: col, EndColumn: endCol, Message: e.Msg}
}

// utf16Len counts the UTF-16 code units of s, what browser editors count.
func utf16Len(s string) int {
	n := 0
	for _, r := range s { // an invalid byte decodes as U+FFFD: one unit
		n += utf16.RuneLen(r)
	}
	return n
}

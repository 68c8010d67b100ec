// Package dql is the façade of the DQL engine: Compile turns query text into a checked
// plan, Run executes it over a Source. The kernel and the CLI call only this package;
// the engine below it (syntax, plan, exec, funcs, dpl, value) imports nothing of
// servers, UIs, goja or go-echarts, which TestEngineImports enforces.
package dql

import (
	"context"
	"errors"

	"github.com/trailbook/trailbook/kernel/dql/exec"
	"github.com/trailbook/trailbook/kernel/dql/plan"
	"github.com/trailbook/trailbook/kernel/dql/syntax"
)

// Options configure planning and running a query.
type Options struct {
	plan.Options
	Source     exec.Source // where fetch logs reads
	NoPushdown bool        // do not hand filters to the Source
}

// ErrSyntax is the class of static query errors (syntax, unknown names, bad
// parameters); ErrRuntime the class of errors while running.
var (
	ErrSyntax  = syntax.ErrSyntax
	ErrRuntime = exec.ErrRuntime
)

// Compile parses and checks a query.
func Compile(src string, opt Options) (*plan.Plan, error) {
	return plan.Compile(src, opt.Options)
}

// Run compiles and runs a query and collects its result.
func Run(ctx context.Context, src string, opt Options) (*exec.Result, error) {
	p, err := Compile(src, opt)
	if err != nil {
		return nil, err
	}
	return exec.Run(ctx, p, exec.Options{Source: opt.Source, NoPushdown: opt.NoPushdown})
}

// Open compiles a query and starts it, for callers that stream the result.
func Open(ctx context.Context, src string, opt Options) (exec.Iterator, error) {
	p, err := Compile(src, opt)
	if err != nil {
		return nil, err
	}
	return exec.Open(ctx, p, exec.Options{Source: opt.Source, NoPushdown: opt.NoPushdown})
}

// Report formats an error for a terminal: for query errors `LINE:COL: message`, the
// query line and a caret; other errors as they are.
func Report(err error) string {
	var list syntax.ErrorList
	if errors.As(err, &list) {
		return list.Report()
	}
	var e *syntax.Error
	if errors.As(err, &e) {
		return e.Report()
	}
	return err.Error()
}

// Package scriptcell runs the kernel's `%%js` cells on a goja runtime: it adapts
// package kernel/script to the kernel's ScriptRunner seam. The kernel and the script
// runtime know nothing of each other; this package is their one meeting point, so that
// every program that runs notebooks (serve, run, template run, the ZeroMQ kernel, the
// template tests) runs scripts the same way.
package scriptcell

import (
	"context"
	"errors"
	"time"

	"github.com/trailbook/trailbook/kernel"
	"github.com/trailbook/trailbook/kernel/dql/value"
	"github.com/trailbook/trailbook/kernel/script"
)

// Factory returns the ScriptRunner factory for kernel.Options.Scripts: one runtime per
// kernel, so that script state persists between a kernel's cells, each cell limited to
// timeout (zero: script.DefaultTimeout).
func Factory(timeout time.Duration) func() kernel.ScriptRunner {
	return func() kernel.ScriptRunner { return runner{script.New(script.Options{Timeout: timeout})} }
}

type runner struct{ rt *script.Runtime }

func (r runner) Reset() { r.rt.Reset() }

func (r runner) Run(ctx context.Context, code string, env kernel.ScriptEnv) (kernel.ScriptValue, error) {
	prev, _ := records(env.Previous())
	out, err := r.rt.Run(ctx, code, script.Env{
		Cell:     env.CellName(),
		Results:  func(name string) ([]*value.Record, bool) { return records(env.Result(name)) },
		Previous: prev,
		Query: func(ctx context.Context, q string) ([]*value.Record, error) {
			res, err := env.Query(ctx, q)
			if err != nil {
				return nil, err
			}
			return res.Records, nil
		},
		Console: env.Print,
	})
	if err != nil {
		var se *script.Error
		if errors.As(err, &se) {
			return kernel.ScriptValue{}, &kernel.ScriptError{Line: se.Line, Col: se.Column, Msg: se.Message, Stack: se.Stack}
		}
		return kernel.ScriptValue{}, err
	}
	return kernel.ScriptValue{Value: out.Value, Markdown: out.Kind == script.OutputMarkdown}, nil
}

func records(r *kernel.Result, ok bool) ([]*value.Record, bool) {
	if !ok || r == nil {
		return nil, false
	}
	return r.Records, true
}

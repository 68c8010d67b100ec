package main

import (
	"context"
	"errors"
	"time"

	"github.com/trailbook/trailbook/kernel"
	"github.com/trailbook/trailbook/kernel/dql/value"
	"github.com/trailbook/trailbook/kernel/script"
)

// scripts adapts a goja runtime (kernel/script) to the kernel's ScriptRunner seam:
// the two packages know nothing of each other, and this is their only meeting point.
type scripts struct{ rt *script.Runtime }

// newScripts returns the ScriptRunner factory for kernel.Options: one runtime per
// kernel, each cell limited to timeout.
func newScripts(timeout time.Duration) func() kernel.ScriptRunner {
	return func() kernel.ScriptRunner { return scripts{script.New(script.Options{Timeout: timeout})} }
}

func (s scripts) Reset() { s.rt.Reset() }

func (s scripts) Run(ctx context.Context, code string, env kernel.ScriptEnv) (kernel.ScriptValue, error) {
	records := func(r *kernel.Result, ok bool) ([]*value.Record, bool) {
		if !ok || r == nil {
			return nil, false
		}
		return r.Records, true
	}
	prev, _ := records(env.Previous())
	out, err := s.rt.Run(ctx, code, script.Env{
		Cell:     env.CellName(),
		Results:  func(name string) ([]*value.Record, bool) { return records(env.Result(name)) },
		Previous: prev,
		Query: func(ctx context.Context, q string) ([]*value.Record, error) {
			r, err := env.Query(ctx, q)
			if err != nil {
				return nil, err
			}
			return r.Records, nil
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

package scriptcell

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/trailbook/trailbook/kernel"
	"github.com/trailbook/trailbook/kernel/dql"
	"github.com/trailbook/trailbook/kernel/dql/value"
)

// fakeEnv is a kernel.ScriptEnv over fixed results and the real DQL engine.
type fakeEnv struct {
	results map[string]*kernel.Result
	printed []string
}

func (e *fakeEnv) CellName() string { return "cell3" }
func (e *fakeEnv) Result(name string) (*kernel.Result, bool) {
	r, ok := e.results[name]
	return r, ok
}
func (e *fakeEnv) Previous() (*kernel.Result, bool) { return e.Result("cell2") }
func (e *fakeEnv) Query(ctx context.Context, q string) (*kernel.Result, error) {
	res, err := dql.Run(ctx, q, dql.Options{})
	if err != nil {
		return nil, err
	}
	return &kernel.Result{Records: res.Records, Total: len(res.Records)}, nil
}
func (e *fakeEnv) Print(stream, text string) { e.printed = append(e.printed, stream+": "+text) }

func TestRunner(t *testing.T) {
	rec := value.NewRecord(1)
	rec.Set("ip", value.String("203.0.113.45"))
	env := &fakeEnv{results: map[string]*kernel.Result{"cell2": {Records: []*value.Record{rec}}}}
	run := Factory(5 * time.Second)()
	v, err := run.Run(context.Background(), `console.log("hi"); const q = query("data record(n = 41)"); [{ip: prev[0].ip, n: q[0].n + 1}]`, env)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(value.AppendJSONL(nil, v.Value)); got != `[{"ip":"203.0.113.45","n":42}]` {
		t.Fatalf("value = %s", got)
	}
	if len(env.printed) != 1 || env.printed[0] != "stdout: hi\n" && env.printed[0] != "stdout: hi" {
		t.Fatalf("console: %q", env.printed)
	}
	v, err = run.Run(context.Background(), "md`# Findings`", env)
	if err != nil || !v.Markdown {
		t.Fatalf("markdown: %v, %v", v, err)
	}
	_, err = run.Run(context.Background(), "\nnull.x", env)
	var se *kernel.ScriptError
	if !errors.As(err, &se) || se.Line != 2 {
		t.Fatalf("error: %#v", err)
	}
}

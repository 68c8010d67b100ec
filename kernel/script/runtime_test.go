package script

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/trailbook/trailbook/kernel/dql/value"
)

// jsonl returns the typed JSON form of v, what the tests compare.
func jsonl(v value.Value) string { return string(value.AppendJSONL(nil, v)) }

// outputText is a printed form of an Output: its kind and value.
func outputText(out Output) string {
	switch out.Kind {
	case OutputNone:
		return "none"
	case OutputText:
		return "text " + out.Text
	case OutputMarkdown:
		return "markdown " + out.Markdown
	}
	return out.Kind.String() + " " + jsonl(out.Value)
}

// testEnv is an Env over a fixed set of results, recording console output.
type testEnv struct {
	results map[string][]*value.Record
	prev    []*value.Record
	console []string
	queries []string
}

func (e *testEnv) env() Env {
	return Env{
		Cell: "cell9",
		Results: func(name string) ([]*value.Record, bool) {
			r, ok := e.results[name]
			return r, ok
		},
		Previous: e.prev,
		Query: func(ctx context.Context, dql string) ([]*value.Record, error) {
			e.queries = append(e.queries, dql)
			if strings.Contains(dql, "coutn") {
				return nil, errors.New("1:13: unknown function \"coutn\" (did you mean \"count\"?)")
			}
			return []*value.Record{rec("q", value.String(dql))}, nil
		},
		Console: func(stream, text string) { e.console = append(e.console, stream+": "+text) },
	}
}

// rec builds a record from name, value pairs.
func rec(kv ...any) *value.Record {
	r := value.NewRecord(len(kv) / 2)
	for i := 0; i < len(kv); i += 2 {
		r.Append(kv[i].(string), kv[i+1].(value.Value))
	}
	return r
}

func TestRunValue(t *testing.T) {
	rt := New(Options{})
	f := func(code, want string) {
		t.Helper()
		out, err := rt.Run(context.Background(), code, Env{})
		if err != nil {
			t.Fatalf("Run(%q): %v", code, err)
		}
		if got := outputText(out); got != want {
			t.Fatalf("Run(%q)\n got: %s\nwant: %s", code, got, want)
		}
	}
	f(`1 + 1`, `json 2`)
	f(`0.5 * 3`, `json 1.5`)
	f(`"hello"`, `text hello`)
	f("md`# Users\n${'a*b'} ${md`**bold**`}`", "markdown # Users\na\\*b **bold**")
	f(`md("plain *md*")`, `markdown plain *md*`)
	f(`[{a: 1, b: "x"}, {a: 2}]`, `table [{"a":1,"b":"x"},{"a":2}]`)
	f(`[]`, `table []`)
	f(`[1, "two", null]`, `json [1,"two",null]`)
	f(`({b: 1, a: [true, false], f() {}, u: undefined})`, `json {"b":1,"a":[true,false]}`)
	f(`undefined`, `none`)
	f(`null`, `none`)
	f(`var unused = 1`, `none`)
	f(``, `none`)
	f(`Promise.resolve([{a: 1}])`, `table [{"a":1}]`)
	f(`(async () => { await null; return "later" })()`, `text later`)
	f(`[{timeframe: dql.timeframe("2024-03-01T00:00:00Z", "2024-03-01T01:00:00Z"), interval: dql.duration("30m"), "count()": [3, 4]}]`,
		`chart [{"timeframe":{"start":"2024-03-01T00:00:00.000000000Z","end":"2024-03-01T01:00:00.000000000Z"},"interval":1800000000000,"count()":[3,4]}]`)
	// A chart needs an array field; without one it is a table.
	f(`[{timeframe: dql.timeframe("2024-03-01T00:00:00Z", "2024-03-01T01:00:00Z"), interval: dql.duration("30m"), n: 3}]`,
		`table [{"timeframe":{"start":"2024-03-01T00:00:00.000000000Z","end":"2024-03-01T01:00:00.000000000Z"},"interval":1800000000000,"n":3}]`)
}

func TestZeroRuntime(t *testing.T) {
	var rt Runtime
	out, err := rt.Run(context.Background(), `[OutputKinds.length, "ok"]`, Env{})
	if err == nil || !strings.Contains(err.Error(), "OutputKinds is not defined") {
		t.Fatalf("Run = %s, %v", outputText(out), err)
	}
	out, err = rt.Run(context.Background(), `"ok"`, Env{})
	if err != nil || outputText(out) != "text ok" {
		t.Fatalf("Run = %s, %v", outputText(out), err)
	}
	var names []string
	for k := OutputNone; k <= OutputJSON+1; k++ {
		names = append(names, k.String())
	}
	if got := strings.Join(names, " "); got != "none table chart text markdown json OutputKind(6)" {
		t.Fatalf("OutputKind names: %s", got)
	}
}

func TestRunOutputFields(t *testing.T) {
	rt := New(Options{})
	out, err := rt.Run(context.Background(), `({n: 1})`, Env{})
	if err != nil {
		t.Fatal(err)
	}
	if string(out.JSON) != `{"n":1}` || out.Records != nil {
		t.Fatalf("JSON output: JSON=%s Records=%v", out.JSON, out.Records)
	}
	out, err = rt.Run(context.Background(), `[{n: 1}]`, Env{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Records) != 1 || out.JSON != nil || jsonl(value.Rec(out.Records[0])) != `{"n":1}` {
		t.Fatalf("table output: Records=%v JSON=%s", out.Records, out.JSON)
	}
}

func TestStatePersists(t *testing.T) {
	rt := New(Options{})
	f := func(code, want string) {
		t.Helper()
		out, err := rt.Run(context.Background(), code, Env{})
		if err != nil {
			t.Fatalf("Run(%q): %v", code, err)
		}
		if got := outputText(out); got != want {
			t.Fatalf("Run(%q)\n got: %s\nwant: %s", code, got, want)
		}
	}
	f(`var a = 1; let b = 2; const c = 3; function d() { return 4 }; class E { f() { return 5 } }`, `none`)
	f(`[a, b, c, d(), new E().f()]`, `json [1,2,3,4,5]`)
	// Re-running a cell that declares let, const and class does not fail.
	f(`let b = 20; const c = 30; class E { f() { return 50 } }; b + c + new E().f()`, `json 100`)
	f(`b`, `json 20`)
	// Declarations inside blocks stay local.
	f(`{ let local = 1 }; typeof local`, `text undefined`)
	rt.Reset()
	f(`typeof a + " " + typeof b`, `text undefined undefined`)
}

func TestEnvAPI(t *testing.T) {
	e := &testEnv{
		results: map[string][]*value.Record{
			"cell1": {rec("user", value.String("alice"), "n", value.Long(3)), rec("user", value.String("bob"), "n", value.Long(5))},
		},
		prev: []*value.Record{rec("x", value.Long(7))},
	}
	rt := New(Options{})
	f := func(code, want string) {
		t.Helper()
		out, err := rt.Run(context.Background(), code, e.env())
		if err != nil {
			t.Fatalf("Run(%q): %v", code, err)
		}
		if got := outputText(out); got != want {
			t.Fatalf("Run(%q)\n got: %s\nwant: %s", code, got, want)
		}
	}
	f(`results.cell1.map(r => r.user)`, `json ["alice","bob"]`)
	f(`result("cell1").length`, `json 2`)
	f(`results.cell1 === results.cell1`, `json true`)
	f(`typeof results.nope`, `text undefined`)
	f(`"cell1" in results`, `json true`)
	f(`prev[0].x + _[0].x`, `json 14`)
	f(`prev = 5; prev`, `json 5`)
	f(`prev[0].x`, `json 7`) // prev is back in the next cell
	f(`query("fetch logs | limit 1")`, `table [{"q":"fetch logs | limit 1"}]`)
	f(`console.log("a", 1, {b: [2]}); console.warn("w"); console.error(dql.duration("5m"))`, `none`)
	if got, want := strings.Join(e.console, ""), "stdout: a 1 { b: [2] }\nstderr: w\nstderr: PT5M\n"; got != want {
		t.Fatalf("console output\n got: %q\nwant: %q", got, want)
	}
	f(`try { query("fetch logs | summarize coutn()") } catch (e) { e.name + ": " + e.message }`,
		`text QueryError: 1:13: unknown function "coutn" (did you mean "count"?)`)
}

func TestEnvErrors(t *testing.T) {
	e := &testEnv{results: map[string][]*value.Record{}}
	rt := New(Options{})
	f := func(env Env, code, want string) {
		t.Helper()
		_, err := rt.Run(context.Background(), code, env)
		if err == nil {
			t.Fatalf("Run(%q) succeeded, want error %q", code, want)
		}
		if got := err.Error(); got != want {
			t.Fatalf("Run(%q) error\n got: %s\nwant: %s", code, got, want)
		}
	}
	// goja places a failed call at its opening parenthesis.
	f(e.env(), `result("cell3")`, `1:7: Error: no result named "cell3"`)
	f(e.env(), "var x = 1\nquery('fetch logs | summarize coutn()')",
		`2:6: QueryError: 1:13: unknown function "coutn" (did you mean "count"?)`)
	f(Env{}, `query("fetch logs")`, `1:6: Error: query() is not available in this kernel`)
	f(Env{}, `prev.length`, `1:6: TypeError: Cannot read property 'length' of undefined`)
}

func TestErrorPosition(t *testing.T) {
	rt := New(Options{})
	f := func(code, want string, stack ...string) {
		t.Helper()
		_, err := rt.Run(context.Background(), code, Env{Cell: "cell4"})
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("Run(%q) = %v, want an *Error", code, err)
		}
		if got := e.Error(); got != want {
			t.Fatalf("Run(%q) error\n got: %s\nwant: %s", code, got, want)
		}
		if stack != nil && strings.Join(e.Stack, "|") != strings.Join(stack, "|") {
			t.Fatalf("Run(%q) stack\n got: %q\nwant: %q", code, e.Stack, stack)
		}
		if !errors.Is(err, ErrScript) || e.Kind != KindScript {
			t.Fatalf("Run(%q): kind %q, want %q", code, e.Kind, KindScript)
		}
	}
	f("let s = 'é'\n  throw new Error('boom')", `2:9: Error: boom`)
	f("var ü = 1; ü.x.y", `1:16: TypeError: Cannot read property 'y' of undefined`)
	f("function g(r) {\n  return r.missing.x\n}\n[1].map(g)", `2:20: TypeError: Cannot read property 'x' of undefined`,
		"at g (2:20)", "at 4:8")
	f("throw 'plain'", `1:1: uncaught exception: plain`)
	f("throw {code: 42}", `1:1: uncaught exception: { code: 42 }`)
	f("let x = ;", `1:9: SyntaxError: Unexpected token ;`)
	f("1 +\n", `2:1: SyntaxError: Unexpected end of input`)
	f("return 1", `1:1: SyntaxError: Illegal return statement`)
	f("(async () => { throw new RangeError('late') })()", `1:22: uncaught (in promise) RangeError: late`)
	f("new Promise(() => {})", `the cell's value is a promise that never settles: scripts have no timers or I/O to wait for`)
	f("[new Map()]", `cannot convert a Map: use Object.fromEntries(map)`)
	f("[2n ** 64n]", `BigInt 18446744073709551616 is out of the range of a long`)
}

// TestErrorPositionEarlierCell checks that a function defined by one cell and
// failing in another points into the cell that ran, with the definition in the
// stack.
func TestErrorPositionEarlierCell(t *testing.T) {
	rt := New(Options{})
	if _, err := rt.Run(context.Background(), "function bad() {\n  return undefined.x\n}", Env{Cell: "cell1"}); err != nil {
		t.Fatal(err)
	}
	_, err := rt.Run(context.Background(), "var y = 1\nbad()", Env{Cell: "cell2"})
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("Run = %v, want *Error", err)
	}
	if got, want := fmt.Sprintf("%s %q", e.Error(), e.Stack), `2:4: TypeError: Cannot read property 'x' of undefined ["at bad (cell1:2:20)" "at 2:4"]`; got != want {
		t.Fatalf("error\n got: %s\nwant: %s", got, want)
	}
}

func TestRunSerializedAfterTimeout(t *testing.T) {
	rt := New(Options{Timeout: 100 * time.Millisecond})
	if _, err := rt.Run(context.Background(), "var n = 0", Env{}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err := rt.Run(context.Background(), "n = 1\nwhile (true) { n++ }", Env{})
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindLimit || !errors.Is(err, ErrLimit) {
		t.Fatalf("Run = %v, want a Limit error", err)
	}
	if e.Line == 0 || e.Message != "time limit: the cell ran longer than 100ms" {
		t.Fatalf("error = %q", e.Error())
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("Run took %v", d)
	}
	// The state survives a timeout.
	out, err := rt.Run(context.Background(), "typeof n", Env{})
	if err != nil || outputText(out) != "text number" {
		t.Fatalf("next Run = %v, %v", outputText(out), err)
	}
}

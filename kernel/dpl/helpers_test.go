package dpl

import (
	"strings"
	"testing"
	"time"

	"github.com/trailbook/trailbook/kernel/dql/value"
)

// render prints a value with its type visible: 1 (long), 1.0 (double), "s" (string),
// ip:1.2.3.4, ts:2019-08-01T13:30:00Z, [a, b], {name: v, …}, null.
func render(v value.Value) string {
	switch v.Kind() {
	case value.KindString:
		s, _ := v.Str()
		return quote(s)
	case value.KindIP:
		a, _ := v.IP()
		return "ip:" + a.String()
	case value.KindTimestamp:
		ns, _ := v.Timestamp()
		return "ts:" + time.Unix(0, ns).UTC().Format(time.RFC3339Nano)
	case value.KindArray:
		elems, _ := v.Array()
		parts := make([]string, len(elems))
		for i, e := range elems {
			parts[i] = render(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case value.KindRecord:
		r, _ := v.Record()
		var parts []string
		r.Range(func(name string, v value.Value) bool {
			parts = append(parts, name+": "+render(v))
			return true
		})
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return string(value.AppendJSONL(nil, v))
}

// renderVals prints export values as "name=value …", or "ok" without exports.
func renderVals(names []string, vals []value.Value) string {
	if len(names) == 0 {
		return "ok"
	}
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = n + "=" + render(vals[i])
	}
	return strings.Join(parts, " ")
}

func mustCompile(t testing.TB, pattern string) *Pattern {
	t.Helper()
	p, err := Compile(pattern)
	if err != nil {
		t.Fatalf("Compile(%q): %v", pattern, err)
	}
	return p
}

// parseChecker returns f(pattern, input, want) checking Parse; want is renderVals'
// output or "no match".
func parseChecker(t *testing.T) func(pattern, input, want string) {
	return func(pattern, input, want string) {
		t.Helper()
		p := mustCompile(t, pattern)
		got := "no match"
		if vals, ok := p.Parse(input); ok {
			got = renderVals(p.Exports(), vals)
		}
		if got != want {
			t.Fatalf("Parse(%q, %q)\n got: %s\nwant: %s", pattern, input, got, want)
		}
	}
}

// matchChecker returns f(pattern, input, want) checking Match.
func matchChecker(t *testing.T) func(pattern, input string, want bool) {
	return func(pattern, input string, want bool) {
		t.Helper()
		if got := mustCompile(t, pattern).Match(input); got != want {
			t.Fatalf("Match(%q, %q) = %v, want %v", pattern, input, got, want)
		}
	}
}

// scanChecker returns f(pattern, input, want) checking Scan; each match prints as
// "start-end values" and matches are joined by " | "; no match prints "".
func scanChecker(t *testing.T) func(pattern, input, want string) {
	return func(pattern, input, want string) {
		t.Helper()
		p := mustCompile(t, pattern)
		var got []string
		p.Scan(input, func(start, end int, vals []value.Value) bool {
			got = append(got, strings.TrimSuffix(itoa(start)+"-"+itoa(end)+" "+renderVals(p.Exports(), vals), " ok"))
			return true
		})
		if g := strings.Join(got, " | "); g != want {
			t.Fatalf("Scan(%q, %q)\n got: %s\nwant: %s", pattern, input, g, want)
		}
	}
}

func itoa(n int) string { return string(value.AppendJSONL(nil, value.Long(int64(n)))) }

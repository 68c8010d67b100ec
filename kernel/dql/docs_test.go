package dql_test

import (
	"os"
	"strings"
	"testing"

	"github.com/trailbook/trailbook/kernel/dql/funcs"
)

// TestFunctionDocs keeps docs/functions.md in step with the function table: the
// reference is generated from each function's Doc string (go test -update rewrites it).
func TestFunctionDocs(t *testing.T) {
	var b strings.Builder
	b.WriteString("# DQL functions in trailbook\n\nGenerated from the function table (`go test ./kernel/dql -run TestFunctionDocs -update`); see docs/dql.md for the language.\n\n## Scalar functions\n\n")
	b.WriteString("The DPL functions `parse`, `parseAll`, `matchesPattern`, `replacePattern` and `splitByPattern`, and the iterative `iAny`, `iCollectArray`, `iIndex`, plus `exists` and `record`, are built into the planner.\n\n")
	for _, n := range funcs.Names() {
		f, _ := funcs.Lookup(n)
		b.WriteString("- `" + n + "`: " + strings.TrimPrefix(doc(f.Doc), n) + "\n")
	}
	b.WriteString("\n## Aggregations\n\nUsed in `summarize` and `makeTimeseries`.\n\n")
	for _, n := range funcs.AggNames() {
		a, _ := funcs.LookupAgg(n)
		b.WriteString("- `" + n + "`: " + strings.TrimPrefix(doc(a.Doc), n) + "\n")
	}
	got := b.String()
	const path = "../../docs/functions.md"
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != got {
		t.Errorf("%s is out of date: run go test ./kernel/dql -run TestFunctionDocs -update", path)
	}
}

func doc(s string) string {
	if s == "" {
		return "(no description)"
	}
	return strings.ReplaceAll(s, "\n", " ")
}

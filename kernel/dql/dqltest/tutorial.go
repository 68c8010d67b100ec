package dqltest

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/trailbook/trailbook/kernel/dql"
	"github.com/trailbook/trailbook/kernel/dql/exec"
	"github.com/trailbook/trailbook/kernel/dql/value"
)

// expectedUseCases is a data folder's expected-usecases.json.
type expectedUseCases struct {
	From, To string
	Queries  map[string]useCase
}

// TutorialCheck runs every tutorial query of shared/tutorial over src, with the
// folder's time range in place of `from: -30min`, and compares the results with the
// folder's expected-usecases.json. Every Source's tests call it.
func TutorialCheck(t *testing.T, src exec.Source, folder string) {
	shared := SharedDir(t)
	want := readUseCases(t, folder)
	queries, _ := filepath.Glob(filepath.Join(shared, "tutorial", "*.dql"))
	if len(queries) == 0 {
		t.Fatal("no tutorial queries found")
	}
	for _, qf := range queries {
		name := filepath.Base(qf)
		exp, ok := want.Queries[name]
		if !ok {
			t.Errorf("%s: no expectation for %s", folder, name)
			continue
		}
		text, _ := os.ReadFile(qf)
		q := strings.Replace(string(text), "from: -30min", `from: "`+want.From+`", to: "`+want.To+`"`, 1)
		opt := dql.Options{Source: src}
		opt.Now = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		res, err := dql.Run(context.Background(), q, opt)
		if exp.Error {
			if err == nil {
				t.Errorf("%s/%s: expected an error", filepath.Base(folder), name)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s/%s: %s", filepath.Base(folder), name, dql.Report(err))
			continue
		}
		check(t, exp, filepath.Base(folder)+"/"+name, Decode(t, res.Records))
	}
}

// useCase is one query's expectation in expected-usecases.json.
type useCase struct {
	Count    *int
	Ordered  any
	Limit    int
	AvgField string `json:"avg_field"`
	Rows     []any
	Error    bool
}

// TutorialRange returns the time range of a data folder's recording (the from and to
// of its expected-usecases.json), which replaces the tutorial's `from: -30min`.
func TutorialRange(t testing.TB, folder string) (from, to string) {
	t.Helper()
	want := readUseCases(t, folder)
	return want.From, want.To
}

// CheckTutorialResult compares recs, the result of the tutorial query named query
// ("10-console-login-failures.dql") over folder's logs and time range, however it was
// run (a template cell, say), with the folder's expected-usecases.json.
func CheckTutorialResult(t *testing.T, folder, query string, recs []*value.Record) {
	t.Helper()
	exp, ok := readUseCases(t, folder).Queries[query]
	if !ok {
		t.Errorf("%s: no expectation for %s", folder, query)
		return
	}
	if exp.Error {
		t.Errorf("%s/%s: expected an error, got a result", filepath.Base(folder), query)
		return
	}
	check(t, exp, filepath.Base(folder)+"/"+query, Decode(t, recs))
}

func readUseCases(t testing.TB, folder string) expectedUseCases {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(folder, "expected-usecases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want expectedUseCases
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	return want
}

// check compares a decoded result with its expectation.
func check(t *testing.T, exp useCase, label string, got []any) {
	t.Helper()
	switch {
	case exp.Count != nil:
		if len(got) != *exp.Count {
			t.Errorf("%s: %d records, want %d", label, len(got), *exp.Count)
		}
	case exp.Ordered == "by-avg-desc":
		checkTopByAvg(t, label, got, exp.Rows, exp.AvgField, exp.Limit)
	default:
		ordered, _ := exp.Ordered.(bool)
		if !SameRecords(got, exp.Rows, ordered) {
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(exp.Rows)
			t.Errorf("%s:\n got %.2000s\nwant %.2000s", label, g, w)
		}
	}
}

// ArrayAvg is DQL's arrayAvg over a decoded array: the mean of its numbers, 0 for
// none.
func ArrayAvg(v any) float64 {
	arr, _ := v.([]any)
	sum, n := 0.0, 0
	for _, e := range arr {
		if f, ok := e.(float64); ok {
			sum += f
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

// checkTopByAvg checks a "sort arrayAvg(x) desc | limit n" result: the right number of
// rows, each one of the expected rows, with the expected averages in order (any order
// among equal averages).
func checkTopByAvg(t *testing.T, name string, got, rows []any, field string, limit int) {
	t.Helper()
	wantAvgs := make([]float64, len(rows))
	for i, r := range rows {
		wantAvgs[i] = ArrayAvg(r.(map[string]any)[field])
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(wantAvgs)))
	n := min(limit, len(rows))
	if len(got) != n {
		t.Errorf("%s: %d rows, want %d", name, len(got), n)
		return
	}
	for i, g := range got {
		found := false
		for _, r := range rows {
			if Equal(g, r) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: row %d is not an expected row: %v", name, i, g)
		}
		if a := ArrayAvg(g.(map[string]any)[field]); !Equal(a, wantAvgs[i]) {
			t.Errorf("%s: row %d has average %v, want %v", name, i, a, wantAvgs[i])
		}
	}
}

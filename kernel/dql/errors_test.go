package dql_test

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/trailbook/trailbook/kernel/dql"
	"github.com/trailbook/trailbook/kernel/dql/syntax"
)

var update = flag.Bool("update", false, "rewrite golden files")

// markerRx matches an expectation line: a comment whose caret sits under the
// offending column of the line above.
var markerRx = regexp.MustCompile(`^//\s*\^ ERROR (".*")\s*$`)

type wantErr struct {
	line, col int
	rx        *regexp.Regexp
}

// TestErrorMarkers checks the static errors of testdata/errors/*.dql against the
// `//   ^ ERROR "regexp"` markers placed under the offending token (go/parser's
// error_test style): every marker matches one error at that line and column, and no
// other error is reported.
func TestErrorMarkers(t *testing.T) {
	files, _ := filepath.Glob("testdata/errors/*.dql")
	if len(files) == 0 {
		t.Fatal("no testdata/errors/*.dql files")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			src := string(b)
			var want []wantErr
			lines := strings.Split(src, "\n")
			for i, l := range lines {
				m := markerRx.FindStringSubmatch(l)
				if m == nil {
					continue
				}
				// The text between the quotes is a regexp, taken as written.
				pattern := m[1][1 : len(m[1])-1]
				caret := utf8.RuneCountInString(l[:strings.IndexByte(l, '^')]) + 1
				want = append(want, wantErr{line: i, col: caret, rx: regexp.MustCompile(pattern)})
			}
			_, err = dql.Compile(src, dql.Options{})
			var list syntax.ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("want a syntax.ErrorList, got %v", err)
			}
			matched := make([]bool, len(list))
			for _, w := range want {
				found := false
				for i, e := range list {
					if !matched[i] && e.Line == w.line && e.Col == w.col && w.rx.MatchString(e.Msg) {
						matched[i], found = true, true
						break
					}
				}
				if !found {
					t.Errorf("missing error at %d:%d matching %q", w.line, w.col, w.rx)
				}
			}
			for i, e := range list {
				if !matched[i] {
					t.Errorf("unexpected error %v", e)
				}
			}
		})
	}
}

// TestErrorReports pins whole error reports, snippet and caret included, as the CLI
// prints them: a message is user interface, and a change to one should show in a diff.
func TestErrorReports(t *testing.T) {
	queries := []string{
		"fetch logs\n| summarize n = coutn(), by: {aws.region}",
		"fetch logs | filter event[eventName] == \"x\" and",
		"data record(a = 1)\n| fields a,\n\tb = ,",
		"data record(s = \"unterminated)",
		"data record(a = 1) | parse a, \"INT:x LD:\"",
		"data record(a = 1) | fieldsAdd b = substring(a), c = lower()",
		"fetch events",
		"data record(a = 1) | join [data record(b = 1)], on: {a}, kind: sideways",
	}
	var b strings.Builder
	for _, q := range queries {
		_, err := dql.Compile(q, dql.Options{})
		b.WriteString("=== " + strings.ReplaceAll(q, "\n", "\\n") + "\n")
		if err == nil {
			b.WriteString("(no error)\n")
			continue
		}
		b.WriteString(dql.Report(err) + "\n")
	}
	got := b.String()
	golden := "testdata/errors.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("error reports differ from %s (run go test -update and read the diff):\n%s", golden, got)
	}
}

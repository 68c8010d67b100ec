package script_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/trailbook/trailbook/kernel/dql"
	"github.com/trailbook/trailbook/kernel/dql/plan"
	"github.com/trailbook/trailbook/kernel/dql/value"
	"github.com/trailbook/trailbook/kernel/script"
	"github.com/trailbook/trailbook/kernel/store/demo"
)

// readmeCell is a code block of the repository README.md: a DQL or %%js cell of an example.
type readmeCell struct {
	name, lang, code string
	line             int
}

// readmeExamples returns the cells of each "### Example" section of README.md; a
// cell is named by the "**Cell `name`**" line before its block.
func readmeExamples(t *testing.T) map[string][]readmeCell {
	t.Helper()
	f, err := os.Open("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	nameRE := regexp.MustCompile("^\\*\\*Cell `(\\w+)`\\*\\*")
	examples := map[string][]readmeCell{}
	var section, name string
	var cur *readmeCell
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case cur != nil && line == "```":
			examples[section] = append(examples[section], *cur)
			cur, name = nil, ""
		case cur != nil:
			cur.code += line + "\n"
		case strings.HasPrefix(line, "### Example"):
			section = line
		case section == "":
		case nameRE.MatchString(line):
			name = nameRE.FindStringSubmatch(line)[1]
		case line == "```dql" || line == "```js":
			cur = &readmeCell{name: name, lang: strings.TrimPrefix(line, "```"), line: n + 1}
		}
	}
	return examples
}

// TestReadmeExamples runs the worked examples of README.md as a notebook would: DQL
// cells through the engine over the embedded demo data, %%js cells in one runtime
// per example, each cell's table kept under its name and as the previous result.
func TestReadmeExamples(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	src := demo.Source(now)
	want := map[string][]script.OutputKind{
		"### Example: source IPs outside an allow-list":            {script.OutputTable, script.OutputTable},
		"### Example: API calls a principal has never made before": {script.OutputTable, script.OutputTable},
		"### Example: AccessDenied against a 7-day baseline":       {script.OutputTable, script.OutputTable, script.OutputChart, script.OutputMarkdown},
	}
	examples := readmeExamples(t)
	if len(examples) != len(want) {
		t.Fatalf("README.md has %d examples, the test knows %d", len(examples), len(want))
	}
	for section, cells := range examples {
		t.Run(strings.TrimPrefix(section, "### Example: "), func(t *testing.T) {
			rt := script.New(script.Options{})
			results := map[string][]*value.Record{}
			var prev []*value.Record
			var kinds []script.OutputKind
			query := func(ctx context.Context, q string) ([]*value.Record, error) {
				res, err := dql.Run(ctx, q, dql.Options{Options: plan.Options{Now: now}, Source: src})
				if err != nil {
					return nil, fmt.Errorf("%s", dql.Report(err))
				}
				return res.Records, nil
			}
			for i, c := range cells {
				name := c.name
				if name == "" {
					name = fmt.Sprintf("cell%d", i+1)
				}
				var recs []*value.Record
				switch c.lang {
				case "dql":
					r, err := query(context.Background(), c.code)
					if err != nil {
						t.Fatalf("README.md:%d: %v", c.line, err)
					}
					recs = r
					kinds = append(kinds, script.OutputTable)
				case "js":
					code, ok := strings.CutPrefix(c.code, "%%js\n")
					if !ok {
						t.Fatalf("README.md:%d: a js cell must start with %%%%js", c.line)
					}
					var console strings.Builder
					out, err := rt.Run(context.Background(), code, script.Env{
						Cell:     name,
						Results:  func(n string) ([]*value.Record, bool) { r, ok := results[n]; return r, ok },
						Previous: prev,
						Query:    query,
						Console:  func(_, text string) { console.WriteString(text) },
					})
					if err != nil {
						t.Fatalf("README.md:%d (line %d of the cell): %v", c.line, lineOf(err), err)
					}
					recs = out.Records
					kinds = append(kinds, out.Kind)
					if testing.Verbose() {
						t.Logf("%s: %s, %d records; console: %q", name, out.Kind, len(out.Records), console.String())
					}
				}
				if recs != nil {
					results[name], prev = recs, recs
				}
			}
			if fmt.Sprint(kinds) != fmt.Sprint(want[section]) {
				t.Fatalf("outputs %v, want %v", kinds, want[section])
			}
			if len(results["outside"]) == 0 && strings.Contains(section, "allow-list") {
				t.Fatalf("no address outside the allow-list in the demo data")
			}
		})
	}
}

func lineOf(err error) int {
	if e, ok := err.(*script.Error); ok {
		return e.Line
	}
	return 0
}

package templates

// The fixture harness: every bundled template runs through Template.Run, the path
// of `trailbook template run`, over
//
//   - its own fixture, testdata/<name>/: CloudTrail files written for it (with near
//     misses it must not report), params.json (the values for the run, the timeframe
//     covering the fixture) and expected.golden (each cell's table; go test -update
//     rewrites it, and a person reads the diff: it is the expected result);
//   - every folder of ../shared/data/cloudtrail, without a failed cell, the cells
//     that hold a tutorial query matching the folder's expected-usecases.json;
//   - the embedded demo data, where every table of every template must find something.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trailbook/trailbook/kernel"
	"github.com/trailbook/trailbook/kernel/dql/dqltest"
	"github.com/trailbook/trailbook/kernel/dql/exec"
	"github.com/trailbook/trailbook/kernel/dql/value"
	"github.com/trailbook/trailbook/kernel/scriptcell"
	"github.com/trailbook/trailbook/kernel/store/demo"
	"github.com/trailbook/trailbook/kernel/store/files"
	"github.com/trailbook/trailbook/notebook/run"
)

var update = flag.Bool("update", false, "rewrite testdata/<template>/expected.golden")

// fixtureNow is now() of the fixture runs: fixtures are on 2024-03-01, before it.
var fixtureNow = time.Date(2024, 3, 1, 16, 30, 0, 0, time.UTC)

// cellTimeout keeps a template that loops from hanging the test run; the largest
// run (a template over the demo data) takes well under a second.
const cellTimeout = 2 * time.Minute

// runTemplate runs tp over src as `trailbook template run` does, with a fixed now,
// and fails the test when the run cannot start.
func runTemplate(t *testing.T, tp *Template, src exec.Source, given map[string]string, now time.Time) *run.Executed {
	t.Helper()
	ex, err := tp.Run(context.Background(), given, run.Options{
		Kernel: kernel.Options{
			Source:  src,
			Scripts: scriptcell.Factory(0),
			Now:     func() time.Time { return now },
		},
		CellTimeout: cellTimeout,
		KeepGoing:   true,
	})
	if err != nil {
		t.Fatalf("template %s: %v", tp.Name, err)
	}
	return ex
}

func TestFixtures(t *testing.T) {
	all, err := Bundled()
	if err != nil {
		t.Fatal(err)
	}
	for _, tp := range all {
		t.Run(tp.Name, func(t *testing.T) {
			dir := filepath.Join("testdata", tp.Name)
			given, events := readFixture(t, tp.Name, dir)
			src := &files.Source{Paths: events, Bucket: demo.Bucket}
			ex := runTemplate(t, tp, src, given, fixtureNow)
			for _, c := range ex.Cells {
				if c.Err != nil {
					t.Errorf("cell %d (%s) failed: %s: %s", c.Index+1, c.Name, c.Err.Ename, c.Err.Evalue)
				}
			}
			got := golden(ex)
			file := filepath.Join(dir, "expected.golden")
			if *update {
				if err := os.WriteFile(file, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("template %s: no expected result (%v): write it with go test ./templates -run TestFixtures -update, and check it by hand", tp.Name, err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("template %s: the result differs from %s (go test -update rewrites it; read the diff):\n%s", tp.Name, file, diffLines(string(want), string(got)))
			}
		})
	}
}

// readFixture returns the parameter values of params.json, as text, and the event
// files of a fixture folder: every file but params.json and the golden file.
func readFixture(t *testing.T, name, dir string) (map[string]string, []string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("template %s has no fixture: want %s/ with CloudTrail events written for it, params.json and expected.golden (%v)", name, dir, err)
	}
	var events []string
	given := map[string]string{}
	for _, e := range entries {
		switch {
		case e.IsDir():
		case e.Name() == "params.json":
			data, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			var raw map[string]json.RawMessage
			if err := json.Unmarshal(data, &raw); err != nil {
				t.Fatalf("%s/params.json: %v", dir, err)
			}
			for k, v := range raw {
				var s string
				if json.Unmarshal(v, &s) == nil {
					given[k] = s
				} else {
					given[k] = string(v) // a number, or a list as a JSON array
				}
			}
		case strings.HasSuffix(e.Name(), ".golden"):
		default:
			events = append(events, filepath.Join(dir, e.Name()))
		}
	}
	if len(events) == 0 {
		t.Fatalf("template %s: %s holds no event files", name, dir)
	}
	if _, ok := given["timeframe"]; !ok {
		t.Fatalf("template %s: %s/params.json sets no timeframe (the fixture's own, not the default)", name, dir)
	}
	return given, events
}

// golden writes every code cell's outcome: a header with the cell's number, name
// and record count, its columns with their types, then one typed JSON line per
// record (the jsonl encoding of `trailbook query`).
func golden(ex *run.Executed) []byte {
	var b bytes.Buffer
	for _, c := range ex.Cells {
		switch {
		case c.Err != nil:
			fmt.Fprintf(&b, "## cell %d %s: error\n%s: %s\n\n", c.Index+1, c.Name, c.Err.Ename, c.Err.Evalue)
		case c.Result == nil:
			fmt.Fprintf(&b, "## cell %d %s: no table\n\n", c.Index+1, c.Name)
		default:
			r := c.Result
			fmt.Fprintf(&b, "## cell %d %s: %d records\n", c.Index+1, c.Name, r.Total)
			cols := make([]string, len(r.Columns))
			for i, col := range r.Columns {
				cols[i] = col.Name + ":" + col.Type
			}
			fmt.Fprintf(&b, "# %s\n", strings.Join(cols, " "))
			for _, rec := range r.Records {
				b.Write(value.AppendRecordJSONL(nil, rec))
				b.WriteByte('\n')
			}
			b.WriteByte('\n')
		}
	}
	return b.Bytes()
}

// diffLines shows the first lines where want and got differ.
func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var out []string
	for i := 0; i < max(len(w), len(g)) && len(out) < 12; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			out = append(out, fmt.Sprintf("line %d:\n  want %.300s\n   got %.300s", i+1, wl, gl))
		}
	}
	return strings.Join(out, "\n")
}

// tutorialCells maps the cells that hold a query of the tutorial (shared/tutorial)
// to its file: template/cell name → query file.
var tutorialCells = map[string]string{
	"console-signin-failures/failures":       "10-console-login-failures.dql",
	"unauthorized-api-calls/topApis":         "20-unauthorized-api-calls.dql",
	"unauthorized-api-calls/byUser":          "21-unauthorized-api-calls-by-user.dql",
	"api-throttling/throttled":               "30-api-throttling.dql",
	"kms-external-key-material/externalKeys": "40-kms-external-keys.dql",
}

// TestTutorialText checks that the tutorial templates hold the tutorial's queries
// as it prints them, but for the bucket (a parameter) and the timeframe (the
// template's).
func TestTutorialText(t *testing.T) {
	shared := dqltest.SharedDir(t)
	all, err := Bundled()
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, tp := range all {
		for _, c := range tp.Notebook.Cells {
			key := tp.Name + "/" + c.Name()
			file, ok := tutorialCells[key]
			if !ok {
				continue
			}
			found[key] = true
			text, err := os.ReadFile(filepath.Join(shared, "tutorial", file))
			if err != nil {
				t.Fatal(err)
			}
			want := strings.Replace(string(text), "fetch logs, from: -30min", "fetch logs", 1)
			want = strings.Replace(want, `"my_aws_bucket"`, "$bucket", 1)
			if got := string(c.Source); strings.TrimSpace(got) != strings.TrimSpace(want) {
				t.Errorf("%s is not the tutorial's %s:\n got %s\nwant %s", key, file, got, want)
			}
		}
	}
	for key := range tutorialCells {
		if !found[key] {
			t.Errorf("no cell %s", key)
		}
	}
}

// TestSharedData runs every template over every folder of shared/data/cloudtrail,
// in the folder's time range: no cell may fail, and the tutorial cells must give
// the folder's expected-usecases.json results.
func TestSharedData(t *testing.T) {
	shared := dqltest.SharedDir(t)
	folders, _ := filepath.Glob(filepath.Join(shared, "data", "cloudtrail", "*", "expected-usecases.json"))
	if len(folders) == 0 {
		t.Fatal("no data folders in shared/data/cloudtrail")
	}
	all, err := Bundled()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range folders {
		folder := filepath.Dir(f)
		from, to := dqltest.TutorialRange(t, folder)
		src := &files.Source{Paths: []string{filepath.Join(folder, "logs")}, Bucket: demo.Bucket}
		for _, tp := range all {
			t.Run(filepath.Base(folder)+"/"+tp.Name, func(t *testing.T) {
				ex := runTemplate(t, tp, src, map[string]string{"timeframe": from + ".." + to}, fixtureNow)
				for _, c := range ex.Cells {
					if c.Err != nil {
						t.Errorf("cell %d (%s) failed: %s: %s", c.Index+1, c.Name, c.Err.Ename, c.Err.Evalue)
						continue
					}
					if q, ok := tutorialCells[tp.Name+"/"+c.Name]; ok {
						if c.Result == nil {
							t.Errorf("cell %s made no table", c.Name)
							continue
						}
						dqltest.CheckTutorialResult(t, folder, q, c.Result.Records)
					}
				}
			})
		}
	}
}

// TestDemo runs every template with its defaults over the embedded demo data:
// every table must have records, so that a template shows something on first run.
func TestDemo(t *testing.T) {
	now := time.Date(2024, 3, 1, 16, 30, 0, 0, time.UTC)
	src := demo.Source(now)
	all, err := Bundled()
	if err != nil {
		t.Fatal(err)
	}
	for _, tp := range all {
		t.Run(tp.Name, func(t *testing.T) {
			ex := runTemplate(t, tp, src, nil, now)
			tables := 0
			for _, c := range ex.Cells {
				switch {
				case c.Err != nil:
					t.Errorf("cell %d (%s) failed: %s: %s", c.Index+1, c.Name, c.Err.Ename, c.Err.Evalue)
				case c.Result != nil && c.Result.Total == 0:
					t.Errorf("cell %d (%s) finds nothing in the demo data with the defaults: add the activity to kernel/store/demo, or change the default", c.Index+1, c.Name)
				case c.Result != nil:
					tables++
				}
			}
			if tables == 0 {
				t.Errorf("no table at all")
			}
		})
	}
}

// TestInjection gives a hostile value to every string parameter of every template:
// it stays one string, so the queries (all of which filter on the bucket) find
// nothing over the demo data instead of everything.
func TestInjection(t *testing.T) {
	now := time.Date(2024, 3, 1, 16, 30, 0, 0, time.UTC)
	src := demo.Source(now)
	hostile := []string{`x" or true or "`, `my_aws_bucket" or "1" == "1`, "x`) | limit 1 //", "$bucket", `\" or true //`}
	tp, err := Bundled()
	if err != nil {
		t.Fatal(err)
	}
	for _, tp := range tp {
		for _, h := range hostile {
			ex := runTemplate(t, tp, src, map[string]string{"bucket": h}, now)
			for _, c := range ex.Cells {
				if c.Err != nil {
					t.Errorf("%s with bucket %q: cell %s failed: %s", tp.Name, h, c.Name, c.Err.Evalue)
				} else if c.Result != nil && c.Result.Total > 0 {
					t.Errorf("%s with bucket %q: cell %s found %d records: the value changed the query", tp.Name, h, c.Name, c.Result.Total)
				}
			}
		}
	}
	// A parameter error stops the run before anything executes.
	all, _ := Bundled()
	if _, err := all[0].Run(context.Background(), map[string]string{"nosuch": "1"}, run.Options{}); !errors.Is(err, ErrParameter) {
		t.Errorf("unknown parameter: err = %v, want ErrParameter", err)
	}
}

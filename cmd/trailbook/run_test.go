package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The payloads of the XSS checks: log strings that would run script if a front
// end took them for markup.
const (
	xssScript = `</script><script>alert(1)</script>`
	xssImg    = `"><img src=x onerror=alert(1)>`
)

// writeNotebook writes a notebook of the given cells ("md:" prefix: markdown)
// with metadata into dir and returns its path.
func writeNotebook(t *testing.T, dir, name, meta string, cells ...string) string {
	t.Helper()
	var cs []map[string]any
	for _, src := range cells {
		if md, ok := strings.CutPrefix(src, "md:"); ok {
			cs = append(cs, map[string]any{"cell_type": "markdown", "metadata": map[string]any{}, "source": md})
			continue
		}
		cs = append(cs, map[string]any{"cell_type": "code", "metadata": map[string]any{}, "source": src, "outputs": []any{}, "execution_count": nil})
	}
	data, err := json.Marshal(map[string]any{"cells": cs, "metadata": json.RawMessage(meta), "nbformat": 4, "nbformat_minor": 4})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// demoNotebook exercises every kind of output over the demo data: a table, a
// chart, a stream, Markdown from a script and from %%md, and hostile strings.
func demoNotebook(t *testing.T, dir string) string {
	return writeNotebook(t, dir, "demo.ipynb", `{"trailbook":{"timeframe":{"from":"-2h"}}}`,
		"md:# Demo <b>triage</b>\n\nFailed sign-ins.",
		`fetch logs, from: -30min
| parse content, "JSON:event"
| filter event[eventName] == "ConsoleLogin"
| summarize n = count(), by: {ip = event[sourceIPAddress]}
| sort n desc`,
		`fetch logs, from: -30min
| parse content, "json:event"
| makeTimeseries n = count(), by: {name = event[eventName]}, interval: 5m
| limit 3`,
		"%%js\nconsole.log(`${prev.length} series`)\nmd`**${prev.length}** series`",
		"%%md\nA *note*.",
		`data record(a = "`+strings.ReplaceAll(xssScript, `"`, `\"`)+`", b = "`+strings.ReplaceAll(xssImg, `"`, `\"`)+`")`,
		`makeTimeseries`, // a syntax error: the run fails here
		`data record(after = 1)`,
	)
}

func TestRunExitCodes(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir) // no ./trailbook-data: the demo data
	t.Setenv("TRAILBOOK_DATA", "")
	good := writeNotebook(t, dir, "good.ipynb", `{}`, "data record(a = 1)")
	bad := writeNotebook(t, dir, "bad.ipynb", `{}`, "data record(a = 1)", "data record(", "data record(c = 3)")
	withParam := writeNotebook(t, dir, "param.ipynb", `{"trailbook":{"parameters":[{"name":"n","type":"number","default":1}]}}`,
		"data record(n = $n)")
	f := func(wantCode int, wantErr string, args ...string) {
		t.Helper()
		code, _, stderr := runCLI(t, args...)
		if code != wantCode {
			t.Fatalf("trailbook %q: exit %d, want %d\n%s", args, code, wantCode, stderr)
		}
		if !strings.Contains(stderr, wantErr) {
			t.Fatalf("trailbook %q: stderr\n%s\nwant it to contain %q", args, stderr, wantErr)
		}
	}
	f(2, "missing NOTEBOOK.ipynb", "run")
	f(2, "expected one NOTEBOOK.ipynb", "run", good, bad)
	f(2, "bogus", "run", "--bogus", good)
	f(2, "cannot both go to stdout", "run", good, "-o", "-", "--html", "-")
	f(2, `--param "x": want NAME=VALUE`, "run", withParam, "--param", "x")
	f(2, "m", "run", withParam, "--param", "m=2") // not declared
	f(2, "n", "run", withParam, "--param", "n=lots")
	f(1, "cannot open notebook", "run", filepath.Join(dir, "missing.ipynb"))
	f(0, "wrote "+strings.TrimSuffix(good, ".ipynb")+".out.ipynb", "run", good)
	f(0, "cell 1/1", "run", withParam, "--param", "n=7", "-o", filepath.Join(dir, "param.out.ipynb"))
	out, _ := os.ReadFile(filepath.Join(dir, "param.out.ipynb"))
	if !strings.Contains(string(out), `"n": 7`) {
		t.Errorf("--param n=7 did not reach the query:\n%s", out)
	}

	// A failed cell: exit 1, and the notebook is written with the error in it and
	// the cell after it left unexecuted.
	f(1, "DQLSyntaxError", "run", bad, "-o", filepath.Join(dir, "bad.out.ipynb"))
	cells := readCells(t, filepath.Join(dir, "bad.out.ipynb"))
	if len(cells) != 3 || cells[1].output(0) != "error" || len(cells[2].Outputs) != 0 || cells[2].ExecutionCount != nil {
		t.Errorf("bad.out.ipynb cells: %+v", cells)
	}
	f(1, "1 of 3 cells failed", "run", bad, "--keep-going", "-o", filepath.Join(dir, "bad2.out.ipynb"))
	if cells := readCells(t, filepath.Join(dir, "bad2.out.ipynb")); cells[2].output(0) != "execute_result" {
		t.Errorf("--keep-going did not run the cell after the failed one: %+v", cells[2])
	}
}

type savedCell struct {
	Outputs []struct {
		OutputType string                     `json:"output_type"`
		Data       map[string]json.RawMessage `json:"data"`
		Text       []string                   `json:"text"`
	} `json:"outputs"`
	ExecutionCount *int `json:"execution_count"`
}

func (c savedCell) output(i int) string {
	if i >= len(c.Outputs) {
		return ""
	}
	return c.Outputs[i].OutputType
}

func readCells(t *testing.T, path string) []savedCell {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var nb struct{ Cells []savedCell }
	if err := json.Unmarshal(data, &nb); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return nb.Cells
}

// TestRunNotebookIsValidNBFormat runs a notebook with every kind of output and
// checks the result with the official nbformat validator and nbconvert, and that
// the hostile strings stay escaped in text/html and the report.
func TestRunNotebookIsValidNBFormat(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("TRAILBOOK_DATA", "")
	nb := demoNotebook(t, dir)
	out := filepath.Join(dir, "demo.out.ipynb")
	report := filepath.Join(dir, "demo.html")
	code, _, stderr := runCLI(t, "run", nb, "-o", out, "--html", report, "--keep-going", "--now", "2024-03-01T16:30:00Z")
	if code != 1 || !strings.Contains(stderr, "1 of 7 cells failed") {
		t.Fatalf("exit %d, want 1 for the failing cell\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "using the embedded demo data") || strings.Count(stderr, "embedded demo data") != 1 {
		t.Errorf("the demo data note should be printed once:\n%s", stderr)
	}

	cells := readCells(t, out)
	var kinds []string
	for _, c := range cells {
		var k []string
		for _, o := range c.Outputs {
			k = append(k, o.OutputType)
		}
		kinds = append(kinds, strings.Join(k, "+"))
	}
	want := "|execute_result|display_data+execute_result|stream+execute_result|display_data|execute_result|error|execute_result"
	if got := strings.Join(kinds, "|"); got != want {
		t.Errorf("outputs per cell\n got %s\nwant %s", got, want)
	}
	// The table's text/html is escaped; its table+json keeps the value as data.
	html := string(cells[5].Outputs[0].Data["text/html"])
	if strings.Contains(html, "<script>alert") || strings.Contains(html, "<img src=x") || !strings.Contains(html, "&lt;/script&gt;") {
		t.Errorf("text/html output is not escaped: %s", html)
	}

	validateNBFormat(t, out)
	nbconvert(t, out)

	page, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(page), "<script>alert") || strings.Contains(string(page), "<img src=x") {
		t.Errorf("the report has markup from the notebook")
	}
	if regexp.MustCompile(`(?i)(src|href)\s*=\s*["']?(https?:)?//`).Match(page) {
		t.Errorf("the report refers to an external URL")
	}
}

// pythonNBFormat is Debian's Python, which has python3-nbformat; the python3 on
// PATH may be another one without it.
const (
	systemPython  = "/usr/bin/python3"
	systemJupyter = "/usr/bin/jupyter"
	jupyterDeps   = "apt-get install -y jupyter-nbconvert python3-nbclient jupyter-client python3-nbformat (make jupyter-deps)"
)

// validateNBFormat checks a notebook against the official nbformat schema, and
// that every cell has an id (nbformat 4.5).
func validateNBFormat(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Stat(systemPython); err != nil {
		t.Fatalf("validating nbformat needs %s with nbformat: %s", systemPython, jupyterDeps)
	}
	cmd := exec.Command(systemPython, "-c", `import nbformat, sys
nb = nbformat.read(sys.argv[1], as_version=nbformat.NO_CONVERT)
nbformat.validate(nb)
assert all("id" in c for c in nb.cells), "a cell has no id"
assert (nb.nbformat, nb.nbformat_minor) >= (4, 5), (nb.nbformat, nb.nbformat_minor)`, path)
	cmd.Env = append(os.Environ(), "NBFORMAT_VALIDATOR=jsonschema")
	if out, err := cmd.CombinedOutput(); err != nil {
		if strings.Contains(string(out), "No module named") {
			t.Fatalf("validating nbformat needs python3-nbformat: %s\n%s", jupyterDeps, out)
		}
		t.Fatalf("%s is not valid nbformat: %v\n%s", path, err, out)
	}
}

// nbconvert converts a notebook to HTML with Jupyter's nbconvert.
func nbconvert(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Stat(systemJupyter); err != nil {
		t.Fatalf("the nbconvert check needs %s: %s", systemJupyter, jupyterDeps)
	}
	outDir := t.TempDir()
	cmd := exec.Command(systemJupyter, "nbconvert", "--to", "html", "--output-dir", outDir, path)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("jupyter nbconvert --to html %s: %v\n%s", path, err, out)
	}
	html, err := os.ReadFile(filepath.Join(outDir, strings.TrimSuffix(filepath.Base(path), ".ipynb")+".html"))
	if err != nil {
		t.Fatal(err)
	}
	// nbconvert shows text/html as it is: ours must be escaped already.
	if strings.Contains(string(html), "<script>alert(1)") || strings.Contains(string(html), "<img src=x onerror") {
		t.Errorf("nbconvert's HTML of the executed notebook runs a payload")
	}
}

package jupyter

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// tutorial returns the tutorial's queries (../shared/tutorial/*.dql), in order.
func tutorial(t *testing.T) (files, sources []string) {
	t.Helper()
	dir, _ := filepath.Abs(filepath.Join("..", "..", "..", "shared", "tutorial"))
	files, _ = filepath.Glob(filepath.Join(dir, "*.dql"))
	if len(files) < 9 {
		t.Fatalf("found %d tutorial queries in ../shared/tutorial: clone shared/ beside this repository", len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sources = append(sources, string(b))
	}
	return files, sources
}

func TestKernelspecList(t *testing.T) {
	j := newJupyter(t)
	// --user lands in $JUPYTER_DATA_DIR/kernels, where Jupyter looks as well.
	if out, err := j.command(binary, "kernelspec", "install", "--user", "--name", "trailbook-user").CombinedOutput(); err != nil {
		t.Fatalf("install --user: %v\n%s", err, out)
	}
	stdout, stderr, err := j.run(jupyterPath, "kernelspec", "list", "--json")
	if err != nil {
		t.Fatalf("jupyter kernelspec list: %v\n%s", err, stderr)
	}
	var list struct {
		Kernelspecs map[string]struct {
			ResourceDir string `json:"resource_dir"`
			Spec        struct {
				Argv          []string `json:"argv"`
				DisplayName   string   `json:"display_name"`
				Language      string   `json:"language"`
				InterruptMode string   `json:"interrupt_mode"`
			} `json:"spec"`
		} `json:"kernelspecs"`
	}
	if err := json.Unmarshal([]byte(stdout), &list); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	want := map[string]string{
		"trailbook":      filepath.Join(j.prefix, "share", "jupyter", "kernels", "trailbook"),
		"trailbook-user": filepath.Join(j.dir, "data", "kernels", "trailbook-user"),
	}
	for name, dir := range want {
		ks, ok := list.Kernelspecs[name]
		if !ok {
			t.Fatalf("jupyter kernelspec list does not show %s:\n%s", name, stdout)
		}
		if ks.ResourceDir != dir || ks.Spec.Language != "dql" || ks.Spec.DisplayName != "trailbook (DQL)" ||
			ks.Spec.InterruptMode != "message" || ks.Spec.Argv[0] != binary {
			t.Fatalf("%s: %+v", name, ks)
		}
	}
	// And the plain listing a user reads.
	stdout, _, err = j.run(jupyterPath, "kernelspec", "list")
	if err != nil || !strings.Contains(stdout, "trailbook ") {
		t.Fatalf("jupyter kernelspec list: %v\n%s", err, stdout)
	}
}

// TestNbconvertTutorial executes a notebook of the tutorial's queries with nbconvert
// and checks every cell's table against `trailbook query` over the same demo data.
func TestNbconvertTutorial(t *testing.T) {
	j := newJupyter(t)
	files, sources := tutorial(t)
	nb := j.writeNotebook(t, "tutorial.ipynb", sources...)
	_, stderr, err := j.run(jupyterPath, "nbconvert", "--to", "notebook", "--execute", nb, "--output", "executed.ipynb")
	if err != nil {
		t.Fatalf("nbconvert --execute: %v\n%s", err, stderr)
	}
	cells := readCells(t, filepath.Join(j.dir, "executed.ipynb"))
	if len(cells) != len(files) {
		t.Fatalf("%d cells executed, want %d", len(cells), len(files))
	}
	for i, f := range files {
		got := cells[i].table(t)
		out, qerr, err := j.run(binary, "query", "--now", now, "--format", "jsonl", "-f", f)
		if err != nil {
			t.Fatalf("trailbook query -f %s: %v\n%s", f, err, qerr)
		}
		want := jsonl(t, out)
		if len(want) == 0 {
			t.Fatalf("%s: no records over the demo data; the comparison would prove nothing", filepath.Base(f))
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the notebook's table differs from trailbook query:\nnotebook %d records: %.500v\nquery %d records: %.500v",
				filepath.Base(f), len(got), got, len(want), want)
		}
	}
}

// TestNbconvertError: a cell with a DQL error fails the run, and the error with its
// caret reaches the user.
func TestNbconvertError(t *testing.T) {
	j := newJupyter(t)
	nb := j.writeNotebook(t, "broken.ipynb", "data record(a = 1)", "data record(a = 1)\n| summarize n = coutn()", "data record(a = 2)")
	_, stderr, err := j.run(jupyterPath, "nbconvert", "--to", "notebook", "--execute", nb, "--output", "executed.ipynb")
	if err == nil {
		t.Fatalf("nbconvert succeeded on a notebook with an error:\n%s", stderr)
	}
	for _, want := range []string{
		"CellExecutionError",
		"  | | summarize n = coutn()\n  |                 ^\n",
		`DQLSyntaxError: 2:17: unknown function "coutn" (did you mean "count"?)`,
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("nbconvert's stderr lacks %q:\n%s", want, stderr)
		}
	}
	// --allow-errors keeps going and records the error in the cell.
	_, stderr, err = j.run(jupyterPath, "nbconvert", "--to", "notebook", "--execute", "--allow-errors", nb, "--output", "executed.ipynb")
	if err != nil {
		t.Fatalf("nbconvert --allow-errors: %v\n%s", err, stderr)
	}
	cells := readCells(t, filepath.Join(j.dir, "executed.ipynb"))
	if len(cells) != 3 || len(cells[1]) != 1 || cells[1][0].OutputType != "error" || cells[1][0].Ename != "DQLSyntaxError" {
		t.Fatalf("the erroring cell's outputs: %+v", cells[1])
	}
	if got := cells[2].table(t); len(got) != 1 {
		t.Fatalf("the cell after the error: %v", got)
	}
}

// TestJupyterRun: `jupyter run` prints the result, and the kernel does not outlive
// it. jupyter run never shuts its kernel down: the kernel notices that its parent
// has gone.
func TestJupyterRun(t *testing.T) {
	j := newJupyter(t)
	q := filepath.Join(j.dir, "q.dql")
	os.WriteFile(q, []byte("data record(answer = 42, who = \"trailbook\")\n"), 0o644)
	stdout, stderr, err := j.run(jupyterPath, "run", "--kernel=trailbook", q)
	if err != nil {
		t.Fatalf("jupyter run: %v\n%s", err, stderr)
	}
	if !strings.Contains(stdout, "answer  who") || !strings.Contains(stdout, "42      trailbook") {
		t.Fatalf("jupyter run printed:\n%s\nstderr:\n%s", stdout, stderr)
	}
	// The kernel polls for its parent every zmq.ParentPoll (a second); allow for a
	// loaded machine.
	deadline := time.Now().Add(30 * time.Second)
	for {
		pids := j.kernels()
		if len(pids) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("trailbook kernel still running after jupyter run ended: pids %v", pids)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestInterrupt interrupts a long query through jupyter_client, as a notebook's stop
// button does, and shuts the kernel down.
func TestInterrupt(t *testing.T) {
	j := newJupyter(t)
	// The demo data's 20,000 events ten times over, each expanded a hundredfold:
	// tens of seconds of work, in batches that check for cancellation.
	long := "fetch logs, from: -30d" + strings.Repeat(" | append [fetch logs, from: -30d]", 9) +
		` | fieldsAdd a = splitString("0123456789", "") | expand a` +
		` | fieldsAdd b = splitString("0123456789", "") | expand b` +
		` | summarize count()`
	script, _ := filepath.Abs(filepath.Join("testdata", "interrupt.py"))
	stdout, stderr, err := j.run(pythonPath, script, long)
	if err != nil {
		t.Fatalf("interrupt.py: %v\n%s%s", err, stdout, stderr)
	}
	var res struct {
		Status, Ename, After string
		Returncode           *int
	}
	if err := json.Unmarshal([]byte(strings.TrimSpace(stdout)), &res); err != nil {
		t.Fatalf("interrupt.py printed %q: %v\n%s", stdout, err, stderr)
	}
	if res.Status != "error" || res.Ename != "Interrupted" {
		t.Fatalf("the interrupted cell's reply: %+v", res)
	}
	if res.After != "ok" {
		t.Fatalf("a cell after the interrupt: %+v", res)
	}
	// 0: the kernel exited on the shutdown request, before jupyter_client's patience
	// ran out and it sent SIGKILL (-9).
	if res.Returncode == nil || *res.Returncode != 0 {
		t.Fatalf("the kernel's exit: %+v\n%s", res, stderr)
	}
}

// TestRunMatchesNbconvert: the same notebook executed by `trailbook run` and by
// nbconvert with the trailbook kernel holds the same tables, cell by cell.
func TestRunMatchesNbconvert(t *testing.T) {
	j := newJupyter(t)
	_, sources := tutorial(t)
	nb := j.writeNotebook(t, "tutorial.ipynb", sources...)
	if _, stderr, err := j.run(jupyterPath, "nbconvert", "--to", "notebook", "--execute", nb, "--output", "nbconvert.ipynb"); err != nil {
		t.Fatalf("nbconvert --execute: %v\n%s", err, stderr)
	}
	if _, stderr, err := j.run(binary, "run", "--now", now, nb, "-o", filepath.Join(j.dir, "run.ipynb")); err != nil {
		t.Fatalf("trailbook run: %v\n%s", err, stderr)
	}
	byJupyter := readCells(t, filepath.Join(j.dir, "nbconvert.ipynb"))
	byRun := readCells(t, filepath.Join(j.dir, "run.ipynb"))
	if len(byJupyter) != len(sources) || len(byRun) != len(sources) {
		t.Fatalf("cells: nbconvert %d, run %d, notebook %d", len(byJupyter), len(byRun), len(sources))
	}
	for i := range sources {
		got, want := byJupyter[i].table(t), byRun[i].table(t)
		if len(got) == 0 || !reflect.DeepEqual(got, want) {
			t.Errorf("cell %d: nbconvert's table differs from trailbook run's:\nnbconvert %d records: %.300v\nrun %d records: %.300v",
				i, len(got), got, len(want), want)
		}
	}
}

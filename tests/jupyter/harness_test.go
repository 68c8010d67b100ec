package jupyter

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// Debian's Jupyter tools. They are called by path: the python3 on PATH may be
// another installation (pyenv, a virtualenv) without these packages.
const (
	jupyterPath = "/usr/bin/jupyter"
	pythonPath  = "/usr/bin/python3"
)

// installHint is what to run when the tools are missing.
const installHint = "make jupyter-deps (as root: apt-get install -y jupyter-nbconvert python3-nbclient jupyter-client python3-nbformat)"

// now fixes now() in every kernel and query of these tests (TRAILBOOK_NOW), so that
// the demo data and the tutorial's relative timeframes meet the same way each run.
const now = "2024-03-01T12:00:00Z"

// commandTime bounds one Jupyter command: starting Python and the kernel takes a
// second or two; a shared CI machine may be much slower.
const commandTime = 2 * time.Minute

var (
	setupOnce sync.Once
	setupErr  error  // why the tests cannot run
	binary    string // the trailbook binary under test
	tmpRoot   string // removed by TestMain
)

func TestMain(m *testing.M) {
	code := m.Run()
	if tmpRoot != "" {
		os.RemoveAll(tmpRoot)
	}
	os.Exit(code)
}

// setup checks the tools and builds the binary, once; a test that cannot run skips,
// or fails under CI.
func setup(t *testing.T) {
	t.Helper()
	setupOnce.Do(func() { setupErr = prepare() })
	if setupErr != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%v", setupErr)
		}
		t.Skipf("%v", setupErr)
	}
}

func prepare() error {
	if runtime.GOOS != "linux" {
		return fmt.Errorf("the Jupyter tests use Debian's packages and /proc: Linux only")
	}
	if _, err := os.Stat(jupyterPath); err != nil {
		return fmt.Errorf("the Jupyter tests need %s: %s", jupyterPath, installHint)
	}
	check := exec.Command(pythonPath, "-c", "import jupyter_client, nbclient, nbconvert, nbformat")
	if out, err := check.CombinedOutput(); err != nil {
		return fmt.Errorf("the Jupyter tests need jupyter_client, nbclient, nbconvert and nbformat for %s: %s\n%s", pythonPath, installHint, out)
	}
	var err error
	if tmpRoot, err = os.MkdirTemp("", "trailbook-jupyter-"); err != nil {
		return err
	}
	if binary = os.Getenv("TRAILBOOK_BIN"); binary != "" {
		binary, err = filepath.Abs(binary)
		return err
	}
	binary = filepath.Join(tmpRoot, "trailbook")
	build := exec.Command("go", "build", "-o", binary, "./cmd/trailbook")
	build.Dir = filepath.Join("..", "..")
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("cannot build trailbook: %v\n%s", err, out)
	}
	return nil
}

// jenv is a Jupyter installation of its own: a home, data, runtime and config
// directories in a temporary directory, and a prefix holding the trailbook
// kernelspec, so that the tests neither see nor touch the machine's Jupyter.
type jenv struct {
	t      *testing.T
	dir    string
	prefix string
	env    []string
}

// newJupyter makes a jenv and installs the kernelspec in its prefix, with kernel
// flags after -- if any.
func newJupyter(t *testing.T, kernelFlags ...string) *jenv {
	t.Helper()
	setup(t)
	dir := t.TempDir()
	j := &jenv{t: t, dir: dir, prefix: filepath.Join(dir, "prefix")}
	for _, k := range os.Environ() {
		if strings.HasPrefix(k, "JUPYTER_") || strings.HasPrefix(k, "JPY_") || strings.HasPrefix(k, "TRAILBOOK_") || strings.HasPrefix(k, "HOME=") {
			continue
		}
		j.env = append(j.env, k)
	}
	j.env = append(j.env,
		"HOME="+filepath.Join(dir, "home"),
		"JUPYTER_PATH="+filepath.Join(j.prefix, "share", "jupyter"),
		"JUPYTER_DATA_DIR="+filepath.Join(dir, "data"),
		"JUPYTER_RUNTIME_DIR="+filepath.Join(dir, "runtime"),
		"JUPYTER_CONFIG_DIR="+filepath.Join(dir, "config"),
		"JUPYTER_PLATFORM_DIRS=1", // jupyter_core's future default; silences its warning
		"TRAILBOOK_NOW="+now,
	)
	os.MkdirAll(filepath.Join(dir, "home"), 0o755)
	args := append([]string{"kernelspec", "install", "--prefix", j.prefix}, kernelFlags...)
	if len(kernelFlags) > 0 {
		args = append([]string{"kernelspec", "install", "--prefix", j.prefix, "--"}, kernelFlags...)
	}
	if out, err := j.command(binary, args...).CombinedOutput(); err != nil {
		t.Fatalf("trailbook %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return j
}

// command returns a command in the jenv, run from its directory (where no
// trailbook-data exists: the kernel serves the demo data).
func (j *jenv) command(name string, args ...string) *exec.Cmd {
	ctx, cancel := context.WithTimeout(j.t.Context(), commandTime)
	j.t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = j.dir
	cmd.Env = j.env
	return cmd
}

// run runs a command and returns its stdout and stderr and its error.
func (j *jenv) run(name string, args ...string) (string, string, error) {
	cmd := j.command(name, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return stdout.String(), stderr.String(), err
}

// writeNotebook writes an nbformat 4.5 notebook of code cells for the trailbook
// kernel and returns its path.
func (j *jenv) writeNotebook(t *testing.T, name string, cells ...string) string {
	t.Helper()
	type cell struct {
		CellType       string         `json:"cell_type"`
		ID             string         `json:"id"`
		Metadata       map[string]any `json:"metadata"`
		Source         string         `json:"source"`
		Outputs        []any          `json:"outputs"`
		ExecutionCount *int           `json:"execution_count"`
	}
	nb := map[string]any{
		"nbformat": 4, "nbformat_minor": 5,
		"metadata": map[string]any{
			"kernelspec":    map[string]any{"name": "trailbook", "display_name": "trailbook (DQL)", "language": "dql"},
			"language_info": map[string]any{"name": "dql"},
		},
	}
	var cs []cell
	for i, src := range cells {
		cs = append(cs, cell{CellType: "code", ID: fmt.Sprintf("cell-%d", i), Metadata: map[string]any{}, Source: src, Outputs: []any{}})
	}
	nb["cells"] = cs
	b, _ := json.MarshalIndent(nb, "", " ")
	path := filepath.Join(j.dir, name)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// outputs is what a cell of an executed notebook holds.
type outputs []struct {
	OutputType string                     `json:"output_type"`
	Data       map[string]json.RawMessage `json:"data"`
	Ename      string                     `json:"ename"`
	Evalue     string                     `json:"evalue"`
}

// readCells returns the outputs of each cell of an executed notebook.
func readCells(t *testing.T, path string) []outputs {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var nb struct {
		Cells []struct {
			Outputs outputs `json:"outputs"`
		} `json:"cells"`
	}
	if err := json.Unmarshal(b, &nb); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var out []outputs
	for _, c := range nb.Cells {
		out = append(out, c.Outputs)
	}
	return out
}

// table returns the records of a cell's application/vnd.trailbook.table+json
// output, decoded, and fails the test if the output holds fewer than all of them.
func (o outputs) table(t *testing.T) []any {
	t.Helper()
	for _, out := range o {
		raw, ok := out.Data["application/vnd.trailbook.table+json"]
		if !ok {
			continue
		}
		var tb struct {
			Records []any `json:"records"`
			Total   int   `json:"total"`
		}
		if err := json.Unmarshal(raw, &tb); err != nil {
			t.Fatal(err)
		}
		if len(tb.Records) != tb.Total {
			t.Fatalf("the output holds %d of %d records", len(tb.Records), tb.Total)
		}
		return tb.Records
	}
	t.Fatalf("no table output in %+v", o)
	return nil
}

// jsonl decodes JSON lines.
func jsonl(t *testing.T, s string) []any {
	t.Helper()
	var recs []any
	for _, line := range strings.Split(strings.TrimSpace(s), "\n") {
		if line == "" {
			continue
		}
		var r any
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("jsonl %q: %v", line, err)
		}
		recs = append(recs, r)
	}
	return recs
}

// kernels returns the pids of trailbook kernels started in this jenv: processes
// whose command line is the binary's `kernel -f` with a connection file in the
// jenv's runtime directory.
func (j *jenv) kernels() []int {
	runtimeDir := filepath.Join(j.dir, "runtime")
	var pids []int
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		b, err := os.ReadFile(p)
		if err != nil {
			continue // the process has ended
		}
		args := strings.Split(string(b), "\x00")
		if len(args) > 3 && args[0] == binary && args[1] == "kernel" && strings.HasPrefix(args[3], runtimeDir) {
			var pid int
			fmt.Sscanf(filepath.Base(filepath.Dir(p)), "%d", &pid)
			pids = append(pids, pid)
		}
	}
	return pids
}

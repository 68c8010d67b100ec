package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trailbook/trailbook/notebook"
)

// fixtureArgs run a template over its fixture in templates/testdata, as the
// harness there does: the fixture's events, bucket, timeframe and now.
func fixtureArgs(name string) []string {
	return []string{
		"--input", filepath.Join("..", "..", "templates", "testdata", name, "events.json"),
		"--bucket", "my_aws_bucket",
		"--param", "timeframe=2024-03-01T15:00:00Z..2024-03-01T16:00:00Z",
		"--now", "2024-03-01T16:30:00Z",
	}
}

func TestTemplateListShow(t *testing.T) {
	tdir := t.TempDir()
	code, out, stderr := runCLI(t, "template", "list", "--templates", tdir)
	if code != 0 || !strings.Contains(out, "console-signin-failures") || !strings.Contains(out, "T1110.003") {
		t.Fatalf("list: exit %d\n%s%s", code, out, stderr)
	}
	code, out, _ = runCLI(t, "template", "list", "--templates", tdir, "--format", "json", "T1110.003")
	var list []struct {
		Name       string
		Events     []string
		Parameters []struct{ Name, Type string }
	}
	if err := json.Unmarshal([]byte(out), &list); code != 0 || err != nil || len(list) != 1 || list[0].Name != "console-signin-failures" {
		t.Fatalf("list --format json T1110.003: exit %d, %v\n%s", code, err, out)
	}
	if len(list[0].Parameters) == 0 || list[0].Events[0] != "signin.amazonaws.com:ConsoleLogin" {
		t.Errorf("list json: %+v", list[0])
	}

	code, out, _ = runCLI(t, "template", "show", "--templates", tdir, "kms-external-key-material")
	for _, want := range []string{"KMS keys with external key material", "T1486", "kms.amazonaws.com:ImportKeyMaterial",
		"  bucket     string, default my_aws_bucket", "[2] dql externalKeys", `| filterOut startsWith(event[requestParameters][origin], "AWS_")`} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("show: exit %d, want %q in\n%s", code, want, out)
		}
	}
	code, out, _ = runCLI(t, "template", "show", "--templates", tdir, "--format", "ipynb", "root-account-activity")
	if nb, err := notebook.Parse([]byte(out)); code != 0 || err != nil || len(nb.Cells) == 0 {
		t.Errorf("show --format ipynb: exit %d, %v", code, err)
	}

	f := func(wantCode int, wantErr string, args ...string) {
		t.Helper()
		code, _, stderr := runCLI(t, append([]string{"template"}, args...)...)
		if code != wantCode || !strings.Contains(stderr, wantErr) {
			t.Errorf("template %q: exit %d, stderr %q; want %d and %q", args, code, stderr, wantCode, wantErr)
		}
	}
	f(2, "missing subcommand", []string{}...)
	f(2, `unknown subcommand "lst"`, "lst")
	f(2, `no such template "root-acount-activity" (did you mean root-account-activity?)`, "show", "root-acount-activity")
	f(2, "missing template NAME", "show")
	f(2, `unknown --format "xml"`, "list", "--format", "xml")
	code, out, _ = runCLI(t, "template", "run", "--help")
	if code != 0 || !strings.Contains(out, "Usage: trailbook template run NAME") || !strings.Contains(out, "-param NAME=VALUE") {
		t.Errorf("run --help: exit %d\n%s", code, out)
	}
}

func TestTemplateRun(t *testing.T) {
	dir, tdir := t.TempDir(), t.TempDir() // outputs, templates
	out := filepath.Join(dir, "signin.ipynb")
	args := append([]string{"template", "run", "console-signin-failures", "--templates", tdir, "-o", out, "--format", "jsonl"}, fixtureArgs("console-signin-failures")...)
	code, stdout, stderr := runCLI(t, args...)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	var spray []string
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		var rec struct {
			Cell   string
			Record map[string]any
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("not a jsonl line: %s", line)
		}
		if rec.Cell == "spray" {
			spray = append(spray, rec.Record["ipAddr"].(string))
		}
	}
	if strings.Join(spray, " ") != "203.0.113.10" {
		t.Errorf("spray cell: %v, want the fixture's spraying address only\n%s", spray, stdout)
	}
	for _, want := range []string{"cell 6/9  spray", "1 record", "wrote " + out} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	nb, err := notebook.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	if tf := nb.Trailbook().Timeframe; tf == nil || tf.From != "2024-03-01T15:00:00Z" {
		t.Errorf("the written notebook's timeframe: %+v", tf)
	}
	outputs := 0
	for _, c := range nb.Cells {
		outputs += len(c.Outputs)
	}
	if outputs == 0 {
		t.Error("the written notebook has no outputs")
	}

	// One cell, as query prints it.
	args = append([]string{"template", "run", "console-signin-failures", "--templates", tdir, "-o", out, "--cell", "spray", "--format", "csv"}, fixtureArgs("console-signin-failures")...)
	code, stdout, stderr = runCLI(t, args...)
	if code != 0 || !strings.HasPrefix(stdout, "ipAddr,failures,users,userNames,") || strings.Count(stdout, "\n") != 2 {
		t.Errorf("--cell spray --format csv: exit %d\n%s%s", code, stdout, stderr)
	}

	f := func(wantCode int, wantErr string, extra ...string) {
		t.Helper()
		args := append([]string{"template", "run", "console-signin-failures", "--templates", tdir, "-o", out}, extra...)
		code, _, stderr := runCLI(t, append(args, fixtureArgs("console-signin-failures")...)...)
		if code != wantCode || !strings.Contains(stderr, wantErr) {
			t.Errorf("%q: exit %d, stderr %q; want %d and %q", extra, code, stderr, wantCode, wantErr)
		}
	}
	f(2, `parameter min_users: "many" is not a number`, "--param", "min_users=many")
	f(2, `unknown parameter "user"`, "--param", "user=alice")
	f(2, `has no cell named "nosuch"`, "--cell", "nosuch")
	f(2, "choose it with --cell NAME", "--format", "csv")
	f(2, "the tables cannot go there too", "-o", "-", "--format", "table")
}

// TestTemplateRunInjection gives the bucket parameter values that would widen the
// query if they were spliced in as text: each stays one string, matches no bucket,
// and the run prints no record at all.
func TestTemplateRunInjection(t *testing.T) {
	dir, tdir := t.TempDir(), t.TempDir() // outputs, templates
	run := func(bucket string) string {
		t.Helper()
		args := append([]string{"template", "run", "console-signin-failures", "--templates", tdir,
			"-o", filepath.Join(dir, "out.ipynb"), "--format", "jsonl", "--param", "bucket=" + bucket}, fixtureArgs("console-signin-failures")...)
		code, stdout, stderr := runCLI(t, args...)
		if code != 0 {
			t.Fatalf("bucket %q: exit %d\n%s", bucket, code, stderr)
		}
		return stdout
	}
	if run("my_aws_bucket") == "" {
		t.Fatal("the fixture finds nothing with the right bucket")
	}
	for _, hostile := range []string{`x" or true or "`, `my_aws_bucket" or "a" == "a`, `x") or isNotNull(content) or ("`, "x`) | limit 1 //"} {
		if out := run(hostile); out != "" {
			t.Errorf("bucket %q changed the query: it printed\n%.500s", hostile, out)
		}
	}
}

func TestTemplateSave(t *testing.T) {
	dir, tdir := t.TempDir(), t.TempDir() // outputs, templates
	// A notebook from a run: its values are in its queries, its outputs hold log data.
	ran := filepath.Join(dir, "ran.ipynb")
	args := append([]string{"template", "run", "root-account-activity", "--templates", tdir, "-o", ran, "--format", "none"}, fixtureArgs("root-account-activity")...)
	if code, _, stderr := runCLI(t, args...); code != 0 {
		t.Fatalf("run: exit %d\n%s", code, stderr)
	}
	code, _, stderr := runCLI(t, "template", "save", ran, "--templates", tdir, "--name", "my-root", "--title", "My root check", "--tag", "mine")
	if code != 0 || !strings.Contains(stderr, "saved template my-root as "+filepath.Join(tdir, "my-root.ipynb")) {
		t.Fatalf("save: exit %d\n%s", code, stderr)
	}
	data, _ := os.ReadFile(filepath.Join(tdir, "my-root.ipynb"))
	if strings.Contains(string(data), "203.0.113.60") || strings.Contains(string(data), `"outputs": [\n    {`) {
		t.Errorf("the saved template keeps log data from the run")
	}
	code, out, _ := runCLI(t, "template", "list", "--templates", tdir, "mine")
	if code != 0 || !strings.Contains(out, "my-root *") {
		t.Errorf("list after save: exit %d\n%s", code, out)
	}
	args = append([]string{"template", "run", "my-root", "--templates", tdir, "-o", filepath.Join(dir, "again.ipynb"), "--format", "jsonl", "--cell", "sensitive"}, fixtureArgs("root-account-activity")...)
	if code, out, stderr := runCLI(t, args...); code != 0 || strings.Count(out, "\n") != 3 {
		t.Errorf("running the saved template: exit %d\n%s%s", code, out, stderr)
	}

	f := func(wantCode int, wantErr string, args ...string) {
		t.Helper()
		code, _, stderr := runCLI(t, append([]string{"template", "save", "--templates", tdir}, args...)...)
		if code != wantCode || !strings.Contains(stderr, wantErr) {
			t.Errorf("save %q: exit %d, stderr %q; want %d and %q", args, code, stderr, wantCode, wantErr)
		}
	}
	f(1, "template my-root exists", ran, "--name", "my-root", "--title", "Again")
	f(0, "saved template my-root", ran, "--name", "my-root", "--title", "Again", "--force")
	f(1, "bundled with trailbook", ran, "--name", "iam-persistence", "--title", "Mine")
	f(2, "--name: invalid template: name \"My Root\"", ran, "--name", "My Root", "--title", "x")
	f(2, "--declare \"user\": want NAME:TYPE[=DEFAULT]", ran, "--name", "x", "--title", "x", "--declare", "user")
	f(2, "parameter n: \"many\" is not a number", ran, "--name", "x", "--title", "x", "--declare", "n:number=many")
	f(2, "missing NOTEBOOK.ipynb", "--name", "x")
}

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trailbook/trailbook/kernel/zmq/kernelspec"
)

func TestKernelspecUsage(t *testing.T) {
	f := func(wantErr string, args ...string) {
		t.Helper()
		code, _, stderr := runCLI(t, append([]string{"kernelspec"}, args...)...)
		if code != exitUsage || !strings.Contains(stderr, wantErr) {
			t.Fatalf("kernelspec %v: exit %d, stderr %q; want exit 2 and %q", args, code, stderr, wantErr)
		}
	}
	p := t.TempDir()
	f("missing install or uninstall")
	f(`unknown subcommand "frobnicate"`, "frobnicate")
	f("--user and --prefix name two places", "install", "--user", "--prefix", p)
	f(`--name: kernel name "a b"`, "install", "--prefix", p, "--name", "a b")
	f(`unexpected argument "extra" (flags for the kernel go after --)`, "install", "--prefix", p, "extra")
	f("kernel flags after --: -bogus (see 'trailbook kernel --help')", "install", "--prefix", p, "--", "--bogus")
	f("kernel flags after --: Jupyter gives -f itself", "install", "--prefix", p, "--", "-f", "x.json")
	f("uninstall takes no kernel flags", "uninstall", "--prefix", p, "--", "--data", "d")
	if _, err := os.Stat(filepath.Join(p, "share")); err == nil {
		t.Fatal("a refused install wrote files")
	}
}

func TestKernelspecInstall(t *testing.T) {
	prefix := t.TempDir()
	dir := filepath.Join(prefix, "share", "jupyter", "kernels", "trailbook")
	code, out, stderr := runCLI(t, "kernelspec", "install", "--prefix", prefix, "--", "--data", "/srv/trailbook-data")
	if code != 0 || out != "installed kernelspec trailbook in "+dir+"\n" {
		t.Fatalf("install: exit %d\n%s%s", code, out, stderr)
	}
	b, err := os.ReadFile(filepath.Join(dir, "kernel.json"))
	if err != nil {
		t.Fatal(err)
	}
	var spec kernelspec.Spec
	json.Unmarshal(b, &spec)
	self, _ := os.Executable()
	want := []string{self, "kernel", "-f", "{connection_file}", "--data", "/srv/trailbook-data"}
	if strings.Join(spec.Argv, " ") != strings.Join(want, " ") || !filepath.IsAbs(spec.Argv[0]) {
		t.Fatalf("argv %q, want %q", spec.Argv, want)
	}
	if spec.DisplayName != "trailbook (DQL)" || spec.Language != "dql" || spec.InterruptMode != "message" {
		t.Fatalf("kernel.json: %s", b)
	}
	for _, logo := range []string{"logo-32x32.png", "logo-64x64.png"} {
		if _, err := os.Stat(filepath.Join(dir, logo)); err != nil {
			t.Fatal(err)
		}
	}

	code, out, _ = runCLI(t, "kernelspec", "uninstall", "--prefix", prefix)
	if code != 0 || out != "removed kernelspec trailbook from "+dir+"\n" {
		t.Fatalf("uninstall: exit %d, %q", code, out)
	}
	code, _, stderr = runCLI(t, "kernelspec", "uninstall", "--prefix", prefix)
	if code != exitFail || !strings.Contains(stderr, "no kernelspec trailbook in "+filepath.Dir(dir)) {
		t.Fatalf("second uninstall: exit %d, %q", code, stderr)
	}
}

func TestKernelspecUser(t *testing.T) {
	data := t.TempDir()
	t.Setenv("JUPYTER_DATA_DIR", data)
	code, out, stderr := runCLI(t, "kernelspec", "install", "--user", "--name", "tb-prod", "--display-name", "trailbook (prod)")
	dir := filepath.Join(data, "kernels", "tb-prod")
	if code != 0 || !strings.Contains(out, dir) {
		t.Fatalf("install --user: exit %d\n%s%s", code, out, stderr)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "kernel.json"))
	if !strings.Contains(string(b), `"display_name": "trailbook (prod)"`) {
		t.Fatalf("kernel.json: %s", b)
	}
	if code, _, stderr := runCLI(t, "kernelspec", "uninstall", "--user", "--name", "tb-prod"); code != 0 {
		t.Fatalf("uninstall --user: %s", stderr)
	}
}

func TestKernelHelp(t *testing.T) {
	for _, c := range [][]string{{"kernel", "--help"}, {"kernelspec", "--help"}, {"kernelspec", "install", "--help"}} {
		code, out, _ := runCLI(t, c...)
		if code != 0 || !strings.Contains(out, "Usage: trailbook "+c[0]) {
			t.Errorf("%v: exit %d\n%s", c, code, out)
		}
	}
}

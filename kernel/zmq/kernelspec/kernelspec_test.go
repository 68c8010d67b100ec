package kernelspec

import (
	"bytes"
	"encoding/json"
	"errors"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestNew(t *testing.T) {
	got, _ := json.Marshal(New("/opt/bin/trailbook", "--data", "/srv/data"))
	want := `{"argv":["/opt/bin/trailbook","kernel","-f","{connection_file}","--data","/srv/data"],"display_name":"trailbook (DQL)","language":"dql","interrupt_mode":"message","metadata":{"debugger":false}}`
	if string(got) != want {
		t.Fatalf("kernel.json\n got: %s\nwant: %s", got, want)
	}
}

func TestInstallUninstall(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "share", "jupyter", "kernels")
	for range 2 { // a second install replaces the first
		path, err := Install(dir, "trailbook", New("/bin/trailbook"))
		if err != nil {
			t.Fatal(err)
		}
		if path != filepath.Join(dir, "trailbook") {
			t.Fatalf("installed in %s", path)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("kernels directory holds %d entries (a temporary directory left behind?)", len(entries))
	}
	files, _ := os.ReadDir(filepath.Join(dir, "trailbook"))
	var names []string
	for _, f := range files {
		names = append(names, f.Name())
	}
	if got := strings.Join(names, " "); got != "kernel.json logo-32x32.png logo-64x64.png logo-svg.svg" {
		t.Fatalf("files: %s", got)
	}
	if runtime.GOOS != "windows" {
		st, _ := os.Stat(filepath.Join(dir, "trailbook"))
		if st.Mode().Perm() != 0o755 {
			t.Fatalf("mode %v: other users' Jupyter must read a system-wide kernelspec", st.Mode())
		}
	}
	path, err := Uninstall(dir, "trailbook")
	if err != nil || path != filepath.Join(dir, "trailbook") {
		t.Fatalf("Uninstall: %s, %v", path, err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("still there: %v", err)
	}
	if _, err := Uninstall(dir, "trailbook"); !errors.Is(err, ErrNotInstalled) {
		t.Fatalf("second Uninstall: %v", err)
	}
}

func TestUninstallRefusesOtherKernels(t *testing.T) {
	dir := t.TempDir()
	py := filepath.Join(dir, "python3")
	os.Mkdir(py, 0o755)
	os.WriteFile(filepath.Join(py, "kernel.json"), []byte(`{"argv":["python3","-m","ipykernel_launcher","-f","{connection_file}"],"display_name":"Python 3","language":"python"}`), 0o644)
	_, err := Uninstall(dir, "python3")
	if err == nil || !strings.Contains(err.Error(), `not a trailbook kernelspec (its kernel.json says language "python")`) {
		t.Fatalf("Uninstall of a Python kernel: %v", err)
	}
	if _, err := os.Stat(filepath.Join(py, "kernel.json")); err != nil {
		t.Fatal("the Python kernelspec was removed")
	}
}

func TestCheckName(t *testing.T) {
	f := func(name string, ok bool) {
		t.Helper()
		if err := CheckName(name); (err == nil) != ok {
			t.Fatalf("CheckName(%q) = %v", name, err)
		}
	}
	f("trailbook", true)
	f("trailbook-prod_2.1", true)
	f("", false)
	f("..", false)
	f("a/b", false)
	f(`a\b`, false)
	f("trailbook prod", false)
	f("trällbook", false)
}

func TestUserDir(t *testing.T) {
	t.Setenv("JUPYTER_DATA_DIR", "/data/jupyter")
	if d, _ := UserDir(); d != filepath.Join("/data/jupyter", "kernels") {
		t.Fatalf("with JUPYTER_DATA_DIR: %s", d)
	}
	if runtime.GOOS != "linux" {
		return
	}
	t.Setenv("JUPYTER_DATA_DIR", "")
	t.Setenv("HOME", "/home/ann")
	t.Setenv("XDG_DATA_HOME", "")
	if d, _ := UserDir(); d != "/home/ann/.local/share/jupyter/kernels" {
		t.Fatalf("default: %s", d)
	}
	t.Setenv("XDG_DATA_HOME", "/xdg")
	if d, _ := UserDir(); d != "/xdg/jupyter/kernels" {
		t.Fatalf("with XDG_DATA_HOME: %s", d)
	}
	if d := SystemDir(); d != "/usr/local/share/jupyter/kernels" {
		t.Fatalf("system: %s", d)
	}
	if d := PrefixDir("/venv"); d != "/venv/share/jupyter/kernels" {
		t.Fatalf("prefix: %s", d)
	}
}

func TestLogo(t *testing.T) {
	for _, size := range []int{32, 64} {
		img, err := png.Decode(bytes.NewReader(Logo(size)))
		if err != nil {
			t.Fatal(err)
		}
		if b := img.Bounds(); b.Dx() != size || b.Dy() != size {
			t.Fatalf("logo %d is %v", size, b)
		}
		// Transparent corners, the blue square, a white line: the icon, not a blank.
		px := func(x, y int) [4]uint32 {
			r, g, b, a := img.At(x*size/32, y*size/32).RGBA()
			return [4]uint32{r >> 8, g >> 8, b >> 8, a >> 8}
		}
		if c := px(0, 0); c[3] != 0 {
			t.Errorf("logo %d: corner %v is not transparent", size, c)
		}
		if c := px(4, 28); c != [4]uint32{0x1f, 0x6f, 0xeb, 0xff} {
			t.Errorf("logo %d: background %v", size, c)
		}
		if c := px(10, 10); c != [4]uint32{0xff, 0xff, 0xff, 0xff} {
			t.Errorf("logo %d: line %v", size, c)
		}
	}
}

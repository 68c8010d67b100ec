package notebook

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func openTestDir(t *testing.T) (*Dir, string) {
	t.Helper()
	base := t.TempDir()
	dir := filepath.Join(base, "notebooks")
	d, err := OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d, base
}

func TestCleanRefuses(t *testing.T) {
	for _, p := range []string{"../x", "a/../../x", "/etc/passwd", "a//b", "./a", ".git/config", "a/.hidden", `a\b`, "C:/x", "a\x00b", "a/.."} {
		if _, err := Clean(p); !errors.Is(err, ErrRefused) {
			t.Errorf("Clean(%q) = %v, want ErrRefused", p, err)
		}
	}
	for _, p := range []string{"", "a", "a/b.ipynb", "dir/", "naïve notebook.ipynb"} {
		if _, err := Clean(p); err != nil {
			t.Errorf("Clean(%q) = %v", p, err)
		}
	}
}

func TestDirPathTraversal(t *testing.T) {
	d, base := openTestDir(t)
	os.WriteFile(filepath.Join(base, "secret.ipynb"), []byte(`{"nbformat":4,"cells":[]}`), 0o644)
	os.Mkdir(filepath.Join(base, "outside"), 0o755)
	os.Symlink(filepath.Join(base, "secret.ipynb"), filepath.Join(d.Path(), "escape.ipynb"))
	os.Symlink(filepath.Join(base, "outside"), filepath.Join(d.Path(), "escapedir"))
	os.Symlink("/etc/passwd", filepath.Join(d.Path(), "passwd"))
	mustSave(t, d, "inside.ipynb")
	os.Symlink("inside.ipynb", filepath.Join(d.Path(), "alias.ipynb"))

	refused := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, ErrRefused) {
			t.Errorf("%s: err = %v, want ErrRefused", what, err)
		}
	}
	_, err := d.Get("../secret.ipynb", true, "")
	refused("get ..", err)
	_, err = d.Get("escape.ipynb", true, "")
	refused("get through a symlink out", err)
	_, err = d.Get("passwd", true, "")
	refused("get /etc/passwd through a symlink", err)
	_, _, err = d.Save("escapedir/new.ipynb", SaveModel{Type: TypeNotebook, Content: json.RawMessage(`{"nbformat":4,"cells":[]}`)})
	refused("save into a directory link out", err)
	_, _, err = d.Save("../new.ipynb", SaveModel{Type: TypeNotebook, Content: json.RawMessage(`{"nbformat":4,"cells":[]}`)})
	refused("save ..", err)
	_, err = d.Rename("inside.ipynb", "../moved.ipynb")
	refused("rename out", err)
	refused("delete ..", d.Delete("../secret.ipynb"))
	_, err = d.Copy("escape.ipynb", "")
	refused("copy from a link out", err)
	if _, err := os.Stat(filepath.Join(base, "new.ipynb")); err == nil {
		t.Error("a file was written outside the directory")
	}

	// A link that stays inside works, and the listing shows no escaping link.
	if _, err := d.Get("alias.ipynb", true, ""); err != nil {
		t.Errorf("link inside the directory: %v", err)
	}
	root, err := d.Get("", true, "")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range root.Content.([]*Model) {
		names = append(names, m.Name)
	}
	if got, _ := json.Marshal(names); string(got) != `["alias.ipynb","inside.ipynb"]` {
		t.Errorf("listing = %s", got)
	}
}

func mustSave(t *testing.T, d *Dir, p string) *Model {
	t.Helper()
	nb := New()
	nb.Cells = append(nb.Cells, &Cell{CellType: Code, Source: "data record(a = 1)"})
	c, _ := json.Marshal(nb)
	m, _, err := d.Save(p, SaveModel{Type: TypeNotebook, Content: c})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestDirOperations(t *testing.T) {
	d, _ := openTestDir(t)
	m, err := d.NewUntitled("", TypeNotebook, "")
	if err != nil || m.Path != "Untitled.ipynb" || m.Type != TypeNotebook {
		t.Fatalf("NewUntitled = %+v, %v", m, err)
	}
	if m, _ = d.NewUntitled("", "", ""); m.Path != "Untitled1.ipynb" {
		t.Fatalf("second untitled = %q", m.Path)
	}
	if m, _ = d.NewUntitled("", TypeDirectory, ""); m.Path != "Untitled Folder" || m.Type != TypeDirectory {
		t.Fatalf("untitled folder = %+v", m)
	}
	if m, _ = d.Copy("Untitled.ipynb", "Untitled Folder"); m == nil || m.Path != "Untitled Folder/Untitled-Copy1.ipynb" {
		t.Fatalf("copy = %+v", m)
	}
	if _, err := d.Rename("Untitled1.ipynb", "Untitled.ipynb"); !errors.Is(err, ErrExists) {
		t.Fatalf("rename onto an existing file: %v", err)
	}
	if m, err = d.Rename("Untitled1.ipynb", "triage.ipynb"); err != nil || m.Name != "triage.ipynb" {
		t.Fatalf("rename = %+v, %v", m, err)
	}
	if err := d.Delete("Untitled Folder"); !errors.Is(err, ErrNotEmpty) {
		t.Fatalf("delete of a non-empty directory: %v", err)
	}
	if _, err := d.Get("nope.ipynb", false, ""); !errors.Is(err, ErrNotFound) {
		t.Fatalf("get of a missing file: %v", err)
	}

	// Saving again keeps the previous version as the .bak, the one checkpoint.
	mustSave(t, d, "triage.ipynb")
	cps, _ := d.Checkpoints("triage.ipynb")
	if len(cps) != 1 || cps[0].ID != "bak" {
		t.Fatalf("checkpoints = %+v", cps)
	}
	bak, _ := os.ReadFile(filepath.Join(d.Path(), "triage.ipynb.bak"))
	if nb, err := Parse(bak); err != nil || len(nb.Cells) != 0 {
		t.Fatalf(".bak holds %s (%v), want the empty untitled notebook", bak, err)
	}
	if err := d.RestoreCheckpoint("triage.ipynb", "bak"); err != nil {
		t.Fatal(err)
	}
	got, _ := d.Get("triage.ipynb", true, "")
	if n := len(got.Content.(*Notebook).Cells); n != 0 {
		t.Fatalf("restored notebook has %d cells", n)
	}
	if err := d.Delete("triage.ipynb"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(d.Path(), "triage.ipynb.bak")); err == nil {
		t.Fatal("delete left the .bak")
	}

	// Files: text and base64.
	if _, _, err := d.Save("notes.txt", SaveModel{Type: TypeFile, Format: "text", Content: json.RawMessage(`"hello"`)}); err != nil {
		t.Fatal(err)
	}
	f, _ := d.Get("notes.txt", true, "")
	if f.Content != "hello" || *f.Format != "text" || *f.Size != 5 {
		t.Fatalf("file model = %+v", f)
	}
	d.Save("blob.bin", SaveModel{Type: TypeFile, Format: "base64", Content: json.RawMessage(`"/w=="`)})
	if f, _ = d.Get("blob.bin", true, ""); f.Content != "/w==" || *f.Format != "base64" {
		t.Fatalf("binary file model = %+v", f)
	}
	if _, _, err := d.Save("bad.ipynb", SaveModel{Type: TypeNotebook, Content: json.RawMessage(`{"nbformat": 3}`)}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("saving an invalid notebook: %v", err)
	}
}

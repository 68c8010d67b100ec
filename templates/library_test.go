package templates

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trailbook/trailbook/kernel/params"
	"github.com/trailbook/trailbook/notebook"
)

// TestBundled checks every bundled template to the bundled standard: it parses, its
// metadata and parameters are valid, every $name is declared, every parameter is
// used and has a default and a description, and every query parses.
func TestBundled(t *testing.T) {
	all, err := Bundled()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) == 0 {
		t.Fatal("no bundled templates")
	}
	for _, tp := range all {
		t.Run(tp.Name, func(t *testing.T) {
			if err := tp.Check(); err != nil {
				t.Error(err)
			}
			if !tp.Bundled() {
				t.Errorf("origin %q", tp.Origin)
			}
			for _, name := range []string{"bucket", "timeframe"} {
				if _, ok := tp.Param(name); !ok {
					t.Errorf("no %s parameter (every bundled template has bucket and timeframe)", name)
				}
			}
			if d, _ := tp.Param("bucket"); string(d.Default) != `"my_aws_bucket"` {
				t.Errorf("bucket default %s, want \"my_aws_bucket\"", d.Default)
			}
			if len(tp.Tags) == 0 || len(tp.Events) == 0 {
				t.Errorf("tags %v, events %v: want both (events \"*:*\" for a template that reads every event)", tp.Tags, tp.Events)
			}
			var md strings.Builder
			for _, c := range tp.Notebook.Cells {
				if c.CellType == notebook.Markdown {
					md.WriteString(string(c.Source))
				}
			}
			if !strings.Contains(md.String(), "## Sources") || !strings.Contains(md.String(), "https://docs.aws.amazon.com/") {
				t.Errorf("the Markdown names no sources (a \"## Sources\" section with AWS documentation pages)")
			}
			for _, tag := range tp.Tags {
				if strings.HasPrefix(tag, "T1") && !strings.Contains(md.String(), tag) {
					t.Errorf("ATT&CK tag %s is not explained in the Markdown", tag)
				}
			}
		})
	}
}

func TestTemplateErrors(t *testing.T) {
	f := func(name, edit, want string) {
		t.Helper()
		nb, err := notebook.Parse([]byte(strings.Replace(paramNotebook, `"name": "t", "title": "T"`, edit, 1)))
		if err != nil {
			t.Fatal(err)
		}
		_, err = New(nb, "x.ipynb")
		if err == nil || !strings.Contains(err.Error(), want) || !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: err = %v, want %q", name, err, want)
		}
	}
	f("bad name", `"name": "Bad Name", "title": "T"`, `name "Bad Name": want lower-case letters`)
	f("no title", `"name": "t", "title": " "`, "has no title")
	f("bad event", `"name": "t", "title": "T", "events": ["ConsoleLogin"]`, `event "ConsoleLogin": want eventSource:eventName`)

	nb, _ := notebook.Parse([]byte(strings.Replace(paramNotebook, "| limit $n", "| limit $m", 1)))
	if _, err := New(nb, "x.ipynb"); err == nil || !strings.Contains(err.Error(), "x.ipynb: cell 2: 3:9: unknown parameter $m") {
		t.Errorf("undeclared reference: err = %v", err)
	}
	nb, _ = notebook.Parse([]byte(`{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}`))
	if _, err := New(nb, "plain.ipynb"); err == nil || !strings.Contains(err.Error(), "no metadata.trailbook.template") {
		t.Errorf("plain notebook: err = %v", err)
	}

	nb, _ = notebook.Parse([]byte(paramNotebook))
	tp, err := New(nb, "x.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	err = tp.Check()
	for _, want := range []string{"parameter ip has no default", "parameter ip has no description"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Check: err = %v, want %q", err, want)
		}
	}
	if err != nil && strings.Contains(err.Error(), "timeframe is declared but no cell uses it") {
		t.Errorf("the timeframe parameter counts as used: %v", err)
	}
}

// userTemplate is a small valid user template named name.
func userTemplate(name, title string) string {
	return `{"cells": [{"cell_type": "code", "id": "a", "metadata": {}, "outputs": [], "execution_count": null,
	  "source": "fetch logs | filter dt.system.bucket == $bucket"}],
	 "metadata": {"trailbook": {"template": {"name": "` + name + `", "title": "` + title + `", "description": "mine", "tags": ["mine"]},
	   "parameters": [{"name": "bucket", "type": "string", "default": "b"}]}},
	 "nbformat": 4, "nbformat_minor": 5}`
}

func TestLibrary(t *testing.T) {
	dir := t.TempDir()
	write := func(file, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, file), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("mine.ipynb", userTemplate("my-check", "My check"))
	write("override.ipynb", userTemplate("console-signin-failures", "My sign-in failures"))
	write("broken.ipynb", `{"cells": [`)
	ran, _ := notebook.Parse([]byte(userTemplate("ran-check", "Ran")))
	ran, _ = Apply(ran, nil)
	data, _ := notebook.Encode(ran)
	write("ran.ipynb", string(data))
	write("notes.txt", "not a template")

	lib, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	bundled, _ := Bundled()
	list := lib.List()
	if len(list) != len(bundled)+1 {
		t.Errorf("List has %d templates, want %d bundled + 1", len(list), len(bundled))
	}
	got, err := lib.Get("console-signin-failures")
	if err != nil || got.Title != "My sign-in failures" || !got.Overrides || got.Bundled() {
		t.Errorf("a user template replaces a bundled one of its name: %+v, %v", got, err)
	}
	if mine, err := lib.Get("my-check"); err != nil || mine.Origin != filepath.Join(dir, "mine.ipynb") {
		t.Errorf("Get(my-check) = %+v, %v", mine, err)
	}
	if _, err := lib.Get("console-signin-failure"); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "did you mean console-signin-failures") {
		t.Errorf("Get of a misspelt name: %v", err)
	}
	if probs := lib.Problems(); len(probs) != 2 || !strings.Contains(probs[0].Error(), "broken.ipynb") ||
		!strings.Contains(probs[1].Error(), "ran.ipynb: invalid template: it is a notebook a template run wrote") {
		t.Errorf("Problems = %v", probs)
	}
	if _, err := lib.Get("ran-check"); err == nil {
		t.Errorf("the output of a run is taken for a template")
	}

	// The directory is read again: a new file shows up, a removed one goes.
	write("second.ipynb", userTemplate("second-check", "Second"))
	os.Remove(filepath.Join(dir, "override.ipynb"))
	if _, err := lib.Get("second-check"); err != nil {
		t.Errorf("a new file is not seen: %v", err)
	}
	if got, _ := lib.Get("console-signin-failures"); got == nil || !got.Bundled() {
		t.Errorf("a removed user template still replaces the bundled one")
	}
}

func TestSearch(t *testing.T) {
	mk := func(name, title, desc string, tags, events []string) *Template {
		return &Template{Meta: Meta{Name: name, Title: title, Description: desc, Tags: tags, Events: events}, Origin: OriginBundled}
	}
	lib := &Library{bundled: []*Template{
		mk("console-signin-failures", "Console sign-in failures", "Failed sign-ins; password spraying.",
			[]string{"T1110.003", "credential-access"}, []string{"signin.amazonaws.com:ConsoleLogin"}),
		mk("root-account-activity", "Root account activity", "What root did, console sign-ins included.",
			[]string{"T1078.004", "T1098.001"}, []string{"*:*", "signin.amazonaws.com:ConsoleLogin"}),
		mk("iam-persistence", "IAM persistence", "New users and access keys.",
			[]string{"T1098", "T1098.001", "persistence"}, []string{"iam.amazonaws.com:CreateUser"}),
	}, files: map[string]*userFile{}}
	names := func(ts []*Template) string {
		var s []string
		for _, t := range ts {
			s = append(s, t.Name)
		}
		return strings.Join(s, " ")
	}
	f := func(query, want string) {
		t.Helper()
		if got := names(lib.Search(query)); got != want {
			t.Errorf("Search(%q) = %q, want %q", query, got, want)
		}
	}
	f("T1110.003", "console-signin-failures")
	f("CONSOLE spray", "console-signin-failures")
	f("signin.amazonaws.com:ConsoleLogin", "console-signin-failures root-account-activity")
	// A whole tag or a word of the title counts more than one in the description.
	f("T1098.001", "iam-persistence root-account-activity")
	f("persistence", "iam-persistence")
	f("console", "console-signin-failures root-account-activity")
	f("console nosuchword", "")
	if got, all := names(lib.Search("  ")), names(lib.List()); got != all {
		t.Errorf("an empty search returns %q, want the list %q", got, all)
	}

	// User templates are searched too.
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "mine.ipynb"), []byte(userTemplate("my-check", "My check")), 0o644)
	real, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := names(real.Search("mine")); got != "my-check" {
		t.Errorf("Search(mine) over a user directory = %q", got)
	}
}

func TestSave(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "templates")
	lib, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	// A notebook after a run: outputs, recorded values, and a parameter whose value
	// is now written into the query.
	nb, err := notebook.Parse([]byte(paramNotebook))
	if err != nil {
		t.Fatal(err)
	}
	ran, err := Apply(nb, map[string]string{"ip": "1.2.3.4"})
	if err != nil {
		t.Fatal(err)
	}
	one := 1
	ran.Cells[1].Outputs = append(ran.Cells[1].Outputs, []byte(`{"output_type": "stream", "name": "stdout", "text": "secret log line"}`))
	ran.Cells[1].ExecutionCount = &one

	meta := Meta{Name: "my-ip-check", Title: "My IP check", Tags: []string{"mine"}}
	path, err := lib.Save(ran, meta, SaveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if path != filepath.Join(dir, "my-ip-check.ipynb") {
		t.Errorf("saved to %s", path)
	}
	data, _ := os.ReadFile(path)
	for _, bad := range []string{"secret log line", `"values"`, `"name": "ip"`, `"name": "n"`} {
		if strings.Contains(string(data), bad) {
			t.Errorf("the saved template contains %s:\n%s", bad, data)
		}
	}
	got, err := lib.Get("my-ip-check")
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "My IP check" || len(got.Params) != 1 || got.Params[0].Name != "timeframe" {
		t.Errorf("saved template: %+v, params %+v", got.Meta, got.Params)
	}

	if _, err := lib.Save(ran, meta, SaveOptions{}); err == nil || !strings.Contains(err.Error(), "template my-ip-check exists") {
		t.Errorf("saving over a user template: %v", err)
	}
	if _, err := lib.Save(ran, meta, SaveOptions{Overwrite: true}); err != nil {
		t.Errorf("overwrite: %v", err)
	}
	meta.Name = "console-signin-failures"
	if _, err := lib.Save(ran, meta, SaveOptions{}); err == nil || !strings.Contains(err.Error(), "bundled") {
		t.Errorf("saving over a bundled template: %v", err)
	}
	meta.Name = "../escape"
	if _, err := lib.Save(ran, meta, SaveOptions{}); err == nil || !errors.Is(err, ErrInvalid) {
		t.Errorf("a name with a path: %v", err)
	}
	// A notebook referring to a parameter it does not declare is not a template.
	bad, _ := notebook.Parse([]byte(strings.Replace(paramNotebook, "| limit $n", "| limit $m", 1)))
	meta.Name = "bad"
	if _, err := lib.Save(bad, meta, SaveOptions{}); err == nil || !strings.Contains(err.Error(), "unknown parameter $m") {
		t.Errorf("undeclared reference: %v", err)
	}
	// Parameters declared on saving: ip had no default.
	meta.Name = "with-ip"
	ipDef := params.Def{Name: "ip", Type: params.String, Default: []byte(`"10.0.0.1"`)}
	if _, err := lib.Save(nb, meta, SaveOptions{Params: []params.Def{ipDef}}); err != nil {
		t.Fatal(err)
	}
	if got, err := lib.Get("with-ip"); err != nil || len(got.Params) != 4 || string(got.Params[0].Default) != `"10.0.0.1"` {
		t.Errorf("declared parameter: %+v, %v", got, err)
	}
	if _, err := (&Library{}).Save(ran, meta, SaveOptions{}); err == nil {
		t.Error("a library without a directory saved")
	}
}

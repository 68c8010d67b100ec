package main

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trailbook/trailbook/notebook"
	"github.com/trailbook/trailbook/notebook/server"
	"github.com/trailbook/trailbook/templates"
)

func newGallery(t *testing.T) (gallery, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "templates")
	lib, err := templates.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return gallery{lib}, dir
}

func TestGalleryApply(t *testing.T) {
	g, _ := newGallery(t)
	const name = "console-signin-failures"
	info, nb, err := g.Get(name)
	if err != nil {
		t.Fatal(err)
	}
	if info.Origin != "bundled" || len(nb.Cells) == 0 {
		t.Fatalf("Get = %+v with %d cells", info, len(nb.Cells))
	}
	defaults := map[string]string{}
	for _, p := range info.Parameters {
		defaults[p.Name] = p.Default
	}
	if defaults["timeframe"] == "" || defaults["bucket"] != "my_aws_bucket" {
		t.Fatalf("defaults in text form: %v", defaults)
	}

	// A hostile value is one string literal in every query that uses it.
	hostile := `x" or true or "`
	out, err := g.Apply(name, map[string]string{"bucket": hostile, "timeframe": "-2h"})
	if err != nil {
		t.Fatal(err)
	}
	quoted := `dt.system.bucket == "x\" or true or \""`
	found := 0
	for _, c := range out.Cells {
		src := string(c.Source)
		if strings.Contains(src, "$bucket") {
			t.Fatalf("a $bucket left in\n%s", src)
		}
		if strings.Contains(src, "dt.system.bucket ==") {
			if !strings.Contains(src, quoted) {
				t.Fatalf("the bucket is not one escaped string:\n%s", src)
			}
			found++
		}
	}
	if found == 0 {
		t.Fatal("no query filters on the bucket")
	}
	if tf := out.Trailbook().Timeframe; tf == nil || tf.From != "-2h" {
		t.Fatalf("notebook timeframe %+v, want from -2h", tf)
	}

	// Wrong values: one message per parameter, for the form.
	_, err = g.Apply(name, map[string]string{"timeframe": "last tuesday", "nope": "1"})
	var pe *server.ParamError
	if !errors.As(err, &pe) || len(pe.Params) != 2 || !strings.Contains(pe.Params["timeframe"], `"last tuesday" is not now, -DURATION or a timestamp`) ||
		strings.HasPrefix(pe.Params["timeframe"], "parameter ") || !strings.Contains(pe.Params["nope"], "no parameter") {
		t.Fatalf("Apply with bad values: %v", err)
	}
	if _, err := g.Apply("nope", nil); !errors.Is(err, server.ErrNoTemplate) {
		t.Fatalf("Apply of an unknown template: %v", err)
	}
	if list, _ := g.List("T1110.003"); len(list) == 0 || list[0].Name != name {
		t.Fatalf("List(T1110.003) = %+v", list)
	}
}

func TestGallerySave(t *testing.T) {
	g, dir := newGallery(t)
	nb, err := notebook.Parse([]byte(`{"nbformat":4,"nbformat_minor":5,"metadata":{},"cells":[{"id":"a","cell_type":"code","source":"fetch logs | limit 3","metadata":{},"outputs":[],"execution_count":null}]}`))
	if err != nil {
		t.Fatal(err)
	}
	meta := server.TemplateMeta{Name: "my-triage", Title: "My triage", Description: "The first look", Tags: []string{"T1078"}}
	info, err := g.Save(nb, meta)
	if err != nil {
		t.Fatal(err)
	}
	if info.Name != "my-triage" || info.Origin != "user" || info.Tags[0] != "T1078" {
		t.Fatalf("saved %+v", info)
	}
	if _, err := os.Stat(filepath.Join(dir, "my-triage.ipynb")); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		meta server.TemplateMeta
		want error
	}{
		{"taken by the user", meta, server.ErrTemplateExists},
		{"taken by a bundled template", server.TemplateMeta{Name: "console-signin-failures", Title: "t", Description: "d"}, server.ErrTemplateExists},
		{"bad name", server.TemplateMeta{Name: "../evil", Title: "t", Description: "d"}, server.ErrTemplateInvalid},
		{"no title", server.TemplateMeta{Name: "ok-name", Title: "  "}, server.ErrTemplateInvalid},
		{"overwrite", server.TemplateMeta{Name: "my-triage", Title: "Mine, again", Description: "d", Overwrite: true}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := g.Save(nb, tc.meta)
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("Save: %v, want %v", err, tc.want)
			}
		})
	}
	if list, _ := g.List("mine again"); len(list) != 1 || list[0].Title != "Mine, again" {
		t.Fatalf("after overwrite: %+v", list)
	}
}

// TestServeTemplates runs serve with --templates and makes a notebook from a
// template over HTTP, as the gallery does.
func TestServeTemplates(t *testing.T) {
	t.Setenv("TRAILBOOK_TOKEN", "")
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "tpl"), 0o755)
	os.WriteFile(filepath.Join(dir, "tpl", "broken.ipynb"), []byte(`{"nbformat":4,"nbformat_minor":5,"metadata":{},"cells":[]}`), 0o644)
	line, stop := startServe(t, "--addr", "127.0.0.1:0", "--notebooks", filepath.Join(dir, "nb"), "--data", filepath.Join(dir, "data"),
		"--templates", filepath.Join(dir, "tpl"), "--token", "tok")
	defer stop()
	u, err := url.Parse(line)
	if err != nil {
		t.Fatal(err)
	}
	call := func(method, path, body string) (int, string) {
		req, _ := http.NewRequest(method, "http://"+u.Host+path, strings.NewReader(body))
		req.Header.Set("Authorization", "token tok")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(data)
	}
	status, data := call("GET", "/api/trailbook/templates?q=sign-in", "")
	if status != 200 || !strings.Contains(data, `"name":"console-signin-failures"`) {
		t.Fatalf("list: %d %s", status, data)
	}
	status, data = call("POST", "/api/trailbook/templates/console-signin-failures/notebook", `{"params":{"timeframe":"-2h"}}`)
	var m struct{ Path string }
	json.Unmarshal([]byte(data), &m)
	if status != 201 || !strings.HasPrefix(m.Path, "Console sign-in failures ") {
		t.Fatalf("new notebook: %d %s", status, data)
	}
	nb, err := notebook.Load(filepath.Join(dir, "nb", m.Path))
	if err != nil {
		t.Fatal(err)
	}
	if tf := nb.Trailbook().Timeframe; tf == nil || tf.From != "-2h" {
		t.Fatalf("the notebook's timeframe: %+v", tf)
	}
	status, data = call("POST", "/api/trailbook/templates", `{"path":"`+m.Path+`","name":"my-signins","title":"My sign-ins","description":"Mine"}`)
	if status != 201 || !strings.Contains(data, `"origin":"user"`) {
		t.Fatalf("save as template: %d %s", status, data)
	}
	if _, err := os.Stat(filepath.Join(dir, "tpl", "my-signins.ipynb")); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkGallery measures what the gallery's API calls cost over the bundled
// templates and an empty user directory: the list (which looks at the user
// directory again each time), a search, and applying parameters to a template.
func BenchmarkGallery(b *testing.B) {
	lib, err := templates.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	g := gallery{lib}
	b.Run("list", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if l, _ := g.List(""); len(l) == 0 {
				b.Fatal("no templates")
			}
		}
	})
	b.Run("search", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			g.List("console mfa")
		}
	})
	b.Run("apply", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := g.Apply("console-signin-failures", map[string]string{"timeframe": "-2h", "bucket": `x" or true or "`}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

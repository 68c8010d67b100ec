package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trailbook/trailbook/kernel/params"
	"github.com/trailbook/trailbook/notebook"
)

// fakeTemplates is a Templates over notebooks in memory. It sets parameters with
// kernel/params, as package templates does, so that the hostile-value cases test
// the real substitution.
type fakeTemplates struct {
	mu    sync.Mutex
	byKey map[string]fakeTemplate
	saved []TemplateMeta
}

type fakeTemplate struct {
	info TemplateInfo
	defs []params.Def
	nb   *notebook.Notebook
}

func newFakeTemplates(t *testing.T) *fakeTemplates {
	t.Helper()
	f := &fakeTemplates{byKey: map[string]fakeTemplate{}}
	f.add(t, "console-signin-failures", "Console sign-in failures", []string{"T1110.003", "credential-access"},
		[]params.Def{
			{Name: "bucket", Type: params.String, Default: json.RawMessage(`"my_aws_bucket"`), Description: "the bucket"},
			{Name: "timeframe", Type: params.Timeframe, Default: json.RawMessage(`"-24h"`), Description: "when"},
			{Name: "user", Type: params.String, Default: json.RawMessage(`"alice"`), Description: "who", Label: "User"},
			{Name: "min", Type: params.Number, Default: json.RawMessage(`3`)},
		},
		"# Console sign-in failures\n\nWhat it looks for.",
		"fetch logs\n| filter dt.system.bucket == $bucket\n| parse content, \"JSON:event\"\n| filter event[userIdentity][userName] == $user")
	f.add(t, "evil", "../../escape/<b>x</b>\x00", nil, nil, "evil", "fetch logs")
	return f
}

func (f *fakeTemplates) add(t *testing.T, name, title string, tags []string, defs []params.Def, md, query string) {
	t.Helper()
	nb := notebook.New()
	md1 := &notebook.Cell{ID: "m1", CellType: notebook.Markdown, Source: notebook.Source(md)}
	c1 := &notebook.Cell{ID: "c1", CellType: notebook.Code, Source: notebook.Source(query), Metadata: json.RawMessage(`{"trailbook":{"name":"failures"}}`)}
	nb.Cells = []*notebook.Cell{md1, c1}
	info := TemplateInfo{Name: name, Title: title, Description: "Looks for " + name, Tags: tags, Origin: "bundled",
		Events: []string{"signin.amazonaws.com:ConsoleLogin"}}
	for _, d := range defs {
		def := ""
		if v, err := d.DefaultValue(); err == nil {
			def = v.Text()
		}
		info.Parameters = append(info.Parameters, TemplateParam{Name: d.Name, Type: string(d.Type), Default: def, Description: d.Description, Label: d.Label})
	}
	f.byKey[name] = fakeTemplate{info: info, defs: defs, nb: nb}
}

func (f *fakeTemplates) List(query string) ([]TemplateInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []TemplateInfo
	for _, t := range f.byKey {
		hay := strings.ToLower(t.info.Name + " " + t.info.Title + " " + strings.Join(t.info.Tags, " "))
		if strings.Contains(hay, strings.ToLower(query)) {
			out = append(out, t.info)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func (f *fakeTemplates) Get(name string) (TemplateInfo, *notebook.Notebook, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t, ok := f.byKey[name]
	if !ok {
		return TemplateInfo{}, nil, fmt.Errorf("%w: %q", ErrNoTemplate, name)
	}
	return t.info, t.nb, nil
}

func (f *fakeTemplates) Apply(name string, given map[string]string) (*notebook.Notebook, error) {
	_, nb, err := f.Get(name)
	if err != nil {
		return nil, err
	}
	t := f.byKey[name]
	pe := &ParamError{Params: map[string]string{}}
	for _, d := range t.defs {
		if text, ok := given[d.Name]; ok {
			if _, err := d.Parse(text); err != nil {
				pe.Params[d.Name] = strings.TrimPrefix(err.Error(), "parameter "+d.Name+": ")
			}
		}
	}
	if len(pe.Params) > 0 {
		return nil, pe
	}
	vals, err := params.Bind(t.defs, given)
	if err != nil {
		return nil, err
	}
	data, _ := notebook.Encode(nb)
	out, _ := notebook.Parse(data)
	for _, c := range out.Cells {
		if c.CellType == notebook.Code {
			q, err := params.Substitute(string(c.Source), vals)
			if err != nil {
				return nil, err
			}
			c.Source = notebook.Source(q)
		}
	}
	return out, nil
}

func (f *fakeTemplates) Save(nb *notebook.Notebook, meta TemplateMeta) (TemplateInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case meta.Name == "" || strings.ContainsAny(meta.Name, " /."):
		return TemplateInfo{}, fmt.Errorf("%w: name %q", ErrTemplateInvalid, meta.Name)
	case f.byKey[meta.Name].nb != nil:
		return TemplateInfo{}, fmt.Errorf("%w: %q", ErrTemplateExists, meta.Name)
	}
	f.saved = append(f.saved, meta)
	info := TemplateInfo{Name: meta.Name, Title: meta.Title, Description: meta.Description, Tags: meta.Tags, Origin: "user"}
	f.byKey[meta.Name] = fakeTemplate{info: info, nb: nb}
	return info, nil
}

// newTemplateFixture is newFixture's notebook directory and kernels, served with
// tpl as the template library (nil: none).
func newTemplateFixture(t *testing.T, tpl Templates) *fixture {
	t.Helper()
	f := newFixture(t)
	nbs, err := notebook.OpenDir(f.dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nbs.Close() })
	f.srv = httptest.NewServer(New(Config{Kernels: f.kernels, Notebooks: nbs, Token: testToken, Hosts: []string{"127.0.0.1"}, Port: "test", Templates: tpl}))
	t.Cleanup(f.srv.Close)
	return f
}

func TestTemplatesList(t *testing.T) {
	f := newTemplateFixture(t, newFakeTemplates(t))
	check := func(path string, wantStatus int, want ...string) {
		t.Helper()
		status, data := f.do(t, "GET", path, nil)
		if status != wantStatus {
			t.Fatalf("GET %s: %d %s", path, status, data)
		}
		for _, w := range want {
			if !strings.Contains(string(data), w) {
				t.Fatalf("GET %s = %s\nwant it to hold %s", path, data, w)
			}
		}
	}
	check("/api/trailbook/templates", 200,
		`{"name":"console-signin-failures","title":"Console sign-in failures","description":"Looks for console-signin-failures","tags":["T1110.003","credential-access"],"events":["signin.amazonaws.com:ConsoleLogin"],"parameters":[{"name":"bucket","type":"string","default":"my_aws_bucket","description":"the bucket"},{"name":"timeframe","type":"timeframe","default":"-24h","description":"when"},{"name":"user","type":"string","default":"alice","description":"who","label":"User"},{"name":"min","type":"number","default":"3"}],"origin":"bundled"}`,
		`"name":"evil"`, `"tags":[]`, `"parameters":[]`)
	check("/api/trailbook/templates?q=T1110", 200, `[{"name":"console-signin-failures"`)
	check("/api/trailbook/templates?q=nothing-matches", 200, "[]\n")
	check("/api/trailbook/templates/console-signin-failures", 200,
		`"cells":[{"type":"markdown","source":"# Console sign-in failures\n\nWhat it looks for."},{"type":"code","name":"failures","source":"fetch logs\n| filter dt.system.bucket == $bucket`)
	check("/api/trailbook/templates/nope", 404, `"code":40407`)
	check("/api/trailbook/templates/..%2F..%2Fetc", 404, `"code":40407`)

	// Without a library, the API says so.
	g := newTemplateFixture(t, nil)
	if status, data := g.do(t, "GET", "/api/trailbook/templates", nil); status != 404 || errorCode(t, data) != 40408 {
		t.Fatalf("no library: %d %s", status, data)
	}
	// And the token is required, as everywhere in the API.
	resp, err := http.Get(f.srv.URL + "/api/trailbook/templates")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Fatalf("no token: %d", resp.StatusCode)
	}
}

// readNotebook reads a notebook the API wrote, by its contents path.
func readNotebook(t *testing.T, f *fixture, p string) *notebook.Notebook {
	t.Helper()
	nb, err := notebook.Load(filepath.Join(f.dir, filepath.FromSlash(p)))
	if err != nil {
		t.Fatal(err)
	}
	return nb
}

func TestTemplateNotebook(t *testing.T) {
	f := newTemplateFixture(t, newFakeTemplates(t))
	os.MkdirAll(filepath.Join(f.dir, "cases"), 0o755)
	os.WriteFile(filepath.Join(f.dir, "taken.ipynb"), []byte(`{"nbformat":4,"nbformat_minor":5,"metadata":{},"cells":[]}`), 0o644)
	os.WriteFile(filepath.Join(f.base, "secret.ipynb"), []byte(`{"nbformat":4,"nbformat_minor":5,"metadata":{},"cells":[]}`), 0o644)
	day := time.Now().Format("2006-01-02")
	hostile := `x" or true or "`

	type result struct {
		Path  string            `json:"path"`
		Code  int               `json:"code"`
		Param map[string]string `json:"params"`
	}
	post := func(name string, body any) (int, result, string) {
		t.Helper()
		status, data := f.do(t, "POST", "/api/trailbook/templates/"+name+"/notebook", body)
		var r result
		json.Unmarshal(data, &r)
		return status, r, string(data)
	}
	for _, tc := range []struct {
		name       string
		template   string
		body       any
		wantStatus int
		wantPath   string // the notebook made (201), or the error code
		wantCode   int
		wantParams map[string]string
		wantQuery  string // the code cell's source, parameters set
	}{
		{name: "defaults", template: "console-signin-failures", body: map[string]any{},
			wantStatus: 201, wantPath: "Console sign-in failures " + day + ".ipynb",
			wantQuery: "fetch logs\n| filter dt.system.bucket == \"my_aws_bucket\"\n| parse content, \"JSON:event\"\n| filter event[userIdentity][userName] == \"alice\""},
		{name: "never overwrites: a fresh name", template: "console-signin-failures", body: map[string]any{},
			wantStatus: 201, wantPath: "Console sign-in failures " + day + " 2.ipynb"},
		{name: "hostile value stays one string", template: "console-signin-failures",
			body:       map[string]any{"params": map[string]string{"user": hostile, "timeframe": "-2h"}},
			wantStatus: 201, wantPath: "Console sign-in failures " + day + " 3.ipynb",
			wantQuery: "fetch logs\n| filter dt.system.bucket == \"my_aws_bucket\"\n| parse content, \"JSON:event\"\n| filter event[userIdentity][userName] == \"x\\\" or true or \\\"\""},
		{name: "into a directory", template: "console-signin-failures", body: map[string]any{"path": "cases"},
			wantStatus: 201, wantPath: "cases/Console sign-in failures " + day + ".ipynb"},
		{name: "a path given", template: "console-signin-failures", body: map[string]any{"path": "cases/mine.ipynb"},
			wantStatus: 201, wantPath: "cases/mine.ipynb"},
		{name: "title made a safe file name", template: "evil", body: map[string]any{},
			wantStatus: 201, wantPath: "escape-<b>x<-b>- " + day + ".ipynb"},
		{name: "bad values, one message per field", template: "console-signin-failures",
			body:       map[string]any{"params": map[string]string{"timeframe": "yesterday", "min": "many"}},
			wantStatus: 400, wantCode: 40005, wantParams: map[string]string{
				"timeframe": `timeframe start: "yesterday" is not now, -DURATION or a timestamp (2024-03-01T00:00:00Z)`,
				"min":       `"many" is not a number`}},
		{name: "no such template", template: "nope", body: map[string]any{}, wantStatus: 404, wantCode: 40407},
		{name: "existing file", template: "console-signin-failures", body: map[string]any{"path": "taken.ipynb"}, wantStatus: 409, wantCode: 40901},
		{name: "traversal", template: "console-signin-failures", body: map[string]any{"path": "../secret.ipynb"}, wantStatus: 403, wantCode: 40304},
		{name: "traversal to a directory", template: "console-signin-failures", body: map[string]any{"path": "../"}, wantStatus: 403, wantCode: 40304},
		{name: "traversal inside", template: "console-signin-failures", body: map[string]any{"path": "cases/../../x.ipynb"}, wantStatus: 403, wantCode: 40304},
		{name: "hidden", template: "console-signin-failures", body: map[string]any{"path": ".git/x.ipynb"}, wantStatus: 403, wantCode: 40304},
		{name: "backslash", template: "console-signin-failures", body: map[string]any{"path": `..\x.ipynb`}, wantStatus: 403, wantCode: 40304},
		{name: "absolute made relative, missing", template: "console-signin-failures", body: map[string]any{"path": "/etc"}, wantStatus: 404, wantCode: 40403},
		{name: "not a directory", template: "console-signin-failures", body: map[string]any{"path": "taken.ipynb/x"}, wantStatus: 404, wantCode: 40403},
		{name: "bad JSON", template: "console-signin-failures", body: "[", wantStatus: 400, wantCode: 40001},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, r, data := post(tc.template, tc.body)
			if status != tc.wantStatus {
				t.Fatalf("status %d, want %d: %s", status, tc.wantStatus, data)
			}
			if tc.wantCode != 0 && r.Code != tc.wantCode {
				t.Fatalf("code %d, want %d: %s", r.Code, tc.wantCode, data)
			}
			if tc.wantParams != nil {
				if got, _ := json.Marshal(r.Param); string(got) != mustMarshal(tc.wantParams) {
					t.Fatalf("params %s, want %s", got, mustMarshal(tc.wantParams))
				}
			}
			if tc.wantPath != "" && r.Path != tc.wantPath {
				t.Fatalf("path %q, want %q", r.Path, tc.wantPath)
			}
			if tc.wantQuery != "" {
				nb := readNotebook(t, f, r.Path)
				if got := string(nb.Cells[1].Source); got != tc.wantQuery {
					t.Fatalf("query\n%s\nwant\n%s", got, tc.wantQuery)
				}
			}
		})
	}
	// Nothing was written outside the notebook directory.
	entries, _ := os.ReadDir(f.base)
	if len(entries) != 2 {
		t.Fatalf("the base directory holds %v", entries)
	}
}

func mustMarshal(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestSaveTemplate(t *testing.T) {
	fake := newFakeTemplates(t)
	f := newTemplateFixture(t, fake)
	os.WriteFile(filepath.Join(f.dir, "triage.ipynb"), []byte(`{"nbformat":4,"nbformat_minor":5,"metadata":{},"cells":[{"id":"a","cell_type":"code","source":"fetch logs","metadata":{},"outputs":[],"execution_count":null}]}`), 0o644)
	os.WriteFile(filepath.Join(f.dir, "notes.txt"), []byte("hi"), 0o644)
	os.WriteFile(filepath.Join(f.base, "secret.ipynb"), []byte(`{"nbformat":4,"nbformat_minor":5,"metadata":{},"cells":[]}`), 0o644)
	for _, tc := range []struct {
		name       string
		body       map[string]any
		wantStatus int
		wantCode   int
	}{
		{"saved", map[string]any{"path": "triage.ipynb", "name": "my-triage", "title": "My triage", "description": "d", "tags": []string{"T1078"}}, 201, 0},
		{"taken name", map[string]any{"path": "triage.ipynb", "name": "console-signin-failures", "title": "t"}, 409, 40902},
		{"bad name", map[string]any{"path": "triage.ipynb", "name": "../x", "title": "t"}, 400, 40006},
		{"no path", map[string]any{"name": "x", "title": "t"}, 400, 40001},
		{"missing notebook", map[string]any{"path": "nope.ipynb", "name": "x", "title": "t"}, 404, 40403},
		{"not a notebook", map[string]any{"path": "notes.txt", "name": "x", "title": "t"}, 400, 40003},
		{"traversal", map[string]any{"path": "../secret.ipynb", "name": "x", "title": "t"}, 403, 40304},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, data := f.do(t, "POST", "/api/trailbook/templates", tc.body)
			if status != tc.wantStatus || tc.wantCode != 0 && errorCode(t, data) != tc.wantCode {
				t.Fatalf("status %d %s, want %d code %d", status, data, tc.wantStatus, tc.wantCode)
			}
		})
	}
	if len(fake.saved) != 1 || fake.saved[0].Name != "my-triage" || fake.saved[0].Tags[0] != "T1078" {
		t.Fatalf("saved %+v", fake.saved)
	}
}

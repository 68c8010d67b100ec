package server

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/trailbook/trailbook/kernel"
	"github.com/trailbook/trailbook/kernel/protocol"
	"github.com/trailbook/trailbook/notebook"
)

const testToken = "s3cret-token"

type fixture struct {
	srv     *httptest.Server
	kernels *kernel.Manager
	dir     string // the notebook directory
	base    string // its parent
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	base := t.TempDir()
	dir := filepath.Join(base, "notebooks")
	nbs, err := notebook.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nbs.Close() })
	km := kernel.NewManager(kernel.Options{}, 0)
	t.Cleanup(km.Close)
	srv := httptest.NewServer(New(Config{Kernels: km, Notebooks: nbs, Token: testToken, Hosts: []string{"127.0.0.1", "localhost"}, Port: "test"}))
	t.Cleanup(srv.Close)
	return &fixture{srv: srv, kernels: km, dir: dir, base: base}
}

// do sends a request with the token in the Authorization header and returns the
// status and body.
func (f *fixture) do(t *testing.T, method, path string, body any) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = strings.NewReader(string(b))
	}
	req, _ := http.NewRequest(method, f.srv.URL+path, rd)
	req.Header.Set("Authorization", "token "+testToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, data
}

func errorCode(t *testing.T, data []byte) int {
	t.Helper()
	var e apiError
	if err := json.Unmarshal(data, &e); err != nil {
		t.Fatalf("not a JSON error: %s", data)
	}
	return e.Code
}

func TestAuthRefusals(t *testing.T) {
	f := newFixture(t)
	check := func(name string, mod func(*http.Request), wantStatus, wantCode int) {
		t.Helper()
		req, _ := http.NewRequest("GET", f.srv.URL+"/api/kernels", nil)
		mod(req)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != wantStatus {
			t.Fatalf("%s: status %d, want %d (%s)", name, resp.StatusCode, wantStatus, data)
		}
		if wantCode != 0 {
			if code := errorCode(t, data); code != wantCode {
				t.Fatalf("%s: code %d, want %d", name, code, wantCode)
			}
		}
		if resp.Header.Get("Referrer-Policy") != "no-referrer" {
			t.Fatalf("%s: no Referrer-Policy", name)
		}
	}
	check("no token", func(r *http.Request) {}, 401, 40101)
	check("wrong token", func(r *http.Request) { r.Header.Set("Authorization", "token nope") }, 403, 40301)
	check("wrong token in query", func(r *http.Request) { r.URL.RawQuery = "token=nope" }, 403, 40301)
	check("prefix of the token", func(r *http.Request) { r.Header.Set("Authorization", "token "+testToken[:5]) }, 403, 40301)
	check("foreign origin", func(r *http.Request) {
		r.Header.Set("Authorization", "token "+testToken)
		r.Header.Set("Origin", "http://evil.example")
	}, 403, 40302)
	check("foreign host (DNS rebinding)", func(r *http.Request) {
		r.Header.Set("Authorization", "token "+testToken)
		r.Host = "evil.example:80"
	}, 403, 40303)
	check("token header", func(r *http.Request) { r.Header.Set("Authorization", "token "+testToken) }, 200, 0)
	check("bearer header", func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+testToken) }, 200, 0)
	check("query token", func(r *http.Request) { r.URL.RawQuery = "token=" + testToken }, 200, 0)
	check("same origin", func(r *http.Request) {
		r.Header.Set("Authorization", "token "+testToken)
		r.Header.Set("Origin", f.srv.URL)
	}, 200, 0)
	check("localhost", func(r *http.Request) {
		r.Header.Set("Authorization", "token "+testToken)
		r.Host = "localhost:8888"
	}, 200, 0)

	// The UI page needs no token; opened with a valid one, it sets the cookie that
	// then authenticates API calls.
	resp, err := http.Get(f.srv.URL + "/?token=" + testToken)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "trailbook-token-test" {
			cookie = c
		}
	}
	if resp.StatusCode != 200 || cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode {
		t.Fatalf("page: status %d, cookie %+v", resp.StatusCode, cookie)
	}
	check("cookie", func(r *http.Request) { r.AddCookie(cookie) }, 200, 0)
	resp, _ = http.Get(f.srv.URL + "/?token=nope")
	resp.Body.Close()
	if len(resp.Cookies()) != 0 {
		t.Fatal("a wrong token set a cookie")
	}
}

func TestWebsocketAuth(t *testing.T) {
	f := newFixture(t)
	status, data := f.do(t, "POST", "/api/kernels", map[string]string{"name": "trailbook"})
	if status != 201 {
		t.Fatalf("start kernel: %d %s", status, data)
	}
	var km kernelModel
	json.Unmarshal(data, &km)
	url := "ws" + strings.TrimPrefix(f.srv.URL, "http") + "/api/kernels/" + km.ID + "/channels"
	dial := func(query string, h http.Header) int {
		c, resp, err := websocket.DefaultDialer.Dial(url+query, h)
		if err == nil {
			c.Close()
			return 101
		}
		return resp.StatusCode
	}
	if s := dial("", nil); s != 401 {
		t.Fatalf("websocket without token: %d", s)
	}
	if s := dial("?token=nope", nil); s != 403 {
		t.Fatalf("websocket with a wrong token: %d", s)
	}
	if s := dial("?token="+testToken, http.Header{"Origin": {"http://evil.example"}}); s != 403 {
		t.Fatalf("websocket from a foreign origin: %d", s)
	}
	if s := dial("?token="+testToken, nil); s != 101 {
		t.Fatalf("websocket with the token: %d", s)
	}
}

func TestContentsPathTraversal(t *testing.T) {
	f := newFixture(t)
	os.WriteFile(filepath.Join(f.base, "secret.ipynb"), []byte(`{"nbformat":4,"nbformat_minor":5,"metadata":{},"cells":[{"cell_type":"markdown","source":"TOP SECRET","metadata":{}}]}`), 0o600)
	os.Symlink(filepath.Join(f.base, "secret.ipynb"), filepath.Join(f.dir, "link.ipynb"))
	for _, p := range []string{
		"/api/contents/../secret.ipynb",
		"/api/contents/%2E%2E/secret.ipynb",
		"/api/contents/..%2Fsecret.ipynb",
		"/api/contents/%2Fetc%2Fpasswd",
		"/api/contents//etc/passwd",
		"/api/contents/link.ipynb",
		"/api/contents/.hidden",
	} {
		status, data := f.do(t, "GET", p, nil)
		if status == 200 || strings.Contains(string(data), "SECRET") || strings.Contains(string(data), "root:") {
			t.Errorf("GET %s: %d %s", p, status, data)
		}
		// A redirect (the mux cleaning "..") leads out of /api: also a refusal.
		if status, _ = f.do(t, "PUT", p, map[string]any{"type": "file", "format": "text", "content": "x"}); status < 300 {
			t.Errorf("PUT %s: %d", p, status)
		}
	}
	if _, err := os.Stat(filepath.Join(f.base, "x")); err == nil {
		t.Fatal("a PUT wrote outside the notebook directory")
	}
	status, data := f.do(t, "GET", "/api/contents/link.ipynb", nil)
	if status != 403 || errorCode(t, data) != 40304 {
		t.Fatalf("symlink out: %d %s", status, data)
	}
}

func TestContentsRoundTrip(t *testing.T) {
	f := newFixture(t)
	nb := map[string]any{
		"nbformat": 4, "nbformat_minor": 5, "metadata": map[string]any{"trailbook": map[string]any{"timeframe": map[string]string{"from": "-7d"}}},
		"cells": []any{map[string]any{"id": "c1", "cell_type": "code", "source": "data record(a = 1)", "metadata": map[string]any{}, "outputs": []any{}, "execution_count": nil}},
	}
	status, data := f.do(t, "PUT", "/api/contents/triage.ipynb", map[string]any{"type": "notebook", "format": "json", "content": nb})
	if status != 201 {
		t.Fatalf("PUT: %d %s", status, data)
	}
	if status, _ = f.do(t, "PUT", "/api/contents/triage.ipynb", map[string]any{"type": "notebook", "format": "json", "content": nb}); status != 200 {
		t.Fatalf("second PUT: %d", status)
	}
	status, data = f.do(t, "GET", "/api/contents/triage.ipynb", nil)
	var m struct {
		Name, Path, Type string
		Content          notebook.Notebook
	}
	if err := json.Unmarshal(data, &m); err != nil || status != 200 {
		t.Fatalf("GET: %d %s", status, data)
	}
	if m.Type != "notebook" || len(m.Content.Cells) != 1 || m.Content.Cells[0].ID != "c1" || m.Content.Cells[0].Source != "data record(a = 1)" {
		t.Fatalf("GET returned %s", data)
	}
	if status, data = f.do(t, "PUT", "/api/contents/bad.ipynb", map[string]any{"type": "notebook", "content": map[string]any{"nbformat": 3}}); status != 400 || errorCode(t, data) != 40002 {
		t.Fatalf("PUT of an invalid notebook: %d %s", status, data)
	}
	status, data = f.do(t, "GET", "/api/contents", nil)
	if status != 200 || !strings.Contains(string(data), `"name":"triage.ipynb"`) || !strings.Contains(string(data), `"name":"triage.ipynb.bak"`) {
		t.Fatalf("listing: %d %s", status, data)
	}
	if status, data = f.do(t, "GET", "/api/contents/triage.ipynb/checkpoints", nil); status != 200 || !strings.Contains(string(data), `"id":"bak"`) {
		t.Fatalf("checkpoints: %d %s", status, data)
	}
	if status, _ = f.do(t, "PATCH", "/api/contents/triage.ipynb", map[string]string{"path": "renamed.ipynb"}); status != 200 {
		t.Fatalf("rename: %d", status)
	}
	if status, _ = f.do(t, "POST", "/api/contents", map[string]string{"type": "notebook"}); status != 201 {
		t.Fatalf("new untitled: %d", status)
	}
	if status, _ = f.do(t, "DELETE", "/api/contents/renamed.ipynb", nil); status != 204 {
		t.Fatalf("delete: %d", status)
	}
	if status, data = f.do(t, "GET", "/api/contents/renamed.ipynb", nil); status != 404 || errorCode(t, data) != 40403 {
		t.Fatalf("GET after delete: %d %s", status, data)
	}
}

func TestKernelsAndSessions(t *testing.T) {
	f := newFixture(t)
	nb := `{"nbformat":4,"nbformat_minor":5,"metadata":{"trailbook":{"timeframe":{"from":"-7d"}}},"cells":[]}`
	os.WriteFile(filepath.Join(f.dir, "t.ipynb"), []byte(nb), 0o644)
	status, data := f.do(t, "POST", "/api/sessions", map[string]any{"path": "t.ipynb", "name": "t.ipynb", "type": "notebook", "kernel": map[string]string{"name": "trailbook"}})
	if status != 201 {
		t.Fatalf("create session: %d %s", status, data)
	}
	var sm sessionModel
	json.Unmarshal(data, &sm)
	if sm.Path != "t.ipynb" || sm.Kernel.Name != "trailbook" || sm.Kernel.ExecutionState != "idle" {
		t.Fatalf("session = %s", data)
	}
	_, again := f.do(t, "POST", "/api/sessions", map[string]any{"path": "t.ipynb", "kernel": map[string]string{"name": "trailbook"}})
	var sm2 sessionModel
	json.Unmarshal(again, &sm2)
	if sm2.ID != sm.ID || sm2.Kernel.ID != sm.Kernel.ID {
		t.Fatalf("a second session for the same path: %s", again)
	}
	if status, data = f.do(t, "PATCH", "/api/sessions/"+sm.ID, map[string]string{"path": "u.ipynb"}); status != 200 || !strings.Contains(string(data), `"path":"u.ipynb"`) {
		t.Fatalf("patch: %d %s", status, data)
	}
	if status, data = f.do(t, "GET", "/api/kernels/"+sm.Kernel.ID, nil); status != 200 {
		t.Fatalf("get kernel: %d %s", status, data)
	}

	// Run a cell directly on the kernel, then page its result over REST.
	k, _ := f.kernels.Get(sm.Kernel.ID)
	done := make(chan struct{})
	unsub := k.Subscribe(func(m *protocol.Message) {
		if m.Header.MsgType == protocol.Status && strings.Contains(string(m.Content), "idle") && strings.Contains(string(m.ParentHeader), "x1") {
			close(done)
		}
	})
	req := &protocol.Message{Channel: "shell", Header: protocol.Header{MsgID: "x1", MsgType: protocol.ExecuteRequest, Session: "s", Username: "u", Version: "5.3"}}
	req.Content, _ = json.Marshal(protocol.Execute{Code: `data record(a = 1), record(a = 2), record(a = "<b>")`})
	k.Handle(req, func(*protocol.Message) {})
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the cell did not finish")
	}
	unsub()
	res, ok := k.PreviousResult()
	if !ok {
		t.Fatal("no result")
	}
	status, data = f.do(t, "GET", "/api/trailbook/results/"+res.ID+"?offset=1&limit=5", nil)
	want := `{"resultId":"` + res.ID + `","columns":[{"name":"a","type":"mixed"}],"records":[{"a":2},{"a":"\u003cb\u003e"}],"total":3,"kept":3,"offset":1}` + "\n"
	if status != 200 || string(data) != want {
		t.Fatalf("results page: %d\n%s\nwant\n%s", status, data, want)
	}
	if status, data = f.do(t, "GET", "/api/trailbook/results/"+res.ID+"?offset=-1", nil); status != 400 || errorCode(t, data) != 40003 {
		t.Fatalf("bad offset: %d %s", status, data)
	}
	if status, data = f.do(t, "GET", "/api/trailbook/results/nope", nil); status != 404 || errorCode(t, data) != 40404 {
		t.Fatalf("unknown result: %d %s", status, data)
	}

	if status, _ = f.do(t, "POST", "/api/kernels/"+sm.Kernel.ID+"/interrupt", nil); status != 204 {
		t.Fatalf("interrupt: %d", status)
	}
	if status, _ = f.do(t, "POST", "/api/kernels/"+sm.Kernel.ID+"/restart", nil); status != 200 {
		t.Fatalf("restart: %d", status)
	}
	if status, _ = f.do(t, "DELETE", "/api/sessions/"+sm.ID, nil); status != 204 {
		t.Fatalf("delete session: %d", status)
	}
	if status, data = f.do(t, "GET", "/api/kernels/"+sm.Kernel.ID, nil); status != 404 || errorCode(t, data) != 40401 {
		t.Fatalf("the session's kernel survived: %d %s", status, data)
	}
	if status, data = f.do(t, "GET", "/api/sessions", nil); status != 200 || string(data) != "[]\n" {
		t.Fatalf("sessions after delete: %d %s", status, data)
	}
	if status, data = f.do(t, "POST", "/api/kernels", map[string]string{"name": "python3"}); status != 404 || errorCode(t, data) != 40406 {
		t.Fatalf("unknown kernel name: %d %s", status, data)
	}
}

func TestAPIShapes(t *testing.T) {
	f := newFixture(t)
	for path, want := range map[string]string{
		"/api":             `{"version":"2.14.0"}`,
		"/api/kernelspecs": `"default":"trailbook"`,
		"/api/status":      `"kernels":0`,
		"/api/kernels":     `[]`,
		"/api/nope":        `"code":40405`,
	} {
		_, data := f.do(t, "GET", path, nil)
		if !strings.Contains(string(data), want) {
			t.Errorf("GET %s = %s, want %s", path, data, want)
		}
	}
	resp, err := http.Get(f.srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "not built") || resp.Header.Get("Content-Security-Policy") != "default-src 'none'" {
		t.Fatalf("placeholder page: %s", body)
	}
}

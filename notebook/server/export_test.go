package server

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/trailbook/trailbook/kernel"
	"github.com/trailbook/trailbook/kernel/protocol"
)

// runCell runs code on a new kernel of the fixture and returns the kept result.
func (f *fixture) runCell(t *testing.T, code string) *kernel.Result {
	t.Helper()
	k, err := f.kernels.Start()
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	unsub := k.Subscribe(func(m *protocol.Message) {
		if m.Header.MsgType == protocol.Status && strings.Contains(string(m.Content), "idle") && strings.Contains(string(m.ParentHeader), "exp1") {
			close(done)
		}
	})
	defer unsub()
	req := &protocol.Message{Channel: "shell", Header: protocol.Header{MsgID: "exp1", MsgType: protocol.ExecuteRequest, Session: "s", Username: "u", Version: "5.3"}}
	req.Content, _ = json.Marshal(protocol.Execute{Code: code})
	k.Handle(req, func(*protocol.Message) {})
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the cell did not finish")
	}
	res, ok := k.PreviousResult()
	if !ok {
		t.Fatal("no result")
	}
	return res
}

func (f *fixture) get(t *testing.T, path string, header http.Header) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", f.srv.URL+path, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp, string(data)
}

// TestExport downloads a whole result in each format, with hostile values: CSV
// defuses formulas, every format keeps the text as data.
func TestExport(t *testing.T) {
	f := newFixture(t)
	res := f.runCell(t, `data record(a = 1, s = "=HYPERLINK(\"http://x\")"), record(a = 2, s = "</script><script>alert(1)</script>"), record(a = 3, s = "\"><img src=x onerror=alert(1)>")`)
	auth := http.Header{"Authorization": {"token " + testToken}}
	base := "/api/trailbook/results/" + res.ID + "/export"

	cases := []struct {
		query, contentType, file, body string
	}{
		{"?format=csv&name=logins", "text/csv; charset=utf-8", "logins.csv",
			"a,s\n1,\"'=HYPERLINK(\"\"http://x\"\")\"\n2,</script><script>alert(1)</script>\n3,\"\"\"><img src=x onerror=alert(1)>\"\n"},
		{"", "text/csv; charset=utf-8", "result.csv", ""},
		{"?format=jsonl&name=../../etc/passwd", "application/x-ndjson", "etc_passwd.jsonl",
			`{"a":1,"s":"=HYPERLINK(\"http://x\")"}` + "\n" + `{"a":2,"s":"\u003c/script\u003e\u003cscript\u003ealert(1)\u003c/script\u003e"}` + "\n" + `{"a":3,"s":"\"\u003e\u003cimg src=x onerror=alert(1)\u003e"}` + "\n"},
		{"?format=json&name=" + "%22%0d%0aSet-Cookie:%20x", "application/json", "Set-Cookie__x.json",
			`{"records":[{"a":"1","s":"=HYPERLINK(\"http://x\")"},{"a":"2","s":"\u003c/script\u003e\u003cscript\u003ealert(1)\u003c/script\u003e"},{"a":"3","s":"\"\u003e\u003cimg src=x onerror=alert(1)\u003e"}],"types":[{"indexRange":[0,2],"mappings":{"a":{"type":"long"},"s":{"type":"string"}}}]}` + "\n"},
	}
	for _, tc := range cases {
		resp, body := f.get(t, base+tc.query, auth)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: status %d %s", tc.query, resp.StatusCode, body)
		}
		if got := resp.Header.Get("Content-Type"); got != tc.contentType {
			t.Errorf("%s: Content-Type %q, want %q", tc.query, got, tc.contentType)
		}
		if got, want := resp.Header.Get("Content-Disposition"), `attachment; filename="`+tc.file+`"`; got != want {
			t.Errorf("%s: Content-Disposition %q, want %q", tc.query, got, want)
		}
		if resp.Header.Get("X-Trailbook-Total") != "3" || resp.Header.Get("X-Trailbook-Kept") != "3" {
			t.Errorf("%s: counts %q/%q", tc.query, resp.Header.Get("X-Trailbook-Kept"), resp.Header.Get("X-Trailbook-Total"))
		}
		if tc.body != "" && body != tc.body {
			t.Errorf("%s: body\n got %q\nwant %q", tc.query, body, tc.body)
		}
	}

	for _, tc := range []struct {
		path   string
		header http.Header
		status int
		code   int
	}{
		{base, nil, 401, 40101},
		{base + "?token=" + testToken + "&format=csv", nil, 200, 0}, // what a download link carries
		{base + "?format=xlsx", auth, 400, 40003},
		{"/api/trailbook/results/nope/export", auth, 404, 40404},
	} {
		resp, body := f.get(t, tc.path, tc.header)
		if resp.StatusCode != tc.status || tc.code != 0 && errorCode(t, []byte(body)) != tc.code {
			t.Errorf("%s: %d %s, want %d (code %d)", tc.path, resp.StatusCode, body, tc.status, tc.code)
		}
	}
}

// TestExportStreams downloads a result far larger than a page and than the
// encoders' buffers, in every format.
func TestExportStreams(t *testing.T) {
	f := newFixture(t)
	const n = 25000
	res := f.runCell(t, fmt.Sprintf(`data record(x = 0) | fieldsAdd i = array(%s) | expand i | fields i`, seq(n)))
	if res.Total != n {
		t.Fatalf("the result has %d records", res.Total)
	}
	auth := http.Header{"Authorization": {"token " + testToken}}
	for format, lines := range map[string]int{"csv": n + 1, "jsonl": n} {
		_, body := f.get(t, "/api/trailbook/results/"+res.ID+"/export?format="+format, auth)
		if got := strings.Count(body, "\n"); got != lines {
			t.Errorf("%s: %d lines, want %d", format, got, lines)
		}
	}
	_, body := f.get(t, "/api/trailbook/results/"+res.ID+"/export?format=json", auth)
	var env struct{ Records []json.RawMessage }
	if err := json.Unmarshal([]byte(body), &env); err != nil || len(env.Records) != n {
		t.Errorf("json: %d records, %v", len(env.Records), err)
	}
}

func seq(n int) string {
	s := make([]string, n)
	for i := range s {
		s[i] = fmt.Sprint(i)
	}
	return strings.Join(s, ", ")
}

func TestExportName(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		if got := exportName(in); got != want {
			t.Errorf("exportName(%q) = %q, want %q", in, got, want)
		}
	}
	f("logins", "logins")
	f("", "result")
	f("..", "result")
	f("a/b\\c", "a_b_c")
	f("été 2024.v1", "t__2024.v1")
	f(strings.Repeat("x", 100), strings.Repeat("x", 64))
}

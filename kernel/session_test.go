package kernel

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trailbook/trailbook/kernel/dql/exec"
	"github.com/trailbook/trailbook/kernel/dql/value"
	"github.com/trailbook/trailbook/kernel/protocol"
)

func TestExecuteTable(t *testing.T) {
	s := newTestSession(t, Options{})
	c := newClient(t, s)
	rc, pub := c.execute(`data record(a = 1, s = "x"), record(a = 2, s = "<b>")`, nil)
	if rc.Status != protocol.StatusOK || rc.ExecutionCount != 1 {
		t.Fatalf("reply = %+v", rc)
	}
	want := "status:busy execute_input execute_result status:idle"
	if got := strings.Join(types(pub), " "); got != want {
		t.Fatalf("iopub = %s\nwant   %s", got, want)
	}
	var out protocol.DisplayDataContent
	json.Unmarshal(pub[2].Content, &out)
	text, _ := out.Data.Text(protocol.MIMEText)
	wantText := "{\"a\":1,\"s\":\"x\"}\n{\"a\":2,\"s\":\"\\u003cb\\u003e\"}\n(2 records)"
	if text != wantText {
		t.Fatalf("text/plain = %q\nwant %q", text, wantText)
	}
	if out.ExecutionCount == nil || *out.ExecutionCount != 1 {
		t.Fatalf("execute_result without execution_count 1: %s", pub[2].Content)
	}
	r, ok := s.NamedResult("cell1")
	if !ok || r.Total != 2 || len(r.Columns) != 2 || r.Columns[0] != (Column{"a", "long"}) {
		t.Fatalf("named result cell1 = %+v, %v", r, ok)
	}
	if got, _ := s.Result(r.ID); got != r {
		t.Fatalf("Result(%q) did not find the result", r.ID)
	}
	rc, _ = c.execute(`data record(x = 1)`, map[string]any{"trailbook": map[string]any{"name": "failures"}})
	if rc.ExecutionCount != 2 {
		t.Fatalf("second execution count = %d", rc.ExecutionCount)
	}
	if _, ok := s.NamedResult("failures"); !ok {
		t.Fatalf("trailbook.name from the request metadata was not used")
	}
	if p, _ := s.PreviousResult(); p == nil || p.Name != "failures" {
		t.Fatalf("previous result = %+v", p)
	}
}

func TestExecuteSyntaxError(t *testing.T) {
	s := newTestSession(t, Options{})
	c := newClient(t, s)
	code := "data record(a = 1)\n| summarize n = coutn(), by: {a}"
	rc, pub := c.execute(code, nil)
	if rc.Status != protocol.StatusError || rc.Ename != protocol.ErrDQLSyntax {
		t.Fatalf("reply = %+v", rc)
	}
	want := []string{
		`  | | summarize n = coutn(), by: {a}`,
		`  |                 ^`,
		`2:17: unknown function "coutn" (did you mean "count"?)`,
	}
	if strings.Join(rc.Traceback, "\n") != strings.Join(want, "\n") {
		t.Fatalf("traceback:\n%s\nwant:\n%s", strings.Join(rc.Traceback, "\n"), strings.Join(want, "\n"))
	}
	if rc.Evalue != want[2] {
		t.Fatalf("evalue = %q", rc.Evalue)
	}
	want2 := "status:busy execute_input error status:idle"
	if got := strings.Join(types(pub), " "); got != want2 {
		t.Fatalf("iopub = %s", got)
	}
	var meta struct {
		Trailbook struct{ Errors []protocol.ErrorPos }
	}
	json.Unmarshal(pub[2].Metadata, &meta)
	wantPos := protocol.ErrorPos{Line: 2, Column: 17, EndColumn: 22, Message: `unknown function "coutn" (did you mean "count"?)`}
	if len(meta.Trailbook.Errors) != 1 || meta.Trailbook.Errors[0] != wantPos {
		t.Fatalf("error positions = %+v, want %+v", meta.Trailbook.Errors, wantPos)
	}
}

func TestErrorColumnsInUTF16(t *testing.T) {
	// "😀" is one character (the caret's column) but two UTF-16 units (the editor's).
	code := `data record(s = "😀", t = coutn())`
	s := newTestSession(t, Options{})
	c := newClient(t, s)
	rc, pub := c.execute(code, nil)
	if !strings.HasPrefix(rc.Evalue, "1:26: ") {
		t.Fatalf("evalue = %q, want column 26 in characters", rc.Evalue)
	}
	var meta struct {
		Trailbook struct{ Errors []protocol.ErrorPos }
	}
	json.Unmarshal(pub[len(pub)-2].Metadata, &meta)
	if len(meta.Trailbook.Errors) != 1 || meta.Trailbook.Errors[0].Column != 27 || meta.Trailbook.Errors[0].EndColumn != 32 {
		t.Fatalf("positions = %+v, want column 27..32 in UTF-16 units", meta.Trailbook.Errors)
	}
}

func TestExecuteRuntimeError(t *testing.T) {
	s := newTestSession(t, Options{})
	c := newClient(t, s)
	rc, _ := c.execute(`fetch logs`, nil)
	if rc.Ename != protocol.ErrDQLRuntime || !strings.Contains(rc.Evalue, "no log source") {
		t.Fatalf("reply = %+v", rc)
	}
}

func TestInterrupt(t *testing.T) {
	src := &foreverSource{started: make(chan struct{}, 1)}
	s := newTestSession(t, Options{Source: src})
	c := newClient(t, s)
	id := c.send(protocol.Shell, protocol.ExecuteRequest, protocol.Execute{Code: `fetch logs | summarize count()`}, nil)
	queued := c.send(protocol.Shell, protocol.ExecuteRequest, protocol.Execute{Code: `data record(a = 1)`}, nil)
	select {
	case <-src.started:
	case <-time.After(10 * time.Second):
		t.Fatal("the scan did not start")
	}
	if st := s.ExecutionState(); st != protocol.StateBusy {
		t.Fatalf("state while running = %q", st)
	}
	var ir protocol.Reply
	c.request(protocol.InterruptRequest, struct{}{}, &ir)
	if ir.Status != protocol.StatusOK {
		t.Fatalf("interrupt_reply = %+v", ir)
	}
	// The bound: the reply within a second of the interrupt. The source
	// checks its context every 256 records, so the real latency is far below it.
	r, _ := c.wait(id, time.Second)
	var rc protocol.ExecuteReplyContent
	json.Unmarshal(r.Content, &rc)
	if rc.Ename != protocol.ErrInterrupted || rc.Evalue != "the cell was interrupted" {
		t.Fatalf("reply = %+v", rc)
	}
	r, _ = c.wait(queued, 5*time.Second)
	json.Unmarshal(r.Content, &rc)
	if rc.Status != protocol.StatusAborted {
		t.Fatalf("the queued cell was not aborted: %+v", rc)
	}
	if rc, _ := c.execute(`data record(a = 1)`, nil); rc.Status != protocol.StatusOK {
		t.Fatalf("the kernel did not recover: %+v", rc)
	}
}

func TestKernelInfoWhileBusy(t *testing.T) {
	src := &foreverSource{started: make(chan struct{}, 1)}
	s := newTestSession(t, Options{Source: src})
	c := newClient(t, s)
	id := c.send(protocol.Shell, protocol.ExecuteRequest, protocol.Execute{Code: `fetch logs | summarize count()`}, nil)
	<-src.started
	var info protocol.KernelInfo
	c.request(protocol.KernelInfoRequest, struct{}{}, &info)
	if info.LanguageInfo.Name != "dql" || info.LanguageInfo.FileExtension != ".dql" || info.LanguageInfo.Mimetype != "text/x-dql" || info.ProtocolVersion != "5.3" {
		t.Fatalf("kernel_info = %+v", info)
	}
	// After kernel_info's idle, the running cell's busy is repeated.
	c.mu.Lock()
	last := c.iopub[len(c.iopub)-1]
	c.mu.Unlock()
	if p, _ := last.Parent(); p.MsgID != id || !strings.Contains(string(last.Content), "busy") {
		t.Fatalf("last broadcast = %s %s", last.Header.MsgType, last.Content)
	}
	s.Interrupt()
	c.wait(id, 5*time.Second)
}

func TestMagics(t *testing.T) {
	s := newTestSession(t, Options{})
	c := newClient(t, s)
	rc, pub := c.execute("%%md\n# Findings\n<script>x</script>", nil)
	if rc.Status != protocol.StatusOK {
		t.Fatalf("md reply = %+v", rc)
	}
	var dd protocol.DisplayDataContent
	json.Unmarshal(pub[2].Content, &dd)
	if md, _ := dd.Data.Text(protocol.MIMEMarkdown); pub[2].Header.MsgType != protocol.DisplayData || md != "# Findings\n<script>x</script>" {
		t.Fatalf("md output = %s %s", pub[2].Header.MsgType, pub[2].Content)
	}
	rc, _ = c.execute("%%js\nreturn 1", nil)
	if rc.Ename != protocol.ErrScript || rc.Evalue != "JavaScript cells are not available yet" {
		t.Fatalf("js reply = %+v", rc)
	}
	rc, _ = c.execute("%%sql\nselect 1", nil)
	if rc.Ename != protocol.ErrDQLSyntax {
		t.Fatalf("unknown magic reply = %+v", rc)
	}
}

// fakeScripts is a ScriptRunner that returns canned values.
type fakeScripts struct {
	resets  int
	started chan struct{} // "wait" sends when it starts waiting
	release chan struct{} // "block" returns when it receives
}

func (f *fakeScripts) Run(ctx context.Context, code string, env ScriptEnv) (ScriptValue, error) {
	switch strings.TrimSpace(code) {
	case "previous":
		p, ok := env.Previous()
		if !ok {
			return ScriptValue{}, &ScriptError{Msg: "no previous result"}
		}
		arr := make([]value.Value, len(p.Records))
		for i, r := range p.Records {
			arr[i] = value.Rec(r)
		}
		env.Print("stdout", "rows: "+value.Format(value.Long(int64(len(arr))))+"\n")
		return ScriptValue{Value: value.Array(arr)}, nil
	case "query":
		r, err := env.Query(ctx, `data record(q = 1)`)
		if err != nil {
			return ScriptValue{}, err
		}
		return ScriptValue{Value: value.Long(int64(r.Total))}, nil
	case "md":
		return ScriptValue{Value: value.String("**bold**"), Markdown: true}, nil
	case "block":
		<-f.release
		return ScriptValue{}, nil
	case "wait":
		f.started <- struct{}{}
		<-ctx.Done()
		return ScriptValue{}, ctx.Err()
	}
	return ScriptValue{}, &ScriptError{Line: 2, Col: 3, Msg: "ReferenceError: x is not defined", Stack: []string{"at <eval>:2:3"}}
}

func (f *fakeScripts) Reset() { f.resets++ }

func TestScriptSeam(t *testing.T) {
	fs := &fakeScripts{started: make(chan struct{}, 1)}
	s := newTestSession(t, Options{Scripts: func() ScriptRunner { return fs }})
	c := newClient(t, s)
	c.execute(`data record(a = 1), record(a = 2)`, nil)
	rc, pub := c.execute("%%js\nprevious", map[string]any{"trailbook": map[string]any{"name": "copy"}})
	if rc.Status != protocol.StatusOK {
		t.Fatalf("reply = %+v", rc)
	}
	if got := strings.Join(types(pub), " "); got != "status:busy execute_input stream execute_result status:idle" {
		t.Fatalf("iopub = %s", got)
	}
	if r, ok := s.NamedResult("copy"); !ok || r.Total != 2 {
		t.Fatalf("script result not kept by name: %+v", r)
	}
	rc, pub = c.execute("%%js\nquery", nil)
	if !strings.Contains(string(pub[2].Content), `"application/json":1`) {
		t.Fatalf("query value output = %s", pub[2].Content)
	}
	rc, pub = c.execute("%%js\nmd", nil)
	if !strings.Contains(string(pub[2].Content), `"text/markdown":"**bold**"`) {
		t.Fatalf("markdown value output = %s", pub[2].Content)
	}
	rc, pub = c.execute("%%js\nboom", nil)
	if rc.Ename != protocol.ErrScript || rc.Evalue != "2:3: ReferenceError: x is not defined" || len(rc.Traceback) != 2 {
		t.Fatalf("script error reply = %+v", rc)
	}
	if !strings.Contains(string(pub[2].Metadata), `{"line":3,"column":3,"endColumn":4`) {
		t.Fatalf("script error metadata = %s", pub[2].Metadata)
	}
	id := c.send(protocol.Shell, protocol.ExecuteRequest, protocol.Execute{Code: "%%js\nwait"}, nil)
	<-fs.started
	s.Interrupt()
	r, _ := c.wait(id, 5*time.Second)
	json.Unmarshal(r.Content, &rc)
	if rc.Ename != protocol.ErrInterrupted {
		t.Fatalf("interrupted script reply = %+v", rc)
	}
	s.Restart()
	if fs.resets != 1 {
		t.Fatalf("Restart called Reset %d times", fs.resets)
	}
}

func TestStopOnError(t *testing.T) {
	fs := &fakeScripts{release: make(chan struct{})}
	s := newTestSession(t, Options{Scripts: func() ScriptRunner { return fs }})
	c := newClient(t, s)
	f := false
	status := func(id string) string {
		t.Helper()
		r, _ := c.wait(id, 10*time.Second)
		var rc protocol.ExecuteReplyContent
		json.Unmarshal(r.Content, &rc)
		return rc.Status
	}
	run := func(cells ...protocol.Execute) string {
		t.Helper()
		// A blocked cell first, so that every other request is queued when the
		// failing one runs.
		ids := []string{c.send(protocol.Shell, protocol.ExecuteRequest, protocol.Execute{Code: "%%js\nblock"}, nil)}
		for _, e := range cells {
			ids = append(ids, c.send(protocol.Shell, protocol.ExecuteRequest, e, nil))
		}
		fs.release <- struct{}{}
		var got []string
		for _, id := range ids[1:] {
			got = append(got, status(id))
		}
		return strings.Join(got, " ")
	}
	got := run(protocol.Execute{Code: `fetch logz`},
		protocol.Execute{Code: `data record(a = 1)`, StopOnError: &f},
		protocol.Execute{Code: `data record(a = 1)`})
	if got != "error aborted aborted" {
		t.Fatalf("statuses = %s, want error aborted aborted", got)
	}
	// stop_on_error false on the failing cell keeps the queue.
	got = run(protocol.Execute{Code: `fetch logz`, StopOnError: &f}, protocol.Execute{Code: `data record(a = 1)`})
	if got != "error ok" {
		t.Fatalf("statuses = %s, want error ok", got)
	}
}

// recordingSource remembers the time range of the last scan.
type recordingSource struct {
	mu       sync.Mutex
	from, to int64
}

func (r *recordingSource) Scan(ctx context.Context, req exec.ScanRequest) (exec.Iterator, error) {
	r.mu.Lock()
	r.from, r.to = req.From, req.To
	r.mu.Unlock()
	return &sliceIter{}, nil
}

func TestTimeframe(t *testing.T) {
	src := &recordingSource{}
	s := newTestSession(t, Options{Source: src})
	c := newClient(t, s)
	check := func(meta any, from, to time.Time) {
		t.Helper()
		if rc, _ := c.execute(`fetch logs`, meta); rc.Status != protocol.StatusOK {
			t.Fatalf("reply = %+v", rc)
		}
		src.mu.Lock()
		defer src.mu.Unlock()
		if src.from != from.UnixNano() || src.to != to.UnixNano() {
			t.Fatalf("scan range = %v..%v, want %v..%v", time.Unix(0, src.from).UTC(), time.Unix(0, src.to).UTC(), from, to)
		}
	}
	check(nil, testNow.Add(-2*time.Hour), testNow)
	check(map[string]any{"trailbook": map[string]any{"timeframe": map[string]string{"from": "-7d"}}}, testNow.Add(-7*24*time.Hour), testNow)
	// The request's timeframe becomes the session's.
	check(nil, testNow.Add(-7*24*time.Hour), testNow)
	if err := s.SetTimeframe(Timeframe{From: "2024-03-01T00:00:00Z", To: "2024-03-01T12:00:00Z"}); err != nil {
		t.Fatal(err)
	}
	check(nil, time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC))
	if err := s.SetTimeframe(Timeframe{From: "yesterday"}); err == nil {
		t.Fatal("SetTimeframe accepted a bad timeframe")
	}
	rc, _ := c.execute(`fetch logs`, map[string]any{"trailbook": map[string]any{"timeframe": map[string]string{"from": "-1h", "to": "-2h"}}})
	if rc.Ename != protocol.ErrDQLRuntime || !strings.Contains(rc.Evalue, "is not before") {
		t.Fatalf("bad timeframe reply = %+v", rc)
	}
}

func TestRestartAndHistory(t *testing.T) {
	s := newTestSession(t, Options{})
	c := newClient(t, s)
	c.execute(`data record(a = 1)`, nil)
	c.execute(`data record(b = 2)`, nil)
	var h protocol.HistoryReplyContent
	c.request(protocol.HistoryRequest, protocol.History{HistAccessType: "tail", N: 1, Output: true}, &h)
	got, _ := json.Marshal(h.History)
	if string(got) != `[[1,2,["data record(b = 2)","{\"b\":2}\n(1 records)"]]]` {
		t.Fatalf("history = %s", got)
	}
	c.request(protocol.HistoryRequest, protocol.History{HistAccessType: "search", Pattern: "*a =*"}, &h)
	if got, _ := json.Marshal(h.History); string(got) != `[[1,1,"data record(a = 1)"]]` {
		t.Fatalf("search history = %s", got)
	}
	c.request(protocol.HistoryRequest, protocol.History{HistAccessType: "range", Start: 2, Stop: 3}, &h)
	if got, _ := json.Marshal(h.History); string(got) != `[[1,2,"data record(b = 2)"]]` {
		t.Fatalf("range history = %s", got)
	}
	old := s.session
	s.Restart()
	if s.session == old {
		t.Fatal("restart kept the header session id")
	}
	if _, ok := s.NamedResult("cell1"); ok {
		t.Fatal("restart kept results")
	}
	if rc, _ := c.execute(`data record(a = 1)`, nil); rc.ExecutionCount != 1 {
		t.Fatalf("execution count after restart = %d", rc.ExecutionCount)
	}
}

func TestShutdownRequest(t *testing.T) {
	m := NewManager(Options{}, 0)
	s, err := m.Start()
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t, s)
	var sd protocol.Shutdown
	c.request(protocol.ShutdownRequest, protocol.Shutdown{}, &sd)
	if sd.Status != protocol.StatusOK || sd.Restart {
		t.Fatalf("shutdown_reply = %+v", sd)
	}
	<-s.Done()
	if _, ok := m.Get(s.ID()); ok {
		t.Fatal("the manager kept a kernel that shut down")
	}
	if st := s.ExecutionState(); st != protocol.StateDead {
		t.Fatalf("state = %q", st)
	}
}

func TestMalformedRequests(t *testing.T) {
	s := newTestSession(t, Options{})
	c := newClient(t, s)
	id := c.send(protocol.Shell, protocol.CompleteRequest, map[string]any{"code": 12, "cursor_pos": "x"}, nil)
	r, _ := c.wait(id, 5*time.Second)
	if r.Header.MsgType != protocol.CompleteReply || !strings.Contains(string(r.Content), `"status":"error"`) {
		t.Fatalf("reply to a malformed request = %s %s", r.Header.MsgType, r.Content)
	}
	id = c.send(protocol.Shell, protocol.ExecuteRequest, map[string]any{"code": []int{1}}, nil)
	r, _ = c.wait(id, 5*time.Second)
	if !strings.Contains(string(r.Content), `"ename":"ProtocolError"`) {
		t.Fatalf("reply to a malformed execute = %s", r.Content)
	}
	// No header id: dropped, and the kernel keeps working.
	s.Handle(&protocol.Message{Header: protocol.Header{MsgType: protocol.ExecuteRequest}}, func(*protocol.Message) { t.Error("replied to a message without id") })
	if rc, _ := c.execute(`data record(a = 1)`, nil); rc.Status != protocol.StatusOK {
		t.Fatalf("reply = %+v", rc)
	}
}

func TestResultStoreBounds(t *testing.T) {
	st := newResultStore(2, 100)
	a, b, c := &Result{ID: "a", Bytes: 10}, &Result{ID: "b", Bytes: 10}, &Result{ID: "c", Bytes: 10}
	st.add(a)
	st.add(b)
	st.get("a") // a is now the most recently used
	if ev := st.add(c); len(ev) != 1 || ev[0] != b {
		t.Fatalf("evicted %v, want b", ev)
	}
	big := &Result{ID: "big", Bytes: 1000}
	if ev := st.add(big); len(ev) != 2 {
		t.Fatalf("evicted %d results, want 2", len(ev))
	}
	if _, ok := st.get("big"); !ok {
		t.Fatal("the newest result must stay even over the budget")
	}
}

func TestResultTruncation(t *testing.T) {
	s := newTestSession(t, Options{Source: &sliceSource{recs: events(3000)}, MaxResultBytes: 64 << 10})
	c := newClient(t, s)
	if rc, _ := c.execute(`fetch logs`, nil); rc.Status != protocol.StatusOK {
		t.Fatalf("reply = %+v", rc)
	}
	r, _ := s.PreviousResult()
	if r.Total != 3000 || !r.Truncated() || r.Bytes > 64<<10 || len(r.Records) == 0 {
		t.Fatalf("total %d kept %d bytes %d", r.Total, len(r.Records), r.Bytes)
	}
	if got := r.Page(len(r.Records)-1, 10); len(got) != 1 {
		t.Fatalf("last page has %d records", len(got))
	}
}

package main

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trailbook/trailbook/kernel/dql/dqltest"
	"github.com/trailbook/trailbook/kernel/protocol"
	"github.com/trailbook/trailbook/kernel/zmq"
	"github.com/trailbook/trailbook/kernel/zmq/zmqtest"
)

// kernelNow fixes now() in the kernel tests, so that the demo data and the
// tutorial's relative timeframes line up the same way in every run.
const kernelNow = "2024-03-01T12:00:00Z"

// longQuery runs for tens of seconds over the demo data (its 20,000 events ten
// times over, each expanded a hundredfold), in batches that check for cancellation.
const longQuery = `fetch logs, from: -30d` +
	` | append [fetch logs, from: -30d] | append [fetch logs, from: -30d] | append [fetch logs, from: -30d]` +
	` | append [fetch logs, from: -30d] | append [fetch logs, from: -30d] | append [fetch logs, from: -30d]` +
	` | append [fetch logs, from: -30d] | append [fetch logs, from: -30d] | append [fetch logs, from: -30d]` +
	` | fieldsAdd a = splitString("0123456789", "") | expand a` +
	` | fieldsAdd b = splitString("0123456789", "") | expand b` +
	` | summarize count()`

func TestKernelUsage(t *testing.T) {
	f := func(wantErr string, args ...string) {
		t.Helper()
		code, _, stderr := runCLI(t, append([]string{"kernel"}, args...)...)
		if code != exitUsage || !strings.Contains(stderr, wantErr) {
			t.Fatalf("kernel %v: exit %d, stderr %q; want exit 2 and %q", args, code, stderr, wantErr)
		}
	}
	f("missing -f CONNECTION_FILE")
	f("--now: cannot read \"noon\"", "-f", "k.json", "--now", "noon")
	f("--rows must be at least 1", "-f", "k.json", "--rows", "0")
	f("trailbook kernel: -frobnicate", "-f", "k.json", "--frobnicate")
}

func TestKernelBadConnectionFile(t *testing.T) {
	dir := t.TempDir()
	f := func(content, wantErr string) {
		t.Helper()
		path := filepath.Join(dir, "kernel.json")
		os.WriteFile(path, []byte(content), 0o600)
		code, _, stderr := runCLI(t, "kernel", "-f", path)
		if code != exitFail || !strings.Contains(stderr, wantErr) {
			t.Fatalf("exit %d, stderr %q; want exit 1 and %q", code, stderr, wantErr)
		}
	}
	f(`{"transport":`, "cannot read connection file")
	f(`{"transport":"tcp","ip":"127.0.0.1","key":"k","signature_scheme":"hmac-md5"}`, `signature_scheme "hmac-md5"`)
	f(`{"transport":"udp","ip":"127.0.0.1"}`, `transport "udp"`)
}

// startKernel runs `trailbook kernel -f path` in-process over the demo data, where
// path names no file or one with ports of 0, which the kernel writes, and returns
// the connection and a function that waits for the command's exit code and stderr.
func startKernel(t *testing.T, path string, args ...string) (zmq.ConnectionInfo, func() (int, string)) {
	t.Helper()
	t.Setenv("TRAILBOOK_DATA", "")
	t.Setenv("TRAILBOOK_VICTORIALOGS", "")
	t.Setenv("JPY_PARENT_PID", "")
	t.Chdir(t.TempDir())
	pr, pw := io.Pipe()
	codes := make(chan int, 1)
	go func() {
		codes <- run(append([]string{"kernel", "-f", path, "--now", kernelNow}, args...), io.Discard, pw)
		pw.Close()
	}()
	// The kernel says on stderr where it wrote the connection file; the rest of
	// stderr is kept for the test to look at.
	var mu sync.Mutex
	var stderr strings.Builder
	announced := make(chan struct{})
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		sc := bufio.NewScanner(pr)
		once := sync.Once{}
		for sc.Scan() {
			mu.Lock()
			stderr.WriteString(sc.Text() + "\n")
			mu.Unlock()
			if strings.Contains(sc.Text(), "connection file "+path) {
				once.Do(func() { close(announced) })
			}
		}
	}()
	select {
	case <-announced:
	case code := <-codes:
		<-drained
		t.Fatalf("kernel exited with %d before listening:\n%s", code, stderr.String())
	case <-time.After(zmqtest.Wait):
		t.Fatal("the kernel did not write its connection file")
	}
	info, err := zmq.ReadConnectionFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("connection file mode %v: its key must stay private", st.Mode())
	}
	wait := func() (int, string) {
		select {
		case code := <-codes:
			<-drained
			mu.Lock()
			defer mu.Unlock()
			return code, stderr.String()
		case <-time.After(zmqtest.Wait):
			t.Fatal("the kernel did not exit")
			return 0, ""
		}
	}
	return info, wait
}

// tableRecords returns the records of a cell's table output, decoded.
func tableRecords(t *testing.T, out *protocol.Message) []any {
	t.Helper()
	if out == nil {
		t.Fatal("the cell has no output")
	}
	var c struct {
		Data map[string]json.RawMessage `json:"data"`
	}
	json.Unmarshal(out.Content, &c)
	var table struct {
		Records []any `json:"records"`
		Total   int   `json:"total"`
	}
	if err := json.Unmarshal(c.Data[protocol.MIMETable], &table); err != nil {
		t.Fatalf("table+json: %v\n%s", err, out.Content)
	}
	if table.Total != len(table.Records) {
		t.Fatalf("the output holds %d of %d records", len(table.Records), table.Total)
	}
	return table.Records
}

// jsonlRecords decodes `trailbook query --format jsonl` output.
func jsonlRecords(t *testing.T, out string) []any {
	t.Helper()
	var recs []any
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var r any
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("jsonl line %q: %v", line, err)
		}
		recs = append(recs, r)
	}
	return recs
}

func TestKernelOverDemoData(t *testing.T) {
	conn := filepath.Join(t.TempDir(), "kernel.json")
	info, wait := startKernel(t, conn)
	c := zmqtest.Dial(t, info)
	c.Ready()

	// A tutorial query gives the kernel the same records as `trailbook query`.
	file := filepath.Join(dqltest.SharedDir(t), "tutorial", "10-console-login-failures.dql")
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	e := c.Execute(string(src))
	if !strings.Contains(string(e.Reply.Content), `"status":"ok"`) {
		t.Fatalf("execute_reply: %s", e.Reply.Content)
	}
	got := tableRecords(t, e.Output)
	code, out, stderr := runCLI(t, "query", "--now", kernelNow, "--format", "jsonl", "-f", file)
	if code != 0 {
		t.Fatalf("query: %s", stderr)
	}
	if want := jsonlRecords(t, out); len(got) == 0 || !reflect.DeepEqual(got, want) {
		t.Fatalf("kernel records\n%v\nquery records\n%v", got, want)
	}

	// %%js cells run too, on the same session.
	e = c.Execute("%%js\nprev.length")
	if !strings.Contains(string(e.Output.Content), `"text/plain":"`+jsonNumber(len(got))) {
		t.Fatalf("%%%%js output: %s", e.Output.Content)
	}

	// An interrupt on the control channel stops a long query.
	id := c.Send(protocol.Shell, protocol.ExecuteRequest, protocol.Execute{Code: longQuery})
	for {
		m := c.Broadcast()
		if p, _ := m.Parent(); p.MsgID == id && m.Header.MsgType == protocol.ExecuteInput {
			break
		}
	}
	if r := c.Request(protocol.Control, protocol.InterruptRequest, struct{}{}); r.Header.MsgType != protocol.InterruptReply {
		t.Fatalf("interrupt: %s", r.Header.MsgType)
	}
	e = c.Collect(id)
	if e.Error == nil || !strings.Contains(string(e.Error.Content), `"ename":"Interrupted"`) {
		t.Fatalf("interrupted query: %s", e.Reply.Content)
	}

	// shutdown_request: the reply, then the process ends with 0.
	r := c.Request(protocol.Control, protocol.ShutdownRequest, protocol.Shutdown{})
	if r.Header.MsgType != protocol.ShutdownReply {
		t.Fatalf("shutdown: %s", r.Header.MsgType)
	}
	code, stderr = wait()
	if code != 0 {
		t.Fatalf("kernel exit %d:\n%s", code, stderr)
	}
	if _, err := os.Stat(conn); !os.IsNotExist(err) {
		t.Fatalf("the connection file the kernel wrote is still there: %v", err)
	}
	if !strings.Contains(stderr, "embedded demo data") {
		t.Fatalf("stderr does not say that demo data is used:\n%s", stderr)
	}
}

func jsonNumber(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// TestKernelFillsPorts: a connection file with ports of 0 gets the ports the kernel
// bound, and keeps its key.
func TestKernelFillsPorts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kernel.json")
	os.WriteFile(path, []byte(`{"transport":"tcp","ip":"127.0.0.1","key":"our-key","signature_scheme":"hmac-sha256"}`), 0o600)
	info, wait := startKernel(t, path)
	if info.Key != "our-key" || info.ShellPort == 0 || info.HBPort == 0 {
		t.Fatalf("connection written back: %+v", info)
	}
	c := zmqtest.Dial(t, info)
	c.Ready()
	c.Request(protocol.Control, protocol.ShutdownRequest, protocol.Shutdown{})
	if code, stderr := wait(); code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the kernel removed a connection file it did not make: %v", err)
	}
}

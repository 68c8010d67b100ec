package zmq_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trailbook/trailbook/kernel"
	"github.com/trailbook/trailbook/kernel/dql/exec"
	"github.com/trailbook/trailbook/kernel/dql/value"
	"github.com/trailbook/trailbook/kernel/protocol"
	"github.com/trailbook/trailbook/kernel/zmq"
	"github.com/trailbook/trailbook/kernel/zmq/zmqtest"
)

// blockingSource is a log source whose scans wait until they are cancelled: a
// query over it runs until interrupted.
type blockingSource struct{ started chan struct{} }

func (b *blockingSource) Scan(ctx context.Context, req exec.ScanRequest) (exec.Iterator, error) {
	select {
	case b.started <- struct{}{}:
	default:
	}
	return blockingIter{}, nil
}

type blockingIter struct{}

func (blockingIter) Next(ctx context.Context) ([]*value.Record, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}
func (blockingIter) Close() error { return nil }

// syncBuffer is a log destination safe for the kernel's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type harness struct {
	s      *kernel.Session
	info   zmq.ConnectionInfo
	log    *syncBuffer
	src    *blockingSource
	served chan error
	cancel context.CancelFunc
}

// start serves a new session on free ports of 127.0.0.1 and returns once every
// socket listens.
func start(t *testing.T) *harness {
	t.Helper()
	h := &harness{log: &syncBuffer{}, src: &blockingSource{started: make(chan struct{}, 1)}, served: make(chan error, 1)}
	h.s = kernel.New("", kernel.Options{Source: h.src})
	t.Cleanup(h.s.Shutdown)
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	t.Cleanup(cancel)
	bound := make(chan zmq.ConnectionInfo, 1)
	opt := zmq.Options{
		Logger: slog.New(slog.NewTextHandler(h.log, nil)),
		Bound:  func(info zmq.ConnectionInfo) { bound <- info },
	}
	go func() { h.served <- zmq.Serve(ctx, zmq.NewConnectionInfo(), h.s, opt) }()
	select {
	case h.info = <-bound:
	case err := <-h.served:
		t.Fatalf("Serve: %v", err)
	}
	for _, p := range []int{h.info.ShellPort, h.info.ControlPort, h.info.StdinPort, h.info.IOPubPort, h.info.HBPort} {
		if p == 0 {
			t.Fatalf("a port was not bound: %+v", h.info)
		}
	}
	return h
}

// stopped waits for Serve to return.
func (h *harness) stopped(t *testing.T) {
	t.Helper()
	select {
	case err := <-h.served:
		if err != nil {
			t.Fatalf("Serve: %v", err)
		}
	case <-time.After(zmqtest.Wait):
		t.Fatal("Serve did not return")
	}
}

func TestKernelInfoAndExecute(t *testing.T) {
	h := start(t)
	c := zmqtest.Dial(t, h.info)
	info := c.Ready()
	var ki protocol.KernelInfo
	json.Unmarshal(info.Content, &ki)
	if ki.LanguageInfo.Name != "dql" || ki.LanguageInfo.FileExtension != ".dql" || ki.LanguageInfo.Mimetype != "text/x-dql" || ki.ProtocolVersion != protocol.Version {
		t.Fatalf("kernel_info_reply: %s", info.Content)
	}
	if info.Channel != protocol.Shell || info.Header.Session == "" {
		t.Fatalf("kernel_info_reply header: %+v", info.Header)
	}

	e := c.Execute("data record(a = 1, b = \"x\")")
	if !strings.Contains(string(e.Reply.Content), `"status":"ok"`) {
		t.Fatalf("execute_reply: %s", e.Reply.Content)
	}
	var kinds []string
	for _, m := range e.IOPub {
		kinds = append(kinds, m.Header.MsgType)
	}
	if got := strings.Join(kinds, " "); got != "status execute_input execute_result status" {
		t.Fatalf("iopub for the cell: %s", got)
	}
	if !strings.Contains(string(e.Output.Content), `{\"a\":1,\"b\":\"x\"}`) {
		t.Fatalf("execute_result: %s", e.Output.Content)
	}

	e = c.Execute("data record(a = 1)\n| summarize n = coutn()")
	if e.Error == nil || !strings.Contains(string(e.Error.Content), `"ename":"DQLSyntaxError"`) || !strings.Contains(string(e.Reply.Content), `"status":"error"`) {
		t.Fatalf("erroring cell: reply %s, error %v", e.Reply.Content, e.Error)
	}
}

func TestBadSignatureRefused(t *testing.T) {
	h := start(t)
	c := zmqtest.Dial(t, h.info)
	c.Ready()

	// The same request signed with another key: dropped, logged, never answered.
	forger, _ := zmq.NewCodec("hmac-sha256", "not-the-key")
	m := c.Message(protocol.Shell, protocol.ExecuteRequest, protocol.Execute{Code: "data record(a = 1)"})
	frames, _ := forger.Encode(nil, m)
	c.SendFrames(protocol.Shell, frames)
	// An unsigned one on control, where shutdown lives.
	m = c.Message(protocol.Control, protocol.ShutdownRequest, protocol.Shutdown{})
	frames, _ = forger.Encode(nil, m)
	frames[1] = nil
	c.SendFrames(protocol.Control, frames)
	c.NoReply(protocol.Shell, 500*time.Millisecond)
	c.NoReply(protocol.Control, 0)

	// The kernel is alive and answers signed requests.
	if r := c.Request(protocol.Shell, protocol.KernelInfoRequest, struct{}{}); r.Header.MsgType != protocol.KernelInfoReply {
		t.Fatalf("after the forgeries: %s", r.Header.MsgType)
	}
	logged := h.log.String()
	if strings.Count(logged, "bad message signature") != 2 || !strings.Contains(logged, "level=WARN") {
		t.Fatalf("log:\n%s", logged)
	}
}

func TestHeartbeat(t *testing.T) {
	h := start(t)
	c := zmqtest.Dial(t, h.info)
	for _, p := range []string{"ping", "ping again"} {
		got, err := c.Ping(p)
		if err != nil || got != p {
			t.Fatalf("heartbeat %q: %q, %v", p, got, err)
		}
	}
}

func TestInterruptOnControl(t *testing.T) {
	h := start(t)
	c := zmqtest.Dial(t, h.info)
	c.Ready()
	id := c.Send(protocol.Shell, protocol.ExecuteRequest, protocol.Execute{Code: "fetch logs | summarize count()"})
	select {
	case <-h.src.started:
	case <-time.After(zmqtest.Wait):
		t.Fatal("the query did not start")
	}
	// While the cell runs, the heartbeat and control still answer.
	if _, err := c.Ping("ping"); err != nil {
		t.Fatal(err)
	}
	r := c.Request(protocol.Control, protocol.InterruptRequest, struct{}{})
	if r.Header.MsgType != protocol.InterruptReply || !strings.Contains(string(r.Content), `"status":"ok"`) {
		t.Fatalf("interrupt_reply: %s %s", r.Header.MsgType, r.Content)
	}
	e := c.Collect(id)
	if e.Error == nil || !strings.Contains(string(e.Error.Content), `"ename":"Interrupted"`) {
		t.Fatalf("interrupted cell: %s", e.Reply.Content)
	}
}

func TestShutdownRequest(t *testing.T) {
	for _, restart := range []bool{false, true} {
		t.Run(map[bool]string{false: "shutdown", true: "restart"}[restart], func(t *testing.T) {
			h := start(t)
			c := zmqtest.Dial(t, h.info)
			c.Ready()
			r := c.Request(protocol.Control, protocol.ShutdownRequest, protocol.Shutdown{Restart: restart})
			var sd protocol.Shutdown
			json.Unmarshal(r.Content, &sd)
			if r.Header.MsgType != protocol.ShutdownReply || sd.Status != protocol.StatusOK || sd.Restart != restart {
				t.Fatalf("shutdown_reply: %s", r.Content)
			}
			// Either way the process's kernel ends: a client restarts by starting a
			// new process.
			h.stopped(t)
			select {
			case <-h.s.Done():
			default:
				t.Fatal("the session is still running")
			}
		})
	}
}

func TestContextEndsKernel(t *testing.T) {
	h := start(t)
	c := zmqtest.Dial(t, h.info)
	c.Ready()
	id := c.Send(protocol.Shell, protocol.ExecuteRequest, protocol.Execute{Code: "fetch logs | summarize count()"})
	<-h.src.started
	h.cancel() // as on SIGTERM, or when the parent process is gone
	h.stopped(t)
	// The running cell was stopped, and its reply went out before the sockets closed.
	e := c.Collect(id)
	if !strings.Contains(string(e.Reply.Content), `"status":"error"`) {
		t.Fatalf("reply of the cell running at shutdown: %s", e.Reply.Content)
	}
}

func TestListenError(t *testing.T) {
	h := start(t)
	info := h.info // every port is taken by the first kernel
	s := kernel.New("", kernel.Options{})
	defer s.Shutdown()
	err := zmq.Serve(context.Background(), info, s, zmq.Options{})
	if err == nil || !strings.Contains(err.Error(), "cannot listen for the shell channel on tcp://127.0.0.1:") {
		t.Fatalf("Serve on taken ports: %v", err)
	}
}

func TestIPC(t *testing.T) {
	// jupyter_client's transport "ipc": Unix sockets named IP-PORT.
	info := zmq.NewConnectionInfo()
	info.Transport, info.IP = "ipc", filepath.Join(t.TempDir(), "kernel")
	info.ShellPort, info.ControlPort, info.StdinPort, info.IOPubPort, info.HBPort = 1, 2, 3, 4, 5
	s := kernel.New("", kernel.Options{})
	defer s.Shutdown()
	served := make(chan error, 1)
	bound := make(chan struct{})
	go func() {
		served <- zmq.Serve(context.Background(), info, s, zmq.Options{Bound: func(zmq.ConnectionInfo) { close(bound) }})
	}()
	select {
	case <-bound:
	case err := <-served:
		t.Fatalf("Serve: %v", err)
	}
	if _, err := os.Stat(info.IP + "-1"); err != nil {
		t.Fatalf("no shell socket: %v", err)
	}
	c := zmqtest.Dial(t, info)
	if r := c.Ready(); r.Header.MsgType != protocol.KernelInfoReply {
		t.Fatal(r.Header.MsgType)
	}
	c.Request(protocol.Control, protocol.ShutdownRequest, protocol.Shutdown{})
	if err := <-served; err != nil {
		t.Fatal(err)
	}
}

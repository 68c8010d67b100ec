// Package zmqtest is a Jupyter client over ZeroMQ for tests: it connects to a kernel
// with its connection file's ports and key, as jupyter_client does, and waits on
// messages with time limits rather than sleeping.
package zmqtest

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"

	"github.com/trailbook/trailbook/kernel"
	"github.com/trailbook/trailbook/kernel/protocol"
	"github.com/trailbook/trailbook/kernel/zmq"
)

// Wait is how long a test waits for a message before failing: generous, because
// tests share a busy machine, and a hang should still end in a readable failure.
const Wait = 30 * time.Second

// Client is a connected test client. Its methods fail the test on errors.
type Client struct {
	t       testing.TB
	codec   *zmq.Codec
	session string
	seq     atomic.Int64
	cancel  context.CancelFunc

	shell, control, stdin, iopub, hb zmq4.Socket
	replies                          map[string]chan *protocol.Message
	broadcasts                       chan *protocol.Message
}

// Dial connects to the kernel of info: DEALER sockets on shell, control and stdin,
// a SUB socket subscribed to everything on iopub, a REQ socket on heartbeat. The
// client closes when the test ends.
func Dial(t testing.TB, info zmq.ConnectionInfo) *Client {
	t.Helper()
	codec, err := zmq.NewCodec(info.SignatureScheme, info.Key)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	session := kernel.NewID()
	id := zmq4.WithID(zmq4.SocketIdentity(session))
	c := &Client{
		t: t, codec: codec, session: session, cancel: cancel,
		shell:      zmq4.NewDealer(ctx, id),
		control:    zmq4.NewDealer(ctx, id),
		stdin:      zmq4.NewDealer(ctx, id),
		iopub:      zmq4.NewSub(ctx),
		hb:         zmq4.NewReq(ctx),
		replies:    map[string]chan *protocol.Message{},
		broadcasts: make(chan *protocol.Message, 1024),
	}
	t.Cleanup(c.Close)
	for _, s := range []struct {
		sock zmq4.Socket
		port int
	}{{c.shell, info.ShellPort}, {c.control, info.ControlPort}, {c.stdin, info.StdinPort}, {c.iopub, info.IOPubPort}, {c.hb, info.HBPort}} {
		if err := s.sock.Dial(info.Endpoint(s.port)); err != nil {
			t.Fatalf("dial %s: %v", info.Endpoint(s.port), err)
		}
	}
	if err := c.iopub.SetOption(zmq4.OptionSubscribe, ""); err != nil {
		t.Fatal(err)
	}
	for name, sock := range map[string]zmq4.Socket{protocol.Shell: c.shell, protocol.Control: c.control, protocol.Stdin: c.stdin} {
		ch := make(chan *protocol.Message, 64)
		c.replies[name] = ch
		go c.read(ctx, name, sock, ch)
	}
	go c.read(ctx, protocol.IOPub, c.iopub, c.broadcasts)
	return c
}

func (c *Client) read(ctx context.Context, channel string, sock zmq4.Socket, out chan<- *protocol.Message) {
	for {
		raw, err := sock.Recv()
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			continue
		}
		_, m, err := c.codec.Decode(channel, raw.Frames)
		if err != nil {
			c.t.Errorf("the kernel sent a bad %s message: %v", channel, err)
			continue
		}
		out <- m
	}
}

// Close disconnects.
func (c *Client) Close() {
	c.cancel()
	for _, s := range []zmq4.Socket{c.shell, c.control, c.stdin, c.iopub, c.hb} {
		s.Close()
	}
}

// Message returns a signed-ready request of type typ with content.
func (c *Client) Message(channel, typ string, content any) *protocol.Message {
	m := &protocol.Message{Channel: channel, Header: protocol.Header{
		MsgID:    c.session[:8] + "_" + strconv.FormatInt(c.seq.Add(1), 10),
		Session:  c.session,
		Username: "test",
		Date:     protocol.Now(),
		MsgType:  typ,
		Version:  protocol.Version,
	}}
	b, err := json.Marshal(content)
	if err != nil {
		c.t.Fatal(err)
	}
	m.Content = b
	return m
}

// Send sends a request on channel (shell, control or stdin) and returns its id.
func (c *Client) Send(channel, typ string, content any) string {
	c.t.Helper()
	m := c.Message(channel, typ, content)
	frames, err := c.codec.Encode(nil, m)
	if err != nil {
		c.t.Fatal(err)
	}
	c.SendFrames(channel, frames)
	return m.Header.MsgID
}

// SendFrames sends frames as they are, for tests of what the kernel refuses.
func (c *Client) SendFrames(channel string, frames [][]byte) {
	c.t.Helper()
	sock := map[string]zmq4.Socket{protocol.Shell: c.shell, protocol.Control: c.control, protocol.Stdin: c.stdin}[channel]
	if err := sock.Send(zmq4.NewMsgFrom(frames...)); err != nil {
		c.t.Fatalf("send on %s: %v", channel, err)
	}
}

// Reply waits for the next reply on channel.
func (c *Client) Reply(channel string) *protocol.Message {
	c.t.Helper()
	select {
	case m := <-c.replies[channel]:
		return m
	case <-time.After(Wait):
		c.t.Fatalf("no reply on %s within %s", channel, Wait)
		return nil
	}
}

// NoReply checks that nothing arrives on channel within d.
func (c *Client) NoReply(channel string, d time.Duration) {
	c.t.Helper()
	select {
	case m := <-c.replies[channel]:
		c.t.Fatalf("unexpected %s on %s: %s", m.Header.MsgType, channel, m.Content)
	case <-time.After(d):
	}
}

// Request sends a request and waits for its reply.
func (c *Client) Request(channel, typ string, content any) *protocol.Message {
	c.t.Helper()
	id := c.Send(channel, typ, content)
	for {
		r := c.Reply(channel)
		if p, _ := r.Parent(); p.MsgID == id {
			return r
		}
	}
}

// Broadcast waits for the next iopub message.
func (c *Client) Broadcast() *protocol.Message {
	c.t.Helper()
	select {
	case m := <-c.broadcasts:
		return m
	case <-time.After(Wait):
		c.t.Fatalf("no iopub message within %s", Wait)
		return nil
	}
}

// Ready waits until the kernel answers kernel_info and iopub carries messages to
// this client, the way jupyter_client waits: a SUB socket hears nothing sent before
// its subscription arrived, so it asks until a status comes through. It returns the
// kernel_info reply.
func (c *Client) Ready() *protocol.Message {
	c.t.Helper()
	deadline := time.Now().Add(Wait)
	for time.Now().Before(deadline) {
		info := c.Request(protocol.Shell, protocol.KernelInfoRequest, struct{}{})
		select {
		case <-c.broadcasts:
			c.drain()
			return info
		case <-time.After(200 * time.Millisecond):
		}
	}
	c.t.Fatalf("iopub carried nothing within %s", Wait)
	return nil
}

// drain drops the iopub messages already received.
func (c *Client) drain() {
	for {
		select {
		case <-c.broadcasts:
		case <-time.After(100 * time.Millisecond):
			return
		}
	}
}

// Executed is what an execute request brought: the reply and the iopub messages
// it parented, status busy to status idle.
type Executed struct {
	Reply  *protocol.Message
	IOPub  []*protocol.Message
	Output *protocol.Message // the execute_result or display_data, if any
	Error  *protocol.Message // the error broadcast, if any
}

// Execute runs code and collects what it brought.
func (c *Client) Execute(code string) Executed {
	c.t.Helper()
	id := c.Send(protocol.Shell, protocol.ExecuteRequest, protocol.Execute{Code: code})
	return c.Collect(id)
}

// Collect waits for the reply to request id on shell and its iopub messages up to
// status idle.
func (c *Client) Collect(id string) Executed {
	c.t.Helper()
	var e Executed
	for e.Reply == nil {
		r := c.Reply(protocol.Shell)
		if p, _ := r.Parent(); p.MsgID == id {
			e.Reply = r
		}
	}
	for {
		m := c.Broadcast()
		if p, _ := m.Parent(); p.MsgID != id {
			continue
		}
		e.IOPub = append(e.IOPub, m)
		switch m.Header.MsgType {
		case protocol.ExecuteResult, protocol.DisplayData:
			e.Output = m
		case protocol.Error:
			e.Error = m
		case protocol.Status:
			if string(m.Content) == `{"execution_state":"idle"}` {
				return e
			}
		}
	}
}

// Ping sends a heartbeat and returns the echo.
func (c *Client) Ping(payload string) (string, error) {
	if err := c.hb.Send(zmq4.NewMsgString(payload)); err != nil {
		return "", err
	}
	done := make(chan struct{})
	var m zmq4.Msg
	var err error
	go func() { m, err = c.hb.Recv(); close(done) }()
	select {
	case <-done:
	case <-time.After(Wait):
		return "", fmt.Errorf("no heartbeat echo within %s", Wait)
	}
	if err != nil {
		return "", err
	}
	return string(m.Bytes()), nil
}

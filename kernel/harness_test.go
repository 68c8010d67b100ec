package kernel

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/trailbook/trailbook/kernel/dql/exec"
	"github.com/trailbook/trailbook/kernel/dql/value"
	"github.com/trailbook/trailbook/kernel/protocol"
)

// testNow is the fixed now() of test sessions.
var testNow = time.Date(2024, 3, 1, 16, 30, 0, 0, time.UTC)

// client is a test client of one session: it sends requests and collects replies
// and broadcasts.
type client struct {
	t     testing.TB
	s     *Session
	mu    sync.Mutex
	iopub []*protocol.Message
	reply map[string]*protocol.Message // by parent msg_id
	idle  map[string]chan struct{}     // closed at status idle for a parent msg_id
	unsub func()
	seq   int
}

func newClient(t testing.TB, s *Session) *client {
	c := &client{t: t, s: s, reply: map[string]*protocol.Message{}, idle: map[string]chan struct{}{}}
	c.unsub = s.Subscribe(c.onIOPub)
	t.Cleanup(c.unsub)
	return c
}

func newTestSession(t testing.TB, opt Options) *Session {
	if opt.Now == nil {
		opt.Now = func() time.Time { return testNow }
	}
	s := New("", opt)
	t.Cleanup(s.Shutdown)
	return s
}

func (c *client) onIOPub(m *protocol.Message) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.iopub = append(c.iopub, m)
	if m.Header.MsgType != protocol.Status {
		return
	}
	var st protocol.StatusContent
	json.Unmarshal(m.Content, &st)
	if p, ok := m.Parent(); ok && st.ExecutionState == protocol.StateIdle {
		c.idleChan(p.MsgID)
		close(c.idle[p.MsgID])
		c.idle[p.MsgID] = nil
	}
}

// idleChan returns the channel closed when the request's idle arrives; the caller
// holds c.mu.
func (c *client) idleChan(id string) chan struct{} {
	ch, ok := c.idle[id]
	if !ok {
		ch = make(chan struct{})
		c.idle[id] = ch
	}
	if ch == nil { // already closed
		ch = make(chan struct{})
		close(ch)
	}
	return ch
}

// send sends a request and returns its msg_id.
func (c *client) send(channel, typ string, content any, metadata any) string {
	c.mu.Lock()
	c.seq++
	id := fmt.Sprintf("req-%d", c.seq)
	c.idleChan(id)
	c.mu.Unlock()
	m := &protocol.Message{
		Channel: channel,
		Header:  protocol.Header{MsgID: id, Session: "client", Username: "test", MsgType: typ, Version: protocol.Version, Date: protocol.Now()},
	}
	m.Content, _ = json.Marshal(content)
	if metadata != nil {
		m.Metadata, _ = json.Marshal(metadata)
	}
	c.s.Handle(m, func(r *protocol.Message) {
		c.mu.Lock()
		defer c.mu.Unlock()
		p, _ := r.Parent()
		c.reply[p.MsgID] = r
	})
	return id
}

// wait waits for the request's idle status and returns its reply and broadcasts.
func (c *client) wait(id string, timeout time.Duration) (*protocol.Message, []*protocol.Message) {
	c.t.Helper()
	c.mu.Lock()
	ch := c.idleChan(id)
	c.mu.Unlock()
	select {
	case <-ch:
	case <-time.After(timeout):
		c.t.Fatalf("no idle status for %s within %v", id, timeout)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []*protocol.Message
	for _, m := range c.iopub {
		if p, ok := m.Parent(); ok && p.MsgID == id {
			out = append(out, m)
		}
	}
	return c.reply[id], out
}

// execute runs a cell and returns its reply content and broadcasts.
func (c *client) execute(code string, meta any) (protocol.ExecuteReplyContent, []*protocol.Message) {
	c.t.Helper()
	id := c.send(protocol.Shell, protocol.ExecuteRequest, protocol.Execute{Code: code}, meta)
	r, pub := c.wait(id, 30*time.Second)
	if r == nil {
		c.t.Fatalf("no execute_reply for %q", code)
	}
	var rc protocol.ExecuteReplyContent
	if err := json.Unmarshal(r.Content, &rc); err != nil {
		c.t.Fatal(err)
	}
	return rc, pub
}

// request sends a non-execute request and decodes its reply into out.
func (c *client) request(typ string, content, out any) {
	c.t.Helper()
	id := c.send(protocol.Shell, typ, content, nil)
	r, _ := c.wait(id, 10*time.Second)
	if r == nil {
		c.t.Fatalf("no reply to %s", typ)
	}
	if err := json.Unmarshal(r.Content, out); err != nil {
		c.t.Fatal(err)
	}
}

// types lists the msg_types of messages.
func types(ms []*protocol.Message) []string {
	var out []string
	for _, m := range ms {
		t := m.Header.MsgType
		if t == protocol.Status {
			var st protocol.StatusContent
			json.Unmarshal(m.Content, &st)
			t += ":" + st.ExecutionState
		}
		out = append(out, t)
	}
	return out
}

// foreverSource streams records until the scan's context is cancelled: a scan
// that never ends on its own.
type foreverSource struct{ started chan struct{} }

func (f *foreverSource) Scan(ctx context.Context, req exec.ScanRequest) (exec.Iterator, error) {
	if f.started != nil {
		select {
		case f.started <- struct{}{}:
		default:
		}
	}
	return &foreverIter{ts: req.From}, nil
}

type foreverIter struct {
	ts    int64
	batch []*value.Record
}

func (it *foreverIter) Next(ctx context.Context) ([]*value.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	it.batch = it.batch[:0]
	for range 256 {
		r := value.NewRecord(2)
		r.Append("timestamp", value.Timestamp(it.ts))
		r.Append("n", value.Long(1))
		it.batch = append(it.batch, r)
	}
	return it.batch, nil
}

func (it *foreverIter) Close() error { return nil }

// sliceSource serves a fixed set of records, ignoring time and filters.
type sliceSource struct{ recs []*value.Record }

func (s *sliceSource) Scan(ctx context.Context, req exec.ScanRequest) (exec.Iterator, error) {
	return &sliceIter{recs: s.recs}, nil
}

type sliceIter struct{ recs []*value.Record }

func (it *sliceIter) Next(ctx context.Context) ([]*value.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(it.recs) == 0 {
		return nil, nil
	}
	n := min(len(it.recs), exec.BatchSize)
	out := make([]*value.Record, n)
	for i, r := range it.recs[:n] {
		out[i] = r.Clone()
	}
	it.recs = it.recs[n:]
	return out, nil
}

func (it *sliceIter) Close() error { return nil }

// events makes n CloudTrail-like records.
func events(n int) []*value.Record {
	out := make([]*value.Record, n)
	regions := []string{"us-east-1", "eu-west-1", "ap-south-1"}
	for i := range out {
		r := value.NewRecord(4)
		r.Append("timestamp", value.Timestamp(testNow.Add(-time.Duration(i)*time.Second).UnixNano()))
		r.Append("content", value.String(fmt.Sprintf(`{"eventName":"GetObject","userIdentity":{"arn":"arn:aws:iam::1:user/u%d","type":"IAMUser"}}`, i%7)))
		r.Append("aws.region", value.String(regions[i%len(regions)]))
		r.Append("loglevel", value.String("INFO"))
		out[i] = r
	}
	return out
}

package kernel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/trailbook/trailbook/kernel/protocol"
)

// job is one queued execute request.
type job struct {
	msg    *protocol.Message
	req    protocol.Execute
	meta   requestMeta
	err    error // a malformed request, reported when its turn comes
	reply  func(*protocol.Message)
	cancel context.CancelCauseFunc
	done   chan struct{} // closed when the cell has finished
}

// requestMeta is what trailbook reads from an execute request's metadata:
// {"trailbook": {"name": "failures", "timeframe": {"from": "-2h", "to": "now"}}}.
// The notebook UI copies the cell's trailbook metadata there.
type requestMeta struct {
	Trailbook struct {
		Name      string     `json:"name"`
		Timeframe *Timeframe `json:"timeframe"`
	} `json:"trailbook"`
}

func (s *Session) enqueue(req *protocol.Message, reply func(*protocol.Message)) {
	j := &job{msg: req, reply: reply, done: make(chan struct{})}
	j.err = req.DecodeContent(&j.req)
	if j.err == nil && len(req.Metadata) > 0 && string(req.Metadata) != "null" {
		if err := json.Unmarshal(req.Metadata, &j.meta); err != nil {
			j.err = fmt.Errorf("bad execute_request metadata: %w", err)
		}
	}
	s.mu.Lock()
	s.queue = append(s.queue, j)
	s.mu.Unlock()
	s.signal()
}

func (s *Session) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// loop runs queued cells one after another until Shutdown.
func (s *Session) loop() {
	defer close(s.stopped)
	for {
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			return
		}
		if len(s.queue) == 0 {
			s.mu.Unlock()
			<-s.wake
			continue
		}
		j := s.queue[0]
		s.queue = s.queue[1:]
		// Each cell has its own context: Interrupt, Restart and Shutdown cancel it.
		ctx, cancel := context.WithCancelCause(context.Background())
		j.cancel = cancel
		s.running = j
		gen := s.restarts
		s.mu.Unlock()

		s.execute(ctx, j, gen)
		cancel(nil)

		s.mu.Lock()
		s.running = nil
		s.mu.Unlock()
		close(j.done)
	}
}

// execute runs one cell in Jupyter's order: status busy, execute_input, outputs,
// error, execute_reply, status idle.
func (s *Session) execute(ctx context.Context, j *job, gen int) {
	s.publish(protocol.Status, j.msg, protocol.StatusContent{ExecutionState: protocol.StateBusy}, nil)
	defer s.publish(protocol.Status, j.msg, protocol.StatusContent{ExecutionState: protocol.StateIdle}, nil)

	s.mu.Lock()
	if j.err == nil && j.req.Stores() {
		s.count++
	}
	n := s.count
	tf := s.timeframe
	if j.meta.Trailbook.Timeframe != nil {
		tf = *j.meta.Trailbook.Timeframe
		s.timeframe = tf
	}
	s.mu.Unlock()
	if !j.req.Silent {
		s.publish(protocol.ExecuteInput, j.msg, protocol.ExecuteInputContent{Code: j.req.Code, ExecutionCount: n}, nil)
	}

	c := &cell{s: s, msg: j.msg, code: j.req.Code, count: n, name: j.meta.Trailbook.Name, timeframe: tf, gen: gen, silent: j.req.Silent}
	if c.name == "" {
		c.name = fmt.Sprintf("cell%d", n)
	}
	var cerr *cellError
	if j.err != nil {
		cerr = &cellError{ename: "ProtocolError", evalue: j.err.Error()}
	} else {
		cerr = s.run(ctx, c)
	}
	if j.req.Stores() && j.err == nil {
		s.remember(n, j.req.Code, c.plain)
	}

	reply := protocol.ExecuteReplyContent{
		Status:          protocol.StatusOK,
		ExecutionCount:  n,
		UserExpressions: map[string]any{},
		Payload:         []json.RawMessage{},
	}
	var meta any
	if cerr != nil {
		reply.Status = protocol.StatusError
		reply.ErrorContent = cerr.content()
		if len(cerr.positions) > 0 {
			meta = map[string]any{"trailbook": map[string]any{"errors": cerr.positions}}
		}
		if !j.req.Silent { // silent requests broadcast nothing, errors included
			s.publish(protocol.Error, j.msg, cerr.content(), meta)
		}
	}
	j.reply(s.message(j.msg.Channel, protocol.ExecuteReply, j.msg, reply, meta))

	if cerr != nil && j.req.StopsOnError() {
		s.mu.Lock()
		queued := s.queue
		s.queue = nil
		s.mu.Unlock()
		for _, q := range queued {
			s.abort(q)
		}
	}
}

// abort answers a queued execute request that will not run, as Jupyter kernels do
// after an error: status busy, execute_reply "aborted", status idle.
func (s *Session) abort(j *job) {
	s.publish(protocol.Status, j.msg, protocol.StatusContent{ExecutionState: protocol.StateBusy}, nil)
	s.mu.Lock()
	n := s.count
	s.mu.Unlock()
	j.reply(s.message(j.msg.Channel, protocol.ExecuteReply, j.msg, protocol.ExecuteReplyContent{
		Status: protocol.StatusAborted, ExecutionCount: n,
		UserExpressions: map[string]any{}, Payload: []json.RawMessage{},
	}, nil))
	s.publish(protocol.Status, j.msg, protocol.StatusContent{ExecutionState: protocol.StateIdle}, nil)
}

// cell is one running cell.
type cell struct {
	s         *Session
	msg       *protocol.Message
	code      string
	count     int
	name      string
	timeframe Timeframe
	gen       int  // the session's restart generation when the cell started
	silent    bool // no outputs (silent execute requests)
	plain     string
}

// display sends an output: execute_result when result is true (the cell's value),
// display_data otherwise.
func (c *cell) display(b protocol.MimeBundle, result bool) {
	if c.silent || b == nil {
		return
	}
	if t, ok := b.Text(protocol.MIMEText); ok && result {
		c.plain = t
	}
	content := protocol.DisplayDataContent{Data: b, Metadata: map[string]any{}}
	typ := protocol.DisplayData
	if result {
		n := c.count
		content.ExecutionCount = &n
		typ = protocol.ExecuteResult
	}
	c.s.publish(typ, c.msg, content, nil)
}

// stream sends text to the cell's stdout or stderr.
func (c *cell) stream(name, text string) {
	if c.silent || text == "" {
		return
	}
	c.s.publish(protocol.Stream, c.msg, protocol.StreamContent{Name: name, Text: text}, nil)
}

// cellError is a failed cell, as the error message and execute_reply carry it.
type cellError struct {
	ename, evalue string
	traceback     []string
	positions     []protocol.ErrorPos
}

func (e *cellError) content() protocol.ErrorContent {
	tb := e.traceback
	if len(tb) == 0 {
		tb = []string{e.evalue}
	}
	return protocol.ErrorContent{Ename: e.ename, Evalue: e.evalue, Traceback: tb}
}

// Cell magics: the first line of a cell selects its language.
const (
	magicJS = "%%js"
	magicMD = "%%md"
)

// run runs a cell by its kind and turns a panic into an internal error: a bug in a
// cell must not take the kernel down.
func (s *Session) run(ctx context.Context, c *cell) (cerr *cellError) {
	defer func() {
		if r := recover(); r != nil {
			s.opt.Logger.Error("kernel: cell panicked", "kernel", s.id, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			cerr = &cellError{ename: protocol.ErrDQLRuntime, evalue: fmt.Sprintf("internal error: %v", r)}
		}
	}()
	magic, body := splitMagic(c.code)
	switch magic {
	case magicMD:
		return c.markdown(body)
	case magicJS:
		return c.script(ctx, body)
	case "":
		return c.dql(ctx, c.code)
	}
	return &cellError{ename: protocol.ErrDQLSyntax, evalue: fmt.Sprintf("unknown cell magic %q: use %%%%js or %%%%md, or write DQL", magic)}
}

// splitMagic returns a cell's magic line ("%%js") and the rest; "" for a DQL cell.
func splitMagic(code string) (magic, body string) {
	trimmed := strings.TrimLeft(code, " \t\r\n")
	if !strings.HasPrefix(trimmed, "%%") {
		return "", code
	}
	line, rest, _ := strings.Cut(trimmed, "\n")
	return strings.TrimSpace(line), rest
}

// markdown shows a %%md cell's text.
func (c *cell) markdown(body string) *cellError {
	b := protocol.MimeBundle{}
	b.SetText(protocol.MIMEMarkdown, body)
	b.SetText(protocol.MIMEText, body)
	c.display(b, false)
	return nil
}

// interrupted turns a cancelled cell into its error, or returns nil if ctx was not
// cancelled.
func interrupted(ctx context.Context) *cellError {
	cause := context.Cause(ctx)
	if cause == nil {
		return nil
	}
	msg := cause.Error()
	if !errors.Is(cause, errInterrupted) && !errors.Is(cause, errRestarted) && !errors.Is(cause, errShutdown) {
		msg = "the cell was cancelled: " + msg
	}
	return &cellError{ename: protocol.ErrInterrupted, evalue: msg}
}

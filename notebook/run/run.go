// Package run executes notebooks headless: every code cell in order, through a
// kernel.Session (the code path `trailbook serve` uses, Session.Handle and
// Subscribe), turning what the kernel broadcasts into nbformat 4.5 outputs. It backs
// `trailbook run` and `trailbook template run`.
//
// It behaves as nbclient and papermill do: outputs of a previous run are cleared,
// markdown and raw cells are kept as they are, execution stops at the first failed
// cell (later code cells are left unexecuted) unless Options.KeepGoing, and a
// cancelled context interrupts the running cell and still returns what ran.
//
// It imports the kernel and the notebook model, never a server, a renderer or the
// CLI: renderers come in through kernel.Options.
package run

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/trailbook/trailbook/kernel"
	"github.com/trailbook/trailbook/kernel/protocol"
	"github.com/trailbook/trailbook/notebook"
)

// Options configure Notebook. The zero Options run with kernel defaults, no time
// limit per cell, stopping at the first failed cell.
type Options struct {
	// Kernel configures the session the notebook runs in: its log source, renderer
	// (whose MIME types the outputs keep as sent), scripts, clock and time zone.
	Kernel kernel.Options
	// CellTimeout interrupts a cell that runs longer; zero means no limit.
	CellTimeout time.Duration
	// KeepGoing runs the cells after a failed one too, as papermill's
	// --no-stop-on-error does (nbconvert's --allow-errors).
	KeepGoing bool
	// Progress, when set, is called as each code cell starts and ends, from the
	// goroutine that called Notebook.
	Progress func(Progress)
}

// Progress reports one code cell starting (Done false) or ended (Done true).
type Progress struct {
	Index int            // the cell's index in the notebook
	Cells int            // how many cells the notebook has
	Cell  *notebook.Cell // the cell as executed (outputs filled when Done)
	Done  bool
	// Elapsed, Result and Err describe an ended cell: its run time, its table
	// result (nil when it made none) and its error (nil when it succeeded).
	Elapsed time.Duration
	Result  *kernel.Result
	Err     *protocol.ErrorContent
}

// Cell is one executed code cell.
type Cell struct {
	Index int    // the cell's index in Executed.Notebook.Cells
	Name  string // the name its result is kept under (trailbook.name, or "cellN")
	// Result is the table the cell made (a DQL result, or a script's array of
	// records), nil when it made none. Its Records are every record kept (see
	// kernel.Result), not only those the outputs show: print or export from here.
	Result *kernel.Result
	// Err is the cell's error, nil when it succeeded.
	Err     *protocol.ErrorContent
	Elapsed time.Duration
}

// Executed is the outcome of a run.
type Executed struct {
	// Notebook is the executed copy: code cells carry their outputs and execution
	// counts, and cells left unexecuted have none. The input notebook is unchanged.
	Notebook *notebook.Notebook
	// Cells are the code cells that ran, in order (empty cells are skipped, as
	// nbclient does).
	Cells []Cell
	// Failed counts the cells that ended with an error.
	Failed int
}

// Err returns the first failed cell's error, nil when none failed.
func (e *Executed) Err() *protocol.ErrorContent {
	for _, c := range e.Cells {
		if c.Err != nil {
			return c.Err
		}
	}
	return nil
}

// interruptGrace bounds the wait for a cell to stop after an interrupt. The kernel
// stops a cell within about a second; a cell that takes longer is abandoned (the
// session is shut down in the background) so that a run always ends.
const interruptGrace = 15 * time.Second

// Notebook runs nb's code cells in order in a new kernel session and returns the
// executed copy. The notebook's metadata trailbook.timeframe is the default
// timeframe of fetch; each cell's trailbook.name names its result, as in the UI.
//
// Notebook returns an error without running anything when the notebook's timeframe
// is invalid. When ctx is cancelled, the running cell is interrupted (its output is
// the Interrupted error), the cells after it are left unexecuted, and Notebook
// returns what ran together with ctx's error. A failed cell is not an error of
// Notebook: see Executed.Failed.
func Notebook(ctx context.Context, nb *notebook.Notebook, opt Options) (*Executed, error) {
	out := copyNotebook(nb)
	ex := &Executed{Notebook: out}

	sess := kernel.New("", opt.Kernel)
	abandoned := false
	defer func() {
		if abandoned {
			go sess.Shutdown() // a stuck cell: do not wait for it
		} else {
			sess.Shutdown()
		}
	}()
	if tf := nb.Trailbook().Timeframe; tf != nil {
		if err := sess.SetTimeframe(kernel.Timeframe{From: tf.From, To: tf.To}); err != nil {
			return nil, fmt.Errorf("notebook metadata trailbook.timeframe: %w", err)
		}
	}
	col := newCollector()
	defer sess.Subscribe(col.iopub)()

	stopped := false
	for i, c := range out.Cells {
		if c.CellType != notebook.Code {
			continue
		}
		c.Outputs, c.ExecutionCount = nil, nil
		if stopped || strings.TrimSpace(string(c.Source)) == "" {
			continue
		}
		if err := ctx.Err(); err != nil {
			stopped = true
			continue
		}
		if opt.Progress != nil {
			opt.Progress(Progress{Index: i, Cells: len(out.Cells), Cell: c})
		}
		ran, stuck := runCell(ctx, sess, col, c, opt.CellTimeout)
		ran.Index = i
		ex.Cells = append(ex.Cells, ran)
		if ran.Err != nil {
			ex.Failed++
		}
		if opt.Progress != nil {
			opt.Progress(Progress{Index: i, Cells: len(out.Cells), Cell: c, Done: true, Elapsed: ran.Elapsed, Result: ran.Result, Err: ran.Err})
		}
		if stuck {
			abandoned = true
			stopped = true
			continue
		}
		if ctx.Err() != nil || ran.Err != nil && !opt.KeepGoing {
			stopped = true
		}
	}
	return ex, ctx.Err()
}

// runCell executes one code cell and fills its outputs and execution count. stuck
// reports a cell that did not stop after an interrupt.
func runCell(ctx context.Context, sess *kernel.Session, col *collector, c *notebook.Cell, timeout time.Duration) (ran Cell, stuck bool) {
	before, _ := sess.PreviousResult()
	req := executeRequest(c)
	pending := col.expect(req.Header.MsgID)
	started := time.Now()
	c.Metadata = withExecution(c.Metadata, "iopub.execute_input", started)
	sess.Handle(req, pending.onReply)

	var deadline <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		deadline = t.C
	}
	timedOut := false
	select {
	case <-pending.done:
	case <-ctx.Done():
		sess.Interrupt()
	case <-deadline:
		timedOut = true
		sess.Interrupt()
	}
	select {
	case <-pending.done:
	case <-time.After(interruptGrace):
		stuck = true
		pending.abandon(fmt.Sprintf("the cell did not stop within %s of being interrupted", interruptGrace))
	}
	col.forget(req.Header.MsgID)
	ended := time.Now()
	c.Metadata = withExecution(c.Metadata, "shell.execute_reply", ended)

	ran = Cell{Name: c.Name(), Elapsed: ended.Sub(started)}
	c.Outputs, c.ExecutionCount, ran.Err = pending.results()
	if ran.Err != nil && timedOut && ran.Err.Ename == protocol.ErrInterrupted {
		// Say why the cell was interrupted: the user did not press anything.
		msg := fmt.Sprintf("the cell did not finish within the time limit of %s", timeout)
		ran.Err = &protocol.ErrorContent{Ename: protocol.ErrInterrupted, Evalue: msg, Traceback: []string{msg}}
		if n := len(c.Outputs); n > 0 {
			c.Outputs[n-1] = errorOutput(*ran.Err)
		}
	}
	if ran.Name == "" && c.ExecutionCount != nil {
		ran.Name = fmt.Sprintf("cell%d", *c.ExecutionCount)
	}
	if r, ok := sess.PreviousResult(); ok && ran.Err == nil && (before == nil || r.ID != before.ID) {
		ran.Result = r
	}
	return ran, stuck
}

// executeRequest builds the execute_request of a cell as the notebook UI sends it:
// the cell's trailbook metadata (its name) as the request's metadata.
func executeRequest(c *notebook.Cell) *protocol.Message {
	content, _ := json.Marshal(protocol.Execute{Code: string(c.Source)}) // plain fields: cannot fail
	m := &protocol.Message{
		Channel: protocol.Shell,
		Header: protocol.Header{
			MsgID: kernel.NewID(), Session: "trailbook-run", Username: "trailbook",
			Date: protocol.Now(), MsgType: protocol.ExecuteRequest, Version: protocol.Version,
		},
		Content: content,
	}
	if name := c.Name(); name != "" {
		m.Metadata, _ = json.Marshal(map[string]any{"trailbook": map[string]string{"name": name}})
	}
	return m
}

// withExecution sets metadata.execution[key] to t, the timing nbclient records
// (JupyterLab and the trailbook UI show the run time from it).
func withExecution(meta json.RawMessage, key string, t time.Time) json.RawMessage {
	m := map[string]json.RawMessage{}
	if len(meta) > 0 {
		if err := json.Unmarshal(meta, &m); err != nil {
			m = map[string]json.RawMessage{}
		}
	}
	exec := map[string]string{}
	if raw, ok := m["execution"]; ok {
		json.Unmarshal(raw, &exec) // foreign content: start afresh
	}
	exec[key] = t.UTC().Format("2006-01-02T15:04:05.000000Z")
	m["execution"], _ = json.Marshal(exec)
	b, err := json.Marshal(m)
	if err != nil {
		return meta
	}
	return b
}

// copyNotebook copies nb deeply enough that running it changes nothing of nb:
// the cells and their output lists (raw JSON values are never modified in place).
func copyNotebook(nb *notebook.Notebook) *notebook.Notebook {
	out := *nb
	out.Cells = make([]*notebook.Cell, len(nb.Cells))
	for i, c := range nb.Cells {
		cc := *c
		cc.Outputs = append([]json.RawMessage(nil), c.Outputs...)
		out.Cells[i] = &cc
	}
	if out.NBFormat == 0 {
		out.NBFormat = 4
	}
	out.NBFormatMinor = max(out.NBFormatMinor, 5)
	return &out
}

// collector routes the session's broadcasts to the request they answer.
type collector struct {
	mu      sync.Mutex
	pending map[string]*pending
}

func newCollector() *collector { return &collector{pending: map[string]*pending{}} }

func (col *collector) expect(id string) *pending {
	p := &pending{done: make(chan struct{})}
	col.mu.Lock()
	col.pending[id] = p
	col.mu.Unlock()
	return p
}

func (col *collector) forget(id string) {
	col.mu.Lock()
	delete(col.pending, id)
	col.mu.Unlock()
}

// iopub is the session subscriber: it must not block, and does not.
func (col *collector) iopub(m *protocol.Message) {
	parent, ok := m.Parent()
	if !ok {
		return
	}
	col.mu.Lock()
	p := col.pending[parent.MsgID]
	col.mu.Unlock()
	if p != nil {
		p.add(m)
	}
}

// pending is one execute request in flight: its outputs so far, and whether its
// reply and its idle status have arrived (a request is done with both, as
// Jupyter clients wait).
type pending struct {
	mu      sync.Mutex
	outputs []json.RawMessage
	// streams[i] is the stream that outputs[i] will be encoded from, nil for
	// other outputs: consecutive writes append to the last one and outputs are
	// encoded once, at the end (a script printing many lines stays linear).
	streams []*streamOutput
	count   *int
	err     *protocol.ErrorContent
	reply   bool
	idle    bool
	closed  bool
	done    chan struct{}
}

func (p *pending) onReply(m *protocol.Message) {
	var rc protocol.ExecuteReplyContent
	if err := m.DecodeContent(&rc); err != nil {
		rc.Status = protocol.StatusError
		rc.ErrorContent = protocol.ErrorContent{Ename: "ProtocolError", Evalue: err.Error()}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	p.reply = true
	if rc.ExecutionCount > 0 && rc.Status != protocol.StatusAborted {
		n := rc.ExecutionCount
		p.count = &n
	}
	if rc.Status == protocol.StatusError && p.err == nil {
		// The error broadcast normally came first; a failed reply without one
		// (a silent error) still fails the cell.
		e := rc.ErrorContent
		p.err = &e
		p.append(errorOutput(e))
	}
	p.finish()
}

// add takes one broadcast of the request.
func (p *pending) add(m *protocol.Message) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	switch m.Header.MsgType {
	case protocol.Status:
		var st protocol.StatusContent
		if m.DecodeContent(&st) == nil && st.ExecutionState == protocol.StateIdle {
			p.idle = true
			p.finish()
		}
	case protocol.ExecuteInput:
		var in protocol.ExecuteInputContent
		if m.DecodeContent(&in) == nil && in.ExecutionCount > 0 {
			n := in.ExecutionCount
			p.count = &n
		}
	case protocol.Stream:
		var st protocol.StreamContent
		if m.DecodeContent(&st) != nil || st.Text == "" {
			return
		}
		if n := len(p.streams); n > 0 && p.streams[n-1] != nil && p.streams[n-1].Name == st.Name {
			// Consecutive writes to one stream are one output, as Jupyter shows them.
			p.streams[n-1].text.WriteString(st.Text)
			return
		}
		s := &streamOutput{Name: st.Name}
		s.text.WriteString(st.Text)
		p.outputs = append(p.outputs, nil)
		p.streams = append(p.streams, s)
	case protocol.DisplayData, protocol.ExecuteResult:
		var d protocol.DisplayDataContent
		if m.DecodeContent(&d) != nil || len(d.Data) == 0 {
			return
		}
		p.append(displayOutput(m.Header.MsgType, d))
	case protocol.Error:
		var e protocol.ErrorContent
		if m.DecodeContent(&e) != nil {
			return
		}
		p.err = &e
		p.append(errorOutput(e))
	case "clear_output":
		p.outputs, p.streams = nil, nil
	}
}

func (p *pending) append(o json.RawMessage) {
	p.outputs = append(p.outputs, o)
	p.streams = append(p.streams, nil)
}

// finish closes done once both the reply and the idle status are in.
func (p *pending) finish() {
	if p.reply && p.idle && !p.closed {
		p.closed = true
		close(p.done)
	}
}

// abandon ends a request that will not finish, with an error.
func (p *pending) abandon(msg string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	e := protocol.ErrorContent{Ename: protocol.ErrInterrupted, Evalue: msg, Traceback: []string{msg}}
	if p.err == nil {
		p.err = &e
		p.append(errorOutput(e))
	}
	p.closed = true
	close(p.done)
}

// results returns what the request produced.
func (p *pending) results() ([]json.RawMessage, *int, *protocol.ErrorContent) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, s := range p.streams {
		if s != nil {
			p.outputs[i] = s.encode()
		}
	}
	return p.outputs, p.count, p.err
}

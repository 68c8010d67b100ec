package kernel

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/trailbook/trailbook/kernel/dql/exec"
	"github.com/trailbook/trailbook/kernel/protocol"
)

// Options configure the sessions of a Manager (or one session made with New).
// The zero Options run DQL cells without a log source (fetch fails, data works) and
// render results as plain text.
type Options struct {
	// Source is where `fetch logs` reads. It is shared by every session and must be
	// safe for concurrent use (exec.Source says so).
	Source exec.Source
	// Renderer turns results into display data; nil renders plain text only.
	Renderer Renderer
	// Scripts makes the ScriptRunner of a new session (one per kernel, so that script
	// state persists between cells); nil means `%%js` cells fail with a ScriptError.
	Scripts func() ScriptRunner
	// Now returns the current time; nil means time.Now. Tests fix it.
	Now func() time.Time
	// Loc is the session time zone for DQL; nil means UTC.
	Loc *time.Location
	// MaxResults and MaxResultBytes bound the results a session keeps for paging and
	// for later cells (least recently used first out). Zero means the defaults.
	MaxResults     int
	MaxResultBytes int64
	// Logger receives internal errors (a panicking cell's stack). Never query text,
	// results or tokens. Nil means no logging.
	Logger *slog.Logger
}

// Defaults of Options.
const (
	DefaultMaxResults = 64
	// DefaultMaxResultBytes is what one kernel keeps of its results: enough for a
	// few hundred thousand raw CloudTrail events, so that the UI can page through a
	// large result, while fifty kernels still fit a workstation.
	DefaultMaxResultBytes = 512 << 20
)

func (o *Options) fill() {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Renderer == nil {
		o.Renderer = plainRenderer{}
	}
	if o.MaxResults <= 0 {
		o.MaxResults = DefaultMaxResults
	}
	if o.MaxResultBytes <= 0 {
		o.MaxResultBytes = DefaultMaxResultBytes
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
}

// Session is one kernel. Its methods may be called from any goroutine. Execute
// requests run one at a time, in order, on the session's own goroutine; every other
// request is answered at once, even while a cell runs, so that a client connecting to
// a busy kernel gets kernel_info without waiting.
//
// Make sessions with New or Manager.Start; the zero Session is not usable.
type Session struct {
	id      string
	opt     Options
	started time.Time
	onStop  func() // the Manager's hook: the session shut itself down

	// pubMu orders broadcasts, so that every subscriber sees the same sequence.
	pubMu sync.Mutex

	mu        sync.Mutex
	session   string // header.session of what the kernel sends; new on restart
	restarts  int
	count     int // execution count
	results   *resultStore
	names     map[string]string // cell name → result id
	prev      string            // result id of the previous cell
	fields    fieldSet
	history   []historyEntry
	timeframe Timeframe
	queue     []*job
	running   *job
	subs      map[int]func(*protocol.Message)
	nextSub   int
	scripts   ScriptRunner
	closed    bool
	activity  time.Time

	conns   atomic.Int32
	msgSeq  atomic.Uint64
	wake    chan struct{}
	stopped chan struct{} // closed when the session goroutine has ended
	dead    chan struct{} // closed when Shutdown is complete
}

// New starts a session with the given id ("" makes one up) and returns it. Call
// Shutdown to stop it.
func New(id string, opt Options) *Session {
	opt.fill()
	if id == "" {
		id = NewID()
	}
	s := &Session{
		id:      id,
		opt:     opt,
		started: opt.Now(),
		session: NewID(),
		results: newResultStore(opt.MaxResults, opt.MaxResultBytes),
		names:   map[string]string{},
		subs:    map[int]func(*protocol.Message){},
		wake:    make(chan struct{}, 1),
		stopped: make(chan struct{}),
		dead:    make(chan struct{}),
	}
	s.activity = s.started
	if opt.Scripts != nil {
		s.scripts = opt.Scripts()
	}
	go s.loop()
	return s
}

// ID returns the kernel id.
func (s *Session) ID() string { return s.id }

// Started returns when the session was made.
func (s *Session) Started() time.Time { return s.started }

// LastActivity returns when the session last received or sent a message.
func (s *Session) LastActivity() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.activity
}

// ExecutionState returns "busy" while a cell runs or waits, "idle" otherwise, and
// "dead" after Shutdown.
func (s *Session) ExecutionState() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.closed:
		return protocol.StateDead
	case s.running != nil || len(s.queue) > 0:
		return protocol.StateBusy
	}
	return protocol.StateIdle
}

// Connect counts a client connection (for the kernel model's "connections") and
// returns the function that uncounts it.
func (s *Session) Connect() (disconnect func()) {
	s.conns.Add(1)
	var once sync.Once
	return func() { once.Do(func() { s.conns.Add(-1) }) }
}

// Connections returns the number of connected clients.
func (s *Session) Connections() int { return int(s.conns.Load()) }

// SetTimeframe sets the default timeframe of fetch for the following cells (the
// notebook's metadata trailbook.timeframe). A request's own metadata overrides it.
func (s *Session) SetTimeframe(tf Timeframe) error {
	if _, _, err := tf.Resolve(s.opt.Now(), s.opt.Loc); err != nil {
		return err
	}
	s.mu.Lock()
	s.timeframe = tf
	s.mu.Unlock()
	return nil
}

// Subscribe registers fn to receive every iopub message (status, outputs, errors)
// and returns the function that unregisters it. fn is called with the session's
// broadcasts in order, one at a time; it must not block (hand the message to a
// buffered queue) and must not call back into the session.
func (s *Session) Subscribe(fn func(*protocol.Message)) (unsubscribe func()) {
	s.mu.Lock()
	id := s.nextSub
	s.nextSub++
	s.subs[id] = fn
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		delete(s.subs, id)
		s.mu.Unlock()
	}
}

// Status sends fn a status message with the current execution state, parented to
// nothing: what a client that just connected needs to learn the kernel's state.
func (s *Session) Status(fn func(*protocol.Message)) {
	fn(s.message(protocol.IOPub, protocol.Status, nil, protocol.StatusContent{ExecutionState: s.ExecutionState()}, nil))
}

// Handle takes one request from a client. reply receives the shell or control
// reply (on the request's channel) and must not block; broadcasts go to the
// subscribers. Handle returns quickly: execute requests are queued.
func (s *Session) Handle(req *protocol.Message, reply func(*protocol.Message)) {
	s.touch()
	if err := req.Validate(); err != nil {
		s.opt.Logger.Warn("kernel: dropped a malformed message", "kernel", s.id, "err", err)
		return
	}
	if s.isClosed() {
		return
	}
	switch req.Header.MsgType {
	case protocol.ExecuteRequest:
		s.enqueue(req, reply)
	case protocol.InterruptRequest:
		s.inline(req, reply, func() (string, any, error) {
			s.Interrupt()
			return protocol.InterruptReply, protocol.Reply{Status: protocol.StatusOK}, nil
		})
	case protocol.ShutdownRequest:
		var sd protocol.Shutdown
		err := req.DecodeContent(&sd)
		s.inline(req, reply, func() (string, any, error) {
			return protocol.ShutdownReply, protocol.Shutdown{Status: protocol.StatusOK, Restart: sd.Restart}, err
		})
		if err == nil {
			if sd.Restart {
				s.Restart()
			} else {
				s.Shutdown()
			}
		}
	default:
		h, ok := handlers[req.Header.MsgType]
		if !ok {
			// Jupyter kernels ignore what they do not know (comm_open, debug_request…).
			s.opt.Logger.Debug("kernel: ignored message", "kernel", s.id, "type", req.Header.MsgType)
			return
		}
		s.inline(req, reply, func() (string, any, error) { return h(s, req) })
	}
}

// handlers answer the requests that do not run cells.
var handlers = map[string]func(*Session, *protocol.Message) (string, any, error){
	protocol.KernelInfoRequest: (*Session).kernelInfo,
	protocol.CompleteRequest:   (*Session).complete,
	protocol.InspectRequest:    (*Session).inspect,
	protocol.IsCompleteRequest: (*Session).isComplete,
	protocol.HistoryRequest:    (*Session).historyReply,
	protocol.CommInfoRequest: func(*Session, *protocol.Message) (string, any, error) {
		return protocol.CommInfoReply, protocol.CommInfoReplyContent{Status: protocol.StatusOK, Comms: map[string]any{}}, nil
	},
}

// inline answers a request at once, between status busy and idle. If the handler
// fails (a malformed request), the reply says so with status "error".
func (s *Session) inline(req *protocol.Message, reply func(*protocol.Message), h func() (string, any, error)) {
	s.publish(protocol.Status, req, protocol.StatusContent{ExecutionState: protocol.StateBusy}, nil)
	typ, content, err := h()
	if err != nil {
		typ = strings.TrimSuffix(req.Header.MsgType, "_request") + "_reply"
		content = protocol.ExecuteReplyContent{Status: protocol.StatusError, ErrorContent: protocol.ErrorContent{
			Ename: "ProtocolError", Evalue: err.Error(), Traceback: []string{err.Error()}}}
	}
	reply(s.message(req.Channel, typ, req, content, nil))
	s.publish(protocol.Status, req, protocol.StatusContent{ExecutionState: protocol.StateIdle}, nil)
	// A client watching the kernel state just saw "idle"; if a cell still runs, say
	// busy again on its behalf.
	s.mu.Lock()
	j := s.running
	s.mu.Unlock()
	if j != nil {
		s.publish(protocol.Status, j.msg, protocol.StatusContent{ExecutionState: protocol.StateBusy}, nil)
	}
}

// kernelInfo answers kernel_info_request.
func (s *Session) kernelInfo(*protocol.Message) (string, any, error) {
	return protocol.KernelInfoReply, KernelInfo(), nil
}

// KernelInfo returns the content of kernel_info_reply.
func KernelInfo() protocol.KernelInfo {
	return protocol.KernelInfo{
		Status:                protocol.StatusOK,
		ProtocolVersion:       protocol.Version,
		Implementation:        "trailbook",
		ImplementationVersion: "1",
		LanguageInfo: protocol.LanguageInfo{
			Name:          "dql",
			Version:       "1",
			Mimetype:      "text/x-dql",
			FileExtension: ".dql",
		},
		Banner:    "trailbook: DQL over AWS CloudTrail logs",
		HelpLinks: []protocol.HelpLink{},
	}
}

// message builds a message from the kernel. parent may be nil.
func (s *Session) message(channel, typ string, parent *protocol.Message, content any, metadata any) *protocol.Message {
	s.mu.Lock()
	session := s.session
	s.activity = s.opt.Now()
	s.mu.Unlock()
	m := &protocol.Message{
		Channel: channel,
		Header: protocol.Header{
			MsgID:    fmt.Sprintf("%s_%d", session[:8], s.msgSeq.Add(1)),
			Session:  session,
			Username: "trailbook",
			Date:     protocol.Now(),
			MsgType:  typ,
			Version:  protocol.Version,
		},
	}
	if parent != nil {
		m.ParentHeader = parent.HeaderJSON()
	}
	m.Content = mustJSON(content)
	if metadata != nil {
		m.Metadata = mustJSON(metadata)
	}
	return m
}

// publish broadcasts an iopub message to every subscriber.
func (s *Session) publish(typ string, parent *protocol.Message, content any, metadata any) {
	m := s.message(protocol.IOPub, typ, parent, content, metadata)
	s.pubMu.Lock()
	defer s.pubMu.Unlock()
	s.mu.Lock()
	subs := make([]func(*protocol.Message), 0, len(s.subs))
	for _, fn := range s.subs {
		subs = append(subs, fn)
	}
	s.mu.Unlock()
	for _, fn := range subs {
		fn(m)
	}
}

func (s *Session) touch() {
	s.mu.Lock()
	s.activity = s.opt.Now()
	s.mu.Unlock()
}

func (s *Session) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// Interrupt cancels the running cell, which then fails with ename "Interrupted".
// Cells queued behind it are aborted, as after any error. It returns at once.
func (s *Session) Interrupt() {
	s.mu.Lock()
	j := s.running
	s.mu.Unlock()
	if j != nil {
		j.cancel(errInterrupted)
	}
}

// Restart clears the session's state (execution count, results, names, history,
// script state) as a fresh kernel, keeping its id and subscribers. The running cell
// is interrupted (Restart waits for it to stop) and queued ones are aborted.
func (s *Session) Restart() {
	s.mu.Lock()
	queued := s.queue
	s.queue = nil
	j := s.running
	s.mu.Unlock()
	if j != nil {
		j.cancel(errRestarted)
		<-j.done // the cell stops within the engine's cancellation latency
	}
	for _, q := range queued {
		s.abort(q)
	}
	s.mu.Lock()
	s.session = NewID()
	s.restarts++
	s.count = 0
	s.results = newResultStore(s.opt.MaxResults, s.opt.MaxResultBytes)
	s.names = map[string]string{}
	s.prev = ""
	s.fields = fieldSet{}
	s.history = nil
	if s.scripts != nil {
		s.scripts.Reset()
	}
	s.mu.Unlock()
	s.publish(protocol.Status, nil, protocol.StatusContent{ExecutionState: protocol.StateStarting}, nil)
	s.publish(protocol.Status, nil, protocol.StatusContent{ExecutionState: s.ExecutionState()}, nil)
}

// Shutdown stops the session: the running cell is cancelled, queued cells aborted,
// and the session goroutine ends. It waits for the running cell to finish (it
// stops within the engine's cancellation latency) and may be called more than once.
func (s *Session) Shutdown() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		<-s.dead
		return
	}
	s.closed = true
	queued := s.queue
	s.queue = nil
	j := s.running
	s.mu.Unlock()
	if j != nil {
		j.cancel(errShutdown)
	}
	for _, q := range queued {
		s.abort(q)
	}
	s.signal()
	<-s.stopped
	if s.scripts != nil {
		s.scripts.Reset()
	}
	s.publish(protocol.Status, nil, protocol.StatusContent{ExecutionState: protocol.StateDead}, nil)
	if s.onStop != nil {
		s.onStop()
	}
	close(s.dead)
}

// Done returns a channel closed once the session has shut down (after its "dead"
// status went out).
func (s *Session) Done() <-chan struct{} { return s.dead }

// NewID returns a random UUID (version 4), the form of Jupyter's kernel, session and
// message ids.
func NewID() string {
	var b [16]byte
	rand.Read(b[:]) // never fails (crypto/rand)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func mustJSON(v any) json.RawMessage {
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("BUG: cannot encode %T: %v", v, err))
	}
	return b
}

// errors passed as the cause of a cell's cancellation.
var (
	errInterrupted = fmt.Errorf("the cell was interrupted")
	errRestarted   = fmt.Errorf("the kernel was restarted")
	errShutdown    = fmt.Errorf("the kernel was shut down")
)

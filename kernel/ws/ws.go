// Package ws is the kernel websocket endpoint, GET /api/kernels/{id}/channels: it
// carries Jupyter messages between one client and one kernel.Session, in either
// framing Jupyter Server speaks — the v1.kernel.websocket.jupyter.org binary
// subprotocol when the client offers it, legacy JSON text frames otherwise.
//
// Each connection has one reader goroutine (the handler's) and one writer goroutine
// with a bounded send queue, as in gorilla/websocket's chat example: the kernel never
// waits for a client, and a client that cannot keep up is dropped. The endpoint
// checks the Origin header; the server in front of it checks the token.
package ws

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/trailbook/trailbook/kernel"
	"github.com/trailbook/trailbook/kernel/protocol"
)

// Subprotocol is the binary framing of Jupyter Server 2 (jupyter_server's
// services/kernels/connection), selected when the client offers it.
const Subprotocol = "v1.kernel.websocket.jupyter.org"

const (
	// writeWait is how long one frame may take to write. A client that cannot take
	// a frame (a large table) in this time is stalled, and is dropped.
	writeWait = 10 * time.Second
	// pongWait is how long the connection may stay silent: a client that answers no
	// ping within it is gone (a closed laptop), and its connection is released.
	pongWait = 60 * time.Second
	// pingPeriod must be shorter than pongWait, so that a ping arrives and is
	// answered before the read deadline passes.
	pingPeriod = pongWait * 9 / 10
	// MaxMessageSize bounds one incoming message. Requests carry cell code, not
	// data: 8 MiB is far beyond any cell and stops a client from making the server
	// buffer without limit.
	MaxMessageSize = 8 << 20
	// sendQueue is how many messages may wait for a connection's writer. A cell
	// sends a handful; a client this far behind is not reading, and is dropped
	// rather than allowed to hold the kernel's memory.
	sendQueue = 256
)

// Options configure Serve. The zero Options are ready to use.
type Options struct {
	// CheckOrigin decides whether a websocket request's Origin may connect; nil
	// means SameOrigin.
	CheckOrigin func(r *http.Request) bool
	// Logger receives connection errors (never message contents); nil discards.
	Logger *slog.Logger
}

// SameOrigin accepts a request without an Origin header (a non-browser client) or
// whose Origin names the host the request was sent to (gotify's checkSameOrigin):
// a page on another site cannot drive a kernel through the user's browser.
func SameOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	return strings.EqualFold(u.Host, r.Host)
}

// Error codes of refused upgrades, from the server's table (notebook/server).
const (
	codeOrigin    = 40302 // cross-origin request refused
	codeHandshake = 40010 // not a websocket handshake
)

// refuse answers a request that cannot be upgraded with a JSON error, as the
// server's other errors are.
func refuse(w http.ResponseWriter, r *http.Request, status int, reason error) {
	code := codeHandshake
	if status == http.StatusForbidden {
		code = codeOrigin
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"code": code, "http": status, "message": "websocket: " + reason.Error()})
}

// Serve upgrades the request to a websocket connected to s and returns when the
// connection ends. The caller has authenticated the request.
func Serve(w http.ResponseWriter, r *http.Request, s *kernel.Session, opt Options) {
	if opt.CheckOrigin == nil {
		opt.CheckOrigin = SameOrigin
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	up := websocket.Upgrader{
		Subprotocols: []string{Subprotocol},
		CheckOrigin:  opt.CheckOrigin,
		Error:        refuse,
	}
	ws, err := up.Upgrade(w, r, nil)
	if err != nil {
		return // Upgrade has answered the request
	}
	c := &conn{
		ws:     ws,
		binary: ws.Subprotocol() == Subprotocol,
		send:   make(chan *protocol.Message, sendQueue),
		done:   make(chan struct{}),
		log:    opt.Logger.With("kernel", s.ID()),
	}
	disconnect := s.Connect()
	defer disconnect()
	unsubscribe := s.Subscribe(c.enqueue)
	defer unsubscribe()

	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		c.writeLoop()
	}()
	// A kernel that shuts down closes its connections, as Jupyter Server does.
	go func() {
		select {
		case <-s.Done():
			c.close()
		case <-c.done:
		}
	}()
	// Tell the client the kernel's state at once, as Jupyter Server's nudge does.
	s.Status(c.enqueue)
	c.readLoop(s)
	c.close()
	<-writerDone
}

// conn is one websocket connection.
type conn struct {
	ws     *websocket.Conn
	binary bool // the v1 subprotocol, else legacy JSON text
	send   chan *protocol.Message
	done   chan struct{}
	once   sync.Once
	log    *slog.Logger
}

// enqueue hands a message to the writer without waiting: the kernel calls it, and
// must never block on a client. A full queue drops the client.
func (c *conn) enqueue(m *protocol.Message) {
	select {
	case <-c.done:
	case c.send <- m:
	default:
		c.log.Warn("kernel websocket: client too slow, dropped")
		c.close()
	}
}

// close ends the connection once; the writer sends a close frame and closes the
// socket, which ends the reader.
func (c *conn) close() { c.once.Do(func() { close(c.done) }) }

// readLoop reads requests and hands them to the session until the connection ends.
func (c *conn) readLoop(s *kernel.Session) {
	c.ws.SetReadLimit(MaxMessageSize)
	c.ws.SetReadDeadline(time.Now().Add(pongWait))
	c.ws.SetPongHandler(func(string) error { return c.ws.SetReadDeadline(time.Now().Add(pongWait)) })
	for {
		typ, data, err := c.ws.ReadMessage()
		if err != nil {
			if !websocket.IsCloseError(err, websocket.CloseNormalClosure, websocket.CloseGoingAway, websocket.CloseNoStatusReceived) && !errors.Is(err, websocket.ErrCloseSent) {
				c.log.Debug("kernel websocket: read ended", "err", err)
			}
			return
		}
		c.ws.SetReadDeadline(time.Now().Add(pongWait))
		m, err := decode(typ, data, c.binary)
		if err != nil {
			c.log.Warn("kernel websocket: dropped a malformed message", "err", err)
			continue
		}
		switch m.Channel {
		case protocol.Shell, protocol.Control:
			s.Handle(m, c.enqueue)
		default:
			// stdin replies answer input requests trailbook never makes; iopub is
			// the kernel's to send.
		}
	}
}

// writeLoop writes queued messages and pings until the connection ends.
func (c *conn) writeLoop() {
	ticker := time.NewTicker(pingPeriod)
	defer func() {
		ticker.Stop()
		c.ws.Close()
	}()
	for {
		select {
		case m := <-c.send:
			typ, data, err := encode(m, c.binary)
			if err != nil {
				c.log.Error("kernel websocket: cannot encode a message", "type", m.Header.MsgType, "err", err)
				continue
			}
			c.ws.SetWriteDeadline(time.Now().Add(writeWait))
			if err := c.ws.WriteMessage(typ, data); err != nil {
				c.close()
				return
			}
		case <-ticker.C:
			c.ws.SetWriteDeadline(time.Now().Add(writeWait))
			if err := c.ws.WriteMessage(websocket.PingMessage, nil); err != nil {
				c.close()
				return
			}
		case <-c.done:
			c.flush()
			c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(writeWait))
			return
		}
	}
}

// flush writes what is still queued when the connection ends (a kernel's last
// "dead" status), all within one writeWait, so that a stalled client costs no more.
func (c *conn) flush() {
	c.ws.SetWriteDeadline(time.Now().Add(writeWait))
	for {
		select {
		case m := <-c.send:
			typ, data, err := encode(m, c.binary)
			if err != nil {
				continue
			}
			if c.ws.WriteMessage(typ, data) != nil {
				return
			}
		default:
			return
		}
	}
}

// decode reads one frame: a v1 binary frame, or a legacy JSON text frame.
func decode(typ int, data []byte, v1 bool) (*protocol.Message, error) {
	if !v1 {
		if typ != websocket.TextMessage {
			return nil, errors.New("binary frame on a legacy connection")
		}
		var m protocol.Message
		if err := json.Unmarshal(data, &m); err != nil {
			return nil, fmt.Errorf("bad message: %w", err)
		}
		return &m, m.Validate()
	}
	if typ != websocket.BinaryMessage {
		return nil, errors.New("text frame on a " + Subprotocol + " connection")
	}
	parts, err := splitV1(data)
	if err != nil {
		return nil, err
	}
	return protocol.Decode(string(parts[0]), parts[1], parts[2], parts[3], parts[4])
}

// splitV1 splits a v1 frame: a little-endian uint64 count n, n uint64 offsets, then
// the channel name, header, parent header, metadata, content and buffers, each
// running from its offset to the next.
func splitV1(data []byte) ([][]byte, error) {
	if len(data) < 8 {
		return nil, errors.New("short v1 frame")
	}
	n := binary.LittleEndian.Uint64(data)
	if n < 6 || n > uint64(len(data)/8) {
		return nil, fmt.Errorf("bad v1 frame: %d offsets", n)
	}
	offs := make([]int, n)
	for i := range offs {
		o := binary.LittleEndian.Uint64(data[8*(i+1):])
		if o > uint64(len(data)) || i > 0 && int(o) < offs[i-1] || i == 0 && o < 8*(n+1) {
			return nil, fmt.Errorf("bad v1 frame: offset %d out of order or range", i)
		}
		offs[i] = int(o)
	}
	parts := make([][]byte, 5)
	for i := range parts {
		parts[i] = data[offs[i]:offs[i+1]]
	}
	return parts, nil
}

// encode writes one frame in the connection's framing.
func encode(m *protocol.Message, v1 bool) (int, []byte, error) {
	if !v1 {
		b, err := json.Marshal(m)
		return websocket.TextMessage, b, err
	}
	header, err := json.Marshal(&m.Header)
	if err != nil {
		return 0, nil, err
	}
	parts := [][]byte{[]byte(m.Channel), header, orEmpty(m.ParentHeader), orEmpty(m.Metadata), orEmpty(m.Content)}
	n := len(parts) + 1
	size := 8 * (n + 1)
	for _, p := range parts {
		size += len(p)
	}
	out := make([]byte, 8*(n+1), size)
	binary.LittleEndian.PutUint64(out, uint64(n))
	off := 8 * (n + 1)
	for i, p := range parts {
		binary.LittleEndian.PutUint64(out[8*(i+1):], uint64(off))
		off += len(p)
	}
	binary.LittleEndian.PutUint64(out[8*n:], uint64(off))
	for _, p := range parts {
		out = append(out, p...)
	}
	return websocket.BinaryMessage, out, nil
}

func orEmpty(r json.RawMessage) []byte {
	if len(r) == 0 || string(r) == "null" {
		return []byte("{}")
	}
	return r
}

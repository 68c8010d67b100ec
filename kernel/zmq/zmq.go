// Package zmq is the ZeroMQ transport of the kernel: the Jupyter kernel wire
// protocol that jupyter_client, nbclient, nbconvert --execute, papermill, JupyterLab
// and VS Code speak to kernels they start from a kernelspec. Serve binds the five
// sockets of a connection file — shell, control and stdin (ROUTER), iopub (PUB),
// heartbeat (REP) — and carries messages between them and one kernel.Session,
// signed with HMAC under the connection key.
//
// Like kernel/ws it only moves messages: the session decides what they mean, so a
// notebook gives the same outputs in `trailbook serve` and in Jupyter. ZeroMQ comes
// from github.com/go-zeromq/zmq4, pure Go, so the binary needs no libzmq.
//
// The package imports no net/http, renderer or log source.
package zmq

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/go-zeromq/zmq4"

	"github.com/trailbook/trailbook/kernel"
	"github.com/trailbook/trailbook/kernel/protocol"
)

// Options configure Serve. The zero Options log nothing.
type Options struct {
	// Logger receives dropped messages (bad signatures, malformed frames) and socket
	// errors, never message contents; nil discards.
	Logger *slog.Logger
	// Bound, if set, is called once every socket listens, with the ports bound:
	// those of the connection, or the free ones chosen for ports given as 0.
	Bound func(ConnectionInfo)
}

// Limits of the transport.
const (
	// sendQueue is how many messages a socket may have waiting to be sent. The
	// session never waits for a client (Session.Subscribe must not block), and a
	// cell sends a handful of messages, so only a client that stopped reading
	// fills it; what does not fit is dropped with a warning.
	sendQueue = 4096
	// pubLinger is how long a stopping kernel leaves its last broadcasts (the
	// "dead" status) to leave the PUB socket, whose sending runs behind Send.
	// libzmq kernels get the same from ZMQ_LINGER.
	pubLinger = 100 * time.Millisecond
	// firstSubscriber bounds how long after start the iopub socket holds its
	// broadcasts until a client has subscribed. A PUB socket drops what it sends
	// before a subscription arrives, and clients such as `jupyter run` send
	// execute_request as soon as kernel_info is answered, sometimes before their SUB
	// socket's subscription has reached the kernel: without the wait a third of
	// such runs lost the cell's output. Clients connect right after starting the
	// kernel, so seconds are plenty.
	firstSubscriber = 10 * time.Second
	// subscriberPoll is how often the held iopub queue looks for a subscription:
	// zmq4 reports subscriptions only through Topics().
	subscriberPoll = 5 * time.Millisecond
)

// Serve runs s over the sockets of info until s shuts down (a shutdown_request, or
// Session.Shutdown) or ctx is done, which shuts s down. It returns an error when a
// socket cannot listen; otherwise nil, once every socket is closed.
func Serve(ctx context.Context, info ConnectionInfo, s *kernel.Session, opt Options) error {
	if err := info.check(); err != nil {
		return err
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	codec, _ := NewCodec(info.SignatureScheme, info.Key) // check has accepted it
	k := &server{s: s, codec: codec, log: opt.Logger}
	// The sockets live on their own context, not ctx: after ctx is done they still
	// have to carry the shutdown's last messages.
	sctx, closeSockets := context.WithCancel(context.Background())
	defer closeSockets()
	zlog := zmq4.WithLogger(log.New(&logWriter{opt.Logger}, "", 0))
	socks := []struct {
		name string
		port *int
		sock zmq4.Socket
	}{
		{protocol.Shell, &info.ShellPort, zmq4.NewRouter(sctx, zlog)},
		{protocol.Control, &info.ControlPort, zmq4.NewRouter(sctx, zlog)},
		{protocol.Stdin, &info.StdinPort, zmq4.NewRouter(sctx, zlog)},
		{protocol.IOPub, &info.IOPubPort, zmq4.NewPub(sctx, zlog)},
		{"heartbeat", &info.HBPort, zmq4.NewRep(sctx, zlog)},
	}
	closeAll := sync.OnceFunc(func() {
		closeSockets()
		for _, sk := range socks {
			sk.sock.Close()
		}
	})
	defer closeAll()
	for _, sk := range socks {
		ep := info.Endpoint(*sk.port)
		if err := sk.sock.Listen(ep); err != nil {
			return fmt.Errorf("cannot listen for the %s channel on %s: %w", sk.name, ep, err)
		}
		if a, ok := sk.sock.Addr().(*net.TCPAddr); ok {
			*sk.port = a.Port
		}
	}
	if opt.Bound != nil {
		opt.Bound(info)
	}
	shell, control, stdin, iopub, hb := socks[0].sock, socks[1].sock, socks[2].sock, socks[3].sock, socks[4].sock

	k.topic = "kernel." + s.ID() + "."
	k.shell = k.outbox(protocol.Shell, shell)
	k.control = k.outbox(protocol.Control, control)
	k.iopub = k.outbox(protocol.IOPub, iopub)
	k.iopub.topics, _ = iopub.(zmq4.Topics)
	k.iopub.holdUntil = time.Now().Add(firstSubscriber)
	stop := make(chan struct{})
	var writers, readers sync.WaitGroup
	for _, o := range []*outbox{k.shell, k.control, k.iopub} {
		writers.Go(func() { o.run(stop) })
	}
	disconnect := s.Connect()
	unsubscribe := s.Subscribe(k.publish)
	// A kernel says "starting" once its sockets are up, then its state. A client
	// rarely hears it (its SUB socket may not be connected yet), which is why
	// clients ask kernel_info until iopub answers; ipykernel sends it all the same.
	s.Status(func(m *protocol.Message) {
		m.Content = json.RawMessage(`{"execution_state":"starting"}`)
		k.publish(m)
	})
	s.Status(k.publish)

	readers.Go(func() { k.serveRequests(sctx, protocol.Shell, shell, k.shell) })
	readers.Go(func() { k.serveRequests(sctx, protocol.Control, control, k.control) })
	readers.Go(func() { k.drain(sctx, stdin) })
	readers.Go(func() { k.heartbeat(sctx, hb) })

	select {
	case <-s.Done():
	case <-ctx.Done():
		s.Shutdown()
	}
	unsubscribe()
	disconnect()
	close(stop)
	writers.Wait()
	time.Sleep(pubLinger)
	closeAll()
	readers.Wait()
	return nil
}

// server is one kernel's transport.
type server struct {
	s                     *kernel.Session
	codec                 *Codec
	log                   *slog.Logger
	topic                 string // the prefix of iopub topics: kernel.<id>.
	shell, control, iopub *outbox
}

// publish hands a broadcast of the session to the PUB socket, under the topic
// kernel.<id>.<msg_type> as ipykernel names them (clients subscribe to everything).
func (k *server) publish(m *protocol.Message) {
	k.iopub.put([][]byte{[]byte(k.topic + m.Header.MsgType)}, m)
}

// serveRequests reads requests from a ROUTER socket and hands them to the session,
// whose replies go back to the identities they came from.
func (k *server) serveRequests(ctx context.Context, channel string, sock zmq4.Socket, out *outbox) {
	for {
		raw, err := sock.Recv()
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			k.log.Warn("kernel zmq: receive failed", "channel", channel, "err", err)
			continue
		}
		ids, m, err := k.codec.Decode(channel, raw.Frames)
		if err != nil {
			// A bad signature is what an attacker without the key would send: say so,
			// and never answer it.
			k.log.Warn("kernel zmq: dropped a message", "channel", channel, "err", err)
			continue
		}
		k.s.Handle(m, func(r *protocol.Message) { out.put(ids, r) })
		if m.Header.MsgType == protocol.ShutdownRequest {
			// A ZeroMQ kernel is a process: it ends on shutdown, and a client that
			// asked for a restart starts a new one (the session, asked to restart,
			// has only reset itself).
			k.s.Shutdown()
		}
	}
}

// drain reads the stdin channel and drops what arrives: trailbook never asks for
// input, so nothing can be a reply, but unread messages would pile up in the socket.
func (k *server) drain(ctx context.Context, sock zmq4.Socket) {
	for {
		if _, err := sock.Recv(); err != nil && ctx.Err() != nil {
			return
		}
	}
}

// heartbeat echoes every ping, which is how clients tell a live kernel from a hung
// one. It runs on its own goroutine so that a long cell never delays it.
func (k *server) heartbeat(ctx context.Context, sock zmq4.Socket) {
	for {
		m, err := sock.Recv()
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			continue // a malformed request: REP has nothing to answer
		}
		if err := sock.Send(m); err != nil && ctx.Err() != nil {
			return
		}
	}
}

// outbox is a socket's send queue, emptied by one goroutine: the session hands
// messages over without waiting, and only this goroutine writes to the socket.
type outbox struct {
	name  string
	sock  zmq4.Socket
	codec *Codec
	q     chan [][]byte
	log   *slog.Logger

	// topics, on the iopub outbox, reports subscriptions: until one arrives or
	// holdUntil passes, sending waits (see firstSubscriber).
	topics    zmq4.Topics
	holdUntil time.Time
}

func (k *server) outbox(name string, sock zmq4.Socket) *outbox {
	return &outbox{name: name, sock: sock, codec: k.codec, q: make(chan [][]byte, sendQueue), log: k.log}
}

// put signs m for ids and queues it; it never blocks.
func (o *outbox) put(ids [][]byte, m *protocol.Message) {
	frames, err := o.codec.Encode(ids, m)
	if err != nil {
		o.log.Error("kernel zmq: cannot encode a message", "channel", o.name, "err", err)
		return
	}
	select {
	case o.q <- frames:
	default:
		o.log.Warn("kernel zmq: send queue full, dropped a message", "channel", o.name, "type", m.Header.MsgType)
	}
}

// run sends queued messages until stop is closed, then sends what is still queued.
func (o *outbox) run(stop <-chan struct{}) {
	for {
		select {
		case f := <-o.q:
			o.send(f)
		case <-stop:
			for {
				select {
				case f := <-o.q:
					o.send(f)
				default:
					return
				}
			}
		}
	}
}

func (o *outbox) send(frames [][]byte) {
	o.awaitSubscriber()
	if err := o.sock.Send(zmq4.NewMsgFrom(frames...)); err != nil && !errors.Is(err, context.Canceled) {
		o.log.Warn("kernel zmq: send failed", "channel", o.name, "err", err)
	}
}

// awaitSubscriber waits, on the iopub outbox, for the first subscription or the
// end of the hold, whichever comes first; then never again.
func (o *outbox) awaitSubscriber() {
	if o.topics == nil {
		return
	}
	for time.Now().Before(o.holdUntil) && len(o.topics.Topics()) == 0 {
		time.Sleep(subscriberPoll)
	}
	o.topics = nil
}

// logWriter passes zmq4's log lines (connection errors) to the kernel's logger.
type logWriter struct{ log *slog.Logger }

func (w *logWriter) Write(p []byte) (int, error) {
	w.log.Warn("kernel zmq: " + string(trimNewline(p)))
	return len(p), nil
}

func trimNewline(p []byte) []byte {
	for len(p) > 0 && (p[len(p)-1] == '\n' || p[len(p)-1] == '\r') {
		p = p[:len(p)-1]
	}
	return p
}

package ws

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/trailbook/trailbook/kernel"
	"github.com/trailbook/trailbook/kernel/protocol"
)

func server(t *testing.T) (*httptest.Server, *kernel.Session) {
	t.Helper()
	s := kernel.New("", kernel.Options{})
	t.Cleanup(s.Shutdown)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		Serve(w, r, s, Options{})
	}))
	t.Cleanup(srv.Close)
	return srv, s
}

func dial(t *testing.T, srv *httptest.Server, protocols []string, header http.Header) *websocket.Conn {
	t.Helper()
	d := websocket.Dialer{Subprotocols: protocols}
	c, resp, err := d.Dial("ws"+strings.TrimPrefix(srv.URL, "http")+"/channels?session_id=x", header)
	if err != nil {
		t.Fatalf("dial: %v (%v)", err, resp)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func request(typ, id string, content any) *protocol.Message {
	m := &protocol.Message{Channel: protocol.Shell, Header: protocol.Header{
		MsgID: id, Session: "s", Username: "u", MsgType: typ, Version: "5.3", Date: protocol.Now()}}
	m.Content, _ = json.Marshal(content)
	return m
}

// readUntil reads frames until one is the reply of type typ, and returns it with
// everything read before.
func readUntil(t *testing.T, c *websocket.Conn, v1 bool, typ string) (*protocol.Message, []*protocol.Message) {
	t.Helper()
	var seen []*protocol.Message
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		ft, data, err := c.ReadMessage()
		if err != nil {
			t.Fatalf("read: %v (after %d messages)", err, len(seen))
		}
		m, err := decode(ft, data, v1)
		if err != nil {
			t.Fatal(err)
		}
		if m.Header.MsgType == typ {
			return m, seen
		}
		seen = append(seen, m)
	}
}

func TestFramings(t *testing.T) {
	for _, v1 := range []bool{true, false} {
		name := "legacy"
		var protocols []string
		if v1 {
			name, protocols = "v1", []string{Subprotocol}
		}
		t.Run(name, func(t *testing.T) {
			srv, s := server(t)
			c := dial(t, srv, protocols, nil)
			if got := c.Subprotocol(); (got == Subprotocol) != v1 {
				t.Fatalf("subprotocol %q", got)
			}
			send := func(m *protocol.Message) {
				typ, data, err := encode(m, v1)
				if err != nil {
					t.Fatal(err)
				}
				if err := c.WriteMessage(typ, data); err != nil {
					t.Fatal(err)
				}
			}
			// The first frame is the kernel's state, sent on connect.
			st, _ := readUntil(t, c, v1, protocol.Status)
			if st.Channel != protocol.IOPub || string(st.Content) != `{"execution_state":"idle"}` {
				t.Fatalf("first message: %s %s", st.Channel, st.Content)
			}
			send(request(protocol.KernelInfoRequest, "k1", struct{}{}))
			info, _ := readUntil(t, c, v1, protocol.KernelInfoReply)
			if p, _ := info.Parent(); p.MsgID != "k1" || info.Channel != protocol.Shell || !strings.Contains(string(info.Content), `"name":"dql"`) {
				t.Fatalf("kernel_info_reply: %s %s", info.ParentHeader, info.Content)
			}
			send(request(protocol.ExecuteRequest, "e1", protocol.Execute{Code: "data record(a = 1)"}))
			reply, before := readUntil(t, c, v1, protocol.ExecuteReply)
			if !strings.Contains(string(reply.Content), `"status":"ok"`) {
				t.Fatalf("execute_reply: %s", reply.Content)
			}
			var kinds []string
			for _, m := range before {
				kinds = append(kinds, m.Header.MsgType)
			}
			if !strings.Contains(strings.Join(kinds, " "), "status execute_input execute_result") {
				t.Fatalf("before the reply: %v", kinds)
			}
			if s.Connections() != 1 {
				t.Fatalf("connections = %d", s.Connections())
			}
		})
	}
}

func TestOriginCheck(t *testing.T) {
	srv, _ := server(t)
	d := websocket.Dialer{}
	url := "ws" + strings.TrimPrefix(srv.URL, "http") + "/channels"
	_, resp, err := d.Dial(url, http.Header{"Origin": {"http://evil.example"}})
	if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("foreign origin: err %v, response %v", err, resp)
	}
	dial(t, srv, nil, http.Header{"Origin": {srv.URL}}) // same origin: accepted
}

func TestReadLimit(t *testing.T) {
	srv, _ := server(t)
	c := dial(t, srv, nil, nil)
	big := request(protocol.ExecuteRequest, "big", protocol.Execute{Code: strings.Repeat("x", MaxMessageSize)})
	data, _ := json.Marshal(big)
	c.WriteMessage(websocket.TextMessage, data)
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		if _, _, err := c.ReadMessage(); err != nil {
			if !websocket.IsCloseError(err, websocket.CloseMessageTooBig) && !strings.Contains(err.Error(), "close") && !strings.Contains(err.Error(), "reset") {
				t.Fatalf("read after an oversized message: %v", err)
			}
			return
		}
	}
}

func TestSlowClientDropped(t *testing.T) {
	c := &conn{send: make(chan *protocol.Message, 2), done: make(chan struct{}), log: slog.New(slog.DiscardHandler)}
	m := &protocol.Message{}
	c.enqueue(m)
	c.enqueue(m)
	select {
	case <-c.done:
		t.Fatal("dropped before the queue was full")
	default:
	}
	c.enqueue(m) // no writer drains the queue: the client is too slow
	select {
	case <-c.done:
	default:
		t.Fatal("a full queue did not drop the client")
	}
	c.enqueue(m) // after the drop, enqueue neither blocks nor panics
}

func TestSplitV1Rejects(t *testing.T) {
	_, good, _ := encode(request(protocol.KernelInfoRequest, "x", struct{}{}), true)
	if _, err := splitV1(good); err != nil {
		t.Fatal(err)
	}
	bad := [][]byte{
		nil,
		good[:7],
		append([]byte{255, 255, 255, 255, 255, 255, 255, 255}, good[8:]...),        // absurd count
		func() []byte { b := append([]byte(nil), good...); b[16] = 0; return b }(), // offset into the header
	}
	for i, b := range bad {
		if _, err := splitV1(b); err == nil {
			t.Errorf("case %d: accepted a malformed frame", i)
		}
	}
}

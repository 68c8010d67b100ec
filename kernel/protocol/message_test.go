package protocol

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestMessageJSON(t *testing.T) {
	in := `{"channel":"shell","header":{"msg_id":"m1","msg_type":"execute_request","session":"s","username":"u","date":"2024-03-01T00:00:00Z","version":"5.3","subshell_id":null},"parent_header":{},"metadata":{},"content":{"code":"data record(a = 1)"}}`
	var m Message
	if err := json.Unmarshal([]byte(in), &m); err != nil {
		t.Fatal(err)
	}
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	// A reply's parent header echoes the request's, fields trailbook ignores included.
	if got := string(m.HeaderJSON()); !strings.Contains(got, `"subshell_id":null`) {
		t.Fatalf("HeaderJSON lost a field: %s", got)
	}
	var e Execute
	if err := m.DecodeContent(&e); err != nil || e.Code != "data record(a = 1)" || !e.Stores() || !e.StopsOnError() {
		t.Fatalf("content = %+v, %v", e, err)
	}
	reply := &Message{Channel: "shell", Header: Header{MsgID: "r1", MsgType: ExecuteReply}}
	out, _ := json.Marshal(reply)
	if !strings.Contains(string(out), `"parent_header":{},"metadata":{},"content":{}`) {
		t.Fatalf("empty parts must be objects: %s", out)
	}
}

func TestDecodeRejects(t *testing.T) {
	f := func(header, content, want string) {
		t.Helper()
		_, err := Decode("shell", []byte(header), []byte("{}"), []byte("{}"), []byte(content))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("Decode(%s, %s) = %v, want %q", header, content, err, want)
		}
	}
	f(`[]`, `{}`, "bad message header")
	f(`{"msg_type":"x"}`, `{}`, "without header.msg_id")
	f(`{"msg_id":"m"}`, `{}`, "without header.msg_type")
	f(`{"msg_id":"m","msg_type":"x"}`, `[1]`, "content is not a JSON object")
	var c Complete
	m, _ := Decode("shell", []byte(`{"msg_id":"m","msg_type":"complete_request"}`), nil, nil, []byte(`{"code":"x","cursor_pos":-1}`))
	if err := m.DecodeContent(&c); err == nil || !strings.Contains(err.Error(), "negative cursor_pos") {
		t.Fatalf("DecodeContent = %v", err)
	}
}

func TestMimeBundle(t *testing.T) {
	b := MimeBundle{}
	b.SetText(MIMEText, "a <b>")
	if s, ok := b.Text(MIMEText); !ok || s != "a <b>" {
		t.Fatalf("Text = %q, %v", s, ok)
	}
	if _, ok := b.Text(MIMEHTML); ok {
		t.Fatal("Text of a missing type")
	}
}

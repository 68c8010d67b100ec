package zmq

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/trailbook/trailbook/kernel/protocol"
)

func testMessage() *protocol.Message {
	return &protocol.Message{
		Channel: protocol.Shell,
		Header: protocol.Header{MsgID: "m1", Session: "s1", Username: "u", Date: "2024-03-01T10:00:00.000000Z",
			MsgType: protocol.ExecuteRequest, Version: protocol.Version},
		Content: json.RawMessage(`{"code":"data record(a = 1)"}`),
	}
}

func TestRoundTrip(t *testing.T) {
	for _, scheme := range []string{"hmac-sha256", "hmac-sha512"} {
		t.Run(scheme, func(t *testing.T) {
			sign, err := newSigner(scheme, "secret-key")
			if err != nil {
				t.Fatal(err)
			}
			c := &Codec{sign: sign}
			ids := [][]byte{[]byte("client-1"), []byte("proxy")}
			frames, err := c.Encode(ids, testMessage())
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(frames[2], delimiter) || len(frames) != 8 {
				t.Fatalf("frames: %q", frames)
			}
			// {} for an absent parent header and metadata, as clients require.
			if string(frames[5]) != "{}" || string(frames[6]) != "{}" {
				t.Fatalf("parent %s metadata %s", frames[5], frames[6])
			}
			gotIDs, m, err := c.Decode(protocol.Shell, frames)
			if err != nil {
				t.Fatal(err)
			}
			if len(gotIDs) != 2 || string(gotIDs[0]) != "client-1" || string(gotIDs[1]) != "proxy" {
				t.Fatalf("ids %q", gotIDs)
			}
			if m.Header != testMessage().Header || string(m.Content) != string(testMessage().Content) || m.Channel != protocol.Shell {
				t.Fatalf("decoded %+v", m)
			}
			// A reply echoes the request's header byte for byte.
			if string(m.HeaderJSON()) != string(frames[4]) {
				t.Fatalf("header %s, sent %s", m.HeaderJSON(), frames[4])
			}
		})
	}
}

// TestSignatureKnown pins the signature to what jupyter_client computes:
// hmac.new(b"key", header+parent+metadata+content, hashlib.sha256).hexdigest().
func TestSignatureKnown(t *testing.T) {
	sign, _ := newSigner("hmac-sha256", "key")
	got := sign.sign([][]byte{[]byte(`{"msg_id":"1"}`), []byte("{}"), []byte("{}"), []byte("{}")})
	const want = "fae17e3551b4fe47b90efc695f60e0688abc04206e4800a47e3dea21647ee1c1"
	if string(got) != want {
		t.Fatalf("signature %s, want %s", got, want)
	}
}

func TestDecodeRejects(t *testing.T) {
	sign, _ := newSigner("hmac-sha256", "secret-key")
	c := &Codec{sign: sign}
	good, _ := c.Encode([][]byte{[]byte("id")}, testMessage())
	with := func(i int, b []byte) [][]byte {
		f := append([][]byte(nil), good...)
		f[i] = b
		return f
	}
	other, _ := newSigner("hmac-sha256", "another-key")
	forged, _ := (&Codec{sign: other}).Encode([][]byte{[]byte("id")}, testMessage())
	cases := []struct {
		name   string
		frames [][]byte
		want   error
	}{
		{"no delimiter", with(1, []byte("<IDS|MSG")), ErrFraming},
		{"too few parts", good[:5], ErrFraming},
		{"unsigned", with(2, nil), ErrSignature},
		{"not hex", with(2, []byte(strings.Repeat("z", 64))), ErrSignature},
		{"altered content", with(6, []byte(`{"code":"fetch logs"}`)), ErrSignature},
		{"altered header", with(3, bytes.Replace(good[3], []byte(`"m1"`), []byte(`"m2"`), 1)), ErrSignature},
		{"another key", forged, ErrSignature},
		{"truncated signature", with(2, good[2][:32]), ErrSignature},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, err := c.Decode(protocol.Shell, tc.frames); !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
	// The genuine message passes once; the same frames again are a replay.
	if _, _, err := c.Decode(protocol.Shell, good); err != nil {
		t.Fatalf("genuine message: %v", err)
	}
	if _, _, err := c.Decode(protocol.Shell, good); !errors.Is(err, ErrReplay) {
		t.Fatalf("replayed message: err = %v", err)
	}
}

func TestNoKey(t *testing.T) {
	// An empty key disables signing: signatures are empty and not checked.
	sign, err := newSigner("", "")
	if err != nil {
		t.Fatal(err)
	}
	c := &Codec{sign: sign}
	frames, _ := c.Encode(nil, testMessage())
	if len(frames[1]) != 0 {
		t.Fatalf("signature without a key: %q", frames[1])
	}
	for range 2 { // nothing to remember either: no replay check
		if _, _, err := c.Decode(protocol.Shell, frames); err != nil {
			t.Fatal(err)
		}
	}
}

func TestSchemes(t *testing.T) {
	if _, err := newSigner("hmac-md5", "k"); err == nil || !strings.Contains(err.Error(), `"hmac-md5"`) {
		t.Fatalf("hmac-md5: %v", err)
	}
}

func TestSeenForgetsOldest(t *testing.T) {
	var s seen
	key := func(i int) []byte { return []byte{byte(i), byte(i >> 8), byte(i >> 16)} }
	for i := range replayWindow + 1 {
		if !s.add(key(i)) {
			t.Fatalf("signature %d taken for a replay", i)
		}
	}
	if !s.add(key(0)) {
		t.Fatal("the oldest signature was not forgotten")
	}
	if s.add(key(replayWindow)) {
		t.Fatal("a recent signature was forgotten")
	}
	if len(s.set) != replayWindow {
		t.Fatalf("remembers %d signatures", len(s.set))
	}
}

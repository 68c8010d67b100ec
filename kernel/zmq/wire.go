package zmq

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"sync"

	"github.com/trailbook/trailbook/kernel/protocol"
)

// The wire protocol of a Jupyter message on a ZeroMQ socket is one multipart message:
//
//	[routing identities…] "<IDS|MSG>" signature header parent_header metadata content [buffers…]
//
// The signature is the hex HMAC, under the connection key, of the four JSON parts
// that follow it.
var delimiter = []byte("<IDS|MSG>")

// Errors of received messages, for errors.Is.
var (
	// ErrSignature: the message's signature does not match its contents under the
	// connection key. Someone without the key sent it, or it was altered.
	ErrSignature = errors.New("bad message signature")
	// ErrReplay: a message with this signature was received before. A signed message
	// captured on the way is not accepted a second time.
	ErrReplay = errors.New("replayed message")
	// ErrFraming: the frames are not a Jupyter message (no delimiter, too few parts).
	ErrFraming = errors.New("not a Jupyter wire message")
)

// signer signs and checks messages. With no key, signatures are empty and not
// checked, as the protocol says for an empty key.
type signer struct {
	key  []byte
	hash func() hash.Hash
}

func newSigner(scheme, key string) (*signer, error) {
	if key == "" {
		return &signer{}, nil
	}
	s := &signer{key: []byte(key)}
	switch scheme {
	case "hmac-sha256":
		s.hash = sha256.New
	case "hmac-sha512":
		s.hash = sha512.New
	default:
		return nil, fmt.Errorf("signature_scheme %q: trailbook signs with hmac-sha256 or hmac-sha512", scheme)
	}
	return s, nil
}

// mac returns the raw HMAC of parts; nil without a key.
func (s *signer) mac(parts [][]byte) []byte {
	if s.key == nil {
		return nil
	}
	h := hmac.New(s.hash, s.key)
	for _, p := range parts {
		h.Write(p)
	}
	return h.Sum(nil)
}

// sign returns the hex signature of parts; "" without a key.
func (s *signer) sign(parts [][]byte) []byte {
	m := s.mac(parts)
	out := make([]byte, hex.EncodedLen(len(m)))
	hex.Encode(out, m)
	return out
}

// verify checks sig against parts in constant time (hmac.Equal), so that the time
// taken tells nothing about how much of a forged signature was right.
func (s *signer) verify(sig []byte, parts [][]byte) bool {
	if s.key == nil {
		return true
	}
	got := make([]byte, hex.DecodedLen(len(sig)))
	if _, err := hex.Decode(got, sig); err != nil {
		return false
	}
	return hmac.Equal(got, s.mac(parts))
}

// replayWindow is how many signatures of received messages are remembered to refuse
// a replay: ipykernel's digest_history_size. At 64 bytes a signature, about 8 MiB
// at most.
const replayWindow = 1 << 16

// seen remembers recent signatures, the oldest forgotten first.
type seen struct {
	mu   sync.Mutex
	set  map[string]struct{}
	ring []string
	next int
}

// add records sig and reports whether it was new.
func (s *seen) add(sig []byte) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.set == nil {
		s.set = make(map[string]struct{})
		s.ring = make([]string, replayWindow)
	}
	k := string(sig)
	if _, dup := s.set[k]; dup {
		return false
	}
	if old := s.ring[s.next]; old != "" {
		delete(s.set, old)
	}
	s.ring[s.next] = k
	s.next = (s.next + 1) % len(s.ring)
	s.set[k] = struct{}{}
	return true
}

// Codec turns ZeroMQ frames into Jupyter messages and back under one connection's
// key: the kernel's side and, in tests and tools, a client's. It is safe for
// concurrent use.
type Codec struct {
	sign *signer
	seen seen
}

// NewCodec returns the codec of a connection's signature_scheme and key.
func NewCodec(scheme, key string) (*Codec, error) {
	sign, err := newSigner(scheme, key)
	if err != nil {
		return nil, err
	}
	return &Codec{sign: sign}, nil
}

// Decode reads one received message: the routing identities before the delimiter,
// and the message after it, checked against its signature. Errors are ErrFraming,
// ErrSignature, ErrReplay, or a malformed header.
func (c *Codec) Decode(channel string, frames [][]byte) (ids [][]byte, m *protocol.Message, err error) {
	i := 0
	for i < len(frames) && !bytes.Equal(frames[i], delimiter) {
		i++
	}
	if i == len(frames) {
		return nil, nil, fmt.Errorf("%w: no %s delimiter", ErrFraming, delimiter)
	}
	ids, rest := frames[:i], frames[i+1:]
	if len(rest) < 5 {
		return ids, nil, fmt.Errorf("%w: %d parts after the delimiter, want at least 5", ErrFraming, len(rest))
	}
	sig, parts := rest[0], rest[1:5]
	if !c.sign.verify(sig, parts) {
		return ids, nil, ErrSignature
	}
	if c.sign.key != nil && !c.seen.add(sig) {
		return ids, nil, ErrReplay
	}
	m, err = protocol.Decode(channel, parts[0], parts[1], parts[2], parts[3])
	if err != nil {
		return ids, nil, err
	}
	for _, b := range rest[5:] {
		m.Buffers = append(m.Buffers, b)
	}
	return ids, m, nil
}

// Encode returns the frames of m addressed to ids (the request's identities on a
// ROUTER socket, a topic on the PUB socket), signed.
func (c *Codec) Encode(ids [][]byte, m *protocol.Message) ([][]byte, error) {
	header, err := json.Marshal(&m.Header)
	if err != nil {
		return nil, fmt.Errorf("cannot encode a %s header: %w", m.Header.MsgType, err)
	}
	parts := [][]byte{header, object(m.ParentHeader), object(m.Metadata), object(m.Content)}
	frames := make([][]byte, 0, len(ids)+6+len(m.Buffers))
	frames = append(frames, ids...)
	frames = append(frames, delimiter, c.sign.sign(parts))
	frames = append(frames, parts...)
	return append(frames, m.Buffers...), nil
}

// object returns r, or {} for nothing: Jupyter clients require objects there.
func object(r json.RawMessage) []byte {
	if len(r) == 0 || string(r) == "null" {
		return []byte("{}")
	}
	return r
}

// Package protocol holds the wire messages of the Jupyter messaging protocol 5.3 as
// trailbook's kernel speaks them: the message envelope, the content of each request
// and reply, MIME bundles, and the structured error positions the notebook UI reads.
//
// It holds types and the small methods that decode and check them; it imports only
// the standard library. Framing (websocket, ZeroMQ) lives with the transports.
package protocol

import (
	"encoding/json"
	"fmt"
	"time"
)

// Version is the messaging protocol version trailbook speaks.
const Version = "5.3"

// Channels a message travels on.
const (
	Shell   = "shell"
	Control = "control"
	IOPub   = "iopub"
	Stdin   = "stdin"
)

// Header is a message header. Date is kept as text because clients send several
// ISO 8601 variants and trailbook only echoes it.
type Header struct {
	MsgID    string `json:"msg_id"`
	Session  string `json:"session"`
	Username string `json:"username"`
	Date     string `json:"date"`
	MsgType  string `json:"msg_type"`
	Version  string `json:"version"`
}

// Message is one Jupyter message: the envelope of every request, reply and
// broadcast. ParentHeader is kept as raw JSON so that a reply echoes the request's
// header exactly, including fields trailbook does not know (subshell_id, …); nil
// encodes as {}.
type Message struct {
	Channel      string          `json:"channel,omitempty"`
	Header       Header          `json:"header"`
	ParentHeader json.RawMessage `json:"parent_header"`
	Metadata     json.RawMessage `json:"metadata"`
	Content      json.RawMessage `json:"content"`
	// Buffers are binary attachments; trailbook sends none and ignores received ones.
	Buffers [][]byte `json:"-"`

	rawHeader json.RawMessage // the header as received, for replies to echo
}

// Decode builds a received message from its parts (the framing of the v1 websocket
// protocol and of ZeroMQ): header, parent header, metadata and content as JSON.
func Decode(channel string, header, parent, metadata, content []byte) (*Message, error) {
	m := &Message{Channel: channel, ParentHeader: parent, Metadata: metadata, Content: content}
	if err := json.Unmarshal(header, &m.Header); err != nil {
		return nil, fmt.Errorf("bad message header: %w", err)
	}
	m.rawHeader = header
	return m, m.Validate()
}

// UnmarshalJSON decodes a whole message (the legacy websocket framing) and keeps the
// header as received.
func (m *Message) UnmarshalJSON(b []byte) error {
	type plain Message
	var raw struct {
		plain
		Header json.RawMessage `json:"header"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*m = Message(raw.plain)
	if len(raw.Header) > 0 {
		if err := json.Unmarshal(raw.Header, &m.Header); err != nil {
			return fmt.Errorf("bad message header: %w", err)
		}
		m.rawHeader = raw.Header
	}
	return nil
}

// HeaderJSON returns the header as JSON: as received for a decoded message, so that
// a reply's parent_header echoes it exactly.
func (m *Message) HeaderJSON() json.RawMessage {
	if len(m.rawHeader) > 0 {
		return m.rawHeader
	}
	b, _ := json.Marshal(&m.Header) // strings only: cannot fail
	return b
}

// MarshalJSON encodes the message with {} for an empty parent header, metadata or
// content, as Jupyter clients require objects there.
func (m *Message) MarshalJSON() ([]byte, error) {
	type plain Message
	c := plain(*m)
	c.ParentHeader = orEmpty(c.ParentHeader)
	c.Metadata = orEmpty(c.Metadata)
	c.Content = orEmpty(c.Content)
	return json.Marshal(&c)
}

func orEmpty(r json.RawMessage) json.RawMessage {
	if len(r) == 0 || string(r) == "null" {
		return json.RawMessage("{}")
	}
	return r
}

// Parent returns the header of the message this one answers, and whether there is one.
func (m *Message) Parent() (Header, bool) {
	var h Header
	if len(m.ParentHeader) == 0 || json.Unmarshal(m.ParentHeader, &h) != nil || h.MsgID == "" {
		return Header{}, false
	}
	return h, true
}

// Validate checks what every incoming message must have: a header with an id and a
// type, and object content.
func (m *Message) Validate() error {
	if m.Header.MsgID == "" {
		return fmt.Errorf("message without header.msg_id")
	}
	if m.Header.MsgType == "" {
		return fmt.Errorf("message %q without header.msg_type", m.Header.MsgID)
	}
	if len(m.Content) > 0 && m.Content[0] != '{' && string(m.Content) != "null" {
		return fmt.Errorf("message %q: content is not a JSON object", m.Header.MsgID)
	}
	return nil
}

// DecodeContent decodes the message content into v, a pointer to one of the content
// structs of this package, and checks it when v has a Check method.
func (m *Message) DecodeContent(v any) error {
	if len(m.Content) > 0 && string(m.Content) != "null" {
		if err := json.Unmarshal(m.Content, v); err != nil {
			return fmt.Errorf("bad %s content: %w", m.Header.MsgType, err)
		}
	}
	if c, ok := v.(interface{ Check() error }); ok {
		if err := c.Check(); err != nil {
			return fmt.Errorf("bad %s content: %w", m.Header.MsgType, err)
		}
	}
	return nil
}

// Now returns the current time in the header date format (ISO 8601, UTC,
// microseconds), as jupyter_client writes it.
func Now() string { return time.Now().UTC().Format("2006-01-02T15:04:05.000000Z") }

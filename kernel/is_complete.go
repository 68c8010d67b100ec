package kernel

import (
	"strings"

	"github.com/trailbook/trailbook/kernel/protocol"
)

// isComplete answers is_complete_request: a DQL cell is incomplete while a bracket,
// string, quoted name or comment is open or it ends with a pipe, comma or
// operator; invalid when a bracket closes what it did not open.
func (s *Session) isComplete(req *protocol.Message) (string, any, error) {
	var r protocol.IsComplete
	if err := req.DecodeContent(&r); err != nil {
		return "", nil, err
	}
	status, indent := completeness(r.Code)
	return protocol.IsCompleteReply, protocol.IsCompleteReplyContent{Status: status, Indent: indent}, nil
}

// completeness returns is_complete's status and, when incomplete, the indent of the
// next line.
func completeness(code string) (status, indent string) {
	if magic, _ := splitMagic(code); magic != "" {
		return "unknown", ""
	}
	var stack []byte
	var last scanItem
	for _, it := range scanAll(code) {
		if !it.closed {
			return "incomplete", ""
		}
		if it.kind == tokComment {
			continue
		}
		last = it
		if it.kind != tokOther {
			continue
		}
		switch c := code[it.start]; c {
		case '(', '[', '{':
			stack = append(stack, c)
		case ')', ']', '}':
			open := map[byte]byte{')': '(', ']': '[', '}': '{'}[c]
			if len(stack) == 0 || stack[len(stack)-1] != open {
				return "invalid", ""
			}
			stack = stack[:len(stack)-1]
		}
	}
	if len(stack) > 0 {
		return "incomplete", strings.Repeat("  ", len(stack))
	}
	if last.kind == tokOther && last.end > last.start {
		switch code[last.start:last.end] {
		case "|", ",", "=", "==", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "%", ":":
			return "incomplete", ""
		}
	}
	if last.kind == tokIdent {
		switch strings.ToLower(code[last.start:last.end]) {
		case "and", "or", "xor", "not":
			return "incomplete", ""
		}
	}
	return "complete", ""
}

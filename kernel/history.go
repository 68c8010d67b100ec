package kernel

import (
	"path"

	"github.com/trailbook/trailbook/kernel/protocol"
)

// historyEntry is one executed cell, for history_request.
type historyEntry struct {
	session int // the restart generation, Jupyter's history "session" number
	line    int // the execution count
	input   string
	output  string // the text/plain of the cell's value
}

// maxHistory bounds the history a session keeps: a long investigation's worth.
const maxHistory = 1000

// remember records an executed cell.
func (s *Session) remember(n int, input, output string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.history = append(s.history, historyEntry{session: s.restarts + 1, line: n, input: input, output: output})
	if len(s.history) > maxHistory {
		s.history = s.history[len(s.history)-maxHistory:]
	}
}

// historyReply answers history_request: "tail" (the last n), "range" (lines
// start..stop of a session, 0 meaning the current one) and "search" (glob pattern).
func (s *Session) historyReply(req *protocol.Message) (string, any, error) {
	var h protocol.History
	if err := req.DecodeContent(&h); err != nil {
		return "", nil, err
	}
	s.mu.Lock()
	all := append([]historyEntry(nil), s.history...)
	current := s.restarts + 1
	s.mu.Unlock()

	var picked []historyEntry
	switch h.HistAccessType {
	case "range":
		sess := h.Session
		if sess <= 0 {
			sess = current + sess
		}
		for _, e := range all {
			if e.session == sess && e.line >= h.Start && (h.Stop <= 0 || e.line < h.Stop) {
				picked = append(picked, e)
			}
		}
	case "search":
		pattern := h.Pattern
		if pattern == "" {
			pattern = "*"
		}
		seen := map[string]bool{}
		for i := len(all) - 1; i >= 0; i-- {
			e := all[i]
			if ok, _ := path.Match(pattern, e.input); !ok {
				continue
			}
			if h.Unique && seen[e.input] {
				continue
			}
			seen[e.input] = true
			picked = append([]historyEntry{e}, picked...)
			if h.N > 0 && len(picked) == h.N {
				break
			}
		}
	default: // "tail"
		picked = all
		if h.N > 0 && len(picked) > h.N {
			picked = picked[len(picked)-h.N:]
		}
	}
	out := make([][]any, 0, len(picked))
	for _, e := range picked {
		if h.Output {
			out = append(out, []any{e.session, e.line, []any{e.input, e.output}})
		} else {
			out = append(out, []any{e.session, e.line, e.input})
		}
	}
	return protocol.HistoryReply, protocol.HistoryReplyContent{Status: protocol.StatusOK, History: out}, nil
}

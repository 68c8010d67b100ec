package protocol

import (
	"encoding/json"
	"errors"
)

// Message types (header.msg_type) trailbook handles or sends.
const (
	KernelInfoRequest = "kernel_info_request"
	KernelInfoReply   = "kernel_info_reply"
	ExecuteRequest    = "execute_request"
	ExecuteReply      = "execute_reply"
	CompleteRequest   = "complete_request"
	CompleteReply     = "complete_reply"
	InspectRequest    = "inspect_request"
	InspectReply      = "inspect_reply"
	IsCompleteRequest = "is_complete_request"
	IsCompleteReply   = "is_complete_reply"
	HistoryRequest    = "history_request"
	HistoryReply      = "history_reply"
	CommInfoRequest   = "comm_info_request"
	CommInfoReply     = "comm_info_reply"
	InterruptRequest  = "interrupt_request"
	InterruptReply    = "interrupt_reply"
	ShutdownRequest   = "shutdown_request"
	ShutdownReply     = "shutdown_reply"

	Status        = "status"
	ExecuteInput  = "execute_input"
	ExecuteResult = "execute_result"
	DisplayData   = "display_data"
	Stream        = "stream"
	Error         = "error"
)

// Reply statuses.
const (
	StatusOK      = "ok"
	StatusError   = "error"
	StatusAborted = "aborted"
)

// Execution states of a status message.
const (
	StateStarting = "starting"
	StateIdle     = "idle"
	StateBusy     = "busy"
	StateDead     = "dead"
)

// KernelInfo is the content of kernel_info_reply.
type KernelInfo struct {
	Status                string       `json:"status"`
	ProtocolVersion       string       `json:"protocol_version"`
	Implementation        string       `json:"implementation"`
	ImplementationVersion string       `json:"implementation_version"`
	LanguageInfo          LanguageInfo `json:"language_info"`
	Banner                string       `json:"banner"`
	HelpLinks             []HelpLink   `json:"help_links"`
	Debugger              bool         `json:"debugger"`
}

// LanguageInfo describes the kernel's language to front ends.
type LanguageInfo struct {
	Name           string `json:"name"`
	Version        string `json:"version"`
	Mimetype       string `json:"mimetype"`
	FileExtension  string `json:"file_extension"`
	PygmentsLexer  string `json:"pygments_lexer,omitempty"`
	CodemirrorMode string `json:"codemirror_mode,omitempty"`
}

// HelpLink is one entry of kernel_info_reply's help menu.
type HelpLink struct {
	Text string `json:"text"`
	URL  string `json:"url"`
}

// Execute is the content of execute_request.
type Execute struct {
	Code            string                     `json:"code"`
	Silent          bool                       `json:"silent"`
	StoreHistory    *bool                      `json:"store_history"`
	UserExpressions map[string]json.RawMessage `json:"user_expressions"`
	AllowStdin      bool                       `json:"allow_stdin"`
	StopOnError     *bool                      `json:"stop_on_error"`
}

// Stores reports whether the cell counts in the execution count and history
// (store_history, default true; never for silent cells).
func (e *Execute) Stores() bool { return !e.Silent && (e.StoreHistory == nil || *e.StoreHistory) }

// StopsOnError reports whether a failure aborts the requests queued behind this one
// (stop_on_error, default true).
func (e *Execute) StopsOnError() bool { return e.StopOnError == nil || *e.StopOnError }

// ExecuteReplyContent is the content of execute_reply. On error it carries the same
// ename, evalue and traceback as the error broadcast.
type ExecuteReplyContent struct {
	Status          string            `json:"status"`
	ExecutionCount  int               `json:"execution_count"`
	UserExpressions map[string]any    `json:"user_expressions"` // always {}: trailbook evaluates none
	Payload         []json.RawMessage `json:"payload"`          // always []
	ErrorContent
}

// ExecuteInputContent is the content of execute_input.
type ExecuteInputContent struct {
	Code           string `json:"code"`
	ExecutionCount int    `json:"execution_count"`
}

// StatusContent is the content of status.
type StatusContent struct {
	ExecutionState string `json:"execution_state"`
}

// StreamContent is the content of stream.
type StreamContent struct {
	Name string `json:"name"` // "stdout" or "stderr"
	Text string `json:"text"`
}

// DisplayDataContent is the content of display_data and execute_result (which adds
// the execution count).
type DisplayDataContent struct {
	ExecutionCount *int           `json:"execution_count,omitempty"`
	Data           MimeBundle     `json:"data"`
	Metadata       map[string]any `json:"metadata"`
	Transient      map[string]any `json:"transient,omitempty"`
}

// ErrorContent is the content of error, and part of a failed execute_reply.
type ErrorContent struct {
	Ename     string   `json:"ename,omitempty"`
	Evalue    string   `json:"evalue,omitempty"`
	Traceback []string `json:"traceback,omitempty"`
}

// The enames of trailbook's cell errors (spec/interfaces.md "Cells").
const (
	ErrDQLSyntax   = "DQLSyntaxError"
	ErrDQLRuntime  = "DQLRuntimeError"
	ErrScript      = "ScriptError"
	ErrInterrupted = "Interrupted"
)

// ErrorPos is one query error as data, for an editor to underline: 1-based line,
// and 1-based columns counted in UTF-16 code units (what browser editors count);
// EndColumn is exclusive. The kernel sends them in the metadata of the error and
// execute_reply messages as {"trailbook": {"errors": [...]}}; message metadata is
// not saved in notebooks, so the nbformat error output stays schema-valid.
type ErrorPos struct {
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndColumn int    `json:"endColumn"`
	Message   string `json:"message"`
}

// Complete is the content of complete_request. CursorPos counts Unicode code points
// (protocol 5.2 and later).
type Complete struct {
	Code      string `json:"code"`
	CursorPos int    `json:"cursor_pos"`
}

// Check rejects a cursor outside the code.
func (c *Complete) Check() error {
	if c.CursorPos < 0 {
		return errors.New("negative cursor_pos")
	}
	return nil
}

// CompleteReplyContent is the content of complete_reply. Metadata carries
// "_jupyter_types_experimental" (JupyterLab shows the type of each match).
type CompleteReplyContent struct {
	Status      string         `json:"status"`
	Matches     []string       `json:"matches"`
	CursorStart int            `json:"cursor_start"`
	CursorEnd   int            `json:"cursor_end"`
	Metadata    map[string]any `json:"metadata"`
}

// CompletionType is one entry of _jupyter_types_experimental.
type CompletionType struct {
	Start     int    `json:"start"`
	End       int    `json:"end"`
	Text      string `json:"text"`
	Type      string `json:"type"`
	Signature string `json:"signature,omitempty"`
}

// Inspect is the content of inspect_request.
type Inspect struct {
	Code        string `json:"code"`
	CursorPos   int    `json:"cursor_pos"`
	DetailLevel int    `json:"detail_level"`
}

// Check rejects a cursor outside the code.
func (c *Inspect) Check() error {
	if c.CursorPos < 0 {
		return errors.New("negative cursor_pos")
	}
	return nil
}

// InspectReplyContent is the content of inspect_reply.
type InspectReplyContent struct {
	Status   string         `json:"status"`
	Found    bool           `json:"found"`
	Data     MimeBundle     `json:"data"`
	Metadata map[string]any `json:"metadata"`
}

// IsComplete is the content of is_complete_request.
type IsComplete struct {
	Code string `json:"code"`
}

// IsCompleteReplyContent is the content of is_complete_reply: status is "complete",
// "incomplete", "invalid" or "unknown".
type IsCompleteReplyContent struct {
	Status string `json:"status"`
	Indent string `json:"indent,omitempty"`
}

// History is the content of history_request.
type History struct {
	Output         bool   `json:"output"`
	Raw            bool   `json:"raw"`
	HistAccessType string `json:"hist_access_type"` // "range", "tail" or "search"
	Session        int    `json:"session"`
	Start          int    `json:"start"`
	Stop           int    `json:"stop"`
	N              int    `json:"n"`
	Pattern        string `json:"pattern"`
	Unique         bool   `json:"unique"`
}

// HistoryReplyContent is the content of history_reply: entries are
// [session, line, input] or, with output, [session, line, [input, output]].
type HistoryReplyContent struct {
	Status  string  `json:"status"`
	History [][]any `json:"history"`
}

// CommInfoReplyContent is the content of comm_info_reply; trailbook opens no comms.
type CommInfoReplyContent struct {
	Status string         `json:"status"`
	Comms  map[string]any `json:"comms"`
}

// Shutdown is the content of shutdown_request and shutdown_reply.
type Shutdown struct {
	Status  string `json:"status,omitempty"`
	Restart bool   `json:"restart"`
}

// Reply is a reply content that carries only a status (interrupt_reply).
type Reply struct {
	Status string `json:"status"`
}

package protocol

import "encoding/json"

// MIME types of trailbook's outputs (spec/interfaces.md "Cells").
const (
	MIMEText     = "text/plain"
	MIMEHTML     = "text/html"
	MIMEMarkdown = "text/markdown"
	MIMEJSON     = "application/json"
	MIMETable    = "application/vnd.trailbook.table+json"
	MIMEECharts  = "application/vnd.trailbook.echarts+json"
	MIMEPNG      = "image/png"
)

// MimeBundle is the data of a display_data or execute_result: MIME type → value, as
// JSON. Text types hold JSON strings; +json types hold objects. Every bundle trailbook
// sends includes text/plain.
type MimeBundle map[string]json.RawMessage

// SetText sets a text MIME type (text/plain, text/html, text/markdown) to s.
func (b MimeBundle) SetText(mime, s string) {
	raw, _ := json.Marshal(s) // a string always encodes
	b[mime] = raw
}

// Text returns the string held under a text MIME type.
func (b MimeBundle) Text(mime string) (string, bool) {
	var s string
	raw, ok := b[mime]
	if !ok || json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

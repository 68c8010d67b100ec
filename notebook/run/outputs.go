package run

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/trailbook/trailbook/kernel/protocol"
	"github.com/trailbook/trailbook/notebook"
)

// The nbformat 4.5 output shapes (nbformat.v4.schema.json, "output"): every key the
// schema requires, in a fixed order so that executed notebooks diff well.

// streamOutput is {"output_type":"stream","name":…,"text":…}.
type streamOutput struct {
	Name string
	text strings.Builder
}

func (s *streamOutput) encode() json.RawMessage {
	return encode(struct {
		OutputType string   `json:"output_type"`
		Name       string   `json:"name"`
		Text       []string `json:"text"`
	}{"stream", s.Name, notebook.Lines(s.text.String())})
}

// displayOutput is a display_data ({"output_type","data","metadata"}) or an
// execute_result (the same with "execution_count"). Text MIME types are stored as
// lists of lines, as Jupyter writes them; JSON types (+json) stay JSON values; the
// rest (image/png: base64) as sent.
func displayOutput(typ string, d protocol.DisplayDataContent) json.RawMessage {
	data := make(map[string]json.RawMessage, len(d.Data))
	for mime, v := range d.Data {
		data[mime] = v
		if multiline(mime) {
			var s string
			if json.Unmarshal(v, &s) == nil {
				data[mime] = encode(notebook.Lines(s))
			}
		}
	}
	meta := d.Metadata
	if meta == nil {
		meta = map[string]any{}
	}
	if typ == protocol.ExecuteResult {
		return encode(struct {
			OutputType     string                     `json:"output_type"`
			ExecutionCount *int                       `json:"execution_count"`
			Data           map[string]json.RawMessage `json:"data"`
			Metadata       map[string]any             `json:"metadata"`
		}{typ, d.ExecutionCount, data, meta})
	}
	return encode(struct {
		OutputType string                     `json:"output_type"`
		Data       map[string]json.RawMessage `json:"data"`
		Metadata   map[string]any             `json:"metadata"`
	}{typ, data, meta})
}

// multiline reports whether nbformat stores a MIME type's text as a list of lines
// (nbformat's split_lines does it for text/* and SVG).
func multiline(mime string) bool {
	return strings.HasPrefix(mime, "text/") || mime == "image/svg+xml"
}

// errorOutput is {"output_type":"error","ename","evalue","traceback"}.
func errorOutput(e protocol.ErrorContent) json.RawMessage {
	tb := e.Traceback
	if tb == nil {
		tb = []string{}
	}
	return encode(struct {
		OutputType string   `json:"output_type"`
		Ename      string   `json:"ename"`
		Evalue     string   `json:"evalue"`
		Traceback  []string `json:"traceback"`
	}{"error", e.Ename, e.Evalue, tb})
}

// encode marshals without escaping <, > and &, as notebook.Encode writes: the
// notebook keeps text as written (escaping belongs to whoever renders it).
func encode(v any) json.RawMessage {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic("BUG: cannot encode an output: " + err.Error())
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

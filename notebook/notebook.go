// Package notebook owns trailbook's documents: Jupyter notebooks (.ipynb, nbformat
// 4.5 with cell ids), read leniently and written canonically; atomic saves that
// keep a .bak of the previous version; and Dir, the notebook directory that backs
// the Jupyter contents API, confined to its root (no "..", no absolute paths, no
// symlinks out).
//
// It imports no server and no kernel: package notebook/server serves it over HTTP.
package notebook

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// ErrInvalid is the class of documents and requests that are not valid notebooks
// or contents models; test with errors.Is.
var ErrInvalid = errors.New("invalid notebook")

// Notebook is an nbformat 4 document. Metadata is kept as raw JSON so that what
// trailbook does not know (other tools' keys) survives a round trip.
type Notebook struct {
	Cells         []*Cell         `json:"cells"`
	Metadata      json.RawMessage `json:"metadata"`
	NBFormat      int             `json:"nbformat"`
	NBFormatMinor int             `json:"nbformat_minor"`
}

// Cell types.
const (
	Code     = "code"
	Markdown = "markdown"
	Raw      = "raw"
)

// Cell is one notebook cell. Outputs and ExecutionCount belong to code cells,
// Attachments to markdown and raw cells; MarshalJSON writes only the keys the cell
// type allows, as the nbformat schema requires.
type Cell struct {
	ID             string            `json:"id"`
	CellType       string            `json:"cell_type"`
	Metadata       json.RawMessage   `json:"metadata"`
	Source         Source            `json:"source"`
	Outputs        []json.RawMessage `json:"outputs"`
	ExecutionCount *int              `json:"execution_count"`
	Attachments    json.RawMessage   `json:"attachments,omitempty"`
}

// MarshalJSON writes the keys of the cell's type.
func (c *Cell) MarshalJSON() ([]byte, error) {
	meta := c.Metadata
	if len(meta) == 0 || string(meta) == "null" {
		meta = json.RawMessage("{}")
	}
	if c.CellType == Code {
		outs := c.Outputs
		if outs == nil {
			outs = []json.RawMessage{}
		}
		return marshal(struct {
			ID             string            `json:"id"`
			CellType       string            `json:"cell_type"`
			Metadata       json.RawMessage   `json:"metadata"`
			Source         Source            `json:"source"`
			Outputs        []json.RawMessage `json:"outputs"`
			ExecutionCount *int              `json:"execution_count"`
		}{c.ID, c.CellType, meta, c.Source, outs, c.ExecutionCount})
	}
	return marshal(struct {
		ID          string          `json:"id"`
		CellType    string          `json:"cell_type"`
		Metadata    json.RawMessage `json:"metadata"`
		Source      Source          `json:"source"`
		Attachments json.RawMessage `json:"attachments,omitempty"`
	}{c.ID, c.CellType, meta, c.Source, c.Attachments})
}

// Source is a cell's text. nbformat stores it as a string or as a list of lines;
// both read, and it is written as lines, as Jupyter does.
type Source string

// UnmarshalJSON reads a string or a list of strings.
func (s *Source) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*s = Source(one)
		return nil
	}
	var lines []string
	if err := json.Unmarshal(b, &lines); err != nil {
		return fmt.Errorf("source is neither a string nor a list of strings")
	}
	*s = Source(strings.Join(lines, ""))
	return nil
}

// MarshalJSON writes the lines, each with its "\n" but the last.
func (s Source) MarshalJSON() ([]byte, error) {
	return marshal(Lines(string(s)))
}

// marshal encodes v without escaping <, > and &: a notebook keeps its text as
// written, as Jupyter does.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// Lines splits text into nbformat's multiline form: lines keeping their "\n".
func Lines(text string) []string {
	lines := strings.SplitAfter(text, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if lines == nil {
		lines = []string{}
	}
	return lines
}

// validID is nbformat 4.5's cell id pattern.
var validID = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)

// NewCellID returns a fresh cell id, 8 hex digits as Jupyter makes them.
func NewCellID() string {
	var b [4]byte
	rand.Read(b[:]) // never fails (crypto/rand)
	return hex.EncodeToString(b[:])
}

// New returns an empty trailbook notebook.
func New() *Notebook {
	return &Notebook{Cells: []*Cell{}, Metadata: defaultMetadata(), NBFormat: 4, NBFormatMinor: 5}
}

// defaultMetadata names trailbook's kernel, so that Jupyter tools pick it.
func defaultMetadata() json.RawMessage {
	return json.RawMessage(`{"kernelspec":{"display_name":"trailbook (DQL)","language":"dql","name":"trailbook"},` +
		`"language_info":{"file_extension":".dql","mimetype":"text/x-dql","name":"dql"}}`)
}

// Parse reads a notebook and upgrades it to nbformat 4.5: cells without a valid,
// unique id get a new one. Errors wrap ErrInvalid.
func Parse(data []byte) (*Notebook, error) {
	var nb Notebook
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&nb); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: text after the notebook", ErrInvalid)
	}
	if err := nb.check(); err != nil {
		return nil, err
	}
	return &nb, nil
}

// check validates a decoded notebook and upgrades it to 4.5.
func (nb *Notebook) check() error {
	if nb.NBFormat != 4 {
		return fmt.Errorf("%w: nbformat %d (trailbook reads nbformat 4)", ErrInvalid, nb.NBFormat)
	}
	if nb.Cells == nil {
		return fmt.Errorf("%w: no cells list", ErrInvalid)
	}
	if len(nb.Metadata) == 0 || string(nb.Metadata) == "null" {
		nb.Metadata = json.RawMessage("{}")
	} else if !isObject(nb.Metadata) {
		return fmt.Errorf("%w: metadata is not an object", ErrInvalid)
	}
	nb.NBFormatMinor = max(nb.NBFormatMinor, 5)
	seen := map[string]bool{}
	for i, c := range nb.Cells {
		if c == nil {
			return fmt.Errorf("%w: cell %d is null", ErrInvalid, i)
		}
		switch c.CellType {
		case Code, Markdown, Raw:
		default:
			return fmt.Errorf("%w: cell %d has type %q", ErrInvalid, i, c.CellType)
		}
		if len(c.Metadata) > 0 && string(c.Metadata) != "null" && !isObject(c.Metadata) {
			return fmt.Errorf("%w: cell %d: metadata is not an object", ErrInvalid, i)
		}
		for _, o := range c.Outputs {
			if !isObject(o) {
				return fmt.Errorf("%w: cell %d: an output is not an object", ErrInvalid, i)
			}
		}
		if c.CellType != Code {
			c.Outputs, c.ExecutionCount = nil, nil
		}
		if !validID.MatchString(c.ID) || seen[c.ID] {
			c.ID = NewCellID()
			for seen[c.ID] {
				c.ID = NewCellID()
			}
		}
		seen[c.ID] = true
	}
	return nil
}

func isObject(raw json.RawMessage) bool {
	raw = bytes.TrimLeft(raw, " \t\r\n")
	return len(raw) > 0 && raw[0] == '{'
}

// Encode writes a notebook as Jupyter does: JSON indented by one space, with a
// final newline.
func Encode(nb *Notebook) ([]byte, error) {
	if err := nb.check(); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", " ")
	enc.SetEscapeHTML(false) // as Jupyter writes it: a notebook is data, not HTML
	if err := enc.Encode(nb); err != nil {
		return nil, fmt.Errorf("cannot encode notebook: %w", err)
	}
	return buf.Bytes(), nil
}

// Trailbook is what trailbook keeps in notebook metadata under "trailbook".
type Trailbook struct {
	Timeframe *struct {
		From string `json:"from,omitempty"`
		To   string `json:"to,omitempty"`
	} `json:"timeframe,omitempty"`
}

// Trailbook returns the notebook's trailbook metadata (zero when absent or
// unreadable).
func (nb *Notebook) Trailbook() Trailbook {
	var m struct {
		Trailbook Trailbook `json:"trailbook"`
	}
	json.Unmarshal(nb.Metadata, &m) // absent or foreign metadata: the zero value
	return m.Trailbook
}

// Name returns the cell's name from its metadata (trailbook.name), "" when unset.
func (c *Cell) Name() string {
	var m struct {
		Trailbook struct {
			Name string `json:"name"`
		} `json:"trailbook"`
	}
	json.Unmarshal(c.Metadata, &m) // absent or foreign metadata: no name
	return m.Trailbook.Name
}

package templates

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/trailbook/trailbook/kernel/dql/syntax"
	"github.com/trailbook/trailbook/kernel/params"
	"github.com/trailbook/trailbook/notebook"
)

// Meta describes a template: metadata.trailbook.template of its notebook.
//
//	"trailbook": {
//	  "template": {"name": "console-signin-failures", "title": "Console sign-in failures",
//	               "description": "…", "tags": ["T1110.003", "credential-access"],
//	               "events": ["signin.amazonaws.com:ConsoleLogin"]},
//	  "parameters": [{"name": "timeframe", "type": "timeframe", "default": "-24h"}, …]
//	}
type Meta struct {
	// Name identifies the template on the command line (trailbook template run NAME):
	// lower case letters, digits and dashes.
	Name  string `json:"name"`
	Title string `json:"title"`
	// Description is one or two sentences: what the investigation looks for.
	Description string `json:"description"`
	// Tags are MITRE ATT&CK technique ids where they apply (T1078.004) and topics
	// (iam, logging, tutorial).
	Tags []string `json:"tags,omitempty"`
	// Events are the CloudTrail events the template reads, as eventSource:eventName
	// (signin.amazonaws.com:ConsoleLogin).
	Events []string `json:"events,omitempty"`
}

// metadata is the part of a notebook's metadata.trailbook that templates own. Other
// members of metadata.trailbook (timeframe, …) are kept as they are.
type metadata struct {
	Template   *Meta        `json:"template,omitempty"`
	Parameters []params.Def `json:"parameters,omitempty"`
}

// Parameters returns the parameters a notebook declares (metadata.trailbook.
// parameters), checked: valid names and types, defaults of their type, no name twice.
func Parameters(nb *notebook.Notebook) ([]params.Def, error) {
	m, err := readMetadata(nb)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, d := range m.Parameters {
		if err := d.Check(); err != nil {
			return nil, err
		}
		if seen[d.Name] {
			return nil, fmt.Errorf("parameter %s is declared twice", d.Name)
		}
		seen[d.Name] = true
	}
	return m.Parameters, nil
}

// Apply returns a copy of nb with its parameters set: given maps parameter names to
// values in text form (params.Def.Parse), the others take their defaults. Every
// $name in a DQL cell becomes the value's DQL literal (params.Substitute); `%%js`
// and Markdown cells are left alone ($ is common in JavaScript and prose). A
// timeframe parameter named "timeframe" (or the only timeframe parameter) also
// becomes the notebook's timeframe, the default of every fetch without from:/to:.
// The values used are recorded in metadata.trailbook.values.
//
// Apply fails, naming the cell, line and column, when a cell refers to a parameter
// the notebook does not declare; and, with an error that is an ErrParameter, when a
// value is missing, unknown or not of its type. nb is not modified.
func Apply(nb *notebook.Notebook, given map[string]string) (*notebook.Notebook, error) {
	defs, err := Parameters(nb)
	if err != nil {
		return nil, err
	}
	vals, err := params.Bind(defs, given)
	if err != nil {
		return nil, parameterError{err}
	}
	out, err := clone(nb)
	if err != nil {
		return nil, err
	}
	var errs []error
	for i, c := range out.Cells {
		if c.CellType != notebook.Code || !isDQL(string(c.Source)) {
			continue
		}
		src := string(c.Source)
		q, err := params.Substitute(src, vals)
		if err != nil {
			var se *syntax.Error
			if errors.As(err, &se) {
				se.Bind(src)
				err = fmt.Errorf("%v\n%s", se, se.Snippet())
			}
			errs = append(errs, fmt.Errorf("cell %d: %w", i+1, err))
			continue
		}
		c.Source = notebook.Source(q)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if err := setValues(out, defs, vals); err != nil {
		return nil, err
	}
	return out, nil
}

// ErrParameter is the class of errors about the values given to a template's
// parameters (unknown name, wrong type, missing value); test with errors.Is. The
// CLI reports them as usage errors; other errors of Apply are errors of the
// notebook itself.
var ErrParameter = errors.New("invalid parameter value")

// parameterError is an error about the given values: it reads as the values'
// problems and is an ErrParameter.
type parameterError struct{ err error }

func (e parameterError) Error() string   { return e.err.Error() }
func (e parameterError) Unwrap() []error { return []error{ErrParameter, e.err} }

// isDQL reports whether a code cell's source is DQL: not a `%%js` script nor a
// `%%md` cell (spec/interfaces.md "Cells").
func isDQL(src string) bool {
	first, _, _ := strings.Cut(strings.TrimLeft(src, " \t\r\n"), "\n")
	first = strings.TrimSpace(first)
	return !strings.HasPrefix(first, "%%js") && !strings.HasPrefix(first, "%%md")
}

// timeframeParam returns the parameter that sets the notebook's timeframe.
func timeframeParam(defs []params.Def) (params.Def, bool) {
	var found []params.Def
	for _, d := range defs {
		if d.Type == params.Timeframe {
			if d.Name == "timeframe" {
				return d, true
			}
			found = append(found, d)
		}
	}
	if len(found) == 1 {
		return found[0], true
	}
	return params.Def{}, false
}

// setValues records the values in metadata.trailbook.values and sets
// metadata.trailbook.timeframe from the timeframe parameter.
func setValues(nb *notebook.Notebook, defs []params.Def, vals map[string]params.Value) error {
	return editTrailbook(nb, func(tb map[string]json.RawMessage) {
		values := make(map[string]json.RawMessage, len(vals))
		for name, v := range vals {
			values[name] = v.JSON()
		}
		tb["values"] = mustJSON(values) // encoding/json sorts map keys
		if d, ok := timeframeParam(defs); ok {
			from, to := vals[d.Name].Timeframe()
			tb["timeframe"] = mustJSON(map[string]string{"from": from, "to": to})
		}
	})
}

func readMetadata(nb *notebook.Notebook) (metadata, error) {
	var m struct {
		Trailbook metadata `json:"trailbook"`
	}
	if len(nb.Metadata) > 0 {
		if err := json.Unmarshal(nb.Metadata, &m); err != nil {
			return metadata{}, fmt.Errorf("notebook metadata trailbook: %w", err)
		}
	}
	return m.Trailbook, nil
}

// clone copies a notebook deeply, through its canonical encoding.
func clone(nb *notebook.Notebook) (*notebook.Notebook, error) {
	data, err := notebook.Encode(nb)
	if err != nil {
		return nil, err
	}
	return notebook.Parse(data)
}

// mustJSON encodes values that always encode (maps of strings and raw JSON).
func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

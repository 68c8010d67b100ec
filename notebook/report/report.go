// Package report writes a notebook as one self-contained HTML file: the report of
// an investigation, to mail or archive, that opens offline in any browser. CSS,
// scripts, chart data and images are inline; the file refers to no URL, and its
// Content-Security-Policy lets only its own scripts (by hash) run and only data:
// images load, so that even a mistake in escaping could not run injected script.
//
// Everything in a notebook may come from anyone (a shared .ipynb, log strings in
// outputs), so nothing is copied as markup: Markdown is rendered with raw HTML
// off and links shown as text, tables are rebuilt from the
// application/vnd.trailbook.table+json data with every value escaped (a text/html
// output is never used), and charts are rebuilt from the parts of the ECharts
// option trailbook draws, embedded as JSON data and drawn by the report's own
// script. With JavaScript off, a chart's image/png output stands in for it.
//
// It imports the notebook model and the standard library (and goldmark for
// Markdown); no kernel, server or renderer. The ECharts library comes in through
// Options, from whoever embeds it.
package report

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"html"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/trailbook/trailbook/notebook"
)

// MIME types the report reads.
const (
	mimeTable    = "application/vnd.trailbook.table+json"
	mimeECharts  = "application/vnd.trailbook.echarts+json"
	mimePNG      = "image/png"
	mimeJPEG     = "image/jpeg"
	mimeSVG      = "image/svg+xml"
	mimeMarkdown = "text/markdown"
	mimeJSON     = "application/json"
	mimeText     = "text/plain"
)

// Options configure Write. The zero Options make a report whose charts show as
// their images (no ECharts), with up to DefaultMaxRows rows per table.
type Options struct {
	// Title is the report's title; empty means the notebook's first heading, else
	// "trailbook report".
	Title string
	// ECharts is the source of an ECharts build that defines the global `echarts`
	// (dist/echarts.min.js). It is inlined, and charts are drawn from their options
	// with it; empty leaves charts as images.
	ECharts string
	// MaxRows bounds the rows shown per table; zero means DefaultMaxRows.
	MaxRows int
	// Generated, when not zero, is printed as the time the report was made.
	Generated time.Time
}

// DefaultMaxRows is the rows shown per table: the records a table output carries
// by default, enough to read and small enough to open quickly.
const DefaultMaxRows = 1000

// Write writes nb as a self-contained HTML report.
func Write(w io.Writer, nb *notebook.Notebook, opt Options) error {
	if opt.MaxRows <= 0 {
		opt.MaxRows = DefaultMaxRows
	}
	r := &writer{opt: opt}
	r.body(nb)
	page := r.page(nb)
	bw := bufio.NewWriter(w)
	bw.WriteString(page)
	return bw.Flush()
}

// writer builds one report.
type writer struct {
	opt    Options
	b      strings.Builder // the <main> content
	charts int             // charts so far, for element ids
}

// page wraps the body in the document: the CSP with the hashes of the inline
// scripts and style, the style, the body, and the scripts at the end.
func (r *writer) page(nb *notebook.Notebook) string {
	// The title: given, else the notebook's first heading (which the body shows,
	// so the header does not repeat it), else a generic one.
	title, heading := r.opt.Title, true
	if title == "" {
		title = firstHeading(nb)
		heading = title == ""
	}
	if title == "" {
		title = "trailbook report"
	}
	var scripts []string
	if r.opt.ECharts != "" && r.charts > 0 {
		scripts = append(scripts, scriptText(r.opt.ECharts), scriptText(drawScript))
	}
	csp := "default-src 'none'; img-src data:; style-src " + hash(styleSheet) +
		"; base-uri 'none'; form-action 'none'"
	if len(scripts) > 0 {
		srcs := make([]string, len(scripts))
		for i, s := range scripts {
			srcs[i] = hash(s)
		}
		csp = "default-src 'none'; script-src " + strings.Join(srcs, " ") + "; img-src data:; style-src " +
			hash(styleSheet) + "; base-uri 'none'; form-action 'none'"
	}
	var p strings.Builder
	p.WriteString("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
	p.WriteString(`<meta http-equiv="Content-Security-Policy" content="` + html.EscapeString(csp) + "\">\n")
	p.WriteString("<meta name=\"referrer\" content=\"no-referrer\">\n")
	p.WriteString("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
	p.WriteString("<meta name=\"generator\" content=\"trailbook\">\n")
	p.WriteString("<title>" + esc(title) + "</title>\n")
	p.WriteString("<style>" + styleSheet + "</style>\n</head>\n<body>\n<header>\n")
	if heading {
		p.WriteString("<h1>" + esc(title) + "</h1>\n")
	}
	p.WriteString(r.about(nb))
	p.WriteString("</header>\n<main>\n")
	p.WriteString(r.b.String())
	p.WriteString("</main>\n")
	for _, s := range scripts {
		p.WriteString("<script>" + s + "</script>\n")
	}
	p.WriteString("</body>\n</html>\n")
	return p.String()
}

// hash is a CSP source for an inline script or style: its SHA-256, base64.
func hash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

// scriptText makes script source safe to put between <script> tags: "</script"
// and "<!--" would end or change the element. In JavaScript they can only occur
// in strings, regular expressions and comments, where "<\/" means "</".
func scriptText(s string) string {
	s = strings.ReplaceAll(s, "</", `<\/`)
	return strings.ReplaceAll(s, "<!--", `<\!--`)
}

// about describes the run: the notebook's timeframe and parameter values, and
// when the report was made.
func (r *writer) about(nb *notebook.Notebook) string {
	var m struct {
		Trailbook struct {
			Timeframe *struct {
				From string `json:"from"`
				To   string `json:"to"`
			} `json:"timeframe"`
			Values map[string]json.RawMessage `json:"values"`
		} `json:"trailbook"`
	}
	json.Unmarshal(nb.Metadata, &m) // foreign metadata: nothing to say
	var rows [][2]string
	if tf := m.Trailbook.Timeframe; tf != nil {
		from, to := tf.From, tf.To
		if from == "" {
			from = "-2h"
		}
		if to == "" {
			to = "now"
		}
		rows = append(rows, [2]string{"timeframe", from + " to " + to})
	}
	names := make([]string, 0, len(m.Trailbook.Values))
	for n := range m.Trailbook.Values {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		rows = append(rows, [2]string{"$" + n, valueText(m.Trailbook.Values[n])})
	}
	if !r.opt.Generated.IsZero() {
		rows = append(rows, [2]string{"generated", r.opt.Generated.UTC().Format("2006-01-02 15:04:05 UTC")})
	}
	if len(rows) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("<dl class=\"about\">\n")
	for _, row := range rows {
		b.WriteString("<dt>" + esc(row[0]) + "</dt><dd>" + esc(row[1]) + "</dd>\n")
	}
	b.WriteString("</dl>\n")
	return b.String()
}

// body renders the cells.
func (r *writer) body(nb *notebook.Notebook) {
	for i, c := range nb.Cells {
		switch c.CellType {
		case notebook.Markdown:
			r.b.WriteString("<section class=\"cell markdown\">\n")
			r.b.WriteString(markdown(string(c.Source)))
			r.b.WriteString("</section>\n")
		case notebook.Code:
			r.code(i, c)
		}
		// Raw cells are for other tools (nbconvert's raw output); a report skips them.
	}
}

// code renders a code cell: a heading with its count and name, the source, the
// outputs.
func (r *writer) code(i int, c *notebook.Cell) {
	r.b.WriteString(`<section class="cell code" id="cell-` + strconv.Itoa(i+1) + "\">\n")
	r.b.WriteString(`<div class="cell-head"><span class="count">[`)
	if c.ExecutionCount != nil {
		r.b.WriteString(strconv.Itoa(*c.ExecutionCount))
	} else {
		r.b.WriteString("&nbsp;")
	}
	r.b.WriteString("]</span>")
	if name := c.Name(); name != "" {
		r.b.WriteString(` <span class="name">` + esc(name) + "</span>")
	}
	if c.ExecutionCount == nil && len(c.Outputs) == 0 && strings.TrimSpace(string(c.Source)) != "" {
		r.b.WriteString(` <span class="muted">not run</span>`)
	}
	r.b.WriteString("</div>\n")
	if src := strings.TrimRight(string(c.Source), "\n"); strings.TrimSpace(src) != "" {
		r.b.WriteString(`<pre class="source"><code>` + esc(clean(src)) + "</code></pre>\n")
	}
	r.outputs(c.Outputs)
	r.b.WriteString("</section>\n")
}

// output is the part of an nbformat output the report reads.
type output struct {
	OutputType string                     `json:"output_type"`
	Name       string                     `json:"name"`
	Text       json.RawMessage            `json:"text"`
	Data       map[string]json.RawMessage `json:"data"`
	Ename      string                     `json:"ename"`
	Evalue     string                     `json:"evalue"`
	Traceback  []string                   `json:"traceback"`
}

// outputs renders a cell's outputs. A chart output and the table output after it
// are the two views of one result: both are shown, the chart first.
func (r *writer) outputs(raws []json.RawMessage) {
	for _, raw := range raws {
		var o output
		if json.Unmarshal(raw, &o) != nil {
			r.b.WriteString(`<p class="output muted">(an output that is not valid nbformat)</p>` + "\n")
			continue
		}
		switch o.OutputType {
		case "stream":
			cls := "stdout"
			if o.Name == "stderr" {
				cls = "stderr"
			}
			r.b.WriteString(`<pre class="output stream ` + cls + `">` + esc(clean(multiline(o.Text))) + "</pre>\n")
		case "error":
			r.b.WriteString(`<div class="output error" role="alert"><div class="ename">` + esc(clean(o.Ename)))
			if o.Evalue != "" {
				r.b.WriteString(": " + esc(clean(o.Evalue)))
			}
			r.b.WriteString("</div>")
			if tb := strings.Join(o.Traceback, "\n"); tb != "" && tb != o.Evalue {
				r.b.WriteString(`<pre class="traceback">` + esc(clean(tb)) + "</pre>")
			}
			r.b.WriteString("</div>\n")
		case "display_data", "execute_result":
			r.bundle(o.Data)
		}
	}
}

// bundle renders the richest type of a MIME bundle the report can show safely.
func (r *writer) bundle(data map[string]json.RawMessage) {
	switch {
	case data[mimeECharts] != nil:
		r.chart(data)
	case data[mimeTable] != nil:
		r.table(data[mimeTable])
	case data[mimeMarkdown] != nil:
		r.b.WriteString("<div class=\"output markdown\">\n" + markdown(multiline(data[mimeMarkdown])) + "</div>\n")
	case image(data) != "":
		r.b.WriteString(`<div class="output image"><img alt="" src="` + image(data) + "\"></div>\n")
	case data[mimeJSON] != nil:
		var buf bytes.Buffer
		if json.Indent(&buf, data[mimeJSON], "", "  ") != nil {
			buf.Reset()
			buf.Write(data[mimeJSON])
		}
		r.b.WriteString(`<pre class="output json">` + esc(clean(buf.String())) + "</pre>\n")
	case data[mimeText] != nil:
		// text/html is never shown as HTML: a notebook's outputs may come from
		// anyone. Its text/plain stands in for it, as in the notebook UI.
		r.b.WriteString(`<pre class="output text">` + esc(clean(multiline(data[mimeText]))) + "</pre>\n")
	}
}

// image returns a data: URL for the bundle's image, "" when it has none or the
// data is not base64. SVG goes through an <img> too, where it cannot run script.
func image(data map[string]json.RawMessage) string {
	for _, mime := range []string{mimePNG, mimeJPEG, mimeSVG} {
		raw, ok := data[mime]
		if !ok {
			continue
		}
		s := multiline(raw)
		if mime == mimeSVG {
			return "data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString([]byte(s))
		}
		s = strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) {
				return -1
			}
			return r
		}, s)
		if _, err := base64.StdEncoding.DecodeString(s); err != nil || s == "" {
			continue
		}
		return "data:" + mime + ";base64," + s
	}
	return ""
}

// multiline reads an nbformat multiline string: a string or a list of strings.
func multiline(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var lines []string
	if json.Unmarshal(raw, &lines) == nil {
		return strings.Join(lines, "")
	}
	return ""
}

// ansi matches the terminal escapes some kernels put in streams and tracebacks.
var ansi = regexp.MustCompile(`\x1b\[[0-9;?]*[A-Za-z]`)

// clean removes terminal escapes, control characters (but newline and tab) and
// bidirectional overrides, which could make a value read as something else.
func clean(s string) string {
	s = ansi.ReplaceAllString(s, "")
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			return -1
		}
		return r
	}, s)
}

// esc escapes text for HTML element content and quoted attributes.
func esc(s string) string { return html.EscapeString(s) }

// firstHeading returns the text of the notebook's first Markdown heading.
func firstHeading(nb *notebook.Notebook) string {
	for _, c := range nb.Cells {
		if c.CellType != notebook.Markdown {
			continue
		}
		for _, line := range strings.Split(string(c.Source), "\n") {
			if t, ok := strings.CutPrefix(strings.TrimSpace(line), "# "); ok {
				return clean(strings.TrimSpace(t))
			}
		}
	}
	return ""
}

// valueText shows a parameter value: strings as they are, others as JSON.
func valueText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return clean(s)
	}
	var list []string
	if json.Unmarshal(raw, &list) == nil {
		return clean(strings.Join(list, ", "))
	}
	return clean(string(raw))
}

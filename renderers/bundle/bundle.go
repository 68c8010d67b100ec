// Package bundle turns kernel results into the MIME bundles of notebook outputs
// (spec/interfaces.md "Cells"): a table as application/vnd.trailbook.table+json,
// escaped text/html and text/plain; a makeTimeseries result also as a chart,
// application/vnd.trailbook.echarts+json with text/plain and image/png (the chart
// drawn on the server, so that a saved .ipynb shows it on GitHub, in JupyterLab and
// in nbconvert). Renderer implements kernel.Renderer; the kernel itself knows
// nothing of how a table or chart looks.
package bundle

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"log"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/trailbook/trailbook/kernel"
	"github.com/trailbook/trailbook/kernel/dql/value"
	"github.com/trailbook/trailbook/kernel/protocol"
	"github.com/trailbook/trailbook/renderers/chart"
	"github.com/trailbook/trailbook/renderers/table"
)

// Defaults of Renderer.
const (
	DefaultRows     = 1000 // records inline in table+json; the rest are paged over REST
	DefaultHTMLRows = 100  // rows in text/html, which notebooks save and GitHub shows
	DefaultTextRows = 30   // rows in text/plain, for terminals and nbconvert
)

// Renderer renders results for the kernel. The zero Renderer uses the defaults; it
// is safe for concurrent use.
type Renderer struct {
	Rows, HTMLRows, TextRows int

	// NoImage leaves image/png out of chart bundles.
	NoImage bool
	// ImageWidth and ImageHeight are the chart image's size in CSS pixels
	// (default chart.DefaultWidth × chart.DefaultHeight), ImageScale its device
	// pixels per CSS pixel (default 1: a notebook stays small).
	ImageWidth, ImageHeight int
	ImageScale              float64
}

// imageTimeout bounds the drawing of a chart image. The image is a
// convenience for notebook viewers; a cell never waits longer for it (a warm
// renderer takes well under a second for 15,000 points).
const imageTimeout = 10 * time.Second

var _ kernel.Renderer = Renderer{}

func orDefault(n, def int) int {
	if n <= 0 {
		return def
	}
	return n
}

// Table returns a result's table bundle. Its table+json is
//
//	{"columns":[{"name":"a","type":"long"}],"records":[{"a":1}],"total":1,"resultId":"…"}
//
// with records in the typed JSON lines encoding (spec/dql.md §12.3), at most Rows of
// them; "total" counts every record of the result, and GET
// /api/trailbook/results/{resultId}?offset=&limit= pages through the rest. When the
// kernel kept fewer records than the query returned, "kept" says how many can be
// paged.
func (rd Renderer) Table(r *kernel.Result) protocol.MimeBundle {
	b := protocol.MimeBundle{}
	b[protocol.MIMETable] = TableJSON(r, orDefault(rd.Rows, DefaultRows))

	names := make([]string, len(r.Columns))
	for i, c := range r.Columns {
		names[i] = c.Name
	}
	b.SetText(protocol.MIMEHTML, table.HTML(names, r.Page(0, orDefault(rd.HTMLRows, DefaultHTMLRows)), r.Total))
	b.SetText(protocol.MIMEText, plain(names, r.Page(0, orDefault(rd.TextRows, DefaultTextRows)), r.Total))
	return b
}

// TableJSON encodes r as a table+json object with its first limit records.
func TableJSON(r *kernel.Result, limit int) json.RawMessage {
	var buf bytes.Buffer
	cols, _ := json.Marshal(r.Columns) // names and types: strings only
	buf.WriteString(`{"columns":`)
	buf.Write(cols)
	buf.WriteString(`,"records":[`)
	var rec []byte
	for i, x := range r.Page(0, limit) {
		if i > 0 {
			buf.WriteByte(',')
		}
		rec = value.AppendRecordJSONL(rec[:0], x)
		buf.Write(rec)
	}
	buf.WriteString(`],"total":`)
	buf.WriteString(strconv.Itoa(r.Total))
	if r.Truncated() {
		buf.WriteString(`,"kept":`)
		buf.WriteString(strconv.Itoa(len(r.Records)))
	}
	buf.WriteString(`,"resultId":`)
	id, _ := json.Marshal(r.ID)
	buf.Write(id)
	buf.WriteByte('}')
	return buf.Bytes()
}

// plain renders the first records as aligned text with a count line.
func plain(cols []string, recs []*value.Record, total int) string {
	var b strings.Builder
	table.Write(&b, cols, recs) // a strings.Builder does not fail
	s := strings.TrimSuffix(b.String(), "\n")
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[:i+1] // drop Write's own count line: it counts only the rows shown
	} else {
		s = ""
	}
	return s + "(" + table.CountLine(len(recs), total) + ")"
}

// Chart returns the chart bundle of a makeTimeseries-shaped result, nil for others.
func (rd Renderer) Chart(r *kernel.Result) protocol.MimeBundle {
	opt, ok := chart.Build(r.Records, chart.Options{})
	if !ok {
		return nil
	}
	raw, err := json.Marshal(opt)
	if err != nil {
		panic("BUG: cannot encode a chart option: " + err.Error())
	}
	b := protocol.MimeBundle{protocol.MIMEECharts: raw}
	if !rd.NoImage {
		if img := rd.image(opt); img != nil {
			b.SetText(protocol.MIMEPNG, base64.StdEncoding.EncodeToString(img))
		}
	}
	names := make([]string, len(opt.Series))
	for i, s := range opt.Series {
		names[i] = s.Name
	}
	b.SetText(protocol.MIMEText, "line chart of "+strconv.Itoa(len(opt.Series))+" series: "+table.Clean(strings.Join(names, "; ")))
	return b
}

// image draws a chart's PNG, or returns nil (and logs why) when it cannot: a
// chart without its picture is still a chart, so this never fails a cell.
func (rd Renderer) image(opt *chart.Option) []byte {
	scale := rd.ImageScale
	if scale <= 0 {
		scale = 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), imageTimeout)
	defer cancel()
	img, err := chart.PNG(ctx, opt, orDefault(rd.ImageWidth, chart.DefaultWidth), orDefault(rd.ImageHeight, chart.DefaultHeight), scale)
	if err != nil {
		if errors.Is(err, chart.ErrNoScript) {
			noScriptOnce.Do(func() { log.Printf("charts: no image/png in notebook outputs: %v", err) })
		} else {
			log.Printf("charts: no image/png for a chart: %v", err)
		}
		return nil
	}
	return img
}

var noScriptOnce sync.Once

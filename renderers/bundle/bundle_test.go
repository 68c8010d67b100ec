package bundle

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/png"
	"strings"
	"testing"

	"github.com/trailbook/trailbook/kernel"
	"github.com/trailbook/trailbook/kernel/dql/value"
	"github.com/trailbook/trailbook/kernel/protocol"
	"github.com/trailbook/trailbook/renderers/chart"
)

func result(n int) *kernel.Result {
	recs := make([]*value.Record, n)
	for i := range recs {
		r := value.NewRecord(2)
		r.Append("user", value.String("<b>u</b>"))
		r.Append("n", value.Long(int64(i)))
		recs[i] = r
	}
	return kernel.NewResult("cell1", recs)
}

func TestTable(t *testing.T) {
	r := result(5)
	b := Renderer{Rows: 2, HTMLRows: 1, TextRows: 3}.Table(r)
	var tj struct {
		Columns  []kernel.Column
		Records  []map[string]any
		Total    int
		ResultID string `json:"resultId"`
	}
	if err := json.Unmarshal(b[protocol.MIMETable], &tj); err != nil {
		t.Fatal(err)
	}
	if len(tj.Records) != 2 || tj.Total != 5 || tj.ResultID != r.ID || tj.Columns[1] != (kernel.Column{Name: "n", Type: "long"}) {
		t.Fatalf("table+json = %s", b[protocol.MIMETable])
	}
	html, _ := b.Text(protocol.MIMEHTML)
	if strings.Contains(html, "<b>") || !strings.Contains(html, "&lt;b&gt;u&lt;/b&gt;") || !strings.Contains(html, "showing 1 of 5 records") {
		t.Fatalf("text/html = %s", html)
	}
	text, _ := b.Text(protocol.MIMEText)
	want := "user      n\n────────  ─\n<b>u</b>  0\n<b>u</b>  1\n<b>u</b>  2\n(showing 3 of 5 records)"
	if text != want {
		t.Fatalf("text/plain:\n%s\nwant:\n%s", text, want)
	}
	if got := string(TableJSON(r, 1)); got != `{"columns":[{"name":"user","type":"string"},{"name":"n","type":"long"}],"records":[{"user":"\u003cb\u003eu\u003c/b\u003e","n":0}],"total":5,"resultId":"`+r.ID+`"}` {
		t.Fatalf("TableJSON = %s", got)
	}
	if (Renderer{}).Chart(r) != nil {
		t.Fatal("a plain table got a chart")
	}
}

func TestChart(t *testing.T) {
	rec := value.NewRecord(4)
	rec.Append("timeframe", value.Timeframe(0, 7200e9))
	rec.Append("interval", value.Duration(3600e9))
	rec.Append("region", value.String("us-east-1"))
	rec.Append("count()", value.Array([]value.Value{value.Long(1), value.Long(2)}))
	b := Renderer{}.Chart(kernel.NewResult("c", []*value.Record{rec}))
	if b == nil {
		t.Fatal("no chart")
	}
	if text, _ := b.Text(protocol.MIMEText); text != "line chart of 1 series: us-east-1" {
		t.Fatalf("text/plain = %q", text)
	}
	if !strings.Contains(string(b[protocol.MIMEECharts]), `"data":[[0,1],[3600000,2]]`) {
		t.Fatalf("option = %s", b[protocol.MIMEECharts])
	}
	if _, err := chart.Script(); err != nil {
		t.Fatalf("%v (make ui builds it)", err)
	}
	s, ok := b.Text(protocol.MIMEPNG)
	if !ok {
		t.Fatal("no image/png in the chart bundle")
	}
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatalf("image/png is not base64: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("image/png does not decode: %v", err)
	}
	if got := img.Bounds().Size(); got != image.Pt(chart.DefaultWidth, chart.DefaultHeight) {
		t.Fatalf("image/png is %v", got)
	}
	if nb := (Renderer{NoImage: true}).Chart(kernel.NewResult("c", []*value.Record{rec})); nb[protocol.MIMEPNG] != nil {
		t.Fatal("NoImage still draws the image")
	}
}

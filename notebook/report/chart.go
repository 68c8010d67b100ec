package report

import (
	"encoding/json"
	"math"
)

// chartData is the part of an application/vnd.trailbook.echarts+json option the
// report draws, as the notebook UI's safeOption does: the title, the y axis name
// and the line series. Everything else of the option (formatters, graphics, image
// symbols, styles) is dropped, so that a notebook from anyone cannot make the
// report load a URL or build markup from a string.
type chartData struct {
	Title  string        `json:"title,omitempty"`
	YName  string        `json:"yName,omitempty"`
	Series []chartSeries `json:"series"`
}

type chartSeries struct {
	Name       string        `json:"name"`
	ShowSymbol bool          `json:"showSymbol"`
	Data       [][2]*float64 `json:"data"` // [epoch ms, value or null]
}

// safeChart reads an ECharts option into chartData.
func safeChart(raw json.RawMessage) (chartData, bool) {
	var src struct {
		Title *struct {
			Text any `json:"text"`
		} `json:"title"`
		YAxis *struct {
			Name any `json:"name"`
		} `json:"yAxis"`
		Series []struct {
			Name       any             `json:"name"`
			ShowSymbol any             `json:"showSymbol"`
			Data       json.RawMessage `json:"data"`
		} `json:"series"`
	}
	if json.Unmarshal(raw, &src) != nil {
		return chartData{}, false
	}
	out := chartData{Series: []chartSeries{}}
	if src.Title != nil {
		out.Title = str(src.Title.Text)
	}
	if src.YAxis != nil {
		out.YName = str(src.YAxis.Name)
	}
	for _, s := range src.Series {
		cs := chartSeries{Name: str(s.Name), Data: [][2]*float64{}}
		cs.ShowSymbol, _ = s.ShowSymbol.(bool)
		var points []json.RawMessage
		json.Unmarshal(s.Data, &points) // not a list: no points
		for _, p := range points {
			var pt []any
			if json.Unmarshal(p, &pt) != nil || len(pt) < 2 {
				continue
			}
			t := num(pt[0])
			if t == nil {
				continue
			}
			cs.Data = append(cs.Data, [2]*float64{t, num(pt[1])})
		}
		out.Series = append(out.Series, cs)
	}
	return out, true
}

func str(v any) string {
	s, _ := v.(string)
	return clean(s)
}

// num returns a finite number, nil for anything else (a gap in the line).
func num(v any) *float64 {
	f, ok := v.(float64)
	if !ok || math.IsNaN(f) || math.IsInf(f, 0) {
		return nil
	}
	return &f
}

// chart renders a chart output: a box the report's script draws into, the chart's
// data as JSON (encoding/json escapes <, >, &, U+2028 and U+2029, so the data
// cannot end its <script> element), and the image/png or text that shows with
// JavaScript off.
func (r *writer) chart(data map[string]json.RawMessage) {
	cd, ok := safeChart(data[mimeECharts])
	alt := clean(multiline(data[mimeText]))
	if !ok || len(cd.Series) == 0 || r.opt.ECharts == "" {
		// Nothing to draw with, or nothing to draw: the image, else the text.
		if img := image(data); img != "" {
			r.b.WriteString(`<div class="output image"><img alt="` + esc(alt) + `" src="` + img + "\"></div>\n")
		} else if alt != "" {
			r.b.WriteString(`<pre class="output text">` + esc(alt) + "</pre>\n")
		}
		return
	}
	js, err := json.Marshal(cd)
	if err != nil {
		panic("BUG: cannot encode chart data: " + err.Error())
	}
	r.charts++
	r.b.WriteString(`<figure class="output chart-output"><div class="chart" role="img" aria-label="` + esc(alt) + "\"></div>\n")
	if img := image(data); img != "" {
		r.b.WriteString(`<img class="chart-img" alt="` + esc(alt) + `" src="` + img + "\">\n")
	} else {
		r.b.WriteString(`<p class="chart-alt muted">` + esc(alt) + " (the chart needs JavaScript)</p>\n")
	}
	r.b.WriteString(`<script type="application/json" class="chart-data">` + string(js) + "</script></figure>\n")
}

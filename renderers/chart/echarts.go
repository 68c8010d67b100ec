// Package chart draws query results as charts. It builds ECharts option objects
// (the application/vnd.trailbook.echarts+json output that the notebook UI hands to
// setOption) from makeTimeseries-shaped results.
//
// Options are plain structs encoded with encoding/json, never go-echarts' HTML
// rendering: that renderer writes data into a <script> and turns "__f__…__f__"
// strings into JavaScript functions, so a log string could run code. Here every
// string stays a JSON string, with <, > and & escaped.
package chart

import (
	"math"
	"strings"

	"github.com/trailbook/trailbook/kernel/dql/value"
	"github.com/trailbook/trailbook/renderers/table"
)

// Field names of a makeTimeseries result (spec/dql.md §9).
const (
	fieldTimeframe = "timeframe"
	fieldInterval  = "interval"
)

// IsTimeseries reports whether records have the makeTimeseries shape: every record
// has a timeframe, an interval and at least one array field.
//
//	data record(timeframe = timeframe(from: -1h, to: now()), interval = 5m, c = array(1, 2))
func IsTimeseries(recs []*value.Record) bool {
	if len(recs) == 0 {
		return false
	}
	for _, r := range recs {
		if _, ok := r.Lookup(fieldTimeframe).Timeframe(); !ok {
			return false
		}
		if _, ok := r.Lookup(fieldInterval).Duration(); !ok {
			return false
		}
		arrays := 0
		r.Range(func(_ string, v value.Value) bool {
			if v.Kind() == value.KindArray {
				arrays++
			}
			return true
		})
		if arrays == 0 {
			return false
		}
	}
	return true
}

// Option is an ECharts option object: a line chart over a time axis.
type Option struct {
	Animation bool       `json:"animation"`
	Title     *Title     `json:"title,omitempty"`
	Tooltip   Tooltip    `json:"tooltip"`
	Legend    Legend     `json:"legend"`
	Grid      Grid       `json:"grid"`
	XAxis     Axis       `json:"xAxis"`
	YAxis     Axis       `json:"yAxis"`
	DataZoom  []DataZoom `json:"dataZoom"`
	Series    []Series   `json:"series"`
}

// Title is the chart title.
type Title struct {
	Text string `json:"text"`
}

// Tooltip configures the tooltip; trigger "axis" shows every series at a time.
type Tooltip struct {
	Trigger string `json:"trigger"`
}

// Legend lists the series; type "scroll" pages a long legend.
type Legend struct {
	Type string   `json:"type"`
	Top  string   `json:"top,omitempty"`
	Data []string `json:"data"`
}

// Grid places the plot; ContainLabel keeps axis labels inside it.
type Grid struct {
	Left         string `json:"left"`
	Right        string `json:"right"`
	Top          int    `json:"top"`
	Bottom       int    `json:"bottom"`
	ContainLabel bool   `json:"containLabel"`
}

// Axis is an x or y axis.
type Axis struct {
	Type  string `json:"type"`
	Name  string `json:"name,omitempty"`
	Scale bool   `json:"scale,omitempty"`
}

// DataZoom is a zoom control: "inside" (wheel and drag) or "slider".
type DataZoom struct {
	Type string `json:"type"`
}

// Series is one line: points of [time in epoch milliseconds, value or null].
type Series struct {
	Name       string   `json:"name"`
	Type       string   `json:"type"`
	ShowSymbol bool     `json:"showSymbol"`
	Data       [][2]any `json:"data"`
}

// Options configure Build.
type Options struct {
	Title string // chart title; none when empty
}

// Build returns the ECharts option of a makeTimeseries-shaped result: one line
// series per group (record) and aggregation (array field), named by the group's
// by-field values and, when there are several aggregations, the aggregation's field
// name; slot i sits at timeframe start + i × interval. It reports false for records
// without that shape.
func Build(recs []*value.Record, o Options) (*Option, bool) {
	if !IsTimeseries(recs) {
		return nil, false
	}
	opt := &Option{
		Tooltip:  Tooltip{Trigger: "axis"},
		Legend:   Legend{Type: "scroll", Data: []string{}},
		Grid:     Grid{Left: "3%", Right: "4%", Top: 40, Bottom: 60, ContainLabel: true},
		XAxis:    Axis{Type: "time"},
		YAxis:    Axis{Type: "value"},
		DataZoom: []DataZoom{{Type: "inside"}, {Type: "slider"}},
		Series:   []Series{},
	}
	if o.Title != "" {
		opt.Title = &Title{Text: o.Title}
		opt.Legend.Top = "28"
	}
	aggs := aggregations(recs)
	for _, r := range recs {
		tf, _ := r.Lookup(fieldTimeframe).Timeframe()
		step, _ := r.Lookup(fieldInterval).Duration()
		group := groupName(r)
		for _, agg := range aggs {
			arr, ok := r.Lookup(agg).Array()
			if !ok {
				continue
			}
			name := group
			switch {
			case name == "":
				name = agg
			case len(aggs) > 1:
				name += " · " + agg
			}
			s := Series{Name: name, Type: "line", Data: make([][2]any, len(arr))}
			for i, v := range arr {
				t := (tf.Start + int64(i)*step) / 1e6
				s.Data[i] = [2]any{t, number(v)}
			}
			s.ShowSymbol = len(s.Data) <= maxSymbolPoints && isolated(s.Data)
			opt.Series = append(opt.Series, s)
			opt.Legend.Data = append(opt.Legend.Data, name)
		}
	}
	return opt, true
}

// maxSymbolPoints is the longest series drawn with a dot on each point: a dot
// is the only way a slot with empty slots on both sides shows at all (a line
// needs two neighbours), and up to this many dots stay readable and cheap.
const maxSymbolPoints = 500

// isolated reports whether a series has a value whose neighbours are both gaps
// (empty slots are null in makeTimeseries, spec/dql.md §9), which a line alone
// would not show.
func isolated(data [][2]any) bool {
	for i, p := range data {
		if p[1] == nil {
			continue
		}
		if (i == 0 || data[i-1][1] == nil) && (i == len(data)-1 || data[i+1][1] == nil) {
			return true
		}
	}
	return false
}

// aggregations returns the array fields of the records, in order of first appearance.
func aggregations(recs []*value.Record) []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range recs {
		r.Range(func(n string, v value.Value) bool {
			if v.Kind() == value.KindArray && !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
			return true
		})
	}
	return out
}

// groupName names a group by its by-field values (every field but timeframe,
// interval and the arrays), joined with ", ".
func groupName(r *value.Record) string {
	var parts []string
	r.Range(func(n string, v value.Value) bool {
		if n == fieldTimeframe || n == fieldInterval || v.Kind() == value.KindArray {
			return true
		}
		if v.IsNull() {
			parts = append(parts, "null")
		} else {
			parts = append(parts, table.Text(v))
		}
		return true
	})
	return strings.Join(parts, ", ")
}

// number returns a slot value for ECharts: a number, or nil (a gap) for null,
// non-numeric values and NaN or infinities, which JSON cannot carry.
func number(v value.Value) any {
	if n, ok := v.Long(); ok {
		return n
	}
	f, ok := v.Number()
	if !ok || math.IsNaN(f) || math.IsInf(f, 0) {
		return nil
	}
	return f
}

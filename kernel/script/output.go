package script

import (
	"reflect"
	"regexp"
	"strconv"

	"github.com/dop251/goja"

	"github.com/trailbook/trailbook/kernel/dql/value"
)

// OutputKind says how a cell's value is shown.
type OutputKind uint8

// The kinds of Output.
const (
	OutputNone     OutputKind = iota // undefined or null: nothing to show
	OutputTable                      // an array of records (possibly empty)
	OutputChart                      // an array of records of the makeTimeseries shape
	OutputText                       // a string
	OutputMarkdown                   // an md`…` value
	OutputJSON                       // any other value, shown as a JSON tree
)

var outputKindNames = [...]string{"none", "table", "chart", "text", "markdown", "json"}

// String returns the kind's name: "none", "table", "chart", "text", "markdown", "json".
func (k OutputKind) String() string {
	if int(k) < len(outputKindNames) {
		return outputKindNames[k]
	}
	return "OutputKind(" + strconv.Itoa(int(k)) + ")"
}

// Output is the value of a cell: the completion value of its last statement (as a
// browser console prints), after a promise is settled.
type Output struct {
	Kind OutputKind
	// Value is the cell's value as a DQL value, for every kind: an array of
	// records for a table or chart, a string for text and Markdown, null for none.
	Value value.Value
	// Records are the rows of a table or chart. Records the script passed
	// through unchanged are the very records Go handed in; all are immutable.
	Records  []*value.Record
	Text     string // the text of OutputText
	Markdown string // the Markdown source of OutputMarkdown
	JSON     []byte // Value in the typed JSON encoding (value.AppendJSONL), for OutputJSON
}

// output converts the completion value of a cell.
func (st *state) output(c *cellProgram, rn *run, v goja.Value) (Output, error) {
	v, err := st.settle(c, v)
	if err != nil {
		return Output{}, err
	}
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return Output{Kind: OutputNone}, nil
	}
	if goja.IsString(v) {
		s := v.String()
		return Output{Kind: OutputText, Value: value.String(s), Text: s}, nil
	}
	if o, ok := v.(*goja.Object); ok && o.Prototype() == st.mdProto {
		s := o.Get("text").String()
		return Output{Kind: OutputMarkdown, Value: value.String(s), Markdown: s}, nil
	}
	if o, ok := v.(*goja.Object); ok && (o.ClassName() == "Array" || o.ExportType() == typeJSArray) {
		n := o.Get("length").ToInteger()
		if n > int64(st.opt.MaxResultRecords) {
			return Output{}, limitError("the value has %d elements, over the limit of %d (MaxResultRecords)", n, st.opt.MaxResultRecords)
		}
	}
	dv, err := st.export(rn, v)
	if err != nil {
		return Output{}, err
	}
	if recs, ok := records(dv); ok {
		out := Output{Kind: OutputTable, Value: dv, Records: recs}
		if isTimeseries(recs) {
			out.Kind = OutputChart
		}
		return out, nil
	}
	return Output{Kind: OutputJSON, Value: dv, JSON: value.AppendJSONL(nil, dv)}, nil
}

// records returns the records of an array whose elements are all records.
func records(v value.Value) ([]*value.Record, bool) {
	elems, ok := v.Array()
	if !ok {
		return nil, false
	}
	recs := make([]*value.Record, len(elems))
	for i, e := range elems {
		r, ok := e.Record()
		if !ok {
			return nil, false
		}
		recs[i] = r
	}
	return recs, true
}

// isTimeseries reports whether records have the makeTimeseries shape (spec/dql.md
// §9): every record has a timeframe "timeframe", a duration "interval" and at least
// one array field. It is the rule of renderers/chart.IsTimeseries, which the kernel
// package tree must not import.
func isTimeseries(recs []*value.Record) bool {
	if len(recs) == 0 {
		return false
	}
	for _, r := range recs {
		if _, ok := r.Lookup("timeframe").Timeframe(); !ok {
			return false
		}
		if _, ok := r.Lookup("interval").Duration(); !ok {
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

// typePromise is the export type of a promise (its class name is "Object").
var typePromise = reflect.TypeOf((*goja.Promise)(nil))

// settle returns the value of a promise the cell evaluated to. Promise jobs have
// run by the time RunProgram returns, and scripts have no timers or I/O, so a
// promise still pending then never settles.
func (st *state) settle(c *cellProgram, v goja.Value) (goja.Value, error) {
	o, ok := v.(*goja.Object)
	if !ok || o.ExportType() != typePromise {
		return v, nil
	}
	p, ok := o.Export().(*goja.Promise)
	if !ok {
		return v, nil
	}
	switch p.State() {
	case goja.PromiseStateFulfilled:
		return p.Result(), nil
	case goja.PromiseStateRejected:
		e := &Error{Kind: KindScript, Message: "uncaught (in promise) " + st.exceptionText(p.Result())}
		if ro, ok := p.Result().(*goja.Object); ok {
			c.locateStack(e, ro)
		}
		return nil, e
	}
	return nil, scriptError("the cell's value is a promise that never settles: scripts have no timers or I/O to wait for")
}

// locateStack sets e's position from the `stack` text of an error object, for
// errors that reach Go without their frames (a rejected promise).
func (c *cellProgram) locateStack(e *Error, o *goja.Object) {
	var stack string
	if st := o.Get("stack"); st != nil && goja.IsString(st) {
		stack = st.String()
	}
	m := regexp.MustCompile(regexp.QuoteMeta(c.name) + `:(\d+):(\d+)`).FindStringSubmatch(stack)
	if m == nil {
		return
	}
	line, _ := strconv.Atoi(m[1])
	col, _ := strconv.Atoi(m[2])
	e.Line, e.Column = line, charColumn(c.src, line, col)
}

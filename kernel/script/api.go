package script

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/dop251/goja"
	"github.com/dop251/goja/parser"

	"github.com/trailbook/trailbook/kernel/dql/value"
)

// installAPI defines the globals the prelude cannot: `results`, a read-only view of
// the kernel's results by cell name.
func (st *state) installAPI() error {
	vm := st.vm
	results := vm.NewDynamicObject(resultsView{st})
	if err := results.SetPrototype(nil); err != nil {
		return err
	}
	return vm.GlobalObject().DefineDataProperty("results", results, goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_FALSE)
}

// beginRun prepares the globals of a run: `prev` and `_` are accessors again, in
// case the previous cell assigned them. A cell that made them non-configurable
// keeps its own; that is its business, so the error is ignored.
func (st *state) beginRun() {
	if st.resetPrev != nil {
		_, _ = st.resetPrev(goja.Undefined())
	}
}

// jsQuery implements query(dql): the records of a DQL query, or a QueryError.
func (st *state) jsQuery(c goja.FunctionCall) goja.Value {
	rn := st.cur
	if rn == nil || rn.env.Query == nil {
		panic(st.newError(st.errorCtor, "query() is not available in this kernel"))
	}
	src := c.Argument(0).String()
	var recs []*value.Record
	var err error
	if !rn.withEnv(func() { recs, err = rn.env.Query(rn.ctx, src) }) || rn.ctx.Err() != nil {
		// The run is being stopped: by the watchdog, whose interrupt is pending, or
		// by its context, which the watchdog may not have seen yet. Either way the
		// script must not go on with a failed query it could catch.
		st.stopRun(&Error{Kind: KindInterrupted, Message: "interrupted"})
		return goja.Undefined()
	}
	if err != nil {
		e := st.newError(st.errorCtor, err.Error())
		_ = e.DefineDataProperty("name", st.vm.ToValue("QueryError"), goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_FALSE)
		panic(e)
	}
	return st.records(recs)
}

// jsResult implements result(name): like results[name], but a missing result is an
// error.
func (st *state) jsResult(c goja.FunctionCall) goja.Value {
	name := c.Argument(0).String()
	if v := st.result(name); v != nil {
		return v
	}
	panic(st.newError(st.errorCtor, fmt.Sprintf("no result named %q", name)))
}

// result returns the named result converted for this run (the same array on every
// access within the run, a fresh one in the next), or nil.
func (st *state) result(name string) goja.Value {
	rn := st.cur
	if rn == nil || rn.env.Results == nil {
		return nil
	}
	if v, ok := rn.results[name]; ok {
		return v
	}
	var recs []*value.Record
	var ok bool
	if !rn.withEnv(func() { recs, ok = rn.env.Results(name) }) || !ok {
		return nil
	}
	v := st.records(recs)
	if rn.results == nil {
		rn.results = map[string]goja.Value{}
	}
	rn.results[name] = v
	return v
}

// jsPrev implements the `prev` and `_` getters.
func (st *state) jsPrev() goja.Value {
	rn := st.cur
	if rn == nil || rn.env.Previous == nil {
		return goja.Undefined()
	}
	if rn.prev == nil {
		rn.prev = st.records(rn.env.Previous)
	}
	return rn.prev
}

// resultsView is the `results` object: results.cell3 is result("cell3"), or
// undefined. It cannot be changed or enumerated.
type resultsView struct{ st *state }

func (v resultsView) Get(key string) goja.Value   { return v.st.result(key) }
func (v resultsView) Set(string, goja.Value) bool { return false }
func (v resultsView) Has(key string) bool         { return v.st.result(key) != nil }
func (v resultsView) Delete(string) bool          { return false }
func (v resultsView) Keys() []string              { return nil }

// print implements console.log and friends.
func (st *state) print(stream string, args goja.Value) {
	rn := st.cur
	if rn == nil || rn.env.Console == nil || rn.truncated {
		return
	}
	var b strings.Builder
	if o, ok := args.(*goja.Object); ok {
		n := o.Get("length").ToInteger()
		for i := int64(0); i < n; i++ {
			if i > 0 {
				b.WriteByte(' ')
			}
			a := o.Get(itoa(i))
			if goja.IsString(a) {
				b.WriteString(a.String())
			} else {
				b.WriteString(st.inspect(a))
			}
			if b.Len() > st.opt.MaxConsoleBytes {
				break
			}
		}
	}
	b.WriteByte('\n')
	text := b.String()
	if left := st.opt.MaxConsoleBytes - rn.console; len(text) > left {
		text = text[:max(left, 0)] + "\n… console output truncated (MaxConsoleBytes)\n"
		rn.truncated = true
	}
	rn.console += len(text)
	rn.withEnv(func() { rn.env.Console(stream, text) })
}

// Bounds of inspect, which formats values for console output and md`…`.
const (
	inspectMaxBytes = 64 << 10
	inspectMaxItems = 100
	inspectMaxDepth = 4
)

// inspect formats a value for people, like Node's util.inspect but smaller: DQL
// wrappers in their text form, strings quoted inside containers, at most 100
// elements per container and 4 levels.
func (st *state) inspect(v goja.Value) string {
	var b strings.Builder
	st.inspectTo(&b, v, 0)
	if b.Len() > inspectMaxBytes {
		return b.String()[:inspectMaxBytes] + "…"
	}
	return b.String()
}

func (st *state) inspectTo(b *strings.Builder, v goja.Value, depth int) {
	if b.Len() > inspectMaxBytes {
		return
	}
	switch {
	case v == nil || goja.IsUndefined(v):
		b.WriteString("undefined")
		return
	case goja.IsNull(v):
		b.WriteString("null")
		return
	case goja.IsString(v):
		if depth == 0 {
			b.WriteString(v.String())
		} else {
			b.WriteString(strconv.Quote(v.String()))
		}
		return
	case goja.IsBigInt(v):
		b.WriteString(v.String())
		b.WriteByte('n')
		return
	}
	o, ok := v.(*goja.Object)
	if !ok {
		b.WriteString(v.String())
		return
	}
	switch o.Prototype() {
	case st.tsProto, st.durProto, st.tfProto, st.ipProto, st.dblProto:
		x := &exporter{st: st, rn: st.cur}
		if dv, _, err := x.object(o, 0); err == nil {
			if s, ok := dv.Str(); ok {
				b.WriteString(s)
			} else if ts, ok := dv.Timestamp(); ok {
				b.Write(value.AppendTimestamp(nil, ts))
			} else if tf, ok := dv.Timeframe(); ok {
				b.Write(value.AppendTimestamp(nil, tf.Start))
				b.WriteByte('/')
				b.Write(value.AppendTimestamp(nil, tf.End))
			} else {
				b.WriteString(value.Format(dv))
			}
			return
		}
	case st.mdProto:
		b.WriteString(o.Get("text").String())
		return
	}
	if _, ok := goja.AssertFunction(o); ok {
		name := o.Get("name")
		if name == nil || name.String() == "" {
			b.WriteString("[Function]")
		} else {
			b.WriteString("[Function: " + name.String() + "]")
		}
		return
	}
	isArray := o.ClassName() == "Array" || o.ExportType() == typeJSArray
	switch o.ClassName() {
	case "Date":
		b.WriteString(o.String())
		return
	case "Error":
		b.WriteString(errorText(o))
		return
	case "RegExp":
		b.WriteString(o.String())
		return
	}
	switch et := o.ExportType(); {
	case isArray:
	case et == typeMapExport:
		b.WriteString("[object Map]")
		return
	case et == typeSetExport:
		b.WriteString("[object Set]")
		return
	case et == typePromise:
		b.WriteString("[object Promise]")
		return
	}
	if depth >= inspectMaxDepth {
		if isArray {
			b.WriteString("[Array]")
		} else {
			b.WriteString("[Object]")
		}
		return
	}
	if isArray {
		n := o.Get("length").ToInteger()
		b.WriteByte('[')
		for i := int64(0); i < n; i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			if i == inspectMaxItems {
				fmt.Fprintf(b, "… %d more", n-i)
				break
			}
			st.inspectTo(b, o.Get(itoa(i)), depth+1)
		}
		b.WriteByte(']')
		return
	}
	keys := o.Keys()
	if len(keys) == 0 {
		b.WriteString("{}")
		return
	}
	b.WriteString("{ ")
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		if i == inspectMaxItems {
			fmt.Fprintf(b, "… %d more", len(keys)-i)
			break
		}
		if parser.IsIdentifier(k) {
			b.WriteString(k)
		} else {
			b.WriteString(strconv.Quote(k))
		}
		b.WriteString(": ")
		st.inspectTo(b, o.Get(k), depth+1)
	}
	b.WriteString(" }")
}

// typeOf implements dql.type: the DQL type a value converts to.
func (st *state) typeOf(v goja.Value) string {
	switch {
	case v == nil || goja.IsUndefined(v) || goja.IsNull(v):
		return "null"
	case goja.IsString(v):
		return "string"
	case goja.IsNumber(v):
		return number(v.ToFloat()).Kind().String()
	case goja.IsBigInt(v):
		return "long"
	}
	o, ok := v.(*goja.Object)
	if !ok {
		if v.ExportType() == reflect.TypeOf(true) {
			return "boolean"
		}
		return "null"
	}
	switch o.Prototype() {
	case st.tsProto:
		return "timestamp"
	case st.durProto:
		return "duration"
	case st.tfProto:
		return "timeframe"
	case st.ipProto:
		return "ip"
	case st.mdProto:
		return "string"
	case st.dblProto:
		return "double"
	}
	if _, ok := goja.AssertFunction(o); ok {
		return "null"
	}
	switch {
	case o.ClassName() == "Array" || o.ExportType() == typeJSArray:
		return "array"
	case o.ClassName() == "Date":
		return "timestamp"
	case o.ClassName() == "Error" || o.ClassName() == "RegExp":
		return "string"
	}
	return "record"
}

// runError converts an error of RunProgram (or of converting the value) into an
// *Error with the position in the cell.
func (st *state) runError(c *cellProgram, err error) *Error {
	var ie *goja.InterruptedError
	if errors.As(err, &ie) {
		e, ok := ie.Value().(*Error)
		if !ok {
			e = &Error{Kind: KindInterrupted, Message: fmt.Sprint(ie.Value())}
		}
		cp := *e
		return c.locate(&cp, ie.Stack())
	}
	var so *goja.StackOverflowError
	if errors.As(err, &so) {
		return c.locate(limitError("maximum call stack size exceeded (limit %d calls)", st.opt.MaxCallStackSize), so.Stack())
	}
	var ex *goja.Exception
	if errors.As(err, &ex) {
		return c.locate(&Error{Kind: KindScript, Message: st.exceptionText(ex.Value())}, ex.Stack())
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var ce *goja.CompilerSyntaxError
	if errors.As(err, &ce) {
		return c.syntaxError(err)
	}
	return scriptError("%v", err)
}

// exceptionText is the message of a thrown value: "TypeError: …" for errors,
// "uncaught exception: …" for anything else thrown.
func (st *state) exceptionText(v goja.Value) (text string) {
	text = "uncaught exception"
	defer func() {
		// A getter on the thrown value may be interrupted in turn (Try restores the
		// runtime, then re-panics); the plain text above is then the best there is.
		_ = recover()
	}()
	st.vm.Try(func() {
		if o, ok := v.(*goja.Object); ok && o.ClassName() == "Error" {
			text = errorText(o)
			return
		}
		text = "uncaught exception: " + st.inspect(v)
	})
	return text
}

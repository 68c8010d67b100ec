package plan

import (
	"github.com/trailbook/trailbook/kernel/dql/funcs"
	"github.com/trailbook/trailbook/kernel/dql/syntax"
	"github.com/trailbook/trailbook/kernel/dql/value"
)

// aggScope collects the aggregation calls of a summarize or makeTimeseries item list.
type aggScope struct {
	calls      []*AggCall
	timeseries bool // allow default: and rate:
}

// AggCall is one aggregation function call with its compiled arguments.
type AggCall struct {
	Agg         *funcs.Agg
	Node        *syntax.Call
	Args        []Eval // in funcs layout; nil entries take Defaults
	Defaults    []value.Value
	Consts      []value.Value
	IsConst     []bool
	Elementwise bool // sum(a[]): arguments are arrays, aggregated element by element
	// makeTimeseries options.
	Default    value.Value
	HasDefault bool
	Rate       int64 // ns; 0 = none
}

// NewAcc makes a fresh accumulator (its constants were checked at plan time).
func (a *AggCall) NewAcc() funcs.Acc {
	acc, err := a.Agg.New(a.Consts, a.IsConst)
	if err != nil {
		panic("BUG: aggregation constants checked at plan time fail: " + err.Error())
	}
	return acc
}

func (c *compiler) aggCall(n *syntax.Call, agg *funcs.Agg) *Expr {
	if c.aggs == nil {
		c.errorf(n.NamePos, "aggregation function %q can only be used in summarize or makeTimeseries", n.Name)
		return failed(n)
	}
	if c.inAggArg {
		c.errorf(n.NamePos, "aggregation function %q cannot be nested in another aggregation", n.Name)
		return failed(n)
	}
	call := &AggCall{Agg: agg, Node: n}
	// makeTimeseries options are not the function's own parameters.
	args := n.Args
	if c.aggs.timeseries {
		var rest []*syntax.Param
		for _, a := range args {
			switch a.Name {
			case "default":
				x := c.expr(a.Value)
				if !x.Const || !x.Val.IsNumber() {
					c.errorf(a.Value.Pos(), "default: must be a constant number")
				}
				call.Default, call.HasDefault = x.Val, true
				continue
			case "rate":
				x := c.expr(a.Value)
				d, ok := x.Val.Duration()
				if !x.Const || !ok || d <= 0 {
					c.errorf(a.Value.Pos(), "rate: must be a positive duration")
				}
				call.Rate = d
				continue
			}
			rest = append(rest, a)
		}
		args = rest
	}
	c.inAggArg = true
	cn := *n
	cn.Args = args
	b, ok := c.bind(&cn, agg.Params)
	c.inAggArg = false
	if !ok {
		return failed(n)
	}
	exprs, defaults := layout(agg.Params, b)
	call.Defaults = defaults
	call.Args = make([]Eval, len(exprs))
	call.Consts = make([]value.Value, len(exprs))
	call.IsConst = make([]bool, len(exprs))
	for i, x := range exprs {
		if x == nil {
			call.Consts[i], call.IsConst[i] = defaults[i], true
			continue
		}
		call.Args[i] = x.Eval
		if x.Const {
			call.Consts[i], call.IsConst[i] = x.Val, true
		}
		if x.elementwise && i == 0 {
			call.Elementwise = true
		}
	}
	if _, err := agg.New(call.Consts, call.IsConst); err != nil {
		c.errorf(n.NamePos, "%s: %v", n.Name, err)
		return failed(n)
	}
	k := len(c.aggs.calls)
	c.aggs.calls = append(c.aggs.calls, call)
	return &Expr{Node: n, Eval: func(cx *Ctx, _ *value.Record) value.Value {
		if k < len(cx.Aggs) {
			return cx.Aggs[k]
		}
		return value.Value{}
	}}
}

// EvalArgs evaluates an aggregation's arguments for one record into dst.
func (a *AggCall) EvalArgs(cx *Ctx, r *value.Record, dst []value.Value) []value.Value {
	dst = dst[:0]
	for i, e := range a.Args {
		if e == nil {
			dst = append(dst, a.Defaults[i])
			continue
		}
		dst = append(dst, e(cx, r))
	}
	return dst
}

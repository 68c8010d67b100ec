package exec

import (
	"context"

	"github.com/trailbook/trailbook/kernel/dql/funcs"
	"github.com/trailbook/trailbook/kernel/dql/plan"
	"github.com/trailbook/trailbook/kernel/dql/value"
)

// aggState accumulates one aggregation call for one group (or one slot). An
// element-wise aggregation (sum(a[])) keeps one accumulator per array position.
type aggState struct {
	call  *plan.AggCall
	acc   funcs.Acc
	elems []funcs.Acc
	extra int64 // records counted by a Source (count, countIf)
}

func newAggState(c *plan.AggCall) *aggState {
	if c.Elementwise {
		return &aggState{call: c}
	}
	return &aggState{call: c, acc: c.NewAcc()}
}

func (s *aggState) add(args []value.Value) {
	if !s.call.Elementwise {
		s.acc.Add(args)
		return
	}
	arr, ok := args[0].Array()
	if !ok {
		return
	}
	for len(s.elems) < len(arr) {
		s.elems = append(s.elems, s.call.NewAcc())
	}
	for i, e := range arr {
		args[0] = e
		s.elems[i].Add(args)
	}
}

// merge adds what a Source computed for the group (see AggFunc).
func (s *aggState) merge(f AggFunc, p AggPart) {
	switch f {
	case AggCount, AggCountIf:
		s.extra += p.Count
	default:
		for _, v := range p.Values {
			s.acc.Add([]value.Value{v})
		}
	}
}

func (s *aggState) result() value.Value {
	if !s.call.Elementwise {
		v := s.acc.Result()
		if n, ok := v.Long(); ok && s.extra != 0 {
			v = value.Long(n + s.extra)
		}
		return v
	}
	if s.elems == nil {
		return value.Value{}
	}
	out := make([]value.Value, len(s.elems))
	for i, a := range s.elems {
		out[i] = a.Result()
	}
	return value.Array(out)
}

// groupTable maps by-values to groups in order of first appearance.
type groupTable struct {
	index map[string]int
	keys  [][]value.Value
	buf   []byte
}

func (g *groupTable) lookup(vals []value.Value) (int, bool) {
	if g.index == nil {
		g.index = map[string]int{}
	}
	g.buf = g.buf[:0]
	for _, v := range vals {
		g.buf = value.AppendKey(g.buf, v)
	}
	if i, ok := g.index[string(g.buf)]; ok {
		return i, false
	}
	i := len(g.keys)
	g.index[string(g.buf)] = i
	g.keys = append(g.keys, append([]value.Value(nil), vals...))
	return i, true
}

// summarizeOp is `summarize count(), by: {a}` (spec/dql.md §8).
type summarizeOp struct {
	in   operator
	cx   *plan.Ctx
	step *plan.SummarizeStep
	pre  *preAggregated // groups the Source computed; in holds the rest
	out  *emitter
}

func (o *summarizeOp) Next(ctx context.Context) ([]*value.Record, error) {
	if o.out != nil {
		return o.out.next(), nil
	}
	s := o.step
	var groups groupTable
	var states [][]*aggState
	byVals := make([]value.Value, len(s.By))
	var args []value.Value
	newStates := func() []*aggState {
		st := make([]*aggState, len(s.Aggs))
		for i, c := range s.Aggs {
			st[i] = newAggState(c)
		}
		return st
	}
	var firsts firstTimes
	if o.pre != nil {
		for _, row := range o.pre.sorted() {
			gi, fresh := groups.lookup(row.Keys)
			if fresh {
				states = append(states, newStates())
			}
			firsts.see(gi, row.First)
			for ai, st := range states[gi] {
				st.merge(o.pre.specs[ai].Func, row.Parts[ai])
			}
		}
	}
	err := drain(ctx, o.in, func(r *value.Record) {
		for i, b := range s.By {
			byVals[i] = b.Eval(o.cx, r)
		}
		gi, fresh := groups.lookup(byVals)
		if fresh {
			states = append(states, newStates())
		}
		if o.pre != nil {
			firsts.seeRecord(gi, r)
		}
		for _, st := range states[gi] {
			args = st.call.EvalArgs(o.cx, r, args)
			st.add(args)
		}
	})
	if err != nil {
		return nil, err
	}
	if len(s.By) == 0 && len(states) == 0 {
		groups.keys = append(groups.keys, nil)
		states = append(states, newStates())
	}
	order := firsts.order(len(states))
	recs := make([]*value.Record, len(states))
	for oi, gi := range order {
		st := states[gi]
		rec := value.NewRecord(len(s.By) + len(s.Items))
		for i, name := range s.ByNames {
			rec.Set(name, groups.keys[gi][i])
		}
		o.cx.Aggs = o.cx.Aggs[:0]
		for _, a := range st {
			o.cx.Aggs = append(o.cx.Aggs, a.result())
		}
		for i, item := range s.Items {
			rec.Set(s.Names[i], item.Eval(o.cx, nil))
		}
		recs[oi] = rec
	}
	o.out = &emitter{recs: recs}
	return o.out.next(), nil
}

func (o *summarizeOp) Close() { o.in.Close() }

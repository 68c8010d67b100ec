package exec

import (
	"context"
	"fmt"
	"slices"

	"github.com/trailbook/trailbook/kernel/dql/plan"
	"github.com/trailbook/trailbook/kernel/dql/value"
)

// timeseriesOp is `makeTimeseries count(), by: {a}, interval: 5m` (spec/dql.md §9):
// per group, one array per aggregation over the aligned slots of the timeframe.
type timeseriesOp struct {
	in   operator
	cx   *plan.Ctx
	step *plan.TimeseriesStep
	pre  *preAggregated // slots the Source computed; in holds the rest
	out  *emitter
}

// tsGroup holds a group's slots: states[agg][slot], created when first touched.
type tsGroup struct {
	states  [][]*aggState
	touched []bool
}

func (o *timeseriesOp) recordTime(r *value.Record) (int64, bool) {
	if o.step.Time != nil {
		return o.step.Time.Eval(o.cx, r).Timestamp()
	}
	v, ok := r.Get("timestamp")
	if !ok {
		v = r.Lookup("start_time")
	}
	return v.Timestamp()
}

func (o *timeseriesOp) Next(ctx context.Context) ([]*value.Record, error) {
	if o.out != nil {
		return o.out.next(), nil
	}
	s := o.step
	var groups groupTable
	var tgs []*tsGroup
	byVals := make([]value.Value, len(s.By))
	var args []value.Value
	addSlot := func(g *tsGroup, slot int, r *value.Record) {
		g.touched[slot] = true
		for ai, c := range s.Aggs {
			st := g.states[ai][slot]
			if st == nil {
				st = newAggState(c)
				g.states[ai][slot] = st
			}
			args = c.EvalArgs(o.cx, r, args)
			st.add(args)
		}
	}
	newGroup := func() *tsGroup {
		g := &tsGroup{states: make([][]*aggState, len(s.Aggs)), touched: make([]bool, s.Slots)}
		for i := range g.states {
			g.states[i] = make([]*aggState, s.Slots)
		}
		return g
	}
	var firsts firstTimes
	if o.pre != nil {
		for _, row := range o.pre.sorted() {
			d := row.Slot - s.Start
			if d < 0 || d%s.Interval != 0 || d/s.Interval >= int64(s.Slots) {
				return nil, &RuntimeError{Command: "makeTimeseries", Err: fmt.Errorf("the log source returned a slot at %s, not one of the series", value.AppendTimestamp(nil, row.Slot))}
			}
			slot := int(d / s.Interval)
			gi, fresh := groups.lookup(row.Keys)
			if fresh {
				tgs = append(tgs, newGroup())
			}
			firsts.see(gi, row.First)
			g := tgs[gi]
			g.touched[slot] = true
			for ai, c := range s.Aggs {
				st := g.states[ai][slot]
				if st == nil {
					st = newAggState(c)
					g.states[ai][slot] = st
				}
				st.merge(o.pre.specs[ai].Func, row.Parts[ai])
			}
		}
	}
	err := drain(ctx, o.in, func(r *value.Record) {
		var first, last int
		if s.Spread != nil {
			tf, ok := s.Spread.Eval(o.cx, r).Timeframe()
			if !ok || tf.End <= s.Start || tf.Start >= s.End {
				return
			}
			first = int((max(tf.Start, s.Start) - s.Start) / s.Interval)
			lastT := min(tf.End, s.End)
			last = int((lastT - s.Start - 1) / s.Interval)
			if tf.End == tf.Start {
				last = first
			}
		} else {
			t, ok := o.recordTime(r)
			if !ok || t < s.Start || t >= s.End {
				return
			}
			first = int((t - s.Start) / s.Interval)
			last = first
		}
		for i, b := range s.By {
			byVals[i] = b.Eval(o.cx, r)
		}
		gi, fresh := groups.lookup(byVals)
		if fresh {
			tgs = append(tgs, newGroup())
		}
		if o.pre != nil {
			firsts.seeRecord(gi, r)
		}
		for slot := first; slot <= last && slot < s.Slots; slot++ {
			addSlot(tgs[gi], slot, r)
		}
	})
	if err != nil {
		return nil, err
	}
	if len(tgs) == 0 && s.Nonempty {
		tgs = append(tgs, newGroup())
		groups.keys = append(groups.keys, make([]value.Value, len(s.By)))
	}
	order := firsts.order(len(tgs))
	recs := make([]*value.Record, len(tgs))
	for oi, gi := range order {
		g := tgs[gi]
		rec := value.NewRecord(2 + len(s.By) + len(s.Aggs))
		rec.Append("timeframe", value.Timeframe(s.Start, s.End))
		rec.Append("interval", value.Duration(s.Interval))
		for i, name := range s.ByNames {
			rec.Set(name, groups.keys[gi][i])
		}
		for ai, c := range s.Aggs {
			arr := make([]value.Value, s.Slots)
			for slot := range arr {
				st := g.states[ai][slot]
				if st == nil || !g.touched[slot] {
					if c.HasDefault {
						arr[slot] = c.Default
					}
					continue
				}
				v := st.result()
				if c.Rate > 0 {
					if f, ok := v.Number(); ok {
						v = value.Double(f / float64(s.Interval) * float64(c.Rate))
					}
				}
				arr[slot] = v
			}
			rec.Set(s.Names[ai], value.Array(arr))
		}
		recs[oi] = rec
	}
	o.out = &emitter{recs: recs}
	return o.out.next(), nil
}

func (o *timeseriesOp) Close() { o.in.Close() }

// fieldsSummaryOp is `fieldsSummary a, topValues: 5` (spec/dql.md §7.13).
type fieldsSummaryOp struct {
	in   operator
	step *plan.FieldsSummaryStep
	out  *emitter
}

func (o *fieldsSummaryOp) Next(ctx context.Context) ([]*value.Record, error) {
	if o.out != nil {
		return o.out.next(), nil
	}
	type counted struct {
		v value.Value
		n int64
	}
	s := o.step
	tables := make([]groupTable, len(s.Fields))
	counts := make([][]*counted, len(s.Fields))
	raw := make([]int64, len(s.Fields))
	one := make([]value.Value, 1)
	err := drain(ctx, o.in, func(r *value.Record) {
		for i, f := range s.Fields {
			v := r.Lookup(f)
			if v.IsNull() {
				continue
			}
			raw[i]++
			one[0] = v
			gi, fresh := tables[i].lookup(one)
			if fresh {
				counts[i] = append(counts[i], &counted{v: v})
			}
			counts[i][gi].n++
		}
	})
	if err != nil {
		return nil, err
	}
	recs := make([]*value.Record, len(s.Fields))
	for i, f := range s.Fields {
		cs := counts[i]
		sortCounted(cs, func(a, b *counted) int {
			if a.n != b.n {
				if a.n > b.n {
					return -1
				}
				return 1
			}
			return value.Compare(a.v, b.v)
		})
		if len(cs) > s.TopValues {
			cs = cs[:s.TopValues]
		}
		vals := make([]value.Value, len(cs))
		for j, c := range cs {
			e := value.NewRecord(2)
			e.Append("value", c.v)
			e.Append("count", value.Long(c.n))
			vals[j] = value.Rec(e)
		}
		rec := value.NewRecord(4)
		rec.Append("field", value.String(f))
		rec.Append("rawCount", value.Long(raw[i]))
		rec.Append("count", value.Long(raw[i]))
		rec.Append("values", value.Array(vals))
		recs[i] = rec
	}
	o.out = &emitter{recs: recs}
	return o.out.next(), nil
}

func (o *fieldsSummaryOp) Close() { o.in.Close() }

func sortCounted[T any](s []T, cmp func(a, b T) int) { slices.SortStableFunc(s, cmp) }

package exec

import (
	"context"
	"slices"

	"github.com/trailbook/trailbook/kernel/dql/plan"
	"github.com/trailbook/trailbook/kernel/dql/value"
)

// sortOp is `sort a desc, b` (spec/dql.md §7.5): stable, type rank then value, null
// last in both directions.
type sortOp struct {
	in   operator
	cx   *plan.Ctx
	keys []*plan.Expr
	desc []bool
	out  *emitter
}

type sortRow struct {
	keys []value.Value
	rec  *value.Record
}

// compareKeys orders two key lists; nulls last whatever the direction.
func compareKeys(a, b []value.Value, desc []bool) int {
	for i := range a {
		x, y := a[i], b[i]
		switch {
		case x.IsNull() && y.IsNull():
			continue
		case x.IsNull():
			return 1
		case y.IsNull():
			return -1
		}
		c := value.Compare(x, y)
		if desc[i] {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

func (o *sortOp) Next(ctx context.Context) ([]*value.Record, error) {
	if o.out == nil {
		var rows []sortRow
		err := drain(ctx, o.in, func(r *value.Record) {
			ks := make([]value.Value, len(o.keys))
			for i, k := range o.keys {
				ks[i] = k.Eval(o.cx, r)
			}
			rows = append(rows, sortRow{ks, r})
		})
		if err != nil {
			return nil, err
		}
		slices.SortStableFunc(rows, func(a, b sortRow) int { return compareKeys(a.keys, b.keys, o.desc) })
		recs := make([]*value.Record, len(rows))
		for i, r := range rows {
			recs[i] = r.rec
		}
		o.out = &emitter{recs: recs}
	}
	return o.out.next(), nil
}

func (o *sortOp) Close() { o.in.Close() }

// dedupOp is `dedup a, b [, sort: {…}]` (spec/dql.md §7.7): the first record per key,
// or the first in sort order; groups in order of first appearance.
type dedupOp struct {
	in   operator
	cx   *plan.Ctx
	step *plan.DedupStep
	seen map[string]int
	out  *emitter
	buf  []byte
}

func (o *dedupOp) key(r *value.Record) string {
	o.buf = o.buf[:0]
	for _, k := range o.step.Keys {
		o.buf = value.AppendKey(o.buf, k.Eval(o.cx, r))
	}
	return string(o.buf)
}

func (o *dedupOp) Next(ctx context.Context) ([]*value.Record, error) {
	if o.seen == nil {
		o.seen = map[string]int{}
	}
	if len(o.step.SortKeys) == 0 {
		for {
			batch, err := o.in.Next(ctx)
			if batch == nil || err != nil {
				return nil, err
			}
			kept := batch[:0]
			for _, r := range batch {
				k := o.key(r)
				if _, dup := o.seen[k]; !dup {
					o.seen[k] = 0
					kept = append(kept, r)
				}
			}
			if len(kept) > 0 {
				return kept, nil
			}
		}
	}
	if o.out == nil {
		var best []sortRow
		err := drain(ctx, o.in, func(r *value.Record) {
			ks := make([]value.Value, len(o.step.SortKeys))
			for i, k := range o.step.SortKeys {
				ks[i] = k.Eval(o.cx, r)
			}
			k := o.key(r)
			if i, ok := o.seen[k]; ok {
				if compareKeys(ks, best[i].keys, o.step.SortDesc) < 0 {
					best[i] = sortRow{ks, r}
				}
				return
			}
			o.seen[k] = len(best)
			best = append(best, sortRow{ks, r})
		})
		if err != nil {
			return nil, err
		}
		recs := make([]*value.Record, len(best))
		for i, b := range best {
			recs[i] = b.rec
		}
		o.out = &emitter{recs: recs}
	}
	return o.out.next(), nil
}

func (o *dedupOp) Close() { o.in.Close() }

// expandOp is `expand [alias =] arr [, limit: n]` (spec/dql.md §7.8): one record per
// element; an empty, null or non-array value drops the record. It streams: each Next
// hands out at most BatchSize records, so `expand | expand` over large arrays keeps
// memory bounded and stays interruptible between batches.
type expandOp struct {
	in   operator
	cx   *plan.Ctx
	step *plan.ExpandStep
	src  []*value.Record // the input batch being expanded
	rec  int             // index in src
	arr  []value.Value   // elements of src[rec]
	elem int             // next element of arr
}

func (o *expandOp) Next(ctx context.Context) ([]*value.Record, error) {
	var out []*value.Record
	for len(out) < BatchSize {
		if o.elem >= len(o.arr) {
			if o.rec >= len(o.src) {
				if len(out) > 0 {
					return out, nil
				}
				batch, err := o.in.Next(ctx)
				if batch == nil || err != nil {
					return nil, err
				}
				o.src, o.rec = append(o.src[:0], batch...), 0
			}
			r := o.src[o.rec]
			o.rec++
			arr, ok := o.step.Src.Eval(o.cx, r).Array()
			if !ok {
				o.arr, o.elem = nil, 0
				continue
			}
			if o.step.Limit > 0 && int64(len(arr)) > o.step.Limit {
				arr = arr[:o.step.Limit]
			}
			o.arr, o.elem = arr, 0
			if len(arr) > 0 {
				o.src[o.rec-1] = r
			}
			continue
		}
		c := o.src[o.rec-1].Clone()
		c.Set(o.step.Name, o.arr[o.elem])
		o.elem++
		out = append(out, c)
	}
	return out, nil
}

func (o *expandOp) Close() { o.in.Close() }

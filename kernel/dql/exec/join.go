package exec

import (
	"context"

	"github.com/trailbook/trailbook/kernel/dql/plan"
	"github.com/trailbook/trailbook/kernel/dql/value"
)

// joinOp is join and joinNested (spec/dql.md §7.10–7.11): the right side is built into
// a hash table, the left side streams. Keys with a null part never match.
type joinOp struct {
	in      operator
	cx      *plan.Ctx
	step    *plan.JoinStep
	right   []*value.Record
	index   map[string][]int
	matched []bool
	tail    *emitter // outer join: unmatched right records, after the left side
	done    bool
	buf     []byte
}

func newJoinOp(in operator, cx *plan.Ctx, s *plan.JoinStep, right []*value.Record) *joinOp {
	o := &joinOp{in: in, cx: cx, step: s, right: right, index: map[string][]int{}, matched: make([]bool, len(right))}
	for i, r := range right {
		if k, ok := o.key(s.Right, r); ok {
			o.index[k] = append(o.index[k], i)
		}
	}
	return o
}

func (o *joinOp) key(evals []plan.Eval, r *value.Record) (string, bool) {
	o.buf = o.buf[:0]
	for _, e := range evals {
		v := e(o.cx, r)
		if v.IsNull() {
			return "", false
		}
		o.buf = value.AppendKey(o.buf, v)
	}
	return string(o.buf), true
}

// addRight copies the right record's (selected) fields into out.
func (o *joinOp) addRight(out, right *value.Record) {
	s := o.step
	if s.HasFields {
		for i, f := range s.Fields {
			var v value.Value
			if right != nil {
				v = right.Lookup(f)
			}
			if s.Aliases[i] != "" {
				out.Set(s.Aliases[i], v)
			} else {
				out.Set(s.Prefix+f, v)
			}
		}
		return
	}
	if right == nil {
		return
	}
	right.Range(func(n string, v value.Value) bool {
		out.Set(s.Prefix+n, v)
		return true
	})
}

func (o *joinOp) Next(ctx context.Context) ([]*value.Record, error) {
	if o.done {
		if o.tail != nil {
			return o.tail.next(), nil
		}
		return nil, nil
	}
	for {
		batch, err := o.in.Next(ctx)
		if err != nil {
			return nil, err
		}
		if batch == nil {
			o.done = true
			if o.step.Kind == "outer" && !o.step.Nested {
				var recs []*value.Record
				for i, r := range o.right {
					if !o.matched[i] {
						out := value.NewRecord(r.Len())
						o.addRight(out, r)
						recs = append(recs, out)
					}
				}
				o.tail = &emitter{recs: recs}
				return o.tail.next(), nil
			}
			return nil, nil
		}
		var out []*value.Record
		for _, l := range batch {
			var hits []int
			if k, ok := o.key(o.step.Left, l); ok {
				hits = o.index[k]
			}
			if o.step.Nested {
				if len(hits) == 0 {
					l.Set(o.step.NestedAs, value.Value{})
				} else {
					arr := make([]value.Value, len(hits))
					for i, h := range hits {
						rec := value.NewRecord(o.right[h].Len())
						if o.step.HasFields {
							for j, f := range o.step.Fields {
								name := f
								if o.step.Aliases[j] != "" {
									name = o.step.Aliases[j]
								}
								rec.Set(name, o.right[h].Lookup(f))
							}
						} else {
							o.right[h].Range(func(n string, v value.Value) bool { rec.Set(n, v); return true })
						}
						arr[i] = value.Rec(rec)
					}
					l.Set(o.step.NestedAs, value.Array(arr))
				}
				out = append(out, l)
				continue
			}
			if len(hits) == 0 {
				if o.step.Kind != "inner" {
					o.addRight(l, nil)
					out = append(out, l)
				}
				continue
			}
			for i, h := range hits {
				o.matched[h] = true
				rec := l
				if i < len(hits)-1 {
					rec = l.Clone()
				}
				o.addRight(rec, o.right[h])
				out = append(out, rec)
			}
		}
		if len(out) > 0 {
			return out, nil
		}
	}
}

func (o *joinOp) Close() { o.in.Close() }

// lookupOp is `lookup [query], sourceField: f, lookupField: g` (spec/dql.md §7.12):
// the fields of the first right record whose g equals f, prefixed.
type lookupOp struct {
	in    operator
	cx    *plan.Ctx
	step  *plan.LookupStep
	first map[string]*value.Record
}

func newLookupOp(in operator, cx *plan.Ctx, s *plan.LookupStep, right []*value.Record) *lookupOp {
	o := &lookupOp{in: in, cx: cx, step: s, first: map[string]*value.Record{}}
	for _, r := range right {
		v := s.Lookup.Eval(cx, r)
		if v.IsNull() {
			continue
		}
		k := string(value.AppendKey(nil, v))
		if _, ok := o.first[k]; !ok {
			o.first[k] = r
		}
	}
	return o
}

func (o *lookupOp) Next(ctx context.Context) ([]*value.Record, error) {
	batch, err := o.in.Next(ctx)
	if batch == nil || err != nil {
		return nil, err
	}
	s := o.step
	for _, l := range batch {
		v := s.Source.Eval(o.cx, l)
		if v.IsNull() {
			continue
		}
		r, ok := o.first[string(value.AppendKey(nil, v))]
		if !ok {
			continue
		}
		if s.HasFields {
			for i, f := range s.Fields {
				name := s.Prefix + f
				if s.Aliases[i] != "" {
					name = s.Aliases[i]
				}
				l.Set(name, r.Lookup(f))
			}
			continue
		}
		r.Range(func(n string, v value.Value) bool {
			l.Set(s.Prefix+n, v)
			return true
		})
	}
	return batch, nil
}

func (o *lookupOp) Close() { o.in.Close() }

package funcs

import (
	"math"
	"sort"

	"github.com/trailbook/trailbook/kernel/dql/value"
)

// Aggregation functions (spec §8.1, and the makeTimeseries subset of §9).
//
//	data record(a = 2), record(a = 3) | summarize count(), sum(a), collectArray(a, maxLength: 1)
//
// makeTimeseries' default: and rate: options are not Params here: the executor applies
// them to the slot values, and the planner removes them before laying out the args.
// Iterative arguments (sum(a[])) are aggregated element-wise by the executor.

// Agg is one aggregation function. An Agg value is shared and must not be changed.
//
// makeTimeseries' per-aggregation options default: and rate: (spec §9) are not in
// Params: the planner accepts them inside makeTimeseries only, removes them before
// laying out the args, and the executor applies them to the slot values.
type Agg struct {
	Name string
	// Params uses the layout of Func: one value per non-variadic Param in order, then
	// the variadic values (percentiles(x, 10, 90) → [x, 10, 90]).
	Params []Param
	// New makes an accumulator for one group. consts holds the constant arguments in
	// Params layout (consts[i] valid where isConst[i]); parameters such as p of
	// percentile or maxLength of collectArray must be constants, and New reports a bad
	// or non-constant one as an error the planner shows as static.
	New func(consts []value.Value, isConst []bool) (Acc, error)
	Doc string
}

// Acc accumulates the values of one group. An Acc is used by one goroutine at a time;
// parallel scans give each goroutine its own and combine them with Merge.
type Acc interface {
	// Add takes the evaluated arguments of one record in Params layout (count() gets
	// none). Add does not keep args, but keeps the values in it (values are immutable).
	Add(args []value.Value)
	// Merge adds the input of other, an accumulator made by the same Agg whose records
	// come after this one's in stream order (this matters for takeFirst, takeLast and
	// collectArray). other must not be used afterwards.
	Merge(other Acc)
	// Result returns the aggregate. A group without non-null input gives null, except
	// count and countIf, which give 0. Result does not change the accumulator.
	Result() value.Value
}

// aggTable holds the aggregations by name; read-only after init.
var aggTable = map[string]*Agg{}

func registerAgg(as ...*Agg) {
	for _, a := range as {
		if _, dup := aggTable[a.Name]; dup {
			panic("BUG: aggregation " + a.Name + " registered twice")
		}
		aggTable[a.Name] = a
	}
}

// LookupAgg returns the aggregation called name (case-sensitive). The Agg is shared:
// callers must not change it.
func LookupAgg(name string) (*Agg, bool) {
	a, ok := aggTable[name]
	return a, ok
}

// AggNames returns the names of all aggregations, sorted.
func AggNames() []string {
	out := make([]string, 0, len(aggTable))
	for n := range aggTable {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// maxCollect is collectArray's largest and default maxLength (spec §8.1).
const maxCollect = 131072

func init() {
	expr := []Param{req("expression")}
	simple := func(name, doc string, mk func() Acc) *Agg {
		return &Agg{Name: name, Params: expr, Doc: doc,
			New: func([]value.Value, []bool) (Acc, error) { return mk(), nil }}
	}
	distinct := func(name, doc string) *Agg {
		return &Agg{Name: name, Params: []Param{req("expression"), opt("precision", value.Value{})}, Doc: doc,
			New: func([]value.Value, []bool) (Acc, error) { return newDistinct(), nil }}
	}
	registerAgg(
		&Agg{Name: "count", Doc: "count() → long: the number of records",
			New: func([]value.Value, []bool) (Acc, error) { return &countAcc{}, nil }},
		&Agg{Name: "countIf", Params: []Param{req("condition")},
			Doc: "countIf(condition) → long: the number of records where condition is true",
			New: func([]value.Value, []bool) (Acc, error) { return &countAcc{cond: true}, nil }},
		distinct("countDistinct", "countDistinct(x [, precision]) → long: the number of distinct non-null values of x (exact in trailbook)"),
		distinct("countDistinctApprox", "countDistinctApprox(x [, precision]) → long: the number of distinct non-null values of x (exact in trailbook)"),
		simple("countDistinctExact", "countDistinctExact(x) → long: the number of distinct non-null values of x", func() Acc { return newDistinct() }),
		simple("sum", "sum(x) → double, or duration for durations: the sum of the non-null values; mixed types → null", func() Acc { return &sumAcc{} }),
		simple("avg", "avg(x) → double, or duration for durations: the mean of the non-null values; mixed types → null", func() Acc { return &sumAcc{avg: true} }),
		simple("min", "min(x) → type of x: the smallest value (numbers, strings, booleans, timestamps, durations, ips); long-only input stays long; mixed types → null", func() Acc { return &extremeAcc{} }),
		simple("max", "max(x) → type of x: the largest value (numbers, strings, booleans, timestamps, durations, ips); long-only input stays long; mixed types → null", func() Acc { return &extremeAcc{max: true} }),
		simple("takeFirst", "takeFirst(x) → type of x: the first non-null value in record order", func() Acc { return &takeAcc{} }),
		simple("takeLast", "takeLast(x) → type of x: the last non-null value in record order", func() Acc { return &takeAcc{last: true} }),
		simple("takeAny", "takeAny(x) → type of x: any non-null value (trailbook: the first)", func() Acc { return &takeAcc{} }),
		simple("takeMin", "takeMin(x) → type of x: the smallest value in sort order, across types", func() Acc { return &takeOrderAcc{} }),
		simple("takeMax", "takeMax(x) → type of x: the largest value in sort order, across types", func() Acc { return &takeOrderAcc{max: true} }),
		&Agg{Name: "collectArray", Params: collectParams(),
			Doc: "collectArray(x [, maxLength: n] [, expand: bool]) → array: the non-null values in record order, at most n (default and limit 131072); expand: true adds array elements instead of arrays",
			New: newCollect(false)},
		&Agg{Name: "collectDistinct", Params: collectParams(),
			Doc: "collectDistinct(x [, maxLength: n] [, expand: bool]) → array: the distinct non-null values in order of first appearance, at most n",
			New: newCollect(true)},
	)
}

// countAcc counts records (count) or records whose condition is true (countIf).
type countAcc struct {
	n    int64
	cond bool
}

func (a *countAcc) Add(args []value.Value) {
	if !a.cond || arg(args, 0).IsTrue() {
		a.n++
	}
}

func (a *countAcc) Merge(o Acc) {
	if b, ok := o.(*countAcc); ok {
		a.n += b.n
	}
}

func (a *countAcc) Result() value.Value { return value.Long(a.n) }

// distinctAcc counts distinct values by their grouping key (value.AppendKey), so 1
// and 1.0 are one value, as they are equal.
type distinctAcc struct {
	seen map[string]struct{}
	buf  []byte
}

func newDistinct() *distinctAcc { return &distinctAcc{seen: map[string]struct{}{}} }

func (a *distinctAcc) Add(args []value.Value) {
	v := arg(args, 0)
	if v.IsNull() {
		return
	}
	a.buf = value.AppendKey(a.buf[:0], v)
	if _, ok := a.seen[string(a.buf)]; !ok { // the lookup does not allocate
		a.seen[string(a.buf)] = struct{}{}
	}
}

func (a *distinctAcc) Merge(o Acc) {
	if b, ok := o.(*distinctAcc); ok {
		for k := range b.seen {
			a.seen[k] = struct{}{}
		}
	}
}

func (a *distinctAcc) Result() value.Value { return value.Long(int64(len(a.seen))) }

// sumAcc implements sum and avg. Doubles are added with Neumaier's compensated
// summation, so the result does not depend much on how a parallel scan splits input.
type sumAcc struct {
	avg      bool
	kind     value.Kind // KindNull (no input yet), KindDouble (numbers) or KindDuration
	bad      bool       // mixed types, another type, or duration overflow
	n        int64
	sum, cmp float64
	dur      int64
}

func (a *sumAcc) addFloat(x float64) {
	t := a.sum + x
	if math.Abs(a.sum) >= math.Abs(x) {
		a.cmp += (a.sum - t) + x
	} else {
		a.cmp += (x - t) + a.sum
	}
	a.sum = t
}

func (a *sumAcc) setKind(k value.Kind) {
	if a.kind != value.KindNull && a.kind != k {
		a.bad = true
	}
	a.kind = k
}

func (a *sumAcc) Add(args []value.Value) {
	v := arg(args, 0)
	switch v.Kind() {
	case value.KindNull:
		return
	case value.KindLong, value.KindDouble:
		a.setKind(value.KindDouble)
		f, _ := v.Number()
		a.addFloat(f)
	case value.KindDuration:
		a.setKind(value.KindDuration)
		d, _ := v.Duration()
		var ok bool
		if a.dur, ok = addOverflow(a.dur, d); !ok {
			a.bad = true
		}
	default:
		a.bad = true
	}
	a.n++
}

func (a *sumAcc) Merge(o Acc) {
	b, ok := o.(*sumAcc)
	if !ok || b.n == 0 {
		return
	}
	a.bad = a.bad || b.bad
	a.setKind(b.kind)
	a.addFloat(b.sum)
	a.addFloat(b.cmp)
	var okd bool
	if a.dur, okd = addOverflow(a.dur, b.dur); !okd {
		a.bad = true
	}
	a.n += b.n
}

func (a *sumAcc) Result() value.Value {
	if a.bad || a.n == 0 {
		return value.Value{}
	}
	if a.kind == value.KindDuration {
		if !a.avg {
			return value.Duration(a.dur)
		}
		return value.Duration(roundDiv(a.dur, a.n))
	}
	s := a.sum + a.cmp
	if a.avg {
		return double(s / float64(a.n))
	}
	return double(s)
}

// roundDiv divides rounding half away from zero.
func roundDiv(a, n int64) int64 {
	q, r := a/n, a%n
	if 2*abs64(r) >= n {
		if a < 0 {
			q--
		} else {
			q++
		}
	}
	return q
}

func abs64(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// orderClass groups the kinds min and max compare with each other; 0 = not orderable.
func orderClass(k value.Kind) int {
	switch k {
	case value.KindLong, value.KindDouble:
		return 1
	case value.KindBoolean, value.KindString, value.KindTimestamp, value.KindDuration, value.KindIP:
		return int(k) + 1
	}
	return 0
}

// extremeAcc implements min and max (also arrayMin/arrayMax): one orderable type,
// longs and doubles counting as one; a long result becomes a double if any input
// was a double.
type extremeAcc struct {
	max       bool
	has, bad  bool
	sawDouble bool
	best      value.Value
}

func (a *extremeAcc) add(v value.Value) {
	if v.IsNull() {
		return
	}
	c := orderClass(v.Kind())
	if c == 0 || a.has && c != orderClass(a.best.Kind()) {
		a.bad = true
		return
	}
	if v.Kind() == value.KindDouble {
		a.sawDouble = true
	}
	if !a.has {
		a.best, a.has = v, true
		return
	}
	if cmp := value.Compare(v, a.best); a.max && cmp > 0 || !a.max && cmp < 0 {
		a.best = v
	}
}

func (a *extremeAcc) Add(args []value.Value) { a.add(arg(args, 0)) }

func (a *extremeAcc) Merge(o Acc) {
	b, ok := o.(*extremeAcc)
	if !ok {
		return
	}
	a.bad = a.bad || b.bad
	a.sawDouble = a.sawDouble || b.sawDouble
	if b.has {
		a.add(b.best)
	}
}

func (a *extremeAcc) Result() value.Value {
	if a.bad || !a.has {
		return value.Value{}
	}
	if n, ok := a.best.Long(); ok && a.sawDouble {
		return value.Double(float64(n))
	}
	return a.best
}

// takeAcc implements takeFirst, takeAny (the first non-null value) and takeLast.
type takeAcc struct {
	last bool
	has  bool
	v    value.Value
}

func (a *takeAcc) Add(args []value.Value) {
	v := arg(args, 0)
	if v.IsNull() || a.has && !a.last {
		return
	}
	a.v, a.has = v, true
}

func (a *takeAcc) Merge(o Acc) {
	if b, ok := o.(*takeAcc); ok && b.has && (a.last || !a.has) {
		a.v, a.has = b.v, true
	}
}

func (a *takeAcc) Result() value.Value { return a.v }

// takeOrderAcc implements takeMin and takeMax over any types, in the sort order of
// spec §7.5; on ties the first value is kept.
type takeOrderAcc struct {
	max bool
	has bool
	v   value.Value
}

func (a *takeOrderAcc) add(v value.Value) {
	if v.IsNull() {
		return
	}
	if !a.has {
		a.v, a.has = v, true
		return
	}
	if c := value.Compare(v, a.v); a.max && c > 0 || !a.max && c < 0 {
		a.v = v
	}
}

func (a *takeOrderAcc) Add(args []value.Value) { a.add(arg(args, 0)) }

func (a *takeOrderAcc) Merge(o Acc) {
	if b, ok := o.(*takeOrderAcc); ok && b.has {
		a.add(b.v)
	}
}

func (a *takeOrderAcc) Result() value.Value { return a.v }

func collectParams() []Param {
	return []Param{req("expression"), opt("maxLength", value.Long(maxCollect)), opt("expand", value.False)}
}

// newCollect makes collectArray (distinct = false) and collectDistinct accumulators,
// checking the constant options.
func newCollect(distinct bool) func([]value.Value, []bool) (Acc, error) {
	return func(consts []value.Value, isConst []bool) (Acc, error) {
		acc := &collectAcc{max: maxCollect}
		if v, ok := constAt(consts, isConst, 1); ok && !v.IsNull() {
			n, isInt := intOf(v)
			if !isInt || n < 1 || n > maxCollect {
				return nil, errorf("maxLength must be a long from 1 to %d, found %s", maxCollect, quote(v))
			}
			acc.max = int(n)
		} else if len(consts) > 1 && !ok {
			return nil, errorf("maxLength must be a constant")
		}
		if v, ok := constAt(consts, isConst, 2); ok && !v.IsNull() {
			b, isBool := v.Bool()
			if !isBool {
				return nil, errorf("expand must be a boolean, found %s", quote(v))
			}
			acc.expand = b
		} else if len(consts) > 2 && !ok {
			return nil, errorf("expand must be a constant")
		}
		if distinct {
			acc.seen = map[string]struct{}{}
		}
		return acc, nil
	}
}

// collectAcc implements collectArray and collectDistinct (seen != nil).
type collectAcc struct {
	max    int
	expand bool
	has    bool // some non-null input arrived (an empty result is [] then, not null)
	items  []value.Value
	seen   map[string]struct{}
	buf    []byte
}

func (a *collectAcc) push(v value.Value) {
	if v.IsNull() || len(a.items) >= a.max {
		return
	}
	if a.expand {
		if elems, ok := v.Array(); ok {
			for _, e := range elems {
				a.push(e)
			}
			return
		}
	}
	if a.seen != nil {
		a.buf = value.AppendKey(a.buf[:0], v)
		if _, dup := a.seen[string(a.buf)]; dup {
			return
		}
		a.seen[string(a.buf)] = struct{}{}
	}
	a.items = append(a.items, v)
}

func (a *collectAcc) Add(args []value.Value) {
	v := arg(args, 0)
	if v.IsNull() {
		return
	}
	a.has = true
	a.push(v)
}

func (a *collectAcc) Merge(o Acc) {
	b, ok := o.(*collectAcc)
	if !ok || !b.has {
		return
	}
	a.has = true
	expand := a.expand
	a.expand = false // b's items are already expanded
	for _, v := range b.items {
		a.push(v)
	}
	a.expand = expand
}

func (a *collectAcc) Result() value.Value {
	if !a.has {
		return value.Value{}
	}
	return value.Array(a.items[:len(a.items):len(a.items)])
}

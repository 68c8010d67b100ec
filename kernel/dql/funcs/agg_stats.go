package funcs

import (
	"math"
	"slices"

	"github.com/trailbook/trailbook/kernel/dql/value"
)

// Statistical aggregations (spec §8.1): stddev, variance, correlation and the
// percentile family, plus the exact percentile that arrayMedian and arrayPercentile
// share.
//
//	data record(a = 1), record(a = 2), record(a = 4) | summarize median(a), percentile(a, 90), stddev(a)

func init() {
	registerAgg(
		&Agg{Name: "variance", Params: []Param{req("expression")},
			Doc: "variance(x) → double: the population variance of the numeric values (divided by N)",
			New: func([]value.Value, []bool) (Acc, error) { return &momentsAcc{}, nil }},
		&Agg{Name: "stddev", Params: []Param{req("expression")},
			Doc: "stddev(x) → double: the population standard deviation of the numeric values (divided by N)",
			New: func([]value.Value, []bool) (Acc, error) { return &momentsAcc{sd: true}, nil }},
		&Agg{Name: "correlation", Params: []Param{req("expression1"), req("expression2")},
			Doc: "correlation(x, y) → double: the Pearson correlation of the records where both are numbers; null when either is constant",
			New: func([]value.Value, []bool) (Acc, error) { return &corrAcc{}, nil }},
		&Agg{Name: "percentile", Params: []Param{req("expression"), req("percentile"), opt("weight", value.Value{})},
			Doc: "percentile(x, p [, weight]) → double (or duration, timestamp): the p-th percentile (0–100), exact, interpolating linearly between closest ranks",
			New: newPercentile},
		&Agg{Name: "percentiles", Params: []Param{req("expression"), rest("percentiles")},
			Doc: "percentiles(x, p, …) → array: the percentiles p, … of x, as percentile computes them",
			New: newPercentiles},
		&Agg{Name: "median", Params: []Param{req("expression")},
			Doc: "median(x) → double (or duration, timestamp): the 50th percentile of x",
			New: func([]value.Value, []bool) (Acc, error) { return &pctAcc{ps: []float64{50}}, nil }},
	)
}

// momentsAcc implements variance and stddev with Welford's algorithm; Merge uses
// Chan's formula for combining two partial results.
type momentsAcc struct {
	sd       bool
	bad      bool
	n        float64
	mean, m2 float64
}

func (a *momentsAcc) Add(args []value.Value) {
	v := arg(args, 0)
	if v.IsNull() {
		return
	}
	x, ok := v.Number()
	if !ok {
		a.bad = true
		return
	}
	a.n++
	d := x - a.mean
	a.mean += d / a.n
	a.m2 += d * (x - a.mean)
}

func (a *momentsAcc) Merge(o Acc) {
	b, ok := o.(*momentsAcc)
	if !ok {
		return
	}
	a.bad = a.bad || b.bad
	if b.n == 0 {
		return
	}
	n := a.n + b.n
	d := b.mean - a.mean
	a.m2 += b.m2 + d*d*a.n*b.n/n
	a.mean += d * b.n / n
	a.n = n
}

func (a *momentsAcc) Result() value.Value {
	if a.bad || a.n == 0 {
		return value.Value{}
	}
	v := math.Max(a.m2/a.n, 0)
	if a.sd {
		return double(math.Sqrt(v))
	}
	return double(v)
}

// corrAcc implements correlation with co-moments (Welford-style, mergeable).
type corrAcc struct {
	n, mx, my, m2x, m2y, cxy float64
}

func (a *corrAcc) Add(args []value.Value) {
	x, ok1 := arg(args, 0).Number()
	y, ok2 := arg(args, 1).Number()
	if !ok1 || !ok2 {
		return
	}
	a.n++
	dx := x - a.mx
	dy := y - a.my
	a.mx += dx / a.n
	a.my += dy / a.n
	a.cxy += dx * (y - a.my)
	a.m2x += dx * (x - a.mx)
	a.m2y += dy * (y - a.my)
}

func (a *corrAcc) Merge(o Acc) {
	b, ok := o.(*corrAcc)
	if !ok || b.n == 0 {
		return
	}
	n := a.n + b.n
	dx, dy := b.mx-a.mx, b.my-a.my
	f := a.n * b.n / n
	a.cxy += b.cxy + dx*dy*f
	a.m2x += b.m2x + dx*dx*f
	a.m2y += b.m2y + dy*dy*f
	a.mx += dx * b.n / n
	a.my += dy * b.n / n
	a.n = n
}

func (a *corrAcc) Result() value.Value {
	if a.n < 2 || a.m2x <= 0 || a.m2y <= 0 {
		return value.Value{}
	}
	r := a.cxy / math.Sqrt(a.m2x*a.m2y)
	return double(math.Max(-1, math.Min(1, r)))
}

// percentArg reads a constant percentile between 0 and 100.
func percentArg(consts []value.Value, isConst []bool, i int) (float64, error) {
	v, ok := constAt(consts, isConst, i)
	if !ok {
		return 0, errorf("the percentile must be a constant number")
	}
	p, ok := v.Number()
	if !ok || !(p >= 0 && p <= 100) {
		return 0, errorf("the percentile must be a number from 0 to 100, found %s", quote(v))
	}
	return p, nil
}

func newPercentile(consts []value.Value, isConst []bool) (Acc, error) {
	p, err := percentArg(consts, isConst, 1)
	if err != nil {
		return nil, err
	}
	// An omitted weight arrives as the constant null; any other weight expression
	// weighs each record, and a record whose weight is not a positive number is skipped.
	w, wConst := constAt(consts, isConst, 2)
	weighted := len(consts) > 2 && !(wConst && w.IsNull())
	return &pctAcc{ps: []float64{p}, weighted: weighted}, nil
}

func newPercentiles(consts []value.Value, isConst []bool) (Acc, error) {
	if len(consts) < 2 {
		return nil, errorf("at least one percentile is needed")
	}
	ps := make([]float64, 0, len(consts)-1)
	for i := 1; i < len(consts); i++ {
		p, err := percentArg(consts, isConst, i)
		if err != nil {
			return nil, err
		}
		ps = append(ps, p)
	}
	return &pctAcc{ps: ps, multi: true}, nil
}

// pctAcc implements percentile, percentiles and median by keeping every value.
type pctAcc struct {
	ps       []float64
	multi    bool // percentiles: the result is an array
	weighted bool
	set      sampleSet
}

func (a *pctAcc) Add(args []value.Value) {
	w := 1.0
	if a.weighted {
		var ok bool
		w, ok = arg(args, 2).Number()
		if !ok || !(w > 0) || math.IsInf(w, 0) {
			return
		}
	}
	a.set.add(arg(args, 0), w)
}

func (a *pctAcc) Merge(o Acc) {
	if b, ok := o.(*pctAcc); ok {
		a.set.merge(&b.set)
	}
}

func (a *pctAcc) Result() value.Value {
	if !a.multi {
		return a.set.percentile(a.ps[0])
	}
	if a.set.empty() || a.set.bad {
		return value.Value{}
	}
	out := make([]value.Value, len(a.ps))
	for i, p := range a.ps {
		out[i] = a.set.percentile(p)
	}
	return value.Array(out)
}

// sample is one value of a sampleSet: f for numbers, i for durations and timestamps
// (kept as integers so that nanosecond precision survives).
type sample struct {
	f float64
	i int64
	w float64
}

// sampleSet collects values of one kind for exact percentiles: numbers (kind
// KindDouble), durations or timestamps. Any other kind, or a mix, makes it bad.
type sampleSet struct {
	kind     value.Kind
	bad      bool
	unit     bool // every weight is 1
	s        []sample
	sorted   bool
	totalW   float64
	notFirst bool
}

func (ss *sampleSet) empty() bool { return len(ss.s) == 0 }

func (ss *sampleSet) add(v value.Value, w float64) {
	var k value.Kind
	var sm sample
	switch v.Kind() {
	case value.KindNull:
		return
	case value.KindLong, value.KindDouble:
		k = value.KindDouble
		sm.f, _ = v.Number()
		if math.IsNaN(sm.f) {
			return
		}
	case value.KindDuration:
		k = value.KindDuration
		sm.i, _ = v.Duration()
	case value.KindTimestamp:
		k = value.KindTimestamp
		sm.i, _ = v.Timestamp()
	default:
		ss.bad = true
		return
	}
	if !ss.notFirst {
		ss.notFirst, ss.unit = true, true
	}
	if ss.kind != value.KindNull && ss.kind != k {
		ss.bad = true
	}
	ss.kind = k
	sm.w = w
	ss.unit = ss.unit && w == 1
	ss.totalW += w
	ss.s = append(ss.s, sm)
	ss.sorted = false
}

func (ss *sampleSet) merge(o *sampleSet) {
	ss.bad = ss.bad || o.bad
	if len(o.s) == 0 {
		return
	}
	if !ss.notFirst {
		ss.notFirst, ss.unit = true, true
	}
	if ss.kind != value.KindNull && ss.kind != o.kind {
		ss.bad = true
	}
	ss.kind = o.kind
	ss.unit = ss.unit && o.unit
	ss.totalW += o.totalW
	ss.s = append(ss.s, o.s...)
	ss.sorted = false
}

func (ss *sampleSet) sort() {
	if ss.sorted {
		return
	}
	if ss.kind == value.KindDouble {
		slices.SortStableFunc(ss.s, func(a, b sample) int {
			switch {
			case a.f < b.f:
				return -1
			case a.f > b.f:
				return 1
			}
			return 0
		})
	} else {
		slices.SortStableFunc(ss.s, func(a, b sample) int {
			switch {
			case a.i < b.i:
				return -1
			case a.i > b.i:
				return 1
			}
			return 0
		})
	}
	ss.sorted = true
}

// percentile returns the p-th percentile (0–100) by linear interpolation between the
// closest ranks (the "C = 1" variant: rank h = p/100 × (N−1), as numpy and Excel's
// PERCENTILE.INC do). With weights, a value of weight w counts as w copies of it.
func (ss *sampleSet) percentile(p float64) value.Value {
	if ss.bad || len(ss.s) == 0 || !(p >= 0 && p <= 100) {
		return value.Value{}
	}
	ss.sort()
	lo, hi, frac := 0, 0, 0.0
	if ss.unit {
		h := p / 100 * float64(len(ss.s)-1)
		lo = int(math.Floor(h))
		hi = min(lo+1, len(ss.s)-1)
		frac = h - float64(lo)
	} else {
		lo, hi, frac = ss.weightedRank(p)
	}
	a, b := ss.s[lo], ss.s[hi]
	switch ss.kind {
	case value.KindDouble:
		return double(a.f + frac*(b.f-a.f))
	case value.KindDuration:
		return value.Duration(a.i + int64(math.Round(frac*(float64(b.i)-float64(a.i)))))
	default:
		return value.Timestamp(a.i + int64(math.Round(frac*(float64(b.i)-float64(a.i)))))
	}
}

// weightedRank places rank h = p/100 × (W−1) among blocks: value i occupies ranks
// [c_i, c_i + w_i − 1], where c_i is the weight before it. Between two blocks the
// rank interpolates; with whole weights this equals repeating each value w times.
func (ss *sampleSet) weightedRank(p float64) (lo, hi int, frac float64) {
	h := math.Max(0, p/100*(ss.totalW-1))
	c := 0.0
	for i, sm := range ss.s {
		end := c + sm.w - 1
		if h <= end {
			if h >= c || i == 0 {
				return i, i, 0
			}
			return i - 1, i, h - (c - 1)
		}
		c += sm.w
	}
	last := len(ss.s) - 1
	return last, last, 0
}

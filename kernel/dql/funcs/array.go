package funcs

import (
	"slices"

	"github.com/trailbook/trailbook/kernel/dql/value"
)

// Array functions (spec §10.5). Arrays are immutable values: every function that
// reorders or filters returns a new slice.
//
//	data record(a = array(2, 3, 7, 7, 1)) | fieldsAdd arraySize(a), arrayDistinct(a), arrayMovingAvg(a, 2)

// maxMovingWindow is the largest window of the arrayMoving* functions (spec §10.5).
const maxMovingWindow = 60

func init() {
	register(
		arrFn("arraySize", "arraySize(a) → long: the number of elements", func(a []value.Value) value.Value {
			return value.Long(int64(len(a)))
		}),
		arrFn("arrayFirst", "arrayFirst(a) → any: the first non-null element", func(a []value.Value) value.Value {
			for _, e := range a {
				if !e.IsNull() {
					return e
				}
			}
			return value.Value{}
		}),
		arrFn("arrayLast", "arrayLast(a) → any: the last non-null element", func(a []value.Value) value.Value {
			for i := len(a) - 1; i >= 0; i-- {
				if !a[i].IsNull() {
					return a[i]
				}
			}
			return value.Value{}
		}),
		&Func{Name: "arrayElement", Params: []Param{req("array"), req("index")},
			Call: func(_ *Env, args []value.Value) value.Value {
				a, ok1 := arg(args, 0).Array()
				i, ok2 := intOf(arg(args, 1))
				if !ok1 || !ok2 {
					return value.Value{}
				}
				if i < 0 {
					i += int64(len(a))
				}
				if i < 0 || i >= int64(len(a)) {
					return value.Value{}
				}
				return a[i]
			},
			Doc: "arrayElement(a, i) → any: the element at index i (0-based; negative counts from the end); null out of range"},
		&Func{Name: "arrayIndexOf", Params: []Param{req("array"), req("value")},
			Call: arrayIndex(false),
			Doc:  "arrayIndexOf(a, v) → long: the first index of an element equal to v; -1 if none"},
		&Func{Name: "arrayLastIndexOf", Params: []Param{req("array"), req("value")},
			Call: arrayIndex(true),
			Doc:  "arrayLastIndexOf(a, v) → long: the last index of an element equal to v; -1 if none"},
		arrFn("arraySum", "arraySum(a) → double: the sum of the numeric elements (others ignored); 0 if there are none", func(a []value.Value) value.Value {
			s, _ := numericSum(a)
			return double(s)
		}),
		arrFn("arrayAvg", "arrayAvg(a) → double: the mean of the numeric elements (others ignored); 0 if there are none", func(a []value.Value) value.Value {
			s, n := numericSum(a)
			if n == 0 {
				return value.Double(0)
			}
			return double(s / float64(n))
		}),
		arrFn("arrayMin", "arrayMin(a) → any: the smallest element (numbers, strings lexicographically, …); null elements ignored; mixed types → null", func(a []value.Value) value.Value {
			acc := extremeAcc{}
			for _, e := range a {
				acc.add(e)
			}
			return acc.Result()
		}),
		arrFn("arrayMax", "arrayMax(a) → any: the largest element (numbers, strings lexicographically, …); null elements ignored; mixed types → null", func(a []value.Value) value.Value {
			acc := extremeAcc{max: true}
			for _, e := range a {
				acc.add(e)
			}
			return acc.Result()
		}),
		arrFn("arrayMedian", "arrayMedian(a) → double: the median of the elements, as the median aggregation computes it", func(a []value.Value) value.Value {
			return arrayPercentile(a, 50)
		}),
		&Func{Name: "arrayPercentile", Params: []Param{req("array"), req("percentile")},
			Call: func(_ *Env, args []value.Value) value.Value {
				a, ok1 := arg(args, 0).Array()
				p, ok2 := arg(args, 1).Number()
				if !ok1 || !ok2 {
					return value.Value{}
				}
				return arrayPercentile(a, p)
			},
			Prepare: func(consts []value.Value, isConst []bool) (CallFn, error) {
				if v, ok := constAt(consts, isConst, 1); ok && !v.IsNull() {
					if p, isNum := v.Number(); !isNum || !(p >= 0 && p <= 100) {
						return nil, errorf("the percentile must be a number from 0 to 100, found %s", quote(v))
					}
				}
				return nil, nil
			},
			Doc: "arrayPercentile(a, p) → double: the p-th percentile (0–100) of the elements, as the percentile aggregation computes it"},
		arrFn("arrayDistinct", "arrayDistinct(a) → array: the distinct elements, sorted (numbers ascending, strings lexicographically, nulls last)", func(a []value.Value) value.Value {
			seen := make(map[string]struct{}, len(a))
			out := make([]value.Value, 0, len(a))
			var buf []byte
			for _, e := range a {
				buf = value.AppendKey(buf[:0], e)
				if _, dup := seen[string(buf)]; dup {
					continue
				}
				seen[string(buf)] = struct{}{}
				out = append(out, e)
			}
			slices.SortStableFunc(out, value.Compare)
			return value.Array(out)
		}),
		&Func{Name: "arraySort", Params: []Param{req("array"), opt("direction", value.String("ascending"))},
			Call: callArraySort,
			Prepare: func(consts []value.Value, isConst []bool) (CallFn, error) {
				if v, ok := constAt(consts, isConst, 1); ok {
					if _, ok := sortDescending(v); !ok {
						return nil, errorf("direction must be \"ascending\" or \"descending\", found %s", quote(v))
					}
				}
				return nil, nil
			},
			Doc: "arraySort(a [, direction: \"ascending\"|\"descending\"]) → array: the elements in sort order (types ranked as in sort; nulls last)"},
		arrFn("arrayReverse", "arrayReverse(a) → array: the elements in reverse order", func(a []value.Value) value.Value {
			out := slices.Clone(a)
			slices.Reverse(out)
			return value.Array(out)
		}),
		arrFn("arrayRemoveNulls", "arrayRemoveNulls(a) → array: the elements that are not null", func(a []value.Value) value.Value {
			out := make([]value.Value, 0, len(a))
			for _, e := range a {
				if !e.IsNull() {
					out = append(out, e)
				}
			}
			return value.Array(out)
		}),
		&Func{Name: "arrayConcat", NullIn: true, Params: []Param{rest("arrays")},
			Call: func(_ *Env, args []value.Value) value.Value {
				var out []value.Value
				found := false
				for _, v := range args {
					if a, ok := v.Array(); ok {
						out = append(out, a...)
						found = true
					}
				}
				if !found {
					return value.Value{}
				}
				return value.Array(out)
			},
			Doc: "arrayConcat(a, …) → array: the arrays joined; null and non-array arguments are skipped (null if none is left)"},
		arrFn("arrayFlatten", "arrayFlatten(a) → array: nested arrays replaced by their elements (one level)", func(a []value.Value) value.Value {
			out := make([]value.Value, 0, len(a))
			for _, e := range a {
				if inner, ok := e.Array(); ok {
					out = append(out, inner...)
					continue
				}
				out = append(out, e)
			}
			return value.Array(out)
		}),
		&Func{Name: "arraySlice", Params: []Param{req("array"), opt("from", value.Value{}), opt("to", value.Value{})},
			Call: func(_ *Env, args []value.Value) value.Value {
				a, ok := arg(args, 0).Array()
				if !ok {
					return value.Value{}
				}
				lo, hi, ok := sliceBounds(arg(args, 1), arg(args, 2), len(a))
				if !ok {
					return value.Value{}
				}
				return value.Array(slices.Clone(a[lo:hi]))
			},
			Doc: "arraySlice(a [, from: i] [, to: j]) → array: elements from i (inclusive) to j (exclusive); negative indexes count from the end; clamped"},
		&Func{Name: "arrayToString", Params: []Param{req("array"), opt("delimiter", value.String(""))},
			Call: func(_ *Env, args []value.Value) value.Value {
				a, ok1 := arg(args, 0).Array()
				d, ok2 := strOr(arg(args, 1), "")
				if !ok1 || !ok2 {
					return value.Value{}
				}
				var b []byte
				first := true
				for _, e := range a {
					if e.IsNull() {
						continue
					}
					if !first {
						b = append(b, d...)
					}
					first = false
					b = value.AppendFormat(b, e)
				}
				return value.String(string(b))
			},
			Doc: "arrayToString(a [, delimiter: s]) → string: the elements' text joined by s (default \"\"); nulls are skipped"},
		arrFn("arrayCumulativeSum", "arrayCumulativeSum(a) → array: running totals; a null adds 0; any non-numeric element → null", callCumulativeSum),
		arrFn("arrayDelta", "arrayDelta(a) → array: each element minus the previous non-null one, negative steps as 0; the first element and nulls give null; non-numeric → null", func(a []value.Value) value.Value {
			return arrayStep(a, true)
		}),
		arrFn("arrayDiff", "arrayDiff(a) → array: each element minus the one before it; the first element and elements next to a null give null; non-numeric → null", func(a []value.Value) value.Value {
			return arrayStep(a, false)
		}),
		movingFn("arrayMovingSum", "the sum", movingSum),
		movingFn("arrayMovingAvg", "the mean", movingAvg),
		movingFn("arrayMovingMin", "the minimum", movingMin),
		movingFn("arrayMovingMax", "the maximum", movingMax),
	)
}

// arrFn makes a function of one array argument.
func arrFn(name, doc string, f func([]value.Value) value.Value) *Func {
	return &Func{Name: name, Params: []Param{req("array")}, Doc: doc,
		Call: func(_ *Env, args []value.Value) value.Value {
			a, ok := arg(args, 0).Array()
			if !ok {
				return value.Value{}
			}
			return f(a)
		}}
}

func arrayIndex(last bool) CallFn {
	return func(_ *Env, args []value.Value) value.Value {
		a, ok := arg(args, 0).Array()
		v := arg(args, 1)
		if !ok || v.IsNull() {
			return value.Value{}
		}
		for k := range a {
			i := k
			if last {
				i = len(a) - 1 - k
			}
			if !a[i].IsNull() && value.Equal(a[i], v) {
				return value.Long(int64(i))
			}
		}
		return value.Long(-1)
	}
}

// numericSum adds the numeric elements, ignoring the others.
func numericSum(a []value.Value) (float64, int) {
	acc := sumAcc{}
	n := 0
	for _, e := range a {
		if e.IsNumber() {
			acc.Add([]value.Value{e})
			n++
		}
	}
	return acc.sum + acc.cmp, n
}

func arrayPercentile(a []value.Value, p float64) value.Value {
	var ss sampleSet
	for _, e := range a {
		ss.add(e, 1)
	}
	return ss.percentile(p)
}

// sortDescending reads arraySort's direction.
func sortDescending(v value.Value) (desc, ok bool) {
	s, ok := strOr(v, "ascending")
	switch {
	case !ok:
		return false, false
	case s == "ascending" || s == "asc":
		return false, true
	case s == "descending" || s == "desc":
		return true, true
	}
	return false, false
}

func callArraySort(_ *Env, args []value.Value) value.Value {
	a, ok1 := arg(args, 0).Array()
	desc, ok2 := sortDescending(arg(args, 1))
	if !ok1 || !ok2 {
		return value.Value{}
	}
	out := slices.Clone(a)
	slices.SortStableFunc(out, func(x, y value.Value) int {
		// nulls stay last in both directions (spec §7.5)
		if x.IsNull() || y.IsNull() {
			return value.Compare(x, y)
		}
		if desc {
			return value.Compare(y, x)
		}
		return value.Compare(x, y)
	})
	return value.Array(out)
}

// numArray checks that every non-null element is a number and reports whether they
// are all longs.
func numArray(a []value.Value) (allLong, ok bool) {
	allLong = true
	for _, e := range a {
		switch e.Kind() {
		case value.KindNull:
		case value.KindLong:
		case value.KindDouble:
			allLong = false
		default:
			return false, false
		}
	}
	return allLong, true
}

func callCumulativeSum(a []value.Value) value.Value {
	allLong, ok := numArray(a)
	if !ok {
		return value.Value{}
	}
	out := make([]value.Value, len(a))
	var li int64
	var lf float64
	for i, e := range a {
		if allLong {
			n, _ := e.Long() // null adds 0
			var ok bool
			if li, ok = addOverflow(li, n); !ok {
				return value.Value{}
			}
			out[i] = value.Long(li)
			continue
		}
		f, _ := e.Number()
		lf += f
		out[i] = double(lf)
	}
	return value.Array(out)
}

// arrayStep implements arrayDelta (delta: against the previous non-null element,
// negative steps clamped to 0) and arrayDiff (against the element just before).
func arrayStep(a []value.Value, delta bool) value.Value {
	allLong, ok := numArray(a)
	if !ok {
		return value.Value{}
	}
	out := make([]value.Value, len(a))
	var prev value.Value
	for i, e := range a {
		if !delta && i > 0 {
			prev = a[i-1]
		}
		if e.IsNull() || prev.IsNull() {
			if delta && !e.IsNull() {
				prev = e
			}
			continue
		}
		if allLong {
			x, _ := e.Long()
			y, _ := prev.Long()
			d, ok := subOverflow(x, y)
			switch {
			case !ok:
			case delta && d < 0:
				out[i] = value.Long(0)
			default:
				out[i] = value.Long(d)
			}
		} else {
			x, _ := e.Number()
			y, _ := prev.Number()
			d := x - y
			if delta && d < 0 {
				d = 0
			}
			out[i] = double(d)
		}
		if delta {
			prev = e
		}
	}
	return value.Array(out)
}

// window is one arrayMoving* window's non-null numbers.
type window struct {
	vals    []float64
	ints    []int64
	allLong bool
}

func movingSum(w window) value.Value {
	if w.allLong {
		var s int64
		for _, n := range w.ints {
			var ok bool
			if s, ok = addOverflow(s, n); !ok {
				return value.Value{}
			}
		}
		return value.Long(s)
	}
	s := 0.0
	for _, f := range w.vals {
		s += f
	}
	return double(s)
}

func movingAvg(w window) value.Value {
	s := 0.0
	for _, f := range w.vals {
		s += f
	}
	return double(s / float64(len(w.vals)))
}

func movingMin(w window) value.Value {
	if w.allLong {
		return value.Long(slices.Min(w.ints))
	}
	return double(slices.Min(w.vals))
}

func movingMax(w window) value.Value {
	if w.allLong {
		return value.Long(slices.Max(w.ints))
	}
	return double(slices.Max(w.vals))
}

// movingFn makes arrayMovingSum/Avg/Min/Max(a, window): each element's result over
// itself and up to window−1 elements before it, ignoring nulls (null when the window
// holds none); any non-numeric element makes the result null.
func movingFn(name, what string, f func(window) value.Value) *Func {
	return &Func{Name: name, Params: []Param{req("array"), req("window")},
		Call: func(_ *Env, args []value.Value) value.Value {
			a, ok1 := arg(args, 0).Array()
			n, ok2 := intOf(arg(args, 1))
			if !ok1 || !ok2 || n < 1 || n > maxMovingWindow {
				return value.Value{}
			}
			allLong, ok := numArray(a)
			if !ok {
				return value.Value{}
			}
			out := make([]value.Value, len(a))
			w := window{allLong: allLong}
			for i := range a {
				w.vals, w.ints = w.vals[:0], w.ints[:0]
				for j := max(0, i-int(n)+1); j <= i; j++ {
					if a[j].IsNull() {
						continue
					}
					x, _ := a[j].Number()
					w.vals = append(w.vals, x)
					if allLong {
						l, _ := a[j].Long()
						w.ints = append(w.ints, l)
					}
				}
				if len(w.vals) > 0 {
					out[i] = f(w)
				}
			}
			return value.Array(out)
		},
		Prepare: func(consts []value.Value, isConst []bool) (CallFn, error) {
			if v, ok := constAt(consts, isConst, 1); ok && !v.IsNull() {
				if n, isInt := intOf(v); !isInt || n < 1 || n > maxMovingWindow {
					return nil, errorf("window must be a long from 1 to %d, found %s", maxMovingWindow, quote(v))
				}
			}
			return nil, nil
		},
		Doc: name + "(a, window) → array: " + what + " of each element and up to window−1 (≤ 59) before it, ignoring nulls; non-numeric elements → null"}
}

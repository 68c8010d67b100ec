package funcs

import (
	"math"

	"github.com/trailbook/trailbook/kernel/dql/value"
)

// Mathematical functions (spec §10.6). abs, ceil, floor, round and signum keep a
// long argument long; the others compute in doubles. A result that is not a finite
// number (sqrt(-1), log(0), an overflowing exp) is null.
//
//	data record(x = -0.5) | fieldsAdd round(x), round(x, decimals: 1), abs(x), power(2, 10)

func init() {
	register(
		&Func{Name: "abs", Params: []Param{req("expression")},
			Call: keepLong(func(n int64) (int64, bool) {
				if n == math.MinInt64 {
					return 0, false
				}
				return abs64(n), true
			}, math.Abs),
			Doc: "abs(x) → number: the absolute value; a long stays long"},
		&Func{Name: "ceil", Params: []Param{req("expression")},
			Call: keepLong(func(n int64) (int64, bool) { return n, true }, math.Ceil),
			Doc:  "ceil(x) → number: the smallest integer ≥ x; a long stays long"},
		&Func{Name: "floor", Params: []Param{req("expression")},
			Call: keepLong(func(n int64) (int64, bool) { return n, true }, math.Floor),
			Doc:  "floor(x) → number: the largest integer ≤ x; a long stays long"},
		&Func{Name: "signum", Params: []Param{req("expression")},
			Call: keepLong(func(n int64) (int64, bool) {
				switch {
				case n > 0:
					return 1, true
				case n < 0:
					return -1, true
				}
				return 0, true
			}, func(f float64) float64 {
				switch {
				case f > 0:
					return 1
				case f < 0:
					return -1
				}
				return f // 0, -0 or NaN
			}),
			Doc: "signum(x) → number: -1, 0 or 1 by the sign of x; a long stays long"},
		&Func{Name: "round", Params: []Param{req("expression"), opt("decimals", value.Long(0))},
			Call: callRound,
			Doc:  "round(x [, decimals: n]) → number: x rounded to n decimals (negative n rounds to tens, hundreds…); halves round toward +∞, so round(-0.5) = 0; a long stays long"},
		mathFn("sqrt", "sqrt(x) → double: the square root; negative x → null", math.Sqrt),
		mathFn("cbrt", "cbrt(x) → double: the cube root", math.Cbrt),
		mathFn("exp", "exp(x) → double: e raised to x", math.Exp),
		mathFn("log", "log(x) → double: the natural logarithm; x ≤ 0 → null", positive(math.Log)),
		mathFn("log10", "log10(x) → double: the base-10 logarithm; x ≤ 0 → null", positive(math.Log10)),
		mathFn("log1p", "log1p(x) → double: log(1 + x), precise for small x; x ≤ -1 → null", func(x float64) float64 {
			if x <= -1 {
				return math.NaN()
			}
			return math.Log1p(x)
		}),
		mathFn("sin", "sin(x) → double: the sine of x radians", math.Sin),
		mathFn("cos", "cos(x) → double: the cosine of x radians", math.Cos),
		mathFn("tan", "tan(x) → double: the tangent of x radians", math.Tan),
		mathFn("asin", "asin(x) → double: the arc sine in radians; |x| > 1 → null", math.Asin),
		mathFn("acos", "acos(x) → double: the arc cosine in radians; |x| > 1 → null", math.Acos),
		mathFn("atan", "atan(x) → double: the arc tangent in radians", math.Atan),
		mathFn("sinh", "sinh(x) → double: the hyperbolic sine", math.Sinh),
		mathFn("cosh", "cosh(x) → double: the hyperbolic cosine", math.Cosh),
		mathFn("tanh", "tanh(x) → double: the hyperbolic tangent", math.Tanh),
		mathFn("degreeToRadian", "degreeToRadian(x) → double: x degrees in radians", func(x float64) float64 { return x * math.Pi / 180 }),
		mathFn("radianToDegree", "radianToDegree(x) → double: x radians in degrees", func(x float64) float64 { return x * 180 / math.Pi }),
		mathFn2("power", "power(b, e) → double: b raised to e", "base", "exponent", math.Pow),
		mathFn2("atan2", "atan2(y, x) → double: the angle of the point (x, y) in radians", "y", "x", math.Atan2),
		mathFn2("hypotenuse", "hypotenuse(x, y) → double: sqrt(x² + y²) without intermediate overflow", "x", "y", math.Hypot),
		&Func{Name: "pi", Call: func(*Env, []value.Value) value.Value { return value.Double(math.Pi) },
			Doc: "pi() → double: π"},
		&Func{Name: "e", Call: func(*Env, []value.Value) value.Value { return value.Double(math.E) },
			Doc: "e() → double: Euler's number e"},
	)
}

// keepLong makes a function that maps a long with fl and a double with fd.
func keepLong(fl func(int64) (int64, bool), fd func(float64) float64) CallFn {
	return func(_ *Env, args []value.Value) value.Value {
		v := arg(args, 0)
		if n, ok := v.Long(); ok {
			r, ok := fl(n)
			if !ok {
				return value.Value{}
			}
			return value.Long(r)
		}
		if f, ok := v.Double(); ok {
			return double(fd(f))
		}
		return value.Value{}
	}
}

// mathFn makes a double function of one number.
func mathFn(name, doc string, f func(float64) float64) *Func {
	return &Func{Name: name, Params: []Param{req("expression")}, Doc: doc,
		Call: func(_ *Env, args []value.Value) value.Value {
			x, ok := arg(args, 0).Number()
			if !ok {
				return value.Value{}
			}
			return double(f(x))
		}}
}

// mathFn2 makes a double function of two numbers.
func mathFn2(name, doc, p1, p2 string, f func(x, y float64) float64) *Func {
	return &Func{Name: name, Params: []Param{req(p1), req(p2)}, Doc: doc,
		Call: func(_ *Env, args []value.Value) value.Value {
			x, ok1 := arg(args, 0).Number()
			y, ok2 := arg(args, 1).Number()
			if !ok1 || !ok2 {
				return value.Value{}
			}
			return double(f(x, y))
		}}
}

// positive guards a logarithm: x ≤ 0 gives NaN, which double() turns into null.
func positive(f func(float64) float64) func(float64) float64 {
	return func(x float64) float64 {
		if x <= 0 {
			return math.NaN()
		}
		return f(x)
	}
}

// roundHalfUp rounds to an integer, halves toward +∞ (Java's Math.round): exact,
// unlike math.Floor(x + 0.5), which misrounds 0.49999999999999994.
func roundHalfUp(x float64) float64 {
	r := math.Floor(x)
	if x-r >= 0.5 {
		r++
	}
	return r
}

// pow10 holds 10^0 … 10^18, the powers that fit a long.
var pow10 = func() (p [19]int64) {
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

// callRound implements round(x, decimals:).
func callRound(_ *Env, args []value.Value) value.Value {
	x := arg(args, 0)
	d := int64(0)
	if dv := arg(args, 1); !dv.IsNull() {
		var ok bool
		if d, ok = intOf(dv); !ok {
			return value.Value{}
		}
	}
	if n, ok := x.Long(); ok {
		if d >= 0 {
			return x
		}
		if d <= -int64(len(pow10)) {
			return value.Long(0) // |n| < 10^19/2: every long rounds to 0
		}
		p := pow10[-d]
		s, ok := addOverflow(n, p/2)
		if !ok {
			return value.Value{}
		}
		r, ok := mulOverflow(floorDiv(s, p), p)
		if !ok {
			return value.Value{}
		}
		return value.Long(r)
	}
	f, ok := x.Double()
	if !ok {
		return value.Value{}
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return value.Value{}
	}
	var r float64
	switch {
	case d == 0:
		r = roundHalfUp(f)
	case d > 0:
		if d > 323 {
			return x
		}
		p := math.Pow(10, float64(d))
		y := f * p
		if math.IsInf(y, 0) || math.Abs(y) >= 1<<53 {
			return x // already finer than the double can tell
		}
		r = roundHalfUp(y) / p
	default:
		if d < -400 {
			return value.Double(0)
		}
		p := math.Pow(10, float64(-d))
		r = roundHalfUp(f/p) * p
	}
	if r == 0 {
		r = 0 // no negative zero
	}
	return double(r)
}

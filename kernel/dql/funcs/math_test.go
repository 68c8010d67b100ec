package funcs

import (
	"math"
	"testing"
)

func TestMath(t *testing.T) {
	f := check(t)

	f(L(5), "abs", L(-5))
	f(null, "abs", L(math.MinInt64))
	f(null, "abs", S("-1"))
	f(L(-2), "ceil", L(-2))
	f(D(-2), "ceil", D(-2.5))
	f(D(3), "ceil", D(2.1))
	f(D(-3), "floor", D(-2.5))
	f(L(7), "floor", L(7))
	f(L(-1), "signum", L(-9))
	f(D(0), "signum", D(0))
	f(null, "signum", D(math.NaN()))

	// round: halves toward +∞, longs stay long, negative decimals round to tens…
	f(D(-1), "round", D(-1.5))
	f(D(-2), "round", D(-1.6))
	f(D(3), "round", D(2.5))
	f(D(0), "round", D(0.49999999999999994))
	f(D(1.24), "round", D(1.235), N("decimals", L(2))) // 1.235 × 100 is 123.50000000000001 in doubles
	f(D(1200), "round", D(1234.5), N("decimals", L(-2)))
	f(D(-1200), "round", D(-1250), N("decimals", L(-2)))
	f(L(1300), "round", L(1250), N("decimals", L(-2)))
	f(L(-1200), "round", L(-1250), N("decimals", L(-2)))
	f(L(1234), "round", L(1234), N("decimals", L(3)))
	f(L(0), "round", L(math.MaxInt64), N("decimals", L(-19)))
	f(null, "round", L(math.MaxInt64), N("decimals", L(-1)))
	f(D(1e300), "round", D(1e300), N("decimals", L(5)))
	f(D(0.1), "round", D(0.1), N("decimals", L(400)))
	f(null, "round", D(1), N("decimals", D(0.5)))
	f(D(0), "round", D(-0.4))

	f(D(3), "sqrt", L(9))
	f(null, "sqrt", L(-1))
	f(D(3), "cbrt", L(27))
	f(D(1), "exp", L(0))
	f(null, "exp", L(1000))
	f(D(1), "log", D(math.E))
	f(null, "log10", L(-1))
	f(D(math.Log1p(1e-10)), "log1p", D(1e-10))
	f(null, "log1p", L(-1))
	f(D(0.5), "power", L(2), L(-1))
	f(null, "power", L(-8), D(1.0/3))
	f(null, "power", L(10), L(400))
	f(D(5), "hypotenuse", L(3), L(4))
	f(D(math.Pi), "pi")
	f(D(math.E), "e")
	f(D(0), "sin", L(0))
	f(D(1), "cos", L(0))
	f(D(1), "tan", D(math.Pi/4))
	f(D(math.Pi/2), "asin", L(1))
	f(null, "acos", L(2))
	f(D(math.Pi/4), "atan", L(1))
	f(D(math.Pi/2), "atan2", L(1), L(0))
	f(D(0), "sinh", L(0))
	f(D(1), "cosh", L(0))
	f(D(0), "tanh", L(0))
	f(D(math.Pi), "degreeToRadian", L(180))
	f(D(180), "radianToDegree", D(math.Pi))
	f(null, "sin", S("0"))
}

package plan

import (
	"math"
	"math/big"
	"net/netip"

	"github.com/trailbook/trailbook/kernel/dql/syntax"
	"github.com/trailbook/trailbook/kernel/dql/value"
)

// Arithmetic, comparison and logic of spec/dql.md §4.2–§4.5. Pairs the spec does not
// list, overflow and division by zero give null.

func addLong(a, b int64) (int64, bool) {
	c := a + b
	if (c > a) != (b > 0) {
		return 0, false
	}
	return c, true
}

func subLong(a, b int64) (int64, bool) {
	c := a - b
	if (c < a) != (b > 0) {
		return 0, false
	}
	return c, true
}

func mulLong(a, b int64) (int64, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	c := a * b
	if c/b != a || (a == -1 && b == math.MinInt64) || (b == -1 && a == math.MinInt64) {
		return 0, false
	}
	return c, true
}

func roundNs(f float64) (value.Value, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) >= 9.2e18 {
		return value.Value{}, false
	}
	return value.Duration(int64(math.Round(f))), true
}

func longOrNull(n int64, ok bool) value.Value {
	if !ok {
		return value.Value{}
	}
	return value.Long(n)
}

func ipAdd(a netip.Addr, delta *big.Int) value.Value {
	n := new(big.Int).SetBytes(a.AsSlice())
	n.Add(n, delta)
	size := len(a.AsSlice())
	if n.Sign() < 0 || n.BitLen() > size*8 {
		return value.Value{}
	}
	buf := make([]byte, size)
	n.FillBytes(buf)
	out, _ := netip.AddrFromSlice(buf)
	return value.IP(out)
}

func ipNumber(a netip.Addr) *big.Int { return new(big.Int).SetBytes(a.AsSlice()) }

// arith applies + - * / % to non-null operands.
func arith(op syntax.Token, a, b value.Value) value.Value {
	ak, bk := a.Kind(), b.Kind()
	if ak == value.KindNull || bk == value.KindNull {
		return value.Value{}
	}
	if ak == value.KindLong && bk == value.KindLong {
		x, _ := a.Long()
		y, _ := b.Long()
		switch op {
		case syntax.PLUS:
			return longOrNull(addLong(x, y))
		case syntax.MINUS:
			return longOrNull(subLong(x, y))
		case syntax.STAR:
			return longOrNull(mulLong(x, y))
		case syntax.SLASH:
			if y == 0 || (x == math.MinInt64 && y == -1) {
				return value.Value{}
			}
			return value.Long(x / y)
		case syntax.PERCENT:
			if y == 0 || y == -1 {
				if y == -1 {
					return value.Long(0)
				}
				return value.Value{}
			}
			return value.Long(x % y)
		}
	}
	if a.IsNumber() && b.IsNumber() {
		x, _ := a.Number()
		y, _ := b.Number()
		var f float64
		switch op {
		case syntax.PLUS:
			f = x + y
		case syntax.MINUS:
			f = x - y
		case syntax.STAR:
			f = x * y
		case syntax.SLASH:
			if y == 0 {
				return value.Value{}
			}
			f = x / y
		case syntax.PERCENT:
			if y == 0 {
				return value.Value{}
			}
			f = math.Mod(x, y)
		}
		return value.Double(f)
	}
	switch op {
	case syntax.PLUS:
		switch {
		case ak == value.KindTimestamp && bk == value.KindDuration:
			t, _ := a.Timestamp()
			d, _ := b.Duration()
			return as(value.Timestamp)(addLong(t, d))
		case ak == value.KindDuration && bk == value.KindTimestamp:
			return arith(op, b, a)
		case ak == value.KindDuration && bk == value.KindDuration:
			x, _ := a.Duration()
			y, _ := b.Duration()
			return as(value.Duration)(addLong(x, y))
		case ak == value.KindTimeframe && bk == value.KindDuration:
			tf, _ := a.Timeframe()
			d, _ := b.Duration()
			return value.Timeframe(tf.Start+d, tf.End+d)
		case ak == value.KindDuration && bk == value.KindTimeframe:
			return arith(op, b, a)
		case ak == value.KindIP && b.IsNumber():
			ip, _ := a.IP()
			n, ok := b.Long()
			if !ok {
				return value.Value{}
			}
			return ipAdd(ip, big.NewInt(n))
		case ak == value.KindIP && bk == value.KindIP:
			x, _ := a.IP()
			y, _ := b.IP()
			if x.Is4() != y.Is4() {
				return value.Value{}
			}
			return ipAdd(x, ipNumber(y))
		}
	case syntax.MINUS:
		switch {
		case ak == value.KindTimestamp && bk == value.KindDuration:
			t, _ := a.Timestamp()
			d, _ := b.Duration()
			return as(value.Timestamp)(subLong(t, d))
		case ak == value.KindTimestamp && bk == value.KindTimestamp:
			x, _ := a.Timestamp()
			y, _ := b.Timestamp()
			return as(value.Duration)(subLong(x, y))
		case ak == value.KindDuration && bk == value.KindDuration:
			x, _ := a.Duration()
			y, _ := b.Duration()
			return as(value.Duration)(subLong(x, y))
		case ak == value.KindTimeframe && bk == value.KindDuration:
			tf, _ := a.Timeframe()
			d, _ := b.Duration()
			return value.Timeframe(tf.Start-d, tf.End-d)
		case ak == value.KindIP && b.IsNumber():
			ip, _ := a.IP()
			n, ok := b.Long()
			if !ok {
				return value.Value{}
			}
			return ipAdd(ip, big.NewInt(-n))
		case ak == value.KindIP && bk == value.KindIP:
			x, _ := a.IP()
			y, _ := b.IP()
			if x.Is4() != y.Is4() {
				return value.Value{}
			}
			return ipAdd(x, new(big.Int).Neg(ipNumber(y)))
		}
	case syntax.STAR:
		switch {
		case ak == value.KindDuration && b.IsNumber():
			d, _ := a.Duration()
			f, _ := b.Number()
			if n, ok := b.Long(); ok {
				return as(value.Duration)(mulLong(d, n))
			}
			v, _ := roundNs(float64(d) * f)
			return v
		case a.IsNumber() && bk == value.KindDuration:
			return arith(op, b, a)
		}
	case syntax.SLASH:
		switch {
		case ak == value.KindDuration && b.IsNumber():
			d, _ := a.Duration()
			f, _ := b.Number()
			if f == 0 {
				return value.Value{}
			}
			v, _ := roundNs(float64(d) / f)
			return v
		case ak == value.KindDuration && bk == value.KindDuration:
			x, _ := a.Duration()
			y, _ := b.Duration()
			if y == 0 {
				return value.Value{}
			}
			return value.Double(float64(x) / float64(y))
		}
	case syntax.PERCENT:
		if ak == value.KindDuration && bk == value.KindDuration {
			x, _ := a.Duration()
			y, _ := b.Duration()
			if y == 0 {
				return value.Value{}
			}
			return value.Duration(x % y)
		}
	}
	return value.Value{}
}

// as wraps a constructor so that an overflowed result becomes null.
func as(mk func(int64) value.Value) func(int64, bool) value.Value {
	return func(n int64, ok bool) value.Value {
		if !ok {
			return value.Value{}
		}
		return mk(n)
	}
}

// negate is unary minus.
func negate(v value.Value) value.Value {
	switch v.Kind() {
	case value.KindLong:
		n, _ := v.Long()
		if n == math.MinInt64 {
			return value.Value{}
		}
		return value.Long(-n)
	case value.KindDouble:
		f, _ := v.Double()
		return value.Double(-f)
	case value.KindDuration:
		d, _ := v.Duration()
		if d == math.MinInt64 {
			return value.Value{}
		}
		return value.Duration(-d)
	}
	return value.Value{}
}

// comparable reports whether == between the kinds compares values (§4.3).
func comparable(a, b value.Value) bool {
	return a.Kind() == b.Kind() || a.IsNumber() && b.IsNumber()
}

// equals is three-valued ==.
func equals(a, b value.Value) value.Value {
	if a.IsNull() || b.IsNull() {
		return value.Value{}
	}
	if !comparable(a, b) {
		return value.False
	}
	return value.Bool(value.Equal(a, b))
}

// ordered reports whether < and friends are defined between a and b (§4.4).
func ordered(a, b value.Value) bool {
	if a.IsNumber() && b.IsNumber() {
		return true
	}
	if a.Kind() != b.Kind() {
		return false
	}
	switch a.Kind() {
	case value.KindString, value.KindTimestamp, value.KindDuration, value.KindIP:
		return true
	}
	return false
}

// compare applies an ordering or equality operator, three-valued.
func compare(op syntax.Token, a, b value.Value) value.Value {
	switch op {
	case syntax.EQ:
		return equals(a, b)
	case syntax.NE:
		v := equals(a, b)
		if v.IsNull() {
			return v
		}
		return value.Bool(!v.IsTrue())
	}
	if a.IsNull() || b.IsNull() || !ordered(a, b) {
		return value.Value{}
	}
	if a.Kind() == value.KindIP {
		x, _ := a.IP()
		y, _ := b.IP()
		if x.Is4() != y.Is4() {
			return value.Value{}
		}
	}
	c := value.Compare(a, b)
	switch op {
	case syntax.LT:
		return value.Bool(c < 0)
	case syntax.LE:
		return value.Bool(c <= 0)
	case syntax.GT:
		return value.Bool(c > 0)
	case syntax.GE:
		return value.Bool(c >= 0)
	}
	return value.Value{}
}

// tri is a three-valued boolean: -1 null, 0 false, 1 true.
func tri(v value.Value) int {
	if b, ok := v.Bool(); ok {
		if b {
			return 1
		}
		return 0
	}
	return -1
}

func fromTri(t int) value.Value {
	switch t {
	case 0:
		return value.False
	case 1:
		return value.True
	}
	return value.Value{}
}

func logicAnd(a, b int) int {
	if a == 0 || b == 0 {
		return 0
	}
	if a == 1 && b == 1 {
		return 1
	}
	return -1
}

func logicOr(a, b int) int {
	if a == 1 || b == 1 {
		return 1
	}
	if a == 0 && b == 0 {
		return 0
	}
	return -1
}

func logicXor(a, b int) int {
	if a < 0 || b < 0 {
		return -1
	}
	if a != b {
		return 1
	}
	return 0
}

package funcs

import (
	"testing"

	"github.com/trailbook/trailbook/kernel/dql/value"
)

func TestGeneral(t *testing.T) {
	f := check(t)

	f(S("yes"), "if", B(true), S("yes"), N("else", S("no")))
	f(S("no"), "if", B(false), S("yes"), N("else", S("no")))
	f(null, "if", B(false), S("yes"))
	f(S("no"), "if", L(1), S("yes"), N("else", S("no"))) // not a boolean: not true
	f(null, "if", B(true), null, N("else", S("no")))

	f(L(1), "coalesce", null, L(1), S("x"))
	f(null, "coalesce", null)
	f(B(false), "coalesce", B(false), B(true))

	f(B(true), "isNull", null)
	f(B(false), "isNull", L(0))
	f(B(false), "isNotNull", null)
	f(B(true), "isNotNull", S(""))
	f(B(false), "isTrueOrNull", L(1))
	f(B(false), "isFalseOrNull", L(0))

	// in: values, arrays, brace lists, numbers across long/double, array needles
	f(B(true), "in", L(2), L(1), L(2))
	f(B(true), "in", L(2), D(2.0))
	f(B(false), "in", L(2), S("2"))
	f(B(true), "in", S("b"), S("a"), A(S("b"), S("c")))
	f(B(false), "in", S("x"), A(), null)
	f(null, "in", null, A(null))
	f(B(false), "in", L(1), A(null))
	f(B(true), "in", A(L(5), L(2)), A(L(1), L(2)))
	f(B(false), "in", A(L(5), L(6)), A(L(1), L(2)))
	f(B(true), "in", A(L(1), L(2)), A(A(L(1), L(2)), A(L(3)))) // an array equal to a haystack element
	f(B(true), "in", R("a", L(1)), R("a", L(1)))
	f(B(true), "in", TS("2019-08-01T13:30:00Z"), A(TS("2019-08-01T13:30:00Z")))

	f(S("long"), "type", L(1))
	f(S("ip"), "type", IPv("10.0.0.1"))
	f(S("ip/ipv4"), "type", IPv("10.0.0.1"), N("withSubtype", B(true)))
	f(S("ip/ipv6"), "type", IPv("::1"), N("withSubtype", B(true)))
	f(S("long"), "type", L(1), N("withSubtype", B(true)))
	f(S("timeframe"), "type", TF("2019-08-01T13:30:00Z", "2019-08-01T13:35:00Z"))
	f(null, "type", L(1), N("withSubtype", S("yes")))

	f(A(), "array")
	f(A(L(1), null, S("a")), "array", L(1), null, S("a"))
}

func BenchmarkIn(b *testing.B) {
	fn, _ := Lookup("in")
	hay := A(S("ConsoleLogin"), S("AssumeRole"), S("GetObject"), S("PutObject"), S("DeleteBucket"),
		S("CreateUser"), S("AttachRolePolicy"), S("StopLogging"))
	args := []value.Value{S("PutObject"), hay}
	b.Run("call", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			fn.Call(testEnv, args)
		}
	})
	b.Run("prepared", func(b *testing.B) {
		call, err := fn.Prepare(args, []bool{false, true})
		if err != nil || call == nil {
			b.Fatal(call != nil, err)
		}
		b.ReportAllocs()
		for b.Loop() {
			call(testEnv, args)
		}
	})
}

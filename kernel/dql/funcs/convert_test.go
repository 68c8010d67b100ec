package funcs

import (
	"math"
	"testing"
	"time"
)

func TestConvert(t *testing.T) {
	f := check(t)

	f(null, "asBoolean", S("true"))
	f(B(false), "asBoolean", B(false))
	f(Dur(time.Second), "asDuration", Dur(time.Second))
	f(null, "asDuration", L(1))
	f(IPv("10.0.0.1"), "asIp", IPv("10.0.0.1"))
	f(null, "asIp", S("10.0.0.1"))

	f(S("PT5M"), "toString", Dur(5*time.Minute))
	f(S("2019-08-01T13:30:00.000000000 +0000"), "toString", TS("2019-08-01T13:30:00Z"))
	f(S("10.0.0.1"), "toString", IPv("10.0.0.1"))
	f(S("3.0"), "toString", D(3))
	f(S(`["a", 1]`), "toString", A(S("a"), L(1)))
	f(null, "toString", null)

	f(L(-3), "toLong", D(-3.9))
	f(L(3), "toLong", S(" 3.9 "))
	f(L(1000), "toLong", S("1e3"))
	f(null, "toLong", S("0x10"))
	f(null, "toLong", S(""))
	f(null, "toLong", S("1e400"))
	f(null, "toLong", D(math.Inf(1)))
	f(null, "toLong", D(1e19))
	f(L(167772161), "toLong", IPv("10.0.0.1"))
	f(null, "toLong", IPv("::1"))
	f(L(1000), "toLong", Dur(time.Microsecond))
	f(L(1564666200000000000), "toLong", TS("2019-08-01T13:30:00Z"))
	f(L(7), "toLong", A(S("7"), L(8)))
	f(null, "toLong", A())
	f(null, "toLong", R("a", L(1)))

	f(D(0.5), "toDouble", S(".5"))
	f(D(1), "toDouble", S("1."))
	f(D(-2.5e-3), "toDouble", S("-2.5E-3"))
	f(null, "toDouble", S("NaN"))
	f(null, "toDouble", S("1e"))
	f(D(2.5), "toDouble", D(2.5))
	f(D(1e9), "toDouble", Dur(time.Second))

	f(B(true), "toBoolean", S("TRUE"))
	f(B(false), "toBoolean", S("False"))
	f(null, "toBoolean", S("yes"))
	f(B(false), "toBoolean", D(0.9))
	f(B(true), "toBoolean", D(1.5))
	f(null, "toBoolean", D(math.NaN()))
	f(null, "toBoolean", A(B(true)))

	f(Dur(time.Hour), "toDuration", TF("2019-08-01T13:30:00Z", "2019-08-01T14:30:00Z"))
	f(null, "toDuration", S("42s"))
	f(Dur(2), "toDuration", S("2.9"))
	f(null, "toDuration", B(true))

	f(TS("2019-08-01T13:30:00Z"), "toTimestamp", D(1564666200000000000))
	f(TS("2019-08-01T00:00:00Z"), "toTimestamp", S("2019-08-01"))
	f(null, "toTimestamp", S("2019-08-01T25:00"))
	f(null, "toTimestamp", B(true))
	f(null, "toTimeframe", S("2019-08-01T13:30:00Z"))
	f(null, "toTimeframe", S("2019-08-01T13:30:00Z/nope"))

	f(IPv("10.0.0.1"), "toIp", L(167772161))
	f(null, "toIp", L(-1))
	f(null, "toIp", L(1<<32))
	f(IPv("1.2.3.4"), "toIp", S("::ffff:1.2.3.4"))
	f(IPv("2001:db8::1"), "toIp", S(" 2001:DB8::1 "))
	f(null, "toIp", S("fe80::1%eth0"))
	f(null, "toIp", S("10.0.0.0/8"))
	f(null, "toIp", S("010.0.0.1"))

	f(A(null), "toArray", A(null))
	f(null, "toArray", null)

	f(S(""), "encodeBase64", S(""))
	f(S("w6k="), "encodeBase64", S("é"))
	f(S("é"), "decodeBase64ToString", S("w6k"))
	f(S("??"), "decodeBase64ToString", S("Pz8="))
	f(S("\ufffd"), "decodeBase64ToString", S("/w=="))
	f(S("~~~"), "decodeBase64ToString", S("fn5-"))
	f(null, "decodeBase64ToString", S("not base64!"))
	f(S("DQL"), "decodeBase16ToString", S("44514C"))
	f(null, "decodeBase16ToString", S("445"))
	f(null, "decodeBase16ToString", S("zz"))
	f(null, "encodeBase16", L(1))

	f(L(-1), "hexStringToNumber", S("ffffffffffffffff"))
	f(L(-255), "hexStringToNumber", S("-0xff"))
	f(null, "hexStringToNumber", S("0x"))
	f(null, "hexStringToNumber", S("1_0"))
	f(null, "hexStringToNumber", S("g"))
	f(null, "hexStringToNumber", S("10000000000000000"))
	f(S("ff"), "numberToHexString", L(255))
	f(S("ffffffffffffffff"), "numberToHexString", L(-1))
	f(S("a"), "numberToHexString", D(10.7))
	f(null, "numberToHexString", S("10"))
}

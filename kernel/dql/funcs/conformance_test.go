package funcs

import (
	"testing"
	"time"

	"github.com/trailbook/trailbook/kernel/dql/value"
)

// The expectations of the conformance cases (shared/conformance/cases) for the
// functions of this package, transcribed by hand: each row is one record of a case's
// expected output, the call is the case's expression with the record's fields filled
// in. Types are those trailbook produces (the harness compares numbers by value).

// each applies a one-argument function to each element, as an iterative expression
// f(a[]) does.
func each(t *testing.T, name string, elems ...value.Value) value.Value {
	t.Helper()
	out := make([]value.Value, len(elems))
	for i, e := range elems {
		v, err := eval(t, name, e)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = v
	}
	return A(out...)
}

func TestConformanceStrfn(t *testing.T) {
	f := check(t)
	// strfn-001
	f(S("DQL is awesome!"), "concat", S("DQL"), S("is"), S("awesome!"), N("delimiter", S(" ")))
	// strfn-003
	for _, r := range []struct {
		content    string
		c1, c2, c3 bool
	}{{"DQL is awesome!", true, true, false}, {"Dynatrace Query Language", false, false, true}} {
		f(B(r.c1), "contains", S(r.content), S("DQL"))
		f(B(r.c2), "contains", S(r.content), S("dql"), N("caseSensitive", B(false)))
		f(B(r.c3), "contains", S(r.content), S("Query"))
	}
	// strfn-005, strfn-006
	f(S("https://www.dynatrace.com/platform/grail"), "decodeUrl", S("https%3A%2F%2Fwww.dynatrace.com%2Fplatform%2Fgrail"))
	f(S("https://www.dynatrace.com/platform/grail"), "decodeUrl", S("https://www.dynatrace.com/platform/grail"))
	f(S("https%3A%2F%2Fwww.dynatrace.com%2Fplatform%2Fgrail"), "encodeUrl", S("https://www.dynatrace.com/platform/grail"))
	// strfn-008
	f(B(true), "startsWith", S("DQL is awesome!"), S("D"))
	f(B(true), "startsWith", S("DQL is awesome!"), S("dql"), N("caseSensitive", B(false)))
	f(B(true), "startsWith", S("Dynatrace Query Language"), S("D"))
	f(B(false), "startsWith", S("Dynatrace Query Language"), S("dql"), N("caseSensitive", B(false)))
	// strfn-010
	f(S(`"foo@bar.com`), "unescape", S(`"foo\x40bar\u002ecom`))
	// strfn-011
	f(S("Q"), "getCharacter", S("DQL is awesome!"), L(1))
	f(null, "getCharacter", S("DQL is awesome!"), L(17))
	f(S("!"), "getCharacter", S("DQL is awesome!"), L(-1))
	f(S("y"), "getCharacter", S("Dynatrace Query Language"), L(1))
	f(S("a"), "getCharacter", S("Dynatrace Query Language"), L(17))
	f(S("e"), "getCharacter", S("Dynatrace Query Language"), L(-1))
	// strfn-013
	f(L(7), "lastIndexOf", S("DQL is awesome!"), S("a"))
	f(L(7), "lastIndexOf", S("DQL is awesome!"), S("a"), N("from", L(10)))
	f(L(-1), "lastIndexOf", S("DQL is awesome!"), S("Query"))
	f(L(21), "lastIndexOf", S("Dynatrace Query Language"), S("a"))
	f(L(6), "lastIndexOf", S("Dynatrace Query Language"), S("a"), N("from", L(10)))
	f(L(10), "lastIndexOf", S("Dynatrace Query Language"), S("Query"))
	// strfn-015
	content := S(`JSON: {"name": "John"} ...`)
	f(null, "jsonField", content, S("name"), N("seek", B(false)))
	f(S("John"), "jsonField", content, S("name"), N("seek", B(true)))
	f(null, "jsonPath", content, S("$.name"), N("seek", B(false)))
	f(S("John"), "jsonPath", content, S("$.name"), N("seek", B(true)))
	// strfn-016
	f(L(5), "levenshteinDistance", S("DQL is awesome!"), S("Grail is awesome!"))
	f(L(21), "levenshteinDistance", S("Dynatrace Query Language"), S("DQL"))
	f(L(3), "levenshteinDistance", S("Dynatrace Query Language"), S("dynatrace query language"))
	// strfn-018
	f(S("dql is awesome!"), "lower", S("DQL is awesome!"))
	f(S("DQL IS AWESOME!"), "upper", S("DQL is awesome!"))
	f(S("dynatrace query language"), "lower", S("Dynatrace Query Language"))
	f(S("DYNATRACE QUERY LANGUAGE"), "upper", S("Dynatrace Query Language"))
	// strfn-020
	for _, r := range []struct {
		content    string
		w1, w2, w3 bool
	}{
		{"Dynatrace Query Language", true, false, false},
		{"DQL is awesome!", false, true, false},
		{"D*L", false, true, true},
	} {
		f(B(r.w1), "matchesPhrase", S(r.content), S("Dyna*"))
		f(B(r.w2), "matchesPhrase", S(r.content), S("D*L"))
		f(B(r.w3), "matchesPhrase", S(r.content), S("D*L"), N("wildcard", S("%")))
	}
	// strfn-021
	c := S("User 'käärmanü' failed to login from 192.168.0.1")
	f(B(true), "matchesValue", c, S("User*"))
	f(B(true), "matchesValue", c, S("user*"))
	f(B(false), "matchesValue", c, S("user*"), N("caseSensitive", B(true)))
	f(B(false), "matchesValue", c, S("192.168.0.1"))
	f(B(true), "matchesValue", c, S("*192.168.0.1"))
	f(B(true), "matchesValue", c, S("*failed to log*"))
	// strfn-023
	tech := A(S("Java11"), S("java17"))
	f(B(true), "matchesValue", tech, S("Java11"))
	f(B(false), "matchesValue", tech, S("java"))
	f(B(true), "matchesValue", tech, S("java*"))
	// strfn-025
	f(S("DQL is simple!"), "replaceString", S("DQL is awesome!"), S("awesome"), S("simple"))
	f(S("DQL is awesome!"), "replaceString", S("DQL is awesome!"), S("abca"), S("xyz"))
	f(S("Dynatrace Query Language"), "replaceString", S("Dynatrace Query Language"), S("awesome"), S("simple"))
	f(S("abcabca"), "replaceString", S("abcabca"), S("awesome"), S("simple"))
	f(S("xyzbca"), "replaceString", S("abcabca"), S("abca"), S("xyz"))
	// strfn-026
	f(A(S("DQL"), S("is"), S("awesome!")), "splitString", S("DQL is awesome!"), S(" "))
	f(A(S("DQL "), S(" awesome!")), "splitString", S("DQL is awesome!"), S("is"))
	f(A(S("DQL is awesome!")), "splitString", S("DQL is awesome!"), S("XYZ"))
	f(A(S("Dynatrace"), S("Query"), S("Language")), "splitString", S("Dynatrace Query Language"), S(" "))
	f(A(S("Dynatrace Query Language")), "splitString", S("Dynatrace Query Language"), S("is"))
	// strfn-028
	f(L(15), "stringLength", S("DQL is awesome!"))
	f(L(24), "stringLength", S("Dynatrace Query Language"))
	// strfn-030
	f(S("DQL is awesome!"), "trim", S(" DQL is awesome!"))
	f(S("Dynatrace Query Language"), "trim", S(" Dynatrace Query Language "))
	// strfn-031
	f(S("DQL is <bold>awesome</bold>!"), "unescapeHtml", S("DQL is &lt;bold&gt;awesome&lt;/bold&gt;!"))
	f(S(`<a href="https://www.dynatrace.com/platform/grail">Dynatrace Query Language</a>`), "unescapeHtml",
		S("&lt;a href=&quot;https://www.dynatrace.com/platform/grail&quot;&gt;Dynatrace Query Language&lt;/a&gt;"))
	// syntax-003, syntax-008, fields-005
	f(L(8), "stringLength", S(`say "hi"`))
	f(L(10), "stringLength", S(`{"a": "b"}`))
	f(S("X"), "upper", S("x"))
}

func TestConformanceConvfn(t *testing.T) {
	f := check(t)
	// convfn-001
	arr := A(L(2), L(3), L(7), L(7), L(1))
	f(S("array"), "type", arr)
	f(arr, "asArray", arr)
	f(arr, "toArray", arr)
	f(S("string"), "type", S("DQL is awesome!"))
	f(null, "asArray", S("DQL is awesome!"))
	f(A(S("DQL is awesome!")), "toArray", S("DQL is awesome!"))
	f(S("double"), "type", D(3.14))
	f(null, "asArray", D(3.14))
	f(A(D(3.14)), "toArray", D(3.14))
	// convfn-003
	f(S("long"), "type", L(3))
	f(null, "asDouble", L(3))
	f(L(3), "asNumber", L(3))
	f(L(3), "asLong", L(3))
	f(D(3.14), "asDouble", D(3.14))
	f(D(3.14), "asNumber", D(3.14))
	f(null, "asLong", D(3.14))
	f(null, "asDouble", S("3.14"))
	f(null, "asNumber", S("3.14"))
	f(null, "asLong", S("3.14"))
	// convfn-005
	rec := R("b", L(3))
	f(S("record"), "type", rec)
	f(rec, "asRecord", rec)
	f(null, "asRecord", D(3.14))
	f(null, "asRecord", S("3"))
	f(null, "asRecord", arr)
	// convfn-006
	f(null, "asString", A(L(1), L(2), L(3)))
	f(null, "asString", D(3.14))
	f(S("DQL is awesome!"), "asString", S("DQL is awesome!"))
	f(null, "asString", R("content", S("A nested record")))
	// convfn-008
	ts := TS("2019-08-01T13:30:00Z")
	f(ts, "timestamp", L(2019), L(8), L(1), L(13), L(30), L(0))
	f(S("timestamp"), "type", ts)
	f(ts, "asTimestamp", ts)
	f(ts, "toTimestamp", ts)
	f(S("long"), "type", L(1564666200000000000))
	f(null, "asTimestamp", L(1564666200000000000))
	f(ts, "toTimestamp", L(1564666200000000000))
	f(null, "asTimestamp", S("2019-08-01T09:30:00.000-0400"))
	f(ts, "toTimestamp", S("2019-08-01T09:30:00.000-0400"))
	// convfn-010
	f(S("DQL is awesome!"), "decodeBase64ToString", S("RFFMIGlzIGF3ZXNvbWUh"))
	f(S("Dynatrace Query Language"), "decodeBase64ToString", S("RHluYXRyYWNlIFF1ZXJ5IExhbmd1YWdl"))
	// convfn-011
	f(S("44514c20697320617765736f6d6521"), "encodeBase16", S("DQL is awesome!"))
	f(S("RFFMIGlzIGF3ZXNvbWUh"), "encodeBase64", S("DQL is awesome!"))
	f(S("44796e617472616365205175657279204c616e6775616765"), "encodeBase16", S("Dynatrace Query Language"))
	f(S("RHluYXRyYWNlIFF1ZXJ5IExhbmd1YWdl"), "encodeBase64", S("Dynatrace Query Language"))
	// convfn-013
	f(L(127), "hexStringToNumber", S("0x7f"))
	f(L(256), "hexStringToNumber", S("100"))
	f(L(2147483648), "hexStringToNumber", S("0X80000000"))
	// convfn-015
	f(S("boolean"), "type", B(true))
	f(B(true), "toBoolean", B(true))
	f(B(true), "toBoolean", S("true"))
	f(B(false), "toBoolean", L(0))
	f(B(true), "toBoolean", L(1))
	f(B(true), "toBoolean", L(2))
	// convfn-016
	if got, want := each(t, "toBoolean", B(true), S("false"), null, L(0), L(1), D(-0.5), L(-1)),
		A(B(true), B(false), null, B(false), B(true), B(false), B(true)); !same(got, want) {
		t.Errorf("convfn-016: got %s", show(got))
	}
	// convfn-018
	if got, want := each(t, "toDouble", S("0.85"), D(-1.5), L(3), S("1A3"), B(false), S("false"), B(true), S("true"), D(1.6e-3)),
		A(D(0.85), D(-1.5), D(3), null, D(0), null, D(1), null, D(0.0016)); !same(got, want) {
		t.Errorf("convfn-018: got %s", show(got))
	}
	// convfn-020
	if got, want := each(t, "toLong", L(3), D(3.14), S("3"), B(true), B(false)),
		A(L(3), L(3), L(3), L(1), L(0)); !same(got, want) {
		t.Errorf("convfn-020: got %s", show(got))
	}
	// convfn-021
	if got, want := each(t, "toDuration", Dur(15*time.Second), D(3.14), S("42")),
		A(Dur(15*time.Second), Dur(3), Dur(42)); !same(got, want) {
		t.Errorf("convfn-021: got %s", show(got))
	}
	// convfn-023
	f(S("[1, 2, 3]"), "toString", A(L(1), L(2), L(3)))
	f(S("true"), "toString", B(true))
	f(S("3"), "toString", L(3))
	f(S("3.14"), "toString", D(3.14))
	f(S("DQL is awesome!"), "toString", S("DQL is awesome!"))
	f(S(`{"content":"A nested record"}`), "toString", R("content", S("A nested record")))
	// convfn-025
	tf := TF("2019-08-01T13:30:00Z", "2019-08-01T20:00:00Z")
	f(tf, "timeframe", N("from", S("2019-08-01T09:30:00.000-0400")), N("to", S("2019-08-01T16:00:00.000-0400")))
	f(S("timeframe"), "type", tf)
	f(tf, "asTimeframe", tf)
	f(tf, "toTimeframe", tf)
	tfs := S("2019-08-01T09:30:00.000-0400/2019-08-01T16:00:00.000-0400")
	f(null, "asTimeframe", tfs)
	f(tf, "toTimeframe", tfs)
	// convfn-026
	if got, want := each(t, "toTimeframe", tfs, S("2019-08-01T15:30:00.000-0400/2019-08-01T22:00:00.000-0400")),
		A(tf, TF("2019-08-01T19:30:00Z", "2019-08-02T02:00:00Z")); !same(got, want) {
		t.Errorf("convfn-026: got %s", show(got))
	}
	// sort-003 (type names)
	f(S("duration"), "type", Dur(5*time.Minute))
	f(S("ip"), "type", IPv("1.1.1.1"))
	f(null, "type", null)
	// operators-010, -013 (toIp)
	f(IPv("127.0.0.10"), "toIp", S("127.0.0.10"))
	f(IPv("192.168.0.7"), "toIp", S("192.168.0.7"))
	f(IPv("1.1.1.1"), "ip", S("1.1.1.1"))
}

func TestConformanceTimefn(t *testing.T) {
	f := check(t)
	// timefn-001
	f(Dur(1000), "duration", L(1000), S("ns"))
	f(Dur(60*time.Second), "duration", L(60), S("s"))
	f(Dur(24*time.Hour), "duration", L(1000*60*60*24), S("ms"))
	f(Dur(24*time.Hour), "duration", L(24), S("h"))
	// timefn-003
	ts := TS("2019-08-01T13:30:00Z")
	f(ts, "toTimestamp", S("2019-08-01T09:30:00.000-0400"))
	f(S("13:30"), "formatTimestamp", ts, N("format", S("HH:mm")), N("timezone", S("UTC")))
	f(S("2019-08-01T15:30:00"), "formatTimestamp", ts, N("format", S("yyyy-MM-dd'T'HH:mm:ss")), N("timezone", S("Europe/Berlin")))
	// timefn-005, access-003
	tf := TF("2019-08-01T13:30:00Z", "2019-08-01T13:35:00Z")
	f(tf, "timeframe", N("from", S("2019-08-01T09:30:00.000-0400")), N("to", S("2019-08-01T09:35:00.000-0400")))
	f(ts, "getStart", tf)
	f(TS("2019-08-01T13:35:00Z"), "getEnd", tf)
	// timefn-006: timeframe(from: timestamp - 5m, to: timestamp)
	f(TF("2019-08-01T13:25:00Z", "2019-08-01T13:30:00Z"), "timeframe", N("from", TS("2019-08-01T13:25:00Z")), N("to", ts))
	// timefn-008
	f(ts, "timestampFromUnixMillis", L(1564666200000))
	f(ts, "timestampFromUnixNanos", L(1564666200000000000))
	f(ts, "timestampFromUnixSeconds", L(1564666200))
	// timefn-010
	for _, r := range []struct{ in, ts, m, d string }{
		{"2019-08-01T09:30:00.000-0400", "2019-08-01T13:30:00Z", "2019-08-01T13:30:00Z", "2019-08-01T00:00:00Z"},
		{"2022-12-24T18:13:23.672-0400", "2022-12-24T22:13:23.672Z", "2022-12-24T22:13:00Z", "2022-12-24T00:00:00Z"},
		{"2023-01-27T23:21:11.459-0400", "2023-01-28T03:21:11.459Z", "2023-01-28T03:21:00Z", "2023-01-28T00:00:00Z"},
	} {
		f(TS(r.ts), "toTimestamp", S(r.in))
		f(TS(r.m), "bin", TS(r.ts), Dur(time.Minute))
		f(TS(r.d), "bin", TS(r.ts), Dur(24*time.Hour))
	}
	// timefn-011
	f(TS("2019-08-01T12:00:00Z"), "bin", ts, Dur(24*time.Hour), N("at", Dur(12*time.Hour)))
	// timefn-013: now() is the same for every record
	fn, _ := Lookup("now")
	acc, _ := mustAgg(t, "countDistinctExact")
	for range 3 {
		acc.Add([]value.Value{fn.Call(testEnv, nil)})
	}
	if got := acc.Result(); !same(got, L(1)) {
		t.Errorf("timefn-013: %s", show(got))
	}
	// operators-008
	f(B(true), "isNotNull", TS("2019-08-01T13:00:00Z"))
}

func TestConformanceArrayfn(t *testing.T) {
	f := check(t)
	a := A(L(2), L(3), L(7), L(7), L(1))
	withNulls := A(L(2), null, L(7), null, L(1))
	withString := A(L(2), S("3"), L(7), L(7), L(1))
	// arrayfn-001
	f(a, "array", L(2), L(3), L(7), L(7), L(1))
	// arrayfn-003
	f(L(2), "arrayFirst", a)
	f(L(1), "arrayLast", a)
	f(A(L(1), L(7), L(7), L(3), L(2)), "arrayReverse", a)
	f(A(L(1), L(2), L(3), L(7)), "arrayDistinct", a)
	// arrayfn-005
	f(A(L(2), L(5), L(12), L(19), L(20)), "arrayCumulativeSum", a)
	f(A(L(2), L(2), L(9), L(9), L(10)), "arrayCumulativeSum", withNulls)
	f(null, "arrayCumulativeSum", withString)
	// arrayfn-006
	f(A(null, L(1), L(4), L(0), L(0)), "arrayDelta", a)
	// arrayfn-008
	f(a, "arrayFlatten", a)
	f(a, "arrayFlatten", A(A(L(2), L(3)), A(L(7), L(7), L(1))))
	f(A(L(2), L(3), null, R("a", L(7)), S("7"), L(1)), "arrayFlatten", A(A(L(2), L(3), null), A(R("a", L(7)), S("7"), L(1))))
	// arrayfn-010
	f(A(D(2), D(2.5), D(5), D(7), D(4)), "arrayMovingAvg", a, L(2))
	f(A(D(2), D(2.5), D(4), D(4.75), D(4)), "arrayMovingAvg", a, L(6))
	f(A(D(2), D(2), D(7), D(7), D(1)), "arrayMovingAvg", withNulls, L(2))
	f(A(D(2), D(2), D(4.5), D(4.5), D(3.3333333333333335)), "arrayMovingAvg", withNulls, L(6))
	f(null, "arrayMovingAvg", withString, L(2))
	f(null, "arrayMovingAvg", withString, L(6))
	// arrayfn-011
	f(A(L(2), L(3), L(7), L(7), L(7)), "arrayMovingMax", a, L(2))
	f(A(L(2), L(2), L(3), L(7), L(1)), "arrayMovingMin", a, L(2))
	f(A(L(2), L(5), L(10), L(14), L(8)), "arrayMovingSum", a, L(2))
	f(A(L(2), L(5), L(12), L(19), L(20)), "arrayMovingSum", a, L(6))
	f(A(L(2), L(2), L(7), L(7), L(1)), "arrayMovingMax", withNulls, L(2))
	f(A(L(2), L(2), L(7), L(7), L(1)), "arrayMovingMin", withNulls, L(2))
	f(A(L(2), L(2), L(7), L(7), L(1)), "arrayMovingSum", withNulls, L(2))
	f(A(L(2), L(2), L(9), L(9), L(10)), "arrayMovingSum", withNulls, L(6))
	for _, fn := range []string{"arrayMovingMax", "arrayMovingMin", "arrayMovingSum"} {
		f(null, fn, withString, L(2))
	}
	// arrayfn-013
	b := A(L(0), L(1), L(2), L(3), L(4))
	f(b, "arraySlice", b)
	f(A(L(2), L(3), L(4)), "arraySlice", b, N("from", L(2)))
	f(A(L(3), L(4)), "arraySlice", b, N("from", L(-2)))
	f(A(L(0), L(1), L(2), L(3)), "arraySlice", b, N("to", L(-1)))
	f(b, "arraySlice", b, N("from", L(-100)), N("to", L(100)))
	f(A(), "arraySlice", b, N("from", L(-1)), N("to", L(1)))
	f(A(), "arraySlice", b, N("from", L(100)), N("to", L(101)))
	// arrayfn-015
	f(S("123"), "arrayToString", A(L(1), L(2), L(3)))
	f(S("1, 2, 3"), "arrayToString", A(L(1), L(2), L(3)), N("delimiter", S(", ")))
	f(S("DQL"), "arrayToString", A(S("D"), S("Q"), S("L")))
	f(S("D, Q, L"), "arrayToString", A(S("D"), S("Q"), S("L")), N("delimiter", S(", ")))
	// access-005
	f(L(2), "arrayElement", A(L(0), L(1), L(2), L(3), L(4), L(5), L(6)), L(2))
	f(L(3), "arrayElement", A(L(0), L(1), L(2), L(3), L(4), L(5), L(6)), L(3))
	f(null, "arrayElement", A(S("foo"), S("bar")), L(2))
	f(S("bar"), "arrayElement", A(S("foo"), S("bar")), L(-1))
	f(S("foo"), "arrayElement", A(S("foo"), S("bar")), L(0))
	// data-005
	f(L(2), "arraySize", A(R("ARN", S("a")), R("ARN", S("b"))))
	// summarize-005: arrayRemoveNulls(collectArray(amount))
	f(A(L(10)), "arrayRemoveNulls", A(null, L(10)))
}

func TestConformanceMathfn(t *testing.T) {
	f := check(t)
	// mathfn-001
	f(D(42.13), "abs", D(-42.13))
	f(D(-1), "signum", D(-42.13))
	f(L(0), "abs", L(0))
	f(L(0), "signum", L(0))
	f(D(6.8545), "abs", D(6.8545))
	f(D(1), "signum", D(6.8545))
	// mathfn-003
	for _, r := range []struct{ x, r0, r1 float64 }{{-0.5, 0, -0.5}, {0.5, 1, 0.5}, {0.55, 1, 0.6}} {
		f(D(r.r0), "round", D(r.x))
		f(D(r.r1), "round", D(r.x), N("decimals", L(1)))
	}
	f(L(0), "round", L(0))
	f(L(0), "round", L(0), N("decimals", L(1)))
	// mathfn-005
	f(D(16), "power", L(2), L(4))
	f(D(243), "power", L(3), L(5))
	// mathfn-006
	for _, r := range []struct {
		x     value.Value
		b, b5 value.Value
	}{
		{D(-42.13), D(-50), D(-45)},
		{L(0), L(0), L(-5)},
		{D(6.8545), D(0), D(5)},
		{L(27), L(20), L(25)},
	} {
		f(r.b, "bin", r.x, L(10))
		f(r.b5, "bin", r.x, L(10), N("at", L(5)))
	}
	// mathfn-008
	f(null, "log", L(0))
	f(D(0), "log", L(1))
	f(D(2), "log10", L(100))
}

func TestConformanceNetfn(t *testing.T) {
	f := check(t)
	// netfn-001
	f(B(true), "ipIn", S("127.0.0.1"), S("127.0.0.1"))
	f(B(true), "ipIn", S("127.0.0.1"), S("127.0.0.1/8"))
	f(B(false), "ipIn", S("127.0.0.1/8"), S("127.0.0.1"))
	f(B(false), "ipIn", S("127.0.0.1/8"), S("127.0.0.1/16"))
	f(B(true), "ipIn", A(S("127.0.0.1"), S("10.0.0.1")), S("127.0.0.1"))
	f(B(true), "ipIn", A(S("127.0.0.1"), S("10.0.0.1")), A(S("127.0.0.1/8"), S("10.0.0.2")))
	// netfn-003
	for _, r := range []struct {
		a    string
		p, l bool
	}{{"127.0.0.1", false, true}, {"10.0.0.1", true, false}, {"::1", false, true}, {"172.16.1.1", true, false}, {"1.2.3.4", false, false}} {
		f(B(r.p), "ipIsPrivate", S(r.a))
		f(B(r.l), "ipIsLoopback", S(r.a))
	}
	// netfn-005
	for _, r := range []struct {
		a         value.Value
		i, v4, v6 bool
	}{
		{S("127.0.0.1"), true, true, false},
		{S("127.0.0."), false, false, false},
		{IPv("127.0.0.1"), true, true, false},
		{S("2001:0db8:0000:0000:0000:8a2e:0370:7334"), true, false, true},
		{S("2001:0db8:0000:0000:0000:8a2e:0370:"), false, false, false},
	} {
		f(B(r.i), "isIp", r.a)
		f(B(r.v4), "isIpV4", r.a)
		f(B(r.v6), "isIpV6", r.a)
	}
	// netfn-006
	f(IPv("127.0.0.0"), "ipMask", S("127.1.2.3"), L(8))
	f(IPv("127.1.0.0"), "ipMask", S("127.1.2.3"), L(16), N("ipv6MaskBits", L(32)))
	// netfn-008: filter isIp(x) and not ipIn(x, "10.0.0.0/8")
	for _, r := range []struct {
		ip       string
		isIP, in bool
	}{{"10.0.4.17", true, true}, {"203.0.113.50", true, false}, {"ec2.amazonaws.com", false, false}} {
		f(B(r.isIP), "isIp", S(r.ip))
		f(B(r.in), "ipIn", S(r.ip), S("10.0.0.0/8"))
	}
	// operators-010: toIp
	f(IPv("10.0.0.1"), "toIp", S("10.0.0.1"))
}

func TestConformanceCondfn(t *testing.T) {
	f := check(t)
	// condfn-001
	f(S("a"), "coalesce", S("a"), S("b"), S("c"))
	f(S("b"), "coalesce", null, S("b"), S("c"))
	f(S("c"), "coalesce", null, null, S("c"))
	f(null, "coalesce", null, null, null)
	// condfn-003: if(a > 0, "pos", else: "other") with a > 0 null, then true
	f(S("other"), "if", null, S("pos"), N("else", S("other")))
	f(S("pos"), "if", B(true), S("pos"), N("else", S("other")))
	// condfn-005, filter-008
	for _, r := range []struct {
		v             value.Value
		isTrue, isFal bool
	}{{B(true), true, false}, {B(false), false, true}, {null, true, true}} {
		f(B(r.isTrue), "isTrueOrNull", r.v)
		f(B(r.isFal), "isFalseOrNull", r.v)
	}
	// condfn-006
	langs := A(S("java"), S("go"), S("rust"))
	f(B(true), "in", S("java"), langs)
	f(B(false), "in", S("python"), langs)
	f(B(false), "in", S("dotnet"), langs)
	f(B(true), "in", S("rust"), langs)
	// condfn-008: if(in(user, {"root", "admin"}) or not ipIsPrivate(ip), "review", else: "ok")
	for _, r := range []struct {
		ip, user    string
		in, private bool
	}{{"10.1.2.3", "root", true, true}, {"8.8.8.8", "alice", false, false}, {"10.0.0.9", "bob", false, true}} {
		f(B(r.in), "in", S(r.user), A(S("root"), S("admin")))
		f(B(r.private), "ipIsPrivate", S(r.ip))
	}
	// iterative-005: not iAny(not in(needle[], haystack))
	hay := A(L(1), L(2), L(3))
	for _, r := range []struct {
		needle []int64
		allIn  bool
	}{{[]int64{1, 2}, true}, {[]int64{3, 4}, false}} {
		all := true
		for _, n := range r.needle {
			v, _ := eval(t, "in", L(n), hay)
			all = all && v.IsTrue()
		}
		if all != r.allIn {
			t.Errorf("iterative-005 %v: allIn = %v", r.needle, all)
		}
	}
	// iterative-008, summarize-010
	f(B(true), "isNotNull", A(L(10)))
	f(B(false), "isNotNull", null)
}

// aggRun runs an aggregation over rows of args (in Params layout, without the
// constant options, which come as consts).
func aggRun(t *testing.T, name string, consts []value.Value, rows ...[]value.Value) value.Value {
	t.Helper()
	a, ok := LookupAgg(name)
	if !ok {
		t.Fatalf("no aggregation %q", name)
	}
	isConst := make([]bool, len(consts))
	for i := range isConst {
		isConst[i] = true
	}
	acc, err := a.New(consts, isConst)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	for _, r := range rows {
		acc.Add(r)
	}
	return acc.Result()
}

// col makes rows of one argument, followed by the given constant args.
func col(vals []value.Value, consts ...value.Value) [][]value.Value {
	rows := make([][]value.Value, len(vals))
	for i, v := range vals {
		rows[i] = append([]value.Value{v}, consts...)
	}
	return rows
}

func TestConformanceAggfn(t *testing.T) {
	f := func(want value.Value, name string, consts []value.Value, rows [][]value.Value) {
		t.Helper()
		if got := aggRun(t, name, consts, rows...); !same(got, want) {
			t.Errorf("%s: got %s, want %s", name, show(got), show(want))
		}
	}
	a := []value.Value{L(2), L(3), L(7), L(7), L(1)}
	collect := func(maxLen int64, expand bool) []value.Value {
		return []value.Value{null, L(maxLen), B(expand)}
	}
	// aggfn-001, aggfn-016, summarize-001
	f(D(4), "avg", nil, col(a))
	f(D(20), "sum", nil, col(a))
	// aggfn-003
	f(L(1), "min", nil, col(a))
	f(L(7), "max", nil, col(a))
	// aggfn-005
	f(A(a...), "collectArray", collect(maxCollect, false), col(a, L(maxCollect), B(false)))
	f(A(L(2), L(3), L(7)), "collectArray", collect(3, false), col(a, L(3), B(false)))
	// aggfn-006, aggfn-008
	nested := []value.Value{L(2), A(L(3), L(7)), A(L(7)), A(A(L(1)))}
	f(A(nested...), "collectArray", collect(maxCollect, false), col(nested, L(maxCollect), B(false)))
	f(A(L(2), L(3), L(7), L(7), L(1)), "collectArray", collect(maxCollect, true), col(nested, L(maxCollect), B(true)))
	f(A(nested...), "collectDistinct", collect(maxCollect, false), col(nested, L(maxCollect), B(false)))
	f(A(L(2), L(3), L(7), L(1)), "collectDistinct", collect(maxCollect, true), col(nested, L(maxCollect), B(true)))
	// aggfn-010
	f(L(4), "countDistinct", []value.Value{null, null}, col(a, null))
	f(L(4), "countDistinctApprox", []value.Value{null, null}, col(a, null))
	// aggfn-011
	withNulls := []value.Value{null, L(3), L(7), L(5), null}
	f(L(3), "takeFirst", nil, col(withNulls))
	f(L(5), "takeLast", nil, col(withNulls))
	// aggfn-013
	durs := []value.Value{Dur(time.Second), Dur(2 * time.Second)}
	f(Dur(3*time.Second), "sum", nil, col(durs))
	f(Dur(1500*time.Millisecond), "avg", nil, col(durs))
	// aggfn-015
	f(S("a"), "min", nil, col([]value.Value{S("b"), S("a"), S("c")}))
	f(S("c"), "max", nil, col([]value.Value{S("b"), S("a"), S("c")}))
	f(B(false), "min", nil, col([]value.Value{B(true), B(false), B(true)}))
	f(B(true), "max", nil, col([]value.Value{B(true), B(false), B(true)}))
	// aggfn-018: count() * takeAny(ratio), sum(amount) / 2
	f(L(2), "count", nil, [][]value.Value{nil, nil})
	f(L(2), "takeAny", nil, col([]value.Value{L(2), L(2)}))
	f(D(12), "sum", nil, col([]value.Value{L(5), L(7)}))
	// summarize-003: no input
	f(L(0), "count", nil, nil)
	f(null, "sum", nil, nil)
	f(null, "collectArray", collect(maxCollect, false), nil)
	f(null, "takeAny", nil, nil)
	// summarize-010
	f(L(2), "countIf", nil, col([]value.Value{B(true), B(true), B(false)}))
	f(L(0), "countIf", nil, col([]value.Value{B(false)}))
	// summarize-011
	sparse := []value.Value{L(1), null, null}
	f(L(3), "count", nil, [][]value.Value{nil, nil, nil})
	f(D(1), "sum", nil, col(sparse))
	f(D(1), "avg", nil, col(sparse))
	f(L(1), "min", nil, col(sparse))
	f(L(1), "max", nil, col(sparse))
	// summarize-005
	f(L(2), "takeAny", nil, col([]value.Value{L(2), null}))
	f(A(L(20), L(40)), "collectArray", collect(maxCollect, false), col([]value.Value{L(20), L(40)}, L(maxCollect), B(false)))
	// maketimeseries-015 (one slot)
	f(L(2), "countDistinctExact", nil, col([]value.Value{S("a"), S("b")}))
}

func mustAgg(t *testing.T, name string) (Acc, *Agg) {
	t.Helper()
	a, ok := LookupAgg(name)
	if !ok {
		t.Fatalf("no aggregation %q", name)
	}
	acc, err := a.New(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return acc, a
}

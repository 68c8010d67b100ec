package funcs

import (
	"strings"
	"testing"

	"github.com/trailbook/trailbook/kernel/dql/value"
)

func TestString(t *testing.T) {
	f := check(t)
	const emoji = "a😀b" // 😀 is two UTF-16 code units

	f(S("a-1-2.5-true"), "concat", S("a"), L(1), null, D(2.5), B(true), N("delimiter", S("-")))
	f(S("ab"), "concat", S("a"), S("b"))
	f(S(""), "concat", null, null)
	f(S("x1y2"), "concat", S("x"), A(L(1), S("y"), null), L(2))
	f(null, "concat", S("a"), N("delimiter", L(1)))

	f(B(true), "contains", S("Hello"), S(""))
	f(B(false), "contains", S("Österreich"), S("österreich"), N("caseSensitive", B(false))) // ASCII-only folding
	f(B(true), "contains", S("ÖsterREICH"), S("Österreich"), N("caseSensitive", B(false)))
	f(null, "contains", L(5), S("5"))
	f(null, "contains", null, S("5"))
	f(B(true), "endsWith", S("file.JSON"), S(".json"), N("caseSensitive", B(false)))
	f(B(false), "endsWith", S("file.JSON"), S(".json"))
	f(B(false), "startsWith", S("ab"), S("abc"))
	f(B(true), "contains", S("abc"), S("bc"), B(true)) // caseSensitive positionally

	f(S("straße"), "lower", S("STRAßE"))
	f(null, "lower", L(5)) // documented: lower(5) is null
	f(S("a b"), "trim", S("\t\n a b \x00\r"))

	f(L(4), "stringLength", S(emoji))
	f(L(0), "stringLength", S(""))
	f(L(2), "stringLength", S("é."))

	// substring: from inclusive, to exclusive, negatives from the end, clamped
	f(S("is awesome!"), "substring", S("DQL is awesome!"), N("from", L(4)))
	f(S("DQL"), "substring", S("DQL is awesome!"), N("to", L(3)))
	f(S("some"), "substring", S("DQL is awesome!"), N("from", L(-5)), N("to", L(-1)))
	f(S("DQL is awesome!"), "substring", S("DQL is awesome!"), N("from", L(-100)), N("to", L(100)))
	f(S(""), "substring", S("DQL"), N("from", L(2)), N("to", L(1)))
	f(S(""), "substring", S("DQL"), N("from", L(5)))
	f(S("😀"), "substring", S(emoji), N("from", L(1)), N("to", L(3)))
	f(S("b"), "substring", S(emoji), N("from", L(3)))
	f(S("a\uFFFD"), "substring", S(emoji), N("to", L(2))) // half a surrogate pair
	f(null, "substring", S("abc"), N("from", S("1")))

	// indexOf / lastIndexOf in UTF-16 units
	f(L(4), "indexOf", S("DQL is awesome!"), S("is"))
	f(L(-1), "indexOf", S("DQL is awesome!"), S("is"), N("from", L(5)))
	f(L(7), "indexOf", S("DQL is awesome!"), S("a"), N("from", L(-8)))
	f(L(3), "indexOf", S(emoji), S("b"))
	f(L(0), "indexOf", S("abc"), S(""))
	f(L(-1), "indexOf", S("abc"), S("d"), N("from", L(100)))
	f(L(3), "lastIndexOf", S(emoji), S("b"))
	f(L(1), "lastIndexOf", S(emoji), S("😀"))
	f(L(0), "lastIndexOf", S("abab"), S("ab"), N("from", L(1)))
	f(L(2), "lastIndexOf", S("abab"), S("ab"), N("from", L(-2)))
	f(L(-1), "lastIndexOf", S("abab"), S("ab"), N("from", L(-10)))
	f(L(4), "lastIndexOf", S("abab"), S(""))

	f(S("😀"), "getCharacter", S(emoji), L(1))
	f(S("😀"), "getCharacter", S(emoji), L(2))
	f(S("b"), "getCharacter", S(emoji), L(-1))
	f(null, "getCharacter", S(""), L(0))
	f(null, "getCharacter", S("abc"), L(-4))

	// splitString: literal separator, empty parts kept, "" splits into characters
	f(A(S(""), S("a"), S(""), S("b"), S("")), "splitString", S(",a,,b,"), S(","))
	f(A(S("a"), S("😀"), S("b")), "splitString", S(emoji), S(""))
	f(A(), "splitString", S(""), S(""))
	f(A(S("")), "splitString", S(""), S(","))
	f(A(S("a.b")), "splitString", S("a.b"), S("*"))

	f(S("x-y-z"), "replaceString", S("x.y.z"), S("."), S("-"))
	f(S("aa"), "replaceString", S("aaaa"), S("aa"), S("a"))
	f(S("-a-b-"), "replaceString", S("ab"), S(""), S("-"))

	f(L(0), "levenshteinDistance", S(""), S(""))
	f(L(3), "levenshteinDistance", S("kitten"), S("sitting"))
	f(L(1), "levenshteinDistance", S("😀"), S("😁"))
}

func BenchmarkContains(b *testing.B) {
	line := S(strings.Repeat("eventSource s3.amazonaws.com eventName GetObject ", 4) + "errorCode AccessDenied")
	for _, tc := range []struct {
		name string
		sens bool
	}{{"caseSensitive", true}, {"caseInsensitive", false}} {
		b.Run(tc.name, func(b *testing.B) {
			fn, _ := Lookup("contains")
			args := []value.Value{line, S("accessdenied"), B(tc.sens)}
			s, _ := line.Str()
			b.SetBytes(int64(len(s)))
			b.ReportAllocs()
			for b.Loop() {
				fn.Call(testEnv, args)
			}
		})
	}
}

func BenchmarkStartsWith(b *testing.B) {
	fn, _ := Lookup("startsWith")
	args := []value.Value{S("arn:aws:iam::123456789012:user/alice"), S("ARN:AWS:IAM::"), B(false)}
	b.ReportAllocs()
	for b.Loop() {
		fn.Call(testEnv, args)
	}
}

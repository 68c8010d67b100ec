package funcs

import (
	"strings"
	"testing"

	"github.com/trailbook/trailbook/kernel/dql/value"
)

func TestMatchesValue(t *testing.T) {
	f := check(t)
	fe := checkErr(t)

	f(B(true), "matchesValue", S("GetObject"), S("getobject"))
	f(B(false), "matchesValue", S("GetObject"), S("getobject"), N("caseSensitive", B(true)))
	f(B(true), "matchesValue", S("GetObject"), S("Put*"), S("Get*")) // several patterns: any
	f(B(true), "matchesValue", S("GetObject"), A(S("Put*"), S("*Object")))
	f(B(false), "matchesValue", S("GetObject"), A(S("Put*"), L(1)))
	f(B(true), "matchesValue", S("a*b"), S("a*b"), N("wildcard", S("%")))
	f(B(false), "matchesValue", S("axb"), S("a*b"), N("wildcard", S("%")))
	f(B(true), "matchesValue", S("axb"), S("a%b"), N("wildcard", S("%")))
	f(B(true), "matchesValue", S(""), S("*"))
	f(B(true), "matchesValue", S("abc"), S("*b*"))
	f(B(false), "matchesValue", S("ab"), S("a*b*c"))
	f(B(true), "matchesValue", S("abab"), S("a*b"))
	f(B(false), "matchesValue", S("aba"), S("ab*ba")) // prefix and suffix must not overlap
	f(B(true), "matchesValue", S("Ünïcödé"), S("*cöd*"))
	f(B(false), "matchesValue", A(L(1), null), S("*"))
	f(null, "matchesValue", L(1), S("1"))
	f(null, "matchesValue", null, S("1"))

	fe("two wildcards in a row", "matchesValue", S("x"), S("a**"))
	fe("at most 64", "matchesValue", S("x"), S(strings.Repeat("a*", 65)))
	fe("single character", "matchesValue", S("x"), S("a"), N("wildcard", S("ab")))
	f(B(true), "matchesValue", S(strings.Repeat("xy", 32)), S(strings.Repeat("*x", 32)+"*"))
	// a non-constant bad pattern is null at run time
	fn, _ := Lookup("matchesValue")
	if got := fn.Call(testEnv, []value.Value{S("x"), B(false), S("*"), S("**")}); !got.IsNull() {
		t.Fatalf("run-time ** pattern = %s", show(got))
	}
}

func TestMatchesPhrase(t *testing.T) {
	f := check(t)
	fe := checkErr(t)
	c := S("User 'käärmanü' failed to login from 192.168.0.1")

	f(B(true), "matchesPhrase", c, S("failed to login"))
	f(B(true), "matchesPhrase", c, S("FAILED  TO"))
	f(B(false), "matchesPhrase", c, S("FAILED TO"), N("caseSensitive", B(true)))
	f(B(false), "matchesPhrase", c, S("failed login")) // not consecutive
	f(B(false), "matchesPhrase", c, S("fail"))         // words match whole
	f(B(true), "matchesPhrase", c, S("fail*"))
	f(B(true), "matchesPhrase", c, S("käärmanü"))
	f(B(true), "matchesPhrase", c, S("'käärmanü'"))
	f(B(false), "matchesPhrase", c, S("KÄÄRMANÜ")) // ASCII-only folding
	f(B(true), "matchesPhrase", c, S("192.168.0.1"))
	f(B(true), "matchesPhrase", c, S("168.0"))
	f(B(false), "matchesPhrase", c, S("192.168.0.10"))
	f(B(true), "matchesPhrase", c, S("*.0.1"))
	f(B(true), "matchesPhrase", S("HelloWorld"), S("helloworld"))
	f(B(false), "matchesPhrase", S("HelloWorld"), S("world"))
	f(B(true), "matchesPhrase", S("Hello World"), S("world"))
	f(B(true), "matchesPhrase", A(S("no"), S("a b c")), S("b c"))
	f(B(false), "matchesPhrase", S("abc"), S(""))
	f(null, "matchesPhrase", L(1), S("1"))
	fe("two wildcards in a row", "matchesPhrase", c, S("fail**"))
}

func TestLike(t *testing.T) {
	f := check(t)
	f(B(true), "like", S("GetObject"), S("Get%"))
	f(B(false), "like", S("GetObject"), S("get%"))
	f(B(true), "like", S("GetObject"), S("_et%t"))
	f(B(false), "like", S("GetObject"), S("_et"))
	f(B(true), "like", S("😀x"), S("_x"))
	f(B(true), "like", S("100%"), S(`100\%`))
	f(B(false), "like", S("1000"), S(`100\%`))
	f(B(true), "like", S("a_b"), S(`a\_b`))
	f(B(true), "like", S(""), S("%"))
	f(B(false), "like", S(""), S("_"))
	f(B(true), "like", S("abcabc"), S("%b%c"))
	f(null, "like", L(1), S("%"))
}

func BenchmarkMatchers(b *testing.B) {
	line := S("User 'alice' failed to login from 192.168.0.1 using ConsoleLogin")
	for _, tc := range []struct {
		name string
		args []value.Value
	}{
		{"matchesValue", []value.Value{line, B(false), S("*"), S("*failed to log*")}},
		{"matchesPhrase", []value.Value{line, S("failed to log*"), B(false), S("*")}},
		{"like", []value.Value{line, S("%failed%login%")}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			fn, _ := Lookup(tc.name)
			isConst := make([]bool, len(tc.args))
			for i := 1; i < len(isConst); i++ {
				isConst[i] = true
			}
			call, err := fn.Prepare(tc.args, isConst)
			if err != nil || call == nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if !call(testEnv, tc.args).IsTrue() {
					b.Fatal("no match")
				}
			}
		})
	}
}

package dpl

import "testing"

// Literals, character classes and named classes (spec/dpl.md §4).

func TestLiterals(t *testing.T) {
	f := parseChecker(t)
	f("'abc'", "abcdef", "ok")
	f("'abc'", "abd", "no match")
	f("'abc':x", "abc", `x="abc"`)
	f(`"a'b":x`, "a'b", `x="a'b"`)
	f(`'a\nb':x`, "a\nb", `x="a\nb"`)
	f("'':x 'a'", "a", `x=""`)
	f("'ab'{2}:x", "ababab", `x=["ab", "ab"]`)
	f("'ab'+:x", "ababab", `x=["ab", "ab", "ab"]`)
	f("'€':x", "€", `x="€"`)

	m := matchChecker(t)
	m(`"a"+ EOL`, "aaa\n", true) // the documented example
	m(`"a"+ EOL`, "\n", false)
}

func TestCharClasses(t *testing.T) {
	f := parseChecker(t)
	// A bracket class matches one character unless quantified.
	f("[a-z]:x", "abc", `x="a"`)
	f("[a-z]+:x", "abc1", `x="abc"`)
	f("[a-z]{2}:x", "abc", `x="ab"`)
	f("[a-z]{2,}:x", "abc1", `x="abc"`)
	f("[a-z]{,2}:x", "abc", `x="ab"`)
	f("[a-z]*:x '1'", "1", `x=""`)
	f("[a-z0-9_]+:x", "a_9-", `x="a_9"`)
	// Negation with ^ or !.
	f("[^0-9]+:x", "ab1", `x="ab"`)
	f("[!0-9]+:x", "ab1", `x="ab"`)
	f("[^a]:x", "é", `x="é"`)
	// Escapes and a literal dash at either end.
	f(`[\[\]]+:x`, "[]]x", `x="[]]"`)
	f(`[a\-z]+:x`, "a-zb", `x="a-z"`)
	f(`[-a]+:x`, "-a-b", `x="-a-"`)
	f(`[a-]+:x`, "-a-b", `x="-a-"`)
	f(`[\d]+:x`, "42x", `x="42"`)
	f(`[\w.]+:x`, "a_1.b c", `x="a_1.b"`)
	f(`[\s]+:x`, " \t\nx", "x=\" \\t\\n\"")
	f(`[\t]:x`, "\t", "x=\"\\t\"")
	// POSIX names inside brackets, and [:name:] on its own for the named class.
	f("[[:digit:]_]+:x", "1_2x", `x="1_2"`)
	f("[:alpha:]:x", "abc1", `x="abc"`)
	// Non-ASCII members and ranges.
	f("[äöü]+:x", "äöüx", `x="äöü"`)
	f("[α-ω]+:x", "αβγa", `x="αβγ"`)
	// Greedy with backtracking (spec/dpl.md §4): the class gives characters back.
	f("ALPHA:a ALPHA:b", "abc", `a="ab" b="c"`)
	f("DIGIT:a '1'", "1211", `a="121"`)
	f("[a-z]+:a 'z'", "abcz", `a="abc"`)
}

func TestNamedClasses(t *testing.T) {
	f := parseChecker(t)
	f("ALPHA:x", "abcXYZ1", `x="abcXYZ"`)
	f("DIGIT:x", "0123456789a", `x="0123456789"`)
	f("ALNUM:x", "a1B2_", `x="a1B2"`)
	f("UPPER:x", "ABc", `x="AB"`)
	f("LOWER:x", "abC", `x="ab"`)
	f("XDIGIT:x", "09afAFg", `x="09afAF"`)
	f("WORD:x", "a_1-", `x="a_1"`)
	f("SPACE:x", " \t\n\v\f\rx", "x="+quote(" \t\n\v\f\r"))
	f("NSPACE:x", "a€b c", `x="a€b"`)
	f("BLANK:x", " \t\nx", "x=\" \\t\"")
	f("PUNCT:x", "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~a", "x="+quote("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"))
	f("GRAPH:x", "a!~ b", `x="a!~"`)
	f("PRINT:x", "a b~\x7f", `x="a b~"`)
	f("CNTRL:x", "\x00\x1f\x7fa", "x="+quote("\x00\x1f\x7f"))
	f("ASCII:x", "az\x7fé", "x="+quote("az\x7f"))
	// The default quantifier is 1..4096 characters.
	f("ALPHA:x", "1", "no match")
	f("DIGIT:x", repeat("7", 5000), `x="`+repeat("7", 4096)+`"`)
	f("DIGIT{3}:x", "12345", `x="123"`)
	f("DIGIT?:x 'a'", "a", "x=null")
}

func repeat(s string, n int) string {
	b := make([]byte, 0, len(s)*n)
	for range n {
		b = append(b, s...)
	}
	return string(b)
}

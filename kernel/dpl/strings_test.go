package dpl

import "testing"

// Line and string matchers (spec/dpl.md §5).

func TestLineData(t *testing.T) {
	f := parseChecker(t)
	// LD is lazy: as few characters as the rest of the pattern needs.
	f("LD:a ',' LD:b", "x,y,z", `a="x" b="y,z"`)
	f("LD:a ',' LD:b ','", "x,y,z,", `a="x" b="y"`)
	f("LDATA:a ':'", "k:v", `a="k"`)
	// At the end of a pattern it takes the rest of the line (parse-006).
	f("'user=' LD:user", "user=alice", `user="alice"`)
	f("LD:a", "abc\ndef", `a="abc"`)
	f("(INT ' ' LD:rest):g", "1 a b\nc", `rest="a b" g="1 a b"`)
	f("INT:n (' ' LD:rest)?", "1 a b", `n=1 rest="a b"`)
	f("LD:a INT?:b", "abc12", `a="a" b=null`) // an optional element follows: LD stays lazy
	// At least one character, never a line feed.
	f("LD:a ','", ",x", "no match")
	f("LD:a ','", "a\nb,", "no match")
	f("LD{2}:a", "abcd", `a="ab"`)
	f("LD{2,3}:a 'x'", "abcdx", "no match")
	f("LD{2,3}:a 'x'", "abcx", `a="abc"`)
	f("LD:a", repeat("a", 5000), `a="`+repeat("a", 4096)+`"`)
	f("LD:a 'é'", "ñéé", `a="ñ"`)
	// DATA may span line feeds (and takes the rest of the input at the end).
	f("DATA:d '!'", "a\nb!c!", `d="a\nb"`)
	f("'x' DATA:d", "x1\n2", `d="1\n2"`)
	f("DATA:record (EOL EOL)", "aa\nbb\n\ncc", `record="aa\nbb"`)

	m := matchChecker(t)
	m("LD EOL LD", "a\nb", true) // dpl-016
	m("LD", "a\nb", false)       // dpl-016
	m("LD", "ab", true)
	m("DATA", "a\nb", true)
}

func TestLineBreaks(t *testing.T) {
	m := matchChecker(t)
	m("LD EOL", "a\n", true)
	m("LD LF", "a\n", true)
	m("LD CR", "a\r", true)
	m("LD EOLWIN", "a\r\n", true)
	m("LD WINEOL", "a\r\n", true)
	m("LD EOLWIN", "a\n\r", false)
	m("LD:x EOS", "abc", true)
	m("'a' EOS 'b'", "ab", false)

	f := parseChecker(t)
	f("LD:a EOL", "a\r\n", `a="a\r"`)
	f("LD:a EOS", "abc\ndef", "no match")
	f("LD:a EOLWIN", "abc\r\n", `a="abc"`)

	s := scanChecker(t)
	s("LD:line EOL", "Red fox\n\nThe end\n", `0-8 line="Red fox" | 9-17 line="The end"`)
	s("LD:footer EOS", "a\nb\ntotal", `4-9 footer="total"`)
	s("BOS LD:header EOL", "h\nx\n", `0-2 header="h"`)
}

func TestQuotedStrings(t *testing.T) {
	f := parseChecker(t)
	f("DQS:q", `"Red fox" rest`, `q="Red fox"`) // parse-010
	f("DQS:q", `"a\"b"`, `q="a\"b"`)
	f("DQS:q", `"a\\"b`, `q="a\\"`)
	f("DQS:q", `"a\nb"`, `q="a\\nb"`) // only \" and \\ are resolved
	f("DQS:q", "\"line\nbreak\"", `q="line\nbreak"`)
	f("DQS:q", `""`, "no match") // at least one character
	f("DQS:q", `"open`, "no match")
	f("DQS:q", `x"a"`, "no match")
	f("SQS:q", `'it\'s'`, `q="it's"`)
	f("SQS:q", `''`, "no match")
	f("CSVDQS:q", `"say ""hi""",`, `q="say \"hi\""`)
	f("CSVDQS:q", `"",`, `q=""`)
	f("CSVDQS:q", `"a\"`, `q="a\\"`)
	f("CSVSQS:q", `'it''s'`, `q="it's"`)
	f("STRING:s", `"double q" x`, `s="double q"`)
	f("STRING:s", `'single q' x`, `s="single q"`)
	f("STRING:s", `""`, `s=""`)
	f("STRING:s", "bare,word next", `s="bare,word"`)
	f("STRING:s", `"unterminated x`, `s="\"unterminated"`)
	f("STRING:s", " x", "no match")
	f("(STRING:k '=' STRING:v)(fs=' ')", `a = "b c"`, `k="a" v="b c"`)
}

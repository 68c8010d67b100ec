package syntax

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func seedCorpus(f *testing.F) {
	for _, q := range corpus(f) {
		f.Add(q)
	}
	for _, q := range []string{
		`fetch logs | filter a == "x" or not b`, `data json:"""[{"a":1}]"""`,
		"data record(a = 0xFF, b = 1.5e3, c = -2h@h, d = `x y`)", `x | y[][0] ~ "a*b"`,
		`data record() /* c */ // d`, `"""""""`, `a[b][c][]`, `f(a: {b = c, d desc})`,
	} {
		f.Add(q)
	}
}

// maxFuzzLen bounds inputs so that each run stays fast (expr does the same).
const maxFuzzLen = 2000

// FuzzLex checks that the lexer never panics and that every error lies in the input.
func FuzzLex(f *testing.F) {
	seedCorpus(f)
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > maxFuzzLen {
			return
		}
		items, err := lex(src)
		if err != nil {
			if int(err.Pos) < 0 || int(err.Pos) > len(src) {
				t.Fatalf("error position %d outside input of %d bytes", err.Pos, len(src))
			}
			return
		}
		last := Pos(-1)
		for _, it := range items {
			if it.pos < last || int(it.pos) > len(src) {
				t.Fatalf("token positions out of order or outside the input: %v", it)
			}
			last = it.pos
		}
		if items[len(items)-1].tok != EOF {
			t.Fatalf("token stream does not end with EOF")
		}
	})
}

// FuzzParse checks the print → parse round trip: a query that parses prints a
// canonical form that parses to the same canonical form; errors point inside the input.
func FuzzParse(f *testing.F) {
	seedCorpus(f)
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > maxFuzzLen {
			return
		}
		q, err := Parse(src)
		if err != nil {
			e, ok := err.(*Error)
			if !ok {
				t.Fatalf("Parse returned %T, want *Error", err)
			}
			lines := strings.Count(src, "\n") + 1
			if e.Line < 1 || e.Line > lines || e.Col < 1 {
				t.Fatalf("error at %d:%d outside input with %d lines: %v", e.Line, e.Col, lines, e)
			}
			if lineText := strings.Split(src, "\n")[e.Line-1]; e.Col > utf8.RuneCountInString(lineText)+1 {
				t.Fatalf("error column %d beyond line %q", e.Col, lineText)
			}
			return
		}
		s := q.String()
		again, err := Parse(s)
		if err != nil {
			t.Fatalf("canonical form of %q does not parse: %v\n%s", src, err, s)
		}
		if s2 := again.String(); s2 != s {
			t.Fatalf("canonical form does not round-trip:\n%s\n%s", s, s2)
		}
	})
}

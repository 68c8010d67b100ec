package params

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/trailbook/trailbook/kernel/dql/syntax"
)

// FuzzSubstitute checks the promise of the package: whatever the text of a string or
// strings parameter, the substituted query parses to the same structure, with the
// text as one literal.
func FuzzSubstitute(f *testing.F) {
	for _, s := range []string{`x" or true or "`, `"""`, "a\nb", `\`, "`", "$x", "//", "/*", ""} {
		f.Add(s)
	}
	const query = `data record(u = "a") | filter u == $s or in(u, $l) | fields u`
	want, err := syntax.Parse(strings.NewReplacer("$s", `"S"`, "$l", `{"L"}`).Replace(query))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if !utf8.ValidString(text) {
			return
		}
		s, err := Def{Name: "s", Type: String}.Parse(text)
		if err != nil {
			t.Fatal(err)
		}
		l := Value{typ: Strings, list: []string{text}}
		q, err := Substitute(query, map[string]Value{"s": s, "l": l})
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		got, err := syntax.Parse(q)
		if err != nil {
			t.Fatalf("%q: the substituted query does not parse: %v\n%s", text, err, q)
		}
		// Same structure: the canonical text is the reference's with S and L replaced.
		quoted := syntax.QuoteString(text)
		wantText := strings.NewReplacer(`"S"`, quoted, `{"L"}`, "{"+quoted+"}").Replace(want.String())
		if got.String() != wantText {
			t.Fatalf("%q changed the query:\n got %s\nwant %s", text, got, wantText)
		}
	})
}

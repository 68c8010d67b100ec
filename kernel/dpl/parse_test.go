package dpl

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestCompileErrors(t *testing.T) {
	f := func(pattern, want string) {
		t.Helper()
		_, err := Compile(pattern)
		if err == nil {
			t.Fatalf("Compile(%q) succeeded, want error %q", pattern, want)
		}
		if got := err.Error(); got != want {
			t.Fatalf("Compile(%q)\n got: %s\nwant: %s", pattern, got, want)
		}
		var e *Error
		if !errors.As(err, &e) || !errors.Is(err, ErrPattern) {
			t.Fatalf("Compile(%q): error %T is not a *Error of class ErrPattern", pattern, err)
		}
	}
	// Structure.
	f("", "offset 0: empty pattern")
	f("  // only a comment\n", "offset 0: empty pattern")
	f("/* open", "offset 0: unterminated comment")
	f("INT | LD", "offset 4: alternatives must be enclosed in parentheses")
	f("INT)", `offset 3: unexpected ")"`)
	f("(INT", "offset 0: unterminated group")
	f("()", `offset 1: expected matcher, found ")"`)
	f("(INT|)", `offset 5: expected matcher, found ")"`)
	f("? INT", `offset 0: expected matcher, found "?"`)
	f("INT:x?", `offset 5: "?" must come before the export name`)
	f("INT:x{2}", "offset 5: quantifier must come before the export name")
	f("INT?{2}", `offset 4: quantifier must come before "?"`)
	f("INT:1x", `offset 4: expected export name after ":", found "1"`)
	f("INT:", `offset 4: expected export name after ":", found end of pattern`)
	f("INT:''", "offset 4: empty export name")
	f(">>", "offset 2: expected matcher, found end of pattern")
	f("!>>INT:x", `offset 7: cannot export "x" from a negative lookaround`)
	f("!<<(INT:a ' ')", `offset 8: cannot export "a" from a negative lookaround`)
	f(strings.Repeat("(", 65)+"INT"+strings.Repeat(")", 65), "offset 64: pattern nested more than 64 levels deep")

	// Names.
	f("INTT", `offset 0: unknown matcher "INTT" (did you mean "INT"?)`)
	f("INT:a ',' intt:b", `offset 10: unknown matcher "intt" (did you mean "INT"?)`)
	f("TIMESTMAP:t", `offset 0: unknown matcher "TIMESTMAP" (did you mean "TIMESTAMP"?)`)
	f("IPADR", `offset 0: unknown matcher "IPADR" (did you mean "IPADDR"?)`)
	f("FOO", `offset 0: unknown matcher "FOO"`)
	f("KVP{ LD:k '=' LD:v }", "offset 0: KVP is not supported by trailbook")
	f("array{INT}:a", "offset 0: ARRAY is not supported by trailbook")
	f("STRUCTURE{INT}", "offset 0: STRUCTURE is not supported by trailbook")
	f("ENUM{a=1}", "offset 0: ENUM is not supported by trailbook")
	f("CREDITCARD", "offset 0: CREDITCARD is not supported by trailbook")
	f("SMARTSCAPEID", "offset 0: SMARTSCAPEID is not supported by trailbook")
	f("TIMESTAMP_NANO", "offset 0: TIMESTAMP_NANO is not supported by trailbook")
	f("$h = INT; $h", "offset 0: macros are not supported by trailbook")

	// Literals and classes.
	f("'abc", "offset 0: unterminated literal")
	f(`'a\qb'`, `offset 2: unknown escape "\\q" in literal`)
	f("[abc", "offset 0: unterminated character class")
	f("[]", "offset 0: empty character class")
	f("[^]", "offset 0: empty character class")
	f("[z-a]", `offset 1: bad range "z-a" in character class`)
	f(`[\q]`, `offset 1: unknown escape "\\q" in character class`)
	f("[[:alfa:]]", `offset 1: unknown character class "[:alfa:]"`)

	// Quantifiers.
	f("INT{3,2}", "offset 3: quantifier minimum 3 is greater than maximum 2")
	f("INT{}", `offset 4: expected number in quantifier, found "}"`)
	f("INT{,}", "offset 3: quantifier needs a minimum or a maximum")
	f("INT{2", `offset 5: expected "}" to close quantifier, found end of pattern`)
	f("LD{99999999}", "offset 3: quantifier larger than 1048576")

	// Configuration.
	f("INT(foo=1)", `offset 4: unknown configuration key "foo" for INT`)
	f("INT(min='x')", "offset 8: min= must be a number")
	f("INT(min=1, min=2)", `offset 11: duplicate configuration key "min"`)
	f("INT(min=1 max=2)", `offset 10: expected "," or ")" in configuration, found "max"`)
	f("INT(min=)", `offset 8: expected value for "min", found ")"`)
	f("INT(min=x)", `offset 8: expected quoted string, number or boolean for "min", found "x"`)
	f("INT('x')", "offset 4: INT takes no format")
	f("LD('|')", "offset 3: LD takes no format")
	f("INT(charset='latin1')", "offset 4: charset= is not supported by trailbook")
	f("LD(locale='de')", `offset 10: locale "de" is not supported by trailbook (only English)`)
	f("(INT)(fs=1)", "offset 9: fs= must be a quoted string")
	f("(INT)(xs=',')", `offset 6: unknown configuration key "xs" for group`)
	f("TIMESTAMP('yyyy-QQ')", `offset 16: unsupported letter "Q" in time format`)
	f("TIMESTAMP('yyyy 'T')", `offset 17: expected "," or ")" in configuration, found "T"`)
	f("TIMESTAMP(\"yyyy 'T\")", `offset 16: unterminated quoted text in time format`)
	f("TIMESTAMP('HHH')", `offset 11: too many letters "HHH" in time format`)
	f("TIMESTAMP('yyyy', tz='Mars/Base')", `offset 21: unknown time zone "Mars/Base"`)
	f("TIMESTAMP('yyyy', tz='UTC', timezone='UTC')", `offset 18: tz= and timezone= given together`)
	f("TIMESTAMP('yyyy', 'MM')", "offset 18: a format must come first in the configuration")
	f("ISO8601('yyyy')", "offset 8: ISO8601 takes no format")
	f("JSON(maxlen=0)", "offset 12: maxlen= must be a number between 1 and 1073741824")
	f("JSON(strict='no')", "offset 12: strict= must be true or false")
	f("JSON(flat=true)", "offset 5: flat= is not supported by trailbook")
	f("JSON_ARRAY(greedy='x')", "offset 11: greedy= applies to JSON objects only")

	// JSON member lists.
	f("JSON{INT:a", "offset 4: unterminated JSON member list")
	f("JSON{INT a}:j", `offset 9: expected ":" and member name in JSON member list, found "a"`)
	f("JSON{(INT):a}:j", `offset 5: expected matcher in JSON member list, found "("`)
	f("JSON_ARRAY{INT:a}", "offset 10: member lists are only allowed on JSON and JSON_OBJECT")
	f("JSON{INT:a, FOO:b}", `offset 12: unknown matcher "FOO"`)
}

// TestCompileErrorOffsets checks that offsets stay inside the pattern even when the
// problem is at its end.
func TestCompileErrorOffsets(t *testing.T) {
	for _, pattern := range []string{"'", "\"", "[", "(", "{", "INT{", "INT(", "INT(min", "INT(min=", "JSON{", "JSON{INT", "JSON{INT:", "TIMESTAMP('", "a:", "/*"} {
		_, err := Compile(pattern)
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("Compile(%q) = %v, want *Error", pattern, err)
		}
		if e.Offset < 0 || e.Offset > len(pattern) {
			t.Fatalf("Compile(%q): offset %d outside the pattern", pattern, e.Offset)
		}
	}
}

func TestExports(t *testing.T) {
	f := func(pattern string, want ...string) {
		t.Helper()
		if got := mustCompile(t, pattern).Exports(); !reflect.DeepEqual(got, want) && !(len(got) == 0 && len(want) == 0) {
			t.Fatalf("Exports(%q) = %q, want %q", pattern, got, want)
		}
	}
	f("INT ' ' IPADDR")
	f("INT:a ' ' IPADDR:ip", "a", "ip")
	f("INT:b ' ' INT:a ' ' INT:b", "b", "a")
	f("(INT:a ' ' INT:b):g", "a", "b", "g")
	f("INT:'http.method' ' ' LD:\"client time\"", "http.method", "client time")
	f("JSON{IPADDR:ip, INT:n}:j", "j")
	f(">>INT:peek DIGIT:d", "peek", "d")
}

// TestSyntax covers what the pattern text may contain between and around matchers.
func TestSyntax(t *testing.T) {
	f := parseChecker(t)
	// Whitespace, line breaks, commas and comments between expressions (spec/dpl.md §1).
	f("INT:a ' ' IPADDR:ip", "1 10.0.0.1", "a=1 ip=ip:10.0.0.1")
	f("INT:a,' ',IPADDR:ip", "1 10.0.0.1", "a=1 ip=ip:10.0.0.1")
	f("/* an integer and an address */\nINT:a // the number\n' ' // a space\nIPADDR:ip", "1 10.0.0.1", "a=1 ip=ip:10.0.0.1")
	// Whitespace inside an expression, before quantifier, "?" and ":".
	f("DIGIT {2} ? : d", "123", `d="12"`)
	f("INT : n", "5", "n=5")
	// Matcher names are case-insensitive; export names are not.
	f("json:event", `{"a":1}`, "event={a: 1}")
	f("Int:N ld:Rest", "5xy", `N=5 Rest="xy"`)
	// Quoted export names.
	f("LD:'http.method' ' '", "GET /", `http.method="GET"`)
	f(`LD:"client time" '|'`, "noon|", `client time="noon"`)
	// Literals in either quote, with escapes.
	f(`'it\'s' "a\"b" 'x\\y' 'tab\there'`, "it's"+`a"b`+`x\y`+"tab\there", "ok")
	// A config must touch its matcher; "(" after a space opens a group.
	f("INT ('a'|'b'):x", "1a", `x="a"`)
}

package dpl

import (
	"errors"
	"os"
	"testing"

	"github.com/trailbook/trailbook/kernel/dql/value"
)

// fuzzSeeds are pattern/input pairs from spec/dpl.md and the tests; the conformance
// and tutorial patterns are added when the shared material is present.
var fuzzSeeds = [][2]string{
	{"INT ' ' IPADDR:ip EOL", "1 10.0.0.1\n"},
	{"IPV4:ip LD HTTPDATE:time ']' LD:text", "117.16.75.9--[14/Mar/2016:23:34:25 +0200] GET//setup.php HTTP/1.1 404 474"},
	{"(INT:a LD:b IPADDR:c)(fs=',')", "1,alice,192.168.1.1"},
	{"INT:a ',' INT?:b ',' INT:c", "1,,3"},
	{"LONG", "2019-08-01"},
	{"INT:i", "1-10+20"},
	{"HEXINT:h", "0xa01F -xFE"},
	{"DOUBLE:d CDOUBLE:c", "1.5e3 2,5"},
	{"TIMESTAMP('yyyy-MM-dd HH:mm:ss', tz='UTC'):t", "2019-01-05 13:14:25"},
	{"TIMESTAMP(\"EEE, dd MMM yyyy HH:mm:ss z\"):t", "Tue, 15 Nov 1994 08:12:31 GMT"},
	{"ISO8601:t JSONTIMESTAMP:j HTTPDATE:h", "2019-01-01T13:23:45Z"},
	{"TIME ' : ' LONG", "2023-11-01 12:52:12 : 766"},
	{"JSON:event", `{"a":1,"b":[true,null,"x"]}`},
	{"JSON_OBJECT:o", "[80,443]"},
	{"JSON{IPADDR:ip, INT[]:p, JSON{STRING+:c}:n}(greedy='rest'):j", `{"ip":"::1","p":[1],"n":{"c":"x"},"z":0}`},
	{"JSON(strict=false):j", `{a: b, c: [1, d]}`},
	{"DQS:q SQS:s CSVDQS:c STRING:x", `"a\"b" 'c' "d""e" f`},
	{"('GET' | 'POST'):m ' ' LD:path", "POST /x"},
	{"(INT:n | ALPHA:w)+ EOS", "ab12"},
	{"IPADDR:ip_addr <<INT(min=50) EOL", "1.2.3.55\n"},
	{">>INT:peek !<<'x' DIGIT{2,}:d", "42"},
	{"[a-z\\]]+:x [^0-9]{,3} [:alpha:] NSPACE", "ab]c-- ab x"},
	{"DATA:record (EOL EOL)", "aa\nbb\n\ncc"},
	{"LD EOL LD", "a\nb"},
	{" ' $' LONG ' ' ", "one $1 two $4 three"},
	{"/* c */ INT // d\n:x", "5"},
	{"(('a'|'a')+)+ '!'", "aaaaaaaaaaaaaaaaaaaa"},
}

// FuzzPattern fuzzes pattern text and input together. Properties: nothing panics;
// Compile errors are *Error with an offset inside the pattern; Parse returns one value
// per export; Match(s) implies Parse(s); Scan spans are non-empty, ordered,
// non-overlapping and inside s.
func FuzzPattern(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s[0], s[1])
	}
	if _, err := os.Stat(sharedDir); err == nil {
		for _, p := range sharedPatterns(f) {
			f.Add(p, "")
		}
	}
	f.Fuzz(func(t *testing.T, pattern, input string) {
		if len(pattern) > 512 || len(input) > 4096 {
			t.Skip("work is bounded by length; long inputs only slow the fuzzer")
		}
		p, err := Compile(pattern)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || !errors.Is(err, ErrPattern) {
				t.Fatalf("Compile(%q): %T %v, want *Error", pattern, err, err)
			}
			if e.Offset < 0 || e.Offset > len(pattern) || e.Msg == "" {
				t.Fatalf("Compile(%q): offset %d (pattern length %d), message %q", pattern, e.Offset, len(pattern), e.Msg)
			}
			return
		}
		vals, parsed := p.Parse(input)
		if parsed && len(vals) != len(p.Exports()) {
			t.Fatalf("Parse(%q, %q): %d values for %d exports", pattern, input, len(vals), len(p.Exports()))
		}
		if p.Match(input) && !parsed {
			t.Fatalf("Match(%q, %q) is true but Parse fails", pattern, input)
		}
		last := 0
		p.Scan(input, func(start, end int, vals []value.Value) bool {
			if start < last || end <= start || end > len(input) {
				t.Fatalf("Scan(%q, %q): span %d-%d after %d", pattern, input, start, end, last)
			}
			if len(vals) != len(p.Exports()) {
				t.Fatalf("Scan(%q, %q): %d values for %d exports", pattern, input, len(vals), len(p.Exports()))
			}
			last = end
			return true
		})
	})
}

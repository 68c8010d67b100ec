package dpl

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/trailbook/trailbook/kernel/dql/value"
)

// sharedDir is the read-only shared material: the conformance cases and the tutorial.
const sharedDir = "../../../shared"

// TestConformanceCases pins the pattern semantics behind the DPL conformance cases
// (shared/conformance/cases); the expected values are the cases' own. The full cases
// run through the DQL engine elsewhere.
func TestConformanceCases(t *testing.T) {
	f := parseChecker(t)
	f("JSON:event", `{"type":"update","host":"CI_preprod_1","version":"10.2.2367"}`,
		`event={type: "update", host: "CI_preprod_1", version: "10.2.2367"}`) // dpl-001
	f("JSON:ct", `{"eventName": "PutObject", "requestParameters": {"bucketName": "logs", "key": "a.txt"}}`,
		`ct={eventName: "PutObject", requestParameters: {bucketName: "logs", key: "a.txt"}}`) // dpl-005
	f("ISO8601:t", "2019-01-01T13:23:45Z", "t=ts:2019-01-01T13:23:45Z") // dpl-006
	f("TIMESTAMP('yyyy-MM-dd HH:mm:ss', timezone='UTC'):t", "2019-01-05 13:14:25",
		"t=ts:2019-01-05T13:14:25Z") // dpl-008
	f("LONG:result", "1 2", "result=1")                                    // dpl-011
	f("LONG:field1 ' ' LONG:field2", "45 46 47 48", "field1=45 field2=46") // dpl-011
	f("IPV4:ip LD HTTPDATE:time ']' LD:text",
		"117.16.75.9--[14/Mar/2016:23:34:25 +0200] GET//setup.php HTTP/1.1 404 474",
		`ip=ip:117.16.75.9 time=ts:2016-03-14T21:34:25Z text=" GET//setup.php HTTP/1.1 404 474"`) // parse-001
	f("( INT:sequence LD:username IPADDR:ip)(fs=',')", "1,alice,192.168.1.1",
		`sequence=1 username="alice" ip=ip:192.168.1.1`) // parse-003
	f("( INT:sequence LD:username IPADDR:ip)(fs=',')", "2,,10.6.24.18", "no match") // parse-003
	f("INT:n", "42", "n=42")                                                        // parse-005
	f("'user=' LD:user", "user=alice", `user="alice"`)                              // parse-006
	f("INT:a ',' INT?:b ',' INT:c", "1,,3", "a=1 b=null c=3")                       // parse-008
	f("DQS:q", `"Red fox" rest`, `q="Red fox"`)                                     // parse-010
	f("INT:n", "no digits here", "no match")                                        // parse-011

	s := scanChecker(t)
	s("INT:i", "1-10+20", "0-1 i=1 | 1-4 i=-10 | 4-7 i=20") // dpl-010

	m := matchChecker(t)
	m("TIME ' : ' LONG", "2023-11-01 12:52:12 : 766", true)          // dpl-013
	m("TIME ' : ' IP", "2023-11-01 12:52:12 : 766", false)           // dpl-013
	m("TIME ' : ' LONG", "2023-11-01 12:53:00:123", false)           // dpl-013
	m("TIME ' : ' IP", "2023-11-01 12:53:00:123", false)             // dpl-013
	m("TIME ' : ' LONG", "2023-11-01 12:55:59 : 192.168.0.1", false) // dpl-013
	m("TIME ' : ' IP", "2023-11-01 12:55:59 : 192.168.0.1", true)    // dpl-013
	m("LD EOL LD", "a\nb", true)                                     // dpl-016
	m("LD", "a\nb", false)                                           // dpl-016

	// dpl-015: splitByPattern(content, " ' $' LONG ' ' ") — the pieces between matches.
	split := func(in string, want ...string) {
		t.Helper()
		p := mustCompile(t, " ' $' LONG ' ' ")
		got, last := []string{}, 0
		p.Scan(in, func(start, end int, _ []value.Value) bool {
			got = append(got, in[last:start])
			last = end
			return true
		})
		if in != "" {
			got = append(got, in[last:])
		}
		if strings.Join(got, "|") != strings.Join(want, "|") || len(got) != len(want) {
			t.Fatalf("split %q = %q, want %q", in, got, want)
		}
	}
	split("one $1 two $4 three", "one", "two", "three")
	split("foo $1000 bar", "foo", "bar")
	split("no separator", "no separator")
	split("")
}

// patternRE finds DPL patterns in DQL text: the parse command and the pattern functions,
// with the pattern as a double-quoted DQL string.
var patternRE = regexp.MustCompile(`(?:parse\s+[^,|]+,|(?:parse|parseAll|matchesPattern|replacePattern|splitByPattern)\(\s*[^,]+,)\s*("(?:[^"\\]|\\.)*")`)

// sharedPatterns returns the patterns used in the conformance cases and the tutorial.
func sharedPatterns(t testing.TB) []string {
	var out []string
	files, _ := filepath.Glob(filepath.Join(sharedDir, "conformance", "cases", "*.json"))
	tutorial, _ := filepath.Glob(filepath.Join(sharedDir, "tutorial", "*.dql"))
	for _, name := range append(files, tutorial...) {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatalf("cannot read %q: %v", name, err)
		}
		text := string(data)
		if strings.HasSuffix(name, ".json") {
			var c struct{ Query string }
			if err := json.Unmarshal(data, &c); err != nil {
				t.Fatalf("cannot decode %q: %v", name, err)
			}
			text = c.Query
		}
		for _, m := range patternRE.FindAllStringSubmatch(text, -1) {
			if p, err := strconv.Unquote(m[1]); err == nil {
				out = append(out, p)
			}
		}
	}
	return out
}

// TestSharedPatternsCompile compiles every pattern of the conformance cases and the
// tutorial.
func TestSharedPatternsCompile(t *testing.T) {
	if _, err := os.Stat(sharedDir); err != nil {
		t.Skipf("shared material not found at %s: %v", sharedDir, err)
	}
	patterns := sharedPatterns(t)
	if len(patterns) < 10 {
		t.Fatalf("found only %d patterns in %s; did the case format change?", len(patterns), sharedDir)
	}
	for _, p := range patterns {
		if _, err := Compile(p); err != nil {
			t.Errorf("Compile(%q): %v", p, err)
		}
	}
}

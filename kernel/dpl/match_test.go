package dpl

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trailbook/trailbook/kernel/dql/value"
)

// Groups, alternatives, modifiers and the matching contexts (spec/dpl.md §2, §3, §11).

func TestGroups(t *testing.T) {
	f := parseChecker(t)
	// fs= inserts the separator between members.
	f("(INT:a LD:b IPADDR:c)(fs=',')", "1,alice,192.168.1.1", `a=1 b="alice" c=ip:192.168.1.1`)
	f("(INT:a, LD:b, IPADDR:c)(fs=', ')", "1, a b, ::1", `a=1 b="a b" c=ip:::1`)
	f("(INT:a LD:b IPADDR:c)(fs=',')", "2,,10.6.24.18", "no match")
	// Exports inside stay visible; an exported group gives its text.
	f("(INT ' ' INT):pair", "1 2 x", `pair="1 2"`)
	f("(INT:a ' ' INT:b):g", "1 2", `a=1 b=2 g="1 2"`)
	f("((INT:a ' '):inner INT:b):outer", "1 2", `a=1 inner="1 " b=2 outer="1 2"`)
	// A sequence group keeps DATA from stopping at the first line feed.
	f("DATA:record (EOL EOL)", "aa\nbb\n\ncc", `record="aa\nbb"`)
	// Optional groups are null as a whole when they cannot match.
	f("INT:a (',' INT:b)?", "1", "a=1 b=null")
	f("INT:a (',' INT:b)?", "1,2", "a=1 b=2")
	f("INT:a (',' INT:b ':' INT:c)?:tail", "1,2:x", "a=1 b=null c=null tail=null")
	// Repeated groups: the last repetition's exports; the group's text.
	f("(INT:n ',')+ INT:last", "1,2,3", "n=2 last=3")
	f("(INT ','){2}:two INT:rest", "1,2,3", `two="1,2," rest=3`)
	f("(INT ','){3}:three", "1,2,3", "no match")
	f("(INT ',')*:none 'x'", "x", `none=""`)
	f("(('a' | 'b')*):x 'b'", "abab", `x="aba"`)
	// A round that consumes nothing ends the repetition.
	f("(INT?)*:x 'z'", "12z", `x="12"`)
	f("(''){5}:x 'a'", "a", `x=""`)
	f("(LD? ','){3,}:x EOS", ",,,", `x=",,,"`)
}

func TestAlternatives(t *testing.T) {
	f := parseChecker(t)
	f("('GET' | 'POST'):m ' ' LD:path", "POST /x", `m="POST" path="/x"`)
	// Exports of alternatives not taken are null.
	f("(INT:n | ALPHA:w)", "abc", `n=null w="abc"`)
	f("(INT:n | ALPHA:w)", "42", "n=42 w=null")
	// The first alternative that leads to an overall match wins.
	f("('a' | 'ab'):x 'c'", "abc", `x="ab"`)
	f("('ab' | 'a'):x 'b'", "ab", `x="a"`)
	f("(INT:x | ALPHA:x)", "abc", `x="abc"`)
	f("(INT:x ' ' | LD:y ' '):g", "abc def", `x=null y="abc" g="abc "`)
	f("(INT | LD)+:g ';'", "1a2;", `g="1a2"`)
	f("('x' | 'y' | 'z')", "q", "no match")
	// A name exported twice: the last element (in pattern order) that took part wins.
	f("INT:x ' ' INT:x", "1 2", "x=2")
	f("INT:x (' ' INT:x)?", "1", "x=1")
	f("INT:x (' ' INT:x)?", "1 2", "x=2")
}

func TestQuantifiedMatchers(t *testing.T) {
	f := parseChecker(t)
	// A quantifier repeats a matcher; its export is an array of the values.
	f("INT{2}:n", "1-2", "n=[1, -2]")
	f("INT{2,}:n 'x'", "1-2-3x", "n=[1, -2, -3]")
	f("INT{2}:n", "12", "no match")
	f("INT{0,1}:n 'x'", "x", "n=[]")
	f("(INT ' '?){3}:g", "1 2 3", `g="1 2 3"`)
	f("IPADDR{1,3}:ips", "1.2.3.4", "ips=[ip:1.2.3.4]")
	f("INT*:n 'x'", "x", "n=[]")
	f("JSON_VALUE+:v", `[1]{"a":2}"s"`, `v=[[1], {a: 2}, "s"]`)
	f("EOL{2}:e", "\n\nx", `e=["\n", "\n"]`)
	f("INT{0}:n 'x'", "x", "n=[]")
	// Repeated deterministic matchers still give back repetitions.
	f("INT+:n INT:last", "1-2-3", "n=[1, -2] last=-3")
}

func TestLookarounds(t *testing.T) {
	f := parseChecker(t)
	f("INT:n >>' '", "12 ", "n=12")
	f("INT:n >>' '", "12x", "no match")
	f("INT:n !>>' '", "12x", "n=12")
	f("INT:n !>>' '", "12 ", "no match")
	f("ALPHA:w !>>DIGIT", "abc1", `w="ab"`) // the class gives back until the lookahead holds
	f(">>'ab' LD:x", "abc", `x="abc"`)
	f(">>('a' INT) LD:x", "a1b", `x="a1b"`)
	f("!>>'#' LD:x", "#c", "no match")
	// Lookbehind: the text ending at the current position, at most 64 bytes back.
	f("LD:a <<'.' 'x'", "ab.x", `a="ab."`)
	f("LD:a !<<'.' 'x'", "a.xbx", `a="a.xb"`)
	f(`'"' LD:s !<<'\\' '"'`, `"a\"b" rest`, `s="a\\\"b"`)
	f("ALPHA:a <<(ALPHA ALPHA) DIGIT:d", "ab1", `a="ab" d="1"`)
	f("LD:a <<'x' EOS", "xabc", "no match")
	f("LD:a <<('x' DATA{63}) EOS", "x"+strings.Repeat("b", 63), `a="x`+strings.Repeat("b", 63)+`"`)
	f("LD:a <<('x' DATA{64}) EOS", "x"+strings.Repeat("b", 64), "no match") // 65 bytes back
	f("!<<'x' 'a':a", "a", `a="a"`)
	// Exports of positive lookarounds are kept, and cleared again on backtracking.
	f(">>INT:peek DIGIT:d", "42", `peek=42 d="42"`)
	f("(>>INT:peek 'x' | DIGIT:d)", "7", "peek=null d=\"7\"")
	f("LD:a <<(INT:last) ';'", "a12;", `a="a12" last=2`)
}

func TestScan(t *testing.T) {
	s := scanChecker(t)
	// Empty matches are never reported; the scan moves one character on.
	s("DIGIT*:d", "a1b22", `1-2 d="1" | 3-5 d="22"`)
	s("'b'", "äbb", "2-3 | 3-4")
	s("ALPHA?", "", "")
	// After a match, the scan continues after it (non-overlapping).
	s("'aa'", "aaaaa", "0-2 | 2-4")
	s("INT:a ',' INT:b", "1,2,3,4,5", "0-3 a=1 b=2 | 4-7 a=3 b=4")
	s("DIGIT:d", "ä1€22", `2-3 d="1" | 6-8 d="22"`)
	s("LD:a EOS:e", "x", `0-1 a="x" e=""`)
	// An invalid UTF-8 byte counts as one character.
	s("'x'", "\xffx\xe2x", "1-2 | 3-4")
	// A lookbehind sees text before the scan position.
	s("<<'a' 'b'", "abab", "1-2 | 3-4")

	// fn returning false stops the scan.
	p := mustCompile(t, "INT")
	n := 0
	p.Scan("1 2 3 4", func(start, end int, vals []value.Value) bool { n++; return n < 2 })
	if n != 2 {
		t.Fatalf("Scan kept going after fn returned false: %d calls", n)
	}
}

func TestContexts(t *testing.T) {
	// One pattern, three contexts (spec/dpl.md §11).
	p := mustCompile(t, "INT:n")
	if p.String() != "INT:n" {
		t.Fatalf("String() = %q", p.String())
	}
	if vals, ok := p.Parse("12x"); !ok || render(vals[0]) != "12" {
		t.Fatalf("Parse anchors at 0 and allows trailing text: %v %v", vals, ok)
	}
	if _, ok := p.Parse("x12"); ok {
		t.Fatal("Parse must anchor at offset 0")
	}
	if p.Match("12x") || !p.Match("12") {
		t.Fatal("Match must consume the whole string")
	}
	// Match backtracks until the whole input is consumed.
	m := matchChecker(t)
	m("LD:a ',' LD:b", "a,b,c", true)
	m("DIGIT{1,3} DIGIT{1}", "1234", true)
	m("DIGIT{1,3} DIGIT{1}", "12345", false)
	m("('a' | 'ab') 'c'?", "ab", true)
	m("INT?:x", "", true)
	m("INT:x", "", false)
}

// TestBudget checks that hostile pattern/input pairs end in "no match" instead of
// running for exponential time.
func TestBudget(t *testing.T) {
	line := strings.Repeat("a", 3000)
	for _, pattern := range []string{
		"(DATA DATA DATA DATA)+ '!'",
		"(LD LD LD) (LD LD LD) '!'",
		"(('a'|'a')+)+ '!'",
		"(ALPHA? ALPHA?){1,4096} '!'",
		"(>>(LD LD LD '!') 'a')+",
	} {
		p := mustCompile(t, pattern)
		start := time.Now()
		if p.Match(line) {
			t.Fatalf("Match(%q) = true", pattern)
		}
		if _, ok := p.Parse(line); ok {
			t.Fatalf("Parse(%q) = true", pattern)
		}
		p.Scan(line[:300], func(int, int, []value.Value) bool { return true })
		if d := time.Since(start); d > 20*time.Second {
			t.Fatalf("%q took %v", pattern, d) // a generous bound: only a hang fails
		}
	}
	// The budget is reported as no match, not as an error.
	m := newMachine(mustCompile(t, "(LD LD) '!'"))
	if _, ok := m.attempt(strings.Repeat("a", 50), 0, 10); ok || !m.exhausted {
		t.Fatal("an attempt over budget must fail and say so")
	}
}

// TestConcurrent runs one compiled pattern from many goroutines; run with -race.
func TestConcurrent(t *testing.T) {
	patterns := []string{
		"JSON:event",
		"IPADDR:ip ' - ' LD:user ' [' HTTPDATE:time '] \"' LD:method ' ' LD:path ' ' LD:proto '\" ' INT:status ' ' INT:size",
		"(INT:n | ALPHA:w)+ EOS",
		">>INT:peek DIGIT:d",
		"JSON{IPADDR:ip, INT[]:ports}(greedy='rest'):j",
	}
	inputs := []string{
		`{"eventName":"ConsoleLogin","sourceIPAddress":"203.0.113.7"}`,
		`203.0.113.7 - alice [14/Mar/2016:23:34:25 +0200] "GET /index.html HTTP/1.1" 200 1043`,
		"ab12cd34", "42", `{"ip":"::1","ports":[80,443],"x":true}`,
	}
	type result struct{ parse, scan string }
	want := map[[2]int]result{}
	run := func(p *Pattern, in string) result {
		var r result
		if vals, ok := p.Parse(in); ok {
			r.parse = renderVals(p.Exports(), vals)
		}
		p.Scan(in, func(start, end int, vals []value.Value) bool {
			r.scan += fmt.Sprintf("%d-%d %s;", start, end, renderVals(p.Exports(), vals))
			return true
		})
		if p.Match(in) {
			r.scan += "match"
		}
		return r
	}
	compiled := make([]*Pattern, len(patterns))
	for i, s := range patterns {
		compiled[i] = mustCompile(t, s)
		for j, in := range inputs {
			want[[2]int{i, j}] = run(compiled[i], in)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < 200; k++ {
				i, j := (g+k)%len(patterns), k%len(inputs)
				if got := run(compiled[i], inputs[j]); got != want[[2]int{i, j}] {
					errs <- fmt.Sprintf("pattern %q on %q: %+v, want %+v", patterns[i], inputs[j], got, want[[2]int{i, j}])
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
}

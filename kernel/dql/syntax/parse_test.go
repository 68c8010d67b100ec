package syntax

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sharedDir is the read-only shared material beside the repository.
func sharedDir(t testing.TB) string {
	t.Helper()
	dir, _ := filepath.Abs("../../../../shared")
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("shared material not found at %s (tests need ../shared beside the repo): %v", dir, err)
	}
	return dir
}

// corpus returns the conformance and tutorial queries.
func corpus(t testing.TB) map[string]string {
	dir := sharedDir(t)
	out := map[string]string{}
	cases, _ := filepath.Glob(filepath.Join(dir, "conformance/cases/*.json"))
	for _, f := range cases {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var c struct {
			Query string
			Error bool
		}
		if err := json.Unmarshal(b, &c); err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(f)] = c.Query
	}
	tut, _ := filepath.Glob(filepath.Join(dir, "tutorial/*.dql"))
	for _, f := range tut {
		b, _ := os.ReadFile(f)
		out[filepath.Base(f)] = string(b)
	}
	if len(out) < 50 {
		t.Fatalf("only %d queries found under %s", len(out), dir)
	}
	return out
}

func TestParseCorpusRoundTrip(t *testing.T) {
	for name, q := range corpus(t) {
		parsed, err := Parse(q)
		if err != nil {
			if strings.HasPrefix(name, "syntax-") {
				continue // syntax cases may be meant to fail
			}
			t.Errorf("%s: %v", name, err)
			continue
		}
		s := parsed.String()
		again, err := Parse(s)
		if err != nil {
			t.Errorf("%s: canonical form does not parse: %v\n%s", name, err, s)
			continue
		}
		if got := again.String(); got != s {
			t.Errorf("%s: canonical form does not round-trip:\n%s\n%s", name, s, got)
		}
	}
}

func TestParseCanonical(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		q, err := Parse(in)
		if err != nil {
			t.Fatalf("Parse(%q): %v", in, err)
		}
		if got := q.String(); got != want {
			t.Fatalf("Parse(%q).String()\n got: %s\nwant: %s", in, got, want)
		}
	}
	f(`fetch logs|filter loglevel=="ERROR"`, "fetch logs\n| filter loglevel == \"ERROR\"")
	f(`data record(a=1)|fieldsAdd countIf(a>2), if(a<15,"x",else:"y")`,
		"data record(a = 1)\n| fieldsAdd countIf(a > 2), if(a < 15, \"x\", else:\"y\")")
	f(`fetch logs, from: -30min`, "fetch logs, from: -30min")
	f(`data record(a=true) | fieldsAdd x = not a == 1, y = a[] * b[], z = r[dt.entity.host]`,
		"data record(a = TRUE)\n| fieldsAdd x = not a == 1, y = a[] * b[], z = r[dt.entity.host]")
	f(`data record() | sort a desc, b | fieldsAdd t = -2h@h, u = @d, v = bin(timestamp, 1d, at:12h)`,
		"data record()\n| sort a desc, b\n| fieldsAdd t = -2h@h, u = @d, v = bin(timestamp, 1d, at:12h)")
	f(`data json:"""[{"a":1}]"""`, `data json: "[{\"a\":1}]"`)
	f("data record(`count()` = 1, `a b` = 2)", "data record(`count()` = 1, `a b` = 2)")
	f(`data record(a=1) | filter a in [data record(b=1) | fields b] and x ~ "er*"`,
		"data record(a = 1)\n| filter a in [data record(b = 1)\n| fields b] and x ~ \"er*\"")
}

func TestStrings(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		x, err := ParseExpr(in)
		if err != nil {
			t.Fatalf("ParseExpr(%s): %v", in, err)
		}
		lit, ok := x.(*Literal)
		if !ok {
			t.Fatalf("ParseExpr(%s) = %T", in, x)
		}
		if got, _ := lit.Val.Str(); got != want {
			t.Fatalf("ParseExpr(%s) = %q, want %q", in, got, want)
		}
	}
	f(`"a\"b\\c"`, `a"b\c`)
	f(`"\n\t\u00e9"`, "\n\té")
	f(`"\ud83d\ude00"`, "😀")
	f(`""""foo""""`, `"foo"`)
	f(`""""a"""`, `"a`)
	f(`""""""`, ``)
	f(`"""multi
line"""`, "multi\nline")
	f(`""`, "")
}

func TestParseErrors(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		_, err := Parse(in)
		if err == nil {
			t.Fatalf("Parse(%q): no error, want %s", in, want)
		}
		if got := err.(*Error).Report(); got != want {
			t.Fatalf("Parse(%q) error\n got: %s\nwant: %s", in, got, want)
		}
	}
	f("fetch logs\n| filter a == ", "2:15: expected an expression, found end of query\n  | | filter a == \n  |               ^")
	f("| fetch logs", "1:1: a query starts with a command, not \"|\"\n  | | fetch logs\n  | ^")
	f(`data record(a = "x)`, "1:17: string literal not terminated\n  | data record(a = \"x)\n  |                 ^")
	f(`data record(a = 1 < 2 < 3)`, "1:23: comparisons cannot be chained: use \"and\"\n  | data record(a = 1 < 2 < 3)\n  |                       ^")
	f(`data record(a = 99999999999999999999)`, "1:17: number \"99999999999999999999\" does not fit a long\n  | data record(a = 99999999999999999999)\n  |                 ^")
	f("data record(a = \"\\q\")", "1:18: invalid escape \"\\\\q\" in string\n  | data record(a = \"\\q\")\n  |                  ^")
	f("fetch logs | fields\ta,, b", "1:23: expected an expression, found \",\"\n  | fetch logs | fields a,, b\n  |                       ^")
	f("data record(é = 1) | x", "1:13: unexpected character 'é'\n  | data record(é = 1) | x\n  |             ^")
}

func TestDepthLimit(t *testing.T) {
	old := MaxDepth
	MaxDepth = 3
	defer func() { MaxDepth = old }()
	if _, err := Parse("data record(a = ((((1)))))"); err == nil || !strings.Contains(err.Error(), "nested too deeply") {
		t.Fatalf("deep nesting: %v", err)
	}
}

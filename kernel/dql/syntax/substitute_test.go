package syntax

import (
	"errors"
	"strings"
	"testing"
)

func TestSubstitute(t *testing.T) {
	vals := map[string]string{"ip": `"203.0.113.7"`, "users": `{"alice", "bob"}`, "n": "5", "empty": `""`}
	lookup := func(name string) (string, bool) { v, ok := vals[name]; return v, ok }
	tests := []struct{ src, want string }{
		{`filter ip == $ip`, `filter ip == "203.0.113.7"`},
		{`filter in(u, $users) and c > $n`, `filter in(u, {"alice", "bob"}) and c > 5`},
		{`filter s == "$ip" // $ip`, `filter s == "$ip" // $ip`},
		{"fieldsAdd `$ip` = 1", "fieldsAdd `$ip` = 1"},
		{`fieldsAdd x = $empty$empty`, `fieldsAdd x = ""  ""`},
		{`fieldsAdd x = "a"$empty`, `fieldsAdd x = "a" ""`},
		{`fetch logs`, `fetch logs`},
	}
	for _, tt := range tests {
		got, err := Substitute(tt.src, lookup)
		if err != nil || got != tt.want {
			t.Errorf("Substitute(%q) = %q, %v; want %q", tt.src, got, err, tt.want)
		}
	}
}

func TestSubstituteUnknown(t *testing.T) {
	_, err := Substitute("fetch logs\n| filter a == $nope", func(string) (string, bool) { return "", false })
	var e *Error
	if !errors.As(err, &e) || e.Pos != 25 {
		t.Fatalf("err = %v, want an *Error at 25", err)
	}
}

func TestUnboundParameterIsAnError(t *testing.T) {
	_, err := Parse("fetch logs | filter a == $who")
	if err == nil {
		t.Fatal("parsed a query with an unbound parameter")
	}
	if got := err.Error(); !strings.Contains(got, "parameter $who has no value") {
		t.Fatalf("error %q does not name the parameter", got)
	}
}

func TestReferences(t *testing.T) {
	got := References(`filter a == $x or b == $y or c == $x or d == "$z"`)
	if len(got) != 2 || got[0] != "x" || got[1] != "y" {
		t.Fatalf("References = %q", got)
	}
}

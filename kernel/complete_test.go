package kernel

import (
	"slices"
	"strings"
	"testing"

	"github.com/trailbook/trailbook/kernel/protocol"
)

func TestCompletions(t *testing.T) {
	fields := []string{"aws.region", "event", "event[eventName]", "event[userIdentity]", "event[userIdentity][arn]", "event[userIdentity][type]"}
	// f checks that completing at "‸" replaces from the given rune offset and that
	// the matches include want and exclude notWant.
	f := func(code string, start int, want, notWant []string) {
		t.Helper()
		cursor := strings.Index(code, "‸")
		code = strings.Replace(code, "‸", "", 1)
		runes := len([]rune(code[:cursor]))
		r := completions(code, runes, fields)
		if r.CursorStart != start || r.CursorEnd != runes {
			t.Fatalf("%q: cursor %d..%d, want %d..%d", code, r.CursorStart, r.CursorEnd, start, runes)
		}
		for _, w := range want {
			if !slices.Contains(r.Matches, w) {
				t.Fatalf("%q: matches %v lack %q", code, r.Matches, w)
			}
		}
		for _, w := range notWant {
			if slices.Contains(r.Matches, w) {
				t.Fatalf("%q: matches %v include %q", code, r.Matches, w)
			}
		}
	}
	f("fe‸", 0, []string{"fetch"}, []string{"fieldsAdd"})
	f("fetch logs | su‸", 13, []string{"summarize"}, []string{"sum"})
	f("fetch logs\n| summarize n = cou‸", 27, []string{"count", "countIf", "countDistinct"}, nil)
	f("fetch logs | fieldsAdd n = cou‸", 27, nil, []string{"count"}) // aggregations only where they are allowed
	f("fetch logs | summarize count(), b‸", 32, []string{"by:"}, nil)
	f("fetch logs | filter aws.re‸", 20, []string{"aws.region"}, nil)
	f("fetch logs | filter event[userIdentity][a‸", 20, []string{"event[userIdentity][arn]"}, []string{"event[eventName]"})
	f("fetch logs | filter event[‸", 20, []string{"event[eventName]", "event[userIdentity][type]"}, nil)
	f("fetch logs | filter lower(aws.region) == \"us‸", 44, nil, []string{"aws.region"}) // inside a string: nothing
	f("fetch ‸", 6, []string{"logs"}, []string{"fetch"})
	f("fetch logs | filter in(x, [fe‸", 27, []string{"fetch"}, nil)
	f("fetch logs | makeTimeseries count(), inter‸", 37, []string{"interval:"}, nil)
	f("fetch logs | summarize c = countIf(loglevel == \"ERROR\"), by: {aws.region}\n| sort c, direction: \"descending\" | fil‸", 110, []string{"filter", "filterOut"}, nil)
	f("%%js\nre‸", 7, nil, []string{"return"})
	f("data record(a = \"😀\") | li‸", 23, []string{"limit"}, nil) // offsets in code points
}

func TestCompletionTypes(t *testing.T) {
	r := completions("fetch logs | summarize cou", 26, nil)
	types, _ := r.Metadata["_jupyter_types_experimental"].([]protocol.CompletionType)
	if len(types) != len(r.Matches) || types[0].Type != typeFunction || types[0].Start != 23 || types[0].End != 26 || !strings.HasPrefix(types[0].Signature, "count(") {
		t.Fatalf("types = %+v", types)
	}
}

func TestCompleteness(t *testing.T) {
	f := func(code, want string) {
		t.Helper()
		if got, _ := completeness(code); got != want {
			t.Fatalf("completeness(%q) = %s, want %s", code, got, want)
		}
	}
	f("", "complete")
	f("fetch logs", "complete")
	f("fetch logs |", "incomplete")
	f("fetch logs | summarize count(), by: {aws.region", "incomplete")
	f("fetch logs | filter x == \"abc", "incomplete")
	f("fetch logs | filter x == \"a)bc\"", "complete")
	f("fetch logs /* note", "incomplete")
	f("fetch logs // (", "complete")
	f("fetch logs | filter a and", "incomplete")
	f("fetch logs | filter (a]", "invalid")
	f("data record(a = 1))", "invalid")
	f("data json:\"\"\"[{\"a\": \"(\"}]\"\"\"", "complete")
	f("%%js\nfoo(", "unknown")
}

func TestInspect(t *testing.T) {
	s := newTestSession(t, Options{})
	c := newClient(t, s)
	inspect := func(code string, cursor int) protocol.InspectReplyContent {
		var r protocol.InspectReplyContent
		c.request(protocol.InspectRequest, protocol.Inspect{Code: code, CursorPos: cursor}, &r)
		return r
	}
	r := inspect("fetch logs | summarize countIf(x)", 30)
	if text, _ := r.Data.Text(protocol.MIMEText); !r.Found || !strings.HasPrefix(text, "countIf(condition) → long") {
		t.Fatalf("inspect countIf = %+v", r)
	}
	r = inspect("fetch logs | filter lower(s)", 23)
	if text, _ := r.Data.Text(protocol.MIMEText); !r.Found || !strings.HasPrefix(text, "lower(") {
		t.Fatalf("inspect lower = %+v", r)
	}
	r = inspect("fetch logs | summarize count()", 17)
	if text, _ := r.Data.Text(protocol.MIMEText); !r.Found || text != "summarize (DQL command; parameters: by)" {
		t.Fatalf("inspect summarize = %q", text)
	}
	if r = inspect("fetch logs | filter nothing", 24); r.Found {
		t.Fatalf("inspect of an unknown name found %+v", r)
	}
}

func TestCompleteLearnsFields(t *testing.T) {
	s := newTestSession(t, Options{Source: &sliceSource{recs: events(10)}})
	c := newClient(t, s)
	if rc, _ := c.execute(`fetch logs | parse content, "JSON:event"`, nil); rc.Status != protocol.StatusOK {
		t.Fatalf("reply = %+v", rc)
	}
	code := "fetch logs | parse content, \"JSON:event\" | filter event[userIdentity]["
	var r protocol.CompleteReplyContent
	c.request(protocol.CompleteRequest, protocol.Complete{Code: code, CursorPos: len(code)}, &r)
	if !slices.Contains(r.Matches, "event[userIdentity][arn]") || !slices.Contains(r.Matches, "event[userIdentity][type]") || r.CursorStart != 50 {
		t.Fatalf("matches %v from %d", r.Matches, r.CursorStart)
	}
	code = "fetch logs | filter aws.re"
	c.request(protocol.CompleteRequest, protocol.Complete{Code: code, CursorPos: len(code)}, &r)
	if len(r.Matches) != 2 || r.Matches[0] != "aws.region" || r.Matches[1] != "aws.resource.type" {
		t.Fatalf("matches %v", r.Matches)
	}
}

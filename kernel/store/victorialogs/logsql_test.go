package victorialogs

import (
	"strings"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/trailbook/trailbook/kernel/dql/exec"
	"github.com/trailbook/trailbook/kernel/dql/value"
)

func TestTranslate(t *testing.T) {
	from := time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC).UnixNano()
	to := from + int64(time.Hour)
	str := func(ss ...string) []value.Value {
		var vs []value.Value
		for _, s := range ss {
			vs = append(vs, value.String(s))
		}
		return vs
	}
	f := func(buckets []string, preds []exec.Predicate, want string) {
		t.Helper()
		got, _ := Explain(exec.ScanRequest{From: from, To: to, Buckets: buckets, Filters: preds})
		const head = `_time:[2024-03-01T09:00:00Z, 2024-03-01T10:00:00Z) AND "trailbook.key":*`
		const tail = ` | fields "_msg", "aws.account.id", "aws.region", "dt.system.bucket", "log.source"`
		if strings.HasPrefix(got, head) && strings.HasSuffix(got, tail) {
			got = "…" + strings.TrimSuffix(strings.TrimPrefix(got, head), tail)
		}
		if got != want {
			t.Fatalf("Explain\n got: %s\nwant: %s", got, want)
		}
	}
	p := func(op exec.Op, vals []value.Value, path ...string) exec.Predicate {
		return exec.Predicate{Path: path, Op: op, Values: vals}
	}
	f(nil, nil, "…")
	f([]string{"my_aws_bucket", "prod-*"}, nil,
		`… AND ("dt.system.bucket":in("my_aws_bucket") OR "dt.system.bucket":~"^(?s:prod-.*)$" OR "trailbook.partial":="1")`)
	f([]string{}, nil, "(nothing can match: no query is sent)")
	f([]string{"my_aws_bucket", "bad\xff"}, nil, "…") // not UTF-8: every bucket, checked by the iterator
	f([]string{`a"b*c.d`}, nil, `… AND ("dt.system.bucket":~"^(?s:a\"b.*c\\.d)$" OR "trailbook.partial":="1")`)
	// Hostile literals stay inside their quotes.
	f(nil, []exec.Predicate{p(exec.OpEq, str(`x" OR *) | delete`), "content", "eventName")},
		`… AND ("eventName":="x\" OR *) | delete" OR "trailbook.partial":="1")`)
	f(nil, []exec.Predicate{p(exec.OpContains, str("a\nb\x00`'"), "content")},
		`… AND ("_msg":*"a\nb\x00`+"`"+`'"* OR "trailbook.partial":="1")`)
	f(nil, []exec.Predicate{p(exec.OpIn, str("AccessDenied", `\`), "content", "errorCode")},
		`… AND ("errorCode":in("AccessDenied", "\\") OR "trailbook.partial":="1")`)
	f(nil, []exec.Predicate{p(exec.OpStartsWith, str("AWS_"), "content", "requestParameters", "origin")},
		`… AND ("requestParameters.origin":="AWS_"* OR "trailbook.partial":="1")`)
	// Comparisons become byte-wise string ranges; a missing field counts as "".
	f(nil, []exec.Predicate{p(exec.OpLe, str("m"), "aws.region"), p(exec.OpGt, str("b"), "content", "eventName")},
		`… AND ("aws.region":string_range("", "m\x00") OR "trailbook.partial":="1") AND (!"eventName":string_range("", "b\x00") OR "trailbook.partial":="1")`)
	f(nil, []exec.Predicate{p(exec.OpIsNull, nil, "content", "errorCode"), p(exec.OpIsNotNull, nil, "loglevel")},
		`… AND ("errorCode":"" OR "trailbook.partial":="1") AND ("loglevel":* OR "trailbook.partial":="1")`)
	// Not pushed: != and isNotNull on members (an object or "" is not a stored
	// field), non-string operands, unknown fields, paths that are never flattened.
	f(nil, []exec.Predicate{
		p(exec.OpNe, str("x"), "content", "eventName"),
		p(exec.OpIsNotNull, nil, "content", "userIdentity"),
		p(exec.OpEq, []value.Value{value.Long(5)}, "content", "eventName"),
		p(exec.OpEq, str("x"), "ipAddr"),
		p(exec.OpEq, str("x"), "content", "a.b"),
		p(exec.OpEq, str("x"), "content", "aws", "region"),
		p(exec.OpEq, str("x"), "content", "_msg"),
		p(exec.OpIn, str("x", ""), "content", "eventName"),
		p(exec.OpStartsWith, str(""), "content", "eventName"),
		p(exec.OpEq, str("bad\xff"), "content", "eventName"),
	}, "…")
	// Constant fields are decided here; timestamps narrow the range.
	f(nil, []exec.Predicate{p(exec.OpEq, str("cloudtrail"), "aws.service")}, "…")
	f(nil, []exec.Predicate{p(exec.OpEq, str("s3"), "aws.service")}, "(nothing can match: no query is sent)")
	f(nil, []exec.Predicate{p(exec.OpGe, []value.Value{value.Timestamp(to)}, "timestamp")}, "(nothing can match: no query is sent)")
	got, n := Explain(exec.ScanRequest{From: from, To: to, Filters: []exec.Predicate{
		p(exec.OpGe, []value.Value{value.Timestamp(from + 1500)}, "timestamp"),
		p(exec.OpLt, []value.Value{value.Timestamp(from + int64(time.Minute))}, "timestamp")}})
	if want := "_time:[2024-03-01T09:00:00.0000015Z, 2024-03-01T09:01:00Z)"; !strings.HasPrefix(got, want) || n != 2 {
		t.Fatalf("Explain: %s (%d pushed), want a range %s", got, n, want)
	}
}

func TestFlatten(t *testing.T) {
	f := func(raw, want string, wantPartial bool) {
		t.Helper()
		got, partial := flatten(nil, []byte(raw))
		if string(got) != want || partial != wantPartial {
			t.Fatalf("flatten(%s)\n got: %s (partial %v)\nwant: %s (partial %v)", raw, got, partial, want, wantPartial)
		}
	}
	f(`{"eventName":"GetObject","userIdentity":{"arn":"a\"b","type":""},"n":1.50,"ok":true,"x":null,"arr":[1, 2]}`,
		`,"eventName":"GetObject","userIdentity.arn":"a\"b","n":"1.50","ok":"true","arr":"[1, 2]","trailbook.nonstring":"userIdentity userIdentity.type n ok x arr"`, false)
	f(`{"e":"first","e":"second","a.b":"dotted","a":{"b":"nested"},"":"empty","aws":{"region":"x"},"_time":"t","loglevel":"l"}`,
		`,"e":"first","a.b":"nested","trailbook.nonstring":"a"`, false)
	deep := strings.TrimSuffix(strings.Repeat("d.", 12), ".")
	var objs []string
	for i := 1; i <= 12; i++ {
		objs = append(objs, deep[:2*i-1])
	}
	f(`{"d":`+strings.Repeat(`{"d":`, 12)+`1`+strings.Repeat(`}`, 13)+`}`, `,"trailbook.nonstring":"`+strings.Join(objs, " ")+`"`, true)
	f(`{"big":"`+strings.Repeat("x", maxFlatValue+1)+`","small":"s"}`, `,"small":"s"`, true)
}

func TestAppendJSONString(t *testing.T) {
	for _, s := range []string{"", "plain", "quote\" back\\slash", "ctl\x00\x01\x1f\n\r\t", "bad\xff\xfeutf8", "🙂\u2028"} {
		got := string(appendJSONString(nil, s))
		r := gjsonString(got)
		if r != s {
			t.Errorf("appendJSONString(%q) = %s, decodes to %q", s, got, r)
		}
	}
}

// gjsonString decodes a JSON string the way decodeEntry does.
func gjsonString(s string) string { return gjson.Parse(s).Str }

package dpl

import (
	"strings"
	"testing"

	"github.com/trailbook/trailbook/kernel/dql/value"
)

// JSON matchers (spec/dpl.md §9).

func TestJSON(t *testing.T) {
	f := parseChecker(t)
	f("JSON:event", `{"type":"update","host":"CI_preprod_1","version":"10.2.2367"}`,
		`event={type: "update", host: "CI_preprod_1", version: "10.2.2367"}`) // dpl-001
	f("JSON:person", `{
    "name":"John",
    "age":33,
    "weight":72.3,
    "isMarried":true,
    "children":["Mallory", "Mary"],
    "address":{"city":"New York", "street":"1'st str 3", "zip":23456}
}`, `person={name: "John", age: 33, weight: 72.3, isMarried: true, children: ["Mallory", "Mary"], address: {city: "New York", street: "1'st str 3", zip: 23456}}`) // dpl-003
	f("JSON:ct", `{"eventName": "PutObject", "requestParameters": {"bucketName": "logs", "key": "a.txt"}}`,
		`ct={eventName: "PutObject", requestParameters: {bucketName: "logs", key: "a.txt"}}`) // dpl-005
	f("json:event", `{}`, "event={}")
	f("JSON:event", `{"a":null,"b":[]}`, "event={a: null, b: []}")
	f("JSON:event", `{"a":1} trailing`, "event={a: 1}")
	f("JSON:event", "{\"a\":1}\n", "event={a: 1}")
	f("JSON:event", ` {"a":1}`, "no match") // the object starts where the matcher does
	f("JSON:event", `{"a":}`, "no match")
	f("JSON:event", `{"a":1`, "no match")
	f("JSON:event", `{"a":"}"}`, `event={a: "}"}`)
	f("JSON:event", `{"a":"\"}"} x`, `event={a: "\"}"}`)
	f("JSON:event", `{"a":1}}`, "event={a: 1}")
	f("JSON:event", "", "no match")
	f("JSON(maxlen=8):event", `{"a":1}`, "event={a: 1}")
	f("JSON(maxlen=6):event", `{"a":1}`, "no match")
	f("'k=' JSON:j ' v=' INT:v", `k={"x":[1,2]} v=3`, "j={x: [1, 2]} v=3")

	// The kinds of the documentation's table: objects, arrays and any value.
	f("JSON_OBJECT:o", `{"status":503}`, "o={status: 503}")
	f("JSON_OBJECT:o", `[80,443]`, "no match")
	f("JSON_OBJECT:o", `503`, "no match")
	f("JSON_ARRAY:a", `[80,443]`, "a=[80, 443]")
	f("JSON_ARRAY:a", `{"status":503}`, "no match")
	f("JSON_ARRAY:a", `[{"a":1},[2.5,"x"]]`, `a=[{a: 1}, [2.5, "x"]]`)
	f("JSON_VALUE:v", `{"status":503}`, "v={status: 503}")
	f("JSON_VALUE:v", `[80,443]`, "v=[80, 443]")
	f("JSON_VALUE:v", `503`, "v=503")
	f("JSON_VALUE:v", `-1.5e3,`, "v=-1500.0")
	f("JSON_VALUE:v", `"web-01"`, `v="web-01"`)
	f("JSON_VALUE:v", `"a\u00e9\n"`, `v="aé\n"`)
	f("JSON_VALUE:v", `true`, "v=true")
	f("JSON_VALUE:v", `null`, "v=null")
	f("JSON_VALUE:v", `nul`, "no match")
	f("JSON_VALUE:v", `01`, "v=0")
	f("JSON_VALUE:v", `"open`, "no match")

	// Nesting is capped so that validation cannot exhaust the stack.
	f("JSON_VALUE:v", strings.Repeat("[", 2000)+strings.Repeat("]", 2000), "no match")
	f("JSON_VALUE:v", strings.Repeat("[", 900)+strings.Repeat("]", 900), "v="+strings.Repeat("[", 900)+strings.Repeat("]", 900))

	s := scanChecker(t)
	s("JSON:j", `x {"a":1} y {"b":{"c":2}}`, "2-9 j={a: 1} | 12-25 j={b: {c: 2}}")
	s("JSON_VALUE:v", `[1] "s"`, `0-3 v=[1] | 4-7 v="s"`)

	m := matchChecker(t)
	m("JSON", `{"a":1}`, true)
	m("JSON", `{"a":1} `, false)
}

func TestJSONMembers(t *testing.T) {
	f := parseChecker(t)
	// Only the listed members, converted by their matchers; absent ones are null.
	f("JSON{IPADDR:ip}:j", `{"ip":"192.168.3.20","other":1}`, "j={ip: ip:192.168.3.20}")
	f("JSON{IPADDR:ip, INT:n}:j", `{"n":7}`, "j={ip: null, n: 7}")
	f("JSON{STRING:name INT:age DOUBLE:weight BOOLEAN:isMarried}:p",
		`{"name":"John","age":33,"weight":72.3,"isMarried":true}`,
		`p={name: "John", age: 33, weight: 72.3, isMarried: true}`)
	f("JSON{INT:age}:p", `{"age":"33"}`, "p={age: 33}") // a string's contents are matched
	f("JSON{STRING:n}:p", `{"n":"New York"}`, `p={n: "New York"}`)
	f("JSON{LD:n}:p", `{"n":5}`, `p={n: "5"}`)
	f("JSON{DIGIT{4}:y}:p", `{"y":"2024"}`, `p={y: "2024"}`)
	f("JSON{DIGIT{4}:y}:p", `{"y":"20245"}`, "p={y: null}")
	f("JSON{'x':y}:p", `{"y":"x"}`, `p={y: "x"}`)
	// A member that does not match its matcher is null; a mandatory one fails the match.
	f("JSON{INT:a}:j", `{"a":"x"}`, "j={a: null}")
	f("JSON{INT:a}:j", `{"a":null}`, "j={a: null}")
	f("JSON{INT+:a}:j", `{"a":"x"}`, "no match")
	f("JSON{INT+:a}:j", `{"b":1}`, "no match")
	f("JSON{INT+:a}:j", `{"a":1}`, "j={a: 1}")
	f("JSON{INT:a}:j", `{"a":1,"a":2}`, "j={a: 1}")
	// Quoted member names with a rename.
	f(`JSON{TIMESTAMP('yyyy-MM-dd HH:mm:ss'):"client time":client_time, STRING:'user-agent':ua}:j`,
		`{"client time":"2019-01-05 13:14:25","user-agent":"curl"}`,
		`j={client_time: ts:2019-01-05T13:14:25Z, ua: "curl"}`)
	// TYPE[] reads arrays, LONG[][] nested arrays.
	f("JSON{INT[]:items}:j", `{"items":[1,2,3]}`, "j={items: [1, 2, 3]}")
	f("JSON{INT[]:items}:j", `{"items":[1,"x"]}`, "j={items: null}")
	f("JSON{INT[]:items}:j", `{"items":1}`, "j={items: null}")
	f("JSON{LONG[][]:m}:j", `{"m":[[1,2],[3]]}`, "j={m: [[1, 2], [3]]}")
	f("JSON{IPADDR[]+:ips}:j", `{"ips":["10.0.0.1","::1"]}`, "j={ips: [ip:10.0.0.1, ip:::1]}")
	// Nested member lists parse embedded objects.
	f("JSON{JSON{STRING:city}:address, INT:age}:p",
		`{"age":33,"address":{"city":"New York","zip":23456}}`, `p={address: {city: "New York"}, age: 33}`)
	f("JSON{JSON{INT+:zip}+:address}:p", `{"address":{"city":"x"}}`, "no match")
	f("JSON{JSON:address, JSON_ARRAY:children, JSON_VALUE:age}:p",
		`{"age":33,"children":["a"],"address":{"zip":1}}`, `p={address: {zip: 1}, children: ["a"], age: 33}`)
	f("JSON{JSON_ARRAY:a}:p", `{"a":{"x":1}}`, "p={a: null}")
	// greedy= collects the other members.
	f("JSON{STRING:name}(greedy='rest'):p", `{"name":"John","age":33,"tags":["a"]}`,
		`p={name: "John", rest: {age: 33, tags: ["a"]}}`)
	f("JSON(greedy='all'):p", `{"a":1}`, "p={all: {a: 1}}")
	f("JSON{}:p", `{"a":1}`, "p={}")
	f("JSON_OBJECT{INT:a}:p", `{"a":1}`, "p={a: 1}")
}

func TestJSONLenient(t *testing.T) {
	f := parseChecker(t)
	// strict=false accepts unquoted names and one-word values.
	f("JSON(strict=false):p", `{name: John, age: 33, ok: true, "q": "x y", list: [a, 1]}`,
		`p={name: "John", age: 33, ok: true, q: "x y", list: ["a", 1]}`)
	f("JSON(strict=false):p", `{"a":1}`, "p={a: 1}")
	f("JSON(strict=false):p", `{a: b c}`, "no match")
	f("JSON:p", `{name: John}`, "no match")
	f("JSON{INT+:age}(strict=false):p", `{age: 33}`, "p={age: 33}")
	f("JSON_ARRAY(strict=false):a", `[x, y] z`, `a=["x", "y"]`)
	f("JSON_ARRAY(strict=false):a", `{x: y}`, "no match")
}

// TestJSONFastPath checks that the single-JSON-export fast path agrees with the
// general machine and keeps the record lazy.
func TestJSONFastPath(t *testing.T) {
	fast := mustCompile(t, "JSON:e")
	slow := mustCompile(t, "JSON:e ''") // same meaning, not eligible for the fast path
	if fast.fast == nil || slow.fast != nil {
		t.Fatalf("fast path: JSON:e %v, JSON:e '' %v", fast.fast != nil, slow.fast != nil)
	}
	for _, in := range []string{
		`{"a":1}`, "{\"a\":1}\n\t ", `{"a":1} trailing`, `{"a":1}}`, `{"a":}`, `[1]`, ``, ` {}`,
		`{"a":"}"}`, `{"a":[` + strings.Repeat("{},", 1200) + `{}]}`,
		strings.Repeat("[", 1001) + "1" + strings.Repeat("]", 1001),
		`{"a":` + strings.Repeat("[", 1001) + strings.Repeat("]", 1001) + `}`,
		`{"x":"` + strings.Repeat("y", 130000) + `"}`,
	} {
		fv, fok := fast.Parse(in)
		sv, sok := slow.Parse(in)
		got, want := "no match", "no match"
		if fok {
			got = render(fv[0])
		}
		if sok {
			want = render(sv[0])
		}
		if got != want {
			t.Fatalf("Parse(%.40q): fast path %s, machine %s", in, got, want)
		}
	}
	vals, ok := fast.Parse(`{"eventName":"ConsoleLogin","n":1}`)
	if !ok {
		t.Fatal("no match")
	}
	r, _ := vals[0].Record()
	if r.Raw() == "" {
		t.Fatal("JSON:e gave a materialized record, want a lazy one")
	}
	if v, _ := r.Get("eventName"); render(v) != `"ConsoleLogin"` {
		t.Fatalf("eventName = %s", render(v))
	}
}

func TestJSONValueTypes(t *testing.T) {
	p := mustCompile(t, "JSON:e")
	vals, _ := p.Parse(`{"l":1,"d":1.0,"e":1e2,"big":123456789012345678901234567890}`)
	r, _ := vals[0].Record()
	for name, kind := range map[string]value.Kind{"l": value.KindLong, "d": value.KindDouble, "e": value.KindDouble, "big": value.KindDouble} {
		if v, _ := r.Get(name); v.Kind() != kind {
			t.Fatalf("member %s: kind %v, want %v", name, v.Kind(), kind)
		}
	}
}

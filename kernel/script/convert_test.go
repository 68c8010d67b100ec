package script

import (
	"context"
	"math"
	"net/netip"
	"strings"
	"testing"

	"github.com/trailbook/trailbook/kernel/dql/value"
)

// sig prints a value with the kind of every scalar, so that a long and a duration,
// or a string and a timestamp, do not look alike.
func sig(v value.Value) string {
	var b strings.Builder
	var walk func(v value.Value)
	walk = func(v value.Value) {
		switch v.Kind() {
		case value.KindArray:
			elems, _ := v.Array()
			b.WriteByte('[')
			for i, e := range elems {
				if i > 0 {
					b.WriteString(", ")
				}
				walk(e)
			}
			b.WriteByte(']')
		case value.KindRecord:
			r, _ := v.Record()
			b.WriteByte('{')
			i := 0
			r.Range(func(name string, v value.Value) bool {
				if i > 0 {
					b.WriteString(", ")
				}
				i++
				b.WriteString(name + ": ")
				walk(v)
				return true
			})
			b.WriteByte('}')
		default:
			b.WriteString(v.Kind().String() + " " + jsonl(v))
		}
	}
	walk(v)
	return b.String()
}

// roundTripValues are DQL values at the edges of their types.
var roundTripValues = []struct {
	name string
	v    value.Value
}{
	{"null", value.NullValue},
	{"true", value.True},
	{"long zero", value.Long(0)},
	{"long max safe", value.Long(1<<53 - 1)},
	{"long min safe", value.Long(-(1<<53 - 1))},
	{"long 2^53", value.Long(1 << 53)},
	{"long -2^53-1", value.Long(-(1 << 53) - 1)},
	{"long max", value.Long(math.MaxInt64)},
	{"long min", value.Long(math.MinInt64)},
	{"double", value.Double(1.5)},
	{"double tiny", value.Double(-2.5e-300)},
	{"double inf", value.Double(math.Inf(-1))},
	{"double nan", value.Double(math.NaN())},
	{"string", value.String("héllo ✓ 😀")},
	{"string empty", value.String("")},
	{"timestamp ns", value.Timestamp(1709287200123456789)},
	{"timestamp epoch", value.Timestamp(0)},
	{"timestamp before epoch", value.Timestamp(-1)},
	{"timestamp max", value.Timestamp(math.MaxInt64)},
	{"timestamp min", value.Timestamp(math.MinInt64)},
	{"duration ns", value.Duration(1)},
	{"duration negative", value.Duration(-1500)},
	{"duration max", value.Duration(math.MaxInt64)},
	{"duration min", value.Duration(math.MinInt64)},
	{"timeframe", value.Timeframe(1709287200000000001, 1709290800999999999)},
	{"ipv4", value.IP(netip.MustParseAddr("10.0.0.1"))},
	{"ipv6", value.IP(netip.MustParseAddr("2001:db8::1"))},
	{"array", value.Array([]value.Value{value.Long(1), value.String("a"), value.NullValue, value.Array(nil)})},
	{"record", value.Rec(rec("b", value.Rec(rec("c", value.Array([]value.Value{value.Rec(rec("d", value.Long(math.MaxInt64)))}))), "a", value.NullValue))},
	{"json record", value.Rec(value.FromJSON(`{"x":1,"y":{"z":"w","n":[1.5,2]}}`))},
}

// TestRoundTrip sends each value into a script inside a record and back: passed
// through, copied into fresh objects, and rebuilt from its parts with the dql
// helpers. All three must give the value back with its kinds.
func TestRoundTrip(t *testing.T) {
	rt := New(Options{})
	_, err := rt.Run(context.Background(), `
		function copy(v) {
			if (Array.isArray(v)) return v.map(copy)
			if (v !== null && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
				const o = {}
				for (const k of Object.keys(v)) o[k] = copy(v[k])
				return o
			}
			return v
		}
		function rebuild(v) {
			switch (dql.type(v)) {
			case "long": return typeof v === "bigint" ? dql.long(String(v)) : v
			case "timestamp": return dql.timestamp(v.ns)
			case "duration": return dql.duration(v.ns)
			case "timeframe": return dql.timeframe(v.start.toISOString(), v.end.toISOString())
			case "ip": return dql.ip(String(v))
			case "array": return Array.from(v, rebuild)
			case "record": return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rebuild(x)]))
			}
			return v
		}`, Env{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range roundTripValues {
		t.Run(tc.name, func(t *testing.T) {
			in := rec("v", tc.v)
			want := sig(value.Rec(in))
			for _, code := range []string{`prev`, `prev.map(copy)`, `prev.map(rebuild)`, `JSON.parse(JSON.stringify(1)), [prev[0]]`} {
				out, err := rt.Run(context.Background(), code, Env{Previous: []*value.Record{in}})
				if err != nil {
					t.Fatalf("%s: %v", code, err)
				}
				if len(out.Records) != 1 {
					t.Fatalf("%s: %s", code, outputText(out))
				}
				if got := sig(value.Rec(out.Records[0])); got != want {
					t.Fatalf("%s\n got: %s\nwant: %s", code, got, want)
				}
				if code == `prev` && out.Records[0] != in {
					t.Fatalf("prev: an unchanged record came back as a copy")
				}
			}
		})
	}
}

// TestIntegralDouble documents the one loss: JS has one number type, so a double
// with an integral value comes back as a long once the script rebuilds it, unless
// it is passed through or marked with dql.double.
func TestIntegralDouble(t *testing.T) {
	rt := New(Options{})
	in := rec("d", value.Double(2))
	f := func(code, want string) {
		t.Helper()
		out, err := rt.Run(context.Background(), code, Env{Previous: []*value.Record{in}})
		if err != nil {
			t.Fatalf("%s: %v", code, err)
		}
		if got := sig(out.Value); got != want {
			t.Fatalf("%s\n got: %s\nwant: %s", code, got, want)
		}
	}
	f(`prev`, `[{d: double 2.0}]`)
	f(`prev.map(r => ({...r}))`, `[{d: long 2}]`)
	f(`prev.map(r => ({d: dql.double(r.d)}))`, `[{d: double 2.0}]`)
}

// TestChangedRecords checks that a record view goes back with the script's
// changes, in order, and a nested change is seen through an unchanged parent.
func TestChangedRecords(t *testing.T) {
	rt := New(Options{})
	prev := []*value.Record{
		rec("a", value.Long(1), "t", value.Timestamp(5), "n", value.Rec(rec("x", value.Long(1))), "arr", value.Array([]value.Value{value.Double(2)})),
	}
	f := func(code, want string) {
		t.Helper()
		out, err := rt.Run(context.Background(), code, Env{Previous: prev})
		if err != nil {
			t.Fatalf("%s: %v", code, err)
		}
		if got := sig(out.Value); got != want {
			t.Fatalf("%s\n got: %s\nwant: %s", code, got, want)
		}
	}
	f(`prev[0].b = "new"; delete prev[0].a; prev[0].t = prev[0].t.add("1ms"); prev`,
		`[{t: timestamp "1970-01-01T00:00:00.001000005Z", n: {x: long 1}, arr: [double 2.0], b: string "new"}]`)
	f(`prev[0].n.x = 2; prev`, `[{a: long 1, t: timestamp "1970-01-01T00:00:00.000000005Z", n: {x: long 2}, arr: [double 2.0]}]`)
	f(`prev[0].arr.push(3); prev`, `[{a: long 1, t: timestamp "1970-01-01T00:00:00.000000005Z", n: {x: long 1}, arr: [long 2, long 3]}]`)
	f(`prev[0].n.x; prev[0].arr[0]; Object.keys(prev[0]).join()`, `string "a,t,n,arr"`)
	f(`prev.sort(() => 0); prev`, `[{a: long 1, t: timestamp "1970-01-01T00:00:00.000000005Z", n: {x: long 1}, arr: [double 2.0]}]`)
	// Go-side records never change, whatever the script did.
	if got := sig(value.Rec(prev[0])); got != `{a: long 1, t: timestamp "1970-01-01T00:00:00.000000005Z", n: {x: long 1}, arr: [double 2.0]}` {
		t.Fatalf("the input record changed: %s", got)
	}
}

// TestScriptViews checks what scripts see of DQL values and what the dql helpers
// make.
func TestScriptViews(t *testing.T) {
	rt := New(Options{})
	prev := []*value.Record{rec(
		"big", value.Long(math.MaxInt64),
		"small", value.Long(42),
		"t", value.Timestamp(1709287200123456789),
		"d", value.Duration(90*60e9+1),
		"tf", value.Timeframe(0, 3600e9),
		"ip", value.IP(netip.MustParseAddr("10.1.2.3")),
		"tags", value.Array([]value.Value{value.String("a"), value.String("b")}),
	)}
	f := func(code, want string) {
		t.Helper()
		out, err := rt.Run(context.Background(), code, Env{Previous: prev})
		if err != nil {
			t.Fatalf("%s: %v", code, err)
		}
		if got := sig(out.Value); got != want {
			t.Fatalf("%s\n got: %s\nwant: %s", code, got, want)
		}
	}
	r := `prev[0]`
	f(`typeof `+r+`.big + " " + typeof `+r+`.small`, `string "bigint number"`)
	f(r+`.big === 9223372036854775807n`, `boolean true`)
	f(r+`.t.ns === 1709287200123456789n && `+r+`.t.ms === 1709287200123`, `boolean true`)
	f(r+`.t.toISOString()`, `string "2024-03-01T10:00:00.123456789Z"`)
	f("`${"+r+".t}`", `string "2024-03-01T10:00:00.123456789Z"`)
	f(r+`.t.toDate().toISOString()`, `string "2024-03-01T10:00:00.123Z"`)
	f(r+`.t - dql.timestamp("2024-03-01T10:00:00Z")`, `long 123`)
	f(r+`.t.sub(dql.timestamp("2024-03-01T10:00:00Z"))`, `duration 123456789`)
	f(r+`.t.add("1h").bin("1d")`, `timestamp "2024-03-01T00:00:00.000000000Z"`)
	f(r+`.t.compare(`+r+`.t.add(1n)) + " " + (`+r+`.t instanceof dql.timestamp)`, `string "-1 true"`)
	f(`String(`+r+`.d) + " " + `+r+`.d.ns + " " + (`+r+`.d > dql.duration("1h"))`, `string "PT1H30M0.000000001S 5400000000001 true"`)
	f(`String(`+r+`.tf) + " " + String(`+r+`.tf.duration) + " " + `+r+`.tf.contains("1970-01-01T00:30:00Z")`,
		`string "1970-01-01T00:00:00.000000000Z/1970-01-01T01:00:00.000000000Z PT1H true"`)
	f(r+`.ip == "10.1.2.3" && `+r+`.ip.in("10.0.0.0/8") && !dql.ipIn(`+r+`.ip, ["192.168.0.0/16", "10.1.2.4"])`, `boolean true`)
	f(`JSON.stringify(`+r+`)`, `string "{\"big\":\"9223372036854775807\",\"small\":42,\"t\":\"2024-03-01T10:00:00.123456789Z\",\"d\":\"PT1H30M0.000000001S\",\"tf\":{\"start\":\"1970-01-01T00:00:00.000000000Z\",\"end\":\"1970-01-01T01:00:00.000000000Z\"},\"ip\":\"10.1.2.3\",\"tags\":[\"a\",\"b\"]}"`)
	f(`Object.entries(`+r+`).map(([k, v]) => k + ":" + dql.type(v)).join()`, `string "big:long,small:long,t:timestamp,d:duration,tf:timeframe,ip:ip,tags:array"`)
	f(r+`.tags.includes("b") && Array.isArray(`+r+`.tags)`, `boolean true`)

	f(`dql.long("-9223372036854775808")`, `long -9223372036854775808`)
	f(`dql.long(42)`, `long 42`)
	f(`dql.timestamp("2024-03-01T10:00:00.000000001+01:00")`, `timestamp "2024-03-01T09:00:00.000000001Z"`)
	f(`dql.timestamp(1.5)`, `timestamp "1970-01-01T00:00:00.001500000Z"`)
	f(`dql.timestamp(new Date(Date.UTC(2024, 0, 2)))`, `timestamp "2024-01-02T00:00:00.000000000Z"`)
	f(`new Date(Date.UTC(2024, 0, 2))`, `timestamp "2024-01-02T00:00:00.000000000Z"`)
	f(`[dql.duration("1h30m"), dql.duration("-1.5s"), dql.duration("2d"), dql.duration("PT5M"), dql.duration(0.5), dql.duration(7n)]`,
		`[duration 5400000000000, duration -1500000000, duration 172800000000000, duration 300000000000, duration 500000, duration 7]`)
	f(`dql.ip("::ffff:10.0.0.1")`, `ip "10.0.0.1"`)
	f(`dql.now() instanceof dql.timestamp`, `boolean true`)
	f(`dql.format(dql.duration("5m")) + " " + dql.format({a: [1]})`, `string "PT5M {\"a\":[1]}"`)
	f(`[dql.type(1), dql.type(1.5), dql.type(1n), dql.type(null), dql.type("s"), dql.type([]), dql.type({}), dql.type(dql.double(1)), dql.type(md`+"`x`"+`)].join()`,
		`string "long,double,long,null,string,array,record,double,string"`)
}

func TestHelperErrors(t *testing.T) {
	rt := New(Options{})
	f := func(code, want string) {
		t.Helper()
		_, err := rt.Run(context.Background(), code, Env{})
		if err == nil || err.Error() != want {
			t.Fatalf("%s\n got: %v\nwant: %s", code, err, want)
		}
	}
	f(`dql.long("9223372036854775808")`, `1:9: RangeError: dql.long: "9223372036854775808" is not a long`)
	f(`dql.long(2**60)`, `1:9: RangeError: dql.long: 1152921504606847000 is not a safe integer; pass a string or a BigInt`)
	f(`dql.timestamp("yesterday")`, `1:14: RangeError: dql.timestamp: "yesterday" is not a timestamp (want e.g. "2024-03-01T10:00:00Z")`)
	f(`dql.timestamp(1e300)`, `1:14: RangeError: timestamp or duration out of range (int64 nanoseconds)`)
	f(`dql.duration("5 parsecs")`, `1:13: RangeError: dql.duration: "5 parsecs" is not a duration (want e.g. "5m", "1h30m" or "PT5M")`)
	f(`dql.ip("999.1.1.1")`, `1:7: RangeError: dql.ip: "999.1.1.1" is not an IP address`)
	f(`dql.timestamp({})`, `1:14: TypeError: dql.timestamp: cannot make a timestamp of {}`)
}

func TestParseDuration(t *testing.T) {
	f := func(in string, want int64) {
		t.Helper()
		got, err := parseDuration(in)
		if err != nil || got != want {
			t.Fatalf("parseDuration(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	f("5m", 300e9)
	f("1h30m", 5400e9)
	f("-2h", -7200e9)
	f("1.5s", 1500e6)
	f("500ms", 500e6)
	f("7d", 7*86400e9)
	f("PT1H30M0.000000001S", 5400e9+1)
	f("-PT0.5S", -500e6)
	f("P1DT2H", 26*3600e9)
	f("9223372036854775807ns", math.MaxInt64)
	for _, bad := range []string{"", "5", "m", "5x", "P", "PT5D", "1M", "--5m", "99999999999999999999h"} {
		if _, err := parseDuration(bad); err == nil {
			t.Fatalf("parseDuration(%q) succeeded", bad)
		}
	}
}

package funcs

import (
	"testing"
	"time"

	"github.com/trailbook/trailbook/kernel/dql/value"
)

func TestTime(t *testing.T) {
	f := check(t)
	fe := checkErr(t)
	ts := TS("2019-08-01T13:30:00Z")
	now := TS("2024-09-04T14:47:05Z")

	f(now, "now")

	f(TS("2019-08-01T13:30:00.123456789Z"), "timestamp", L(2019), L(8), L(1), L(13), L(30), L(0), L(123), L(456), L(789))
	f(TS("2019-08-01T11:30:00Z"), "timestamp", L(2019), L(8), L(1), L(13), L(30), L(0), N("timezone", S("Europe/Berlin")))
	f(TS("2019-08-01T17:30:00Z"), "timestamp", L(2019), L(8), L(1), L(13), L(30), L(0), N("timezone", S("-04:00")))
	f(null, "timestamp", L(2019), L(2), L(30), L(0), L(0), L(0))
	f(null, "timestamp", L(2019), L(13), L(1), L(0), L(0), L(0))
	f(null, "timestamp", L(2019), L(1), L(1), L(24), L(0), L(0))
	f(null, "timestamp", L(2019), L(1), L(1), L(0), L(0), L(0), L(1000))
	f(null, "timestamp", L(2019), L(1), L(1), L(0), L(0), S("0"))
	f(TS("2020-02-29T00:00:00Z"), "timestamp", L(2020), L(2), L(29), L(0), L(0), L(0))
	fe("unknown time zone", "timestamp", L(2019), L(8), L(1), L(13), L(30), L(0), N("timezone", S("Mars/Base")))

	// timeframe: durations are offsets from now; to defaults to now
	f(TF("2024-09-04T12:47:05Z", "2024-09-04T14:47:05Z"), "timeframe", N("from", Dur(-2*time.Hour)))
	f(TF("2024-09-04T12:47:05Z", "2024-09-04T13:47:05Z"), "timeframe", N("from", Dur(-2*time.Hour)), N("to", Dur(-time.Hour)))
	f(TF("2019-08-01T00:00:00Z", "2024-09-04T14:47:05Z"), "timeframe", N("from", S("2019-08-01")))
	f(null, "timeframe", N("from", S("yesterday")))
	f(null, "timeframe", N("from", L(1)))

	f(Dur(90*time.Minute), "duration", D(1.5), S("h"))
	f(Dur(2*24*time.Hour), "duration", L(2), S("d"))
	f(Dur(3*time.Minute), "duration", L(3), S("min"))
	f(Dur(-5*time.Microsecond), "duration", L(-5), S("us"))
	f(null, "duration", L(1<<62), S("h"))
	f(null, "duration", S("1"), S("h"))
	fe("calendar unit \"M\"", "duration", L(1), S("M"))
	fe("unknown duration unit \"H\"", "duration", L(1), S("H"))
	fn, _ := Lookup("duration")
	if got := fn.Call(testEnv, []value.Value{L(1), S("w")}); !got.IsNull() {
		t.Fatalf("duration(1, \"w\") at run time = %s", show(got))
	}

	f(null, "getStart", ts)

	// get*: default zone UTC; a timezone argument moves the wall clock
	f(L(2019), "getYear", ts)
	f(L(8), "getMonth", ts)
	f(L(1), "getDayOfMonth", ts)
	f(L(213), "getDayOfYear", ts)
	f(L(13), "getHour", ts)
	f(L(15), "getHour", ts, N("timezone", S("Europe/Berlin")))
	f(L(9), "getHour", ts, S("America/New_York"))
	f(L(30), "getMinute", ts)
	f(L(0), "getSecond", ts)
	f(L(31), "getWeekOfYear", ts)
	f(L(1), "getWeekOfYear", TS("2019-12-30T00:00:00Z")) // ISO week 1 of 2020
	f(L(53), "getWeekOfYear", TS("2021-01-03T00:00:00Z"))
	f(L(4), "getDayOfWeek", ts) // Thursday
	f(L(7), "getDayOfWeek", TS("2019-08-04T00:00:00Z"))
	f(L(1), "getDayOfWeek", TS("2019-08-05T00:00:00Z"))
	f(L(3), "getDayOfWeek", TS("2019-08-01T01:00:00Z"), N("timezone", S("America/New_York")))
	f(null, "getYear", S("2019-08-01"))
	if got := fnCall(t, "getYear", ts, S("nowhere")); !got.IsNull() {
		t.Errorf("getYear with a bad run-time zone = %s", show(got))
	}
	fe("unknown time zone", "getYear", ts, N("timezone", S("nowhere")))

	// formatTimestamp
	f(S("2019-08-01T13:30:00.000000000"), "formatTimestamp", ts)
	f(S("2019-08-01 13:00"), "formatTimestamp", ts, N("interval", Dur(time.Hour)), N("format", S("yyyy-MM-dd HH:mm")))
	f(S("Thu, 1 Aug 2019 03:30:00 PM +0200"), "formatTimestamp", ts,
		N("format", S("EEE, d MMM yyyy hh:mm:ss a Z")), N("timezone", S("Europe/Berlin")), N("locale", S("de")))
	f(null, "formatTimestamp", ts, N("interval", Dur(0)))
	f(null, "formatTimestamp", L(1))
	fe("unsupported pattern letter \"b\"", "formatTimestamp", ts, N("format", S("bb")))
	fe("unterminated quote", "formatTimestamp", ts, N("format", S("HH 'h")))
	fe("unknown time zone", "formatTimestamp", ts, N("timezone", S("CEST!")))

	// the session zone is formatTimestamp's default, not get*'s
	berlin, _ := time.LoadLocation("Europe/Berlin")
	env := &Env{Loc: berlin}
	ft, _ := Lookup("formatTimestamp")
	if got := ft.Call(env, []value.Value{ts, null, S("HH:mm"), null, null}); !same(got, S("15:30")) {
		t.Errorf("formatTimestamp in session zone = %s", show(got))
	}
	call, err := ft.Prepare([]value.Value{ts, null, S("HH:mm"), null, null}, []bool{false, true, true, true, true})
	if err != nil || call == nil {
		t.Fatalf("Prepare = %v, %v", call != nil, err)
	}
	if got := call(env, []value.Value{ts, null, S("HH:mm"), null, null}); !same(got, S("15:30")) {
		t.Errorf("prepared formatTimestamp in session zone = %s", show(got))
	}
	gh, _ := Lookup("getHour")
	if got := gh.Call(env, []value.Value{ts, null}); !same(got, L(13)) {
		t.Errorf("getHour default zone = %s, want UTC", show(got))
	}
	tt, _ := Lookup("toTimestamp")
	if got := tt.Call(env, []value.Value{S("2019-08-01T15:30")}); !same(got, ts) {
		t.Errorf("toTimestamp reads a zone-less string in the session zone, got %s", show(got))
	}

	f(TS("1969-12-31T23:59:59Z"), "timestampFromUnixSeconds", L(-1))
	f(TS("2019-08-01T13:30:00.5Z"), "timestampFromUnixSeconds", D(1564666200.5))
	f(null, "timestampFromUnixSeconds", L(1<<62))
	f(L(1564666200), "unixSecondsFromTimestamp", TS("2019-08-01T13:30:00.999Z"))
	f(L(-1), "unixSecondsFromTimestamp", TS("1969-12-31T23:59:59.5Z")) // floor
	f(L(-500), "unixMillisFromTimestamp", TS("1969-12-31T23:59:59.5Z"))
	f(L(1564666200000000000), "unixNanosFromTimestamp", ts)

	// bin and range
	f(TS("2019-08-01T13:00:00Z"), "bin", TS("2019-08-01T13:59:59Z"), Dur(time.Hour))
	f(TS("1969-12-31T23:00:00Z"), "bin", TS("1969-12-31T23:30:00Z"), Dur(time.Hour))
	f(TS("2019-08-01T13:15:00Z"), "bin", ts, Dur(30*time.Minute), N("at", Dur(15*time.Minute)))
	f(TS("2019-08-01T13:20:00Z"), "bin", ts, Dur(time.Hour), N("at", TS("2000-01-01T00:20:00Z")))
	f(Dur(90*time.Second), "bin", Dur(100*time.Second), Dur(30*time.Second))
	f(D(2.5), "bin", L(3), D(2.5))
	f(D(-5), "bin", D(-0.1), L(5))
	f(null, "bin", ts, L(60))
	f(null, "bin", L(3), Dur(time.Second))
	f(null, "bin", S("3"), L(1))
	fe("interval must be positive", "bin", L(3), L(0))
	fe("interval must be positive", "bin", ts, Dur(-time.Second))
	f(TF("2019-08-01T13:00:00Z", "2019-08-01T14:00:00Z"), "range", ts, Dur(time.Hour))
	f(R("start", L(20), "end", L(30)), "range", L(27), L(10))
	f(R("start", D(-45), "end", D(-35)), "range", D(-42.13), L(10), N("at", L(5)))
}

func BenchmarkFormatTimestamp(b *testing.B) {
	fn, _ := Lookup("formatTimestamp")
	args := []value.Value{TS("2019-08-01T13:30:00.123Z"), null, S("yyyy-MM-dd'T'HH:mm:ss.SSS"), S("Europe/Berlin"), null}
	call, err := fn.Prepare(args, []bool{false, true, true, true, true})
	if err != nil || call == nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		call(testEnv, args)
	}
}

package funcs

import (
	"math"
	"testing"
	"time"
)

func TestParseTimestamp(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	f := func(in string, loc *time.Location, want string) {
		t.Helper()
		got, ok := ParseTimestamp(in, loc)
		if want == "" {
			if ok {
				t.Fatalf("ParseTimestamp(%q) = %d, want failure", in, got)
			}
			return
		}
		w, _ := TS(want).Timestamp()
		if !ok || got != w {
			t.Fatalf("ParseTimestamp(%q) = %s, %v; want %s", in, time.Unix(0, got).UTC().Format(time.RFC3339Nano), ok, want)
		}
	}
	f("2019-08-01T09:30:00.000-0400", nil, "2019-08-01T13:30:00Z")
	f("2019-08-01T13:30", nil, "2019-08-01T13:30:00Z")
	f("2021-10-20T00:00:00Z", nil, "2021-10-20T00:00:00Z")
	f("2019-08-01", nil, "2019-08-01T00:00:00Z")
	f("2019-08-01 13:30:05.5", nil, "2019-08-01T13:30:05.5Z")
	f("2019-08-01T13:30:05.123456789+02:00", nil, "2019-08-01T11:30:05.123456789Z")
	f("2019-08-01T13:30:05+02", nil, "2019-08-01T11:30:05Z")
	f("2019-08-01T13:30:00.000000000 +0000", nil, "2019-08-01T13:30:00Z") // toString's form
	f("2019-08-01T13:30", ny, "2019-08-01T17:30:00Z")
	f("2019-01-01T13:30", ny, "2019-01-01T18:30:00Z")
	f("2019-08-01T13:30Z", ny, "2019-08-01T13:30:00Z")
	f("2020-02-29", nil, "2020-02-29T00:00:00Z")
	for _, bad := range []string{"", "2019", "2019-8-01", "2019-02-29", "2019-08-01T", "2019-08-01T13", "2019-08-01T24:00",
		"2019-08-01T13:60", "2019-08-01T13:30:61", "2019-08-01T13:30:00.", "2019-08-01T13:30:00.1234567890",
		"2019-08-01T13:30:00+2", "2019-08-01T13:30:00+25:00", "2019-08-01T13:30:00 ", "2019-08-01Z", "3000-01-01", "x2019-08-01"} {
		f(bad, nil, "")
	}
}

func TestParseDurationUnit(t *testing.T) {
	f := func(unit string, ns int64, cal, ok bool) {
		t.Helper()
		gn, gc, gok := ParseDurationUnit(unit)
		if gn != ns || gc != cal || gok != ok {
			t.Fatalf("ParseDurationUnit(%q) = %d, %v, %v", unit, gn, gc, gok)
		}
	}
	f("ns", 1, false, true)
	f("us", 1000, false, true)
	f("ms", 1e6, false, true)
	f("s", 1e9, false, true)
	f("secs", 1e9, false, true)
	f("m", 60e9, false, true)
	f("minutes", 60e9, false, true)
	f("hrs", 3600e9, false, true)
	f("d", 86400e9, false, true)
	f("days", 86400e9, false, true)
	f("w", 7*86400e9, true, true)
	f("M", 30*86400e9, true, true)
	f("q", 91*86400e9, true, true)
	f("y", 365*86400e9, true, true)
	f("H", 0, false, false)
	f("", 0, false, false)
}

func TestAddCalendar(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	f := func(ts string, n int64, unit byte, loc *time.Location, want string) {
		t.Helper()
		in, _ := TS(ts).Timestamp()
		w, _ := TS(want).Timestamp()
		if got := AddCalendar(in, n, unit, loc); got != w {
			t.Fatalf("AddCalendar(%s, %d, %c) = %s, want %s", ts, n, unit, time.Unix(0, got).UTC().Format(time.RFC3339), want)
		}
	}
	f("2019-01-31T10:00:00Z", 1, 'M', nil, "2019-02-28T10:00:00Z")
	f("2020-01-31T10:00:00Z", 1, 'M', nil, "2020-02-29T10:00:00Z")
	f("2020-03-31T10:00:00Z", -1, 'M', nil, "2020-02-29T10:00:00Z")
	f("2020-02-29T10:00:00Z", 1, 'y', nil, "2021-02-28T10:00:00Z")
	f("2019-11-30T10:00:00Z", 1, 'q', nil, "2020-02-29T10:00:00Z")
	f("2019-01-15T10:00:00Z", -13, 'M', nil, "2017-12-15T10:00:00Z")
	f("2019-08-01T10:00:00Z", 2, 'w', nil, "2019-08-15T10:00:00Z")
	f("2019-08-01T10:00:00Z", -1, 'd', nil, "2019-07-31T10:00:00Z")
	// across the DST change a calendar day is 23 hours, wall clock kept
	f("2019-03-30T12:00:00+01:00", 1, 'd', berlin, "2019-03-31T12:00:00+02:00")
	f("2019-08-01T10:00:00Z", 5, 'x', nil, "2019-08-01T10:00:00Z")
	if got := AddCalendar(0, 1<<40, 'y', nil); got != math.MaxInt64 {
		t.Fatalf("far future = %d, want saturation", got)
	}
	if got := AddCalendar(0, -1000, 'y', nil); got != math.MinInt64 {
		t.Fatalf("far past = %d, want saturation", got)
	}
}

func TestAlignCalendar(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	f := func(ts string, unit byte, ws int, loc *time.Location, want string) {
		t.Helper()
		in, _ := TS(ts).Timestamp()
		w, _ := TS(want).Timestamp()
		if got := AlignCalendar(in, unit, ws, loc); got != w {
			t.Fatalf("AlignCalendar(%s, %c, %d) = %s, want %s", ts, unit, ws, time.Unix(0, got).UTC().Format(time.RFC3339), want)
		}
	}
	// operators-015
	const ts = "2024-09-04T14:47:05Z" // a Wednesday
	f(ts, 'd', 1, nil, "2024-09-04T00:00:00Z")
	f(ts, 'M', 1, nil, "2024-09-01T00:00:00Z")
	f(ts, 'y', 1, nil, "2024-01-01T00:00:00Z")
	f(ts, 'w', 1, nil, "2024-09-02T00:00:00Z")
	f(ts, 'w', 0, nil, "2024-09-01T00:00:00Z")
	f(ts, 'w', 7, nil, "2024-09-01T00:00:00Z")
	f(ts, 'w', 3, nil, "2024-09-04T00:00:00Z")
	f(ts, 'w', 4, nil, "2024-08-29T00:00:00Z")
	f(ts, 'w', 99, nil, "2024-09-02T00:00:00Z")
	f(ts, 'q', 1, nil, "2024-07-01T00:00:00Z")
	f(ts, 'd', 1, ny, "2024-09-04T04:00:00Z")
	f("2024-09-04T02:00:00Z", 'd', 1, ny, "2024-09-03T04:00:00Z")
	f(ts, 'h', 1, nil, ts)
}

func TestLoadZone(t *testing.T) {
	for in, want := range map[string]int{
		"UTC": 0, "Z": 0, "GMT": 0, "+02:00": 7200, "-0430": -16200, "+2": 7200, "UTC+2": 7200, "GMT-05:00": -18000,
	} {
		loc, ok := loadZone(in)
		if !ok {
			t.Fatalf("loadZone(%q) failed", in)
		}
		if _, off := time.Unix(0, 0).In(loc).Zone(); off != want {
			t.Fatalf("loadZone(%q) offset %d, want %d", in, off, want)
		}
	}
	for _, bad := range []string{"", "Local", "Nowhere/City", "+25", "UTC+", "+2:"} {
		if _, ok := loadZone(bad); ok {
			t.Errorf("loadZone(%q) succeeded", bad)
		}
	}
}

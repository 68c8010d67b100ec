package funcs

import (
	"testing"
	"time"
)

func TestTimeFormat(t *testing.T) {
	f := func(want, pattern, ts, zone string) {
		t.Helper()
		fm, err := compileTimeFormat(pattern)
		if err != nil {
			t.Fatalf("%q: %v", pattern, err)
		}
		loc, ok := loadZone(zone)
		if !ok {
			t.Fatalf("zone %q", zone)
		}
		n, _ := TS(ts).Timestamp()
		if got := string(fm.appendTo(nil, time.Unix(0, n).In(loc))); got != want {
			t.Fatalf("%q at %s in %s\n got: %s\nwant: %s", pattern, ts, zone, got, want)
		}
	}
	const ts = "2019-08-01T13:05:09.123456789Z"
	f("2019-08-01T13:05:09.123", "yyyy-MM-dd'T'HH:mm:ss.SSS", ts, "UTC")
	f("19 8 1 13 5 9 1", "yy M d H m s S", ts, "UTC")
	f("2019 Aug August A", "uuuu MMM MMMM MMMMM", ts, "UTC")
	f("Thu Thursday T", "EEE EEEE EEEEE", ts, "UTC")
	f("01:05 PM 13 1", "hh:mm a k K", ts, "UTC")
	f("12 AM 24 0", "hh a kk K", "2019-08-01T00:00:00Z", "UTC")
	f("213 3 Q3 3rd quarter", "DDD Q QQQ QQQQ", ts, "UTC")
	f("123456789 47109123", "n A", ts, "UTC")
	f("it's 13 o'clock", "'it''s' H 'o''clock'", ts, "UTC")
	f("2019-08-01 15:05", "[yyyy-MM-dd] HH:mm", ts, "Europe/Berlin")
	f("Z +0000 Z GMT UTC UTC", "X Z ZZZZZ ZZZZ z VV", ts, "UTC")
	f("+02 +0200 +02:00 +0200 GMT+02:00 CEST Europe/Berlin GMT+2", "X XX XXX Z ZZZZ z VV O", ts, "Europe/Berlin")
	f("-0430 -04:30 GMT-4:30", "xx xxx O", ts, "-04:30")
	f("5 31", "e w", ts, "UTC")                          // Thursday is day 5 counting from Sunday
	f("2020 1", "YYYY w", "2019-12-31T00:00:00Z", "UTC") // the week of Jan 1 belongs to 2020
	f("Coordinated Universal Time", "zzzz", ts, "UTC")
	for _, bad := range []string{"yyyy-MM-dd HH:mm:ss.SSSSSSSSSS", "ddd", "{", "#", "a'b", "p", "aa"} {
		if _, err := compileTimeFormat(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

package dpl

import (
	"strconv"
	"testing"
	"time"
)

// Time matchers (spec/dpl.md §8).

func TestISOTimestamps(t *testing.T) {
	f := parseChecker(t)
	f("ISO8601:t", "2019-01-01T13:23:45Z", "t=ts:2019-01-01T13:23:45Z") // dpl-006
	f("ISO8601:t", "2019-01-01T13:23:45.123456789Z", "t=ts:2019-01-01T13:23:45.123456789Z")
	f("ISO8601:t", "2019-01-01T13:23:45,5Z", "t=ts:2019-01-01T13:23:45.5Z")
	f("ISO8601:t", "2019-01-01T13:23:45.1234567891Z", "t=ts:2019-01-01T13:23:45.123456789Z")
	f("ISO8601:t", "2019-08-01T09:30:00.000-0400", "t=ts:2019-08-01T13:30:00Z")
	f("ISO8601:t", "2019-08-01T09:30:00+02:00", "t=ts:2019-08-01T07:30:00Z")
	f("ISO8601:t", "2019-08-01T09:30:00+02", "t=ts:2019-08-01T07:30:00Z")
	f("ISO8601:t", "2019-08-01T09:30:00", "t=ts:2019-08-01T09:30:00Z")
	f("ISO8601(tz='+01:00'):t", "2019-08-01T09:30:00", "t=ts:2019-08-01T08:30:00Z")
	f("ISO8601(tz='Europe/Vienna'):t", "2019-08-01T09:30:00", "t=ts:2019-08-01T07:30:00Z")
	f("ISO8601(tz='Europe/Vienna'):t", "2019-08-01T09:30:00Z", "t=ts:2019-08-01T09:30:00Z")
	f("ISO8601:t", "2019-08-01 09:30:00", "no match")
	f("ISO8601:t", "2019-02-29T00:00:00Z", "no match")
	f("ISO8601:t", "2019-13-01T00:00:00Z", "no match")
	f("ISO8601:t", "2019-01-01T24:00:00Z", "no match")
	f("ISO8601:t", "1677-01-01T00:00:00Z", "no match") // outside int64 nanoseconds
	f("JSONTIMESTAMP:t", "2021-01-07T12:30:55.123+0000", "t=ts:2021-01-07T12:30:55.123Z")
	f("JSONTIMESTAMP:t", "2021-01-07T12:30:55Z", "no match")
	f("HTTPDATE:t", "14/Mar/2016:23:34:25 +0200", "t=ts:2016-03-14T21:34:25Z")
	f("HTTPDATE:t", "14/mar/2016:23:34:25 -0000", "t=ts:2016-03-14T23:34:25Z")
	f("HTTPDATE:t", "14/Mar/2016:23:34:25", "no match")
	// TIMESTAMP and TIME without a format.
	f("TIMESTAMP:t", "2019-01-05 13:14:25", "t=ts:2019-01-05T13:14:25Z")
	f("TIME:t", "2019-01-05 13:14:25.25 x", "t=ts:2019-01-05T13:14:25.25Z")
	f("TIMESTAMP:t", "2019-01-05T13:14:25.5+01:00", "t=ts:2019-01-05T12:14:25.5Z")
	f("TIMESTAMP:t ' Z'", "2019-01-05 13:14:25 Z", "t=ts:2019-01-05T13:14:25Z")

	m := matchChecker(t)
	m("TIME ' : ' LONG", "2023-11-01 12:52:12 : 766", true) // dpl-013
	m("TIME ' : ' LONG", "2023-11-01 12:53:00:123", false)  // dpl-013
	m("TIMESTAMP", "2019-01-05 13:14:25Z", false)           // no zone after a space
	m("TIMESTAMP", "2019-01-05T13:14:25Z", true)
}

func TestTimestampFormats(t *testing.T) {
	f := parseChecker(t)
	f("TIMESTAMP('yyyy-MM-dd HH:mm:ss', timezone='UTC'):t", "2019-01-05 13:14:25", "t=ts:2019-01-05T13:14:25Z") // dpl-008
	f("TIMESTAMP('yyyy-MM-dd HH:mm:ss', tz='-05:00'):t", "2019-01-05 13:14:25", "t=ts:2019-01-05T18:14:25Z")
	f("TIMESTAMP(format='yyyy-MM-dd'):t", "2019-01-05", "t=ts:2019-01-05T00:00:00Z")
	f("TIMESTAMP('dd/MMM/yyyy:HH:mm:ss Z'):t", "14/Mar/2016:23:34:25 +0200", "t=ts:2016-03-14T21:34:25Z")
	f("TIMESTAMP('EEE, dd MMM yyyy HH:mm:ss z'):t", "Tue, 15 Nov 1994 08:12:31 GMT", "t=ts:1994-11-15T08:12:31Z")
	f("TIMESTAMP('EEEE, MMMM d, yyyy h:mm a z'):t", "Tuesday, November 15, 1994 8:12 PM PST", "t=ts:1994-11-16T04:12:00Z")
	f("TIMESTAMP('yyyy-MM-dd HH:mm z'):t", "2019-08-01 12:00 Europe/Vienna", "t=ts:2019-08-01T10:00:00Z")
	f("TIMESTAMP(\"yyyy-MM-dd'T'HH:mm:ss.SSSXXX\"):t", "2019-08-01T09:30:00.123-04:00", "t=ts:2019-08-01T13:30:00.123Z")
	f("TIMESTAMP(\"yyyy-MM-dd'T'HH:mm:ss.SSSXXX\"):t", "2019-08-01T09:30:00.123Z", "t=ts:2019-08-01T09:30:00.123Z")
	f("TIMESTAMP(\"yyyy-MM-dd'T'HH:mm:ss.SSS\"):t", "2019-08-01T09:30:00.12", "no match") // SSS is three digits
	f("TIMESTAMP('yyyy-MM-dd HH:mm:ss.SSSSSS'):t", "2019-08-01 09:30:00.123456", "t=ts:2019-08-01T09:30:00.123456Z")
	f("TIMESTAMP('yyyyMMddHHmmss'):t", "20190801093000", "t=ts:2019-08-01T09:30:00Z")
	f("TIMESTAMP('yy-M-d H:m:s'):t", "19-8-1 9:3:7", "t=ts:2019-08-01T09:03:07Z")
	f("TIMESTAMP('yyyy-MM-dd hh:mm a'):t", "2019-08-01 07:15 PM", "t=ts:2019-08-01T19:15:00Z")
	f("TIMESTAMP('yyyy-MM-dd hh:mm a'):t", "2019-08-01 12:15 am", "t=ts:2019-08-01T00:15:00Z")
	f("TIMESTAMP('yyyy-MM-dd hh:mm a'):t", "2019-08-01 13:15 PM", "no match")
	f("TIMESTAMP('yyyy-MM-dd kk:mm'):t", "2019-08-01 24:00", "t=ts:2019-08-01T00:00:00Z")
	f("TIMESTAMP('yyyy D'):t", "2020 366", "t=ts:2020-12-31T00:00:00Z")
	f("TIMESTAMP('yyyy D'):t", "2019 366", "no match")
	f("TIMESTAMP('yyyy-MM-dd'):t", "2019-02-30", "no match")
	f("TIMESTAMP(\"'day' d 'of' MMMM yyyy\"):t", "day 5 of june 2020", "t=ts:2020-06-05T00:00:00Z")
	f("TIMESTAMP(\"HH 'o''clock' yyyy-MM-dd\"):t", "09 o'clock 2020-06-05", "t=ts:2020-06-05T09:00:00Z")
	f("TIMESTAMP('yyyy-MM-dd', locale='en-US'):t", "2020-06-05", "t=ts:2020-06-05T00:00:00Z")
	// s alone is epoch seconds, S alone epoch milliseconds.
	f("TIMESTAMP('s'):t", "1546300800", "t=ts:2019-01-01T00:00:00Z")
	f("TIMESTAMP('s'):t", "1546300800.5", "t=ts:2019-01-01T00:00:00.5Z")
	f("TIMESTAMP('S'):t", "1546300800123", "t=ts:2019-01-01T00:00:00.123Z")
	f("TIMESTAMP('s'):t", "99999999999", "no match")
	// Without a year, the current year is assumed (like syslog readers do).
	year := strconv.Itoa(time.Now().UTC().Year())
	f("TIMESTAMP('MMM d HH:mm:ss'):t ' ' LD:host", "Sep 1 02:27:01 c69-76", "t=ts:"+year+"-09-01T02:27:01Z host=\"c69-76\"")
}

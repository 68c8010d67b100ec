package funcs

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // zone names must work on hosts without /usr/share/zoneinfo: trailbook is one binary
)

// Time parsing, zones, units and calendar arithmetic (spec §2.3, §4.2, §4.7, §11).

// ParseTimestamp parses the string forms of spec §11.2 into ns since the epoch:
// YYYY-MM-DD, optionally followed by T (or a space) and HH:MM, :SS, .fraction (1–9
// digits), optionally followed by a zone Z, ±HH:MM, ±HHMM or ±HH. A string without a
// zone is read in loc (nil means UTC).
//
//	ParseTimestamp("2019-08-01T09:30:00.000-0400", nil) → 1564666200000000000, true
func ParseTimestamp(s string, loc *time.Location) (ns int64, ok bool) {
	if loc == nil {
		loc = time.UTC
	}
	p := tsParser{s: s}
	year, ok1 := p.digits(4)
	ok2 := p.byte('-')
	month, ok3 := p.digits(2)
	ok4 := p.byte('-')
	day, ok5 := p.digits(2)
	if !(ok1 && ok2 && ok3 && ok4 && ok5) {
		return 0, false
	}
	var hour, minute, sec, nano int
	if p.more() {
		if c := p.s[p.i]; c != 'T' && c != 't' && c != ' ' {
			return 0, false
		}
		p.i++
		var okh, okc, okm bool
		hour, okh = p.digits(2)
		okc = p.byte(':')
		minute, okm = p.digits(2)
		if !(okh && okc && okm) {
			return 0, false
		}
		if p.peek(':') {
			p.i++
			if sec, ok = p.digits(2); !ok {
				return 0, false
			}
			if p.peek('.') || p.peek(',') {
				p.i++
				start := p.i
				for p.more() && isDigit(p.s[p.i]) {
					p.i++
				}
				n := p.i - start
				if n < 1 || n > 9 {
					return 0, false
				}
				f, _ := strconv.Atoi(p.s[start:p.i])
				for ; n < 9; n++ {
					f *= 10
				}
				nano = f
			}
		}
	}
	offset, hasZone := 0, false
	if p.more() {
		if p.peek(' ') {
			p.i++
		}
		off, ok := parseOffset(p.s[p.i:])
		if !ok {
			return 0, false
		}
		offset, hasZone = off, true
	}
	if month < 1 || month > 12 || day < 1 || day > daysIn(year, time.Month(month)) ||
		hour > 23 || minute > 59 || sec > 59 {
		return 0, false
	}
	var t time.Time
	if hasZone {
		t = time.Date(year, time.Month(month), day, hour, minute, sec, nano, time.UTC).Add(-time.Duration(offset) * time.Second)
	} else {
		t = time.Date(year, time.Month(month), day, hour, minute, sec, nano, loc)
	}
	return unixNanos(t)
}

// tsParser is a cursor over a timestamp string.
type tsParser struct {
	s string
	i int
}

func (p *tsParser) more() bool { return p.i < len(p.s) }

func (p *tsParser) peek(c byte) bool { return p.i < len(p.s) && p.s[p.i] == c }

func (p *tsParser) byte(c byte) bool {
	if p.peek(c) {
		p.i++
		return true
	}
	return false
}

// digits reads exactly n decimal digits.
func (p *tsParser) digits(n int) (int, bool) {
	if p.i+n > len(p.s) {
		return 0, false
	}
	v := 0
	for _, c := range []byte(p.s[p.i : p.i+n]) {
		if !isDigit(c) {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	p.i += n
	return v, true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// parseOffset reads a whole zone offset: Z, ±HH, ±HHMM or ±HH:MM; seconds east of UTC.
func parseOffset(s string) (int, bool) {
	if s == "Z" || s == "z" {
		return 0, true
	}
	if len(s) < 3 || (s[0] != '+' && s[0] != '-') {
		return 0, false
	}
	sign := 1
	if s[0] == '-' {
		sign = -1
	}
	p := tsParser{s: s, i: 1}
	h, ok := p.digits(2)
	if !ok {
		return 0, false
	}
	m := 0
	if p.more() {
		p.byte(':')
		if m, ok = p.digits(2); !ok || p.more() {
			return 0, false
		}
	}
	if h > 18 || m > 59 {
		return 0, false
	}
	return sign * (h*3600 + m*60), true
}

// daysIn returns the number of days of a month.
func daysIn(year int, m time.Month) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// minTime and maxTime bound the instants an int64 of nanoseconds can hold.
var (
	minTime = time.Unix(0, math.MinInt64)
	maxTime = time.Unix(0, math.MaxInt64)
)

// unixNanos returns t in ns since the epoch, failing outside 1677–2262.
func unixNanos(t time.Time) (int64, bool) {
	if t.Before(minTime) || t.After(maxTime) {
		return 0, false
	}
	return t.UnixNano(), true
}

// saturate returns t in ns since the epoch, clamped to the int64 range.
func saturate(t time.Time) int64 {
	switch {
	case t.Before(minTime):
		return math.MinInt64
	case t.After(maxTime):
		return math.MaxInt64
	}
	return t.UnixNano()
}

// zoneCache memoizes loadZone: time.LoadLocation reads and parses tzdata each call.
var zoneCache sync.Map // string → *time.Location

// loadZone resolves a DQL time zone argument, as Java's ZoneId.of does: a region
// ("Europe/Berlin"), "UTC"/"GMT"/"Z", an offset ("+02:00", "-0400", "+2"), or an
// offset after UTC/GMT ("UTC+2", "GMT-05:00").
func loadZone(name string) (*time.Location, bool) {
	if l, ok := zoneCache.Load(name); ok {
		return l.(*time.Location), true
	}
	l, ok := resolveZone(name)
	if ok {
		zoneCache.Store(name, l)
	}
	return l, ok
}

func resolveZone(name string) (*time.Location, bool) {
	switch name {
	case "":
		return nil, false
	case "Z", "UTC", "GMT", "UT":
		return time.UTC, true
	case "Local":
		return nil, false // the host's zone would make results depend on the machine
	}
	rest := name
	for _, p := range []string{"UTC", "GMT", "UT"} {
		if strings.HasPrefix(name, p) && len(name) > len(p) && (name[len(p)] == '+' || name[len(p)] == '-') {
			rest = name[len(p):]
			break
		}
	}
	if rest[0] == '+' || rest[0] == '-' {
		off, ok := parseOffset(rest)
		if !ok && len(rest) == 2 && isDigit(rest[1]) { // +H
			off, ok = int(rest[1]-'0')*3600, true
			if rest[0] == '-' {
				off = -off
			}
		}
		if !ok {
			return nil, false
		}
		return time.FixedZone(formatOffset(off), off), true
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return nil, false
	}
	return l, true
}

// formatOffset prints seconds east of UTC as +HH:MM (Z for zero), Java's offset id.
func formatOffset(off int) string {
	if off == 0 {
		return "Z"
	}
	b := make([]byte, 0, 6)
	if off < 0 {
		b = append(b, '-')
		off = -off
	} else {
		b = append(b, '+')
	}
	b = append2(b, off/3600)
	b = append(b, ':')
	b = append2(b, off%3600/60)
	return string(b)
}

func append2(b []byte, n int) []byte { return append(b, byte('0'+n/10%10), byte('0'+n%10)) }

// durationUnits maps unit names and the aliases of spec §2.3 to nanoseconds.
var durationUnits = map[string]int64{
	"ns": 1, "us": int64(time.Microsecond), "ms": int64(time.Millisecond),
	"s": int64(time.Second), "sec": int64(time.Second), "secs": int64(time.Second),
	"second": int64(time.Second), "seconds": int64(time.Second),
	"m": int64(time.Minute), "min": int64(time.Minute), "mins": int64(time.Minute),
	"minute": int64(time.Minute), "minutes": int64(time.Minute),
	"h": int64(time.Hour), "hr": int64(time.Hour), "hrs": int64(time.Hour),
	"hour": int64(time.Hour), "hours": int64(time.Hour),
	"d": 24 * int64(time.Hour), "day": 24 * int64(time.Hour), "days": 24 * int64(time.Hour),
}

// calendarUnits gives the calendar units a nominal length (7d, 30d, 91d, 365d), for
// callers that only need an order of magnitude; arithmetic must use AddCalendar.
var calendarUnits = map[string]int64{
	"w": 7 * 24 * int64(time.Hour), "M": 30 * 24 * int64(time.Hour),
	"q": 91 * 24 * int64(time.Hour), "y": 365 * 24 * int64(time.Hour),
}

// ParseDurationUnit maps a duration unit name (ns us ms s m h d and the §2.3 aliases
// min, mins, minute(s), sec(s), second(s), hr(s), hour(s), day(s)) to nanoseconds.
// Units are case-sensitive (m is a minute, M a month). The calendar units w M q y
// report calendar=true with a nominal length (7, 30, 91, 365 days); 'd' is fixed
// (24h) here — whether a day is calendar arithmetic depends on its use (§2.3).
//
//	ParseDurationUnit("ms") → 1000000, false, true
func ParseDurationUnit(unit string) (ns int64, calendar bool, ok bool) {
	if n, ok := durationUnits[unit]; ok {
		return n, false, true
	}
	if n, ok := calendarUnits[unit]; ok {
		return n, true, true
	}
	return 0, false, false
}

// AddCalendar adds n calendar units ('d', 'w', 'M', 'q', 'y') to ts in loc (nil means
// UTC), keeping the local wall-clock time: 'd' and 'w' move by days, so a day can be
// 23 or 25 hours across a DST change; 'M', 'q' and 'y' clamp the day of month to the
// last day of the target month (spec §4.2), so Jan 31 + 1M = Feb 28 (29). Results
// beyond the int64 range saturate; other units return ts unchanged.
func AddCalendar(ts int64, n int64, unit byte, loc *time.Location) int64 {
	if loc == nil {
		loc = time.UTC
	}
	const limit = 1 << 24 // far beyond the 292 years an int64 of ns spans
	if n > limit || n < -limit {
		if n > 0 {
			return math.MaxInt64
		}
		return math.MinInt64
	}
	t := time.Unix(0, ts).In(loc)
	switch unit {
	case 'd':
		return saturate(t.AddDate(0, 0, int(n)))
	case 'w':
		return saturate(t.AddDate(0, 0, 7*int(n)))
	case 'M', 'q', 'y':
		months := n
		if unit == 'q' {
			months *= 3
		} else if unit == 'y' {
			months *= 12
		}
		y, m, d := t.Date()
		total := int64(y)*12 + int64(m-1) + months
		ny := int(floorDiv(total, 12))
		nm := time.Month(total-int64(ny)*12) + 1
		d = min(d, daysIn(ny, nm))
		h, mi, s := t.Clock()
		return saturate(time.Date(ny, nm, d, h, mi, s, t.Nanosecond(), loc))
	}
	return ts
}

// AlignCalendar rounds ts down to the start of a calendar unit in loc (nil means
// UTC), spec §4.7: 'd' local midnight, 'w' midnight of the last week start day
// (weekStart 1 = Monday … 6 = Saturday, 0 or 7 = Sunday; other values mean Monday),
// 'M' the first of the month, 'q' the first of the quarter, 'y' January 1. Fixed
// units are aligned by the planner; other units return ts unchanged.
//
//	AlignCalendar(<2024-09-04T14:47:05Z>, 'w', 1, nil) → 2024-09-02T00:00:00Z
func AlignCalendar(ts int64, unit byte, weekStart int, loc *time.Location) int64 {
	if loc == nil {
		loc = time.UTC
	}
	t := time.Unix(0, ts).In(loc)
	y, m, d := t.Date()
	var out time.Time
	switch unit {
	case 'd':
		out = time.Date(y, m, d, 0, 0, 0, 0, loc)
	case 'w':
		if weekStart < 0 || weekStart > 7 {
			weekStart = 1
		}
		back := (int(t.Weekday()) - weekStart%7 + 7) % 7
		out = time.Date(y, m, d-back, 0, 0, 0, 0, loc)
	case 'M':
		out = time.Date(y, m, 1, 0, 0, 0, 0, loc)
	case 'q':
		out = time.Date(y, (m-1)/3*3+1, 1, 0, 0, 0, 0, loc)
	case 'y':
		out = time.Date(y, 1, 1, 0, 0, 0, 0, loc)
	default:
		return ts
	}
	return saturate(out)
}

// floorDiv divides rounding toward negative infinity.
func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// TimePoint reads a point in time as settings and flags give it: "now", a timestamp
// (spec/dql.md §11.2, missing zone → loc), or an offset from now such as -2h, -30min,
// now-7d (calendar units too).
func TimePoint(s string, now time.Time, loc *time.Location) (time.Time, error) {
	t := strings.TrimSpace(s)
	if t == "now" || t == "now()" {
		return now, nil
	}
	if ns, ok := ParseTimestamp(t, loc); ok {
		return time.Unix(0, ns).UTC(), nil
	}
	t = strings.TrimPrefix(strings.TrimPrefix(t, "now()"), "now")
	sign := int64(1)
	switch {
	case strings.HasPrefix(t, "-"):
		sign, t = -1, t[1:]
	case strings.HasPrefix(t, "+"):
		t = t[1:]
	}
	i := 0
	for i < len(t) && t[i] >= '0' && t[i] <= '9' {
		i++
	}
	n, err := strconv.ParseInt(t[:i], 10, 64)
	if err != nil || i == len(t) {
		return time.Time{}, fmt.Errorf("cannot read %q as a duration (like -2h), \"now\" or a timestamp", s)
	}
	unit, cal, ok := ParseDurationUnit(t[i:])
	if !ok {
		return time.Time{}, fmt.Errorf("unknown time unit in %q", s)
	}
	if cal {
		return time.Unix(0, AddCalendar(now.UnixNano(), sign*n, t[i], loc)).UTC(), nil
	}
	return now.Add(time.Duration(sign * n * unit)), nil
}

package dpl

import (
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/trailbook/trailbook/kernel/dql/value"
)

// timeKind selects a time matcher of spec/dpl.md §8.
type timeKind uint8

const (
	timeISO     timeKind = iota // ISO8601: yyyy-MM-ddTHH:mm:ss[.f][zone]
	timeJSON                    // JSONTIMESTAMP: yyyy-MM-ddTHH:mm:ss.f[zone]
	timeDefault                 // TIMESTAMP without a format: also a space instead of T (then no zone)
	timeFormat                  // TIMESTAMP('…'), HTTPDATE: Java-style format letters
)

// timeAtom matches a timestamp and yields nanoseconds since the epoch (UTC). Input
// without a zone is read in loc (the tz=/timezone= config, else UTC).
type timeAtom struct {
	kind   timeKind
	fields []tfield
	epoch  byte // 's' (epoch seconds) or 'S' (epoch millis) for a one-letter format
	loc    *time.Location
}

// tfKind is one element of a compiled time format.
type tfKind uint8

const (
	tfLit        tfKind = iota
	tfYear              // y, u
	tfYear2             // yy: 2000 + two digits
	tfMonth             // M, MM
	tfMonthShort        // MMM: Jan
	tfMonthLong         // MMMM: January
	tfDay               // d, dd
	tfYday              // D: day of year
	tfHour              // H: 0–23
	tfHour12            // h: 1–12, with a
	tfHourK             // k: 1–24
	tfHourK0            // K: 0–11, with a
	tfMinute            // m
	tfSecond            // s
	tfFrac              // S…, f…, n: fraction of a second
	tfAmPm              // a
	tfDayShort          // E, EEE: Mon (checked, not used)
	tfDayLong           // EEEE: Monday
	tfOffset            // Z, X, x: Z, ±HH, ±HHMM, ±HH:MM
	tfZoneName          // z, V: UTC, PST, Europe/Vienna
)

type tfield struct {
	kind     tfKind
	min, max int // digits for numeric fields
	lit      string
}

var (
	monthNames = [12]string{"january", "february", "march", "april", "may", "june", "july",
		"august", "september", "october", "november", "december"}
	dayNames = [7]string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
)

// compileTimeFormat turns a Java-style format into fields. A format of just "s" reads
// epoch seconds (with an optional fraction), just "S" epoch milliseconds. On error it
// returns a message and the byte offset in f.
func compileTimeFormat(f string) (fields []tfield, epoch byte, msg string, at int) {
	if f == "s" || f == "S" {
		return nil, f[0], "", 0
	}
	if f == "" {
		return nil, 0, "empty time format", 0
	}
	lit := func(s string) {
		if n := len(fields); n > 0 && fields[n-1].kind == tfLit {
			fields[n-1].lit += s
			return
		}
		fields = append(fields, tfield{kind: tfLit, lit: s})
	}
	for i := 0; i < len(f); {
		c := f[i]
		if c == '\'' {
			if i+1 < len(f) && f[i+1] == '\'' {
				lit("'")
				i += 2
				continue
			}
			var b strings.Builder
			j := i + 1
			for ; j < len(f); j++ {
				if f[j] == '\'' {
					if j+1 < len(f) && f[j+1] == '\'' {
						b.WriteByte('\'')
						j++
						continue
					}
					break
				}
				b.WriteByte(f[j])
			}
			if j >= len(f) {
				return nil, 0, "unterminated quoted text in time format", i
			}
			lit(b.String())
			i = j + 1
			continue
		}
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			lit(f[i : i+1])
			i++
			continue
		}
		n := 1
		for i+n < len(f) && f[i+n] == c {
			n++
		}
		num := func(k tfKind, maxLetters int) {
			if n > maxLetters {
				msg = "too many letters " + quote(f[i:i+n]) + " in time format"
				return
			}
			fd := tfield{kind: k, min: n, max: 2}
			if n == 1 {
				fd.min = 1
			}
			fields = append(fields, fd)
		}
		switch c {
		case 'y', 'u':
			switch n {
			case 1:
				fields = append(fields, tfield{kind: tfYear, min: 1, max: 9})
			case 2:
				fields = append(fields, tfield{kind: tfYear2, min: 2, max: 2})
			default:
				fields = append(fields, tfield{kind: tfYear, min: n, max: n})
			}
		case 'M', 'L':
			switch {
			case n <= 2:
				num(tfMonth, 2)
			case n == 3:
				fields = append(fields, tfield{kind: tfMonthShort})
			default:
				fields = append(fields, tfield{kind: tfMonthLong})
			}
		case 'd':
			num(tfDay, 2)
		case 'D':
			if n > 3 {
				msg = "too many letters " + quote(f[i:i+n]) + " in time format"
				break
			}
			fields = append(fields, tfield{kind: tfYday, min: n, max: 3})
		case 'H':
			num(tfHour, 2)
		case 'h':
			num(tfHour12, 2)
		case 'k':
			num(tfHourK, 2)
		case 'K':
			num(tfHourK0, 2)
		case 'm':
			num(tfMinute, 2)
		case 's':
			num(tfSecond, 2)
		case 'S', 'f':
			if n > 9 {
				msg = "more than 9 fraction digits " + quote(f[i:i+n]) + " in time format"
				break
			}
			fields = append(fields, tfield{kind: tfFrac, min: n, max: n})
		case 'n':
			fields = append(fields, tfield{kind: tfFrac, min: 1, max: 9})
		case 'a':
			fields = append(fields, tfield{kind: tfAmPm})
		case 'E':
			if n <= 3 {
				fields = append(fields, tfield{kind: tfDayShort})
			} else {
				fields = append(fields, tfield{kind: tfDayLong})
			}
		case 'Z', 'X', 'x':
			fields = append(fields, tfield{kind: tfOffset})
		case 'z', 'V':
			fields = append(fields, tfield{kind: tfZoneName})
		default:
			msg = "unsupported letter " + quote(f[i:i+1]) + " in time format"
		}
		if msg != "" {
			return nil, 0, msg, i
		}
		i += n
	}
	return fields, 0, "", 0
}

// tparts collects the fields read from the input.
type tparts struct {
	year, month, day, yday     int
	hour, minute, second, nsec int
	hasYear, hasYday           bool
	h12                        bool // hour is 1–12 (h) or 0–11 (K), to combine with a
	pm                         bool
	off                        int // seconds east of UTC
	hasOff                     bool
	loc                        *time.Location
}

func readDigits(in string, i, min, max int) (v, end int, ok bool) {
	j := i
	for j < len(in) && j-i < max && isDigit(in[j]) {
		v = v*10 + int(in[j]-'0')
		j++
	}
	return v, j, j-i >= min
}

// readFrac reads 1–max digits (more are consumed and dropped when drop is set) as
// nanoseconds.
func readFrac(in string, i, min, max int, drop bool) (ns, end int, ok bool) {
	j := i
	for j < len(in) && j-i < max && isDigit(in[j]) {
		ns = ns*10 + int(in[j]-'0')
		j++
	}
	if j-i < min {
		return 0, 0, false
	}
	for k := j - i; k < 9; k++ {
		ns *= 10
	}
	if drop {
		for j < len(in) && isDigit(in[j]) {
			j++
		}
	}
	return ns, j, true
}

// readName matches one of names (lower case) at in[i] without regard to case; short
// names are the first three letters.
func readName(in string, i int, names []string, short bool) (idx, end int, ok bool) {
	for k, n := range names {
		if short {
			n = n[:3]
		}
		if len(in)-i >= len(n) && strings.EqualFold(in[i:i+len(n)], n) {
			return k, i + len(n), true
		}
	}
	return 0, 0, false
}

// readOffset reads Z or ±HH, ±HHMM, ±HH:MM and returns seconds east of UTC.
func readOffset(in string, i int) (off, end int, ok bool) {
	if i >= len(in) {
		return 0, 0, false
	}
	if in[i] == 'Z' {
		return 0, i + 1, true
	}
	if in[i] != '+' && in[i] != '-' {
		return 0, 0, false
	}
	h, j, ok := readDigits(in, i+1, 2, 2)
	if !ok || h > 23 {
		return 0, 0, false
	}
	m := 0
	k := j
	if k < len(in) && in[k] == ':' {
		k++
	}
	if mm, e, ok := readDigits(in, k, 2, 2); ok && mm < 60 {
		m, j = mm, e
	}
	off = h*3600 + m*60
	if in[i] == '-' {
		off = -off
	}
	return off, j, true
}

// zoneAbbrevs are the zone abbreviations z accepts besides region names, with their
// offsets in hours. Abbreviations are ambiguous in general; these are the usual
// readings in English logs.
var zoneAbbrevs = map[string]float64{
	"UTC": 0, "GMT": 0, "UT": 0, "Z": 0, "WET": 0, "WEST": 1, "BST": 1, "CET": 1, "CEST": 2,
	"MET": 1, "MEST": 2, "EET": 2, "EEST": 3, "MSK": 3, "IST": 5.5, "JST": 9, "KST": 9,
	"HKT": 8, "SGT": 8, "AEST": 10, "AEDT": 11, "ACST": 9.5, "AWST": 8, "NZST": 12, "NZDT": 13,
	"EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
	"AKST": -9, "AKDT": -8, "HST": -10,
}

// zoneCache holds region names already loaded, so a query does not read the zone
// database once per record. It stops growing at maxZoneCache entries.
var (
	zoneCache     sync.Map // string → *time.Location (nil: unknown)
	zoneCacheSize atomic.Int32
)

const maxZoneCache = 512

// loadZone resolves a zone name: an abbreviation, a region such as Europe/Vienna, or
// an offset such as +02:00.
func loadZone(name string) (*time.Location, bool) {
	if h, ok := zoneAbbrevs[strings.ToUpper(name)]; ok {
		if h == 0 {
			return time.UTC, true
		}
		return time.FixedZone(strings.ToUpper(name), int(h*3600)), true
	}
	if off, end, ok := readOffset(name, 0); ok && end == len(name) {
		return time.FixedZone(name, off), true
	}
	if name == "" || name == "Local" || len(name) > 64 {
		return nil, false
	}
	if l, ok := zoneCache.Load(name); ok {
		loc := l.(*time.Location)
		return loc, loc != nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		loc = nil
	}
	if zoneCacheSize.Add(1) <= maxZoneCache {
		zoneCache.Store(name, loc)
	}
	return loc, loc != nil
}

// readZoneName reads a zone name (letters, '/', '_') and resolves it.
func readZoneName(in string, i int) (*time.Location, int, bool) {
	j := i
	for j < len(in) && j-i < 64 {
		c := in[j]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '/' || c == '_' {
			j++
			continue
		}
		break
	}
	if j == i {
		return nil, 0, false
	}
	loc, ok := loadZone(in[i:j])
	return loc, j, ok
}

// parseFields reads input with a compiled format.
func parseFields(in string, i int, fields []tfield) (p tparts, end int, ok bool) {
	for _, f := range fields {
		var v int
		switch f.kind {
		case tfLit:
			if !strings.HasPrefix(in[i:], f.lit) {
				return p, 0, false
			}
			i += len(f.lit)
			continue
		case tfMonthShort, tfMonthLong:
			if v, i, ok = readName(in, i, monthNames[:], f.kind == tfMonthShort); !ok {
				return p, 0, false
			}
			p.month = v + 1
			continue
		case tfDayShort, tfDayLong:
			if _, i, ok = readName(in, i, dayNames[:], f.kind == tfDayShort); !ok {
				return p, 0, false
			}
			continue
		case tfAmPm:
			if len(in)-i < 2 || (in[i+1]|0x20) != 'm' || (in[i]|0x20) != 'a' && (in[i]|0x20) != 'p' {
				return p, 0, false
			}
			p.pm = in[i]|0x20 == 'p'
			i += 2
			continue
		case tfOffset:
			if p.off, i, ok = readOffset(in, i); !ok {
				return p, 0, false
			}
			p.hasOff = true
			continue
		case tfZoneName:
			if p.loc, i, ok = readZoneName(in, i); !ok {
				return p, 0, false
			}
			continue
		case tfFrac:
			if p.nsec, i, ok = readFrac(in, i, f.min, f.max, false); !ok {
				return p, 0, false
			}
			continue
		}
		if v, i, ok = readDigits(in, i, f.min, f.max); !ok {
			return p, 0, false
		}
		switch f.kind {
		case tfYear:
			p.year, p.hasYear = v, true
		case tfYear2:
			p.year, p.hasYear = 2000+v, true
		case tfMonth:
			p.month = v
		case tfDay:
			p.day = v
		case tfYday:
			p.yday, p.hasYday = v, true
		case tfHour:
			p.hour = v
		case tfHour12:
			if v < 1 || v > 12 {
				return p, 0, false
			}
			p.hour, p.h12 = v%12, true
		case tfHourK:
			if v < 1 || v > 24 {
				return p, 0, false
			}
			p.hour = v % 24
		case tfHourK0:
			if v > 11 {
				return p, 0, false
			}
			p.hour, p.h12 = v, true
		case tfMinute:
			p.minute = v
		case tfSecond:
			p.second = v
		}
	}
	return p, i, true
}

// parseISO reads yyyy-MM-dd, T (or a space when space is set), HH:mm:ss, a fraction
// (required when frac is set) and, after T, an optional zone.
func parseISO(in string, i int, space, frac bool) (p tparts, end int, ok bool) {
	if p.year, i, ok = readDigits(in, i, 4, 4); !ok || i >= len(in) || in[i] != '-' {
		return p, 0, false
	}
	p.hasYear = true
	if p.month, i, ok = readDigits(in, i+1, 2, 2); !ok || i >= len(in) || in[i] != '-' {
		return p, 0, false
	}
	if p.day, i, ok = readDigits(in, i+1, 2, 2); !ok || i >= len(in) {
		return p, 0, false
	}
	sep := in[i]
	if sep != 'T' && !(space && sep == ' ') {
		return p, 0, false
	}
	if p.hour, i, ok = readDigits(in, i+1, 2, 2); !ok || i >= len(in) || in[i] != ':' {
		return p, 0, false
	}
	if p.minute, i, ok = readDigits(in, i+1, 2, 2); !ok || i >= len(in) || in[i] != ':' {
		return p, 0, false
	}
	if p.second, i, ok = readDigits(in, i+1, 2, 2); !ok {
		return p, 0, false
	}
	if i+1 < len(in) && (in[i] == '.' || in[i] == ',') && isDigit(in[i+1]) {
		p.nsec, i, _ = readFrac(in, i+1, 1, 9, true)
	} else if frac {
		return p, 0, false
	}
	if sep == 'T' {
		if off, e, ok := readOffset(in, i); ok {
			p.off, p.hasOff, i = off, true, e
		}
	}
	return p, i, true
}

// nanos turns parts into nanoseconds since the epoch; invalid dates (Feb 30, hour 24)
// and instants outside the int64 nanosecond range fail.
func (p *tparts) nanos(def *time.Location) (int64, bool) {
	loc := def
	if p.hasOff {
		loc = time.FixedZone("", p.off)
	} else if p.loc != nil {
		loc = p.loc
	}
	if !p.hasYear {
		p.year = time.Now().In(loc).Year() // a format without a year reads the current one
	}
	month, day := p.month, p.day
	if month == 0 && day == 0 && !p.hasYday {
		month, day = 1, 1
	}
	if p.hasYday {
		if p.yday < 1 || p.yday > 366 {
			return 0, false
		}
		t := time.Date(p.year, 1, p.yday, 0, 0, 0, 0, time.UTC)
		if t.Year() != p.year {
			return 0, false
		}
		month, day = int(t.Month()), t.Day()
	}
	if month == 0 {
		month = 1
	}
	if day == 0 {
		day = 1
	}
	hour := p.hour
	if p.h12 && p.pm {
		hour += 12
	}
	if month > 12 || day > 31 || hour > 23 || p.minute > 59 || p.second > 59 {
		return 0, false
	}
	t := time.Date(p.year, time.Month(month), day, hour, p.minute, p.second, p.nsec, loc)
	if t.Day() != day || int(t.Month()) != month {
		return 0, false
	}
	return unixNanos(t)
}

// unixNanos is t.UnixNano for instants that fit in an int64.
func unixNanos(t time.Time) (int64, bool) {
	const limit = 9223372035 // seconds; keeps sec*1e9+ns inside int64
	if s := t.Unix(); s < -limit || s > limit {
		return 0, false
	}
	return t.UnixNano(), true
}

// parseEpoch reads epoch seconds (with an optional fraction) or milliseconds.
func (a *timeAtom) parseEpoch(in string, i int) (int64, int, bool) {
	j := i
	var n int64
	for j < len(in) && isDigit(in[j]) {
		if j-i == 18 {
			return 0, 0, false
		}
		n = n*10 + int64(in[j]-'0')
		j++
	}
	if j == i {
		return 0, 0, false
	}
	if a.epoch == 'S' {
		if n > 9223372035000 {
			return 0, 0, false
		}
		return n * 1e6, j, true
	}
	if n > 9223372035 {
		return 0, 0, false
	}
	ns := n * 1e9
	if j+1 < len(in) && in[j] == '.' && isDigit(in[j+1]) {
		f, e, _ := readFrac(in, j+1, 1, 9, true)
		ns += int64(f)
		j = e
	}
	return ns, j, true
}

func (a *timeAtom) parse(in string, pos int) (int64, int, bool) {
	if a.epoch != 0 {
		return a.parseEpoch(in, pos)
	}
	var (
		p   tparts
		end int
		ok  bool
	)
	switch a.kind {
	case timeISO:
		p, end, ok = parseISO(in, pos, false, false)
	case timeJSON:
		p, end, ok = parseISO(in, pos, false, true)
	case timeDefault:
		p, end, ok = parseISO(in, pos, true, false)
	default:
		p, end, ok = parseFields(in, pos, a.fields)
	}
	if !ok {
		return 0, 0, false
	}
	ns, ok := p.nanos(a.loc)
	return ns, end, ok
}

func (a *timeAtom) match(in string, pos int) (int, bool) {
	_, end, ok := a.parse(in, pos)
	return end, ok
}

func (a *timeAtom) value(in string, start, end int) value.Value {
	ns, _, ok := a.parse(in, start)
	if !ok {
		return value.Value{}
	}
	return value.Timestamp(ns)
}

func (a *timeAtom) first(s *byteSet) bool {
	if a.kind != timeFormat || a.epoch != 0 {
		s.addString("0123456789")
		return false
	}
	switch f := a.fields[0]; f.kind {
	case tfLit:
		s.add(f.lit[0])
	case tfMonthShort, tfMonthLong, tfDayShort, tfDayLong, tfAmPm, tfZoneName:
		for c := 'a'; c <= 'z'; c++ {
			s.add(byte(c))
			s.add(byte(c - 32))
		}
	case tfOffset:
		s.addString("Z+-")
	default:
		s.addString("0123456789")
	}
	return false
}

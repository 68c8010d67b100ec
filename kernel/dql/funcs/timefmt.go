package funcs

import (
	"strconv"
	"time"
)

// A subset of Java's DateTimeFormatter patterns for formatTimestamp (spec §10.4),
// English locale. Supported letters:
//
//	G era          u y year (yy = 2 digits)   Y week-based year   Q q quarter
//	M L month (M, MM, MMM = Aug, MMMM = August, MMMMM = A)        w week of year
//	d day of month D day of year   E day name (E–EEE Thu, EEEE Thursday, EEEEE T)
//	e c day of week (1 = Sunday)   a AM/PM   H h k K hours   m minute   s second
//	S fraction (one digit per letter)   n nano of second   A milli of day
//	V zone id (VV)   z zone name   O GMT+2   X x Z offsets
//
// 'text' is literal text, '' a quote; other non-letters print as they are; [ and ]
// (optional sections) are accepted and print nothing. Weeks (Y, w, e, c) follow the
// English (US) rules Java uses for Locale.ENGLISH: weeks start on Sunday and week 1
// is the week of January 1.
//
//	yyyy-MM-dd'T'HH:mm:ss.SSS → 2019-08-01T13:30:00.000

// tsFormat is a compiled pattern.
type tsFormat []fmtItem

// fmtItem is literal text (letter == 0) or a pattern letter repeated count times.
type fmtItem struct {
	letter byte
	count  int
	text   string
}

// compileTimeFormat parses a pattern; unknown letters are an error, as in Java.
func compileTimeFormat(p string) (tsFormat, error) {
	var out tsFormat
	lit := func(s string) {
		if n := len(out); n > 0 && out[n-1].letter == 0 {
			out[n-1].text += s
			return
		}
		out = append(out, fmtItem{text: s})
	}
	for i := 0; i < len(p); {
		c := p[i]
		switch {
		case c == '\'':
			if i+1 < len(p) && p[i+1] == '\'' {
				lit("'")
				i += 2
				continue
			}
			j := i + 1
			var text []byte
			for {
				if j >= len(p) {
					return nil, errorf("format %q has an unterminated quote", p)
				}
				if p[j] == '\'' {
					if j+1 < len(p) && p[j+1] == '\'' {
						text = append(text, '\'')
						j += 2
						continue
					}
					break
				}
				text = append(text, p[j])
				j++
			}
			lit(string(text))
			i = j + 1
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
			j := i
			for j < len(p) && p[j] == c {
				j++
			}
			n := j - i
			if !knownLetter(c, n) {
				return nil, errorf("format %q: unsupported pattern letter %q or letter count %d", p, string(c), n)
			}
			out = append(out, fmtItem{letter: c, count: n})
			i = j
		case c == '[' || c == ']':
			i++
		case c == '{' || c == '}' || c == '#':
			return nil, errorf("format %q: reserved character %q", p, string(c))
		default:
			lit(p[i : i+1])
			i++
		}
	}
	return out, nil
}

// knownLetter checks a letter and its count against what Java accepts.
func knownLetter(c byte, n int) bool {
	switch c {
	case 'G', 'E', 'z':
		return n <= 5 && (c != 'z' || n <= 4)
	case 'u', 'y', 'Y', 'n', 'A':
		return n <= 19
	case 'M', 'L', 'Q', 'q', 'e', 'c':
		return n <= 5
	case 'd', 'H', 'h', 'k', 'K', 'm', 's', 'w':
		return n <= 2
	case 'D':
		return n <= 3
	case 'a':
		return n == 1
	case 'S':
		return n <= 9
	case 'V':
		return n == 2
	case 'O':
		return n == 1 || n == 4
	case 'X', 'x', 'Z':
		return n <= 5
	}
	return false
}

var (
	monthNames = [...]string{"January", "February", "March", "April", "May", "June", "July",
		"August", "September", "October", "November", "December"}
	dayNames = [...]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
)

// appendPadded appends n with at least width digits.
func appendPadded(b []byte, n int64, width int) []byte {
	if n < 0 {
		b = append(b, '-')
		n = -n
	}
	var tmp [20]byte
	s := strconv.AppendInt(tmp[:0], n, 10)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// textStyle picks the short (1–3), full (4) or narrow (5) form of a name.
func textStyle(name string, count int) string {
	switch {
	case count == 4:
		return name
	case count >= 5:
		return name[:1]
	}
	return name[:3]
}

// usWeek returns the week-based year and week of t under the US rules (weeks start on
// Sunday; week 1 contains January 1).
func usWeek(t time.Time) (year, week int) {
	y := t.Year()
	day := time.Date(y, t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	sunday := day.AddDate(0, 0, -int(day.Weekday()))
	if sunday.AddDate(0, 0, 6).Year() > y { // this week holds next January 1
		return y + 1, 1
	}
	jan1 := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
	week1 := jan1.AddDate(0, 0, -int(jan1.Weekday()))
	return y, int(day.Sub(week1)/(24*time.Hour))/7 + 1
}

// appendOffset appends a zone offset given in seconds as +HH[:]MM: colon separates
// the fields, optMin leaves out zero minutes (+02), and non-zero seconds are added.
func appendOffset(b []byte, off int, colon, optMin bool) []byte {
	if off < 0 {
		b = append(b, '-')
		off = -off
	} else {
		b = append(b, '+')
	}
	b = append2(b, off/3600)
	if optMin && off%3600 == 0 {
		return b
	}
	if colon {
		b = append(b, ':')
	}
	b = append2(b, off%3600/60)
	if s := off % 60; s != 0 {
		if colon {
			b = append(b, ':')
		}
		b = append2(b, s)
	}
	return b
}

// appendTo formats t (already in the target zone).
func (f tsFormat) appendTo(b []byte, t time.Time) []byte {
	year, month, day := t.Date()
	hour, minute, sec := t.Clock()
	_, off := t.Zone()
	for _, it := range f {
		n := it.count
		switch it.letter {
		case 0:
			b = append(b, it.text...)
		case 'G':
			switch {
			case n == 4:
				b = append(b, "Anno Domini"...)
			case n == 5:
				b = append(b, 'A')
			default:
				b = append(b, "AD"...)
			}
		case 'u', 'y', 'Y':
			y := year
			if it.letter == 'Y' {
				y, _ = usWeek(t)
			}
			if n == 2 {
				b = appendPadded(b, int64(((y%100)+100)%100), 2)
			} else {
				b = appendPadded(b, int64(y), n)
			}
		case 'Q', 'q':
			q := (int(month)-1)/3 + 1
			switch {
			case n <= 2:
				b = appendPadded(b, int64(q), n)
			case n == 3:
				b = append(b, 'Q', byte('0'+q))
			case n == 4:
				b = append(b, [...]string{"1st", "2nd", "3rd", "4th"}[q-1]...)
				b = append(b, " quarter"...)
			default:
				b = append(b, byte('0'+q))
			}
		case 'M', 'L':
			if n <= 2 {
				b = appendPadded(b, int64(month), n)
			} else {
				b = append(b, textStyle(monthNames[month-1], n)...)
			}
		case 'w':
			_, w := usWeek(t)
			b = appendPadded(b, int64(w), n)
		case 'd':
			b = appendPadded(b, int64(day), n)
		case 'D':
			b = appendPadded(b, int64(t.YearDay()), n)
		case 'E':
			b = append(b, textStyle(dayNames[t.Weekday()], n)...)
		case 'e', 'c':
			if n <= 2 {
				b = appendPadded(b, int64(t.Weekday())+1, n)
			} else {
				b = append(b, textStyle(dayNames[t.Weekday()], n)...)
			}
		case 'a':
			if hour < 12 {
				b = append(b, "AM"...)
			} else {
				b = append(b, "PM"...)
			}
		case 'H':
			b = appendPadded(b, int64(hour), n)
		case 'k':
			b = appendPadded(b, int64((hour+23)%24+1), n)
		case 'h':
			b = appendPadded(b, int64((hour+11)%12+1), n)
		case 'K':
			b = appendPadded(b, int64(hour%12), n)
		case 'm':
			b = appendPadded(b, int64(minute), n)
		case 's':
			b = appendPadded(b, int64(sec), n)
		case 'S':
			var tmp [9]byte
			ns := t.Nanosecond()
			for i := 8; i >= 0; i-- {
				tmp[i] = byte('0' + ns%10)
				ns /= 10
			}
			b = append(b, tmp[:n]...)
		case 'n':
			b = appendPadded(b, int64(t.Nanosecond()), n)
		case 'A':
			b = appendPadded(b, int64(hour*3600000+minute*60000+sec*1000+t.Nanosecond()/1e6), n)
		case 'V':
			b = append(b, zoneID(t.Location())...)
		case 'z':
			name, _ := t.Zone()
			if n == 4 {
				if name == "UTC" {
					name = "Coordinated Universal Time"
				} else if id := zoneID(t.Location()); id != "" {
					name = id
				}
			}
			b = append(b, name...)
		case 'O':
			b = append(b, "GMT"...)
			if off != 0 {
				if n == 4 {
					b = appendOffset(b, off, true, false)
				} else {
					sign := byte('+')
					o := off
					if o < 0 {
						sign, o = '-', -o
					}
					b = append(b, sign)
					b = strconv.AppendInt(b, int64(o/3600), 10)
					if o%3600 != 0 {
						b = append(b, ':')
						b = append2(b, o%3600/60)
					}
				}
			}
		case 'X', 'x':
			if it.letter == 'X' && off == 0 {
				b = append(b, 'Z')
				continue
			}
			switch n {
			case 1:
				b = appendOffset(b, off, false, true)
			case 2, 4:
				b = appendOffset(b, off, false, false)
			default:
				b = appendOffset(b, off, true, false)
			}
		case 'Z':
			switch n {
			case 4:
				b = append(b, "GMT"...)
				if off != 0 {
					b = appendOffset(b, off, true, false)
				}
			case 5:
				if off == 0 {
					b = append(b, 'Z')
				} else {
					b = appendOffset(b, off, true, false)
				}
			default:
				b = appendOffset(b, off, false, false)
			}
		}
	}
	return b
}

// zoneID is the zone's id as Java prints it for VV: the region name, or the offset.
func zoneID(l *time.Location) string {
	switch s := l.String(); s {
	case "UTC", "":
		return "UTC"
	default:
		return s
	}
}

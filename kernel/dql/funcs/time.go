package funcs

import (
	"math"
	"time"

	"github.com/trailbook/trailbook/kernel/dql/value"
)

// Time functions (spec §10.4, time handling of §11).
//
//	data record(t = toTimestamp("2019-08-01T09:30:00.000-0400"))
//	| fieldsAdd getHour(t), bin(t, 1h), formatTimestamp(t, format: "HH:mm", timezone: "Europe/Berlin")

func init() {
	tz := opt("timezone", value.Value{})
	register(
		&Func{Name: "now", NullIn: true,
			Call: func(env *Env, _ []value.Value) value.Value { return value.Timestamp(env.now()) },
			Doc:  "now() → timestamp: the query's start time, the same for every record"},
		&Func{Name: "timestamp",
			Params: []Param{req("year"), req("month"), req("day"), req("hour"), req("minute"), req("second"),
				opt("millis", value.Long(0)), opt("micros", value.Long(0)), opt("nanos", value.Long(0)), tz},
			Call: callTimestamp, Prepare: prepareZoneAt(9, callTimestamp),
			Doc: "timestamp(year, month, day, hour, minute, second [, millis] [, micros] [, nanos] [, timezone: z]) → timestamp: the instant of that local time in zone z (default UTC)"},
		&Func{Name: "timeframe", Params: []Param{req("from"), opt("to", value.Value{})},
			Call: callTimeframe,
			Doc:  "timeframe(from: x [, to: y]) → timeframe: x and y are timestamps, ISO strings or durations (offsets from now); to defaults to now"},
		&Func{Name: "duration", Params: []Param{req("value"), req("unit")},
			Call: callDuration, Prepare: prepareDuration,
			Doc: "duration(n, unit) → duration: n units, unit one of \"ns\" \"us\" \"ms\" \"s\" \"m\" \"h\" \"d\""},
		&Func{Name: "getStart", Params: []Param{req("timeframe")},
			Call: tfBound(false),
			Doc:  "getStart(tf) → timestamp: the start of the timeframe"},
		&Func{Name: "getEnd", Params: []Param{req("timeframe")},
			Call: tfBound(true),
			Doc:  "getEnd(tf) → timestamp: the end of the timeframe"},
		timePart("getYear", "the year", func(t time.Time) int { return t.Year() }),
		timePart("getMonth", "the month, 1–12", func(t time.Time) int { return int(t.Month()) }),
		timePart("getDayOfMonth", "the day of the month, 1–31", func(t time.Time) int { return t.Day() }),
		timePart("getDayOfYear", "the day of the year, 1–366", func(t time.Time) int { return t.YearDay() }),
		timePart("getHour", "the hour, 0–23", func(t time.Time) int { return t.Hour() }),
		timePart("getMinute", "the minute, 0–59", func(t time.Time) int { return t.Minute() }),
		timePart("getSecond", "the second, 0–59", func(t time.Time) int { return t.Second() }),
		timePart("getWeekOfYear", "the ISO-8601 week of the year, 1–53", func(t time.Time) int { _, w := t.ISOWeek(); return w }),
		timePart("getDayOfWeek", "the day of the week, 1 = Monday … 7 = Sunday", func(t time.Time) int { return (int(t.Weekday())+6)%7 + 1 }),
		&Func{Name: "formatTimestamp",
			Params: []Param{req("timestamp"), opt("interval", value.Value{}), opt("format", value.Value{}), tz, opt("locale", value.Value{})},
			Call:   callFormatTimestamp, Prepare: prepareFormatTimestamp,
			Doc: "formatTimestamp(ts [, interval: d] [, format: p] [, timezone: z] [, locale: l]) → string: ts (first rounded down to a multiple of interval) printed with a Java DateTimeFormatter pattern (default yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSS) in zone z (default the session zone); English names"},
		fromUnix("timestampFromUnixSeconds", "seconds", int64(time.Second)),
		fromUnix("timestampFromUnixMillis", "milliseconds", int64(time.Millisecond)),
		fromUnix("timestampFromUnixNanos", "nanoseconds", 1),
		toUnix("unixSecondsFromTimestamp", "seconds", int64(time.Second)),
		toUnix("unixMillisFromTimestamp", "milliseconds", int64(time.Millisecond)),
		toUnix("unixNanosFromTimestamp", "nanoseconds", 1),
		&Func{Name: "bin", Params: []Param{req("value"), req("interval"), opt("at", value.Value{})},
			Call: callBin, Prepare: prepareBin,
			Doc: "bin(x, interval [, at: offset]) → type of x: x rounded down to a multiple of interval (numbers from 0, timestamps from the epoch), shifted by at"},
		&Func{Name: "range", Params: []Param{req("value"), req("interval"), opt("at", value.Value{})},
			Call: callRange, Prepare: prepareBin,
			Doc: "range(x, interval [, at: offset]) → timeframe for timestamps, record {start, end} otherwise: the bin of x"},
	)
}

// zoneArg resolves an optional timezone argument; null gives def.
func zoneArg(v value.Value, def *time.Location) (*time.Location, bool) {
	if v.IsNull() {
		return def, true
	}
	s, ok := v.Str()
	if !ok {
		return nil, false
	}
	return loadZone(s)
}

// prepareZoneAt checks a constant timezone argument at index i; the zone cache makes
// the run-time lookup cheap, so the call itself is kept.
func prepareZoneAt(i int, call CallFn) func([]value.Value, []bool) (CallFn, error) {
	return func(consts []value.Value, isConst []bool) (CallFn, error) {
		v, ok := constAt(consts, isConst, i)
		if !ok || v.IsNull() {
			return nil, nil
		}
		if _, ok := zoneArg(v, time.UTC); !ok {
			return nil, errorf("unknown time zone %s", quote(v))
		}
		return call, nil
	}
}

// callTimestamp implements timestamp(y, m, d, h, mi, s, millis, micros, nanos, timezone:).
func callTimestamp(_ *Env, args []value.Value) value.Value {
	var f [9]int64
	for i := range f {
		v := arg(args, i)
		if v.IsNull() && i >= 6 {
			continue
		}
		n, ok := intOf(v)
		if !ok {
			return value.Value{}
		}
		f[i] = n
	}
	loc, ok := zoneArg(arg(args, 9), time.UTC)
	if !ok {
		return value.Value{}
	}
	if f[0] < 1 || f[0] > 9999 || f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > int64(daysIn(int(f[0]), time.Month(f[1]))) ||
		f[3] < 0 || f[3] > 23 || f[4] < 0 || f[4] > 59 || f[5] < 0 || f[5] > 59 ||
		f[6] < 0 || f[6] > 999 || f[7] < 0 || f[7] > 999 || f[8] < 0 || f[8] > 999 {
		return value.Value{}
	}
	ns := f[6]*1e6 + f[7]*1e3 + f[8]
	t := time.Date(int(f[0]), time.Month(f[1]), int(f[2]), int(f[3]), int(f[4]), int(f[5]), int(ns), loc)
	n, ok := unixNanos(t)
	if !ok {
		return value.Value{}
	}
	return value.Timestamp(n)
}

// timePoint reads a timeframe bound: a timestamp, an ISO string, or a duration
// offset from now.
func timePoint(env *Env, v value.Value) (int64, bool) {
	switch v.Kind() {
	case value.KindTimestamp:
		return v.Timestamp()
	case value.KindString:
		s, _ := v.Str()
		return ParseTimestamp(s, env.loc())
	case value.KindDuration:
		d, _ := v.Duration()
		return addOverflow(env.now(), d)
	}
	return 0, false
}

// callTimeframe implements timeframe(from:, to:).
func callTimeframe(env *Env, args []value.Value) value.Value {
	from, ok := timePoint(env, arg(args, 0))
	if !ok {
		return value.Value{}
	}
	to := env.now()
	if v := arg(args, 1); !v.IsNull() {
		if to, ok = timePoint(env, v); !ok {
			return value.Value{}
		}
	}
	return value.Timeframe(from, to)
}

// unitNanos resolves the unit of duration(): fixed units only.
func unitNanos(v value.Value) (int64, bool) {
	s, ok := v.Str()
	if !ok {
		return 0, false
	}
	ns, cal, ok := ParseDurationUnit(s)
	return ns, ok && !cal
}

func callDuration(_ *Env, args []value.Value) value.Value {
	unit, ok := unitNanos(arg(args, 1))
	if !ok {
		return value.Value{}
	}
	return scaleDuration(arg(args, 0), unit)
}

// scaleDuration returns n units as a duration; doubles are rounded to whole ns.
func scaleDuration(n value.Value, unit int64) value.Value {
	if l, ok := n.Long(); ok {
		d, ok := mulOverflow(l, unit)
		if !ok {
			return value.Value{}
		}
		return value.Duration(d)
	}
	if f, ok := n.Double(); ok {
		d, ok := truncLong(math.Round(f * float64(unit)))
		if !ok {
			return value.Value{}
		}
		return value.Duration(d)
	}
	return value.Value{}
}

func prepareDuration(consts []value.Value, isConst []bool) (CallFn, error) {
	v, ok := constAt(consts, isConst, 1)
	if !ok || v.IsNull() {
		return nil, nil
	}
	unit, ok := unitNanos(v)
	if !ok {
		if s, isStr := v.Str(); isStr {
			if _, cal, known := ParseDurationUnit(s); known && cal {
				return nil, errorf("calendar unit %q cannot be used as a duration value", s)
			}
		}
		return nil, errorf("unknown duration unit %s (expected \"ns\", \"us\", \"ms\", \"s\", \"m\", \"h\" or \"d\")", quote(v))
	}
	return func(_ *Env, args []value.Value) value.Value { return scaleDuration(arg(args, 0), unit) }, nil
}

func tfBound(end bool) CallFn {
	return func(_ *Env, args []value.Value) value.Value {
		tf, ok := arg(args, 0).Timeframe()
		if !ok {
			return value.Value{}
		}
		if end {
			return value.Timestamp(tf.End)
		}
		return value.Timestamp(tf.Start)
	}
}

// timePart makes getYear, getHour, …: args [timestamp, timezone]; default zone UTC.
func timePart(name, what string, part func(time.Time) int) *Func {
	call := func(_ *Env, args []value.Value) value.Value {
		ts, ok := arg(args, 0).Timestamp()
		if !ok {
			return value.Value{}
		}
		loc, ok := zoneArg(arg(args, 1), time.UTC)
		if !ok {
			return value.Value{}
		}
		return value.Long(int64(part(time.Unix(0, ts).In(loc))))
	}
	return &Func{Name: name, Params: []Param{req("timestamp"), opt("timezone", value.Value{})},
		Call: call, Prepare: prepareZoneAt(1, call),
		Doc: name + "(ts [, timezone: z]) → long: " + what + " of ts in zone z (default UTC)"}
}

// defaultTimeFormat is formatTimestamp's format when none is given (spec §10.4).
var defaultTimeFormat, _ = compileTimeFormat("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSS")

// callFormatTimestamp implements formatTimestamp; args [ts, interval, format, timezone, locale].
func callFormatTimestamp(env *Env, args []value.Value) value.Value {
	f := defaultTimeFormat
	if v := arg(args, 2); !v.IsNull() {
		p, ok := v.Str()
		if !ok {
			return value.Value{}
		}
		var err error
		if f, err = compileTimeFormat(p); err != nil {
			return value.Value{}
		}
	}
	loc, ok := zoneArg(arg(args, 3), env.loc())
	if !ok {
		return value.Value{}
	}
	return formatTS(arg(args, 0), arg(args, 1), f, loc)
}

// formatTS aligns ts down to interval (if any) and formats it.
func formatTS(tv, iv value.Value, f tsFormat, loc *time.Location) value.Value {
	ts, ok := tv.Timestamp()
	if !ok {
		return value.Value{}
	}
	if !iv.IsNull() {
		d, ok := iv.Duration()
		if !ok || d <= 0 {
			return value.Value{}
		}
		ts = floorDiv(ts, d) * d
	}
	var buf [64]byte
	return value.String(string(f.appendTo(buf[:0], time.Unix(0, ts).In(loc))))
}

// prepareFormatTimestamp compiles a constant format and resolves a constant zone once;
// a bad one is a static error.
func prepareFormatTimestamp(consts []value.Value, isConst []bool) (CallFn, error) {
	fv, fConst := constAt(consts, isConst, 2)
	zv, zConst := constAt(consts, isConst, 3)
	f := defaultTimeFormat
	if fConst && !fv.IsNull() {
		p, ok := fv.Str()
		if !ok {
			return nil, errorf("format must be a string")
		}
		var err error
		if f, err = compileTimeFormat(p); err != nil {
			return nil, err
		}
	}
	var loc *time.Location
	if zConst && !zv.IsNull() {
		var ok bool
		if loc, ok = zoneArg(zv, nil); !ok {
			return nil, errorf("unknown time zone %s", quote(zv))
		}
	}
	if !fConst || !zConst {
		return nil, nil
	}
	return func(env *Env, args []value.Value) value.Value {
		l := loc
		if l == nil {
			l = env.loc()
		}
		return formatTS(arg(args, 0), arg(args, 1), f, l)
	}, nil
}

func fromUnix(name, unit string, scale int64) *Func {
	return &Func{Name: name, Params: []Param{req("value")},
		Call: func(_ *Env, args []value.Value) value.Value {
			d := scaleDuration(arg(args, 0), scale)
			ns, ok := d.Duration()
			if !ok {
				return value.Value{}
			}
			return value.Timestamp(ns)
		},
		Doc: name + "(n) → timestamp: the instant n " + unit + " after the Unix epoch"}
}

func toUnix(name, unit string, scale int64) *Func {
	return &Func{Name: name, Params: []Param{req("timestamp")},
		Call: func(_ *Env, args []value.Value) value.Value {
			ts, ok := arg(args, 0).Timestamp()
			if !ok {
				return value.Value{}
			}
			return value.Long(floorDiv(ts, scale))
		},
		Doc: name + "(ts) → long: " + unit + " since the Unix epoch, rounded down"}
}

// binOf computes the bin of x: [start, end) and whether x could be binned. Numbers
// bin with numbers; timestamps and durations with a duration interval and a
// duration (or timestamp) offset.
func binOf(x, iv, at value.Value) (start, end value.Value, ok bool) {
	switch x.Kind() {
	case value.KindLong, value.KindDouble:
		if !iv.IsNumber() || !(at.IsNull() || at.IsNumber()) {
			return
		}
		xl, xIsL := x.Long()
		il, iIsL := iv.Long()
		al, aIsL := at.Long()
		if xIsL && iIsL && (aIsL || at.IsNull()) {
			s, e, ok := binInts(xl, il, al)
			if !ok {
				return start, end, false
			}
			return value.Long(s), value.Long(e), true
		}
		xf, _ := x.Number()
		ivf, _ := iv.Number()
		af, _ := at.Number()
		if !(ivf > 0) {
			return
		}
		s := math.Floor((xf-af)/ivf)*ivf + af
		if math.IsNaN(s) || math.IsInf(s, 0) {
			return
		}
		return value.Double(s), value.Double(s + ivf), true
	case value.KindTimestamp, value.KindDuration:
		d, isDur := iv.Duration()
		if !isDur {
			return
		}
		var off int64
		switch at.Kind() {
		case value.KindNull:
		case value.KindDuration:
			off, _ = at.Duration()
		case value.KindTimestamp:
			off, _ = at.Timestamp()
		default:
			return
		}
		n, isTS := x.Timestamp()
		if !isTS {
			n, _ = x.Duration()
		}
		s, e, ok := binInts(n, d, off)
		if !ok {
			return start, end, false
		}
		if isTS {
			return value.Timestamp(s), value.Timestamp(e), true
		}
		return value.Duration(s), value.Duration(e), true
	}
	return
}

// binInts returns the bin [s, s+iv) of x with offset at, checking overflow.
func binInts(x, iv, at int64) (s, e int64, ok bool) {
	if iv <= 0 {
		return 0, 0, false
	}
	d, ok1 := subOverflow(x, at)
	if !ok1 {
		return 0, 0, false
	}
	s, ok2 := mulOverflow(floorDiv(d, iv), iv)
	s, ok3 := addOverflow(s, at)
	e, ok4 := addOverflow(s, iv)
	return s, e, ok2 && ok3 && ok4
}

func callBin(_ *Env, args []value.Value) value.Value {
	s, _, ok := binOf(arg(args, 0), arg(args, 1), arg(args, 2))
	if !ok {
		return value.Value{}
	}
	return s
}

func callRange(_ *Env, args []value.Value) value.Value {
	s, e, ok := binOf(arg(args, 0), arg(args, 1), arg(args, 2))
	if !ok {
		return value.Value{}
	}
	if st, isTS := s.Timestamp(); isTS {
		en, _ := e.Timestamp()
		return value.Timeframe(st, en)
	}
	r := value.NewRecord(2)
	r.Append("start", s)
	r.Append("end", e)
	return value.Rec(r)
}

// prepareBin rejects a constant interval that is not positive.
func prepareBin(consts []value.Value, isConst []bool) (CallFn, error) {
	v, ok := constAt(consts, isConst, 1)
	if !ok || v.IsNull() {
		return nil, nil
	}
	if n, isNum := v.Number(); isNum && !(n > 0) {
		return nil, errorf("interval must be positive, found %s", quote(v))
	}
	if d, isDur := v.Duration(); isDur && d <= 0 {
		return nil, errorf("interval must be positive, found %s", quote(v))
	}
	return nil, nil
}

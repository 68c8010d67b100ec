package script

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/dop251/goja"

	"github.com/trailbook/trailbook/kernel/dql/funcs"
)

// parseTimestamp parses the timestamp strings DQL accepts (spec §11.2), UTC when
// the string has no zone: "2024-03-01", "2024-03-01T10:00:00.123456789Z".
func parseTimestamp(s string) (int64, error) {
	ns, ok := funcs.ParseTimestamp(strings.TrimSpace(s), nil)
	if !ok {
		return 0, fmt.Errorf("dql.timestamp: %q is not a timestamp (want e.g. \"2024-03-01T10:00:00Z\")", s)
	}
	return ns, nil
}

// parseDuration parses a DQL duration: a sign and one or more number–unit pairs
// ("5m", "-2h", "1h30m", "1.5s", "7d"; units as in DQL, days fixed at 24h), or the
// ISO-8601 form Duration.toString prints ("PT1H30M", "-PT0.5S", "P1DT2H").
func parseDuration(s string) (int64, error) {
	in := strings.TrimSpace(s)
	bad := func() (int64, error) {
		return 0, fmt.Errorf("dql.duration: %q is not a duration (want e.g. \"5m\", \"1h30m\" or \"PT5M\")", s)
	}
	neg := false
	if in != "" && (in[0] == '-' || in[0] == '+') {
		neg = in[0] == '-'
		in = in[1:]
	}
	if in == "" {
		return bad()
	}
	var total float64
	var exact int64
	exactOK := true
	add := func(num string, unit int64) bool {
		f, err := strconv.ParseFloat(num, 64)
		if err != nil || f < 0 {
			return false
		}
		total += f * float64(unit)
		if n, err := strconv.ParseInt(num, 10, 64); err == nil && exactOK {
			if n != 0 && unit > math.MaxInt64/n {
				exactOK = false
			} else if exact > math.MaxInt64-n*unit {
				exactOK = false
			} else {
				exact += n * unit
			}
		} else {
			exactOK = false
		}
		return true
	}
	if in[0] == 'P' {
		// ISO 8601: P[nD][T[nH][nM][nS]]
		rest, inTime := in[1:], false
		if rest == "" {
			return bad()
		}
		for rest != "" {
			if rest[0] == 'T' {
				if inTime {
					return bad()
				}
				inTime, rest = true, rest[1:]
				continue
			}
			i := 0
			for i < len(rest) && (rest[i] >= '0' && rest[i] <= '9' || rest[i] == '.') {
				i++
			}
			if i == 0 || i == len(rest) {
				return bad()
			}
			var unit int64
			switch u := rest[i]; {
			case u == 'D' && !inTime:
				unit = 24 * 3600e9
			case u == 'W' && !inTime:
				unit = 7 * 24 * 3600e9
			case u == 'H' && inTime:
				unit = 3600e9
			case u == 'M' && inTime:
				unit = 60e9
			case u == 'S' && inTime:
				unit = 1e9
			default:
				return bad()
			}
			if !add(rest[:i], unit) {
				return bad()
			}
			rest = rest[i+1:]
		}
	} else {
		rest := in
		for rest != "" {
			i := 0
			for i < len(rest) && (rest[i] >= '0' && rest[i] <= '9' || rest[i] == '.') {
				i++
			}
			j := i
			for j < len(rest) && !(rest[j] >= '0' && rest[j] <= '9' || rest[j] == '.') {
				j++
			}
			if i == 0 || j == i {
				return bad()
			}
			unit, calendar, ok := funcs.ParseDurationUnit(strings.TrimSpace(rest[i:j]))
			if !ok || calendar && rest[i:j] != "d" {
				return bad()
			}
			if !add(rest[:i], unit) {
				return bad()
			}
			rest = rest[j:]
		}
	}
	ns := exact
	if !exactOK {
		if total >= math.MaxInt64 {
			return 0, fmt.Errorf("dql.duration: %q is out of range", s)
		}
		ns = int64(math.Round(total))
	}
	if neg {
		ns = -ns
	}
	return ns, nil
}

// long implements dql.long: a long from a BigInt, an integral number in the safe
// range, or a decimal string, with the int64 range checked.
func (st *state) long(v goja.Value) (int64, error) {
	switch {
	case goja.IsBigInt(v):
		b, _ := v.Export().(*big.Int)
		if b == nil || !b.IsInt64() {
			return 0, fmt.Errorf("dql.long: %s is out of the range of a long", v.String())
		}
		return b.Int64(), nil
	case goja.IsNumber(v):
		f := v.ToFloat()
		if f != math.Trunc(f) || math.Abs(f) > maxSafe {
			return 0, fmt.Errorf("dql.long: %s is not a safe integer; pass a string or a BigInt", v.String())
		}
		return int64(f), nil
	case goja.IsString(v):
		s := strings.TrimSpace(v.String())
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("dql.long: %q is not a long", s)
		}
		return n, nil
	}
	return 0, fmt.Errorf("dql.long: cannot make a long of %s", st.inspect(v))
}

// maxSafe is the largest integer a JS number holds exactly: 2^53−1.
const maxSafe = 1<<53 - 1

func itoa(i int64) string { return strconv.FormatInt(i, 10) }

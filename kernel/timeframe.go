package kernel

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/trailbook/trailbook/kernel/dql/funcs"
)

// Timeframe is a notebook's default timeframe for `fetch`, as the notebook metadata
// keeps it ({"from": "-2h", "to": "now"}): each end is a DQL duration relative to now
// (-30min, -7d), "now", or a timestamp (2024-03-01T00:00:00Z). An empty From means
// two hours before To; an empty To means now. The zero Timeframe is the last two
// hours, DQL's default.
type Timeframe struct {
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
}

// defaultSpan is the length of the default timeframe (spec/dql.md §11.1).
const defaultSpan = 2 * time.Hour

// Resolve returns the timeframe's ends at now; both zero for the zero Timeframe, so
// that the planner applies its own default.
func (tf Timeframe) Resolve(now time.Time, loc *time.Location) (from, to time.Time, err error) {
	if tf.From == "" && tf.To == "" {
		return time.Time{}, time.Time{}, nil
	}
	to = now
	if tf.To != "" {
		if to, err = timePoint(tf.To, now, loc); err != nil {
			return from, to, fmt.Errorf("to: %w", err)
		}
	}
	from = to.Add(-defaultSpan)
	if tf.From != "" {
		if from, err = timePoint(tf.From, now, loc); err != nil {
			return from, to, fmt.Errorf("from: %w", err)
		}
	}
	if !from.Before(to) {
		return from, to, fmt.Errorf("from %q is not before to %q", tf.From, tf.To)
	}
	return from, to, nil
}

// timePoint reads "now", a duration offset (-2h, -30min, -7d, +1h) or a timestamp.
func timePoint(s string, now time.Time, loc *time.Location) (time.Time, error) {
	t := strings.TrimSpace(s)
	if t == "now" || t == "now()" {
		return now, nil
	}
	if ns, ok := funcs.ParseTimestamp(t, loc); ok {
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
	unit, cal, ok := funcs.ParseDurationUnit(t[i:])
	if !ok {
		return time.Time{}, fmt.Errorf("unknown time unit in %q", s)
	}
	if cal {
		return time.Unix(0, funcs.AddCalendar(now.UnixNano(), sign*n, t[i], loc)).UTC(), nil
	}
	return now.Add(time.Duration(sign * n * unit)), nil
}

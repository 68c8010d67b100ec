package kernel

import (
	"fmt"
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
		if to, err = funcs.TimePoint(tf.To, now, loc); err != nil {
			return from, to, fmt.Errorf("to: %w", err)
		}
	}
	from = to.Add(-defaultSpan)
	if tf.From != "" {
		if from, err = funcs.TimePoint(tf.From, now, loc); err != nil {
			return from, to, fmt.Errorf("from: %w", err)
		}
	}
	if !from.Before(to) {
		return from, to, fmt.Errorf("from %q is not before to %q", tf.From, tf.To)
	}
	return from, to, nil
}

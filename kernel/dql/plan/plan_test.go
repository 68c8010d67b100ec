package plan

import (
	"testing"
	"time"
)

func TestChooseInterval(t *testing.T) {
	f := func(want, span time.Duration, expect time.Duration) {
		t.Helper()
		got, ok := chooseInterval(int64(want), int64(span))
		if !ok || time.Duration(got) != expect {
			t.Fatalf("chooseInterval(%v, %v) = %v, %v; want %v", want, span, time.Duration(got), ok, expect)
		}
	}
	f(10*time.Second, time.Hour, time.Minute) // below a minute becomes 1 min
	f(5*time.Hour, 48*time.Hour, 6*time.Hour) // 5h becomes 6h
	f(3*time.Minute+time.Second, 6*time.Hour, 5*time.Minute)
	f(time.Minute, 30*24*time.Hour, 30*time.Minute) // at most 1,500 slots
	f(25*time.Hour, 30*24*time.Hour, 48*time.Hour)  // whole days above 24h
	if _, ok := chooseInterval(int64(31*24*time.Hour), int64(62*24*time.Hour)); ok {
		t.Fatal("an interval above 30 days must be refused")
	}
}

// TestTimeseriesAlignment is the worked example of spec/dql.md §9.
func TestTimeseriesAlignment(t *testing.T) {
	p, err := Compile(`data record(a = 1) | makeTimeseries count(), interval: 5h, from: "2023-07-14T10:00:00Z", to: "2023-07-16T10:00:00Z"`, Options{Now: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	s := p.Steps[1].(*TimeseriesStep)
	start, end := time.Unix(0, s.Start).UTC(), time.Unix(0, s.End).UTC()
	if time.Duration(s.Interval) != 6*time.Hour || start != time.Date(2023, 7, 14, 6, 0, 0, 0, time.UTC) ||
		end != time.Date(2023, 7, 16, 12, 0, 0, 0, time.UTC) || s.Slots != 9 {
		t.Fatalf("got %v – %v every %v (%d slots)", start, end, time.Duration(s.Interval), s.Slots)
	}
}

func TestSessionTimeframe(t *testing.T) {
	now := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	f := func(q string, from, to time.Time) {
		t.Helper()
		p, err := Compile(q, Options{Now: now})
		if err != nil {
			t.Fatal(err)
		}
		s := p.Steps[0].(*FetchStep)
		if s.From != from.UnixNano() || s.To != to.UnixNano() {
			t.Fatalf("%s: [%v, %v), want [%v, %v)", q, time.Unix(0, s.From).UTC(), time.Unix(0, s.To).UTC(), from, to)
		}
	}
	f(`fetch logs`, now.Add(-2*time.Hour), now)
	f(`fetch logs, from: -30min`, now.Add(-30*time.Minute), now)
	f(`fetch logs, from: -1M, to: -2d`, now.AddDate(0, -1, 0), now.AddDate(0, 0, -2))
	f(`fetch logs, from: -2h@h`, now.Add(-2*time.Hour), now)
	f(`fetch logs, timeframe: "2024-01-01T00:00:00Z/2024-01-02T00:00:00Z"`, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC))
}

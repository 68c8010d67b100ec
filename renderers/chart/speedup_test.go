package chart

import (
	"context"
	"math"
	"testing"
	"time"
)

// speedCase is a chart that TestSpeedUpSameSVG draws with and without
// trailbookChart.speedUp (notebook/ui/web/src/outputs/chartspeedup.js).
type speedCase struct {
	name          string
	opt           *Option
	width, height int
}

// series makes a line series of the values v (nil is a gap) at times t0,
// t0+step, …; a NaN time leaves the point out, as safeOption does.
func series(name string, t0, step int64, v []any) Series {
	s := Series{Name: name, Type: "line", Data: make([][2]any, len(v))}
	for i, x := range v {
		s.Data[i] = [2]any{t0 + int64(i)*step, x}
	}
	return s
}

// wave returns n values that rise and fall with a period of p points, scaled
// by a and shifted by b, every f-th a gap (none for f = 0).
func wave(n, p, f int, a, b float64) []any {
	v := make([]any, n)
	for i := range v {
		if f > 0 && i%f == f-1 {
			continue
		}
		v[i] = b + a*math.Sin(2*math.Pi*float64(i)/float64(p))
	}
	return v
}

func speedCases() []speedCase {
	t0 := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC).UnixMilli()
	opts := func(ss ...Series) *Option {
		o := &Option{Tooltip: Tooltip{Trigger: "axis"}, XAxis: Axis{Type: "time"}, YAxis: Axis{Type: "value"}}
		for _, s := range ss {
			o.Series = append(o.Series, s)
			o.Legend.Data = append(o.Legend.Data, s.Name)
		}
		return o
	}
	titled := testOption([]string{"a", "b", "c"}, 200)
	titled.Title = &Title{Text: "speed"}

	// Gaps everywhere: first and last points, runs of them, lone values
	// (drawn as dots), a series of gaps only, one point, none.
	lone := series("lone values", t0, 60_000, []any{nil, 3.0, nil, nil, 5.0, nil, 4.0, 4.0, nil, 7.5})
	lone.ShowSymbol = true
	gaps := opts(
		series("ends", t0, 60_000, []any{nil, 1.0, 2.0, 3.0, nil, nil, nil, 4.0, 5.0, nil}),
		lone,
		series("all gaps", t0, 60_000, []any{nil, nil, nil}),
		series("one point", t0, 60_000, []any{2.5}),
		series("empty", t0, 60_000, nil),
		series("every third", t0, 60_000, wave(300, 40, 3, 10, 20)),
	)

	// More points than pixels: many closer than √0.5 pixel to the last one
	// drawn, and a flat series (every point on the last).
	flat := make([]any, 4000)
	for i := range flat {
		flat[i] = int64(7)
	}
	dense := opts(series("dense", t0, 1000, wave(6000, 900, 0, 50, 0)), series("flat", t0, 1500, flat))

	// Negative, huge and tiny values, zeros.
	mixed := make([]any, 500)
	for i := range mixed {
		switch i % 5 {
		case 0:
			mixed[i] = -float64(i) * 1e12
		case 1:
			mixed[i] = 1e15 - float64(i)
		case 2:
			mixed[i] = 1e-12 * float64(i)
		case 3:
			mixed[i] = 0.0
		default:
			mixed[i] = math.Copysign(0, -1)
		}
	}
	extremes := opts(series("mixed", t0, 3_600_000, mixed), series("negative", t0, 3_600_000, wave(500, 77, 11, 1e3, -5e3)))

	// Times out of order and repeated.
	back := series("backwards", t0, -60_000, wave(200, 30, 0, 5, 5))
	repeat := series("repeated times", t0, 0, wave(50, 7, 0, 5, 10))
	unsorted := opts(back, repeat)

	big := opts(series("x", t0, 60_000, wave(3000, 500, 97, 100, 0)), series("y", t0, 60_000, wave(3000, 130, 0, 3, 50)),
		series("z", t0, 60_000, wave(3000, 2000, 0, 1e6, 1e6)))
	big.Title = &Title{Text: "three series, 3,000 points each"}

	return []speedCase{
		{"benchmark", benchOption(), DefaultWidth, DefaultHeight},
		{"title", titled, 700, 350},
		{"gaps", gaps, 900, 300},
		{"dense", dense, 300, 150},
		{"extremes", extremes, 640, 480},
		{"unsorted", unsorted, 500, 250},
		{"big", big, 1600, 900},
		{"small", testOption([]string{"only"}, 50), 120, 80},
	}
}

// TestSpeedUpSameSVG draws charts with and without trailbookChart.speedUp
// (the replaced zrender and ECharts methods) and wants the same SVG, byte for
// byte. Both runtimes draw the same charts in the same order, so ECharts'
// element ids match too.
func TestSpeedUpSameSVG(t *testing.T) {
	requireScript(t)
	slow, err := newRuntime(false)
	if err != nil {
		t.Fatal(err)
	}
	fast, err := newRuntime(true)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range speedCases() {
		t.Run(c.name, func(t *testing.T) {
			draw := func(rt *ssrRuntime) string {
				s, err := rt.draw(context.Background(), c.opt, c.width, c.height)
				if err != nil {
					t.Fatal(err)
				}
				return s
			}
			want, got := draw(slow), draw(fast)
			if got != want {
				t.Fatalf("speedUp changes the SVG:\n%s", firstDiff(want, got))
			}
			if len(want) < 1000 {
				t.Fatalf("the SVG is %d bytes: nothing drawn?", len(want))
			}
		})
	}
}

// TestSpeedUpInstalled checks that a pooled runtime draws with every
// replacement in place: one that finds nothing to replace (an ECharts whose
// internals changed) leaves the picture right but the drawing slow, which
// TestSpeedUpSameSVG cannot see.
func TestSpeedUpInstalled(t *testing.T) {
	requireScript(t)
	report := func(rt *ssrRuntime) string {
		if _, err := rt.draw(context.Background(), testOption([]string{"a"}, 10), 400, 200); err != nil {
			t.Fatal(err)
		}
		v, err := rt.vm.RunString(`trailbookChart.speedUpReport().join(", ")`)
		if err != nil {
			t.Fatal(err)
		}
		return v.String()
	}
	rt, err := get()
	if err != nil {
		t.Fatal(err)
	}
	defer put(rt)
	const want = "ECPolyline.buildPath, Polyline.buildPath, Polygon.buildPath, PathProxy.getBoundingRect, " +
		"PathProxy.rebuildPath, typed array fillStorage, DataStore.selectRange, line layout"
	if got := report(rt); got != want {
		t.Errorf("a pooled runtime draws with\n%s\nwant\n%s", got, want)
	}
	slow, err := newRuntime(false)
	if err != nil {
		t.Fatal(err)
	}
	if got := report(slow); got != "" {
		t.Errorf("a runtime without speedUp draws with %s", got)
	}
}

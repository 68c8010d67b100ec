package chart

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"math"
	"runtime"
	"sync"
	"time"

	"github.com/dop251/goja"

	"github.com/trailbook/trailbook/renderers/svg"
)

// Limits of one drawing.
const (
	// DefaultTimeout bounds a drawing whose context has no deadline. A warm
	// runtime draws 10 series × 1,500 points in under 200 milliseconds
	// (BENCH.md); thirty seconds only stops a runaway.
	DefaultTimeout = 30 * time.Second
	// MaxPoints is the most points a chart may have: ECharts in goja needs
	// about 7 µs a point, so this is half a minute of drawing at most.
	MaxPoints = 4_000_000
	// MaxSVGBytes bounds the SVG text ECharts may produce (a point is about 12
	// bytes of path data).
	MaxSVGBytes = 128 << 20
	// MaxSize bounds width and height, in CSS pixels.
	MaxSize = 8192
	// maxIdle is how many warm runtimes the pool keeps. Each holds ECharts'
	// modules (some megabytes); more than two rarely draw at once.
	maxIdle = 2
)

// prelude gives goja the few browser globals ECharts touches when it loads and
// draws on the server: timers (zrender's animation loop falls back to
// setTimeout; a server-side rendering is synchronous and never animates, so a
// timer that never fires is right) and a silent console.
const prelude = `var setTimeout = function () { return 0; };
var clearTimeout = function () {};
var console = { log: function () {}, info: function () {}, warn: function () {}, error: function () {}, debug: function () {} };`

// ssrRuntime is a goja runtime with the chart export script loaded: warm
// (ECharts' modules initialized, lazy paths taken once), drawing one chart at a
// time.
type ssrRuntime struct {
	vm     *goja.Runtime
	render goja.Callable
}

var (
	compileOnce sync.Once
	programs    [2]*goja.Program // prelude, chart.js; immutable, shared by runtimes
	compileErr  error

	idle = make(chan *ssrRuntime, maxIdle)

	// slots bounds the drawings under way, so that a burst of chart cells
	// queues for a CPU instead of loading a runtime (and ECharts) each.
	slots = make(chan struct{}, max(2, runtime.GOMAXPROCS(0)))
)

// compile parses the export script once per process (about 100 ms).
func compile() error {
	compileOnce.Do(func() {
		src, err := Script()
		if err != nil {
			compileErr = err
			return
		}
		if programs[0], err = goja.Compile("prelude.js", prelude, true); err != nil {
			compileErr = fmt.Errorf("BUG: chart prelude: %w", err)
			return
		}
		if programs[1], err = goja.Compile("chart.js", string(src), false); err != nil {
			compileErr = fmt.Errorf("cannot compile the chart export script: %w", err)
		}
	})
	return compileErr
}

// newRuntime loads the export script into a fresh goja runtime.
func newRuntime(fast bool) (*ssrRuntime, error) {
	if err := compile(); err != nil {
		return nil, err
	}
	vm := goja.New()
	for _, p := range programs {
		if _, err := vm.RunProgram(p); err != nil {
			return nil, fmt.Errorf("cannot load the chart export script: %w", err)
		}
	}
	api := vm.Get("trailbookChart")
	if api == nil || goja.IsUndefined(api) {
		return nil, errors.New("the chart export script defines no trailbookChart")
	}
	obj := api.ToObject(vm)
	call := func(name string, args ...goja.Value) (goja.Value, error) {
		f, ok := goja.AssertFunction(obj.Get(name))
		if !ok {
			return nil, fmt.Errorf("the chart export script has no trailbookChart.%s", name)
		}
		return f(obj, args...)
	}
	// Lay text out with the widths the rasterizer draws with, so that PNG
	// labels and legends fit where ECharts put them.
	if _, err := call("setMeasure", vm.ToValue(svg.MeasureText)); err != nil {
		return nil, err
	}
	if fast {
		if _, err := call("speedUp"); err != nil {
			return nil, err
		}
	}
	render, ok := goja.AssertFunction(obj.Get("renderSVG"))
	if !ok {
		return nil, errors.New("the chart export script has no trailbookChart.renderSVG")
	}
	return &ssrRuntime{vm: vm, render: render}, nil
}

// get returns a warm runtime from the pool, or a new one.
func get() (*ssrRuntime, error) {
	select {
	case rt := <-idle:
		return rt, nil
	default:
		return newRuntime(true)
	}
}

// put returns a runtime to the pool, or drops it when the pool is full.
func put(rt *ssrRuntime) {
	select {
	case idle <- rt:
	default:
	}
}

// Warm loads the chart export script into the pool's runtimes in the
// background, so that a server's first chart draws as fast as the next ones.
// It is optional: the pool fills itself on first use.
func Warm() {
	go func() {
		opt := &Option{Series: []Series{{Name: "warm", Type: "line", Data: [][2]any{{int64(0), 1}, {int64(60000), 2}}}}}
		for range maxIdle {
			rt, err := newRuntime(true)
			if err != nil {
				return
			}
			if _, err := rt.draw(context.Background(), opt, 400, 200); err != nil {
				log.Printf("chart: cannot warm the chart renderer: %v", err)
				return
			}
			put(rt)
		}
	}()
}

// renderSVG draws opt with ECharts' server-side rendering in a pooled runtime
// and returns ECharts' SVG text (not yet sanitized).
func renderSVG(ctx context.Context, opt *Option, width, height int) (string, error) {
	if opt == nil {
		return "", errors.New("no chart to draw")
	}
	if err := checkSize(opt, width, height); err != nil {
		return "", err
	}
	select {
	case slots <- struct{}{}:
		defer func() { <-slots }()
	case <-ctx.Done():
		return "", fmt.Errorf("cannot draw the chart: %w", ctx.Err())
	}
	rt, err := get()
	if err != nil {
		return "", err
	}
	s, err := rt.draw(ctx, opt, width, height)
	if err != nil {
		return "", err // the runtime may hold a half-drawn chart: drop it
	}
	put(rt)
	return s, nil
}

// checkSize refuses sizes and point counts beyond the limits.
func checkSize(opt *Option, width, height int) error {
	if width <= 0 || height <= 0 || width > MaxSize || height > MaxSize {
		return fmt.Errorf("chart size %d×%d: width and height must be 1 to %d pixels", width, height, MaxSize)
	}
	return checkPoints(opt, MaxPoints)
}

// checkPoints refuses a chart of more than limit points.
func checkPoints(opt *Option, limit int) error {
	n := 0
	for _, s := range opt.Series {
		n += len(s.Data)
	}
	if n > limit {
		return fmt.Errorf("the chart has %d points, more than the %d a picture may have: narrow the query or lengthen the interval", n, limit)
	}
	return nil
}

// draw runs trailbookChart.renderSVG; ctx (or DefaultTimeout) interrupts it.
func (rt *ssrRuntime) draw(ctx context.Context, opt *Option, width, height int) (string, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultTimeout)
		defer cancel()
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	skeleton, cols := split(opt)
	vm := rt.vm
	bufs := make([]any, len(cols))
	for i, c := range cols {
		bufs[i] = vm.NewArrayBuffer(c)
	}
	stop := context.AfterFunc(ctx, func() { vm.Interrupt(ctx.Err()) })
	v, err := rt.render(goja.Undefined(), vm.ToValue(string(skeleton)), vm.ToValue(width), vm.ToValue(height), vm.ToValue(bufs))
	if !stop() {
		vm.ClearInterrupt()
		if err == nil {
			err = ctx.Err()
		}
	}
	if err != nil {
		var ie *goja.InterruptedError
		if errors.As(err, &ie) {
			if cause, ok := ie.Value().(error); ok {
				return "", fmt.Errorf("cannot draw the chart: %w", cause)
			}
		}
		return "", fmt.Errorf("cannot draw the chart: %w", err)
	}
	s := v.String()
	if len(s) > MaxSVGBytes {
		return "", fmt.Errorf("cannot draw the chart: its SVG is larger than %d MiB", MaxSVGBytes>>20)
	}
	return s, nil
}

// split returns opt as JSON without the series' points, and the points as
// columns: per series, float64 pairs (time in epoch milliseconds, value) in the
// machine's byte order, for a Float64Array. It applies safeOption's rules
// (chartoption.js), so the picture is the one the JSON points would give:
// points whose time is not a finite number are left out, values that are not
// finite numbers become NaN, a gap.
func split(opt *Option) ([]byte, [][]byte) {
	o := *opt
	o.Series = make([]Series, len(opt.Series))
	cols := make([][]byte, len(opt.Series))
	for i, s := range opt.Series {
		o.Series[i] = Series{Name: s.Name, Type: s.Type, ShowSymbol: s.ShowSymbol, Data: [][2]any{}}
		b := make([]byte, 0, 16*len(s.Data))
		for _, p := range s.Data {
			t, ok := finite(p[0])
			if !ok {
				continue
			}
			v, ok := finite(p[1])
			if !ok {
				v = math.NaN()
			}
			b = binary.NativeEndian.AppendUint64(b, math.Float64bits(t))
			b = binary.NativeEndian.AppendUint64(b, math.Float64bits(v))
		}
		cols[i] = b
	}
	js, err := json.Marshal(&o)
	if err != nil {
		panic("BUG: cannot encode a chart option: " + err.Error())
	}
	return js, cols
}

// finite returns a point coordinate as a float64 when it is a finite number, as
// JSON would carry it to JavaScript.
func finite(v any) (float64, bool) {
	var f float64
	switch x := v.(type) {
	case int64:
		f = float64(x)
	case int:
		f = float64(x)
	case int32:
		f = float64(x)
	case uint64:
		f = float64(x)
	case float64:
		f = x
	case float32:
		f = float64(x)
	case json.Number:
		var err error
		if f, err = x.Float64(); err != nil {
			return 0, false
		}
	default:
		return 0, false
	}
	return f, !math.IsNaN(f) && !math.IsInf(f, 0)
}

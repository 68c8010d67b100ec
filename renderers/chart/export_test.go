package chart

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"strings"
	"testing"
	"time"
)

// hostile are series names that try to become markup or code in each output.
var hostile = []string{
	`</script><script>alert(1)</script>`,
	`__f__function(){alert(1)}__f__`,
	`"><img src=x onerror=alert(1)>`,
	`<svg onload=alert(1)>&amp;`,
}

// requireScript fails the test when the binary was built without the chart
// export script (it is built by make ui / make build).
func requireScript(t testing.TB) {
	t.Helper()
	if _, err := Script(); err != nil {
		t.Fatalf("%v (cd notebook/ui/web && node build.mjs, or make ui)", err)
	}
}

// testOption builds a chart of len(names) series of n points a minute apart,
// with a gap (null) in the middle of the first.
func testOption(names []string, n int) *Option {
	opt := &Option{
		Tooltip: Tooltip{Trigger: "axis"}, Legend: Legend{Type: "scroll", Data: names},
		XAxis: Axis{Type: "time"}, YAxis: Axis{Type: "value"},
	}
	start := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC).UnixMilli()
	for s, name := range names {
		d := make([][2]any, n)
		for i := range d {
			var v any = int64((i*7+s*13)%50 + s*5)
			if s == 0 && i == n/2 {
				v = nil
			}
			if i%5 == 1 {
				v = float64(i%11) + 0.5
			}
			d[i] = [2]any{start + int64(i)*60_000, v}
		}
		opt.Series = append(opt.Series, Series{Name: name, Type: "line", Data: d})
	}
	return opt
}

// xmlCheck decodes an SVG document with encoding/xml and returns its character
// data; it fails on anything but the elements SVG writes, and on event
// handler or link attributes.
func xmlCheck(t *testing.T, doc []byte) string {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(doc))
	d.Strict = true
	var text strings.Builder
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the SVG is not well-formed XML: %v", err)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			switch x.Name.Local {
			case "svg", "g", "defs", "clipPath", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan", "title", "desc", "linearGradient", "radialGradient", "stop":
			default:
				t.Fatalf("the SVG holds a <%s> element", x.Name.Local)
			}
			for _, a := range x.Attr {
				n := strings.ToLower(a.Name.Local)
				if strings.HasPrefix(n, "on") || n == "href" || n == "style" && strings.Contains(a.Value, "(") {
					t.Fatalf("the SVG has an attribute %s=%q", a.Name.Local, a.Value)
				}
			}
		case xml.CharData:
			text.Write(x)
			text.WriteByte('\n')
		}
	}
	return text.String()
}

func TestSVG(t *testing.T) {
	requireScript(t)
	names := []string{"us-east-1", "eu-west-1 · count()", "ap-south-1 & co <x>"}
	doc, err := SVG(context.Background(), testOption(names, 120), 800, 400)
	if err != nil {
		t.Fatal(err)
	}
	text := xmlCheck(t, doc)
	for _, n := range names {
		if !strings.Contains(text, n+"\n") {
			t.Errorf("the SVG's text lacks the series name %q", n)
		}
		var esc bytes.Buffer
		xml.EscapeText(&esc, []byte(n))
		if !bytes.Contains(doc, esc.Bytes()) {
			t.Errorf("the SVG lacks the escaped series name %s", esc.Bytes())
		}
	}
	s := string(doc)
	for _, want := range []string{
		`<svg xmlns="http://www.w3.org/2000/svg" width="800" height="400" viewBox="0 0 800 400">`,
		`<rect width="800" height="400" x="0" y="0" fill="#ffffff"/>`, // the white background
		`stroke="#5070dd" stroke-width="2"`,                           // the first series, in ECharts 6's first colour
	} {
		if !strings.Contains(s, want) {
			t.Errorf("the SVG lacks %s", want)
		}
	}
	// One line per series: a path in each of the first palette colours.
	for _, c := range []string{"#5070dd", "#b6d634", "#505372"} {
		if n := strings.Count(s, `fill="none" stroke="`+c+`" stroke-width="2"`); n != 1 {
			t.Errorf("%d series lines in %s, want 1", n, c)
		}
	}
	if strings.Contains(s, "<style") || strings.Contains(s, "class=") {
		t.Errorf("the SVG keeps ECharts' style sheet")
	}
}

func TestHostileNames(t *testing.T) {
	requireScript(t)
	opt := testOption(hostile, 30)
	opt.Title = &Title{Text: `<b>title</b><script>alert(2)</script>`}
	ctx := context.Background()

	doc, err := SVG(ctx, opt, 900, 400)
	if err != nil {
		t.Fatal(err)
	}
	text := xmlCheck(t, doc)
	for _, n := range append(hostile, opt.Title.Text) {
		if !strings.Contains(text, n) {
			t.Errorf("the SVG's text lacks %q", n)
		}
		if strings.ContainsAny(n, `<>&"`) && bytes.Contains(doc, []byte(n)) {
			t.Errorf("the SVG holds %q unescaped", n)
		}
	}

	page, err := HTML(ctx, opt, 900, 400)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range append(hostile, opt.Title.Text, "alert(1)</script>", "<img", "<svg onload") {
		if strings.ContainsAny(n, `<>&"`) && bytes.Contains(page, []byte(n)) {
			t.Errorf("the HTML page holds %q unescaped", n)
		}
	}
	// The option block decodes to the same names.
	const open = `<script type="application/json">`
	i := bytes.Index(page, []byte(open))
	j := bytes.Index(page[i:], []byte("</script>"))
	if i < 0 || j < 0 {
		t.Fatalf("the HTML page has no option block")
	}
	var got Option
	if err := json.Unmarshal(page[i+len(open):i+j], &got); err != nil {
		t.Fatalf("the option block: %v", err)
	}
	for k, s := range got.Series {
		if s.Name != hostile[k] {
			t.Errorf("series %d is named %q in the page, want %q", k, s.Name, hostile[k])
		}
	}
	// <script elements: the option, ECharts, and the line that draws.
	if n := bytes.Count(bytes.ToLower(page), []byte("<script")); n != 3 {
		t.Errorf("the page has %d <script elements, want 3", n)
	}
	if n := bytes.Count(bytes.ToLower(page), []byte("</script")); n != 3 {
		t.Errorf("the page closes %d scripts, want 3", n)
	}

	if _, err := PNG(ctx, opt, 900, 400, 1); err != nil {
		t.Errorf("PNG: %v", err)
	}
}

func TestPNG(t *testing.T) {
	requireScript(t)
	opt := testOption([]string{"a", "b"}, 90)
	f := func(w, h int, scale float64) {
		t.Helper()
		b, err := PNG(context.Background(), opt, w, h, scale)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("the PNG does not decode: %v", err)
		}
		W, H := int(math.Round(float64(w)*scale)), int(math.Round(float64(h)*scale))
		if got := img.Bounds().Size(); got != image.Pt(W, H) {
			t.Fatalf("%d×%d at %v: the PNG is %v, want %d×%d", w, h, scale, got, W, H)
		}
		colours := map[color.RGBA]int{}
		near := func(c, want color.RGBA) bool {
			d := func(a, b uint8) int { return max(int(a)-int(b), int(b)-int(a)) }
			return d(c.R, want.R)+d(c.G, want.G)+d(c.B, want.B) <= 12
		}
		first, second := 0, 0
		for y := 0; y < H; y++ {
			for x := 0; x < W; x++ {
				c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
				colours[c]++
				if near(c, color.RGBA{0x50, 0x70, 0xdd, 255}) {
					first++
				}
				if near(c, color.RGBA{0xb6, 0xd6, 0x34, 255}) {
					second++
				}
			}
		}
		if len(colours) < 16 {
			t.Errorf("the PNG has %d colours: blank?", len(colours))
		}
		if white := colours[color.RGBA{255, 255, 255, 255}]; white < W*H/2 {
			t.Errorf("%d of %d pixels are white: no background?", white, W*H)
		}
		// Each series' line is drawn in its colour (two pixels wide per CSS pixel of scale).
		if min := int(float64(W) * scale); first < min || second < min {
			t.Errorf("series colours cover %d and %d pixels, want at least %d each", first, second, min)
		}
	}
	f(800, 400, 1)
	f(640, 300, 2)
	f(333, 201, 1.5)
}

// TestColumnsSameAsJSON draws the points as typed columns (what SVG does)
// and as the option's JSON arrays, through safeOption, and wants the same SVG.
func TestColumnsSameAsJSON(t *testing.T) {
	requireScript(t)
	opt := testOption([]string{"a", "b"}, 150)
	opt.Series[1].Data[3][1] = nil
	opt.Series[1].Data[4][1] = "7"    // not a number: a gap for safeOption
	opt.Series[1].Data[5][0] = "late" // not a time: dropped by safeOption
	opt.Series[0].Data[6][1] = json.Number("12.5")
	a, err := newRuntime(true)
	if err != nil {
		t.Fatal(err)
	}
	typed, err := a.draw(context.Background(), opt, 600, 300)
	if err != nil {
		t.Fatal(err)
	}
	b, err := newRuntime(true)
	if err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(opt)
	if err != nil {
		t.Fatal(err)
	}
	v, err := b.render(nil, b.vm.ToValue(string(js)), b.vm.ToValue(600), b.vm.ToValue(300))
	if err != nil {
		t.Fatal(err)
	}
	if plain := v.String(); plain != typed {
		t.Fatalf("typed columns draw differently from JSON points:\n%s", firstDiff(plain, typed))
	}
}

func firstDiff(a, b string) string {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			lo := max(0, i-120)
			return fmt.Sprintf("at byte %d:\n%s\n---\n%s", i, a[lo:min(len(a), i+120)], b[lo:min(len(b), i+120)])
		}
	}
	return fmt.Sprintf("lengths %d and %d", len(a), len(b))
}

func TestInterrupt(t *testing.T) {
	requireScript(t)
	opt := testOption([]string{"a", "b", "c", "d"}, 3000)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Millisecond)
	defer cancel()
	_, err := SVG(ctx, opt, 800, 400)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("SVG past its deadline: %v, want context.DeadlineExceeded", err)
	}
	// The pool still draws.
	if _, err := SVG(context.Background(), testOption([]string{"a"}, 10), 400, 200); err != nil {
		t.Fatalf("after an interrupt: %v", err)
	}
}

func TestLimits(t *testing.T) {
	ctx := context.Background()
	opt := testOption([]string{"a"}, 10)
	for _, sz := range [][2]int{{0, 400}, {800, -1}, {MaxSize + 1, 400}} {
		if _, err := SVG(ctx, opt, sz[0], sz[1]); err == nil || !strings.Contains(err.Error(), "width and height") {
			t.Errorf("SVG at %v: %v, want a size error", sz, err)
		}
	}
	if _, err := PNG(ctx, opt, 800, 400, 0); err == nil {
		t.Errorf("PNG at scale 0: no error")
	}
	if _, err := SVG(ctx, nil, 800, 400); err == nil {
		t.Errorf("SVG of nil: no error")
	}
	big := &Option{Series: []Series{{Name: "a", Data: make([][2]any, 10)}, {Name: "b", Data: make([][2]any, 10)}}}
	if err := checkPoints(big, 19); err == nil || !strings.Contains(err.Error(), "20 points") {
		t.Errorf("20 points over a limit of 19: %v", err)
	}
}

func TestInlineScript(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		if got := string(InlineScript([]byte(in))); got != want {
			t.Errorf("InlineScript(%q) = %q, want %q", in, got, want)
		}
	}
	f(`a="</script>";b="</SCRIPT >"`, `a="<\/script>";b="<\/SCRIPT >"`)
	f(`x="<!--"`, `x="<\!--"`)
	f(`if (a </ b) {}`, `if (a </ b) {}`)
	src, err := Script()
	if err != nil {
		t.Skip("no export script")
	}
	if out := InlineScript(src); bytes.Contains(bytes.ToLower(out), []byte("</script")) || bytes.Contains(out, []byte("<!--")) {
		t.Errorf("the inlined export script still ends a <script> element")
	}
}

func TestScriptJSON(t *testing.T) {
	b, err := ScriptJSON(map[string]string{"n": "</script><!-- \u2028\u2029 & >"})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"n":"\u003c/script\u003e\u003c!-- \u2028\u2029 \u0026 \u003e"}`; string(b) != want {
		t.Errorf("ScriptJSON = %s, want %s", b, want)
	}
}

func TestFragment(t *testing.T) {
	requireScript(t)
	a, err := Fragment(context.Background(), testOption([]string{"a"}, 20), 500, 250)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Fragment(context.Background(), testOption([]string{"a"}, 20), 500, 250)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(a, []byte(`<figure class="trailbook-chart" data-width="500" data-height="250">`+"\n<svg ")) {
		t.Errorf("fragment starts %q", a[:min(len(a), 120)])
	}
	if bytes.Contains(a, []byte("style=\"")) && !bytes.Contains(a, []byte("<text")) {
		t.Errorf("the fragment has an inline style attribute")
	}
	// Two charts on one page do not share clip path ids.
	ida := idsOf(a)
	for id := range idsOf(b) {
		if ida[id] {
			t.Fatalf("two fragments share the id %q", id)
		}
	}
	if len(ida) == 0 {
		t.Fatalf("no ids in the fragment: clip paths gone?")
	}
}

func idsOf(b []byte) map[string]bool {
	ids := map[string]bool{}
	for _, part := range bytes.Split(b, []byte(` id="`))[1:] {
		ids[string(part[:bytes.IndexByte(part, '"')])] = true
	}
	return ids
}

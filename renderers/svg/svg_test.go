package svg

import (
	"errors"
	"image"
	"image/color"
	"math"
	"strings"
	"testing"
)

func TestParseErrors(t *testing.T) {
	f := func(src, want string) {
		t.Helper()
		_, err := Parse([]byte(src))
		if err == nil || !errors.Is(err, ErrSyntax) || !strings.Contains(err.Error(), want) {
			t.Fatalf("Parse(%q) = %v, want an ErrSyntax with %q", src, err, want)
		}
	}
	f(`<html></html>`, `the root element is "html"`)
	f(`<svg><g></svg>`, "not an SVG document")
	f(``, "no svg element")
	f(`<svg>`+strings.Repeat("<g>", MaxDepth+1)+strings.Repeat("</g>", MaxDepth+1)+`</svg>`, "nested deeper")
}

// TestAppend pins what the writer keeps and drops.
func TestAppend(t *testing.T) {
	f := func(src, want string) {
		t.Helper()
		n, err := Parse([]byte(src))
		if err != nil {
			t.Fatalf("Parse(%q): %v", src, err)
		}
		if got := string(Append(nil, n, "p-")); got != want {
			t.Fatalf("Append(%s)\n got: %s\nwant: %s", src, got, want)
		}
	}
	f(`<svg width="10" height="5"><rect width="10" height="5" fill="#fff"></rect></svg>`,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"5\">\n<rect width=\"10\" height=\"5\" fill=\"#fff\"/>\n</svg>\n")
	// Scripts, event handlers, links, foreign content, style sheets and classes go.
	f(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" onload="alert(1)">`+
		`<script>alert(1)</script><style>a{}</style><foreignObject><div>x</div></foreignObject>`+
		`<a href="javascript:alert(1)"><path d="M0 0L1 1"/></a><image xlink:href="http://x/y.png"/>`+
		`<path d="M0 0" class="c" onclick="alert(1)" fill="url(http://x/#a)" stroke="url(#missing)"/></svg>`,
		"<svg xmlns=\"http://www.w3.org/2000/svg\">\n<path d=\"M0 0\"/>\n</svg>\n")
	// Ids get the prefix and references follow; text is escaped.
	f(`<svg><defs><clipPath id="zr0-c0"><path d="M0 0h5v5z"/></clipPath></defs>`+
		`<g clip-path="url(#zr0-c0)"><text x="1" style="font: bold 12px sans-serif;background:url(x)">&lt;/script&gt;&amp;"</text></g></svg>`,
		"<svg xmlns=\"http://www.w3.org/2000/svg\">\n<defs>\n<clipPath id=\"p-zr0-c0\">\n<path d=\"M0 0h5v5z\"/>\n</clipPath>\n</defs>\n"+
			"<g clip-path=\"url(#p-zr0-c0)\">\n<text x=\"1\" style=\"font:bold 12px sans-serif;\">&lt;/script&gt;&amp;&#34;</text>\n</g>\n</svg>\n")
	// An id that is not a plain name is dropped, and so are references to it.
	f(`<svg><clipPath id="a b"/><g clip-path="url(#a b)"/></svg>`,
		"<svg xmlns=\"http://www.w3.org/2000/svg\">\n<clipPath/>\n<g/>\n</svg>\n")
	// A nested svg (another viewport, possibly another document) is dropped.
	f(`<svg><svg><path d="M0 0"/></svg></svg>`, "<svg xmlns=\"http://www.w3.org/2000/svg\">\n</svg>\n")
}

func TestMeasureText(t *testing.T) {
	w := MeasureText("Hello", "12px sans-serif")
	if w < 20 || w > 40 {
		t.Fatalf("Hello at 12px is %v wide", w)
	}
	if w2 := MeasureText("Hello", "normal normal 24px sans-serif"); math.Abs(w2-2*w) > 1e-9 {
		t.Fatalf("24px: %v, want %v", w2, 2*w)
	}
	if b := MeasureText("Hello", "bold 12px sans-serif"); b <= w {
		t.Fatalf("bold %v is not wider than regular %v", b, w)
	}
	// A character the fonts lack takes an em: ECharts measures line height
	// as the width of "国".
	if g := MeasureText("国", "14px sans-serif"); g != 14 {
		t.Fatalf("国 at 14px is %v wide, want 14", g)
	}
	if m := MeasureText("iiii", "10px monospace"); m != MeasureText("MMMM", "10px monospace") {
		t.Fatal("monospace is not monospaced")
	}
	if d := MeasureText("x", "no size at all"); d <= 0 {
		t.Fatalf("default size: %v", d)
	}
}

func TestTransform(t *testing.T) {
	f := func(s string, want matrix) {
		t.Helper()
		m, ok := parseTransform(s)
		if !ok {
			t.Fatalf("parseTransform(%q) failed", s)
		}
		for i := range m {
			if math.Abs(m[i]-want[i]) > 1e-9 {
				t.Fatalf("parseTransform(%q) = %v, want %v", s, m, want)
			}
		}
	}
	f("translate(10 20)", matrix{1, 0, 0, 1, 10, 20})
	f("matrix(1,0,0,-1,39.24,384.5)", matrix{1, 0, 0, -1, 39.24, 384.5})
	f("translate(10) scale(2)", matrix{2, 0, 0, 2, 10, 0}) // scale first, then translate
	f("rotate(90)", matrix{0, 1, -1, 0, 0, 0})
	f("rotate(180 5 5)", matrix{-1, 0, 0, -1, 10, 10})
	if _, ok := parseTransform("translate(1"); ok {
		t.Fatal("an unclosed transform parsed")
	}
}

func TestPathData(t *testing.T) {
	f := func(d string, want ...[]point) {
		t.Helper()
		fl := &flattener{m: identity}
		fl.pathData(d)
		if len(fl.subs) != len(want) {
			t.Fatalf("%q: %d subpaths, want %d: %v", d, len(fl.subs), len(want), fl.subs)
		}
		for i, s := range fl.subs {
			if len(s.pts) != len(want[i]) {
				t.Fatalf("%q: subpath %d is %v, want %v", d, i, s.pts, want[i])
			}
			for j := range s.pts {
				if !s.pts[j].near(want[i][j], 1e-9) {
					t.Fatalf("%q: subpath %d is %v, want %v", d, i, s.pts, want[i])
				}
			}
		}
	}
	f("M1.5.5L-2-3", []point{{1.5, .5}, {-2, -3}})
	f("M0 0h10v5H0zm20 0l1 1 2 2", []point{{0, 0}, {10, 0}, {10, 5}, {0, 5}}, []point{{20, 0}, {21, 1}, {23, 3}})
	f("M0 0 1 1", []point{{0, 0}, {1, 1}})
	f("M0 0L1 1 X 5 5", []point{{0, 0}, {1, 1}}) // stops at the error
	f("M1e1 0L2E-1 1", []point{{10, 0}, {0.2, 1}})
	// An arc ends where it says, with flags written without separators.
	fl := &flattener{m: identity}
	fl.pathData("M18.1 7A5.6 5.6 0 1 1 18.1 6.4")
	last := fl.subs[0].pts[len(fl.subs[0].pts)-1]
	if !last.near(point{18.1, 6.4}, 1e-9) || len(fl.subs[0].pts) < 10 {
		t.Fatalf("arc: %d points ending at %v", len(fl.subs[0].pts), last)
	}
}

func TestColor(t *testing.T) {
	f := func(s string, want color.NRGBA, ok bool) {
		t.Helper()
		got, gotOK := parseColor(s)
		if got != want || gotOK != ok {
			t.Fatalf("parseColor(%q) = %v %v, want %v %v", s, got, gotOK, want, ok)
		}
	}
	f("#5070dd", color.NRGBA{0x50, 0x70, 0xdd, 255}, true)
	f("#fff", color.NRGBA{255, 255, 255, 255}, true)
	f("#ff000080", color.NRGBA{255, 0, 0, 128}, true)
	f("rgb(135,175,255)", color.NRGBA{135, 175, 255, 255}, true)
	f("rgba(0, 0, 0, 0.5)", color.NRGBA{0, 0, 0, 128}, true)
	f("White", color.NRGBA{255, 255, 255, 255}, true)
	f("transparent", color.NRGBA{}, true)
	f("#12", color.NRGBA{}, false)
	f("url(#x)", color.NRGBA{}, false)
}

// render rasterizes a document at a scale and fails the test on error.
func render(t *testing.T, src string, scale float64) *image.RGBA {
	t.Helper()
	n, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	img, err := Rasterize(n, scale)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func at(img *image.RGBA, x, y int) color.RGBA { return img.RGBAAt(x, y) }

func TestRasterizeShapes(t *testing.T) {
	img := render(t, `<svg width="40" height="20" viewBox="0 0 40 20">
<rect width="40" height="20" fill="#ffffff"/>
<rect x="2" y="2" width="10" height="10" fill="rgb(255,0,0)"/>
<path d="M20 10L38 10" fill="none" stroke="#0000ff" stroke-width="2"/>
<circle cx="30" cy="4" r="3" fill="#00ff00" fill-opacity="0.5"/>
</svg>`, 1)
	if img.Bounds() != image.Rect(0, 0, 40, 20) {
		t.Fatalf("bounds %v", img.Bounds())
	}
	f := func(x, y int, want color.RGBA) {
		t.Helper()
		if got := at(img, x, y); got != want {
			t.Fatalf("pixel (%d,%d) = %v, want %v", x, y, got, want)
		}
	}
	f(0, 0, color.RGBA{255, 255, 255, 255})
	f(5, 5, color.RGBA{255, 0, 0, 255})
	f(12, 5, color.RGBA{255, 255, 255, 255})
	f(25, 9, color.RGBA{0, 0, 255, 255}) // the stroke covers y 9..11
	f(25, 10, color.RGBA{0, 0, 255, 255})
	f(25, 11, color.RGBA{255, 255, 255, 255})
	f(19, 10, color.RGBA{255, 255, 255, 255}) // butt cap: nothing before the start
	g := at(img, 30, 4)                       // half green over white
	if g.G != 255 || g.R < 120 || g.R > 135 {
		t.Fatalf("half-transparent green over white is %v", g)
	}
	// At scale 2 the same document is twice as large and the same colours sit
	// at twice the coordinates.
	img2 := render(t, `<svg width="40" height="20"><rect x="2" y="2" width="10" height="10" fill="red"/></svg>`, 2)
	if img2.Bounds().Dx() != 80 || at(img2, 10, 10) != (color.RGBA{255, 0, 0, 255}) || at(img2, 30, 10).A != 0 {
		t.Fatalf("scale 2: %v, %v, %v", img2.Bounds(), at(img2, 10, 10), at(img2, 30, 10))
	}
}

func TestRasterizeClipAndTransform(t *testing.T) {
	img := render(t, `<svg width="30" height="30">
<defs><clipPath id="c"><path d="M0 0l10 0l0 10l-10 0Z" transform="translate(10 10)"/></clipPath></defs>
<g clip-path="url(#c)"><rect width="30" height="30" fill="#000"/></g>
<rect width="4" height="4" transform="matrix(1,0,0,-1,0,30)" fill="#00f"/>
<g clip-path="url(#nowhere)"><rect width="30" height="30" fill="#f00"/></g>
</svg>`, 1)
	if c := at(img, 15, 15); c != (color.RGBA{0, 0, 0, 255}) {
		t.Fatalf("inside the clip: %v", c)
	}
	if c := at(img, 5, 15); c.A != 0 {
		t.Fatalf("outside the clip: %v", c)
	}
	if c := at(img, 1, 28); c != (color.RGBA{0, 0, 255, 255}) {
		t.Fatalf("flipped rect: %v", c)
	}
}

func TestRasterizeDashesAndJoins(t *testing.T) {
	img := render(t, `<svg width="40" height="40">
<path d="M0 5.5L40 5.5" stroke="#000" stroke-width="1" stroke-dasharray="4 4" fill="none"/>
<path d="M5 20L20 35L35 20" stroke="#000" stroke-width="4" stroke-linejoin="round" fill="none"/>
</svg>`, 1)
	on, off := at(img, 1, 5), at(img, 5, 5)
	if on.A != 255 || off.A != 0 {
		t.Fatalf("dashes: on %v, off %v", on, off)
	}
	if c := at(img, 20, 35); c.A < 200 {
		t.Fatalf("the round join at the corner is %v", c)
	}
	if c := at(img, 20, 20); c.A != 0 {
		t.Fatalf("inside the V: %v", c)
	}
}

func TestRasterizeText(t *testing.T) {
	img := render(t, `<svg width="100" height="30"><rect width="100" height="30" fill="#fff"/>
<text dominant-baseline="central" text-anchor="middle" style="font: 14px sans-serif" transform="translate(50 15)" fill="#000">Hello</text>
<text x="0" y="0" fill="#000">&lt;</text>
</svg>`, 1)
	w := MeasureText("Hello", "14px sans-serif")
	// Ink lies within the text's box, centred on (50, 15).
	minX, maxX, minY, maxY := 100, 0, 30, 0
	for y := 0; y < 30; y++ {
		for x := 0; x < 100; x++ {
			if c := at(img, x, y); c.R < 128 {
				minX, maxX, minY, maxY = min(minX, x), max(maxX, x), min(minY, y), max(maxY, y)
			}
		}
	}
	if float64(minX) < 50-w/2-2 || float64(maxX) > 50+w/2+2 || maxX-minX < int(w)-4 {
		t.Fatalf("text ink spans x %d..%d, want about %.1f..%.1f", minX, maxX, 50-w/2, 50+w/2)
	}
	if minY < 4 || maxY > 26 || (minY+maxY)/2 < 12 || (minY+maxY)/2 > 18 {
		t.Fatalf("text ink spans y %d..%d, want about 15 in the middle", minY, maxY)
	}
}

func TestRasterizeLimits(t *testing.T) {
	n, _ := Parse([]byte(`<svg width="100000" height="100000"/>`))
	if _, err := Rasterize(n, 1); err == nil {
		t.Fatal("a 10¹⁰-pixel image was made")
	}
	n, _ = Parse([]byte(`<svg/>`))
	if _, err := Rasterize(n, 1); err == nil {
		t.Fatal("an image without size was made")
	}
	n, _ = Parse([]byte(`<svg width="10" height="10"/>`))
	if _, err := Rasterize(n, 0); err == nil {
		t.Fatal("scale 0 made an image")
	}
	// Broken numbers draw nothing, without failing.
	n, _ = Parse([]byte(`<svg width="10" height="10"><path d="M0 0L1e308 1e308L0 5Z" fill="#000"/><path d="M0 0L5 NaN"/></svg>`))
	if _, err := Rasterize(n, 1); err != nil {
		t.Fatal(err)
	}
}

package svg

import (
	"strings"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gobolditalic"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/gomonobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// Text is drawn in the Go fonts, which ship with golang.org/x/image: a
// humanist sans-serif (for every family but monospace) with bold and italic,
// and a monospace. They cover Latin, Greek and Cyrillic; a character they lack
// takes one em, as a full-width fallback font would, and shows as the font's
// empty box.

// face is one font with a cache of its glyphs in em units.
type face struct {
	ttf  []byte
	once sync.Once
	f    *sfnt.Font

	ascent, descent float64 // em units, both positive

	mu     sync.Mutex
	buf    sfnt.Buffer
	glyphs map[rune]*glyph
	kern   map[[2]sfnt.GlyphIndex]float64
}

// glyph is a character's outline and advance in em units, y down.
type glyph struct {
	index   sfnt.GlyphIndex
	advance float64
	segs    []sfnt.Segment // in font units at ppem = unitsPerEm, 26.6
}

var (
	faceRegular    = &face{ttf: goregular.TTF}
	faceBold       = &face{ttf: gobold.TTF}
	faceItalic     = &face{ttf: goitalic.TTF}
	faceBoldItalic = &face{ttf: gobolditalic.TTF}
	faceMono       = &face{ttf: gomono.TTF}
	faceMonoBold   = &face{ttf: gomonobold.TTF}
)

func (fc *face) load() *face {
	fc.once.Do(func() {
		f, err := sfnt.Parse(fc.ttf)
		if err != nil {
			panic("BUG: cannot parse a Go font: " + err.Error())
		}
		fc.f = f
		fc.glyphs = map[rune]*glyph{}
		fc.kern = map[[2]sfnt.GlyphIndex]float64{}
		upem := fixed.Int26_6(f.UnitsPerEm()) << 6
		m, err := f.Metrics(&fc.buf, upem, font.HintingNone)
		if err != nil {
			panic("BUG: cannot read a Go font's metrics: " + err.Error())
		}
		u := float64(f.UnitsPerEm())
		fc.ascent = float64(m.Ascent) / 64 / u
		fc.descent = float64(m.Descent) / 64 / u
	})
	return fc
}

// glyph returns r's glyph; fc.mu must be held.
func (fc *face) glyph(r rune) *glyph {
	if g, ok := fc.glyphs[r]; ok {
		return g
	}
	u := float64(fc.f.UnitsPerEm())
	upem := fixed.Int26_6(fc.f.UnitsPerEm()) << 6
	g := &glyph{advance: 1}
	idx, err := fc.f.GlyphIndex(&fc.buf, r)
	if err == nil {
		g.index = idx
		if idx != 0 {
			if adv, err := fc.f.GlyphAdvance(&fc.buf, idx, upem, font.HintingNone); err == nil {
				g.advance = float64(adv) / 64 / u
			}
		}
		if segs, err := fc.f.LoadGlyph(&fc.buf, idx, upem, nil); err == nil {
			g.segs = append([]sfnt.Segment(nil), segs...)
		}
	}
	if len(fc.glyphs) < 65536 {
		fc.glyphs[r] = g
	}
	return g
}

// kerning returns the kerning between two glyphs in em units; fc.mu must be
// held.
func (fc *face) kerning(a, b sfnt.GlyphIndex) float64 {
	if a == 0 || b == 0 {
		return 0
	}
	k := [2]sfnt.GlyphIndex{a, b}
	if v, ok := fc.kern[k]; ok {
		return v
	}
	u := float64(fc.f.UnitsPerEm())
	v := 0.0
	if d, err := fc.f.Kern(&fc.buf, a, b, fixed.Int26_6(fc.f.UnitsPerEm())<<6, font.HintingNone); err == nil {
		v = float64(d) / 64 / u
	}
	if len(fc.kern) < 65536 {
		fc.kern[k] = v
	}
	return v
}

// fontSpec is a resolved CSS font: a face and a size in CSS pixels.
type fontSpec struct {
	face *face
	size float64
}

// width returns the advance of s in CSS pixels.
func (fs fontSpec) width(s string) float64 {
	fc := fs.face.load()
	fc.mu.Lock()
	defer fc.mu.Unlock()
	w := 0.0
	var prev sfnt.GlyphIndex
	for _, r := range s {
		g := fc.glyph(r)
		w += g.advance + fc.kerning(prev, g.index)
		prev = g.index
	}
	return w * fs.size
}

// fontProps are the CSS font properties of an element.
type fontProps struct {
	size   float64 // CSS pixels; 0 when unset
	family string
	bold   bool
	italic bool
}

// defaultFontSize is ECharts' and browsers' default, in CSS pixels.
const defaultFontSize = 12

func (p fontProps) spec() fontSpec {
	size := p.size
	if size <= 0 {
		size = defaultFontSize
	}
	mono := strings.Contains(strings.ToLower(p.family), "mono") || strings.Contains(strings.ToLower(p.family), "courier")
	var fc *face
	switch {
	case mono && p.bold:
		fc = faceMonoBold
	case mono:
		fc = faceMono
	case p.bold && p.italic:
		fc = faceBoldItalic
	case p.bold:
		fc = faceBold
	case p.italic:
		fc = faceItalic
	default:
		fc = faceRegular
	}
	return fontSpec{face: fc, size: size}
}

// setWeight reads a font-weight value.
func (p *fontProps) setWeight(v string) {
	switch v = strings.ToLower(strings.TrimSpace(v)); v {
	case "bold", "bolder", "600", "700", "800", "900":
		p.bold = true
	case "normal", "lighter", "100", "200", "300", "400", "500":
		p.bold = false
	}
}

// setStyle reads a font-style value.
func (p *fontProps) setStyle(v string) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "italic", "oblique":
		p.italic = true
	case "normal":
		p.italic = false
	}
}

// setSize reads a font-size value in px (or a bare number); pt and em are
// converted (an em of the default size).
func (p *fontProps) setSize(v string) bool {
	v = strings.ToLower(strings.TrimSpace(v))
	k := 1.0
	switch {
	case strings.HasSuffix(v, "px"):
		v = v[:len(v)-2]
	case strings.HasSuffix(v, "pt"):
		v, k = v[:len(v)-2], 4.0/3
	case strings.HasSuffix(v, "em"):
		v, k = v[:len(v)-2], defaultFontSize
	}
	n, ok := number(v)
	if !ok || n <= 0 {
		return false
	}
	p.size = n * k
	return true
}

// setShorthand reads the CSS font shorthand as ECharts writes it:
// "[style] [variant] [weight] size[/line-height] family".
func (p *fontProps) setShorthand(v string) {
	f := strings.Fields(v)
	for i, tok := range f {
		size, _, _ := strings.Cut(tok, "/")
		var q fontProps
		if q.setSize(size) {
			p.size = q.size
			p.family = strings.Join(f[i+1:], " ")
			for _, pre := range f[:i] {
				p.setWeight(pre)
				p.setStyle(pre)
			}
			return
		}
	}
}

// MeasureText returns the width in CSS pixels that Rasterize gives text in
// font, a CSS font shorthand such as "bold 13px sans-serif" (ECharts' way of
// naming fonts). Safe for concurrent use.
func MeasureText(text, font string) float64 {
	var p fontProps
	p.setShorthand(font)
	return p.spec().width(text)
}

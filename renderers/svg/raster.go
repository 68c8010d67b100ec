package svg

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"strings"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/vector"
)

// MaxPixels bounds the image Rasterize makes (4 bytes each).
const MaxPixels = 64 << 20

// Rasterize draws the document into an image of its width and height times
// scale (CSS pixels to device pixels: 1 for an image as large as the document,
// 2 for a sharp one on high-density screens). Where the document has no
// background the image is transparent.
//
// It draws what ECharts' SVG renderer writes: see the package comment. Fills
// use the nonzero rule (evenodd is drawn as nonzero); gradients are drawn in
// the mean colour of their stops; group opacity multiplies into each shape.
func Rasterize(root *Node, scale float64) (*image.RGBA, error) {
	if root == nil || root.Name != "svg" {
		return nil, errors.New("rasterize: not an svg element")
	}
	if !(scale > 0) || scale > 16 {
		return nil, fmt.Errorf("rasterize: scale %v: want more than 0, at most 16", scale)
	}
	w, h := root.Size()
	W, H := int(math.Round(w*scale)), int(math.Round(h*scale))
	if W <= 0 || H <= 0 {
		return nil, fmt.Errorf("rasterize: the document has no size (width %v, height %v)", w, h)
	}
	if W*H > MaxPixels || W > 1<<15 || H > 1<<15 {
		return nil, fmt.Errorf("rasterize: %d×%d pixels is more than the %d an image may have", W, H, MaxPixels)
	}
	r := &renderer{
		dst:   image.NewRGBA(image.Rect(0, 0, W, H)),
		ids:   map[string]*Node{},
		clips: map[clipKey]*image.Alpha{},
		scale: scale,
	}
	r.index(root)
	m := matrix{scale, 0, 0, scale, 0, 0}
	if vb, ok := viewBox(root.attr("viewBox")); ok {
		// preserveAspectRatio's default, xMidYMid meet.
		k := math.Min(w/vb[2], h/vb[3])
		tx := (w - vb[2]*k) / 2
		ty := (h - vb[3]*k) / 2
		m = matrix{k, 0, 0, k, tx - vb[0]*k, ty - vb[1]*k}.then(m)
	}
	r.children(root, state{m: m, st: applyStyle(defaultStyle(), root)})
	return r.dst, nil
}

type renderer struct {
	dst   *image.RGBA
	ids   map[string]*Node
	clips map[clipKey]*image.Alpha
	scale float64

	z   vector.Rasterizer
	cov []uint8 // coverage buffer, reused
	pts []point // stroke polygons, reused
	lns []int   // their lengths
}

// clipKey identifies a clip mask: a clipPath drawn under a transform inside
// an outer clip.
type clipKey struct {
	id    string
	m     matrix
	outer *image.Alpha
}

// state is what an element inherits: its transform, style and clip.
type state struct {
	m    matrix
	st   style
	clip *image.Alpha
}

// style holds the presentation properties an element inherits.
type style struct {
	fill, stroke               paint
	fillOpacity, strokeOpacity float64
	opacity                    float64 // product of the ancestors' opacity
	strokeWidth                float64
	join, cap                  string
	miterLimit                 float64
	dashes                     []float64
	dashOffset                 float64
	nonScaling                 bool
	font                       fontProps
	anchor, baseline           string
	preserve                   bool
	strokeFirst                bool
	hidden                     bool
}

func defaultStyle() style {
	return style{
		fill:        paint{set: true, c: color.NRGBA{0, 0, 0, 255}},
		stroke:      paint{set: true, none: true},
		fillOpacity: 1, strokeOpacity: 1, opacity: 1,
		strokeWidth: 1, join: "miter", cap: "butt", miterLimit: 4,
		anchor: "start", baseline: "auto",
	}
}

func (r *renderer) index(n *Node) {
	if id, ok := n.Attr("id"); ok {
		if _, dup := r.ids[id]; !dup {
			r.ids[id] = n
		}
	}
	for _, c := range n.Children {
		r.index(c)
	}
}

func (r *renderer) children(n *Node, s state) {
	for _, c := range n.Children {
		r.node(c, s)
	}
}

// node draws an element and its children.
func (r *renderer) node(n *Node, parent state) {
	switch n.Name {
	case "defs", "clipPath", "linearGradient", "radialGradient", "title", "desc", "style", "script", "svg":
		return // drawn only by reference, or never
	}
	s := parent
	s.st = applyStyle(parent.st, n)
	if s.st.hidden {
		return
	}
	if t, ok := n.Attr("transform"); ok {
		m, ok := parseTransform(t)
		if !ok {
			return
		}
		s.m = m.then(parent.m)
	}
	if cp, ok := n.Attr("clip-path"); ok {
		id, ok := localRef(cp)
		if !ok || r.ids[id] == nil || r.ids[id].Name != "clipPath" {
			return // a missing clip path hides the element (SVG 1.1 says error)
		}
		s.clip = r.clipMask(id, s)
	}
	switch n.Name {
	case "g", "a":
		r.children(n, s)
	case "text":
		r.text(n, s)
	default:
		if f := r.geometry(n, s.m); f != nil {
			r.shape(f.subs, s)
		}
	}
}

// geometry flattens a shape element in device space; nil for other elements.
func (r *renderer) geometry(n *Node, m matrix) *flattener {
	f := &flattener{m: m}
	num := func(name string) float64 {
		v, _ := length(n.attr(name))
		return v
	}
	switch n.Name {
	case "path":
		f.pathData(n.attr("d"))
	case "rect":
		rx, okx := length(n.attr("rx"))
		ry, oky := length(n.attr("ry"))
		if !okx {
			rx = ry
		}
		if !oky {
			ry = rx
		}
		f.rect(num("x"), num("y"), num("width"), num("height"), rx, ry)
	case "circle":
		f.ellipse(point{num("cx"), num("cy")}, num("r"), num("r"))
	case "ellipse":
		f.ellipse(point{num("cx"), num("cy")}, num("rx"), num("ry"))
	case "line":
		f.moveTo(point{num("x1"), num("y1")})
		f.lineTo(point{num("x2"), num("y2")})
	case "polyline":
		f.points(n.attr("points"), false)
	case "polygon":
		f.points(n.attr("points"), true)
	default:
		return nil
	}
	return f
}

// shape fills and strokes subpaths, in the element's paint order.
func (r *renderer) shape(subs []subpath, s state) {
	if s.st.strokeFirst {
		r.strokeShape(subs, s)
		r.fillShape(subs, s)
	} else {
		r.fillShape(subs, s)
		r.strokeShape(subs, s)
	}
}

// fillShape fills subpaths with the fill paint. A fill closes every subpath,
// a polyline's too, as SVG says; a line has no area.
func (r *renderer) fillShape(subs []subpath, s state) {
	c, ok := r.color(s.st.fill, s.st.fillOpacity*s.st.opacity)
	if !ok || len(subs) == 0 {
		return
	}
	r.pts, r.lns = r.pts[:0], r.lns[:0]
	for _, sp := range subs {
		if len(sp.pts) < 3 {
			continue
		}
		r.pts = append(r.pts, sp.pts...)
		r.lns = append(r.lns, len(sp.pts))
	}
	r.paint(c, s.clip)
}

// strokeShape strokes subpaths with the stroke paint.
func (r *renderer) strokeShape(subs []subpath, s state) {
	c, ok := r.color(s.st.stroke, s.st.strokeOpacity*s.st.opacity)
	if !ok || len(subs) == 0 {
		return
	}
	k := s.m.scale()
	if s.st.nonScaling {
		k = r.scale
	}
	st := strokeStyle{
		width: s.st.strokeWidth * k, join: s.st.join, cap: s.st.cap, miterLimit: s.st.miterLimit,
		dashOffset: s.st.dashOffset * k,
	}
	if st.width <= 0 {
		return
	}
	// A hairline thinner than a device pixel is drawn a pixel wide and
	// lighter, as browsers do, rather than as a faint broken line.
	if st.width < 1 {
		c.A = uint8(float64(c.A)*st.width + 0.5)
		st.width = 1
	}
	for _, d := range s.st.dashes {
		st.dashes = append(st.dashes, d*k)
	}
	r.pts, r.lns = r.pts[:0], r.lns[:0]
	stroke(subs, st, r)
	r.paint(c, s.clip)
}

// polygon collects a stroke polygon, oriented clockwise so that overlapping
// pieces add up instead of cancelling.
func (r *renderer) polygon(pts []point) {
	if len(pts) < 3 {
		return
	}
	area := 0.0
	for i := range pts {
		a, b := pts[i], pts[(i+1)%len(pts)]
		area += a.cross(b)
	}
	start := len(r.pts)
	r.pts = append(r.pts, pts...)
	if area < 0 {
		q := r.pts[start:]
		for i, j := 0, len(q)-1; i < j; i, j = i+1, j-1 {
			q[i], q[j] = q[j], q[i]
		}
	}
	r.lns = append(r.lns, len(pts))
}

// paint fills the collected polygons (r.pts, r.lns) in colour c, within clip.
func (r *renderer) paint(c color.NRGBA, clip *image.Alpha) {
	box, mask := r.coverage(clip)
	if mask != nil {
		draw.DrawMask(r.dst, box, image.NewUniform(c), image.Point{}, mask, image.Point{}, draw.Over)
	}
}

// coverage rasterizes the collected polygons (r.pts, r.lns) within clip: the
// device rectangle they cover and their coverage over it (in r.cov, valid until
// the next call), or a nil mask when they cover nothing.
func (r *renderer) coverage(clip *image.Alpha) (image.Rectangle, *image.Alpha) {
	if len(r.lns) == 0 {
		return image.Rectangle{}, nil
	}
	minX, minY := math.Inf(1), math.Inf(1)
	maxX, maxY := math.Inf(-1), math.Inf(-1)
	for _, p := range r.pts {
		if math.IsNaN(p.x) || math.IsNaN(p.y) || math.IsInf(p.x, 0) || math.IsInf(p.y, 0) {
			return image.Rectangle{}, nil // a broken coordinate: nothing rather than garbage
		}
		minX, minY = math.Min(minX, p.x), math.Min(minY, p.y)
		maxX, maxY = math.Max(maxX, p.x), math.Max(maxY, p.y)
	}
	box := image.Rect(int(math.Floor(max(minX, -1))), int(math.Floor(max(minY, -1))),
		int(math.Ceil(min(maxX, 1<<20)))+1, int(math.Ceil(min(maxY, 1<<20)))+1)
	box = box.Intersect(r.dst.Bounds())
	if clip != nil {
		box = box.Intersect(clip.Rect)
	}
	if box.Empty() {
		return image.Rectangle{}, nil
	}
	w, h := box.Dx(), box.Dy()
	r.z.Reset(w, h)
	ox, oy := float64(box.Min.X), float64(box.Min.Y)
	i := 0
	for _, n := range r.lns {
		poly := r.pts[i : i+n]
		i += n
		r.z.MoveTo(float32(poly[0].x-ox), float32(poly[0].y-oy))
		for _, p := range poly[1:] {
			r.z.LineTo(float32(p.x-ox), float32(p.y-oy))
		}
		r.z.ClosePath()
	}
	if cap(r.cov) < w*h {
		r.cov = make([]uint8, w*h)
	}
	mask := &image.Alpha{Pix: r.cov[:w*h], Stride: w, Rect: image.Rect(0, 0, w, h)}
	clear(mask.Pix)
	r.z.DrawOp = draw.Src
	r.z.Draw(mask, mask.Rect, image.Opaque, image.Point{})
	if clip != nil {
		for y := 0; y < h; y++ {
			row := mask.Pix[y*w : y*w+w]
			crow := clip.Pix[clip.PixOffset(box.Min.X, box.Min.Y+y):]
			for x, a := range row {
				if a != 0 {
					row[x] = uint8((uint32(a)*uint32(crow[x]) + 127) / 255)
				}
			}
		}
	}
	return box, mask
}

// color resolves a paint at an opacity; false for nothing to draw.
func (r *renderer) color(p paint, opacity float64) (color.NRGBA, bool) {
	if p.none || opacity <= 0 {
		return color.NRGBA{}, false
	}
	c := p.c
	if p.gradient != "" {
		var ok bool
		if c, ok = r.gradientColor(p.gradient); !ok {
			return c, false
		}
	}
	c.A = uint8(math.Round(float64(c.A) * math.Min(opacity, 1)))
	return c, c.A > 0
}

// gradientColor is the mean colour of a gradient's stops.
func (r *renderer) gradientColor(id string) (color.NRGBA, bool) {
	g := r.ids[id]
	if g == nil || (g.Name != "linearGradient" && g.Name != "radialGradient") {
		return color.NRGBA{}, false
	}
	var sum [4]float64
	n := 0.0
	for _, s := range g.Children {
		if s.Name != "stop" {
			continue
		}
		c, ok := parseColor(styleValue(s, "stop-color", "black"))
		if !ok {
			continue
		}
		a := float64(c.A)
		if v, ok := number(styleValue(s, "stop-opacity", "1")); ok {
			a *= v
		}
		sum[0] += float64(c.R)
		sum[1] += float64(c.G)
		sum[2] += float64(c.B)
		sum[3] += a
		n++
	}
	if n == 0 {
		return color.NRGBA{}, false
	}
	return color.NRGBA{uint8(sum[0] / n), uint8(sum[1] / n), uint8(sum[2] / n), uint8(sum[3] / n)}, true
}

// clipMask returns the coverage of clipPath id drawn in state s: the union of
// its shapes, within the clip s already has.
func (r *renderer) clipMask(id string, s state) *image.Alpha {
	key := clipKey{id, s.m, s.clip}
	if m, ok := r.clips[key]; ok {
		return m
	}
	cp := r.ids[id]
	m := s.m
	if t, ok := cp.Attr("transform"); ok {
		if tm, ok := parseTransform(t); ok {
			m = tm.then(m)
		}
	}
	mask := image.NewAlpha(r.dst.Bounds())
	for _, c := range cp.Children {
		cm := m
		if t, ok := c.Attr("transform"); ok {
			tm, ok := parseTransform(t)
			if !ok {
				continue
			}
			cm = tm.then(m)
		}
		f := r.geometry(c, cm)
		if f == nil {
			continue
		}
		r.pts, r.lns = r.pts[:0], r.lns[:0]
		for _, sp := range f.subs {
			if len(sp.pts) >= 3 {
				r.pts = append(r.pts, sp.pts...)
				r.lns = append(r.lns, len(sp.pts))
			}
		}
		box, cov := r.coverage(nil)
		if cov == nil {
			continue
		}
		for y := 0; y < box.Dy(); y++ {
			row := cov.Pix[y*cov.Stride : y*cov.Stride+box.Dx()]
			mrow := mask.Pix[mask.PixOffset(box.Min.X, box.Min.Y+y):]
			for x, a := range row {
				if a > mrow[x] {
					mrow[x] = a
				}
			}
		}
	}
	if s.clip != nil {
		for y := mask.Rect.Min.Y; y < mask.Rect.Max.Y; y++ {
			for x := mask.Rect.Min.X; x < mask.Rect.Max.X; x++ {
				i := mask.PixOffset(x, y)
				var o uint32
				if (image.Point{x, y}).In(s.clip.Rect) {
					o = uint32(s.clip.Pix[s.clip.PixOffset(x, y)])
				}
				mask.Pix[i] = uint8((uint32(mask.Pix[i])*o + 127) / 255)
			}
		}
	}
	// Narrow the mask's bounds to what it covers, so that clipped shapes
	// rasterize only there.
	mask = mask.SubImage(coverBounds(mask)).(*image.Alpha)
	if len(r.clips) < 4096 {
		r.clips[key] = mask
	}
	return mask
}

// coverBounds is the smallest rectangle holding every non-zero pixel of a.
func coverBounds(a *image.Alpha) image.Rectangle {
	b := a.Rect
	minX, minY, maxX, maxY := b.Max.X, b.Max.Y, b.Min.X, b.Min.Y
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := a.Pix[(y-b.Min.Y)*a.Stride : (y-b.Min.Y)*a.Stride+b.Dx()]
		for x, v := range row {
			if v != 0 {
				minX, maxX = min(minX, b.Min.X+x), max(maxX, b.Min.X+x+1)
				minY, maxY = min(minY, y), max(maxY, y+1)
			}
		}
	}
	if minX >= maxX {
		return image.Rectangle{}
	}
	return image.Rect(minX, minY, maxX, maxY)
}

// text draws a text element's characters (and its tspans') as glyph outlines.
func (r *renderer) text(n *Node, s state) {
	x, _ := length(firstNumber(n.attr("x")))
	y, _ := length(firstNumber(n.attr("y")))
	pen := r.run(n.Text, point{x, y}, s)
	for _, c := range n.Children {
		if c.Name != "tspan" {
			continue
		}
		cs := s
		cs.st = applyStyle(s.st, c)
		if cs.st.hidden {
			continue
		}
		p := pen
		if v, ok := c.Attr("x"); ok {
			p.x, _ = length(firstNumber(v))
		}
		if v, ok := c.Attr("y"); ok {
			p.y, _ = length(firstNumber(v))
		}
		pen = r.run(c.Text, p, cs)
	}
}

// firstNumber is the first of a list of numbers (x="1 2 3" places each
// character; only the first is used).
func firstNumber(s string) string {
	f := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' })
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

// run draws one run of text at pen (user space; x at the anchor, y at the
// dominant baseline) and returns the pen after it.
func (r *renderer) run(text string, pen point, s state) point {
	text = whitespace(text, s.st.preserve)
	if text == "" {
		return pen
	}
	fs := s.st.font.spec()
	fc := fs.face.load()
	w := fs.width(text)
	switch s.st.anchor {
	case "middle":
		pen.x -= w / 2
	case "end":
		pen.x -= w
	}
	base := pen.y
	switch s.st.baseline {
	case "central":
		base += (fc.ascent - fc.descent) / 2 * fs.size
	case "middle":
		base += (fc.ascent - fc.descent) / 2 * fs.size // x-height/2 in theory; close enough
	case "hanging", "text-before-edge", "before-edge", "text-top":
		base += fc.ascent * fs.size
	case "text-after-edge", "after-edge", "ideographic", "text-bottom":
		base -= fc.descent * fs.size
	}
	fc.mu.Lock()
	k := fs.size / float64(fc.f.UnitsPerEm()) / 64 // 26.6 font units to CSS pixels
	f := &flattener{}
	x := pen.x
	var prev sfnt.GlyphIndex
	for _, ch := range text {
		g := fc.glyph(ch)
		x += fc.kerning(prev, g.index) * fs.size
		prev = g.index
		f.m = matrix{k, 0, 0, k, x, base}.then(s.m)
		for _, seg := range g.segs {
			a := seg.Args
			p := func(i int) point { return point{float64(a[i].X), float64(a[i].Y)} }
			switch seg.Op {
			case sfnt.SegmentOpMoveTo:
				f.close()
				f.moveTo(p(0))
			case sfnt.SegmentOpLineTo:
				f.lineTo(p(0))
			case sfnt.SegmentOpQuadTo:
				f.quadTo(p(0), p(1))
			case sfnt.SegmentOpCubeTo:
				f.cubicTo(p(0), p(1), p(2))
			}
		}
		f.close()
		x += g.advance * fs.size
	}
	fc.mu.Unlock()
	r.shape(f.subs, s)
	return point{pen.x + w, pen.y}
}

// whitespace applies xml:space: by default newlines go, tabs become spaces,
// runs of spaces become one and the ends are trimmed; preserved, newlines and
// tabs become spaces.
func whitespace(s string, preserve bool) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case '\n', '\r':
			if preserve {
				return ' '
			}
			return -1
		case '\t':
			return ' '
		}
		return r
	}, s)
	if preserve {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

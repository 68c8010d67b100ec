package svg

import (
	"math"
)

// subpath is a flattened subpath in device pixels.
type subpath struct {
	pts    []point
	closed bool
}

// flattener turns path commands in user space into polylines in device space:
// it applies m to the control points (an affine map keeps Bézier curves) and
// cuts curves into lines no further than flatTolerance pixels from them.
type flattener struct {
	m     matrix
	subs  []subpath
	start point // user space: the current subpath's first point
	cur   point // user space: the current point
	open  bool  // a subpath has begun
}

func (f *flattener) moveTo(p point) {
	f.subs = append(f.subs, subpath{pts: []point{f.m.apply(p)}})
	f.start, f.cur, f.open = p, p, true
}

func (f *flattener) ensure() {
	if !f.open {
		f.moveTo(f.cur)
	}
}

func (f *flattener) add(p point) {
	s := &f.subs[len(f.subs)-1]
	s.pts = append(s.pts, p)
}

func (f *flattener) lineTo(p point) {
	f.ensure()
	f.add(f.m.apply(p))
	f.cur = p
}

func (f *flattener) quadTo(c, p point) {
	f.ensure()
	p0, p1, p2 := f.m.apply(f.cur), f.m.apply(c), f.m.apply(p)
	dd := p0.sub(p1.mul(2)).add(p2).len()
	n := segments(dd / 4)
	for i := 1; i <= n; i++ {
		t := float64(i) / float64(n)
		f.add(lerp(lerp(p0, p1, t), lerp(p1, p2, t), t))
	}
	f.cur = p
}

func (f *flattener) cubicTo(c1, c2, p point) {
	f.ensure()
	p0, p1, p2, p3 := f.m.apply(f.cur), f.m.apply(c1), f.m.apply(c2), f.m.apply(p)
	dd := math.Max(p0.sub(p1.mul(2)).add(p2).len(), p1.sub(p2.mul(2)).add(p3).len())
	n := segments(dd * 3 / 4)
	for i := 1; i <= n; i++ {
		t := float64(i) / float64(n)
		a, b, c := lerp(p0, p1, t), lerp(p1, p2, t), lerp(p2, p3, t)
		d, e := lerp(a, b, t), lerp(b, c, t)
		f.add(lerp(d, e, t))
	}
	f.cur = p
}

// segments is how many lines keep a curve whose second difference is dd
// within flatTolerance: the error of n chords is about dd/n².
func segments(dd float64) int {
	n := int(math.Ceil(math.Sqrt(dd / flatTolerance)))
	return max(1, min(n, 256))
}

// flatTolerance is how far, in device pixels, a flattened curve may stray
// from the curve: a tenth of a pixel is below what antialiasing shows.
const flatTolerance = 0.1

func (f *flattener) close() {
	if f.open {
		s := &f.subs[len(f.subs)-1]
		s.closed = true
		f.cur = f.start
		f.open = false
	}
}

// arcTo draws an elliptical arc from the current point to p as SVG's A
// command: radii rx, ry, x-axis rotation phi in degrees, the large-arc and
// sweep flags. It converts the arc to its centre form and emits a cubic per
// quarter turn at most (SVG 1.1 appendix F.6).
func (f *flattener) arcTo(rx, ry, phi float64, large, sweep bool, p point) {
	p0 := f.cur
	if p0.near(p, 1e-9) {
		return
	}
	rx, ry = math.Abs(rx), math.Abs(ry)
	if rx == 0 || ry == 0 {
		f.lineTo(p)
		return
	}
	sin, cos := math.Sincos(phi * math.Pi / 180)
	dx, dy := (p0.x-p.x)/2, (p0.y-p.y)/2
	x1 := cos*dx + sin*dy
	y1 := -sin*dx + cos*dy
	if l := x1*x1/(rx*rx) + y1*y1/(ry*ry); l > 1 {
		s := math.Sqrt(l)
		rx, ry = rx*s, ry*s
	}
	num := rx*rx*ry*ry - rx*rx*y1*y1 - ry*ry*x1*x1
	den := rx*rx*y1*y1 + ry*ry*x1*x1
	k := 0.0
	if den > 0 && num > 0 {
		k = math.Sqrt(num / den)
	}
	if large == sweep {
		k = -k
	}
	cx1, cy1 := k*rx*y1/ry, -k*ry*x1/rx
	cx := cos*cx1 - sin*cy1 + (p0.x+p.x)/2
	cy := sin*cx1 + cos*cy1 + (p0.y+p.y)/2
	angle := func(ux, uy, vx, vy float64) float64 {
		return math.Atan2(ux*vy-uy*vx, ux*vx+uy*vy)
	}
	t1 := angle(1, 0, (x1-cx1)/rx, (y1-cy1)/ry)
	dt := angle((x1-cx1)/rx, (y1-cy1)/ry, (-x1-cx1)/rx, (-y1-cy1)/ry)
	if !sweep && dt > 0 {
		dt -= 2 * math.Pi
	} else if sweep && dt < 0 {
		dt += 2 * math.Pi
	}
	n := int(math.Ceil(math.Abs(dt) / (math.Pi / 2)))
	step := dt / float64(n)
	kappa := 4.0 / 3 * math.Tan(step/4)
	at := func(t float64) (point, point) { // point and derivative on the ellipse
		st, ct := math.Sincos(t)
		return point{cx + rx*ct*cos - ry*st*sin, cy + rx*ct*sin + ry*st*cos},
			point{-rx*st*cos - ry*ct*sin, -rx*st*sin + ry*ct*cos}
	}
	a, da := at(t1)
	for i := 1; i <= n; i++ {
		t := t1 + step*float64(i)
		b, db := at(t)
		if i == n {
			b = p
		}
		f.cubicTo(a.add(da.mul(kappa)), b.sub(db.mul(kappa)), b)
		a, da = b, db
	}
}

// pathData flattens the d attribute of a path. It stops at the first error, as
// SVG renders a path up to its first error.
func (f *flattener) pathData(d string) {
	sc := scanner{s: d}
	var cmd byte
	var lastCtrl point // the previous curve's second control point, for S and T
	var lastCmd byte
	for {
		sc.skipSep()
		if sc.done() {
			return
		}
		if c := sc.s[sc.i]; c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' {
			cmd = c
			sc.i++
		} else if cmd == 0 {
			return
		}
		rel := cmd >= 'a'
		base := point{}
		if rel {
			base = f.cur
		}
		num := func() (float64, bool) { sc.skipSep(); return sc.number() }
		pt := func() (point, bool) {
			x, ok := num()
			if !ok {
				return point{}, false
			}
			y, ok := num()
			return point{x, y}.add(base), ok
		}
		upper := cmd &^ 0x20
		switch upper {
		case 'M':
			p, ok := pt()
			if !ok {
				return
			}
			f.moveTo(p)
			// Further pairs are implicit line-tos.
			if rel {
				cmd = 'l'
			} else {
				cmd = 'L'
			}
		case 'L':
			p, ok := pt()
			if !ok {
				return
			}
			f.lineTo(p)
		case 'H':
			x, ok := num()
			if !ok {
				return
			}
			if rel {
				x += f.cur.x
			}
			f.lineTo(point{x, f.cur.y})
		case 'V':
			y, ok := num()
			if !ok {
				return
			}
			if rel {
				y += f.cur.y
			}
			f.lineTo(point{f.cur.x, y})
		case 'C':
			c1, ok1 := pt()
			c2, ok2 := pt()
			p, ok3 := pt()
			if !ok1 || !ok2 || !ok3 {
				return
			}
			f.cubicTo(c1, c2, p)
			lastCtrl = c2
		case 'S':
			c2, ok1 := pt()
			p, ok2 := pt()
			if !ok1 || !ok2 {
				return
			}
			c1 := f.cur
			if lastCmd == 'C' || lastCmd == 'S' {
				c1 = f.cur.mul(2).sub(lastCtrl)
			}
			f.cubicTo(c1, c2, p)
			lastCtrl = c2
		case 'Q':
			c, ok1 := pt()
			p, ok2 := pt()
			if !ok1 || !ok2 {
				return
			}
			f.quadTo(c, p)
			lastCtrl = c
		case 'T':
			p, ok := pt()
			if !ok {
				return
			}
			c := f.cur
			if lastCmd == 'Q' || lastCmd == 'T' {
				c = f.cur.mul(2).sub(lastCtrl)
			}
			f.quadTo(c, p)
			lastCtrl = c
		case 'A':
			rx, ok1 := num()
			ry, ok2 := num()
			phi, ok3 := num()
			sc.skipSep()
			large, ok4 := sc.flag()
			sc.skipSep()
			sweep, ok5 := sc.flag()
			p, ok6 := pt()
			if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) {
				return
			}
			f.arcTo(rx, ry, phi, large, sweep, p)
		case 'Z':
			f.close()
		default:
			return
		}
		lastCmd = upper
	}
}

// points flattens the points attribute of polyline and polygon.
func (f *flattener) points(s string, closed bool) {
	v, ok := numbers(s)
	if !ok {
		// Render up to the error, as for path data.
		sc := scanner{s: s}
		v = v[:0]
		for {
			sc.skipSep()
			x, ok := sc.number()
			if !ok {
				break
			}
			v = append(v, x)
		}
	}
	for i := 0; i+1 < len(v); i += 2 {
		p := point{v[i], v[i+1]}
		if i == 0 {
			f.moveTo(p)
		} else {
			f.lineTo(p)
		}
	}
	if closed {
		f.close()
	}
}

// rect adds a rectangle with optional rounded corners.
func (f *flattener) rect(x, y, w, h, rx, ry float64) {
	if w <= 0 || h <= 0 {
		return
	}
	rx, ry = min(rx, w/2), min(ry, h/2)
	if rx <= 0 || ry <= 0 {
		f.moveTo(point{x, y})
		f.lineTo(point{x + w, y})
		f.lineTo(point{x + w, y + h})
		f.lineTo(point{x, y + h})
		f.close()
		return
	}
	f.moveTo(point{x + rx, y})
	f.lineTo(point{x + w - rx, y})
	f.arcTo(rx, ry, 0, false, true, point{x + w, y + ry})
	f.lineTo(point{x + w, y + h - ry})
	f.arcTo(rx, ry, 0, false, true, point{x + w - rx, y + h})
	f.lineTo(point{x + rx, y + h})
	f.arcTo(rx, ry, 0, false, true, point{x, y + h - ry})
	f.lineTo(point{x, y + ry})
	f.arcTo(rx, ry, 0, false, true, point{x + rx, y})
	f.close()
}

// ellipse adds an ellipse centred on c.
func (f *flattener) ellipse(c point, rx, ry float64) {
	if rx <= 0 || ry <= 0 {
		return
	}
	f.moveTo(point{c.x + rx, c.y})
	f.arcTo(rx, ry, 0, false, true, point{c.x - rx, c.y})
	f.arcTo(rx, ry, 0, false, true, point{c.x + rx, c.y})
	f.close()
}

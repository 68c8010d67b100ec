package svg

import (
	"math"
)

// strokeStyle is how a stroke is drawn, in device pixels.
type strokeStyle struct {
	width      float64
	join       string // miter, round, bevel
	cap        string // butt, round, square
	miterLimit float64
	dashes     []float64 // on, off, on, …; none for a solid line
	dashOffset float64
}

// polygonSink receives the polygons a stroke is made of.
type polygonSink interface {
	polygon(pts []point)
}

// stroke outlines the subpaths as polygons: a quadrilateral per segment, a
// join at each inner vertex and a cap at each open end. The pieces overlap;
// the rasterizer's coverage, which clamps the sum of same-orientation polygons
// at full, makes their union (polygon orients every piece the same way).
func stroke(subs []subpath, st strokeStyle, out polygonSink) {
	if st.width <= 0 {
		return
	}
	if len(st.dashes) > 0 {
		subs = dash(subs, st.dashes, st.dashOffset)
	}
	hw := st.width / 2
	for _, s := range subs {
		pts := dedupe(s.pts, s.closed)
		if len(pts) == 1 || (len(pts) == 2 && s.closed && pts[0] == pts[1]) {
			dot(pts[0], hw, st.cap, out)
			continue
		}
		n := len(pts)
		for i := 0; i+1 < n; i++ {
			segment(pts[i], pts[i+1], hw, out)
		}
		if s.closed {
			segment(pts[n-1], pts[0], hw, out)
			for i := 0; i < n; i++ {
				join(pts[(i+n-1)%n], pts[i], pts[(i+1)%n], hw, st, out)
			}
			continue
		}
		for i := 1; i+1 < n; i++ {
			join(pts[i-1], pts[i], pts[i+1], hw, st, out)
		}
		capEnd(pts[1], pts[0], hw, st.cap, out)
		capEnd(pts[n-2], pts[n-1], hw, st.cap, out)
	}
}

// dedupe drops points equal to the one before (and, for a closed subpath, a
// last point equal to the first).
func dedupe(pts []point, closed bool) []point {
	out := pts[:0:0]
	for i, p := range pts {
		if i > 0 && p.near(out[len(out)-1], 1e-9) {
			continue
		}
		out = append(out, p)
	}
	if closed && len(out) > 2 && out[len(out)-1].near(out[0], 1e-9) {
		out = out[:len(out)-1]
	}
	return out
}

// normal returns the unit normal of a→b scaled by hw.
func normal(a, b point, hw float64) point {
	d := b.sub(a)
	l := d.len()
	if l == 0 {
		return point{}
	}
	return point{-d.y / l * hw, d.x / l * hw}
}

func segment(a, b point, hw float64, out polygonSink) {
	n := normal(a, b, hw)
	out.polygon([]point{a.add(n), b.add(n), b.sub(n), a.sub(n)})
}

// join fills the wedge at b between segments a→b and b→c on the outer side.
func join(a, b, c point, hw float64, st strokeStyle, out polygonSink) {
	n0, n1 := normal(a, b, hw), normal(b, c, hw)
	turn := b.sub(a).cross(c.sub(b))
	if math.Abs(turn) < 1e-12 && b.sub(a).dot(c.sub(b)) > 0 {
		return // straight on
	}
	if turn > 0 { // turning one way: the outer side is the other normal
		n0, n1 = n0.mul(-1), n1.mul(-1)
	}
	switch st.join {
	case "round":
		out.polygon(circle(b, hw))
		return
	case "miter", "miter-clip", "arcs", "":
		// The miter tip is where the two offset lines meet: along the
		// bisector of the normals, hw / cos(θ/2) from b.
		bis := n0.add(n1)
		if l := bis.len(); l > 1e-12 {
			cosHalf := bis.mul(1 / l).dot(n0.mul(1 / hw))
			if cosHalf > 1e-6 && 1/cosHalf <= math.Max(st.miterLimit, 1) {
				tip := b.add(bis.mul(hw / cosHalf / l))
				out.polygon([]point{b, b.add(n0), tip, b.add(n1)})
				return
			}
		}
	}
	out.polygon([]point{b, b.add(n0), b.add(n1)}) // bevel
}

// capEnd adds the cap at end b of a line coming from a.
func capEnd(a, b point, hw float64, cap string, out polygonSink) {
	switch cap {
	case "round":
		out.polygon(circle(b, hw))
	case "square":
		n := normal(a, b, hw)
		d := point{n.y, -n.x} // along a→b, length hw
		if d.dot(b.sub(a)) < 0 {
			d = d.mul(-1)
		}
		out.polygon([]point{b.add(n), b.add(n).add(d), b.sub(n).add(d), b.sub(n)})
	}
}

// dot draws a zero-length subpath: a disc or square for round or square caps.
func dot(p point, hw float64, cap string, out polygonSink) {
	switch cap {
	case "round":
		out.polygon(circle(p, hw))
	case "square":
		out.polygon([]point{{p.x - hw, p.y - hw}, {p.x + hw, p.y - hw}, {p.x + hw, p.y + hw}, {p.x - hw, p.y + hw}})
	}
}

// circle approximates a circle of radius r within flatTolerance.
func circle(c point, r float64) []point {
	n := 8
	if r > flatTolerance {
		n = max(8, min(128, int(math.Ceil(math.Pi/math.Acos(1-flatTolerance/r)))))
	}
	pts := make([]point, n)
	for i := range pts {
		s, co := math.Sincos(2 * math.Pi * float64(i) / float64(n))
		pts[i] = point{c.x + r*co, c.y + r*s}
	}
	return pts
}

// dash cuts subpaths into the "on" pieces of a dash pattern.
func dash(subs []subpath, pattern []float64, offset float64) []subpath {
	total := 0.0
	for _, d := range pattern {
		if d < 0 {
			return subs
		}
		total += d
	}
	if total <= 0 {
		return subs
	}
	if len(pattern)%2 == 1 {
		pattern = append(pattern[:len(pattern):len(pattern)], pattern...)
	}
	var out []subpath
	for _, s := range subs {
		pts := s.pts
		if s.closed && len(pts) > 0 {
			pts = append(pts[:len(pts):len(pts)], pts[0])
		}
		// Find where in the pattern the offset starts.
		i, left := 0, pattern[0]
		off := math.Mod(offset, total)
		if off < 0 {
			off += total
		}
		for off > 0 {
			if off < left {
				left -= off
				break
			}
			off -= left
			i = (i + 1) % len(pattern)
			left = pattern[i]
		}
		var cur *subpath
		if i%2 == 0 {
			out = append(out, subpath{pts: []point{pts[0]}})
			cur = &out[len(out)-1]
		}
		for k := 0; k+1 < len(pts); k++ {
			a, b := pts[k], pts[k+1]
			seg := b.sub(a).len()
			pos := 0.0
			for seg-pos > left {
				pos += left
				p := lerp(a, b, pos/seg)
				if cur != nil {
					cur.pts = append(cur.pts, p)
					cur = nil
				} else {
					out = append(out, subpath{pts: []point{p}})
					cur = &out[len(out)-1]
				}
				i = (i + 1) % len(pattern)
				left = pattern[i]
			}
			left -= seg - pos
			if cur != nil {
				cur.pts = append(cur.pts, b)
			}
		}
	}
	return out
}

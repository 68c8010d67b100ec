package svg

import (
	"math"
	"strconv"
	"strings"
)

// matrix is an affine transform [a b c d e f]: x' = a·x + c·y + e,
// y' = b·x + d·y + f, as SVG's matrix(a,b,c,d,e,f).
type matrix [6]float64

var identity = matrix{1, 0, 0, 1, 0, 0}

// then returns the transform that applies m, then n.
func (m matrix) then(n matrix) matrix {
	return matrix{
		n[0]*m[0] + n[2]*m[1],
		n[1]*m[0] + n[3]*m[1],
		n[0]*m[2] + n[2]*m[3],
		n[1]*m[2] + n[3]*m[3],
		n[0]*m[4] + n[2]*m[5] + n[4],
		n[1]*m[4] + n[3]*m[5] + n[5],
	}
}

func (m matrix) apply(p point) point {
	return point{m[0]*p.x + m[2]*p.y + m[4], m[1]*p.x + m[3]*p.y + m[5]}
}

// scale is the transform's mean linear scale, which stroke widths and dash
// lengths are multiplied by (exact for the translations, uniform scales and
// flips ECharts writes).
func (m matrix) scale() float64 {
	return math.Sqrt(math.Abs(m[0]*m[3] - m[1]*m[2]))
}

type point struct{ x, y float64 }

func (p point) add(q point) point            { return point{p.x + q.x, p.y + q.y} }
func (p point) sub(q point) point            { return point{p.x - q.x, p.y - q.y} }
func (p point) mul(k float64) point          { return point{p.x * k, p.y * k} }
func (p point) len() float64                 { return math.Hypot(p.x, p.y) }
func (p point) dot(q point) float64          { return p.x*q.x + p.y*q.y }
func (p point) cross(q point) float64        { return p.x*q.y - p.y*q.x }
func lerp(p, q point, t float64) point       { return point{p.x + (q.x-p.x)*t, p.y + (q.y-p.y)*t} }
func (p point) near(q point, e float64) bool { return math.Abs(p.x-q.x) <= e && math.Abs(p.y-q.y) <= e }

// parseTransform reads a transform list: matrix, translate, scale, rotate,
// skewX and skewY, applied right to left as SVG says.
//
//	parseTransform("translate(10 20) scale(2)")  // scale, then translate
func parseTransform(s string) (matrix, bool) {
	m := identity
	s = strings.TrimSpace(s)
	for s != "" {
		open := strings.IndexByte(s, '(')
		closing := strings.IndexByte(s, ')')
		if open < 0 || closing < open {
			return identity, false
		}
		name := strings.TrimSpace(s[:open])
		args, ok := numbers(s[open+1 : closing])
		if !ok {
			return identity, false
		}
		s = strings.TrimLeft(s[closing+1:], " \t\r\n,")
		var t matrix
		switch {
		case name == "matrix" && len(args) == 6:
			copy(t[:], args)
		case name == "translate" && (len(args) == 1 || len(args) == 2):
			t = matrix{1, 0, 0, 1, args[0], 0}
			if len(args) == 2 {
				t[5] = args[1]
			}
		case name == "scale" && (len(args) == 1 || len(args) == 2):
			sy := args[0]
			if len(args) == 2 {
				sy = args[1]
			}
			t = matrix{args[0], 0, 0, sy, 0, 0}
		case name == "rotate" && (len(args) == 1 || len(args) == 3):
			a := args[0] * math.Pi / 180
			sin, cos := math.Sincos(a)
			t = matrix{cos, sin, -sin, cos, 0, 0}
			if len(args) == 3 {
				cx, cy := args[1], args[2]
				t = matrix{1, 0, 0, 1, -cx, -cy}.then(t).then(matrix{1, 0, 0, 1, cx, cy})
			}
		case name == "skewX" && len(args) == 1:
			t = matrix{1, 0, math.Tan(args[0] * math.Pi / 180), 1, 0, 0}
		case name == "skewY" && len(args) == 1:
			t = matrix{1, math.Tan(args[0] * math.Pi / 180), 0, 1, 0, 0}
		default:
			return identity, false
		}
		m = t.then(m) // the rightmost transform applies first
	}
	return m, true
}

// numbers reads a list of numbers separated by spaces and/or commas.
func numbers(s string) ([]float64, bool) {
	var out []float64
	sc := scanner{s: s}
	for {
		sc.skipSep()
		if sc.done() {
			return out, true
		}
		v, ok := sc.number()
		if !ok {
			return nil, false
		}
		out = append(out, v)
	}
}

// number reads one number.
func number(s string) (float64, bool) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return v, err == nil && !math.IsNaN(v) && !math.IsInf(v, 0)
}

// length reads a length in CSS pixels: a number, optionally with px.
func length(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(s, "px")
	return number(s)
}

// scanner reads numbers and command letters of path data and lists.
type scanner struct {
	s string
	i int
}

func (sc *scanner) done() bool { return sc.i >= len(sc.s) }

func (sc *scanner) skipSep() {
	for sc.i < len(sc.s) {
		switch sc.s[sc.i] {
		case ' ', '\t', '\r', '\n', ',':
			sc.i++
		default:
			return
		}
	}
}

// number reads a number in SVG's grammar, where "1.5.5" is 1.5 then .5 and
// "1-2" is 1 then -2.
func (sc *scanner) number() (float64, bool) {
	s, start := sc.s, sc.i
	i := start
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits, dot := 0, false
	for i < len(s) {
		c := s[i]
		if c >= '0' && c <= '9' {
			digits++
		} else if c == '.' && !dot {
			dot = true
		} else {
			break
		}
		i++
	}
	if digits == 0 {
		return 0, false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		k := j
		for k < len(s) && s[k] >= '0' && s[k] <= '9' {
			k++
		}
		if k > j {
			i = k
		}
	}
	v, err := strconv.ParseFloat(s[start:i], 64)
	if err != nil || math.IsInf(v, 0) {
		return 0, false
	}
	sc.i = i
	return v, true
}

// flag reads an arc flag: a single 0 or 1, which needs no separator.
func (sc *scanner) flag() (bool, bool) {
	if sc.i < len(sc.s) && (sc.s[sc.i] == '0' || sc.s[sc.i] == '1') {
		sc.i++
		return sc.s[sc.i-1] == '1', true
	}
	return false, false
}

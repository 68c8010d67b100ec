package kernelspec

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
)

// logoSVG is the notebook UI's icon: a blue rounded square with three lines of text.
// Jupyter shows logo-svg.svg where it can and the PNGs elsewhere.
const logoSVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#1f6feb"/><path d="M8 9h16v3H8zm0 5h11v3H8zm0 5h14v3H8z" fill="#fff"/></svg>
`

// The icon's geometry in its 32×32 view box.
var (
	logoBlue  = color.NRGBA{0x1f, 0x6f, 0xeb, 0xff}
	logoWhite = color.NRGBA{0xff, 0xff, 0xff, 0xff}
	logoLines = [][4]float64{{8, 9, 24, 12}, {8, 14, 19, 17}, {8, 19, 22, 22}} // x0, y0, x1, y1
)

const logoRadius = 6

// inSquare reports whether the point (x, y) of the view box is inside the rounded
// square.
func inSquare(x, y float64) bool {
	if x < 0 || y < 0 || x >= 32 || y >= 32 {
		return false
	}
	cx, cy := min(max(x, logoRadius), 32-logoRadius), min(max(y, logoRadius), 32-logoRadius)
	dx, dy := x-cx, y-cy
	return dx*dx+dy*dy <= logoRadius*logoRadius
}

func onLine(x, y float64) bool {
	for _, l := range logoLines {
		if x >= l[0] && x < l[2] && y >= l[1] && y < l[3] {
			return true
		}
	}
	return false
}

// Logo returns the icon drawn as a size×size PNG, the logo-32x32.png and
// logo-64x64.png of a kernelspec. Each pixel averages 4×4 samples, so the rounded
// corners are smooth at any size.
func Logo(size int) []byte {
	const sub = 4
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	scale := 32 / float64(size)
	for py := range size {
		for px := range size {
			var blue, white int
			for sy := range sub {
				for sx := range sub {
					x := (float64(px) + (float64(sx)+0.5)/sub) * scale
					y := (float64(py) + (float64(sy)+0.5)/sub) * scale
					switch {
					case !inSquare(x, y):
					case onLine(x, y):
						white++
					default:
						blue++
					}
				}
			}
			if n := blue + white; n > 0 {
				// Mix the two colours by their share of the covered samples; the
				// coverage itself is the alpha.
				mix := func(b, w uint8) uint8 { return uint8((int(b)*blue + int(w)*white) / n) }
				img.SetNRGBA(px, py, color.NRGBA{
					mix(logoBlue.R, logoWhite.R), mix(logoBlue.G, logoWhite.G), mix(logoBlue.B, logoWhite.B),
					uint8(255 * n / (sub * sub)),
				})
			}
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img) // writes to memory: cannot fail
	return buf.Bytes()
}

package svg

import (
	"image/color"
	"strconv"
	"strings"
)

// paint is a fill or stroke: none, a colour, or a gradient by id.
type paint struct {
	set      bool // the attribute was given (else inherited)
	none     bool // "none" (or a value this package cannot read)
	c        color.NRGBA
	gradient string // id of a gradient: url(#id)
}

// parsePaint reads a fill or stroke value: none, transparent, #rgb, #rgba,
// #rrggbb, #rrggbbaa, rgb(), rgba(), a CSS colour name, or url(#id).
func parsePaint(v string) paint {
	v = strings.TrimSpace(v)
	if id, ok := localRef(v); ok {
		return paint{set: true, gradient: id}
	}
	c, ok := parseColor(v)
	if !ok || c.A == 0 {
		return paint{set: true, none: true}
	}
	return paint{set: true, c: c}
}

// parseColor reads a CSS colour.
func parseColor(v string) (color.NRGBA, bool) {
	v = strings.ToLower(strings.TrimSpace(v))
	switch {
	case v == "" || v == "none" || v == "transparent":
		return color.NRGBA{}, v != ""
	case strings.HasPrefix(v, "#"):
		return hexColor(v[1:])
	case strings.HasPrefix(v, "rgb(") || strings.HasPrefix(v, "rgba("):
		open, closing := strings.IndexByte(v, '('), strings.LastIndexByte(v, ')')
		if closing < open {
			return color.NRGBA{}, false
		}
		parts := strings.FieldsFunc(v[open+1:closing], func(r rune) bool { return r == ',' || r == ' ' || r == '/' })
		if len(parts) != 3 && len(parts) != 4 {
			return color.NRGBA{}, false
		}
		var ch [4]uint8
		ch[3] = 255
		for i, p := range parts {
			pct := strings.HasSuffix(p, "%")
			f, ok := number(strings.TrimSuffix(p, "%"))
			if !ok {
				return color.NRGBA{}, false
			}
			switch {
			case i == 3 && pct:
				f = f / 100 * 255
			case i == 3:
				f *= 255
			case pct:
				f = f / 100 * 255
			}
			ch[i] = uint8(min(max(f+0.5, 0), 255))
		}
		return color.NRGBA{ch[0], ch[1], ch[2], ch[3]}, true
	}
	if c, ok := colorNames[v]; ok {
		return c, true
	}
	return color.NRGBA{}, false
}

func hexColor(h string) (color.NRGBA, bool) {
	var x [8]byte
	switch len(h) {
	case 3, 4:
		for i := 0; i < len(h); i++ {
			x[2*i], x[2*i+1] = h[i], h[i]
		}
		h = string(x[:2*len(h)])
	case 6, 8:
	default:
		return color.NRGBA{}, false
	}
	n, err := strconv.ParseUint(h, 16, 32)
	if err != nil {
		return color.NRGBA{}, false
	}
	if len(h) == 6 {
		n = n<<8 | 0xff
	}
	return color.NRGBA{uint8(n >> 24), uint8(n >> 16), uint8(n >> 8), uint8(n)}, true
}

// colorNames are the CSS colour names ECharts' themes and common options use.
var colorNames = map[string]color.NRGBA{
	"black": {0, 0, 0, 255}, "white": {255, 255, 255, 255}, "red": {255, 0, 0, 255},
	"green": {0, 128, 0, 255}, "blue": {0, 0, 255, 255}, "yellow": {255, 255, 0, 255},
	"gray": {128, 128, 128, 255}, "grey": {128, 128, 128, 255}, "silver": {192, 192, 192, 255},
	"orange": {255, 165, 0, 255}, "purple": {128, 0, 128, 255}, "navy": {0, 0, 128, 255},
	"teal": {0, 128, 128, 255}, "maroon": {128, 0, 0, 255}, "olive": {128, 128, 0, 255},
	"lime": {0, 255, 0, 255}, "aqua": {0, 255, 255, 255}, "cyan": {0, 255, 255, 255},
	"fuchsia": {255, 0, 255, 255}, "magenta": {255, 0, 255, 255},
	"lightgray": {211, 211, 211, 255}, "lightgrey": {211, 211, 211, 255},
	"darkgray": {169, 169, 169, 255}, "darkgrey": {169, 169, 169, 255},
	"dimgray": {105, 105, 105, 255}, "whitesmoke": {245, 245, 245, 255},
	"gainsboro": {220, 220, 220, 255}, "steelblue": {70, 130, 180, 255},
}

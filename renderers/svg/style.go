package svg

import (
	"strings"
)

// declarations returns an element's presentation properties: its attributes,
// then its style attribute's declarations, which win.
func declarations(n *Node, yield func(name, value string)) {
	for _, a := range n.Attrs {
		if a.Name != "style" {
			yield(a.Name, a.Value)
		}
	}
	if css, ok := n.Attr("style"); ok {
		for _, decl := range strings.Split(css, ";") {
			name, value, ok := strings.Cut(decl, ":")
			if ok {
				yield(strings.ToLower(strings.TrimSpace(name)), strings.TrimSpace(value))
			}
		}
	}
}

// styleValue returns one presentation property of n, or def.
func styleValue(n *Node, name, def string) string {
	v := def
	declarations(n, func(k, val string) {
		if k == name {
			v = val
		}
	})
	return v
}

// applyStyle returns the style of n: what it inherits from parent, with its
// own properties applied.
func applyStyle(parent style, n *Node) style {
	st := parent
	st.dashes = parent.dashes[:len(parent.dashes):len(parent.dashes)]
	declarations(n, func(name, v string) {
		if v == "inherit" {
			return
		}
		switch name {
		case "fill":
			st.fill = parsePaint(v)
		case "stroke":
			st.stroke = parsePaint(v)
		case "fill-opacity":
			st.fillOpacity = unit(v, st.fillOpacity)
		case "stroke-opacity":
			st.strokeOpacity = unit(v, st.strokeOpacity)
		case "opacity":
			st.opacity = parent.opacity * unit(v, 1)
		case "stroke-width":
			if w, ok := length(v); ok && w >= 0 {
				st.strokeWidth = w
			}
		case "stroke-linejoin":
			st.join = strings.TrimSpace(v)
		case "stroke-linecap":
			st.cap = strings.TrimSpace(v)
		case "stroke-miterlimit":
			if m, ok := number(v); ok && m >= 1 {
				st.miterLimit = m
			}
		case "stroke-dasharray":
			st.dashes = nil
			if v != "none" {
				if d, ok := numbers(strings.ReplaceAll(v, "px", "")); ok {
					st.dashes = d
				}
			}
		case "stroke-dashoffset":
			if o, ok := length(v); ok {
				st.dashOffset = o
			}
		case "vector-effect":
			st.nonScaling = strings.TrimSpace(v) == "non-scaling-stroke"
		case "font":
			st.font.setShorthand(v)
		case "font-size":
			st.font.setSize(v)
		case "font-family":
			st.font.family = v
		case "font-weight":
			st.font.setWeight(v)
		case "font-style":
			st.font.setStyle(v)
		case "text-anchor":
			st.anchor = strings.TrimSpace(v)
		case "dominant-baseline", "alignment-baseline":
			st.baseline = strings.TrimSpace(v)
		case "xml:space":
			st.preserve = v == "preserve"
		case "paint-order":
			st.strokeFirst = strings.HasPrefix(strings.TrimSpace(v), "stroke")
		case "display":
			if strings.TrimSpace(v) == "none" {
				st.hidden = true
			}
		case "visibility":
			st.hidden = v == "hidden" || v == "collapse"
		}
	})
	return st
}

// unit reads an opacity: a number or a percentage, clamped to [0, 1].
func unit(v string, def float64) float64 {
	v = strings.TrimSpace(v)
	k := 1.0
	if strings.HasSuffix(v, "%") {
		v, k = v[:len(v)-1], 0.01
	}
	f, ok := number(v)
	if !ok {
		return def
	}
	return min(max(f*k, 0), 1)
}

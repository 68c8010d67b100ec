package svg

import (
	"encoding/xml"
	"strings"
)

// elements are the elements Append writes; others are dropped with their
// content. Nothing here runs code, loads a URL or embeds another document.
var elements = map[string]bool{
	"svg": true, "g": true, "defs": true, "clipPath": true, "title": true, "desc": true,
	"path": true, "rect": true, "circle": true, "ellipse": true, "line": true, "polyline": true, "polygon": true,
	"text": true, "tspan": true, "linearGradient": true, "radialGradient": true, "stop": true,
}

// attributes are the attributes Append writes: geometry, presentation and
// accessibility. No event handler, no href, no class (the document has no style
// sheet).
var attributes = map[string]bool{
	"id": true, "d": true, "points": true, "x": true, "y": true, "x1": true, "y1": true, "x2": true, "y2": true,
	"cx": true, "cy": true, "r": true, "rx": true, "ry": true, "fx": true, "fy": true, "dx": true, "dy": true,
	"width": true, "height": true, "viewBox": true, "preserveAspectRatio": true, "transform": true,
	"fill": true, "fill-opacity": true, "fill-rule": true, "stroke": true, "stroke-width": true, "stroke-opacity": true,
	"stroke-linecap": true, "stroke-linejoin": true, "stroke-miterlimit": true, "stroke-dasharray": true,
	"stroke-dashoffset": true, "opacity": true, "clip-path": true, "clip-rule": true, "clipPathUnits": true,
	"dominant-baseline": true, "text-anchor": true, "font-size": true, "font-family": true, "font-weight": true,
	"font-style": true, "style": true, "xml:space": true, "paint-order": true, "offset": true, "stop-color": true,
	"stop-opacity": true, "gradientUnits": true, "gradientTransform": true, "spreadMethod": true,
	"visibility": true, "display": true, "role": true, "aria-label": true,
}

// styleProperties are the declarations a style attribute keeps: fonts, which
// ECharts writes there.
var styleProperties = map[string]bool{
	"font": true, "font-size": true, "font-family": true, "font-weight": true, "font-style": true, "font-variant": true,
}

// Append writes the document n as standalone SVG text to dst, keeping only
// what the package knows (see the package comment). Every id becomes
// prefix+id and every url(#id) follows it; a reference to an id the document
// lacks, and any other url(), is dropped. prefix should be unique per HTML page
// that holds several documents; it must be a valid start of an XML name.
func Append(dst []byte, n *Node, prefix string) []byte {
	ids := map[string]bool{}
	collectIDs(n, ids)
	w := writer{b: dst, ids: ids, prefix: prefix}
	w.node(n, true)
	return w.b
}

func collectIDs(n *Node, ids map[string]bool) {
	if id, ok := n.Attr("id"); ok && validID(id) {
		ids[id] = true
	}
	for _, c := range n.Children {
		collectIDs(c, ids)
	}
}

type writer struct {
	b      []byte
	ids    map[string]bool
	prefix string
}

func (w *writer) node(n *Node, root bool) {
	if !elements[n.Name] || (n.Name == "svg" && !root) {
		return
	}
	w.b = append(w.b, '<')
	w.b = append(w.b, n.Name...)
	if root {
		w.b = append(w.b, ` xmlns="http://www.w3.org/2000/svg"`...)
	}
	for _, a := range n.Attrs {
		v, ok := w.value(a)
		if !ok {
			continue
		}
		w.b = append(w.b, ' ')
		w.b = append(w.b, a.Name...)
		w.b = append(w.b, `="`...)
		w.b = appendEscaped(w.b, v)
		w.b = append(w.b, '"')
	}
	text := n.Name == "text" || n.Name == "tspan" || n.Name == "title" || n.Name == "desc"
	if len(n.Children) == 0 && (!text || n.Text == "") {
		w.b = append(w.b, "/>\n"...)
		return
	}
	w.b = append(w.b, '>')
	if text {
		w.b = appendEscaped(w.b, n.Text)
	} else {
		w.b = append(w.b, '\n')
	}
	for _, c := range n.Children {
		w.node(c, false)
	}
	w.b = append(w.b, "</"...)
	w.b = append(w.b, n.Name...)
	w.b = append(w.b, ">\n"...)
}

// value returns the value an attribute is written with, or false to drop it.
func (w *writer) value(a Attr) (string, bool) {
	if !attributes[a.Name] {
		return "", false
	}
	switch a.Name {
	case "id":
		if !validID(a.Value) {
			return "", false
		}
		return w.prefix + a.Value, true
	case "style":
		s := cleanStyle(a.Value)
		return s, s != ""
	}
	if strings.Contains(strings.ToLower(a.Value), "url(") {
		id, ok := localRef(a.Value)
		if !ok || !w.ids[id] {
			return "", false
		}
		return "url(#" + w.prefix + id + ")", true
	}
	return a.Value, true
}

// localRef reads url(#id), the only reference Append keeps.
func localRef(v string) (string, bool) {
	v = strings.TrimSpace(v)
	if !strings.HasPrefix(v, "url(#") || !strings.HasSuffix(v, ")") {
		return "", false
	}
	id := v[len("url(#") : len(v)-1]
	return id, validID(id)
}

// validID accepts the ids ECharts writes (zr0-c1): letters, digits, - _ . :.
func validID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' || r == ':') {
			return false
		}
	}
	return true
}

// cleanStyle keeps the font declarations of a style attribute whose values are
// plain words, numbers and quoted family names.
func cleanStyle(s string) string {
	var out []string
	for _, decl := range strings.Split(s, ";") {
		name, value, ok := strings.Cut(decl, ":")
		if !ok {
			continue
		}
		name = strings.ToLower(strings.TrimSpace(name))
		value = strings.TrimSpace(value)
		if !styleProperties[name] || value == "" || !safeCSS(value) {
			continue
		}
		out = append(out, name+":"+value)
	}
	if len(out) == 0 {
		return ""
	}
	return strings.Join(out, ";") + ";"
}

// safeCSS accepts letters, digits, spaces and , . % # ' " - _ /: no
// parentheses (so no url() or expression()), no escapes, no braces.
func safeCSS(v string) bool {
	for _, r := range v {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case strings.ContainsRune(" ,.%#'\"-_/", r):
		default:
			return false
		}
	}
	return true
}

// appendEscaped appends s escaped for XML text and attribute values (<, >, &,
// quotes, and control characters as character references; characters XML
// cannot hold become U+FFFD).
func appendEscaped(dst []byte, s string) []byte {
	var sb strings.Builder
	xml.EscapeText(&sb, []byte(s)) // a strings.Builder does not fail
	return append(dst, sb.String()...)
}

// Package svg reads, cleans and rasterizes the SVG that ECharts' server-side
// renderer writes: a small subset (svg, g, defs, clipPath, path, rect, circle,
// ellipse, line, polyline, polygon, text, tspan, linear and radial gradients;
// fills, strokes with joins, caps and dashes, opacity, transforms and clip
// paths; text in the Go fonts).
//
// Parse reads a document into a tree. Append writes the tree back as a
// standalone SVG document that holds nothing active: only the elements and
// attributes above survive, references point inside the document (url(#id)),
// ids carry a caller's prefix (so that several charts can share an HTML page),
// and text is escaped. Rasterize draws the tree into an image in pure Go
// (golang.org/x/image/vector for coverage, the Go fonts for text): no cgo and
// no browser. MeasureText gives the text widths Rasterize draws with, which
// ECharts lays text out with on the server.
//
// It imports nothing from trailbook.
package svg

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Limits of Parse.
const (
	// MaxDepth bounds element nesting (ECharts nests three or four deep).
	MaxDepth = 64
	// MaxNodes bounds the number of elements (a chart has a few hundred; a
	// point never becomes an element).
	MaxNodes = 1_000_000
)

// ErrSyntax is the class of Parse's errors: the input is not an SVG document
// this package reads.
var ErrSyntax = errors.New("not an SVG document")

// Node is an element: its name (the local name, without a namespace prefix),
// its attributes in document order, its child elements and, for text and
// tspan, its character data.
type Node struct {
	Name     string
	Attrs    []Attr
	Children []*Node
	Text     string
}

// Attr is an attribute. Names keep the xml: and xmlns: prefixes (xml:space);
// other namespaces' attributes are dropped by Parse.
type Attr struct {
	Name, Value string
}

// Attr returns the value of the attribute name, and whether it is set.
func (n *Node) Attr(name string) (string, bool) {
	for _, a := range n.Attrs {
		if a.Name == name {
			return a.Value, true
		}
	}
	return "", false
}

// Namespaces whose attributes Parse keeps, by their prefix.
const (
	nsSVG   = "http://www.w3.org/2000/svg"
	nsXML   = "http://www.w3.org/XML/1998/namespace"
	nsXLink = "http://www.w3.org/1999/xlink"
)

// Parse reads an SVG document. The root element must be svg (in the SVG
// namespace or none). Comments, processing instructions and character data
// outside text elements are dropped; so are elements in other namespaces.
func Parse(src []byte) (*Node, error) {
	d := xml.NewDecoder(bytes.NewReader(src))
	d.Strict = true
	var (
		root  *Node
		stack []*Node
		skip  int // depth inside a dropped (foreign) element
		count int
	)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrSyntax, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if skip > 0 || (t.Name.Space != "" && t.Name.Space != nsSVG) {
				skip++
				continue
			}
			if count++; count > MaxNodes {
				return nil, fmt.Errorf("%w: more than %d elements", ErrSyntax, MaxNodes)
			}
			if len(stack) >= MaxDepth {
				return nil, fmt.Errorf("%w: elements nested deeper than %d", ErrSyntax, MaxDepth)
			}
			n := &Node{Name: t.Name.Local}
			for _, a := range t.Attr {
				name := a.Name.Local
				switch a.Name.Space {
				case "":
				case nsXML, "xml":
					name = "xml:" + name
				case "xmlns":
					name = "xmlns:" + name
				case nsXLink, "xlink":
					name = "xlink:" + name
				default:
					continue
				}
				n.Attrs = append(n.Attrs, Attr{name, a.Value})
			}
			if len(stack) == 0 {
				if root != nil || n.Name != "svg" {
					return nil, fmt.Errorf("%w: the root element is %q, not svg", ErrSyntax, n.Name)
				}
				root = n
			} else {
				p := stack[len(stack)-1]
				p.Children = append(p.Children, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			if skip > 0 {
				skip--
				continue
			}
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if skip == 0 && len(stack) > 0 {
				if n := stack[len(stack)-1]; n.Name == "text" || n.Name == "tspan" || n.Name == "title" || n.Name == "desc" {
					n.Text += string(t)
				}
			}
		}
	}
	if root == nil {
		return nil, fmt.Errorf("%w: no svg element", ErrSyntax)
	}
	return root, nil
}

// Size returns the document's width and height in CSS pixels: the width and
// height attributes, else the viewBox's.
func (n *Node) Size() (w, h float64) {
	w, _ = length(n.attr("width"))
	h, _ = length(n.attr("height"))
	if vb, ok := viewBox(n.attr("viewBox")); ok {
		if w <= 0 {
			w = vb[2]
		}
		if h <= 0 {
			h = vb[3]
		}
	}
	return w, h
}

func (n *Node) attr(name string) string {
	v, _ := n.Attr(name)
	return v
}

// viewBox reads "minx miny width height".
func viewBox(s string) ([4]float64, bool) {
	var vb [4]float64
	f := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' || r == '\n' || r == '\r' })
	if len(f) != 4 {
		return vb, false
	}
	for i, x := range f {
		v, ok := number(x)
		if !ok {
			return vb, false
		}
		vb[i] = v
	}
	return vb, vb[2] > 0 && vb[3] > 0
}

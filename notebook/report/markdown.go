package report

import (
	"bytes"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// md renders CommonMark with GitHub tables and strikethrough, as notebooks write
// it. Raw HTML shows as the text it is (markdown-it's html: false, as in the
// notebook UI), and links and images are shown as text, so that the report
// refers to no URL: it stays self-contained, and opening it tells no one anything.
var md = goldmark.New(
	goldmark.WithExtensions(
		extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
		extension.Strikethrough,
	),
	goldmark.WithRendererOptions(renderer.WithNodeRenderers(util.Prioritized(linkRenderer{}, 100))),
)

// markdown renders Markdown source as HTML.
func markdown(src string) string {
	var buf bytes.Buffer
	if err := md.Convert([]byte(clean(src)), &buf); err != nil {
		// goldmark fails only on a failing writer; a bytes.Buffer does not.
		return "<pre>" + esc(src) + "</pre>\n"
	}
	return buf.String()
}

// linkRenderer draws links, autolinks, images and raw HTML as text. Only links
// within the report (#fragment) stay links.
type linkRenderer struct{}

func (linkRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindLink, renderLink)
	reg.Register(ast.KindAutoLink, renderAutoLink)
	reg.Register(ast.KindImage, renderImage)
	reg.Register(ast.KindRawHTML, renderRawHTML)
	reg.Register(ast.KindHTMLBlock, renderHTMLBlock)
}

func renderRawHTML(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		segs := node.(*ast.RawHTML).Segments
		for i := range segs.Len() {
			seg := segs.At(i)
			w.WriteString(esc(string(seg.Value(source))))
		}
	}
	return ast.WalkSkipChildren, nil
}

func renderHTMLBlock(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.HTMLBlock)
	if !entering {
		return ast.WalkContinue, nil
	}
	var text strings.Builder
	for i := range n.Lines().Len() {
		line := n.Lines().At(i)
		text.Write(line.Value(source))
	}
	if n.HasClosure() {
		text.Write(n.ClosureLine.Value(source))
	}
	w.WriteString(`<pre class="html">` + esc(strings.TrimRight(text.String(), "\n")) + "</pre>\n")
	return ast.WalkSkipChildren, nil
}

func renderLink(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.Link)
	dest := string(n.Destination)
	local := strings.HasPrefix(dest, "#") && !strings.ContainsAny(dest, "\"'<> ")
	switch {
	case entering && local:
		w.WriteString(`<a href="` + esc(dest) + `">`)
	case entering:
		w.WriteString(`<span class="link">`)
	case local:
		w.WriteString("</a>")
	default:
		w.WriteString("</span>")
		if dest != "" && dest != string(nodeText(n, source)) {
			w.WriteString(` <span class="url">(` + esc(clean(dest)) + ")</span>")
		}
	}
	return ast.WalkContinue, nil
}

func renderAutoLink(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		n := node.(*ast.AutoLink)
		w.WriteString(`<span class="url">` + esc(clean(string(n.Label(source)))) + "</span>")
	}
	return ast.WalkSkipChildren, nil
}

func renderImage(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		n := node.(*ast.Image)
		w.WriteString(`<span class="image">[image: ` + esc(clean(string(nodeText(n, source)))))
		if dest := string(n.Destination); dest != "" {
			w.WriteString(" " + esc(clean(dest)))
		}
		w.WriteString("]</span>")
	}
	return ast.WalkSkipChildren, nil
}

// nodeText is the plain text of a node's inline children.
func nodeText(n ast.Node, source []byte) []byte {
	var out []byte
	ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch t := c.(type) {
		case *ast.Text:
			out = append(out, t.Segment.Value(source)...)
		case *ast.String:
			out = append(out, t.Value...)
		case *ast.CodeSpan:
			// its children are Text nodes: walked next
		}
		return ast.WalkContinue, nil
	})
	return out
}

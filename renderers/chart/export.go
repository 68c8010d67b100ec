package chart

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"image/png"
	"regexp"
	"strconv"
	"sync/atomic"

	"github.com/trailbook/trailbook/renderers/svg"
)

// Default picture size, in CSS pixels: the width of a notebook column and the
// height of the notebook's chart area plus its legend.
const (
	DefaultWidth  = 800
	DefaultHeight = 400
)

// SVG draws opt as an SVG document of width × height CSS pixels: ECharts' own
// server-side rendering of the option the notebook UI draws (same series,
// colours, legend and axes), on a white background, run in goja. The document is
// cleaned before it is returned (see package renderers/svg): series names and
// every other string stay text, and it holds no script, link or style sheet.
//
// Drawing takes a warm runtime from a pool (the first call in a process loads
// ECharts, about 100 ms more); ctx cancels it (without a deadline,
// DefaultTimeout applies). Safe for concurrent use.
func SVG(ctx context.Context, opt *Option, width, height int) ([]byte, error) {
	doc, err := draw(ctx, opt, width, height)
	if err != nil {
		return nil, err
	}
	return svg.Append(nil, doc, idPrefix()), nil
}

// PNG draws opt as SVG does and rasterizes the SVG in pure Go into a PNG image
// of width×scale × height×scale pixels: scale 1 makes an image of the CSS size
// (800×400 for 800 × 400), scale 2 a sharp one for high-density screens.
func PNG(ctx context.Context, opt *Option, width, height int, scale float64) ([]byte, error) {
	if !(scale > 0) || scale > 4 {
		return nil, fmt.Errorf("chart scale %v: want more than 0, at most 4", scale)
	}
	doc, err := draw(ctx, opt, width, height)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	img, err := svg.Rasterize(doc, scale)
	if err != nil {
		return nil, fmt.Errorf("cannot rasterize the chart: %w", err)
	}
	var b bytes.Buffer
	// BestSpeed: a chart is mostly flat colour, which the fastest level
	// already compresses well; the default level takes twice as long (18 ms
	// instead of 8 for 800×400) for a tenth fewer bytes (BENCH.md).
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&b, img); err != nil {
		return nil, fmt.Errorf("cannot encode the chart as PNG: %w", err)
	}
	return b.Bytes(), nil
}

// draw renders opt with ECharts and parses the result.
func draw(ctx context.Context, opt *Option, width, height int) (*svg.Node, error) {
	if opt == nil {
		return nil, fmt.Errorf("no chart to draw")
	}
	s, err := renderSVG(ctx, opt, width, height)
	if err != nil {
		return nil, err
	}
	doc, err := svg.Parse([]byte(s))
	if err != nil {
		return nil, fmt.Errorf("cannot read the SVG ECharts drew: %w", err)
	}
	return doc, nil
}

// ids numbers the SVG documents of a process, so that the clip paths of
// several charts on one HTML page keep apart.
var ids atomic.Uint64

func idPrefix() string {
	return "c" + strconv.FormatUint(ids.Add(1), 36) + "-"
}

// Fragment returns the HTML of one chart for a page that includes Script once
// and calls trailbookChart.mountAll(document) after the charts:
//
//	<figure class="trailbook-chart" data-width="800" data-height="400">
//	<svg …>…</svg>                                 the picture without JavaScript
//	<script type="application/json">{…}</script>   the option the script draws
//	</figure>
//
// The option is JSON with <, >, &, U+2028 and U+2029 escaped, inert in a
// <script> element; the SVG is SVG's output. The fragment has no inline style or
// script, so a page's Content-Security-Policy need only allow the script (the
// live chart sizes itself through the CSSOM, which CSP does not restrict).
func Fragment(ctx context.Context, opt *Option, width, height int) ([]byte, error) {
	pic, err := SVG(ctx, opt, width, height)
	if err != nil {
		return nil, err
	}
	js, err := ScriptJSON(opt)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "<figure class=\"trailbook-chart\" data-width=\"%d\" data-height=\"%d\">\n", width, height)
	b.Write(pic)
	b.WriteString(`<script type="application/json">`)
	b.Write(js)
	b.WriteString("</script>\n</figure>\n")
	return b.Bytes(), nil
}

// ScriptJSON encodes v as JSON that is inert inside an HTML <script> element:
// <, > and & are escaped (so no "</script>" or "<!--" can appear), as are
// U+2028 and U+2029. encoding/json does all of that; this checks it stays so.
func ScriptJSON(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("cannot encode chart data: %w", err)
	}
	if bytes.ContainsAny(b, "<>&") || bytes.Contains(b, []byte("\u2028")) || bytes.Contains(b, []byte("\u2029")) {
		panic("BUG: encoding/json left HTML-significant characters in a script block")
	}
	return b, nil
}

// scriptEnd finds what would end or confuse an inline <script>: "</script"
// and "<!--" in any case.
var scriptEnd = regexp.MustCompile(`(?i)</(script)|<!--`)

// InlineScript returns src ready for an inline <script> element: "</script"
// becomes "<\/script" and "<!--" becomes "<\!--", which mean the same inside
// the JavaScript strings, regular expressions and comments where they can
// occur. esbuild already avoids both; this keeps a page whole if that changes.
func InlineScript(src []byte) []byte {
	return scriptEnd.ReplaceAllFunc(src, func(m []byte) []byte {
		if m[1] == '!' {
			return []byte(`<\!--`)
		}
		return append([]byte(`<\/`), m[2:]...)
	})
}

// HTML returns a standalone page with one live chart: the export script inline,
// the option as JSON in a <script type="application/json"> block, a line of our
// own script that draws it, and the chart's SVG as the picture without
// JavaScript. The page refers to no URL. Its title is the chart's title, or
// "Chart".
func HTML(ctx context.Context, opt *Option, width, height int) ([]byte, error) {
	src, err := Script()
	if err != nil {
		return nil, err
	}
	frag, err := Fragment(ctx, opt, width, height)
	if err != nil {
		return nil, err
	}
	title := "Chart"
	if opt.Title != nil && opt.Title.Text != "" {
		title = opt.Title.Text
	}
	var b bytes.Buffer
	b.WriteString("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
	b.WriteString("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
	b.WriteString("<title>" + html.EscapeString(title) + "</title>\n")
	b.WriteString("<style>body{margin:16px;background:#fff;color:#1f2328;font:14px system-ui,sans-serif}" +
		".trailbook-chart{margin:0}.trailbook-chart>svg{max-width:100%;height:auto}</style>\n</head>\n<body>\n")
	b.Write(frag)
	b.WriteString("<script>\n")
	b.Write(InlineScript(src))
	b.WriteString("\n</script>\n<script>trailbookChart.mountAll(document);</script>\n</body>\n</html>\n")
	return b.Bytes(), nil
}

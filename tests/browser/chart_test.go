//go:build browser

package browser

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// TestChartExports runs a makeTimeseries cell whose series are named by
// hostile strings, downloads the chart as SVG and PNG from its bar, copies it
// to the clipboard, and checks the files, the saved notebook's image/png
// output, and that nothing ran.
func TestChartExports(t *testing.T) {
	s := startServer(t)
	query := `data record(timestamp = now() - 20m, user = "alice"),
     record(timestamp = now() - 10m, user = "alice"),
     record(timestamp = now() - 9m, user = ` + jsonString(payloads[0]) + `),
     record(timestamp = now() - 5m, user = ` + jsonString(payloads[1]) + `),
     record(timestamp = now() - 5m, user = ` + jsonString(payloads[1]) + `),
     record(timestamp = now() - 5m, user = ` + jsonString(payloads[1]) + `),
     record(timestamp = now() - 5m, user = ` + jsonString(payloads[3]) + `)
| makeTimeseries logins = count(), by: {user}, interval: 1m, from: now() - 30m, to: now()`
	c := codeCell("logins", query)
	c["metadata"] = map[string]any{"trailbook": map[string]any{"name": "logins by user"}}
	nb, _ := json.Marshal(map[string]any{"cells": []any{c}, "metadata": map[string]any{}, "nbformat": 4, "nbformat_minor": 5})
	if err := os.MkdirAll(s.notebooks, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(s.notebooks, "charts.ipynb"), nb, 0o644); err != nil {
		t.Fatal(err)
	}

	ctx := tab(t)
	dl := allowDownloads(t, ctx)
	do(t, ctx, "open the notebook", chromedp.Navigate(s.page("/notebooks/charts.ipynb")))
	waitFor(t, ctx, "the kernel", `document.body.dataset.ready === 'true' && document.querySelector('.kernel-state').dataset.state === 'idle'`)
	do(t, ctx, "run all", chromedp.Click(`.run-all`))
	waitDone(t, ctx, 0)
	waitFor(t, ctx, "the chart", cell(0)+`.querySelector('.chart canvas') && `+cell(0)+`.querySelector('.chart').dataset.series === '4'`)
	size := eval[[]int](t, ctx, `(() => { const c = `+cell(0)+`.querySelector('.chart'); c.scrollIntoView({block: 'center'}); return [c.clientWidth, c.clientHeight]; })()`)

	// SVG: ECharts' SVG of the chart, the names as text.
	do(t, ctx, "download SVG", chromedp.Click(`.cells > .cell:nth-of-type(1) [data-chart-export="svg"]`))
	name, body := dl.next(t)
	if name != "logins_by_user.svg" {
		t.Errorf("SVG file name %q, want logins_by_user.svg", name)
	}
	text := svgText(t, body)
	for _, n := range []string{"alice", payloads[0], payloads[1], payloads[3]} {
		if !strings.Contains(text, n) {
			t.Errorf("the SVG's text lacks the series name %q", n)
		}
	}

	// PNG: the canvas at twice its size, not blank, the first series' colour in it.
	do(t, ctx, "download PNG", chromedp.Click(`.cells > .cell:nth-of-type(1) [data-chart-export="png"]`))
	name, body = dl.next(t)
	if name != "logins_by_user.png" {
		t.Errorf("PNG file name %q, want logins_by_user.png", name)
	}
	checkPNG(t, []byte(body), 2*size[0], 2*size[1])

	// Copy PNG: with clipboard permission the image lands on the clipboard.
	for _, perm := range []string{"clipboard-read", "clipboard-write"} {
		if _, err := chromedp.CallBrowser(ctx, browser.SetPermission, browser.SetPermissionParams{
			Permission: &browser.PermissionDescriptor{Name: perm}, Setting: browser.PermissionSettingGranted,
			Origin: "http://" + s.url.Host,
		}); err != nil {
			t.Fatalf("cannot grant %s: %v", perm, err)
		}
	}
	do(t, ctx, "copy PNG", chromedp.Click(`.cells > .cell:nth-of-type(1) [data-chart-export="copy"]`))
	waitFor(t, ctx, "the copy's message", `[...document.querySelectorAll('.toast')].some((e) => /copied|refused|does not let/.test(e.textContent))`)
	msg := eval[string](t, ctx, `[...document.querySelectorAll('.toast')].map((e) => e.textContent).join(' | ')`)
	if !strings.Contains(msg, "Chart copied") {
		t.Fatalf("copy PNG: %q", msg)
	}
	clip := eval[string](t, ctx, `(async () => {
		const items = await navigator.clipboard.read();
		const blob = await items[0].getType('image/png');
		const b = new Uint8Array(await blob.arrayBuffer());
		let s = ''; for (const x of b) s += String.fromCharCode(x);
		return btoa(s);
	})()`)
	raw, err := base64.StdEncoding.DecodeString(clip)
	if err != nil {
		t.Fatal(err)
	}
	checkPNG(t, raw, 2*size[0], 2*size[1])

	// The saved notebook carries the server's picture as image/png.
	waitFor(t, ctx, "the autosave", `document.querySelector('.save-state').dataset.state === 'saved'`)
	checkClean(t, ctx, s)
	if eval[bool](t, ctx, `window.__xss !== undefined`) {
		t.Fatalf("a payload ran: window.__xss = %v", eval[any](t, ctx, `window.__xss`))
	}
	saved, err := os.ReadFile(filepath.Join(s.notebooks, "charts.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Cells []struct {
			Outputs []struct {
				Data map[string]json.RawMessage `json:"data"`
			} `json:"outputs"`
		} `json:"cells"`
	}
	if err := json.Unmarshal(saved, &doc); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, o := range doc.Cells[0].Outputs {
		if raw, ok := o.Data["image/png"]; ok {
			var b64 string
			if err := json.Unmarshal(raw, &b64); err != nil {
				t.Fatalf("image/png output: %v", err)
			}
			img, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(b64, "\n", ""))
			if err != nil {
				t.Fatal(err)
			}
			checkPNG(t, img, 800, 400)
			found = true
		}
	}
	if !found {
		t.Fatalf("the saved chart output has no image/png")
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// svgText checks that body is an SVG document of drawing elements only and
// returns its character data.
func svgText(t *testing.T, body string) string {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(body))
	var text strings.Builder
	root := ""
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the SVG download is not XML: %v", err)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			if root == "" {
				root = x.Name.Local
			}
			switch x.Name.Local {
			case "script", "foreignObject", "img", "iframe":
				t.Fatalf("the SVG download holds a <%s>", x.Name.Local)
			}
			for _, a := range x.Attr {
				if strings.HasPrefix(strings.ToLower(a.Name.Local), "on") {
					t.Fatalf("the SVG download has %s=%q", a.Name.Local, a.Value)
				}
			}
		case xml.CharData:
			text.Write(x)
		}
	}
	if root != "svg" {
		t.Fatalf("the SVG download's root is <%s>", root)
	}
	return text.String()
}

// checkPNG decodes a PNG and checks its size and that it is a chart: many
// colours, and ECharts' first series colour in the plot (below the legend,
// above the zoom slider), where only the series' own dots and lines have it.
func checkPNG(t *testing.T, b []byte, w, h int) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("the PNG does not decode: %v", err)
	}
	if got := img.Bounds().Size(); got != image.Pt(w, h) {
		t.Errorf("the PNG is %v, want %d×%d", got, w, h)
	}
	colours := map[color.RGBA]bool{}
	blue := 0
	bb := img.Bounds()
	for y := bb.Min.Y; y < bb.Max.Y; y++ {
		for x := bb.Min.X; x < bb.Max.X; x++ {
			c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			colours[c] = true
			inPlot := y > bb.Min.Y+bb.Dy()*15/100 && y < bb.Min.Y+bb.Dy()*75/100
			if d := abs(int(c.R)-0x50) + abs(int(c.G)-0x70) + abs(int(c.B)-0xdd); inPlot && d < 24 {
				blue++
			}
		}
	}
	if len(colours) < 16 || blue < 20 {
		t.Errorf("the PNG has %d colours and %d pixels of the first series' blue: blank?", len(colours), blue)
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

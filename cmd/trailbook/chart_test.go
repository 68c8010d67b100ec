package main

import (
	"bytes"
	"encoding/xml"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trailbook/trailbook/renderers/chart"
)

// chartQuery is a two-series time series with a hostile group name.
const chartQuery = `data record(timestamp = toTimestamp("2024-03-01T10:05:00Z"), user = "</script><script>alert(1)</script>"),
     record(timestamp = toTimestamp("2024-03-01T10:36:00Z"), user = "alice"),
     record(timestamp = toTimestamp("2024-03-01T10:37:00Z"), user = "alice")
| makeTimeseries count(), by: {user}, interval: 5m, from: "2024-03-01T10:00:00Z", to: "2024-03-01T11:00:00Z"`

func TestChartCommand(t *testing.T) {
	if _, err := chart.Script(); err != nil {
		t.Fatalf("%v (make ui builds it)", err)
	}
	dir := t.TempDir()

	// SVG on stdout, by default.
	code, out, stderr := runCLI(t, "chart", "--title", "Logins & <failures>", chartQuery)
	if code != 0 {
		t.Fatalf("chart: exit %d\n%s", code, stderr)
	}
	d := xml.NewDecoder(strings.NewReader(out))
	var text strings.Builder
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("stdout is not an SVG document: %v\n%s", err, out)
		}
		if c, ok := tok.(xml.CharData); ok {
			text.Write(c)
		}
	}
	for _, want := range []string{"</script><script>alert(1)</script>", "alice", "Logins & <failures>"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("the SVG's text lacks %q", want)
		}
	}
	if !strings.HasPrefix(out, `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="400"`) {
		t.Errorf("the SVG starts %q", out[:min(len(out), 100)])
	}

	// PNG to a file: the format comes from the extension, the size from the flags.
	pngFile := filepath.Join(dir, "c.png")
	if code, _, stderr := runCLI(t, "chart", "-o", pngFile, "--width", "640", "--height", "320", chartQuery); code != 0 {
		t.Fatalf("chart -o c.png: exit %d\n%s", code, stderr)
	}
	b, err := os.ReadFile(pngFile)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("c.png: %v", err)
	}
	if img.Bounds().Size() != image.Pt(640, 320) {
		t.Errorf("c.png is %v, want 640×320", img.Bounds().Size())
	}
	if code, _, _ := runCLI(t, "chart", "--format", "png", "--scale", "2", "-o", pngFile, chartQuery); code != 0 {
		t.Fatal("chart --scale 2 failed")
	}
	if b, _ = os.ReadFile(pngFile); len(b) == 0 {
		t.Fatal("empty png")
	} else if img, err = png.Decode(bytes.NewReader(b)); err != nil || img.Bounds().Size() != image.Pt(1600, 800) {
		t.Errorf("--scale 2: %v, %v", img.Bounds().Size(), err)
	}

	// HTML: standalone, no URL to load, names escaped.
	htmlFile := filepath.Join(dir, "c.html")
	if code, _, stderr := runCLI(t, "chart", "--format", "html", "-o", htmlFile, chartQuery); code != 0 {
		t.Fatalf("chart --format html: exit %d\n%s", code, stderr)
	}
	page, _ := os.ReadFile(htmlFile)
	for _, bad := range []string{"<script><script>", "alert(1)</script>", ` src="http`, ` href="http`, `<link`} {
		if bytes.Contains(page, []byte(bad)) {
			t.Errorf("the HTML holds %q", bad)
		}
	}
	if !bytes.Contains(page, []byte("trailbookChart.mountAll(document)")) {
		t.Errorf("the HTML does not draw its chart")
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 2 {
		t.Errorf("left behind in the output directory: %v", ents)
	}
}

func TestChartErrors(t *testing.T) {
	f := func(wantCode int, wantErr string, args ...string) {
		t.Helper()
		code, _, stderr := runCLI(t, args...)
		if code != wantCode || !strings.Contains(stderr, wantErr) {
			t.Fatalf("trailbook %q: exit %d, stderr\n%s\nwant exit %d and %q", args, code, stderr, wantCode, wantErr)
		}
	}
	f(2, `unknown --format "gif"`, "chart", "--format", "gif", chartQuery)
	f(2, "--width and --height", "chart", "--width", "0", chartQuery)
	f(2, "--scale", "chart", "--scale", "9", chartQuery)
	f(2, "missing QUERY", "chart")
	f(1, "not a time series", "chart", "data record(a = 1)")
	f(1, "no records", "chart", "data record(a = 1) | filter a == 2")
	f(1, "error: 1:1: unknown command", "chart", "fetchh logs")
	f(1, "cannot write", "chart", "-o", filepath.Join(t.TempDir(), "no", "such", "dir.svg"), chartQuery)
}

func TestChartDemoData(t *testing.T) {
	code, out, stderr := runCLI(t, "chart", `fetch logs, from: -30min | parse content, "json:event" | makeTimeseries count(), by: {source = event[eventSource]}`)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "embedded demo data") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("stderr should say, in one line, that the demo data is used:\n%s", stderr)
	}
	if !strings.Contains(out, "sts.amazonaws.com") && !strings.Contains(out, "amazonaws.com") {
		t.Errorf("no event source in the chart's legend")
	}
}

package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/trailbook/trailbook/notebook"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// fakeECharts stands in for the ECharts build: what matters here is that it is
// inlined intact, hashed, and cannot end its <script> element.
const fakeECharts = "window.echarts = undefined; var s = '</script><!-- x';"

func render(t *testing.T, file string, opt Options) string {
	t.Helper()
	nb, err := notebook.Load(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Write(&buf, nb, opt); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestGolden pins the report of a notebook full of hostile strings.
func TestGolden(t *testing.T) {
	got := render(t, "xss.ipynb", Options{ECharts: fakeECharts, Generated: time.Date(2024, 3, 1, 16, 30, 0, 0, time.UTC)})
	path := filepath.Join("testdata", "xss.html")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs; go test -update rewrites it, then read the diff", path)
	}
}

// TestNoMarkupFromTheNotebook checks that no string of the notebook becomes markup:
// the payloads appear only escaped, the only elements are the report's own.
func TestNoMarkupFromTheNotebook(t *testing.T) {
	for _, opt := range []Options{{ECharts: fakeECharts}, {}} {
		out := render(t, "xss.ipynb", opt)
		for _, bad := range []string{
			"<script>alert", "<img src=x", "onerror=alert(1)>", "<b>", `href="javascript:`, "<svg",
			"\u202e", "\x1b",
		} {
			if strings.Contains(out, bad) {
				t.Errorf("ECharts=%v: the report contains %q", opt.ECharts != "", bad)
			}
		}
		// Script elements hold nothing that could end them early or be read as
		// a line break by a JavaScript parser.
		scripts := regexp.MustCompile(`(?s)<script[^>]*>(.*?)</script>`)
		for _, m := range scripts.FindAllStringSubmatch(out, -1) {
			if strings.Contains(m[1], "<!--") || strings.Contains(m[1], "</") || strings.ContainsAny(m[1], "\u2028\u2029") {
				t.Errorf("a script element holds </, <!-- or U+2028/9: %.80q", m[1])
			}
		}
		markup := regexp.MustCompile(`(?s)<style>.*?</style>`).ReplaceAllString(scripts.ReplaceAllString(out, "<script>"), "<style>")
		// Every element is one the report writes.
		allowed := map[string]bool{
			"html": true, "head": true, "meta": true, "title": true, "style": true, "body": true, "header": true,
			"h1": true, "h2": true, "dl": true, "dt": true, "dd": true, "main": true, "section": true, "div": true,
			"span": true, "pre": true, "code": true, "p": true, "table": true, "thead": true, "tbody": true,
			"tr": true, "th": true, "td": true, "figure": true, "img": true, "script": true, "strong": true,
			"em": true, "a": true, "ul": true, "ol": true, "li": true, "del": true,
		}
		for _, m := range regexp.MustCompile(`<([a-zA-Z][a-zA-Z0-9]*)`).FindAllStringSubmatch(markup, -1) {
			if !allowed[strings.ToLower(m[1])] {
				t.Errorf("unexpected element <%s>", m[1])
			}
		}
		// Attributes that could run or load something, in the tags (text has no
		// raw "<": it is escaped).
		for _, tag := range regexp.MustCompile(`<[a-zA-Z][^>]*>`).FindAllString(markup, -1) {
			if m := regexp.MustCompile(`(?i)\s(on[a-z]+|style|srcset|formaction|action)\s*=`).FindString(tag); m != "" {
				t.Errorf("the report has an attribute %q in %s", m, tag)
			}
		}
	}
}

// TestSelfContained checks that no src or href leaves the file, and that the CSP
// allows exactly the inline scripts and the style, by hash.
func TestSelfContained(t *testing.T) {
	out := render(t, "xss.ipynb", Options{ECharts: fakeECharts})
	markup := regexp.MustCompile(`(?s)<script>.*?</script>`).ReplaceAllString(out, "")
	for _, m := range regexp.MustCompile(`(?i)<[a-z][^>]*\s(src|href)\s*=\s*["']?([^"'\s>]*)`).FindAllStringSubmatch(markup, -1) {
		if u := m[2]; !strings.HasPrefix(u, "data:image/") && !strings.HasPrefix(u, "#") {
			t.Errorf("%s=%q leaves the file", m[1], u)
		}
	}
	if regexp.MustCompile(`(?i)(src|href)\s*=\s*["']?(https?:)?//`).MatchString(out) {
		t.Errorf("an external URL in src or href")
	}
	csp := regexp.MustCompile(`<meta http-equiv="Content-Security-Policy" content="([^"]*)">`).FindStringSubmatch(out)
	if csp == nil {
		t.Fatal("no CSP meta element")
	}
	policy := strings.ReplaceAll(csp[1], "&#39;", "'")
	for _, want := range []string{"default-src 'none'", "img-src data:", "base-uri 'none'", "form-action 'none'"} {
		if !strings.Contains(policy, want) {
			t.Errorf("CSP %q lacks %q", policy, want)
		}
	}
	if strings.Contains(policy, "unsafe") {
		t.Errorf("CSP %q allows unsafe sources", policy)
	}
	sources := func(directive string) []string {
		for _, d := range strings.Split(policy, ";") {
			f := strings.Fields(d)
			if len(f) > 0 && f[0] == directive {
				return f[1:]
			}
		}
		return nil
	}
	inline := func(tag string) (hashes []string) {
		for _, m := range regexp.MustCompile(`(?s)<`+tag+`>(.*?)</`+tag+`>`).FindAllStringSubmatch(out, -1) {
			sum := sha256.Sum256([]byte(m[1]))
			hashes = append(hashes, "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'")
		}
		return hashes
	}
	if got, want := strings.Join(sources("script-src"), " "), strings.Join(inline("script"), " "); got != want || len(inline("script")) != 2 {
		t.Errorf("script-src %s, want the hashes of the 2 inline scripts %s", got, want)
	}
	if got, want := strings.Join(sources("style-src"), " "), strings.Join(inline("style"), " "); got != want {
		t.Errorf("style-src %s, want %s", got, want)
	}
	if !strings.Contains(out, `var s = '<\/script><\!-- x';`) {
		t.Errorf("the ECharts source was not made safe for a <script> element")
	}
}

// TestChartsWithoutECharts shows chart images when no ECharts is given, and runs
// no script at all then.
func TestChartsWithoutECharts(t *testing.T) {
	out := render(t, "xss.ipynb", Options{})
	if strings.Contains(out, "<script") || strings.Contains(out, "script-src") {
		t.Errorf("a report without ECharts has scripts")
	}
	if !strings.Contains(out, `<img alt="line chart of 2 series: &lt;/script&gt;`) {
		t.Errorf("the chart's image is missing")
	}
}

// TestChartData checks what of an ECharts option reaches the report.
func TestChartData(t *testing.T) {
	cd, ok := safeChart([]byte(`{"title":{"text":"T"},"yAxis":{"name":7},"graphic":[{"type":"image"}],
		"series":[{"name":"a","showSymbol":true,"symbol":"image://x","data":[[1,2],[2,null],["x",1],[3,"4"],[4]]},{"name":{"x":1},"data":"no"}]}`))
	if !ok {
		t.Fatal("not read")
	}
	got := string(mustJSON(t, cd))
	want := `{"title":"T","series":[{"name":"a","showSymbol":true,"data":[[1,2],[2,null],[3,null]]},{"name":"","showSymbol":false,"data":[]}]}`
	if big, _ := safeChart([]byte(`{"series":[{"name":"x","data":[[1709280060000,0.000001]]}]}`)); string(mustJSON(t, big)) != `{"series":[{"name":"x","showSymbol":false,"data":[[1709280060000,0.000001]]}]}` {
		t.Errorf("times and small values must keep their digits: %s", mustJSON(t, big))
	}
	if got != want {
		t.Errorf("chart data\n got %s\nwant %s", got, want)
	}
}

func mustJSON(t *testing.T, v chartData) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCountLine(t *testing.T) {
	f := func(shown, total int, want string) {
		t.Helper()
		if got := countLine(shown, total); got != want {
			t.Errorf("countLine(%d, %d) = %q, want %q", shown, total, got, want)
		}
	}
	f(1, 1, "1 record")
	f(0, 0, "0 records")
	f(1000, 1234567, "showing 1,000 of 1,234,567 records")
}

func TestCellText(t *testing.T) {
	f := func(raw, typ, wantText, wantKind string) {
		t.Helper()
		text, kind := cellText(json.RawMessage(raw), typ)
		if text != wantText || kind != wantKind {
			t.Errorf("cellText(%s, %s) = %q, %q; want %q, %q", raw, typ, text, kind, wantText, wantKind)
		}
	}
	f(`"a\"b"`, "string", `a"b`, "string")
	f(`12`, "long", "12", "number")
	f(`600000000000`, "duration", "10m0s", "number")
	f(`"PT5M"`, "mixed", "PT5M", "string")
	f(`{"start":"2024-03-01T00:00:00Z","end":"2024-03-02T00:00:00Z"}`, "timeframe", "2024-03-01T00:00:00Z – 2024-03-02T00:00:00Z", "string")
	f(`{ "a" : [1, 2] }`, "record", `{"a":[1,2]}`, "nested")
	f(`true`, "boolean", "true", "boolean")
}

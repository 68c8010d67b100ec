//go:build browser

package browser

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// Payloads that run code wherever a log string reaches the page as HTML, a URL, a
// chart template or a go-echarts function. Each sets window.__xss when it runs.
var payloads = []string{
	`<img src=x onerror="window.__xss=1">`,
	`</script><script>window.__xss=2</script>`,
	`javascript:window.__xss=3`,
	`__f__function(){window.__xss=4}__f__`,
	`<svg onload=window.__xss=5>{a|rich}{b}`,
}

// hostileEvents writes CloudTrail events whose userAgent, errorMessage, userName and
// requestParameters hold the payloads, a few minutes old.
func hostileEvents(t *testing.T, path string) {
	t.Helper()
	now := time.Now().UTC()
	var b strings.Builder
	for i, p := range payloads {
		ev := map[string]any{
			"eventVersion":       "1.08",
			"eventTime":          now.Add(-time.Duration(5+i) * time.Minute).Format(time.RFC3339),
			"eventSource":        "s3.amazonaws.com",
			"eventName":          "GetObject",
			"awsRegion":          "us-east-1",
			"sourceIPAddress":    "192.0.2.10",
			"userAgent":          p,
			"errorCode":          "AccessDenied",
			"errorMessage":       payloads[(i+1)%len(payloads)],
			"userIdentity":       map[string]any{"type": "IAMUser", "userName": p, "arn": "arn:aws:iam::111122223333:user/" + p},
			"requestParameters":  map[string]any{"bucketName": p, "key": payloads[(i+2)%len(payloads)], "url": payloads[2]},
			"eventID":            fmt.Sprintf("00000000-0000-4000-8000-%012d", i),
			"eventType":          "AwsApiCall",
			"recipientAccountId": "111122223333",
		}
		line, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestHostileLogs ingests events carrying HTML and script payloads and checks, in
// the table, the record details, the chart's legend and tooltip, and a filter made
// from a payload, that nothing ran and every payload shows as text.
func TestHostileLogs(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	events := filepath.Join(dir, "hostile.jsonl")
	hostileEvents(t, events)
	out, err := exec.Command(binary, "ingest", "--quiet", "--data", data, "--bucket", "my_aws_bucket", events).CombinedOutput()
	if err != nil {
		t.Fatalf("trailbook ingest: %v\n%s", err, out)
	}

	s := startServer(t, "--data", data)
	cells := []map[string]any{
		codeCell("table", "fetch logs, from: -1h\n| parse content, \"JSON:event\"\n| fields timestamp, user = event[userIdentity][userName], agent = event[userAgent], error = event[errorMessage], event\n| sort timestamp desc"),
		codeCell("chart", "fetch logs, from: -1h\n| parse content, \"JSON:event\"\n| makeTimeseries n = count(), by: {user = event[userIdentity][userName]}, interval: 1m"),
	}
	nb, _ := json.Marshal(map[string]any{"cells": cells, "metadata": map[string]any{}, "nbformat": 4, "nbformat_minor": 5})
	if err := os.MkdirAll(s.notebooks, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(s.notebooks, "hostile.ipynb"), nb, 0o644); err != nil {
		t.Fatal(err)
	}

	ctx := tab(t)
	do(t, ctx, "open the notebook", chromedp.Navigate(s.page("/notebooks/hostile.ipynb")))
	waitFor(t, ctx, "the kernel", `document.body.dataset.ready === 'true' && document.querySelector('.kernel-state').dataset.state === 'idle'`)
	do(t, ctx, "run all", chromedp.Click(`.run-all`))
	waitDone(t, ctx, 0)
	waitDone(t, ctx, 1)

	// The table shows each payload as text.
	tb := tableOf(t, ctx, 0)
	if len(tb.Rows) != len(payloads) {
		t.Fatalf("table has %d rows, want %d: %s", len(tb.Rows), len(payloads), tb.Status)
	}
	shown := map[string]bool{}
	for _, r := range tb.Rows {
		for _, c := range r {
			shown[c] = true
		}
	}
	for _, p := range payloads {
		if !shown[p] {
			t.Errorf("the table does not show %q as text", p)
		}
	}

	// The record details show them as text too, in the parsed event.
	do(t, ctx, "open record details", chromedp.DoubleClick(`.cells > .cell:nth-of-type(1) .tbody .tr[data-index="0"] .td[data-col="1"]`))
	waitFor(t, ctx, "the record details", `!document.querySelector('.details').hidden && document.querySelector('.details .tree-row[data-path=\'["event","userAgent"]\']')`)
	agent := eval[string](t, ctx, `document.querySelector('.details .tree-row[data-path=\'["event","userAgent"]\'] .tree-value').textContent`)
	if agent != tb.Rows[0][3] {
		t.Fatalf("details show userAgent %q, the table %q", agent, tb.Rows[0][3])
	}
	// Expand requestParameters, and check every value in the tree is a payload's text.
	do(t, ctx, "expand requestParameters", chromedp.Click(`.details .tree-row[data-path='["event","requestParameters"]'] > .tree-line .tree-toggle`))
	params := eval[[]string](t, ctx, `[...document.querySelectorAll('.details .tree-row[data-path^=\'["event","requestParameters",\'] .tree-value')].map((e) => e.textContent)`)
	if len(params) != 3 {
		t.Fatalf("requestParameters shows %q", params)
	}
	for _, v := range params {
		if !isPayload(v) {
			t.Fatalf("requestParameters value %q is not a payload as text", v)
		}
	}

	// A filter made from a payload quotes it so that DQL matches exactly that value.
	do(t, ctx, "filter on the user agent",
		chromedp.Click(`.details .tree-row[data-path='["event","userAgent"]'] > .tree-line .tree-key`),
		chromedp.Click(`.details .tree-row[data-path='["event","userAgent"]'] > .tree-line [data-action="filter"]`))
	press(t, ctx, "\r", chromedp.ModifierCtrl)
	waitDone(t, ctx, 0)
	waitFor(t, ctx, "the filtered table", cell(0)+`.querySelectorAll('.result-table .tbody .tr').length === 1`)
	if got := tableOf(t, ctx, 0).Rows[0][3]; got != agent {
		t.Fatalf("filtered on userAgent %q, got a row with %q", agent, got)
	}
	press(t, ctx, "\u001b")
	if !eval[bool](t, ctx, `document.querySelector('.details').hidden`) {
		t.Fatalf("the record details stay open on a result that is gone")
	}

	// The chart: one series per payload user; its description (legend names) and
	// its tooltip hold the payloads as text.
	waitFor(t, ctx, "the chart", cell(1)+`.querySelector('.chart canvas') && `+cell(1)+`.querySelector('.chart').dataset.series === '`+fmt.Sprint(len(payloads))+`'`)
	label := eval[string](t, ctx, cell(1)+`.querySelector('.chart').getAttribute('aria-label') || ''`)
	for _, p := range payloads {
		if !strings.Contains(label, p) {
			t.Errorf("the chart's legend description does not name %q: %q", p, label)
		}
	}
	// Hover along the plot until the tooltip shows the minute with events.
	box := eval[[]float64](t, ctx, `(() => { const c = `+cell(1)+`.querySelector('.chart'); c.scrollIntoView({block: 'center'}); const r = c.getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; })()`)
	var names []string
	for x := box[0] + 40; x < box[0]+box[2]-20 && len(names) == 0; x += 8 {
		do(t, ctx, "hover over the chart", chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x, box[1]+box[3]/2))
		names = eval[[]string](t, ctx, `[...document.querySelectorAll('.chart-tip')].filter((e) => e.isConnected).flatMap((e) => [...e.querySelectorAll('.chart-tip-name')].map((n) => n.textContent))`)
	}
	if len(names) != len(payloads) {
		t.Fatalf("tooltip names %q, want the %d payloads", names, len(payloads))
	}
	for _, n := range names {
		if !isPayload(n) {
			t.Fatalf("tooltip shows %q, not a payload as text", n)
		}
	}

	// Nothing ran, and no element came from a payload.
	state := eval[map[string]any](t, ctx, `({
		xss: typeof window.__xss === 'undefined' ? 'unset' : String(window.__xss),
		imgs: document.querySelectorAll('img, svg image, iframe, object, embed').length,
		svgs: [...document.querySelectorAll('svg')].length,
		scripts: document.scripts.length,
		inline: [...document.scripts].filter((s) => !s.src).length,
		handlers: [...document.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => /^on/i.test(a.name))).length,
		jsLinks: [...document.querySelectorAll('[href], [src]')].filter((e) => /^\s*javascript:/i.test(e.getAttribute('href') || e.getAttribute('src'))).length,
	})`)
	want := map[string]any{"xss": "unset", "imgs": 0.0, "svgs": 0.0, "scripts": 1.0, "inline": 0.0, "handlers": 0.0, "jsLinks": 0.0}
	for k, v := range want {
		if state[k] != v {
			t.Errorf("%s = %v, want %v", k, state[k], v)
		}
	}
	checkClean(t, ctx, s)
}

func isPayload(s string) bool {
	for _, p := range payloads {
		if s == p {
			return true
		}
	}
	return false
}

func codeCell(id, source string) map[string]any {
	return map[string]any{"cell_type": "code", "id": id, "metadata": map[string]any{}, "source": source, "outputs": []any{}, "execution_count": nil}
}

//go:build browser

package browser

import (
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// offlineTab is a tab with the network cut: a request interceptor fails every
// request but the page's own file. It records every request, failed load and
// JavaScript dialog.
type offlineTab struct {
	ctx      ctxT
	mu       sync.Mutex
	requests []string
	failed   []string
	dialogs  []string
}

func openOffline(t *testing.T, file string, scripts bool) *offlineTab {
	t.Helper()
	o := &offlineTab{ctx: tab(t)}
	self := (&url.URL{Scheme: "file", Path: file}).String()
	if err := chromedp.Listen(o.ctx, func(ev any) {
		o.mu.Lock()
		defer o.mu.Unlock()
		switch e := ev.(type) {
		case *fetch.EventRequestPaused:
			// Answered from another goroutine: a listener must not run commands.
			go func() {
				if e.Request.URL == self {
					chromedp.Call(o.ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: e.RequestID})
				} else {
					chromedp.Call(o.ctx, fetch.FailRequest, fetch.FailRequestParams{RequestID: e.RequestID, ErrorReason: network.ErrorReasonInternetDisconnected})
				}
			}()
		case *network.EventRequestWillBeSent:
			o.requests = append(o.requests, e.Request.URL)
		case *network.EventLoadingFailed:
			o.failed = append(o.failed, string(e.Type)+" "+e.ErrorText)
		case *page.EventJavascriptDialogOpening:
			o.dialogs = append(o.dialogs, string(e.Type)+": "+e.Message)
		}
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(o.ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(o.ctx, fetch.Enable, fetch.EnableParams{}); err != nil {
		t.Fatalf("cannot intercept requests: %v", err)
	}
	if !scripts {
		if _, err := chromedp.Call(o.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatal(err)
		}
	}
	do(t, o.ctx, "open the report", chromedp.Navigate(self))
	return o
}

// check fails the test on a request to anything but the file itself (or a data:
// image in it), a failed load, or a dialog.
func (o *offlineTab) check(t *testing.T, file string) {
	t.Helper()
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, r := range o.requests {
		if !strings.HasPrefix(r, "data:") && r != (&url.URL{Scheme: "file", Path: file}).String() {
			t.Errorf("the report requested %s", r)
		}
	}
	if len(o.failed) > 0 {
		t.Errorf("failed loads: %q", o.failed)
	}
	if len(o.dialogs) > 0 {
		t.Errorf("a payload opened dialogs: %q", o.dialogs)
	}
}

// TestReport runs a notebook over logs full of script payloads with `trailbook
// run --html`, opens the report in Chromium with the network cut, and checks that
// it draws its charts from the embedded data, loads nothing, runs no payload and
// shows every payload as text; and that with JavaScript off the charts show as
// their images.
func TestReport(t *testing.T) {
	dir := t.TempDir()
	events := filepath.Join(dir, "hostile.jsonl")
	hostileEvents(t, events)
	notebook := filepath.Join(dir, "hostile.ipynb")
	cells := []map[string]any{
		{"cell_type": "markdown", "id": "intro", "metadata": map[string]any{}, "source": "# Hostile <b>logs</b>\n\n" + payloads[0] + " and [a link](" + payloads[2] + ")"},
		codeCell("table", "fetch logs, from: -1h\n| parse content, \"JSON:event\"\n| fields timestamp, user = event[userIdentity][userName], agent = event[userAgent], error = event[errorMessage]\n| sort timestamp desc"),
		codeCell("chart", "fetch logs, from: -1h\n| parse content, \"JSON:event\"\n| makeTimeseries n = count(), by: {user = event[userIdentity][userName]}, interval: 1m"),
		codeCell("note", "%%js\nconsole.log(prev.map(r => r.user).join(' | '))\nmd`users: ${prev.map(r => r.user).join(', ')}`"),
	}
	nb, _ := json.Marshal(map[string]any{"cells": cells, "metadata": map[string]any{}, "nbformat": 4, "nbformat_minor": 5})
	if err := os.WriteFile(notebook, nb, 0o644); err != nil {
		t.Fatal(err)
	}
	report := filepath.Join(dir, "report.html")
	run := exec.Command(binary, "run", notebook, "--input", events, "-o", filepath.Join(dir, "out.ipynb"), "--html", report)
	run.Dir = dir
	if out, err := run.CombinedOutput(); err != nil {
		t.Fatalf("trailbook run: %v\n%s", err, out)
	}
	var executed struct {
		Cells []struct {
			Outputs []struct {
				Data map[string]json.RawMessage `json:"data"`
			} `json:"outputs"`
		} `json:"cells"`
	}
	data, _ := os.ReadFile(filepath.Join(dir, "out.ipynb"))
	json.Unmarshal(data, &executed)
	hasPNG := false
	for _, o := range executed.Cells[2].Outputs {
		if o.Data["image/png"] != nil {
			hasPNG = true
		}
	}

	// JavaScript on: the chart is drawn, nothing is requested, nothing runs.
	on := openOffline(t, report, true)
	waitFor(t, on.ctx, "the chart drawn", `(() => { const c = document.querySelector('.chart-output.drawn .chart'); return c && c.querySelector('canvas, svg') && c.dataset.series === '`+strconv.Itoa(len(payloads))+`'; })()`)
	state := eval[map[string]any](t, on.ctx, `({
		xss: typeof window.__xss === 'undefined' ? 'unset' : String(window.__xss),
		errors: window.__errors.length, csp: window.__csp.join(' '),
		handlers: [...document.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => /^on/i.test(a.name))).length,
		links: [...document.querySelectorAll('[href], [src]')].map((e) => e.getAttribute('href') || e.getAttribute('src')).filter((u) => !/^(data:image\/|#)/.test(u)).length,
		scripts: [...document.scripts].filter((s) => s.type !== 'application/json').length,
		text: document.body.innerText,
		label: document.querySelector('.chart-output .chart').getAttribute('aria-label') || '',
	})`)
	for k, want := range map[string]any{"xss": "unset", "errors": 0.0, "csp": "", "handlers": 0.0, "links": 0.0, "scripts": 2.0} {
		if state[k] != want {
			t.Errorf("with JavaScript: %s = %v, want %v", k, state[k], want)
		}
	}
	text, _ := state["text"].(string)
	for _, p := range payloads {
		if !strings.Contains(text, p) {
			t.Errorf("the report does not show %q as text", p)
		}
	}
	on.check(t, report)

	// JavaScript off: the image (or the chart's description) stands in.
	off := openOffline(t, report, false)
	waitFor(t, off.ctx, "the page", `document.readyState === 'complete'`)
	if hasPNG {
		if !eval[bool](t, off.ctx, `(() => { const i = document.querySelector('.chart-output .chart-img'); return !!i && i.complete && i.naturalWidth > 0 && i.getBoundingClientRect().height > 0; })()`) {
			t.Errorf("with JavaScript off, the chart's image does not show")
		}
	} else {
		t.Logf("the chart output has no image/png: checking its text stands in")
		if !eval[bool](t, off.ctx, `(() => { const p = document.querySelector('.chart-output .chart-alt'); return !!p && p.getBoundingClientRect().height > 0; })()`) {
			t.Errorf("with JavaScript off, nothing stands in for the chart")
		}
	}
	if eval[bool](t, off.ctx, `!!document.querySelector('.chart-output.drawn')`) {
		t.Errorf("with JavaScript off, a chart claims to be drawn")
	}
	off.check(t, report)
}

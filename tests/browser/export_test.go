//go:build browser

package browser

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// downloads collects the files a tab downloads into a directory of its own.
type downloads struct {
	dir  string
	mu   sync.Mutex
	name map[string]string // guid → suggested file name
	done chan [2]string    // suggested name, path on disk
}

func allowDownloads(t *testing.T, ctx ctxT) *downloads {
	t.Helper()
	d := &downloads{dir: t.TempDir(), name: map[string]string{}, done: make(chan [2]string, 8)}
	on := true
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: d.dir, EventsEnabled: &on,
	}); err != nil {
		t.Fatalf("cannot allow downloads: %v", err)
	}
	if err := chromedp.ListenBrowser(ctx, func(ev any) {
		switch e := ev.(type) {
		case *browser.EventDownloadWillBegin:
			d.mu.Lock()
			d.name[e.GUID] = e.SuggestedFilename
			d.mu.Unlock()
		case *browser.EventDownloadProgress:
			if e.State == browser.DownloadProgressStateCompleted {
				d.mu.Lock()
				name := d.name[e.GUID]
				d.mu.Unlock()
				select {
				case d.done <- [2]string{name, filepath.Join(d.dir, e.GUID)}:
				default:
				}
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	return d
}

// next waits for the next completed download and returns its name and content.
func (d *downloads) next(t *testing.T) (string, string) {
	t.Helper()
	select {
	case f := <-d.done:
		data, err := os.ReadFile(f[1])
		if err != nil {
			t.Fatalf("the download %s: %v", f[0], err)
		}
		return f[0], string(data)
	case <-time.After(step):
		t.Fatalf("no download completed within %v", step)
	}
	return "", ""
}

// TestDownloadWholeResult checks that the table's CSV and JSON downloads hold
// every record of a result, not only the rows the browser loaded, with hostile
// values kept as data (formulas defused in CSV), and that a result the kernel no
// longer keeps says so.
func TestDownloadWholeResult(t *testing.T) {
	const n = 3000
	s := startServer(t, "--rows", "100") // the browser gets 100 records inline
	nums := make([]string, n)
	for i := range nums {
		nums[i] = fmt.Sprint(i)
	}
	query := fmt.Sprintf(`data record(i = array(%s))
| expand i
| fieldsAdd s = if(i == 0, "=HYPERLINK(\"http://evil.example\")", else: if(i == 1, %q, else: %q))`,
		strings.Join(nums, ", "), payloads[0], payloads[1])
	big := codeCell("big", query)
	big["metadata"] = map[string]any{"trailbook": map[string]any{"name": "big"}}
	nb, _ := json.Marshal(map[string]any{"cells": []any{big}, "metadata": map[string]any{}, "nbformat": 4, "nbformat_minor": 5})
	if err := os.MkdirAll(s.notebooks, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(s.notebooks, "big.ipynb"), nb, 0o644); err != nil {
		t.Fatal(err)
	}

	ctx := tab(t)
	dl := allowDownloads(t, ctx)
	do(t, ctx, "open the notebook", chromedp.Navigate(s.page("/notebooks/big.ipynb")))
	waitFor(t, ctx, "the kernel", `document.body.dataset.ready === 'true' && document.querySelector('.kernel-state').dataset.state === 'idle'`)
	do(t, ctx, "run all", chromedp.Click(`.run-all`))
	waitDone(t, ctx, 0)
	waitFor(t, ctx, "the table", cell(0)+`.querySelectorAll('.result-table .tbody .tr').length > 0`)
	// The page holds the 100 records of the output and has asked for no more.
	pages := eval[int](t, ctx, `performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/trailbook/results/')).length`)
	if pages != 0 {
		t.Fatalf("the page loaded %d result pages before the download", pages)
	}

	do(t, ctx, "download CSV", chromedp.Click(`.cells > .cell:nth-of-type(1) [data-export="csv"]`))
	name, body := dl.next(t)
	if name != "big.csv" {
		t.Errorf("CSV file name %q, want big.csv", name)
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("the CSV download does not parse: %v", err)
	}
	if len(rows) != n+1 || strings.Join(rows[0], ",") != "i,s" {
		t.Fatalf("the CSV download has %d rows (header %q), want %d and i,s", len(rows), rows[0], n+1)
	}
	if rows[1][1] != `'=HYPERLINK("http://evil.example")` || rows[2][1] != payloads[0] || rows[n][0] != fmt.Sprint(n-1) || rows[n][1] != payloads[1] {
		t.Errorf("CSV rows: %q %q … %q", rows[1], rows[2], rows[n])
	}

	do(t, ctx, "download JSON", chromedp.Click(`.cells > .cell:nth-of-type(1) [data-export="json"]`))
	name, body = dl.next(t)
	var env struct {
		Records []map[string]string `json:"records"`
	}
	if err := json.Unmarshal([]byte(body), &env); err != nil {
		t.Fatalf("the JSON download does not parse: %v", err)
	}
	if name != "big.json" || len(env.Records) != n || env.Records[2]["s"] != payloads[1] || env.Records[n-1]["i"] != fmt.Sprint(n-1) {
		t.Errorf("JSON download %q: %d records", name, len(env.Records))
	}

	// After a restart the kernel keeps no results: the download says so.
	if !eval[bool](t, ctx, `(async () => {
		const s = await (await fetch('/api/sessions')).json();
		return (await fetch('/api/kernels/' + s[0].kernel.id + '/restart', { method: 'POST' })).ok;
	})()`) {
		t.Fatal("cannot restart the kernel")
	}
	do(t, ctx, "download CSV again", chromedp.Click(`.cells > .cell:nth-of-type(1) [data-export="csv"]`))
	waitFor(t, ctx, "the message that the result is gone", `[...document.querySelectorAll('.toast')].some((e) => e.textContent.includes('no longer on the server'))`)
	select {
	case f := <-dl.done:
		t.Errorf("a download of a result that is gone: %s", f[0])
	default:
	}
	if xss := eval[string](t, ctx, `typeof window.__xss === 'undefined' ? 'unset' : String(window.__xss)`); xss != "unset" {
		t.Errorf("a payload ran: __xss = %s", xss)
	}
	checkClean(t, ctx, s)
}

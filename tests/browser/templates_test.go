//go:build browser

package browser

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// cellNamed is the JavaScript expression of the index of the cell named name.
func cellNamed(name string) string {
	return fmt.Sprintf(`[...document.querySelectorAll('.cells > .cell')].findIndex((c) => c.querySelector('.cell-name')?.value === %q)`, name)
}

// setField replaces the text of the input matching sel.
func setField(t *testing.T, ctx ctxT, sel, text string) {
	t.Helper()
	do(t, ctx, "focus "+sel, chromedp.Click(sel))
	press(t, ctx, "a", chromedp.ModifierCtrl)
	insertText(t, ctx, text)
}

// TestTemplateGallery opens the gallery from the notebook browser, searches for
// "sign-in", picks "Console sign-in failures", sets its timeframe, opens and runs
// it, and sees the failures table; Escape and Enter work the dialog.
func TestTemplateGallery(t *testing.T) {
	s := startServer(t, "--templates", filepath.Join(t.TempDir(), "templates"))
	ctx := tab(t)

	do(t, ctx, "open the notebook browser", chromedp.Navigate(s.page("/")))
	waitFor(t, ctx, "the notebook browser", `document.body.dataset.ready === 'true' && !!document.querySelector('.new-from-template')`)
	do(t, ctx, "click New from template", chromedp.Click(`.new-from-template`))
	waitFor(t, ctx, "the gallery", `location.search.includes('view=templates') && document.body.dataset.ready === 'true' && document.querySelectorAll('.tpl-card').length > 0`)
	total := eval[int](t, ctx, `document.querySelectorAll('.tpl-card').length`)
	if !eval[bool](t, ctx, `document.activeElement === document.querySelector('.tpl-search')`) {
		t.Fatalf("the search box does not have the focus")
	}
	attack := eval[[]string](t, ctx, `[...document.querySelectorAll('.tpl-card[data-name="console-signin-failures"] .chip.attack')].map((c) => c.textContent)`)
	if len(attack) == 0 || !strings.HasPrefix(attack[0], "T1110") {
		t.Fatalf("ATT&CK chips %q", attack)
	}

	// Search as you type: nothing matches, then "sign-in" does.
	insertText(t, ctx, "no-such-words")
	waitFor(t, ctx, "the search to filter everything out", `document.querySelectorAll('.tpl-card').length === 0 && !!document.querySelector('.tpl-none')`)
	press(t, ctx, "a", chromedp.ModifierCtrl)
	insertText(t, ctx, "sign-in")
	waitFor(t, ctx, "the search to filter", `new URLSearchParams(location.search).get('q') === 'sign-in' && !!document.querySelector('.tpl-card[data-name="console-signin-failures"]')`)
	shown := eval[[]string](t, ctx, `[...document.querySelectorAll('.tpl-card')].map((c) => c.textContent.toLowerCase())`)
	for _, c := range shown {
		if !strings.Contains(c, "sign-in") {
			t.Fatalf("a card that does not match the search: %q", c)
		}
	}
	t.Logf("search: %d of %d templates", len(shown), total)

	// Pick it: a dialog with the parameter form. Escape closes it and the focus
	// goes back to the card; Enter opens it again.
	open := `.tpl-card[data-name="console-signin-failures"] .tpl-open`
	do(t, ctx, "pick Console sign-in failures", chromedp.Click(open))
	waitFor(t, ctx, "the template's form", `document.querySelector('dialog.tpl-dialog[open] #tpl-param-timeframe') !== null`)
	press(t, ctx, "\u001b")
	waitFor(t, ctx, "the dialog to close", `!document.querySelector('dialog.tpl-dialog') && document.activeElement === document.querySelector('`+open+`')`)
	press(t, ctx, "\r")
	waitFor(t, ctx, "the template's form again", `document.querySelector('dialog.tpl-dialog[open] #tpl-param-timeframe') !== null`)
	if !eval[bool](t, ctx, `document.querySelector('dialog.tpl-dialog').contains(document.activeElement) && document.activeElement.matches('input')`) {
		t.Fatalf("the form's first field does not have the focus")
	}
	if def := eval[string](t, ctx, `document.querySelector('#tpl-param-timeframe').value`); def == "" {
		t.Fatalf("the timeframe field has no default")
	}
	waitFor(t, ctx, "the cells' preview", `document.querySelectorAll('.tpl-cells .tpl-cell.code').length > 0`)

	// A wrong timeframe is caught beside the field, before anything is made.
	setField(t, ctx, "#tpl-param-timeframe", "yesterday")
	do(t, ctx, "click Open and run all", chromedp.Click(`.tpl-run`))
	waitFor(t, ctx, "the field's error", `document.querySelector('#tpl-param-timeframe-error').textContent !== '' && document.querySelector('#tpl-param-timeframe').getAttribute('aria-invalid') === 'true'`)

	// The timeframe preset, then the spray of the last 30 minutes within -2h.
	setField(t, ctx, "#tpl-param-timeframe", "-2h")
	do(t, ctx, "click Open and run all", chromedp.Click(`.tpl-run`))
	waitFor(t, ctx, "the new notebook", `location.pathname.startsWith('/notebooks/Console%20sign-in%20failures%20') && document.body.dataset.ready === 'true'`)
	if eval[string](t, ctx, `location.search`) != "" {
		t.Fatalf("?run=all stays in the address: a reload would run everything again")
	}
	if tf := eval[string](t, ctx, `document.querySelector('.timeframe-select').selectedOptions[0].textContent`); tf != "Last 2 hours" {
		t.Fatalf("the notebook's timeframe is %q, want Last 2 hours", tf)
	}
	i := eval[int](t, ctx, cellNamed("failures"))
	if i < 0 {
		t.Fatalf("no cell named failures")
	}
	waitDone(t, ctx, i)
	waitFor(t, ctx, "the failures table", cell(i)+`.querySelectorAll('.result-table .tbody .tr').length > 0`)
	tb := tableOf(t, ctx, i)
	if got := strings.Join(tb.Cols, ","); got != "ipAddr,reason,region,userARN,MFAUsed,count()" {
		t.Fatalf("columns %s", got)
	}
	if m := countLine.FindStringSubmatch(tb.Status); m == nil || len(tb.Rows) < 2 {
		t.Fatalf("table status %q with %d rows", tb.Status, len(tb.Rows))
	}
	if src := sourceOf(t, ctx, i); !strings.Contains(src, `dt.system.bucket == "my_aws_bucket"`) || strings.Contains(src, "$bucket") {
		t.Fatalf("the query's parameters are not set:\n%s", src)
	}
	t.Logf("console sign-in failures over -2h: %s", tb.Status)
	// Every code cell ran, none failed.
	code := eval[[]int](t, ctx, `[...document.querySelectorAll('.cells > .cell')].flatMap((c, i) => c.querySelector('.cell-kind').value === 'markdown' ? [] : [i])`)
	if len(code) < 2 {
		t.Fatalf("code cells %v: want the template's queries", code)
	}
	for _, j := range code {
		waitDone(t, ctx, j)
	}
	if failed := eval[int](t, ctx, `document.querySelectorAll('.cells .output.error').length`); failed != 0 {
		t.Fatalf("%d cells failed%s", failed, diagnose(ctx))
	}
	checkClean(t, ctx, s)

	// Save it as a template of one's own from the ⋯ menu; a bundled name is
	// refused, another is saved and shows in the gallery as yours.
	do(t, ctx, "open the ⋯ menu", chromedp.Click(`.more-menu`))
	waitFor(t, ctx, "the menu", `document.activeElement.matches('.menu-item')`)
	press(t, ctx, "\r") // the first item: Save as template…
	waitFor(t, ctx, "the save dialog", `document.activeElement === document.querySelector('dialog.tpl-save[open] #tpl-save-name')`)
	insertText(t, ctx, "console-signin-failures")
	press(t, ctx, "\r")
	waitFor(t, ctx, "the refusal", `document.querySelector('dialog.tpl-save .tpl-status').textContent.includes('Pick another name')`)
	setField(t, ctx, "#tpl-save-name", "my-signins")
	press(t, ctx, "\r")
	waitFor(t, ctx, "the dialog to close", `!document.querySelector('dialog.tpl-save') && [...document.querySelectorAll('.toast')].some((e) => e.textContent.includes('my-signins'))`)
	do(t, ctx, "open the gallery", chromedp.Navigate(s.page("/")+"&view=templates&q=my-signins"))
	waitFor(t, ctx, "the saved template", `document.body.dataset.ready === 'true' && document.querySelector('.tpl-card[data-name="my-signins"] .tpl-origin')?.textContent === 'yours'`)
}

// TestTemplateGalleryHostile serves a user template whose title, description,
// tags, parameter label, description and default are HTML and script payloads:
// the gallery, the form and the notebook made from it show them as text, a wrong
// value's server message shows beside its field, and the hostile default stays
// one string in the query, which finds nothing.
func TestTemplateGalleryHostile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "templates")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	injection := `x" or true or "` + payloads[0]
	nb := map[string]any{
		"nbformat": 4, "nbformat_minor": 5,
		"metadata": map[string]any{"trailbook": map[string]any{
			"template": map[string]any{
				"name": "hostile-template", "title": payloads[0], "description": payloads[1],
				"tags": []string{"T1110", payloads[4]}, "events": []string{"s3.amazonaws.com:<b>GetObject</b>"},
			},
			"parameters": []map[string]any{
				{"name": "who", "type": "string", "default": injection, "description": payloads[1], "label": payloads[4]},
				{"name": "timeframe", "type": "timeframe", "default": "-1h", "description": "when"},
			},
		}},
		"cells": []any{
			map[string]any{"cell_type": "markdown", "id": "m", "metadata": map[string]any{}, "source": "# " + payloads[0]},
			codeCell("q", "fetch logs\n| filter dt.system.bucket == $who\n| limit 5"),
		},
	}
	data, _ := json.Marshal(nb)
	if err := os.WriteFile(filepath.Join(dir, "hostile-template.ipynb"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	s := startServer(t, "--templates", dir)
	ctx := tab(t)

	do(t, ctx, "open the gallery", chromedp.Navigate(s.page("/")+"&view=templates&q=hostile"))
	waitFor(t, ctx, "the hostile card", `document.body.dataset.ready === 'true' && document.querySelectorAll('.tpl-card').length === 1 && !!document.querySelector('.tpl-card[data-name="hostile-template"]')`)
	card := eval[map[string]any](t, ctx, `(() => { const c = document.querySelector('.tpl-card');
		return {title: c.querySelector('.tpl-open').textContent, desc: c.querySelector('.tpl-desc').textContent,
			chips: [...c.querySelectorAll('.chip')].map((x) => x.textContent), origin: c.querySelector('.tpl-origin')?.textContent || ''}; })()`)
	if card["title"] != payloads[0] || card["desc"] != payloads[1] || fmt.Sprint(card["chips"]) != fmt.Sprint([]any{"T1110", payloads[4]}) || card["origin"] != "yours" {
		t.Fatalf("card %v: want the payloads as text", card)
	}

	do(t, ctx, "pick it", chromedp.Click(`.tpl-open`))
	waitFor(t, ctx, "the form", `document.querySelector('dialog.tpl-dialog[open] #tpl-param-who') !== null`)
	form := eval[map[string]string](t, ctx, `({
		title: document.querySelector('dialog.tpl-dialog h2').textContent,
		label: document.querySelector('label[for="tpl-param-who"]').firstChild.textContent,
		value: document.querySelector('#tpl-param-who').value,
		help: document.querySelector('#tpl-param-who-help').textContent,
	})`)
	if form["title"] != payloads[0] || form["label"] != payloads[4] || form["value"] != injection || !strings.HasPrefix(form["help"], payloads[1]) {
		t.Fatalf("form %q: want the payloads as text", form)
	}
	waitFor(t, ctx, "the preview", `document.querySelectorAll('.tpl-cells .tpl-cell').length === 2`)

	// A value only the server can refuse: its message shows beside the field.
	setField(t, ctx, "#tpl-param-timeframe", "-1h..-2h")
	do(t, ctx, "click Open as notebook", chromedp.Click(`.tpl-open-notebook`))
	waitFor(t, ctx, "the server's message", `document.querySelector('#tpl-param-timeframe-error').textContent.includes('ends before it starts')`)
	if p := eval[string](t, ctx, `location.pathname`); p != "/" {
		t.Fatalf("a refused value still opened %s", p)
	}

	setField(t, ctx, "#tpl-param-timeframe", "-1h")
	do(t, ctx, "click Open as notebook", chromedp.Click(`.tpl-open-notebook`))
	waitFor(t, ctx, "the notebook", `location.pathname.startsWith('/notebooks/') && document.body.dataset.ready === 'true' && document.querySelector('.kernel-state').dataset.state === 'idle'`)
	want := `| filter dt.system.bucket == "x\" or true or \"` + strings.ReplaceAll(payloads[0], `"`, `\"`) + `"`
	if src := sourceOf(t, ctx, 1); !strings.Contains(src, want) {
		t.Fatalf("the query\n%s\nwant the value as one string:\n%s", src, want)
	}
	do(t, ctx, "run all", chromedp.Click(`.run-all`))
	waitDone(t, ctx, 1)
	if rows := eval[int](t, ctx, cell(1)+`.querySelectorAll('.result-table .tbody .tr').length`); rows != 0 {
		t.Fatalf("the injection attempt found %d records", rows)
	}

	state := eval[map[string]any](t, ctx, `({
		xss: typeof window.__xss === 'undefined' ? 'unset' : String(window.__xss),
		imgs: document.querySelectorAll('img, svg image, iframe, object, embed').length,
		inline: [...document.scripts].filter((s) => !s.src).length,
		handlers: [...document.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => /^on/i.test(a.name))).length,
	})`)
	for k, v := range map[string]any{"xss": "unset", "imgs": 0.0, "inline": 0.0, "handlers": 0.0} {
		if state[k] != v {
			t.Errorf("%s = %v, want %v", k, state[k], v)
		}
	}
	checkClean(t, ctx, s)
}

//go:build browser

package browser

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestScriptCells runs %%js cells in the browser: the first turns a DQL cell's
// result into a table, the second returns makeTimeseries-shaped rows, drawn as a
// chart.
func TestScriptCells(t *testing.T) {
	s := startServer(t)
	ctx := tab(t)
	do(t, ctx, "open the notebook browser", chromedp.Navigate(s.page("/")))
	waitFor(t, ctx, "the notebook browser", `document.body.dataset.ready === 'true' && !!document.querySelector('.new-notebook')`)
	do(t, ctx, "click New notebook", chromedp.Click(`.new-notebook`))
	waitFor(t, ctx, "the new notebook", `location.pathname.startsWith('/notebooks/') && document.body.dataset.ready === 'true'`)
	waitFor(t, ctx, "the kernel", `document.querySelector('.kernel-state').dataset.state === 'idle'`)

	runCell(t, ctx, 0, tutorial(t, "20-unauthorized-api-calls.dql"), chromedp.ModifierShift)
	waitFor(t, ctx, "the DQL chart", cell(0)+`.querySelector('.chart')`)

	// cell 1: a table computed in JavaScript from the previous cell's result.
	runCell(t, ctx, 1, "%%js\nprev.map(r => ({api: r.eventName, total: r.event_count.reduce((a, n) => a + (n ?? 0), 0)}))\n  .sort((a, b) => b.total - a.total)", chromedp.ModifierShift)
	waitFor(t, ctx, "the script's table", cell(1)+`.querySelectorAll('.result-table .tbody .tr').length > 0`)
	tbl := tableOf(t, ctx, 1)
	if strings.Join(tbl.Cols, ",") != "api,total" || len(tbl.Rows) < 2 {
		t.Fatalf("script table: columns %v, %d rows", tbl.Cols, len(tbl.Rows))
	}

	// cell 2: makeTimeseries-shaped rows from a script become a chart.
	runCell(t, ctx, 2, "%%js\nquery(`fetch logs, from: -2h | makeTimeseries n = count(), by: {aws.region}, interval: 5m`)")
	waitFor(t, ctx, "the script's chart", cell(2)+`.querySelector('.chart') && Number(`+cell(2)+`.querySelector('.chart').dataset.series) >= 1`)
	checkClean(t, ctx, s)
}

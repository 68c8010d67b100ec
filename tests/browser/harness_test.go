//go:build browser

package browser

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// chromiumPath is Debian's Chromium, the browser the tests drive.
const chromiumPath = "/usr/bin/chromium"

// Time limits.
const (
	// serverStart bounds the wait for `trailbook serve` to print its URL; the demo
	// data takes well under a second to generate.
	serverStart = 20 * time.Second
	// step bounds one wait in the page (a query on demo data takes milliseconds; a
	// shared CI machine may be slow).
	step = 20 * time.Second
	// testTime bounds one test, browser start included.
	testTime = 3 * time.Minute
)

// ctxT is a chromedp tab context.
type ctxT = context.Context

var (
	binary     string // the trailbook binary under test
	browserCtx context.Context
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	if _, err := os.Stat(chromiumPath); err != nil {
		fmt.Fprintf(os.Stderr, "browser tests: headless Chromium not found at %s: install it with\n\n\tapt-get install -y chromium\n\n", chromiumPath)
		return 1
	}
	tmp, err := os.MkdirTemp("", "trailbook-browser-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(tmp)

	binary = os.Getenv("TRAILBOOK_BIN")
	if binary == "" {
		binary = filepath.Join(tmp, "trailbook")
		build := exec.Command("go", "build", "-o", binary, "./cmd/trailbook")
		build.Dir = repoRoot()
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			fmt.Fprintf(os.Stderr, "browser tests: cannot build trailbook: %v\n", err)
			return 1
		}
	} else if binary, err = filepath.Abs(binary); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(filepath.Join(tmp, "chromium-profile")),
		chromedp.WindowSize(1400, 1000),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	// Start the browser once, on a blank page; each test opens its own tab.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		fmt.Fprintf(os.Stderr, "browser tests: cannot start %s: %v\n", chromiumPath, err)
		return 1
	}
	browserCtx = ctx
	return m.Run()
}

// repoRoot is the module root, two levels above this file.
func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// server is a running `trailbook serve`.
type server struct {
	url       *url.URL // the printed URL, with the token
	notebooks string
	stderr    *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// startServer runs `trailbook serve` on a free loopback port, with a fresh
// notebook directory and the extra args, and stops it when the test ends. It
// fails the test when the UI is not built or not mounted.
func startServer(t *testing.T, args ...string) *server {
	t.Helper()
	dir := t.TempDir()
	nbs := filepath.Join(dir, "notebooks")
	cmd := exec.Command(binary, append([]string{"serve", "--addr", "127.0.0.1:0", "--notebooks", nbs, "--token", "browser-test-token"}, args...)...)
	cmd.Dir = dir // no ./trailbook-data here: without --data, serve uses the demo data
	cmd.Env = withoutEnv(os.Environ(), "TRAILBOOK_DATA", "TRAILBOOK_TOKEN", "TRAILBOOK_VICTORIALOGS")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	s := &server{notebooks: nbs, stderr: &syncBuffer{}}
	cmd.Stderr = s.stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("cannot start %s serve: %v", binary, err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("trailbook serve stderr:\n%s", s.stderr.String())
		}
	})
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			lines <- sc.Text()
		}
		io.Copy(io.Discard, stdout)
	}()
	select {
	case line := <-lines:
		if s.url, err = url.Parse(strings.TrimSpace(line)); err != nil {
			t.Fatalf("serve printed %q, not a URL: %v", line, err)
		}
	case <-time.After(serverStart):
		t.Fatalf("serve printed no URL within %v; stderr:\n%s", serverStart, s.stderr.String())
	}
	s.checkUI(t)
	return s
}

func withoutEnv(env []string, names ...string) []string {
	var out []string
outer:
	for _, kv := range env {
		for _, n := range names {
			if strings.HasPrefix(kv, n+"=") {
				continue outer
			}
		}
		out = append(out, kv)
	}
	return out
}

// checkUI fails the test with the fix when the binary serves no notebook UI.
func (s *server) checkUI(t *testing.T) {
	t.Helper()
	resp, err := http.Get(s.page("/"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	switch {
	case strings.Contains(string(body), "UI assets not built"):
		t.Fatalf("the binary embeds no UI assets: run notebook/ui/build.sh (make build) before these tests")
	case strings.Contains(string(body), "not built into this binary"):
		t.Fatalf("trailbook serve does not mount the notebook UI: cmd/trailbook/serve.go must set UI: ui.Handler() in server.Config")
	case resp.StatusCode != http.StatusOK:
		t.Fatalf("GET /: status %d", resp.StatusCode)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Fatalf("GET /: Content-Security-Policy %q", csp)
	}
}

// page returns the URL of a UI path, with the token (which sets the auth cookie).
func (s *server) page(path string) string {
	u := *s.url
	u.Path = path
	return u.String()
}

// tab opens a new browser tab for one test, with the page hooks installed, and
// closes it when the test ends.
func tab(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browserCtx)
	t.Cleanup(cancel)
	// Record, on every page the tab loads, uncaught errors and CSP violations, and
	// keep the marks the XSS payloads would set out of the page's reach.
	_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: pageHooks})
	if err != nil {
		t.Fatalf("cannot install page hooks: %v", err)
	}
	tctx, cancelT := context.WithTimeout(ctx, testTime)
	t.Cleanup(cancelT)
	return tctx
}

const pageHooks = `
window.__errors = [];
window.__csp = [];
addEventListener('error', (e) => window.__errors.push(String(e.message || e.type)));
addEventListener('unhandledrejection', (e) => window.__errors.push('unhandled rejection: ' + String(e.reason && e.reason.message || e.reason)));
document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
`

// do runs actions, failing the test on error or when they take longer than step
// (a click waits for its element to be visible).
func do(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, step)
	defer cancel()
	for {
		err := chromedp.Do(sctx, actions...)
		if err == nil {
			return
		}
		// A virtualized table may redraw the row between finding it and clicking it:
		// find it again, until the step's time is up.
		if strings.Contains(err.Error(), "Could not find node with given id") && sctx.Err() == nil {
			continue
		}
		t.Fatalf("%s: %v%s", what, err, diagnose(ctx))
	}
}

// eval evaluates JavaScript in the page and returns its value.
func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %s: %v%s", js, err, diagnose(ctx))
	}
	return v
}

// waitFor polls a JavaScript condition until it is true.
func waitFor(t *testing.T, ctx context.Context, what, cond string) {
	t.Helper()
	if _, err := poll[chromedp.Void](ctx, cond, 20*time.Millisecond); err != nil {
		t.Fatalf("waiting for %s (%s): %v%s", what, cond, err, diagnose(ctx))
	}
}

// poll polls a JavaScript expression until it is truthy, for at most step, and
// returns its value. A navigation in between (a click that opens another page)
// restarts the poll in the new page.
func poll[T any](ctx context.Context, expr string, every time.Duration) (T, error) {
	deadline := time.Now().Add(step)
	for {
		v, err := chromedp.Run(ctx, chromedp.Poll[T](expr, chromedp.WithPollingTimeout(time.Until(deadline)), chromedp.WithPollingInterval(every)))
		if err == nil || time.Now().After(deadline) || !isNavigation(err) {
			return v, err
		}
	}
}

func isNavigation(err error) bool {
	s := err.Error()
	return strings.Contains(s, "navigated or closed") || strings.Contains(s, "context was destroyed") || strings.Contains(s, "Cannot find context")
}

// diagnose describes the page, for failure messages.
func diagnose(ctx context.Context) string {
	c, cancel := context.WithTimeout(context.WithoutCancel(ctx), 3*time.Second)
	defer cancel()
	s, err := chromedp.Run(c, chromedp.Evaluate[string](`JSON.stringify({
		url: location.href,
		errors: window.__errors, csp: window.__csp,
		cells: [...document.querySelectorAll('.cells > .cell')].map((c) => ({
			status: c.querySelector('.cell-status')?.textContent,
			outputs: c.querySelector('.outputs')?.innerText.slice(0, 300),
		})),
		save: document.querySelector('.save-state')?.textContent,
		kernel: document.querySelector('.kernel-state')?.textContent,
	}, null, 1)`))
	if err != nil {
		return ""
	}
	return "\npage: " + s
}

// press sends keys (see chromedp/kb) with modifiers to the focused element.
func press(t *testing.T, ctx context.Context, keys string, mods ...chromedp.Modifier) {
	t.Helper()
	do(t, ctx, "press "+fmt.Sprintf("%q", keys), chromedp.KeyEvent(keys, chromedp.KeyModifiers(mods...)))
}

// insertText types text at the cursor as one input event, as a paste or an input
// method does (the editor's bracket closing reacts to single typed brackets only).
func insertText(t *testing.T, ctx context.Context, text string) {
	t.Helper()
	if _, err := chromedp.Call(ctx, input.InsertText, input.InsertTextParams{Text: text}); err != nil {
		t.Fatalf("insert text: %v", err)
	}
}

// checkClean fails the test if the page threw, broke its CSP, or loaded anything
// from another host.
func checkClean(t *testing.T, ctx context.Context, s *server) {
	t.Helper()
	errs := eval[[]string](t, ctx, `window.__errors`)
	csp := eval[[]string](t, ctx, `window.__csp`)
	foreign := eval[[]string](t, ctx, `performance.getEntriesByType('resource').map((e) => e.name).filter((u) => new URL(u).host !== location.host)`)
	if len(errs)+len(csp)+len(foreign) > 0 {
		t.Fatalf("page errors %q, CSP violations %q, requests to other hosts %q", errs, csp, foreign)
	}
}

// Package jupyterclient runs trailbook's acceptance test with a Jupyter client that
// no one here wrote: client.mjs drives `trailbook serve` with @jupyterlab/services
// (installed with `npm ci` from the committed package-lock.json), once per websocket
// framing.
//
// It starts processes and installs packages, so it runs only when asked, as `make
// test` does (and always under CI=true):
//
//	TRAILBOOK_JUPYTER_CLIENT=1 go test -count=1 ./tests/jupyter-client
package jupyterclient

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Time limits of the steps: npm ci from the cache takes seconds, from the network
// a minute; the client's two scenarios take seconds on an idle machine.
const (
	npmTimeout    = 5 * time.Minute
	clientTimeout = 5 * time.Minute
	startTimeout  = time.Minute // building is done before: this is the demo data and the listen
	stopTimeout   = 15 * time.Second
)

func TestJupyterClient(t *testing.T) {
	if os.Getenv("TRAILBOOK_JUPYTER_CLIENT") == "" && os.Getenv("CI") == "" {
		t.Skip("set TRAILBOOK_JUPYTER_CLIENT=1 to run the @jupyterlab/services acceptance test (needs node and npm)")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is not installed: the Jupyter client test needs Node.js 18 or later and npm (Debian: apt-get install nodejs npm)")
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Fatal("npm is not installed: the Jupyter client test needs it to install @jupyterlab/services (Debian: apt-get install npm)")
	}
	here, _ := os.Getwd()
	tmp := t.TempDir()

	// Install exactly the locked packages; --prefer-offline takes them from npm's
	// cache when it has them, so a warm machine needs no network.
	ctx, cancel := context.WithTimeout(context.Background(), npmTimeout)
	defer cancel()
	ci := exec.CommandContext(ctx, npm, "ci", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error")
	ci.Dir = here
	ci.Env = append(os.Environ(), "npm_config_update_notifier=false")
	if out, err := ci.CombinedOutput(); err != nil {
		t.Fatalf("npm ci: %v\n%s", err, out)
	}

	bin := filepath.Join(tmp, "trailbook")
	gocmd := filepath.Join(os.Getenv("GOROOT"), "bin", "go")
	if _, err := os.Stat(gocmd); err != nil {
		gocmd = "go"
	}
	build := exec.Command(gocmd, "build", "-o", bin, "./cmd/trailbook")
	build.Dir = filepath.Join(here, "..", "..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	// Serve from an empty directory, with no data directory and no token in the
	// environment: the demo data and a random token, as a first-time user gets.
	serve := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--notebooks", filepath.Join(tmp, "notebooks"))
	serve.Dir = tmp
	serve.Env = filterEnv(os.Environ(), "TRAILBOOK_DATA=", "TRAILBOOK_TOKEN=")
	stdout, err := serve.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	serve.Stderr = &stderr
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	defer serve.Process.Kill() // if the test stops early; harmless once it has exited
	lines := make(chan string, 4)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var url string
	select {
	case url = <-lines:
	case <-time.After(startTimeout):
		t.Fatalf("trailbook serve printed no URL\n%s", stderr.String())
	}
	if !strings.HasPrefix(url, "http://127.0.0.1:") || !strings.Contains(url, "/?token=") {
		t.Fatalf("serve printed %q, want one URL with the token", url)
	}

	cctx, ccancel := context.WithTimeout(context.Background(), clientTimeout)
	defer ccancel()
	client := exec.CommandContext(cctx, node, "client.mjs", url)
	client.Dir = here
	out, clientErr := client.CombinedOutput()
	t.Logf("client output:\n%s", out)

	// Stop the server; its stdout then ends, and must have held the one URL line.
	serve.Process.Signal(syscall.SIGINT)
	var extra []string
	killed := false
	timeout := time.After(stopTimeout)
collect:
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				break collect
			}
			extra = append(extra, l)
		case <-timeout:
			serve.Process.Kill()
			killed = true
			t.Error("trailbook serve did not stop on SIGINT")
		}
	}
	if err := serve.Wait(); err != nil && !killed {
		t.Errorf("trailbook serve exited with %v\n%s", err, stderr.String())
	}
	if clientErr != nil {
		t.Fatalf("the Jupyter client failed: %v\nserver stderr:\n%s", clientErr, stderr.String())
	}
	if len(extra) > 0 {
		t.Errorf("serve printed more than one line on stdout: %q", extra)
	}
}

// filterEnv drops the variables with the given prefixes.
func filterEnv(env []string, prefixes ...string) []string {
	var out []string
next:
	for _, kv := range env {
		for _, p := range prefixes {
			if strings.HasPrefix(kv, p) {
				continue next
			}
		}
		out = append(out, kv)
	}
	return out
}

package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestServeUsage(t *testing.T) {
	f := func(wantErr string, args ...string) {
		t.Helper()
		code, _, stderr := runCLI(t, append([]string{"serve"}, args...)...)
		if code != exitUsage || !strings.Contains(stderr, wantErr) {
			t.Fatalf("serve %v: exit %d, stderr %q; want exit 2 and %q", args, code, stderr, wantErr)
		}
	}
	f("--no-auth on \"0.0.0.0:0\" would let anyone", "--no-auth", "--addr", "0.0.0.0:0")
	f("--no-auth and --token contradict", "--no-auth", "--token", "x")
	f("unexpected argument", "extra")
	f("--rows must be at least 1", "--rows", "0")
	f("--addr", "--addr", "nocolon")
}

// startServe runs `trailbook serve` in-process and returns the URL line it printed
// and a function that stops it and returns its exit code and stdout's rest.
func startServe(t *testing.T, args ...string) (string, func() (int, string)) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	saved := serveContext
	serveContext = func() context.Context { return ctx }
	t.Cleanup(func() { serveContext = saved })
	pr, pw := io.Pipe()
	codes := make(chan int, 1)
	go func() {
		var errOut strings.Builder
		codes <- run(append([]string{"serve"}, args...), pw, &errOut)
		pw.Close()
	}()
	r := bufio.NewReader(pr)
	line, err := r.ReadString('\n')
	if err != nil {
		cancel()
		t.Fatalf("serve printed no URL: %v (exit %d)", err, <-codes)
	}
	stop := func() (int, string) {
		cancel()
		rest, _ := io.ReadAll(r)
		select {
		case code := <-codes:
			return code, string(rest)
		case <-time.After(10 * time.Second):
			t.Fatal("serve did not stop")
			return 0, ""
		}
	}
	return strings.TrimSuffix(line, "\n"), stop
}

func TestServe(t *testing.T) {
	t.Setenv("TRAILBOOK_TOKEN", "")
	dir := t.TempDir()
	line, stop := startServe(t, "--addr", "127.0.0.1:0", "--notebooks", filepath.Join(dir, "nb"), "--data", filepath.Join(dir, "data"))
	u, err := url.Parse(line)
	if err != nil || u.Scheme != "http" || !strings.HasPrefix(u.Host, "127.0.0.1:") || u.Path != "/" {
		t.Fatalf("URL line %q", line)
	}
	token := u.Query().Get("token")
	if len(token) != 48 {
		t.Fatalf("token %q: want 48 random hex digits", token)
	}
	get := func(path, auth string) int {
		req, _ := http.NewRequest("GET", "http://"+u.Host+path, nil)
		if auth != "" {
			req.Header.Set("Authorization", "token "+auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if s := get("/api/kernels", ""); s != 401 {
		t.Fatalf("no token: %d", s)
	}
	if s := get("/api/kernels", token); s != 200 {
		t.Fatalf("with the token: %d", s)
	}
	if s := get("/", ""); s != 200 && s != 503 { // 503: a binary built without the UI assets
		t.Fatalf("page: %d", s)
	}
	code, rest := stop()
	if code != exitOK || rest != "" {
		t.Fatalf("exit %d, more stdout %q: want 0 and exactly one line", code, rest)
	}
}

func TestServeTokenFromEnvironment(t *testing.T) {
	t.Setenv("TRAILBOOK_TOKEN", "from-env")
	dir := t.TempDir()
	line, stop := startServe(t, "--addr", "127.0.0.1:0", "--notebooks", dir, "--data", filepath.Join(dir, "data"))
	defer stop()
	if !strings.HasSuffix(line, "/?token=from-env") {
		t.Fatalf("URL line %q", line)
	}
}

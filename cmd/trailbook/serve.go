package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/trailbook/trailbook/kernel"
	"github.com/trailbook/trailbook/kernel/script"
	"github.com/trailbook/trailbook/kernel/scriptcell"
	"github.com/trailbook/trailbook/notebook"
	"github.com/trailbook/trailbook/notebook/server"
	"github.com/trailbook/trailbook/notebook/ui"
	"github.com/trailbook/trailbook/renderers/bundle"
)

func init() {
	register(command{name: "serve", summary: "serve the notebook UI and a Jupyter-compatible kernel API", run: runServe})
}

const serveAbout = `
Serves the notebook UI and a Jupyter-compatible kernel server: Jupyter Server's REST
API (kernels, sessions, contents under --notebooks) and kernel websockets, for the
browser, JupyterLab (gateway mode) and scripts using @jupyterlab/services.

It prints one line on stdout: the URL to open, with the token. API requests need the
token (Authorization: token T, or ?token=T); it is random unless --token or
$TRAILBOOK_TOKEN sets it. The server listens on 127.0.0.1 unless --addr says
otherwise; --no-auth is refused on a non-loopback address unless --allow-remote is
given too.

Logs come from the store in --data, else the embedded demo data.

The template gallery (/?view=templates, "New from template" in the notebook
browser) offers the bundled investigation templates and yours, from --templates;
"Save as template…" in a notebook's ⋯ menu saves one there.

Examples:
  trailbook serve
  trailbook serve --addr 127.0.0.1:9000 --notebooks ~/investigations
  TRAILBOOK_TOKEN=secret trailbook serve --data /srv/trailbook-data`

// Server timeouts.
const (
	// readHeaderTimeout bounds how long a client may take to send its request
	// headers: a slow-loris client cannot hold connections open. No body or write
	// timeout is set, because notebooks can be large and websockets live long.
	readHeaderTimeout = 10 * time.Second
	// idleTimeout closes keep-alive connections left unused this long.
	idleTimeout = 2 * time.Minute
	// shutdownTimeout is how long a stopping server waits for requests in flight.
	shutdownTimeout = 5 * time.Second
)

// serveContext is the context serve runs under until a signal arrives; tests
// replace it to stop the server.
var serveContext = context.Background

type serveFlags struct {
	addr          string
	notebooks     string
	data          string
	token         string
	noAuth        bool
	allowRemote   bool
	rows          int
	scriptTimeout time.Duration
	inputs        stringList
	victorialogs  string
	partial       bool
	templates     string
}

func runServe(args []string, stdout, stderr io.Writer) error {
	var f serveFlags
	fs := newFlagSet("serve", "serve [flags]", serveAbout, stdout)
	fs.StringVar(&f.addr, "addr", "127.0.0.1:8888", "listen on `HOST:PORT`")
	fs.StringVar(&f.notebooks, "notebooks", "notebooks", "notebook `DIR` served by the contents API (created if missing)")
	fs.StringVar(&f.data, "data", "", "store `DIR` (default $TRAILBOOK_DATA, else ./trailbook-data)")
	fs.StringVar(&f.token, "token", "", "API token (default $TRAILBOOK_TOKEN, else random)")
	fs.BoolVar(&f.noAuth, "no-auth", false, "serve without a token (loopback addresses only, unless --allow-remote)")
	fs.BoolVar(&f.allowRemote, "allow-remote", false, "allow --no-auth on a non-loopback address")
	fs.IntVar(&f.rows, "rows", bundle.DefaultRows, "table rows sent inline with a cell's output; the rest are paged")
	fs.DurationVar(&f.scriptTimeout, "script-timeout", script.DefaultTimeout, "time limit of a %%js cell")
	fs.Var(&f.inputs, "input", "read logs from `PATH` (file, directory, s3://bucket/prefix) instead of the store; repeatable")
	registerVictoriaLogs(fs, &f.victorialogs, &f.partial)
	fs.StringVar(&f.templates, "templates", "", "your templates `DIR`, beside the bundled ones (default trailbook/templates in the user config dir)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	if f.rows < 1 {
		return usagef("--rows must be at least 1")
	}
	token, err := f.resolveToken()
	if err != nil {
		return err
	}
	host, port, err := net.SplitHostPort(f.addr)
	if err != nil {
		return usagef("--addr %q: %v", f.addr, err)
	}
	if f.noAuth && !isLoopback(host) && !f.allowRemote {
		return usagef("--no-auth on %q would let anyone on the network run queries: add --allow-remote to mean it", f.addr)
	}

	src, closeSource, err := openSource(sourceFlags{inputs: f.inputs, bucket: "default_logs", data: f.data, now: time.Now(), victorialogs: f.victorialogs, partial: f.partial}, stderr)
	if err != nil {
		return err
	}
	defer closeSource()
	nbs, err := notebook.OpenDir(f.notebooks)
	if err != nil {
		return err
	}
	defer nbs.Close()
	lib, err := openGallery(f.templates, stderr)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	kernels := kernel.NewManager(kernel.Options{
		Source:   src,
		Renderer: bundle.Renderer{Rows: f.rows},
		Logger:   logger,
		Scripts:  scriptcell.Factory(f.scriptTimeout),
	}, 0)
	defer kernels.Close()

	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w", f.addr, err)
	}
	_, port, _ = net.SplitHostPort(ln.Addr().String())
	cfg := server.Config{Kernels: kernels, Notebooks: nbs, Token: token, Port: port, UI: ui.Handler(), Logger: logger, Templates: gallery{lib}}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		cfg.AnyHost = true // bound to every interface: any name may reach it
	} else {
		cfg.Hosts = []string{host, "localhost", "127.0.0.1", "::1"}
	}
	srv := &http.Server{
		Handler:           server.New(cfg),
		ReadHeaderTimeout: readHeaderTimeout,
		IdleTimeout:       idleTimeout,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}

	ctx, stop := signal.NotifyContext(serveContext(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	fmt.Fprintln(stdout, serveURL(host, port, token))

	select {
	case err := <-served:
		return fmt.Errorf("server stopped: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("cannot stop the server: %w", err)
	}
	return nil
}

// resolveToken returns the API token: --token, $TRAILBOOK_TOKEN, else random; ""
// with --no-auth.
func (f *serveFlags) resolveToken() (string, error) {
	if f.noAuth {
		if f.token != "" {
			return "", usagef("--no-auth and --token contradict each other")
		}
		return "", nil
	}
	if f.token != "" {
		return f.token, nil
	}
	if t := os.Getenv("TRAILBOOK_TOKEN"); t != "" {
		return t, nil
	}
	var b [24]byte
	rand.Read(b[:]) // never fails (crypto/rand)
	return hex.EncodeToString(b[:]), nil
}

// isLoopback reports whether host names only this machine.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// serveURL is the URL printed at start: the UI, with the token.
func serveURL(host, port, token string) string {
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	u := url.URL{Scheme: "http", Host: net.JoinHostPort(host, port), Path: "/"}
	if token != "" {
		u.RawQuery = url.Values{"token": {token}}.Encode()
	}
	return u.String()
}

// Package server is trailbook's Jupyter Server: the REST API of Jupyter Server
// 1.x/2.x (kernels, kernel specs, sessions, contents, status) over a kernel.Manager
// and a notebook.Dir, the kernel websocket (package kernel/ws), the paging of
// results (GET /api/trailbook/results/{id}) and, at /, the notebook UI.
//
// Every request is checked: the Host header against the names the server answers
// to (DNS rebinding), the Origin against the server's own, and API requests for the
// token (constant-time). Errors are JSON with stable numeric codes (errors.go).
// Nothing logs request bodies, query strings or tokens.
package server

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/trailbook/trailbook/kernel"
	"github.com/trailbook/trailbook/notebook"
)

// Config configures the server.
type Config struct {
	Kernels   *kernel.Manager
	Notebooks *notebook.Dir
	// Token is required on API requests; "" disables authentication (--no-auth).
	Token string
	// Hosts are the names and addresses the server answers to in the Host header
	// (the bound address, "localhost", loopback addresses); AnyHost accepts all, for
	// a server bound to every interface.
	Hosts   []string
	AnyHost bool
	// Port names the auth cookie, so that servers on several ports of one host keep
	// their own.
	Port string
	// UI serves the notebook UI (GET /, /notebooks/{path}); nil serves a page that
	// says the UI is not built into this binary.
	UI http.Handler
	// Logger receives server errors; nil discards.
	Logger *slog.Logger
	// Templates is the template library of the gallery (templates.go); nil
	// answers its API with 404.
	Templates Templates
}

// Limits of request bodies: notebooks with their outputs can be large; every other
// body is a small JSON object.
const (
	maxContentsBody = 256 << 20
	maxJSONBody     = 1 << 20
)

type server struct {
	cfg     Config
	cookie  string
	started time.Time

	mu       sync.Mutex
	sessions map[string]*session
}

// New returns the server's handler.
func New(cfg Config) http.Handler {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.UI == nil {
		cfg.UI = placeholderUI{}
	}
	s := &server{cfg: cfg, cookie: "trailbook-token-" + cfg.Port, started: time.Now(), sessions: map[string]*session{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api", s.apiVersion)
	mux.HandleFunc("GET /api/{$}", s.apiVersion)
	mux.HandleFunc("GET /api/status", s.status)
	mux.HandleFunc("GET /api/kernelspecs", s.kernelspecs)
	mux.HandleFunc("GET /api/kernelspecs/{name}", s.kernelspec)
	mux.HandleFunc("GET /api/kernels", s.listKernels)
	mux.HandleFunc("POST /api/kernels", s.startKernel)
	mux.HandleFunc("GET /api/kernels/{id}", s.getKernel)
	mux.HandleFunc("DELETE /api/kernels/{id}", s.deleteKernel)
	mux.HandleFunc("POST /api/kernels/{id}/interrupt", s.interruptKernel)
	mux.HandleFunc("POST /api/kernels/{id}/restart", s.restartKernel)
	mux.HandleFunc("GET /api/kernels/{id}/channels", s.channels)
	mux.HandleFunc("GET /api/sessions", s.listSessions)
	mux.HandleFunc("POST /api/sessions", s.createSession)
	mux.HandleFunc("GET /api/sessions/{id}", s.getSession)
	mux.HandleFunc("PATCH /api/sessions/{id}", s.patchSession)
	mux.HandleFunc("DELETE /api/sessions/{id}", s.deleteSession)
	mux.HandleFunc("/api/contents", s.contents)
	mux.HandleFunc("/api/contents/{path...}", s.contents)
	mux.HandleFunc("GET /api/trailbook/results/{id}", s.resultPage)
	mux.HandleFunc("GET /api/trailbook/results/{id}/export", s.exportResult)
	s.routeTemplates(mux)
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) { writeError(w, errNoRoute) })
	mux.Handle("/", cfg.UI)
	return s.guard(s.logErrors(mux))
}

// logErrors logs server errors: method, path (never the query, which may hold the
// token) and status.
func (s *server) logErrors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if rec.status >= 500 {
			s.cfg.Logger.Error("server error", "method", r.Method, "path", r.URL.Path, "status", rec.status)
		}
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the connection.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// Hijack hands the connection to the websocket upgrade, which asks for an
// http.Hijacker.
func (r *statusRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	r.status = http.StatusSwitchingProtocols
	return http.NewResponseController(r.ResponseWriter).Hijack()
}

// readJSON decodes a request body of at most limit bytes into v.
func readJSON(w http.ResponseWriter, r *http.Request, limit int64, v any) *apiError {
	body := http.MaxBytesReader(w, r.Body, limit)
	data, err := io.ReadAll(body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errTooLarge
		}
		return errBadJSON.with(err.Error())
	}
	if len(data) == 0 {
		return nil
	}
	if err := json.Unmarshal(data, v); err != nil {
		return errBadJSON.with(err.Error())
	}
	return nil
}

func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z") }

// jupyterServerVersion is the Jupyter Server API generation trailbook's shapes follow.
const jupyterServerVersion = "2.14.0"

func (s *server) apiVersion(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"version": jupyterServerVersion})
}

func (s *server) status(w http.ResponseWriter, r *http.Request) {
	kernels := s.cfg.Kernels.List()
	last, conns := s.started, 0
	for _, k := range kernels {
		if t := k.LastActivity(); t.After(last) {
			last = t
		}
		conns += k.Connections()
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"started":       isoTime(s.started),
		"last_activity": isoTime(last),
		"connections":   conns,
		"kernels":       len(kernels),
	})
}

// kernelName is the one kernel spec trailbook serves.
const kernelName = "trailbook"

func kernelspecModel() map[string]any {
	return map[string]any{
		"name": kernelName,
		"spec": map[string]any{
			"argv":           []string{"trailbook", "kernel", "-f", "{connection_file}"},
			"display_name":   "trailbook (DQL)",
			"language":       "dql",
			"interrupt_mode": "message",
			"env":            map[string]string{},
			"metadata":       map[string]any{},
		},
		"resources": map[string]string{},
	}
}

func (s *server) kernelspecs(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"default":     kernelName,
		"kernelspecs": map[string]any{kernelName: kernelspecModel()},
	})
}

func (s *server) kernelspec(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("name") != kernelName {
		writeError(w, errNoKernelspec)
		return
	}
	writeJSON(w, http.StatusOK, kernelspecModel())
}

// resultPage serves GET /api/trailbook/results/{id}?offset=&limit=: a page of a
// kept result, {"resultId","columns","records","total","offset"}, records in the
// typed JSON lines encoding.
func (s *server) resultPage(w http.ResponseWriter, r *http.Request) {
	res, ok := s.cfg.Kernels.Result(r.PathValue("id"))
	if !ok {
		writeError(w, errNoResult)
		return
	}
	offset, err1 := intParam(r, "offset", 0)
	limit, err2 := intParam(r, "limit", defaultPage)
	if err := errors.Join(err1, err2); err != nil || offset < 0 || limit < 1 {
		writeError(w, errBadParam.with("offset must be ≥ 0 and limit ≥ 1"))
		return
	}
	limit = min(limit, maxPage)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(pageJSON(res, offset, limit))
}

// Page sizes of the results API: a screenful of rows many times over, bounded so
// that one request cannot make a response of the whole result.
const (
	defaultPage = 1000
	maxPage     = 10000
)

func intParam(r *http.Request, name string, def int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", name, err)
	}
	return n, nil
}

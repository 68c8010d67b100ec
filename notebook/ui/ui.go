// Package ui serves trailbook's notebook UI: the front end in web/, bundled by
// build.sh (esbuild) into dist/ and embedded in the binary with go:embed. It owns
// nothing else: the notebook pages call the server's Jupyter REST API and kernel
// websocket, which package notebook/server serves.
//
// The handler answers GET and HEAD only:
//
//	/                    the notebook browser (index.html)
//	/notebooks/{path}    a notebook (the same index.html; the script reads the path)
//	/assets/{name}       bundled scripts, styles and icons, named by content hash
//
// Every response carries a strict Content-Security-Policy: scripts and styles from
// the server only, no inline script, no eval, no connection anywhere but the server
// itself. The UI needs no network beyond the server that served it.
//
// The package imports only the standard library.
package ui

import (
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"embed"
	"encoding/base64"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
)

//go:embed all:dist
var dist embed.FS

// ContentSecurityPolicy is the policy of every UI response but the page itself:
// scripts and styles from the server only, no inline script, no eval. 'self' in
// connect-src covers the kernel websocket on the same host and port (CSP level 3).
const ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; manifest-src 'self'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// pagePolicy is the policy of index.html: ContentSecurityPolicy, plus the one
// <style> element CodeMirror writes its base styles into, which must carry the
// page's nonce (ECharts sets styles through the CSSOM, which CSP does not block).
// Scripts get no nonce: they stay 'self' only.
func pagePolicy(nonce string) string {
	return strings.Replace(ContentSecurityPolicy, "style-src 'self'", "style-src 'self' 'nonce-"+nonce+"'", 1)
}

// noncePlaceholder is the text in the built index.html that each response
// replaces with a fresh nonce (web/build.mjs writes it into a <meta> element).
const noncePlaceholder = "__CSP_NONCE__"

// Cache lifetimes.
const (
	// assetMaxAge is a year: asset names carry a hash of their content, so a new
	// build has new names and a cached file is never stale.
	assetMaxAge = 365 * 24 * time.Hour
)

// notBuiltPage is served in place of index.html when the binary was built before
// the front end (a fresh clone built with go build alone).
const notBuiltPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>trailbook: UI assets not built</title></head>
<body>
<h1>UI assets not built: run make build</h1>
<p>This trailbook binary was compiled without the notebook UI. Run <code>make build</code>
(or <code>notebook/ui/build.sh</code> and then <code>go build ./cmd/trailbook</code>) and start
<code>trailbook serve</code> again. The Jupyter API at <code>/api</code> works without it.</p>
</body></html>
`

// Handler returns the handler of the UI's pages and assets. It is safe for
// concurrent use.
func Handler() http.Handler {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic("BUG: embedded dist directory missing: " + err.Error())
	}
	return newHandler(sub)
}

// Built reports whether the binary embeds the built front end.
func Built() bool {
	_, err := fs.Stat(dist, "dist/index.html")
	return err == nil
}

// handler serves the files of a built dist directory.
type handler struct {
	files fs.FS
	index []byte // nil when the assets are not built
	start time.Time

	mu   sync.Mutex
	gzip map[string][]byte // compressed assets, made on first request
}

func newHandler(files fs.FS) *handler {
	h := &handler{files: files, start: time.Now(), gzip: map[string][]byte{}}
	if b, err := fs.ReadFile(files, "index.html"); err == nil {
		h.index = b
	}
	return h
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("Content-Security-Policy", ContentSecurityPolicy)
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Cross-Origin-Opener-Policy", "same-origin")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hdr.Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	p := r.URL.Path
	switch {
	case p == "/" || strings.HasPrefix(p, "/notebooks/"):
		h.serveIndex(w, r)
	case strings.HasPrefix(p, "/assets/"):
		h.serveAsset(w, r, strings.TrimPrefix(p, "/"))
	default:
		http.NotFound(w, r)
	}
}

// serveIndex serves the page that loads the UI, or says the UI is not built.
// Each response has its own style nonce, so the page is never cached.
func (h *handler) serveIndex(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	hdr.Set("Cache-Control", "no-store")
	if h.index == nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		if r.Method == http.MethodGet {
			w.Write([]byte(notBuiltPage))
		}
		return
	}
	var b [16]byte
	rand.Read(b[:]) // never fails (crypto/rand)
	nonce := base64.StdEncoding.EncodeToString(b[:])
	hdr.Set("Content-Security-Policy", pagePolicy(nonce))
	page := bytes.ReplaceAll(h.index, []byte(noncePlaceholder), []byte(nonce))
	hdr.Set("Content-Length", strconv.Itoa(len(page)))
	if r.Method == http.MethodGet {
		w.Write(page)
	}
}

// serveAsset serves a file under assets/, compressed when the client accepts gzip.
func (h *handler) serveAsset(w http.ResponseWriter, r *http.Request, name string) {
	name = path.Clean(name)
	if !strings.HasPrefix(name, "assets/") || strings.Contains(name, "..") {
		http.NotFound(w, r)
		return
	}
	data, err := fs.ReadFile(h.files, name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	hdr := w.Header()
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	hdr.Set("Content-Type", ctype)
	hdr.Set("Cache-Control", "public, max-age="+strconv.Itoa(int(assetMaxAge.Seconds()))+", immutable")
	hdr.Add("Vary", "Accept-Encoding")
	if compressible(ctype) && acceptsGzip(r) {
		hdr.Set("Content-Encoding", "gzip")
		data = h.gzipped(name, data)
	}
	http.ServeContent(w, r, "", h.start, bytes.NewReader(data))
}

// gzipped returns name's data compressed, compressing it once per process.
func (h *handler) gzipped(name string, data []byte) []byte {
	h.mu.Lock()
	defer h.mu.Unlock()
	if z, ok := h.gzip[name]; ok {
		return z
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // the level is valid
	zw.Write(data)                                           // a bytes.Buffer does not fail
	zw.Close()
	h.gzip[name] = buf.Bytes()
	return buf.Bytes()
}

func compressible(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") || strings.Contains(ctype, "javascript") ||
		strings.Contains(ctype, "json") || strings.Contains(ctype, "svg")
}

// acceptsGzip reports whether the request's Accept-Encoding lists gzip (with a
// quality above zero).
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(enc), "gzip") {
			q := strings.ReplaceAll(params, " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}

package ui

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

var builtFS = fstest.MapFS{
	"index.html":          {Data: []byte(`<!doctype html><meta name="csp-nonce" content="__CSP_NONCE__"><script type="module" src="/assets/main-ABC.js"></script>`)},
	"assets/main-ABC.js":  {Data: []byte(strings.Repeat("console.log('trailbook');\n", 200))},
	"assets/main-ABC.css": {Data: []byte("body{}")},
	"assets/icon-1.svg":   {Data: []byte("<svg/>")},
	".gitignore":          {Data: []byte("*\n")},
}

func serve(h http.Handler, method, target string, hdr map[string]string) *http.Response {
	r := httptest.NewRequest(method, target, nil)
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Result()
}

func TestHandlerPages(t *testing.T) {
	h := newHandler(builtFS)
	f := func(target string, wantStatus int, wantBody string) {
		t.Helper()
		resp := serve(h, "GET", target, nil)
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != wantStatus {
			t.Fatalf("GET %s: status %d, want %d", target, resp.StatusCode, wantStatus)
		}
		csp := resp.Header.Get("Content-Security-Policy")
		if !strings.HasPrefix(csp, "default-src 'none'; script-src 'self'; style-src 'self'") || strings.Contains(csp, "unsafe") {
			t.Fatalf("GET %s: Content-Security-Policy %q", target, csp)
		}
		if wantBody != "" && !strings.Contains(string(body), wantBody) {
			t.Fatalf("GET %s: body %q does not contain %q", target, body, wantBody)
		}
	}
	f("/", 200, `src="/assets/main-ABC.js"`)
	f("/notebooks/a/b.ipynb", 200, `src="/assets/main-ABC.js"`)
	f("/notebooks/", 200, `src="/assets/main-ABC.js"`)
	f("/assets/main-ABC.css", 200, "body{}")
	f("/assets/missing.js", 404, "")
	f("/assets/../index.html", 404, "")
	f("/.gitignore", 404, "")
	f("/assets/", 404, "")
	f("/favicon.ico", 404, "")

	resp := serve(h, "GET", "/", nil)
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Fatalf("index Cache-Control = %q, want no-store", cc)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Fatalf("index Content-Type = %q", ct)
	}
	body, _ := io.ReadAll(resp.Body)
	m := regexp.MustCompile(`content="([A-Za-z0-9+/=]{24})"`).FindSubmatch(body)
	if m == nil {
		t.Fatalf("index has no nonce: %s", body)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "style-src 'self' 'nonce-"+string(m[1])+"'") {
		t.Fatalf("index CSP %q does not allow the page's nonce %s", csp, m[1])
	}
	again, _ := io.ReadAll(serve(h, "GET", "/", nil).Body)
	if bytes.Equal(body, again) {
		t.Fatalf("two loads of the page got the same nonce")
	}
	if resp := serve(h, "GET", "/assets/main-ABC.css", nil); resp.Header.Get("Content-Security-Policy") != ContentSecurityPolicy {
		t.Fatalf("asset CSP %q", resp.Header.Get("Content-Security-Policy"))
	}

	resp = serve(h, "POST", "/", nil)
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("POST /: status %d, want 405", resp.StatusCode)
	}
}

func TestHandlerAssetCaching(t *testing.T) {
	h := newHandler(builtFS)
	resp := serve(h, "GET", "/assets/main-ABC.js", nil)
	if cc := resp.Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
		t.Fatalf("asset Cache-Control = %q", cc)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.Contains(ct, "javascript") {
		t.Fatalf("asset Content-Type = %q", ct)
	}
	if resp.Header.Get("Content-Encoding") != "" {
		t.Fatalf("compressed for a client that did not ask")
	}

	resp = serve(h, "GET", "/assets/main-ABC.js", map[string]string{"Accept-Encoding": "br, gzip;q=0.8"})
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("not compressed for a gzip client")
	}
	zr, err := gzip.NewReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	if !bytes.Equal(plain, builtFS["assets/main-ABC.js"].Data) {
		t.Fatalf("gzip body does not decompress to the asset")
	}
	resp = serve(h, "GET", "/assets/main-ABC.js", map[string]string{"Accept-Encoding": "gzip;q=0"})
	if resp.Header.Get("Content-Encoding") != "" {
		t.Fatalf("compressed for gzip;q=0")
	}
}

func TestHandlerNotBuilt(t *testing.T) {
	h := newHandler(fstest.MapFS{".gitignore": {Data: []byte("*\n")}})
	for _, p := range []string{"/", "/notebooks/x.ipynb"} {
		resp := serve(h, "GET", p, nil)
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("GET %s: status %d, want 503", p, resp.StatusCode)
		}
		if !strings.Contains(string(body), "UI assets not built: run make build") {
			t.Fatalf("GET %s: body %q", p, body)
		}
	}
}

// TestEmbedded checks the embedded directory: it always exists (the committed
// placeholder), and when the UI is built, its page names only local assets.
func TestEmbedded(t *testing.T) {
	resp := serve(Handler(), "GET", "/", nil)
	body, _ := io.ReadAll(resp.Body)
	if !Built() {
		if resp.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("unbuilt UI: status %d, want 503", resp.StatusCode)
		}
		t.Skip("UI assets not built (notebook/ui/build.sh): checked the placeholder only")
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /: status %d", resp.StatusCode)
	}
	for _, bad := range []string{"http://", "https://", "//cdn", "<script>", "onload=", "onerror="} {
		if strings.Contains(string(body), bad) {
			t.Fatalf("index.html contains %q:\n%s", bad, body)
		}
	}
}

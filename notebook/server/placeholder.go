package server

import (
	"net/http"
	"strings"
)

// placeholderUI is served at / when the binary was built without the notebook UI.
type placeholderUI struct{}

const placeholderPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>trailbook</title></head>
<body>
<h1>trailbook</h1>
<p>The notebook UI is not built into this binary. The Jupyter API is served at <code>/api</code>:
connect JupyterLab or a script with @jupyterlab/services to this server, with its token.</p>
</body></html>
`

func (placeholderUI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeError(w, errMethod)
		return
	}
	if r.URL.Path != "/" && !strings.HasPrefix(r.URL.Path, "/notebooks/") {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'none'")
	w.Write([]byte(placeholderPage))
}

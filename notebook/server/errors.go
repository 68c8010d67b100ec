package server

import (
	"encoding/json"
	"net/http"
)

// apiError is a JSON error with a stable code that the UI and scripts can branch on
// (ntfy's errHTTP). Code is the HTTP status times 100 plus a number: the codes below
// never change meaning. "message" is what @jupyterlab/services shows.
type apiError struct {
	Code    int    `json:"code"`
	HTTP    int    `json:"http"`
	Message string `json:"message"`
	Reason  string `json:"reason,omitempty"`
}

func (e *apiError) Error() string { return e.Message }

// with returns a copy of e with a reason (the specific cause).
func (e *apiError) with(reason string) *apiError {
	c := *e
	c.Reason = reason
	return &c
}

// The server's errors. Keep codes stable: add new ones, never renumber. The
// template API's (40005, 40006, 40407, 40408, 40902, 42201) are in templates.go.
var (
	errBadJSON       = &apiError{40001, 400, "the request body is not valid JSON", ""}
	errInvalid       = &apiError{40002, 400, "invalid notebook or contents model", ""}
	errBadParam      = &apiError{40003, 400, "invalid query parameter", ""}
	errNotEmpty      = &apiError{40004, 400, "directory not empty", ""}
	_                = &apiError{40010, 400, "websocket: not a websocket handshake", ""} // sent by kernel/ws
	errNoToken       = &apiError{40101, 401, "a token is required: Authorization: token T, or ?token=T", ""}
	errBadToken      = &apiError{40301, 403, "the token is not valid", ""}
	errOrigin        = &apiError{40302, 403, "cross-origin request refused", ""}
	errHost          = &apiError{40303, 403, "Host header not allowed", ""}
	errRefused       = &apiError{40304, 403, "path refused: outside the notebook directory, hidden, or malformed", ""}
	errNoKernel      = &apiError{40401, 404, "no such kernel", ""}
	errNoSession     = &apiError{40402, 404, "no such session", ""}
	errNoFile        = &apiError{40403, 404, "no such file or directory", ""}
	errNoResult      = &apiError{40404, 404, "no such result: it was never made or is no longer kept", ""}
	errNoRoute       = &apiError{40405, 404, "no such API endpoint", ""}
	errNoKernelspec  = &apiError{40406, 404, "no such kernel spec: trailbook has one, \"trailbook\"", ""}
	errMethod        = &apiError{40501, 405, "method not allowed", ""}
	errExists        = &apiError{40901, 409, "file already exists", ""}
	errTooLarge      = &apiError{41301, 413, "request body too large", ""}
	errInternal      = &apiError{50001, 500, "internal server error", ""}
	errTooManyKernel = &apiError{50301, 503, "too many kernels: shut some down", ""}
)

// writeJSON writes v as JSON with the status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v) // the client may be gone; nothing to do then
}

// writeError writes an apiError.
func writeError(w http.ResponseWriter, e *apiError) {
	writeJSON(w, e.HTTP, e)
}

package victorialogs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// ErrUnavailable is the class of errors where the cluster could not answer in full:
// the node at the URL is unreachable, or a storage node behind it is down (HTTP 502,
// 503, 504). Test with errors.Is.
var ErrUnavailable = errors.New("VictoriaLogs is unavailable")

// Error is an error answer of VictoriaLogs: an HTTP status other than 200, or an
// error written into a query answer already under way.
type Error struct {
	URL    string // the endpoint, without query arguments
	Status int    // HTTP status; 0 for an error met in the middle of an answer
	Msg    string // VictoriaLogs' message, shortened
}

func (e *Error) Error() string {
	what := "error"
	switch {
	case e.unavailable():
		what = "a storage node is unavailable"
	case e.Status == 0:
		what = "the answer was cut short"
	}
	if e.Status != 0 {
		what += fmt.Sprintf(" (HTTP %d)", e.Status)
	}
	if e.Msg == "" {
		return fmt.Sprintf("VictoriaLogs at %s: %s", e.URL, what)
	}
	return fmt.Sprintf("VictoriaLogs at %s: %s: %s", e.URL, what, e.Msg)
}

func (e *Error) unavailable() bool {
	return e.Status == http.StatusBadGateway || e.Status == http.StatusServiceUnavailable || e.Status == http.StatusGatewayTimeout || e.Status == 0
}

// Is makes errors.Is(err, ErrUnavailable) true for answers that say a node is down
// and for answers cut short.
func (e *Error) Is(target error) bool { return target == ErrUnavailable && e.unavailable() }

// Client talks to the VictoriaLogs node that serves /insert/* and /select/* (a single
// node, or the vlinsert/vlselect node of a cluster). It implements exec.Source. A
// Client is safe for concurrent use; every scan and ingest has its own requests, so a
// slow cluster delays only the queries that wait for it.
type Client struct {
	base string
	// HTTP sends the requests. New sets a client whose connections time out after
	// dialTimeout and whose answers have no timeout (the caller's context ends them);
	// replace it before first use for TLS settings, authentication or measurements.
	HTTP *http.Client
	// AccountID and ProjectID select the VictoriaLogs tenant; "" means 0.
	AccountID, ProjectID string
	// Partial makes queries answer when a storage node is down, from the nodes that
	// are up: a query that fails for an unavailable node is sent again with
	// allow_partial_response=1, and its result carries a warning (exec.Warner) that
	// says it is partial. Without it such a query fails with ErrUnavailable. Ingest
	// never accepts partial answers.
	Partial bool
}

// dialTimeout bounds connecting to the node: an unreachable address must fail a
// query in seconds, not hang it. Answers themselves have no timeout here: a scan
// over a year may stream for minutes; the caller's context ends it.
const dialTimeout = 5 * time.Second

// New returns a Client for the node at rawURL, such as http://127.0.0.1:9428.
func New(rawURL string) (*Client, error) {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil {
		return nil, fmt.Errorf("invalid VictoriaLogs URL %q: %w", rawURL, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("invalid VictoriaLogs URL %q: want http://host:port", rawURL)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = (&net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second}).DialContext
	tr.MaxIdleConnsPerHost = 16
	// Answers are JSON lines that compress well, but on the networks clusters run on
	// decompressing costs more than it saves; VictoriaLogs compresses between its nodes.
	tr.DisableCompression = true
	return &Client{base: strings.TrimRight(u.String(), "/"), HTTP: &http.Client{Transport: tr}}, nil
}

// URL returns the node's base URL.
func (c *Client) URL() string { return c.base }

// post sends a request and returns the response when its status is 200; otherwise it
// reads the start of the body into an *Error.
func (c *Client) post(ctx context.Context, path string, form url.Values, contentType string, body io.Reader) (*http.Response, error) {
	u := c.base + path
	if form != nil && body == nil {
		body = strings.NewReader(form.Encode())
		contentType = "application/x-www-form-urlencoded"
	} else if form != nil {
		u += "?" + form.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, body)
	if err != nil {
		return nil, fmt.Errorf("cannot build a request to VictoriaLogs: %w", err)
	}
	req.Header.Set("Content-Type", contentType)
	if c.AccountID != "" {
		req.Header.Set("AccountID", c.AccountID)
	}
	if c.ProjectID != "" {
		req.Header.Set("ProjectID", c.ProjectID)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%w: cannot reach %s: %w", ErrUnavailable, c.base+path, err)
	}
	if resp.StatusCode/100 == 2 {
		return resp, nil
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	return nil, &Error{URL: c.base + path, Status: resp.StatusCode, Msg: shorten(string(msg))}
}

// query starts a LogsQL query and returns the streaming answer. With partial,
// VictoriaLogs answers from the storage nodes that are up.
func (c *Client) query(ctx context.Context, logsql string, partial bool) (*http.Response, error) {
	form := url.Values{"query": {logsql}, "allow_partial_response": {"0"}}
	if partial {
		form.Set("allow_partial_response", "1")
	}
	if dl, ok := ctx.Deadline(); ok {
		// Let the cluster stop working when the caller stops waiting.
		if d := time.Until(dl); d > 0 {
			form.Set("timeout", strconv.FormatFloat(d.Seconds(), 'f', 3, 64)+"s")
		}
	}
	return c.post(ctx, "/select/logsql/query", form, "", nil)
}

// queryLines runs a LogsQL query and calls fn with each line of its answer (one JSON
// object per line; fn must not keep the slice). An error line in the answer, which
// VictoriaLogs writes when a node fails mid-answer, becomes an *Error.
func (c *Client) queryLines(ctx context.Context, logsql string, fn func(line []byte) error) error {
	resp, err := c.query(ctx, logsql, false)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	lr := newLineReader(resp.Body, c.base+"/select/logsql/query")
	for {
		line, err := lr.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return err
		}
		if err := fn(line); err != nil {
			return err
		}
	}
}

// search starts a query of Scan or Aggregate. With c.Partial, a query that fails
// because a storage node is down is sent again accepting a partial answer, and
// warning says so; otherwise the failure is the error.
func (c *Client) search(ctx context.Context, logsql string) (resp *http.Response, warning string, err error) {
	resp, err = c.query(ctx, logsql, false)
	if err == nil || !c.Partial || !nodeDown(err) {
		return resp, "", err
	}
	resp, err2 := c.query(ctx, logsql, true)
	if err2 != nil {
		return nil, "", err2
	}
	return resp, partialWarning(err), nil
}

// nodeDown reports whether err is VictoriaLogs saying that a storage node is
// unavailable, or an answer cut short: what a partial answer can stand in for. A
// node at the URL that does not answer at all is not.
func nodeDown(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.unavailable()
}

// partialWarning is the warning of a partial answer; err is why the full one failed.
func partialWarning(err error) string {
	return fmt.Sprintf("partial result: %v; the events held by the unavailable storage nodes are missing", err)
}

// flush asks the node to make recently ingested entries searchable now
// (/internal/force_flush). Deployments may protect or hide the endpoint, so callers
// treat a failure as "wait instead".
func (c *Client) flush(ctx context.Context) error {
	resp, err := c.post(ctx, "/internal/force_flush", url.Values{}, "", nil)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	return resp.Body.Close()
}

// shorten trims a VictoriaLogs error message to its gist: it drops the echoed query
// ("cannot execute query [...]: ") and cuts it to one line of reasonable length.
func shorten(msg string) string {
	msg = strings.TrimSpace(msg)
	if strings.HasPrefix(msg, "cannot execute query [") {
		if i := strings.LastIndex(msg, "]: "); i >= 0 {
			msg = msg[i+3:]
		}
	}
	msg = strings.Join(strings.Fields(msg), " ")
	const maxLen = 400
	if len(msg) > maxLen {
		msg = msg[:maxLen] + "…"
	}
	return msg
}

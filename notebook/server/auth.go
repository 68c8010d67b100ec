package server

import (
	"crypto/sha256"
	"crypto/subtle"
	"net"
	"net/http"
	"strings"

	"github.com/trailbook/trailbook/kernel/ws"
)

// tokenOf returns the token a request carries: "Authorization: token T" (or
// "Bearer T"), ?token=T, or the cookie set when the UI was opened with ?token=.
func (s *server) tokenOf(r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, t, ok := strings.Cut(h, " ")
		if ok && (strings.EqualFold(scheme, "token") || strings.EqualFold(scheme, "bearer")) {
			return strings.TrimSpace(t)
		}
	}
	if t := r.URL.Query().Get("token"); t != "" {
		return t
	}
	if c, err := r.Cookie(s.cookie); err == nil {
		return c.Value
	}
	return ""
}

// validToken compares in constant time; hashing first makes the time independent
// of the lengths too.
func (s *server) validToken(t string) bool {
	a := sha256.Sum256([]byte(t))
	b := sha256.Sum256([]byte(s.cfg.Token))
	return subtle.ConstantTimeCompare(a[:], b[:]) == 1
}

// authorize checks the token of an API request.
func (s *server) authorize(r *http.Request) *apiError {
	if s.cfg.Token == "" {
		return nil
	}
	t := s.tokenOf(r)
	if t == "" {
		return errNoToken
	}
	if !s.validToken(t) {
		return errBadToken
	}
	return nil
}

// hostAllowed checks the Host header against the names the server answers to, so
// that a DNS-rebinding page (evil.example resolving to 127.0.0.1) is refused.
func (s *server) hostAllowed(r *http.Request) bool {
	if s.cfg.AnyHost {
		return true
	}
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(strings.Trim(host, "[]"))
	for _, h := range s.cfg.Hosts {
		if strings.EqualFold(h, host) {
			return true
		}
	}
	return false
}

// guard applies the checks every request passes: Host, Origin, and — for the API —
// the token. Pages of the UI are served without a token (they hold no data), but
// a valid ?token= on a page sets the cookie the UI's API calls then carry.
func (s *server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		// The token may be in the URL: never let it leak in a Referer.
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Content-Type-Options", "nosniff")
		if !s.hostAllowed(r) {
			writeError(w, errHost)
			return
		}
		if !ws.SameOrigin(r) {
			writeError(w, errOrigin)
			return
		}
		if !strings.HasPrefix(r.URL.Path, "/api/") && r.URL.Path != "/api" {
			if s.cfg.Token != "" && r.Method == http.MethodGet {
				if t := r.URL.Query().Get("token"); t != "" && s.validToken(t) {
					http.SetCookie(w, &http.Cookie{Name: s.cookie, Value: t, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
				}
			}
			next.ServeHTTP(w, r)
			return
		}
		if e := s.authorize(r); e != nil {
			writeError(w, e)
			return
		}
		next.ServeHTTP(w, r)
	})
}

package server

import (
	"net/http"
	"path"
	"sort"

	"github.com/trailbook/trailbook/kernel"
	"github.com/trailbook/trailbook/notebook"
)

// session is a Jupyter Server session: a notebook (or console) path bound to a
// kernel. Sessions live in memory, as in Jupyter Server with its default
// in-memory database.
type session struct {
	ID       string
	Path     string
	Name     string
	Type     string
	KernelID string
}

// sessionModel is Jupyter Server's session model, with the legacy "notebook" key
// older clients read.
type sessionModel struct {
	ID       string            `json:"id"`
	Path     string            `json:"path"`
	Name     string            `json:"name"`
	Type     string            `json:"type"`
	Kernel   kernelModel       `json:"kernel"`
	Notebook map[string]string `json:"notebook"`
}

// sessionBody is the body of POST and PATCH /api/sessions.
type sessionBody struct {
	Path   *string `json:"path"`
	Name   *string `json:"name"`
	Type   *string `json:"type"`
	Kernel *struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"kernel"`
}

// model returns a session's model, or false if its kernel is gone.
func (s *server) model(ss *session) (sessionModel, bool) {
	k, ok := s.cfg.Kernels.Get(ss.KernelID)
	if !ok {
		return sessionModel{}, false
	}
	return sessionModel{
		ID: ss.ID, Path: ss.Path, Name: ss.Name, Type: ss.Type, Kernel: modelOf(k),
		Notebook: map[string]string{"path": ss.Path, "name": ss.Name},
	}, true
}

// prune forgets sessions whose kernel is gone (shut down by a request or a client).
// The caller holds s.mu.
func (s *server) prune() {
	for id, ss := range s.sessions {
		if _, ok := s.cfg.Kernels.Get(ss.KernelID); !ok {
			delete(s.sessions, id)
		}
	}
}

func (s *server) listSessions(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.prune()
	list := make([]*session, 0, len(s.sessions))
	for _, ss := range s.sessions {
		list = append(list, ss)
	}
	s.mu.Unlock()
	sort.Slice(list, func(i, j int) bool { return list[i].Path < list[j].Path })
	out := []sessionModel{}
	for _, ss := range list {
		if m, ok := s.model(ss); ok {
			out = append(out, m)
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// createSession serves POST /api/sessions: an existing session of the same path is
// returned as it is (as Jupyter Server does); otherwise the session gets the kernel
// named by id, or a new one.
func (s *server) createSession(w http.ResponseWriter, r *http.Request) {
	var body sessionBody
	if e := readJSON(w, r, maxJSONBody, &body); e != nil {
		writeError(w, e)
		return
	}
	if body.Path == nil {
		writeError(w, errBadJSON.with("a session needs a path"))
		return
	}
	s.mu.Lock()
	s.prune()
	for _, ss := range s.sessions {
		if ss.Path == *body.Path {
			s.mu.Unlock()
			s.writeSession(w, http.StatusCreated, ss)
			return
		}
	}
	s.mu.Unlock()

	ss := &session{ID: kernel.NewID(), Path: *body.Path, Type: "notebook"}
	if body.Name != nil {
		ss.Name = *body.Name
	}
	if body.Type != nil {
		ss.Type = *body.Type
	}
	k, e := s.sessionKernel(body)
	if e != nil {
		writeError(w, e)
		return
	}
	ss.KernelID = k.ID()
	s.applyNotebook(k, ss.Path)
	s.mu.Lock()
	s.sessions[ss.ID] = ss
	s.mu.Unlock()
	s.writeSession(w, http.StatusCreated, ss)
}

// sessionKernel returns the kernel a session body asks for: an existing one by id,
// or a new one.
func (s *server) sessionKernel(body sessionBody) (*kernel.Session, *apiError) {
	if body.Kernel != nil && body.Kernel.ID != "" {
		k, ok := s.cfg.Kernels.Get(body.Kernel.ID)
		if !ok {
			return nil, errNoKernel
		}
		return k, nil
	}
	name := ""
	if body.Kernel != nil {
		name = body.Kernel.Name
	}
	return s.newKernel(name)
}

// applyNotebook gives a kernel the timeframe saved in its notebook's metadata.
func (s *server) applyNotebook(k *kernel.Session, p string) {
	if s.cfg.Notebooks == nil || path.Ext(p) != ".ipynb" {
		return
	}
	m, err := s.cfg.Notebooks.Get(p, true, "")
	if err != nil {
		return // a new notebook, not saved yet
	}
	if nb, ok := m.Content.(*notebook.Notebook); ok {
		if tf := nb.Trailbook().Timeframe; tf != nil {
			// A bad saved timeframe is refused here; the cells' own metadata or the
			// UI can set a good one.
			k.SetTimeframe(kernel.Timeframe{From: tf.From, To: tf.To})
		}
	}
}

func (s *server) writeSession(w http.ResponseWriter, status int, ss *session) {
	m, ok := s.model(ss)
	if !ok {
		writeError(w, errNoKernel)
		return
	}
	w.Header().Set("Location", "/api/sessions/"+ss.ID)
	writeJSON(w, status, m)
}

// sessionOf returns the session named by the {id} path value, or writes 404.
func (s *server) sessionOf(w http.ResponseWriter, r *http.Request) (*session, bool) {
	s.mu.Lock()
	s.prune()
	ss, ok := s.sessions[r.PathValue("id")]
	s.mu.Unlock()
	if !ok {
		writeError(w, errNoSession)
	}
	return ss, ok
}

func (s *server) getSession(w http.ResponseWriter, r *http.Request) {
	if ss, ok := s.sessionOf(w, r); ok {
		s.writeSession(w, http.StatusOK, ss)
	}
}

// patchSession serves PATCH /api/sessions/{id}: a new path, name or type (a
// renamed notebook), or another kernel; a kernel replaced by a new one is shut down.
func (s *server) patchSession(w http.ResponseWriter, r *http.Request) {
	ss, ok := s.sessionOf(w, r)
	if !ok {
		return
	}
	var body sessionBody
	if e := readJSON(w, r, maxJSONBody, &body); e != nil {
		writeError(w, e)
		return
	}
	old := ""
	if body.Kernel != nil {
		k, e := s.sessionKernel(body)
		if e != nil {
			writeError(w, e)
			return
		}
		if k.ID() != ss.KernelID {
			old = ss.KernelID
		}
		s.mu.Lock()
		ss.KernelID = k.ID()
		s.mu.Unlock()
	}
	s.mu.Lock()
	if body.Path != nil {
		ss.Path = *body.Path
	}
	if body.Name != nil {
		ss.Name = *body.Name
	}
	if body.Type != nil {
		ss.Type = *body.Type
	}
	s.mu.Unlock()
	if old != "" {
		s.cfg.Kernels.Shutdown(old) // as Jupyter Server does when a session changes kernel
	}
	s.writeSession(w, http.StatusOK, ss)
}

// deleteSession ends a session and shuts its kernel down.
func (s *server) deleteSession(w http.ResponseWriter, r *http.Request) {
	ss, ok := s.sessionOf(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	delete(s.sessions, ss.ID)
	s.mu.Unlock()
	s.cfg.Kernels.Shutdown(ss.KernelID)
	w.WriteHeader(http.StatusNoContent)
}

package server

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/trailbook/trailbook/notebook"
)

// contents serves /api/contents/{path}: GET (model, with content unless
// ?content=0), PUT (save), POST (new untitled file or copy), PATCH (rename), DELETE,
// and the checkpoints of a file under {path}/checkpoints[/{id}].
func (s *server) contents(w http.ResponseWriter, r *http.Request) {
	p := r.PathValue("path")
	if cp, id, ok := checkpointPath(p); ok {
		s.checkpoints(w, r, cp, id)
		return
	}
	switch r.Method {
	case http.MethodGet:
		s.getContents(w, r, p)
	case http.MethodPut:
		s.putContents(w, r, p)
	case http.MethodPost:
		s.postContents(w, r, p)
	case http.MethodPatch:
		s.patchContents(w, r, p)
	case http.MethodDelete:
		if err := s.cfg.Notebooks.Delete(p); err != nil {
			writeError(w, contentsError(err))
			return
		}
		w.WriteHeader(http.StatusNoContent)
	default:
		w.Header().Set("Allow", "GET, PUT, POST, PATCH, DELETE")
		writeError(w, errMethod)
	}
}

// checkpointPath splits "a/b.ipynb/checkpoints[/id]".
func checkpointPath(p string) (file, id string, ok bool) {
	if f, ok := strings.CutSuffix(p, "/checkpoints"); ok {
		return f, "", true
	}
	i := strings.LastIndex(p, "/checkpoints/")
	if i < 0 {
		return "", "", false
	}
	return p[:i], p[i+len("/checkpoints/"):], true
}

// contentsError maps notebook.Dir errors to API errors.
func contentsError(err error) *apiError {
	switch {
	case errors.Is(err, notebook.ErrRefused):
		return errRefused.with(err.Error())
	case errors.Is(err, notebook.ErrNotFound):
		return errNoFile.with(err.Error())
	case errors.Is(err, notebook.ErrExists):
		return errExists.with(err.Error())
	case errors.Is(err, notebook.ErrNotEmpty):
		return errNotEmpty.with(err.Error())
	case errors.Is(err, notebook.ErrInvalid):
		return errInvalid.with(err.Error())
	}
	return errInternal
}

func (s *server) getContents(w http.ResponseWriter, r *http.Request, p string) {
	q := r.URL.Query()
	content := q.Get("content") != "0"
	m, err := s.cfg.Notebooks.Get(p, content, q.Get("format"))
	if err != nil {
		writeError(w, contentsError(err))
		return
	}
	if t := q.Get("type"); t != "" && t != m.Type && !(t == notebook.TypeFile && m.Type == notebook.TypeNotebook) {
		writeError(w, errBadParam.with(p+" is a "+m.Type+", not a "+t))
		return
	}
	writeJSON(w, http.StatusOK, m)
}

// putContents saves a model: 201 when it created the file, 200 otherwise.
func (s *server) putContents(w http.ResponseWriter, r *http.Request, p string) {
	var sm notebook.SaveModel
	if e := readJSON(w, r, maxContentsBody, &sm); e != nil {
		writeError(w, e)
		return
	}
	m, created, err := s.cfg.Notebooks.Save(p, sm)
	if err != nil {
		writeError(w, contentsError(err))
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	w.Header().Set("Location", "/api/contents/"+(&url.URL{Path: m.Path}).EscapedPath())
	writeJSON(w, status, m)
}

// postContents creates an untitled notebook, file or directory in the directory p,
// or copies a file there ({"copy_from": "a.ipynb"}).
func (s *server) postContents(w http.ResponseWriter, r *http.Request, p string) {
	var body struct {
		CopyFrom string `json:"copy_from"`
		Type     string `json:"type"`
		Ext      string `json:"ext"`
	}
	if e := readJSON(w, r, maxJSONBody, &body); e != nil {
		writeError(w, e)
		return
	}
	var m *notebook.Model
	var err error
	if body.CopyFrom != "" {
		m, err = s.cfg.Notebooks.Copy(strings.TrimPrefix(body.CopyFrom, "/"), p)
	} else {
		m, err = s.cfg.Notebooks.NewUntitled(p, body.Type, body.Ext)
	}
	if err != nil {
		writeError(w, contentsError(err))
		return
	}
	w.Header().Set("Location", "/api/contents/"+(&url.URL{Path: m.Path}).EscapedPath())
	writeJSON(w, http.StatusCreated, m)
}

// patchContents renames: {"path": "new/name.ipynb"}.
func (s *server) patchContents(w http.ResponseWriter, r *http.Request, p string) {
	var body struct {
		Path string `json:"path"`
	}
	if e := readJSON(w, r, maxJSONBody, &body); e != nil {
		writeError(w, e)
		return
	}
	if body.Path == "" {
		writeError(w, errBadJSON.with("a rename needs the new path"))
		return
	}
	m, err := s.cfg.Notebooks.Rename(p, body.Path)
	if err != nil {
		writeError(w, contentsError(err))
		return
	}
	writeJSON(w, http.StatusOK, m)
}

// checkpoints serves a file's checkpoints: list (GET), create (POST), restore
// (POST …/checkpoints/{id}) and delete (DELETE …/checkpoints/{id}).
func (s *server) checkpoints(w http.ResponseWriter, r *http.Request, p, id string) {
	d := s.cfg.Notebooks
	switch {
	case id == "" && r.Method == http.MethodGet:
		cps, err := d.Checkpoints(p)
		if err != nil {
			writeError(w, contentsError(err))
			return
		}
		writeJSON(w, http.StatusOK, cps)
	case id == "" && r.Method == http.MethodPost:
		cp, err := d.CreateCheckpoint(p)
		if err != nil {
			writeError(w, contentsError(err))
			return
		}
		writeJSON(w, http.StatusCreated, cp)
	case id != "" && r.Method == http.MethodPost:
		if err := d.RestoreCheckpoint(p, id); err != nil {
			writeError(w, contentsError(err))
			return
		}
		w.WriteHeader(http.StatusNoContent)
	case id != "" && r.Method == http.MethodDelete:
		if err := d.DeleteCheckpoint(p, id); err != nil {
			writeError(w, contentsError(err))
			return
		}
		w.WriteHeader(http.StatusNoContent)
	default:
		writeError(w, errMethod)
	}
}

package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/trailbook/trailbook/kernel"
	"github.com/trailbook/trailbook/kernel/dql/value"
	"github.com/trailbook/trailbook/kernel/ws"
)

// kernelModel is Jupyter Server's kernel model.
type kernelModel struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	LastActivity   string `json:"last_activity"`
	ExecutionState string `json:"execution_state"`
	Connections    int    `json:"connections"`
}

func modelOf(k *kernel.Session) kernelModel {
	return kernelModel{
		ID:             k.ID(),
		Name:           kernelName,
		LastActivity:   isoTime(k.LastActivity()),
		ExecutionState: k.ExecutionState(),
		Connections:    k.Connections(),
	}
}

// kernelOf returns the kernel named by the {id} path value, or writes 404.
func (s *server) kernelOf(w http.ResponseWriter, r *http.Request) (*kernel.Session, bool) {
	k, ok := s.cfg.Kernels.Get(r.PathValue("id"))
	if !ok {
		writeError(w, errNoKernel)
	}
	return k, ok
}

func (s *server) listKernels(w http.ResponseWriter, r *http.Request) {
	out := []kernelModel{}
	for _, k := range s.cfg.Kernels.List() {
		out = append(out, modelOf(k))
	}
	writeJSON(w, http.StatusOK, out)
}

// startKernel serves POST /api/kernels {"name": "trailbook"}.
func (s *server) startKernel(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Name string `json:"name"`
		Path string `json:"path"`
	}
	if e := readJSON(w, r, maxJSONBody, &body); e != nil {
		writeError(w, e)
		return
	}
	k, e := s.newKernel(body.Name)
	if e != nil {
		writeError(w, e)
		return
	}
	w.Header().Set("Location", "/api/kernels/"+k.ID())
	writeJSON(w, http.StatusCreated, modelOf(k))
}

// newKernel starts a kernel of the named spec ("" is the default).
func (s *server) newKernel(name string) (*kernel.Session, *apiError) {
	if name != "" && name != kernelName {
		return nil, errNoKernelspec.with("unknown kernel name " + strconv.Quote(name))
	}
	k, err := s.cfg.Kernels.Start()
	if errors.Is(err, kernel.ErrTooManyKernels) {
		return nil, errTooManyKernel
	}
	if err != nil {
		return nil, errInternal
	}
	return k, nil
}

func (s *server) getKernel(w http.ResponseWriter, r *http.Request) {
	if k, ok := s.kernelOf(w, r); ok {
		writeJSON(w, http.StatusOK, modelOf(k))
	}
}

func (s *server) deleteKernel(w http.ResponseWriter, r *http.Request) {
	if !s.cfg.Kernels.Shutdown(r.PathValue("id")) {
		writeError(w, errNoKernel)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *server) interruptKernel(w http.ResponseWriter, r *http.Request) {
	if k, ok := s.kernelOf(w, r); ok {
		k.Interrupt()
		w.WriteHeader(http.StatusNoContent)
	}
}

func (s *server) restartKernel(w http.ResponseWriter, r *http.Request) {
	if k, ok := s.kernelOf(w, r); ok {
		k.Restart()
		writeJSON(w, http.StatusOK, modelOf(k))
	}
}

// channels serves the kernel websocket.
func (s *server) channels(w http.ResponseWriter, r *http.Request) {
	if k, ok := s.kernelOf(w, r); ok {
		ws.Serve(w, r, k, ws.Options{Logger: s.cfg.Logger})
	}
}

// pageJSON encodes limit records of a result from offset.
func pageJSON(res *kernel.Result, offset, limit int) []byte {
	var buf bytes.Buffer
	id, _ := json.Marshal(res.ID)
	cols, _ := json.Marshal(res.Columns) // strings only: cannot fail
	buf.WriteString(`{"resultId":`)
	buf.Write(id)
	buf.WriteString(`,"columns":`)
	buf.Write(cols)
	buf.WriteString(`,"records":[`)
	var rec []byte
	for i, r := range res.Page(offset, limit) {
		if i > 0 {
			buf.WriteByte(',')
		}
		rec = value.AppendRecordJSONL(rec[:0], r)
		buf.Write(rec)
	}
	buf.WriteString(`],"total":`)
	buf.WriteString(strconv.Itoa(res.Total))
	buf.WriteString(`,"kept":`)
	buf.WriteString(strconv.Itoa(len(res.Records)))
	buf.WriteString(`,"offset":`)
	buf.WriteString(strconv.Itoa(offset))
	buf.WriteString("}\n")
	return buf.Bytes()
}

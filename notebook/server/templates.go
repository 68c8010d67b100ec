package server

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode"

	"github.com/trailbook/trailbook/notebook"
)

// Templates is the template library behind the gallery's API:
//
//	GET  /api/trailbook/templates[?q=words]        the templates matching q
//	GET  /api/trailbook/templates/{name}           one, with its cells' sources
//	POST /api/trailbook/templates/{name}/notebook  a new notebook from it
//	POST /api/trailbook/templates                  save a notebook as a template
//
// cmd/trailbook adapts package templates to it: the server does not import
// templates, whose dependencies point the other way (cmd → notebook, templates).
// Its methods may be called from any goroutine.
type Templates interface {
	// List returns the templates whose name, title, description, tags or events
	// hold every word of query (all of them for ""), in the gallery's order.
	List(query string) ([]TemplateInfo, error)
	// Get returns a template and its notebook as written ($name references
	// unset); an error wrapping ErrNoTemplate when there is none.
	Get(name string) (TemplateInfo, *notebook.Notebook, error)
	// Apply returns the template's notebook with its parameters set from their
	// text form (name → text; the others take their defaults). Values that are
	// wrong come back as a *ParamError, one message per parameter.
	Apply(name string, params map[string]string) (*notebook.Notebook, error)
	// Save makes nb a user template described by meta and returns it; errors wrap
	// ErrTemplateInvalid (a bad name or notebook) or ErrTemplateExists.
	Save(nb *notebook.Notebook, meta TemplateMeta) (TemplateInfo, error)
}

// Errors a Templates returns, for the server to map to HTTP statuses.
var (
	ErrNoTemplate      = errors.New("no such template")
	ErrTemplateInvalid = errors.New("invalid template")
	ErrTemplateExists  = errors.New("template already exists")
)

// TemplateInfo describes a template to the gallery.
type TemplateInfo struct {
	Name        string          `json:"name"`
	Title       string          `json:"title"`
	Description string          `json:"description"`
	Tags        []string        `json:"tags"`
	Events      []string        `json:"events"`
	Parameters  []TemplateParam `json:"parameters"`
	// Origin is "bundled" (compiled into trailbook) or "user" (from the templates
	// directory). The file's path stays on the server.
	Origin string `json:"origin"`
	// Overrides marks a user template that replaces the bundled one of its name.
	Overrides bool `json:"overrides,omitempty"`
}

// fill makes absent lists empty, so that the JSON has arrays, never null.
func (t *TemplateInfo) fill() {
	if t.Tags == nil {
		t.Tags = []string{}
	}
	if t.Events == nil {
		t.Events = []string{}
	}
	if t.Parameters == nil {
		t.Parameters = []TemplateParam{}
	}
}

// TemplateParam is a parameter as a form shows it.
type TemplateParam struct {
	Name string `json:"name"`
	// Type is string, strings, duration, timeframe or number (kernel/params).
	Type string `json:"type"`
	// Default is the default in the text form a field holds ("-24h", "alice,bob");
	// "" with Required when there is none.
	Default     string `json:"default"`
	Required    bool   `json:"required,omitempty"`
	Description string `json:"description,omitempty"`
	// Label is a short name for the field; "" means Name.
	Label string `json:"label,omitempty"`
}

// TemplateMeta is what the user gives when saving a notebook as a template.
type TemplateMeta struct {
	Name        string   `json:"name"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Tags        []string `json:"tags"`
	// Overwrite replaces a template of the same name: the user's own, or a
	// bundled one (the user's then takes its place).
	Overwrite bool `json:"overwrite,omitempty"`
}

// ParamError reports parameter values that are wrong: Params maps each
// parameter's name to what is wrong with its value, in words the form shows
// beside the field.
type ParamError struct {
	Params map[string]string
}

func (e *ParamError) Error() string {
	names := make([]string, 0, len(e.Params))
	for n := range e.Params {
		names = append(names, n)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = n + ": " + e.Params[n]
	}
	return strings.Join(parts, "; ")
}

// The template API's errors (codes as in errors.go: stable, never renumbered).
var (
	errBadParams       = &apiError{40005, 400, "invalid template parameters", ""}
	errTemplateInvalid = &apiError{40006, 400, "invalid template", ""}
	errNoTemplate      = &apiError{40407, 404, "no such template", ""}
	errNoTemplates     = &apiError{40408, 404, "this server has no template library", ""}
	errTemplateExists  = &apiError{40902, 409, "a template of that name exists", ""}
	errTemplateApply   = &apiError{42201, 422, "the template cannot be applied", ""}
)

// paramsError is the JSON of errBadParams: the apiError plus one message per
// parameter, which the form shows beside the field.
type paramsError struct {
	*apiError
	Params map[string]string `json:"params"`
}

func (s *server) routeTemplates(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/trailbook/templates", s.listTemplates)
	mux.HandleFunc("POST /api/trailbook/templates", s.saveTemplate)
	mux.HandleFunc("GET /api/trailbook/templates/{name}", s.getTemplate)
	mux.HandleFunc("POST /api/trailbook/templates/{name}/notebook", s.templateNotebook)
}

// templateError maps a Templates error to an API error.
func templateError(err error) *apiError {
	var pe *ParamError
	switch {
	case errors.As(err, &pe):
		return errBadParams.with(pe.Error())
	case errors.Is(err, ErrNoTemplate):
		return errNoTemplate.with(reason(err, ErrNoTemplate))
	case errors.Is(err, ErrTemplateExists):
		return errTemplateExists.with(reason(err, ErrTemplateExists))
	case errors.Is(err, ErrTemplateInvalid):
		return errTemplateInvalid.with(reason(err, ErrTemplateInvalid))
	}
	return errInternal
}

// reason is err's text without the class it starts with, which the API error's
// message already says.
func reason(err, class error) string {
	return strings.TrimPrefix(err.Error(), class.Error()+": ")
}

func (s *server) listTemplates(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Templates == nil {
		writeError(w, errNoTemplates)
		return
	}
	list, err := s.cfg.Templates.List(r.URL.Query().Get("q"))
	if err != nil {
		writeError(w, templateError(err))
		return
	}
	if list == nil {
		list = []TemplateInfo{}
	}
	for i := range list {
		list[i].fill()
	}
	writeJSON(w, http.StatusOK, list)
}

// templateCell is a cell of a template's preview.
type templateCell struct {
	Type   string `json:"type"` // "markdown", "code" or "raw"
	Name   string `json:"name,omitempty"`
	Source string `json:"source"`
}

// getTemplate serves one template: its description and parameters, and the
// source of each cell (as written, with $name references) for a preview.
func (s *server) getTemplate(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Templates == nil {
		writeError(w, errNoTemplates)
		return
	}
	info, nb, err := s.cfg.Templates.Get(r.PathValue("name"))
	if err != nil {
		writeError(w, templateError(err))
		return
	}
	info.fill()
	cells := make([]templateCell, 0, len(nb.Cells))
	for _, c := range nb.Cells {
		cells = append(cells, templateCell{Type: c.CellType, Name: c.Name(), Source: string(c.Source)})
	}
	writeJSON(w, http.StatusOK, struct {
		TemplateInfo
		Cells []templateCell `json:"cells"`
	}{info, cells})
}

// createMu serializes the creation of notebooks from templates, so that two
// requests at once cannot both find the same name free.
var createMu sync.Mutex

// templateNotebook serves POST /api/trailbook/templates/{name}/notebook with
// {"params": {name: text}, "path": optional}: it applies the parameters and saves
// the notebook in the notebook directory, never over an existing file, and
// returns its contents model (201). "path" is a directory to create it in
// (a fresh name from the template's title and today's date), or the .ipynb path
// to create, which must not exist.
func (s *server) templateNotebook(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Templates == nil {
		writeError(w, errNoTemplates)
		return
	}
	var body struct {
		Params map[string]string `json:"params"`
		Path   string            `json:"path"`
	}
	if e := readJSON(w, r, maxJSONBody, &body); e != nil {
		writeError(w, e)
		return
	}
	name := r.PathValue("name")
	info, _, err := s.cfg.Templates.Get(name)
	if err != nil {
		writeError(w, templateError(err))
		return
	}
	nb, err := s.cfg.Templates.Apply(name, body.Params)
	if err != nil {
		var pe *ParamError
		switch {
		case errors.As(err, &pe):
			writeJSON(w, errBadParams.HTTP, paramsError{errBadParams.with(pe.Error()), pe.Params})
		case errors.Is(err, ErrNoTemplate):
			writeError(w, errNoTemplate.with(reason(err, ErrNoTemplate)))
		default:
			// A template whose cells refer to undeclared parameters: a user
			// template's fault, told to the user.
			writeError(w, errTemplateApply.with(err.Error()))
		}
		return
	}
	data, err := notebook.Encode(nb)
	if err != nil {
		writeError(w, errTemplateApply.with(err.Error()))
		return
	}

	p, err := notebook.Clean(strings.TrimPrefix(body.Path, "/"))
	if err != nil {
		writeError(w, contentsError(err))
		return
	}
	createMu.Lock()
	defer createMu.Unlock()
	d := s.cfg.Notebooks
	if !strings.HasSuffix(p, ".ipynb") {
		m, err := d.Get(p, false, "")
		if errors.Is(err, syscall.ENOTDIR) {
			err = fmt.Errorf("%w: directory %q", notebook.ErrNotFound, p) // a file on the way
		}
		if err != nil {
			writeError(w, contentsError(err))
			return
		}
		if m.Type != notebook.TypeDirectory {
			writeError(w, errBadParam.with(p+" is not a directory"))
			return
		}
		if p, err = freshName(d, p, notebookTitle(info), time.Now()); err != nil {
			writeError(w, contentsError(err))
			return
		}
	} else if _, err := d.Get(p, false, ""); err == nil {
		writeError(w, errExists.with(p))
		return
	} else if !errors.Is(err, notebook.ErrNotFound) {
		writeError(w, contentsError(err))
		return
	}
	m, _, err := d.Save(p, notebook.SaveModel{Type: notebook.TypeNotebook, Content: data})
	if err != nil {
		writeError(w, contentsError(err))
		return
	}
	w.Header().Set("Location", "/api/contents/"+(&url.URL{Path: m.Path}).EscapedPath())
	writeJSON(w, http.StatusCreated, m)
}

// saveTemplate serves POST /api/trailbook/templates with {"path", "name",
// "title", "description", "tags"}: the notebook at path becomes a user template.
func (s *server) saveTemplate(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Templates == nil {
		writeError(w, errNoTemplates)
		return
	}
	var body struct {
		Path string `json:"path"`
		TemplateMeta
	}
	if e := readJSON(w, r, maxJSONBody, &body); e != nil {
		writeError(w, e)
		return
	}
	if body.Path == "" {
		writeError(w, errBadJSON.with("the notebook's path is missing"))
		return
	}
	m, err := s.cfg.Notebooks.Get(strings.TrimPrefix(body.Path, "/"), true, "")
	if err != nil {
		writeError(w, contentsError(err))
		return
	}
	nb, ok := m.Content.(*notebook.Notebook)
	if !ok {
		writeError(w, errBadParam.with(m.Path+" is not a notebook"))
		return
	}
	info, err := s.cfg.Templates.Save(nb, body.TemplateMeta)
	if err != nil {
		writeError(w, templateError(err))
		return
	}
	writeJSON(w, http.StatusCreated, info)
}

// notebookTitle is the start of the name of a notebook made from a template: its
// title, made a safe file name (no separators, control characters or leading
// dots, which Dir refuses as hidden), or else its name.
func notebookTitle(info TemplateInfo) string {
	clean := strings.Map(func(r rune) rune {
		switch {
		case r == '/' || r == '\\' || r == ':' || unicode.IsControl(r):
			return '-'
		case unicode.IsSpace(r):
			return ' '
		}
		return r
	}, info.Title)
	clean = strings.TrimLeft(strings.TrimSpace(clean), ".- ")
	if r := []rune(clean); len(r) > maxTitleRunes {
		clean = strings.TrimSpace(string(r[:maxTitleRunes]))
	}
	if clean == "" {
		return info.Name
	}
	return clean
}

// maxTitleRunes keeps generated file names well under file systems' 255 bytes.
const maxTitleRunes = 80

// freshName returns dir/"TITLE DATE.ipynb", or "TITLE DATE 2.ipynb" and so on:
// the first that does not exist.
func freshName(d *notebook.Dir, dir, title string, now time.Time) (string, error) {
	base := title + " " + now.Format("2006-01-02")
	for i := 1; i <= maxSameName; i++ {
		n := base + ".ipynb"
		if i > 1 {
			n = base + " " + strconv.Itoa(i) + ".ipynb"
		}
		p := path.Join(dir, n)
		_, err := d.Get(p, false, "")
		switch {
		case errors.Is(err, notebook.ErrNotFound):
			return p, nil
		case err != nil:
			return "", err
		}
	}
	return "", fmt.Errorf("%w: %d notebooks named %q already", notebook.ErrExists, maxSameName, base)
}

// maxSameName bounds the search for a free name: past it, the user has a
// directory to tidy rather than a name to find.
const maxSameName = 1000

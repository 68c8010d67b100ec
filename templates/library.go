package templates

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/trailbook/trailbook/kernel/dql/funcs"
	"github.com/trailbook/trailbook/kernel/params"
	"github.com/trailbook/trailbook/notebook"
)

// Library is the bundled templates together with the user's own, read from a
// directory of .ipynb files. A user template with a bundled template's name
// replaces it (Template.Overrides).
//
// The directory is read again, file by file when a file's size or modification time
// changed, on every List, Get and Search: a template saved by another process or
// dropped into the directory shows up without a restart. A Library is safe for
// concurrent use.
type Library struct {
	dir     string
	bundled []*Template

	mu    sync.Mutex
	files map[string]*userFile // by file name in dir
}

// userFile is one .ipynb of the user directory as last read.
type userFile struct {
	size int64
	mod  time.Time
	t    *Template
	err  error
}

// DefaultDir returns the user templates directory: trailbook/templates in the
// user's configuration directory (~/.config/trailbook/templates on Linux,
// ~/Library/Application Support/trailbook/templates on macOS).
func DefaultDir() (string, error) {
	cfg, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("cannot find the user templates directory: %w", err)
	}
	return filepath.Join(cfg, "trailbook", "templates"), nil
}

// Open returns the library of the bundled templates and the user templates in dir.
// dir need not exist yet (Save creates it); "" means the bundled templates only.
func Open(dir string) (*Library, error) {
	b, err := Bundled()
	if err != nil {
		return nil, err
	}
	if dir != "" {
		if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
			return nil, fmt.Errorf("templates directory %s is not a directory", dir)
		} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("cannot read templates directory: %w", err)
		}
	}
	return &Library{dir: dir, bundled: b, files: map[string]*userFile{}}, nil
}

// Dir returns the user templates directory, "" when there is none.
func (l *Library) Dir() string { return l.dir }

// List returns every template, sorted by name: the bundled ones and the user's,
// a user template in place of a bundled one of the same name. User files that are
// not valid templates are left out; Problems says why.
func (l *Library) List() []*Template {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.refresh()
	byName := map[string]*Template{}
	for _, t := range l.bundled {
		byName[t.Name] = t
	}
	for _, name := range l.fileNames() {
		f := l.files[name]
		if f.t == nil {
			continue
		}
		if prev, ok := byName[f.t.Name]; ok && !prev.Bundled() {
			continue // two user files with one name: the first file name wins (Problems)
		}
		byName[f.t.Name] = f.t
	}
	out := make([]*Template, 0, len(byName))
	for _, t := range byName {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Problems returns what is wrong with the files of the user directory that List
// leaves out: not valid templates, or a name another file already has.
func (l *Library) Problems() []error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.refresh()
	var errs []error
	owner := map[string]string{}
	for _, name := range l.fileNames() {
		f := l.files[name]
		switch {
		case f.err != nil:
			errs = append(errs, f.err)
		case owner[f.t.Name] != "":
			errs = append(errs, fmt.Errorf("%s: template %s is already defined by %s; this file is ignored", f.t.Origin, f.t.Name, owner[f.t.Name]))
		default:
			owner[f.t.Name] = f.t.Origin
		}
	}
	return errs
}

// Get returns the template named name; the error wraps ErrNotFound, with the
// closest names, when there is none.
func (l *Library) Get(name string) (*Template, error) {
	all := l.List()
	for _, t := range all {
		if t.Name == name {
			return t, nil
		}
	}
	var near []string
	for _, t := range all {
		if strings.Contains(t.Name, name) || strings.Contains(name, t.Name) || funcs.EditDistance(t.Name, name) <= 3 {
			near = append(near, t.Name)
		}
	}
	if len(near) > 0 {
		return nil, fmt.Errorf("%w %q (did you mean %s?)", ErrNotFound, name, strings.Join(near, ", "))
	}
	return nil, fmt.Errorf("%w %q ('trailbook template list' shows them)", ErrNotFound, name)
}

// Search returns the templates that match every word of query, case-insensitively,
// in their name, title, description, tags or events, best first: a word found in
// the name or title or as a whole tag counts more than one found in the
// description. An empty query returns List.
//
//	Search("T1110")        // by ATT&CK technique
//	Search("console mfa")  // every word must match
func (l *Library) Search(query string) []*Template {
	words := strings.Fields(strings.ToLower(query))
	all := l.List()
	if len(words) == 0 {
		return all
	}
	type hit struct {
		t     *Template
		score int
	}
	var hits []hit
	for _, t := range all {
		score := 0
		for _, w := range words {
			s := matchScore(t, w)
			if s == 0 {
				score = 0
				break
			}
			score += s
		}
		if score > 0 {
			hits = append(hits, hit{t, score})
		}
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].score > hits[j].score })
	out := make([]*Template, len(hits))
	for i, h := range hits {
		out[i] = h.t
	}
	return out
}

// matchScore weighs where the lower-case word w occurs in t; 0 when nowhere.
func matchScore(t *Template, w string) int {
	best := 0
	if strings.Contains(strings.ToLower(t.Name), w) || strings.Contains(strings.ToLower(t.Title), w) {
		best = 4
	}
	for _, tag := range t.Tags {
		tag = strings.ToLower(tag)
		switch {
		case tag == w:
			best = max(best, 4)
		case strings.Contains(tag, w):
			best = max(best, 3)
		}
	}
	for _, e := range t.Events {
		if strings.Contains(strings.ToLower(e), w) {
			best = max(best, 2)
		}
	}
	if best == 0 && strings.Contains(strings.ToLower(t.Description), w) {
		best = 1
	}
	return best
}

// SaveOptions change what Save may do.
type SaveOptions struct {
	// Overwrite replaces a user template of the same name, and allows a name that a
	// bundled template has (the saved one then replaces it).
	Overwrite bool
	// Params are declared in addition to the notebook's own parameters, replacing
	// one of the same name.
	Params []params.Def
}

// Save writes nb as a user template described by meta, into the user directory as
// NAME.ipynb (atomically, keeping a .bak of a file it replaces), and returns the
// file's path. The saved copy keeps nb's cells and parameters, with three changes:
// outputs and execution counts are removed (a template carries no log data),
// metadata.trailbook.values of a run is removed, and parameters no cell uses are
// dropped (in a notebook saved after a run the values are written into the
// queries). The copy must be a valid template (New): every $name declared.
func (l *Library) Save(nb *notebook.Notebook, meta Meta, opt SaveOptions) (string, error) {
	if l.dir == "" {
		return "", errors.New("no user templates directory to save into")
	}
	if err := ValidName(meta.Name); err != nil {
		return "", err
	}
	if !opt.Overwrite {
		for _, t := range l.List() {
			if t.Name != meta.Name {
				continue
			}
			if t.Bundled() {
				return "", fmt.Errorf("template %s is bundled with trailbook: choose another name, or overwrite to replace it with yours", meta.Name)
			}
			return "", fmt.Errorf("template %s exists (%s): choose another name, or overwrite it", meta.Name, t.Origin)
		}
	}
	file := filepath.Join(l.dir, meta.Name+".ipynb")
	if _, err := os.Lstat(file); err == nil && !opt.Overwrite {
		return "", fmt.Errorf("%s exists: choose another name, or overwrite it", file)
	}
	out, err := asTemplate(nb, meta, opt.Params)
	if err != nil {
		return "", err
	}
	if _, err := New(out, file); err != nil {
		return "", err
	}
	if err := os.MkdirAll(l.dir, 0o755); err != nil {
		return "", fmt.Errorf("cannot create templates directory: %w", err)
	}
	if err := notebook.Save(file, out); err != nil {
		return "", err
	}
	return file, nil
}

// asTemplate returns the copy of nb that Save writes, with extra parameters
// declared.
func asTemplate(nb *notebook.Notebook, meta Meta, extra []params.Def) (*notebook.Notebook, error) {
	out, err := clone(nb)
	if err != nil {
		return nil, err
	}
	for _, c := range out.Cells {
		if c.CellType == notebook.Code {
			c.Outputs, c.ExecutionCount = nil, nil
		}
	}
	defs, err := Parameters(out)
	if err != nil {
		return nil, err
	}
	for _, d := range extra {
		if err := d.Check(); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
		}
		replaced := false
		for i := range defs {
			if defs[i].Name == d.Name {
				defs[i], replaced = d, true
			}
		}
		if !replaced {
			defs = append(defs, d)
		}
	}
	probe := &Template{Params: defs, Notebook: out}
	used := probe.Used()
	var kept []params.Def
	for _, d := range defs {
		if used[d.Name] {
			kept = append(kept, d)
		}
	}
	meta.Tags = append([]string{}, meta.Tags...)
	meta.Events = append([]string{}, meta.Events...)
	err = editTrailbook(out, func(tb map[string]json.RawMessage) {
		delete(tb, "values")
		tb["template"] = mustJSON(meta)
		if len(kept) > 0 {
			tb["parameters"] = mustJSON(kept)
		} else {
			delete(tb, "parameters")
		}
	})
	return out, err
}

// editTrailbook lets edit change the members of nb's metadata.trailbook; the
// other metadata stays as it is.
func editTrailbook(nb *notebook.Notebook, edit func(tb map[string]json.RawMessage)) error {
	meta := map[string]json.RawMessage{}
	if len(nb.Metadata) > 0 {
		if err := json.Unmarshal(nb.Metadata, &meta); err != nil {
			return fmt.Errorf("notebook metadata: %w", err)
		}
	}
	tb := map[string]json.RawMessage{}
	if raw, ok := meta["trailbook"]; ok {
		if err := json.Unmarshal(raw, &tb); err != nil {
			return fmt.Errorf("notebook metadata trailbook: %w", err)
		}
	}
	edit(tb)
	meta["trailbook"] = mustJSON(tb)
	nb.Metadata = mustJSON(meta)
	return nil
}

// refresh brings l.files up to date with the directory. Called with l.mu held.
func (l *Library) refresh() {
	if l.dir == "" {
		return
	}
	entries, err := os.ReadDir(l.dir)
	if err != nil {
		clear(l.files)
		return
	}
	seen := map[string]bool{}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".ipynb") || strings.HasPrefix(name, ".") {
			continue
		}
		seen[name] = true
		path := filepath.Join(l.dir, name)
		fi, err := os.Stat(path)
		if err != nil {
			l.files[name] = &userFile{err: fmt.Errorf("%s: %w", path, err)}
			continue
		}
		if f, ok := l.files[name]; ok && f.size == fi.Size() && f.mod.Equal(fi.ModTime()) {
			continue
		}
		f := &userFile{size: fi.Size(), mod: fi.ModTime()}
		if data, err := os.ReadFile(path); err != nil {
			f.err = fmt.Errorf("%s: %w", path, err)
		} else if f.t, f.err = Parse(data, path); f.err == nil && applied(f.t.Notebook) {
			// The output of a run (Apply records the values it used) still carries
			// the template's metadata, but its values are written into its queries:
			// taken for the template, it would ignore every parameter.
			f.t, f.err = nil, fmt.Errorf("%s: %w: it is a notebook a template run wrote (its parameter values are written into its queries); make a template of it with 'trailbook template save'", path, ErrInvalid)
		} else if f.err == nil {
			for _, b := range l.bundled {
				if b.Name == f.t.Name {
					f.t.Overrides = true
				}
			}
		}
		l.files[name] = f
	}
	for name := range l.files {
		if !seen[name] {
			delete(l.files, name)
		}
	}
}

// applied reports whether nb is the output of Apply: it records the values used.
func applied(nb *notebook.Notebook) bool {
	var m struct {
		Trailbook struct {
			Values json.RawMessage `json:"values"`
		} `json:"trailbook"`
	}
	json.Unmarshal(nb.Metadata, &m) // Parse has read this metadata already
	return len(m.Trailbook.Values) > 0
}

// fileNames returns the names of l.files, sorted. Called with l.mu held.
func (l *Library) fileNames() []string {
	names := make([]string, 0, len(l.files))
	for n := range l.files {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

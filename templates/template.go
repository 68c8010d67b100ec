package templates

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/trailbook/trailbook/kernel/dql/syntax"
	"github.com/trailbook/trailbook/kernel/params"
	"github.com/trailbook/trailbook/notebook"
)

// OriginBundled is the Origin of the templates compiled into trailbook.
const OriginBundled = "bundled"

// ErrInvalid is the class of notebooks that are not valid templates; test with
// errors.Is.
var ErrInvalid = errors.New("invalid template")

// ErrNotFound is returned by Library.Get for a name no template has.
var ErrNotFound = errors.New("no such template")

// Template is a parsed, checked template. A Template is immutable once made:
// Apply and Library work on copies, so it may be shared between goroutines.
type Template struct {
	Meta
	// Params are the declared parameters, in the order of the metadata (the order
	// of a form).
	Params []params.Def
	// Notebook is the template as written: its DQL cells still hold $name
	// references. Do not modify it; Apply returns a runnable copy.
	Notebook *notebook.Notebook
	// Origin is OriginBundled for a bundled template, else the path of the file it
	// was read from.
	Origin string
	// Overrides is set on a user template whose name is also a bundled template's:
	// the user's wins.
	Overrides bool
}

// Bundled reports whether t is compiled into trailbook.
func (t *Template) Bundled() bool { return t.Origin == OriginBundled }

// Apply returns a runnable copy of the template's notebook with its parameters set
// (package-level Apply): given maps parameter names to values in text form;
// the others take their defaults.
func (t *Template) Apply(given map[string]string) (*notebook.Notebook, error) {
	return Apply(t.Notebook, given)
}

// Param returns the parameter named name.
func (t *Template) Param(name string) (params.Def, bool) {
	for _, d := range t.Params {
		if d.Name == name {
			return d, true
		}
	}
	return params.Def{}, false
}

// namePattern is a template name: it is a file name and a command-line word.
var namePattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// ValidName reports what is wrong with a template name, nil when it is fine.
func ValidName(name string) error {
	if len(name) > 64 || !namePattern.MatchString(name) {
		return fmt.Errorf("%w: name %q: want lower-case letters, digits and single dashes (console-signin-failures), at most 64 characters", ErrInvalid, name)
	}
	return nil
}

// New checks nb as a template and returns it. origin is OriginBundled or the
// file it came from, and names the template in errors. A template needs:
// metadata.trailbook.template with a valid name and a title;
// valid parameters (Parameters); and every $name in a DQL cell declared. See Check
// for what bundled templates must also satisfy.
func New(nb *notebook.Notebook, origin string) (*Template, error) {
	m, err := readMetadata(nb)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrInvalid, origin, err)
	}
	if m.Template == nil {
		return nil, fmt.Errorf("%w: %s: no metadata.trailbook.template (save a notebook as a template with 'trailbook template save')", ErrInvalid, origin)
	}
	defs, err := Parameters(nb)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrInvalid, origin, err)
	}
	t := &Template{Meta: *m.Template, Params: defs, Notebook: nb, Origin: origin}
	t.Tags = append([]string(nil), t.Tags...)
	t.Events = append([]string(nil), t.Events...)
	if err := t.checkMeta(); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrInvalid, origin, err)
	}
	if err := t.checkRefs(); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrInvalid, origin, err)
	}
	return t, nil
}

// Parse reads a template from the bytes of an .ipynb file (New).
func Parse(data []byte, origin string) (*Template, error) {
	nb, err := notebook.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", origin, err)
	}
	return New(nb, origin)
}

func (t *Template) checkMeta() error {
	if err := ValidName(t.Name); err != nil {
		return err
	}
	if strings.TrimSpace(t.Title) == "" {
		return fmt.Errorf("template %s has no title", t.Name)
	}
	for _, e := range t.Events {
		src, name, ok := strings.Cut(e, ":")
		if !ok || src == "" || name == "" || strings.ContainsAny(e, " \t\n") {
			return fmt.Errorf("template %s: event %q: want eventSource:eventName (signin.amazonaws.com:ConsoleLogin)", t.Name, e)
		}
	}
	for _, tag := range t.Tags {
		if strings.TrimSpace(tag) == "" || tag != strings.TrimSpace(tag) {
			return fmt.Errorf("template %s: tag %q: empty or padded with spaces", t.Name, tag)
		}
	}
	return nil
}

// checkRefs reports each DQL cell's reference to an undeclared parameter, with its
// cell, line and column (Apply with every parameter bound to a placeholder).
func (t *Template) checkRefs() error {
	declared := map[string]bool{}
	for _, d := range t.Params {
		declared[d.Name] = true
	}
	var errs []error
	for i, c := range t.Notebook.Cells {
		if c.CellType != notebook.Code || !isDQL(string(c.Source)) {
			continue
		}
		src := string(c.Source)
		_, err := syntax.Substitute(src, func(name string) (string, bool) { return "null", declared[name] })
		if err != nil {
			var se *syntax.Error
			if errors.As(err, &se) {
				se.Bind(src)
				err = fmt.Errorf("%v\n%s", se, se.Snippet())
			}
			errs = append(errs, fmt.Errorf("cell %d: %w", i+1, err))
		}
	}
	return errors.Join(errs...)
}

// Used returns the names of the parameters the template uses: those its DQL cells
// refer to, and the timeframe parameter, which sets the notebook's timeframe.
func (t *Template) Used() map[string]bool {
	used := map[string]bool{}
	for _, c := range t.Notebook.Cells {
		if c.CellType == notebook.Code && isDQL(string(c.Source)) {
			for _, name := range syntax.References(string(c.Source)) {
				used[name] = true
			}
		}
	}
	if d, ok := timeframeParam(t.Params); ok {
		used[d.Name] = true
	}
	return used
}

// Check holds a template to the bundled templates' standard, beyond what New
// checks: a description; every declared parameter used, with a default (so that
// the template runs as it is) and a description; and every DQL cell parsing once
// its parameters take their defaults.
func (t *Template) Check() error {
	var errs []error
	if strings.TrimSpace(t.Description) == "" {
		errs = append(errs, errors.New("no description"))
	}
	used := t.Used()
	for _, d := range t.Params {
		if !used[d.Name] {
			errs = append(errs, fmt.Errorf("parameter %s is declared but no cell uses it", d.Name))
		}
		if !d.HasDefault() {
			errs = append(errs, fmt.Errorf("parameter %s has no default", d.Name))
		}
		if strings.TrimSpace(d.Description) == "" {
			errs = append(errs, fmt.Errorf("parameter %s has no description", d.Name))
		}
	}
	if len(errs) == 0 {
		nb, err := t.Apply(nil)
		if err != nil {
			errs = append(errs, err)
		} else {
			for i, c := range nb.Cells {
				if c.CellType != notebook.Code || !isDQL(string(c.Source)) || strings.TrimSpace(string(c.Source)) == "" {
					continue
				}
				if _, err := syntax.Parse(string(c.Source)); err != nil {
					errs = append(errs, fmt.Errorf("cell %d: %w", i+1, err))
				}
			}
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%w: %s: %w", ErrInvalid, t.Name, errors.Join(errs...))
	}
	return nil
}

//go:embed bundled/*.ipynb
var bundledFS embed.FS

// Bundled returns the templates compiled into trailbook, sorted by name. Each call
// returns fresh copies.
func Bundled() ([]*Template, error) {
	files, err := fs.Glob(bundledFS, "bundled/*.ipynb")
	if err != nil {
		return nil, err
	}
	var out []*Template
	var errs []error
	for _, f := range files {
		data, err := bundledFS.ReadFile(f)
		if err != nil {
			return nil, err
		}
		t, err := Parse(data, OriginBundled)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", f, err))
			continue
		}
		if want := strings.TrimSuffix(path.Base(f), ".ipynb"); t.Name != want {
			errs = append(errs, fmt.Errorf("%w: %s: named %q, want the file name %q", ErrInvalid, f, t.Name, want))
			continue
		}
		out = append(out, t)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

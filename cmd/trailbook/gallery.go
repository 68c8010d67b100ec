package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/trailbook/trailbook/notebook"
	"github.com/trailbook/trailbook/notebook/server"
	"github.com/trailbook/trailbook/templates"
)

// gallery adapts a templates.Library to the server's Templates interface: the
// server does not import package templates (dependencies point cmd → notebook,
// templates), so the wiring lives here.
type gallery struct {
	lib *templates.Library
}

var _ server.Templates = gallery{}

func (g gallery) List(query string) ([]server.TemplateInfo, error) {
	list := g.lib.Search(query)
	out := make([]server.TemplateInfo, len(list))
	for i, t := range list {
		out[i] = templateInfo(t)
	}
	return out, nil
}

func (g gallery) Get(name string) (server.TemplateInfo, *notebook.Notebook, error) {
	t, err := g.lib.Get(name)
	if err != nil {
		return server.TemplateInfo{}, nil, galleryError(err)
	}
	return templateInfo(t), t.Notebook, nil
}

// Apply checks every value against its parameter first, so that the form can
// show each message beside its field; then it applies them.
func (g gallery) Apply(name string, given map[string]string) (*notebook.Notebook, error) {
	t, err := g.lib.Get(name)
	if err != nil {
		return nil, galleryError(err)
	}
	bad := map[string]string{}
	for _, d := range t.Params {
		text, ok := given[d.Name]
		switch {
		case ok:
			if _, err := d.Parse(text); err != nil {
				bad[d.Name] = strings.TrimPrefix(err.Error(), "parameter "+d.Name+": ")
			}
		case !d.HasDefault():
			bad[d.Name] = "a value is required"
		}
	}
	for n := range given {
		if _, ok := t.Param(n); !ok {
			bad[n] = fmt.Sprintf("template %s has no parameter %q", t.Name, n)
		}
	}
	if len(bad) > 0 {
		return nil, &server.ParamError{Params: bad}
	}
	return t.Apply(given)
}

func (g gallery) Save(nb *notebook.Notebook, meta server.TemplateMeta) (server.TemplateInfo, error) {
	m := templates.Meta{Name: meta.Name, Title: strings.TrimSpace(meta.Title), Description: strings.TrimSpace(meta.Description), Tags: meta.Tags}
	if err := templates.ValidName(m.Name); err != nil {
		return server.TemplateInfo{}, fmt.Errorf("%w: %v", server.ErrTemplateInvalid, err)
	}
	if !meta.Overwrite {
		// Library.Save refuses a taken name too; asking first gives the server a
		// class of error to answer 409 with.
		if t, err := g.lib.Get(m.Name); err == nil {
			what := "a template of yours"
			if t.Bundled() {
				what = "a bundled template"
			}
			return server.TemplateInfo{}, fmt.Errorf("%w: %s is %s", server.ErrTemplateExists, m.Name, what)
		}
	}
	if _, err := g.lib.Save(nb, m, templates.SaveOptions{Overwrite: meta.Overwrite}); err != nil {
		if errors.Is(err, templates.ErrInvalid) {
			return server.TemplateInfo{}, fmt.Errorf("%w: %v", server.ErrTemplateInvalid, err)
		}
		return server.TemplateInfo{}, err
	}
	t, err := g.lib.Get(m.Name)
	if err != nil {
		return server.TemplateInfo{}, err
	}
	return templateInfo(t), nil
}

// galleryError gives the server the class of a library error.
func galleryError(err error) error {
	if errors.Is(err, templates.ErrNotFound) {
		return fmt.Errorf("%w: %v", server.ErrNoTemplate, err)
	}
	return err
}

// templateInfo describes t for the gallery: defaults in the text form a field
// holds, and "user" rather than the file's path as the origin.
func templateInfo(t *templates.Template) server.TemplateInfo {
	info := server.TemplateInfo{
		Name: t.Name, Title: t.Title, Description: t.Description,
		Tags: t.Tags, Events: t.Events, Origin: "user", Overrides: t.Overrides,
	}
	if t.Bundled() {
		info.Origin = templates.OriginBundled
	}
	for _, d := range t.Params {
		p := server.TemplateParam{Name: d.Name, Type: string(d.Type), Description: d.Description, Label: d.Label, Required: !d.HasDefault()}
		if v, err := d.DefaultValue(); err == nil {
			p.Default = v.Text()
		}
		info.Parameters = append(info.Parameters, p)
	}
	return info
}

// openGallery opens the template library of serve: the bundled templates and
// those in dir (the default directory when dir is ""). User files that are not
// valid templates are reported on stderr, one line each, and left out.
func openGallery(dir string, stderr io.Writer) (*templates.Library, error) {
	if dir == "" {
		d, err := templates.DefaultDir()
		if err != nil {
			fmt.Fprintf(stderr, "warning: %v; serving the bundled templates only\n", err)
		}
		dir = d
	}
	lib, err := templates.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("--templates: %w", err)
	}
	for _, p := range lib.Problems() {
		fmt.Fprintf(stderr, "warning: template left out: %v\n", p)
	}
	return lib, nil
}

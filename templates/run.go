package templates

import (
	"context"
	"errors"
	"fmt"

	"github.com/trailbook/trailbook/notebook/run"
)

// Run sets the template's parameters (Apply) and executes the notebook headless
// (notebook/run). It is the one path from a template to results: `trailbook template
// run`, the UI's "run" and the fixture tests all go through it.
//
// An error about the values in given wraps ErrParameter and nothing runs. A cell
// that fails is not an error of Run: see run.Executed.Failed.
func (t *Template) Run(ctx context.Context, given map[string]string, opt run.Options) (*run.Executed, error) {
	nb, err := t.Apply(given)
	if errors.Is(err, ErrParameter) {
		return nil, fmt.Errorf("%w: %v", ErrParameter, err)
	}
	if err != nil {
		return nil, fmt.Errorf("template %s: %w", t.Name, err)
	}
	return run.Notebook(ctx, nb, opt)
}

package templates

import (
	"context"
	"errors"
	"fmt"

	"github.com/trailbook/trailbook/kernel/params"
	"github.com/trailbook/trailbook/notebook/run"
)

// ErrParameter is the class of errors about the values given to a template's
// parameters (unknown name, wrong type, missing value); test with errors.Is. The
// CLI reports them as usage errors.
var ErrParameter = errors.New("invalid parameter value")

// Run sets the template's parameters (Apply) and executes the notebook headless
// (notebook/run). It is the one path from a template to results: `trailbook template
// run`, the UI's "run" and the fixture tests all go through it.
//
// An error about the values in given wraps ErrParameter and nothing runs. A cell
// that fails is not an error of Run: see run.Executed.Failed.
func (t *Template) Run(ctx context.Context, given map[string]string, opt run.Options) (*run.Executed, error) {
	if _, err := params.Bind(t.Params, given); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrParameter, err)
	}
	nb, err := t.Apply(given)
	if err != nil {
		return nil, fmt.Errorf("template %s: %w", t.Name, err)
	}
	return run.Notebook(ctx, nb, opt)
}

package chart

import (
	"embed"
	"errors"
	"io/fs"
)

// dist holds chart.js, the chart export script that notebook/ui/web/build.mjs
// bundles from the UI's npm packages (ECharts and trailbook's chart option); a
// clone has only the placeholder .gitignore until `make build` (or `make ui`)
// runs, and the package still compiles.
//
//go:embed all:dist
var dist embed.FS

// ErrNoScript says the binary was built without the chart export script.
var ErrNoScript = errors.New("built without the ECharts bundle (renderers/chart/dist/chart.js): run make build")

// Script returns the chart export script: ECharts (the build the notebook UI
// embeds: the same npm package and version, with the line chart, its components
// and both renderers) and trailbook's chart option, as one classic script for an
// inline <script> element. It defines two globals:
//
//   - echarts: the ECharts core (init, setOption, …);
//   - trailbookChart: mountAll(document) draws every element of class
//     "trailbook-chart" from the kernel chart option in its
//     <script type="application/json"> child (what Fragment writes);
//     mount(node, option) draws one option into node.
//
// The script is ours to inline but not to edit: pass it through InlineScript.
// It reports ErrNoScript when the binary was built without it.
func Script() ([]byte, error) {
	b, err := fs.ReadFile(dist, "dist/chart.js")
	if err != nil || len(b) == 0 {
		return nil, ErrNoScript
	}
	return b, nil
}

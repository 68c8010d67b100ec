package report

import _ "embed"

// styleSheet is the report's CSS, inline in a <style> element allowed by its hash.
//
//go:embed assets/report.css
var styleSheet string

// drawScript draws the charts; it is inline and allowed by its hash.
//
//go:embed assets/draw.js
var drawScript string

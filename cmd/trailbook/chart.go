package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/trailbook/trailbook/kernel/dql/exec"
	"github.com/trailbook/trailbook/renderers/chart"
)

func init() {
	register(command{name: "chart", summary: "run a makeTimeseries query and write its line chart (SVG, PNG or HTML)", run: runChart})
}

const chartAbout = `
Runs one DQL query whose result is a time series (a makeTimeseries result: a
timeframe, an interval and array fields in every record) and writes its line
chart: the chart the notebook draws, with the same series, colours and legend,
drawn by ECharts inside trailbook. No browser is needed.

  --format svg    an SVG document (the default)
  --format png    a PNG image of --width × --height pixels (times --scale)
  --format html   a standalone page with the live chart (zoom, tooltips) and the
                  SVG for readers without JavaScript; it refers to no URL

Without --format, the extension of -o FILE (.svg, .png, .html) chooses. The
chart goes to -o FILE, else to stdout. Logs come from --input, --victorialogs,
the store in --data, or the embedded demo data, as for trailbook query.

Examples:
  trailbook chart -o denied.svg -f denied-by-user.dql
  trailbook chart --format png --width 1200 --height 500 --title "Denied calls" -o denied.png -f denied-by-user.dql
  trailbook chart -o throttling.html 'fetch logs, from: -30min
    | parse content, "json:event"
    | filter event[errorCode] == "Client.RequestLimitExceeded"
    | makeTimeseries count(), by: {eventName = event[eventName]}'`

// chartFlags are chart's own flags, beside the query flags.
type chartFlags struct {
	format        string
	out           string
	width, height int
	scale         float64
	title         string
}

func runChart(args []string, stdout, stderr io.Writer) error {
	var q queryFlags
	var c chartFlags
	fs := newFlagSet("chart", "chart [flags] (QUERY | -f FILE | -)", chartAbout, stdout)
	q.register(fs)
	fs.StringVar(&c.format, "format", "", "output `FORMAT`: svg, png or html (default: from the -o extension, else svg)")
	fs.StringVar(&c.out, "o", "", "write the chart to `FILE` (default: stdout)")
	fs.IntVar(&c.width, "width", chart.DefaultWidth, "chart width in CSS `pixels`")
	fs.IntVar(&c.height, "height", chart.DefaultHeight, "chart height in CSS `pixels`")
	fs.Float64Var(&c.scale, "scale", 1, "PNG only: device pixels per CSS pixel (2 for a sharp image on high-density screens)")
	fs.StringVar(&c.title, "title", "", "chart title (default: none)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := c.check(stdout); err != nil {
		return err
	}
	src, err := q.querySource(pos)
	if err != nil {
		return err
	}
	ctx, p, eopt, done, err := q.prepare(src, stderr)
	if err != nil {
		return err
	}
	defer done()
	res, err := exec.Run(ctx, p, eopt)
	if err != nil {
		return reportQueryError(stderr, err, q.timeout)
	}
	printRuntimeWarnings(stderr, res.Warnings[len(exec.Warnings(p)):])
	option, ok := chart.Build(res.Records, chart.Options{Title: c.title})
	if !ok {
		if len(res.Records) == 0 {
			return errors.New("the query returned no records: nothing to chart")
		}
		return errors.New("the query's result is not a time series: a chart needs records with a timeframe, an interval and array fields (end the query with makeTimeseries)")
	}
	var out []byte
	switch c.format {
	case "svg":
		out, err = chart.SVG(ctx, option, c.width, c.height)
	case "png":
		out, err = chart.PNG(ctx, option, c.width, c.height, c.scale)
	case "html":
		out, err = chart.HTML(ctx, option, c.width, c.height)
	}
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) && q.timeout > 0 {
			return fmt.Errorf("the chart was not drawn within --timeout %s", q.timeout)
		}
		return err
	}
	path := c.out
	if path == "" {
		path = "-"
	}
	return writeOutput(path, stdout, func(w io.Writer) error {
		_, err := w.Write(out)
		return err
	})
}

// check resolves --format and validates the sizes.
func (c *chartFlags) check(stdout io.Writer) error {
	if c.format == "" {
		c.format = "svg"
		switch strings.ToLower(filepath.Ext(c.out)) {
		case ".png":
			c.format = "png"
		case ".html", ".htm":
			c.format = "html"
		}
	}
	switch c.format {
	case "svg", "png", "html":
	default:
		return usagef("unknown --format %q: use svg, png or html", c.format)
	}
	if c.width < 1 || c.width > chart.MaxSize || c.height < 1 || c.height > chart.MaxSize {
		return usagef("--width and --height must be 1 to %d pixels", chart.MaxSize)
	}
	if !(c.scale > 0) || c.scale > 4 {
		return usagef("--scale must be more than 0 and at most 4")
	}
	if c.format == "png" && c.out == "" && stdout == os.Stdout && isTerminal(os.Stdout) {
		return usagef("not writing a PNG image to a terminal: give -o FILE or redirect stdout")
	}
	return nil
}

package kernel

import (
	"fmt"
	"strings"

	"github.com/trailbook/trailbook/kernel/dql/value"
	"github.com/trailbook/trailbook/kernel/protocol"
)

// Renderer turns results into display data (MIME bundles). The kernel calls it from
// a session's goroutine; one Renderer serves every session, so it must be safe for
// concurrent use. Package renderers/bundle provides trailbook's.
type Renderer interface {
	// Table returns the bundle of a result shown as a table. It must include
	// text/plain.
	Table(r *Result) protocol.MimeBundle
	// Chart returns the bundle of a result shown as a chart, or nil when the result
	// has no chart (not a makeTimeseries shape).
	Chart(r *Result) protocol.MimeBundle
}

// plainRenderer renders results as JSON lines text, for sessions made without a
// Renderer (tests, tools that read only text/plain).
type plainRenderer struct{}

// plainRows is how many records plainRenderer shows.
const plainRows = 20

func (plainRenderer) Table(r *Result) protocol.MimeBundle {
	var b strings.Builder
	for _, rec := range r.Page(0, plainRows) {
		b.Write(value.AppendRecordJSONL(nil, rec))
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "(%d records)", r.Total)
	m := protocol.MimeBundle{}
	m.SetText(protocol.MIMEText, b.String())
	return m
}

func (plainRenderer) Chart(*Result) protocol.MimeBundle { return nil }

package templates

import (
	"context"
	"testing"
	"time"

	"github.com/trailbook/trailbook/kernel"
	"github.com/trailbook/trailbook/kernel/store/demo"
	"github.com/trailbook/trailbook/notebook/run"
)

// BenchmarkRun runs each bundled template with its defaults over the demo data
// (demo.DefaultEvents events over a week), as `trailbook template run` does on a
// first start: what a user waits for after picking a template. Results are in
// docs/templates.md.
func BenchmarkRun(b *testing.B) {
	now := time.Date(2024, 3, 1, 16, 30, 0, 0, time.UTC)
	src := demo.Source(now)
	all, err := Bundled()
	if err != nil {
		b.Fatal(err)
	}
	opt := run.Options{Kernel: kernel.Options{Source: src, Now: func() time.Time { return now }}}
	for _, tp := range all {
		b.Run(tp.Name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ex, err := tp.Run(context.Background(), nil, opt)
				if err != nil || ex.Failed > 0 {
					b.Fatalf("run: %v, %d failed", err, ex.Failed)
				}
			}
		})
	}
}

// BenchmarkApply measures setting the parameters of a template: parsing the values
// and substituting them into every DQL cell.
func BenchmarkApply(b *testing.B) {
	lib, err := Open("")
	if err != nil {
		b.Fatal(err)
	}
	tp, err := lib.Get("iam-persistence")
	if err != nil {
		b.Fatal(err)
	}
	given := map[string]string{"bucket": "default_logs", "timeframe": "-30d", "events": "CreateUser,CreateAccessKey"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tp.Apply(given); err != nil {
			b.Fatal(err)
		}
	}
}

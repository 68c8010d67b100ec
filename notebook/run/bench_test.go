package run

import (
	"context"
	"testing"
)

// BenchmarkNotebook runs a notebook of 20 small DQL cells: the runner's cost per
// cell (a kernel session, the messages of each execute request, the outputs)
// beyond the queries themselves.
func BenchmarkNotebook(b *testing.B) {
	cells := make([]string, 20)
	for i := range cells {
		cells[i] = "data record(a = 1), record(a = 2)"
	}
	nb := build(b, `{}`, cells...)
	opt := options(nil)
	b.ReportAllocs()
	for b.Loop() {
		ex, err := Notebook(context.Background(), nb, opt)
		if err != nil || ex.Failed > 0 {
			b.Fatal(err, ex.Failed)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*len(cells)), "µs/cell")
}

package chart

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// benchOption is the export benchmark: 10 series × 1,500 points.
func benchOption() *Option {
	names := make([]string, 10)
	for i := range names {
		names[i] = fmt.Sprintf("arn:aws:iam::123456789012:user/user-%d", i)
	}
	return testOption(names, 1500)
}

// BenchmarkSVG draws 10 series × 1,500 points as SVG with a warm runtime.
func BenchmarkSVG(b *testing.B) {
	requireScript(b)
	opt := benchOption()
	ctx := context.Background()
	if _, err := SVG(ctx, opt, DefaultWidth, DefaultHeight); err != nil { // warm the pool
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	for b.Loop() {
		if _, err := SVG(ctx, opt, DefaultWidth, DefaultHeight); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
}

// reportCPU reports the process's CPU time per operation since cpu.
func reportCPU(b *testing.B, cpu time.Duration) {
	b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N)/1e6, "cpu-ms/op")
}

// BenchmarkPNG draws the same chart as an 800×400 PNG (scale 1) and, as
// notebook PNGs are drawn, at scale 2.
func BenchmarkPNG(b *testing.B) {
	requireScript(b)
	opt := benchOption()
	ctx := context.Background()
	for _, scale := range []float64{1, 2} {
		b.Run(fmt.Sprintf("scale=%v", scale), func(b *testing.B) {
			if _, err := PNG(ctx, opt, DefaultWidth, DefaultHeight, scale); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			cpu := cpuTime()
			for b.Loop() {
				if _, err := PNG(ctx, opt, DefaultWidth, DefaultHeight, scale); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, cpu)
		})
	}
}

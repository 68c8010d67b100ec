package server

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/trailbook/trailbook/kernel"
	"github.com/trailbook/trailbook/kernel/dql/value"
)

// discardWriter is a ResponseWriter that throws the body away.
type discardWriter struct{ h http.Header }

func (d discardWriter) Header() http.Header         { return d.h }
func (d discardWriter) Write(p []byte) (int, error) { return io.Discard.Write(p) }
func (d discardWriter) WriteHeader(int)             {}

// BenchmarkExport encodes a kept result of 100,000 records of five fields (a
// summarize-sized row) in each download format.
func BenchmarkExport(b *testing.B) {
	recs := make([]*value.Record, 100_000)
	for i := range recs {
		r := value.NewRecord(5)
		r.Append("timestamp", value.Timestamp(1709287200000000000+int64(i)*1e9))
		r.Append("user", value.String(fmt.Sprintf("arn:aws:iam::111122223333:user/u%d", i%500)))
		r.Append("ip", value.String(fmt.Sprintf("=203.0.113.%d", i%250)))
		r.Append("calls", value.Long(int64(i)))
		r.Append("apis", value.Array([]value.Value{value.String("GetObject"), value.String("PutObject")}))
		recs[i] = r
	}
	res := kernel.NewResult("bench", recs)
	req := httptest.NewRequest("GET", "/", nil)
	for _, format := range []string{"csv", "json", "jsonl"} {
		b.Run(format, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := writeRecords(req, discardWriter{http.Header{}}, format, res); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(recs))*float64(b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/trailbook/trailbook/notebook"
)

// BenchmarkWrite renders a report of one table of 1,000 CloudTrail-sized records
// (the rows a table output carries by default) and one chart of 20 series of 100
// points.
func BenchmarkWrite(b *testing.B) {
	var recs []string
	for i := range 1000 {
		content := fmt.Sprintf(`{"eventVersion":"1.08","eventTime":"2024-03-01T10:%02d:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.%d","userAgent":"aws-cli/2.15 <b>","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/u%d"},"requestParameters":{"bucketName":"logs","key":"a/b/c/%d.json"}}`, i%60, i%250, i%40, i)
		rec, _ := json.Marshal(map[string]any{"timestamp": "2024-03-01T10:00:00.000000000Z", "content": content, "aws.region": "us-east-1", "n": i})
		recs = append(recs, string(rec))
	}
	table := fmt.Sprintf(`{"columns":[{"name":"timestamp","type":"timestamp"},{"name":"content","type":"string"},{"name":"aws.region","type":"string"},{"name":"n","type":"long"}],"records":[%s],"total":1000}`, strings.Join(recs, ","))
	var series []string
	for s := range 20 {
		var pts []string
		for p := range 100 {
			pts = append(pts, fmt.Sprintf("[%d,%d]", 1709287200000+int64(p)*60000, (s*p)%17))
		}
		series = append(series, fmt.Sprintf(`{"name":"series %d","type":"line","data":[%s]}`, s, strings.Join(pts, ",")))
	}
	chart := fmt.Sprintf(`{"series":[%s]}`, strings.Join(series, ","))
	nbJSON := fmt.Sprintf(`{"nbformat":4,"nbformat_minor":5,"metadata":{},"cells":[
		{"id":"m","cell_type":"markdown","metadata":{},"source":"# Bench\n\nSome *text*."},
		{"id":"t","cell_type":"code","metadata":{},"execution_count":1,"source":"fetch logs","outputs":[
			{"output_type":"execute_result","execution_count":1,"metadata":{},"data":{"application/vnd.trailbook.table+json":%s,"text/plain":"t"}}]},
		{"id":"c","cell_type":"code","metadata":{},"execution_count":2,"source":"fetch logs | makeTimeseries count()","outputs":[
			{"output_type":"display_data","metadata":{},"data":{"application/vnd.trailbook.echarts+json":%s,"text/plain":"c"}}]}]}`, table, chart)
	nb, err := notebook.Parse([]byte(nbJSON))
	if err != nil {
		b.Fatal(err)
	}
	var size countingWriter
	if err := Write(&size, nb, Options{ECharts: "var echarts;"}); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := Write(io.Discard, nb, Options{ECharts: "var echarts;"}); err != nil {
			b.Fatal(err)
		}
	}
}

type countingWriter int

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return len(p), nil
}

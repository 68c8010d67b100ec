package script

import (
	"context"
	"fmt"
	"testing"

	"github.com/trailbook/trailbook/kernel/dql/value"
)

var benchEventNames = []string{"GetObject", "PutObject", "ListBuckets", "DescribeInstances", "AssumeRole",
	"DeleteObject", "GetCallerIdentity", "DeleteBucketPolicy", "ConsoleLogin", "CreateAccessKey"}

// cloudTrailRecords makes n records shaped like CloudTrail events after
// `parse content, "JSON:event" | fieldsFlatten`-style extraction: top-level fields,
// a nested userIdentity and requestParameters, a resources array.
func cloudTrailRecords(n int) []*value.Record {
	recs := make([]*value.Record, n)
	base := int64(1709287200) * 1e9
	for i := range recs {
		r := value.NewRecord(16)
		r.Append("eventTime", value.Timestamp(base+int64(i)*1e9+int64(i%1000)))
		r.Append("eventVersion", value.String("1.09"))
		r.Append("eventSource", value.String("s3.amazonaws.com"))
		r.Append("eventName", value.String(benchEventNames[i%len(benchEventNames)]))
		r.Append("awsRegion", value.String([]string{"us-east-1", "eu-west-1", "ap-south-1"}[i%3]))
		r.Append("sourceIPAddress", value.String(fmt.Sprintf("198.51.%d.%d", i/256%256, i%256)))
		r.Append("userAgent", value.String("aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64.ubuntu.22"))
		r.Append("userIdentity", value.Rec(rec(
			"type", value.String("IAMUser"),
			"principalId", value.String(fmt.Sprintf("AIDAEXAMPLE%06d", i%500)),
			"arn", value.String(fmt.Sprintf("arn:aws:iam::111122223333:user/user%d", i%500)),
			"accountId", value.String("111122223333"),
			"userName", value.String(fmt.Sprintf("user%d", i%500)),
		)))
		if i%7 == 0 {
			r.Append("errorCode", value.String("AccessDenied"))
			r.Append("errorMessage", value.String("User is not authorized to perform this action"))
		}
		r.Append("requestParameters", value.Rec(rec(
			"bucketName", value.String(fmt.Sprintf("bucket-%d", i%40)),
			"key", value.String(fmt.Sprintf("logs/2024/03/01/object-%d.json.gz", i)),
		)))
		r.Append("resources", value.Array([]value.Value{value.Rec(rec(
			"type", value.String("AWS::S3::Object"),
			"ARN", value.String(fmt.Sprintf("arn:aws:s3:::bucket-%d/logs/object-%d.json.gz", i%40, i)),
		))}))
		r.Append("requestID", value.String(fmt.Sprintf("%016X", i)))
		r.Append("eventID", value.String(fmt.Sprintf("%08x-0000-4000-8000-%012x", i, i)))
		r.Append("readOnly", value.Bool(i%3 != 0))
		r.Append("eventType", value.String("AwsApiCall"))
		r.Append("recipientAccountId", value.String("111122223333"))
		recs[i] = r
	}
	return recs
}

// BenchmarkTransform100k runs a %%js cell over 100,000 CloudTrail-like records:
// filter to denied or deleting calls (about 30%) and map each to a new row
// (filter_map); the same filter alone, passing records through (filter); a
// per-user count into an object (reduce).
func BenchmarkTransform100k(b *testing.B) {
	recs := cloudTrailRecords(100_000)
	cases := []struct{ name, code string }{
		{"filter_map", `prev
			.filter(r => r.errorCode === "AccessDenied" || r.eventName.startsWith("Delete"))
			.map(r => ({time: r.eventTime, user: r.userIdentity.userName, api: r.eventName,
				ip: r.sourceIPAddress, region: r.awsRegion, denied: r.errorCode === "AccessDenied"}))`},
		{"filter", `prev.filter(r => r.errorCode === "AccessDenied" || r.eventName.startsWith("Delete"))`},
		{"reduce", `const counts = {}
			for (const r of prev) counts[r.userIdentity.userName] = (counts[r.userIdentity.userName] || 0) + 1
			Object.entries(counts).map(([user, n]) => ({user, n}))`},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			rt := New(Options{})
			env := Env{Previous: recs}
			// The first run builds the runtime; keep it out of the timing.
			if _, err := rt.Run(context.Background(), `1`, env); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			var rows int
			for i := 0; i < b.N; i++ {
				out, err := rt.Run(context.Background(), tc.code, env)
				if err != nil {
					b.Fatal(err)
				}
				rows = len(out.Records)
			}
			b.ReportMetric(float64(len(recs))*float64(b.N)/b.Elapsed().Seconds(), "records/s")
			b.ReportMetric(float64(rows), "rows")
		})
	}
}

package dql_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/trailbook/trailbook/kernel/dql"
	"github.com/trailbook/trailbook/kernel/dql/exec"
	"github.com/trailbook/trailbook/kernel/dql/syntax"
	"github.com/trailbook/trailbook/kernel/dql/value"
)

// memSource serves pre-built records; every scan hands out copies, since operators
// change the records they receive.
type memSource struct {
	recs  []*value.Record
	bytes int64
}

func (m *memSource) Scan(_ context.Context, req exec.ScanRequest) (exec.Iterator, error) {
	return &memIter{src: m, req: req}, nil
}

type memIter struct {
	src *memSource
	req exec.ScanRequest
	pos int
	buf []*value.Record
}

func (it *memIter) Next(ctx context.Context) ([]*value.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	it.buf = it.buf[:0]
	for it.pos < len(it.src.recs) && len(it.buf) < exec.BatchSize {
		r := it.src.recs[it.pos]
		it.pos++
		ts, _ := r.Lookup("timestamp").Timestamp()
		if ts >= it.req.From && ts < it.req.To {
			it.buf = append(it.buf, r.Clone())
		}
	}
	if len(it.buf) == 0 {
		return nil, nil
	}
	return it.buf, nil
}

func (it *memIter) Close() error { return nil }

// benchEvents is the number of generated events; 1M as the issue asks.
const benchEvents = 1_000_000

var (
	benchOnce sync.Once
	benchSrc  *memSource
	benchNow  = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
)

var (
	benchNames   = []string{"ConsoleLogin", "AssumeRole", "GetObject", "PutObject", "DescribeInstances", "CreateKey", "GetSecretValue", "ListBuckets", "RunInstances", "Decrypt"}
	benchSources = []string{"signin.amazonaws.com", "sts.amazonaws.com", "s3.amazonaws.com", "ec2.amazonaws.com", "kms.amazonaws.com", "secretsmanager.amazonaws.com"}
	benchRegions = []string{"us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"}
	benchErrors  = []string{"", "", "", "", "", "", "AccessDenied", "UnauthorizedOperation", "Client.RequestLimitExceeded"}
)

// benchEvent makes one CloudTrail-shaped event of about 1 KB.
func benchEvent(r *rand.Rand, i int) (string, int64) {
	ts := benchNow.Add(-time.Duration(r.Int64N(int64(24 * time.Hour))))
	name := benchNames[r.IntN(len(benchNames))]
	src := benchSources[r.IntN(len(benchSources))]
	region := benchRegions[r.IntN(len(benchRegions))]
	user := fmt.Sprintf("user%d", r.IntN(200))
	errPart := ""
	if e := benchErrors[r.IntN(len(benchErrors))]; e != "" {
		errPart = fmt.Sprintf(`,"errorCode":%q,"errorMessage":"User: arn:aws:iam::123456789012:user/%s is not authorized to perform this operation"`, e, user)
	}
	login := ""
	if name == "ConsoleLogin" {
		res := "Success"
		if r.IntN(3) == 0 {
			res = "Failure"
		}
		login = fmt.Sprintf(`,"responseElements":{"ConsoleLogin":%q},"additionalEventData":{"MFAUsed":"No","LoginTo":"https://console.aws.amazon.com/"}`, res)
	}
	ev := fmt.Sprintf(`{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDA%016d","arn":"arn:aws:iam::123456789012:user/%s","accountId":"123456789012","accessKeyId":"AKIA%016d","userName":"%s"},"eventTime":%q,"eventSource":%q,"eventName":%q,"awsRegion":%q,"sourceIPAddress":"198.51.100.%d","userAgent":"aws-cli/2.13.0 Python/3.11.4 Linux/5.15 botocore/2.0"%s%s,"requestParameters":{"bucketName":"logs-%d","key":"data/%d.json"},"requestID":"%08x-1111-2222-3333-444455556666","eventID":"%08x-aaaa-bbbb-cccc-ddddeeeeffff","readOnly":true,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"123456789012","eventCategory":"Management","tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"%s"}}`,
		i, user, i, user, ts.Format(time.RFC3339), src, name, region, r.IntN(255), errPart, login, r.IntN(50), i, i, i, src)
	return ev, ts.UnixNano()
}

func benchSource(b *testing.B) *memSource {
	benchOnce.Do(func() {
		r := rand.New(rand.NewPCG(1, 2))
		src := &memSource{recs: make([]*value.Record, benchEvents)}
		for i := range src.recs {
			ev, ts := benchEvent(r, i)
			rec := value.NewRecord(9)
			rec.Append("timestamp", value.Timestamp(ts))
			rec.Append("content", value.String(ev))
			rec.Append("aws.service", value.String("cloudtrail"))
			rec.Append("aws.region", value.String("us-east-1"))
			rec.Append("aws.account.id", value.String("123456789012"))
			rec.Append("aws.resource.type", value.String("AWS::CloudTrail::Trail"))
			rec.Append("dt.system.bucket", value.String("my_aws_bucket"))
			rec.Append("log.source", value.String("bench"))
			rec.Append("loglevel", value.String("INFO"))
			src.recs[i] = rec
			src.bytes += int64(len(ev))
		}
		benchSrc = src
	})
	return benchSrc
}

func BenchmarkParse(b *testing.B) {
	q := `fetch logs, from: -30min
| filter dt.system.bucket == "my_aws_bucket"
| parse content, "json:event"
| filter in(event[errorCode], { "AccessDenied", "UnauthorizedOperation" })
| makeTimeseries event_count = count(), by: { eventName = event[eventName] }
| sort arrayAvg(event_count) desc
| limit 10`
	b.ReportAllocs()
	b.SetBytes(int64(len(q)))
	for b.Loop() {
		if _, err := syntax.Parse(q); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkQuery runs queries over 1M generated events held in memory: the engine's
// own cost, without storage or file reading.
func BenchmarkQuery(b *testing.B) {
	queries := []struct{ name, q string }{
		{"filter", `fetch logs, from: -1d | parse content, "JSON:event" | filter event[eventName] == "ConsoleLogin" and event[responseElements][ConsoleLogin] == "Failure" | summarize count()`},
		{"summarize", `fetch logs, from: -1d | parse content, "JSON:event" | summarize count(), by: {event[eventSource], event[eventName], event[awsRegion]}`},
		{"makeTimeseries", `fetch logs, from: -1d | parse content, "JSON:event" | makeTimeseries count(), by: {event[eventName]}`},
		{"unauthorized_calls", `fetch logs, from: -1d | filter dt.system.bucket == "my_aws_bucket" | filter aws.service == "cloudtrail" | parse content, "json:event" | filter in(event[errorCode], { "AccessDenied", "UnauthorizedOperation" }) | makeTimeseries event_count = count(), by: { eventName = event[eventName] } | sort arrayAvg(event_count) desc | limit 10`},
	}
	src := benchSource(b)
	for _, q := range queries {
		b.Run(q.name, func(b *testing.B) {
			opt := dql.Options{Source: src}
			opt.Now = benchNow
			b.ReportAllocs()
			b.SetBytes(src.bytes)
			for b.Loop() {
				if _, err := dql.Run(context.Background(), q.q, opt); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

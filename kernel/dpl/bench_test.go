package dpl

import (
	"testing"

	"github.com/trailbook/trailbook/kernel/dql/value"
)

// cloudTrailEvent is a single-line CloudTrail record of 1.5 KB, the shape of
// `content` in `fetch logs | parse content, "JSON:event"`.
const cloudTrailEvent = `{"eventVersion":"1.08","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLEID:alice","arn":"arn:aws:sts::123456789012:assumed-role/Admin/alice","accountId":"123456789012","accessKeyId":"ASIAEXAMPLEKEY","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLEID","arn":"arn:aws:iam::123456789012:role/Admin","accountId":"123456789012","userName":"Admin"},"webIdFederationData":{},"attributes":{"creationDate":"2024-03-15T09:12:44Z","mfaAuthenticated":"true"}}},"eventTime":"2024-03-15T09:20:31Z","eventSource":"ec2.amazonaws.com","eventName":"RunInstances","awsRegion":"eu-central-1","sourceIPAddress":"203.0.113.7","userAgent":"aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22 prompt/off command/ec2.run-instances","requestParameters":{"instancesSet":{"items":[{"imageId":"ami-0abcdef1234567890","minCount":1,"maxCount":1}]},"instanceType":"t3.micro","blockDeviceMapping":{},"monitoring":{"enabled":false},"disableApiTermination":false,"disableApiStop":false,"clientToken":"a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"},"responseElements":null,"errorCode":"Client.UnauthorizedOperation","errorMessage":"You are not authorized to perform this operation. User: arn:aws:sts::123456789012:assumed-role/Admin/alice is not authorized to perform: ec2:RunInstances on resource: arn:aws:ec2:eu-central-1:123456789012:instance/*","requestID":"8e2c1f5a-2b7d-4c7e-9f0a-EXAMPLE22222","eventID":"4d5e6f70-8192-4a3b-bc4d-EXAMPLE33333","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"123456789012","eventCategory":"Management"}`

const accessLogLine = `203.0.113.7 - alice [14/Mar/2016:23:34:25 +0200] "GET /api/v1/instances?region=eu-central-1&limit=50 HTTP/1.1" 200 10431 "https://console.example.com/ec2/home" "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0 Safari/537.36"`

const accessLogPattern = `IPADDR:ip ' - ' LD:user ' [' HTTPDATE:time '] "' LD:method ' ' LD:path ' ' LD:proto '" ' INT:status ' ' INT:size ' ' DQS:referer ' ' DQS:agent`

// BenchmarkParseJSON is the tutorial's hot path: parse content, "JSON:event" on every
// record, then one member read (event[eventName]).
func BenchmarkParseJSON(b *testing.B) {
	p := mustCompile(b, "JSON:event")
	b.ReportAllocs()
	b.SetBytes(int64(len(cloudTrailEvent)))
	for b.Loop() {
		vals, ok := p.Parse(cloudTrailEvent)
		if !ok {
			b.Fatal("no match")
		}
		r, _ := vals[0].Record()
		if v, _ := r.Get("eventName"); v.IsNull() {
			b.Fatal("no eventName")
		}
	}
}

// BenchmarkParseJSONParallel is BenchmarkParseJSON from all cores, as a query's
// workers share one compiled pattern.
func BenchmarkParseJSONParallel(b *testing.B) {
	p := mustCompile(b, "JSON:event")
	b.ReportAllocs()
	b.SetBytes(int64(len(cloudTrailEvent)))
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			vals, _ := p.Parse(cloudTrailEvent)
			r, _ := vals[0].Record()
			r.Get("eventName")
		}
	})
}

// BenchmarkParseJSONMachine is the same match without the fast path, for comparison.
func BenchmarkParseJSONMachine(b *testing.B) {
	p := mustCompile(b, "JSON:event ''")
	b.ReportAllocs()
	b.SetBytes(int64(len(cloudTrailEvent)))
	for b.Loop() {
		vals, _ := p.Parse(cloudTrailEvent)
		r, _ := vals[0].Record()
		r.Get("eventName")
	}
}

// BenchmarkParseLine parses an access-log line into eleven fields.
func BenchmarkParseLine(b *testing.B) {
	p := mustCompile(b, accessLogPattern)
	if _, ok := p.Parse(accessLogLine); !ok {
		b.Fatal("no match")
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(accessLogLine)))
	for b.Loop() {
		p.Parse(accessLogLine)
	}
}

// BenchmarkScan is parseAll(line, "INT:n") over the access-log line.
func BenchmarkScan(b *testing.B) {
	p := mustCompile(b, "INT:n")
	b.ReportAllocs()
	b.SetBytes(int64(len(accessLogLine)))
	for b.Loop() {
		p.Scan(accessLogLine, func(int, int, []value.Value) bool { return true })
	}
}

// BenchmarkMatchFail is matchesPattern on a line that fails late, exercising
// backtracking of lazy LD runs.
func BenchmarkMatchFail(b *testing.B) {
	p := mustCompile(b, "LD ' ' LD ' ' LD ' ' INT EOS")
	b.ReportAllocs()
	b.SetBytes(int64(len(accessLogLine)))
	for b.Loop() {
		p.Match(accessLogLine)
	}
}

package cloudtrail

// Benchmarks on generated CloudTrail-shaped data; results and machine in
// BENCH.md. Run:
//
//	go test -run '^$' -bench . -benchtime 20x ./kernel/store/cloudtrail/

import (
	"bytes"
	"context"
	"fmt"
	"testing"
)

// benchEvents returns n CloudTrail-shaped events of about 1 KB, varied the
// way real ones are (names, principals, addresses, parameters).
func benchEvents(n int) [][]byte {
	names := []string{"GetObject", "PutObject", "AssumeRole", "DescribeInstances", "ConsoleLogin", "CreateKey", "ListBuckets", "GetSecretValue"}
	sources := []string{"s3.amazonaws.com", "sts.amazonaws.com", "ec2.amazonaws.com", "signin.amazonaws.com", "kms.amazonaws.com", "secretsmanager.amazonaws.com"}
	evs := make([][]byte, n)
	for i := range evs {
		name := names[i%len(names)]
		errPart := ""
		if i%13 == 0 {
			errPart = `"errorCode":"AccessDenied","errorMessage":"User: arn:aws:iam::111122223333:user/alice is not authorized to perform this operation",`
		}
		evs[i] = fmt.Appendf(nil, `{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE%06d","arn":"arn:aws:iam::111122223333:user/user%d","accountId":"111122223333","accessKeyId":"AKIAEXAMPLE%09d","userName":"user%d","sessionContext":{"attributes":{"creationDate":"2024-03-01T09:%02d:00Z","mfaAuthenticated":"false"}}},"eventTime":"2024-03-01T10:%02d:%02dZ","eventSource":%q,"eventName":%q,"awsRegion":"us-east-1","sourceIPAddress":"198.51.%d.%d","userAgent":"aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64.ubuntu.22 prompt/off command/s3.cp",%s"requestParameters":{"bucketName":"bucket-%d","key":"logs/2024/03/01/object-%d.json.gz","Host":"bucket-%d.s3.us-east-1.amazonaws.com"},"responseElements":null,"additionalEventData":{"SignatureVersion":"SigV4","CipherSuite":"TLS_AES_128_GCM_SHA256","bytesTransferredIn":0,"AuthenticationMethod":"AuthHeader","x-amz-id-2":"Ex4mpLeId2/%d=","bytesTransferredOut":%d},"requestID":"%016X","eventID":"%08x-0000-4000-8000-%012x","readOnly":true,"resources":[{"type":"AWS::S3::Object","ARN":"arn:aws:s3:::bucket-%d/logs/object-%d.json.gz"}],"eventType":"AwsApiCall","managementEvent":false,"recipientAccountId":"111122223333","eventCategory":"Data","tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"bucket-%d.s3.us-east-1.amazonaws.com"}}`,
			i, i%50, i, i%50, i%60, i%60, i%60, sources[i%len(sources)], name, i%256, (i*7)%256, errPart,
			i%20, i, i%20, i, i*31%100000, i*2654435761, i, i, i%20, i, i%20)
	}
	return evs
}

// benchSize is the uncompressed input per benchmark iteration.
const benchSize = 32 << 20

func benchRead(b *testing.B, in []byte, plain int64, want int) {
	b.ReportAllocs()
	b.SetBytes(plain)
	b.ResetTimer()
	for b.Loop() {
		n := 0
		st, err := Read(context.Background(), []string{"-"}, Options{Stdin: bytes.NewReader(in)}, func(batch []Event) error {
			n += len(batch)
			return nil
		})
		if err != nil || n != want || st.Malformed != 0 {
			b.Fatalf("read %d events of %d, %d malformed: %v", n, want, st.Malformed, err)
		}
	}
	b.ReportMetric(float64(len(in))/float64(plain), "compressed/plain")
}

func BenchmarkReadJSONLines(b *testing.B) {
	evs := benchEvents(benchSize / 1100)
	in := append(bytes.Join(evs, []byte("\n")), '\n')
	benchRead(b, in, int64(len(in)), len(evs))
}

func BenchmarkReadRecordsGzip(b *testing.B) {
	evs := benchEvents(benchSize / 1100)
	// S3 delivery files hold a few hundred events each; Firehose-style
	// concatenation of their gzip members makes one stream of many files.
	var in []byte
	var plain int64
	for i := 0; i < len(evs); i += 500 {
		doc := append(append([]byte(`{"Records":[`), bytes.Join(evs[i:min(i+500, len(evs))], []byte(","))...), "]}"...)
		plain += int64(len(doc))
		in = append(in, gzipBytes(b, doc)...)
	}
	benchRead(b, in, plain, len(evs))
}

func BenchmarkReadRecordsPlain(b *testing.B) {
	evs := benchEvents(benchSize / 1100)
	in := append(append([]byte(`{"Records":[`), bytes.Join(evs, []byte(","))...), "]}"...)
	benchRead(b, in, int64(len(in)), len(evs))
}

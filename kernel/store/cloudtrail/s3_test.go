package cloudtrail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// fakeS3 serves an in-memory S3 on 127.0.0.1 holding objects in the
// CloudTrail delivery layout, and returns its URL and a client for it.
func fakeS3(t *testing.T, objects map[string][]byte) (string, *s3.Client) {
	t.Helper()
	srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	t.Cleanup(srv.Close)
	c := s3.New(s3.Options{
		BaseEndpoint: aws.String(srv.URL),
		UsePathStyle: true,
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
	})
	ctx := context.Background()
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("trail")}); err != nil {
		t.Fatalf("cannot create bucket: %v", err)
	}
	for key, body := range objects {
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("trail"), Key: aws.String(key), Body: bytes.NewReader(body)}); err != nil {
			t.Fatalf("cannot put %s: %v", key, err)
		}
	}
	return srv.URL, c
}

// spyS3 records the keys fetched and lists in small pages.
type spyS3 struct {
	S3API
	got []string
}

func (c *spyS3) ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, optFns ...func(*s3.Options)) (*s3.ListObjectsV2Output, error) {
	in.MaxKeys = aws.Int32(2)
	return c.S3API.ListObjectsV2(ctx, in, optFns...)
}

func (c *spyS3) GetObject(ctx context.Context, in *s3.GetObjectInput, optFns ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	c.got = append(c.got, aws.ToString(in.Key))
	return c.S3API.GetObject(ctx, in, optFns...)
}

func TestS3(t *testing.T) {
	rec := func(names ...string) []byte {
		var evs []string
		for _, n := range names {
			evs = append(evs, fmt.Sprintf(`{"eventVersion":"1.09","eventName":%q}`, n))
		}
		return []byte(`{"Records":[` + strings.Join(evs, ",") + `]}`)
	}
	const (
		east   = "AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/01/111122223333_CloudTrail_us-east-1_20240301T0915Z_aaaa.json.gz"
		west   = "AWSLogs/111122223333/CloudTrail/eu-west-1/2024/03/01/111122223333_CloudTrail_eu-west-1_20240301T0920Z_bbbb.json.gz"
		other  = "AWSLogs/444455556666/CloudTrail/ap-south-1/2024/03/02/444455556666_CloudTrail_ap-south-1_20240302T0000Z_cccc.json"
		digest = "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/03/01/111122223333_CloudTrail-Digest_us-east-1_trail_us-east-1_20240301T1000Z.json.gz"
	)
	url, client := fakeS3(t, map[string][]byte{
		east:                      gzipBytes(t, rec("ConsoleLogin", "GetObject")),
		west:                      gzipBytes(t, rec("PutObject")),
		other:                     rec("ListBuckets"),
		digest:                    gzipBytes(t, rec("MustNotBeRead")),
		"AWSLogs/.hidden.json":    rec("Hidden"),
		"elsewhere/unrelated.log": rec("OutsidePrefix"),
	})

	spy := &spyS3{S3API: client}
	evs, st := readAll(t, []string{"s3://trail/AWSLogs/"}, Options{S3Client: spy})
	var got []string
	for _, e := range evs {
		got = append(got, fmt.Sprintf("%s %s %s %s", strings.TrimPrefix(e.Source, "s3://trail/")[:22], e.Account, e.Region, e.Raw))
	}
	want := []string{
		`AWSLogs/111122223333/C 111122223333 eu-west-1 {"eventVersion":"1.09","eventName":"PutObject"}`,
		`AWSLogs/111122223333/C 111122223333 us-east-1 {"eventVersion":"1.09","eventName":"ConsoleLogin"}`,
		`AWSLogs/111122223333/C 111122223333 us-east-1 {"eventVersion":"1.09","eventName":"GetObject"}`,
		`AWSLogs/444455556666/C 444455556666 ap-south-1 {"eventVersion":"1.09","eventName":"ListBuckets"}`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("events\n got: %q\nwant: %q", got, want)
	}
	if evs[0].Source != "s3://trail/"+west {
		t.Fatalf("Source = %q", evs[0].Source)
	}
	if st.Files != 4 || st.SkippedFiles != 1 || st.Malformed != 0 || st.FailedFiles != 0 {
		t.Fatalf("stats %+v", st)
	}
	for _, k := range spy.got {
		if k == digest {
			t.Fatalf("the digest object was downloaded")
		}
	}
	if len(spy.got) != 3 {
		t.Fatalf("fetched %q, want the 3 log objects", spy.got)
	}

	// Options.Endpoint: the client comes from the standard configuration.
	none := filepath.Join(t.TempDir(), "none")
	t.Setenv("AWS_CONFIG_FILE", none)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", none)
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	t.Setenv("AWS_REGION", "us-east-1")
	var progress []Progress
	evs, st = readAll(t, []string{"s3://trail/AWSLogs/111122223333/CloudTrail/us-east-1/"}, Options{
		Endpoint: url,
		Progress: func(p Progress) { progress = append(progress, p) },
	})
	if len(evs) != 2 || st.Files != 1 || evs[1].Region != "us-east-1" {
		t.Fatalf("with Endpoint: %d events, %+v", len(evs), st)
	}
	if last := progress[len(progress)-1]; last.BytesTotal != st.Bytes || last.BytesRead != st.Bytes || st.Bytes == 0 {
		t.Fatalf("progress %+v, stats %+v", last, st)
	}

	// A missing bucket is a problem of that path; with nothing else read it
	// is ErrNoInput.
	st, err := Read(context.Background(), []string{"s3://no-such-bucket/x"}, Options{S3Client: client}, func([]Event) error { return nil })
	if !errors.Is(err, ErrNoInput) || st.FailedFiles != 1 || !strings.Contains(st.Problems[0].Msg, "cannot list s3://no-such-bucket/x") {
		t.Fatalf("missing bucket: err %v, %+v", err, st)
	}
}

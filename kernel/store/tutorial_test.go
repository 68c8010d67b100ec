package store_test

import (
	"bytes"
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/trailbook/trailbook/kernel/dql"
	"github.com/trailbook/trailbook/kernel/dql/dqltest"
	"github.com/trailbook/trailbook/kernel/store"
)

// dataFolders returns the shared CloudTrail folders that carry expectations.
func dataFolders(t *testing.T) []string {
	shared := dqltest.SharedDir(t)
	all, _ := filepath.Glob(filepath.Join(shared, "data", "cloudtrail", "*"))
	var out []string
	for _, f := range all {
		if _, err := os.Stat(filepath.Join(f, "expected-usecases.json")); err == nil {
			out = append(out, f)
		}
	}
	if len(out) < 4 {
		t.Fatalf("found %d data folders with expectations, want at least 4", len(out))
	}
	return out
}

// TestTutorialOverStore ingests each shared folder with --bucket my_aws_bucket and
// runs every tutorial query over the store; ingesting again changes no answer.
func TestTutorialOverStore(t *testing.T) {
	for _, folder := range dataFolders(t) {
		t.Run(filepath.Base(folder), func(t *testing.T) {
			st, err := store.Open(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			for range 2 {
				if _, err := st.Ingest(context.Background(), []string{filepath.Join(folder, "logs")}, store.IngestOptions{Bucket: "my_aws_bucket"}); err != nil {
					t.Fatal(err)
				}
				dqltest.TutorialCheck(t, st, folder)
			}
		})
	}
}

// TestTutorialOverS3 serves each folder from an in-process S3 fake in the delivery
// layout and ingests it with s3://.
func TestTutorialOverS3(t *testing.T) {
	srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	defer srv.Close()
	client := s3.New(s3.Options{
		BaseEndpoint: aws.String(srv.URL),
		UsePathStyle: true,
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
	})
	ctx := context.Background()
	if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("trail")}); err != nil {
		t.Fatal(err)
	}
	for _, folder := range dataFolders(t) {
		prefix := "AWSLogs/" + filepath.Base(folder) + "/"
		files, _ := filepath.Glob(filepath.Join(folder, "logs", "*"))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			key := prefix + filepath.Base(f)
			if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("trail"), Key: aws.String(key), Body: bytes.NewReader(b)}); err != nil {
				t.Fatal(err)
			}
		}
		t.Run(filepath.Base(folder), func(t *testing.T) {
			st, err := store.Open(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			stats, err := st.Ingest(ctx, []string{"s3://trail/" + prefix}, store.IngestOptions{Bucket: "my_aws_bucket", S3Client: client})
			if err != nil {
				t.Fatal(err)
			}
			if stats.Files != int64(len(files)) {
				t.Fatalf("read %d objects, want %d", stats.Files, len(files))
			}
			dqltest.TutorialCheck(t, st, folder)
		})
	}
}

// TestPushdownLargeEvent: an event longer than the JSON matcher's limit parses to
// nothing, so isNull of its members is true; the store's columns must not say
// otherwise (regression: edge-cases/07-large-requestParameters.ndjson).
func TestPushdownLargeEvent(t *testing.T) {
	shared := dqltest.SharedDir(t)
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Ingest(context.Background(), []string{filepath.Join(shared, "data", "cloudtrail", "edge-cases", "logs")}, store.IngestOptions{}); err != nil {
		t.Fatal(err)
	}
	q := `fetch logs, from: "2000-01-01T00:00:00Z" | parse content, "JSON:event" | filter isNull(event[eventName]) | summarize count()`
	for _, noPush := range []bool{false, true} {
		opt := dql.Options{Source: st, NoPushdown: noPush}
		opt.Now = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		res, err := dql.Run(context.Background(), q, opt)
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := res.Records[0].Lookup("count()").Long(); n != 1 {
			t.Fatalf("pushdown off = %v: %d events with a null eventName, want 1 (the 220 KB event)", noPush, n)
		}
	}
}

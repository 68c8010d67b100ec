package cloudtrail

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// S3API is the part of the S3 client that Read uses. *s3.Client satisfies it;
// tests may pass a client pointed at a fake.
type S3API interface {
	s3.ListObjectsV2APIClient
	GetObject(ctx context.Context, in *s3.GetObjectInput, optFns ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

// parseS3 splits s3://bucket/prefix.
func parseS3(uri string) (bucket, prefix string, err error) {
	rest := strings.TrimPrefix(uri, "s3://")
	bucket, prefix, _ = strings.Cut(rest, "/")
	if bucket == "" {
		return "", "", fmt.Errorf("no bucket in %q", uri)
	}
	return bucket, prefix, nil
}

// client returns the injected S3 client or builds one from the standard AWS
// configuration on first use.
func (r *reader) client() (S3API, error) {
	if r.s3 != nil {
		return r.s3, nil
	}
	cfg, err := config.LoadDefaultConfig(r.ctx)
	if err != nil {
		return nil, fmt.Errorf("cannot load AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1" // S3 needs one to sign; buckets elsewhere need AWS_REGION
	}
	r.s3 = s3.NewFromConfig(cfg, func(o *s3.Options) {
		if r.opt.Endpoint != "" {
			o.BaseEndpoint = aws.String(r.opt.Endpoint)
			o.UsePathStyle = true
		}
		o.DisableLogOutputChecksumValidationSkipped = true // S3-compatible stores send none
	})
	return r.s3, nil
}

// eachObject lists the objects under an s3:// URI page by page, so that a
// prefix of any size is never held in memory, and calls fn for each data
// object in key order. Folder markers and hidden names are left out.
func (r *reader) eachObject(uri string, fn func(c S3API, bucket, key string, size int64) error) error {
	bucket, prefix, err := parseS3(uri)
	if err != nil {
		return err
	}
	c, err := r.client()
	if err != nil {
		return err
	}
	pages := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(prefix)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(r.ctx)
		if err != nil {
			return fmt.Errorf("cannot list %s: %w", uri, err)
		}
		for _, o := range page.Contents {
			key := aws.ToString(o.Key)
			if strings.HasSuffix(key, "/") || strings.HasPrefix(path.Base(key), ".") {
				continue
			}
			if err := fn(c, bucket, key, aws.ToInt64(o.Size)); err != nil {
				return err
			}
		}
	}
	return nil
}

// stopError marks an error from fn or ctx that must end the Read, so that
// eachObject's callers can tell it from a listing failure.
type stopError struct{ err error }

func (e *stopError) Error() string { return e.err.Error() }

// readS3 reads every object under an s3:// URI. Digest objects are skipped
// without being downloaded; bodies are streamed, never buffered whole.
func (r *reader) readS3(uri string) error {
	err := r.eachObject(uri, func(c S3API, bucket, key string, _ int64) error {
		name := "s3://" + bucket + "/" + key
		if IsDigestName(key) {
			r.st.Files++
			r.st.SkippedFiles++
			return nil
		}
		out, err := c.GetObject(r.ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
		if err != nil {
			if cerr := r.ctx.Err(); cerr != nil {
				return &stopError{cerr}
			}
			r.failed(name, "cannot get object: "+err.Error())
			return nil
		}
		defer out.Body.Close()
		r.st.Files++
		if err := r.readStream(newInput(name, key), out.Body); err != nil {
			return &stopError{err}
		}
		return nil
	})
	var se *stopError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &se):
		return se.err
	case r.ctx.Err() != nil:
		return r.ctx.Err()
	}
	r.failed(uri, err.Error())
	return nil
}

// measureS3 sums the sizes of the objects readS3 would read.
func (r *reader) measureS3(uri string) (int64, error) {
	var total int64
	err := r.eachObject(uri, func(_ S3API, _, key string, size int64) error {
		if !IsDigestName(key) {
			total += size
		}
		return nil
	})
	return total, err
}

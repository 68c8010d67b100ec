package store

import "testing"

func TestMatchBuckets(t *testing.T) {
	f := func(patterns []string, bucket string, want bool) {
		t.Helper()
		if got := MatchBuckets(patterns, bucket); got != want {
			t.Fatalf("MatchBuckets(%q, %q) = %v, want %v", patterns, bucket, got, want)
		}
	}
	f(nil, "anything", true)
	f([]string{}, "anything", false)
	f([]string{"my_aws_bucket"}, "my_aws_bucket", true)
	f([]string{"my_aws_bucket"}, "my_aws_bucket2", false)
	f([]string{"my_*"}, "my_aws_bucket", true)
	f([]string{"*bucket"}, "my_aws_bucket", true)
	f([]string{"*aws*"}, "my_aws_bucket", true)
	f([]string{"*"}, "", true)
	f([]string{"a*b*c"}, "aXbYbZc", true)
	f([]string{"a*b*c"}, "aXbYbZ", false)
	f([]string{"default_logs", "x*"}, "xyz", true)
	f([]string{"my?bucket"}, "my_bucket", false) // only * is special
	f([]string{"**"}, "ab", true)
}

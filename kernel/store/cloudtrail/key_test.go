package cloudtrail

import "testing"

func TestParseKey(t *testing.T) {
	f := func(key, account, region string) {
		t.Helper()
		a, r := ParseKey(key)
		if a != account || r != region {
			t.Fatalf("ParseKey(%q) = %q, %q, want %q, %q", key, a, r, account, region)
		}
	}
	f("AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/01/111122223333_CloudTrail_us-east-1_20240301T0915Z_abc.json.gz", "111122223333", "us-east-1")
	f("111122223333_CloudTrail_us-gov-west-1_20240301T0915Z_abc.json.gz", "111122223333", "us-gov-west-1")
	f("/data/218007301253_CloudTrail_us-east-1_20230710T1145Z_7xgocspSowgK0Gto.json", "218007301253", "us-east-1")
	f("AWSLogs/o-abc123/111122223333/CloudTrail/eu-west-1/2024/03/01/events.json", "111122223333", "eu-west-1")
	f("prefix/AWSLogs/111122223333/CloudTrail/ap-southeast-2/x.json", "111122223333", "ap-southeast-2")
	f("AWSLogs/111122223333/CloudTrail-Digest/us-east-2/2015/08/17/111122223333_CloudTrail-Digest_us-east-2_trail_us-east-2_20150817T150131Z.json.gz", "111122223333", "us-east-2")
	f("logs/12-array.json", "", "")
	f("", "", "")
	f("1111222233_CloudTrail_us-east-1_x_y.json", "", "")         // 10 digits
	f("111122223333_CloudTrail_US-EAST-1_x_y.json", "", "")       // not a region
	f("111122223333_CloudTrail_us-east-1.json", "", "")           // too few parts
	f("AWSLogs/111122223333/CloudTrail", "", "")                  // no region segment
	f("AWSLogs/11112222333x/CloudTrail/us-east-1/a.json", "", "") // not an account
}

func TestIsDigestName(t *testing.T) {
	f := func(name string, want bool) {
		t.Helper()
		if got := IsDigestName(name); got != want {
			t.Fatalf("IsDigestName(%q) = %v, want %v", name, got, want)
		}
	}
	f("111122223333_CloudTrail-Digest_us-east-2_awscloudtrail-us-east-2_us-east-2_20151019T040000Z.json", true)
	f("AWSLogs/111122223333/CloudTrail-Digest/us-east-2/2015/08/17/x.json.gz", true)
	f("AWSLogs/111122223333/CloudTrail/us-east-2/2015/08/17/111122223333_CloudTrail_us-east-2_x_y.json.gz", false)
	f("notes-about-CloudTrail-Digest.txt", false)
}

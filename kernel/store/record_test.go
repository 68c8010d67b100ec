package store

import (
	"testing"

	"github.com/trailbook/trailbook/kernel/dql/value"
)

func TestBuildRecord(t *testing.T) {
	f := func(raw, source, bucket, account, region string, want string) {
		t.Helper()
		r, ok := BuildRecord([]byte(raw), source, bucket, account, region)
		if want == "" {
			if ok {
				t.Fatalf("BuildRecord(%s) = ok, want not ok", raw)
			}
			return
		}
		if !ok {
			t.Fatalf("BuildRecord(%s): not ok", raw)
		}
		if got := string(value.AppendRecordJSONL(nil, r)); got != want {
			t.Fatalf("BuildRecord(%s)\n got: %s\nwant: %s", raw, got, want)
		}
		c, _ := r.Lookup("content").Str()
		if c != raw {
			t.Fatalf("content is not the raw event byte for byte: %q", c)
		}
	}
	f(`{"eventTime":"2024-03-01T09:15:02Z","awsRegion":"eu-west-1","recipientAccountId":"111122223333","errorCode":"AccessDenied"}`,
		"a.json", "b", "999", "us-east-1",
		`{"timestamp":"2024-03-01T09:15:02.000000000Z","content":"{\"eventTime\":\"2024-03-01T09:15:02Z\",\"awsRegion\":\"eu-west-1\",\"recipientAccountId\":\"111122223333\",\"errorCode\":\"AccessDenied\"}","aws.service":"cloudtrail","aws.region":"eu-west-1","aws.account.id":"111122223333","aws.resource.type":"AWS::CloudTrail::Trail","dt.system.bucket":"b","log.source":"a.json","loglevel":"ERROR"}`)
	// Fallbacks from the S3 key; fraction.
	f(`{"eventTime": "2024-03-01T15:01:00.000001Z"}`, "s3://x/y.json.gz", "default_logs", "123", "ap-east-1",
		`{"timestamp":"2024-03-01T15:01:00.000001000Z","content":"{\"eventTime\": \"2024-03-01T15:01:00.000001Z\"}","aws.service":"cloudtrail","aws.region":"ap-east-1","aws.account.id":"123","aws.resource.type":"AWS::CloudTrail::Trail","dt.system.bucket":"default_logs","log.source":"s3://x/y.json.gz","loglevel":"INFO"}`)
	// Nothing to fall back on: the fields are left out, never null.
	f(`{"eventTime":"2024-03-01T15:01:59.5Z","errorCode":null}`, "", "", "", "",
		`{"timestamp":"2024-03-01T15:01:59.500000000Z","content":"{\"eventTime\":\"2024-03-01T15:01:59.5Z\",\"errorCode\":null}","aws.service":"cloudtrail","aws.resource.type":"AWS::CloudTrail::Trail","loglevel":"INFO"}`)
	// A zone offset goes through the general parser.
	f(`{"eventTime":"2024-03-01T10:00:00+01:00"}`, "s", "b", "", "",
		`{"timestamp":"2024-03-01T09:00:00.000000000Z","content":"{\"eventTime\":\"2024-03-01T10:00:00+01:00\"}","aws.service":"cloudtrail","aws.resource.type":"AWS::CloudTrail::Trail","dt.system.bucket":"b","log.source":"s","loglevel":"INFO"}`)
	// Malformed eventTime.
	f(`{"eventName":"X"}`, "", "", "", "", "")
	f(`{"eventTime":12}`, "", "", "", "", "")
	f(`{"eventTime":"yesterday"}`, "", "", "", "", "")
	f(`{"eventTime":"2023-02-30T00:00:00Z"}`, "", "", "", "", "")
}

func TestParseEventTime(t *testing.T) {
	f := func(s string, want int64, wantOK bool) {
		t.Helper()
		got, ok := ParseEventTime(s)
		if ok != wantOK || (ok && got != want) {
			t.Fatalf("ParseEventTime(%q) = %d, %v; want %d, %v", s, got, ok, want, wantOK)
		}
	}
	f("1970-01-01T00:00:00Z", 0, true)
	f("1970-01-01T00:00:01.5Z", 1_500_000_000, true)
	f("1970-01-01T00:00:00.000000001Z", 1, true)
	f("1969-12-31T23:59:59Z", -1_000_000_000, true)
	f("1970-01-01T00:00:00", 0, false)
	f("1970-01-01T24:00:00Z", 0, false)
	f("", 0, false)
	f("1970-01-01T00:00:00.Z", 0, false)
}

func TestEventKey(t *testing.T) {
	a, _ := eventKey("1", []byte(`{"eventID":"x"}`), nil)
	b, _ := eventKey("1", []byte(`{"eventID":"x"}`), nil)
	c, _ := eventKey("2", []byte(`{"eventID":"x"}`), nil)
	d, _ := eventKey("1", []byte(`{"eventID":"x","a":1}`), nil)
	if a != b || a == c || a == d {
		t.Fatal("eventKey: equal events differ, or the account or content is ignored")
	}
}

// TestExtractDuplicates pins the column semantics for duplicate members: the first
// member of a name wins at every level, as value.Record.Get (and so the executor's
// event[a][b]) sees it.
func TestExtractDuplicates(t *testing.T) {
	var x extracted
	extract([]byte(`{"eventName":"A","userIdentity":"x","eventName":"B","userIdentity":{"arn":"y"},"requestParameters":{"origin":5,"origin":"EXTERNAL"},"errorCode":null}`), &x)
	want := map[int]cell{1: {codeFirst, "A"}, 9: {}, 12: {kind: codeOther}, colErrorCode: {}}
	for c, w := range want {
		if x.cells[c] != w {
			t.Errorf("column %s = %+v, want %+v", contentColumns[c].name, x.cells[c], w)
		}
	}
}

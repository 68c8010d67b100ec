package store

import (
	"strings"
	"time"
	"unsafe"

	"github.com/tidwall/gjson"

	"github.com/trailbook/trailbook/kernel/dql/exec"
	"github.com/trailbook/trailbook/kernel/dql/value"
)

// The constant fields of every CloudTrail record (spec/dql.md §14).
const (
	serviceCloudTrail = "cloudtrail"
	resourceTrail     = "AWS::CloudTrail::Trail"
)

// BuildRecord builds the log record of spec/dql.md §14 for one CloudTrail event:
//
//	timestamp          eventTime, parsed
//	content            raw, byte for byte
//	aws.service        "cloudtrail"
//	aws.region         awsRegion, else region (the region in the S3 key)
//	aws.account.id     recipientAccountId, else account (the account in the S3 key)
//	aws.resource.type  "AWS::CloudTrail::Trail"
//	dt.system.bucket   bucket
//	log.source         source (the file or S3 object)
//	loglevel           "ERROR" if the event has a non-null errorCode, else "INFO"
//
// A field whose value would be null (an empty string argument, a missing member) is
// left out, as §14 requires. ok is false when eventTime is missing or is not a
// timestamp: the caller counts such an event as malformed.
//
// raw must be a valid JSON object (validated at ingest); BuildRecord copies it, so the
// caller may reuse raw afterwards. Every Source (the store, raw files, the demo data)
// builds its records here, so that a query sees the same records whatever it reads.
func BuildRecord(raw []byte, source, bucket, account, region string) (*value.Record, bool) {
	// One pass over the top-level members, keeping the first of each name as
	// gjson.Get does: three times faster than gjson.GetManyBytes, which rescans the
	// event for every path and must read all of it to learn that errorCode is absent.
	var timeRes, regionRes, accountRes, errRes gjson.Result
	gjson.Parse(unsafeString(raw)).ForEach(func(k, v gjson.Result) bool {
		switch k.Str {
		case "eventTime":
			if !timeRes.Exists() {
				timeRes = v
			}
		case "awsRegion":
			if !regionRes.Exists() {
				regionRes = v
			}
		case "recipientAccountId":
			if !accountRes.Exists() {
				accountRes = v
			}
		case "errorCode":
			if !errRes.Exists() {
				errRes = v
			}
		}
		return true
	})
	ts, ok := eventTimeOf(timeRes)
	if !ok {
		return nil, false
	}
	if regionRes.Type == gjson.String && regionRes.Str != "" {
		region = strings.Clone(regionRes.Str)
	}
	if accountRes.Type == gjson.String && accountRes.Str != "" {
		account = strings.Clone(accountRes.Str)
	}
	return newRecord(ts, string(raw), region, account, bucket, source, errRes.Exists() && errRes.Type != gjson.Null), true
}

// unsafeString views b as a string without copying. The string must not outlive b's
// contents: callers use it only for parsing and copy what they keep.
func unsafeString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// newRecord assembles a §14 record from its parts; the store calls it with values read
// from its columns, BuildRecord with values read from the JSON.
func newRecord(ts int64, content, region, account, bucket, source string, isError bool) *value.Record {
	r := value.NewRecord(9)
	r.Append(exec.FieldTimestamp, value.Timestamp(ts))
	r.Append(exec.FieldContent, value.String(content))
	r.Append(exec.FieldService, value.String(serviceCloudTrail))
	if region != "" {
		r.Append(exec.FieldRegion, value.String(region))
	}
	if account != "" {
		r.Append(exec.FieldAccount, value.String(account))
	}
	r.Append(exec.FieldResourceType, value.String(resourceTrail))
	if bucket != "" {
		r.Append(exec.FieldBucket, value.String(bucket))
	}
	if source != "" {
		r.Append(exec.FieldLogSource, value.String(source))
	}
	if isError {
		r.Append(exec.FieldLogLevel, value.String("ERROR"))
	} else {
		r.Append(exec.FieldLogLevel, value.String("INFO"))
	}
	return r
}

// eventTimeOf parses an eventTime member: a JSON string holding an RFC 3339 timestamp.
func eventTimeOf(r gjson.Result) (int64, bool) {
	if r.Type != gjson.String {
		return 0, false
	}
	return ParseEventTime(r.Str)
}

// ParseEventTime parses a CloudTrail eventTime ("2024-03-01T09:15:02Z", with an
// optional fraction of up to nine digits and a Z or ±hh:mm zone) into nanoseconds
// since the epoch. It reports false for anything else.
func ParseEventTime(s string) (int64, bool) {
	if ns, ok := parseUTCFast(s); ok {
		return ns, true
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return 0, false
	}
	return t.UnixNano(), true
}

// parseUTCFast handles the form CloudTrail writes, YYYY-MM-DDTHH:MM:SS[.f…]Z, without
// time.Parse; anything else falls through to the general parser.
func parseUTCFast(s string) (int64, bool) {
	if len(s) < 20 || s[len(s)-1] != 'Z' || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return 0, false
	}
	num := func(a, b int) (int, bool) {
		n := 0
		for i := a; i < b; i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	year, ok1 := num(0, 4)
	month, ok2 := num(5, 7)
	day, ok3 := num(8, 10)
	hour, ok4 := num(11, 13)
	minute, ok5 := num(14, 16)
	sec, ok6 := num(17, 19)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || sec > 59 {
		return 0, false
	}
	frac := 0
	rest := s[19 : len(s)-1]
	if rest != "" {
		if rest[0] != '.' || len(rest) < 2 || len(rest) > 10 {
			return 0, false
		}
		f, ok := num(20, len(s)-1)
		if !ok {
			return 0, false
		}
		for i := len(rest) - 1; i < 9; i++ {
			f *= 10
		}
		frac = f
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, frac, time.UTC)
	if t.Day() != day { // 2023-02-30 normalises to March: not a date
		return 0, false
	}
	return t.UnixNano(), true
}

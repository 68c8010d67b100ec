package demo

import (
	"context"
	"crypto/sha256"
	"regexp"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/trailbook/trailbook/kernel/dql/exec"
	"github.com/trailbook/trailbook/kernel/dql/value"
)

var testNow = time.Date(2025, 3, 15, 12, 0, 0, 500_000_000, time.UTC)

func generate(t testing.TB, now time.Time, n int) []string {
	t.Helper()
	var out []string
	if err := Generate(now, n, func(raw []byte) error {
		out = append(out, string(raw))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestGenerateDeterministic(t *testing.T) {
	digest := func(evs []string) [32]byte {
		h := sha256.New()
		for _, e := range evs {
			h.Write([]byte(e))
			h.Write([]byte{'\n'})
		}
		return [32]byte(h.Sum(nil))
	}
	a, b := generate(t, testNow, 5000), generate(t, testNow, 5000)
	if len(a) != 5000 || digest(a) != digest(b) {
		t.Fatalf("two runs differ (%d events)", len(a))
	}
	if c := generate(t, testNow.Add(time.Hour), 5000); digest(c) == digest(a) {
		t.Fatal("a different now gives the same events")
	}
	if n := len(generate(t, testNow, 100)); n != 100 {
		t.Fatalf("Generate(100) gave %d events", n)
	}
	if n := len(generate(t, testNow, 0)); n != 0 {
		t.Fatalf("Generate(0) gave %d events", n)
	}
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestGenerateValid(t *testing.T) {
	evs := generate(t, testNow, DefaultEvents)
	if len(evs) != DefaultEvents {
		t.Fatalf("%d events, want %d", len(evs), DefaultEvents)
	}
	ids := map[string]bool{}
	var prev time.Time
	for i, e := range evs {
		if !gjson.Valid(e) {
			t.Fatalf("event %d is not valid JSON: %s", i, e)
		}
		r := gjson.GetMany(e, "eventVersion", "userIdentity.type", "eventTime", "eventSource", "eventName",
			"awsRegion", "sourceIPAddress", "userAgent", "eventID", "eventType", "recipientAccountId", "eventCategory", "managementEvent", "readOnly")
		for k, x := range r {
			if !x.Exists() {
				t.Fatalf("event %d lacks member %d: %s", i, k, e)
			}
		}
		at, err := time.Parse(time.RFC3339, r[2].Str)
		if err != nil || !at.Before(testNow) || at.Before(testNow.Add(-7*24*time.Hour)) {
			t.Fatalf("event %d: eventTime %q out of the week before now", i, r[2].Str)
		}
		if at.Before(prev) {
			t.Fatalf("event %d: out of time order", i)
		}
		prev = at
		if !uuidRE.MatchString(r[8].Str) || ids[r[8].Str] {
			t.Fatalf("event %d: eventID %q is not a fresh UUID", i, r[8].Str)
		}
		ids[r[8].Str] = true
	}
}

// TestSignals checks that every investigation finds its signal, most of them in the
// last 30 minutes (`fetch logs, from: -30min`).
func TestSignals(t *testing.T) {
	evs := generate(t, testNow, DefaultEvents)
	recent := testNow.Add(-30 * time.Minute)
	type ev struct {
		gjson.Result
		recent bool
	}
	var all []ev
	for _, e := range evs {
		g := gjson.Parse(e)
		at, _ := time.Parse(time.RFC3339, g.Get("eventTime").Str)
		all = append(all, ev{g, !at.Before(recent)})
	}
	count := func(recentOnly bool, fn func(g gjson.Result) bool) int {
		n := 0
		for _, e := range all {
			if (!recentOnly || e.recent) && fn(e.Result) {
				n++
			}
		}
		return n
	}
	distinct := func(recentOnly bool, fn func(g gjson.Result) bool, key string) int {
		set := map[string]bool{}
		for _, e := range all {
			if (!recentOnly || e.recent) && fn(e.Result) {
				set[e.Get(key).String()] = true
			}
		}
		return len(set)
	}
	is := func(path, want string) func(gjson.Result) bool {
		return func(g gjson.Result) bool { return g.Get(path).Str == want }
	}
	and := func(fs ...func(gjson.Result) bool) func(gjson.Result) bool {
		return func(g gjson.Result) bool {
			for _, f := range fs {
				if !f(g) {
					return false
				}
			}
			return true
		}
	}
	atLeast := func(what string, got, want int) {
		t.Helper()
		if got < want {
			t.Errorf("%s: %d, want at least %d", what, got, want)
		}
	}

	// Password spray (tutorial 10/11).
	spray := and(is("eventSource", "signin.amazonaws.com"), is("eventName", "ConsoleLogin"), is("responseElements.ConsoleLogin", "Failure"),
		is("errorMessage", "Failed authentication"), is("additionalEventData.MFAUsed", "No"))
	atLeast("recent failed console logins", count(true, spray), 40)
	atLeast("sprayed user names", distinct(true, spray, "userIdentity.userName"), 4)
	if n := distinct(true, spray, "sourceIPAddress"); n < 1 || n > 2 {
		t.Errorf("spray from %d addresses, want 1 or 2", n)
	}
	atLeast("console logins without MFA", count(true, and(is("eventName", "ConsoleLogin"), is("responseElements.ConsoleLogin", "Success"), is("additionalEventData.MFAUsed", "No"))), 2)

	// AccessDenied / UnauthorizedOperation loop from one principal (tutorial 20/21).
	denied := func(g gjson.Result) bool {
		c := g.Get("errorCode").Str
		return c == "AccessDenied" || c == "UnauthorizedOperation"
	}
	atLeast("recent AccessDenied/UnauthorizedOperation", count(true, denied), 15)
	byUser := map[string]map[string]bool{}
	for _, e := range all {
		if e.recent && denied(e.Result) {
			u := e.Get("userIdentity.arn").Str
			if byUser[u] == nil {
				byUser[u] = map[string]bool{}
			}
			byUser[u][e.Get("eventName").Str] = true
		}
	}
	most := 0
	for _, names := range byUser {
		most = max(most, len(names))
	}
	atLeast("APIs denied to one principal", most, 5)
	atLeast("denied AssumeRole", count(true, and(is("eventName", "AssumeRole"), is("errorCode", "AccessDenied"))), 8)

	// Throttling burst (tutorial 30).
	throttled := is("errorCode", "Client.RequestLimitExceeded")
	atLeast("recent throttled calls", count(true, throttled), 30)
	atLeast("throttled EC2 APIs", distinct(true, and(throttled, is("eventSource", "ec2.amazonaws.com")), "eventName"), 3)

	// KMS keys with external material (tutorial 40).
	atLeast("CreateKey EXTERNAL", count(true, and(is("eventName", "CreateKey"), is("requestParameters.origin", "EXTERNAL"))), 2)
	atLeast("CreateKey AWS_KMS", count(true, and(is("eventName", "CreateKey"), is("requestParameters.origin", "AWS_KMS"))), 1)
	for _, e := range all {
		if e.Get("eventName").Str == "CreateKey" && e.Get("requestParameters.origin").Str == "EXTERNAL" {
			id := e.Get("responseElements.keyMetadata.keyId").Str
			if id == "" || count(false, and(is("eventName", "ImportKeyMaterial"), is("requestParameters.keyId", id))) != 1 {
				t.Errorf("external key %q is not followed by ImportKeyMaterial", id)
			}
		}
	}

	// The rest of the story, all in the last half hour.
	for _, name := range []string{"CreateUser", "CreateAccessKey", "AttachUserPolicy", "CreateLoginProfile",
		"StopLogging", "DeleteTrail", "PutEventSelectors", "DeleteDetector", "AuthorizeSecurityGroupIngress",
		"PutBucketPolicy", "PutBucketAcl", "DeleteBucketPublicAccessBlock", "GetSecretValue", "GetParameter",
		"GetParameters", "RunInstances", "ImportKeyPair"} {
		atLeast("recent "+name, count(true, is("eventName", name)), 1)
	}
	atLeast("AdministratorAccess attached", count(true, is("requestParameters.policyArn", "arn:aws:iam::aws:policy/AdministratorAccess")), 1)
	atLeast("root activity", count(true, is("userIdentity.type", "Root")), 3)
	atLeast("ingress from 0.0.0.0/0", count(true, func(g gjson.Result) bool {
		return g.Get("eventName").Str == "AuthorizeSecurityGroupIngress" &&
			g.Get(`requestParameters.ipPermissions.items.#.ipRanges.items.#.cidrIp|@flatten`).String() == `["0.0.0.0/0"]` &&
			g.Get(`requestParameters.ipPermissions.items.#.ipv6Ranges.items.#.cidrIpv6|@flatten`).String() == `["::/0"]`
	}), 1)
	atLeast("public bucket policy", count(true, is("requestParameters.bucketPolicy.Statement.0.Principal", "*")), 1)
	atLeast("AllUsers ACL", count(true, is("requestParameters.AccessControlPolicy.AccessControlList.Grant.Grantee.URI", "http://acs.amazonaws.com/groups/global/AllUsers")), 1)
	for _, region := range []string{"ap-east-1", "me-south-1"} {
		atLeast("activity in "+region, count(true, is("awsRegion", region)), 2)
	}
	atLeast("secret reads", count(true, is("eventName", "GetSecretValue")), 10)

	// Older incidents and background.
	atLeast("older failed logins", count(false, spray)-count(true, spray), 1)
	quiet := count(false, func(g gjson.Result) bool {
		return !g.Get("errorCode").Exists() && g.Get("responseElements.ConsoleLogin").Str != "Failure"
	})
	if quiet < len(all)*8/10 {
		t.Errorf("only %d of %d events are benign background", quiet, len(all))
	}
	accounts := distinct(false, func(gjson.Result) bool { return true }, "recipientAccountId")
	regions := distinct(false, func(gjson.Result) bool { return true }, "awsRegion")
	sources := distinct(false, func(gjson.Result) bool { return true }, "eventSource")
	atLeast("accounts", accounts, 3)
	atLeast("regions", regions, 8)
	atLeast("services", sources, 11)
	atLeast("recent events", count(true, func(gjson.Result) bool { return true }), 250)
}

func TestSource(t *testing.T) {
	src := Source(testNow)
	scan := func(req exec.ScanRequest) []*value.Record {
		t.Helper()
		it, err := src.Scan(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		defer it.Close()
		var out []*value.Record
		for {
			b, err := it.Next(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if b == nil {
				return out
			}
			out = append(out, b...)
		}
	}
	all := scan(exec.ScanRequest{From: -1 << 62, To: 1 << 62})
	if len(all) != DefaultEvents {
		t.Fatalf("%d records, want %d", len(all), DefaultEvents)
	}
	from := testNow.Add(-30 * time.Minute).UnixNano()
	recent := scan(exec.ScanRequest{From: from, To: testNow.UnixNano(), Buckets: []string{"my_aws_*"}})
	if len(recent) < 250 {
		t.Fatalf("%d records in the last 30 minutes", len(recent))
	}
	for _, r := range recent {
		ts, _ := r.Lookup(exec.FieldTimestamp).Timestamp()
		b, _ := r.Lookup(exec.FieldBucket).Str()
		if ts < from || ts >= testNow.UnixNano() || b != Bucket {
			t.Fatalf("record out of range: %d %q", ts, b)
		}
	}
	if n := len(scan(exec.ScanRequest{From: from, To: testNow.UnixNano(), Buckets: []string{"default_logs"}})); n != 0 {
		t.Fatalf("bucket default_logs gave %d records", n)
	}
	// The caller owns the records: changing one does not change the next scan.
	recent[0].Set("content", value.String("changed"))
	again := scan(exec.ScanRequest{From: from, To: testNow.UnixNano()})
	if c, _ := again[0].Lookup("content").Str(); c == "changed" {
		t.Fatal("Source hands out shared records")
	}
}

func BenchmarkSource(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		Source(testNow)
	}
}

func BenchmarkGenerate(b *testing.B) {
	b.ReportAllocs()
	var n int64
	for i := 0; i < b.N; i++ {
		n = 0
		Generate(testNow, DefaultEvents, func(raw []byte) error { n += int64(len(raw)); return nil })
	}
	b.SetBytes(n)
}

// Package demo generates realistic, deterministic CloudTrail activity for trailbook's
// demo mode: what `trailbook query` and `serve` show when nothing has been ingested.
//
// The data set is an organisation of three AWS accounts going about its business
// (services decrypting with KMS, instances talking to SSM, people in the console, CI
// deploying) plus the signals of the bundled investigations. The last half hour holds
// an attack from start to finish, so that `fetch logs, from: -30min` finds it:
//
//   - a password spray: failed ConsoleLogins ("Failed authentication", MFAUsed "No")
//     for several user names from two addresses, then one success without MFA;
//   - a leaked access key probing: AccessDenied / UnauthorizedOperation retried across
//     IAM, S3, EC2, Secrets Manager, Lambda and CloudTrail; AssumeRole on guessed
//     role names; a burst of EC2 describes throttled with Client.RequestLimitExceeded;
//     instances and key pairs in ap-east-1 and me-south-1; GetSecretValue and
//     GetParameter(s) with decryption;
//   - persistence (CreateUser, CreateAccessKey, AttachUserPolicy AdministratorAccess,
//     CreateLoginProfile, and an access key for the compromised user itself), KMS keys with origin EXTERNAL followed by
//     GetParametersForImport and ImportKeyMaterial (and an ordinary AWS_KMS key),
//     SSH and RDP opened to 0.0.0.0/0 and ::/0, a bucket made public
//     (DeleteBucketPublicAccessBlock, PutBucketPolicy for "*", PutBucketAcl for
//     AllUsers), the root user signing in without MFA and creating a key, and finally
//     PutEventSelectors, StopLogging, DeleteTrail and GuardDuty DeleteDetector.
//
// Smaller incidents of the same kinds are spread over the preceding week, and a
// developer opens SSH to the world and revokes it half an hour later. Addresses
// come from the documentation ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24).
//
// Events are records of bucket "my_aws_bucket" (Bucket), not "default_logs": the
// tutorial queries filter on dt.system.bucket == "my_aws_bucket", and the demo is there
// to make them show something at once.
//
// The package imports the store only for BuildRecord, so that demo records are the
// records an ingest of the same events would give.
package demo

import (
	"math/rand/v2"
	"slices"
	"time"
)

// Bucket is the dt.system.bucket of the demo records.
const Bucket = "my_aws_bucket"

// LogSource is the log.source of the demo records.
const LogSource = "trailbook-demo"

// DefaultEvents is the size of the data set demo.Source serves.
const DefaultEvents = 20_000

// seed fixes the data set: the same now and n always give the same events.
const seed = 0x7261696c626f6f6b // "railbook"

// Generate calls fn with n CloudTrail events (JSON objects, one per call, oldest
// first) spanning the week before now, every eventTime before now and at or after
// now − 7 days. The output depends only on now and n. fn must not keep raw after it
// returns (the buffer is reused); an error from fn stops Generate and is returned.
//
// About 650 signal events are always generated (fewer only when n is smaller, in which
// case the newest n are kept); the rest is background activity, plus one older incident
// per 4,000 events.
func Generate(now time.Time, n int, fn func(raw []byte) error) error {
	if n <= 0 {
		return nil
	}
	now = now.Truncate(time.Second)
	p := &plan{r: rand.New(rand.NewPCG(seed, uint64(n))), c: newCast()}
	p.attack(now)
	p.older(now, n/4000)
	signals := p.calls
	slices.SortStableFunc(signals, func(a, b call) int { return a.at.Compare(b.at) })
	if len(signals) > n {
		signals = signals[len(signals)-n:]
	}
	nBg := n - len(signals)
	start := now.Add(-7 * 24 * time.Hour)
	step := float64(7*24*time.Hour-time.Second) / float64(max(nBg, 1))
	r := rand.New(rand.NewPCG(seed, uint64(n)+1))
	var w jsonw
	k, i := 0, 0
	nextBg := func() time.Time {
		return start.Add(time.Duration((float64(k) + r.Float64()*0.999) * step))
	}
	var bgAt time.Time
	if nBg > 0 {
		bgAt = nextBg()
	}
	for k < nBg || i < len(signals) {
		var c call
		if i < len(signals) && (k >= nBg || !signals[i].at.After(bgAt)) {
			c = signals[i]
			i++
		} else {
			c = backgroundCall(r, p.c, bgAt)
			k++
			if k < nBg {
				bgAt = nextBg()
			}
		}
		if err := fn(render(&w, r, &c)); err != nil {
			return err
		}
	}
	return nil
}

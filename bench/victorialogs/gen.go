package main

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"
)

// The generated estate: accounts × regions, one JSON-lines file per account, region
// and hour, like CloudTrail's S3 delivery (one object per account, region and a few
// minutes).
var (
	accounts = []string{"111122223333", "222233334444", "333344445555", "444455556666",
		"555566667777", "666677778888", "777788889999", "888899990000"}
	regions = []string{"us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2"}
	agents  = []string{"aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64",
		"Boto3/1.34.0 md/Botocore#1.34.0 ua/2.0 os/linux#6.1 md/arch#x86_64 lang/python#3.11.6",
		"console.amazonaws.com", "aws-sdk-go-v2/1.24.0 os/linux lang/go#1.21.5 md/GOOS#linux",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15"}
)

// call is an API call of the mix, with its weight in thousandths.
type call struct {
	source, name string
	weight       int
	readOnly     bool
}

var calls = []call{
	{"s3.amazonaws.com", "GetObject", 220, true}, {"s3.amazonaws.com", "PutObject", 90, false},
	{"s3.amazonaws.com", "ListBuckets", 40, true}, {"s3.amazonaws.com", "GetBucketPolicy", 30, true},
	{"ec2.amazonaws.com", "DescribeInstances", 110, true}, {"ec2.amazonaws.com", "DescribeSecurityGroups", 50, true},
	{"ec2.amazonaws.com", "RunInstances", 10, false}, {"sts.amazonaws.com", "AssumeRole", 120, true},
	{"sts.amazonaws.com", "GetCallerIdentity", 40, true}, {"kms.amazonaws.com", "Decrypt", 90, true},
	{"kms.amazonaws.com", "GenerateDataKey", 50, true}, {"kms.amazonaws.com", "CreateKey", 2, false},
	{"iam.amazonaws.com", "ListUsers", 20, true}, {"iam.amazonaws.com", "GetUser", 20, true},
	{"iam.amazonaws.com", "CreateAccessKey", 3, false}, {"signin.amazonaws.com", "ConsoleLogin", 15, false},
	{"secretsmanager.amazonaws.com", "GetSecretValue", 30, true}, {"ssm.amazonaws.com", "GetParameter", 40, true},
	{"lambda.amazonaws.com", "Invoke", 20, false},
}

// generate writes n events dated day into dir, and returns the files and their size.
func generate(dir string, n int, day time.Time, seed uint64) ([]string, int64, error) {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	total := 0
	for _, c := range calls {
		total += c.weight
	}
	perFile := n / (len(accounts) * len(regions) * 24)
	var files []string
	var size int64
	left := n
	for _, acct := range accounts {
		for _, region := range regions {
			for h := range 24 {
				k := perFile
				if len(files) == len(accounts)*len(regions)*24-1 {
					k = left
				}
				left -= k
				p := filepath.Join(dir, fmt.Sprintf("%s_CloudTrail_%s_%sT%02d00Z.ndjson", acct, region, day.Format("20060102"), h))
				sz, err := writeFile(p, r, k, acct, region, day.Add(time.Duration(h)*time.Hour), total)
				if err != nil {
					return nil, 0, err
				}
				files = append(files, p)
				size += sz
			}
		}
	}
	return files, size, nil
}

func writeFile(p string, r *rand.Rand, n int, acct, region string, hour time.Time, total int) (int64, error) {
	f, err := os.Create(p)
	if err != nil {
		return 0, err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	ts := make([]int64, n)
	for i := range ts {
		ts[i] = hour.UnixNano() + r.Int64N(int64(time.Hour))
	}
	slices.Sort(ts)
	var b []byte
	var size int64
	for _, t := range ts {
		b = appendEvent(b[:0], r, acct, region, t, total)
		b = append(b, '\n')
		size += int64(len(b))
		if _, err := w.Write(b); err != nil {
			f.Close()
			return 0, err
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return 0, err
	}
	return size, f.Close()
}

func pickCall(r *rand.Rand, total int) call {
	x := r.IntN(total)
	for _, c := range calls {
		if x < c.weight {
			return c
		}
		x -= c.weight
	}
	return calls[0]
}

func hexID(r *rand.Rand, n int) string {
	const hex = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = hex[r.IntN(16)]
	}
	return string(b)
}

func uuid(r *rand.Rand) string {
	h := hexID(r, 32)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// appendEvent appends one CloudTrail event: about 1.1 KB, with the errors, logins and
// keys the tutorial queries look for at realistic rates.
func appendEvent(b []byte, r *rand.Rand, acct, region string, t int64, total int) []byte {
	c := pickCall(r, total)
	user := fmt.Sprintf("user%03d", r.IntN(300))
	role := r.IntN(4) == 0
	q := strconv.Quote
	b = append(b, `{"eventVersion":"1.09","userIdentity":{`...)
	if role {
		b = fmt.Appendf(b, `"type":"AssumedRole","principalId":"AROA%s:%s","arn":"arn:aws:sts::%s:assumed-role/app-role-%d/%s","accountId":%q,"accessKeyId":"ASIA%s","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROA%s","arn":"arn:aws:iam::%s:role/app-role-%d","accountId":%q,"userName":"app-role-%d"},"attributes":{"creationDate":%q,"mfaAuthenticated":"false"}}`,
			hexID(r, 16), user, acct, r.IntN(20), user, acct, hexID(r, 16), hexID(r, 16), acct, r.IntN(20), acct, r.IntN(20),
			time.Unix(0, t-int64(r.IntN(3600))*1e9).UTC().Format(time.RFC3339))
	} else {
		b = fmt.Appendf(b, `"type":"IAMUser","principalId":"AIDA%s","arn":"arn:aws:iam::%s:user/%s","accountId":%q,"accessKeyId":"AKIA%s","userName":%q`,
			hexID(r, 16), acct, user, acct, hexID(r, 16), user)
	}
	b = fmt.Appendf(b, `},"eventTime":%q,"eventSource":%q,"eventName":%q,"awsRegion":%q,"sourceIPAddress":"%d.%d.%d.%d","userAgent":%s`,
		time.Unix(0, t).UTC().Format("2006-01-02T15:04:05Z"), c.source, c.name, region,
		10+r.IntN(200), r.IntN(256), r.IntN(256), 1+r.IntN(254), q(agents[r.IntN(len(agents))]))
	x := r.IntN(1000)
	switch {
	case c.name == "ConsoleLogin":
		failed := x < 200
		mfa := "No"
		if r.IntN(2) == 0 {
			mfa = "Yes"
		}
		if failed {
			b = append(b, `,"errorMessage":"Failed authentication","requestParameters":null,"responseElements":{"ConsoleLogin":"Failure"}`...)
		} else {
			b = append(b, `,"requestParameters":null,"responseElements":{"ConsoleLogin":"Success"}`...)
		}
		b = fmt.Appendf(b, `,"additionalEventData":{"LoginTo":"https://console.aws.amazon.com/console/home","MobileVersion":"No","MFAUsed":%q}`, mfa)
	case c.source == "ec2.amazonaws.com" && x < 15:
		b = append(b, `,"errorCode":"Client.RequestLimitExceeded","errorMessage":"Request limit exceeded.","requestParameters":{"maxResults":1000},"responseElements":null`...)
	case c.source == "ec2.amazonaws.com" && x < 30:
		b = append(b, `,"errorCode":"UnauthorizedOperation","errorMessage":"You are not authorized to perform this operation.","requestParameters":{"maxResults":1000},"responseElements":null`...)
	case x < 30:
		b = fmt.Appendf(b, `,"errorCode":"AccessDenied","errorMessage":"User: arn:aws:iam::%s:user/%s is not authorized to perform: %s","requestParameters":null,"responseElements":null`, acct, user, c.name)
	case c.name == "CreateKey":
		origin := "AWS_KMS"
		if x < 300 {
			origin = "EXTERNAL"
		}
		id := uuid(r)
		b = fmt.Appendf(b, `,"requestParameters":{"keyUsage":"ENCRYPT_DECRYPT","origin":%q,"keySpec":"SYMMETRIC_DEFAULT"},"responseElements":{"keyMetadata":{"AWSAccountId":%q,"keyId":%q,"arn":"arn:aws:kms:%s:%s:key/%s","keyUsage":"ENCRYPT_DECRYPT","keyState":"Enabled","origin":%q}}`,
			origin, acct, id, region, acct, id, origin)
	case c.source == "s3.amazonaws.com":
		b = fmt.Appendf(b, `,"requestParameters":{"bucketName":"data-%s-%d","Host":"data-%s-%d.s3.%s.amazonaws.com","key":"logs/%s/part-%05d.parquet"},"responseElements":null,"additionalEventData":{"bytesTransferredIn":0,"bytesTransferredOut":%d,"x-amz-id-2":%q}`,
			acct, r.IntN(12), acct, r.IntN(12), region, hexID(r, 8), r.IntN(100000), r.IntN(1<<20), hexID(r, 40))
	default:
		b = append(b, `,"requestParameters":null,"responseElements":null`...)
	}
	eventType := "AwsApiCall"
	if c.name == "ConsoleLogin" {
		eventType = "AwsConsoleSignIn"
	}
	b = fmt.Appendf(b, `,"requestID":%q,"eventID":%q,"readOnly":%t,"eventType":%q,"managementEvent":true,"recipientAccountId":%q,"eventCategory":"Management","tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"%s.%s.amazonaws.com"}}`,
		uuid(r), uuid(r), c.readOnly, eventType, acct, c.source[:len(c.source)-len(".amazonaws.com")], region)
	return b
}

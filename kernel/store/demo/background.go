package demo

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// noise is one kind of everyday activity with its relative frequency.
type noise struct {
	weight int
	make   func(r *rand.Rand, c *cast, at time.Time) call
}

var homeRegions = []string{"us-east-1", "us-east-1", "us-east-1", "us-west-2", "eu-west-1", "eu-central-1"}

func homeRegion(r *rand.Rand) string { return homeRegions[r.IntN(len(homeRegions))] }

func pick(r *rand.Rand, as []*actor) *actor { return as[r.IntN(len(as))] }

// background lists the benign calls that make up most of a trail: services decrypting
// with KMS, instances reporting to SSM, people browsing the console, CI deploying.
var background = []noise{
	{14, func(r *rand.Rand, c *cast, at time.Time) call {
		return call{at: at, who: c.lambdaRole, source: "kms.amazonaws.com", name: "Decrypt", region: "us-east-1", readOnly: true,
			req: func(w *jsonw) {
				w.str("encryptionAlgorithm", "SYMMETRIC_DEFAULT")
				w.obj("encryptionContext")
				w.str("aws:lambda:FunctionArn", "arn:aws:lambda:us-east-1:"+acctProd+":function:orders-api")
				w.end()
			}}
	}},
	{10, func(r *rand.Rand, c *cast, at time.Time) call {
		return call{at: at, who: c.ssmRole, source: "ssm.amazonaws.com", name: "UpdateInstanceInformation", region: "us-east-1",
			req: func(w *jsonw) {
				w.str("instanceId", c.ssmRole.session)
				w.str("agentVersion", "3.3.131.0")
				w.str("agentStatus", "Active")
				w.str("platformType", "Linux")
				w.str("platformName", "Amazon Linux")
				w.str("platformVersion", "2023")
			}}
	}},
	{9, func(r *rand.Rand, c *cast, at time.Time) call {
		svc := []string{"lambda.amazonaws.com", "ec2.amazonaws.com", "ecs-tasks.amazonaws.com"}[r.IntN(3)]
		roleName := map[string]string{"lambda.amazonaws.com": "orders-api-lambda-role", "ec2.amazonaws.com": "web-app-instance-role", "ecs-tasks.amazonaws.com": "ecs-task-execution"}[svc]
		return call{at: at, who: service(acctProd, svc), source: "sts.amazonaws.com", name: "AssumeRole", region: homeRegion(r),
			req: func(w *jsonw) {
				w.str("roleArn", "arn:aws:iam::"+acctProd+":role/"+roleName)
				w.str("roleSessionName", fmt.Sprintf("%x", r.Uint32()))
			},
			resp: func(w *jsonw) {
				w.obj("credentials")
				w.str("accessKeyId", idFor("ASIA", fmt.Sprint(at.Unix()), 20))
				w.str("sessionToken", "IQoJb3JpZ2luX2VjEXAMPLE")
				w.str("expiration", at.Add(time.Hour).UTC().Format("Jan 2, 2006, 3:04:05 PM"))
				w.end()
			}}
	}},
	{8, func(r *rand.Rand, c *cast, at time.Time) call {
		a := pick(r, []*actor{c.appRole, c.ciDeployer, c.auditRole, pick(r, c.people)})
		return call{at: at, who: a, source: "ec2.amazonaws.com", name: "DescribeInstances", region: homeRegion(r), readOnly: true,
			req: func(w *jsonw) {
				w.obj("instancesSet")
				w.end()
				w.obj("filterSet")
				w.end()
			}}
	}},
	{6, func(r *rand.Rand, c *cast, at time.Time) call {
		return call{at: at, who: c.appRole, source: "secretsmanager.amazonaws.com", name: "GetSecretValue", region: "us-east-1", readOnly: true,
			req: func(w *jsonw) {
				w.str("secretId", "arn:aws:secretsmanager:us-east-1:"+acctProd+":secret:prod/db/orders-"+idFor("", "prod/db/orders", 6))
			}}
	}},
	{6, func(r *rand.Rand, c *cast, at time.Time) call {
		return call{at: at, who: c.appRole, source: "ssm.amazonaws.com", name: "GetParameter", region: "us-east-1", readOnly: true,
			req: func(w *jsonw) {
				w.str("name", "/prod/app/feature-flags")
				w.boolean("withDecryption", false)
			}}
	}},
	{6, func(r *rand.Rand, c *cast, at time.Time) call {
		a := pick(r, []*actor{c.appRole, c.ciDeployer, c.terraform, c.auditRole, c.devUser})
		return call{at: at, who: a, source: "sts.amazonaws.com", name: "GetCallerIdentity", region: homeRegion(r), readOnly: true}
	}},
	{5, func(r *rand.Rand, c *cast, at time.Time) call {
		a := pick(r, []*actor{c.auditRole, c.terraform, pick(r, c.people)})
		return call{at: at, who: a, source: "s3.amazonaws.com", name: "ListBuckets", region: "us-east-1", readOnly: true,
			req: func(w *jsonw) { w.str("Host", "s3.amazonaws.com") }}
	}},
	{5, func(r *rand.Rand, c *cast, at time.Time) call {
		bucket := []string{"acme-prod-assets", "acme-prod-logs", "acme-terraform-state", "acme-prod-customer-exports"}[r.IntN(4)]
		name := []string{"GetBucketLocation", "GetBucketAcl", "GetBucketVersioning", "GetBucketPolicy"}[r.IntN(4)]
		cl := call{at: at, who: pick(r, []*actor{c.auditRole, c.terraform}), source: "s3.amazonaws.com", name: name, region: "us-east-1", readOnly: true,
			req: func(w *jsonw) {
				w.str("bucketName", bucket)
				w.str("Host", bucket+".s3.amazonaws.com")
				w.str(map[string]string{"GetBucketLocation": "location", "GetBucketAcl": "acl", "GetBucketVersioning": "versioning", "GetBucketPolicy": "policy"}[name], "")
			}}
		if name == "GetBucketPolicy" && bucket != "acme-prod-customer-exports" {
			cl.errCode, cl.errMsg = "NoSuchBucketPolicy", "The bucket policy does not exist"
		}
		return cl
	}},
	{4, func(r *rand.Rand, c *cast, at time.Time) call {
		a := pick(r, c.people)
		return consoleLogin(at, a, true)
	}},
	{4, func(r *rand.Rand, c *cast, at time.Time) call {
		a := pick(r, c.people)
		name := []string{"ListRoles", "GetRole", "ListAttachedRolePolicies", "ListUsers", "GetUser", "ListPolicies"}[r.IntN(6)]
		return call{at: at, who: as(a, "", uaConsole), source: "iam.amazonaws.com", name: name, region: "us-east-1", readOnly: true,
			ip: a.ip,
			req: func(w *jsonw) {
				if name == "GetRole" || name == "ListAttachedRolePolicies" {
					w.str("roleName", "ci-deployer")
				} else {
					w.num("maxItems", 100)
				}
			}}
	}},
	{4, func(r *rand.Rand, c *cast, at time.Time) call {
		name := []string{"LookupEvents", "DescribeTrails", "GetTrailStatus", "GetEventSelectors"}[r.IntN(4)]
		return call{at: at, who: c.auditRole, source: "cloudtrail.amazonaws.com", name: name, region: homeRegion(r), readOnly: true,
			req: func(w *jsonw) {
				if name == "LookupEvents" {
					w.num("maxResults", 50)
				} else {
					w.str("name", "arn:aws:cloudtrail:us-east-1:"+acctProd+":trail/org-trail")
				}
			}}
	}},
	{3, func(r *rand.Rand, c *cast, at time.Time) call {
		name := []string{"ListDetectors", "GetFindings", "ListFindings", "GetDetector"}[r.IntN(4)]
		return call{at: at, who: c.auditRole, source: "guardduty.amazonaws.com", name: name, region: homeRegion(r), readOnly: true,
			req: func(w *jsonw) {
				if name != "ListDetectors" {
					w.str("detectorId", "6ab8b2fba1e54c3a2e7f1c1e2b3a4d5c")
				}
			}}
	}},
	{3, func(r *rand.Rand, c *cast, at time.Time) call {
		name := []string{"ListFunctions20150331", "GetFunction20150331v2", "UpdateFunctionCode20150331v2", "GetFunctionConfiguration20150331v2"}[r.IntN(4)]
		return call{at: at, who: c.ciDeployer, source: "lambda.amazonaws.com", name: name, region: "us-east-1", readOnly: name != "UpdateFunctionCode20150331v2",
			req: func(w *jsonw) {
				if name != "ListFunctions20150331" {
					w.str("functionName", "orders-api")
				}
			}}
	}},
	{3, func(r *rand.Rand, c *cast, at time.Time) call {
		name := []string{"GenerateDataKey", "Encrypt", "DescribeKey"}[r.IntN(3)]
		return call{at: at, who: c.appRole, source: "kms.amazonaws.com", name: name, region: "us-east-1", readOnly: name == "DescribeKey",
			req: func(w *jsonw) {
				w.str("keyId", "alias/orders-data")
				if name == "GenerateDataKey" {
					w.str("keySpec", "AES_256")
				}
			}}
	}},
	{3, func(r *rand.Rand, c *cast, at time.Time) call {
		name := []string{"DescribeSecurityGroups", "DescribeVpcs", "DescribeSubnets", "DescribeVolumes", "CreateTags"}[r.IntN(5)]
		return call{at: at, who: c.terraform, source: "ec2.amazonaws.com", name: name, region: homeRegion(r), readOnly: name != "CreateTags",
			req: func(w *jsonw) {
				if name == "CreateTags" {
					w.obj("resourcesSet")
					w.arr("items")
					w.elemObj()
					w.str("resourceId", fmt.Sprintf("i-0%016x", r.Uint64()))
					w.end()
					w.end()
					w.end()
				} else {
					w.obj("filterSet")
					w.end()
				}
			}}
	}},
	{1, func(r *rand.Rand, c *cast, at time.Time) call {
		a := pick(r, []*actor{c.ciDeployer, c.terraform})
		cl := call{at: at, who: a, source: "ssm.amazonaws.com", name: "GetParametersByPath", region: "us-east-1", readOnly: true,
			req: func(w *jsonw) {
				w.str("path", "/prod/app/")
				w.boolean("recursive", true)
			}}
		if r.IntN(4) == 0 {
			cl.errCode, cl.errMsg = "ThrottlingException", "Rate exceeded"
		}
		return cl
	}},
	{1, func(r *rand.Rand, c *cast, at time.Time) call {
		return call{at: at, who: c.devUser, source: "iam.amazonaws.com", name: "GetUser", region: "us-east-1", readOnly: true,
			errCode: "NoSuchEntity", errMsg: "The user with name jenkins cannot be found.",
			req: func(w *jsonw) { w.str("userName", "jenkins") }}
	}},
}

var backgroundTotal = func() int {
	n := 0
	for _, b := range background {
		n += b.weight
	}
	return n
}()

func backgroundCall(r *rand.Rand, c *cast, at time.Time) call {
	x := r.IntN(backgroundTotal)
	for _, b := range background {
		if x < b.weight {
			return b.make(r, c, at)
		}
		x -= b.weight
	}
	panic("BUG: background weights")
}

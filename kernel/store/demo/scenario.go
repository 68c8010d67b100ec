package demo

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// plan collects the signal events of the demo: the attack of the last half hour and
// older, smaller incidents spread over the week.
type plan struct {
	r     *rand.Rand
	c     *cast
	calls []call
}

func (p *plan) add(c call) { p.calls = append(p.calls, c) }

// jitter returns d plus up to a quarter of d at random, so bursts do not tick evenly.
func (p *plan) jitter(d time.Duration) time.Duration {
	return d + time.Duration(p.r.Int64N(int64(d)/4+1))
}

func as(a *actor, ip, ua string) *actor {
	c := *a
	if ip != "" {
		c.ip = ip
	}
	if ua != "" {
		c.ua = ua
	}
	return &c
}

func loginTo(w *jsonw) {
	w.str("LoginTo", "https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true&state=hashArgsFromTB_us-east-1_c885b81ed0514ab4")
}

// consoleLogin is a ConsoleLogin event: CloudTrail writes failures without an
// errorCode, with errorMessage "Failed authentication" and responseElements.ConsoleLogin
// "Failure".
func consoleLogin(at time.Time, a *actor, ok bool) call {
	mfa := "No"
	if a.mfa {
		mfa = "Yes"
	}
	c := call{at: at, who: a, source: "signin.amazonaws.com", name: "ConsoleLogin", region: "us-east-1", console: true,
		add: func(w *jsonw) {
			loginTo(w)
			w.str("MobileVersion", "No")
			w.str("MFAUsed", mfa)
		}}
	if ok {
		c.resp = func(w *jsonw) { w.str("ConsoleLogin", "Success") }
	} else {
		c.errMsg = "Failed authentication"
		c.resp = func(w *jsonw) { w.str("ConsoleLogin", "Failure") }
	}
	return c
}

// spray: many failed console logins for several user names from one or two
// addresses, without MFA (tutorial 10/11).
func (p *plan) spray(t0 time.Time, n int, ips []string) time.Time {
	t := t0
	for i := 0; i < n; i++ {
		name := p.c.sprayNames[i%len(p.c.sprayNames)]
		ip := ips[i%len(ips)]
		var a *actor
		if k := p.c.known(name); k != nil {
			a = as(k, ip, "python-requests/2.31.0")
			a.mfa = false
		} else {
			a = &actor{kind: idIAMUser, account: acctProd, name: "HIDDEN_DUE_TO_SECURITY_REASONS", ip: ip, ua: "python-requests/2.31.0"}
		}
		p.add(consoleLogin(t, a, false))
		t = t.Add(p.jitter(4 * time.Second))
	}
	return t
}

// denied: one principal retries calls it is not allowed to make, across services
// (tutorial 20/21).
func (p *plan) denied(t0 time.Time, a *actor, region string, rounds int) time.Time {
	type api struct{ source, name, code, action string }
	apis := []api{
		{"iam.amazonaws.com", "ListUsers", "AccessDenied", "iam:ListUsers"},
		{"iam.amazonaws.com", "ListRoles", "AccessDenied", "iam:ListRoles"},
		{"iam.amazonaws.com", "GetAccountAuthorizationDetails", "AccessDenied", "iam:GetAccountAuthorizationDetails"},
		{"s3.amazonaws.com", "ListBuckets", "AccessDenied", "s3:ListAllMyBuckets"},
		{"ec2.amazonaws.com", "DescribeInstances", "UnauthorizedOperation", "ec2:DescribeInstances"},
		{"ec2.amazonaws.com", "DescribeSecurityGroups", "Client.UnauthorizedOperation", "ec2:DescribeSecurityGroups"},
		{"ec2.amazonaws.com", "DescribeVpcs", "UnauthorizedOperation", "ec2:DescribeVpcs"},
		{"secretsmanager.amazonaws.com", "ListSecrets", "AccessDeniedException", "secretsmanager:ListSecrets"},
		{"lambda.amazonaws.com", "ListFunctions20150331", "AccessDeniedException", "lambda:ListFunctions"},
		{"cloudtrail.amazonaws.com", "DescribeTrails", "AccessDenied", "cloudtrail:DescribeTrails"},
	}
	t := t0
	for round := 0; round < rounds; round++ {
		for _, x := range apis {
			if round > 0 && p.r.IntN(3) == 0 {
				continue
			}
			msg := fmt.Sprintf("User: %s is not authorized to perform: %s because no identity-based policy allows the %s action", a.arn(), x.action, x.action)
			if x.source == "ec2.amazonaws.com" {
				msg = "You are not authorized to perform this operation. " + msg
			}
			p.add(call{at: t, who: a, source: x.source, name: x.name, region: region, errCode: x.code, errMsg: msg, readOnly: true,
				req: func(w *jsonw) {
					if x.name == "ListBuckets" {
						w.str("Host", "s3.amazonaws.com")
					} else {
						w.num("maxResults", 100)
					}
				}})
			t = t.Add(p.jitter(3 * time.Second))
		}
	}
	return t
}

var regionsAll = []string{"us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2", "eu-central-1", "eu-north-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "ap-south-1", "ca-central-1", "sa-east-1"}

// throttle: a burst of EC2 describe calls across regions, most rejected with
// Client.RequestLimitExceeded (tutorial 30).
func (p *plan) throttle(t0 time.Time, a *actor, n int) time.Time {
	names := []string{"DescribeInstances", "DescribeSecurityGroups", "DescribeVolumes", "DescribeSnapshots", "DescribeNetworkInterfaces"}
	t := t0
	for i := 0; i < n; i++ {
		c := call{at: t, who: a, source: "ec2.amazonaws.com", name: names[p.r.IntN(len(names))], region: regionsAll[p.r.IntN(len(regionsAll))], readOnly: true,
			req: func(w *jsonw) {
				w.obj("filterSet")
				w.end()
				w.num("maxResults", 1000)
			}}
		if p.r.IntN(10) < 7 {
			c.errCode, c.errMsg = "Client.RequestLimitExceeded", "Request limit exceeded."
		} else {
			c.resp = func(w *jsonw) { w.str("requestId", "") }
		}
		p.add(c)
		t = t.Add(p.jitter(1500 * time.Millisecond))
	}
	return t
}

// createKey: kms CreateKey with the given origin; EXTERNAL keys are followed by
// GetParametersForImport and ImportKeyMaterial (tutorial 40).
func (p *plan) createKey(t time.Time, a *actor, region, origin, desc string) time.Time {
	keyID := uuid(p.r)
	keyARN := "arn:aws:kms:" + region + ":" + a.account + ":key/" + keyID
	state := "Enabled"
	if origin == "EXTERNAL" {
		state = "PendingImport"
	}
	p.add(call{at: t, who: a, source: "kms.amazonaws.com", name: "CreateKey", region: region,
		req: func(w *jsonw) {
			w.str("description", desc)
			w.str("keyUsage", "ENCRYPT_DECRYPT")
			w.str("keySpec", "SYMMETRIC_DEFAULT")
			w.str("origin", origin)
			w.boolean("bypassPolicyLockoutSafetyCheck", false)
			w.boolean("multiRegion", false)
		},
		resp: func(w *jsonw) {
			w.obj("keyMetadata")
			w.str("aWSAccountId", a.account)
			w.str("keyId", keyID)
			w.str("arn", keyARN)
			w.str("creationDate", t.UTC().Format("Jan 2, 2006, 3:04:05 PM"))
			w.boolean("enabled", origin != "EXTERNAL")
			w.str("description", desc)
			w.str("keyUsage", "ENCRYPT_DECRYPT")
			w.str("keyState", state)
			w.str("origin", origin)
			w.str("keyManager", "CUSTOMER")
			w.str("customerMasterKeySpec", "SYMMETRIC_DEFAULT")
			w.str("keySpec", "SYMMETRIC_DEFAULT")
			w.arr("encryptionAlgorithms")
			w.elemStr("SYMMETRIC_DEFAULT")
			w.end()
			w.boolean("multiRegion", false)
			w.end()
		}})
	t = t.Add(p.jitter(20 * time.Second))
	if origin != "EXTERNAL" {
		return t
	}
	p.add(call{at: t, who: a, source: "kms.amazonaws.com", name: "GetParametersForImport", region: region,
		req: func(w *jsonw) {
			w.str("keyId", keyID)
			w.str("wrappingAlgorithm", "RSAES_OAEP_SHA_256")
			w.str("wrappingKeySpec", "RSA_2048")
		},
		resp: func(w *jsonw) { w.str("keyId", keyARN) }})
	t = t.Add(p.jitter(40 * time.Second))
	p.add(call{at: t, who: a, source: "kms.amazonaws.com", name: "ImportKeyMaterial", region: region,
		req: func(w *jsonw) {
			w.str("keyId", keyID)
			w.str("expirationModel", "KEY_MATERIAL_DOES_NOT_EXPIRE")
		}})
	return t.Add(p.jitter(20 * time.Second))
}

// roleEnum: AssumeRole tried on guessed role names, nearly all denied.
func (p *plan) roleEnum(t0 time.Time, a *actor) time.Time {
	roles := []string{"admin", "Administrator", "OrganizationAccountAccessRole", "AWSControlTowerExecution", "devops", "jenkins", "terraform", "ci-deployer", "readonly", "SecurityAudit", "backup", "poweruser"}
	t := t0
	for _, rn := range roles {
		roleARN := "arn:aws:iam::" + acctProd + ":role/" + rn
		// CloudTrail keeps no requestParameters for a denied AssumeRole: the role is
		// named only in the error message.
		c := call{at: t, who: a, source: "sts.amazonaws.com", name: "AssumeRole", region: "us-east-1"}
		c.errCode = "AccessDenied"
		c.errMsg = fmt.Sprintf("User: %s is not authorized to perform: sts:AssumeRole on resource: %s", a.arn(), roleARN)
		p.add(c)
		t = t.Add(p.jitter(2 * time.Second))
	}
	return t
}

// unusualRegion: compute and key pairs created in regions the organisation never
// uses.
func (p *plan) unusualRegion(t0 time.Time, a *actor) time.Time {
	t := t0
	for _, region := range []string{"ap-east-1", "me-south-1"} {
		p.add(call{at: t, who: a, source: "ec2.amazonaws.com", name: "DescribeRegions", region: region, readOnly: true,
			req: func(w *jsonw) { w.obj("regionSet"); w.end() }, resp: func(w *jsonw) { w.str("requestId", uuid(p.r)) }})
		t = t.Add(p.jitter(5 * time.Second))
		p.add(call{at: t, who: a, source: "ec2.amazonaws.com", name: "ImportKeyPair", region: region,
			req: func(w *jsonw) { w.str("keyName", "ops-recovery") }})
		t = t.Add(p.jitter(8 * time.Second))
		instanceID := fmt.Sprintf("i-0%016x", p.r.Uint64())
		p.add(call{at: t, who: a, source: "ec2.amazonaws.com", name: "RunInstances", region: region,
			req: func(w *jsonw) {
				w.obj("instancesSet")
				w.arr("items")
				w.elemObj()
				w.str("imageId", "ami-0c2b8ca1dad447f8a")
				w.num("minCount", 8)
				w.num("maxCount", 8)
				w.str("keyName", "ops-recovery")
				w.end()
				w.end()
				w.end()
				w.str("instanceType", "c5.24xlarge")
			},
			resp: func(w *jsonw) {
				w.str("requestId", uuid(p.r))
				w.str("reservationId", fmt.Sprintf("r-0%016x", p.r.Uint64()))
				w.obj("instancesSet")
				w.arr("items")
				w.elemObj()
				w.str("instanceId", instanceID)
				w.str("instanceType", "c5.24xlarge")
				w.end()
				w.end()
				w.end()
			}})
		t = t.Add(p.jitter(20 * time.Second))
	}
	return t
}

// secrets: reads of many secrets and decrypted parameters by one principal.
func (p *plan) secrets(t0 time.Time, a *actor, region string, n int) time.Time {
	names := []string{"prod/db/orders", "prod/db/payments", "prod/stripe/api-key", "prod/github/deploy-token", "prod/datadog/api-key", "prod/smtp/password", "prod/jwt/signing-key", "prod/redis/auth"}
	t := t0
	for i := 0; i < n; i++ {
		name := names[i%len(names)]
		id := "arn:aws:secretsmanager:" + region + ":" + a.account + ":secret:" + name + "-" + idFor("", name, 6)
		p.add(call{at: t, who: a, source: "secretsmanager.amazonaws.com", name: "GetSecretValue", region: region, readOnly: true,
			req: func(w *jsonw) { w.str("secretId", id) }})
		t = t.Add(p.jitter(3 * time.Second))
	}
	params := []string{"/prod/app/db-password", "/prod/app/api-token", "/prod/ci/npm-token"}
	p.add(call{at: t, who: a, source: "ssm.amazonaws.com", name: "GetParameters", region: region, readOnly: true,
		req: func(w *jsonw) {
			w.arr("names")
			for _, n := range params {
				w.elemStr(n)
			}
			w.end()
			w.boolean("withDecryption", true)
		}})
	t = t.Add(p.jitter(4 * time.Second))
	for _, n := range params {
		p.add(call{at: t, who: a, source: "ssm.amazonaws.com", name: "GetParameter", region: region, readOnly: true,
			req: func(w *jsonw) { w.str("name", n); w.boolean("withDecryption", true) }})
		t = t.Add(p.jitter(2 * time.Second))
	}
	return t
}

// persistence: a new IAM user with an access key, admin rights and a console password.
func (p *plan) persistence(t0 time.Time, a *actor, newUser string) time.Time {
	t := t0
	step := func(name string, req func(w *jsonw), resp func(w *jsonw)) {
		p.add(call{at: t, who: a, source: "iam.amazonaws.com", name: name, region: "us-east-1", req: req, resp: resp})
		t = t.Add(p.jitter(15 * time.Second))
	}
	step("CreateUser", func(w *jsonw) { w.str("userName", newUser) }, func(w *jsonw) {
		w.obj("user")
		w.str("path", "/")
		w.str("userName", newUser)
		w.str("userId", idFor("AIDA", newUser, 21))
		w.str("arn", "arn:aws:iam::"+a.account+":user/"+newUser)
		w.str("createDate", t.UTC().Format("Jan 2, 2006, 3:04:05 PM"))
		w.end()
	})
	step("CreateAccessKey", func(w *jsonw) { w.str("userName", newUser) }, func(w *jsonw) {
		w.obj("accessKey")
		w.str("userName", newUser)
		w.str("accessKeyId", idFor("AKIA", "new"+newUser, 20))
		w.str("status", "Active")
		w.str("createDate", t.UTC().Format("Jan 2, 2006, 3:04:05 PM"))
		w.end()
	})
	step("AttachUserPolicy", func(w *jsonw) {
		w.str("userName", newUser)
		w.str("policyArn", "arn:aws:iam::aws:policy/AdministratorAccess")
	}, nil)
	step("CreateLoginProfile", func(w *jsonw) {
		w.str("userName", newUser)
		w.boolean("passwordResetRequired", false)
	}, func(w *jsonw) {
		w.obj("loginProfile")
		w.str("userName", newUser)
		w.str("createDate", t.UTC().Format("Jan 2, 2006, 3:04:05 PM"))
		w.boolean("passwordResetRequired", false)
		w.end()
	})
	return t
}

// evasion: trail and detector switched off.
func (p *plan) evasion(t0 time.Time, a *actor) time.Time {
	trail := "arn:aws:cloudtrail:us-east-1:" + a.account + ":trail/org-trail"
	t := t0
	p.add(call{at: t, who: a, source: "cloudtrail.amazonaws.com", name: "PutEventSelectors", region: "us-east-1",
		req: func(w *jsonw) {
			w.str("trailName", "org-trail")
			w.arr("eventSelectors")
			w.elemObj()
			w.str("readWriteType", "ReadOnly")
			w.boolean("includeManagementEvents", false)
			w.arr("dataResources")
			w.end()
			w.end()
			w.end()
		},
		resp: func(w *jsonw) { w.str("trailARN", trail) }})
	t = t.Add(p.jitter(20 * time.Second))
	p.add(call{at: t, who: a, source: "cloudtrail.amazonaws.com", name: "StopLogging", region: "us-east-1",
		req: func(w *jsonw) { w.str("name", trail) }})
	t = t.Add(p.jitter(15 * time.Second))
	detector := fmt.Sprintf("%032x", p.r.Uint64())
	p.add(call{at: t, who: a, source: "guardduty.amazonaws.com", name: "DeleteDetector", region: "us-east-1",
		req: func(w *jsonw) { w.str("detectorId", detector[:32]) }})
	t = t.Add(p.jitter(15 * time.Second))
	p.add(call{at: t, who: a, source: "cloudtrail.amazonaws.com", name: "DeleteTrail", region: "us-east-1",
		req: func(w *jsonw) { w.str("name", trail) }})
	return t.Add(p.jitter(10 * time.Second))
}

// openSG: SSH and RDP opened to the world, IPv4 and IPv6.
func (p *plan) openSG(t0 time.Time, a *actor, region string) time.Time {
	t := t0
	group := fmt.Sprintf("sg-0%016x", p.r.Uint64())
	for _, port := range []int64{22, 3389} {
		p.add(call{at: t, who: a, source: "ec2.amazonaws.com", name: "AuthorizeSecurityGroupIngress", region: region,
			req: func(w *jsonw) { ingress(w, group, port, "0.0.0.0/0", "::/0", "") },
			resp: func(w *jsonw) {
				w.str("requestId", uuid(p.r))
				w.boolean("_return", true)
			}})
		t = t.Add(p.jitter(10 * time.Second))
	}
	return t
}

// publicBucket: a bucket policy for Principal "*", a public-read ACL and the bucket's
// public access block removed.
func (p *plan) publicBucket(t0 time.Time, a *actor, bucket string) time.Time {
	t := t0
	host := bucket + ".s3.amazonaws.com"
	p.add(call{at: t, who: a, source: "s3.amazonaws.com", name: "DeleteBucketPublicAccessBlock", region: "us-east-1",
		req: func(w *jsonw) {
			w.str("bucketName", bucket)
			w.str("Host", host)
			w.str("publicAccessBlock", "")
		}})
	t = t.Add(p.jitter(12 * time.Second))
	p.add(call{at: t, who: a, source: "s3.amazonaws.com", name: "PutBucketPolicy", region: "us-east-1",
		req: func(w *jsonw) {
			w.str("bucketName", bucket)
			w.str("Host", host)
			w.obj("bucketPolicy")
			w.str("Version", "2012-10-17")
			w.arr("Statement")
			w.elemObj()
			w.str("Sid", "PublicRead")
			w.str("Effect", "Allow")
			w.str("Principal", "*")
			w.str("Action", "s3:GetObject")
			w.str("Resource", "arn:aws:s3:::"+bucket+"/*")
			w.end()
			w.end()
			w.end()
			w.arr("policy")
			w.elemStr("")
			w.end()
		}})
	t = t.Add(p.jitter(12 * time.Second))
	p.add(call{at: t, who: a, source: "s3.amazonaws.com", name: "PutBucketAcl", region: "us-east-1",
		req: func(w *jsonw) {
			w.str("bucketName", bucket)
			w.str("Host", host)
			w.obj("AccessControlPolicy")
			w.obj("AccessControlList")
			w.obj("Grant")
			w.obj("Grantee")
			w.str("xsi:type", "Group")
			w.str("URI", "http://acs.amazonaws.com/groups/global/AllUsers")
			w.end()
			w.str("Permission", "READ")
			w.end()
			w.end()
			w.end()
			w.str("acl", "")
		}})
	return t.Add(p.jitter(10 * time.Second))
}

// rootUse: the root user signs in without MFA and creates an access key.
func (p *plan) rootUse(t0 time.Time, a *actor) time.Time {
	t := t0
	p.add(consoleLogin(t, a, true))
	t = t.Add(p.jitter(30 * time.Second))
	for _, name := range []string{"GetAccountSummary", "ListAccessKeys"} {
		p.add(call{at: t, who: a, source: "iam.amazonaws.com", name: name, region: "us-east-1", readOnly: true})
		t = t.Add(p.jitter(10 * time.Second))
	}
	p.add(call{at: t, who: a, source: "iam.amazonaws.com", name: "CreateAccessKey", region: "us-east-1",
		resp: func(w *jsonw) {
			w.obj("accessKey")
			w.str("accessKeyId", idFor("AKIA", "root"+a.account, 20))
			w.str("status", "Active")
			w.end()
		}})
	return t.Add(p.jitter(10 * time.Second))
}

// attack is the story of the last half hour, newest event a minute before now: a
// spray finds a password, a leaked key probes, escalates and hides its tracks.
func (p *plan) attack(now time.Time) {
	c := p.c
	base := now.Add(-29 * time.Minute)
	p.createKey(now.Add(-28*time.Minute), c.terraform, "us-east-1", "AWS_KMS", "orders-service data key")
	p.add(consoleLogin(now.Add(-27*time.Minute), c.noMFA[1], true))
	t := p.spray(base, 64, []string{ipSpray1, ipSpray2})
	dave := as(c.dave, ipSpray1, uaChrome)
	p.add(consoleLogin(t.Add(5*time.Second), dave, true))
	t = p.denied(now.Add(-24*time.Minute), c.stolen, "us-east-1", 4)
	p.roleEnum(t, c.stolen)
	p.throttle(now.Add(-19*time.Minute), c.stolen, 80)
	p.unusualRegion(now.Add(-16*time.Minute), c.stolen)
	p.secrets(now.Add(-14*time.Minute), c.stolen, "us-east-1", 16)
	p.persistence(now.Add(-12*time.Minute), dave, "backup-admin")
	p.ownKey(now.Add(-10*time.Minute), dave)
	t = p.createKey(now.Add(-11*time.Minute), c.stolen, "us-east-1", "EXTERNAL", "")
	p.createKey(t, c.stolen, "eu-west-1", "EXTERNAL", "")
	p.openSG(now.Add(-8*time.Minute), dave, "us-east-1")
	p.publicBucket(now.Add(-7*time.Minute), dave, "acme-prod-customer-exports")
	p.rootUse(now.Add(-5*time.Minute), c.rootProd)
	p.evasion(now.Add(-3*time.Minute), dave)
}

// older places n smaller incidents at random moments of the week before the attack.
func (p *plan) older(now time.Time, n int) {
	c := p.c
	week := int64(7*24*time.Hour - 2*time.Hour)
	for i := 0; i < n; i++ {
		t := now.Add(-7 * 24 * time.Hour).Add(time.Duration(p.r.Int64N(week)))
		switch p.r.IntN(8) {
		case 0:
			p.spray(t, 12+p.r.IntN(20), []string{fmt.Sprintf("203.0.113.%d", 100+p.r.IntN(100))})
		case 1:
			p.denied(t, c.devUser, "eu-west-1", 1+p.r.IntN(2))
		case 2:
			p.throttle(t, c.ciDeployer, 20+p.r.IntN(30))
		case 3:
			p.createKey(t, c.terraform, regionsAll[p.r.IntN(4)], "AWS_KMS", "terraform managed key")
		case 4:
			p.add(consoleLogin(t, c.noMFA[p.r.IntN(len(c.noMFA))], true))
		case 5:
			p.roleEnum(t, c.external)
		case 6:
			p.secrets(t, c.appRole, "us-east-1", 3)
		case 7:
			a := c.people[p.r.IntN(len(c.people))]
			p.add(consoleLogin(t, as(a, "", ""), false))
			p.add(consoleLogin(t.Add(40*time.Second), a, true))
		}
	}
	p.debugSSH(now.Add(-3*24*time.Hour+5*time.Hour), c.devUser, "eu-west-1")
}

// ownKey: a console session creates an access key for its own user, which keeps API
// access after the password is reset.
func (p *plan) ownKey(t time.Time, a *actor) time.Time {
	p.add(call{at: t, who: a, source: "iam.amazonaws.com", name: "CreateAccessKey", region: "us-east-1",
		req: func(w *jsonw) { w.str("userName", a.name) },
		resp: func(w *jsonw) {
			w.obj("accessKey")
			w.str("userName", a.name)
			w.str("accessKeyId", idFor("AKIA", "own"+a.account+a.name, 20))
			w.str("status", "Active")
			w.str("createDate", t.UTC().Format("Jan 2, 2006, 3:04:05 PM"))
			w.end()
		}})
	return t.Add(p.jitter(10 * time.Second))
}

// debugSSH: a developer opens SSH to the world on a security group to debug, and
// revokes the rule half an hour later: the week's everyday twin of openSG.
func (p *plan) debugSSH(t time.Time, a *actor, region string) {
	group := fmt.Sprintf("sg-0%016x", p.r.Uint64())
	for i, name := range []string{"AuthorizeSecurityGroupIngress", "RevokeSecurityGroupIngress"} {
		p.add(call{at: t.Add(time.Duration(i) * 27 * time.Minute), who: a, source: "ec2.amazonaws.com", name: name, region: region,
			req: func(w *jsonw) { ingress(w, group, 22, "0.0.0.0/0", "", "debug, remove") },
			resp: func(w *jsonw) {
				w.str("requestId", uuid(p.r))
				w.boolean("_return", true)
			}})
	}
}

// ingress writes the requestParameters of an Authorize or RevokeSecurityGroupIngress
// call for one TCP port from an IPv4 range and, unless v6 is "", an IPv6 range, in
// the console's shape (empty groups and prefixListIds included). A description
// other than "" goes with the IPv4 range.
func ingress(w *jsonw, group string, port int64, v4, v6, desc string) {
	w.str("groupId", group)
	w.obj("ipPermissions")
	w.arr("items")
	w.elemObj()
	w.str("ipProtocol", "tcp")
	w.num("fromPort", port)
	w.num("toPort", port)
	w.obj("groups")
	w.end()
	w.obj("ipRanges")
	w.arr("items")
	w.elemObj()
	w.str("cidrIp", v4)
	if desc != "" {
		w.str("description", desc)
	}
	w.end()
	w.end()
	w.end()
	w.obj("ipv6Ranges")
	if v6 != "" {
		w.arr("items")
		w.elemObj()
		w.str("cidrIpv6", v6)
		w.end()
		w.end()
	}
	w.end()
	w.obj("prefixListIds")
	w.end()
	w.end()
	w.end()
	w.end()
}

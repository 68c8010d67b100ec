package demo

import (
	"hash/fnv"
	"math/rand/v2"
)

// The demo organisation: three accounts, a handful of people, roles and machines.
const (
	acctProd     = "482913657201"
	acctDev      = "739104562883"
	acctSecurity = "615730294418"
	acctExternal = "902318844571" // the attacker's own account, seen in role enumeration
)

// Identity types as CloudTrail writes them in userIdentity.type.
const (
	idIAMUser     = "IAMUser"
	idAssumedRole = "AssumedRole"
	idRoot        = "Root"
	idAWSService  = "AWSService"
)

// actor is one principal: who calls, from where, with what client.
type actor struct {
	kind        string // userIdentity.type
	account     string
	name        string // IAM user name, role name, or the service for AWSService
	session     string // role session name
	principalID string
	accessKey   string
	ip          string
	ua          string
	mfa         bool // console sessions: signed in with MFA
}

func (a *actor) arn() string {
	switch a.kind {
	case idIAMUser:
		return "arn:aws:iam::" + a.account + ":user/" + a.name
	case idAssumedRole:
		return "arn:aws:sts::" + a.account + ":assumed-role/" + a.name + "/" + a.session
	case idRoot:
		return "arn:aws:iam::" + a.account + ":root"
	}
	return ""
}

func (a *actor) roleARN() string { return "arn:aws:iam::" + a.account + ":role/" + a.name }

// idFor makes a stable AWS-style identifier (AIDA…, AKIA…) from a name, so actors look
// the same in every run whatever order they are created in.
func idFor(prefix, name string, n int) string {
	h := fnv.New64a()
	h.Write([]byte(prefix + "/" + name))
	r := rand.New(rand.NewPCG(h.Sum64(), 0x9e3779b97f4a7c15))
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	b := []byte(prefix)
	for len(b) < n {
		b = append(b, alphabet[r.IntN(len(alphabet))])
	}
	return string(b)
}

func user(account, name, ip, ua string, mfa bool) *actor {
	return &actor{kind: idIAMUser, account: account, name: name, ip: ip, ua: ua, mfa: mfa,
		principalID: idFor("AIDA", account+name, 21), accessKey: idFor("AKIA", account+name, 20)}
}

func role(account, name, session, ip, ua string) *actor {
	roleID := idFor("AROA", account+name, 21)
	return &actor{kind: idAssumedRole, account: account, name: name, session: session, ip: ip, ua: ua,
		principalID: roleID + ":" + session, accessKey: idFor("ASIA", account+name+session, 20)}
}

func root(account, ip, ua string) *actor {
	return &actor{kind: idRoot, account: account, name: "root", ip: ip, ua: ua, principalID: account}
}

func service(account, svc string) *actor {
	return &actor{kind: idAWSService, account: account, name: svc, ip: svc, ua: svc}
}

// User agents seen in real trails.
const (
	uaCLI       = "aws-cli/2.15.30 Python/3.11.8 Linux/6.1.79-99.167.amzn2023.x86_64 exe/x86_64.amzn.2023 prompt/off"
	uaBoto      = "Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#5.10.210-201.852.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.2 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.69"
	uaGoSDK     = "aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.152.0"
	uaTerraform = "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 (+https://www.terraform.io) terraform-provider-aws/5.43.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.26.0 os/linux lang/go#1.21.8 md/GOOS#linux md/GOARCH#amd64"
	uaChrome    = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36"
	uaFirefox   = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.4; rv:124.0) Gecko/20100101 Firefox/124.0"
	uaConsole   = "AWS Internal"
	uaSSMAgent  = "aws-sdk-go/1.44.260 (go1.20.10; linux; amd64) amazon-ssm-agent/3.3.131.0"
	uaPacu      = "aws-cli/1.16.0 Python/3.6.9 Linux/4.15.0-112-generic botocore/1.12.0" // old client, a tell of attack tooling
)

// Source addresses. Office and VPN egress in 198.51.100.0/24, the attacker in
// 203.0.113.0/24 (documentation ranges: the demo never names a real host).
const (
	ipOffice   = "198.51.100.14"
	ipVPN      = "198.51.100.37"
	ipHome     = "192.0.2.81"
	ipCI       = "198.51.100.201"
	ipSpray1   = "203.0.113.45"
	ipSpray2   = "203.0.113.46"
	ipAttacker = "203.0.113.77"
	ipAppVPC   = "10.20.3.117"
)

// cast holds the demo organisation's principals.
type cast struct {
	people     []*actor // console users of prod, with MFA
	noMFA      []*actor // console users who sign in without MFA
	ciDeployer *actor
	terraform  *actor
	appRole    *actor // EC2 instance role of the web app
	lambdaRole *actor
	ssmRole    *actor
	auditRole  *actor // security account's read-only auditor
	devUser    *actor
	svcBackup  *actor // its long-lived key leaks: the attacker's first foothold
	stolen     *actor // svcBackup's key used from the attacker's address
	dave       *actor // the sprayed user whose password was guessed
	rootProd   *actor
	external   *actor // a role in the attacker's account
	sprayNames []string
}

func newCast() *cast {
	c := &cast{
		people: []*actor{
			user(acctProd, "alice.martin", ipOffice, uaChrome, true),
			user(acctProd, "bob.nguyen", ipVPN, uaFirefox, true),
			user(acctProd, "carol.schmidt", ipOffice, uaChrome, true),
			user(acctDev, "erin.kowalski", ipHome, uaFirefox, true),
			user(acctSecurity, "frank.li", ipOffice, uaChrome, true),
		},
		ciDeployer: role(acctProd, "ci-deployer", "gha-run-8812", ipCI, uaGoSDK),
		terraform:  role(acctProd, "terraform-apply", "terraform-run", ipCI, uaTerraform),
		appRole:    role(acctProd, "web-app-instance-role", "i-0a1b2c3d4e5f60718", ipAppVPC, uaBoto),
		lambdaRole: role(acctProd, "orders-api-lambda-role", "orders-api", "lambda.amazonaws.com", uaBoto),
		ssmRole:    role(acctProd, "AmazonSSMRoleForInstancesQuickSetup", "i-0f9e8d7c6b5a49382", ipAppVPC, uaSSMAgent),
		auditRole:  role(acctSecurity, "SecurityAudit", "frank.li", ipOffice, uaCLI),
		devUser:    user(acctDev, "gary.walsh", ipHome, uaCLI, false),
		svcBackup:  user(acctProd, "svc-backup", ipAppVPC, uaBoto, false),
		rootProd:   root(acctProd, ipAttacker, uaFirefox),
		external:   role(acctExternal, "recon", "enum", ipAttacker, uaPacu),
	}
	c.noMFA = []*actor{
		user(acctProd, "dave.okafor", ipVPN, uaChrome, false),
		user(acctDev, "hannah.berg", ipHome, uaChrome, false),
	}
	c.dave = c.noMFA[0]
	stolen := *c.svcBackup
	stolen.ip, stolen.ua = ipAttacker, uaPacu
	c.stolen = &stolen
	c.sprayNames = []string{"alice.martin", "bob.nguyen", "carol.schmidt", "dave.okafor", "admin", "administrator", "devops", "jenkins"}
	return c
}

// known reports whether name is an IAM user of the prod account (a failed login for
// an unknown name hides it, as AWS does).
func (c *cast) known(name string) *actor {
	for _, a := range append(append([]*actor{}, c.people...), c.noMFA...) {
		if a.name == name && a.account == acctProd {
			return a
		}
	}
	return nil
}

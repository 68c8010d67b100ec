package demo

import (
	"math/rand/v2"
	"strings"
	"time"
)

// call is one CloudTrail event before it is written out.
type call struct {
	at       time.Time
	who      *actor
	source   string // eventSource
	name     string // eventName
	region   string
	errCode  string
	errMsg   string
	req      func(w *jsonw) // requestParameters members; nil writes null
	resp     func(w *jsonw) // responseElements members; nil writes null
	add      func(w *jsonw) // additionalEventData members; nil leaves it out
	readOnly bool
	console  bool // eventType AwsConsoleSignIn: no requestID, signin TLS host
	ip, ua   string
}

// render writes c as CloudTrail does: members in AWS's order, UUID-shaped ids drawn
// from r so that the output is the same for the same seed.
func render(w *jsonw, r *rand.Rand, c *call) []byte {
	a := c.who
	w.begin()
	w.str("eventVersion", "1.08")
	w.obj("userIdentity")
	w.str("type", a.kind)
	switch a.kind {
	case idAWSService:
		w.str("invokedBy", a.name)
	case idIAMUser:
		if c.console && c.errMsg != "" && a.name == "HIDDEN_DUE_TO_SECURITY_REASONS" {
			w.str("accountId", a.account)
			w.str("accessKeyId", "")
			w.str("userName", a.name)
			break
		}
		w.str("principalId", a.principalID)
		w.str("arn", a.arn())
		w.str("accountId", a.account)
		if c.console {
			w.str("accessKeyId", "")
		} else {
			w.str("accessKeyId", a.accessKey)
		}
		w.str("userName", a.name)
		if !c.console && strings.HasPrefix(a.ua, "Mozilla") {
			sessionContext(w, nil, c.at, a.mfa)
		}
	case idRoot:
		w.str("principalId", a.principalID)
		w.str("arn", a.arn())
		w.str("accountId", a.account)
		w.str("accessKeyId", "")
		if !c.console {
			sessionContext(w, nil, c.at, a.mfa)
		}
	case idAssumedRole:
		w.str("principalId", a.principalID)
		w.str("arn", a.arn())
		w.str("accountId", a.account)
		w.str("accessKeyId", a.accessKey)
		sessionContext(w, a, c.at, a.mfa)
	}
	w.end()
	w.str("eventTime", c.at.UTC().Format(time.RFC3339))
	w.str("eventSource", c.source)
	w.str("eventName", c.name)
	w.str("awsRegion", c.region)
	ip, ua := a.ip, a.ua
	if c.ip != "" {
		ip = c.ip
	}
	if c.ua != "" {
		ua = c.ua
	}
	w.str("sourceIPAddress", ip)
	w.str("userAgent", ua)
	if c.errCode != "" {
		w.str("errorCode", c.errCode)
	}
	if c.errMsg != "" {
		w.str("errorMessage", c.errMsg)
	}
	members(w, "requestParameters", c.req)
	if c.errCode != "" && c.resp == nil {
		w.null("responseElements")
	} else {
		members(w, "responseElements", c.resp)
	}
	if c.add != nil {
		w.obj("additionalEventData")
		c.add(w)
		w.end()
	}
	if !c.console {
		w.str("requestID", uuid(r))
	}
	w.str("eventID", uuid(r))
	w.boolean("readOnly", c.readOnly)
	if c.console {
		w.str("eventType", "AwsConsoleSignIn")
	} else {
		w.str("eventType", "AwsApiCall")
	}
	w.boolean("managementEvent", true)
	w.str("recipientAccountId", a.account)
	w.str("eventCategory", "Management")
	if a.kind != idAWSService {
		w.obj("tlsDetails")
		w.str("tlsVersion", "TLSv1.3")
		w.str("cipherSuite", "TLS_AES_128_GCM_SHA256")
		host := strings.TrimSuffix(c.source, ".amazonaws.com") + "." + c.region + ".amazonaws.com"
		if c.console {
			host = "signin.aws.amazon.com"
		}
		w.str("clientProvidedHostHeader", host)
		w.end()
	}
	if strings.HasPrefix(ua, "Mozilla") && !c.console {
		w.str("sessionCredentialFromConsole", "true")
	}
	return w.finish()
}

func members(w *jsonw, name string, fn func(w *jsonw)) {
	if fn == nil {
		w.null(name)
		return
	}
	w.obj(name)
	fn(w)
	w.end()
}

func sessionContext(w *jsonw, role *actor, at time.Time, mfa bool) {
	w.obj("sessionContext")
	if role != nil {
		w.obj("sessionIssuer")
		w.str("type", "Role")
		w.str("principalId", strings.SplitN(role.principalID, ":", 2)[0])
		w.str("arn", role.roleARN())
		w.str("accountId", role.account)
		w.str("userName", role.name)
		w.end()
		w.obj("webIdFederationData")
		w.end()
	}
	w.obj("attributes")
	w.str("creationDate", at.Add(-17*time.Minute).UTC().Format(time.RFC3339))
	if mfa {
		w.str("mfaAuthenticated", "true")
	} else {
		w.str("mfaAuthenticated", "false")
	}
	w.end()
	w.end()
}

// uuid returns a version-4-shaped UUID drawn from r.
func uuid(r *rand.Rand) string {
	var b [36]byte
	hi, lo := r.Uint64(), r.Uint64()
	hi = hi&^0xf000 | 0x4000                   // version 4
	lo = lo&^0xc000000000000000 | 1<<63        // variant 10
	put := func(dst []byte, v uint64, n int) { // n hex digits of v, most significant first
		for i := n - 1; i >= 0; i-- {
			dst[i] = hexDigits[v&0xf]
			v >>= 4
		}
	}
	put(b[0:8], hi>>32, 8)
	b[8] = '-'
	put(b[9:13], hi>>16, 4)
	b[13] = '-'
	put(b[14:18], hi, 4)
	b[18] = '-'
	put(b[19:23], lo>>48, 4)
	b[23] = '-'
	put(b[24:36], lo, 12)
	return string(b[:])
}

package victorialogs

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// syntheticEvents are events that probe how entries are stored: empty strings, nulls,
// numbers and booleans, objects, dotted, duplicate and reserved keys, text that is not
// UTF-8, values and events past the flattening limits, hostile strings. They are dated
// 2025-06, after every shared data folder, so that the tutorial answers stay as they
// are.
func syntheticEvents() []string {
	ev := func(i int, body string) string {
		t := fmt.Sprintf("2025-06-01T%02d:%02d:%02d.%09dZ", i/60%24, i%60, i%60, 123456789+i)
		if body != "" {
			body = "," + body
		}
		return fmt.Sprintf(`{"eventTime":%q,"eventID":"syn-%d","recipientAccountId":"999988887777","awsRegion":"eu-west-1"%s}`, t, i, body)
	}
	var out []string
	add := func(body string) { out = append(out, ev(len(out), body)) }
	add(`"eventName":"","errorCode":"","userIdentity":{"arn":"","type":""},"requestParameters":{}`)
	add(`"eventName":"Dotted","a.b":"x","a":{"b":"y"}`)
	add(`"eventName":"First","eventName":"Second","errorCode":"AccessDenied","errorCode":"Other"`)
	add(`"eventName":"Reserved","aws":{"region":"evil"},"loglevel":"EVIL","_msg":"x","_time":"2000-01-01T00:00:00Z","dt":{"system":{"bucket":"evil"}},"trailbook":{"partial":"1","key":"k"}`)
	add(`"eventName":"NotUTF8","userAgent":"bad` + "\xff\xfe" + `bytes","errorMessage":"caf` + "\xe9" + `"`)
	add(`"eventName":"HugeValue","userAgent":"` + strings.Repeat("u", 10<<10) + `","errorCode":"AccessDenied"`)
	var many []string
	for i := range 600 {
		many = append(many, fmt.Sprintf(`"k%03d":"v%d"`, i, i))
	}
	add(`"eventName":"ManyFields","requestParameters":{` + strings.Join(many, ",") + `},"errorCode":"Throttling"`)
	add(`"eventName":"Deep","deep":` + strings.Repeat(`{"l":`, 15) + `"bottom"` + strings.Repeat(`}`, 15))
	add(`"eventName":5,"errorCode":1.0,"readOnly":true,"managementEvent":false,"errorMessage":null`)
	add(`"eventName":"Offset","eventSource":"signin.amazonaws.com","userIdentity":{"type":"Root","arn":null}`)
	out = append(out, `{"eventTime":"2025-06-02T10:00:00.5+02:00","eventName":"NoRegion","eventID":"syn-x"}`)
	add(`"eventName":"Spaces","userAgent":"  padded  ","sourceIPAddress":" "`)
	add(`"eventName":"Unicode","userIdentity":{"arn":"arn:aws:iam::999988887777:user/ünïcödé🙂"},"errorMessage":"zero\u200bwidth"`)
	for i, h := range hostile {
		add(fmt.Sprintf(`"eventName":%s,"errorCode":%s,"userIdentity":{"arn":%s},"eventSource":"hostile-%d"`, jsonQuote(h), jsonQuote(h), jsonQuote(h+"/x"), i))
	}
	return out
}

func jsonQuote(s string) string {
	return string(appendJSONString(nil, s))
}

// writeSynthetic writes the synthetic events as JSON lines into dir.
func writeSynthetic(dir string) (string, error) {
	p := filepath.Join(dir, "synthetic.ndjson")
	return p, os.WriteFile(p, []byte(strings.Join(syntheticEvents(), "\n")+"\n"), 0o644)
}

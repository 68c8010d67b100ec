package victorialogs

import (
	"fmt"
	"testing"

	"github.com/trailbook/trailbook/kernel/dql"
	"github.com/trailbook/trailbook/kernel/dql/dqltest"
)

// TestHostileLiterals filters on values that try to break out of a LogsQL string:
// each must find exactly the synthetic event that holds it, and the same records
// as the store, whether the value is compared, a prefix, a substring or in a list,
// in a scan or in an aggregation that the cluster computes.
func TestHostileLiterals(t *testing.T) {
	d := loaded(t)
	for _, h := range hostile {
		lit := dqlQuote(h)
		for _, f := range []string{
			"event[eventName] == %s", "event[errorCode] != %s", "startsWith(event[eventName], %s)",
			"contains(event[userIdentity][arn], %s)", "in(event[eventName], {%s, \"x\"})",
			"event[eventName] >= %s", "contains(content, %s)", "aws.region == %s", "log.source < %s",
		} {
			q := fmt.Sprintf(`fetch logs, from: "2025-06-01T00:00:00Z", to: "2025-06-03T00:00:00Z", bucket: {"my_aws_bucket", %s, %s}
| parse content, "JSON:event"
| filter `+f+`
| fields eventSource = event[eventSource], dt.system.bucket`, dqlQuote(h+"*"), lit, lit)
			want := run(t, q, dql.Options{Source: d.st, NoPushdown: true})
			got := run(t, q, dql.Options{Source: d.cl})
			if !dqltest.SameRecords(got, want, false) {
				t.Errorf("%s\n cluster: %s\n   store: %s", q, js(got), js(want))
			}
		}
		q := fmt.Sprintf(`fetch logs, from: "2025-06-01T00:00:00Z", to: "2025-06-03T00:00:00Z", bucket: "my_aws_bucket"
| parse content, "JSON:event" | filter event[eventName] == %s | summarize n = count()`, lit)
		got := run(t, q, dql.Options{Source: d.cl})
		if h != "" && js(got) != `[{"n":1}]` {
			t.Errorf("%s: %s, want one event", q, js(got))
		}
		// The same literals in aggregations computed by the cluster: in filters,
		// countIf conditions and as group values.
		for _, agg := range []string{
			"filter event[errorCode] != %s or isNull(event[errorCode]) | summarize n = count(), d = countDistinct(event[userIdentity][arn]), by: {event[eventName], event[eventSource]}",
			"filterOut startsWith(event[userIdentity][arn], %s) | makeTimeseries c = countIf(event[eventName] == %[1]s), n = count(), by: {event[errorCode]}, interval: 1d",
		} {
			q := fmt.Sprintf(`fetch logs, from: "2025-06-01T00:00:00Z", to: "2025-06-03T00:00:00Z", bucket: "my_aws_bucket"
| parse content, "JSON:event" | `+agg, lit)
			want := run(t, q, dql.Options{Source: d.st, NoPushdown: true})
			got, pushed := runTraced(t, q, d.cl)
			if !pushed || !dqltest.SameRecords(got, want, false) {
				t.Errorf("%s\n computed by the cluster: %v\n cluster: %s\n   store: %s", q, pushed, js(got), js(want))
			}
		}
	}
}

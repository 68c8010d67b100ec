package victorialogs

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/trailbook/trailbook/kernel/dql"
	"github.com/trailbook/trailbook/kernel/dql/dqltest"
	"github.com/trailbook/trailbook/kernel/dql/exec"
)

// propertyQueries is how many generated queries TestSameAsStore runs; each runs on
// the cluster with and without pushdown and on the embedded store.
const propertyQueries = 100

// paths are the event members the generated queries filter and group on: strings,
// booleans, nested members, members missing from many events.
var paths = []string{
	"eventName", "eventSource", "awsRegion", "errorCode", "errorMessage", "sourceIPAddress",
	"userAgent", "eventType", "recipientAccountId", "readOnly", "managementEvent",
	"userIdentity.type", "userIdentity.arn", "userIdentity.accountId",
	"userIdentity.sessionContext.sessionIssuer.userName",
	"requestParameters.bucketName", "requestParameters.origin", "responseElements.ConsoleLogin",
	"additionalEventData.MFAUsed", "tlsDetails.tlsVersion",
	// Objects, and the members of the synthetic events (synthetic_test.go).
	"userIdentity", "requestParameters", "requestParameters.k001", "requestParameters.k500",
	"a", "a.b", "aws", "aws.region", "loglevel", "deep", "deep.l.l", "trailbook.partial",
}

// hostile are literals that must never change the LogsQL query's structure.
var hostile = []string{
	``, `"`, `\`, `\"`, `" OR *`, `*`, `") OR trailbook.partial:=1 OR ("`, `| delete`, `a:b`,
	"line\nbreak", "tab\there", "nul\x00byte", `'single'`, "`back`", `(`, `)`, `{`, `}`, `#comment`,
	`AccessDenied" | stats count() | "`, "ünïcödé 🙂", "\u200b", `\u0000`, `%22`, `$(rm -rf /)`,
}

// dqlQuote writes s as a DQL string literal (spec/dql.md §2.1).
func dqlQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// access is the DQL accessor of a dotted event path: event[a][b].
func access(path string) string {
	return "event[" + strings.ReplaceAll(path, ".", "][") + "]"
}

// queryGen generates random queries over CloudTrail fields from values seen in the data.
type queryGen struct {
	r    *rand.Rand
	vals map[string][]string // path → string values in the data
	from string
	to   string
}

func (g *queryGen) pick(xs []string) string { return xs[g.r.IntN(len(xs))] }

// value returns a literal likely to match path: a value from the data, a part of
// one, or a hostile string.
func (g *queryGen) value(path string) string {
	vs := g.vals[path]
	if len(vs) == 0 || g.r.IntN(8) == 0 {
		return g.pick(hostile)
	}
	v := g.pick(vs)
	switch g.r.IntN(4) {
	case 0:
		if len(v) > 2 {
			return v[:1+g.r.IntN(len(v)-1)]
		}
	case 1:
		if len(v) > 3 {
			i := g.r.IntN(len(v) - 2)
			return v[i : i+2]
		}
	}
	return v
}

func (g *queryGen) atom() string {
	p := g.pick(paths)
	x := access(p)
	switch g.r.IntN(13) {
	case 0:
		return "aws.region == " + dqlQuote(g.value("awsRegion"))
	case 1:
		return "loglevel == " + dqlQuote(g.pick([]string{"ERROR", "INFO", "error"}))
	case 2:
		return fmt.Sprintf("contains(content, %s)", dqlQuote(g.value(p)))
	case 3:
		return fmt.Sprintf("%s != %s", x, dqlQuote(g.value(p)))
	case 4:
		return fmt.Sprintf("in(%s, {%s, %s})", x, dqlQuote(g.value(p)), dqlQuote(g.value(p)))
	case 5:
		return fmt.Sprintf("startsWith(%s, %s)", x, dqlQuote(g.value(p)))
	case 6:
		return fmt.Sprintf("contains(%s, %s)", x, dqlQuote(g.value(p)))
	case 7:
		return fmt.Sprintf("%s %s %s", x, g.pick([]string{"<", "<=", ">", ">="}), dqlQuote(g.value(p)))
	case 8:
		return fmt.Sprintf("%s(%s)", g.pick([]string{"isNull", "isNotNull"}), x)
	case 9:
		return fmt.Sprintf("%s == %s", x, g.pick([]string{"true", "false", "1", `""`}))
	case 10:
		return fmt.Sprintf("%s %s %s", g.pick([]string{"aws.account.id", "log.source", "dt.system.bucket"}),
			g.pick([]string{"==", "!=", "<", ">="}), dqlQuote(g.value("recipientAccountId")))
	}
	return fmt.Sprintf("%s == %s", x, dqlQuote(g.value(p)))
}

func (g *queryGen) cond(depth int) string {
	if depth > 1 {
		return g.atom()
	}
	switch g.r.IntN(6) {
	case 0:
		return "(" + g.cond(depth+1) + " or " + g.cond(depth+1) + ")"
	case 1:
		return "not(" + g.cond(depth+1) + ")"
	case 2, 3:
		return g.cond(depth+1) + " and " + g.cond(depth+1)
	}
	return g.atom()
}

// query returns a query and whether its result order is defined.
func (g *queryGen) query() (string, bool) {
	var b strings.Builder
	fmt.Fprintf(&b, "fetch logs, from: %q, to: %q", g.from, g.to)
	switch g.r.IntN(5) {
	case 0:
		b.WriteString(`, bucket: "my_aws_*"`)
	case 1:
		b.WriteString(`, bucket: {"nope", "my_aws_bucket"}`)
	case 2:
		b.WriteString(`, bucket: "other"`)
	}
	b.WriteString("\n| parse content, \"JSON:event\"\n")
	for range 1 + g.r.IntN(2) {
		b.WriteString("| filter " + g.cond(0) + "\n")
	}
	switch g.r.IntN(4) {
	case 0:
		fmt.Fprintf(&b, "| summarize n = count(), first = min(timestamp), by: {k = %s}", access(g.pick(paths)))
		return b.String(), false
	case 1:
		fmt.Fprintf(&b, "| makeTimeseries count(), by: {k = %s}, interval: 1h", access(g.pick(paths)))
		return b.String(), false
	case 2:
		b.WriteString("| fieldsRemove event | sort timestamp desc, content | limit 7")
		return b.String(), true
	}
	b.WriteString("| fieldsRemove event")
	return b.String(), false
}

// collectValues returns up to 30 string values per path, read from the store.
func collectValues(t *testing.T, src exec.Source, from, to string) map[string][]string {
	t.Helper()
	vals := map[string][]string{}
	for _, p := range paths {
		q := fmt.Sprintf("fetch logs, from: %q, to: %q | parse content, \"JSON:event\" | summarize n = count(), by: {v = %s} | sort n desc | limit 30", from, to, access(p))
		res, err := dql.Run(context.Background(), q, dql.Options{Source: src})
		if err != nil {
			t.Fatalf("%s: %s", q, dql.Report(err))
		}
		for _, r := range res.Records {
			if s, ok := r.Lookup("v").Str(); ok {
				vals[p] = append(vals[p], s)
			}
		}
	}
	return vals
}

// TestSameAsStore runs generated queries over the cluster (with and without
// pushdown) and over the embedded store holding the same data, and requires the
// same records. TRAILBOOK_PROPERTY_SEED picks another set of queries.
func TestSameAsStore(t *testing.T) {
	d := loaded(t)
	seed := propertySeed(t, 20240301)
	from, to := "2014-01-01T00:00:00Z", "2026-01-01T00:00:00Z"
	g := &queryGen{r: rand.New(rand.NewPCG(seed, seed)), vals: collectValues(t, d.st, from, to), from: from, to: to}
	nonEmpty := 0
	for i := range propertyQueries {
		q, ordered := g.query()
		want := run(t, q, dql.Options{Source: d.st, NoPushdown: true})
		got := run(t, q, dql.Options{Source: d.cl})
		if len(want) > 0 {
			nonEmpty++
		}
		if !dqltest.SameRecords(got, want, ordered) {
			t.Errorf("query %d (seed %d) differs between the cluster and the store:\n%s\n cluster: %.1500s\n   store: %.1500s", i, seed, q, js(got), js(want))
			continue
		}
		if i%4 == 0 {
			raw := run(t, q, dql.Options{Source: d.cl, NoPushdown: true})
			if !dqltest.SameRecords(raw, want, ordered) {
				t.Errorf("query %d (seed %d) without pushdown differs from the store:\n%s", i, seed, q)
			}
		}
	}
	// The generator must produce queries that select something, or it tests little.
	if nonEmpty < propertyQueries/4 {
		t.Errorf("only %d of %d generated queries returned records", nonEmpty, propertyQueries)
	}
}

// propertySeed is $TRAILBOOK_PROPERTY_SEED, else def: the seed of generated queries.
func propertySeed(t *testing.T, def uint64) uint64 {
	t.Helper()
	s := os.Getenv("TRAILBOOK_PROPERTY_SEED")
	if s == "" {
		return def
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		t.Fatalf("TRAILBOOK_PROPERTY_SEED: %v", err)
	}
	return n
}

func run(t *testing.T, q string, opt dql.Options) []any {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	opt.Now = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	res, err := dql.Run(ctx, q, opt)
	if err != nil {
		t.Fatalf("%s\n%s", q, dql.Report(err))
	}
	return dqltest.Decode(t, res.Records)
}

func js(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestPushdownOps runs every pushed-down operator on chosen fields with the literals
// where a translation to LogsQL could go wrong (empty strings, strings that look like
// numbers, values from the data) and compares the counts with the store's.
func TestPushdownOps(t *testing.T) {
	d := loaded(t)
	from, to := "2014-01-01T00:00:00Z", "2026-01-01T00:00:00Z"
	vals := collectValues(t, d.st, from, to)
	ops := []string{"%s == %s", "%s != %s", "%s < %s", "%s <= %s", "%s > %s", "%s >= %s",
		"startsWith(%s, %s)", "contains(%s, %s)", "in(%s, {%s, \"zz\"})", "isNull(%s)%.0s", "isNotNull(%s)%.0s"}
	// Record fields, then members: a string, an object, a boolean, a member of a
	// partial event, one with a reserved name and one under a dotted key.
	fields := map[string]string{"content": "", "aws.region": "awsRegion", "loglevel": "", "aws.service": ""}
	for _, p := range []string{"eventName", "errorCode", "userIdentity", "userIdentity.arn", "readOnly",
		"requestParameters.k500", "aws.region", "a.b"} {
		fields[access(p)] = p
	}
	for f, p := range fields {
		lits := []string{"", "5"}
		if vs := vals[p]; len(vs) > 0 {
			lits = append(lits, vs[0])
		}
		for _, op := range ops {
			for _, lit := range lits {
				if lit == "5" && !strings.Contains(op, "=") && !strings.HasPrefix(op, "in(") {
					continue // a number-like string matters where equality is tested
				}
				q := fmt.Sprintf("fetch logs, from: %q, to: %q | parse content, \"JSON:event\" | filter "+op+" | summarize n = count()", from, to, f, dqlQuote(lit))
				want := run(t, q, dql.Options{Source: d.st, NoPushdown: true})
				got := run(t, q, dql.Options{Source: d.cl})
				if !dqltest.SameRecords(got, want, true) {
					t.Errorf("%s\n cluster: %s\n   store: %s", q, js(got), js(want))
				}
				if strings.Contains(op, "%.0s") {
					break // no literal
				}
			}
		}
	}
}

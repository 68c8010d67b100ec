package victorialogs

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/trailbook/trailbook/kernel/dql/exec"
)

// scanFields are the fields a scan reads back: what store.BuildRecord needs.
var scanFields = []string{fieldMsg, exec.FieldAccount, exec.FieldRegion, exec.FieldBucket, exec.FieldLogSource}

// recordFields are the §14 string fields that an entry stores under their own name.
// They are never empty in a record (BuildRecord leaves empty ones out), so their
// filters translate exactly.
var recordFields = map[string]bool{
	exec.FieldRegion: true, exec.FieldAccount: true, exec.FieldBucket: true,
	exec.FieldLogSource: true, exec.FieldLogLevel: true,
}

// constFields are the §14 fields with one value for every record; entries do not
// store them, and their filters are decided here.
var constFields = map[string]string{
	exec.FieldService:      "cloudtrail",
	exec.FieldResourceType: "AWS::CloudTrail::Trail",
}

// scanQuery is a ScanRequest translated to LogsQL: the time range, and one filter per
// bucket list or predicate that could be translated. Every filter selects a superset
// of the records that pass the request (Filters are hints), so the iterator still
// checks From, To and Buckets, and the executor the predicates.
type scanQuery struct {
	from, to int64
	empty    bool     // no record can pass
	filters  []string // LogsQL filters, ANDed
	pushed   int      // predicates translated
}

// translate builds the LogsQL of a scan. A literal is always quoted with quote, a
// field name always quoted too: no value from a query, a template parameter or a log
// can change the structure of the query.
func translate(req exec.ScanRequest) scanQuery {
	q := scanQuery{from: req.From, to: req.To}
	if req.Buckets != nil {
		f, ok := bucketFilter(req.Buckets)
		switch {
		case !ok:
			q.empty = true
		case f != "":
			q.filters = append(q.filters, f)
		}
	}
	for _, p := range req.Filters {
		if len(p.Path) == 1 && p.Path[0] == exec.FieldTimestamp {
			if q.narrow(p) {
				q.pushed++
			}
			continue
		}
		if c, ok := constFields[strings.Join(p.Path, ".")]; ok && len(p.Path) == 1 {
			if pass, ok := evalConst(p, c); ok {
				q.pushed++
				q.empty = q.empty || !pass
			}
			continue
		}
		if f, ok := predicate(p); ok {
			q.filters = append(q.filters, orPartial(f))
			q.pushed++
		}
	}
	if q.from >= q.to {
		q.empty = true
	}
	return q
}

// String returns the LogsQL query text, fields pipe included.
//
//	_time:[2024-03-01T09:00:00Z, 2024-03-01T10:00:00Z) AND "trailbook.key":* AND … | fields "_msg", …
func (q scanQuery) String() string {
	var b strings.Builder
	b.WriteString(q.head())
	b.WriteString(" | fields ")
	for i, f := range scanFields {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(quote(f))
	}
	return b.String()
}

// head returns the filters of the query, without pipes.
func (q scanQuery) head() string {
	var b strings.Builder
	b.WriteString("_time:[")
	b.WriteString(formatTime(q.from))
	b.WriteString(", ")
	b.WriteString(formatTime(q.to))
	b.WriteString(") AND ")
	b.WriteString(quote(fieldKey))
	b.WriteString(":*")
	for _, f := range q.filters {
		b.WriteString(" AND ")
		b.WriteString(f)
	}
	return b.String()
}

// narrow folds a comparison of the timestamp into [from, to); it reports false for
// one it cannot fold.
func (q *scanQuery) narrow(p exec.Predicate) bool {
	var ok bool
	q.from, q.to, ok = exec.NarrowTime(q.from, q.to, p)
	return ok
}

// bucketFilter translates fetch's bucket patterns: names without `*` with in(), the
// others as anchored regular expressions. It reports false when no bucket can match
// (an empty list).
func bucketFilter(patterns []string) (string, bool) {
	var names, alts []string
	for _, p := range patterns {
		if !utf8.ValidString(p) {
			// Cannot be matched reliably in LogsQL: select every bucket and let the
			// iterator decide.
			return "", true
		}
		if !strings.Contains(p, "*") {
			names = append(names, quote(p))
			continue
		}
		parts := strings.Split(p, "*")
		for i := range parts {
			parts[i] = regexp.QuoteMeta(parts[i])
		}
		alts = append(alts, quote(exec.FieldBucket)+":~"+quote("^(?s:"+strings.Join(parts, ".*")+")$"))
	}
	if len(names) == 0 && len(alts) == 0 {
		return "", false
	}
	if len(names) > 0 {
		alts = append([]string{quote(exec.FieldBucket) + ":in(" + strings.Join(names, ", ") + ")"}, alts...)
	}
	return orPartial(strings.Join(alts, " OR ")), true
}

// orPartial lets entries marked partial through a filter: their stored fields may
// lack what the filter looks at.
func orPartial(f string) string {
	return "(" + f + " OR " + quote(fieldPartial) + ":=" + quote(partialValue) + ")"
}

// predicate translates one pushed-down predicate on a stored field: a §14 string
// field, content (the event text, _msg) or a member of the event (a flattened
// field). It reports false for what it cannot translate into a superset of the
// records that pass: non-string operands, and on event members the operators that a
// missing field cannot stand for (!=, isNotNull: the member may be an object, which
// is not stored as a field, or an empty string, which VictoriaLogs does not keep).
func predicate(p exec.Predicate) (string, bool) {
	var field string
	member := false
	switch {
	case len(p.Path) == 1 && recordFields[p.Path[0]]:
		field = p.Path[0]
	case len(p.Path) == 1 && p.Path[0] == exec.FieldContent:
		field = fieldMsg
	case len(p.Path) > 1 && p.Path[0] == exec.FieldContent:
		name, ok := flatName(p.Path[1:])
		if !ok {
			return "", false
		}
		field, member = name, true
	default:
		return "", false
	}
	vals := make([]string, len(p.Values))
	for i, v := range p.Values {
		s, ok := v.Str()
		if !ok || !utf8.ValidString(s) {
			return "", false
		}
		vals[i] = s
	}
	f := quote(field)
	one := len(vals) == 1
	// any is the filter for "a non-null string" (startsWith(x, ""), x > ""…): exact
	// for fields that are never empty, impossible for members.
	anyValue := func() (string, bool) {
		if member {
			return "", false
		}
		return f + ":*", true
	}
	switch p.Op {
	case exec.OpEq:
		if one {
			if vals[0] == "" {
				return f + `:""`, true
			}
			return f + ":=" + quote(vals[0]), true
		}
	case exec.OpNe:
		if one && !member {
			return "!" + f + ":=" + quote(vals[0]), true
		}
	case exec.OpIn:
		if len(vals) > 0 && !slices.Contains(vals, "") {
			qs := make([]string, len(vals))
			for i, v := range vals {
				qs[i] = quote(v)
			}
			return f + ":in(" + strings.Join(qs, ", ") + ")", true
		}
	case exec.OpStartsWith:
		if one && vals[0] == "" {
			return anyValue()
		}
		if one {
			return f + ":=" + quote(vals[0]) + "*", true
		}
	case exec.OpContains:
		if one && vals[0] == "" {
			return anyValue()
		}
		if one {
			return f + ":*" + quote(vals[0]) + "*", true
		}
	case exec.OpLt, exec.OpLe:
		// string_range(lo, hi) is lo <= x < hi, byte-wise, and matches a missing
		// field as "": it keeps the empty strings that VictoriaLogs did not store.
		// x <= v is x < v+"\x00", the next string after v.
		if one {
			hi := vals[0]
			if p.Op == exec.OpLe {
				hi += "\x00"
			}
			return f + `:string_range("", ` + quote(hi) + ")", true
		}
	case exec.OpGt, exec.OpGe:
		if one && vals[0] == "" {
			return anyValue() // x >= "" holds for every string; x > "" too, as fields are never empty
		}
		if one {
			lo := vals[0]
			if p.Op == exec.OpGt {
				lo += "\x00"
			}
			return "!" + f + `:string_range("", ` + quote(lo) + ")", true
		}
	case exec.OpIsNull:
		return f + `:""`, true
	case exec.OpIsNotNull:
		return anyValue()
	}
	return "", false
}

// evalConst decides a predicate on a constant field; ok is false when it cannot.
func evalConst(p exec.Predicate, c string) (pass, ok bool) {
	switch p.Op {
	case exec.OpIsNull:
		return false, true
	case exec.OpIsNotNull:
		return true, true
	}
	vals := make([]string, len(p.Values))
	for i, v := range p.Values {
		s, ok := v.Str()
		if !ok {
			return false, false
		}
		vals[i] = s
	}
	if p.Op == exec.OpIn {
		return slices.Contains(vals, c), true
	}
	if len(vals) != 1 {
		return false, false
	}
	v := vals[0]
	switch p.Op {
	case exec.OpEq:
		return c == v, true
	case exec.OpNe:
		return c != v, true
	case exec.OpStartsWith:
		return strings.HasPrefix(c, v), true
	case exec.OpContains:
		return strings.Contains(c, v), true
	case exec.OpLt:
		return c < v, true
	case exec.OpLe:
		return c <= v, true
	case exec.OpGt:
		return c > v, true
	case exec.OpGe:
		return c >= v, true
	}
	return false, false
}

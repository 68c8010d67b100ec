package victorialogs

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tidwall/gjson"

	"github.com/trailbook/trailbook/kernel/dql/exec"
	"github.com/trailbook/trailbook/kernel/dql/value"
)

var _ exec.Aggregator = (*Client)(nil)

// Aggregation pushdown
//
// VictoriaLogs keeps every value as a string and keeps no empty value, so its
// filters and groups see "5" for the number 5, nothing for "" and for null, and
// nothing for an object. An aggregation is therefore split in two parts that cover
// every entry once:
//
//   - the clean entries, written with formatVersion, not partial, and where no event
//     member the request names is listed in trailbook.nonstring: there every such
//     member is a non-empty string, stored as it is, or null, stored as nothing, which
//     is what DQL sees. A LogsQL stats query filters and groups them exactly.
//   - the other entries (the rare events whose grouped or filtered members are
//     numbers, booleans, objects, "" or null, events past the flattening limits, and
//     entries of older ingests): a scan streams them, and the executor runs the
//     query's commands over them and merges their groups (exec.Aggregation.Rest).
//
// Record fields (aws.region, …) are strings and content is the event text: they need
// no split.

// statPrefix names the stats results; flattened members never begin with it (the
// top-level key "trailbook" is not flattened), so they cannot clash with by-fields.
const statPrefix = "trailbook."

// aggQuery is an AggregateRequest in LogsQL.
type aggQuery struct {
	stats   string    // the stats query; "" when no clean entry can match
	rest    scanQuery // the scan of the other entries
	by      []aggKey  // per request By
	parts   []aggPart // per request Aggs
	byField []string  // the distinct by-fields of the stats query, in order
	req     exec.AggregateRequest
}

// aggKey is how one group key is read: from a stats by-field, or a constant.
type aggKey struct {
	field string      // the LogsQL field; "" for a constant
	konst value.Value // the value of a constant field
}

// aggPart is how one aggregation is read from a stats row.
type aggPart struct {
	fn    exec.AggFunc
	stat  string        // the result's name; "" when nothing is computed
	konst []value.Value // Values when they are the same for every row
}

// notAggregated is the error of a request that cannot be pushed down exactly.
func notAggregated(format string, args ...any) error {
	return fmt.Errorf("%w: %s", exec.ErrNotAggregated, fmt.Sprintf(format, args...))
}

// translateAggregate builds the LogsQL of an aggregation; the error wraps
// exec.ErrNotAggregated when some part of the request cannot be said exactly.
func translateAggregate(req exec.AggregateRequest) (aggQuery, error) {
	a := aggQuery{req: req}
	t := &exactTranslator{}
	where := lfAll
	for _, f := range req.Where {
		tr, _, err := t.cond(f.Cond)
		if err != nil {
			return a, err
		}
		if f.Out {
			tr = lfNot(tr)
		}
		where = lfAnd(where, tr)
	}
	for _, p := range req.By {
		k, err := t.key(p)
		if err != nil {
			return a, err
		}
		a.by = append(a.by, k)
		if k.field != "" && !slices.Contains(a.byField, k.field) {
			a.byField = append(a.byField, k.field)
		}
	}
	var funcs []string
	for i, spec := range req.Aggs {
		p, f, err := t.agg(spec, fmt.Sprintf("%sr%d", statPrefix, i))
		if err != nil {
			return a, err
		}
		a.parts = append(a.parts, p)
		if f != "" {
			funcs = append(funcs, f)
		}
	}
	funcs = append(funcs, "min(_time) "+quote(statPrefix+"first"))
	for _, b := range req.Scan.Buckets {
		if !utf8.ValidString(b) {
			return a, notAggregated("a bucket name is not UTF-8")
		}
	}

	// The scan of the entries that are not clean.
	partial := lfAtom(quote(fieldPartial) + ":=" + quote(partialValue))
	current := lfAtom(quote(fieldFormat) + ":=" + quote(formatVersion))
	dirty := lfOr(lfOr(partial, lfNot(current)), t.listed())
	clean := lfAnd(lfAnd(current, lfNot(partial)), lfNot(t.listed())) // not dirty
	a.rest = translate(req.Scan)
	a.rest.filters = append(a.rest.filters, dirty.String())

	// The stats query over the clean ones.
	base := translate(exec.ScanRequest{From: req.Scan.From, To: req.Scan.To, Buckets: req.Scan.Buckets})
	where = lfAnd(clean, where)
	if base.empty || where.none {
		return a, nil
	}
	var b strings.Builder
	b.WriteString(base.head())
	if !where.all {
		b.WriteString(" AND ")
		b.WriteString(where.String())
	}
	b.WriteString(" | stats")
	var by []string
	if req.Interval > 0 {
		// Buckets start at k·Interval − offset: make Origin a boundary.
		off := ((-req.Origin)%req.Interval + req.Interval) % req.Interval
		by = append(by, fmt.Sprintf("_time:%d offset %d", req.Interval, off))
	}
	for _, f := range a.byField {
		by = append(by, quote(f))
	}
	if len(by) > 0 {
		b.WriteString(" by (" + strings.Join(by, ", ") + ")")
	}
	b.WriteString(" " + strings.Join(funcs, ", "))
	a.stats = b.String()
	if len(a.stats) > maxQueryBytes {
		// VictoriaLogs would refuse it (-search.maxQueryLen); a scan sends fewer
		// filters, as hints.
		return a, notAggregated("the stats query would be %d bytes long", len(a.stats))
	}
	return a, nil
}

// ExplainAggregate returns the two LogsQL queries that Aggregate sends for req: the
// stats query over the entries it aggregates and the scan of those it leaves to the
// local engine. The error wraps exec.ErrNotAggregated when req is not pushed down.
func ExplainAggregate(req exec.AggregateRequest) (stats, rest string, err error) {
	a, err := translateAggregate(req)
	if err != nil {
		return "", "", err
	}
	stats = a.stats
	if stats == "" {
		stats = "(no entry can match: no stats query is sent)"
	}
	rest = "(nothing can match: no query is sent)"
	if !a.rest.empty {
		rest = a.rest.String()
	}
	return stats, rest, nil
}

// Aggregate implements exec.Aggregator: one LogsQL stats query over the entries where
// VictoriaLogs' fields mean what DQL sees, and a scan of the others, which the
// executor aggregates itself (see the comment at the top of this file).
func (c *Client) Aggregate(ctx context.Context, req exec.AggregateRequest) (*exec.Aggregation, error) {
	a, err := translateAggregate(req)
	if err != nil {
		return nil, err
	}
	rest, err := c.scan(ctx, a.rest, req.Scan)
	if err != nil {
		return nil, fmt.Errorf("cannot aggregate logs: %w", err)
	}
	out := &exec.Aggregation{Rest: rest}
	if a.stats != "" {
		rows, warning, err := c.statsRows(ctx, a)
		if err != nil {
			rest.Close()
			return nil, fmt.Errorf("cannot aggregate logs: %w", err)
		}
		out.Rows = rows
		if warning != "" {
			out.Warnings = append(out.Warnings, warning)
		}
	}
	return out, nil
}

// statsRows runs the stats query and reads its rows. The answer is small (one line
// per group), so with Partial a query cut short is simply sent again accepting a
// partial answer.
func (c *Client) statsRows(ctx context.Context, a aggQuery) ([]exec.AggregateRow, string, error) {
	run := func(partial bool) ([]exec.AggregateRow, error) {
		resp, err := c.query(ctx, a.stats, partial)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		lr := newLineReader(resp.Body, c.base+"/select/logsql/query")
		var rows []exec.AggregateRow
		for {
			line, err := lr.next()
			if err != nil {
				if err == io.EOF {
					return rows, nil
				}
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				return nil, err
			}
			row, ok, err := a.row(line)
			if err != nil {
				return nil, err
			}
			if ok {
				rows = append(rows, row)
			}
		}
	}
	rows, err := run(false)
	if err == nil || !c.Partial || !nodeDown(err) {
		return rows, "", err
	}
	rows, err2 := run(true)
	if err2 != nil {
		return nil, "", err2
	}
	return rows, partialWarning(err), nil
}

// row reads one line of the stats answer; ok is false for the line of no entries
// that a stats query without by-fields gives when nothing matches.
func (a aggQuery) row(line []byte) (row exec.AggregateRow, ok bool, err error) {
	obj := gjson.ParseBytes(line)
	if !obj.IsObject() {
		return row, false, fmt.Errorf("VictoriaLogs answered %q, not a JSON object", shorten(string(line)))
	}
	fields := map[string]gjson.Result{}
	obj.ForEach(func(k, v gjson.Result) bool {
		if _, dup := fields[k.Str]; !dup {
			fields[k.Str] = v
		}
		return true
	})
	bad := func(what string) error {
		return fmt.Errorf("VictoriaLogs answered %q: %s", shorten(string(line)), what)
	}
	readTime := func(name string) (int64, error) {
		t, err := time.Parse(time.RFC3339Nano, fields[name].Str)
		if err != nil {
			return 0, bad("cannot read " + name + " as a time")
		}
		return t.UnixNano(), nil
	}
	if fields[statPrefix+"first"].Str == "" {
		return row, false, nil
	}
	row = exec.AggregateRow{Keys: make([]value.Value, len(a.by)), Parts: make([]exec.AggPart, len(a.parts))}
	if row.First, err = readTime(statPrefix + "first"); err != nil {
		return row, false, err
	}
	if a.req.Interval > 0 {
		if row.Slot, err = readTime(fieldTime); err != nil {
			return row, false, err
		}
	}
	for i, k := range a.by {
		if k.field == "" {
			row.Keys[i] = k.konst
			continue
		}
		if s := fields[k.field].Str; s != "" {
			row.Keys[i] = value.String(s) // "" is a missing field: null
		}
	}
	for i, p := range a.parts {
		part := &row.Parts[i]
		part.Values = p.konst
		if p.stat == "" {
			continue
		}
		v := fields[p.stat]
		switch p.fn {
		case exec.AggCount, exec.AggCountIf:
			n, err := strconv.ParseInt(v.Str, 10, 64)
			if err != nil {
				return row, false, bad("a count is not a number")
			}
			part.Count = n
		case exec.AggDistinct:
			arr := gjson.Parse(v.Str)
			if !arr.IsArray() {
				return row, false, bad("uniq_values is not a JSON array")
			}
			for _, e := range arr.Array() {
				if e.Type != gjson.String {
					return row, false, bad("uniq_values holds a value that is not a string")
				}
				if e.Str != "" {
					part.Values = append(part.Values, value.String(e.Str))
				}
			}
		case exec.AggMin, exec.AggMax:
			t, err := readTime(p.stat)
			if err != nil {
				return row, false, err
			}
			part.Values = []value.Value{value.Timestamp(t)}
		case exec.AggSum, exec.AggAvg:
			n, err := strconv.ParseInt(v.Str, 10, 64)
			if err != nil {
				return row, false, bad("a count is not a number")
			}
			if n > 0 {
				// Strings make sum and avg null (spec/dql.md §8.1): one stands for all.
				part.Values = []value.Value{value.String("")}
			}
		}
	}
	return row, true, nil
}

// exactTranslator translates the parts of an AggregateRequest into LogsQL that is
// exact on clean entries, and collects the event members they name.
type exactTranslator struct {
	members []string // flattened names that must be clean
}

// listed is the filter of entries where a named member is listed as not a string.
func (t *exactTranslator) listed() lf {
	f := lfNone
	for _, m := range t.members {
		f = lfOr(f, lfAtom(quote(fieldNonString)+":*"+quote(m)+"*"))
	}
	return f
}

// field is how a path is stored.
type field struct {
	name     string // the LogsQL field
	nullable bool   // the path may be null (the field missing)
	konst    string // a constant field's value, when name is ""
}

func (t *exactTranslator) field(path []string) (field, error) {
	switch {
	case len(path) == 1 && recordFields[path[0]]:
		return field{name: path[0], nullable: true}, nil
	case len(path) == 1 && path[0] == exec.FieldContent:
		return field{name: fieldMsg}, nil
	case len(path) == 1:
		if c, ok := constFields[path[0]]; ok {
			return field{konst: c}, nil
		}
	case len(path) > 1 && path[0] == exec.FieldContent:
		name, ok := flatName(path[1:])
		if !ok {
			return field{}, notAggregated("the event member %s is not stored as a field", strings.Join(path[1:], "."))
		}
		if !slices.Contains(t.members, name) {
			t.members = append(t.members, name)
		}
		return field{name: name, nullable: true}, nil
	}
	return field{}, notAggregated("the field %s is not stored as a field", strings.Join(path, "."))
}

func (t *exactTranslator) key(path []string) (aggKey, error) {
	f, err := t.field(path)
	if err != nil {
		return aggKey{}, err
	}
	if f.name == "" {
		return aggKey{konst: value.String(f.konst)}, nil
	}
	return aggKey{field: f.name}, nil
}

// agg translates one aggregation into a stats function (or a constant part).
func (t *exactTranslator) agg(spec exec.AggSpec, name string) (aggPart, string, error) {
	p := aggPart{fn: spec.Func, stat: name}
	as := " " + quote(name)
	switch spec.Func {
	case exec.AggCount:
		return p, "count()" + as, nil
	case exec.AggCountIf:
		if spec.Cond == nil {
			return p, "", notAggregated("countIf without a condition")
		}
		tr, _, err := t.cond(*spec.Cond)
		switch {
		case err != nil:
			return p, "", err
		case tr.none:
			p.stat = "" // never true: a count of 0
			return p, "", nil
		case tr.all:
			return p, "count()" + as, nil
		}
		return p, "count() if (" + tr.String() + ")" + as, nil
	}
	if len(spec.Path) == 1 && spec.Path[0] == exec.FieldTimestamp {
		switch spec.Func {
		case exec.AggMin:
			return p, "min(_time)" + as, nil
		case exec.AggMax:
			return p, "max(_time)" + as, nil
		}
		return p, "", notAggregated("%s of the timestamp", spec.Func)
	}
	f, err := t.field(spec.Path)
	if err != nil {
		return p, "", err
	}
	if f.name == "" {
		// A constant field: the same value in every record of every group.
		p.stat, p.konst = "", []value.Value{value.String(f.konst)}
		return p, "", nil
	}
	switch spec.Func {
	case exec.AggDistinct:
		return p, "uniq_values(" + quote(f.name) + ")" + as, nil
	case exec.AggSum, exec.AggAvg:
		return p, "count(" + quote(f.name) + ")" + as, nil
	}
	// VictoriaLogs compares strings that look like numbers as numbers: its min and
	// max of strings are not DQL's.
	return p, "", notAggregated("%s of a string field", spec.Func)
}

// cond translates a condition into the filters of the clean entries where it is
// true and where it is false (null where neither), DQL's three-valued logic.
func (t *exactTranslator) cond(c exec.Cond) (tr, fa lf, err error) {
	switch c.Op {
	case exec.CondPred:
		return t.pred(c.Pred)
	case exec.CondNot:
		if len(c.Args) != 1 {
			return tr, fa, notAggregated("a malformed not")
		}
		tr, fa, err = t.cond(c.Args[0])
		return fa, tr, err
	case exec.CondAnd, exec.CondOr:
		if len(c.Args) == 0 {
			return tr, fa, notAggregated("a malformed %s", c.Op)
		}
		for i, arg := range c.Args {
			at, af, err := t.cond(arg)
			if err != nil {
				return tr, fa, err
			}
			switch {
			case i == 0:
				tr, fa = at, af
			case c.Op == exec.CondAnd:
				tr, fa = lfAnd(tr, at), lfOr(fa, af)
			default:
				tr, fa = lfOr(tr, at), lfAnd(fa, af)
			}
		}
		return tr, fa, nil
	}
	return tr, fa, notAggregated("the condition operator %q", c.Op)
}

// pred translates one predicate: where it is true, where false. On clean entries a
// stored field is the member's non-empty string, and a missing field a null member.
func (t *exactTranslator) pred(p exec.Predicate) (tr, fa lf, err error) {
	if len(p.Path) == 1 && p.Path[0] == exec.FieldTimestamp {
		return tr, fa, notAggregated("a filter on the timestamp")
	}
	f, err := t.field(p.Path)
	if err != nil {
		return tr, fa, err
	}
	var strs []string // the string operands
	nonString := false
	for _, v := range p.Values {
		s, ok := v.Str()
		switch {
		case !ok:
			nonString = true
		case !utf8.ValidString(s):
			return tr, fa, notAggregated("a literal that is not UTF-8")
		default:
			strs = append(strs, s)
		}
	}
	if f.name == "" {
		return constPred(p, f.konst, strs, nonString)
	}
	q := quote(f.name)
	nonNull := lfAll
	if f.nullable {
		nonNull = lfAtom(q + ":*")
	}
	// whereTrue completes a predicate that is null exactly where the field is: x is
	// where it is true among the stored values; x may match missing fields too.
	whereTrue := func(x lf) (lf, lf, error) {
		x = lfAnd(nonNull, x)
		return x, lfAnd(nonNull, lfNot(x)), nil
	}
	// valuesTrue is whereTrue for an x that matches stored values only (an exact
	// value, a prefix or a substring of a non-empty literal).
	valuesTrue := func(x lf) (lf, lf, error) {
		return x, lfAnd(nonNull, lfNot(x)), nil
	}
	one := len(p.Values) == 1
	switch p.Op {
	case exec.OpIsNull, exec.OpIsNotNull:
		isNull := lfNot(nonNull)
		if p.Op == exec.OpIsNull {
			return isNull, nonNull, nil
		}
		return nonNull, isNull, nil
	case exec.OpEq, exec.OpNe:
		if !one {
			break
		}
		eq := lfNone // a string member is never equal to another type, nor to ""
		if !nonString && strs[0] != "" {
			eq = lfAtom(q + ":=" + quote(strs[0]))
		}
		tr, fa, _ := valuesTrue(eq)
		if p.Op == exec.OpNe {
			tr, fa = fa, tr
		}
		return tr, fa, nil
	case exec.OpIn:
		var qs []string
		for _, s := range strs {
			if s != "" {
				qs = append(qs, quote(s))
			}
		}
		in := lfNone
		if len(qs) > 0 {
			in = lfAtom(q + ":in(" + strings.Join(qs, ", ") + ")")
		}
		return valuesTrue(in)
	case exec.OpStartsWith, exec.OpContains:
		if !one || nonString {
			break
		}
		if strs[0] == "" {
			return whereTrue(lfAll)
		}
		if p.Op == exec.OpStartsWith {
			return valuesTrue(lfAtom(q + ":=" + quote(strs[0]) + "*"))
		}
		return valuesTrue(lfAtom(q + ":*" + quote(strs[0]) + "*"))
	case exec.OpLt, exec.OpLe, exec.OpGt, exec.OpGe:
		if !one {
			break
		}
		if nonString {
			return lfNone, lfNone, nil // strings and other types do not compare: null
		}
		// string_range(lo, hi) is lo <= x < hi, byte-wise, which is code point order
		// for UTF-8; x <= v is x < v+"\x00", the next string after v.
		v := strs[0]
		if p.Op == exec.OpLe || p.Op == exec.OpGt {
			v += "\x00"
		}
		below := lfAtom(q + `:string_range("", ` + quote(v) + ")")
		if p.Op == exec.OpLt || p.Op == exec.OpLe {
			return whereTrue(below)
		}
		return whereTrue(lfNot(below))
	}
	return tr, fa, notAggregated("the predicate %s %s", strings.Join(p.Path, "."), p.Op)
}

// constPred decides a predicate on a constant field.
func constPred(p exec.Predicate, c string, strs []string, nonString bool) (tr, fa lf, err error) {
	b := func(v bool) (lf, lf, error) {
		if v {
			return lfAll, lfNone, nil
		}
		return lfNone, lfAll, nil
	}
	switch p.Op {
	case exec.OpIsNull:
		return b(false)
	case exec.OpIsNotNull:
		return b(true)
	case exec.OpIn:
		return b(slices.Contains(strs, c))
	}
	if len(p.Values) != 1 {
		return tr, fa, notAggregated("the predicate %s %s", strings.Join(p.Path, "."), p.Op)
	}
	if nonString {
		switch p.Op {
		case exec.OpEq:
			return b(false)
		case exec.OpNe:
			return b(true)
		case exec.OpLt, exec.OpLe, exec.OpGt, exec.OpGe:
			return lfNone, lfNone, nil
		}
		return tr, fa, notAggregated("the predicate %s %s", strings.Join(p.Path, "."), p.Op)
	}
	pass, ok := evalConst(p, c)
	if !ok {
		return tr, fa, notAggregated("the predicate %s %s", strings.Join(p.Path, "."), p.Op)
	}
	return b(pass)
}

// lf is a LogsQL filter under construction: the entries it selects. The constants
// all and none are folded away as filters are combined, and chains of one operator
// are kept flat, so that the query stays readable in --explain.
type lf struct {
	terms     []string // atoms or parenthesised filters, joined by op
	op        string   // " AND " or " OR " when len(terms) > 1
	all, none bool
}

var (
	lfAll  = lf{all: true}
	lfNone = lf{none: true}
)

// lfAtom is one LogsQL filter.
func lfAtom(s string) lf { return lf{terms: []string{s}} }

func lfJoin(op string, a, b lf) lf {
	var terms []string
	for _, x := range []lf{a, b} {
		if len(x.terms) > 1 && x.op != op {
			terms = append(terms, x.String())
		} else {
			terms = append(terms, x.terms...)
		}
	}
	return lf{terms: terms, op: op}
}

func lfAnd(a, b lf) lf {
	switch {
	case a.none || b.none:
		return lfNone
	case a.all:
		return b
	case b.all:
		return a
	}
	return lfJoin(" AND ", a, b)
}

func lfOr(a, b lf) lf {
	switch {
	case a.all || b.all:
		return lfAll
	case a.none:
		return b
	case b.none:
		return a
	}
	return lfJoin(" OR ", a, b)
}

func lfNot(a lf) lf {
	switch {
	case a.all:
		return lfNone
	case a.none:
		return lfAll
	case len(a.terms) == 1 && strings.HasPrefix(a.terms[0], "!") && !strings.HasPrefix(a.terms[0], "!("):
		return lfAtom(a.terms[0][1:])
	case len(a.terms) == 1:
		return lfAtom("!" + a.terms[0])
	}
	return lfAtom("!" + a.String())
}

// String returns the filter text; "*" selects everything. (none is never written:
// callers skip a query that selects nothing.)
func (f lf) String() string {
	switch {
	case f.all:
		return "*"
	case f.none:
		return "!*"
	case len(f.terms) == 1:
		return f.terms[0]
	}
	return "(" + strings.Join(f.terms, f.op) + ")"
}

package plan

import (
	"errors"
	"math"
	"strings"

	"github.com/trailbook/trailbook/kernel/dpl"
	"github.com/trailbook/trailbook/kernel/dql/syntax"
	"github.com/trailbook/trailbook/kernel/dql/value"
)

// cmdSpec describes a command's parameters and how to plan it.
type cmdSpec struct {
	start    bool
	minPos   int
	maxPos   int // -1: any number
	named    []string
	required []string
	plan     func(pl *planner, cmd *syntax.Command, a args) Step
}

// args are a command's parameters: positional ones (brace groups flattened) and named.
type args struct {
	pos   []syntax.Node
	named map[string]*syntax.Param
}

func (a args) has(name string) bool { _, ok := a.named[name]; return ok }

var commands map[string]cmdSpec

func init() {
	commands = map[string]cmdSpec{
		"data":           {start: true, maxPos: -1, named: []string{"json"}, plan: planData},
		"fetch":          {start: true, minPos: 1, maxPos: 1, named: []string{"from", "to", "timeframe", "bucket", "samplingRatio", "scanLimitGBytes"}, plan: planFetch},
		"filter":         {minPos: 1, maxPos: 1, plan: planFilter},
		"filterOut":      {minPos: 1, maxPos: 1, plan: planFilter},
		"search":         {minPos: 1, maxPos: 1, plan: planSearch},
		"fields":         {minPos: 1, maxPos: -1, plan: planFields},
		"fieldsAdd":      {minPos: 1, maxPos: -1, plan: planFields},
		"fieldsKeep":     {minPos: 1, maxPos: -1, plan: planKeep},
		"fieldsRemove":   {minPos: 1, maxPos: -1, plan: planKeep},
		"fieldsRename":   {minPos: 1, maxPos: -1, plan: planRename},
		"fieldsFlatten":  {minPos: 1, maxPos: 1, named: []string{"prefix", "fields", "depth"}, plan: planFlatten},
		"parse":          {minPos: 2, maxPos: 2, named: []string{"preserveFieldsOnFailure", "parsingPrerequisite"}, plan: planParse},
		"sort":           {minPos: 1, maxPos: -1, plan: planSort},
		"limit":          {minPos: 1, maxPos: 1, plan: planLimit},
		"dedup":          {minPos: 1, maxPos: -1, named: []string{"sort"}, plan: planDedup},
		"expand":         {minPos: 1, maxPos: 1, named: []string{"limit"}, plan: planExpand},
		"append":         {minPos: 1, maxPos: 1, plan: planAppend},
		"join":           {minPos: 1, maxPos: 1, named: []string{"on", "kind", "prefix", "fields", "executionOrder"}, required: []string{"on"}, plan: planJoin},
		"joinNested":     {minPos: 1, maxPos: 1, named: []string{"on", "fields", "executionOrder"}, required: []string{"on"}, plan: planJoin},
		"lookup":         {minPos: 1, maxPos: 1, named: []string{"sourceField", "lookupField", "prefix", "fields", "executionOrder"}, required: []string{"sourceField", "lookupField"}, plan: planLookup},
		"summarize":      {maxPos: -1, named: []string{"by"}, plan: planSummarize},
		"makeTimeseries": {minPos: 1, maxPos: -1, named: []string{"by", "interval", "bins", "from", "to", "timeframe", "time", "spread", "nonempty"}, plan: planTimeseries},
		"fieldsSummary":  {minPos: 1, maxPos: -1, named: []string{"topValues", "extrapolateSamples"}, plan: planFieldsSummary},
	}
}

// CommandNames returns the names of the supported commands (for completion).
func CommandNames() []string {
	out := make([]string, 0, len(commands))
	for n := range commands {
		out = append(out, n)
	}
	return out
}

// CommandParams returns the named parameters of a command (for completion).
func CommandParams(name string) []string { return commands[name].named }

func (pl *planner) params(cmd *syntax.Command, spec cmdSpec) args {
	a := args{named: map[string]*syntax.Param{}}
	for _, p := range cmd.Params {
		if p.Name == "" {
			if g, ok := p.Value.(*syntax.Group); ok && cmd.Name != "data" {
				a.pos = append(a.pos, g.Items...)
				continue
			}
			a.pos = append(a.pos, p.Value)
			continue
		}
		known := false
		for _, n := range spec.named {
			if n == p.Name {
				known = true
			}
		}
		if !known {
			pl.errorf(p.NamePos, "unknown parameter %q for %s%s", p.Name, cmd.Name, suggest(p.Name, spec.named))
			continue
		}
		if _, dup := a.named[p.Name]; dup {
			pl.errorf(p.NamePos, "parameter %q given twice", p.Name)
			continue
		}
		a.named[p.Name] = p
	}
	if len(a.pos) < spec.minPos {
		pl.errorf(cmd.NamePos, "%s needs %s", cmd.Name, plural(spec.minPos, "parameter"))
	}
	if spec.maxPos >= 0 && len(a.pos) > spec.maxPos {
		pl.errorf(a.pos[spec.maxPos].Pos(), "too many parameters for %s", cmd.Name)
		a.pos = a.pos[:spec.maxPos]
	}
	for _, r := range spec.required {
		if !a.has(r) {
			pl.errorf(cmd.NamePos, "%s needs the parameter %q", cmd.Name, r+":")
		}
	}
	return a
}

// DataStep yields constant records: data record(...), … or data json:"…".
type DataStep struct {
	base
	Records []*value.Record
}

func planData(pl *planner, cmd *syntax.Command, a args) Step {
	s := &DataStep{base: base{cmd}}
	js, hasJSON := a.named["json"]
	if hasJSON && len(a.pos) > 0 {
		pl.errorf(cmd.NamePos, "data takes records or json:, not both")
		return nil
	}
	if !hasJSON && len(a.pos) == 0 {
		pl.errorf(cmd.NamePos, "data needs records (record(...)) or json:")
		return nil
	}
	if hasJSON {
		v, _, ok := pl.constValue(js.Value, "json:")
		if !ok {
			return nil
		}
		text, isStr := v.Str()
		if !isStr {
			pl.errorf(js.Value.Pos(), "json: must be a string")
			return nil
		}
		parsed, ok := value.ParseJSON(text)
		if !ok {
			pl.errorf(js.Value.Pos(), "json: the string is not valid JSON")
			return nil
		}
		if rec, ok := parsed.Record(); ok {
			s.Records = append(s.Records, materialize(rec))
			return s
		}
		arr, ok := parsed.Array()
		if !ok {
			pl.errorf(js.Value.Pos(), "json: must hold an object or an array of objects")
			return nil
		}
		for _, e := range arr {
			rec, ok := e.Record()
			if !ok {
				pl.errorf(js.Value.Pos(), "json: every array element must be an object")
				return nil
			}
			s.Records = append(s.Records, materialize(rec))
		}
		return s
	}
	for _, n := range a.pos {
		call, ok := n.(*syntax.Call)
		if !ok || call.Name != "record" {
			pl.errorf(n.Pos(), "data takes record(...) expressions, found %s", n.String())
			continue
		}
		v, _, ok := pl.constValue(n, "a data record")
		if !ok {
			continue
		}
		rec, _ := v.Record()
		s.Records = append(s.Records, rec)
	}
	return s
}

// materialize copies a record into one its owner may change.
func materialize(r *value.Record) *value.Record {
	out := value.NewRecord(r.Len())
	r.Range(func(n string, v value.Value) bool { out.Set(n, v); return true })
	return out
}

// FetchStep reads `logs` from the Source for [From, To) and the buckets.
type FetchStep struct {
	base
	From, To int64
	Buckets  []string // nil: all
	Warnings []string
}

func planFetch(pl *planner, cmd *syntax.Command, a args) Step {
	s := &FetchStep{base: base{cmd}, From: pl.from, To: pl.to}
	if len(a.pos) == 1 {
		id, ok := a.pos[0].(*syntax.Ident)
		if !ok || id.Name != "logs" {
			pl.errorf(a.pos[0].Pos(), "unknown data object %s: trailbook can fetch logs", a.pos[0].String())
		}
	}
	if tf, ok := a.named["timeframe"]; ok {
		if a.has("from") || a.has("to") {
			pl.errorf(tf.NamePos, "timeframe: cannot be combined with from: or to:")
		}
		s.From, s.To, _ = pl.timeframeValue(tf.Value)
	}
	if p, ok := a.named["from"]; ok {
		s.From, _ = pl.timeValue(p.Value, "from:")
		if !a.has("to") {
			s.To = pl.env.Now
		}
	}
	if p, ok := a.named["to"]; ok {
		s.To, _ = pl.timeValue(p.Value, "to:")
	}
	if p, ok := a.named["bucket"]; ok {
		var items []syntax.Node
		if g, ok := p.Value.(*syntax.Group); ok {
			items = g.Items
		} else {
			items = []syntax.Node{p.Value}
		}
		s.Buckets = []string{}
		for _, it := range items {
			switch it := it.(type) {
			case *syntax.Ident:
				s.Buckets = append(s.Buckets, it.Name)
			case *syntax.Literal:
				if str, ok := it.Val.Str(); ok {
					s.Buckets = append(s.Buckets, str)
					continue
				}
				pl.errorf(it.Pos(), "bucket: takes bucket names")
			default:
				pl.errorf(it.Pos(), "bucket: takes bucket names")
			}
		}
	}
	if a.has("timeframe") || a.has("from") || a.has("to") {
		pl.fetch = s
	}
	for _, name := range []string{"samplingRatio", "scanLimitGBytes"} {
		if a.has(name) {
			s.Warnings = append(s.Warnings, name+": is accepted and ignored by trailbook")
		}
	}
	return s
}

// FilterStep keeps (or, with Out, drops) the records whose condition is true.
type FilterStep struct {
	base
	Cond *Expr
	Out  bool
}

func planFilter(pl *planner, cmd *syntax.Command, a args) Step {
	if len(a.pos) == 0 {
		return nil
	}
	c := pl.compiler()
	x := c.expr(a.pos[0])
	c.checkValue(x)
	if x.Known && x.Kind != value.KindBoolean && x.Kind != value.KindNull {
		pl.errorf(a.pos[0].Pos(), "%s needs a boolean condition, found %s", cmd.Name, describe(x))
	}
	return &FilterStep{base: base{cmd}, Cond: x, Out: cmd.Name == "filterOut"}
}

// SearchStep keeps the records that satisfy a search condition (spec/dql.md §7.2).
type SearchStep struct {
	base
	Cond *Expr
}

func planSearch(pl *planner, cmd *syntax.Command, a args) Step {
	if len(a.pos) == 0 {
		return nil
	}
	c := pl.compiler()
	x := c.searchCond(a.pos[0])
	return &SearchStep{base: base{cmd}, Cond: x}
}

// searchCond compiles a search condition: a bare string searches every field.
func (c *compiler) searchCond(n syntax.Node) *Expr {
	switch n := n.(type) {
	case *syntax.Literal:
		if s, ok := n.Val.Str(); ok {
			m, err := newSearchMatcher(s)
			if err != nil {
				c.errorf(n.Pos(), "%v", err)
				return failed(n)
			}
			return &Expr{Node: n, Kind: value.KindBoolean, Known: true, Eval: func(_ *Ctx, r *value.Record) value.Value {
				found := false
				r.Range(func(_ string, v value.Value) bool {
					found = m.matchValue(v)
					return !found
				})
				return value.Bool(found)
			}}
		}
	case *syntax.Binary:
		if n.Op == syntax.AND || n.Op == syntax.OR || n.Op == syntax.XOR {
			x, y := c.searchCond(n.X), c.searchCond(n.Y)
			xe, ye := x.Eval, y.Eval
			op := n.Op
			return &Expr{Node: n, Kind: value.KindBoolean, Known: true, Eval: func(cx *Ctx, r *value.Record) value.Value {
				a, b := tri(xe(cx, r)), tri(ye(cx, r))
				switch op {
				case syntax.AND:
					return fromTri(logicAnd(a, b))
				case syntax.OR:
					return fromTri(logicOr(a, b))
				}
				return fromTri(logicXor(a, b))
			}}
		}
	case *syntax.Unary:
		if n.Op == syntax.NOT {
			x := c.searchCond(n.X)
			xe := x.Eval
			return &Expr{Node: n, Kind: value.KindBoolean, Known: true, Eval: func(cx *Ctx, r *value.Record) value.Value {
				if b, ok := xe(cx, r).Bool(); ok {
					return value.Bool(!b)
				}
				return value.Value{}
			}}
		}
	case *syntax.Paren:
		return c.searchCond(n.X)
	}
	return c.expr(n)
}

// FieldsStep is fields (exactly the listed items) or fieldsAdd (Add).
type FieldsStep struct {
	base
	Names []string
	Exprs []*Expr
	Add   bool
}

func planFields(pl *planner, cmd *syntax.Command, a args) Step {
	s := &FieldsStep{base: base{cmd}, Add: cmd.Name == "fieldsAdd"}
	c := pl.compiler()
	for _, n := range a.pos {
		name, x := c.namedItem(n)
		c.checkValue(x)
		s.Names = append(s.Names, name)
		s.Exprs = append(s.Exprs, x)
	}
	return s
}

// KeepStep is fieldsKeep or fieldsRemove (Remove) with names or * patterns.
type KeepStep struct {
	base
	Patterns []string
	Remove   bool
}

func planKeep(pl *planner, cmd *syntax.Command, a args) Step {
	s := &KeepStep{base: base{cmd}, Remove: cmd.Name == "fieldsRemove"}
	for _, n := range a.pos {
		switch n := n.(type) {
		case *syntax.Ident:
			s.Patterns = append(s.Patterns, n.Name)
		case *syntax.Literal:
			if str, ok := n.Val.Str(); ok {
				s.Patterns = append(s.Patterns, str)
				continue
			}
			pl.errorf(n.Pos(), "%s takes field names or \"pattern*\" strings, found %s", cmd.Name, n.String())
		default:
			pl.errorf(n.Pos(), "%s takes field names or \"pattern*\" strings, found %s", cmd.Name, n.String())
		}
	}
	return s
}

// MatchName matches a field name against a fieldsKeep/fieldsRemove pattern.
func MatchName(pattern, name string) bool {
	if !strings.Contains(pattern, "*") {
		return pattern == name
	}
	return wildMatch(pattern, name)
}

// RenameStep renames fields: To[i] = From[i].
type RenameStep struct {
	base
	From, To []string
}

func planRename(pl *planner, cmd *syntax.Command, a args) Step {
	s := &RenameStep{base: base{cmd}}
	for _, n := range a.pos {
		as, ok := n.(*syntax.AssignExpr)
		if !ok {
			pl.errorf(n.Pos(), "fieldsRename takes newName = oldName, found %s", n.String())
			continue
		}
		old, ok := as.Value.(*syntax.Ident)
		if !ok {
			pl.errorf(as.Value.Pos(), "fieldsRename takes a field name on the right of =, found %s", as.Value.String())
			continue
		}
		s.From = append(s.From, old.Name)
		s.To = append(s.To, as.Name)
	}
	return s
}

// FlattenStep is fieldsFlatten.
type FlattenStep struct {
	base
	Field     string
	Prefix    string
	Selected  []string // members to copy (fields:), nil: all
	Aliases   []string
	Depth     int
	HasFields bool
}

func planFlatten(pl *planner, cmd *syntax.Command, a args) Step {
	if len(a.pos) == 0 {
		return nil
	}
	id, ok := a.pos[0].(*syntax.Ident)
	if !ok {
		pl.errorf(a.pos[0].Pos(), "fieldsFlatten takes a field name, found %s", a.pos[0].String())
		return nil
	}
	s := &FlattenStep{base: base{cmd}, Field: id.Name, Prefix: id.Name + ".", Depth: 1}
	if p, ok := a.named["prefix"]; ok {
		if a.has("fields") {
			pl.errorf(p.NamePos, "prefix: and fields: cannot be combined")
		}
		if str, ok := pl.constString(p); ok {
			s.Prefix = str
		}
	}
	if p, ok := a.named["depth"]; ok {
		if n, ok := pl.constLong(p, 1, 10); ok {
			s.Depth = int(n)
		}
	}
	if p, ok := a.named["fields"]; ok {
		s.HasFields = true
		items := []syntax.Node{p.Value}
		if g, ok := p.Value.(*syntax.Group); ok {
			items = g.Items
		}
		for _, it := range items {
			switch it := it.(type) {
			case *syntax.Ident:
				s.Selected = append(s.Selected, it.Name)
				s.Aliases = append(s.Aliases, it.Name)
			case *syntax.AssignExpr:
				src, ok := it.Value.(*syntax.Ident)
				if !ok {
					pl.errorf(it.Value.Pos(), "fields: takes member names")
					continue
				}
				s.Selected = append(s.Selected, src.Name)
				s.Aliases = append(s.Aliases, it.Name)
			default:
				pl.errorf(it.Pos(), "fields: takes member names")
			}
		}
	}
	return s
}

// ParseStep is parse expr, "pattern".
type ParseStep struct {
	base
	Src      *Expr
	Pattern  *dpl.Pattern
	Exports  []string
	Preserve bool
	Prereq   *Expr // nil: always parse
}

func planParse(pl *planner, cmd *syntax.Command, a args) Step {
	if len(a.pos) < 2 {
		return nil
	}
	c := pl.compiler()
	s := &ParseStep{base: base{cmd}, Src: c.expr(a.pos[0])}
	pv, _, ok := pl.constValue(a.pos[1], "the pattern")
	if !ok {
		return nil
	}
	ps, isStr := pv.Str()
	if !isStr {
		pl.errorf(a.pos[1].Pos(), "parse needs a pattern string, found %s", a.pos[1].String())
		return nil
	}
	p, err := dpl.Compile(ps)
	if err != nil {
		pl.patternError(a.pos[1], err)
		return nil
	}
	s.Pattern, s.Exports = p, p.Exports()
	if prm, ok := a.named["preserveFieldsOnFailure"]; ok {
		s.Preserve, _ = pl.constBool(prm)
	}
	if prm, ok := a.named["parsingPrerequisite"]; ok {
		s.Prereq = c.expr(prm.Value)
	}
	return s
}

// SortStep sorts by keys (spec/dql.md §7.5).
type SortStep struct {
	base
	Keys []*Expr
	Desc []bool
}

func (pl *planner) sortKeys(items []syntax.Node) ([]*Expr, []bool) {
	c := pl.compiler()
	var keys []*Expr
	var desc []bool
	for _, it := range items {
		d := false
		if s, ok := it.(*syntax.Sorted); ok {
			it, d = s.X, s.Desc
		}
		x := c.expr(it)
		c.checkValue(x)
		keys = append(keys, x)
		desc = append(desc, d)
	}
	return keys, desc
}

func planSort(pl *planner, cmd *syntax.Command, a args) Step {
	s := &SortStep{base: base{cmd}}
	s.Keys, s.Desc = pl.sortKeys(a.pos)
	return s
}

// LimitStep keeps the first N records.
type LimitStep struct {
	base
	N int64
}

func planLimit(pl *planner, cmd *syntax.Command, a args) Step {
	if len(a.pos) == 0 {
		return nil
	}
	v, _, ok := pl.constValue(a.pos[0], "limit")
	n, isLong := v.Long()
	if ok && (!isLong || n < 0) {
		pl.errorf(a.pos[0].Pos(), "limit needs a whole number ≥ 0, found %s", a.pos[0].String())
	}
	return &LimitStep{base: base{cmd}, N: n}
}

// DedupStep keeps one record per distinct key combination.
type DedupStep struct {
	base
	Keys     []*Expr
	SortKeys []*Expr
	SortDesc []bool
}

func planDedup(pl *planner, cmd *syntax.Command, a args) Step {
	s := &DedupStep{base: base{cmd}}
	c := pl.compiler()
	for _, n := range a.pos {
		x := c.expr(n)
		c.checkValue(x)
		s.Keys = append(s.Keys, x)
	}
	if p, ok := a.named["sort"]; ok {
		items := []syntax.Node{p.Value}
		if g, ok := p.Value.(*syntax.Group); ok {
			items = g.Items
		}
		s.SortKeys, s.SortDesc = pl.sortKeys(items)
	}
	return s
}

// ExpandStep emits one record per element of an array.
type ExpandStep struct {
	base
	Src   *Expr
	Name  string
	Limit int64 // 0: none
}

func planExpand(pl *planner, cmd *syntax.Command, a args) Step {
	if len(a.pos) == 0 {
		return nil
	}
	c := pl.compiler()
	name, x := c.namedItem(a.pos[0])
	s := &ExpandStep{base: base{cmd}, Src: x, Name: name}
	if p, ok := a.named["limit"]; ok {
		s.Limit, _ = pl.constLong(p, 0, math.MaxInt64)
	}
	return s
}

// AppendStep appends the records of a sub-query.
type AppendStep struct {
	base
	Sub *Plan
}

func (pl *planner) subQueryParam(n syntax.Node, cmd string) (*Plan, bool) {
	sq, ok := n.(*syntax.SubQuery)
	if !ok {
		pl.errorf(n.Pos(), "%s needs a sub-query [ … ], found %s", cmd, n.String())
		return nil, false
	}
	pl.depth++
	defer func() { pl.depth-- }()
	return pl.subPlan(sq), true
}

func planAppend(pl *planner, cmd *syntax.Command, a args) Step {
	if len(a.pos) == 0 {
		return nil
	}
	sub, ok := pl.subQueryParam(a.pos[0], "append")
	if !ok {
		return nil
	}
	return &AppendStep{base: base{cmd}, Sub: sub}
}

// patternError reports a DPL error, with the caret inside the pattern literal where the
// literal's text maps one to one onto the pattern (no escapes).
func (pl *planner) patternError(lit syntax.Node, err error) {
	var pe *dpl.Error
	if !errors.As(err, &pe) {
		pl.errorf(lit.Pos(), "invalid pattern: %v", err)
		return
	}
	pos := lit.Pos()
	if l, ok := lit.(*syntax.Literal); ok && !strings.Contains(l.Raw, `\`) {
		open := 1
		if strings.HasPrefix(l.Raw, `"""`) {
			open = 3
		}
		pos += syntax.Pos(open + pe.Offset)
	}
	pl.errorf(pos, "invalid pattern: %s", pe.Msg)
}

package plan

import (
	"time"

	"github.com/trailbook/trailbook/kernel/dql/syntax"
	"github.com/trailbook/trailbook/kernel/dql/value"
)

// JoinStep is join (and joinNested, with Nested) of the input with a sub-query.
type JoinStep struct {
	base
	Sub       *Plan
	Left      []Eval // key of the left record, one per on: condition
	Right     []Eval // key of the right record
	Kind      string // inner, leftOuter, outer
	Prefix    string
	Fields    []string // right fields to add (fields:), nil: all
	Aliases   []string // output name per Fields entry ("" = prefixed)
	Nested    bool
	NestedAs  string
	HasFields bool
}

// sideKey compiles one side of a join condition: left[a][b] or right[a].
func (c *compiler) sideKey(n syntax.Node) (string, Eval, bool) {
	ix, ok := n.(*syntax.Index)
	if !ok || !ix.HasKey {
		return "", nil, false
	}
	var path []string
	cur := syntax.Node(ix)
	for {
		i, ok := cur.(*syntax.Index)
		if !ok {
			break
		}
		if !i.HasKey {
			return "", nil, false
		}
		path = append([]string{i.Key}, path...)
		cur = i.X
	}
	id, ok := cur.(*syntax.Ident)
	if !ok || (id.Name != "left" && id.Name != "right") {
		return "", nil, false
	}
	return id.Name, pathEval(path), true
}

// pathEval reads r[p0][p1]…
func pathEval(path []string) Eval {
	return func(_ *Ctx, r *value.Record) value.Value {
		if r == nil {
			return value.Value{}
		}
		v, _ := r.Get(path[0])
		for _, k := range path[1:] {
			v = member(v, k)
		}
		return v
	}
}

func planJoin(pl *planner, cmd *syntax.Command, a args) Step {
	if len(a.pos) == 0 {
		return nil
	}
	s := &JoinStep{base: base{cmd}, Kind: "inner", Prefix: "right.", Nested: cmd.Name == "joinNested"}
	subNode := a.pos[0]
	if s.Nested {
		as, ok := subNode.(*syntax.AssignExpr)
		if !ok {
			pl.errorf(subNode.Pos(), "joinNested needs alias = [ sub-query ]")
			return nil
		}
		s.NestedAs, subNode = as.Name, as.Value
	}
	sub, ok := pl.subQueryParam(subNode, cmd.Name)
	if !ok {
		return nil
	}
	s.Sub = sub
	c := pl.compiler()
	if p, ok := a.named["on"]; ok {
		conds := []syntax.Node{p.Value}
		if g, ok := p.Value.(*syntax.Group); ok {
			conds = g.Items
		}
		for _, cond := range conds {
			switch cond := cond.(type) {
			case *syntax.Ident:
				s.Left = append(s.Left, pathEval([]string{cond.Name}))
				s.Right = append(s.Right, pathEval([]string{cond.Name}))
				continue
			case *syntax.Binary:
				if cond.Op == syntax.EQ {
					ls, le, ok1 := c.sideKey(cond.X)
					rs, re, ok2 := c.sideKey(cond.Y)
					if ok1 && ok2 && ls != rs {
						if ls == "right" {
							le, re = re, le
						}
						s.Left = append(s.Left, le)
						s.Right = append(s.Right, re)
						continue
					}
				}
			}
			pl.errorf(cond.Pos(), "on: takes a field name or left[a] == right[b], found %s", cond.String())
		}
	}
	if p, ok := a.named["kind"]; ok {
		k := ""
		switch v := p.Value.(type) {
		case *syntax.Ident:
			k = v.Name
		case *syntax.Literal:
			k, _ = v.Val.Str()
		}
		switch k {
		case "inner", "leftOuter", "outer":
			s.Kind = k
		default:
			pl.errorf(p.Value.Pos(), "kind: must be inner, leftOuter or outer, found %s", p.Value.String())
		}
	}
	if p, ok := a.named["prefix"]; ok {
		if str, ok := pl.constString(p); ok {
			s.Prefix = str
		}
	}
	if p, ok := a.named["fields"]; ok {
		s.HasFields = true
		s.Fields, s.Aliases = pl.fieldList(p.Value)
	}
	return s
}

// fieldList reads fields: {a, alias = b}: the source names and the aliases ("" where
// none was given).
func (pl *planner) fieldList(n syntax.Node) (names, aliases []string) {
	items := []syntax.Node{n}
	if g, ok := n.(*syntax.Group); ok {
		items = g.Items
	}
	for _, it := range items {
		switch it := it.(type) {
		case *syntax.Ident:
			names = append(names, it.Name)
			aliases = append(aliases, "")
		case *syntax.AssignExpr:
			src, ok := it.Value.(*syntax.Ident)
			if !ok {
				pl.errorf(it.Value.Pos(), "fields: takes field names")
				continue
			}
			names = append(names, src.Name)
			aliases = append(aliases, it.Name)
		default:
			pl.errorf(it.Pos(), "fields: takes field names, found %s", it.String())
		}
	}
	return names, aliases
}

// LookupStep adds the fields of the first matching record of a sub-query.
type LookupStep struct {
	base
	Sub       *Plan
	Source    *Expr
	Lookup    *Expr
	Prefix    string
	Fields    []string
	Aliases   []string
	HasFields bool
}

func planLookup(pl *planner, cmd *syntax.Command, a args) Step {
	if len(a.pos) == 0 || !a.has("sourceField") || !a.has("lookupField") {
		return nil
	}
	sub, ok := pl.subQueryParam(a.pos[0], "lookup")
	if !ok {
		return nil
	}
	c := pl.compiler()
	s := &LookupStep{base: base{cmd}, Sub: sub, Prefix: "lookup.",
		Source: c.expr(a.named["sourceField"].Value), Lookup: c.expr(a.named["lookupField"].Value)}
	if p, ok := a.named["prefix"]; ok {
		if str, ok := pl.constString(p); ok {
			s.Prefix = str
		}
	}
	if p, ok := a.named["fields"]; ok {
		s.HasFields = true
		s.Fields, s.Aliases = pl.fieldList(p.Value)
	}
	return s
}

// SummarizeStep groups records and aggregates (spec/dql.md §8).
type SummarizeStep struct {
	base
	ByNames []string
	By      []*Expr
	Names   []string
	Items   []*Expr // evaluated with Ctx.Aggs set to the group's results
	Aggs    []*AggCall
}

// byItems compiles by: {…}.
func (pl *planner) byItems(p *syntax.Param) (names []string, exprs []*Expr) {
	if p == nil {
		return nil, nil
	}
	items := []syntax.Node{p.Value}
	if g, ok := p.Value.(*syntax.Group); ok {
		items = g.Items
	}
	c := pl.compiler()
	for _, it := range items {
		name, x := c.namedItem(it)
		c.checkValue(x)
		names = append(names, name)
		exprs = append(exprs, x)
	}
	return names, exprs
}

func planSummarize(pl *planner, cmd *syntax.Command, a args) Step {
	s := &SummarizeStep{base: base{cmd}}
	s.ByNames, s.By = pl.byItems(a.named["by"])
	if len(a.pos) == 0 && len(s.By) == 0 {
		pl.errorf(cmd.NamePos, "summarize needs an aggregation or by:")
		return nil
	}
	scope := &aggScope{}
	c := pl.compiler()
	c.aggs = scope
	for _, n := range a.pos {
		name, x := c.namedItem(n)
		s.Names = append(s.Names, name)
		s.Items = append(s.Items, x)
	}
	s.Aggs = scope.calls
	return s
}

// TimeseriesStep is makeTimeseries (spec/dql.md §9).
type TimeseriesStep struct {
	base
	Start, End int64 // aligned timeframe [S', E')
	Interval   int64
	Slots      int
	ByNames    []string
	By         []*Expr
	Names      []string
	Aggs       []*AggCall // one per name
	Time       *Expr      // nil: timestamp, else start_time
	Spread     *Expr
	Nonempty   bool
}

// tsAggs are the aggregations makeTimeseries allows.
var tsAggs = map[string]bool{"count": true, "countIf": true, "sum": true, "avg": true, "min": true, "max": true,
	"median": true, "percentile": true, "countDistinctExact": true, "countDistinctApprox": true, "countDistinct": true}

// wellKnown are the makeTimeseries intervals below one day.
var wellKnown = []time.Duration{
	time.Minute, 2 * time.Minute, 3 * time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute,
	time.Hour, 2 * time.Hour, 3 * time.Hour, 4 * time.Hour, 6 * time.Hour, 8 * time.Hour, 12 * time.Hour, 24 * time.Hour,
}

// maxSlots is the most slots a series may have before a larger interval is chosen.
const maxSlots = 1500

// chooseInterval returns the smallest well-known interval ≥ want that yields at most
// maxSlots slots over span; ok is false above 30 days.
func chooseInterval(want, span int64) (int64, bool) {
	next := func(i int64) int64 {
		for _, w := range wellKnown {
			if int64(w) >= i {
				return int64(w)
			}
		}
		day := int64(24 * time.Hour)
		return (i + day - 1) / day * day
	}
	iv := next(want)
	for {
		if iv > int64(30*24*time.Hour) {
			return 0, false
		}
		if span/iv <= maxSlots && (span%iv == 0 || span/iv+1 <= maxSlots) {
			return iv, true
		}
		iv = next(iv + 1)
	}
}

func planTimeseries(pl *planner, cmd *syntax.Command, a args) Step {
	s := &TimeseriesStep{base: base{cmd}}
	s.ByNames, s.By = pl.byItems(a.named["by"])
	scope := &aggScope{timeseries: true}
	c := pl.compiler()
	c.aggs = scope
	for _, n := range a.pos {
		name, x := c.namedItem(n)
		node := n
		if as, ok := n.(*syntax.AssignExpr); ok {
			node = as.Value
		}
		call, ok := node.(*syntax.Call)
		if !ok || !tsAggs[call.Name] {
			pl.errorf(node.Pos(), "makeTimeseries takes aggregations such as count() or avg(x), found %s", node.String())
			continue
		}
		_ = x
		s.Names = append(s.Names, name)
	}
	s.Aggs = scope.calls
	if len(s.Aggs) != len(s.Names) {
		return nil
	}
	// 1. The requested timeframe.
	qFrom, qTo := pl.from, pl.to
	if f := pl.fetchFrame(); f != nil {
		qFrom, qTo = f.From, f.To
	}
	start, end := qFrom, qTo
	if p, ok := a.named["timeframe"]; ok {
		start, end, _ = pl.timeframeValue(p.Value)
	} else {
		if p, ok := a.named["from"]; ok {
			start, _ = pl.timeValue(p.Value, "from:")
		}
		if p, ok := a.named["to"]; ok {
			end, _ = pl.timeValue(p.Value, "to:")
		}
	}
	if end <= start {
		pl.errorf(cmd.NamePos, "makeTimeseries: the timeframe is empty")
		return nil
	}
	// 2.–3. The interval.
	want := (end - start) / 120
	if p, ok := a.named["interval"]; ok {
		if a.has("bins") {
			pl.errorf(p.NamePos, "interval: and bins: cannot be combined")
		}
		v, _, ok := pl.constValue(p.Value, "interval:")
		d, isDur := v.Duration()
		if ok && (!isDur || d <= 0) {
			pl.errorf(p.Value.Pos(), "interval: must be a positive duration")
			return nil
		}
		want = d
	} else if p, ok := a.named["bins"]; ok {
		v, _, ok := pl.constValue(p.Value, "bins:")
		n, isLong := v.Long()
		if ok && (!isLong || n <= 0) {
			pl.errorf(p.Value.Pos(), "bins: must be a positive number")
			return nil
		}
		want = (end - start) / n
	}
	iv, ok := chooseInterval(want, end-start)
	if !ok {
		pl.errorf(cmd.NamePos, "makeTimeseries: the interval would exceed 30 days")
		return nil
	}
	// 4. Alignment to the first midnight at or after the end.
	loc := pl.env.Loc
	et := time.Unix(0, end).In(loc)
	anchor := time.Date(et.Year(), et.Month(), et.Day(), 0, 0, 0, 0, loc)
	if anchor.UnixNano() < end {
		anchor = anchor.AddDate(0, 0, 1)
	}
	A := anchor.UnixNano()
	kEnd := (A - end) / iv // boundaries A - k·I ≥ end: the largest such k
	s.End = A - kEnd*iv
	kStart := (A - start + iv - 1) / iv // smallest k with A - k·I ≤ start
	s.Start = A - kStart*iv
	s.Interval = iv
	s.Slots = int((s.End - s.Start) / iv)
	if p, ok := a.named["time"]; ok {
		if a.has("spread") {
			pl.errorf(p.NamePos, "time: and spread: cannot be combined")
		}
		s.Time = pl.compiler().expr(p.Value)
	}
	if p, ok := a.named["spread"]; ok {
		s.Spread = pl.compiler().expr(p.Value)
		for _, ag := range s.Aggs {
			if ag.Agg.Name != "count" && ag.Agg.Name != "countIf" {
				pl.errorf(p.NamePos, "spread: works only with count() and countIf()")
			}
		}
	}
	if p, ok := a.named["nonempty"]; ok {
		s.Nonempty, _ = pl.constBool(p)
	}
	return s
}

// FieldsSummaryStep is fieldsSummary (spec/dql.md §7.13).
type FieldsSummaryStep struct {
	base
	Fields    []string
	TopValues int
}

func planFieldsSummary(pl *planner, cmd *syntax.Command, a args) Step {
	s := &FieldsSummaryStep{base: base{cmd}, TopValues: 20}
	for _, n := range a.pos {
		id, ok := n.(*syntax.Ident)
		if !ok {
			pl.errorf(n.Pos(), "fieldsSummary takes field names, found %s", n.String())
			continue
		}
		s.Fields = append(s.Fields, id.Name)
	}
	if p, ok := a.named["topValues"]; ok {
		if n, ok := pl.constLong(p, 1, 1<<20); ok {
			s.TopValues = int(n)
		}
	}
	return s
}

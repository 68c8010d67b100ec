package plan

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/trailbook/trailbook/kernel/dpl"
	"github.com/trailbook/trailbook/kernel/dql/funcs"
	"github.com/trailbook/trailbook/kernel/dql/syntax"
	"github.com/trailbook/trailbook/kernel/dql/value"
)

// call compiles a function call: special forms first, then aggregations, then the
// function table of package funcs.
func (c *compiler) call(n *syntax.Call) *Expr {
	switch n.Name {
	case "iAny":
		return c.iterative(n, anyIter)
	case "iCollectArray":
		return c.iterative(n, collectIter)
	case "iIndex":
		if len(n.Args) != 0 {
			c.errorf(n.NamePos, "iIndex takes no arguments")
		}
		if c.frame == nil {
			c.errorf(n.NamePos, "iIndex() can only be used inside an iterative expression")
			return failed(n)
		}
		c.frame.used = true
		return &Expr{Node: n, Kind: value.KindLong, Known: true, iter: true, Eval: func(cx *Ctx, _ *value.Record) value.Value {
			if cx.cur == nil {
				return value.Value{}
			}
			return value.Long(int64(cx.idx))
		}}
	case "exists":
		if len(n.Args) != 1 {
			c.errorf(n.NamePos, "exists takes one field name")
			return failed(n)
		}
		id, ok := n.Args[0].Value.(*syntax.Ident)
		if !ok {
			c.errorf(n.Args[0].Value.Pos(), "exists takes a field name, found %s", n.Args[0].Value.String())
			return failed(n)
		}
		name := id.Name
		return &Expr{Node: n, Kind: value.KindBoolean, Known: true, Eval: func(_ *Ctx, r *value.Record) value.Value {
			return value.Bool(r != nil && r.Has(name))
		}}
	case "record":
		return c.recordCall(n)
	case "parse", "parseAll", "matchesPattern", "replacePattern", "splitByPattern":
		return c.patternCall(n)
	}
	if agg, ok := funcs.LookupAgg(n.Name); ok {
		return c.aggCall(n, agg)
	}
	f, ok := funcs.Lookup(n.Name)
	if !ok {
		if funcs.Unsupported(n.Name) {
			c.errorf(n.NamePos, "function %q is not supported by trailbook", n.Name)
		} else {
			names := append(funcs.Names(), funcs.AggNames()...)
			names = append(names, "iAny", "iCollectArray", "iIndex", "exists", "record", "parse", "parseAll", "matchesPattern", "replacePattern", "splitByPattern")
			c.errorf(n.NamePos, "unknown function %q%s", n.Name, suggest(n.Name, names))
		}
		c.compileArgsForErrors(n)
		return failed(n)
	}
	return c.funcCall(n, f)
}

// compileArgsForErrors compiles arguments only to report their errors too.
func (c *compiler) compileArgsForErrors(n *syntax.Call) {
	for _, a := range n.Args {
		if _, ok := a.Value.(*syntax.SubQuery); !ok {
			c.node(a.Value)
		}
	}
}

// bound is a call's arguments matched to parameters.
type bound struct {
	fixed    []*Expr // one per non-variadic param, nil where omitted
	variadic []*Expr
}

// bind matches positional and named arguments to params (spec/dql.md §4.10).
func (c *compiler) bind(n *syntax.Call, params []funcs.Param) (bound, bool) {
	// A scalar function's arguments belong to the enclosing iteration (toLong(a[])
	// converts each element); an aggregation's arguments are an iteration of their own
	// (sum(a[]) aggregates element-wise).
	compile := c.node
	if c.inAggArg {
		compile = c.expr
	}
	var b bound
	var fixedParams []funcs.Param
	varIdx := -1
	for i, p := range params {
		if p.Variadic {
			varIdx = i
			continue
		}
		fixedParams = append(fixedParams, p)
	}
	b.fixed = make([]*Expr, len(fixedParams))
	ok := true
	pos := 0
	// Positional arguments fill the required params before the variadic one, then the
	// variadic one, then optional params in order.
	for _, a := range n.Args {
		if a.Name != "" {
			continue
		}
		x := compile(a.Value)
		placed := false
		for pos < len(fixedParams) {
			fp := fixedParams[pos]
			if varIdx >= 0 && paramIndex(params, fp.Name) > varIdx {
				break
			}
			if b.fixed[pos] == nil {
				b.fixed[pos] = x
				pos++
				placed = true
				break
			}
			pos++
		}
		if placed {
			continue
		}
		if varIdx >= 0 {
			b.variadic = append(b.variadic, x)
			continue
		}
		c.errorf(a.Value.Pos(), "too many arguments for %s: it takes %s", n.Name, arity(params))
		ok = false
	}
	for _, a := range n.Args {
		if a.Name == "" {
			continue
		}
		idx := -1
		for i, fp := range fixedParams {
			if fp.Name == a.Name {
				idx = i
			}
		}
		if idx < 0 {
			if varIdx >= 0 && params[varIdx].Name == a.Name {
				b.variadic = append(b.variadic, compile(a.Value))
				continue
			}
			c.errorf(a.NamePos, "unknown parameter %q for %s%s", a.Name, n.Name, suggest(a.Name, paramNames(params)))
			ok = false
			continue
		}
		if b.fixed[idx] != nil {
			c.errorf(a.NamePos, "parameter %q given twice", a.Name)
			ok = false
			continue
		}
		b.fixed[idx] = compile(a.Value)
	}
	for i, fp := range fixedParams {
		if b.fixed[i] == nil && !fp.Optional {
			c.errorf(n.NamePos, "%s needs the argument %q (%s)", n.Name, fp.Name, arity(params))
			ok = false
		}
	}
	if varIdx >= 0 && len(b.variadic) == 0 && !params[varIdx].Optional {
		c.errorf(n.NamePos, "%s needs at least one %q argument", n.Name, params[varIdx].Name)
		ok = false
	}
	for _, x := range append(append([]*Expr{}, b.fixed...), b.variadic...) {
		if x != nil {
			c.checkValue(x)
		}
	}
	return b, ok
}

func paramIndex(params []funcs.Param, name string) int {
	for i, p := range params {
		if p.Name == name {
			return i
		}
	}
	return -1
}

func paramNames(params []funcs.Param) []string {
	out := make([]string, len(params))
	for i, p := range params {
		out[i] = p.Name
	}
	return out
}

func arity(params []funcs.Param) string {
	req, opt, variadic := 0, 0, false
	for _, p := range params {
		switch {
		case p.Variadic:
			variadic = true
		case p.Optional:
			opt++
		default:
			req++
		}
	}
	switch {
	case variadic:
		return "a variable number of arguments"
	case opt == 0:
		return plural(req, "argument")
	}
	return plural(req, "argument") + " and " + plural(opt, "optional one")
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}

// layout arranges bound arguments as funcs expects them: the non-variadic params in
// Params order (defaults where omitted), then the variadic values.
func layout(params []funcs.Param, b bound) (exprs []*Expr, defaults []value.Value) {
	i := 0
	for _, p := range params {
		if p.Variadic {
			continue
		}
		exprs = append(exprs, b.fixed[i])
		defaults = append(defaults, p.Default)
		i++
	}
	for _, x := range b.variadic {
		exprs = append(exprs, x)
		defaults = append(defaults, value.Value{})
	}
	return exprs, defaults
}

func (c *compiler) funcCall(n *syntax.Call, f *funcs.Func) *Expr {
	b, ok := c.bind(n, f.Params)
	if !ok {
		return failed(n)
	}
	exprs, defaults := layout(f.Params, b)
	required := make([]bool, len(exprs))
	{
		i := 0
		for _, p := range f.Params {
			if p.Variadic {
				continue
			}
			required[i] = !p.Optional
			i++
		}
		for ; i < len(exprs); i++ {
			required[i] = !paramsVariadicOptional(f.Params)
		}
	}
	call := f.Call
	consts := make([]value.Value, len(exprs))
	isConst := make([]bool, len(exprs))
	for i, x := range exprs {
		if x == nil {
			consts[i], isConst[i] = defaults[i], true
		} else if x.Const {
			consts[i], isConst[i] = x.Val, true
		}
	}
	if f.Prepare != nil {
		prepared, err := f.Prepare(consts, isConst)
		if err != nil {
			c.errorf(n.NamePos, "%s: %v", n.Name, err)
			return failed(n)
		}
		if prepared != nil {
			call = prepared
		}
	}
	evals := make([]Eval, len(exprs))
	var ins []*Expr
	for i, x := range exprs {
		if x == nil {
			d := defaults[i]
			evals[i] = func(*Ctx, *value.Record) value.Value { return d }
			continue
		}
		evals[i] = x.Eval
		ins = append(ins, x)
	}
	nullIn := f.NullIn
	out := &Expr{Node: n, Eval: func(cx *Ctx, r *value.Record) value.Value {
		args := make([]value.Value, len(evals))
		for i, e := range evals {
			args[i] = e(cx, r)
			if !nullIn && required[i] && args[i].IsNull() {
				return value.Value{}
			}
		}
		return call(cx.Env, args)
	}}
	return c.fold(out, ins...)
}

func paramsVariadicOptional(params []funcs.Param) bool {
	for _, p := range params {
		if p.Variadic {
			return p.Optional
		}
	}
	return false
}

// recordCall compiles record(k = v, …) or record({k = v, …}).
func (c *compiler) recordCall(n *syntax.Call) *Expr {
	var items []syntax.Node
	for _, a := range n.Args {
		if a.Name != "" {
			c.errorf(a.NamePos, "record members are written name = value, found %q", a.Name+":")
			continue
		}
		if g, ok := a.Value.(*syntax.Group); ok {
			items = append(items, g.Items...)
			continue
		}
		items = append(items, a.Value)
	}
	names := make([]string, len(items))
	exprs := make([]*Expr, len(items))
	for i, it := range items {
		names[i], exprs[i] = c.namedItem(it)
	}
	out := &Expr{Node: n, Kind: value.KindRecord, Known: true, Eval: func(cx *Ctx, r *value.Record) value.Value {
		rec := value.NewRecord(len(exprs))
		for i, x := range exprs {
			rec.Set(names[i], x.Eval(cx, r))
		}
		return value.Rec(rec)
	}}
	return c.fold(out, exprs...)
}

// namedItem compiles `name = expr` or `expr` (named by §5.2).
func (c *compiler) namedItem(n syntax.Node) (string, *Expr) {
	if a, ok := n.(*syntax.AssignExpr); ok {
		return a.Name, c.expr(a.Value)
	}
	x := c.expr(n)
	return defaultName(n, x), x
}

// defaultName is the field name of an unnamed expression (spec/dql.md §5.2).
func defaultName(n syntax.Node, x *Expr) string {
	if id, ok := n.(*syntax.Ident); ok {
		return id.Name
	}
	if x != nil && x.Name != "" && x.Field == "" {
		return x.Name
	}
	return n.String()
}

// patternCall compiles the DPL functions: the pattern must be a constant string.
func (c *compiler) patternCall(n *syntax.Call) *Expr {
	want := 2
	if n.Name == "replacePattern" {
		want = 3
	}
	if len(n.Args) != want {
		c.errorf(n.NamePos, "%s takes %d arguments", n.Name, want)
		return failed(n)
	}
	for _, a := range n.Args {
		if a.Name != "" {
			c.errorf(a.NamePos, "unknown parameter %q for %s", a.Name, n.Name)
			return failed(n)
		}
	}
	src := c.expr(n.Args[0].Value)
	pat := c.expr(n.Args[1].Value)
	ps, ok := pat.Val.Str()
	if !pat.Const || !ok {
		c.errorf(n.Args[1].Value.Pos(), "%s needs a constant pattern string", n.Name)
		return failed(n)
	}
	p, err := dpl.Compile(ps)
	if err != nil {
		c.pl.patternError(n.Args[1].Value, err)
		return failed(n)
	}
	exports := p.Exports()
	se := src.Eval
	out := &Expr{Node: n}
	switch n.Name {
	case "parse":
		if len(exports) == 1 {
			out.Name = exports[0]
		} else {
			out.Name = "parsed_record"
		}
		out.Eval = func(cx *Ctx, r *value.Record) value.Value {
			s, ok := se(cx, r).Str()
			if !ok {
				return value.Value{}
			}
			vals, ok := p.Parse(s)
			if !ok {
				return value.Value{}
			}
			return exportValue(exports, vals)
		}
	case "parseAll":
		if len(exports) == 1 {
			out.Name = exports[0]
		} else {
			out.Name = "parsed_records"
		}
		out.Eval = func(cx *Ctx, r *value.Record) value.Value {
			s, ok := se(cx, r).Str()
			if !ok {
				return value.Value{}
			}
			res := []value.Value{}
			p.Scan(s, func(_, _ int, vals []value.Value) bool {
				res = append(res, exportValue(exports, vals))
				return true
			})
			return value.Array(res)
		}
	case "matchesPattern":
		out.Kind, out.Known = value.KindBoolean, true
		out.Eval = func(cx *Ctx, r *value.Record) value.Value {
			s, ok := se(cx, r).Str()
			if !ok {
				return value.Value{}
			}
			return value.Bool(p.Match(s))
		}
	case "replacePattern":
		repl := c.expr(n.Args[2].Value)
		re := repl.Eval
		out.Eval = func(cx *Ctx, r *value.Record) value.Value {
			s, ok := se(cx, r).Str()
			rs, ok2 := re(cx, r).Str()
			if !ok || !ok2 {
				return value.Value{}
			}
			var b strings.Builder
			last := 0
			p.Scan(s, func(start, end int, _ []value.Value) bool {
				b.WriteString(s[last:start])
				b.WriteString(rs)
				last = end
				return true
			})
			b.WriteString(s[last:])
			return value.String(b.String())
		}
		return c.fold(out, src, repl)
	case "splitByPattern":
		out.Eval = func(cx *Ctx, r *value.Record) value.Value {
			s, ok := se(cx, r).Str()
			if !ok {
				return value.Value{}
			}
			if s == "" {
				return value.Array(nil)
			}
			var parts []value.Value
			last := 0
			p.Scan(s, func(start, end int, _ []value.Value) bool {
				parts = append(parts, value.String(s[last:start]))
				last = end
				return true
			})
			parts = append(parts, value.String(s[last:]))
			return value.Array(parts)
		}
	}
	return c.fold(out, src)
}

// exportValue is a pattern's result: the single export's value, or a record.
func exportValue(exports []string, vals []value.Value) value.Value {
	if len(exports) == 1 {
		return vals[0]
	}
	rec := value.NewRecord(len(exports))
	for i, name := range exports {
		rec.Append(name, vals[i])
	}
	return value.Rec(rec)
}

// align compiles x @ unit (spec/dql.md §4.7).
func (c *compiler) align(n *syntax.Align) *Expr {
	factor, unitNs, calUnit, weekStart, err := parseAlignUnit(n.Unit)
	if err != nil {
		c.errorf(n.At, "%v", err)
		return failed(n)
	}
	var base *Expr
	if n.X != nil {
		base = c.node(n.X)
	}
	loc := c.pl.env.Loc
	if loc == nil {
		loc = time.UTC
	}
	out := &Expr{Node: n, Kind: value.KindTimestamp, Known: true, Eval: func(cx *Ctx, r *value.Record) value.Value {
		t := cx.Env.Now
		if base != nil {
			v := base.Eval(cx, r)
			switch {
			case base.cal != nil && base.cal.unit != 'd':
				t = funcs.AddCalendar(cx.Env.Now, base.cal.n, base.cal.unit, loc)
			case v.Kind() == value.KindTimestamp:
				t, _ = v.Timestamp()
			case v.Kind() == value.KindDuration:
				d, _ := v.Duration()
				t = cx.Env.Now + d
			default:
				return value.Value{}
			}
		}
		if calUnit != 0 {
			return value.Timestamp(funcs.AlignCalendar(t, calUnit, weekStart, loc))
		}
		size := factor * unitNs
		_, off := time.Unix(0, t).In(loc).Zone()
		local := t + int64(off)*int64(time.Second)
		aligned := local - mod(local, size)
		return value.Timestamp(aligned - int64(off)*int64(time.Second))
	}}
	if base == nil {
		return c.fold(out)
	}
	return c.fold(out, base)
}

func mod(a, b int64) int64 {
	m := a % b
	if m < 0 {
		m += b
	}
	return m
}

// parseAlignUnit reads "h", "3h", "15m", "w1", "d", "M".
func parseAlignUnit(s string) (factor, unitNs int64, cal byte, weekStart int, err error) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	factor = 1
	if i > 0 {
		factor, _ = strconv.ParseInt(s[:i], 10, 64)
	}
	unit := s[i:]
	weekStart = 1
	if len(unit) == 2 && unit[0] == 'w' && unit[1] >= '0' && unit[1] <= '7' {
		weekStart = int(unit[1] - '0')
		if weekStart == 0 {
			weekStart = 7
		}
		unit = "w"
	}
	ns, calendar, ok := funcs.ParseDurationUnit(unit)
	if !ok {
		return 0, 0, 0, 0, fmt.Errorf("unknown time unit %q after @", s)
	}
	if calendar || unit == "d" || unit == "day" || unit == "days" {
		if factor != 1 {
			return 0, 0, 0, 0, fmt.Errorf("alignment @%s: a calendar unit takes no factor", s)
		}
		cu := unit[0]
		if ns == 24*int64(time.Hour) {
			cu = 'd'
		}
		return 1, 0, cu, weekStart, nil
	}
	var next int64
	switch {
	case ns >= int64(time.Hour):
		next = 24
	case ns >= int64(time.Second):
		next = 60
	default:
		next = 1000
	}
	if factor <= 0 || next%factor != 0 {
		return 0, 0, 0, 0, fmt.Errorf("alignment @%s: the factor must divide %d", s, next)
	}
	return factor, ns, 0, weekStart, nil
}

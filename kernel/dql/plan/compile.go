package plan

import (
	"fmt"
	"strings"

	"github.com/trailbook/trailbook/kernel/dql/funcs"
	"github.com/trailbook/trailbook/kernel/dql/syntax"
	"github.com/trailbook/trailbook/kernel/dql/value"
)

// compiler turns expressions into Evals, collecting static errors.
type compiler struct {
	pl    *planner
	frame *iterFrame // innermost iteration being compiled, nil outside
	aggs  *aggScope  // non-nil where aggregation functions are allowed
	// inAggArg is set while compiling an aggregation's arguments.
	inAggArg bool
	// constOnly rejects field references (data record(...)).
	constOnly bool
}

// iterFrame collects the `x[]` sources of one iterative expression.
type iterFrame struct {
	sources []Eval
	used    bool // iIndex() seen
}

func (c *compiler) errorf(pos syntax.Pos, format string, args ...any) {
	c.pl.errs = append(c.pl.errs, syntax.Errorf(pos, format, args...))
}

// failed returns a placeholder so compilation can go on after an error.
func failed(n syntax.Node) *Expr { return constExpr(n, value.Value{}) }

// expr compiles a value-producing expression. An iteration not wrapped in an
// iterative function becomes iCollectArray (spec/dql.md §4.9).
func (c *compiler) expr(n syntax.Node) *Expr {
	outer := c.frame
	fr := &iterFrame{}
	c.frame = fr
	x := c.node(n)
	c.frame = outer
	if fr.used && len(fr.sources) == 0 {
		c.errorf(n.Pos(), "iIndex() can only be used inside an iterative expression")
	}
	if len(fr.sources) > 0 {
		w := c.wrapIter(x, fr, collectIter)
		w.elementwise = true
		return w
	}
	return x
}

// node compiles n in the current iteration frame.
func (c *compiler) node(n syntax.Node) *Expr {
	switch n := n.(type) {
	case *syntax.Literal:
		return c.literal(n)
	case *syntax.Ident:
		return c.ident(n)
	case *syntax.Paren:
		x := c.node(n.X)
		out := *x
		out.Node = n
		out.Field, out.Path = "", nil
		return &out
	case *syntax.Unary:
		return c.unary(n)
	case *syntax.Binary:
		return c.binary(n)
	case *syntax.Call:
		return c.call(n)
	case *syntax.Index:
		return c.index(n)
	case *syntax.Group:
		return c.groupArray(n)
	case *syntax.Align:
		return c.align(n)
	case *syntax.Search:
		return c.search(n)
	case *syntax.InQuery:
		return c.inQuery(n)
	case *syntax.AssignExpr:
		c.errorf(n.Pos(), "unexpected assignment %q here", n.Name+" =")
		return failed(n)
	case *syntax.SubQuery:
		c.errorf(n.Pos(), "a sub-query is not a value here")
		return failed(n)
	case *syntax.Sorted:
		c.errorf(n.Pos(), "unexpected %q here", n.Dir)
		return failed(n)
	}
	c.errorf(n.Pos(), "unexpected %s", n.String())
	return failed(n)
}

func (c *compiler) literal(n *syntax.Literal) *Expr {
	if n.Kind != syntax.LitDuration {
		return constExpr(n, n.Val)
	}
	ns, cal, ok := funcs.ParseDurationUnit(n.Unit)
	if !ok {
		c.errorf(n.At, "unknown time unit %q in %q", n.Unit, n.Raw)
		return failed(n)
	}
	if cal {
		x := constExpr(n, value.Value{})
		x.cal = &calDur{n: n.N, unit: n.Unit[0]}
		x.Kind, x.Known = value.KindDuration, true
		return x
	}
	d, ok := mulLong(n.N, ns)
	if !ok {
		c.errorf(n.At, "duration %q is too large", n.Raw)
		return failed(n)
	}
	x := constExpr(n, value.Duration(d))
	if n.Unit == "d" || n.Unit == "day" || n.Unit == "days" {
		// A day is 24h as a value, a calendar day in timestamp arithmetic.
		x.cal = &calDur{n: n.N, unit: 'd'}
	}
	return x
}

func (c *compiler) ident(n *syntax.Ident) *Expr {
	if c.constOnly {
		c.errorf(n.At, "field %q cannot be used here: only constants and functions are allowed", n.Name)
		return failed(n)
	}
	if c.aggs != nil && !c.inAggArg {
		c.errorf(n.At, "field %q must be inside an aggregation function such as takeAny(%s)", n.Name, syntax.QuoteName(n.Name))
		return failed(n)
	}
	name := n.Name
	return &Expr{Node: n, Name: name, Field: name, Path: []string{name}, Eval: func(_ *Ctx, r *value.Record) value.Value {
		if r == nil {
			return value.Value{}
		}
		v, _ := r.Get(name)
		return v
	}}
}

// checkValue reports a calendar duration used as a plain value.
func (c *compiler) checkValue(x *Expr) {
	if x.cal != nil && x.cal.unit != 'd' {
		c.errorf(x.Node.Pos(), "calendar duration %s can only be added to or subtracted from a timestamp", x.Node.String())
	}
}

func (c *compiler) unary(n *syntax.Unary) *Expr {
	x := c.node(n.X)
	if n.Op == syntax.NOT {
		c.checkBool(x, "not")
		ev := x.Eval
		out := &Expr{Node: n, Kind: value.KindBoolean, Known: true, Eval: func(cx *Ctx, r *value.Record) value.Value {
			v := ev(cx, r)
			if b, ok := v.Bool(); ok {
				return value.Bool(!b)
			}
			return value.Value{}
		}}
		return c.fold(out, x)
	}
	if x.cal != nil {
		out := constExpr(n, negate(x.Val))
		out.cal = &calDur{n: -x.cal.n, unit: x.cal.unit}
		out.Kind, out.Known = value.KindDuration, true
		return out
	}
	ev := x.Eval
	out := &Expr{Node: n, Eval: func(cx *Ctx, r *value.Record) value.Value { return negate(ev(cx, r)) }}
	return c.fold(out, x)
}

// fold evaluates an expression at plan time when all its inputs are constant.
func (c *compiler) fold(out *Expr, in ...*Expr) *Expr {
	out.iter = false
	for _, x := range in {
		if x.iter {
			out.iter = true
		}
		if !x.Const || x.iter {
			return out
		}
	}
	if c.frame != nil && len(c.frame.sources) > 0 && out.iter {
		return out
	}
	v := out.Eval(&Ctx{Env: c.pl.env}, nil)
	folded := constExpr(out.Node, v)
	return folded
}

func (c *compiler) checkBool(x *Expr, op string) {
	if x.Known && x.Kind != value.KindBoolean && x.Kind != value.KindNull {
		c.errorf(x.Node.Pos(), "%s needs a boolean, found %s %s", op, x.Kind, x.Node.String())
	}
}

func (c *compiler) binary(n *syntax.Binary) *Expr {
	x, y := c.node(n.X), c.node(n.Y)
	xe, ye := x.Eval, y.Eval
	out := &Expr{Node: n}
	switch n.Op {
	case syntax.AND, syntax.OR, syntax.XOR:
		c.checkBool(x, n.Op.String())
		c.checkBool(y, n.Op.String())
		out.Kind, out.Known = value.KindBoolean, true
		switch n.Op {
		case syntax.AND:
			out.Eval = func(cx *Ctx, r *value.Record) value.Value {
				a := tri(xe(cx, r))
				if a == 0 {
					return value.False
				}
				return fromTri(logicAnd(a, tri(ye(cx, r))))
			}
		case syntax.OR:
			out.Eval = func(cx *Ctx, r *value.Record) value.Value {
				a := tri(xe(cx, r))
				if a == 1 {
					return value.True
				}
				return fromTri(logicOr(a, tri(ye(cx, r))))
			}
		default:
			out.Eval = func(cx *Ctx, r *value.Record) value.Value {
				return fromTri(logicXor(tri(xe(cx, r)), tri(ye(cx, r))))
			}
		}
	case syntax.EQ, syntax.NE, syntax.LT, syntax.LE, syntax.GT, syntax.GE:
		c.checkValue(x)
		c.checkValue(y)
		op := n.Op
		out.Kind, out.Known = value.KindBoolean, true
		out.Eval = func(cx *Ctx, r *value.Record) value.Value { return compare(op, xe(cx, r), ye(cx, r)) }
	default:
		op := n.Op
		// Timestamp ± calendar duration is calendar arithmetic in the session zone.
		if (op == syntax.PLUS || op == syntax.MINUS) && y.cal != nil {
			cal := *y.cal
			if op == syntax.MINUS {
				cal.n = -cal.n
			}
			loc := c.pl.env.Loc
			fixed := y.Val
			out.Eval = func(cx *Ctx, r *value.Record) value.Value {
				a := xe(cx, r)
				if t, ok := a.Timestamp(); ok {
					return value.Timestamp(funcs.AddCalendar(t, cal.n, cal.unit, loc))
				}
				if cal.unit == 'd' {
					return arith(op, a, fixed)
				}
				return value.Value{}
			}
			return c.fold(out, x, y)
		}
		if op == syntax.PLUS && x.cal != nil {
			cal := *x.cal
			loc := c.pl.env.Loc
			fixed := x.Val
			out.Eval = func(cx *Ctx, r *value.Record) value.Value {
				b := ye(cx, r)
				if t, ok := b.Timestamp(); ok {
					return value.Timestamp(funcs.AddCalendar(t, cal.n, cal.unit, loc))
				}
				if cal.unit == 'd' {
					return arith(op, fixed, b)
				}
				return value.Value{}
			}
			return c.fold(out, x, y)
		}
		c.checkValue(x)
		c.checkValue(y)
		out.Eval = func(cx *Ctx, r *value.Record) value.Value { return arith(op, xe(cx, r), ye(cx, r)) }
	}
	return c.fold(out, x, y)
}

// groupArray compiles {a, b, …} in a value position into an array (brace lists in
// function arguments: in(x, {"a", "b"})).
func (c *compiler) groupArray(n *syntax.Group) *Expr {
	items := make([]*Expr, len(n.Items))
	for i, it := range n.Items {
		items[i] = c.node(it)
	}
	out := &Expr{Node: n, Kind: value.KindArray, Known: true, Eval: func(cx *Ctx, r *value.Record) value.Value {
		vals := make([]value.Value, len(items))
		for i, x := range items {
			vals[i] = x.Eval(cx, r)
		}
		return value.Array(vals)
	}}
	return c.fold(out, items...)
}

func (c *compiler) index(n *syntax.Index) *Expr {
	x := c.node(n.X)
	xe := x.Eval
	switch {
	case n.Iter:
		if c.frame == nil {
			c.errorf(n.Lbrack, "iteration %q is not allowed here", n.String())
			return failed(n)
		}
		k := len(c.frame.sources)
		c.frame.sources = append(c.frame.sources, xe)
		return &Expr{Node: n, iter: true, Eval: func(cx *Ctx, _ *value.Record) value.Value {
			if k < len(cx.cur) {
				return cx.cur[k]
			}
			return value.Value{}
		}}
	case n.HasKey:
		key := n.Key
		out := &Expr{Node: n, Eval: func(cx *Ctx, r *value.Record) value.Value { return member(xe(cx, r), key) }}
		if x.Path != nil {
			out.Path = append(append([]string{}, x.Path...), key)
		}
		return c.fold(out, x)
	}
	ix := c.node(n.Index)
	ie := ix.Eval
	out := &Expr{Node: n, Eval: func(cx *Ctx, r *value.Record) value.Value {
		a := xe(cx, r)
		i := ie(cx, r)
		if s, ok := i.Str(); ok {
			return member(a, s)
		}
		return element(a, i)
	}}
	return c.fold(out, x, ix)
}

// member reads r[key] of a record, or a timeframe's start/end.
func member(v value.Value, key string) value.Value {
	if rec, ok := v.Record(); ok {
		out, _ := rec.Get(key)
		return out
	}
	if tf, ok := v.Timeframe(); ok {
		switch key {
		case "start":
			return value.Timestamp(tf.Start)
		case "end":
			return value.Timestamp(tf.End)
		}
	}
	return value.Value{}
}

// element reads a[i]; negative i counts from the end.
func element(v value.Value, i value.Value) value.Value {
	arr, ok := v.Array()
	if !ok {
		return value.Value{}
	}
	n, ok := i.Long()
	if !ok {
		return value.Value{}
	}
	if n < 0 {
		n += int64(len(arr))
	}
	if n < 0 || n >= int64(len(arr)) {
		return value.Value{}
	}
	return arr[n]
}

// iterMode says what an iterative function does with the per-element results.
type iterMode int

const (
	collectIter iterMode = iota // iCollectArray: array of results
	anyIter                     // iAny: true if some result is true
)

// wrapIter turns a body compiled in frame fr into a loop over its sources.
func (c *compiler) wrapIter(body *Expr, fr *iterFrame, mode iterMode) *Expr {
	sources := fr.sources
	be := body.Eval
	out := &Expr{Node: body.Node, Name: body.Name}
	if mode == anyIter {
		out.Kind, out.Known = value.KindBoolean, true
	} else {
		out.Kind, out.Known = value.KindArray, true
	}
	out.Eval = func(cx *Ctx, r *value.Record) value.Value {
		n := -1
		arrays := make([][]value.Value, len(sources))
		for k, src := range sources {
			a, ok := src(cx, r).Array()
			if !ok || (n >= 0 && len(a) != n) {
				return value.Value{}
			}
			arrays[k], n = a, len(a)
		}
		if n < 0 {
			n = 0
		}
		saveCur, saveIdx := cx.cur, cx.idx
		defer func() { cx.cur, cx.idx = saveCur, saveIdx }()
		cur := make([]value.Value, len(sources))
		cx.cur = cur
		var results []value.Value
		if mode == collectIter {
			results = make([]value.Value, n)
		}
		seenTrue, allNull := false, true
		for i := 0; i < n; i++ {
			for k := range arrays {
				cur[k] = arrays[k][i]
			}
			cx.idx = i
			v := be(cx, r)
			if mode == collectIter {
				results[i] = v
				continue
			}
			if v.IsTrue() {
				seenTrue = true
				break
			}
			if !v.IsNull() {
				allNull = false
			}
		}
		if mode == collectIter {
			return value.Array(results)
		}
		switch {
		case seenTrue:
			return value.True
		case allNull && n > 0:
			return value.Value{}
		}
		return value.False
	}
	return out
}

// iterative compiles iAny(x) / iCollectArray(x): x in a frame of its own.
func (c *compiler) iterative(n *syntax.Call, mode iterMode) *Expr {
	if len(n.Args) != 1 || n.Args[0].Name != "" {
		c.errorf(n.NamePos, "%s takes exactly one argument", n.Name)
		return failed(n)
	}
	outer := c.frame
	fr := &iterFrame{}
	c.frame = fr
	body := c.node(n.Args[0].Value)
	c.frame = outer
	if len(fr.sources) == 0 {
		c.errorf(n.NamePos, "%s needs an iterative expression such as a[]", n.Name)
		return failed(n)
	}
	out := c.wrapIter(body, fr, mode)
	out.Node = n
	return out
}

// search compiles x ~ "text" (spec/dql.md §4.8).
func (c *compiler) search(n *syntax.Search) *Expr {
	x := c.node(n.X)
	m, err := newSearchMatcher(n.Text)
	if err != nil {
		c.errorf(n.OpPos, "%v", err)
		return failed(n)
	}
	xe := x.Eval
	out := &Expr{Node: n, Kind: value.KindBoolean, Known: true, Eval: func(cx *Ctx, r *value.Record) value.Value {
		return value.Bool(m.matchValue(xe(cx, r)))
	}}
	return c.fold(out, x)
}

// inQuery compiles x in [query].
func (c *compiler) inQuery(n *syntax.InQuery) *Expr {
	x := c.node(n.X)
	sub := c.pl.subPlan(n.Sub)
	k := len(c.pl.subs)
	c.pl.subs = append(c.pl.subs, sub)
	xe := x.Eval
	return &Expr{Node: n, Kind: value.KindBoolean, Known: true, Eval: func(cx *Ctx, r *value.Record) value.Value {
		v := xe(cx, r)
		if v.IsNull() {
			return value.Value{}
		}
		if k >= len(cx.Subs) {
			return value.Value{}
		}
		_, ok := cx.Subs[k].Keys[string(value.AppendKey(nil, v))]
		return value.Bool(ok)
	}}
}

// suggest returns a "did you mean" hint from names close to name.
func suggest(name string, names []string) string {
	best, bestD := "", 3
	for _, n := range names {
		if d := funcs.EditDistance(strings.ToLower(name), strings.ToLower(n)); d < bestD {
			best, bestD = n, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// Package plan binds a parsed DQL query to the language: it checks commands,
// parameters and functions (reporting every static error it can, with positions),
// compiles expressions into closures, and produces a Plan of steps that package exec
// runs. It imports syntax, value, funcs and dpl, and nothing of storage or servers.
package plan

import (
	"fmt"
	"time"

	"github.com/trailbook/trailbook/kernel/dql/funcs"
	"github.com/trailbook/trailbook/kernel/dql/syntax"
	"github.com/trailbook/trailbook/kernel/dql/value"
)

// Options are the session settings a query is planned with.
type Options struct {
	Now time.Time      // now(); zero means time.Now()
	Loc *time.Location // session time zone; nil means UTC
	// From and To are the session timeframe that fetch uses when the query gives none;
	// both zero means the last two hours (spec/dql.md §11.1).
	From, To time.Time
}

// Plan is a checked query: steps run in order over the records of the first one.
type Plan struct {
	Query *syntax.Query
	Steps []Step
	// Subs are the sub-queries of `in [query]` expressions in Steps, run before them;
	// their results go into Ctx.Subs by index.
	Subs []*Plan
	Env  *funcs.Env
	// From and To are the session timeframe, ns since the epoch.
	From, To int64
}

// Step is one command of a plan. The concrete types are the *Step structs of this package.
type Step interface{ Cmd() *syntax.Command }

// base holds the command a step was planned from.
type base struct{ Command *syntax.Command }

// Cmd returns the command the step was planned from.
func (b base) Cmd() *syntax.Command { return b.Command }

type planner struct {
	env      *funcs.Env
	from, to int64
	errs     syntax.ErrorList
	subs     []*Plan    // of the plan being built
	fetch    *FetchStep // the plan's fetch, when it sets its own timeframe
	depth    int
}

// Build plans a parsed query. The error is a syntax.ErrorList bound to src, sorted by
// position, when the query has static errors.
func Build(q *syntax.Query, src string, opt Options) (*Plan, error) {
	now := opt.Now
	if now.IsZero() {
		now = time.Now()
	}
	loc := opt.Loc
	if loc == nil {
		loc = time.UTC
	}
	pl := &planner{env: &funcs.Env{Now: now.UnixNano(), Loc: loc}}
	pl.from, pl.to = opt.From.UnixNano(), opt.To.UnixNano()
	if opt.From.IsZero() && opt.To.IsZero() {
		pl.to = pl.env.Now
		pl.from = pl.to - int64(2*time.Hour)
	}
	p := pl.plan(q, true)
	if len(pl.errs) > 0 {
		pl.errs.Sort()
		return nil, pl.errs.Bind(src)
	}
	return p, nil
}

// Compile parses and plans src.
func Compile(src string, opt Options) (*Plan, error) {
	q, err := syntax.Parse(src)
	if err != nil {
		return nil, err
	}
	return Build(q, src, opt)
}

func (pl *planner) plan(q *syntax.Query, top bool) *Plan {
	saved, savedFetch := pl.subs, pl.fetch
	pl.subs, pl.fetch = nil, nil
	defer func() { pl.fetch = savedFetch }()
	p := &Plan{Query: q, Env: pl.env, From: pl.from, To: pl.to}
	for i, cmd := range q.Commands {
		spec, ok := commands[cmd.Name]
		if !ok {
			pl.unknownCommand(cmd)
			continue
		}
		if i == 0 && !spec.start {
			pl.errs = append(pl.errs, syntax.Errorf(cmd.NamePos, "a query must start with fetch or data, found %q", cmd.Name))
			continue
		}
		if i > 0 && spec.start {
			pl.errs = append(pl.errs, syntax.Errorf(cmd.NamePos, "%q can only start a query", cmd.Name))
			continue
		}
		args := pl.params(cmd, spec)
		if step := spec.plan(pl, cmd, args); step != nil {
			p.Steps = append(p.Steps, step)
		}
	}
	p.Subs = pl.subs
	pl.subs = saved
	return p
}

// subPlan plans an execution block [query].
func (pl *planner) subPlan(sq *syntax.SubQuery) *Plan {
	return pl.plan(sq.Query, false)
}

func (pl *planner) unknownCommand(cmd *syntax.Command) {
	if unsupportedCommands[cmd.Name] {
		pl.errs = append(pl.errs, syntax.Errorf(cmd.NamePos, "command %q is not supported by trailbook", cmd.Name))
		return
	}
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	pl.errs = append(pl.errs, syntax.Errorf(cmd.NamePos, "unknown command %q%s", cmd.Name, suggest(cmd.Name, names)))
}

var unsupportedCommands = map[string]bool{
	"timeseries": true, "metrics": true, "describe": true, "load": true, "fieldsSnapshot": true,
	"smartscapeNodes": true, "smartscapeEdges": true, "traverse": true,
}

func (pl *planner) errorf(pos syntax.Pos, format string, args ...any) {
	pl.errs = append(pl.errs, syntax.Errorf(pos, format, args...))
}

// compiler returns an expression compiler for this planner.
func (pl *planner) compiler() *compiler { return &compiler{pl: pl} }

// constValue evaluates a constant expression (limit n, from: -2h…); ok is false, with
// an error reported, when n is not constant.
func (pl *planner) constValue(n syntax.Node, what string) (value.Value, *Expr, bool) {
	c := pl.compiler()
	c.constOnly = true
	before := len(pl.errs)
	x := c.expr(n)
	if len(pl.errs) > before {
		return value.Value{}, x, false
	}
	if !x.Const {
		pl.errorf(n.Pos(), "%s must be a constant", what)
		return value.Value{}, x, false
	}
	return x.Val, x, true
}

// timeValue evaluates from:/to: values: a timestamp, a duration offset from now, a
// calendar offset, or a timestamp string (spec/dql.md §6.2).
func (pl *planner) timeValue(n syntax.Node, what string) (int64, bool) {
	v, x, ok := pl.constValue(n, what)
	if !ok {
		return 0, false
	}
	if x.cal != nil {
		return funcs.AddCalendar(pl.env.Now, x.cal.n, x.cal.unit, pl.env.Loc), true
	}
	switch v.Kind() {
	case value.KindTimestamp:
		t, _ := v.Timestamp()
		return t, true
	case value.KindDuration:
		d, _ := v.Duration()
		return pl.env.Now + d, true
	case value.KindString:
		s, _ := v.Str()
		if t, ok := funcs.ParseTimestamp(s, pl.env.Loc); ok {
			return t, true
		}
		pl.errorf(n.Pos(), "%s: cannot read %q as a timestamp", what, s)
		return 0, false
	}
	pl.errorf(n.Pos(), "%s must be a timestamp or a duration, found %s", what, describe(x))
	return 0, false
}

// timeframeValue evaluates timeframe: a timeframe value or a "start/end" string.
func (pl *planner) timeframeValue(n syntax.Node) (int64, int64, bool) {
	v, x, ok := pl.constValue(n, "timeframe:")
	if !ok {
		return 0, 0, false
	}
	if tf, ok := v.Timeframe(); ok {
		return tf.Start, tf.End, true
	}
	if s, ok := v.Str(); ok {
		for i := 0; i < len(s); i++ {
			if s[i] == '/' {
				a, ok1 := funcs.ParseTimestamp(s[:i], pl.env.Loc)
				b, ok2 := funcs.ParseTimestamp(s[i+1:], pl.env.Loc)
				if ok1 && ok2 {
					return a, b, true
				}
			}
		}
		pl.errorf(n.Pos(), "timeframe: cannot read %q as start/end timestamps", s)
		return 0, 0, false
	}
	pl.errorf(n.Pos(), "timeframe: must be a timeframe, found %s", describe(x))
	return 0, 0, false
}

func describe(x *Expr) string {
	if x.Const {
		return fmt.Sprintf("%s %s", x.Val.Kind(), x.Node.String())
	}
	return x.Node.String()
}

// fetchFrame returns the query's fetch step when it sets from:, to: or timeframe:.
func (pl *planner) fetchFrame() *FetchStep { return pl.fetch }

// constString reads a named parameter that must be a constant string (prefix:).
func (pl *planner) constString(p *syntax.Param) (string, bool) {
	v, _, ok := pl.constValue(p.Value, p.Name+":")
	if !ok {
		return "", false
	}
	s, isStr := v.Str()
	if !isStr {
		pl.errorf(p.Value.Pos(), "%s: must be a string", p.Name)
	}
	return s, isStr
}

// constBool reads a named parameter that must be true or false (nonempty:).
func (pl *planner) constBool(p *syntax.Param) (bool, bool) {
	v, _, ok := pl.constValue(p.Value, p.Name+":")
	if !ok {
		return false, false
	}
	b, isBool := v.Bool()
	if !isBool {
		pl.errorf(p.Value.Pos(), "%s: must be true or false", p.Name)
	}
	return b, isBool
}

// constLong reads a named parameter that must be a whole number in [lo, hi].
func (pl *planner) constLong(p *syntax.Param, lo, hi int64) (int64, bool) {
	v, _, ok := pl.constValue(p.Value, p.Name+":")
	if !ok {
		return 0, false
	}
	n, isLong := v.Long()
	if !isLong || n < lo || n > hi {
		pl.errorf(p.Value.Pos(), "%s: must be a whole number from %d to %d", p.Name, lo, hi)
		return 0, false
	}
	return n, true
}

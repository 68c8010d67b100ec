package plan

import (
	"github.com/trailbook/trailbook/kernel/dql/funcs"
	"github.com/trailbook/trailbook/kernel/dql/syntax"
	"github.com/trailbook/trailbook/kernel/dql/value"
)

// Ctx is the evaluation state of one goroutine running one query. The zero Ctx is not
// usable; the executor makes one per operator with NewCtx.
type Ctx struct {
	Env  *funcs.Env
	Subs []SubResult   // results of `in [query]` sub-queries, by Plan.Subs index
	Aggs []value.Value // aggregation results while summarize builds output records
	cur  []value.Value // elements of the innermost iteration, one per `x[]` source
	idx  int           // index of the innermost iteration
}

// NewCtx returns an evaluation context.
func NewCtx(env *funcs.Env, subs []SubResult) *Ctx { return &Ctx{Env: env, Subs: subs} }

// SubResult is the value set of a sub-query used with `in` (spec/dql.md §4.6).
type SubResult struct {
	Keys map[string]struct{}
}

// Eval evaluates an expression for one record. It never fails: run-time type
// mismatches give null (spec/dql.md §13).
type Eval func(c *Ctx, r *value.Record) value.Value

// Expr is a compiled expression.
type Expr struct {
	Node        syntax.Node
	Eval        Eval
	Name        string      // default field name (spec/dql.md §5.2)
	Const       bool        // Val holds the value; Eval returns it
	Val         value.Value // when Const
	Kind        value.Kind  // static type when Known
	Known       bool
	Field       string   // set when the expression is a plain field reference
	Path        []string // set when the expression is a field followed by record keys: event[a][b]
	cal         *calDur  // a calendar duration literal (1M, -2w): usable only in time arithmetic
	iter        bool     // contains an iteration x[] not wrapped in an iterative function
	elementwise bool     // an implicit iCollectArray over x[]: an array per record
}

// calDur is n calendar units (d, w, M, q, y).
type calDur struct {
	n    int64
	unit byte
}

func constExpr(n syntax.Node, v value.Value) *Expr {
	return &Expr{Node: n, Eval: func(*Ctx, *value.Record) value.Value { return v }, Const: true, Val: v, Kind: v.Kind(), Known: true}
}

package exec

import (
	"strings"

	"github.com/trailbook/trailbook/kernel/dql/plan"
	"github.com/trailbook/trailbook/kernel/dql/syntax"
	"github.com/trailbook/trailbook/kernel/dql/value"
)

// pushdown finds the filters right after a fetch that a Source can answer from
// columns: comparisons of a record field, or of a member path of the event JSON once
// `parse content, "JSON:event"` has named it, with constants. It stops at the first
// command that could change what those paths mean. The executor still applies every
// filter, so a Source that ignores a predicate stays correct.
func pushdown(steps []plan.Step) []Predicate {
	var preds []Predicate
	sc := &scope{}
	resolve := sc.resolve
	jsonParsed := false
	for _, s := range steps {
		switch s := s.(type) {
		case *plan.FilterStep:
			if s.Out {
				return preds
			}
			for _, conj := range conjuncts(s.Cond.Node) {
				if p, ok := predicate(conj, resolve); ok {
					preds = append(preds, p)
				}
			}
		case *plan.ParseStep:
			if jsonParsed || s.Src.Field != FieldContent || s.Prereq != nil || !isJSONPattern(s) {
				return preds
			}
			jsonParsed = true
			sc.push(scopeLayer{assign: map[string]binding{s.Exports[0]: {kind: bindJSON, present: true}}})
		default:
			return preds
		}
	}
	return preds
}

// isJSONPattern reports whether a parse step is `parse content, "JSON:name"`.
func isJSONPattern(s *plan.ParseStep) bool {
	if len(s.Exports) != 1 {
		return false
	}
	args := s.Cmd().Params
	if len(args) < 2 {
		return false
	}
	lit, ok := args[1].Value.(*syntax.Literal)
	if !ok {
		return false
	}
	p, _ := lit.Val.Str()
	p = strings.TrimSpace(p)
	for _, prefix := range []string{"JSON:", "JSON_OBJECT:"} {
		if len(p) > len(prefix) && strings.EqualFold(p[:len(prefix)], prefix) && strings.TrimSpace(p[len(prefix):]) == s.Exports[0] {
			return true
		}
	}
	return false
}

func conjuncts(n syntax.Node) []syntax.Node {
	switch n := n.(type) {
	case *syntax.Binary:
		if n.Op == syntax.AND {
			return append(conjuncts(n.X), conjuncts(n.Y)...)
		}
	case *syntax.Paren:
		return conjuncts(n.X)
	}
	return []syntax.Node{n}
}

func literal(n syntax.Node) (value.Value, bool) {
	if l, ok := n.(*syntax.Literal); ok && l.Kind != syntax.LitDuration && l.Kind != syntax.LitNull {
		return l.Val, true
	}
	return value.Value{}, false
}

var flip = map[syntax.Token]Op{syntax.EQ: OpEq, syntax.NE: OpNe, syntax.LT: OpGt, syntax.LE: OpGe, syntax.GT: OpLt, syntax.GE: OpLe}
var direct = map[syntax.Token]Op{syntax.EQ: OpEq, syntax.NE: OpNe, syntax.LT: OpLt, syntax.LE: OpLe, syntax.GT: OpGt, syntax.GE: OpGe}

// predicate translates a comparison of a path with constants; resolve turns a field
// reference into its path.
func predicate(n syntax.Node, resolve func(syntax.Node) ([]string, bool)) (Predicate, bool) {
	switch n := n.(type) {
	case *syntax.Binary:
		op, ok := direct[n.Op]
		if !ok {
			return Predicate{}, false
		}
		if p, ok := resolve(n.X); ok {
			if v, ok := literal(n.Y); ok {
				return Predicate{Path: p, Op: op, Values: []value.Value{v}}, true
			}
		}
		if p, ok := resolve(n.Y); ok {
			if v, ok := literal(n.X); ok {
				return Predicate{Path: p, Op: flip[n.Op], Values: []value.Value{v}}, true
			}
		}
	case *syntax.Call:
		if len(n.Args) == 0 || n.Args[0].Name != "" {
			return Predicate{}, false
		}
		p, ok := resolve(n.Args[0].Value)
		if !ok {
			return Predicate{}, false
		}
		switch n.Name {
		case "isNull", "isNotNull":
			if len(n.Args) != 1 {
				return Predicate{}, false
			}
			if n.Name == "isNull" {
				return Predicate{Path: p, Op: OpIsNull}, true
			}
			return Predicate{Path: p, Op: OpIsNotNull}, true
		case "startsWith", "contains":
			if len(n.Args) != 2 || n.Args[1].Name != "" {
				return Predicate{}, false
			}
			v, ok := literal(n.Args[1].Value)
			if _, isStr := v.Str(); !ok || !isStr {
				return Predicate{}, false
			}
			op := OpStartsWith
			if n.Name == "contains" {
				op = OpContains
			}
			return Predicate{Path: p, Op: op, Values: []value.Value{v}}, true
		case "in":
			var vals []value.Value
			for _, a := range n.Args[1:] {
				if a.Name != "" {
					return Predicate{}, false
				}
				items := []syntax.Node{a.Value}
				if g, ok := a.Value.(*syntax.Group); ok {
					items = g.Items
				}
				for _, it := range items {
					v, ok := literal(it)
					if !ok {
						return Predicate{}, false
					}
					vals = append(vals, v)
				}
			}
			return Predicate{Path: p, Op: OpIn, Values: vals}, true
		}
	case *syntax.Paren:
		return predicate(n.X, resolve)
	}
	return Predicate{}, false
}

package exec

import (
	"fmt"
	"strings"

	"github.com/trailbook/trailbook/kernel/dql/plan"
	"github.com/trailbook/trailbook/kernel/dql/syntax"
)

// aggMatch is a fetch's steps that an Aggregator may compute: the request, and the
// index (in the steps after the fetch) of the summarize or makeTimeseries it ends at.
type aggMatch struct {
	req AggregateRequest
	at  int
}

// bindKind says what a field name holds at some point of the pipeline.
type bindKind int

const (
	bindPath    bindKind = iota // the value at a pushdown path
	bindJSON                    // the parsed event: event[k] is ["content", k]
	bindRemoved                 // no value (removed by fieldsRemove, fields…)
	bindOpaque                  // something computed: not expressible to a Source
)

type binding struct {
	kind    bindKind
	path    []string
	present bool // every record has the field (possibly null): a rename moves it
}

// alwaysPresent are the record fields every fetched record has (spec/dql.md §14).
var alwaysPresent = map[string]bool{FieldTimestamp: true, FieldContent: true, FieldService: true, FieldResourceType: true, FieldLogLevel: true}

// scopeLayer is what one command did to field names. lookup walks the layers from
// the newest: the first one that says something about a name decides.
type scopeLayer struct {
	assign  map[string]binding // fieldsAdd, parse: these names now hold these
	remove  []string           // fieldsRemove patterns
	keep    []string           // fieldsKeep patterns: other names are removed
	only    map[string]binding // fields: exactly these names
	renamed map[string]string  // fieldsRename: new name → old name
	isKeep  bool
}

// scope resolves field references between a fetch and an aggregation.
type scope struct{ layers []scopeLayer }

func (sc *scope) push(l scopeLayer) { sc.layers = append(sc.layers, l) }

// lookup returns what name holds after the layers pushed so far.
func (sc *scope) lookup(name string) binding {
	return sc.lookupBelow(name, len(sc.layers))
}

func (sc *scope) lookupBelow(name string, top int) binding {
	for i := top - 1; i >= 0; i-- {
		l := sc.layers[i]
		if b, ok := l.assign[name]; ok {
			return b
		}
		if l.only != nil {
			if b, ok := l.only[name]; ok {
				return b
			}
			return binding{kind: bindRemoved}
		}
		if l.renamed != nil {
			if old, ok := l.renamed[name]; ok {
				return sc.lookupBelow(old, i)
			}
			for _, old := range l.renamed {
				if old == name {
					return binding{kind: bindRemoved}
				}
			}
		}
		for _, p := range l.remove {
			if plan.MatchName(p, name) {
				return binding{kind: bindRemoved}
			}
		}
		if l.isKeep {
			kept := false
			for _, p := range l.keep {
				if plan.MatchName(p, name) {
					kept = true
				}
			}
			if !kept {
				return binding{kind: bindRemoved}
			}
		}
	}
	return binding{kind: bindPath, path: []string{name}, present: alwaysPresent[name]} // a field of the fetched record
}

// resolve returns the path a field reference reads: name, name[k]…, (x).
func (sc *scope) resolve(n syntax.Node) ([]string, bool) {
	var keys []string
	for {
		switch x := n.(type) {
		case *syntax.Paren:
			n = x.X
			continue
		case *syntax.Index:
			if !x.HasKey {
				return nil, false
			}
			keys = append([]string{x.Key}, keys...)
			n = x.X
			continue
		case *syntax.Ident:
			b := sc.lookup(x.Name)
			switch b.kind {
			case bindJSON:
				if len(keys) == 0 {
					return nil, false // the whole event: a record, not a path
				}
				return append([]string{FieldContent}, keys...), true
			case bindPath:
				if len(keys) > 0 && (len(b.path) < 2 || b.path[0] != FieldContent) {
					return nil, false // a member of a record field, which is a string
				}
				return append(append([]string(nil), b.path...), keys...), true
			}
			return nil, false
		}
		return nil, false
	}
}

// cond translates a filter condition; ok is false for anything but and, or, not and
// the predicates of pushdown.
func (sc *scope) cond(n syntax.Node) (Cond, bool) {
	switch x := n.(type) {
	case *syntax.Paren:
		return sc.cond(x.X)
	case *syntax.Unary:
		if x.Op != syntax.NOT {
			return Cond{}, false
		}
		c, ok := sc.cond(x.X)
		return Cond{Op: CondNot, Args: []Cond{c}}, ok
	case *syntax.Binary:
		if x.Op == syntax.AND || x.Op == syntax.OR {
			a, ok1 := sc.cond(x.X)
			b, ok2 := sc.cond(x.Y)
			op := CondAnd
			if x.Op == syntax.OR {
				op = CondOr
			}
			return Cond{Op: op, Args: []Cond{a, b}}, ok1 && ok2
		}
	}
	p, ok := predicate(n, sc.resolve)
	return Cond{Op: CondPred, Pred: p}, ok
}

// matchAggregation finds whether steps (the commands after a fetch) run only
// commands an Aggregator can be told exactly before a summarize or makeTimeseries.
// It returns the request, or the reason it cannot, for --explain.
func matchAggregation(fetch *plan.FetchStep, steps []plan.Step) (aggMatch, string) {
	sc := &scope{}
	m := aggMatch{req: AggregateRequest{Scan: ScanRequest{From: fetch.From, To: fetch.To, Buckets: fetch.Buckets}}}
	jsonParsed := false
	for i, s := range steps {
		switch s := s.(type) {
		case *plan.FilterStep:
			c, ok := sc.cond(s.Cond.Node)
			if !ok {
				return m, fmt.Sprintf("the filter %s is not made of comparisons of fields with constants", s.Cond.Node.String())
			}
			m.req.Where = append(m.req.Where, Filter{Cond: c, Out: s.Out})
		case *plan.ParseStep:
			l := scopeLayer{assign: map[string]binding{}}
			src := sc.lookup(FieldContent)
			if !jsonParsed && s.Prereq == nil && s.Src.Field == FieldContent && src.kind == bindPath &&
				len(src.path) == 1 && src.path[0] == FieldContent && isJSONPattern(s) {
				l.assign[s.Exports[0]] = binding{kind: bindJSON, present: true}
				jsonParsed = true
			} else {
				for _, e := range s.Exports {
					l.assign[e] = binding{kind: bindOpaque}
				}
			}
			sc.push(l)
		case *plan.FieldsStep:
			bs := map[string]binding{}
			for j, x := range s.Exprs {
				// fieldsAdd and fields set every item, null or not.
				b := binding{kind: bindOpaque, present: true}
				if p, ok := sc.resolve(x.Node); ok {
					b = binding{kind: bindPath, path: p, present: true}
				} else if id, ok := x.Node.(*syntax.Ident); ok && sc.lookup(id.Name).kind == bindJSON {
					b = binding{kind: bindJSON, present: true}
				}
				if s.Add {
					// Later items see earlier ones: one layer per item.
					sc.push(scopeLayer{assign: map[string]binding{s.Names[j]: b}})
				} else {
					bs[s.Names[j]] = b
				}
			}
			if !s.Add {
				sc.push(scopeLayer{only: bs})
			}
		case *plan.KeepStep:
			if s.Remove {
				sc.push(scopeLayer{remove: s.Patterns})
			} else {
				sc.push(scopeLayer{keep: s.Patterns, isKeep: true})
			}
		case *plan.RenameStep:
			for j, from := range s.From {
				to := s.To[j]
				if from == to {
					continue
				}
				// Renaming a field a record lacks changes nothing, so the new name
				// means the old one only where the old one always exists.
				if sc.lookup(from).present {
					sc.push(scopeLayer{renamed: map[string]string{to: from}})
				} else {
					sc.push(scopeLayer{assign: map[string]binding{to: {kind: bindOpaque}, from: {kind: bindRemoved}}})
				}
			}
		case *plan.SummarizeStep:
			if reason := m.aggregation(sc, s.By, s.Aggs, false); reason != "" {
				return m, reason
			}
			m.at = i
			return m, ""
		case *plan.TimeseriesStep:
			if s.Time != nil || s.Spread != nil {
				return m, "makeTimeseries with time: or spread:"
			}
			if t := sc.lookup(FieldTimestamp); t.kind != bindPath || len(t.path) != 1 || t.path[0] != FieldTimestamp {
				return m, "the timestamp field is changed before makeTimeseries"
			}
			if reason := m.aggregation(sc, s.By, s.Aggs, true); reason != "" {
				return m, reason
			}
			m.req.Interval, m.req.Origin = s.Interval, s.Start
			m.req.Scan.From, m.req.Scan.To = max(m.req.Scan.From, s.Start), min(m.req.Scan.To, s.End)
			m.at = i
			return m, ""
		default:
			return m, fmt.Sprintf("%s runs before the aggregation", s.Cmd().Name)
		}
	}
	return m, "no summarize or makeTimeseries follows"
}

// aggregation fills the request's By and Aggs; it returns why it cannot.
func (m *aggMatch) aggregation(sc *scope, by []*plan.Expr, aggs []*plan.AggCall, timeseries bool) string {
	for _, b := range by {
		p, ok := sc.resolve(b.Node)
		if !ok {
			return fmt.Sprintf("the group %s is not a field or event member", b.Node.String())
		}
		m.req.By = append(m.req.By, p)
	}
	for _, c := range aggs {
		spec, ok := aggSpec(sc, c, timeseries)
		if !ok {
			return fmt.Sprintf("the aggregation %s cannot be computed by the source", c.Node.String())
		}
		m.req.Aggs = append(m.req.Aggs, spec)
	}
	return ""
}

// aggSpec translates one aggregation call.
func aggSpec(sc *scope, c *plan.AggCall, timeseries bool) (AggSpec, bool) {
	if c.Elementwise {
		return AggSpec{}, false
	}
	var args []syntax.Node
	for _, a := range c.Node.Args {
		switch {
		case timeseries && (a.Name == "default" || a.Name == "rate"):
			// applied by the executor to the slot values
		case a.Name == "precision" && strings.HasPrefix(c.Agg.Name, "countDistinct"):
			// trailbook counts exactly whatever the precision
		case a.Name != "":
			return AggSpec{}, false
		default:
			args = append(args, a.Value)
		}
	}
	one := func(f AggFunc) (AggSpec, bool) {
		if len(args) != 1 {
			return AggSpec{}, false
		}
		p, ok := sc.resolve(args[0])
		return AggSpec{Func: f, Path: p}, ok
	}
	switch c.Agg.Name {
	case "count":
		return AggSpec{Func: AggCount}, len(args) == 0
	case "countIf":
		if len(args) != 1 {
			return AggSpec{}, false
		}
		cond, ok := sc.cond(args[0])
		return AggSpec{Func: AggCountIf, Cond: &cond}, ok
	case "countDistinct", "countDistinctApprox", "countDistinctExact":
		if len(args) == 2 {
			args = args[:1] // a positional precision
		}
		return one(AggDistinct)
	case "min":
		return one(AggMin)
	case "max":
		return one(AggMax)
	case "sum":
		return one(AggSum)
	case "avg":
		return one(AggAvg)
	}
	return AggSpec{}, false
}

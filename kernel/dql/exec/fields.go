package exec

import (
	"github.com/trailbook/trailbook/kernel/dql/plan"
	"github.com/trailbook/trailbook/kernel/dql/value"
)

// fieldsFunc is fields / fieldsAdd (spec/dql.md §7.3). fieldsAdd evaluates left to
// right so later items see earlier ones; fields evaluates every item on the input.
func fieldsFunc(s *plan.FieldsStep, cx *plan.Ctx) func(*value.Record) *value.Record {
	if s.Add {
		return func(r *value.Record) *value.Record {
			for i, x := range s.Exprs {
				r.Set(s.Names[i], x.Eval(cx, r))
			}
			return r
		}
	}
	return func(r *value.Record) *value.Record {
		out := value.NewRecord(len(s.Exprs))
		for i, x := range s.Exprs {
			out.Set(s.Names[i], x.Eval(cx, r))
		}
		return out
	}
}

// keepFunc is fieldsKeep / fieldsRemove with names and * patterns.
func keepFunc(s *plan.KeepStep) func(*value.Record) *value.Record {
	return func(r *value.Record) *value.Record {
		out := value.NewRecord(r.Len())
		r.Range(func(name string, v value.Value) bool {
			match := false
			for _, p := range s.Patterns {
				if plan.MatchName(p, name) {
					match = true
					break
				}
			}
			if match != s.Remove {
				out.Append(name, v)
			}
			return true
		})
		return out
	}
}

// renameFunc is fieldsRename newName = oldName.
func renameFunc(s *plan.RenameStep) func(*value.Record) *value.Record {
	return func(r *value.Record) *value.Record {
		for i := range s.From {
			r.Rename(s.From[i], s.To[i])
		}
		return r
	}
}

// flattenFunc is fieldsFlatten r [, prefix:] [, fields:] [, depth:].
func flattenFunc(s *plan.FlattenStep) func(*value.Record) *value.Record {
	return func(r *value.Record) *value.Record {
		v, _ := r.Get(s.Field)
		rec, ok := v.Record()
		if !ok {
			return r
		}
		if s.HasFields {
			for i, m := range s.Selected {
				r.Set(s.Aliases[i], rec.Lookup(m))
			}
			return r
		}
		var walk func(prefix string, rec *value.Record, depth int)
		walk = func(prefix string, rec *value.Record, depth int) {
			rec.Range(func(name string, v value.Value) bool {
				if sub, ok := v.Record(); ok && depth < s.Depth {
					walk(prefix+name+".", sub, depth+1)
					return true
				}
				r.Set(prefix+name, v)
				return true
			})
		}
		walk(s.Prefix, rec, 1)
		return r
	}
}

// parseFunc is `parse content, "JSON:event"` (spec/dql.md §7.4): each export becomes
// a field; on failure exports are null, or kept when preserveFieldsOnFailure.
func parseFunc(s *plan.ParseStep, cx *plan.Ctx) func(*value.Record) *value.Record {
	return func(r *value.Record) *value.Record {
		var vals []value.Value
		ok := false
		if s.Prereq == nil || s.Prereq.Eval(cx, r).IsTrue() {
			if str, isStr := s.Src.Eval(cx, r).Str(); isStr {
				vals, ok = s.Pattern.Parse(str)
			}
		}
		for i, name := range s.Exports {
			if ok {
				r.Set(name, vals[i])
				continue
			}
			if s.Preserve && r.Has(name) {
				continue
			}
			r.Set(name, value.Value{})
		}
		return r
	}
}

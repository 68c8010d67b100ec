package funcs

import (
	"github.com/trailbook/trailbook/kernel/dql/value"
)

// Conditional, boolean and general functions (spec §10.1). exists() and record()
// need the record or the syntax and are done by the planner; if() and array() are
// also here as plain eager functions.
//
//	data record(a = "java") | fieldsAdd in(a, {"java", "go"}), coalesce(b, a), type(a)

func init() {
	register(
		&Func{Name: "if", NullIn: true,
			Params: []Param{req("condition"), req("then"), opt("else", value.Value{})},
			Call: func(_ *Env, args []value.Value) value.Value {
				if arg(args, 0).IsTrue() {
					return arg(args, 1)
				}
				return arg(args, 2)
			},
			Doc: "if(condition, then [, else: v]) → any: then when condition is true; else (or null) when it is false or null"},
		&Func{Name: "coalesce", NullIn: true, Params: []Param{rest("values")},
			Call: func(_ *Env, args []value.Value) value.Value {
				for _, a := range args {
					if !a.IsNull() {
						return a
					}
				}
				return value.Value{}
			},
			Doc: "coalesce(a, b, …) → any: the first argument that is not null; null if all are"},
		&Func{Name: "isNull", NullIn: true, Params: []Param{req("value")},
			Call: func(_ *Env, args []value.Value) value.Value { return value.Bool(arg(args, 0).IsNull()) },
			Doc:  "isNull(x) → boolean: true when x is null or missing; never null"},
		&Func{Name: "isNotNull", NullIn: true, Params: []Param{req("value")},
			Call: func(_ *Env, args []value.Value) value.Value { return value.Bool(!arg(args, 0).IsNull()) },
			Doc:  "isNotNull(x) → boolean: true when x has a value; never null"},
		&Func{Name: "isTrueOrNull", NullIn: true, Params: []Param{req("expression")},
			Call: func(_ *Env, args []value.Value) value.Value {
				v := arg(args, 0)
				return value.Bool(v.IsNull() || v.IsTrue())
			},
			Doc: "isTrueOrNull(b) → boolean: true when b is true or null; never null"},
		&Func{Name: "isFalseOrNull", NullIn: true, Params: []Param{req("expression")},
			Call: func(_ *Env, args []value.Value) value.Value {
				v := arg(args, 0)
				b, ok := v.Bool()
				return value.Bool(v.IsNull() || ok && !b)
			},
			Doc: "isFalseOrNull(b) → boolean: true when b is false or null; never null"},
		&Func{Name: "in", NullIn: true, Params: []Param{req("needle"), rest("haystack")},
			Call: callIn, Prepare: prepareIn,
			Doc: "in(needle, haystack, …) → boolean: true if needle equals a haystack value (arrays and brace lists are searched; an array needle matches if any element does); null needle → null"},
		&Func{Name: "type", Params: []Param{req("value"), opt("withSubtype", value.False)},
			Call: callType,
			Doc:  "type(x [, withSubtype: bool]) → string: the type name of x (\"long\", \"string\", …; ip/ipv4 with subtype); null → null"},
		&Func{Name: "array", NullIn: true, Params: []Param{restOpt("values")},
			Call: func(_ *Env, args []value.Value) value.Value {
				return value.Array(append([]value.Value(nil), args...))
			},
			Doc: "array(v, …) → array: an array of the arguments, in order; mixed types and nulls allowed"},
	)
}

// callType implements type(x, withSubtype:).
func callType(_ *Env, args []value.Value) value.Value {
	v := arg(args, 0)
	if v.IsNull() {
		return value.Value{}
	}
	sub, ok := boolOr(arg(args, 1), false)
	if !ok {
		return value.Value{}
	}
	if sub {
		if a, ok := v.IP(); ok {
			if a.Is4() {
				return value.String("ip/ipv4")
			}
			return value.String("ip/ipv6")
		}
	}
	return value.String(v.Kind().String())
}

// callIn implements in(needle, haystack…) with args [needle, haystack...].
func callIn(_ *Env, args []value.Value) value.Value {
	needle := arg(args, 0)
	if needle.IsNull() {
		return value.Value{}
	}
	hay := tail(args, 1)
	found := func(n value.Value) bool {
		if n.IsNull() {
			return false
		}
		for _, h := range hay {
			if elems, ok := h.Array(); ok {
				for _, e := range elems {
					if !e.IsNull() && value.Equal(n, e) {
						return true
					}
				}
				continue
			}
			if !h.IsNull() && value.Equal(n, h) {
				return true
			}
		}
		return false
	}
	if elems, ok := needle.Array(); ok {
		// An array needle matches when one of its elements is found, or when it
		// equals a haystack element itself (a brace list of arrays).
		for _, e := range elems {
			if found(e) {
				return value.True
			}
		}
	}
	return value.Bool(found(needle))
}

// prepareIn turns a constant haystack into a hash set, so in(eventName, {…}) over a
// large scan costs one map lookup per record instead of a linear search.
func prepareIn(consts []value.Value, isConst []bool) (CallFn, error) {
	if len(consts) < 2 || !allConst(isConst, 1) {
		return nil, nil
	}
	set := map[string]struct{}{}
	for _, h := range consts[1:] {
		if elems, ok := h.Array(); ok {
			for _, e := range elems {
				if !e.IsNull() {
					set[string(value.AppendKey(nil, e))] = struct{}{}
				}
			}
			continue
		}
		if !h.IsNull() {
			set[string(value.AppendKey(nil, h))] = struct{}{}
		}
	}
	return func(_ *Env, args []value.Value) value.Value {
		needle := arg(args, 0)
		if needle.IsNull() {
			return value.Value{}
		}
		var buf [64]byte
		has := func(n value.Value) bool {
			if n.IsNull() {
				return false
			}
			_, ok := set[string(value.AppendKey(buf[:0], n))]
			return ok
		}
		if elems, ok := needle.Array(); ok {
			for _, e := range elems {
				if has(e) {
					return value.True
				}
			}
		}
		return value.Bool(has(needle))
	}, nil
}

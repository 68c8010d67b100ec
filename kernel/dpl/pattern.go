package dpl

import (
	"strings"
	"sync"

	"github.com/trailbook/trailbook/kernel/dql/value"
)

// Pattern is a compiled DPL pattern. It is immutable and safe for concurrent use by
// any number of goroutines; the zero Pattern is not usable, call Compile.
type Pattern struct {
	src     string
	code    []inst
	subs    [][]inst
	nloops  int
	slots   []slotSpec
	exports []string

	first    byteSet // bytes a non-empty match can begin with
	nullable bool    // the pattern can match the empty string
	prefix   string  // literal text every match begins with
	fast     *jsonAtom

	pool sync.Pool // *machine
}

// slotSpec says how to turn an export slot's span into a value.
type slotSpec struct {
	name int // index into exports
	kind slotKind
	a    atom
}

type slotKind uint8

const (
	slotText   slotKind = iota // groups, classes, LD, DATA: the matched text
	slotAtom                   // a matcher's value
	slotRepeat                 // a quantified matcher: an array of its values
)

// Compile parses a DPL pattern (spec/dpl.md). A bad pattern returns an *Error with the
// byte offset of the problem:
//
//	Compile("INT:a ',' INTT:b")  // offset 10: unknown matcher "INTT" (did you mean "INT"?)
func Compile(pattern string) (*Pattern, error) {
	seq, slots, perr := parse(pattern)
	if perr != nil {
		return nil, perr
	}
	c := &compiler{}
	c.seq(seq)
	c.emit(inst{op: opMatch, n: matchMain})
	p := &Pattern{src: pattern, code: finish(c.code), subs: c.subs, nloops: c.nloops}

	index := map[string]int{}
	for _, e := range slots {
		j, ok := index[e.export]
		if !ok {
			j = len(p.exports)
			index[e.export] = j
			p.exports = append(p.exports, e.export)
		}
		spec := slotSpec{name: j, kind: slotText}
		if e.m != nil && e.m.a != nil {
			spec.kind, spec.a = slotAtom, e.m.a
			if e.quant && (e.min != 1 || e.max != 1) {
				spec.kind = slotRepeat
			}
		}
		p.slots = append(p.slots, spec)
	}

	p.nullable = firstSeq(seq, &p.first)
	if e := seq[0]; e.look == lookNone && !e.optional && e.min > 0 && e.m != nil {
		if l, ok := e.m.a.(*literalAtom); ok {
			p.prefix = l.text
		}
	}
	if e := seq[0]; len(seq) == 1 && e.look == lookNone && !e.optional && !e.quant && e.slot >= 0 && e.m != nil {
		if j, ok := e.m.a.(*jsonAtom); ok && j.kind == jsonObject && !j.hasList && j.strict {
			p.fast = j
		}
	}
	p.pool.New = func() any { return newMachine(p) }
	return p, nil
}

// String returns the pattern text.
func (p *Pattern) String() string { return p.src }

// Exports returns the export names in pattern order, duplicates removed (the first
// position is kept). The DQL parse command creates one field per name. The slice must
// not be changed.
func (p *Pattern) Exports() []string { return p.exports }

// Parse matches at offset 0 of s; trailing text may remain (the parse command and the
// parse function, spec/dpl.md §11). On success vals[i] is the value of Exports()[i],
// null where an optional part did not match. The caller owns vals.
//
//	p, _ := Compile("LONG:a ' ' LONG:b")
//	p.Parse("45 46 47")  // [45, 46], true
func (p *Pattern) Parse(s string) (vals []value.Value, ok bool) {
	if p.fast != nil {
		// The tutorial's `parse content, "JSON:event"` on every record.
		raw, ok := p.fast.fastObject(s)
		if !ok {
			return nil, false
		}
		return []value.Value{value.Rec(value.FromJSON(raw))}, true
	}
	if !p.mayStart(s, 0) {
		return nil, false
	}
	m := p.pool.Get().(*machine)
	defer p.release(m)
	m.anchorEnd, m.nonEmpty = false, false
	if _, ok := m.attempt(s, 0, attemptBudget(len(s))); !ok {
		return nil, false
	}
	vals = make([]value.Value, len(p.exports))
	m.values(s, vals)
	return vals, true
}

// Match reports whether the whole of s matches (matchesPattern).
//
//	p, _ := Compile("TIME ' : ' LONG")
//	p.Match("2023-11-01 12:52:12 : 766")  // true
func (p *Pattern) Match(s string) bool {
	if !p.mayStart(s, 0) {
		return false
	}
	m := p.pool.Get().(*machine)
	defer p.release(m)
	m.anchorEnd, m.nonEmpty = true, false
	_, ok := m.attempt(s, 0, attemptBudget(len(s)))
	return ok
}

// Scan finds successive non-overlapping, non-empty matches from left to right
// (parseAll, replacePattern, splitByPattern): it tries at offset 0, continues after a
// match and advances one character (one UTF-8 sequence, or one invalid byte) after a
// failure. fn gets the byte span of each match and its export values; it returns
// false to stop. vals is reused between calls: fn must copy it to keep it.
//
//	p, _ := Compile("INT:i")
//	p.Scan("1-10+20", fn)  // fn(0,1,[1]), fn(1,4,[-10]), fn(4,7,[20])
func (p *Pattern) Scan(s string, fn func(start, end int, vals []value.Value) bool) {
	m := p.pool.Get().(*machine)
	defer p.release(m)
	m.anchorEnd, m.nonEmpty = false, true
	vals := make([]value.Value, len(p.exports))
	total := scanBudget(len(s))
	for pos := 0; pos < len(s); {
		if p.prefix != "" {
			i := strings.Index(s[pos:], p.prefix)
			if i < 0 {
				return
			}
			pos += i
		} else if !p.first.has(s[pos]) {
			pos += runeLen(s, pos)
			continue
		}
		budget := min(attemptBudget(len(s)), total)
		end, ok := m.attempt(s, pos, budget)
		total -= budget - max(m.steps, 0)
		if ok {
			m.values(s, vals)
			if !fn(pos, end, vals) {
				return
			}
			pos = end
			continue
		}
		if total <= 0 {
			return // out of budget: a hostile pattern/input pair
		}
		pos += runeLen(s, pos)
	}
}

// mayStart is a cheap test that rules out a match at pos before the machine runs.
func (p *Pattern) mayStart(s string, pos int) bool {
	if p.prefix != "" {
		return strings.HasPrefix(s[pos:], p.prefix)
	}
	return p.nullable || pos < len(s) && p.first.has(s[pos])
}

func (p *Pattern) release(m *machine) {
	m.in = ""
	if cap(m.stack) > 1<<16 {
		m.stack = nil // do not keep a huge stack alive after a hostile input
	}
	p.pool.Put(m)
}

// values computes the export values from the capture spans. For a name exported more
// than once, the last slot (in pattern order) that took part in the match wins.
func (m *machine) values(s string, vals []value.Value) {
	clear(vals)
	var set uint64
	var big []bool
	if len(vals) > 64 {
		big = make([]bool, len(vals))
	}
	slots := m.p.slots
	for i := len(slots) - 1; i >= 0; i-- {
		start, end := m.caps[2*i], m.caps[2*i+1]
		if start < 0 || end < start {
			continue
		}
		sp := &slots[i]
		if big != nil {
			if big[sp.name] {
				continue
			}
			big[sp.name] = true
		} else {
			if set&(1<<sp.name) != 0 {
				continue
			}
			set |= 1 << sp.name
		}
		vals[sp.name] = sp.value(s, start, end)
	}
}

// value converts one export span.
func (sp *slotSpec) value(s string, start, end int) value.Value {
	switch sp.kind {
	case slotAtom:
		return sp.a.value(s[:end], start, end)
	case slotRepeat:
		// Repetitions of a deterministic matcher are found again by walking the span.
		out := []value.Value{}
		for pos := start; pos < end; {
			e, ok := sp.a.match(s[:end], pos)
			if !ok || e <= pos {
				break
			}
			out = append(out, sp.a.value(s[:e], pos, e))
			pos = e
		}
		return value.Array(out)
	}
	return value.String(s[start:end])
}

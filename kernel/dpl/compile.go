package dpl

// opcode is an instruction of the matching machine.
type opcode uint8

const (
	opMatch   opcode = iota // end of a program; n says which (matchMain, matchAhead, matchBehind)
	opAtom                  // a deterministic matcher
	opChars                 // min..max characters of cls, greedy or lazy
	opSplit                 // try x, on failure y
	opJmp                   // continue at x
	opSave                  // caps[n] = position
	opRepInit               // reset loop counter n
	opRepLoop               // loop head: another round of the body at pc+1, or exit to x
	opLook                  // lookaround: run subs[n]
)

const (
	matchMain   = iota // the pattern's end: Match also needs the end of the input
	matchAhead         // a lookahead's end: anything goes
	matchBehind        // a lookbehind's end: must be where the lookbehind started
)

// inst is one instruction. Programs are immutable once compiled.
type inst struct {
	op       opcode
	x, y     int
	n        int
	min, max int
	atom     atom
	cls      *charClass
	lazy     bool     // opChars: take as few characters as possible first
	next     int      // lazy opChars: the byte the next element must begin with, or -1
	look     lookKind // opLook
	lo, hi   int      // opLook: export slots inside the lookaround
}

// compiler turns parsed expressions into programs.
type compiler struct {
	code   []inst
	subs   [][]inst
	nloops int
}

func (c *compiler) emit(in inst) int {
	c.code = append(c.code, in)
	return len(c.code) - 1
}

func (c *compiler) seq(seq []*expr) {
	for _, e := range seq {
		c.expr(e)
	}
}

// expr compiles optional, lookaround, export, quantifier and primary, outside in.
func (c *compiler) expr(e *expr) {
	if !e.optional {
		c.lookaround(e)
		return
	}
	split := c.emit(inst{op: opSplit})
	c.code[split].x = len(c.code)
	c.lookaround(e)
	c.code[split].y = len(c.code)
}

func (c *compiler) lookaround(e *expr) {
	if e.look == lookNone {
		c.exported(e)
		return
	}
	outer := c.code
	c.code = nil
	c.exported(e)
	end := matchAhead
	if e.look == lookBehind || e.look == lookNotBehind {
		end = matchBehind
	}
	c.emit(inst{op: opMatch, n: end})
	sub := finish(c.code)
	c.code = outer
	c.subs = append(c.subs, sub)
	c.emit(inst{op: opLook, n: len(c.subs) - 1, look: e.look, lo: e.slotLo, hi: e.slotHi})
}

func (c *compiler) exported(e *expr) {
	if e.slot >= 0 {
		c.emit(inst{op: opSave, n: 2 * e.slot})
	}
	c.quantified(e)
	if e.slot >= 0 {
		c.emit(inst{op: opSave, n: 2*e.slot + 1})
	}
}

func (c *compiler) quantified(e *expr) {
	if e.m != nil && e.m.cls != nil {
		c.emit(inst{op: opChars, cls: e.m.cls, min: e.min, max: e.max, lazy: e.m.lazy, next: -1})
		return
	}
	switch {
	case e.max == 0:
		// {0}: matches the empty string
	case e.min == 1 && e.max == 1:
		c.primary(e)
	case e.min == 0 && e.max == 1:
		split := c.emit(inst{op: opSplit})
		c.code[split].x = len(c.code)
		c.primary(e)
		c.code[split].y = len(c.code)
	default:
		k := c.nloops
		c.nloops++
		c.emit(inst{op: opRepInit, n: k})
		head := c.emit(inst{op: opRepLoop, n: k, min: e.min, max: e.max})
		c.primary(e)
		c.emit(inst{op: opJmp, x: head})
		c.code[head].x = len(c.code)
	}
}

func (c *compiler) primary(e *expr) {
	if e.m != nil {
		c.emit(inst{op: opAtom, atom: e.m.a})
		return
	}
	if len(e.alts) == 1 {
		c.seq(e.alts[0])
		return
	}
	var ends []int
	for i, alt := range e.alts {
		if i == len(e.alts)-1 {
			c.seq(alt)
			break
		}
		split := c.emit(inst{op: opSplit})
		c.code[split].x = len(c.code)
		c.seq(alt)
		ends = append(ends, c.emit(inst{op: opJmp}))
		c.code[split].y = len(c.code)
	}
	for _, j := range ends {
		c.code[j].x = len(c.code)
	}
}

// finish resolves what lazy character runs can know statically: whether they end the
// program (then they take the rest of the line, spec/dpl.md §5) and which byte the
// next element needs (then they can skip to it instead of growing one by one).
func finish(code []inst) []inst {
	for pc := range code {
		in := &code[pc]
		if in.op != opChars || !in.lazy {
			continue
		}
		nx := follow(code, pc+1)
		switch {
		case nx < 0:
		case code[nx].op == opMatch:
			in.lazy = false // last element: greedy, the rest of the line
		case code[nx].op == opAtom:
			if l, ok := code[nx].atom.(*literalAtom); ok && l.text != "" {
				in.next = int(l.text[0])
			}
		}
	}
	return code
}

// follow returns the first instruction from pc that may consume input or end the
// program, passing over saves and jumps; -1 if that cannot be told.
func follow(code []inst, pc int) int {
	for range len(code) {
		if pc >= len(code) {
			return -1
		}
		switch code[pc].op {
		case opSave:
			pc++
		case opJmp:
			pc = code[pc].x
		case opMatch, opAtom:
			return pc
		default:
			return -1
		}
	}
	return -1
}

// firstSeq computes the bytes a non-empty match of seq can begin with and whether seq
// can match the empty string. Lookarounds and other zero-width elements add nothing.
func firstSeq(seq []*expr, s *byteSet) bool {
	for _, e := range seq {
		if !firstExpr(e, s) {
			return false
		}
	}
	return true
}

func firstExpr(e *expr, s *byteSet) bool {
	if e.look != lookNone {
		return true
	}
	var nullable bool
	switch {
	case e.m != nil && e.m.cls != nil:
		e.m.cls.addFirst(s)
		nullable = e.min == 0
	case e.m != nil:
		nullable = e.m.a.first(s)
	default:
		for _, alt := range e.alts {
			if firstSeq(alt, s) {
				nullable = true
			}
		}
	}
	return nullable || e.optional || e.min == 0
}

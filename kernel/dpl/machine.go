package dpl

import (
	"strings"
	"unicode/utf8"
)

// Step budgets. A step is one instruction executed or one backtrack. Patterns that
// parse real logs need a handful of steps per input byte; the budgets leave room for
// two orders of magnitude more and stop the exponential cases of a backtracking
// search (nested lazy runs that fail at the end of a long line).
const (
	stepsBase    = 10_000
	stepsPerByte = 100
	scanFactor   = 4 // a Scan may spend this many single-attempt budgets in all
)

// attemptBudget is the step budget of one match attempt on n bytes of input.
func attemptBudget(n int) int { return stepsBase + stepsPerByte*n }

// scanBudget is the step budget of a whole Scan over n bytes.
func scanBudget(n int) int { return scanFactor * attemptBudget(n) }

type entryKind uint8

const (
	eRetry entryKind = iota // continue at pc, pos
	eChars                  // greedy run from pos to b with a characters: give one back
	eLazy                   // lazy run from pos to b with a characters: take one more
	eCap                    // restore caps[a] = b
	eCnt                    // restore loop pc: count a, last position b
)

// entry is a backtracking stack entry: a choice point or an undo record.
type entry struct {
	kind entryKind
	pc   int32
	pos  int
	a, b int
}

// machine holds the mutable state of one match at a time; Patterns pool them.
type machine struct {
	p         *Pattern
	in        string
	caps      []int // start, end per export slot; -1 when unset
	cnt       []int // count, last position per loop
	stack     []entry
	snap      []int // capture snapshots around lookarounds
	steps     int
	exhausted bool
	anchorEnd bool // Match: the pattern must end at the end of the input
	nonEmpty  bool // Scan: empty matches are not reported
	start     int
}

func newMachine(p *Pattern) *machine {
	return &machine{p: p, caps: make([]int, 2*len(p.slots)), cnt: make([]int, 2*p.nloops)}
}

// attempt runs the program anchored at start with a fresh budget.
func (m *machine) attempt(in string, start, budget int) (int, bool) {
	m.in, m.start, m.steps, m.exhausted = in, start, budget, false
	for i := range m.caps {
		m.caps[i] = -1
	}
	m.stack = m.stack[:0]
	m.snap = m.snap[:0]
	return m.run(m.p.code, 0, start)
}

// run executes code from pc at pos until it reaches its opMatch (ok) or every choice
// is exhausted. Entries it pushes stay on the stack when it succeeds, so that a caller
// can backtrack into them; lookarounds drop them, which makes lookarounds atomic.
func (m *machine) run(code []inst, pc, pos int) (int, bool) {
	base := len(m.stack)
	for {
		if m.steps--; m.steps < 0 {
			m.exhausted = true
			m.stack = m.stack[:base]
			return 0, false
		}
		in := &code[pc]
		ok := true
		switch in.op {
		case opMatch:
			switch in.n {
			case matchMain:
				ok = (!m.anchorEnd || pos == len(m.in)) && (!m.nonEmpty || pos > m.start)
			case matchBehind:
				ok = pos == len(m.in)
			}
			if ok {
				return pos, true
			}
		case opAtom:
			var end int
			if end, ok = in.atom.match(m.in, pos); ok {
				pos = end
				pc++
			}
		case opChars:
			pos, ok = m.chars(in, pc, pos)
			pc++
		case opSplit:
			m.push(entry{kind: eRetry, pc: int32(in.y), pos: pos})
			pc = in.x
		case opJmp:
			pc = in.x
		case opSave:
			m.push(entry{kind: eCap, a: in.n, b: m.caps[in.n]})
			m.caps[in.n] = pos
			pc++
		case opRepInit:
			k := 2 * in.n
			m.push(entry{kind: eCnt, pc: int32(in.n), a: m.cnt[k], b: m.cnt[k+1]})
			m.cnt[k], m.cnt[k+1] = 0, -1
			pc++
		case opRepLoop:
			k := 2 * in.n
			count, last := m.cnt[k], m.cnt[k+1]
			switch {
			case count >= in.max || count > 0 && pos == last:
				// Done, or the last round consumed nothing: more rounds would not either.
				pc = in.x
			default:
				if count >= in.min {
					m.push(entry{kind: eRetry, pc: int32(in.x), pos: pos})
				}
				m.push(entry{kind: eCnt, pc: int32(in.n), a: count, b: last})
				m.cnt[k], m.cnt[k+1] = count+1, pos
				pc++
			}
		case opLook:
			ok = m.look(in, pos)
			if m.exhausted {
				m.stack = m.stack[:base]
				return 0, false
			}
			pc++
		}
		if ok {
			continue
		}
		if pc, pos, ok = m.backtrack(code, base); !ok {
			return 0, false
		}
	}
}

func (m *machine) push(e entry) { m.stack = append(m.stack, e) }

// backtrack pops entries down to base, undoing captures and loop counters, until it
// finds a choice point; it returns where to continue.
func (m *machine) backtrack(code []inst, base int) (int, int, bool) {
	for len(m.stack) > base {
		e := m.stack[len(m.stack)-1]
		m.stack = m.stack[:len(m.stack)-1]
		switch e.kind {
		case eCap:
			m.caps[e.a] = e.b
		case eCnt:
			m.cnt[2*e.pc], m.cnt[2*e.pc+1] = e.a, e.b
		case eRetry:
			return int(e.pc), e.pos, true
		case eChars:
			in := &code[e.pc]
			_, n := utf8.DecodeLastRuneInString(m.in[e.pos:e.b])
			end, count := e.b-n, e.a-1
			if count > in.min {
				m.push(entry{kind: eChars, pc: e.pc, pos: e.pos, a: count, b: end})
			}
			return int(e.pc) + 1, end, true
		case eLazy:
			in := &code[e.pc]
			if end, count, ok := m.grow(in, e.b, e.a); ok {
				if count < in.max {
					m.push(entry{kind: eLazy, pc: e.pc, pos: e.pos, a: count, b: end})
				}
				return int(e.pc) + 1, end, true
			}
		}
	}
	return 0, 0, false
}

// chars runs an opChars: a greedy run takes as many characters as it may and leaves a
// choice point to give them back one at a time; a lazy run takes the minimum and
// leaves one to take more.
func (m *machine) chars(in *inst, pc, pos int) (int, bool) {
	s := m.in
	start, count := pos, 0
	limit := in.max
	if in.lazy {
		limit = in.min
	}
	for count < limit && pos < len(s) {
		r, n := decodeRune(s, pos)
		if !in.cls.has(r) {
			break
		}
		pos += n
		count++
	}
	m.steps -= count // a long run costs what scanning it costs
	if count < in.min {
		return 0, false
	}
	if !in.lazy {
		if count > in.min {
			m.push(entry{kind: eChars, pc: int32(pc), pos: start, a: count, b: pos})
		}
		return pos, true
	}
	if in.next >= 0 && (pos >= len(s) || s[pos] != byte(in.next)) {
		var ok bool
		if pos, count, ok = m.grow(in, pos, count); !ok {
			return 0, false
		}
	}
	if count < in.max {
		m.push(entry{kind: eLazy, pc: int32(pc), pos: start, a: count, b: pos})
	}
	return pos, true
}

// grow extends a lazy run ending at pos with count characters by one character, or,
// when the next element must begin with a known byte, up to the next such byte.
func (m *machine) grow(in *inst, pos, count int) (int, int, bool) {
	s := m.in
	if in.next >= 0 && (in.cls == ldClass || in.cls == dataClass) {
		return m.jump(in, pos, count)
	}
	for {
		if count >= in.max || pos >= len(s) {
			return 0, 0, false
		}
		r, n := decodeRune(s, pos)
		if !in.cls.has(r) {
			return 0, 0, false
		}
		pos += n
		count++
		m.steps--
		if in.next < 0 || pos < len(s) && s[pos] == byte(in.next) {
			return pos, count, true
		}
	}
}

// jump is grow for LD and DATA followed by a literal: after one more character it
// goes straight to the next occurrence of the literal's first byte, which for LD must
// come before the end of the line. The common `LD ' '` of log patterns then costs a
// few IndexByte calls per field instead of a machine step per character.
func (m *machine) jump(in *inst, pos, count int) (int, int, bool) {
	s := m.in
	if count >= in.max || pos >= len(s) {
		return 0, 0, false
	}
	r, n := decodeRune(s, pos)
	if !in.cls.has(r) {
		return 0, 0, false
	}
	pos += n
	count++
	j := strings.IndexByte(s[pos:], byte(in.next))
	if j < 0 || in.cls == ldClass && in.next != '\n' && strings.IndexByte(s[pos:pos+j], '\n') >= 0 {
		return 0, 0, false // no candidate, or (for LD) none before the end of the line
	}
	m.steps -= 1 + j/8
	if count += utf8.RuneCountInString(s[pos : pos+j]); count > in.max {
		return 0, 0, false
	}
	return pos + j, count, true
}

// look runs a lookaround at pos. Exports inside a positive lookaround that succeeds
// are kept (with undo records, so that backtracking past the lookaround clears them).
func (m *machine) look(in *inst, pos int) bool {
	sub := m.p.subs[in.n]
	lo, hi := 2*in.lo, 2*in.hi
	mark := len(m.snap)
	m.snap = append(m.snap, m.caps[lo:hi]...)
	base := len(m.stack)
	matched := false
	switch in.look {
	case lookAhead, lookNotAhead:
		_, matched = m.run(sub, 0, pos)
	default:
		outer := m.in
		m.in = outer[:pos]
		for start := pos; start >= 0 && pos-start <= maxLookbehind; {
			if _, matched = m.run(sub, 0, start); matched || m.exhausted || start == 0 {
				break
			}
			_, n := utf8.DecodeLastRuneInString(outer[:start])
			start -= n
		}
		m.in = outer
	}
	m.stack = m.stack[:base]
	positive := in.look == lookAhead || in.look == lookBehind
	for i := lo; i < hi; i++ {
		old := m.snap[mark+i-lo]
		if matched && positive {
			if m.caps[i] != old {
				m.push(entry{kind: eCap, a: i, b: old})
			}
		} else {
			m.caps[i] = old
		}
	}
	m.snap = m.snap[:mark]
	return matched == positive
}

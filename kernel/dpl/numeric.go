package dpl

import (
	"math"
	"strconv"
	"strings"

	"github.com/trailbook/trailbook/kernel/dql/value"
)

// numKind selects one of the numeric matchers of spec/dpl.md §6.
type numKind uint8

const (
	numInt     numKind = iota // INT, INTEGER: int32 range
	numLong                   // LONG: int64 range
	numHexInt                 // HEXINT: hex, int32 range
	numHexLong                // HEXLONG: hex, int64 range
	numDouble                 // DOUBLE, FLOAT
	numCDouble                // CDOUBLE, CFLOAT: comma as decimal separator
)

// numAtom matches the longest numeric token at a position; a leading sign belongs to
// the token, so LONG on "2019-08-01" matches 2019, -08, -01 in turn. min= and max=
// reject values outside the range (the matcher fails).
type numAtom struct {
	kind           numKind
	min, max       float64
	hasMin, hasMax bool
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isHex(c byte) bool {
	return isDigit(c) || (c|0x20) >= 'a' && (c|0x20) <= 'f'
}

// scan returns the end of the numeric token at in[pos].
func (a *numAtom) scan(in string, pos int) (int, bool) {
	i := pos
	if i < len(in) && (in[i] == '+' || in[i] == '-') {
		i++
	}
	switch a.kind {
	case numHexInt, numHexLong:
		// [+-]?(0?x)?[0-9a-fA-F]+: "0xa01F", "-xFE"; a prefix without digits is not taken.
		j := i
		if j+1 < len(in) && in[j] == '0' && (in[j+1]|0x20) == 'x' {
			j += 2
		} else if j < len(in) && (in[j]|0x20) == 'x' {
			j++
		}
		if j < len(in) && isHex(in[j]) {
			i = j
		}
		start := i
		for i < len(in) && isHex(in[i]) {
			i++
		}
		return i, i > start
	}
	start := i
	for i < len(in) && isDigit(in[i]) {
		i++
	}
	if i == start {
		return 0, false
	}
	if a.kind == numDouble || a.kind == numCDouble {
		sep := byte('.')
		if a.kind == numCDouble {
			sep = ','
		}
		if i < len(in) && in[i] == sep {
			i++
			for i < len(in) && isDigit(in[i]) {
				i++
			}
		}
		if i < len(in) && (in[i]|0x20) == 'e' {
			j := i + 1
			if j < len(in) && (in[j] == '+' || in[j] == '-') {
				j++
			}
			if j < len(in) && isDigit(in[j]) {
				for j < len(in) && isDigit(in[j]) {
					j++
				}
				i = j
			}
		}
	}
	return i, true
}

// parse converts a token that scan accepted; ok is false outside the range.
func (a *numAtom) parse(tok string) (value.Value, float64, bool) {
	switch a.kind {
	case numInt, numLong:
		bits := 64
		if a.kind == numInt {
			bits = 32
		}
		n, err := strconv.ParseInt(tok, 10, bits)
		if err != nil {
			return value.Value{}, 0, false
		}
		return value.Long(n), float64(n), true
	case numHexInt, numHexLong:
		neg := false
		switch tok[0] {
		case '-':
			neg = true
			tok = tok[1:]
		case '+':
			tok = tok[1:]
		}
		if len(tok) > 1 && (tok[1]|0x20) == 'x' {
			tok = tok[2:]
		} else if (tok[0] | 0x20) == 'x' {
			tok = tok[1:]
		}
		u, err := strconv.ParseUint(tok, 16, 64)
		if err != nil {
			return value.Value{}, 0, false
		}
		limit := uint64(math.MaxInt64)
		if a.kind == numHexInt {
			limit = math.MaxInt32
		}
		if neg {
			limit++
		}
		if u > limit {
			return value.Value{}, 0, false
		}
		n := int64(u)
		if neg {
			n = -n
		}
		return value.Long(n), float64(n), true
	}
	if a.kind == numCDouble {
		tok = strings.Replace(tok, ",", ".", 1)
	}
	f, err := strconv.ParseFloat(tok, 64)
	if err != nil && !math.IsInf(f, 0) {
		return value.Value{}, 0, false
	}
	return value.Double(f), f, true
}

func (a *numAtom) match(in string, pos int) (int, bool) {
	end, ok := a.scan(in, pos)
	if !ok {
		return 0, false
	}
	_, f, ok := a.parse(in[pos:end])
	if !ok || a.hasMin && f < a.min || a.hasMax && f > a.max {
		return 0, false
	}
	return end, true
}

func (a *numAtom) value(in string, start, end int) value.Value {
	v, _, _ := a.parse(in[start:end])
	return v
}

func (a *numAtom) first(s *byteSet) bool {
	s.addString("0123456789+-")
	if a.kind == numHexInt || a.kind == numHexLong {
		s.addString("abcdefABCDEFxX")
	}
	return false
}

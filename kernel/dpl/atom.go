package dpl

import (
	"strings"

	"github.com/trailbook/trailbook/kernel/dql/value"
)

// atom is a deterministic matcher: at a position it either fails or consumes exactly
// one span, the longest token it accepts. Everything except character classes, LD and
// DATA is an atom. Atoms are immutable and shared by all goroutines using a Pattern.
type atom interface {
	// match returns the end of the token starting at in[pos].
	match(in string, pos int) (end int, ok bool)
	// value converts a span that match accepted. in ends at the span's end, so a
	// matcher cannot see past the text it consumed.
	value(in string, start, end int) value.Value
	// first adds the bytes a non-empty token can begin with and reports whether the
	// atom can match the empty string.
	first(s *byteSet) (nullable bool)
}

// literalAtom matches fixed text: 'text', "text", EOL, CR, EOLWIN and the fs
// separators of sequence groups.
type literalAtom struct{ text string }

func (a *literalAtom) match(in string, pos int) (int, bool) {
	if strings.HasPrefix(in[pos:], a.text) {
		return pos + len(a.text), true
	}
	return 0, false
}

func (a *literalAtom) value(in string, start, end int) value.Value {
	return value.String(in[start:end])
}

func (a *literalAtom) first(s *byteSet) bool {
	if a.text == "" {
		return true
	}
	s.add(a.text[0])
	return false
}

// posAtom is a zero-width position test: EOS (end of input) and BOS (start).
type posAtom struct{ end bool }

func (a *posAtom) match(in string, pos int) (int, bool) {
	if a.end {
		return pos, pos == len(in)
	}
	return pos, pos == 0
}

func (a *posAtom) value(in string, start, end int) value.Value { return value.String("") }
func (a *posAtom) first(s *byteSet) bool                       { return true }

// boolAtom matches true or false in any letter case (BOOLEAN, BOOL).
type boolAtom struct{}

func (boolAtom) match(in string, pos int) (int, bool) {
	rest := in[pos:]
	if len(rest) >= 4 && strings.EqualFold(rest[:4], "true") {
		return pos + 4, true
	}
	if len(rest) >= 5 && strings.EqualFold(rest[:5], "false") {
		return pos + 5, true
	}
	return 0, false
}

func (boolAtom) value(in string, start, end int) value.Value {
	return value.Bool(end-start == 4)
}

func (boolAtom) first(s *byteSet) bool {
	s.addString("tTfF")
	return false
}

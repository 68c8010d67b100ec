package syntax

import "strings"

// Substitute replaces every parameter reference $name in src with the DQL text that
// lookup returns for it, and returns the new query text. References inside strings,
// backtick names and comments are text, not references, and stay as they are.
//
// lookup must return the text of one complete expression (a literal, a brace list, a
// call): Substitute splices it in as a token, padding it with spaces where it would
// otherwise run into a neighbouring token ("a"$b would become a raw-string
// opener), so that a value can never change the structure of the query around it.
// Package kernel/params builds such texts from typed values.
//
// A reference lookup does not know is an *Error at the reference; a lexical error in
// src is returned as the parser would report it.
func Substitute(src string, lookup func(name string) (string, bool)) (string, error) {
	items, err := lex(src)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	last := 0
	for _, it := range items {
		if it.tok != VAR {
			continue
		}
		text, ok := lookup(it.text)
		if !ok {
			return "", Errorf(it.pos, "unknown parameter $%s", it.text)
		}
		start, end := int(it.pos), int(it.pos)+len(it.raw)
		b.WriteString(src[last:start])
		if start > 0 && sticky(src[start-1]) {
			b.WriteByte(' ')
		}
		b.WriteString(text)
		if end < len(src) && sticky(src[end]) {
			b.WriteByte(' ')
		}
		last = end
	}
	if last == 0 {
		return src, nil
	}
	b.WriteString(src[last:])
	return b.String(), nil
}

// References returns the names of the parameters src refers to, in order of first
// use. A query that does not lex has none.
func References(src string) []string {
	items, err := lex(src)
	if err != nil {
		return nil
	}
	var names []string
	seen := map[string]bool{}
	for _, it := range items {
		if it.tok == VAR && !seen[it.text] {
			seen[it.text] = true
			names = append(names, it.text)
		}
	}
	return names
}

// sticky reports whether c would join a token spliced next to it.
func sticky(c byte) bool {
	return isLetter(c) || isDigit(c) || c == '"' || c == '`' || c == '$' || c == '@' || c == '.'
}

package funcs

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/trailbook/trailbook/kernel/dql/value"
)

// Wildcard matching for matchesValue, matchesPhrase (spec §10.2, wildcard rules of
// §4.8) and like.
//
//	data record(c = "User 'alice' failed to login") | fieldsAdd matchesValue(c, "user*"), matchesPhrase(c, "failed to log*")

// maxWildcards is the most wildcards a pattern may hold (spec §4.8).
const maxWildcards = 64

func init() {
	register(
		&Func{Name: "matchesValue", NullIn: true,
			Params:  []Param{req("expression"), rest("value"), opt("caseSensitive", value.False), opt("wildcard", value.String("*"))},
			Call:    callMatchesValue,
			Prepare: prepareMatchesValue,
			Doc:     "matchesValue(x, pattern, … [, caseSensitive: bool] [, wildcard: c]) → boolean: whether the whole value x (or any element of an array x) matches one of the patterns; `*` matches any run of characters; case-insensitive by default"},
		&Func{Name: "matchesPhrase", Params: []Param{req("expression"), req("phrase"), opt("caseSensitive", value.False), opt("wildcard", value.String("*"))},
			Call:    callMatchesPhrase,
			Prepare: prepareMatchesPhrase,
			Doc:     "matchesPhrase(x, phrase [, caseSensitive: bool] [, wildcard: c]) → boolean: whether the phrase's words occur as consecutive words of x (or of any element of an array x); `*` matches within a word; case-insensitive by default"},
		&Func{Name: "like", Params: []Param{req("expression"), req("pattern")},
			Call:    callLike,
			Prepare: prepareLike,
			Doc:     "like(s, pattern) → boolean: whether the whole of s matches the SQL pattern: % any run of characters, _ one character, \\ escapes"},
	)
}

// wildcardRune reads the wildcard: argument: exactly one character.
func wildcardRune(v value.Value) (rune, bool) {
	s, ok := strOr(v, "*")
	if !ok || utf8.RuneCountInString(s) != 1 {
		return 0, false
	}
	r, _ := utf8.DecodeRuneInString(s)
	return r, true
}

// checkWildcards enforces the limits of spec §4.8: at most 64 wildcards, no two in a row.
func checkWildcards(p string, wc rune) error {
	n := 0
	prev := false
	for _, r := range p {
		if r != wc {
			prev = false
			continue
		}
		if prev {
			return errorf("pattern %q has two wildcards in a row", p)
		}
		prev = true
		n++
	}
	if n > maxWildcards {
		return errorf("pattern %q has %d wildcards, at most %d are allowed", p, n, maxWildcards)
	}
	return nil
}

// glob is a compiled whole-value pattern: literal segments between wildcards.
type glob struct {
	segs []string // len(segs) = wildcards + 1
	fold bool
}

func compileGlob(p string, wc rune, fold bool) (glob, error) {
	if err := checkWildcards(p, wc); err != nil {
		return glob{}, err
	}
	return glob{segs: strings.Split(p, string(wc)), fold: fold}, nil
}

// match reports whether the whole of s matches. Leftmost placement of each middle
// segment is optimal for patterns whose only metacharacter is a run wildcard, so the
// match is linear in len(s) per segment.
func (g glob) match(s string) bool {
	hasPrefix, hasSuffix, index := strings.HasPrefix, strings.HasSuffix, strings.Index
	if g.fold {
		hasPrefix, hasSuffix, index = hasPrefixFold, hasSuffixFold, indexFold
	}
	if len(g.segs) == 1 {
		if g.fold {
			return equalFoldASCII(s, g.segs[0])
		}
		return s == g.segs[0]
	}
	first, last := g.segs[0], g.segs[len(g.segs)-1]
	if len(s) < len(first)+len(last) || !hasPrefix(s, first) || !hasSuffix(s, last) {
		return false
	}
	s = s[len(first) : len(s)-len(last)]
	for _, seg := range g.segs[1 : len(g.segs)-1] {
		i := index(s, seg)
		if i < 0 {
			return false
		}
		s = s[i+len(seg):]
	}
	return true
}

// matchOpts reads the caseSensitive and wildcard args at i and i+1: matchesValue has
// [x, caseSensitive, wildcard, patterns...], matchesPhrase [x, phrase, caseSensitive, wildcard].
func matchOpts(args []value.Value, i int) (fold bool, wc rune, ok bool) {
	sens, ok1 := boolOr(arg(args, i), false)
	wc, ok2 := wildcardRune(arg(args, i+1))
	return !sens, wc, ok1 && ok2
}

// patternStrings flattens pattern arguments: strings, or arrays of strings.
func patternStrings(vs []value.Value) ([]string, bool) {
	var out []string
	for _, v := range vs {
		if s, ok := v.Str(); ok {
			out = append(out, s)
			continue
		}
		if elems, ok := v.Array(); ok {
			for _, e := range elems {
				if s, ok := e.Str(); ok {
					out = append(out, s)
				}
			}
			continue
		}
		if !v.IsNull() {
			return nil, false
		}
	}
	return out, true
}

// matchAny applies match to a string, or to each string element of an array.
func matchAny(x value.Value, match func(string) bool) value.Value {
	if s, ok := x.Str(); ok {
		return value.Bool(match(s))
	}
	if elems, ok := x.Array(); ok {
		for _, e := range elems {
			if s, ok := e.Str(); ok && match(s) {
				return value.True
			}
		}
		return value.False
	}
	return value.Value{}
}

func callMatchesValue(_ *Env, args []value.Value) value.Value {
	x := arg(args, 0)
	if x.IsNull() {
		return value.Value{}
	}
	fold, wc, ok := matchOpts(args, 1)
	pats, ok2 := patternStrings(tail(args, 3))
	if !ok || !ok2 {
		return value.Value{}
	}
	globs := make([]glob, 0, len(pats))
	for _, p := range pats {
		g, err := compileGlob(p, wc, fold)
		if err != nil {
			return value.Value{}
		}
		globs = append(globs, g)
	}
	return matchGlobs(x, globs)
}

func matchGlobs(x value.Value, globs []glob) value.Value {
	return matchAny(x, func(s string) bool {
		for _, g := range globs {
			if g.match(s) {
				return true
			}
		}
		return false
	})
}

// prepareMatchesValue compiles constant patterns once and rejects bad ones.
func prepareMatchesValue(consts []value.Value, isConst []bool) (CallFn, error) {
	if len(consts) < 3 || !isConst[1] || !isConst[2] {
		return nil, nil
	}
	fold, wc, ok := matchOpts(consts, 1)
	if !ok {
		return nil, errorf("caseSensitive: must be a boolean and wildcard: a single character")
	}
	if !allConst(isConst, 3) {
		return nil, nil
	}
	pats, ok := patternStrings(consts[3:])
	if !ok {
		return nil, errorf("patterns must be strings or arrays of strings")
	}
	globs := make([]glob, 0, len(pats))
	for _, p := range pats {
		g, err := compileGlob(p, wc, fold)
		if err != nil {
			return nil, err
		}
		globs = append(globs, g)
	}
	return func(_ *Env, args []value.Value) value.Value {
		x := arg(args, 0)
		if x.IsNull() {
			return value.Value{}
		}
		return matchGlobs(x, globs)
	}, nil
}

// phrase matching
//
// A phrase is compiled into elements matched left to right against the text:
// a letter or digit matches itself (ASCII case folded unless case-sensitive), a run of
// other characters in the phrase matches any non-empty run of non-word characters in
// the text (so the phrase's words must be consecutive words of the text, whatever
// separates them), and the wildcard matches any run of non-space characters. A match
// must begin at the start of a word and end at the end of one, so "awesome" matches
// "DQL is awesome!" but "awe" does not.

type phraseOp uint8

const (
	opChar    phraseOp = iota // one word character equal to r
	opWild                    // any run of non-space characters
	opSepOne                  // one non-word character
	opSepMore                 // any further non-word characters
)

type phraseElem struct {
	op phraseOp
	r  rune
}

type phrase struct {
	elems     []phraseElem
	fold      bool
	wordStart bool // the phrase begins with a word character or wildcard
	wordEnd   bool // the phrase ends with one
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func foldRune(r rune, fold bool) rune {
	if fold && 'A' <= r && r <= 'Z' {
		return r + 'a' - 'A'
	}
	return r
}

func compilePhrase(p string, wc rune, fold bool) (phrase, error) {
	if err := checkWildcards(p, wc); err != nil {
		return phrase{}, err
	}
	ph := phrase{fold: fold}
	for _, r := range p {
		switch {
		case r == wc:
			ph.elems = append(ph.elems, phraseElem{op: opWild})
		case isWordRune(r):
			ph.elems = append(ph.elems, phraseElem{op: opChar, r: foldRune(r, fold)})
		default:
			if n := len(ph.elems); n == 0 || ph.elems[n-1].op != opSepMore {
				ph.elems = append(ph.elems, phraseElem{op: opSepOne}, phraseElem{op: opSepMore})
			}
		}
	}
	if n := len(ph.elems); n > 0 {
		ph.wordStart = ph.elems[0].op <= opWild
		ph.wordEnd = ph.elems[n-1].op <= opWild
	}
	return ph, nil
}

// match runs the phrase as an NFA over s, starting a new thread at every allowed
// start position; it is O(len(s) × len(phrase)).
func (ph phrase) match(s string) bool {
	m := len(ph.elems)
	if m == 0 {
		return false
	}
	cur := make([]bool, m+1)
	next := make([]bool, m+1)
	// closure follows the empty moves: a wildcard or separator run may match nothing.
	closure := func(set []bool) {
		for i := 0; i < m; i++ {
			if set[i] && (ph.elems[i].op == opWild || ph.elems[i].op == opSepMore) {
				set[i+1] = true
			}
		}
	}
	prevWord := false
	for pos := 0; ; {
		if !ph.wordStart || !prevWord {
			cur[0] = true
			closure(cur)
		}
		var r rune
		size := 0
		if pos < len(s) {
			r, size = utf8.DecodeRuneInString(s[pos:])
		}
		if cur[m] && (!ph.wordEnd || size == 0 || !isWordRune(r)) {
			return true
		}
		if size == 0 {
			return false
		}
		word := isWordRune(r)
		fr := foldRune(r, ph.fold)
		any := false
		for i := 0; i < m; i++ {
			if !cur[i] {
				continue
			}
			switch e := ph.elems[i]; e.op {
			case opChar:
				if fr == e.r {
					next[i+1], any = true, true
				}
			case opWild:
				if !unicode.IsSpace(r) {
					next[i], any = true, true
				}
			case opSepOne:
				if !word {
					next[i+1], any = true, true
				}
			case opSepMore:
				if !word {
					next[i], any = true, true
				}
			}
		}
		if any {
			closure(next)
		}
		cur, next = next, cur
		clear(next)
		prevWord = word
		pos += size
	}
}

func matchPhrases(x value.Value, ph phrase) value.Value {
	return matchAny(x, ph.match)
}

// args: [x, phrase, caseSensitive, wildcard]
func callMatchesPhrase(_ *Env, args []value.Value) value.Value {
	p, ok1 := arg(args, 1).Str()
	fold, wc, ok2 := matchOpts(args, 2)
	if !ok1 || !ok2 {
		return value.Value{}
	}
	ph, err := compilePhrase(p, wc, fold)
	if err != nil {
		return value.Value{}
	}
	return matchPhrases(arg(args, 0), ph)
}

func prepareMatchesPhrase(consts []value.Value, isConst []bool) (CallFn, error) {
	if len(consts) < 4 || !isConst[1] || !isConst[2] || !isConst[3] {
		return nil, nil
	}
	p, ok1 := consts[1].Str()
	fold, wc, ok2 := matchOpts(consts, 2)
	if !ok1 || !ok2 {
		if consts[1].IsNull() {
			return nil, nil
		}
		return nil, errorf("the phrase must be a string, caseSensitive: a boolean and wildcard: a single character")
	}
	ph, err := compilePhrase(p, wc, fold)
	if err != nil {
		return nil, err
	}
	return func(_ *Env, args []value.Value) value.Value {
		return matchPhrases(arg(args, 0), ph)
	}, nil
}

// like patterns

type likeElem struct {
	op byte // 'c' literal rune, '_' one character, '%' any run
	r  rune
}

func compileLike(p string) []likeElem {
	var out []likeElem
	esc := false
	for _, r := range p {
		switch {
		case esc:
			out = append(out, likeElem{'c', r})
			esc = false
		case r == '\\':
			esc = true
		case r == '%':
			if n := len(out); n == 0 || out[n-1].op != '%' {
				out = append(out, likeElem{'%', 0})
			}
		case r == '_':
			out = append(out, likeElem{'_', 0})
		default:
			out = append(out, likeElem{'c', r})
		}
	}
	if esc {
		out = append(out, likeElem{'c', '\\'})
	}
	return out
}

// likeMatch is the classic wildcard match with one backtracking point, which is
// exact for patterns made of literals, one-character and any-run wildcards. It walks
// s by byte offsets, decoding one character at a time.
func likeMatch(s string, p []likeElem) bool {
	i, j := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case j < len(p) && (p[j].op == '_' || p[j].op == 'c' && p[j].r == r):
			i += size
			j++
		case j < len(p) && p[j].op == '%':
			star, mark = j, i
			j++
		case star >= 0:
			_, msize := utf8.DecodeRuneInString(s[mark:])
			mark += msize
			i, j = mark, star+1
		default:
			return false
		}
	}
	for j < len(p) && p[j].op == '%' {
		j++
	}
	return j == len(p)
}

func callLike(_ *Env, args []value.Value) value.Value {
	s, ok1 := arg(args, 0).Str()
	p, ok2 := arg(args, 1).Str()
	if !ok1 || !ok2 {
		return value.Value{}
	}
	return value.Bool(likeMatch(s, compileLike(p)))
}

func prepareLike(consts []value.Value, isConst []bool) (CallFn, error) {
	pv, ok := constAt(consts, isConst, 1)
	if !ok {
		return nil, nil
	}
	p, ok := pv.Str()
	if !ok {
		return nil, nil
	}
	pat := compileLike(p)
	return func(_ *Env, args []value.Value) value.Value {
		s, ok := arg(args, 0).Str()
		if !ok {
			return value.Value{}
		}
		return value.Bool(likeMatch(s, pat))
	}, nil
}

package plan

import (
	"errors"
	"strings"
	"unicode"

	"github.com/trailbook/trailbook/kernel/dql/value"
)

// searchMatcher implements the ~ operator and the search command's text terms
// (spec/dql.md §4.8): case-insensitive token matching with * wildcards within a token.
type searchMatcher struct {
	text   string   // lower-cased search text, for exact matches of numbers and ips
	tokens []string // lower-cased tokens, possibly with *
	wild   bool
}

// maxWildcards is Dynatrace's documented limit for * in a search text.
const maxWildcards = 64

func newSearchMatcher(text string) (*searchMatcher, error) {
	if strings.Contains(text, "**") {
		return nil, errors.New(`search text cannot contain "**"`)
	}
	if strings.Count(text, "*") > maxWildcards {
		return nil, errors.New("search text has more than 64 wildcards")
	}
	m := &searchMatcher{text: strings.ToLower(text), wild: strings.Contains(text, "*")}
	m.tokens = tokenize(strings.ToLower(text), true)
	return m, nil
}

func isTokenRune(r rune, wild bool) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || (wild && r == '*')
}

// tokenize splits s into maximal runs of letters and digits (and * in patterns).
func tokenize(s string, wild bool) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !isTokenRune(r, wild) })
}

// matchValue applies the search to a value of any type.
func (m *searchMatcher) matchValue(v value.Value) bool {
	switch v.Kind() {
	case value.KindString:
		s, _ := v.Str()
		return m.matchString(s)
	case value.KindLong, value.KindDouble, value.KindIP:
		return !m.wild && strings.ToLower(value.Format(v)) == m.text
	case value.KindArray:
		arr, _ := v.Array()
		for _, e := range arr {
			if m.matchValue(e) {
				return true
			}
		}
	case value.KindRecord:
		rec, _ := v.Record()
		found := false
		rec.Range(func(name string, e value.Value) bool {
			found = m.matchString(name) || m.matchValue(e)
			return !found
		})
		return found
	}
	return false
}

func (m *searchMatcher) matchString(s string) bool {
	if len(m.tokens) == 0 {
		return false
	}
	toks := tokenize(strings.ToLower(s), false)
	for i := 0; i+len(m.tokens) <= len(toks); i++ {
		ok := true
		for j, p := range m.tokens {
			if !wildMatch(p, toks[i+j]) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// wildMatch matches a token against a pattern in which * stands for any run.
func wildMatch(p, s string) bool {
	if !strings.Contains(p, "*") {
		return p == s
	}
	parts := strings.Split(p, "*")
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for i := 1; i < len(parts)-1; i++ {
		k := strings.Index(s, parts[i])
		if k < 0 {
			return false
		}
		s = s[k+len(parts[i]):]
	}
	return strings.HasSuffix(s, parts[len(parts)-1])
}

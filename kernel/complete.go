package kernel

import (
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/trailbook/trailbook/kernel/dql/exec"
	"github.com/trailbook/trailbook/kernel/dql/funcs"
	"github.com/trailbook/trailbook/kernel/dql/plan"
	"github.com/trailbook/trailbook/kernel/protocol"
)

// Completion match types, shown by JupyterLab beside each match.
const (
	typeCommand  = "command"
	typeFunction = "function"
	typeParam    = "parameter"
	typeField    = "field"
	typeKeyword  = "keyword"
)

// maxMatches bounds a completion reply; editors filter further as the user types.
const maxMatches = 500

// keywords are DQL words that are neither commands nor functions.
var keywords = []string{"true", "false", "null", "and", "or", "xor", "not", "asc", "desc"}

// recordFields are the fields every fetched CloudTrail record has (spec/dql.md §14),
// offered before any result has been seen.
var recordFields = []string{
	exec.FieldTimestamp, exec.FieldContent, exec.FieldService, exec.FieldRegion, exec.FieldAccount,
	exec.FieldResourceType, exec.FieldBucket, exec.FieldLogSource, exec.FieldLogLevel,
}

// complete answers complete_request with commands, parameter names, functions,
// keywords and the field names seen in the session's results, including member
// paths such as event[userIdentity][arn].
func (s *Session) complete(req *protocol.Message) (string, any, error) {
	var r protocol.Complete
	if err := req.DecodeContent(&r); err != nil {
		return "", nil, err
	}
	s.mu.Lock()
	fields := s.fields.sorted()
	s.mu.Unlock()
	return protocol.CompleteReply, completions(r.Code, r.CursorPos, fields), nil
}

// candidate is one possible completion.
type candidate struct{ text, typ, signature string }

func completions(code string, cursor int, fields []string) protocol.CompleteReplyContent {
	p := byteOffset(code, cursor)
	cursor = utf8.RuneCountInString(code[:p])
	reply := protocol.CompleteReplyContent{
		Status: protocol.StatusOK, Matches: []string{}, CursorStart: cursor, CursorEnd: cursor,
		Metadata: map[string]any{},
	}
	if magic, _ := splitMagic(code); magic != "" {
		return reply
	}
	tokens := scanAll(code)
	for _, it := range tokens {
		inside := it.start < p && (p < it.end || !it.closed)
		if inside && (it.kind == tokString || it.kind == tokComment || it.kind == tokQuoted) {
			return reply
		}
	}
	start := p
	for start > 0 && (isIdentChar(code[start-1]) || strings.IndexByte(".[]", code[start-1]) >= 0) {
		start--
	}
	for start < p && !isIdentStart(code[start]) {
		start++
	}
	prefix := code[start:p]

	var cands []candidate
	if strings.Contains(prefix, "[") {
		for _, f := range fields {
			if strings.Contains(f, "[") {
				cands = append(cands, candidate{f, typeField, ""})
			}
		}
	} else {
		cands = contextCandidates(code, tokens, start, fields)
	}
	matches, types := match(cands, prefix)
	runeStart := utf8.RuneCountInString(code[:start])
	reply.CursorStart = runeStart
	reply.Matches = matches
	for i := range types {
		types[i].Start, types[i].End = runeStart, cursor
	}
	reply.Metadata["_jupyter_types_experimental"] = types
	return reply
}

// contextCandidates returns what may be written at byte offset start: a command
// after a pipe (or at the start of a query or sub-query), otherwise the current
// command's parameters, functions, fields and keywords.
func contextCandidates(code string, tokens []scanItem, start int, fields []string) []candidate {
	var before []scanItem
	for _, it := range tokens {
		if it.end > start {
			break
		}
		if it.kind != tokComment {
			before = append(before, it)
		}
	}
	text := func(it scanItem) string { return code[it.start:it.end] }
	if len(before) == 0 || text(before[len(before)-1]) == "|" || text(before[len(before)-1]) == "[" && opensSubquery(code, before) {
		var out []candidate
		for _, n := range plan.CommandNames() {
			out = append(out, candidate{n, typeCommand, commandSignature(n)})
		}
		return out
	}
	cmd, first := currentCommand(code, before)
	if first && cmd == "fetch" {
		return []candidate{{"logs", typeKeyword, "the CloudTrail log records"}}
	}
	var out []candidate
	for _, p := range plan.CommandParams(cmd) {
		out = append(out, candidate{p + ":", typeParam, cmd + " parameter"})
	}
	for _, n := range funcs.Names() {
		f, _ := funcs.Lookup(n)
		out = append(out, candidate{n, typeFunction, f.Doc})
	}
	if cmd == "summarize" || cmd == "makeTimeseries" {
		for _, n := range funcs.AggNames() {
			a, _ := funcs.LookupAgg(n)
			out = append(out, candidate{n, typeFunction, a.Doc})
		}
	}
	seen := map[string]bool{}
	for _, f := range append(append([]string(nil), recordFields...), fields...) {
		if !seen[f] {
			seen[f] = true
			out = append(out, candidate{f, typeField, ""})
		}
	}
	for _, k := range keywords {
		out = append(out, candidate{k, typeKeyword, ""})
	}
	return out
}

// currentCommand returns the command that the tokens before the cursor belong to:
// the identifier after the nearest pipe or sub-query start at the cursor's level
// (calls and records the cursor is inside do not count). first reports that the
// cursor follows the command name directly (its first argument).
func currentCommand(code string, before []scanItem) (name string, first bool) {
	at := func(j int) (string, bool) {
		if j < len(before) && before[j].kind == tokIdent {
			return code[before[j].start:before[j].end], j == len(before)-1
		}
		return "", false
	}
	depth := 0 // brackets closed between the token and the cursor
	for i := len(before) - 1; i >= 0; i-- {
		switch code[before[i].start:before[i].end] {
		case ")", "]", "}":
			depth++
		case "(", "{":
			if depth > 0 {
				depth--
			}
		case "[":
			if depth > 0 {
				depth--
			} else if opensSubquery(code, before[:i+1]) {
				return at(i + 1)
			}
		case "|":
			if depth == 0 {
				return at(i + 1)
			}
		}
	}
	return at(0)
}

// opensSubquery reports whether the last token of before, a "[", starts an
// execution block ([fetch …]) rather than an index or member access (a[0], e[x]):
// a bracket written right after a name or a closing bracket is an access.
func opensSubquery(code string, before []scanItem) bool {
	if len(before) < 2 {
		return true
	}
	b := before[len(before)-1]
	prev := before[len(before)-2]
	if prev.end < b.start { // space between: `in [fetch …]`
		return true
	}
	t := code[prev.start:prev.end]
	return !(prev.kind == tokIdent || prev.kind == tokQuoted || t == "]" || t == ")")
}

// match keeps the candidates that start with prefix: exact-case matches first, then
// case-insensitive ones, each group sorted, without duplicates.
func match(cands []candidate, prefix string) ([]string, []protocol.CompletionType) {
	lower := strings.ToLower(prefix)
	var exact, folded []candidate
	seen := map[string]bool{}
	for _, c := range cands {
		if seen[c.text] {
			continue
		}
		switch {
		case strings.HasPrefix(c.text, prefix):
			exact = append(exact, c)
		case strings.HasPrefix(strings.ToLower(c.text), lower):
			folded = append(folded, c)
		default:
			continue
		}
		seen[c.text] = true
	}
	byText := func(l []candidate) { sort.Slice(l, func(i, j int) bool { return l[i].text < l[j].text }) }
	byText(exact)
	byText(folded)
	all := append(exact, folded...)
	if len(all) > maxMatches {
		all = all[:maxMatches]
	}
	matches := make([]string, len(all))
	types := make([]protocol.CompletionType, len(all))
	for i, c := range all {
		matches[i] = c.text
		types[i] = protocol.CompletionType{Text: c.text, Type: c.typ, Signature: c.signature}
	}
	return matches, types
}

// byteOffset converts a cursor in code points to a byte offset, clamped to the code.
func byteOffset(code string, cursor int) int {
	if cursor <= 0 {
		return 0
	}
	n := 0
	for i := range code {
		if n == cursor {
			return i
		}
		n++
	}
	return len(code)
}

// commandSignature describes a command for completion and inspection.
func commandSignature(name string) string {
	params := plan.CommandParams(name)
	if len(params) == 0 {
		return name + " (DQL command)"
	}
	return name + " (DQL command; parameters: " + strings.Join(params, ", ") + ")"
}

// inspect answers inspect_request: the signature and description of the function
// under the cursor, or what trailbook knows of a command or a field.
func (s *Session) inspect(req *protocol.Message) (string, any, error) {
	var r protocol.Inspect
	if err := req.DecodeContent(&r); err != nil {
		return "", nil, err
	}
	reply := protocol.InspectReplyContent{Status: protocol.StatusOK, Data: protocol.MimeBundle{}, Metadata: map[string]any{}}
	name := wordAt(r.Code, byteOffset(r.Code, r.CursorPos))
	var text string
	if f, ok := funcs.Lookup(name); ok {
		text = f.Doc
	} else if a, ok := funcs.LookupAgg(name); ok {
		text = a.Doc
	} else if isCommand(name) {
		text = commandSignature(name)
	} else {
		s.mu.Lock()
		typ, ok := s.fields[name]
		s.mu.Unlock()
		if ok {
			text = name + ": field (" + typ + " in the last results)"
		}
	}
	if text == "" {
		return protocol.InspectReply, reply, nil
	}
	reply.Found = true
	reply.Data.SetText(protocol.MIMEText, text)
	return protocol.InspectReply, reply, nil
}

func isCommand(name string) bool {
	for _, c := range plan.CommandNames() {
		if c == name {
			return true
		}
	}
	return false
}

// wordAt returns the identifier (dotted names included) around byte offset p; the
// cursor may sit just after it, or on the "(" of a call.
func wordAt(code string, p int) string {
	if p > 0 && p <= len(code) && (p == len(code) || !isIdentChar(code[p])) && isIdentChar(code[p-1]) {
		p--
	} else if p < len(code) && code[p] == '(' && p > 0 {
		p--
	}
	if p < 0 || p >= len(code) || !(isIdentChar(code[p]) || code[p] == '.') {
		return ""
	}
	start, end := p, p
	for start > 0 && (isIdentChar(code[start-1]) || code[start-1] == '.') {
		start--
	}
	for end < len(code) && (isIdentChar(code[end]) || code[end] == '.') {
		end++
	}
	return strings.Trim(code[start:end], ".")
}
